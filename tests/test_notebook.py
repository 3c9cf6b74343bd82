"""lecture.ipynb: committed without outputs, and run top to bottom in a fresh kernel."""

import ast
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "lecture.ipynb"
EPOCHS = 5  # The notebook's, checked by test_notebook_shows_the_linear_units_large_outputs_of_both_signs.


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def source(kind):
    """The sources of the notebook's cells of one kind, "code" or "markdown", in order."""
    notebook = json.loads(NOTEBOOK.read_text())
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == kind]


def test_notebook_is_committed_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text())
    for cell in code_cells(notebook):
        assert cell["outputs"] == [] and cell["execution_count"] is None, "".join(cell["source"])[:60]


def test_notebook_shares_the_scripts_code_instead_of_copying_it():
    code = "\n".join(source("code"))
    # The models are the scripts' own build_model, not a second copy of their lines.
    assert "model.add(" not in code and "Sequential(" not in code
    assert "single.build_model(" in code and "sigmoid.build_model(" in code
    assert "single.prepare(" in code
    # Exercise 1 splits off the tuning digits with experiments.py's own function.
    assert "experiments.split_off_tuning_digits(x_train, y_train)" in code


def test_notebook_links_only_to_files_that_exist():
    links = re.findall(r"\]\(([^)#]+)", "\n".join(source("markdown")))
    assert links and all((ROOT / link).exists() for link in links), links


@pytest.fixture(scope="module")
def executed(background_runs):
    """What the notebook printed and showed, run by a fresh kernel on the sample digits in the
    background (see end_to_end_runs.py), and the folder it ran in."""
    if "notebook" not in background_runs:
        pytest.skip("nbclient is not installed")
    run = background_runs["notebook"]
    assert run["code"] == 0, run["err"]
    printed = json.loads(run["out"])
    assert printed["settings"] == 1  # The one setting the run changed, to keep the kernel offline.
    return printed["text"], printed["pictures"], run["folder"]


def test_notebook_says_what_its_slow_first_cell_is_doing(executed):
    text, _, _ = executed
    # Starting TensorFlow takes seconds: the first line says so before it starts, the second when it is done.
    first, second = text.splitlines()[:2]
    assert first.startswith("Starting Keras and TensorFlow: this can take")
    assert second.startswith("Ready: Keras")


def test_notebook_shows_the_linear_units_large_outputs_of_both_signs(executed):
    text, _, _ = executed
    lowest, highest = map(float, re.search(r"^Epoch 1: outputs from (\S+) to (\S+)$", text, re.MULTILINE).groups())
    assert lowest <= -1000 and highest >= 1000
    assert re.search(rf"^Epoch {EPOCHS}/{EPOCHS}: accuracy 90\.0%, loss nan, outputs nan", text, re.MULTILINE)


def test_notebook_shows_the_sigmoid_fix_and_its_accuracy(executed):
    text, _, _ = executed
    assert '-    model.add(Dense(1))\n+    model.add(Dense(1, activation="sigmoid"))' in text
    accuracy = float(re.search(r"^  Accuracy ([\d.]+)% \(", text, re.MULTILINE).group(1))
    assert accuracy >= 95.0


def baseline(labels):
    """The share of digits that are not fives, as the notebook prints a percentage."""
    return f"{100 * (labels != 5).mean():.1f}%"


