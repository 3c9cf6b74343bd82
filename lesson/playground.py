"""Writes playground.html, the lecture in a browser, with the sample's 5,000 real digits inside it.

    python -m lesson.playground

The page is lesson/playground.html, the words and elements, with what it
links to written in: lesson/playground.css, and lesson/page.js with the rooms
it imports (perceptron.js, numbers.js, report.js, prepare.js, ...), each
once, in the order they are needed, as one script. Then come the digits: one
PNG of 100 digits to a row, training digits first, in the order of --data
sample, and their labels; and the scripts' build_model, as the page shows it.
It needs no server and makes no request. draw.py copies it with a trained
perceptron's weights written in too.
"""

import base64
import contextlib
import html
import io
import json
import os
import pathlib
import re

from lesson import command_line, data

import numpy as np
import PIL.Image

FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOMS = os.path.join(FOLDER, "lesson")
TEMPLATE = os.path.join(ROOMS, "playground.html")
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


def code_lines():
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


# A room's imports, each on one line, such as: import { number, percent } from "./numbers.js";
IMPORT = re.compile(r'^import \{[^}]*\} from "\./([\w-]+\.js)";\n', re.MULTILINE)
# What the rooms declare at their top level, with or without "export".
DECLARED = re.compile(r"^(?:export )?(?:async )?(?:function\*? |const |let |class )(\w+)", re.MULTILINE)


def script(name="page.js", written=None):
    """A room and the rooms it imports, as one script: each room once, after the rooms it needs, with its
    import lines and the word "export" taken out. One script shares one scope, which is all the imports did."""
    written = [] if written is None else written
    if name in written:
        return ""
    written.append(name)
    with open(os.path.join(ROOMS, name), encoding="utf-8") as room:
        code = room.read()
    needed = "".join(script(imported, written) for imported in IMPORT.findall(code))
    code = re.sub(r"^export ", "", IMPORT.sub("", code), flags=re.MULTILINE)
    if re.search(r"^\s*(?:import|export)\b", code, re.MULTILINE):
        raise ValueError(f"lesson/{name}: an import or export the page cannot take; write each import on one "
                         'line, as import { name } from "./room.js";')
    return needed + f"\n// lesson/{name}\n" + code


GLOSSARY = os.path.join(FOLDER, "docs", "glossary.md")


def word_id(heading):
    """The id of a glossary entry on the page: "word-" and the heading as GitHub makes its anchor."""
    return "word-" + re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def glossary():
    """docs/glossary.md as the page's list of words: each entry a heading with an id (see word_id), and its
    paragraphs, with its links to other entries kept and others left as text."""
    with open(GLOSSARY, encoding="utf-8") as file:
        blocks = [block.strip() for block in file.read().split("\n\n") if block.strip()]
    parts = []
    # Its entries only: the opening speaks of the scripts, and the page says its own words before them.
    for block in blocks[next(i for i, block in enumerate(blocks) if block.startswith("## ")):]:
        if block.startswith("## "):
            parts.append(f'<h3 id="{word_id(block[3:])}">{html.escape(block[3:])}</h3>')
            continue
        text = html.escape(" ".join(block.split()), quote=False)
        text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
        text = re.sub(r"\[([^\]]+)\]\(#([\w-]+)\)", lambda link: f'<a href="#{word_id(link[2])}">{link[1]}</a>', text)
        text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
        parts.append(f"<p>{text}</p>")
    return "\n    ".join(parts)


def page():
    """playground.html's text."""
    with open(TEMPLATE, encoding="utf-8") as template, open(os.path.join(ROOMS, "playground.css"),
                                                               encoding="utf-8") as style:
        text, css = template.read(), style.read()
    code = script()
    names = DECLARED.findall(code)
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"the page's rooms each declare {', '.join(twice)}: give each its own name")
    if "</script" in code.lower() or "<!--" in code:
        raise ValueError("the page's script holds </script or <!--, which would end it early in the page")
    text = re.sub(r"\s*<!-- template only -->.*?<!-- /template only -->", "", text, flags=re.DOTALL)
    text = text.replace("<!-- GLOSSARY -->", glossary())
    text = text.replace('<link rel="stylesheet" href="playground.css">', f"<style>\n{css}</style>")
    text = text.replace('<script type="module" src="page.js"></script>', f'<script type="module">{code}</script>')
    return text.replace("/* THE DIGITS */ null", json.dumps(digits())).replace("/* THE CODE */ null", json.dumps(code_lines()))


def main(argv=None):
    with command_line.writing(PAGE), open(PAGE, "w", encoding="utf-8") as file:
        file.write(page())
    print(f"Page written: {pathlib.Path(PAGE).as_uri()}")


if __name__ == "__main__":
    command_line.run(main)
