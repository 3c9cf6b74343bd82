// The pad: a canvas to draw one digit on, with the mouse, a finger or a pen, in black on white, and the
// drawing's grey values as Pillow reads the same picture saved as a PNG.

import { greyFromRgba } from "./image.js";

// The pen's width, and how far it stays from the pad's edge: prepare.py takes a long stroke along a
// picture's edge for the edge of a page, and leaves it out.
export const PEN = 20, MARGIN = PEN / 2 + 2;

// pad: the canvas; changed() is called when the pen is lifted and when the pad is cleared.
export function padOn(pad, changed) {
  const pen = pad.getContext("2d", { willReadFrequently: true });
  let drawing = false;
  const at = (event) => [event.offsetX, event.offsetY].map((place, axis) =>
    Math.min(Math.max(place, MARGIN), (axis ? pad.height : pad.width) - MARGIN));

  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    Object.assign(pen, { strokeStyle: "black", lineWidth: PEN, lineCap: "round", lineJoin: "round" });
    const [x, y] = at(event);
    pen.beginPath();
    pen.moveTo(x, y);
    pen.lineTo(x, y + 0.01);
    pen.stroke();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    pen.lineTo(...at(event));
    pen.stroke();
  });
  pad.addEventListener("pointerup", () => {
    drawing = false;
    changed();
  });

  function clear() {
    pen.fillStyle = "white";
    pen.fillRect(0, 0, pad.width, pad.height);
    changed();
  }

  const greys = () => greyFromRgba(pen.getImageData(0, 0, pad.width, pad.height).data, pad.width, pad.height);
  return { clear, greys };
}
