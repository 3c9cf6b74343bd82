// lesson/perceptron.js against Keras: the same SGD, from the same start in the same order, over a grid of
// activations, learning rates and batch sizes (tests/page/keras-sgd.json, which tests/page_fixtures.py
// writes and tests/test_page_rooms.py checks against Keras afresh).

import test from "node:test";
import assert from "node:assert/strict";
import {
  GLOROT_LIMIT, PIXELS, check, generator, output, sgdEpoch, sgdStep, shuffled, startingWeights, weightedSum,
} from "../../lesson/perceptron.js";
import { isFive, scaled } from "../../lesson/digits.js";
import { fixture, largestDifference } from "./fixtures.js";

const grid = fixture("keras-sgd");
const sample = fixture("sample");
const trainPixels = scaled(sample.trainImages), trainLabels = isFive(sample.trainDigits);
const heldOutPixels = scaled(sample.heldOutImages), heldOutLabels = isFive(sample.heldOutDigits);

// How far the page's weights may be from Keras', as a share of the largest weight (or of 1), after the first
// 10 steps, after 1 epoch and after 3. The page sums a batch's gradient in another order than TensorFlow,
// which changes float32's last digit (6e-8); most cases stay within 2e-7 after 3 epochs. Where Keras'
// weights are not numbers, neither are the page's. The exceptions, with what was measured:
const BOUNDS = {
  default: [1e-6, 1e-6, 1e-6],
  // One sum of 4,000 products a step: 1.5e-6 measured, also at learning rate 10, where the weights grow.
  "linear 0.5 4000": [2e-6, 2e-6, 3e-6], "linear 10 4000": [3e-6, 3e-6, 3e-6], "sigmoid 10 4000": [2e-6, 2e-6, 2e-6],
  // Steps of 0.01 on one digit at a time barely settle, and carry each rounding on: 1.7e-6, 5.2e-6, 7.4e-6.
  "linear 0.01 1": [1e-6, 3e-6, 1.5e-5],
  // Steps of 0.5 on one digit at a time make the sigmoid's path chaotic: a difference of 1e-7 grows until the
  // two runs end in different weights (a weight up to 0.85 apart after an epoch) of the same worth. Their first
  // steps agree; after that, what is compared is how well each does on the held-out digits: 0.6 points apart
  // at most, measured, and 1 allowed.
  "sigmoid 0.5 1": [1e-6, Infinity, Infinity],
};

function within(mine, theirs, bound) {
  const scale = Math.max(1, ...Array.from(theirs).filter(Number.isFinite).map(Math.abs));
  return largestDifference(mine, theirs) <= bound * scale;
}

// Two numbers the same within bound (relative to the larger, or to 1), or both NaN.
const near = (mine, theirs, bound) =>
  largestDifference([mine], [theirs]) <= bound * Math.max(1, Number.isFinite(theirs) ? Math.abs(theirs) : 1);

for (const { activation, learningRate, batchSize, firstSteps, epochs } of grid.cases) {
  const name = `${activation} ${learningRate} ${batchSize}`, [first, one, three] = BOUNDS[name] ?? BOUNDS.default;
  test(`${activation} at learning rate ${learningRate}, in batches of ${batchSize}: Keras' weights`, () => {
    const early = Float32Array.from(grid[activation]), order = Array.from(grid.orders[0]);
    for (let step = 0; step < firstSteps.steps; step++) {
      sgdStep(early, trainPixels, trainLabels, order.slice(step * batchSize, (step + 1) * batchSize), activation,
        learningRate);
    }
    assert.ok(within(early, firstSteps.weights, first), `after ${firstSteps.steps} steps: ` +
      `${largestDifference(early, firstSteps.weights)}`);
    const weights = Float32Array.from(grid[activation]);
    epochs.forEach((keras, epoch) => {
      const result = sgdEpoch(weights, trainPixels, trainLabels, Array.from(grid.orders[epoch]), activation,
        learningRate, batchSize);
      const checked = check(weights, heldOutPixels, heldOutLabels, activation);
      const bound = epoch === 0 ? one : three;
      assert.ok(within(weights, keras.weights, bound), `epoch ${epoch + 1}: the weights differ by ` +
        `${largestDifference(weights, keras.weights)}`);
      const worth = bound === Infinity ? 0.01 : 0.002;
      assert.ok(Math.abs(checked.accuracy - keras.heldOutAccuracy) <= worth, `epoch ${epoch + 1}: held-out accuracy`);
      if (bound === Infinity) return;
      assert.ok(Math.abs(result.accuracy - keras.accuracy) <= 0.001, `epoch ${epoch + 1}: the accuracy`);
      for (const [what, mine, theirs] of [["loss", result.loss, keras.loss], ["held-out loss", checked.loss, keras.heldOutLoss],
        ["lowest output", result.lowestOutput, keras.lowestOutput], ["highest output", result.highestOutput, keras.highestOutput]]) {
        // Keras adds up the loss in float32, the page in float64.
        assert.ok(near(mine, theirs, 1e-4), `epoch ${epoch + 1}, ${what}: ${mine} and Keras' ${theirs}`);
      }
    });
  });
}

