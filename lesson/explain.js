// Why it says "five": a perceptron's answer for one digit, taken apart. Its output is the sigmoid (if it has
// one) of the bias plus each pixel's ink times that pixel's weight, so every pixel's part can be shown, and
// the parts add up to the answer: a perceptron adds up evidence, pixel by pixel.

import { PIXELS, output, weightedSum } from "./perceptron.js";
import { fixed } from "./numbers.js";

// The parts of the answer for pixels (784 values) from weights (785, the bias last): each pixel's part, the
// parts that push towards "five" and away from it added up, the bias, the weighted sum, the output, and
// the pixels that pushed most each way (up to `most` of each, strongest first).
export function parts(weights, pixels, activation, most = 5) {
  const each = new Float64Array(PIXELS);
  let towards = 0, away = 0;
  for (let i = 0; i < PIXELS; i++) {
    each[i] = weights[i] * pixels[i];
    if (each[i] > 0) towards += each[i];
    else away += each[i];
  }
  const ranked = Array.from(each.keys()).filter((i) => each[i] !== 0).sort((a, b) => each[b] - each[a]);
  return {
    each, towards, away, bias: weights[PIXELS], sum: weightedSum(weights, pixels, 0),
    output: output(weights, pixels, 0, activation), activation,
    mostTowards: ranked.filter((i) => each[i] > 0).slice(0, most),
    mostAway: ranked.filter((i) => each[i] < 0).reverse().slice(0, most),
  };
}

// Numbers rounded to `places` decimals so that the rounded parts add up to the rounded total, as a person
// adding them by hand would check: each part is rounded, and what is left over goes to the parts whose
// rounding moved them furthest.
export function roundedToAddUp(values, total, places = 2) {
  const unit = 10 ** places;
  const exact = values.map((value) => value * unit), rounded = exact.map(Math.round);
  let left = Math.round(Number(fixed(total, places)) * unit) - rounded.reduce((sum, value) => sum + value, 0);
  const byRemainder = exact.map((value, i) => i).sort((a, b) =>
    Math.sign(left) * ((exact[b] - rounded[b]) - (exact[a] - rounded[a])));
  for (const i of byRemainder) {
    if (left === 0) break;
    rounded[i] += Math.sign(left);
    left -= Math.sign(left);
  }
  return rounded.map((value) => fixed((value || 0) / unit, places));  // || 0: no -0.00.
}

// The sum written out, in words a learner can check with a calculator.
export function sentence(taken) {
  const [bias, towards, away] = roundedToAddUp([taken.bias, taken.towards, taken.away], taken.sum);
  const sum = fixed(taken.sum, 2);
  const said = taken.output > 0.5 ? 'above 0.5: "five"' : 'not above 0.5: "not five"';
  const added = `the bias ${bias}, plus ${towards} from the ink that pushes towards "five", plus ${away} ` +
    `from the ink that pushes away from it, makes the weighted sum ${sum}`;
  if (taken.activation === "sigmoid") {
    return `${added}; sigmoid(${sum}) = ${fixed(taken.output, 2)}, ${said}.`;
  }
  return `${added}, which is the output, ${said}.`;
}
