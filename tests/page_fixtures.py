"""What Python computes, for the page's JavaScript rooms to be held to: tests/page/*.test.js read these.

    python tests/page_fixtures.py FOLDER    # every fixture but Keras' SGD, into FOLDER
    python tests/page_fixtures.py --keras   # Keras' SGD over the grid, into tests/page/keras-sgd.json

Each fixture is a JSON file: the inputs, and what NumPy, SciPy, Pillow, Keras or the project's own Python
made of them. NumPy arrays go in as {"dtype", "shape", "base64"} and numbers that JSON cannot hold as
{"float": "NaN"}; tests/page/fixtures.js reads them back. tests/test_page_rooms.py writes the fixtures and
runs the JavaScript tests against them.

Keras' SGD over the grid takes about half a minute, so it is written once, into the repository; a test
trains two of its cases afresh and checks them against the file (tests/test_page_rooms.py).

In the test session, conftest.py calls start_rooms() as the tests are collected: Node then runs the rooms'
tests on the machine's other core while the Python tests run.
"""

import base64
import contextlib
import functools
import io
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import threading

import numpy as np
import PIL.Image
from scipy import ndimage

ROOT = pathlib.Path(__file__).resolve().parent.parent
KERAS_SGD = pathlib.Path(__file__).resolve().parent / "page" / "keras-sgd.json"
sys.path.insert(0, str(ROOT))


def plain(value):
    """value as JSON can hold it."""
    if isinstance(value, np.ndarray):
        return {"dtype": str(value.dtype), "shape": list(value.shape),
                "base64": base64.b64encode(np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"))
                                           .tobytes()).decode()}
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else {"float": repr(float(value)).replace("inf", "Infinity")
                                                                                    .replace("nan", "NaN")}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def write(folder, name, fixture):
    path = pathlib.Path(folder) / f"{name}.json"
    path.write_text(json.dumps(plain(fixture), allow_nan=False))
    return path


# ---------------------------------------------------------------------------
# The numbers, as report.py and watch.py print them.

def numbers():
    """Python's formats on 10,000 values: exact halves, nan, inf, 0 and -0, and values of every size."""
    from lesson import report

    rng = np.random.default_rng(0)
    tricky = [0.5, 0.001, 0.00099, 2e-6, 0.0, -0.0, 9999.0, 9999.99996, 1e4, 12450.0, 12350.0, -3.39e37,
              3.0698574e38, 0.9625, 0.00015, 0.12345, 0.99995, math.inf, -math.inf, math.nan, 5e-324, 1.7e308,
              1e-5, 1e38, -1e-5, 0.0005, 0.00105, 0.125, 0.375, 2.5, 3.5, 0.9995, 0.96249999, 1 / 3, 100.0]
    # Exact halves at the digit each format rounds to: k / 2^n near every place.
    halves = [k / 2 ** n * 10 ** e for n in range(1, 12) for k in (1, 3, 5, 7) for e in (-6, -3, 0, 2, 4)]
    values = tricky + halves
    values += list(10.0 ** rng.uniform(-12, 39, 3000) * rng.choice([-1, 1], 3000))
    values += list(np.float32(rng.normal(0, 1, 2000)).astype(float))  # The outputs, which are float32.
    values += list(rng.integers(0, 1001, 2000) / 1000)  # Accuracies, and percentages of them.
    values += list(rng.integers(-10**6, 10**6, 10_000 - len(values)) / 2 ** rng.integers(0, 20, 10_000 - len(values)))
    return {"values": values, "number": [report.number(value) for value in values],
            "percent": [report.percent(value) for value in values], "general": [f"{value:g}" for value in values],
            "fixed2": [f"{value:.2f}" for value in values], "fixed4": [f"{value:.4f}" for value in values],
            "wrapped": wrapped_texts(rng)}


def wrapped_texts(rng):
    """Paragraphs and textwrap.fill's lines of them, 88 wide and narrower."""
    words = ["held-out", "a", "large-ish", "well--known", "-3.39e+37", "x" * 95, "nan", "five-by-five", "the",
             "outputs", "e+38", "  ", "---", "self-evident.", "x-" * 50, "0..1", '"not five".', "\t", "five"]
    texts = [" ".join(rng.choice(words, rng.integers(1, 60))) for _ in range(500)]
    widths = [int(width) for width in rng.choice([88, 40, 12, 3], len(texts))]
    import textwrap

    return [{"text": text, "width": width, "fill": textwrap.fill(text, width)} for text, width in zip(texts, widths)]


