// The settings, with no page in them: the scripts' defaults, each setting's bounds, and the address that
// holds them, such as #activation=sigmoid&learningRate=0.5, so that a link opens the same case. A value out
// of bounds, or not a number, is put right, and what was put right is said in words.

import { count, general } from "./numbers.js";

// The scripts' settings, and the learning rates the slider offers. Then the three ways to improve that the
// page lets a learner try on the training digits: raw pixels, fewer digits, and drawings of their own (see
// digits.js), which an address holds only when they differ from these.
export const DEFAULTS = {
  activation: "linear", learningRate: 0.5, batchSize: 32, epochs: 10, seed: 0,
  pixels: "scaled", trainingDigits: 4000, added: "",
};
const SCRIPTS = ["activation", "learningRate", "batchSize", "epochs", "seed"];
export const RATES = [0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10];
export const ACTIVATIONS = ["linear", "sigmoid"];
export const PIXEL_SCALES = ["scaled", "raw"];
export const TRAINING_DIGITS = [10, 50, 100, 250, 500, 1000, 2000, 4000];
// A drawing in an address: "f" or "n", then 523 letters (digits.js' drawingText); they are joined by dots.
const DRAWING = /^[fn][A-Za-z0-9_-]{523}$/;

// Each number's name on the page, its bounds, and whether it is whole.
export const BOUNDS = {
  learningRate: { name: "learning rate", lowest: RATES[0], highest: RATES.at(-1), whole: false },
  batchSize: { name: "batch size", lowest: 1, highest: 4000, whole: true },
  epochs: { name: "epochs", lowest: 1, highest: 100, whole: true },
  seed: { name: "seed", lowest: 0, highest: 2 ** 32 - 1, whole: true },
  trainingDigits: { name: "training digits", lowest: 10, highest: 4000, whole: true },
};

// A setting's value from what was typed or linked: within its bounds, rounded if it is whole, and the
// default when it is empty or not a number. `notice` says what was put right, or is "" when nothing was.
export function within(setting, text) {
  const { name, lowest, highest, whole } = BOUNDS[setting];
  const typed = String(text ?? "").trim();
  let value = typed === "" ? NaN : Number(typed);
  if (!Number.isFinite(value)) value = DEFAULTS[setting];
  value = Math.min(Math.max(whole ? Math.round(value) : value, lowest), highest);
  const kind = whole ? "a whole number" : "a number";
  const shown = whole ? count(value) : general(value);
  const notice = String(value) === typed ? "" : `${name}: ${kind} from ${general(lowest)} to ${count(highest)}, so ${shown}.`;
  return { value, notice };
}

// The slider's place for a learning rate: the nearest of RATES, as a ratio.
export function nearestRate(learningRate) {
  const distance = (rate) => Math.abs(Math.log(rate / learningRate));
  return RATES.reduce((best, rate, index) => (distance(rate) < distance(RATES[best]) ? index : best), 0);
}

// The settings an address's fragment (location.hash) holds, and a notice for each value put right. A
// setting the address leaves out takes its default, silently.
export function fromAddress(hash) {
  const given = new URLSearchParams(hash.replace(/^#/, ""));
  const chosen = { ...DEFAULTS }, notices = [];
  for (const [setting, name, choices] of [["activation", "line 29", ACTIVATIONS], ["pixels", "pixels", PIXEL_SCALES]]) {
    if (!given.has(setting)) continue;
    if (choices.includes(given.get(setting).toLowerCase())) chosen[setting] = given.get(setting).toLowerCase();
    else notices.push(`${name}: ${choices.join(" or ")}, so ${DEFAULTS[setting]}.`);
  }
  if (given.has("added")) {
    const drawings = given.get("added").split(".").filter(Boolean);
    const good = drawings.filter((drawing) => DRAWING.test(drawing));
    chosen.added = good.join(".");
    if (good.length < drawings.length) {
      notices.push(`added drawings: ${drawings.length - good.length} of ${drawings.length} could not be read, so ` +
        "they are left out.");
    }
  }
  for (const setting of Object.keys(BOUNDS)) {
    if (!given.has(setting)) continue;
    const { value, notice } = within(setting, given.get(setting));
    chosen[setting] = value;
    if (notice) notices.push(notice);
  }
  return { settings: chosen, notices };
}

// The address's fragment for some settings, without the "#": the scripts' settings always, the others
// when they differ from the defaults.
export function toAddress(given) {
  const settings = { ...DEFAULTS, ...given };
  const keys = Object.keys(DEFAULTS).filter((key) => SCRIPTS.includes(key) || settings[key] !== DEFAULTS[key]);
  return new URLSearchParams(keys.map((key) => [key, String(settings[key])])).toString();
}
