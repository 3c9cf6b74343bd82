"""Write a web page where you draw a digit and a perceptron you trained answers as you draw.

    python perceptron-sigmoid.py --save-model five.keras
    python draw.py five.keras

Open the page it names in a browser. It is playground.html with the
perceptron's 785 numbers inside it, and its drawing part first: it works
offline, with no server, and sends nothing anywhere. It prepares your drawing
with the same steps as predict.py, so the two give the same answer for the
same picture.
"""

import argparse
import json
import os
import pathlib
import sys

from lesson import command_line

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playground.html")


def main(argv=None):
    parser = command_line.OneLineErrorParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a .keras file saved with --save-model")
    parser.add_argument("--out", default=os.path.join("runs", "draw"), metavar="DIR",
                        help="folder for draw.html (default: %(default)s)")
    args = parser.parse_args(argv)
    problem = command_line.make_folder(args.out)
    if problem:
        parser.error(f"argument --out: {problem}")
    # Keras, and TensorFlow with it, take seconds to start: only now, so that --help and a mistyped flag
    # answer at once.
    from lesson import saved

    model = {**saved.perceptron(args.model), "name": os.path.basename(args.model)}

    # The file name is the learner's own, and goes inside a <script>, where "<!--" or "</script>" would
    # stop the page's code. As JSON with every "<" written as \u003c, nothing can; json.dumps already
    # writes every other character beyond ASCII that way, the line separators U+2028 and U+2029 too.
    perceptron = json.dumps(model).replace("<", "\\u003c")
    with open(PAGE, encoding="utf-8") as playground:
        page = playground.read().replace("/* THE PERCEPTRON */ null", perceptron)
    path = os.path.join(args.out, "draw.html")
    with command_line.writing(path), open(path, "w", encoding="utf-8") as file:
        file.write(page)
    # An address that opens from anywhere: paste it into the browser.
    print(f"Page written: {pathlib.Path(path).resolve().as_uri()}\nOpen it in a browser, and draw a digit.")
    return 0


if __name__ == "__main__":
    sys.exit(command_line.run(main))
