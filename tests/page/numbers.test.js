// lesson/numbers.js against Python's own formats and textwrap.fill, on 10,000 values and 500 paragraphs.

import test from "node:test";
import assert from "node:assert/strict";
import { fixed, general, number, percent, wrapped } from "../../lesson/numbers.js";
import { fixture } from "./fixtures.js";

const expected = fixture("numbers");

for (const [format, print] of [["number", number], ["percent", percent], ["general", (value) => general(value)],
  ["fixed2", (value) => fixed(value, 2)], ["fixed4", (value) => fixed(value, 4)]]) {
  test(`${format} prints each value as Python does`, () => {
    const wrong = expected.values.map((value, i) => [value, print(value), expected[format][i]])
      .filter(([, mine, theirs]) => mine !== theirs);
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${expected.values.length} differ`);
  });
}

test("wrapped breaks each paragraph into textwrap.fill's lines", () => {
  const wrong = expected.wrapped.filter(({ text, width, fill }) => wrapped(text, width) !== fill);
  assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} of ${expected.wrapped.length} differ`);
});
