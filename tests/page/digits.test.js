// lesson/digits.js: the digits Train trains on, raw or scaled, fewer, or with the learner's own drawings.

import test from "node:test";
import assert from "node:assert/strict";
import { drawingFrom, drawingText, firstDigits, isFive, quantized, scaled, trainingSet } from "../../lesson/digits.js";
import { PIXELS } from "../../lesson/perceptron.js";
import { fixture } from "./fixtures.js";

const sample = fixture("sample");

test("the scripts' preparation: pixels over 255 in float32, and 1 for a five", () => {
  assert.deepEqual(scaled(Uint8Array.of(0, 51, 255)), Float32Array.of(0, 0.2, 1));
  assert.deepEqual(isFive(Uint8Array.of(5, 3, 5)), Float32Array.of(1, 0, 1));
});

test("the training set is the sample's 4,000, or its first few, scaled or raw, and the held-out digits stay 1,000", () => {
  const whole = trainingSet(sample);
  assert.equal(whole.count, 4000);
  assert.deepEqual(whole.pixels, scaled(sample.trainImages));
  assert.deepEqual(whole.heldOutPixels, scaled(sample.heldOutImages));
  const few = trainingSet(sample, { trainingDigits: 250, pixels: "raw" });
  assert.equal(few.count, 250);
  // One in ten a five, as in all 4,000: the first 25 fives and the first 225 others, in the sample's order.
  assert.equal(few.fives, 25);
  const chosen = firstDigits(sample.trainDigits, 250);
  assert.deepEqual(chosen, [...chosen].sort((a, b) => a - b));
  assert.equal(chosen.filter((index) => sample.trainDigits[index] !== 5).at(-1),
    Array.from(sample.trainDigits.keys()).filter((index) => sample.trainDigits[index] !== 5)[224]);
  assert.deepEqual(few.pixels.subarray(0, PIXELS), Float32Array.from(sample.trainImages.subarray(chosen[0] * PIXELS,
    (chosen[0] + 1) * PIXELS)));
  for (const count of [10, 50, 100, 1000]) assert.equal(trainingSet(sample, { trainingDigits: count }).fives, count / 10);
  assert.equal(few.heldOutLabels.length, 1000);
  assert.equal(Math.max(...few.heldOutPixels.subarray(0, 5000)), 255);
});

test("a drawing survives its trip through the address, at 16 levels of grey, and joins the training digits", () => {
  const pixels = Float32Array.from({ length: PIXELS }, (_, i) => ((i * 7919) % 101) / 100);
  for (const five of [true, false]) {
    const text = drawingText(pixels, five);
    assert.equal(text.length, 524);
    assert.match(text, /^[fn][A-Za-z0-9_-]+$/);
    const back = drawingFrom(text);
    assert.equal(back.five, five);
    assert.deepEqual(back.pixels, Float32Array.from(quantized(pixels)));
    assert.ok(back.pixels.every((value, i) => Math.abs(value - pixels[i]) <= 1 / 30 + 1e-7));
  }
  const added = [drawingFrom(drawingText(pixels, true)), drawingFrom(drawingText(pixels, false))];
  const set = trainingSet(sample, { added });
  assert.equal(set.count, 4002);
  assert.deepEqual(Array.from(set.labels.subarray(4000)), [1, 0]);
  assert.deepEqual(set.pixels.subarray(4000 * PIXELS, 4001 * PIXELS), added[0].pixels);
  assert.equal(set.heldOutLabels.length, 1000);  // Never added to.
  for (const bad of ["", "x".repeat(524), `f${"A".repeat(522)}`, `q${"A".repeat(523)}`]) assert.equal(drawingFrom(bad), null);
});
