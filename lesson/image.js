// Twins of the NumPy, SciPy and Pillow functions that lesson/prepare.py uses, with no page in them. Images
// are {width, height, values}: values row by row, in a Float32Array as NumPy's float32 arrays hold them;
// masks are Uint8Arrays of 0s and 1s. tests/page/image.test.js holds each to the Python function it
// is named after, on random arrays.

// A new typed array of `length` values, value(i) each. TypedArray.from(source, map) does the same, but V8
// runs it many times slower, and these run each time the pen is lifted.
export function filled(Type, length, value) {
  const array = new Type(length);
  for (let i = 0; i < length; i++) array[i] = value(i);
  return array;
}

// An image of width x height, all 0 unless values are given.
export const picture = (width, height, values) => ({ width, height, values: values ?? new Float32Array(width * height) });

// Python's round(): halves go to the even neighbour, and whole numbers have no -0.
export function pythonRound(value) {
  const floor = Math.floor(value);
  if (value - floor !== 0.5) return Math.round(value) || 0;
  return floor % 2 === 0 ? floor : floor + 1;
}

// The k-th smallest of the values in array (0 for the smallest): what array.sort()[k] would be, without
// sorting them all (Hoare's selection). It reorders array, so that everything after place k is at least as
// large, and everything before it at most.
function kthSmallest(array, k) {
  let low = 0, high = array.length - 1;
  while (high > low) {
    const pivot = array[(low + high) >> 1];
    let i = low, j = high;
    while (i <= j) {
      while (array[i] < pivot) i++;
      while (array[j] > pivot) j--;
      if (i <= j) {
        const swapped = array[i];
        array[i++] = array[j];
        array[j--] = swapped;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return array[k];
}

// The smallest after place k, once kthSmallest(array, k) has put the larger ones there: the (k + 1)-th.
function nextSmallest(array, k) {
  let least = Infinity;
  for (let i = k + 1; i < array.length; i++) least = Math.min(least, array[i]);
  return least;
}

// NumPy's median: the middle value, or the mean of the middle two.
export function median(values) {
  const copy = Float64Array.from(values), middle = copy.length >> 1;
  if (copy.length % 2) return kthSmallest(copy, middle);
  const below = kthSmallest(copy, middle - 1);
  return (below + nextSmallest(copy, middle - 1)) / 2;
}

// NumPy's percentile, interpolating linearly between the two nearest values.
export function percentile(values, percent) {
  const copy = Float64Array.from(values);
  const place = (percent / 100) * (copy.length - 1), below = Math.floor(place), share = place - below;
  const low = kthSmallest(copy, below), high = below + 1 < copy.length ? nextSmallest(copy, below) : low;
  return share >= 0.5 ? high - (high - low) * (1 - share) : low + (high - low) * share;
}

// Every second row and column, as image[::2, ::2] takes them.
export function everySecond(image) {
  const values = [];
  for (let row = 0; row < image.height; row += 2) {
    for (let column = 0; column < image.width; column += 2) values.push(image.values[row * image.width + column]);
  }
  return values;
}

// Twin of Pillow's resize with BILINEAR, which prepare.resized uses: each output pixel averages the input
// under a triangle as wide as the scale; across first, then down.
export function resizeTo(image, width, height) {
  let result = picture(image.width, image.height, Float32Array.from(image.values));
  for (const [across, size] of [[true, width], [false, height]]) {
    const inSize = across ? result.width : result.height;
    if (size === inSize) continue;
    const scale = inSize / size, support = Math.max(scale, 1);
    const out = across ? picture(size, result.height) : picture(result.width, size);
    const lines = across ? result.height : result.width;
    for (let place = 0; place < size; place++) {
      const centre = (place + 0.5) * scale;
      const first = Math.max(Math.trunc(centre - support + 0.5), 0);
      const last = Math.min(Math.trunc(centre + support + 0.5), inSize);
      const weights = [];
      let total = 0;
      for (let x = first; x < last; x++) {
        const distance = Math.abs((x - centre + 0.5) / support);
        weights.push(distance < 1 ? 1 - distance : 0);
        total += weights[weights.length - 1];
      }
      const shares = weights.map((weight) => (total ? weight / total : 0));
      // Along a row the next pixel is the next value; down a column, a row's width further on.
      const step = across ? 1 : result.width, outStep = across ? 1 : out.width;
      for (let line = 0; line < lines; line++) {
        const start = across ? line * result.width : line, outStart = across ? line * out.width : line;
        let sum = 0;
        for (let x = first; x < last; x++) sum += shares[x - first] * result.values[start + x * step];
        out.values[outStart + place * outStep] = sum;
      }
    }
    result = out;
  }
  return result;
}

export function resized(image, scale) {
  return resizeTo(image, Math.max(1, pythonRound(image.width * scale)), Math.max(1, pythonRound(image.height * scale)));
}

// Where a filter reaches past the picture's edge: SciPy's "nearest" repeats the edge, its "reflect" mirrors it.
export const nearest = (index, size) => Math.min(Math.max(index, 0), size - 1);
export function reflect(index, size) {
  while (index < 0 || index >= size) index = index < 0 ? -index - 1 : 2 * size - index - 1;
  return index;
}

// Twin of scipy.ndimage.percentile_filter(values, percent, size, mode="nearest").
export function percentileFilter(image, percent, size) {
  const result = picture(image.width, image.height);
  const rank = percent === 100 ? size * size - 1 : Math.floor(size * size * percent / 100);
  const window = new Float64Array(size * size);
  for (let row = 0; row < image.height; row++) {
    for (let column = 0; column < image.width; column++) {
      let n = 0;
      for (let i = 0; i < size; i++) {
        const r = nearest(row - (size >> 1) + i, image.height);
        for (let j = 0; j < size; j++) window[n++] = image.values[r * image.width + nearest(column - (size >> 1) + j, image.width)];
      }
      result.values[row * image.width + column] = kthSmallest(window, rank);
    }
  }
  return result;
}

// Twin of scipy.ndimage.maximum_filter(mask, size) on a mask of 0s and 1s, mode "reflect": down, then across.
// A pixel becomes 1 when its window, size pixels from size / 2 before it, holds a 1; counting the 1s along
// each line once makes that quick for any size.
export function maximumFilter(mask, width, height, size) {
  let result = Uint8Array.from(mask);
  for (const [lines, length, step, across] of [[width, height, width, 1], [height, width, 1, width]]) {
    // Where each place of the window's reach falls on a line, mirrored at its ends: worked out once.
    const from = filled(Int32Array, length + size - 1, (j) => reflect(j - (size >> 1), length));
    const source = result, before = new Int32Array(length + size);  // before[j]: the 1s before place j.
    result = new Uint8Array(mask.length);
    for (let line = 0; line < lines; line++) {
      const start = line * across;
      for (let j = 0; j < length + size - 1; j++) before[j + 1] = before[j] + source[start + from[j] * step];
      for (let i = 0; i < length; i++) result[start + i * step] = before[i + size] > before[i] ? 1 : 0;
    }
  }
  return result;
}

// Twin of scipy.ndimage.label: the connected pieces of a mask, numbered 1, 2, ... in the order they are met,
// row by row; touching corners join pieces only when `corners` is true.
export function label(mask, width, height, corners) {
  const labels = new Int32Array(mask.length);
  let count = 0;
  const stack = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    labels[start] = ++count;
    stack.push(start);
    while (stack.length) {
      const at = stack.pop(), row = Math.floor(at / width), column = at % width;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          if ((!corners && dr && dc) || (!dr && !dc)) continue;
          const r = row + dr, c = column + dc, next = r * width + c;
          if (r < 0 || r >= height || c < 0 || c >= width || !mask[next] || labels[next]) continue;
          labels[next] = count;
          stack.push(next);
        }
      }
    }
  }
  return { labels, count };
}

