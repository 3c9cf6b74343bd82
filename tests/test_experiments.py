"""experiments.py: the lecture's claims about training, checked on the real sample digits.

Each experiment runs once, through main() as a learner runs it, for one epoch
and on fewer learning rates or sizes than its defaults, in the background
while the other tests run.
"""

import json
import pathlib
import re

from lesson import report, scripts

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASELINE = 0.9


def short(result):
    """A result as the tables print it."""
    return report.percent(result["accuracy"]) + (" blew up" if result["blew_up"] else "")


@pytest.fixture(scope="module")
def ran(background_runs):
    """Each experiment through its main(), as a learner runs it, for one epoch and at fewer learning rates and
    sizes than its defaults: in the background, after the scripts (see end_to_end_runs.py)."""
    run = background_runs["scripts"]
    assert run["code"] == 0, run["err"]
    ran = json.loads((run["folder"] / "experiments.json").read_text())
    for name in ran:
        # JSON has no tuples: more-data's rows come back as lists.
        ran[name]["results"] = [tuple(row) for row in ran[name]["results"]] if name == "more-data" else (
            ran[name]["results"])
    return ran


def picture_written(printed, name):
    path = pathlib.Path(printed.strip().splitlines()[-1].strip())
    assert path.name == f"{name}.png"
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_learning_rate_too_large_blows_up_the_linear_unit_and_too_small_is_slow(ran):
    results, printed = ran["learning-rate"]["results"], ran["learning-rate"]["printed"]
    (linear_slow, linear_fast), (sigmoid_slow, sigmoid_fast) = results["tuning"].values()
    baseline = float(re.search(r'"not five" scores ([\d.]+)% of the tuning digits', printed).group(1)) / 100
    # Too large: at the scripts' 0.5 the linear unit blows up, and calls every digit "not five"; the sigmoid learns.
    assert linear_fast["blew_up"] and linear_fast["accuracy"] == pytest.approx(baseline, abs=0.0005)
    assert not sigmoid_fast["blew_up"] and sigmoid_fast["accuracy"] >= baseline + 0.03
    # Too small: at 0.001 the sigmoid is clearly behind after the same epochs.
    assert not sigmoid_slow["blew_up"] and sigmoid_slow["accuracy"] <= sigmoid_fast["accuracy"] - 0.03
    # One row per rate, each result printed once.
    rows = [row.split() for row in re.findall(r"^ +([\d.]+ +.+)$", printed, re.MULTILINE)]
    assert rows == [["0.001", *short(linear_slow).split(), *short(sigmoid_slow).split()],
                    ["0.5", *short(linear_fast).split(), *short(sigmoid_fast).split()]]
    assert picture_written(printed, "learning-rate")


def test_learning_rate_is_chosen_on_the_tuning_digits_and_checked_once_on_the_held_out(ran):
    results, printed = ran["learning-rate"]["results"], ran["learning-rate"]["printed"]
    # The choice is each model's best on the tuning digits, not on the held-out digits; a run
    # that blew up is never chosen.
    assert {name: choice["rate"] for name, choice in results["chosen"].items()} == {
        "Linear perceptron": 0.001, "Sigmoid perceptron": 0.5}
    assert "the table gives its accuracy on the other 800, the tuning digits" in printed
    for name, choice in results["chosen"].items():
        line = (f"{name}: best at {choice['rate']:g} on the tuning digits; checked once on the held-out "
                f"digits, {report.percent(choice['accuracy'])}.")
        assert printed.count(line) == 1


def test_learning_rate_picture_tells_the_tuning_score_from_the_held_out_one(ran, tmp_path):
    experiments = scripts.load("experiments.py")
    results = ran["learning-rate"]["results"]
    figure = experiments.draw_learning_rates(tmp_path / "rates.png", results, [0.001, 0.5], BASELINE)
    texts = [text.get_text() for text in figure.axes[0].texts]
    tuning = results["tuning"]["Sigmoid perceptron"][1]["accuracy"]
    held_out = results["chosen"]["Sigmoid perceptron"]["accuracy"]
    assert (f"best on the tuning digits: {report.percent(tuning)}\n"
            f"that model on the held-out digits: {report.percent(held_out)}") in texts
    assert figure.axes[0].get_ylabel() == "accuracy on the tuning digits (%)"


def test_docs_show_the_sentences_the_learning_rate_experiment_prints(ran):
    """docs/experiments.md shows what a full run printed. Each of its sentences, numbers aside, is one that the
    run here printed too, so that a set of digits cannot be renamed in one of them only."""
    def words(line):
        return " ".join(re.sub(r"\d[\d,.]*", "N", line).split())

    docs = (ROOT / "docs" / "experiments.md").read_text()
    shown = docs.split("<!-- output of experiments.py learning-rate -->\n```text\n", 1)[1].split("```", 1)[0]
    sentences = [words(line) for line in shown.splitlines() if re.search(r"[a-z]{4}", line)]
    printed = {words(line) for line in ran["learning-rate"]["printed"].splitlines()}
    assert len(sentences) >= 5 and not set(sentences) - printed, set(sentences) - printed


def test_scaled_pixels_beat_raw_pixels(ran):
    results, printed = ran["data-preparation"]["results"], ran["data-preparation"]["printed"]
    for name, runs in results.items():
        # Raw pixels teach either model nothing; scaled ones, 10 or more digits in 1,000 after one epoch.
        assert runs["raw 0..255"]["accuracy"] <= BASELINE + 0.01, name
        assert runs["scaled 0..1"]["accuracy"] >= runs["raw 0..255"]["accuracy"] + 0.01, name
        # Each result is printed once, in its model's row.
        rows = re.findall(rf"^{name} +\S+ +(.+)$", printed, re.MULTILINE)
        assert [row.split() for row in rows] == [" ".join(map(short, runs.values())).split()]
    assert results["Linear perceptron"]["raw 0..255"]["blew_up"]
    assert picture_written(printed, "data-preparation")


def test_more_data_helps_and_says_how_many_epochs_ran(ran):
    results, printed = ran["more-data"]["results"], ran["more-data"]["printed"]
    (small, small_epochs, small_result), (full, full_epochs, full_result) = results
    # The same number of SGD steps for both: 16 epochs of 8 steps, 1 epoch of 125.
    assert (small, small_epochs, full, full_epochs) == (250, 16, 4000, 1)
    assert full_result["accuracy"] >= small_result["accuracy"] + 0.01
    assert "as many SGD steps as 1 epoch of all 4,000 digits:" in printed
    for size, epochs, result in results:
        assert re.search(rf"^ +{size:,} +{epochs} +{re.escape(short(result))}$", printed, re.MULTILINE)
    assert picture_written(printed, "more-data")
