"""The report's numbers, the pictures, and compare.py, on models trained in-process on real digits."""

import contextlib
import io
import itertools
import re

from lesson import command_line, data, pictures, report, scripts

import matplotlib
import numpy as np
import PIL.Image
import PIL.ImageDraw
import PIL.ImageSequence
import pytest

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The sigmoid, the linear unit blowing up, and the linear unit learning with small steps (no pictures).
RUNS = [("perceptron-sigmoid", ()), ("perceptron-single", ()),
        ("perceptron-single", ("--learning-rate", "0.01", "--no-plots"))]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, small_npz):
    """Each script trained in-process on real digits: the model, what it printed, its pictures."""
    runs = {}
    for name, flags in RUNS:
        out = tmp_path_factory.mktemp("pictures")
        (out / "notes.txt").write_text("the learner's own file")
        script = scripts.load(f"{name}.py")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            model = script.main(["--data", str(small_npz), "--epochs", "3", "--out", str(out), *flags])
        runs[name, flags] = {"script": script, "model": model, "out": out, "printed": printed.getvalue()}
    return runs


def held_out(run, small_npz):
    (_, _), (x_test, digits_test) = data.load_npz(small_npz, "test")
    x_test, y_test = run["script"].prepare(x_test, digits_test)
    return x_test, y_test, digits_test


def test_pictures_are_written_and_the_learners_files_kept(trained):
    for run in (trained[RUNS[0]], trained[RUNS[1]]):
        files = ["weights.png", "weights.gif", "history.png", "mistakes.png"]
        for file in files:
            assert (run["out"] / file).read_bytes()[:6] in (PNG_SIGNATURE[:6], b"GIF89a")
        # The last lines name the files written, and the learner's own file is still there.
        assert run["printed"].strip().splitlines()[-4:] == [f"  {run['out'] / file}" for file in files]
        assert (run["out"] / "notes.txt").read_text() == "the learner's own file"


