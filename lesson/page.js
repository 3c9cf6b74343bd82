// The playground's wiring: the rooms beside this file joined to lesson/playground.html's elements. It keeps
// the settings in the bar and the address, and hands Train, Step and the pad to the rooms that do them.
// `python -m lesson.playground` inlines it, with what it imports, into playground.html.
//
// window.playground: what the tests use. Kept stable.
// - playground.data: {trainImages, trainDigits, heldOutImages, heldOutDigits}, Uint8Arrays. Images are
//   row-major, 784 bytes per digit, 0..255; digits are 0..9. The same 4,000 / 1,000 split, in the same
//   order, as the scripts' --data sample.
// - await playground.train({activation: "linear" | "sigmoid", learningRate, epochs, batchSize, seed, pixels,
//   trainingDigits, added, initialWeights?, order?}), each setting left out as the page has it now (see
//   settings.js for their meanings): initialWeights is 785 numbers, the 784 weights,
//   row-major, then the bias; order is one permutation of the training indices per epoch. Returns {epochs:
//   [{accuracy, loss, lowestOutput, highestOutput, heldOutAccuracy, heldOutLoss}], weights}: accuracies as
//   fractions, the lowest and highest of each epoch's finite outputs (NaN when none was finite), and the 785
//   weights. The page shows what the call did, as if Train had been pressed.
// - playground.step(options): one batch of SGD, as Step does; the first call after other settings starts
//   afresh. The same options as train, with order's first permutation used. Returns {outputs, weights}: the
//   batch's outputs before the step, and the weights after it.
// - playground.weights(): the current 785 numbers.
// - playground.seen(): the 784 pixels that the perceptron saw of the drawing on the pad, or null.
// - playground.parts(): the answer for the pad taken apart ({each, towards, away, bias, sum, output}), or null.
// - await playground.settled(): once the pad's verdict is shown, after the pen is lifted or the pad cleared.
// - await playground.paint(pixels): a digit of 784 pixels 0..255, white on black, painted on the pad as the
//   held-out digits are, and its verdict shown.
// - Element ids: #pad, #verdict ("five (0.97)" or "not five (0.03)") and #clear.

import { generator, startingWeights } from "./perceptron.js";
import { count, general } from "./numbers.js";
import { DEFAULTS, RATES, TRAINING_DIGITS, fromAddress, nearestRate, toAddress, within } from "./settings.js";
import { decodeDigits, drawingText, quantized } from "./digits.js";
import { parts } from "./explain.js";
import { weightsView } from "./weights-view.js";
import { padOn } from "./pad.js";
import { digitView } from "./digit-view.js";
import { aMoment, step, train } from "./training.js";

// Written into the page by lesson/playground.py (the digits, and build_model's lines) and draw.py (a trained
// perceptron), in the page's first script.
const { DIGITS, CODE, PERCEPTRON } = window.lessonData;
const element = (id) => document.getElementById(id);

// The settings shown; the perceptron the pad asks, with what it is; the digits; whether it is training; the
// runs the chart keeps; and where Step has got to.
const state = { settings: { ...DEFAULTS }, model: null, data: null, busy: false, runs: [], stepping: null };

const weights = weightsView({
  picture: element("weights"), scale: element("weights-scale"), caption: element("weights-caption"),
  low: element("scale-low"), high: element("scale-high"), slider: element("frame"), play: element("play"),
});
const digit = digitView({
  verdict: element("verdict"), hint: element("hint"), answering: element("answering"), ink: element("step-ink"),
  cropped: element("step-cropped"), scaled: element("step-scaled"), seen: element("seen"), push: element("push"),
  why: element("why"), useCrop: element("use-crop"), useCentre: element("use-centre"), useScale: element("use-scale"),
});
const pad = padOn(element("pad"), updatePadSoon);
const ui = {
  log: element("log"), summary: element("summary"), chart: element("chart"), weights, busy: (on) => {
    state.busy = on;
    for (const id of ["train", "step"]) element(id).setAttribute("aria-disabled", String(on));
    // The settings wait while it trains: a change now would not be what the run uses.
    for (const control of document.querySelectorAll("#controls .switch button, #controls input, #improve input, " +
      "#improve select, #improve button")) control.disabled = on;
  },
};

// ---------------------------------------------------------------------------
// The settings: in the bar, in part 5, and in the address.

function showCode() {
  element("script-name").textContent = state.settings.activation === "linear" ? "perceptron-single.py"
    : "perceptron-sigmoid.py";
  element("code").innerHTML = "";
  for (const [line, text] of CODE ? CODE.lines : []) {
    // A line of its own, so that a long one wraps under itself, not under the numbers.
    const span = document.createElement("span");
    span.className = line === 29 ? "line changed" : "line";
    span.innerHTML = `<span class="number">${String(line).padStart(2)}  </span>`;
    span.append(line === 29 ? CODE.line29[state.settings.activation] : text);
    element("code").append(span);
  }
}

