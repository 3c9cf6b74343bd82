// The 5,000 sample digits inside the page: decoded from one PNG of 100 digits to a row, with no request, and
// prepared as the scripts' prepare() prepares them: pixels scaled to 0..1, and the question, is it a five?

import { PIXELS } from "./perceptron.js";
import { filled } from "./image.js";

export const TRAINING = 4000, HELD_OUT = 1000;

// {png: base64 PNG, labels: "5041..."}, as lesson/playground.py writes it, to {trainImages, trainDigits,
// heldOutImages, heldOutDigits}: Uint8Arrays of 784 pixels 0..255 a digit, and of digits 0..9.
export async function decodeDigits(digits) {
  const bytes = Uint8Array.from(atob(digits.png), (character) => character.charCodeAt(0));
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
      for (let column = 0; column < 28; column++) {
        images[index * PIXELS + row * 28 + column] = rgba[4 * ((top + row) * bitmap.width + left + column)];
      }
    }
  }
  const labels = Uint8Array.from(digits.labels, Number);
  return {
    trainImages: images.slice(0, TRAINING * PIXELS), trainDigits: labels.slice(0, TRAINING),
    heldOutImages: images.slice(TRAINING * PIXELS), heldOutDigits: labels.slice(TRAINING),
  };
}

// The scripts' prepare(): pixels 0..255 scaled to 0..1 in float32, and labels 1 for a five, 0 for the rest.
export const scaled = (images) => filled(Float32Array, images.length, (i) => images[i] / 255);
export const isFive = (digits) => filled(Float32Array, digits.length, (i) => (digits[i] === 5 ? 1 : 0));
