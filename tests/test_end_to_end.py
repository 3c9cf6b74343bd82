"""Both scripts, run as a learner runs them, on the real bundled digits at their defaults.

perceptron-single.py runs in its own Python, as `python perceptron-single.py`
does. perceptron-sigmoid.py runs through its main() in another, which then
trains the sigmoid perceptron at five seeds (see end_to_end_runs.py). They go
on in the background while the other tests run, and the tests that read them
run last.
The lecture's claims are checked on what they print, on the --csv file they
write, and on what reaches the error stream: nothing, when all goes well.
"""

import json
import os
import pathlib
import re
import sys

from lesson import quiet, report

import pytest

import end_to_end_runs

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPTS = ["perceptron-single", "perceptron-sigmoid"]
EPOCHS = 10  # The scripts' default, checked by test_help_shows_every_flag_with_its_default.
BASELINE = 0.9  # 900 of the sample's 1,000 held-out digits are not fives.


@pytest.fixture(scope="module")
def runs(background_runs):
    """What each script printed and wrote, and the sigmoid's held-out accuracy at each seed."""
    run = background_runs["scripts"]
    assert run["code"] == 0, run["err"]
    printed = {name: {"out": (run["folder"] / f"{name}.out").read_text(), "rows": end_to_end_runs.history(name),
                      "err": run["err"], "folder": run["folder"]} for name in SCRIPTS}
    return printed | {"seeds": {int(seed): value for seed, value in json.loads(run["out"]).items()}}


def epoch_lines(run):
    return [line for line in run["out"].splitlines() if line.startswith("Epoch ")]


def printed_ranges(run):
    """The outputs' range each epoch line printed, as (lowest, highest), or None for nan."""
    ranges = []
    for line in epoch_lines(run):
        found = re.search(r"outputs (\S+) \.\. (\S+)  \|", line)
        ranges.append((float(found.group(1)), float(found.group(2))) if found else None)
        assert found or "outputs nan  |" in line, line
    return ranges


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_run_prints_only_its_own_lines_one_per_epoch(runs, name):
    run = runs[name]
    # Run as a learner runs it: no TensorFlow start-up lines, no warnings, nothing at all on the error
    # stream. So a bad flag's one line (test_flags.py) is all that a learner sees of it.
    assert run["err"] == ""
    assert "\r" not in run["out"] and "\b" not in run["out"]
    lines = epoch_lines(run)
    assert [int(re.match(r"Epoch +(\d+)/10:", line).group(1)) for line in lines] == list(range(1, EPOCHS + 1))
    assert [row["epoch"] for row in run["rows"]] == [str(epoch) for epoch in range(EPOCHS)]
    columns = ["epoch", "accuracy", "loss", "val_accuracy", "val_loss", "lowest_output", "highest_output"]
    assert set(columns) <= set(run["rows"][0])
    # Each epoch line says what the CSV holds for that epoch.
    for line, row, printed in zip(lines, run["rows"], printed_ranges(run)):
        assert f"held-out accuracy {report.percent(float(row['val_accuracy']))}" in line
        assert f"accuracy {report.percent(float(row['accuracy']))}, loss " in line
        if printed is None:
            assert row["lowest_output"] == row["highest_output"] == "nan"
        else:
            assert report.number(float(row["lowest_output"])) == report.number(printed[0])
            assert report.number(float(row["highest_output"])) == report.number(printed[1])
    # The last lines name the pictures, written to runs/<script name>/ by default.
    pictures = [os.path.join("runs", name, file)
                for file in ("weights.png", "weights.gif", "history.png", "mistakes.png")]
    assert run["out"].strip().splitlines()[-4:] == [f"  {run['folder'] / path}" for path in pictures]
    assert all((run["folder"] / path).stat().st_size > 10_000 for path in pictures)


def test_sigmoid_learns_and_keeps_its_outputs_in_0_to_1(runs):
    run = runs["perceptron-sigmoid"]
    accuracy = float(run["rows"][-1]["val_accuracy"])
    assert accuracy >= 0.96
    assert f"Accuracy {report.percent(accuracy)} ({round(accuracy * 1000)} right), against 90.0%" in run["out"]
    # It really improved with the epochs.
    assert float(run["rows"][-1]["val_accuracy"]) > float(run["rows"][0]["val_accuracy"])
    assert float(run["rows"][-1]["loss"]) < float(run["rows"][0]["loss"])
    # Every output of every epoch lies in 0..1, training and held-out alike.
    for row in run["rows"]:
        for key in ("lowest_output", "highest_output", "val_lowest_output", "val_highest_output"):
            assert 0 <= float(row[key]) <= 1
    assert "Every output on the held-out digits is between 0 and 1" in " ".join(run["out"].split())


def test_linear_unit_has_very_low_accuracy_and_large_outputs_of_both_signs(runs):
    run = runs["perceptron-single"]
    # Never better than always answering "not five", in any epoch.
    assert all(float(row["val_accuracy"]) <= BASELINE + 0.01 for row in run["rows"])
    assert 'It found 0 of the 100 fives: no better than always answering "not five".' in run["out"]
    # The lecture's "large negative and positive numbers", printed in an epoch line.
    ranges = [found for found in printed_ranges(run) if found]
    assert min(low for low, _ in ranges) <= -1000 and max(high for _, high in ranges) >= 1000
    report = " ".join(run["out"].split("Held-out check")[1].split())
    assert "The outputs are not numbers between 0 and 1." in report
    assert "large negative and positive numbers" in report
    assert "Why it never learns: with mean squared error, each SGD step is proportional to the error" in report


