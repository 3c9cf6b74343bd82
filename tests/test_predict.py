"""--save-model and predict.py: the perceptron's verdict on digits saved as images."""

import json
import pathlib
import re
import subprocess
import sys
import warnings

from lesson import command_line, prepare, report, saved

import keras
import numpy as np
import PIL.Image
import pytest

from conftest import WRITE_ONLY, needs_write_only

ROOT = pathlib.Path(__file__).resolve().parent.parent


def write_digit(pixels, path, style, size):
    """Save a 28x28 MNIST digit as a person might: any size, white on black or dark on white."""
    image = PIL.Image.fromarray(pixels if style == "white on black" else 255 - pixels)
    if style == "dark on white, colour JPEG":
        image = image.convert("RGB")
    image.resize((size, size), PIL.Image.Resampling.BILINEAR).save(path)


def verdicts(printed):
    return {path: (verdict, float(output))
            for path, verdict, output in re.findall(r"^(.+): (five|not five) \((\S+)\)$", printed, re.MULTILINE)}


def test_verdicts_on_digit_images_agree_with_the_model(predict, saved_model, sample, tmp_path, capsys):
    model, model_path = saved_model
    _, (x_test, digits_test) = sample
    chosen = np.concatenate([np.flatnonzero(digits_test == 5)[:20], np.flatnonzero(digits_test != 5)[:20]])
    in_memory = report.outputs(model, x_test[chosen].astype("float32") / 255) > 0.5
    expected, paths = {}, []
    for style, suffix in [("white on black", "png"), ("dark on white", "png"), ("dark on white, colour JPEG", "jpg")]:
        for size in (28, 250):
            for index, says_five in zip(chosen, in_memory):
                path = str(tmp_path / f"{index}-{style.split(',')[0].replace(' ', '-')}-{size}.{suffix}")
                write_digit(x_test[index], path, style, size)
                paths.append(path)
                expected[path] = "five" if says_five else "not five"

    assert command_line.run(predict.main, [str(model_path), *paths]) == 0
    printed = capsys.readouterr().out
    lines = printed.strip().splitlines()
    assert len(lines) == len(paths)
    assert all(re.fullmatch(r".+: (five|not five) \(\d\.\d\d\)", line) for line in lines)
    got = verdicts(printed)
    agree = np.mean([got[path][0] == expected[path] for path in paths])
    assert agree >= 0.95, f"only {agree:.1%} agree"
    assert sum(verdict == "five" for verdict, _ in got.values()) > 50  # Fives are found, not just others.


def test_same_digit_in_either_style_gives_the_same_input(sample, tmp_path):
    (x_train, _), _ = sample
    for index in range(5):
        white, dark = tmp_path / "white.png", tmp_path / "dark.png"
        write_digit(x_train[index], white, "white on black", 120)
        write_digit(x_train[index], dark, "dark on white", 120)
        first, _ = prepare.prepare_image(prepare.read_image(white))
        second, _ = prepare.prepare_image(prepare.read_image(dark))
        # Equal but for the rounding of the resized pixels, one grey level at most.
        np.testing.assert_allclose(first, second, atol=1 / 255)
        assert first.shape == (28, 28) and first.min() == 0 and first.max() == 1
        # Centred by its centre of mass, like MNIST.
        rows, columns = np.indices(first.shape)
        assert abs((rows * first).sum() / first.sum() - 14) <= 1
        assert abs((columns * first).sum() / first.sum() - 14) <= 1
        # And close to the MNIST digit it came from.
        assert np.corrcoef(first.ravel(), x_train[index].ravel())[0, 1] > 0.8


