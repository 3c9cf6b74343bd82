"""experiments.py: the lecture's claims about training, checked on the real sample digits."""

import re

import matplotlib
import numpy as np
import pytest

import lesson

BASELINE = 0.9


@pytest.fixture(scope="module")
def experiments():
    return lesson.load_script("experiments.py")


@pytest.fixture(scope="module")
def learning_rates(experiments, sample):
    rates = [0.001, 0.5]
    return rates, experiments.learning_rate_results(sample, epochs=3, seed=0, rates=rates)


def test_too_large_a_rate_blows_up_the_linear_unit_but_not_the_sigmoid(learning_rates):
    rates, results = learning_rates
    linear, sigmoid = results["Linear perceptron"][1], results["Sigmoid perceptron"][1]
    assert rates[1] == 0.5
    assert linear["blew_up"] and linear["accuracy"] <= BASELINE + 0.01
    assert not sigmoid["blew_up"] and sigmoid["accuracy"] >= BASELINE + 0.04


def test_too_small_a_rate_leaves_the_sigmoid_clearly_behind(learning_rates):
    rates, results = learning_rates
    slow, good = results["Sigmoid perceptron"]
    assert rates[0] == 0.001
    assert not slow["blew_up"]
    assert slow["accuracy"] <= good["accuracy"] - 0.03


def test_scaled_pixels_beat_raw_pixels(experiments, sample):
    results = experiments.data_preparation_results(sample, epochs=3, seed=0)
    for name, runs in results.items():
        # Raw pixels teach either model nothing; scaled ones, 20 or more digits in 1,000.
        assert runs["raw 0..255"]["accuracy"] <= BASELINE + 0.01, name
        assert runs["scaled 0..1"]["accuracy"] >= runs["raw 0..255"]["accuracy"] + 0.02, name
    assert results["Linear perceptron"]["raw 0..255"]["blew_up"]


def test_all_the_data_beats_the_smallest_slice(experiments, sample):
    results = experiments.more_data_results(sample, epochs=2, seed=0, sizes=[250])
    (small, small_epochs, small_result), (full, full_epochs, full_result) = results
    assert (small, full) == (250, 4000)
    # The same number of SGD steps for both: 32 epochs of 8 steps, 2 epochs of 125.
    assert small_epochs == 32 and full_epochs == 2
    assert full_result["accuracy"] >= small_result["accuracy"] + 0.01


def test_experiment_trains_what_the_script_trains(experiments, small_npz, capsys):
    """Same digits, settings and seed: the experiment's accuracy is the script's."""
    sigmoid = lesson.load_script("perceptron-sigmoid.py")
    model = sigmoid.main(["--data", str(small_npz), "--epochs", "2", "--no-plots"])
    digits = lesson.load_npz(small_npz, "test")
    x_train, y_train, x_test, y_test = experiments.prepared(sigmoid, digits)
    result = experiments.train_quietly(sigmoid, x_train, y_train, x_test, y_test, 0.5, 2, 0)
    outputs = lesson.predict(model, x_test)
    assert result["accuracy"] == pytest.approx(np.mean((outputs > 0.5) == (y_test == 1)))


def test_main_prints_the_table_and_writes_the_picture(experiments, small_npz, tmp_path, capsys):
    results = experiments.main(["data-preparation", "--data", str(small_npz), "--epochs", "1", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    picture = tmp_path / "data-preparation.png"
    assert printed.strip().splitlines()[-1] == f"  {picture}"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name, runs in results.items():
        row = re.search(rf"^{name} +(\S+) +(\S+)$", printed, re.MULTILINE).groups()
        assert row == tuple(lesson.percent(run["accuracy"]) for run in runs.values())


def test_pictures_are_drawn_from_the_results(experiments, learning_rates, tmp_path):
    rates, results = learning_rates
    path = tmp_path / "learning-rate.png"
    experiments.draw_learning_rates(path, results, rates, BASELINE)
    pixels = matplotlib.image.imread(path)[..., :3]
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50
    path = tmp_path / "more-data.png"
    experiments.draw_more_data(path, [(250, 16, {"accuracy": 0.92}), (4000, 1, {"accuracy": 0.96})], BASELINE)
    assert matplotlib.image.imread(path).shape[0] > 300


def test_unknown_experiment_exits_2_with_one_line(experiments, capsys):
    with pytest.raises(SystemExit) as exit:
        lesson.run(experiments.main, ["learning-rates"])
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "invalid choice: 'learning-rates'" in error