test("the starting weights are Glorot uniform: within sqrt(6 / 785) of 0, spread evenly, and a zero bias", () => {
  for (const seed of [0, 1, 2, 3, 4]) {
    const weights = startingWeights(generator(seed));
    const largest = Math.max(...Array.from(weights.subarray(0, PIXELS), Math.abs));
    assert.ok(largest <= Math.fround(GLOROT_LIMIT) && largest > 0.99 * GLOROT_LIMIT, `seed ${seed}: ${largest}`);
    // A uniform spread from -limit to limit has a variance of limit squared over 3.
    const variance = weights.subarray(0, PIXELS).reduce((sum, weight) => sum + weight * weight, 0) / PIXELS;
    assert.ok(Math.abs(variance / (GLOROT_LIMIT ** 2 / 3) - 1) < 0.15, `seed ${seed}: variance ${variance}`);
    assert.equal(weights[PIXELS], 0);
  }
  assert.equal(GLOROT_LIMIT, Math.sqrt(6 / 785));
});

test("a seed gives the same start and order every time, and another seed another", () => {
  assert.deepEqual(startingWeights(generator(7)), startingWeights(generator(7)));
  assert.notDeepEqual(startingWeights(generator(7)), startingWeights(generator(8)));
  const order = shuffled(4000, generator(3));
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 4000 }, (_, i) => i));
  assert.notDeepEqual(order, shuffled(4000, generator(4)));
});

test("one step is the mean squared error's gradient, worked out by hand", () => {
  const weights = Float32Array.from({ length: PIXELS + 1 }, (_, i) => ((i * 37) % 11 - 5) / 500);
  const batch = [3, 17, 42];
  for (const activation of ["linear", "sigmoid"]) {
    const stepped = Float32Array.from(weights);
    const outputs = sgdStep(stepped, trainPixels, trainLabels, batch, activation, 0.5);
    batch.forEach((index, place) => assert.equal(outputs[place], output(weights, trainPixels, index * PIXELS, activation)));
    for (const i of [0, 300, 400, PIXELS]) {
      let gradient = 0;
      batch.forEach((index, place) => {
        const said = outputs[place], slope = activation === "sigmoid" ? said * (1 - said) : 1;
        gradient += 2 * (said - trainLabels[index]) / batch.length * slope * (i === PIXELS ? 1 : trainPixels[index * PIXELS + i]);
      });
      assert.ok(Math.abs(stepped[i] - (weights[i] - 0.5 * gradient)) < 1e-7, `${activation}, weight ${i}`);
    }
    assert.equal(weightedSum(weights, trainPixels, 0), output(weights, trainPixels, 0, "linear"));
  }
});

// Training as Train trains, from the page's own random start and order: the lecture's story.
function trained(activation, seed, learningRate = 0.5, epochs = 10) {
  const random = generator(seed), weights = startingWeights(random), results = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const result = sgdEpoch(weights, trainPixels, trainLabels, shuffled(4000, random), activation, learningRate, 32);
    results.push({ ...result, heldOut: check(weights, heldOutPixels, heldOutLabels, activation) });
  }
  return results;
}

test("the linear unit at 0.5 swings to huge numbers of both signs in epoch 1, then nan, and stays at 90%", () => {
  const results = trained("linear", 0);
  assert.ok(results[0].lowestOutput <= -1e3 && results[0].highestOutput >= 1e3);
  assert.ok(results.slice(1).every((result) => Number.isNaN(result.loss) && Number.isNaN(result.lowestOutput)));
  assert.deepEqual(results.map((result) => result.heldOut.accuracy), Array(10).fill(0.9));  // Always "not five".
});

test("the sigmoid at 0.5 learns at every seed: at least 95.5% of the held-out digits after 10 epochs", () => {
  for (const seed of [0, 1, 2, 3, 4]) {
    const results = trained("sigmoid", seed);
    assert.ok(results.at(-1).heldOut.accuracy >= 0.955, `seed ${seed}: ${results.at(-1).heldOut.accuracy}`);
    assert.ok(results.every((result) => result.lowestOutput >= 0 && result.highestOutput <= 1));
  }
});

test("an output of exactly 0.5 counts as 'not five', as in Keras' accuracy", () => {
  // Zero weights and a zero bias: the sigmoid says exactly 0.5 for every digit.
  const zero = new Float32Array(PIXELS + 1);
  assert.equal(output(zero, trainPixels, 0, "sigmoid"), 0.5);
  const result = check(zero, heldOutPixels, heldOutLabels, "sigmoid");
  assert.equal(result.accuracy, 0.9);  // Every digit called "not five": right on the 900 that are not fives.
});