# ---------------------------------------------------------------------------
# The report, from made-up held-out outputs and histories.

@functools.cache  # Also asked for by tests/test_twins.py.
def report_cases():
    """report.held_out_check's text for each branch, and for random cases."""
    from lesson import report

    rng = np.random.default_rng(1)
    digits = np.concatenate([np.full(100, 5), np.repeat([0, 1, 2, 3, 4, 6, 7, 8, 9], 100)])
    digits = rng.permutation(digits)
    fives = digits == 5

    def history(lowest, highest, loss=0.05):
        return {"loss": list(np.full(len(lowest), loss)), "lowest_output": lowest, "highest_output": highest}

    good = np.where(fives, rng.uniform(0.3, 1, 1000), rng.uniform(0, 0.45, 1000)).astype(np.float32)
    cases = {
        "the sigmoid learned": (good, digits, history([1e-4, 2e-5], [0.95, 0.99]), "sigmoid", 0.5, 250),
        "no fives at all": (good[~fives], digits[~fives], history([1e-4], [0.9]), "sigmoid", 0.5, 125),
        "no fives, none called five": (good[~fives] / 3, digits[~fives], history([1e-4], [0.3]), "linear", 0.01, 125),
        "the linear unit found none": (np.full(1000, np.nan, np.float32), digits,
                                       history([-3.39e37, math.nan], [3.07e38, math.nan], math.nan), "linear", 0.5,
                                       1250),
        "the sigmoid at 10 found none": (np.full(1000, 1e-9, np.float32), digits, history([1e-12], [1e-6]), "sigmoid",
                                         10, 1250),
        "one digit called five, and it is one": (np.where(np.arange(1000) == np.flatnonzero(fives)[0], 0.9, 0.1)
                                                  .astype(np.float32), digits, history([0.1], [0.9]), "sigmoid", 0.5, 1250),
        "the sigmoid hardly learned": (np.where(fives & (np.arange(1000) % 10 == 0), 0.7, 0.1).astype(np.float32),
                                       digits, history([0.01], [0.8]), "sigmoid", 0.001, 12_500),
        "some outputs nan or inf": (np.where(np.arange(1000) % 7 == 0, np.inf, good).astype(np.float32), digits,
                                    history([-5.0], [2e4]), "linear", 0.03, 125),
        "outputs of one sign, large": (good * 3e4, digits, history([1.0], [5e4]), "linear", 0.5, 125),
        "outputs of both signs, small": (good * 2.2 - 0.6, digits, history([-0.62], [1.21]), "linear", 0.01, 1250),
        "both signs, one below -1000 only": (good - 0.5, digits, history([-2000.0], [999.0]), "linear", 0.02, 125),
        "within 0..1, linear": (good, digits, history([0.0], [1.0]), "linear", 0.005, 125),
        "a training history with no numbers": (good * 5, digits, history([math.nan], [math.nan]), "linear", 2, 125),
        "the page's own words for the fix": (good * 5, digits, history([-1.0], [5.0]), "linear", 0.2, 125),
    }
    fixes = {"the page's own words for the fix": "switch line 29 to the sigmoid"}
    for number in range(60):
        size = int(rng.integers(1, 300))
        scale = 10.0 ** rng.integers(-3, 38)
        outputs = (rng.normal(0.3, 0.4, size) * (scale if rng.random() < 0.4 else 1)).astype(np.float32)
        outputs[rng.random(size) < rng.choice([0, 0.05, 1])] = np.nan
        lowest = list(rng.normal(-1, 1, 3) * scale)
        cases[f"random {number}"] = (outputs, rng.choice([5, 5, 0, 3, 8], size), history(
            lowest, [value + scale for value in lowest], rng.choice([0.1, math.nan])), rng.choice(["linear", "sigmoid"]),
            float(rng.choice([0.001, 0.5, 10, 0.03])), int(rng.integers(1, 10**6)))
    fixture = []
    for name, (outputs, shown, made_up, activation, rate, steps) in cases.items():
        y_test = (shown == 5).astype(np.float32)
        text = report.held_out_check(outputs, y_test, shown, made_up, activation, rate, steps,
                                     **({"fix": fixes[name]} if name in fixes else {}))
        fixture.append({"name": name, "outputs": outputs.astype(np.float32), "digits": shown.astype(np.uint8),
                        "epochs": [{"loss": loss, "lowestOutput": low, "highestOutput": high} for loss, low, high in
                                   zip(made_up["loss"], made_up["lowest_output"], made_up["highest_output"])],
                        "activation": str(activation), "learningRate": rate, "steps": steps, "fix": fixes.get(name),
                        "text": text})
    return {"cases": fixture, "epochLines": epoch_lines(rng)}


