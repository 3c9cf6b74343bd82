"""Ask a trained perceptron about digits you drew yourself, or photographed.

    python perceptron-sigmoid.py --save-model five.keras
    python predict.py five.keras my-digit.jpg [another.png ...]

It prints one line per image, `PATH: five (0.97)` or `PATH: not five (0.03)`,
where the number is the perceptron's output. An image may be in any format
Pillow reads, of any size: a phone photo of a digit on paper, dark ink on
light paper or light on dark, or a drawing saved from a paint program. The
ink is found first: the paper's own brightness is taken away, shadows and
uneven light included, and specks, glare and the page's edge are left out.
Then it is prepared the way MNIST's digits were, so that the perceptron sees
what it was trained on: cropped to the digit, scaled so its longer side is 20
pixels, centred by its centre of mass in a 28x28 frame, white on black, 0..1.
lesson/prepare.py holds those steps."""

import argparse
import collections
import os
import sys

from lesson import command_line, prepare
from lesson.command_line import InputError

import numpy as np
import PIL.Image


def main(argv=None):
    parser = command_line.OneLineErrorParser(
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
        problem = command_line.make_folder(args.show_input)
        if problem:
            parser.error(f"argument --show-input: {problem}")
    # Keras, and TensorFlow with it, take seconds to start: only now, so that --help and a mistyped flag
    # answer at once.
    from lesson import report, saved

    model = saved.load(args.model)

    paths, inputs, notes, written, shown, failed = [], [], [], [], collections.Counter(), False
    for path in args.images:
        try:
            prepared = prepare.prepare_steps(prepare.read_image(path))
        except InputError as error:
            print(f"{path}: error: {error}", file=sys.stderr)
            failed = True
            continue
        pixels, others = prepared["pixels"], prepared["others"]
        paths.append(path)
        inputs.append(pixels)
        # On the answer's line: which mark was answered, and hints for a picture that may not read well.
        ignored = f", the largest mark; {others} other{'s' if others > 1 else ''} ignored" if others else ""
        notes.append(ignored + "".join(f"; hint: {hint}" for hint in prepared["hints"]))
        if args.show_input is not None:
            # The whole file name, so that my-five.png and my-five.jpg keep a picture each,
            # and a number when two images of the same name come from different folders.
            name = os.path.basename(path)
            shown[name] += 1
            seen = os.path.join(args.show_input, f"{name}-28x28{f'-{shown[name]}' if shown[name] > 1 else ''}.png")
            try:
                with command_line.writing(seen):
                    PIL.Image.fromarray(np.round(pixels * 255).astype(np.uint8)).save(seen)
                written.append(seen)
            except InputError as error:
                print(f"{path}: error: {error}", file=sys.stderr)  # It is still answered, below.
                failed = True

    if inputs:
        # One call for all the images: the same outputs as one call each, but faster.
        outputs = report.outputs(model, np.stack(inputs))
        for path, output, note in zip(paths, outputs, notes):
            # The same rule as Keras' accuracy: an output above 0.5 means "five".
            print(f"{path}: {'five' if output > 0.5 else 'not five'} ({output:.2f}){note}")
    if written:
        command_line.print_written("Pictures written:", written)
    return 2 if failed else 0

if __name__ == "__main__":
    sys.exit(command_line.run(main))