def test_exercise_1_takes_whole_numbers_and_chooses_on_the_tuning_digits(executed, sample):
    text, _, _ = executed
    (_, digits_train), _ = sample
    rates = ast.literal_eval(re.search(r"^exercise_rates = (\[.*?\])", "\n".join(source("code")),
                                       re.MULTILINE).group(1))
    # A whole number, which Keras' SGD refuses as it is: the run would have stopped with an error.
    assert any(isinstance(rate, int) for rate in rates)
    # The last fifth of the training digits choose; the held-out digits are checked once, after.
    tuning = len(digits_train) // 5
    assert (f"Each rate trains on {len(digits_train) - tuning:,} training digits, and is scored on the other "
            f"{tuning:,}, the tuning digits:") in text
    scores = dict(re.findall(r"^learning rate +(\S+): tuning accuracy ([\d.]+%)$", text, re.MULTILINE))
    assert list(scores) == [f"{rate:g}" for rate in rates]
    # Too slow and too large: no better than always answering "not five" on the tuning digits. The scripts'
    # 0.5 learns, and is chosen.
    assert scores["0.01"] == scores["10"] == baseline(digits_train[-tuning:])
    assert float(scores["0.5"][:-1]) >= float(scores["10"][:-1]) + 3
    chosen = re.findall(r"^Chosen on the tuning digits: (\S+)\. Checked once on the held-out digits: "
                        r"([\d.]+)%$", text, re.MULTILINE)
    assert [rate for rate, _ in chosen] == [max(scores, key=lambda rate: float(scores[rate][:-1]))] == ["0.5"]
    assert 90 < float(chosen[0][1]) < 100


def test_exercise_2_shows_raw_pixels_push_every_output_to_0(executed, sample):
    text, _, _ = executed
    _, (_, digits_test) = sample
    assert f"pixels divided by 1: held-out accuracy {baseline(digits_test)}\n" in text
    ranges = re.search(r"^outputs, epoch by epoch: (.+)$", text, re.MULTILINE).group(1).split(", ")
    assert len(ranges) == EPOCHS
    # After the first epoch every output is 0, or all but 0, and stays there: the steps no longer move it.
    after_the_first = [tuple(map(float, found.split(" .. "))) for found in ranges[1:]]
    assert all(lowest == 0 and highest < 1e-20 for lowest, highest in after_the_first)
    assert len(set(after_the_first)) == 1
    # Because the weighted sums are hundreds and thousands below 0.
    lowest, highest = (float(number.replace(",", "")) for number in re.search(
        r"^weighted sums on the held-out digits: (\S+) to (\S+)$", text, re.MULTILINE).groups())
    assert lowest <= -1000 and highest <= -100


def test_exercise_3_is_a_fair_test_and_more_data_helps(executed, sample):
    text, _, _ = executed
    (_, digits_train), _ = sample
    rows = re.findall(r"^ *([\d,]+) training digits, ([\d,]+) of them fives: held-out accuracy ([\d.]+)%$",
                      text, re.MULTILINE)
    sizes = [int(size.replace(",", "")) for size, _, _ in rows]
    assert sizes == ast.literal_eval(re.search(r"^training_sizes = (\[.*?\])", "\n".join(source("code")),
                                               re.MULTILINE).group(1))
    assert len(sizes) >= 3
    # The same share of fives in each size as in all the training digits.
    share = (digits_train == 5).mean()
    assert [int(fives.replace(",", "")) for _, fives, _ in rows] == [round(size * share) for size in sizes]
    # Every size does better than the one before.
    accuracy = [float(accuracy) for _, _, accuracy in rows]
    assert accuracy == sorted(set(accuracy)), accuracy
    # Not so for the first digits as they come: the first 100 hold only 5 fives, half their share.
    assert (digits_train[:100] == 5).sum() == 5


def test_each_exercise_ends_with_a_hint_and_the_result_it_really_prints(executed):
    text, _, _ = executed
    printed = text.splitlines()
    hints = [cell for cell in source("markdown") if cell.startswith("<details>")]
    assert len(hints) == 3 and all("**Hint.**" in hint and "**Expected result**" in hint for hint in hints)
    for hint in hints:
        expected = re.search(r"```text\n(.*?)```", hint, re.DOTALL).group(1).splitlines()
        start = printed.index(expected[0])
        assert printed[start:start + len(expected)] == expected
        # Every percentage and power of ten the hint's words give is one the notebook printed.
        words = re.sub(r"```.*?```", "", hint, flags=re.DOTALL)
        for number in re.findall(r"\d+\.\d+%|\d\.\de-\d+", words):
            assert number in text, number


def test_notebook_draws_its_pictures_inline(executed):
    _, pictures, folder = executed
    assert pictures == 2
    assert sorted(path.name for path in (folder / "runs" / "notebook").iterdir()) == ["history.png", "weights.png"]
