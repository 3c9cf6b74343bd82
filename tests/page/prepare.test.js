// lesson/prepare.js against lesson/prepare.py, step by step, on photos of real digits and on drawings.

import test from "node:test";
import assert from "node:assert/strict";
import { findInk, largestMark, prepareImage, prepareSteps } from "../../lesson/prepare.js";
import { fixture, largestDifference } from "./fixtures.js";

const pictures = fixture("prepare");
for (const { name, grey: read, ink, grain, digit, others, hints, pixels, without, error } of pictures) {
  test(`${name}: prepared as lesson/prepare.py prepares it`, () => {
    const grey = { width: read.width, height: read.height, values: Float32Array.from(read.values) };
    if (error !== undefined && grain === undefined) {
      assert.throws(() => findInk(grey), { message: error });
      return;
    }
    const found = findInk(grey);
    // The ink is a share of how far the paper could go, 0..1: 1e-5 of it is float32's rounding, summed.
    if (ink) assert.ok(largestDifference(found.ink.values, ink.values) < 1e-5, "the ink");
    assert.ok(Math.abs(found.grain - grain) <= 1e-6 * Math.max(grain, 1e-3), "the grain");
    if (error !== undefined) {
      assert.throws(() => largestMark(found), { message: error });
      assert.throws(() => prepareImage(grey), { message: error });
      return;
    }
    const mark = largestMark(found);
    assert.deepEqual([mark.digit.width, mark.digit.height, mark.others], [digit.width, digit.height, others]);
    assert.deepEqual(mark.hints, hints, "the hints");
    assert.ok(largestDifference(mark.digit.values, digit.values) < 1e-4, "the cropped digit");
    const steps = prepareSteps(grey);
    assert.ok(largestDifference(steps.pixels, pixels.values) < 1e-4, "the 28x28 pixels");
    assert.deepEqual([steps.others, steps.hints], [others, hints], "the marks left out, and the hints");
    if (!without) return;  // Only the smaller pictures, such as the pad's, are prepared again, step by step.
    assert.deepEqual(prepareImage(grey).pixels, steps.pixels);
    // Each step left out, as prepare.prepare_steps leaves it out: 0..255 when the pixels are not scaled.
    for (const step of ["crop", "centre", "scale"]) {
      const mine = prepareSteps(grey, { [step]: false }).pixels;
      assert.ok(largestDifference(mine, without[step].values) < (step === "scale" ? 255e-4 : 1e-4), `without ${step}`);
    }
  });
}
