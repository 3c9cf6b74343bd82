// The 5,000 sample digits inside the page: decoded from one PNG of 100 digits to a row, with no request, and
// prepared as the scripts' prepare() prepares them: pixels scaled to 0..1, and the question, is it a five?

import { PIXELS } from "./perceptron.js";
import { filled } from "./image.js";

export const TRAINING = 4000, HELD_OUT = 1000;

// {png: base64 PNG, labels: "5041..."}, as lesson/playground.py writes it, to {trainImages, trainDigits,
// heldOutImages, heldOutDigits}: Uint8Arrays of 784 pixels 0..255 a digit, and of digits 0..9.
export async function decodeDigits(digits) {
  const text = atob(digits.png);
  const bytes = filled(Uint8Array, text.length, (i) => text.charCodeAt(i));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }),
    { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const perRow = bitmap.width / 28, count = digits.labels.length;
  const images = new Uint8Array(count * PIXELS);
  for (let index = 0; index < count; index++) {
    const top = Math.floor(index / perRow) * 28, left = (index % perRow) * 28;
    for (let row = 0; row < 28; row++) {
      const from = 4 * ((top + row) * bitmap.width + left), to = index * PIXELS + row * 28;
      for (let column = 0; column < 28; column++) images[to + column] = rgba[from + 4 * column];
    }
  }
  const labels = filled(Uint8Array, count, (i) => Number(digits.labels[i]));
  return {
    trainImages: images.slice(0, TRAINING * PIXELS), trainDigits: labels.slice(0, TRAINING),
    heldOutImages: images.slice(TRAINING * PIXELS), heldOutDigits: labels.slice(TRAINING),
  };
}

// The scripts' prepare(): pixels 0..255 scaled to 0..1 in float32, and labels 1 for a five, 0 for the rest.
export const scaled = (images) => filled(Float32Array, images.length, (i) => images[i] / 255);
export const isFive = (digits) => filled(Float32Array, digits.length, (i) => (digits[i] === 5 ? 1 : 0));

// Which of the training digits a smaller training set takes: the first `count` of them, one in ten of them a
// five as in all 4,000, in the sample's order. (The sample's first 100 digits hold only 5 fives.)
export function firstDigits(digits, count) {
  const fives = Math.round(count / 10), chosen = [];
  let fivesTaken = 0, othersTaken = 0;
  for (let i = 0; i < digits.length && chosen.length < count; i++) {
    if (digits[i] === 5 ? fivesTaken++ < fives : othersTaken++ < count - fives) chosen.push(i);
  }
  return chosen;
}

// The digits Train trains on: the 4,000 training digits, or fewer (see firstDigits), then the learner's own
// drawings (decoded by drawingFrom), with pixels 0..1, or 0..255 as the raw images hold them. The held-out
// digits are prepared the same way, and never added to: they check the perceptron on digits it has never
// seen.
export function trainingSet(data, { trainingDigits = TRAINING, pixels = "scaled", added = [] } = {}) {
  const most = pixels === "raw" ? 255 : 1;
  const chosen = trainingDigits >= data.trainDigits.length ? Array.from(data.trainDigits.keys())
    : firstDigits(data.trainDigits, trainingDigits);
  const count = chosen.length + added.length;
  const images = new Float32Array(count * PIXELS), labels = new Float32Array(count);
  chosen.forEach((index, k) => {
    for (let i = 0; i < PIXELS; i++) images[k * PIXELS + i] = data.trainImages[index * PIXELS + i] / 255 * most;
    labels[k] = data.trainDigits[index] === 5 ? 1 : 0;
  });
  added.forEach((drawing, k) => {
    images.set(drawing.pixels.map((value) => value * most), (chosen.length + k) * PIXELS);
    labels[chosen.length + k] = drawing.five ? 1 : 0;
  });
  const heldOut = filled(Float32Array, data.heldOutImages.length, (i) => data.heldOutImages[i] / 255 * most);
  return { pixels: images, labels, count, fives: labels.reduce((sum, five) => sum + five, 0), heldOutPixels: heldOut,
    heldOutLabels: isFive(data.heldOutDigits) };
}

// A drawing added to the training digits, as the address holds it: "f" for a five or "n" for not, then its
// 784 pixels at 16 levels of grey, two to a byte, in base64 for addresses (523 letters). A link then trains on
// exactly the same digits, on any machine, and nothing is uploaded.
const LEVELS = 15;
export const quantized = (pixels) => pixels.map((value) => Math.round(Math.min(Math.max(value, 0), 1) * LEVELS) / LEVELS);

export function drawingText(pixels, five) {
  const bytes = new Uint8Array(PIXELS / 2);
  for (let i = 0; i < PIXELS; i += 2) {
    const level = (k) => Math.round(Math.min(Math.max(pixels[k], 0), 1) * LEVELS);
    bytes[i / 2] = level(i) * 16 + level(i + 1);
  }
  const base64 = btoa(String.fromCharCode(...bytes));
  return (five ? "f" : "n") + base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// A drawing from its text, or null if the text is not one.
export function drawingFrom(text) {
  if (!/^[fn][A-Za-z0-9_-]{523}$/.test(text)) return null;
  const bytes = Uint8Array.from(atob(text.slice(1).replace(/-/g, "+").replace(/_/g, "/") + "="), (c) => c.charCodeAt(0));
  const pixels = new Float32Array(PIXELS);
  bytes.forEach((byte, i) => { pixels[2 * i] = (byte >> 4) / LEVELS; pixels[2 * i + 1] = (byte & 15) / LEVELS; });
  return { pixels, five: text[0] === "f" };
}
