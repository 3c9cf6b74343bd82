"""Ask a trained perceptron about digits you drew yourself.

    python perceptron-sigmoid.py --save-model five.keras
    python predict.py five.keras my-digit.png [another.jpg ...]

Each image may be in any format Pillow reads (PNG, JPEG, GIF, BMP, TIFF,
WebP and more), of any size, in colour or grey, a white
digit on black like MNIST, or a dark digit on white paper. It is prepared the
way MNIST's digits were, so that the perceptron sees what it was trained on:
grey, white on black, cropped to the digit, scaled so its longer side is 20
pixels, centred by its centre of mass in a 28x28 frame, and scaled to 0..1.

It prints one line per image: `PATH: five (0.97)` or `PATH: not five (0.03)`,
where the number is the perceptron's output.
"""

import argparse
import collections
import os
import sys

import lesson

import numpy as np
import PIL.Image
import PIL.ImageOps

# Below this much ink (out of 255) above the background, an image is blank.
FAINTEST_DIGIT = 40


def read_image(path):
    """Read an image as grey values 0..255, with any transparency made white."""
    try:
        with PIL.Image.open(path) as image:
            # Phones store a photo's rotation beside the pixels; apply it.
            image = PIL.ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                white = PIL.Image.new("RGBA", image.size, "white")
                image = PIL.Image.alpha_composite(white, image.convert("RGBA"))
            return np.asarray(image.convert("L"), dtype=np.float32)
    except FileNotFoundError:
        raise lesson.InputError("no such file")
    except IsADirectoryError:
        raise lesson.InputError("is a folder, not an image")
    except PermissionError:
        raise lesson.InputError("cannot be read (permission denied)")
    except PIL.Image.DecompressionBombError:
        raise lesson.InputError("is too large an image; shrink it to a few hundred pixels")
    except Exception:  # noqa: BLE001  A damaged image can raise almost anything.
        raise lesson.InputError("is not an image that can be read; save it as PNG or JPEG")


def prepare_image(grey):
    """Turn a picture of one digit into 28x28 pixels the way MNIST's were made."""
    # MNIST digits are white on black. A dark digit on light paper is turned
    # round: the border of the picture tells which the background is.
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if np.median(border) > 127:
        grey = 255 - grey
        border = 255 - border
    # Ink is whatever is brighter than the background, so grey paper counts as none.
    ink = np.clip(grey - np.median(border), 0, None)
    if ink.max() < FAINTEST_DIGIT:
        raise lesson.InputError("looks blank: no digit found")

    # Crop to the digit, ignoring faint specks.
    rows = np.flatnonzero((ink > 0.2 * ink.max()).any(axis=1))
    columns = np.flatnonzero((ink > 0.2 * ink.max()).any(axis=0))
    digit = ink[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]

    # Scale the longer side to 20 pixels, keeping the shape.
    height, width = digit.shape
    scale = 20 / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    digit = np.asarray(PIL.Image.fromarray(digit).resize(size, PIL.Image.Resampling.BILINEAR))

    # Place it in a 28x28 frame with its centre of mass at the centre.
    mass_rows, mass_columns = np.indices(digit.shape)
    total = digit.sum()
    centre_row = (mass_rows * digit).sum() / total
    centre_column = (mass_columns * digit).sum() / total
    top = round(14 - centre_row)
    left = round(14 - centre_column)
    top = min(max(top, 0), 28 - digit.shape[0])
    left = min(max(left, 0), 28 - digit.shape[1])
    frame = np.zeros((28, 28), dtype=np.float32)
    frame[top:top + digit.shape[0], left:left + digit.shape[1]] = digit

    # Scale to 0..1, with the strongest ink at 1, like a scaled MNIST digit.
    return frame / frame.max()


def main(argv=None):
    parser = lesson.OneLineErrorParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model", help="a .keras file saved with --save-model")
    parser.add_argument("images", nargs="+", metavar="IMAGE",
                        help="pictures of one digit each: PNG, JPEG, or any other format Pillow reads")
    parser.add_argument("--show-input", metavar="DIR",
                        help="save the 28x28 picture the model saw for each image here, as NAME-28x28.png, where "
                        "NAME is the image's file name (my-five.png-28x28.png)")
    args = parser.parse_args(argv)
    if args.show_input is not None:
        problem = lesson.why_no_folder(args.show_input)
        if problem:
            parser.error(f"argument --show-input: {problem}")
    model = lesson.load_model(args.model)

    paths, inputs, shown = [], [], collections.Counter()
    for path in args.images:
        try:
            pixels = prepare_image(read_image(path))
        except lesson.InputError as error:
            print(f"{path}: error: {error}", file=sys.stderr)
            continue
        paths.append(path)
        inputs.append(pixels)
        if args.show_input is not None:
            os.makedirs(args.show_input, exist_ok=True)
            # The whole file name, so that my-five.png and my-five.jpg keep a picture each,
            # and a number when two images of the same name come from different folders.
            name = os.path.basename(path)
            shown[name] += 1
            seen = os.path.join(args.show_input, f"{name}-28x28{f'-{shown[name]}' if shown[name] > 1 else ''}.png")
            PIL.Image.fromarray(np.round(pixels * 255).astype(np.uint8)).save(seen)

    if inputs:
        # One call for all the images: the same outputs as one call each, but faster.
        outputs = lesson.predict(model, np.stack(inputs))
        for path, output in zip(paths, outputs):
            # The same rule as Keras' accuracy: an output above 0.5 means "five".
            print(f"{path}: {'five' if output > 0.5 else 'not five'} ({output:.2f})")
    return 0 if len(paths) == len(args.images) else 2


if __name__ == "__main__":
    sys.exit(lesson.run(main))
