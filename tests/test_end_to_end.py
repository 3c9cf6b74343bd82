"""Both scripts, run as a learner runs them, on the real bundled digits at their defaults.

Each script runs once and the sigmoid script twice, all at once, to check
that the same seed gives the same numbers; a fourth run is stopped with a
real Ctrl-C. The lecture's claims are checked on what they print
and on the --csv file they write.
"""

import atexit
import csv
import io
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import lesson

ROOT = pathlib.Path(lesson.__file__).parent
SCRIPTS = ["perceptron-single", "perceptron-sigmoid"]


EPOCHS = 40  # The scripts' default, checked by test_help_shows_every_flag_with_its_default.
BASELINE = 0.9  # 900 of the sample's 1,000 held-out digits are not fives.


# The runs start as soon as pytest has chosen its tests (see conftest.py), so
# that they go on in the background while the in-process tests run.
STARTED = {}


def start_runs():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="perceptron-runs-"))
    # Each script once, and the sigmoid script a second time: both share their
    # seeding code, so one repeat shows that the same seed gives the same run.
    for name, attempt in [(SCRIPTS[0], 1), (SCRIPTS[1], 1), (SCRIPTS[1], 2)]:
        history = folder / f"{name}-{attempt}.csv"
        STARTED[name, attempt] = start(folder, name, "--csv", str(history)), history
    # A long run, to be stopped with Ctrl-C (SIGINT) once it has finished two epochs.
    history = folder / "interrupted.csv"
    process = start(folder, "perceptron-sigmoid", "--epochs", "1000", "--csv", str(history), "--no-plots")
    threading.Thread(target=press_ctrl_c_after_two_epochs, args=(process, history), daemon=True).start()
    STARTED["interrupted"] = process, history
    # Should pytest stop early, leave no run behind.
    atexit.register(lambda: [process.kill() for process, _ in STARTED.values() if process.poll() is None])


def start(folder, name, *flags):
    return subprocess.Popen(
        [sys.executable, str(ROOT / f"{name}.py"), "--data", "sample", *flags],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ,
    )


def press_ctrl_c_after_two_epochs(process, history):
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if history.exists() and len(history.read_text().splitlines()) >= 3:  # A header and two epochs.
            break
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)


@pytest.fixture(scope="module")
def runs():
    if not STARTED:
        start_runs()
    results = {}
    for key, (process, history) in STARTED.items():
        out, err = process.communicate(timeout=300)
        text = history.read_text()
        results[key] = {
            "code": process.returncode, "out": out, "err": err, "csv": text,
            "rows": list(csv.DictReader(io.StringIO(text))), "folder": history.parent,
        }
    return results


def test_ctrl_c_stops_a_real_run_with_130_and_keeps_the_csv(runs):
    run = runs["interrupted"]
    assert run["code"] == 130
    assert run["err"].strip().endswith("Stopped by Ctrl-C.")
    assert "Traceback" not in run["err"]
    rows = list(csv.DictReader(io.StringIO(run["csv"])))
    assert 2 <= len(rows) < 1000
    assert [row["epoch"] for row in rows] == [str(epoch) for epoch in range(len(rows))]
    assert all(0.9 <= float(row["val_accuracy"]) <= 1 for row in rows)
    assert run["csv"].endswith("\n")  # The last row was written whole.


@pytest.mark.parametrize("name", SCRIPTS)
def test_run_prints_a_clean_line_for_every_epoch(runs, name):
    run = runs[name, 1]
    assert run["code"] == 0, run["err"]
    assert "Traceback" not in run["err"]
    assert "\r" not in run["out"] and "\b" not in run["out"]
    epoch_lines = [line for line in run["out"].splitlines() if line.startswith("Epoch ")]
    assert [int(re.match(r"Epoch +(\d+)/40:", line).group(1)) for line in epoch_lines] == list(range(1, EPOCHS + 1))
    assert [row["epoch"] for row in run["rows"]] == [str(epoch) for epoch in range(EPOCHS)]
    assert list(run["rows"][0]) == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    # The last lines name the pictures, written to runs/<script name>/ by default.
    pictures = [os.path.join("runs", name, file) for file in ("weights.png", "history.png", "mistakes.png")]
    assert run["out"].strip().splitlines()[-3:] == [f"  {path}" for path in pictures]
    assert all((run["folder"] / path).stat().st_size > 10_000 for path in pictures)
    # The printed held-out accuracy of each epoch is the one in the CSV.
    for line, row in zip(epoch_lines, run["rows"]):
        assert f"held-out accuracy {100 * float(row['val_accuracy']):.1f}%" in line


