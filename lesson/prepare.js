// A drawing prepared as MNIST's digits were, with no page in it: the twin of lesson/prepare.py, step for
// step, for the playground's pad. Each function names its twin; a change there needs the same change here.
// tests/page/prepare.test.js holds each step, and the whole preparation of real photos and drawings, to
// Python's within 1e-4 per pixel.

import {
  boxes, distanceTransform, everySecond, filled, gaussianBlur, label, largestOf, maximumFilter, median, padded,
  percentile, percentileFilter, picture, pythonRound, reflect, resized, resizeTo,
} from "./image.js";

// The same settings as lesson/prepare.py.
export const FAINTEST_INK = 0.15, SMALLEST_DIGIT = 0.03, MNIST_STROKE = 0.14, THINNEST_STROKE = 0.08;
export const INK_OVER_GRAIN = 3;
export const RULED_LINE_SPAN = 0.5, RULED_LINE_TILT = 0.03, RULED_LINE_WIDTH = 0.015, RULED_LINES = 3;
export const FILLED_CROP = 0.75, THIN_PEN = 0.04, SMALL_DIGIT = 0.1, SMALL_FOR_ITS_PEN = 0.5;
export const THICK_PEN = 0.25;
// The hints prepare.py gives, in its words.
export const FILLED = "the ink fills the whole picture: is the paper darker than the pen?";
export const THIN = "a thin pen: a thicker brush reads better";
export const SMALL = "a small digit: draw it larger";

// Twin of prepare.find_ink: how strongly each pixel is ink, and the spread of the paper's grain.
export function findInk(grey) {
  const some = everySecond(grey), middle = median(some);
  const away = filled(Float32Array, some.length, (i) => some[i] - middle);
  let darkest = percentile(away.map((value) => -value), 99.5), lightest = percentile(away, 99.5);
  if (darkest === lightest) {
    // Both are the paper, as on a paint program's flat canvas: the furthest pixel decides (in float32).
    const usual = Math.fround(middle), most = largestOf(grey.values);
    darkest = Math.fround(usual - grey.values.reduce((least, value) => Math.min(least, value), Infinity));
    lightest = Math.fround(most - usual);
  }
  const darkInk = darkest > lightest;
  const small = resized(grey, Math.min(1, 32 / Math.max(grey.width, grey.height)));
  const window = Math.max(3, pythonRound(Math.min(small.width, small.height) / 2));
  const paper = resizeTo(percentileFilter(small, darkInk ? 90 : 10, window), grey.width, grey.height);
  let ink = picture(grey.width, grey.height, filled(Float32Array, grey.values.length, (i) => darkInk
    ? (paper.values[i] - grey.values[i]) / Math.max(paper.values[i], 1)
    : (grey.values[i] - paper.values[i]) / Math.max(255 - paper.values[i], 1)));
  const steps = [];
  for (let row = 0; row < ink.height; row += 2) {
    for (let column = 0; column + 1 < ink.width; column++) {
      steps.push(Math.abs(Math.fround(ink.values[row * ink.width + column + 1] - ink.values[row * ink.width + column])));
    }
  }
  const grain = 1.4826 * median(steps) / Math.sqrt(2);
  const blur = Math.max(grey.width, grey.height) / 400;
  if (blur >= 0.5) ink = gaussianBlur(ink, blur);
  return { ink: withoutRuledLines(ink), grain };
}