def test_bad_images_get_a_line_each_and_the_rest_still_run(predict, saved_model, sample, tmp_path, capsys):
    _, model_path = saved_model
    (x_train, _), _ = sample
    good = tmp_path / "good.png"
    write_digit(x_train[0], good, "dark on white", 60)
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(good.read_bytes()[:60])
    white = tmp_path / "white.png"
    PIL.Image.new("L", (40, 40), 255).save(white)
    black = tmp_path / "black.jpg"
    PIL.Image.new("RGB", (40, 40), "black").save(black)
    folder = tmp_path / "drawings"
    folder.mkdir()
    bad = [
        (text, "is not an image that can be read; save it as PNG or JPEG"),
        (truncated, "is not an image that can be read; save it as PNG or JPEG"),
        (white, prepare.BLANK),
        (black, prepare.BLANK),
        (tmp_path / "missing.png", "no such file"),
        (folder, "is a folder, not an image"),
    ]
    code = command_line.run(predict.main, [str(model_path), str(good), *[str(path) for path, _ in bad]])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.startswith(f"{good}: ")
    errors = captured.err.strip().splitlines()
    assert errors == [f"{path}: error: {message}" for path, message in bad]
    assert "Traceback" not in captured.err


def test_show_input_saves_what_the_model_saw_one_file_per_image(predict, saved_model, sample, tmp_path, capsys):
    model, model_path = saved_model
    (x_train, _), _ = sample
    (tmp_path / "other").mkdir()
    drawings = [tmp_path / "my five.jpg", tmp_path / "my five.png", tmp_path / "other" / "my five.png"]
    for index, drawing in enumerate(drawings):
        write_digit(x_train[index], drawing, "dark on white, colour JPEG" if drawing.suffix == ".jpg" else
                    "dark on white", 200)
    seen_folder = tmp_path / "seen"
    assert command_line.run(predict.main, [str(model_path), *map(str, drawings), "--show-input", str(seen_folder)]) == 0
    printed = capsys.readouterr().out
    said = verdicts(printed)
    # One picture for each image, even for images of the same name, and the run says where.
    seen = ["my five.jpg-28x28.png", "my five.png-28x28.png", "my five.png-28x28-2.png"]
    assert sorted(path.name for path in seen_folder.iterdir()) == sorted(seen)
    assert printed.endswith("Pictures written:\n" + "".join(f"  {seen_folder / name}\n" for name in seen))
    for index, (drawing, name) in enumerate(zip(drawings, seen)):
        pixels = np.asarray(PIL.Image.open(seen_folder / name), dtype=np.float32) / 255
        # It is the MNIST digit the drawing was made from, prepared the MNIST way...
        assert np.corrcoef(pixels.ravel(), x_train[index].ravel())[0, 1] > 0.8
        # ...and what the model answered for.
        output = float(report.outputs(model, pixels[None])[0])
        assert said[str(drawing)][1] == pytest.approx(output, abs=0.006)


def test_a_model_of_the_wrong_shape_is_refused(tmp_path):
    for shape, units in [((28, 28), 10), ((784,), 1)]:
        model = keras.Sequential([keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(units)])
        path = tmp_path / f"wrong-{units}.keras"
        model.save(path)
        with pytest.raises(command_line.InputError, match="need a model that takes 28x28 digits and gives one output"):
            saved.load(str(path))


def test_other_image_formats_pillow_reads_get_the_pngs_answer(predict, saved_model, sample, tmp_path, capsys):
    model, model_path = saved_model
    _, (x_test, digits_test) = sample
    # A five the model calls five, and another digit: each saved in formats beside PNG.
    fives = np.flatnonzero(digits_test == 5)
    five = fives[np.argmax(report.outputs(model, x_test[fives].astype("float32") / 255))]
    paths = {}
    for index in (five, np.flatnonzero(digits_test == 3)[0]):
        for suffix in ("png", "gif", "bmp", "webp", "tiff"):
            path = tmp_path / f"digit-{index}.{suffix}"
            PIL.Image.fromarray(255 - x_test[index]).resize((120, 120)).save(path, lossless=True)
            paths[str(path)] = index
    assert command_line.run(predict.main, [str(model_path), *paths]) == 0
    said = verdicts(capsys.readouterr().out)
    for path, index in paths.items():
        png = said[str(tmp_path / f"digit-{index}.png")]
        assert said[path][0] == png[0] == ("five" if index == five else "not five"), path
        assert said[path][1] == pytest.approx(png[1], abs=0.02), path


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda path: None, "no model at "),
        (lambda path: path.write_text("not a zip"), "cannot be loaded as a Keras model (it is not a .keras archive)"),
    ],
)
def test_bad_model_file_exits_2(predict, tmp_path, capsys, make, message):
    model_path = tmp_path / "five.keras"
    make(model_path)
    with pytest.raises(SystemExit) as exit:
        command_line.run(predict.main, [str(model_path), "digit.png"])
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error