function showSettings(chosen) {
  // The settings alone, not a call's own start or order.
  state.settings = Object.fromEntries(Object.keys(DEFAULTS).map((key) => [key, chosen[key] ?? DEFAULTS[key]]));
  const { activation, learningRate, batchSize, epochs, seed, pixels, trainingDigits, added } = state.settings;
  element("linear").setAttribute("aria-pressed", String(activation === "linear"));
  element("sigmoid").setAttribute("aria-pressed", String(activation === "sigmoid"));
  // The slider's nearest place; the rate itself is kept as it was given, and said as it is.
  element("rate").value = nearestRate(learningRate);
  element("rate").setAttribute("aria-valuetext", general(learningRate));
  element("rate-value").textContent = general(learningRate);
  element("batch").value = batchSize;
  element("epochs").value = epochs;
  element("seed").value = seed;
  element(`pixels-${pixels}`).checked = true;
  if (!TRAINING_DIGITS.includes(trainingDigits) && !element("training-digits").querySelector(`[value="${trainingDigits}"]`)) {
    element("training-digits").append(new Option(count(trainingDigits), trainingDigits));  // From a link.
  }
  element("training-digits").value = trainingDigits;
  const drawings = added ? added.split(".") : [], fives = drawings.filter((text) => text[0] === "f").length;
  element("added-note").textContent = drawings.length
    ? `You have added ${drawings.length} of your drawings (${fives} marked five), after the ${count(trainingDigits)} ` +
      "training digits. Train again to see what they change."
    : "You have added none of your own drawings. Draw one in part 6 and add it.";
  element("remove-added").hidden = !drawings.length;
  showCode();
  history.replaceState(null, "", `#${toAddress(state.settings)}`);
}

// A change of setting: shown, said if it was put right, and the last run's log cleared of a stale "Press".
function change(changed, notice = "") {
  if (state.busy) return;
  state.stepping = null;
  showSettings({ ...state.settings, ...changed });
  element("notice").textContent = notice;
  element("summary").textContent = "The settings changed: press Train, or Step.";
}

function connectControls() {
  element("linear").addEventListener("click", () => change({ activation: "linear" }));
  element("sigmoid").addEventListener("click", () => change({ activation: "sigmoid" }));
  element("rate").addEventListener("input", () => change({ learningRate: RATES[element("rate").value] }));
  for (const [id, setting] of [["batch", "batchSize"], ["epochs", "epochs"], ["seed", "seed"]]) {
    element(id).addEventListener("change", () => {
      const { value, notice } = within(setting, element(id).value);
      change({ [setting]: value }, notice);
    });
  }
  for (const pixels of ["scaled", "raw"]) element(`pixels-${pixels}`).addEventListener("change", () => change({ pixels }));
  element("training-digits").addEventListener("change", () =>
    change({ trainingDigits: Number(element("training-digits").value) }));
  element("remove-added").addEventListener("click", () => change({ added: "" }));
  for (const [id, five] of [["add-five", true], ["add-other", false]]) {
    element(id).addEventListener("click", () => addDrawing(five));
  }
  element("train").addEventListener("click", () => { if (!state.busy) runTrain(state.settings); });
  element("step").addEventListener("click", () => { if (!state.busy) runStep(state.settings); });
  element("clear").addEventListener("click", pad.clear);
  element("held-out").addEventListener("click", () => {
    // The next held-out digit, in turn, so that a keyboard can try them one by one.
    state.heldOut = ((state.heldOut ?? -1) + 1) % state.data.heldOutDigits.length;
    pad.paint(state.data.heldOutImages.subarray(state.heldOut * 784, (state.heldOut + 1) * 784));
    element("pad").setAttribute("aria-label", `The drawing pad: held-out digit ${state.heldOut + 1}, a ` +
      `${state.data.heldOutDigits[state.heldOut]}`);
  });
  // A word's link opens the list of words at it, and keeps the settings in the address.
  document.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#word-"]');
    if (!link) return;
    event.preventDefault();
    element("glossary").open = true;
    const entry = document.querySelector(link.getAttribute("href"));
    entry.tabIndex = -1;
    entry.focus();
  });
  for (const id of ["use-crop", "use-centre", "use-scale"]) element(id).addEventListener("change", updatePad);
  window.addEventListener("hashchange", () => {
    // Only an address with settings in it, not a link to a place on the page.
    if (state.busy || !location.hash.includes("=")) return;
    const { settings, notices } = fromAddress(location.hash);
    change(settings, notices.join(" "));
  });
  // The bar stays at the top: what the keyboard or a link brings into view goes below it.
  const belowTheBar = () => {
    document.documentElement.style.scrollPaddingTop = `${element("controls").offsetHeight + 8}px`;
  };
  new ResizeObserver(belowTheBar).observe(element("controls"));
}

// A drawing added to the training digits, as the address holds it: 16 levels of grey, 0..1. Not a held-out
// digit, which would no longer check the perceptron on digits it has never seen; and not twice.
function addDrawing(five) {
  const seen = digit.seen(), said = element("added-here");
  if (state.busy) said.textContent = "It is training: add it when training is over.";
  else if (!seen) said.textContent = "Draw a digit first, then add it.";
  else if (pad.painted()) said.textContent = "This is one of the held-out digits: they are never added to the training digits.";
  else {
    const text = drawingText(quantized(seen.map((value) => value / Math.max(...seen))), five);
    const drawings = state.settings.added ? state.settings.added.split(".") : [];
    if (drawings.includes(text)) {
      said.textContent = "That drawing is added already.";
      return;
    }
    change({ added: [...drawings, text].join(".") });
    said.textContent = `Added, as ${five ? "a five" : "not a five"}. ${element("added-note").textContent}`;
  }
}

