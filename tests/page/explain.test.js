// lesson/explain.js: the parts of an answer add up to it.

import test from "node:test";
import assert from "node:assert/strict";
import { parts, roundedToAddUp, sentence } from "../../lesson/explain.js";
import { PIXELS, generator, output, sgdEpoch, shuffled, startingWeights } from "../../lesson/perceptron.js";
import { isFive, scaled } from "../../lesson/digits.js";
import { fixture } from "./fixtures.js";

const sample = fixture("sample");
const pixels = scaled(sample.heldOutImages), labels = isFive(sample.trainDigits);

// A sigmoid perceptron trained for an epoch, from the page's own start.
const random = generator(0), weights = startingWeights(random);
sgdEpoch(weights, scaled(sample.trainImages), labels, shuffled(4000, random), "sigmoid", 0.5, 32);

test("the parts, plus the bias, make the weighted sum, to within float32's rounding, and the output is the answer", () => {
  for (let digit = 0; digit < 200; digit++) {
    const one = pixels.subarray(digit * PIXELS, (digit + 1) * PIXELS);
    for (const activation of ["linear", "sigmoid"]) {
      const taken = parts(weights, one, activation);
      const added = taken.towards + taken.away + taken.bias;
      assert.ok(Math.abs(added - taken.sum) <= 2 ** -23 * Math.max(1, Math.abs(taken.towards), Math.abs(taken.away)));
      assert.equal(taken.output, output(weights, one, 0, activation));
      assert.ok(Math.abs(taken.each.reduce((sum, part) => sum + part, 0) - (taken.towards + taken.away)) < 1e-12);
      // The strongest parts each way, in order.
      assert.ok(taken.mostTowards.every((i, k) => taken.each[i] > 0 && (k === 0 || taken.each[taken.mostTowards[k - 1]] >= taken.each[i])));
      assert.ok(taken.mostAway.every((i, k) => taken.each[i] < 0 && (k === 0 || taken.each[taken.mostAway[k - 1]] <= taken.each[i])));
      assert.equal(Math.max(...taken.each), taken.each[taken.mostTowards[0]] ?? 0);
    }
  }
});

test("the rounded parts add up to the rounded sum, as a learner would check by hand", () => {
  const random = generator(5);
  for (let round = 0; round < 2000; round++) {
    const values = [random() * 4 - 2, random() * 20, -random() * 20];
    const total = values[0] + values[1] + values[2];
    const shown = roundedToAddUp(values, total).map(Number);
    assert.ok(Math.abs(shown[0] + shown[1] + shown[2] - Number(total.toFixed(2))) < 1e-9, `${values} -> ${shown}`);
    shown.forEach((value, i) => assert.ok(Math.abs(value - values[i]) <= 0.02));
  }
  assert.deepEqual(roundedToAddUp([0.004, -0.004, 0], 0), ["0.00", "0.00", "0.00"]);
});

test("the sentence says the sum and the answer", () => {
  const taken = { bias: -0.111, towards: 5.314, away: -3.872, sum: 1.331, output: 0.791, activation: "sigmoid" };
  assert.equal(sentence(taken), 'the bias -0.11, plus 5.31 from the ink that pushes towards "five", plus -3.87 ' +
    'from the ink that pushes away from it, makes the weighted sum 1.33; sigmoid(1.33) = 0.79, above 0.5: "five".');
  assert.match(sentence({ ...taken, activation: "linear", output: 1.331 }), /makes the weighted sum 1\.33, which is the output, above 0\.5: "five"\.$/);
  assert.match(sentence({ ...taken, output: 0.21 }), /sigmoid\(1\.33\) = 0\.21, not above 0\.5: "not five"\.$/);
});