def test_model_with_code_in_it_is_refused(tmp_path):
    marker = tmp_path / "ran.txt"
    # Calling this layer creates the marker file: code that loading must never run.
    # The path is written into the lambda's code, so Keras can store it in the file.
    touch_marker = eval(f"lambda x: x + 0 * len(str(__import__('pathlib').Path({str(marker)!r}).touch()))")
    model = keras.Sequential([
        keras.Input((28, 28)),
        keras.layers.Lambda(touch_marker),
        keras.layers.Flatten(),
        keras.layers.Dense(1),
    ])
    path = tmp_path / "sneaky.keras"
    model.save(path)
    marker.unlink()
    with pytest.raises(command_line.InputError, match="cannot be loaded as a Keras model"):
        saved.load(str(path))
    assert not marker.exists()


def test_save_model_path_is_checked_before_training(sigmoid, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pathlib.Path("notes.txt").write_text("keep me")
    pathlib.Path("essay.keras").write_text("my essay, not a model")
    for path, message in [
        ("five.h5", "does not end in .keras"),
        ("notes.txt/five.keras", "notes.txt is a file, not a folder"),
        ("essay.keras", "essay.keras already exists and is not a model these scripts saved; choose another name"),
    ]:
        with pytest.raises(SystemExit) as exit:
            command_line.run(sigmoid.main, ["--data", "sample", "--save-model", path])
        assert exit.value.code == 2
        captured = capsys.readouterr()
        assert captured.err.count("\n") == 1 and "argument --save-model: " in captured.err and message in captured.err
        assert "Digits:" not in captured.out
    assert pathlib.Path("notes.txt").read_text() == "keep me"
    assert pathlib.Path("essay.keras").read_text() == "my essay, not a model"


def test_help_shows_the_docstring_as_written_and_what_each_argument_is(predict, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # Wide enough that no argument's help is wrapped.
    with pytest.raises(SystemExit) as leaving:
        predict.main(["--help"])
    assert leaving.value.code == 0
    shown = capsys.readouterr().out
    assert predict.__doc__.strip() in shown  # Line by line, with its example commands indented.
    assert "model             a .keras file saved with --save-model\n" in shown
    assert "IMAGE             pictures of one digit each: PNG, JPEG, or any other format Pillow reads\n" in shown
    assert ("--show-input DIR  save the 28x28 picture the model saw for each image here, as NAME-28x28.png, "
            "where NAME is the image's file name (my-five.png-28x28.png)\n") in shown


def test_an_output_of_exactly_one_half_is_not_five_as_in_kerass_accuracy(predict, sample, tmp_path, capsys):
    """A sigmoid perceptron whose weights and bias are all zero answers sigmoid(0) = 0.5 for any digit,
    which Keras' accuracy counts as "not five": only an output above 0.5 is "five"."""
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid",
                                                                                                kernel_initializer="zeros")])
    model_path = tmp_path / "undecided.keras"
    model.save(model_path)
    _, (x_test, digits_test) = sample
    image = tmp_path / "five.png"
    PIL.Image.fromarray(x_test[np.flatnonzero(digits_test == 5)[0]]).save(image)
    assert command_line.run(predict.main, [str(model_path), str(image)]) == 0
    assert capsys.readouterr().out == f"{image}: not five (0.50)\n"
    assert keras.metrics.BinaryAccuracy()([[1.0]], [[0.5]]) == 0  # Keras' own rule, for the same output.


