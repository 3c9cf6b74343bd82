// Training on the page, as Train and Step do it: the lines and the report in the log, a summary in the bar,
// the weights epoch by epoch, and the chart of the last runs. The perceptron's maths is perceptron.js'; this
// file shows it.

import { PIXELS, check, generator, sgdEpoch, sgdStep, shuffled, startingWeights, tally } from "./perceptron.js";
import { count, fixed, general, number, outputRange, percent } from "./numbers.js";
import { epochLine, heldOutCheck } from "./report.js";
import { drawingFrom, trainingSet } from "./digits.js";
import { chart, described, kept } from "./chart.js";

// What the linear unit's report suggests, in the page's own words.
const FIX = "switch line 29 to the sigmoid, in the bar above";

// Let the page draw before the next epoch, without the 4 ms a setTimeout may wait.
export function aMoment() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

// The digits a run trains on, and how the log names them.
function digitsFor(data, chosen) {
  const added = chosen.added ? chosen.added.split(".").map(drawingFrom) : [];
  const set = trainingSet(data, { trainingDigits: chosen.trainingDigits, pixels: chosen.pixels, added });
  const yours = added.length ? `, ${added.length} of them your drawings` : "";
  const raw = chosen.pixels === "raw" ? ", with raw pixels, 0 to 255" : "";
  return { set, line: `Digits: ${count(set.count)} for training (${count(set.fives)} of them fives${yours}) and ` +
    `${count(set.heldOutLabels.length)} held out, from the bundled sample${raw}.` };
}

// A run's settings, as the chart's legend and the bar name it: the activation and the learning rate, and any
// other setting that is not the scripts'.
function runName(chosen) {
  const others = [
    chosen.batchSize !== 32 && `batch ${count(chosen.batchSize)}`, chosen.epochs !== 10 && plural(chosen.epochs, "epoch"),
    chosen.seed !== 0 && `seed ${chosen.seed}`, chosen.pixels === "raw" && "raw pixels",
    chosen.trainingDigits < 4000 && `${count(chosen.trainingDigits)} digits`,
    chosen.added && plural(chosen.added.split(".").length, "drawing"),
  ].filter(Boolean);
  return [`${chosen.activation}, ${general(chosen.learningRate)}`, ...others].join(", ");
}

const plural = (number, noun) => `${count(number)} ${noun}${number === 1 ? "" : "s"}`;

// What the report's advice cannot know: that the data, not the steps, kept it from learning.
function dataNote(chosen, set) {
  const notes = [];
  if (chosen.pixels === "raw") {
    notes.push("These were raw pixels, 0 to 255: every weighted sum is hundreds of times larger than with " +
      "pixels 0..1, and so is every step, whatever the learning rate. Scale them, in part 5.");
  }
  if (set.count < 4000) {
    notes.push(`It trained on ${count(set.count)} digits, ${count(set.fives)} of them fives: fewer examples, and ` +
      `${count(chosen.epochs * Math.ceil(set.count / chosen.batchSize))} steps in all.`);
  }
  return notes.length ? `\n\n${notes.join("\n")}` : "";
}

