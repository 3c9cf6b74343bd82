"""The pictures, the confusion table, and compare.py."""

import re

import matplotlib
import numpy as np
import pytest

import lesson

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def trained(tmp_path_factory, small_npz):
    """Each script trained in-process on real digits: the model, what it printed, its pictures."""
    runs = {}
    for name, flags in [("perceptron-sigmoid", []), ("perceptron-single", []),
                        ("perceptron-single", ["--learning-rate", "0.01"])]:
        out = tmp_path_factory.mktemp("pictures")
        (out / "notes.txt").write_text("the learner's own file")
        script = lesson.load_script(f"{name}.py")
        with CaptureStdout() as printed:
            model = script.main(["--data", str(small_npz), "--epochs", "3", "--out", str(out), *flags])
        runs[name, tuple(flags)] = {"script": script, "model": model, "out": out, "printed": printed.text}
    return runs


class CaptureStdout:
    """Capture what main() prints, in a module-scoped fixture where capsys cannot go."""

    def __enter__(self):
        import contextlib
        import io

        self.buffer = io.StringIO()
        self.redirect = contextlib.redirect_stdout(self.buffer)
        self.redirect.__enter__()
        return self

    def __exit__(self, *exc):
        self.redirect.__exit__(*exc)
        self.text = self.buffer.getvalue()


def held_out(run, small_npz):
    (_, _), (x_test, digits_test) = lesson.load_npz(small_npz, "test")
    x_test, y_test = run["script"].prepare(x_test, digits_test)
    return x_test, y_test, digits_test


@pytest.mark.parametrize("key", [("perceptron-sigmoid", ()), ("perceptron-single", ())])
def test_pictures_are_written_valid_and_not_blank(trained, key):
    run = trained[key]
    files = ["weights.png", "history.png", "mistakes.png"]
    for file in files:
        path = run["out"] / file
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        pixels = matplotlib.image.imread(path)[..., :3]
        assert pixels.shape[0] > 200 and pixels.shape[1] > 400
        # Not blank: many colours, and a fair share of the picture is not white.
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50
        assert np.mean(pixels.min(axis=2) < 0.9) > 0.02
    # The last lines name the files written, and the learner's own file is still there.
    last_lines = run["printed"].strip().splitlines()[-3:]
    assert last_lines == [f"  {run['out'] / file}" for file in files]
    assert (run["out"] / "notes.txt").read_text() == "the learner's own file"