def test_every_kind_of_image_is_read_as_grey_values_0_to_255(tmp_path):
    """Black, a quarter, half and full white, stored each way an image can hold them, in two rows."""
    shades = np.array([[0.0, 0.25, 0.5, 1.0]] * 2)
    expected = shades * 255
    for name, image in [
        ("grey.png", PIL.Image.fromarray(np.uint8(expected))),
        ("16-bit.png", PIL.Image.fromarray(np.uint16(shades * 65535))),  # Read as "I;16".
        ("32-bit.tiff", PIL.Image.fromarray(np.int32(expected))),  # "I", holding 0..255.
        ("float.tiff", PIL.Image.fromarray(np.float32(expected))),  # "F".
    ]:
        image.save(tmp_path / name)
        np.testing.assert_allclose(prepare.read_image(tmp_path / name), expected, atol=0.8, err_msg=name)

    # Strokes on a see-through layer, as drawing apps save them: what is opaque is the stroke, whatever its colour.
    opacity = np.uint8([[0, 0, 0, 200]])
    for mode in ("LA", "PA"):
        layer = PIL.Image.merge(mode, [PIL.Image.new("L" if mode == "LA" else "P", (4, 1), 0),
                                       PIL.Image.fromarray(opacity)])
        np.testing.assert_array_equal(prepare.grey_values(layer), opacity, err_msg=mode)
    # A grey image whose first shade is marked see-through, and mostly see-through: the same.
    PIL.Image.fromarray(np.uint8([[0, 0, 0, 200]] * 2)).save(tmp_path / "marked.png", transparency=0)
    np.testing.assert_array_equal(prepare.read_image(tmp_path / "marked.png"), [[0, 0, 0, 255]] * 2)
    # Mostly opaque, with half its pixels see-through (one of them at exactly half opacity): a picture whose
    # see-through part shows white paper.
    picture = np.zeros((1, 4, 4), np.uint8)
    picture[..., 3] = [0, 0, 128, 255]
    np.testing.assert_allclose(prepare.grey_values(PIL.Image.fromarray(picture)), [[255, 255, 127, 0]], atol=1)


