"""The edges: a saved model is a plain Keras file, and every failure ends in one line, a non-zero
exit and nothing of the learner's lost."""

import os
import pathlib
import subprocess
import sys
import threading

from lesson import command_line, data, saved, scripts

import keras
import numpy as np
import PIL.Image
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def one_line_and_exit(main, argv, capsys, code=2):
    """Run main as its program runs it; return the one line it printed to the error stream."""
    with pytest.raises(SystemExit) as exit:
        command_line.run(main, argv)
    assert exit.value.code == code
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    return captured.err.strip()


def test_save_model_replaces_a_model_it_saved_and_names_it_in_full(sigmoid, saved_model, small_npz, tmp_path,
                                                                     monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    pathlib.Path("five.keras").write_bytes(saved_model[1].read_bytes())
    model = sigmoid.main(["--data", str(small_npz), "--epochs", "1", "--no-plots", "--save-model", "five.keras"])
    assert capsys.readouterr().out.endswith(f"\nModel written:\n  {tmp_path / 'five.keras'}\n")
    np.testing.assert_array_equal(saved.load("five.keras").get_weights()[0], model.get_weights()[0])


@pytest.fixture(scope="module")
def predict():
    return scripts.load("predict.py")


def digit_image(sample, path, index=0):
    (x_train, _), _ = sample
    PIL.Image.fromarray(255 - x_train[index]).resize((120, 120)).save(path)
    return path


def test_an_image_with_a_pixel_that_is_not_a_number_is_refused_and_the_others_answered(
        predict, saved_model, sample, tmp_path, capsys):
    good = digit_image(sample, tmp_path / "good.png")
    pixels = np.full((60, 60), 255.0, np.float32)
    pixels[20:40, 28:32] = 0  # A stroke...
    pixels[5, 5] = np.nan  # ...and a pixel that is not a number, as a float TIFF can hold.
    bad = tmp_path / "float.tif"
    PIL.Image.fromarray(pixels, mode="F").save(bad)
    assert command_line.run(predict.main, [str(saved_model[1]), str(bad), str(good)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"{bad}: error: has pixels that are not numbers (nan or inf); save it as PNG or JPEG\n"
    assert captured.out.startswith(f"{good}: ")


def test_show_input_that_cannot_be_written_is_named_and_the_images_still_answered(
        predict, saved_model, sample, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    first, second = digit_image(sample, pathlib.Path("first.png"), 0), digit_image(sample, pathlib.Path("second.png"), 1)
    pathlib.Path("seen", "first.png-28x28.png").mkdir(parents=True)  # A folder where a picture is to go.
    code = command_line.run(predict.main, [str(saved_model[1]), str(first), str(second), "--show-input", "seen"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == ("first.png: error: seen/first.png-28x28.png could not be written (it is a folder); "
                            "choose another path\n")
    lines = captured.out.splitlines()
    assert lines[0].startswith("first.png: ") and lines[1].startswith("second.png: ")
    # The picture that could be written was, and is named as a path that opens from anywhere.
    assert lines[-2:] == ["Pictures written:", f"  {tmp_path / 'seen' / 'second.png-28x28.png'}"]
    assert (tmp_path / "seen" / "second.png-28x28.png").is_file()


def test_draw_says_when_its_page_cannot_be_written(saved_model, tmp_path, capsys):
    draw = scripts.load("draw.py")
    (tmp_path / "draw.html").mkdir()
    error = one_line_and_exit(draw.main, [str(saved_model[1]), "--out", str(tmp_path)], capsys)
    assert error == f"error: {tmp_path / 'draw.html'} could not be written (it is a folder); choose another path"
    assert (tmp_path / "draw.html").is_dir()


def test_draw_names_its_page_as_an_address_to_open(saved_model, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert scripts.load("draw.py").main([str(saved_model[1]), "--out", "pages"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"Page written: {(tmp_path / 'pages' / 'draw.html').as_uri()}"


def test_a_picture_that_cannot_be_written_after_training_keeps_what_was_written(sigmoid, small_npz, tmp_path,
                                                                                 capsys):
    out = tmp_path / "pictures"
    (out / "weights.png").mkdir(parents=True)
    history, model = tmp_path / "history.csv", tmp_path / "five.keras"
    error = one_line_and_exit(sigmoid.main, ["--data", str(small_npz), "--epochs", "2", "--out", str(out),
                                             "--csv", str(history), "--save-model", str(model)], capsys)
    assert error == f"error: {out / 'weights.png'} could not be written (it is a folder); choose another path"
    assert len(history.read_text().splitlines()) == 3 and saved.load(str(model))
    assert (out / "weights.png").is_dir()


def test_a_full_disk_is_named(sigmoid, small_npz, capsys):
    error = one_line_and_exit(sigmoid.main, ["--data", str(small_npz), "--epochs", "1", "--no-plots",
                                             "--csv", "/dev/full"], capsys)
    assert error == "error: /dev/full could not be written (the disk is full); choose another path"


@pytest.mark.parametrize("last_line", [None, b" Non-trainable params"])
def test_output_piped_to_head_stops_with_one_line(sigmoid, small_npz, last_line, monkeypatch, capsys):
    """As `python perceptron-sigmoid.py | head -3` does: the reader takes the lines it wants and goes, here
    before the model summary, which Keras prints with rich, or after it."""
    reading, writing = os.pipe()

    def head():
        with os.fdopen(reading, "rb") as pipe:
            for line in pipe if last_line else []:
                if line.startswith(last_line):
                    return

    reader = threading.Thread(target=head)
    reader.start()
    monkeypatch.setattr(sys, "stdout", os.fdopen(writing, "w"))
    with pytest.raises(SystemExit) as exit:
        command_line.run(sigmoid.main, ["--data", str(small_npz), "--epochs", "3", "--no-plots"])
    reader.join()
    sys.stdout.close()
    assert exit.value.code == 1
    assert capsys.readouterr().err == ("Stopped: the program reading the output (such as head) closed it. "
                                       "Files written so far are kept.\n")


@pytest.mark.parametrize("experiment, digits, needed", [("more-data", 10, 16), ("learning-rate", 4, 5)])
def test_experiments_say_how_many_digits_they_need(experiment, digits, needed, sample, tmp_path, capsys):
    (x_train, digits_train), (x_test, digits_test) = sample
    path = tmp_path / "few.npz"
    np.savez(path, x_train=x_train[:digits], y_train=digits_train[:digits], x_test=x_test, y_test=digits_test)
    experiments = scripts.load("experiments.py")
    error = one_line_and_exit(experiments.main, [experiment, "--data", str(path), "--out", str(tmp_path)], capsys)
    assert error == (f"error: {experiment} needs at least {needed} training digits, and --data has {digits}; "
                     "use more, or --data sample")


def test_a_model_whose_training_blew_up_is_refused(predict, saved_model, sample, tmp_path, capsys):
    blown = saved.load(str(saved_model[1]))
    blown.set_weights([np.full_like(weights, np.nan) for weights in blown.get_weights()])
    blown.compile(loss="mse", optimizer=keras.optimizers.SGD(0.5))
    path = str(tmp_path / "blown.keras")
    capsys.readouterr()
    saved.save(blown, path)  # As --save-model saves the linear unit's blown-up weights, it says so.
    assert capsys.readouterr().out.endswith(f"  {path}\n  Its weights are not numbers (nan): training blew up, so "
                                            "predict.py and draw.py will refuse it.\n")
    expected = (f"error: {path}: its weights are not numbers (nan), because its training blew up. The sigmoid "
                "script's model works: python perceptron-sigmoid.py --save-model five.keras")
    image = digit_image(sample, tmp_path / "digit.png")
    assert one_line_and_exit(predict.main, [path, str(image)], capsys) == expected
    assert one_line_and_exit(scripts.load("draw.py").main, [path, "--out", str(tmp_path)], capsys) == expected
    assert not (tmp_path / "draw.html").exists()


def test_a_folder_named_like_a_model_is_called_a_folder(predict, tmp_path, capsys):
    (tmp_path / "five.keras").mkdir()
    error = one_line_and_exit(predict.main, [str(tmp_path / "five.keras"), "digit.png"], capsys)
    assert error == f"error: {tmp_path / 'five.keras'} is a folder, not a model. Pass a .keras file saved with --save-model"


def test_tensorflow_that_aborts_as_it_starts_still_has_its_say(tmp_path):
    """A Keras that prints as TensorFlow does, then aborts the program, as a CPU without AVX makes it do."""
    (tmp_path / "keras").mkdir()
    (tmp_path / "keras" / "__init__.py").write_text(
        "import os\n"
        "os.write(2, b'I0000 00:00:1.0 1 port.cc:153] oneDNN custom operations are on.\\n')\n"
        "os.write(2, b'F0000 00:00:1.0 1 cpu_feature_guard.cc:37] The TensorFlow library was compiled to use AVX "
        "instructions, but these are not available on your machine.\\n')\n"
        "os.abort()\n"
    )
    environment = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    environment.pop("TF_CPP_MIN_LOG_LEVEL", None)
    started = subprocess.run([sys.executable, "-c", "import lesson.quiet"], env=environment, capture_output=True, text=True,
                             check=False)
    assert started.returncode != 0
    assert started.stderr == ("F0000 00:00:1.0 1 cpu_feature_guard.cc:37] The TensorFlow library was compiled to use "
                              "AVX instructions, but these are not available on your machine.\n")


def test_the_full_set_is_read_from_an_npz_in_kerass_layout(small_npz, capsys):
    (x_train, _), (x_test, _) = data.load(str(small_npz))
    assert (len(x_train), len(x_test)) == (800, 200)
    assert capsys.readouterr().out == f"Digits: 800 for training and 200 held out, from {small_npz}.\n"