def epoch_lines(rng):
    """watch.EpochLine's line for made-up epochs."""
    from lesson import watch

    lines = []
    for _ in range(200):
        epochs = int(rng.choice([1, 9, 10, 100, 1000]))
        epoch = int(rng.integers(0, epochs))
        logs = {"accuracy": float(rng.integers(0, 4001) / 4000), "loss": float(rng.choice([rng.random(), math.nan, 3e9])),
                "val_accuracy": float(rng.integers(0, 1001) / 1000), "val_loss": float(rng.choice([rng.random(), math.nan])),
                "lowest_output": float(rng.choice([-3.39e37, math.nan, rng.random() * 1e-5])),
                "highest_output": float(rng.choice([3.07e38, math.nan, rng.random()]))}
        if math.isnan(logs["lowest_output"]):
            logs["highest_output"] = math.nan
        line = watch.EpochLine()
        line.set_params({"epochs": epochs})
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            line.on_epoch_end(epoch, logs)
        lines.append({"epoch": epoch, "epochs": epochs, "result": {
            "accuracy": logs["accuracy"], "loss": logs["loss"], "lowestOutput": logs["lowest_output"],
            "highestOutput": logs["highest_output"], "heldOutAccuracy": logs["val_accuracy"],
            "heldOutLoss": logs["val_loss"]}, "line": printed.getvalue().rstrip("\n")})
    return lines


# ---------------------------------------------------------------------------
# The image functions lesson/prepare.py uses, on random arrays.