// Twin of prepare.without_ruled_lines: the ink with ruled paper's lines left out, long thin straight marks
// across the picture at one slope, and the strokes that cross them kept whole.
export function withoutRuledLines(ink) {
  const { width, height, values } = ink, at = (row, column) => values[row * width + column];
  // How far each pixel stands out from the ink `reach` rows above and below it.
  const reach = Math.max(1, pythonRound(RULED_LINE_WIDTH * Math.max(height, width)));
  const line = new Float32Array(values.length);
  for (let row = 0; row < height; row++) {
    const above = Math.max(row - reach, 0) * width, below = Math.min(row + reach, height - 1) * width;
    for (let i = row * width, column = 0; column < width; i++, column++) {
      line[i] = values[i] - Math.max(values[above + column], values[below + column]);
    }
  }
  const rows = [], columns = [];  // Every second column's pixels that stand out.
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column += 2) {
      if (line[row * width + column] > FAINTEST_INK / 4) { rows.push(row); columns.push(column); }
    }
  }
  const most = pythonRound(RULED_LINE_TILT * width), needed = RULED_LINE_SPAN * Math.ceil(width / 2);
  // The slope along which what stands out is gathered into the fewest rows: the sum of their counts' squares.
  let slope = 0, counts = null, gathered = -1;
  for (let drop = -most; drop <= most; drop++) {
    const along = new Int32Array(height + 2 * most);
    for (let i = 0; i < rows.length; i++) along[rows[i] - Math.floor(drop * columns[i] / width + 0.5) + most]++;
    const squares = along.reduce((sum, count) => sum + count * count, 0);
    if (squares > gathered) [slope, counts, gathered] = [drop, along, squares];
  }
  // Each run of rows that stand out nearly all the way across is one line, from its first row to the row after.
  const full = Array.from(counts, (count) => count >= needed);
  const lines = [];
  full.forEach((isFull, start) => {
    if (isFull && full[start - 1]) lines[lines.length - 1][1] = start + 1;
    else if (isFull) lines.push([start, start + 1]);
  });
  if (lines.length < RULED_LINES) return ink;
  const down = filled(Int32Array, width, (column) => Math.floor(slope * column / width + 0.5) - most);
  const cleaned = picture(width, height, Float32Array.from(values));
  for (const [first, stop] of lines) {
    // The line with its soft edges, a row beyond, becomes the paper just beyond those, above and below it,
    // where the picture holds all of these rows.
    const kept = [...down.keys()].filter((column) => first - 2 + down[column] >= 0 && stop + 1 + down[column] < height);
    const standing = kept.flatMap((column) => {
      const around = Math.max(at(first - 2 + down[column], column), at(stop + 1 + down[column], column));
      return Array.from({ length: stop - first + 2 },
        (_, row) => Math.fround(at(first - 1 + row + down[column], column) - around));
    });
    // Where the pen crossed the line, its ink loses no more than the line's: nearly its strongest.
    const strength = standing.length ? percentile(standing, 90) : 0;
    kept.forEach((column, k) => {
      for (let row = first - 1; row <= stop; row++) {
        const lift = Math.min(Math.max(standing[k * (stop - first + 2) + row - first + 1], 0), strength);
        cleaned.values[(row + down[column]) * width + column] -= lift;
      }
    });
  }
  return cleaned;
}

// Twin of prepare.otsu_threshold.
export function otsuThreshold(values) {
  const counts = new Float64Array(256);
  for (const value of values) counts[Math.min(255, Math.floor(value * 256))] += 1;
  let below = 0, sumBelow = 0, best = -1, threshold = 0.5 / 256, sumAll = 0;
  counts.forEach((n, index) => { sumAll += n * (index + 0.5) / 256; });
  counts.forEach((n, index) => {
    below += n;
    sumBelow += n * (index + 0.5) / 256;
    const above = values.length - below;
    if (below === 0 || above === 0) return;
    const spread = below * above * (sumBelow / below - (sumAll - sumBelow) / above) ** 2;
    if (spread > best) { best = spread; threshold = (index + 0.5) / 256; }
  });
  return threshold;
}

// Twin of prepare.stroke_width.
export function strokeWidth(inside, insideWidth, insideHeight) {
  // Beyond the mask is paper: a stroke along its edge has an edge there too.
  const { width, height, values: mask } = padded({ width: insideWidth, height: insideHeight, values: inside }, 1);
  const distance = distanceTransform(mask, width, height);
  const middles = [];
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const here = distance[row * width + column];
      if (!mask[row * width + column]) continue;
      let most = -Infinity;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) most = Math.max(most, distance[reflect(row + dr, height) * width + reflect(column + dc, width)]);
      }
      if (here === most) middles.push(here);
    }
  }
  return 2 * median(middles);
}

// What prepare.BLANK says: the page says its own words for a blank pad.
export const BLANK = "looks blank: no digit found; write darker and larger, and keep glare off the ink";

