// The accuracy per epoch, training and held-out, of the last few runs, as an SVG picture: so that a class can
// compare learning rates on one projector. Pure: it returns the picture's text.

import { percent } from "./numbers.js";

export const RUNS_KEPT = 3;
// Three colours told apart by everyone, also in grey (ColorBrewer's Dark2), for the runs, oldest first.
export const COLOURS = ["#7570b3", "#d95f02", "#1b9e77"];

// The runs kept once a new one is added: the last RUNS_KEPT.
export const kept = (runs, run) => [...runs, run].slice(-RUNS_KEPT);

const escaped = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

// runs: [{label, epochs: [{accuracy, heldOutAccuracy}], serial}], oldest first; serial numbers the runs, and
// chooses each one's colour. The picture is width x height, taller for more runs.
export function chart(runs, width = 330, height = 170 + 14 * runs.length) {
  const left = 40, right = 10, top = 10, bottom = 34 + 14 * runs.length;
  const epochs = Math.max(1, ...runs.map((run) => run.epochs.length));
  const all = runs.flatMap((run) => run.epochs.flatMap((epoch) => [epoch.accuracy, epoch.heldOutAccuracy]));
  // From 80%, or lower if a run went lower, to 100%, in steps of 10 points.
  const lowest = Math.min(0.8, Math.floor(Math.min(1, ...all) * 10) / 10);
  const x = (epoch) => left + (epochs === 1 ? 0.5 : epoch / (epochs - 1)) * (width - left - right);
  const y = (accuracy) => top + (1 - accuracy) / (1 - lowest) * (height - top - bottom);
  const parts = [];
  for (let level = lowest; level <= 1.0001; level += 0.1) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(level)}" y2="${y(level)}" stroke="#ddd"/>`,
      `<text x="${left - 4}" y="${y(level) + 4}" text-anchor="end">${Math.round(level * 100)}%</text>`);
  }
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - bottom + 16}" text-anchor="middle">epoch 1 ` +
    `to ${epochs}</text>`);
  runs.forEach((run, index) => {
    const colour = COLOURS[(run.serial ?? index) % COLOURS.length];  // A run keeps its colour as others come.
    for (const [key, dash] of [["heldOutAccuracy", ""], ["accuracy", ' stroke-dasharray="4 3"']]) {
      const points = run.epochs.map((epoch, i) => `${x(i).toFixed(1)},${y(epoch[key]).toFixed(1)}`).join(" ");
      parts.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    }
    const last = run.epochs.at(-1);
    parts.push(`<text x="${left}" y="${height - bottom + 34 + 14 * index}" fill="${colour}">` +
      `${escaped(run.label)}: held-out ${last ? percent(last.heldOutAccuracy) : "-"}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" font-size="12" ` +
    `font-family="system-ui, sans-serif">${parts.join("")}</svg>`;
}

// What the picture shows, in words, for a screen reader.
export function described(runs) {
  if (!runs.length) return "No runs yet: press Train.";
  return runs.map((run) => `${run.label}: held-out accuracy ${run.epochs.map((epoch) =>
    percent(epoch.heldOutAccuracy)).join(", ")}`).join("; ") + ".";
}
