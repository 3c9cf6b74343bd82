// lesson/settings.js: the address holds the settings, and every bad value is put right and said.

import test from "node:test";
import assert from "node:assert/strict";
import { DEFAULTS, RATES, fromAddress, nearestRate, toAddress, within } from "../../lesson/settings.js";

test("no address gives the scripts' settings, and says nothing", () => {
  assert.deepEqual(fromAddress(""), { settings: DEFAULTS, notices: [] });
  assert.deepEqual(DEFAULTS, { activation: "linear", learningRate: 0.5, batchSize: 32, epochs: 10, seed: 0,
    pixels: "scaled", trainingDigits: 4000, added: "" });
});

test("good values are taken as they are, and an address opens the settings it was made from", () => {
  const chosen = { activation: "sigmoid", learningRate: 0.02, batchSize: 64, epochs: 3, seed: 7 };
  assert.equal(toAddress(chosen), "activation=sigmoid&learningRate=0.02&batchSize=64&epochs=3&seed=7");
  assert.deepEqual(fromAddress(`#${toAddress(chosen)}`), { settings: { ...DEFAULTS, ...chosen }, notices: [] });
  // A rate between the slider's places is kept as it was given.
  assert.equal(fromAddress("#learningRate=0.0123").settings.learningRate, 0.0123);
});

test("each bad value in an address is put right, as the fields put it right, and said", () => {
  for (const [address, setting, value, notice] of [
    ["epochs=100000", "epochs", 100, "epochs: a whole number from 1 to 100, so 100."],
    ["epochs=0", "epochs", 1, "epochs: a whole number from 1 to 100, so 1."],
    ["epochs=2.6", "epochs", 3, "epochs: a whole number from 1 to 100, so 3."],
    ["learningRate=-5", "learningRate", 0.001, "learning rate: a number from 0.001 to 10, so 0.001."],
    ["learningRate=50", "learningRate", 10, "learning rate: a number from 0.001 to 10, so 10."],
    ["learningRate=fast", "learningRate", 0.5, "learning rate: a number from 0.001 to 10, so 0.5."],
    ["activation=relu", "activation", "linear", "line 29: linear or sigmoid, so linear."],
    ["batchSize=0", "batchSize", 1, "batch size: a whole number from 1 to 4,000, so 1."],
    ["batchSize=", "batchSize", 32, "batch size: a whole number from 1 to 4,000, so 32."],
    ["seed=-1", "seed", 0, "seed: a whole number from 0 to 4,294,967,295, so 0."],
  ]) {
    const { settings, notices } = fromAddress(`#${address}`);
    assert.equal(settings[setting], value, address);
    assert.deepEqual(notices, [notice], address);
  }
  const { notices } = fromAddress("#epochs=0&activation=tanh&seed=3");
  assert.equal(notices.length, 2);
});

test("a field's value is put right the same way, and said only when it changed", () => {
  assert.deepEqual(within("epochs", "1000"), { value: 100, notice: "epochs: a whole number from 1 to 100, so 100." });
  assert.deepEqual(within("batchSize", ""), { value: 32, notice: "batch size: a whole number from 1 to 4,000, so 32." });
  assert.deepEqual(within("seed", "7"), { value: 7, notice: "" });
  assert.deepEqual(within("seed", " 7 "), { value: 7, notice: "" });
});

test("the slider's place is the nearest rate, as a ratio", () => {
  assert.equal(RATES[nearestRate(0.5)], 0.5);
  assert.equal(RATES[nearestRate(0.0123)], 0.01);
  assert.equal(RATES[nearestRate(0.016)], 0.02);
  assert.equal(RATES[nearestRate(100)], 10);
  RATES.forEach((rate, place) => assert.equal(nearestRate(rate), place));
});

test("the ways to improve live in the address too, only when they differ from the scripts'", () => {
  const drawing = `f${"A".repeat(523)}`;
  const chosen = { ...DEFAULTS, activation: "sigmoid", pixels: "raw", trainingDigits: 250, added: `${drawing}.n${"B".repeat(523)}` };
  const address = toAddress(chosen);
  assert.match(address, /pixels=raw&trainingDigits=250&added=f/);
  assert.deepEqual(fromAddress(`#${address}`), { settings: chosen, notices: [] });
  assert.doesNotMatch(toAddress(DEFAULTS), /pixels|trainingDigits|added/);
  for (const [bad, setting, value, notice] of [
    ["pixels=255", "pixels", "scaled", "pixels: scaled or raw, so scaled."],
    ["trainingDigits=5", "trainingDigits", 10, "training digits: a whole number from 10 to 4,000, so 10."],
    [`added=${drawing}.nonsense`, "added", drawing, "added drawings: 1 of 2 could not be read, so they are left out."],
  ]) {
    const { settings, notices } = fromAddress(`#${bad}`);
    assert.equal(settings[setting], value, bad);
    assert.deepEqual(notices, [notice], bad);
  }
});