// Twin of prepare.largest_mark: the ink cropped to its largest mark, 0..1, how many similar marks were left
// out, and hints for a picture that may not read well (FILLED, THIN, SMALL).
export function largestMark({ ink: found, grain }) {
  const { width, height } = found;
  const ink = found.values.map((value) => Math.min(Math.max(value, 0), 1));
  if (largestOf(ink) < Math.max(FAINTEST_INK, INK_OVER_GRAIN * grain)) throw new Error(BLANK);
  const level = Math.max(otsuThreshold(ink), FAINTEST_INK / 2);
  const pieces = label(ink.map((value) => (value > level ? 1 : 0)), width, height, true);
  if (pieces.count === 0) throw new Error(BLANK);
  const mass = new Float64Array(pieces.count);
  pieces.labels.forEach((piece, index) => { if (piece) mass[piece - 1] += ink[index]; });
  // A long piece along the picture's edge is the edge of the page, or a shadow.
  const pieceBoxes = boxes(pieces.labels, pieces.count, width);
  const alongEdge = pieceBoxes.map((box) =>
    ((box.top === 0 || box.bottom === height) && box.right - box.left > 0.6 * width) ||
    ((box.left === 0 || box.right === width) && box.bottom - box.top > 0.6 * height));
  if (!alongEdge.every(Boolean)) alongEdge.forEach((edge, piece) => { if (edge) mass[piece] = 0; });
  const heaviest = largestOf(mass);
  const strokes = filled(Uint8Array, ink.length, (i) => (pieces.labels[i] && mass[pieces.labels[i] - 1] >= 0.05 * heaviest ? 1 : 0));
  // Pieces close together are one mark.
  const largest = pieceBoxes[mass.indexOf(heaviest)];
  const reach = Math.max(1, pythonRound(0.5 * Math.max(largest.bottom - largest.top, largest.right - largest.left)));
  const marks = label(maximumFilter(strokes, width, height, reach), width, height, false);
  let markMass = new Float64Array(marks.count);
  marks.labels.forEach((mark, index) => { if (mark) markMass[mark - 1] += ink[index] * strokes[index]; });
  const markBoxes = boxes(marks.labels, marks.count, width);
  const insideFrame = markBoxes.map((box) => box.top > 0 && box.left > 0 && box.bottom < height && box.right < width);
  const most = largestOf(markMass);
  if (largestOf(markMass.map((value, i) => value * insideFrame[i])) >= 0.25 * most) {
    markMass = markMass.map((value, i) => value * insideFrame[i]);
  }
  const chosen = markMass.indexOf(largestOf(markMass));
  const sizes = markBoxes.map((box) => Math.max(box.bottom - box.top, box.right - box.left));
  let others = 0;
  markBoxes.forEach((_, i) => {
    if (i !== chosen && insideFrame[i] && sizes[i] >= 0.5 * sizes[chosen] && markMass[i] >= 0.1 * markMass[chosen]) others++;
  });
  // What is left of the paper, and the ink's strongest, which becomes 1 as in MNIST.
  const paperValues = [];
  for (let row = 0; row < height; row += 2) {
    for (let column = 0; column < width; column += 2) {
      if (!strokes[row * width + column]) paperValues.push(ink[row * width + column]);
    }
  }
  const paper = paperValues.length ? median(Float32Array.from(paperValues)) : 0;
  const mark = filled(Uint8Array, ink.length, (i) => (strokes[i] && marks.labels[i] === chosen + 1 ? 1 : 0));
  let strong = 0;
  mark.forEach((inMark, i) => { if (inMark) strong = Math.max(strong, ink[i]); });
  const region = maximumFilter(filled(Uint8Array, ink.length, (i) => (marks.labels[i] === chosen + 1 ? 1 : 0)), width, height,
    reach);
  let top = height, bottom = -1, left = width, right = -1;
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const i = row * width + column;
      if (mark[i] || (region[i] && ink[i] > paper + 0.2 * (strong - paper))) {
        top = Math.min(top, row); bottom = Math.max(bottom, row);
        left = Math.min(left, column); right = Math.max(right, column);
      }
    }
  }
  if (Math.max(bottom - top, right - left) + 1 < SMALLEST_DIGIT * Math.max(width, height)) throw new Error(BLANK);
  const cropWidth = right - left + 1, cropHeight = bottom - top + 1;
  let digit = picture(cropWidth, cropHeight);
  const cropped = new Uint8Array(cropWidth * cropHeight);
  for (let row = 0; row < cropHeight; row++) {
    for (let column = 0; column < cropWidth; column++) {
      const i = (top + row) * width + left + column;
      const value = (ink[i] - paper) / Math.max(strong - paper, 1e-6) * region[i];
      digit.values[row * cropWidth + column] = Math.min(Math.max(value, 0), 1);
      cropped[row * cropWidth + column] = mark[i];
    }
  }
  // Its strongest ink is no stronger than what is left of the paper, as in a few noisy pixels.
  if (!digit.values.some((value) => value > 0)) throw new Error(BLANK);
  // A pen draws far thinner strokes than MNIST's: thicken thin ones, as if drawn with a round marker.
  const size = Math.max(cropWidth, cropHeight), stroke = strokeWidth(cropped, cropWidth, cropHeight);
  const hints = [], filling = cropped.reduce((sum, inMark) => sum + inMark, 0) / cropped.length;
  if (filling > FILLED_CROP && Math.min(cropWidth, cropHeight) >= size / 2) hints.push(FILLED);
  if (stroke < THIN_PEN * size) hints.push(THIN);
  const whole = Math.max(width, height);
  if (size < SMALL_DIGIT * whole || (size < SMALL_FOR_ITS_PEN * whole && stroke > THICK_PEN * size)) hints.push(SMALL);
  if (stroke < THINNEST_STROKE * size) {
    const thicker = (MNIST_STROKE * size - stroke) / 2, margin = Math.trunc(thicker) + 2;
    const away = padded({ width: cropWidth, height: cropHeight, values: cropped.map((inMark) => 1 - inMark) }, margin, 1);
    const distance = distanceTransform(away.values, away.width, away.height);
    digit = padded(digit, margin);
    digit.values.forEach((value, i) => {
      digit.values[i] = Math.max(value, Math.min(Math.max(thicker + 1 - distance[i], 0), 1));
    });
  }
  return { digit, others, hints };
}

