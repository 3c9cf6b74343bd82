"""Flags, bad values, Ctrl-C, and the two scripts differing only in their activation."""

import csv
import difflib
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

from lesson import command_line, scripts

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

NUMERIC_FLAGS = {
    "--epochs": (
        "expected a whole number from 1 to 1,000",
        ["0", "-3", "2.5", "nan", "inf", "ten", "1001", "1000000000000"],
    ),
    "--batch-size": (
        "expected a whole number from 1 to 100,000",
        ["0", "-32", "0.5", "nan", "inf", "many", "100001", "99999999999999999999"],
    ),
    "--learning-rate": (
        "expected a number above 0 and at most 1000, such as 0.1",
        ["0", "-0.1", "nan", "inf", "1e-400", "fast", "1001", "1e309"],
    ),
    "--seed": (
        "expected a whole number from 0 to 4,294,967,295",
        ["-1", "1.5", "nan", "inf", "seed", "4294967296"],
    ),
}
# Each program, the words its flags follow, and the numeric flags it takes.
PROGRAMS = {
    "perceptron-single": ([], list(NUMERIC_FLAGS)),
    "perceptron-sigmoid": ([], list(NUMERIC_FLAGS)),
    "compare": ([], list(NUMERIC_FLAGS)),
    "experiments": (["learning-rate"], ["--epochs", "--seed"]),
}


def test_every_bad_number_is_refused_with_what_was_expected(capsys):
    """The checks every program's numeric flags go through, tried with each bad value."""
    for flag, (message, values) in NUMERIC_FLAGS.items():
        for value in values:
            with pytest.raises(SystemExit) as exit:
                command_line.parse_arguments([flag, value], "", "perceptron-sigmoid.py", epochs=1, batch_size=1,
                                       learning_rate=1.0, seed=0)
            assert exit.value.code == 2, (flag, value)
            error = capsys.readouterr().err
            assert error.split(": error: ", 1)[1] == f"argument {flag}: {message}, got '{value}'. See --help.\n"


@pytest.fixture(scope="module")
def programs():
    return {name: scripts.load(f"{name}.py") for name in [*PROGRAMS, "predict"]}


BAD_FLAGS = [
    # Each program's numeric flags are checked: one bad value each.
    (program, [*words, flag, NUMERIC_FLAGS[flag][1][index % len(NUMERIC_FLAGS[flag][1])]],
     f"argument {flag}: {NUMERIC_FLAGS[flag][0]}, got '{NUMERIC_FLAGS[flag][1][index % len(NUMERIC_FLAGS[flag][1])]}'")
    for program, (words, flags) in PROGRAMS.items()
    for index, flag in enumerate(flags)
] + [
    (program, [*words, "--epoch", "3", "--colour"], "unrecognized arguments: --colour")
    for program, (words, _) in PROGRAMS.items()
] + [
    ("perceptron-sigmoid", ["--out", ""], "argument --out: give the name of a folder"),
    ("perceptron-sigmoid", ["--csv", ""], "argument --csv: give the name of a file"),
    ("perceptron-sigmoid", ["--save-model", ""], "argument --save-model: give the name of a file"),
    ("predict", ["five.keras", "digit.png", "--colour"], "unrecognized arguments: --colour"),
    ("predict", ["five.keras", "digit.png", "--show-input", ""], "argument --show-input: give the name of a folder"),
    ("predict", [], "the following arguments are required: model, IMAGE"),
    ("experiments", [], "the following arguments are required: experiment"),
    ("experiments", ["learning-rates"], "invalid choice: 'learning-rates'"),
]


@pytest.mark.parametrize("program, flags, message", BAD_FLAGS)
def test_bad_flag_exits_2_with_one_line(programs, program, flags, message, capsys):
    with pytest.raises(SystemExit) as exit:
        command_line.run(programs[program].main, flags)
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and ": error: " in error and message in error