def test_an_image_too_large_says_so(tmp_path, monkeypatch):
    huge = tmp_path / "huge.png"
    PIL.Image.new("L", (100, 100)).save(huge)
    monkeypatch.setattr(PIL.Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow refuses images of over twice this.
    with pytest.raises(command_line.InputError, match="^is too large an image; shrink it to a few hundred pixels$"):
        prepare.read_image(huge)


def test_a_picture_too_small_or_too_narrow_for_a_digit_gets_one_line_and_no_warning(
        predict, saved_model, sample, tmp_path, capsys):
    """A pixel, a stroke one pixel wide or tall, and one two pixels wide that is one pixel wide once shrunk to
    600 pixels tall. The paper's grain is measured between neighbouring pixels: with none, NumPy would warn
    and the grain would not be a number."""
    _, model_path = saved_model
    (x_train, _), _ = sample
    good = tmp_path / "good.png"
    write_digit(x_train[0], good, "dark on white", 60)
    tiny = {"dot.png": (1, 1), "upright.png": (1, 50), "flat.png": (50, 1), "sliver.png": (2, 1300)}
    for name, (width, height) in tiny.items():
        pixels = np.full((height, width), 255, np.uint8)
        pixels[height // 5: height - height // 5, width // 5: width - width // 5] = 0  # A stroke along it.
        PIL.Image.fromarray(pixels).save(tmp_path / name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = command_line.run(predict.main, [str(model_path), *[str(tmp_path / name) for name in tiny], str(good)])
    captured = capsys.readouterr()
    assert code == 2 and caught == []
    assert captured.err.splitlines() == [
        f"{tmp_path / name}: error: is {width}x{height} pixels, too small or too narrow to hold a digit; save the "
        "digit larger, such as 28x28 pixels like MNIST's" for name, (width, height) in tiny.items()]
    assert captured.out.startswith(f"{good}: ")


# Reads a picture in a Python of its own, and says how far its memory peaked above what the imports took.
# Linux's peak for the program, VmHWM, starts afresh with it; getrusage's ru_maxrss would start from the
# peak of the Python that started it, these tests' own, with Keras in it.
HUGE_READ = r"""
import json, re, sys, warnings
sys.path.insert(0, sys.argv[1])
from lesson import prepare


def peak_mb():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s*(\d+) kB", status.read()).group(1)) / 1024


imported = peak_mb()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    grey = prepare.read_image(sys.argv[2])
pixels, _ = prepare.prepare_image(grey)
print(json.dumps({"above_imports": peak_mb() - imported, "warnings": [str(warning.message) for warning in caught],
                  "shape": grey.shape, "pixels": pixels.tolist()}))
"""


@pytest.mark.skipif(not pathlib.Path("/proc/self/status").exists(), reason="measures memory as Linux counts it")
def test_a_huge_picture_is_made_smaller_as_it_is_read_with_no_warning(sample, tmp_path):
    """10,000 x 9,000 grey pixels: over Pillow's limit for a warning, and 360 MB as floats."""
    (x_train, digits_train), _ = sample
    five = x_train[np.flatnonzero(digits_train == 5)[0]]
    canvas = PIL.Image.new("L", (10_000, 9_000), 255)
    canvas.paste(PIL.Image.fromarray(255 - five).resize((5000, 5000), PIL.Image.Resampling.BILINEAR), (2500, 2000))
    canvas.save(tmp_path / "huge.png")
    del canvas
    ran = subprocess.run([sys.executable, "-c", HUGE_READ, str(ROOT), str(tmp_path / "huge.png")],
                         capture_output=True, text=True, check=True)
    read = json.loads(ran.stdout)
    assert ran.stderr == "" and read["warnings"] == []
    assert read["shape"] == [540, 600]  # At most 600 pixels on the longer side, as every picture.
    assert read["above_imports"] <= 300
    # What the perceptron sees is what it sees in the same five, drawn small.
    write_digit(five, tmp_path / "small.png", "dark on white", 120)
    small, _ = prepare.prepare_image(prepare.read_image(tmp_path / "small.png"))
    assert np.corrcoef(np.ravel(read["pixels"]), small.ravel())[0, 1] > 0.95


@needs_write_only
def test_an_image_that_cannot_be_read_says_permission_denied():
    with pytest.raises(command_line.InputError, match=r"^cannot be read \(permission denied\)$"):
        prepare.read_image(WRITE_ONLY)


def test_ink_is_measured_from_the_paper_as_a_share_of_how_far_it_could_go():
    """On even paper, a block of ink's strength is exact; the grain's spread is the noise's, on the same scale."""
    dark_on_light = np.full((100, 100), 200.0, np.float32)
    dark_on_light[40:50, 40:50] = 50
    ink, grain = prepare.find_ink(dark_on_light)
    np.testing.assert_allclose(ink[40:50, 40:50], (200 - 50) / 200, atol=1e-4)
    np.testing.assert_allclose(ink[:30], 0, atol=1e-4)
    assert grain == 0
    light_on_dark = np.full((100, 100), 40.0, np.float32)
    light_on_dark[40:50, 40:50] = 240
    ink, _ = prepare.find_ink(light_on_dark)
    np.testing.assert_allclose(ink[40:50, 40:50], (240 - 40) / (255 - 40), atol=1e-4)
    # Paper with a camera's grain of spread 5, on paper of about 200 (a little above, where the paper is
    # taken to be): a grain of about 5 / 200.
    grainy = dark_on_light + np.random.default_rng(0).normal(0, 5, dark_on_light.shape).astype(np.float32)
    _, grain = prepare.find_ink(grainy)
    assert grain == pytest.approx(5 / 200, rel=0.1)


def test_otsu_threshold_splits_the_paper_from_all_the_ink_silently():
    """Grain at 0.1, a faint stroke at 0.6 and strong strokes at 1: the split keeps the faint stroke with the ink.
    Every level from 0.1 up to 0.6 splits them equally well, and the first is chosen: the middle of the
    histogram's bin (one of 256 over 0..1) that holds 0.1."""
    values = np.concatenate([np.full(1000, 0.1), np.full(200, 0.6), np.full(300, 1.0)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Empty classes at either end are no cause for a warning.
        threshold = prepare.otsu_threshold(values)
    assert threshold == pytest.approx((25 + 0.5) / 256, abs=1e-12)


def test_a_digit_whose_ink_is_all_at_one_end_stays_whole_inside_the_frame():
    """Centred by its centre of mass, a "T" with a heavy bar would hang out of the 28x28 frame: it is moved in
    just far enough to fit, touching the frame's edge, all 20 pixels of its length inside."""
    def letter(heavy_at_top):
        page = np.full((200, 200), 230.0, np.float32)
        page[40:160, 99:101] = 20  # A thin stem, 120 pixels long.
        if heavy_at_top:
            page[40:80, 55:145] = 20  # And a heavy bar, 40 deep and 90 wide, at one end.
        else:
            page[120:160, 55:145] = 20
        return page

    for heavy_at_top, rows_inked in [(True, (8, 27)), (False, (0, 19))]:
        for turned in (False, True):
            pixels, _ = prepare.prepare_image(letter(heavy_at_top).T if turned else letter(heavy_at_top))
            along = pixels.max(axis=0 if turned else 1)  # Along the stem.
            inked = np.flatnonzero(along > 0)
            assert (inked.min(), inked.max()) == rows_inked, (heavy_at_top, turned)


def test_a_heavy_shadow_along_any_edge_is_left_out_and_the_digit_kept_whole():
    """A dark band along the picture's edge holds twenty times the digit's ink. Taken for a mark, it would make
    the digit look like dust beside it; it is the page's edge or a shadow, and left out."""
    ring = np.zeros((200, 200), np.float32)  # A thin zero, 40 by 30, in the middle.
    ring[60:100, 85:115] = 1
    ring[62:98, 87:113] = 0
    alone, others, _ = prepare.largest_mark(ring, 0.0)
    assert alone.shape[0] >= 40 and alone.shape[1] >= 30 and others == 0  # The whole zero, thickened.
    shadowed = ring.copy()
    shadowed[170:, :] = 1  # Along the bottom edge.
    for turns in range(4):  # Then along the right, the top and the left.
        digit, others, _ = prepare.largest_mark(np.rot90(shadowed, turns).copy(), 0.0)
        np.testing.assert_array_equal(digit, np.rot90(alone, turns), err_msg=f"{turns} quarter turns")
        assert others == 0


def test_a_few_noisy_pixels_are_blank_not_a_crash(tmp_path):
    # Five pixels by three, of noise: its strongest "ink" is no stronger than the paper left around it.
    noise = np.array([[242, 184, 129, 221, 159], [230, 64, 47, 79, 19], [207, 239, 120, 89, 151]], np.uint8)
    PIL.Image.fromarray(noise).save(tmp_path / "noise.png")
    with pytest.raises(command_line.InputError, match=prepare.BLANK):
        prepare.prepare_image(prepare.read_image(tmp_path / "noise.png"))


def test_a_thin_stroke_on_a_flat_canvas_is_ink_whichever_way_round():
    """A line two pixels wide across 400x300: under half a percent of the picture, so the paper is both the
    furthest half a percent on each side. The furthest pixel tells dark ink on light paper from light on dark."""
    for paper, pen in [(255, 0), (200, 0), (0, 255)]:
        canvas = np.full((300, 400), paper, np.float32)
        canvas[150:152, 100:300] = pen
        ink, _ = prepare.find_ink(canvas)
        assert ink[150:152, 120:280].min() > 0.3 and ink[:100].max() < 0.01, (paper, pen)


def test_ruled_lines_are_left_out_and_a_stroke_across_them_is_kept_whole():
    """Four thin faint lines across a page, tilted a little, and a thick stroke down across them: the lines go,
    the stroke stays as it was, even where it crosses a line. One or two such lines, or a thick bar across, may
    be a digit's own, and stay."""
    rows, columns = np.indices((300, 400))
    lines = np.zeros((300, 400), np.float32)
    for start in (40, 110, 180, 250):
        lines[np.abs(rows - start - 0.02 * columns) < 1] = 0.3  # Two pixels thick, 8 pixels lower at the right.
    stroke = np.zeros_like(lines)
    stroke[30:280, 190:215] = 0.9
    cleaned = prepare.without_ruled_lines(np.maximum(lines, stroke))
    np.testing.assert_allclose(cleaned, stroke, atol=1e-6)
    for kept in (np.maximum(np.where(rows < 150, lines, 0), stroke), np.maximum(lines * (rows < 100), stroke)):
        np.testing.assert_array_equal(prepare.without_ruled_lines(kept), kept)
    bar = np.zeros_like(lines)
    bar[140:170, 20:380] = 0.9  # A marker's bar across the page, thirty pixels thick.
    np.testing.assert_array_equal(prepare.without_ruled_lines(bar), bar)
