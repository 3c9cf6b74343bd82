// The pad: a canvas to draw one digit on, with the mouse, a finger or a pen, in black on white; or a
// held-out digit painted on it. When the pen is lifted, the strokes are drawn again with a pen as wide as
// MNIST's strokes are for a digit of that size, so that a small digit is not a blob; and its grey values are
// read as Pillow reads the same picture saved as a PNG.

import { greyFromRgba } from "./image.js";

// The pad holds 196 x 196 pixels, seven times MNIST's 28, shown 280 pixels wide: under 200 pixels a side,
// prepare.py has no grain to blur away, so the perceptron's answer comes twice as fast.
//
// MNIST's strokes are about a seventh of a digit's height: a pen 0.15 of the drawing's size, as its strokes
// run through the middle of the ink, makes that. While the pen is down it is as wide as the last one. (In
// the pad's pixels.)
export const STROKE_SHARE = 0.15, THINNEST = 3, THICKEST = 21, FIRST_PEN = 14;

// The pen's width for strokes whose points span `size` pixels.
export const penFor = (size) => Math.min(Math.max(Math.round(STROKE_SHARE * size), THINNEST), THICKEST);

// pad: the canvas; changed() is called when the pen is lifted, and when the pad is cleared or painted.
export function padOn(pad, changed) {
  const pen = pad.getContext("2d", { willReadFrequently: true });
  let strokes = [], background = null, width = FIRST_PEN, drawing = false;

  // A point on the pad, kept off its edge: prepare.py takes a long stroke along a picture's edge for the
  // edge of a page, and leaves it out.
  const margin = () => width / 2 + 2;
  const within = ([x, y]) => [Math.min(Math.max(x, margin()), pad.width - margin()),
    Math.min(Math.max(y, margin()), pad.height - margin())];
  const at = (event) => {
    const box = pad.getBoundingClientRect();
    return within([(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height]);
  };

  function line(points) {
    pen.beginPath();
    pen.moveTo(...points[0]);
    // A single point is a dot: a line of almost no length, with round ends.
    for (const point of points.length > 1 ? points.slice(1) : [[points[0][0], points[0][1] + 0.01]]) pen.lineTo(...point);
    pen.stroke();
  }

  function redraw() {
    pen.fillStyle = "white";
    pen.fillRect(0, 0, pad.width, pad.height);
    if (background) pen.drawImage(background, 0, 0);
    Object.assign(pen, { strokeStyle: "black", lineWidth: width, lineCap: "round", lineJoin: "round" });
    strokes.forEach((points) => line(points.map(within)));
  }

  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    strokes.push([at(event)]);
    Object.assign(pen, { strokeStyle: "black", lineWidth: width, lineCap: "round", lineJoin: "round" });
    line(strokes.at(-1));
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const points = strokes.at(-1);
    points.push(at(event));
    line(points.slice(-2));
  });
  const lifted = () => {
    if (!drawing) return;
    drawing = false;
    const points = strokes.flat(), xs = points.map(([x]) => x), ys = points.map(([, y]) => y);
    width = penFor(Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)));
    redraw();
    changed();
  };
  pad.addEventListener("pointerup", lifted);
  pad.addEventListener("pointercancel", lifted);

  function clear() {
    strokes = [];
    background = null;
    width = FIRST_PEN;
    redraw();
    changed();
  }

  // A digit of 28x28 pixels 0..255 (white on black, as MNIST's), painted dark on white, five sevenths of the
  // pad in the middle, as if drawn.
  function paint(pixels) {
    const small = document.createElement("canvas");
    small.width = small.height = 28;
    const image = small.getContext("2d").createImageData(28, 28);
    pixels.forEach((value, i) => image.data.set([255 - value, 255 - value, 255 - value, 255], 4 * i));
    small.getContext("2d").putImageData(image, 0, 0);
    background = document.createElement("canvas");
    background.width = pad.width;
    background.height = pad.height;
    const context = background.getContext("2d");
    context.fillStyle = "white";
    context.fillRect(0, 0, pad.width, pad.height);
    const size = Math.round(pad.width * 5 / 7);
    context.drawImage(small, (pad.width - size) / 2, (pad.height - size) / 2, size, size);
    strokes = [];
    redraw();
    changed();
  }

  const greys = () => greyFromRgba(pen.getImageData(0, 0, pad.width, pad.height).data, pad.width, pad.height);
  return { clear, greys, paint, strokes: () => strokes.length, pen: () => width, painted: () => background !== null };
}