// ---------------------------------------------------------------------------
// Train, Step and the pad.

async function runTrain(options) {
  state.stepping = null;
  const chosen = { ...state.settings, ...options };
  showSettings(chosen);
  state.model = { weights: null, activation: chosen.activation, description: "It is training." };
  const result = await train(state.data, chosen, state.runs, ui);
  state.model = { weights: result.weightsArray, activation: chosen.activation, raw: chosen.pixels === "raw",
    description: result.description };
  updatePad();
  return { epochs: result.epochs, weights: result.weights };
}

function runStep(options) {
  const chosen = { ...state.settings, ...options };
  if (!state.stepping) showSettings(chosen);
  const result = step(state.data, chosen, state.stepping, ui);
  state.stepping = result.stepping;
  state.model = { weights: result.stepping.weights, activation: chosen.activation, raw: chosen.pixels === "raw",
    description: `It is the ${chosen.activation} perceptron after ${count(result.stepping.steps)} ` +
      `step${result.stepping.steps === 1 ? "" : "s"}.` };
  updatePad();
  return { outputs: result.outputs, weights: result.weights };
}

function updatePad() {
  const grey = pad.greys(), nothing = grey.values.every((value) => value >= 128);
  if (pad.strokes()) element("pad").setAttribute("aria-label", `The drawing pad: ${pad.strokes()} strokes`);
  else if (nothing) element("pad").setAttribute("aria-label", "The drawing pad: empty");
  const seen = digit.show(grey, state.model, state.model?.raw, nothing);
  // A held-out digit's own label, and whether the answer is right.
  if (pad.painted() && !pad.strokes() && state.heldOut !== undefined) {
    const shown = state.data.heldOutDigits[state.heldOut], said = element("verdict").textContent;
    const right = VERDICT_WORDS.test(said) ? (said.startsWith("five") === (shown === 5) ? ": right" : ": wrong") : "";
    element("answering").textContent = `Held-out digit ${state.heldOut + 1} is a ${shown}${right}. ` +
      element("answering").textContent;
  }
  element("added-here").textContent = "";
  return seen;
}
const VERDICT_WORDS = /^(five|not five) \(/;

// The verdict shows that it is working before the work, which takes a moment on a slow phone.
// (A frame, for the browser to show it, and then a moment, after the frame is drawn.)
let padUpdated = Promise.resolve();
function updatePadSoon() {
  element("verdict").classList.add("working");
  padUpdated = padUpdated.then(async () => {
    await new Promise(requestAnimationFrame);
    await aMoment();
    updatePad();
    element("verdict").classList.remove("working");
  });
}

// ---------------------------------------------------------------------------
// Starting up.

async function start() {
  element("status").hidden = true;
  for (const digits of TRAINING_DIGITS) element("training-digits").append(new Option(count(digits), digits));
  connectControls();
  const { settings, notices } = fromAddress(location.hash);
  showSettings(settings);
  element("notice").textContent = notices.join(" ");
  pad.clear();
  state.data = await decodeDigits(DIGITS);
  if (PERCEPTRON !== null) {
    // A perceptron the scripts trained, from draw.py: the drawing part comes first.
    state.model = { weights: Float32Array.from([...PERCEPTRON.weights, PERCEPTRON.bias]),
      activation: PERCEPTRON.activation, description: `It is the ${PERCEPTRON.activation} perceptron saved in ` +
      `${PERCEPTRON.name}.` };
    showSettings({ ...state.settings, activation: PERCEPTRON.activation });
    weights.add(state.model.weights, `the weights in ${PERCEPTRON.name}`);
    element("status").hidden = false;
    element("status").textContent = `This page holds the perceptron saved in ${PERCEPTRON.name}. Draw a digit ` +
      "and it answers; or press Train to train a new one here.";
    document.querySelector("main > div").prepend(element("pad-section"));
  } else {
    state.model = { weights: startingWeights(generator(state.settings.seed)), activation: state.settings.activation,
      description: "It is untrained: its weights are still the random ones it starts with. Press Train.",
      untrained: true };
    weights.add(state.model.weights, "before training");
  }
  ui.busy(false);
  updatePad();
}

window.playground = {
  get data() { return state.data; },
  train: runTrain,
  step: runStep,
  weights: () => Array.from(state.model.weights),
  seen: () => (digit.seen() === null ? null : Array.from(digit.seen())),
  parts: () => (digit.seen() && state.model?.weights
    ? parts(state.model.weights, digit.seen(), state.model.activation) : null),
  settled: () => padUpdated,  // Once the pad's verdict is shown.
  paint: (pixels) => { pad.paint(Uint8Array.from(pixels)); return padUpdated; },
  ready: start(),
};
