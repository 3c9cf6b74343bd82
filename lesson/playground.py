"""Writes playground.html, the lecture in a browser, with the sample's 5,000 real digits inside it.

    python -m lesson.playground

The page is lesson/playground-template.html with the digits written in: one
PNG of 100 digits to a row, training digits first, in the order of --data
sample, and their labels; and the scripts' build_model, as the page shows it.
It needs no server and makes no request. draw.py copies it with a trained
perceptron's weights written in too.
"""

import base64
import contextlib
import io
import json
import os
import pathlib

from lesson import command_line, data

import numpy as np
import PIL.Image

FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(FOLDER, "lesson", "playground-template.html")
PAGE = os.path.join(FOLDER, "playground.html")
DIGITS_PER_ROW = 100


def digits():
    """The sample's digits as the page holds them: {"png": base64 PNG, "labels": "5041..."}."""
    with contextlib.redirect_stdout(io.StringIO()):  # Not its "Digits: ..." line.
        (x_train, digits_train), (x_test, digits_test) = data.load_sample()
    images = np.concatenate([x_train, x_test])
    rows = len(images) // DIGITS_PER_ROW
    grid = images.reshape(rows, DIGITS_PER_ROW, 28, 28).transpose(0, 2, 1, 3).reshape(rows * 28, -1)
    png = io.BytesIO()
    PIL.Image.fromarray(grid).save(png, "PNG", optimize=True)
    return {"png": base64.b64encode(png.getvalue()).decode(), "labels": "".join(map(str, digits_train)) +
            "".join(map(str, digits_test))}


def code():
    """build_model's lines in perceptron-single.py, numbered, and line 29 of either script."""
    scripts = {}
    for activation, name in [("linear", "perceptron-single.py"), ("sigmoid", "perceptron-sigmoid.py")]:
        with open(os.path.join(FOLDER, name), encoding="utf-8") as script:
            scripts[activation] = script.read().splitlines()
    lines = scripts["linear"]
    first = next(number for number, line in enumerate(lines) if line.startswith("def build_model("))
    last = lines.index("    return model", first)
    return {"lines": [[number + 1, lines[number]] for number in range(first, last + 1)],
            "line29": {activation: lines[28] for activation, lines in scripts.items()}}


def page():
    with open(TEMPLATE, encoding="utf-8") as template:
        return (template.read().replace("/* THE DIGITS */ null", json.dumps(digits()))
                .replace("/* THE CODE */ null", json.dumps(code())))


def main(argv=None):
    with command_line.writing(PAGE), open(PAGE, "w", encoding="utf-8") as file:
        file.write(page())
    print(f"Page written: {pathlib.Path(PAGE).as_uri()}")


if __name__ == "__main__":
    command_line.run(main)