def image_functions():
    """NumPy's, SciPy's and Pillow's answers for random arrays, for the twins in lesson/image.js."""
    from lesson import prepare

    rng = np.random.default_rng(2)

    def values(height, width):
        return rng.random((height, width), dtype=np.float32)

    def mask(height, width, share=None):
        return (rng.random((height, width)) < (share or rng.uniform(0.05, 0.7))).astype(np.uint8)

    resize = []
    for _ in range(60):
        image = values(int(rng.integers(1, 50)), int(rng.integers(1, 50)))
        width, height = int(rng.integers(1, 70)), int(rng.integers(1, 70))
        resize.append({"image": image, "width": width, "height": height,
                       "resized": np.asarray(PIL.Image.fromarray(image).resize((width, height),
                                                                               PIL.Image.Resampling.BILINEAR))})
    percentile_filter = []
    for _ in range(40):
        image, size, percent = values(int(rng.integers(1, 34)), int(rng.integers(1, 34))), int(rng.integers(1, 18)), int(
            rng.choice([10, 90, 50, 0, 100]))
        percentile_filter.append({"image": image, "size": size, "percent": percent, "filtered": ndimage.percentile_filter(
            image, percent, size=size, mode="nearest")})
    maximum_filter, labels, distances, widths = [], [], [], []
    for _ in range(40):
        shape = int(rng.integers(1, 60)), int(rng.integers(1, 60))
        picked = mask(*shape)
        size = int(rng.integers(1, 25))
        maximum_filter.append({"mask": picked, "size": size, "filtered": ndimage.maximum_filter(picked, size=size)})
        for corners in (False, True):
            found, count = ndimage.label(picked, structure=np.ones((3, 3)) if corners else None)
            boxes = [[rows.start, rows.stop, columns.start, columns.stop] for rows, columns in ndimage.find_objects(found)]
            labels.append({"mask": picked, "corners": corners, "labels": found.astype(np.int32), "count": count,
                           "boxes": boxes})
        distances.append({"mask": picked, "distance": ndimage.distance_transform_edt(picked)})
        strokes = mask(*shape, 0.6)
        if strokes.any():
            widths.append({"mask": strokes, "width": prepare.stroke_width(strokes.astype(bool))})
    blur = []
    for _ in range(30):
        image, sigma = values(int(rng.integers(1, 40)), int(rng.integers(1, 40))), float(rng.uniform(0.5, 4))
        blur.append({"image": image, "sigma": sigma, "blurred": ndimage.gaussian_filter(image, sigma)})
    statistics = []
    for _ in range(40):
        some = rng.random(int(rng.integers(1, 500)), dtype=np.float32) * 10 - 3
        percent = float(rng.choice([0.5, 10, 50, 90, 99.5, 100, rng.uniform(0, 100)]))
        statistics.append({"values": some, "median": np.median(some), "percent": percent,
                           "percentile": np.percentile(some, percent)})
    otsu = []
    for _ in range(30):
        some = np.clip(np.concatenate([rng.normal(rng.random(), 0.1, 300), rng.normal(rng.random(), 0.05, 100)]),
                       0, 1).astype(np.float32)
        otsu.append({"values": some, "threshold": prepare.otsu_threshold(some)})
    centres = []
    for _ in range(30):
        image = values(int(rng.integers(1, 25)), int(rng.integers(1, 25)))
        centres.append({"image": image, "centre": list(prepare.centre_of_mass(image)),
                        "scipy": list(ndimage.center_of_mass(image))})
    rgba = rng.integers(0, 256, (23, 17, 4), dtype=np.uint8)
    greys = {"rgba": rgba, "width": 17, "height": 23,
             "grey": np.asarray(PIL.Image.fromarray(rgba, "RGBA").convert("RGB").convert("L"), np.float32)}
    halves = list(rng.integers(-20, 20, 100) / 2) + list(rng.normal(0, 10, 100))
    pads = []
    for _ in range(20):
        image, margin, fill = values(int(rng.integers(1, 30)), int(rng.integers(1, 30))), int(rng.integers(0, 5)), float(
            rng.choice([0, 1]))
        pads.append({"image": image, "margin": margin, "fill": fill, "padded": np.pad(image, margin, constant_values=fill)})
    return {"resize": resize, "percentileFilter": percentile_filter, "maximumFilter": maximum_filter,
            "label": labels, "distance": distances, "strokeWidth": widths, "blur": blur, "statistics": statistics,
            "otsu": otsu, "centreOfMass": centres, "grey": greys, "padded": pads,
            "round": [{"value": value, "rounded": round(value)} for value in halves]}


# ---------------------------------------------------------------------------
# The whole preparation, on real photos and drawings.