def weights_read_back(path, scale):
    """Read the 28x28 weights back out of weights.png, from the colour of each square."""
    pixels = matplotlib.image.imread(path)[..., :3]
    height, width = pixels.shape[:2]
    assert (width, height) == tuple(round(inches * pictures.WEIGHTS_DPI) for inches in pictures.WEIGHTS_FIGURE_INCHES)
    left, bottom, box_width, box_height = pictures.WEIGHTS_IMAGE_BOX
    centres = (np.arange(28) + 0.5) / 28
    columns = np.floor((left + centres * box_width) * width).astype(int)
    rows = np.floor((1 - bottom - box_height + centres * box_height) * height).astype(int)
    colours = pixels[rows[:, None], columns[None, :]].reshape(784, 3)
    # The colour map, finely sampled, turns each colour back into a value.
    values = np.linspace(-scale, scale, 2001)
    palette = matplotlib.colormaps[pictures.WEIGHTS_COLOUR_MAP]((values + scale) / (2 * scale))[:, :3]
    nearest = np.argmin(((colours[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2), axis=1)
    return values[nearest]


def test_weight_picture_shows_the_trained_weights(trained):
    run = trained[RUNS[0]]
    kernel = run["model"].layers[-1].get_weights()[0][:, 0]
    scale = np.abs(kernel).max()
    read_back = weights_read_back(run["out"] / "weights.png", scale)
    # PNG colours carry 8 bits, so each weight comes back to within about 1% of the scale.
    assert np.abs(read_back - kernel).max() < 0.03 * scale
    clear = np.abs(kernel) > 0.05 * scale
    assert np.all(np.sign(read_back[clear]) == np.sign(kernel[clear]))


def animation_frames(path):
    with PIL.Image.open(path) as animation:
        return [np.asarray(frame.convert("RGB"), dtype=float) / 255 for frame in PIL.ImageSequence.Iterator(animation)]


def weights_in_frame(frame, scale):
    """Read the 28x28 weights back out of one frame of weights.gif, from the colour of each square."""
    centres = (np.arange(28) * pictures.ANIMATION_PIXEL + pictures.ANIMATION_PIXEL // 2)
    colours = frame[centres[:, None], centres[None, :]].reshape(784, 3)
    values = np.linspace(-scale, scale, 2001)
    palette = matplotlib.colormaps[pictures.WEIGHTS_COLOUR_MAP]((values + scale) / (2 * scale))[:, :3]
    return values[np.argmin(((colours[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2), axis=1)]


def test_the_animation_shows_the_weights_growing_epoch_by_epoch(trained):
    run = trained[RUNS[0]]
    frames = animation_frames(run["out"] / "weights.gif")
    kernel = run["model"].layers[-1].get_weights()[0][:, 0]
    # Before training, then after each of the 3 epochs.
    assert len(frames) == 1 + 3
    # One colour scale for all the frames: the largest weight of any frame, here the last.
    read_back = [weights_in_frame(frame, np.abs(kernel).max()) for frame in frames]
    # A GIF has 256 colours, so each weight comes back to within a few percent of the scale.
    assert np.abs(read_back[-1] - kernel).max() < 0.06 * np.abs(kernel).max()
    # The weights grow as it trains: each frame further from the start than the one before.
    distance = [np.abs(weights - read_back[0]).mean() for weights in read_back]
    assert distance[0] == 0 and all(a < b for a, b in itertools.pairwise(distance))


def test_the_animation_of_a_blown_up_run_says_not_a_number(trained):
    frames = animation_frames(trained[RUNS[1]]["out"] / "weights.gif")
    square = 28 * pictures.ANIMATION_PIXEL
    model = trained[RUNS[1]]["model"]
    assert not np.any(np.isfinite(model.layers[-1].get_weights()[0]))

    def grey_with_words(frame):
        grey = np.all(np.abs(frame[:square, :square] - 217 / 255) < 0.02, axis=2)
        dark = np.all(frame[:square, :square] < 0.3, axis=2)
        return grey.mean() > 0.9 and dark.any()

    # The starting weights are numbers, drawn in colour; the last are not, and the frame says so.
    assert len(frames) == 1 + 3
    assert not grey_with_words(frames[0]) and grey_with_words(frames[-1])


def test_pictures_of_a_blown_up_run_say_so_instead_of_drawing_nonsense(trained, small_npz, tmp_path):
    run = trained[RUNS[1]]
    model = run["model"]
    assert not np.isfinite(model.layers[-1].get_weights()[0]).any()
    # No weights to colour: a grey square that says why, and no colour bar.
    figure = pictures.save_weights_picture(tmp_path / "weights.png", model, 0.9)
    assert len(figure.axes) == 1
    assert "they overflowed to nan" in figure.axes[0].texts[0].get_text()
    # The loss panel marks the epochs whose loss is not a number, and its legend names only what is drawn.
    history = model.history.history
    figure = pictures.save_history_picture(tmp_path / "history.png", history, 0.9, "Linear perceptron")
    accuracy_axes, loss_axes = figure.axes
    assert [text.get_text() for text in loss_axes.get_legend().get_texts()] == ["training loss not a number"]
    assert len(loss_axes.patches) == sum(not np.isfinite(loss) for loss in history["loss"]) == 3
    # The accuracy axis reaches from well below the baseline to 100%, so sitting on the baseline looks flat.
    low, high = accuracy_axes.get_ylim()
    assert low <= 80 and high >= 100
    # It never said "five", so the mistakes picture has one row, and its title says why.
    x_test, y_test, digits_test = held_out(run, small_npz)
    figure = pictures.save_mistakes_picture(tmp_path / "mistakes.png", x_test, digits_test,
                                          report.outputs(model, x_test), y_test, "Linear perceptron")
    assert "no digit was wrongly called five" in figure._suptitle.get_text()
    fives = int(np.sum(y_test == 1))
    assert [axes.get_title() for axes in figure.axes] == [f"fives it missed: {fives}, the first 8 shown"]


@pytest.mark.parametrize("key", RUNS)
def test_report_counts_agree_with_the_predictions(trained, key, small_npz):
    run = trained[key]
    x_test, y_test, _ = held_out(run, small_npz)
    said_five = report.outputs(run["model"], x_test) > 0.5
    is_five = y_test == 1
    found, fives, said = int(np.sum(said_five & is_five)), int(np.sum(is_five)), int(np.sum(said_five))
    printed = " ".join(run["printed"].split())
    assert f"It found {found} of the {fives} fives" in printed
    correct = int(np.sum(said_five == is_five))
    baseline = report.percent(np.mean(~is_five))
    hardly = correct / len(y_test) <= np.mean(~is_five) + 0.01  # Within a point of always "not five".
    if hardly and not found:
        assert f"It found 0 of the {fives} fives: no better than always answering \"not five\"." in printed
    else:
        digits, were = "digit" if said == 1 else "digits", "was a five" if found == 1 else "were fives"
        assert f"Of the {said} {digits} it called five, {found} {were}" in printed
        assert (f"Accuracy {report.percent(correct / len(y_test))} ({correct} right), against {baseline} for always "
                f"answering \"not five\"{': hardly better' if hardly else ''}.") in printed


def test_count_fives_against_counts_by_hand():
    outputs = np.array([0.9, 0.2, 0.7, 0.5, np.nan, 0.51, -3.0, 1e30, 0.8])
    labels = np.array([1, 1, 0, 1, 1, 0, 0, 1, 0], dtype=np.float32)
    counts = report.count_fives(outputs, labels)
    # Above 0.5 means "five": 0.9, 0.7, 0.51, 1e30 and 0.8. 0.5 itself and nan do not.
    assert {key: counts[key] for key in ("found", "missed", "false", "rejected", "correct")} == {
        "found": 2, "missed": 3, "false": 3, "rejected": 1, "correct": 3}
    assert (counts["accuracy"], counts["precision"], counts["recall"]) == (3 / 9, 2 / 5, 2 / 5)
    # No digit called five: no precision. No fives at all: no recall.
    assert report.count_fives(np.zeros(3), np.array([1.0, 0, 0]))["precision"] is None
    assert report.count_fives(np.ones(3), np.zeros(3))["recall"] is None
    assert report.always_not_five(labels) == 4 / 9


def test_the_training_range_passes_over_epochs_with_no_number():
    history = {"lowest_output": [-3e37, np.nan, -2.0], "highest_output": [5.0, np.nan, 3e38]}
    assert report.training_range(history) == (-3e37, 3e38)
    assert all(np.isnan(report.training_range({"lowest_output": [np.nan], "highest_output": [np.nan]})))
    assert [report.plural(count, "epoch") for count in (1, 2, 1000)] == ["1 epoch", "2 epochs", "1,000 epochs"]


def test_the_report_says_why_in_the_lectures_words(trained):
    """The sentences of the report that say why, for the linear unit that blew up, the sigmoid, and the
    linear unit that learned with small steps."""
    blown_up, learned, small_steps = (" ".join(run["printed"].split("Held-out check")[1].split()) for run in (
        trained[RUNS[1]], trained[RUNS[0]], trained[RUNS[2]]))
    # It calls every digit "not five", so its accuracy is exactly that of always answering so.
    assert re.search(r'This is the lecture\'s "very low accuracy": ([\d.]+%) sounds high, but always answering '
                     r'"not five" scores \1\.', blown_up)
    assert 'Debugging: print the outputs. Label 1 means five; an output above 0.5 is called "five". digit label ' \
           'output called' in blown_up
    assert ('Then they overflowed: every output is now nan, and nan > 0.5 is false, so every digit is called '
            '"not five". A sigmoid squashes every output into 0..1: see perceptron-sigmoid.py.') in blown_up
    assert ("Why it never learns: with mean squared error, each SGD step is proportional to the error, the output "
            "minus the label. A linear output has no limit, so at learning rate 0.5 one step can overshoot the good "
            'weights (as the lecture puts it, "skip over the optimal weights"). The next error is then larger, and so '
            "is the next step: the outputs swing from sign to sign and grow until they overflow. A sigmoid keeps "
            "every output, and so every error, within 0..1, so every step stays bounded. A linear unit learns only "
            "with much smaller steps, such as a learning rate of 0.01.") in blown_up
    assert re.search(r"Every output on the held-out digits is between 0 and 1, from \S+ to \S+: the sigmoid "
                     r"squashes each weighted sum into 0\.\.1\.", learned)
    assert re.search(r"The outputs are not numbers between 0 and 1\. Over all the epochs of training they ranged "
                     r"from -?[\d.]+ to [\d.]+\. On the held-out digits they run from -?[\d.]+ to [\d.]+\. A sigmoid "
                     r"squashes every output into 0\.\.1: see perceptron-sigmoid\.py\.", small_steps)
    assert "Why it never learns" not in small_steps and "Why it never learns" not in learned


def test_a_sigmoid_that_hardly_learned_says_how_many_steps_at_what_rate(sigmoid, small_npz, capsys):
    sigmoid.main(["--data", str(small_npz), "--epochs", "2", "--learning-rate", "0.001", "--no-plots"])
    printed = " ".join(capsys.readouterr().out.split())
    assert ("It has hardly learned, in 50 SGD steps at learning rate 0.001. Too few steps, or steps too small, take "
            "too long; steps that are too large push the outputs to 0 or 1, where the sigmoid is flat and later steps "
            "hardly move them. The scripts' settings, 10 epochs in batches of 32 at learning rate 0.5, suit it.") \
        in printed


def test_numbers_are_printed_so_that_tiny_and_huge_ones_are_not_lost():
    # Four decimals for everyday numbers; powers of ten from 10,000 up and below 0.001, so that
    # 0.000002 does not read as 0; exactly 0 as 0.
    shown = [report.number(value) for value in (0.5, 0.001, 0.00099, 2e-6, 0.0, 9999.0, 1e4, -3.39e37, np.nan)]
    assert shown == ["0.5000", "0.0010", "9.9e-04", "2.0e-06", "0", "9999.0000", "1e+04", "-3.39e+37", "nan"]
    assert report.output_range(np.nan, np.nan) == "nan"
    assert report.output_range(-2e-6, 0.5) == "-2.0e-06 .. 0.5000"


def test_report_shows_the_outputs_the_model_gives(trained, small_npz):
    for key, run in trained.items():
        x_test, y_test, digits_test = held_out(run, small_npz)
        outputs = report.outputs(run["model"], x_test)
        table = re.findall(r"^ +(\d) +([01]) +(\S+)  (five|not five)( \(wrong\))?$", run["printed"], re.MULTILINE)
        fives, others = np.flatnonzero(y_test == 1)[:4], np.flatnonzero(y_test == 0)[:4]
        # What it called each digit, by the 0.5 rule, and whether that was wrong.
        expected = [(str(digits_test[index]), str(int(y_test[index])), report.number(outputs[index]),
                     "five" if outputs[index] > 0.5 else "not five",
                     " (wrong)" if (outputs[index] > 0.5) != (y_test[index] == 1) else "")
                    for index in sorted([*fives, *others])]
        assert table == expected, key


@pytest.mark.parametrize("script_name", ["perceptron-single", "compare"])
def test_out_folder_is_checked_before_training(script_name, tmp_path, capsys):
    module = scripts.load(f"{script_name}.py")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    for out, message in [(a_file, "is a file, not a folder"), (a_file / "pictures", "cannot be made (a folder on its path is a file)")]:
        with pytest.raises(SystemExit) as exit:
            command_line.run(module.main, ["--data", "sample", "--out", str(out)])
        assert exit.value.code == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "argument --out: " in error and message in error
    assert a_file.read_text() == "keep me"


def test_compare_trains_both_scripts_and_its_table_is_true(small_npz, tmp_path, capsys, trained):
    compare = scripts.load("compare.py")
    results = compare.main(["--data", str(small_npz), "--epochs", "3", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert (tmp_path / "compare.png").read_bytes()[:8] == PNG_SIGNATURE
    assert printed.strip().splitlines()[-1] == f"  {tmp_path / 'compare.png'}"
    # One short line per model trained, not one per epoch.
    assert re.findall(r"^(\w+) perceptron: held-out accuracy", printed, re.MULTILINE) == ["Linear", "Sigmoid"]
    assert "Epoch" not in printed

    # The same seed and settings train the very models the scripts train.
    for result, key in zip(results, [RUNS[1], RUNS[0]]):
        for mine, theirs in zip(result["model"].get_weights(), trained[key]["model"].get_weights()):
            np.testing.assert_array_equal(mine, theirs)

    table = {line[:20].strip(): line[20:].split() for line in printed.splitlines()[-11:-3] if line[:20].strip()}
    x_test, y_test, _ = held_out(trained[RUNS[0]], small_npz)
    for column, result in enumerate(results):
        outputs = report.outputs(result["model"], x_test)
        accuracy = np.mean((outputs > 0.5) == (y_test == 1))
        assert table["held-out accuracy"][column] == report.percent(accuracy)
        assert table['always "not five"'][column] == report.percent(np.mean(y_test == 0))
        found = np.sum((outputs > 0.5) & (y_test == 1))
        assert table["recall for five"][column] == report.percent(found / np.sum(y_test == 1))
        finite = outputs[np.isfinite(outputs)]
        assert table["highest output"][column] == (report.number(finite.max()) if finite.size else "nan")
    assert table["precision for five"][0] == "n/a"  # The blown-up linear unit never says five.


def caption_strip(text):
    """A caption as weights.gif draws it under a frame: its strip of pixels, in grey."""
    image = PIL.Image.new("RGB", (28 * pictures.ANIMATION_PIXEL, 36), "white")
    PIL.ImageDraw.Draw(image).text((14 * pictures.ANIMATION_PIXEL, 18), text, fill="black", anchor="mm",
                                   font=pictures.ANIMATION_FONT)
    return np.asarray(image.convert("L"), dtype=float) / 255


def test_each_frames_caption_gives_that_epochs_held_out_accuracy(trained):
    """What the learner reads under each frame: the epoch, and the held-out accuracy printed for it."""
    run = trained[RUNS[0]]
    held_out = re.findall(r"held-out accuracy ([\d.]+%)", run["printed"])
    training = re.findall(r"^Epoch \d/3: accuracy ([\d.]+%)", run["printed"], re.MULTILINE)
    assert len(held_out) == 3 and held_out != training  # Two different numbers to tell apart.
    frames = animation_frames(run["out"] / "weights.gif")
    square = 28 * pictures.ANIMATION_PIXEL
    captions = ["before training", *[f"epoch {epoch}/3: held-out accuracy {accuracy}" for epoch, accuracy in
                                     enumerate(held_out, 1)]]
    for frame, caption in zip(frames, captions, strict=True):
        shown = frame[square:].mean(axis=2)
        assert np.abs(shown - caption_strip(caption)).max() < 0.1, caption
    # The training accuracy's caption would look different.
    assert np.abs(frames[1][square:].mean(axis=2) - caption_strip(f"epoch 1/3: held-out accuracy {training[0]}")).max() > 0.5