def test_sigmoid_scores_at_least_95_5_percent_at_every_seed(runs):
    """The defaults make the lecture's "really improves" true on the sample whatever the seed, not only at 0."""
    accuracy = runs["seeds"]
    assert list(accuracy) == list(range(5))
    assert accuracy[0] == pytest.approx(float(runs["perceptron-sigmoid"]["rows"][-1]["val_accuracy"]))  # The script's own run.
    assert accuracy[0] >= 0.96
    assert min(accuracy.values()) >= 0.955, accuracy


def test_a_saved_model_loads_in_plain_keras_without_this_project(background_runs):
    """The sigmoid run's --save-model file, loaded by keras.models.load_model with no custom objects and
    compile left on, in a Python with nothing of this project on its path."""
    run = background_runs.get("jax") or background_runs["plain"]
    assert run["code"] == 0, run["err"]
    plain = json.loads(run["out"])["plain"]
    assert not plain["project"] and plain["compiled"] and plain["loss"] == "mse"
    assert plain["difference"] < 1e-5  # The same outputs as the model had when it was saved.


def readme_block(title):
    """The lines of the README's example output that follows `title`."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split(title, 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and line.strip() != "..."]


@pytest.mark.parametrize("name", SCRIPTS)
def test_readme_shows_what_the_run_prints(runs, name):
    printed = runs[name]["out"].splitlines()
    shown = readme_block(f"<!-- output of {name}.py -->")
    assert 5 < len(shown) <= 15
    missing = [line for line in shown if line not in printed]
    assert not missing, "README lines this run did not print"


# What TensorFlow 2.21 printed while Keras started, on a machine with no GPU.
START_UP_LINES = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796032582.936167    6371 port.cc:153] oneDNN custom operations are on. You may see slightly \
different numerical results due to floating-point round-off errors from different computation orders. To turn \
them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.
I0000 00:00:1796032582.936520    6371 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will \
not be used.
I0000 00:00:1796032583.000140    6371 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use \
available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow with the \
appropriate compiler flags.
E0000 00:00:1796032586.865618    6371 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed \
call to cuInit: UNKNOWN ERROR (303)
"""
# Lines that must still get through: a real error from TensorFlow's C++, and Python's own.
OTHER_LINES = """\
E0000 00:00:1796032586.9 6371 op_kernel.cc:1830] OP_REQUIRES failed at save_restore_v2_ops.cc:114 : \
PERMISSION_DENIED: model.weights.h5; Permission denied
/work/lesson.py:12: UserWarning: a warning Python prints
Traceback (most recent call last):
"""


@pytest.mark.parametrize("level, shown", [(None, OTHER_LINES), ("2", OTHER_LINES),
                                          ("0", START_UP_LINES + OTHER_LINES)])
def test_tensorflow_start_up_lines_are_dropped_and_nothing_else(level, shown, monkeypatch, capfd):
    if level is None:
        monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    else:
        monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", level)
    print("before", file=sys.stderr, flush=True)
    with quiet.start_up_lines_dropped():
        # Written as TensorFlow's C++ writes: straight to file descriptor 2, in pieces.
        everything = (START_UP_LINES + OTHER_LINES).encode()
        for start in range(0, len(everything), 100):
            os.write(2, everything[start:start + 100])
    print("after", file=sys.stderr, flush=True)
    assert capfd.readouterr().err == "before\n" + shown + "after\n"


def docs_block(title):
    """The lines of docs/experiments.md's example output that follows `title`."""
    text = (ROOT / "docs" / "experiments.md").read_text()
    block = text.split(title, 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_docs_experiment_numbers_agree_with_the_runs(runs):
    """compare.py and the experiments train the scripts' very models, so at the defaults they print the runs'
    numbers. The docs were made by full runs; these are the numbers the runs here can check."""
    single, sigmoid = runs["perceptron-single"]["out"], runs["perceptron-sigmoid"]["out"]
    table = {line[:20].strip(): line[20:].split() for line in docs_block("<!-- output of compare.py -->")[3:]}
    assert table["held-out accuracy"] == [re.search(r'"very low accuracy": ([\d.]+%) sounds high', single).group(1),
                                          re.search(r"Accuracy ([\d.]+%)", sigmoid).group(1)]
    assert table["recall for five"] == ["0.0%", re.search(r"\(recall ([\d.]+%)\)", sigmoid).group(1)]
    assert table["precision for five"] == ["n/a", re.search(r"\(precision ([\d.]+%)\)", sigmoid).group(1)]
    low, high = re.search(r"Every output on the held-out digits is between 0 and 1, from (\S+) to (\S+?):",
                          " ".join(sigmoid.split())).groups()
    assert (table["lowest output"], table["highest output"]) == (["nan", low], ["nan", high])
    final = report.percent(float(runs["perceptron-sigmoid"]["rows"][-1]["val_accuracy"]))
    assert docs_block("<!-- output of experiments.py data-preparation -->")[-1].split()[-1] == final
    assert docs_block("<!-- output of experiments.py more-data -->")[-1].split() == ["4,000", "10", final]