@functools.cache  # Also asked for by tests/test_twins.py.
def pictures():
    """Grey pictures of digits, each with what lesson/prepare.py makes of it, step by step."""
    from lesson import data, prepare

    from drawings import BLACK, BLUE, DRAWINGS, five_drawn, ink_on_canvas, photo, strokes_drawn

    with contextlib.redirect_stdout(io.StringIO()):
        _, (x_test, digits_test) = data.load_sample()
    rng = np.random.default_rng(3)
    greys = {}
    for number, (kind, colour) in enumerate([("jpeg", BLUE), ("exif", BLACK), ("16-bit png", BLUE),
                                             ("transparent", BLACK), ("jpeg", BLACK)]):
        index = np.flatnonzero(digits_test == (5 if number % 2 == 0 else number))[number]
        read = photo(ink_on_canvas(x_test[index], rng), rng, kind, colour)
        greys[f"a photo of a {digits_test[index]} ({kind})"] = prepare.read_image(io.BytesIO(read))
    five, three = np.flatnonzero(digits_test == 5)[7], np.flatnonzero(digits_test == 3)[2]
    two = ink_on_canvas(x_test[five], rng, size=195, place=(30, 15)) + ink_on_canvas(x_test[three], rng, size=150,
                                                                                       place=(375, 262))
    greys["a photo of two digits"] = prepare.read_image(io.BytesIO(photo(np.clip(two, 0, 1), rng)))
    shadowed = prepare.read_image(io.BytesIO(photo(ink_on_canvas(x_test[five], rng, 190, (225, 150)), rng))).copy()
    shadowed[:, :25], shadowed[-30:, :] = 20, 40  # The table beyond the page's edge, and a shadow.
    greys["a photo with the page's edge and a shadow"] = shadowed
    greys["an MNIST digit, light on dark"] = x_test[five].astype(np.float32)
    greys["a thin pen"] = five_drawn(4)
    greys["a faint pencil"] = np.where(five_drawn(12) < 100, 192, 235)  # Ink a fifth darker than the paper.
    for name, strokes in DRAWINGS.items():
        greys[name] = strokes_drawn(strokes)
    greys["a faint grey five on the pad"] = strokes_drawn(DRAWINGS["a five"], ink=205)
    # Specks beside the five, each 3.5% to 8% of its ink: which of them count as part of it is decided by
    # their share, and moves the crop.
    specks = strokes_drawn(DRAWINGS["a five"])
    for x, y, radius in [(45, 60, 10), (150, 18, 13), (45, 240, 14), (240, 250, 15)]:
        specks = np.minimum(specks, strokes_drawn([[(x, y), (x + 0.01, y)]], width=2 * radius))
    greys["a five with specks around it"] = specks
    greys["a dot"] = strokes_drawn([[(140, 140), (141, 141)]], width=4)
    greys["blank paper"] = np.full((280, 280), 255, np.float32)
    greys["a few noisy pixels"] = np.array([[242, 184, 129, 221, 159], [230, 64, 47, 79, 19], [207, 239, 120, 89, 151]])
    greys["blank paper with grain"] = np.clip(200 + 6 * rng.standard_normal((300, 400)), 0, 255).astype(np.float32)
    greys.update(drawn_and_ruled(x_test, digits_test, rng))
    fixture = []
    for name, grey in greys.items():
        grey = np.asarray(grey, np.float32)
        # Whole grey values go in as bytes, a quarter of the size.
        case = {"name": name, "grey": grey.astype(np.uint8) if np.array_equal(grey, np.uint8(grey)) else grey}
        try:
            ink, grain = prepare.find_ink(grey)
            case["grain"] = grain
            # Larger inks make the file large, and so would those of the pictures there for their hints (or
            # none); their digit and pixels still tell.
            if grey.size <= 300 * 300 and not name.endswith("hint)"):
                case["ink"] = ink.astype(np.float32)
            digit, others, hints = prepare.largest_mark(ink, grain)
            case.update(digit=digit, others=others, hints=hints)
            case["pixels"], _ = prepare.prepare_image(grey)
            # Each step left out in turn, as the playground lets a learner do: on the pad's size, and smaller.
            if grey.size <= 300 * 300:
                case["without"] = {step: prepare.prepare_steps(grey, **{step: False})["pixels"]
                                   for step in ("crop", "centre", "scale")}
        except Exception as error:  # noqa: BLE001  Its message is what the page must say too.
            case["error"] = str(error)
        fixture.append(case)
    return fixture