def test_largest_values_are_accepted(sigmoid):
    args = command_line.parse_arguments(
        ["--epochs", "1000", "--batch-size", "100000", "--learning-rate", "1000", "--seed", "4294967295"],
        "", "perceptron-sigmoid.py", epochs=1, batch_size=1, learning_rate=1.0, seed=0,
    )
    assert (args.epochs, args.batch_size, args.learning_rate, args.seed) == (1000, 100_000, 1000.0, 2**32 - 1)


def test_csv_path_is_checked_before_training(sigmoid, tmp_path, capsys):
    folder = tmp_path / "results"
    folder.mkdir()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    for path, message in [
        (folder, "is a folder; give a file name in it"),
        (a_file / "history.csv", "notes.txt is a file, not a folder; choose a folder"),
    ]:
        with pytest.raises(SystemExit) as exit:
            command_line.run(sigmoid.main, ["--data", "sample", "--csv", str(path)])
        assert exit.value.code == 2
        captured = capsys.readouterr()
        assert captured.err.count("\n") == 1 and "argument --csv: " in captured.err and message in captured.err
        assert "Digits:" not in captured.out  # Stopped before loading, let alone training.
    assert list(folder.iterdir()) == [] and a_file.read_text() == "keep me"


def test_scripts_are_the_lectures_shape_and_differ_only_in_the_activation():
    single = (ROOT / "perceptron-single.py").read_text().splitlines()
    sigmoid = (ROOT / "perceptron-sigmoid.py").read_text().splitlines()
    # The lecture adds the activation "on line 29", in about 30 lines of code.
    assert single[28] == "    model.add(Dense(1))"
    assert sigmoid[28] == '    model.add(Dense(1, activation="sigmoid"))'
    assert len(single) <= 70 and len(sigmoid) <= 70
    assert "    model = Sequential()" in single
    changed = [line for line in difflib.unified_diff(single, sigmoid, lineterm="", n=0)
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) <= 8, changed

    def code(lines):
        """The lines Python runs: no docstring, comments or blank lines."""
        body = "\n".join(lines).split('"""', 2)[2]
        return [line.split("#")[0].strip() for line in body.splitlines() if line.split("#")[0].strip()]

    code_changes = [line for line in difflib.ndiff(code(single), code(sigmoid)) if line[:1] in "+-"]
    assert code_changes == ["- model.add(Dense(1))", '+ model.add(Dense(1, activation="sigmoid"))']


def test_a_real_ctrl_c_stops_training_with_130_and_keeps_the_csv(single, small_npz, tmp_path, capsys):
    """SIGINT, as Ctrl-C sends it, arrives while the backend is in the middle of an epoch."""
    history = tmp_path / "history.csv"

    def press_ctrl_c_after_two_epochs():
        while not history.exists() or len(history.read_text().splitlines()) < 3:  # A header and two epochs.
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    # Python's own handler, which turns SIGINT into KeyboardInterrupt, as in a learner's terminal. A program
    # started in the background, or a mutation run's worker, starts with SIGINT ignored instead.
    ignoring_or_not = signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Thread(target=press_ctrl_c_after_two_epochs, daemon=True).start()
    # Far more epochs than the key press lets it train; should the CSV never come, the run ends of itself.
    try:
        with pytest.raises(SystemExit) as exit:
            command_line.run(single.main, ["--data", str(small_npz), "--epochs", "200", "--csv", str(history),
                                           "--no-plots"])
    finally:
        signal.signal(signal.SIGINT, ignoring_or_not)
    assert exit.value.code == 130
    captured = capsys.readouterr()
    assert captured.err.strip() == "Stopped by Ctrl-C."
    with open(history) as file:
        rows = list(csv.DictReader(file))
    assert 2 <= len(rows) < 200 and [row["epoch"] for row in rows] == [str(epoch) for epoch in range(len(rows))]
    assert f"Epoch {len(rows):>3}/200" in captured.out and f"Epoch {len(rows) + 1:>3}/200" not in captured.out
    assert history.read_text().endswith("\n")  # The last row was written whole.


