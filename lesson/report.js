// What Train prints, word for word as the scripts print it: lesson/watch.py's line per epoch, and
// lesson/report.py's held_out_check(), the held-out check and the lecture's debugging step.
// tests/page/report.test.js holds every branch to Python's own text.

import { count, general, number, outputRange, percent, wrapped } from "./numbers.js";

// The report prints this many outputs for fives, and as many for other digits (report.OUTPUTS_SHOWN_PER_KIND).
export const OUTPUTS_SHOWN_PER_KIND = 4;

// What the linear unit's report suggests (report.SIGMOID_FIX).
export const SIGMOID_FIX = "see perceptron-sigmoid.py";

// watch.EpochLine: epoch counts from 0; result holds accuracy, loss, lowestOutput, highestOutput,
// heldOutAccuracy and heldOutLoss.
export function epochLine(epoch, epochs, result) {
  return `Epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs}: ` +
    `accuracy ${percent(result.accuracy)}, loss ${number(result.loss)}, ` +
    `outputs ${outputRange(result.lowestOutput, result.highestOutput)}  |  ` +
    `held-out accuracy ${percent(result.heldOutAccuracy)}, loss ${number(result.heldOutLoss)}`;
}

// report.paragraph: sentences wrapped at 88 characters, after a blank line.
const paragraph = (...sentences) => ["", wrapped(sentences.join(" "))];

// report.training_range: the lowest and highest output of all the epochs, or NaN if none was a number.
function trainingRange(epochs) {
  const numbers = epochs.filter((epoch) => !Number.isNaN(epoch.lowestOutput));
  if (!numbers.length) return [NaN, NaN];
  return [Math.min(...numbers.map((epoch) => epoch.lowestOutput)),
    Math.max(...numbers.map((epoch) => epoch.highestOutput))];
}

