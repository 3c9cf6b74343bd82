// The perceptron alone, with no page in it: its output, its starting weights, and minibatch SGD on mean
// squared error, in float32 as Keras computes them. Its weights are 785 numbers in a Float32Array: the 784
// pixels' weights, row by row, then the bias. tests/page/perceptron.test.js holds it to Keras' own weights
// after 1 and 3 epochs, from the same start in the same order, over a grid of settings.

export const PIXELS = 784;

// A seeded generator of numbers in [0, 1): mulberry32. The page's random numbers are its own, not NumPy's
// or TensorFlow's, so at the same seed its numbers differ a little from the scripts'.
export function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

// Keras' default start: Glorot uniform weights, within sqrt(6 / (784 inputs + 1 output)) of 0, and a zero bias.
export const GLOROT_LIMIT = Math.sqrt(6 / (PIXELS + 1));

export function startingWeights(random) {
  const weights = new Float32Array(PIXELS + 1);
  for (let i = 0; i < PIXELS; i++) weights[i] = (2 * random() - 1) * GLOROT_LIMIT;
  return weights;
}

// The numbers 0 to count - 1 in a random order (Fisher and Yates' shuffle): an epoch's order of the digits.
export function shuffled(count, random) {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export const sigmoid = (sum) => 1 / (1 + Math.exp(-sum));

// The weighted sum for the digit at `offset` in `pixels`: the bias plus each pixel times its weight.
export function weightedSum(weights, pixels, offset = 0) {
  let sum = weights[PIXELS];
  for (let i = 0; i < PIXELS; i++) sum += weights[i] * pixels[offset + i];
  return Math.fround(sum);
}

// The perceptron's output for one digit: the weighted sum, squashed into 0..1 if it has a sigmoid.
export function output(weights, pixels, offset, activation) {
  const sum = weightedSum(weights, pixels, offset);
  return activation === "sigmoid" ? Math.fround(sigmoid(sum)) : sum;
}

// One step of SGD on one batch (indices into the digits), in place; returns the batch's outputs before it,
// in `outputs` if given (and the gradient's room, if given, is used again).
// The loss is the mean squared error over the batch, so each digit's part of the step is the learning rate
// times 2 (output - label) / batch size, times the sigmoid's slope, output (1 - output), if it has one,
// times the digit's pixels (and times 1 for the bias).
export function sgdStep(weights, pixels, labels, batch, activation, learningRate,
  gradient = new Float32Array(PIXELS + 1), outputs = new Float32Array(batch.length)) {
  gradient.fill(0);
  batch.forEach((index, place) => {
    const offset = index * PIXELS, said = output(weights, pixels, offset, activation);
    outputs[place] = said;
    const error = said - labels[index];
    const slope = Math.fround(2 * error / batch.length * (activation === "sigmoid" ? said * (1 - said) : 1));
    for (let i = 0; i < PIXELS; i++) gradient[i] += slope * pixels[offset + i];
    gradient[PIXELS] += slope;
  });
  for (let i = 0; i <= PIXELS; i++) weights[i] -= learningRate * gradient[i];
  return outputs;
}

// How a set of outputs fared against their labels (1 for five): accuracy and mean squared error, and the
// lowest and highest output that is a number (NaN when none is). An output above 0.5 counts as "five".
export function tally(outputs, labels) {
  let squaredErrors = 0, right = 0, lowest = Infinity, highest = -Infinity;
  outputs.forEach((said, i) => {
    squaredErrors += (said - labels[i]) ** 2;
    if ((said > 0.5) === (labels[i] === 1)) right += 1;
    if (Number.isFinite(said)) { lowest = Math.min(lowest, said); highest = Math.max(highest, said); }
  });
  return {
    accuracy: right / outputs.length, loss: squaredErrors / outputs.length,
    lowestOutput: Number.isFinite(lowest) ? lowest : NaN, highestOutput: Number.isFinite(highest) ? highest : NaN,
  };
}

// One epoch of SGD, in place: a step for each batch of the digits, in `order`. Returns the epoch's accuracy,
// loss and outputs' range, of the outputs before each step, as Keras counts them.
export function sgdEpoch(weights, pixels, labels, order, activation, learningRate, batchSize) {
  // One gradient for all the steps, and the epoch's outputs, each batch's written in place.
  const outputs = new Float32Array(order.length), gradient = new Float32Array(PIXELS + 1);
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(start + batchSize, order.length);
    sgdStep(weights, pixels, labels, order.slice(start, end), activation, learningRate, gradient,
      outputs.subarray(start, end));
  }
  return tally(outputs, Float32Array.from(order, (index) => labels[index]));
}

// The outputs for all the digits in `pixels`, with how they fared against their labels.
export function check(weights, pixels, labels, activation) {
  const outputs = Float32Array.from(labels, (_, index) => output(weights, pixels, index * PIXELS, activation));
  return { outputs, ...tally(outputs, labels) };
}