def weights_read_back(path, scale):
    """Read the 28x28 weights back out of weights.png, from the colour of each square."""
    pixels = matplotlib.image.imread(path)[..., :3]
    height, width = pixels.shape[:2]
    assert (width, height) == tuple(round(inches * lesson.WEIGHTS_DPI) for inches in lesson.WEIGHTS_FIGURE_INCHES)
    left, bottom, box_width, box_height = lesson.WEIGHTS_IMAGE_BOX
    centres = (np.arange(28) + 0.5) / 28
    columns = np.floor((left + centres * box_width) * width).astype(int)
    rows = np.floor((1 - bottom - box_height + centres * box_height) * height).astype(int)
    colours = pixels[rows[:, None], columns[None, :]].reshape(784, 3)
    # The colour map, finely sampled, turns each colour back into a value.
    values = np.linspace(-scale, scale, 2001)
    palette = matplotlib.colormaps[lesson.WEIGHTS_COLOUR_MAP]((values + scale) / (2 * scale))[:, :3]
    nearest = np.argmin(((colours[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2), axis=1)
    return values[nearest]


@pytest.mark.parametrize("key", [("perceptron-sigmoid", ()), ("perceptron-single", ("--learning-rate", "0.01"))])
def test_weight_picture_shows_the_trained_weights(trained, key):
    run = trained[key]
    kernel = run["model"].layers[-1].get_weights()[0][:, 0]
    scale = np.abs(kernel).max()
    read_back = weights_read_back(run["out"] / "weights.png", scale)
    # PNG colours carry 8 bits, so each weight comes back to within about 1% of the scale.
    assert np.abs(read_back - kernel).max() < 0.03 * scale
    clear = np.abs(kernel) > 0.05 * scale
    assert np.all(np.sign(read_back[clear]) == np.sign(kernel[clear]))


def test_weight_picture_of_a_blown_up_run_shows_the_last_finite_weights(trained):
    run = trained["perceptron-single", ()]
    assert not np.isfinite(run["model"].layers[-1].get_weights()[0]).any()
    assert "the outputs on the first" in run["printed"]
    # The picture is drawn from finite numbers, so it reads back to a real pattern.
    read_back = weights_read_back(run["out"] / "weights.png", 1.0)
    assert np.abs(read_back).max() > 0.5


@pytest.mark.parametrize("key", [("perceptron-sigmoid", ()), ("perceptron-single", ()),
                                 ("perceptron-single", ("--learning-rate", "0.01"))])
def test_confusion_table_agrees_with_the_predictions(trained, key, small_npz):
    run = trained[key]
    x_test, y_test, _ = held_out(run, small_npz)
    said_five = run["model"].predict(x_test, verbose=0)[:, 0] > 0.5
    is_five = y_test == 1
    printed = run["printed"]
    found, missed = map(int, re.search(r"is a five +([\d,]+) +([\d,]+)", printed).groups())
    false, rejected = map(int, re.search(r"is not a five +([\d,]+) +([\d,]+)", printed).groups())
    assert (found, missed, false, rejected) == (
        np.sum(said_five & is_five), np.sum(~said_five & is_five),
        np.sum(said_five & ~is_five), np.sum(~said_five & ~is_five),
    )
    recall = re.search(r"recall +([\d.]+)%", printed)
    assert recall and float(recall.group(1)) == round(100 * found / (found + missed), 1)
    if found + false:
        assert re.search(rf"precision {100 * found / (found + false):.1f}%", printed)
    else:
        assert "precision n/a (it never said five)" in printed


def test_no_plots_writes_no_pictures(script, small_npz, tmp_path, capsys):
    script.main(["--data", str(small_npz), "--epochs", "1", "--out", str(tmp_path / "pictures"), "--no-plots"])
    assert not (tmp_path / "pictures").exists()
    assert "Pictures written" not in capsys.readouterr().out


@pytest.mark.parametrize("script_name", ["perceptron-single", "compare"])
def test_out_folder_is_checked_before_training(script_name, tmp_path, capsys):
    module = lesson.load_script(f"{script_name}.py")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    for out, message in [(a_file, "is a file, not a folder"), (a_file / "pictures", "cannot be made, because")]:
        with pytest.raises(SystemExit) as exit:
            lesson.run(module.main, ["--data", "sample", "--out", str(out)])
        assert exit.value.code == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "argument --out: " in error and message in error
    assert a_file.read_text() == "keep me"


def test_compare_trains_both_scripts_and_its_table_is_true(small_npz, tmp_path, capsys, trained):
    compare = lesson.load_script("compare.py")
    results = compare.main(["--data", str(small_npz), "--epochs", "3", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert (tmp_path / "compare.png").read_bytes()[:8] == PNG_SIGNATURE
    assert printed.strip().splitlines()[-1] == f"  {tmp_path / 'compare.png'}"

    # The same seed and settings train the very models the scripts train.
    for result, key in zip(results, [("perceptron-single", ()), ("perceptron-sigmoid", ())]):
        for mine, theirs in zip(result["model"].get_weights(), trained[key]["model"].get_weights()):
            np.testing.assert_array_equal(mine, theirs)

    table = {line[:20].strip(): line[20:].split() for line in printed.splitlines()[-11:-3] if line[:20].strip()}
    x_test, y_test, _ = held_out(trained["perceptron-sigmoid", ()], small_npz)
    for column, result in enumerate(results):
        outputs = result["model"].predict(x_test, verbose=0)[:, 0]
        accuracy = np.mean((outputs > 0.5) == (y_test == 1))
        assert table["held-out accuracy"][column] == f"{100 * accuracy:.1f}%"
        assert table['always "not five"'][column] == f"{100 * np.mean(y_test == 0):.1f}%"
        found = np.sum((outputs > 0.5) & (y_test == 1))
        assert table["recall for five"][column] == f"{100 * found / np.sum(y_test == 1):.1f}%"
        finite = outputs[np.isfinite(outputs)]
        assert table["highest output"][column] == (lesson.number(finite.max()) if finite.size else "nan")
    assert table["precision for five"][0] == "n/a"  # The blown-up linear unit never says five.


def test_report_and_pictures_cope_when_no_output_was_ever_finite(single, small_npz, tmp_path, capsys):
    """The worst blow-up: already nan at the watch's first look, with no finite weights to draw."""
    _, (x_test, digits_test) = lesson.load_npz(small_npz, "test")
    x_test, y_test = single.prepare(x_test, digits_test)
    model = single.build_model(0.5)
    model.layers[-1].set_weights([np.full((784, 1), np.nan, np.float32), np.array([np.nan], np.float32)])
    watch = lesson.OutputWatch(x_test)
    watch.not_finite_at = (1, 8)
    history = type("History", (), {"history": {key: [np.nan, np.nan] for key in
                                               ("accuracy", "val_accuracy", "loss", "val_loss")}})()
    lesson.report(model, x_test, y_test, digits_test, watch)
    lesson.draw_pictures(model, history, watch, x_test, y_test, digits_test, tmp_path)
    printed = capsys.readouterr().out
    assert "were never finite when checked, and the loss stopped being a number by epoch 1, batch 8." in printed
    assert "weights: all nan or inf" in str(lesson.weights_to_show(model, watch))
    assert all((tmp_path / name).stat().st_size > 5_000 for name in ("weights.png", "history.png", "mistakes.png"))
