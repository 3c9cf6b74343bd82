"""Write a web page where you draw a digit and the perceptron answers as you draw.

    python perceptron-sigmoid.py --save-model five.keras
    python draw.py five.keras

Open the page it names in a browser. It is one file with the perceptron's 785
numbers inside it: it works offline, with no server, and sends nothing
anywhere. It prepares your drawing with the same steps as predict.py, so the
two give the same answer for the same picture.
"""

import argparse
import json
import os
import sys

import lesson

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "draw-page.html")


def perceptron(path):
    """The weights, bias and activation of a one-unit perceptron saved by the scripts."""
    model = lesson.load_model(path)
    weights = model.get_weights()
    activation = model.layers[-1].activation.__name__
    if len(weights) != 2 or weights[0].shape != (784, 1) or activation not in ("sigmoid", "linear"):
        raise lesson.InputError(f"{path} is not a one-unit perceptron; save one with --save-model")
    return {"weights": weights[0][:, 0].tolist(), "bias": float(weights[1][0]), "activation": activation}


def main(argv=None):
    parser = lesson.OneLineErrorParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a .keras file saved with --save-model")
    parser.add_argument("--out", default=os.path.join("runs", "draw"), metavar="DIR",
                        help="folder for draw.html (default: %(default)s)")
    args = parser.parse_args(argv)
    problem = lesson.why_no_folder(args.out)
    if problem:
        parser.error(f"argument --out: {problem}")
    model = perceptron(args.model)

    with open(PAGE, encoding="utf-8") as template:
        page = template.read().replace("/* THE PERCEPTRON */ null", json.dumps(model))
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "draw.html")
    with open(path, "w", encoding="utf-8") as file:
        file.write(page)
    print(f"Page written: {path}\nOpen it in a browser, and draw a digit.")
    return 0


if __name__ == "__main__":
    sys.exit(lesson.run(main))