// Train from the start for chosen.epochs, as the scripts do. ui: {log, summary, chart, weights (a
// weightsView), busy(on)}. chosen.initialWeights and chosen.order (one order per epoch), if given, replace
// the page's own random start and orders. Returns what playground.train returns.
export async function train(data, chosen, runs, ui) {
  ui.busy(true);
  const random = generator(chosen.seed), { set, line } = digitsFor(data, chosen);
  const weights = chosen.initialWeights ? Float32Array.from(chosen.initialWeights) : startingWeights(random);
  ui.weights.reset();
  ui.weights.add(weights, "before training");
  ui.log.textContent = `${line}\n`;
  const epochs = [];
  let checked = null;
  for (let epoch = 0; epoch < chosen.epochs; epoch++) {
    const order = chosen.order ? chosen.order[epoch] : shuffled(set.count, random);
    const result = sgdEpoch(weights, set.pixels, set.labels, order, chosen.activation, chosen.learningRate,
      chosen.batchSize);
    checked = check(weights, set.heldOutPixels, set.heldOutLabels, chosen.activation);
    Object.assign(result, { heldOutAccuracy: checked.accuracy, heldOutLoss: checked.loss });
    epochs.push(result);
    ui.log.textContent += `${epochLine(epoch, chosen.epochs, result)}\n`;
    const caption = `epoch ${epoch + 1}/${chosen.epochs}: held-out accuracy ${percent(result.heldOutAccuracy)}`;
    ui.weights.add(weights, caption);
    ui.summary.textContent = `Epoch ${epoch + 1}/${chosen.epochs}: held-out accuracy ${percent(result.heldOutAccuracy)}`;
    await aMoment();
  }
  const steps = chosen.epochs * Math.ceil(set.count / chosen.batchSize);
  ui.log.textContent += heldOutCheck(checked.outputs, data.heldOutDigits, epochs, chosen.activation,
    chosen.learningRate, steps, FIX) + dataNote(chosen, set);
  const found = Array.from(checked.outputs).filter((value, i) => value > 0.5 && set.heldOutLabels[i] === 1).length;
  const fives = set.heldOutLabels.reduce((sum, five) => sum + five, 0);
  ui.summary.textContent = `Trained ${runName(chosen)}: held-out accuracy ${percent(checked.accuracy)}, ` +
    `${found} of the ${fives} fives found${found ? "" : ': no better than always "not five"'}. ` +
    "The whole report is in part 1.";
  ui.weights.last();
  runs.splice(0, runs.length, ...kept(runs, { label: runName(chosen), epochs, serial: (runs.at(-1)?.serial ?? -1) + 1 }));
  ui.chart.innerHTML = chart(runs);
  ui.chart.setAttribute("aria-label", `Accuracy per epoch: ${described(runs)}`);
  ui.busy(false);
  return {
    epochs, weights: Array.from(weights), outputs: Array.from(checked.outputs),
    description: `It is the ${chosen.activation} perceptron you trained, at learning rate ` +
      `${general(chosen.learningRate)}: held-out accuracy ${percent(checked.accuracy)}, and it found ${found} of ` +
      `the ${fives} held-out fives.`,
    weightsArray: weights,
  };
}

// One step of SGD on the next batch, from where the last step left off; the first step starts afresh, as
// Train does. stepping holds where it is ({weights, order, place, steps, largest}); chosen as for train.
// Returns {outputs, weights, stepping}: the batch's outputs before the step, and the weights after it.
export function step(data, chosen, stepping, ui) {
  if (!stepping) {
    const random = generator(chosen.seed), { set, line } = digitsFor(data, chosen);
    const weights = chosen.initialWeights ? Float32Array.from(chosen.initialWeights) : startingWeights(random);
    stepping = { set, weights, order: chosen.order ? chosen.order[0] : shuffled(set.count, random), place: 0,
      steps: 0, largest: NaN };
    ui.weights.reset();
    ui.weights.add(weights, "before training");
    ui.log.textContent = `${line}\nStep by step, from the start at seed ${chosen.seed}: one batch of ` +
      `${count(chosen.batchSize)} at a time, at learning rate ${general(chosen.learningRate)}. Each line gives the ` +
      "batch's outputs before its step, then how far the step moved the weights, and the held-out accuracy " +
      "after it.\n";
  }
  const { set, weights, order } = stepping;
  if (stepping.place >= order.length) stepping.place = 0;  // A new epoch, in the same order.
  const batch = order.slice(stepping.place, stepping.place + chosen.batchSize), before = Float32Array.from(weights);
  const outputs = sgdStep(weights, set.pixels, set.labels, batch, chosen.activation, chosen.learningRate);
  stepping.place += batch.length;
  stepping.steps += 1;
  const { lowestOutput, highestOutput } = tally(outputs, Float32Array.from(batch, (index) => set.labels[index]));
  let moved = 0;
  for (let i = 0; i <= PIXELS; i++) moved = Math.max(moved, Math.abs(weights[i] - before[i]));
  const largest = Math.max(Math.abs(lowestOutput), Math.abs(highestOutput));
  const times = largest / stepping.largest;
  const growth = Number.isFinite(times) && stepping.largest > 0
    ? `, the largest ${times >= 10 ? count(Math.round(times)) : fixed(times, 1)} times the last batch's` : "";
  stepping.largest = largest;
  const heldOut = check(weights, set.heldOutPixels, set.heldOutLabels, chosen.activation);
  const text = `Step ${count(stepping.steps)}: outputs ${outputRange(lowestOutput, highestOutput)}${growth}; the ` +
    `step moved the weights by up to ${number(moved)}; held-out accuracy now ${percent(heldOut.accuracy)}`;
  ui.log.textContent += `${text}\n`;
  ui.summary.textContent = text;
  ui.weights.add(weights, `after step ${stepping.steps}`);
  return { outputs: Array.from(outputs), weights: Array.from(weights), stepping };
}