// Twin of prepare.centre_of_mass: the row and column of the ink's centre of mass.
export function centreOfMass(image) {
  let total = 0, rowMass = 0, columnMass = 0;
  image.values.forEach((value, i) => {
    total += value; rowMass += Math.floor(i / image.width) * value; columnMass += (i % image.width) * value;
  });
  return [rowMass / total, columnMass / total];
}

// Twin of prepare.prepare_steps: each step of turning a picture of one digit into the 28x28 pixels the
// perceptron sees. Leaving a step out shows what it does: crop: false scales the whole picture, centre: false
// puts the digit in the frame's top left corner, scale: false leaves the pixels 0..255. Returns {ink, cropped,
// scaled, pixels, others, hints}: pictures, but pixels, a Float32Array of 784; others, how many other marks
// of similar size were left out; and hints, short lines for a picture that may not read well.
export function prepareSteps(grey, { crop = true, centre = true, scale = true } = {}) {
  const found = findInk(grey);
  let { digit: cropped, others, hints } = largestMark(found);
  const ink = picture(grey.width, grey.height, found.ink.values.map((value) => Math.min(Math.max(value, 0), 1)));
  if (!crop) cropped = ink;
  const scaled = resized(cropped, 20 / Math.max(cropped.width, cropped.height));
  let top = 0, left = 0;
  if (centre) {
    const [row, column] = centreOfMass(scaled);
    top = Math.min(Math.max(pythonRound(14 - row), 0), 28 - scaled.height);
    left = Math.min(Math.max(pythonRound(14 - column), 0), 28 - scaled.width);
  }
  const frame = new Float32Array(28 * 28);
  for (let row = 0; row < scaled.height; row++) {
    for (let column = 0; column < scaled.width; column++) {
      frame[(top + row) * 28 + left + column] = scaled.values[row * scaled.width + column];
    }
  }
  const strongest = largestOf(frame), most = scale ? 1 : 255;
  return { ink, cropped, scaled, pixels: frame.map((value) => value / strongest * most), others, hints };
}

// Twin of prepare.prepare_image: the 28x28 pixels, 0..1, the perceptron sees, and how many other marks of
// similar size were left out.
export function prepareImage(grey) {
  const { pixels, others } = prepareSteps(grey);
  return { pixels, others };
}