def test_same_seed_gives_identical_runs(runs):
    first, second = runs["perceptron-sigmoid", 1], runs["perceptron-sigmoid", 2]
    assert second["code"] == 0
    assert first["csv"] == second["csv"]
    assert first["out"] == second["out"]


def final_held_out_accuracy(run):
    accuracy = float(run["rows"][-1]["val_accuracy"])
    # The report's own count agrees with Keras' accuracy.
    correct = int(re.search(r"this perceptron scores [\d.]+% \((\d+) right\)", run["out"]).group(1))
    assert correct == round(accuracy * 1000)
    assert f'always answering "not five" scores {100 * BASELINE:.1f}%' in run["out"]
    return accuracy


def test_sigmoid_learns_well_above_the_baseline(runs):
    run = runs["perceptron-sigmoid", 1]
    accuracy = final_held_out_accuracy(run)
    assert accuracy >= 0.96
    assert accuracy >= BASELINE + 0.05
    # It really improved with the epochs.
    assert float(run["rows"][-1]["val_accuracy"]) > float(run["rows"][0]["val_accuracy"])
    assert float(run["rows"][-1]["loss"]) < float(run["rows"][0]["loss"])
    low, high = map(float, re.search(r"range from (\S+) to (\S+?)\.\n", run["out"]).groups())
    assert 0 <= low <= high <= 1
    assert "Every output lies in 0..1, as the sigmoid promises." in run["out"]


def test_linear_unit_learns_nothing_and_its_outputs_leave_0_to_1(runs):
    run = runs["perceptron-single", 1]
    accuracy = final_held_out_accuracy(run)
    assert accuracy <= BASELINE + 0.01
    # It does not improve with the epochs either.
    assert all(float(row["val_accuracy"]) <= BASELINE + 0.01 for row in run["rows"])
    low, high = map(float, re.search(r"the outputs on the first 256 held-out digits ranged from (\S+) to (\S+) \(", run["out"]).groups())
    # Visibly outside 0..1: millions of times too large, before they overflowed.
    assert max(-low, high) > 1e6
    assert re.search(r"the loss stopped being a number by epoch 1, batch \d+\.", run["out"])
    assert "Why: a linear output has no limit, and at learning rate 0.5" in run["out"]


def readme_block(title):
    """The lines of the README's example output that follows `title`."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split(title, 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and line.strip() != "..."]


@pytest.mark.parametrize("name", SCRIPTS)
def test_readme_shows_what_the_run_prints(runs, name):
    printed = runs[name, 1]["out"].splitlines()
    shown = readme_block(f"<!-- output of {name}.py -->")
    assert len(shown) > 20
    offline_notice = ("Downloading data from ", "Could not download MNIST (")
    missing = [line for line in shown if line not in printed and not line.startswith(offline_notice)]
    assert not missing, "README lines this run did not print"


def readme_text():
    return (ROOT / "README.md").read_text()


def test_readme_compare_table_matches_the_runs(runs):
    """compare.py trains the very models the scripts train, so its table holds their numbers."""
    table = readme_text().split("## Both side by side: compare.py", 1)[1].split("```text\n", 1)[1].split("```")[0]
    rows = {line[:20].strip(): line[20:].split() for line in table.splitlines() if line[:20].strip()}
    for column, name in enumerate(SCRIPTS):
        printed = runs[name, 1]["out"]
        assert rows["held-out accuracy"][column] == re.search(r"this perceptron scores (\S+)", printed).group(1)
        assert rows["precision for five"][column] == re.search(r"precision (\S+?):? ", printed).group(1)
        assert rows["recall for five"][column] == re.search(r"recall +(\S+):", printed).group(1)
        assert rows['always "not five"'][column] == f"{100 * BASELINE:.1f}%"
    assert rows["highest output"][1] == re.search(r"range from \S+ to (\S+?)\.\n", runs[SCRIPTS[1], 1]["out"]).group(1)


def test_readme_experiments_at_the_scripts_rate_match_the_runs(runs):
    """At the scripts' rate, 10 epochs of an experiment are the first 10 epochs of the script's run."""
    after_ten = f"{100 * float(runs['perceptron-sigmoid', 1]['rows'][9]['val_accuracy']):.1f}%"
    readme = readme_text()
    assert re.search(rf"^ +4,000 +10 +{re.escape(after_ten)}$", readme, re.MULTILINE)
    assert re.search(rf"^Sigmoid perceptron +90\.0% +{re.escape(after_ten)}$", readme, re.MULTILINE)
