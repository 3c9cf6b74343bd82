// lesson/colours.js against matplotlib's RdBu, the colour map lesson/pictures.py draws the weights with.

import test from "node:test";
import assert from "node:assert/strict";
import { NOT_A_NUMBER, colour, onScale } from "../../lesson/colours.js";
import { fixture } from "./fixtures.js";

test("each colour is matplotlib's RdBu at the same place, to a level or two of 255", () => {
  // matplotlib looks the colour up in a table of 256; this page works it out between RdBu's 11 colours.
  const { places, rgb } = fixture("colours");
  places.forEach((place, i) => {
    const mine = colour(place), theirs = Array.from(rgb.values.subarray(3 * i, 3 * i + 3));
    assert.ok(mine.every((channel, c) => Math.abs(channel - theirs[c]) <= 2), `${place}: ${mine} vs ${theirs}`);
  });
});

test("zero is white, and the sign is the colour: blue pushes towards five, red away", () => {
  assert.deepEqual(onScale(0, 3), [247, 247, 247]);
  const [red, , blue] = onScale(2, 3);
  assert.ok(blue > red);
  const [red2, , blue2] = onScale(-2, 3);
  assert.ok(red2 > blue2);
  assert.deepEqual(colour(NaN), NOT_A_NUMBER);
});
