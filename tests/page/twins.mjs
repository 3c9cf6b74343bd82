// For tests/test_twins.py: the JavaScript twins' answers to what Python asks, as JSON on the standard output.
// FIXTURES names the folder of twins.json: {report: [cases as report.test.js has them], prepare: [{grey}]}.

import { fixture } from "./fixtures.js";
import { heldOutCheck } from "../../lesson/report.js";
import { prepareSteps } from "../../lesson/prepare.js";

const asked = fixture("twins");
const report = asked.report.map(({ outputs, digits, epochs, activation, learningRate, steps, fix }) =>
  heldOutCheck(outputs, digits, epochs, activation, learningRate, steps, fix ?? undefined));
const prepare = asked.prepare.map(({ grey }) => {
  try {
    const steps = prepareSteps({ width: grey.width, height: grey.height, values: Float32Array.from(grey.values) });
    return { pixels: Array.from(steps.pixels), others: steps.others, hints: steps.hints };
  } catch (error) {
    return { error: error.message };
  }
});
console.log(JSON.stringify({ report, prepare }));