def drawn_and_ruled(x_test, digits_test, rng):
    """Real digits drawn with a thin brush on a paint program's flat canvas, and written on ruled paper; and
    pictures that get each of prepare.py's hints, or only just do not. Each setting for ruled lines and hints
    decides at least one of these, so that the page's twin is held to each of them."""
    from lesson import prepare

    from drawings import FIVE, ink_on_canvas, moved, painted, photo, ruled_lines, strokes_drawn

    def read(pixels):
        """pixels as predict.py reads them from a PNG, in whole grey levels."""
        saved = io.BytesIO()
        PIL.Image.fromarray(np.uint8(np.round(pixels))).save(saved, "PNG")
        return np.round(prepare.read_image(saved))

    def on_page(digit, lines, place, size):
        ink = np.zeros(lines.shape, np.float32)
        ink[place[0]:place[0] + size, place[1]:place[1] + size] = np.asarray(
            PIL.Image.fromarray(digit).resize((size, size), PIL.Image.Resampling.BILINEAR)) / 255
        return np.round(230 - 200 * np.maximum(ink, lines))

    five = x_test[np.flatnonzero(digits_test == 5)]
    greys = {}
    # A 3-pixel brush on a 1024x768 canvas: under half a percent of the picture is ink, so the furthest pixel
    # tells which way round it is.
    greys["a thin brush on a paint program's white canvas (a hint)"] = read(
        painted(five[2], (1024, 768), 420, (180, 300), 3))
    greys["a thin brush on a flat grey canvas (a hint)"] = read(
        painted(five[2], (512, 384), 210, (90, 150), 1.5, paper=200))
    greys["a brush only just thick enough (no hint)"] = read(painted(five[5], (300, 200), 135, (25, 75), 3))
    ink = ink_on_canvas(five[1], rng, size=285, place=(150, 90))
    greys["a photo of a five on ruled paper"] = np.round(prepare.read_image(io.BytesIO(photo(
        np.maximum(ink, ruled_lines(rng, 45, 2.5, 0.45, 0.012)), rng))))
    # Three lines, at rows 38, 98 and 158: the lowest of them below the digit, and cut short.
    lines = ruled_lines(np.random.default_rng(0), 60, 1.5, 0.4, 0.0, shape=(200, 240))
    for share, name in [(0.55, "three ruled lines, one across just over half"),
                        (0.45, "two ruled lines, and one across under half")]:
        partial = lines.copy()
        partial[150:, int(share * 240):] = 0
        greys[name] = on_page(five[6], partial, (10, 60), 130)
    greys["ruled lines tilted more than is looked for"] = on_page(
        five[7], ruled_lines(rng, 50, 1.2, 0.45, 0.036, shape=(200, 600)), (30, 230), 150)
    # A light note on a dark table: the note is taken for the ink.
    note = np.full((200, 150), 45, np.float32)
    note[40:160, 27:123] = 210
    written = PIL.Image.fromarray(five[8]).resize((114, 114), PIL.Image.Resampling.BILINEAR)
    note[43:157, 18:132] -= 180 * np.asarray(written) / 255
    greys["a note on a dark table (a hint)"] = np.round(np.clip(note, 0, 255))
    # Fives on half the pad, with the pen as thick as at 280 pixels: small ones are blobs.
    for scale, pen, hint in [(0.25, 20, "a hint"), (0.5, 38, "a hint"), (0.55, 42, "no hint")]:
        greys[f"a five {scale} of the pad's size, pen {pen} ({hint})"] = strokes_drawn(
            moved(FIVE, scale / 2, 5, 5), size=140, width=pen // 2)
    # A one as wide as nearly half its height fills its box, as a one does; one over half as wide is a block.
    for pen, hint in [(30, "no hint"), (42, "a hint")]:
        greys[f"a one drawn with a pen {pen} wide ({hint})"] = strokes_drawn([[(50, 30), (50, 70)]], size=100,
                                                                             width=pen)
    for size, hint in [(15, "a hint"), (18, "no hint")]:
        greys[f"a five {size} pixels tall on a page of 200 ({hint})"] = strokes_drawn(
            moved(FIVE, size / 200, 30, 40), size=200, width=3)
    return greys


def colours():
    """The weights' colour map in lesson/pictures.py, as matplotlib draws it, at 256 places from red to blue."""
    from lesson import pictures

    import matplotlib

    places = np.linspace(0, 1, 256)
    return {"places": places, "rgb": np.round(255 * matplotlib.colormaps[pictures.WEIGHTS_COLOUR_MAP](places)[:, :3])}


def sample():
    """The sample's digits, in the order --data sample gives them."""
    from lesson import data

    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, digits_train), (x_test, digits_test) = data.load_sample()
    return {"trainImages": x_train.astype(np.uint8), "trainDigits": digits_train.astype(np.uint8),
            "heldOutImages": x_test.astype(np.uint8), "heldOutDigits": digits_test.astype(np.uint8)}


ROOMS = sorted((pathlib.Path(__file__).resolve().parent / "page").glob("*.test.js"))
NODE = shutil.which("node")
RAN, RUNNER = {}, []


def start_rooms(folder):
    """Write the fixtures into folder, then run each room's tests with Node in a thread of their own, one room
    after another, while the Python tests go on: their results wait in RAN, by room. Once."""
    if RUNNER or NODE is None:
        return
    write_all(folder)

    def run():
        for room in ROOMS:
            RAN[room.name] = subprocess.run([NODE, "--test", "--test-reporter=spec", str(room)], capture_output=True,
                                            text=True, env={**os.environ, "FIXTURES": str(folder)}, timeout=300,
                                            check=False)

    RUNNER.append(threading.Thread(target=run, daemon=True))
    RUNNER[0].start()


def room_ran(name):
    """What Node printed for a room's tests, once they have run."""
    RUNNER[0].join(timeout=600)
    return RAN[name]


