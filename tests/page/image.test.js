// lesson/image.js against NumPy, SciPy and Pillow, on random arrays.

import test from "node:test";
import assert from "node:assert/strict";
import {
  boxes, distanceTransform, gaussianBlur, greyFromRgba, label, maximumFilter, median, padded, percentile,
  percentileFilter, pythonRound, resizeTo,
} from "../../lesson/image.js";
import { centreOfMass, otsuThreshold, strokeWidth } from "../../lesson/prepare.js";
import { fixture, largestDifference } from "./fixtures.js";

const expected = fixture("image");

test("resizeTo is Pillow's resize with BILINEAR, up and down", () => {
  for (const { image, width, height, resized } of expected.resize) {
    const mine = resizeTo(image, width, height);
    assert.deepEqual([mine.width, mine.height], [resized.width, resized.height]);
    // Pillow sums in float32 for "F" images, in its own order; 1e-6 of a value up to 1 is that rounding.
    assert.ok(largestDifference(mine.values, resized.values) < 1e-6, `${image.width}x${image.height} to ${width}x${height}`);
  }
});

test("padded is np.pad with a constant", () => {
  for (const { image, margin, fill, padded: wanted } of expected.padded) {
    assert.deepEqual(padded(image, margin, fill), wanted, `margin ${margin}, fill ${fill}`);
  }
});

test("percentileFilter is scipy.ndimage.percentile_filter with mode nearest", () => {
  for (const { image, size, percent, filtered } of expected.percentileFilter) {
    assert.deepEqual(percentileFilter(image, percent, size).values, filtered.values, `size ${size}, ${percent}%`);
  }
});

test("maximumFilter is scipy.ndimage.maximum_filter, odd and even sizes", () => {
  for (const { mask, size, filtered } of expected.maximumFilter) {
    assert.deepEqual(maximumFilter(mask.values, mask.width, mask.height, size), filtered.values, `size ${size}`);
  }
});

test("label and boxes are scipy.ndimage.label and find_objects, with and without corners", () => {
  for (const { mask, corners, labels, count, boxes: found } of expected.label) {
    const mine = label(mask.values, mask.width, mask.height, corners);
    assert.equal(mine.count, count);
    assert.deepEqual(mine.labels, labels.values);
    assert.deepEqual(boxes(mine.labels, mine.count, mask.width).map((box) => [box.top, box.bottom, box.left, box.right]),
      found);
  }
});

test("distanceTransform is scipy.ndimage.distance_transform_edt", () => {
  for (const { mask, distance } of expected.distance) {
    assert.ok(largestDifference(distanceTransform(mask.values, mask.width, mask.height), distance.values) < 1e-12);
  }
});

test("gaussianBlur is scipy.ndimage.gaussian_filter on float32", () => {
  for (const { image, sigma, blurred } of expected.blur) {
    // SciPy sums in float64 and stores float32, as here; its kernel's last digits may differ by 1e-7.
    assert.ok(largestDifference(gaussianBlur(image, sigma).values, blurred.values) < 1e-6, `sigma ${sigma}`);
  }
});

test("median and percentile are NumPy's", () => {
  for (const { values, median: middle, percent, percentile: at } of expected.statistics) {
    // NumPy works in float32 on float32 values; this works in float64.
    assert.ok(Math.abs(median(values) - middle) < 1e-6);
    assert.ok(Math.abs(percentile(values, percent) - at) < 1e-5, `${percent}%`);
  }
});

test("otsuThreshold, strokeWidth and centreOfMass are lesson/prepare.py's", () => {
  for (const { values, threshold } of expected.otsu) assert.equal(otsuThreshold(values), threshold);
  for (const { mask, width } of expected.strokeWidth) {
    assert.equal(strokeWidth(mask.values, mask.width, mask.height), width);
  }
  for (const { image, centre, scipy } of expected.centreOfMass) {
    const mine = centreOfMass(image);
    assert.ok(largestDifference(mine, centre) < 1e-12 && largestDifference(mine, scipy) < 1e-5);
  }
});

test("greyFromRgba is Pillow's convert('L'), and pythonRound Python's round", () => {
  const { rgba, width, height, grey } = expected.grey;
  assert.deepEqual(greyFromRgba(rgba, width, height).values, grey.values);
  for (const { value, rounded } of expected.round) assert.equal(pythonRound(value), rounded, `${value}`);
});