// report.held_out_check: outputs on the held-out digits, the digits they show, each epoch's numbers (loss,
// lowestOutput, highestOutput), the activation, the learning rate and the number of SGD steps.
export function heldOutCheck(outputs, digits, epochs, activation, learningRate, steps, fix = SIGMOID_FIX) {
  const isFive = Array.from(digits, (digit) => digit === 5);
  const saidFive = Array.from(outputs, (value) => value > 0.5);
  let found = 0, falseFives = 0, fives = 0;
  isFive.forEach((five, i) => {
    fives += five;
    found += five && saidFive[i];
    falseFives += !five && saidFive[i];
  });
  const calledFive = found + falseFives, right = outputs.length - (fives - found) - falseFives;
  const accuracy = right / outputs.length, baseline = (outputs.length - fives) / outputs.length;
  const hardly = accuracy <= baseline + 0.01;  // Hardly better than always answering "not five".

  const ofThem = fives ? `${count(fives)} of them fives` : "none of them fives";
  const lines = ["", `Held-out check, on ${count(outputs.length)} digits it never trained on, ${ofThem}:`];
  if (!fives) {
    lines.push(`  With no fives among them, only its mistakes can be counted: it called ${count(calledFive)} ` +
      "of them five.");
    lines.push(`  Accuracy ${percent(accuracy)} (${count(right)} right), where always answering "not five" ` +
      `scores ${percent(baseline)}.`);
  } else if (hardly && !found) {
    lines.push(`  It found 0 of the ${count(fives)} fives: no better than always answering "not five".`);
    // The lecture's words are about its linear model.
    const lecture = activation === "linear" ? "This is the lecture's \"very low accuracy\": " : "";
    lines.push(`  ${lecture}${percent(accuracy)} sounds high, but always answering "not five" ` +
      `scores ${percent(baseline)}.`);
  } else {
    lines.push(`  It found ${count(found)} of the ${count(fives)} fives (recall ${percent(found / fives)}).`);
    if (calledFive) {
      const digits = calledFive === 1 ? "digit" : "digits", were = found === 1 ? "was a five" : "were fives";
      lines.push(`  Of the ${count(calledFive)} ${digits} it called five, ${count(found)} ${were} ` +
        `(precision ${percent(found / calledFive)}).`);
    }
    lines.push(`  Accuracy ${percent(accuracy)} (${count(right)} right), against ${percent(baseline)} for always ` +
      `answering "not five"${hardly ? ": hardly better" : ""}.`);
  }

  lines.push("", 'Debugging: print the outputs. Label 1 means five; an output above 0.5 is called "five".',
    "  digit  label      output  called");
  const shownFives = [], shownOthers = [];
  isFive.forEach((five, i) => {
    const shown = five ? shownFives : shownOthers;
    if (shown.length < OUTPUTS_SHOWN_PER_KIND) shown.push(i);
  });
  for (const i of [...shownFives, ...shownOthers].sort((a, b) => a - b)) {
    const wrong = saidFive[i] !== isFive[i] ? " (wrong)" : "";
    lines.push(`  ${String(digits[i]).padStart(5)}  ${String(isFive[i] ? 1 : 0).padStart(5)}  ` +
      `${number(outputs[i]).padStart(10)}  ${saidFive[i] ? "five" : "not five"}${wrong}`);
  }

  const finite = Array.from(outputs).filter(Number.isFinite);
  const least = Math.min(...finite), most = Math.max(...finite);
  if (finite.length === outputs.length && least >= 0 && most <= 1) {
    const squashed = activation === "sigmoid" ? ": the sigmoid squashes each weighted sum into 0..1" : "";
    lines.push(...paragraph(`Every output on the held-out digits is between 0 and 1, from ${number(least)} ` +
      `to ${number(most)}${squashed}.`));
  } else {
    const sentences = ["The outputs are not numbers between 0 and 1."];
    const [lowest, highest] = trainingRange(epochs);
    if (!Number.isNaN(lowest)) {
      const large = lowest <= -1000 && highest >= 1000 ? ", large negative and positive numbers" : "";
      sentences.push(`Over all the epochs of training they ranged from ${number(lowest)} to ` +
        `${number(highest)}${large}.`);
    }
    if (finite.length === 0) {
      sentences.push("Then they overflowed: every output is now nan, and nan > 0.5 is false, so every digit " +
        "is called \"not five\".");
    } else if (finite.length < outputs.length) {
      sentences.push(`Now ${count(outputs.length - finite.length)} of them are nan or inf.`);
    } else {
      sentences.push(`On the held-out digits they run from ${number(least)} to ${number(most)}.`);
    }
    if (activation !== "sigmoid") sentences.push(`A sigmoid squashes every output into 0..1: ${fix}.`);
    lines.push(...paragraph(...sentences));
  }

  const rate = general(learningRate);
  if (activation === "sigmoid" && hardly && fives) {
    lines.push(...paragraph(
      `It has hardly learned, in ${count(steps)} SGD steps at learning rate ${rate}. Too few steps, or`,
      "steps too small, take too long; steps that are too large push the outputs to 0 or 1, where",
      "the sigmoid is flat and later steps hardly move them. The scripts' settings, 10 epochs in",
      "batches of 32 at learning rate 0.5, suit it.",
    ));
  }
  if (activation === "linear" && !epochs.every((epoch) => Number.isFinite(epoch.loss))) {
    lines.push(...paragraph(
      "Why it never learns: with mean squared error, each SGD step is proportional to the error,",
      "the output minus the label. A linear output has no limit, so at learning rate",
      `${rate} one step can overshoot the good weights (as the lecture`,
      'puts it, "skip over the optimal weights"). The next error is then larger, and so is the next',
      "step: the outputs swing from sign to sign and grow until they overflow. A sigmoid keeps every",
      "output, and so every error, within 0..1, so every step stays bounded. A linear unit learns",
      "only with much smaller steps, such as a learning rate of 0.01.",
    ));
  }
  return lines.join("\n");
}
