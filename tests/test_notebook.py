"""lecture.ipynb: committed without outputs, and run top to bottom in a fresh kernel."""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "lecture.ipynb"


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_notebook_is_committed_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text())
    for cell in code_cells(notebook):
        assert cell["outputs"] == [] and cell["execution_count"] is None, "".join(cell["source"])[:60]


def test_notebook_shares_the_scripts_code_instead_of_copying_it():
    source = "\n".join("".join(cell["source"]) for cell in code_cells(json.loads(NOTEBOOK.read_text())))
    # The models are the scripts' own build_model, not a second copy of their lines.
    assert "model.add(" not in source and "Sequential(" not in source
    assert "single.build_model(" in source and "sigmoid.build_model(" in source
    assert "single.prepare(" in source


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


def test_notebook_shows_the_linear_units_large_outputs_of_both_signs(executed):
    text, _, _ = executed
    lowest, highest = map(float, re.search(r"^Epoch 1: outputs from (\S+) to (\S+)$", text, re.MULTILINE).groups())
    assert lowest <= -1000 and highest >= 1000
    assert re.search(r"^Epoch 5/5: accuracy 90\.0%, loss nan, outputs nan", text, re.MULTILINE)


def test_notebook_shows_the_sigmoid_fix_and_its_accuracy(executed):
    text, _, _ = executed
    assert '-    model.add(Dense(1))\n+    model.add(Dense(1, activation="sigmoid"))' in text
    accuracy = float(re.search(r"^  Accuracy ([\d.]+)% \(", text, re.MULTILINE).group(1))
    assert accuracy >= 95.0
    rates = dict(re.findall(r"^learning rate +(\S+): held-out accuracy ([\d.]+)%", text, re.MULTILINE))
    # Too slow and too fast both fall short of the scripts' 0.5.
    assert float(rates["0.5"]) == accuracy and float(rates["0.01"]) < accuracy and float(rates["10"]) < accuracy


def test_notebook_draws_its_pictures_inline(executed):
    _, pictures, folder = executed
    assert pictures == 2
    assert sorted(path.name for path in (folder / "runs" / "notebook").iterdir()) == ["history.png", "weights.png"]