// Twin of scipy.ndimage.find_objects: each piece's box, as {top, bottom, left, right}, bottom and right past it.
export function boxes(labels, count, width) {
  const found = Array.from({ length: count }, () => ({ top: Infinity, bottom: -1, left: Infinity, right: -1 }));
  labels.forEach((piece, index) => {
    if (!piece) return;
    const box = found[piece - 1], row = Math.floor(index / width), column = index % width;
    box.top = Math.min(box.top, row); box.bottom = Math.max(box.bottom, row + 1);
    box.left = Math.min(box.left, column); box.right = Math.max(box.right, column + 1);
  });
  return found;
}

// Twin of np.pad(values, margin, constant_values=fill): the image with margin pixels of fill all round it.
export function padded(image, margin, fill = 0) {
  const width = image.width + 2 * margin, height = image.height + 2 * margin;
  const values = new image.values.constructor(width * height).fill(fill);
  for (let row = 0; row < image.height; row++) {
    values.set(image.values.subarray(row * image.width, (row + 1) * image.width), (row + margin) * width + margin);
  }
  return { width, height, values };
}

// Twin of scipy.ndimage.distance_transform_edt: for each pixel that is not 0, the distance to the nearest 0
// (Felzenszwalb and Huttenlocher's method, a column at a time, then a row at a time).
export function distanceTransform(mask, width, height) {
  const squared = filled(Float64Array, mask.length, (i) => (mask[i] ? Infinity : 0));
  const line = (get, set, size) => {
    const f = filled(Float64Array, size, get);
    const v = new Int32Array(size), z = new Float64Array(size + 1);
    let k = 0;
    v[0] = 0; z[0] = -Infinity; z[1] = Infinity;
    for (let q = 1; q < size; q++) {
      if (f[q] === Infinity) continue;
      if (f[v[k]] === Infinity) { v[k] = q; continue; }
      let s;
      while ((s = ((f[q] + q * q) - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k])) <= z[k]) k--;
      k++; v[k] = q; z[k] = s; z[k + 1] = Infinity;
    }
    if (f[v[0]] === Infinity) { for (let q = 0; q < size; q++) set(q, Infinity); return; }
    k = 0;
    for (let q = 0; q < size; q++) {
      while (z[k + 1] < q) k++;
      set(q, (q - v[k]) ** 2 + f[v[k]]);
    }
  };
  for (let column = 0; column < width; column++) {
    line((i) => squared[i * width + column], (i, value) => { squared[i * width + column] = value; }, height);
  }
  for (let row = 0; row < height; row++) {
    line((i) => squared[row * width + i], (i, value) => { squared[row * width + i] = value; }, width);
  }
  return squared.map(Math.sqrt);
}