# A folder that cannot be made, even by root: the kernel's own /sys.
LOCKED = pathlib.Path("/sys/perceptron-lesson")


@pytest.mark.parametrize("flag, name", [("--csv", "history.csv"), ("--out", "pictures"), ("--save-model", "five.keras")])
def test_a_folder_that_cannot_be_made_is_refused_before_training(sigmoid, flag, name, capsys):
    with pytest.raises(SystemExit) as exit:
        command_line.run(sigmoid.main, ["--data", "sample", flag, str(LOCKED / name)])
    assert exit.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and f"argument {flag}: " in captured.err
    assert "cannot be made (permission denied)" in captured.err
    assert "Digits:" not in captured.out  # Stopped before loading, let alone training.


def test_csv_never_replaces_a_file_it_did_not_write(sigmoid, small_npz, tmp_path, capsys):
    # The check is the helper's, so one script is enough.
    notes = tmp_path / "notes.csv"
    notes.write_text("name,mark\nAda,97\n")
    with pytest.raises(SystemExit) as exit:
        command_line.run(sigmoid.main, ["--data", "sample", "--csv", str(notes)])
    assert exit.value.code == 2
    assert "already exists and is not a CSV an earlier run wrote" in capsys.readouterr().err
    assert notes.read_text() == "name,mark\nAda,97\n"
    # A CSV from an earlier run is the run's own output, and is replaced.
    history = tmp_path / "history.csv"
    history.write_text("epoch,accuracy,loss\n0,0.9,0.1\n1,0.95,0.05\n")
    sigmoid.main(["--data", str(small_npz), "--epochs", "1", "--csv", str(history), "--no-plots",
                  "--out", str(tmp_path / "pictures")])
    rows = history.read_text().splitlines()
    assert len(rows) == 2 and rows[0].startswith("epoch,accuracy,highest_output,loss,lowest_output,val_accuracy")
    # A folder that is not there yet is made for it.
    new = tmp_path / "new" / "folder" / "history.csv"
    sigmoid.main(["--data", str(small_npz), "--epochs", "1", "--csv", str(new), "--no-plots"])
    assert new.read_text().splitlines()[0] == rows[0]
    # --no-plots: no pictures, and no folder made for them.
    assert not (tmp_path / "pictures").exists()
    assert "Pictures written" not in capsys.readouterr().out


@pytest.mark.parametrize("program, flags, code, message", [
    ("predict.py", ["--help"], 0, ""),
    ("predict.py", ["five.keras", "digit.png", "--colour"], 2, "unrecognized arguments: --colour"),
    ("predict.py", [], 2, "the following arguments are required: model, IMAGE"),
    ("draw.py", ["--help"], 0, ""),
    ("draw.py", ["five.keras", "--colour"], 2, "unrecognized arguments: --colour"),
])
def test_help_and_a_bad_flag_answer_before_keras_starts(program, flags, code, message, tmp_path):
    """--help and a mistyped flag need no Keras, which takes seconds to start. Run as a learner runs them,
    with Python listing each module it imports."""
    # (Without a mutation run's setting, which mutmut's copy of the program cannot take as a program.)
    environment = {name: value for name, value in os.environ.items() if name != "MUTANT_UNDER_TEST"}
    ran = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / program), *flags], cwd=tmp_path,
                         capture_output=True, text=True, check=False, env=environment)
    imported = [line.split("|")[-1].strip() for line in ran.stderr.splitlines() if line.startswith("import time:")]
    said = [line for line in ran.stderr.splitlines() if not line.startswith("import time:")]
    assert "lesson.command_line" in imported  # The list is there to be read.
    assert [name for name in imported if name.split(".")[0] in ("keras", "tensorflow", "jax", "torch")] == []
    assert ran.returncode == code
    if code == 0:
        assert ran.stdout.startswith(f"usage: {program} ") and said == []
    else:
        assert said == [f"{program}: error: {message}. See --help."]
