// lesson/report.js against lesson/report.py and lesson/watch.py: the same words, for every branch.

import test from "node:test";
import assert from "node:assert/strict";
import { epochLine, heldOutCheck } from "../../lesson/report.js";
import { fixture } from "./fixtures.js";

const expected = fixture("report");

for (const { name, outputs, digits, epochs, activation, learningRate, steps, fix, text } of expected.cases) {
  test(`the held-out check, word for word: ${name}`, () => {
    assert.equal(heldOutCheck(outputs, digits, epochs, activation, learningRate, steps, fix ?? undefined), text);
  });
}

test("each epoch's line, as watch.EpochLine prints it", () => {
  for (const { epoch, epochs, result, line } of expected.epochLines) assert.equal(epochLine(epoch, epochs, result), line);
});
