"""Flags, bad values, Ctrl-C, and the two scripts differing only in their activation."""

import csv
import difflib
import re

import pytest

import lesson
from conftest import ROOT


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--epochs", "0"], "argument --epochs: expected a whole number above 0, got '0'"),
        (["--epochs", "-3"], "argument --epochs: expected a whole number above 0, got '-3'"),
        (["--epochs", "2.5"], "argument --epochs: expected a whole number above 0, got '2.5'"),
        (["--batch-size", "0"], "argument --batch-size: expected a whole number above 0, got '0'"),
        (["--batch-size", "many"], "argument --batch-size: expected a whole number above 0, got 'many'"),
        (["--learning-rate", "0"], "argument --learning-rate: expected a number above 0 such as 0.1, got '0'"),
        (["--learning-rate", "-0.1"], "argument --learning-rate: expected a number above 0 such as 0.1, got '-0.1'"),
        (["--learning-rate", "nan"], "argument --learning-rate: expected a number above 0 such as 0.1, got 'nan'"),
        (["--learning-rate", "inf"], "argument --learning-rate: expected a number above 0 such as 0.1, got 'inf'"),
        (["--learning-rate", "fast"], "argument --learning-rate: expected a number above 0 such as 0.1, got 'fast'"),
        (["--seed", "-1"], "argument --seed: expected a whole number from 0 to 4294967295, got '-1'"),
        (["--epoch", "3", "--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_bad_flag_exits_2_with_one_line(script, flags, message, capsys):
    with pytest.raises(SystemExit) as exit:
        lesson.run(script.main, flags)
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and ": error: " in error and message in error


def test_csv_path_is_checked_before_training(script, tmp_path, capsys):
    folder = tmp_path / "results"
    folder.mkdir()
    for path, message in [
        (tmp_path / "missing" / "history.csv", "does not exist; create it or choose another path"),
        (folder, "is a folder; give a file name in it"),
    ]:
        with pytest.raises(SystemExit) as exit:
            lesson.run(script.main, ["--data", "sample", "--csv", str(path)])
        assert exit.value.code == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "argument --csv: " in error and message in error
    assert list(folder.iterdir()) == []


def test_help_shows_every_flag_with_its_default(script, capsys):
    with pytest.raises(SystemExit) as exit:
        lesson.run(script.main, ["--help"])
    assert exit.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for flag, default in [("--epochs", "40"), ("--batch-size", "32"), ("--learning-rate", "0.5"), ("--seed", "0")]:
        assert re.search(f"{flag} \\S+ .*?\\(default: {default}\\)", help_text), flag
    assert "--data PATH" in help_text and "--csv PATH" in help_text


def test_scripts_differ_only_in_the_activation():
    single = (ROOT / "perceptron-single.py").read_text().splitlines()
    sigmoid = (ROOT / "perceptron-sigmoid.py").read_text().splitlines()
    changed = [line for line in difflib.unified_diff(single, sigmoid, lineterm="", n=0)
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) <= 12, changed

    def code(lines):
        """The lines Python runs: no docstring, comments or blank lines."""
        body = "\n".join(lines).split('"""', 2)[2]
        return [line.split("#")[0].strip() for line in body.splitlines() if line.split("#")[0].strip()]

    code_changes = [line for line in difflib.ndiff(code(single), code(sigmoid)) if line[:1] in "+-"]
    assert code_changes == ["- keras.layers.Dense(1),", '+ keras.layers.Dense(1, activation="sigmoid"),']


def test_ctrl_c_exits_130_and_keeps_the_csv(script, small_npz, tmp_path, monkeypatch, capsys):
    history = tmp_path / "history.csv"
    print_epoch = lesson.EpochLine.on_epoch_end

    def interrupt_in_epoch_three(self, epoch, logs=None):
        if epoch == 2:
            raise KeyboardInterrupt
        print_epoch(self, epoch, logs)

    monkeypatch.setattr(lesson.EpochLine, "on_epoch_end", interrupt_in_epoch_three)
    with pytest.raises(SystemExit) as exit:
        lesson.run(script.main, ["--data", str(small_npz), "--epochs", "5", "--csv", str(history)])
    assert exit.value.code == 130
    captured = capsys.readouterr()
    assert captured.err.strip() == "Stopped by Ctrl-C."
    assert "Epoch 2/5" in captured.out and "Epoch 3/5" not in captured.out
    with open(history) as file:
        rows = list(csv.DictReader(file))
    assert [row["epoch"] for row in rows] == ["0", "1"]
