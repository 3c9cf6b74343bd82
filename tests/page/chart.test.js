// lesson/chart.js: the last three runs, each as a line per epoch, training dashed, held-out solid.

import test from "node:test";
import assert from "node:assert/strict";
import { RUNS_KEPT, chart, described, kept } from "../../lesson/chart.js";

const run = (label, heldOut) => ({ label, epochs: heldOut.map((value) => ({ accuracy: value + 0.01, heldOutAccuracy: value })) });

test("the chart keeps the last three runs", () => {
  let runs = [];
  for (const label of ["linear, 0.5", "sigmoid, 0.5", "sigmoid, 0.01", "sigmoid, 10"]) runs = kept(runs, run(label, [0.9, 0.95]));
  assert.equal(RUNS_KEPT, 3);
  assert.deepEqual(runs.map((one) => one.label), ["sigmoid, 0.5", "sigmoid, 0.01", "sigmoid, 10"]);
});

test("each run is two lines, with a point per epoch, and its label and last held-out accuracy", () => {
  const runs = [run("linear, 0.5", [0.9, 0.9, 0.9]), run("sigmoid, 0.5", [0.946, 0.955, 0.962])];
  const svg = chart(runs);
  assert.equal((svg.match(/<polyline/g) ?? []).length, 4);
  assert.equal((svg.match(/stroke-dasharray/g) ?? []).length, 2);  // Training, dashed.
  for (const points of svg.matchAll(/points="([^"]*)"/g)) assert.equal(points[1].split(" ").length, 3);
  assert.match(svg, /linear, 0\.5: held-out 90\.0%/);
  assert.match(svg, /sigmoid, 0\.5: held-out 96\.2%/);
  // Higher accuracy is higher up: a smaller y.
  const heldOut = [...svg.matchAll(/points="([^"]*)" fill="none" stroke="[^"]*" stroke-width="2"\/>/g)][1][1];
  const ys = heldOut.split(" ").map((point) => Number(point.split(",")[1]));
  assert.ok(ys[0] > ys[1] && ys[1] > ys[2]);
  assert.equal(described(runs), "linear, 0.5: held-out accuracy 90.0%, 90.0%, 90.0%; sigmoid, 0.5: held-out " +
    "accuracy 94.6%, 95.5%, 96.2%.");
});

test("a run that fell below 80% widens the scale, and labels are written safely", () => {
  const svg = chart([run("<raw> & \"pixels\"", [0.5, 0.62])]);
  assert.match(svg, />50%</);
  assert.match(svg, /&lt;raw> &amp; &quot;pixels&quot;/);
});

test("a run keeps its colour as others come, and the legend sits below the axis's words", () => {
  let runs = [];
  const colours = [];
  for (const [serial, label] of ["linear, 0.5", "sigmoid, 0.5", "sigmoid, 0.01", "sigmoid, 10"].entries()) {
    runs = kept(runs, { ...run(label, [0.9, 0.95]), serial });
    colours.push(chart(runs).match(new RegExp(`fill="(#[0-9a-f]+)">${label.replace(".", "\\.")}`))[1]);
  }
  const svg = chart(runs);
  for (const [serial, label] of ["sigmoid, 0.5", "sigmoid, 0.01", "sigmoid, 10"].entries()) {
    assert.equal(svg.match(new RegExp(`fill="(#[0-9a-f]+)">${label.replace(".", "\\.")}`))[1], colours[serial + 1]);
  }
  assert.equal(new Set(colours.slice(1)).size, 3);
  const axis = Number(svg.match(/y="([\d.]+)" text-anchor="middle">epoch 1 to/)[1]);
  const legend = Array.from(svg.matchAll(/y="([\d.]+)" fill="#/g), (found) => Number(found[1]));
  assert.ok(legend.every((y, i) => y >= axis + 12 && (i === 0 || y >= legend[i - 1] + 12)), `${axis} ${legend}`);
  assert.ok(legend.at(-1) <= Number(svg.match(/viewBox="0 0 \d+ (\d+)"/)[1]));
});
