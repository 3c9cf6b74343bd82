// Reads the fixtures tests/page_fixtures.py writes: JSON, with NumPy arrays as typed arrays and numbers
// JSON cannot hold (NaN, Infinity) as numbers again. FIXTURES names their folder; tests/test_page_rooms.py
// writes them there and sets it.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  float32: Float32Array, float64: Float64Array, uint8: Uint8Array, int32: Int32Array, int64: BigInt64Array,
  bool: Uint8Array,
};

function revive(key, value) {
  if (value === null || typeof value !== "object") return value;
  if ("float" in value) return Number(value.float);
  if ("dtype" in value && "base64" in value) {
    const bytes = Uint8Array.from(Buffer.from(value.base64, "base64"));
    const array = new TYPES[value.dtype](bytes.buffer);
    return value.shape.length === 2 ? { height: value.shape[0], width: value.shape[1], values: array } : array;
  }
  return value;
}

// The fixture NAME.json: from FIXTURES, or, for keras-sgd, from beside this file.
export function fixture(name) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const folder = name === "keras-sgd" ? here : process.env.FIXTURES;
  if (!folder) {
    throw new Error("FIXTURES is not set: run python -m pytest tests/test_page_rooms.py, which writes the " +
      "fixtures and runs these tests, or python tests/page_fixtures.py FOLDER, then FIXTURES=FOLDER node --test");
  }
  return JSON.parse(readFileSync(path.join(folder, `${name}.json`), "utf8"), revive);
}

// The largest difference between two arrays of numbers, NaN where one is NaN and the other is not.
export function largestDifference(mine, theirs) {
  if (mine.length !== theirs.length) return Infinity;
  let largest = 0;
  for (let i = 0; i < mine.length; i++) {
    if (Number.isNaN(mine[i]) && Number.isNaN(theirs[i])) continue;
    if (mine[i] === theirs[i]) continue;  // Infinities of the same sign too.
    largest = Math.max(largest, Number.isNaN(mine[i] - theirs[i]) ? Infinity : Math.abs(mine[i] - theirs[i]));
  }
  return largest;
}
