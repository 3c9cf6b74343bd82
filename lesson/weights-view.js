// The weights as a 28x28 picture on the page, before training and after each epoch: while a run trains,
// each frame on the scale of the largest weight so far; when it is over, the last one on the run's one
// scale, as weights.gif shows them. A slider steps through the frames, and Play plays them again.

import { number } from "./numbers.js";
import { colour, onScale, paint } from "./colours.js";
import { PIXELS } from "./perceptron.js";
import { largestOf } from "./image.js";

// elements: {picture, scale, caption, low, high, slider, play}, the page's canvases, labels and controls.
export function weightsView(elements) {
  let frames = [], largest = 0, replaying = null;

  function show(index) {
    const frame = frames[index];
    if (!frame) return;
    const canvas = elements.picture, context = canvas.getContext("2d");
    const numbers = frame.weights.every(Number.isFinite);
    if (frame.weights.slice(0, PIXELS).every(Number.isFinite)) {
      paint(canvas, Array.from(frame.weights.slice(0, PIXELS), (weight) => onScale(weight, largest)));
    } else {
      context.fillStyle = "#d9d9d9";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.fillStyle = "black";
      context.font = "14px system-ui, sans-serif";
      context.textAlign = "center";
      context.fillText("the weights are not numbers:", canvas.width / 2, canvas.height / 2 - 8);
      context.fillText("they overflowed to nan", canvas.width / 2, canvas.height / 2 + 12);
    }
    elements.caption.textContent = frame.caption;
    elements.picture.setAttribute("aria-label", numbers
      ? `The weights, ${frame.caption}: blue where ink pushes the answer towards "five", red where it pushes it ` +
        `away, from ${number(-largest)} to ${number(largest)}.`
      : `The weights, ${frame.caption}: not numbers; they overflowed to nan.`);
    elements.low.textContent = numbers ? number(-largest) : "";
    elements.high.textContent = numbers ? number(largest) : "";
    elements.slider.value = index;
    elements.slider.setAttribute("aria-valuetext", frame.caption);
  }

  function stop() {
    clearTimeout(replaying);
    replaying = null;
    elements.play.textContent = "Play the epochs";
  }

  // The run's frames again, one by one, on its one colour scale.
  function replay(index = 0) {
    show(index);
    replaying = index + 1 < frames.length ? setTimeout(replay, 350, index + 1) : null;
    elements.play.textContent = replaying ? "Stop" : "Play the epochs";
  }

  function add(weights, caption) {
    frames.push({ weights: Float32Array.from(weights), caption });
    const finite = weights.slice(0, PIXELS).filter(Number.isFinite);
    if (finite.length === PIXELS) largest = Math.max(largest, largestOf(finite.map(Math.abs)));
    elements.slider.max = frames.length - 1;
    show(frames.length - 1);
  }

  // The run is over: its last frame, on its one scale.
  const last = () => show(frames.length - 1);

  function reset() {
    stop();
    frames = [];
    largest = 0;
  }

  // The colour scale under the picture, from red through white to blue.
  const scale = elements.scale.getContext("2d");
  for (let x = 0; x < elements.scale.width; x++) {
    scale.fillStyle = `rgb(${colour(x / (elements.scale.width - 1)).join(",")})`;
    scale.fillRect(x, 0, 1, elements.scale.height);
  }
  elements.slider.addEventListener("input", () => { stop(); show(Number(elements.slider.value)); });
  elements.play.addEventListener("click", () => {
    if (replaying) stop();
    else replay();
  });
  return { add, last, reset, replay, stop };
}