// Twin of SciPy's gaussian_filter, with its reach of 4 sigmas and "reflect" edges: down, then across.
export function gaussianBlur(image, sigma) {
  const radius = Math.floor(4 * sigma + 0.5), taps = 2 * radius + 1;
  const kernel = Array.from({ length: taps }, (_, i) => Math.exp(-0.5 * (i - radius) ** 2 / (sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b), weights = kernel.map((value) => value / total);
  const { width, height } = image;
  let result = image;
  for (const [lines, length, step, across] of [[width, height, width, 1], [height, width, 1, width]]) {
    // Where each tap falls, for each place along a line, the edges mirrored: worked out once.
    const places = filled(Int32Array, length * taps, (i) => reflect(Math.floor(i / taps) + (i % taps) - radius, length));
    const source = result.values, out = picture(width, height);
    for (let line = 0; line < lines; line++) {
      const start = line * across;
      for (let place = 0; place < length; place++) {
        let sum = 0;
        if (place >= radius && place + radius < length) {
          // Away from the ends, the taps fall on the places around it, in order.
          const first = start + (place - radius) * step;
          for (let k = 0; k < taps; k++) sum += weights[k] * source[first + k * step];
        } else {
          for (let k = 0; k < taps; k++) sum += weights[k] * source[start + places[place * taps + k] * step];
        }
        out.values[start + place * step] = sum;
      }
    }
    result = out;
  }
  return result;
}

// The largest of many numbers: Math.max(...values) fails on a whole picture's worth of them.
export function largestOf(values) {
  let most = -Infinity;
  for (let i = 0; i < values.length; i++) most = Math.max(most, values[i]);
  return most;
}

// Twin of Pillow's convert("L"): red, green, blue and alpha bytes to grey values 0..255, as a picture.
export function greyFromRgba(rgba, width, height) {
  return picture(width, height, filled(Float32Array, width * height,
    (i) => (rgba[4 * i] * 19595 + rgba[4 * i + 1] * 38470 + rgba[4 * i + 2] * 7471 + 0x8000) >> 16));
}