def write_all(folder):
    """Every fixture but Keras' SGD, into folder. Returns the paths written."""
    return [write(folder, name, make()) for name, make in [
        ("numbers", numbers), ("report", report_cases), ("image", image_functions), ("prepare", pictures),
        ("colours", colours), ("sample", sample)]]


# ---------------------------------------------------------------------------
# Keras' SGD over a grid of settings.

ACTIVATIONS = ["linear", "sigmoid"]
LEARNING_RATES = [0.001, 0.01, 0.5, 10]
BATCH_SIZES = [1, 7, 32, 48, 4000]  # 7 and 48 do not divide 4,000 digits; 4,000 is all of them in one batch.
EPOCHS = 3


def keras_case(model, x_train, y_train, x_test, y_test, orders, learning_rate, batch_size):
    """Train model (compiled as the scripts compile it) from its weights now: the first 10 steps, and then
    afresh one epoch per order. Return the weights after those steps, and the weights and Keras' numbers
    after each epoch."""
    from lesson import report

    model.optimizer.learning_rate.assign(learning_rate)
    # The first 10 steps alone, then afresh from the same start, the epochs.
    start, first = model.get_weights(), orders[0][:10 * batch_size]
    model.fit(x_train[first], y_train[first], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    kernel, bias = model.layers[-1].get_weights()
    steps = {"steps": 10 if len(first) == 10 * batch_size else -(-len(first) // batch_size),
             "weights": np.append(kernel[:, 0], bias).astype(np.float32)}
    model.set_weights(start)
    epochs = []
    for order in orders:
        history = model.fit(x_train[order], y_train[order], batch_size=batch_size, epochs=1, shuffle=False,
                            verbose=0)
        kernel, bias = model.layers[-1].get_weights()
        outputs = report.outputs(model, x_test)
        counted = report.count_fives(outputs, y_test)
        epochs.append({"weights": np.append(kernel[:, 0], bias).astype(np.float32),
                       "accuracy": history.history["accuracy"][0], "loss": history.history["loss"][0],
                       "lowestOutput": history.history["lowest_output"][0],
                       "highestOutput": history.history["highest_output"][0],
                       "heldOutAccuracy": counted["accuracy"],
                       "heldOutLoss": float(np.mean((outputs.astype(np.float64) - y_test) ** 2))})
    return steps, epochs


def keras_grid(cases=None):
    """Keras' weights after each of 3 epochs, from the scripts' own start at seed 0 and the same orders, for
    each activation, learning rate and batch size (or only the (activation, rate, batch size) cases given)."""
    from lesson import data, scripts

    import keras

    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, digits_train), (x_test, digits_test) = data.load_sample()
    orders = [np.random.default_rng(epoch).permutation(len(x_train)) for epoch in range(EPOCHS)]
    grid = {"orders": [order.astype(np.int32) for order in orders], "cases": []}
    for activation in ACTIVATIONS:
        script = scripts.load({"linear": "perceptron-single.py", "sigmoid": "perceptron-sigmoid.py"}[activation])
        x, y = script.prepare(x_train, digits_train)
        x_held_out, y_held_out = script.prepare(x_test, digits_test)
        keras.utils.set_random_seed(0)
        model = script.build_model(script.LEARNING_RATE)
        start = model.get_weights()
        grid[activation] = np.append(start[0][:, 0], start[1]).astype(np.float32)
        for learning_rate in LEARNING_RATES:
            for batch_size in BATCH_SIZES:
                if cases is not None and (activation, learning_rate, batch_size) not in cases:
                    continue
                model.set_weights(start)
                steps, epochs = keras_case(model, x, y, x_held_out, y_held_out, orders, learning_rate, batch_size)
                grid["cases"].append({"activation": activation, "learningRate": learning_rate,
                                      "batchSize": batch_size, "firstSteps": steps, "epochs": epochs})
    return grid


def main(argv):
    if argv == ["--keras"]:
        write(KERAS_SGD.parent, KERAS_SGD.stem, keras_grid())
        print(f"Written: {KERAS_SGD}")
    elif len(argv) == 1:
        pathlib.Path(argv[0]).mkdir(parents=True, exist_ok=True)
        for path in write_all(argv[0]):
            print(f"Written: {path}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    main(sys.argv[1:])
