// The learner's own digit, on the page: what the perceptron sees of the drawing on the pad, step by step,
// what it says, and why: each pixel's part in the answer, and the sum written out.

import { PIXELS, output } from "./perceptron.js";
import { fixed } from "./numbers.js";
import { BLANK, prepareSteps } from "./prepare.js";
import { onScale, paint, paintGrey } from "./colours.js";
import { parts, sentence } from "./explain.js";
import { largestOf } from "./image.js";

const WHITE = Array.from({ length: PIXELS }, () => [255, 255, 255]);

// elements: the page's canvases and paragraphs for the digit (see lesson/playground.html's part 6).
export function digitView(elements) {
  let seen = null;  // What the perceptron saw of the drawing, or null.

  // The drawing (grey values, as the pad gives them), prepared with the steps the learner kept, and the
  // answer of model ({weights, activation, description, untrained?}, or null while the page loads; weights
  // null while it trains). raw: the model was trained on pixels 0..255; nothing: the pad is empty. Returns
  // the pixels seen, or null.
  function show(grey, model, raw, nothing) {
    let steps = null;
    try {
      steps = prepareSteps(grey, { crop: elements.useCrop.checked, centre: elements.useCentre.checked });
    } catch (error) {
      if (error.message !== BLANK) throw error;
    }
    // Scaled as the perceptron's training digits were: 0..1, or 0..255 for raw pixels; and the other way
    // round when the learner leaves the step out.
    const most = raw === elements.useScale.checked ? 255 : 1;
    seen = steps ? steps.pixels.map((value) => value * most) : null;
    for (const [canvas, picture] of [[elements.ink, steps?.ink], [elements.cropped, steps?.cropped],
      [elements.scaled, steps?.scaled]]) paintGrey(canvas, picture);
    const brightest = seen ? Math.max(largestOf(seen), 1e-12) : 1;
    const shown = seen ? seen.map((value) => value / brightest) : null;
    paint(elements.seen, shown ? Array.from(shown, (value) => Array(3).fill(Math.round(255 * value)))
      : Array.from({ length: PIXELS }, () => [0, 0, 0]));
    elements.seen.setAttribute("aria-label", seen ? "What it sees: the digit in 28 by 28 pixels, white on black"
      : "What it sees: nothing yet");
    elements.answering.textContent = model ? model.description : "";
    // predict.py's hints, for a drawing that may not read well.
    elements.hint.textContent = steps?.hints.length ? `Hint: ${steps.hints.join("; ")}.` : "";
    const verdict = elements.verdict;
    const blank = !seen || !model?.weights || !model.weights.every(Number.isFinite) || model.untrained;
    verdict.className = blank ? "waiting" : "";
    if (blank) {
      verdict.textContent = !model ? "loading..."
        : !model.weights ? "no answer while it trains"
        : !model.weights.every(Number.isFinite) ? "no answer: its weights are not numbers, because training blew up"
        : model.untrained ? "no answer yet: press Train first"
        : nothing ? "draw a digit" : "too small to read: draw it larger";
      paint(elements.push, WHITE);
      elements.push.setAttribute("aria-label", "Each pixel's part: nothing yet");
      elements.why.textContent = "A perceptron adds up evidence, pixel by pixel.";
      return seen;
    }
    const said = output(model.weights, seen, 0, model.activation);
    // The same words and rule as predict.py: above 0.5 means "five".
    verdict.textContent = `${said > 0.5 ? "five" : "not five"} (${fixed(said, 2)})`;
    const taken = parts(model.weights, seen, model.activation);
    const strongest = largestOf(Array.from(taken.each, Math.abs)) || 1;
    paint(elements.push, Array.from(taken.each, (part) => onScale(part, strongest)));
    elements.push.setAttribute("aria-label", `Each pixel's part in the answer, from ${fixed(-strongest, 2)} ` +
      `(red, away from "five") to ${fixed(strongest, 2)} (blue, towards it)`);
    const sentenceText = sentence(taken);
    elements.why.textContent = `A perceptron adds up evidence, pixel by pixel: ${sentenceText}`;
    return seen;
  }

  return { show, seen: () => seen };
}
