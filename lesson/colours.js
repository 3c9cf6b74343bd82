// The weights' colours: matplotlib's RdBu scale, as lesson/pictures.py draws the weights, with zero white,
// blue for what pushes the answer towards "five" and red for what pushes it away; and painting pictures of
// them, or of grey, on a canvas.

export const RDBU = [[103, 0, 31], [178, 24, 43], [214, 96, 77], [244, 165, 130], [253, 219, 199], [247, 247, 247],
  [209, 229, 240], [146, 197, 222], [67, 147, 195], [33, 102, 172], [5, 48, 97]];
export const NOT_A_NUMBER = [217, 217, 217];

// The colour of fraction 0..1 of the way from red to blue, as [red, green, blue]; grey for NaN.
export function colour(fraction) {
  if (Number.isNaN(fraction)) return NOT_A_NUMBER;
  const place = Math.min(Math.max(fraction, 0), 1) * (RDBU.length - 1);
  const low = Math.min(Math.floor(place), RDBU.length - 2), share = place - low;
  return RDBU[low].map((channel, index) => Math.round(channel + (RDBU[low + 1][index] - channel) * share));
}

// The colour of a value on a scale from -largest (red) through 0 (white) to largest (blue).
export const onScale = (value, largest) => colour((value / largest + 1) / 2);

// Paint size x size colours ([red, green, blue], row by row) onto a canvas, each as a square block.
export function paint(canvas, colours, size = 28) {
  const context = canvas.getContext("2d");
  const picture = context.createImageData(size, size);
  colours.forEach(([red, green, blue], index) => {
    picture.data[4 * index] = red;
    picture.data[4 * index + 1] = green;
    picture.data[4 * index + 2] = blue;
    picture.data[4 * index + 3] = 255;
  });
  if (canvas.width === size) { context.putImageData(picture, 0, 0); return; }
  const small = document.createElement("canvas");
  small.width = small.height = size;
  small.getContext("2d").putImageData(picture, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}

// Paint a picture ({width, height, values}, 0..1) in grey, white for 1 as in MNIST, as large as fits in the
// canvas, keeping its shape, on black.
export function paintGrey(canvas, picture) {
  const context = canvas.getContext("2d");
  context.fillStyle = "black";
  context.fillRect(0, 0, canvas.width, canvas.height);
  if (!picture) return;
  const small = document.createElement("canvas");
  small.width = picture.width;
  small.height = picture.height;
  const image = small.getContext("2d").createImageData(picture.width, picture.height);
  for (let i = 0; i < picture.values.length; i++) {
    const grey = Math.round(255 * Math.min(Math.max(picture.values[i], 0), 1));
    image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = grey;
    image.data[4 * i + 3] = 255;
  }
  small.getContext("2d").putImageData(image, 0, 0);
  const scale = Math.min(canvas.width / picture.width, canvas.height / picture.height);
  context.imageSmoothingEnabled = scale < 1;
  const width = picture.width * scale, height = picture.height * scale;
  context.drawImage(small, (canvas.width - width) / 2, (canvas.height - height) / 2, width, height);
}
