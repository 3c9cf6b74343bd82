"""lecture.ipynb: committed without outputs, and run top to bottom in a fresh kernel."""

import json
import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "lecture.ipynb"
SETTING = "DATA = None"


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
def executed(tmp_path_factory):
    """The notebook run by a fresh kernel, on the sample digits, in a folder of its own."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    settings = [cell for cell in notebook.cells if cell.cell_type == "code" and SETTING in cell.source]
    assert len(settings) == 1
    # The sample, so that the kernel, a process of its own that the tests' guards do not reach, stays offline.
    settings[0].source = settings[0].source.replace(SETTING, 'DATA = "sample"')
    folder = tmp_path_factory.mktemp("notebook")
    environment = {"PYTHONPATH": str(ROOT), "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)  # The kernel inherits them.
    try:
        # A cell that raises fails the run here.
        nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    text = "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.outputs)
    images = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
              if "image/png" in output.get("data", {})]
    return text, images, folder


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
    _, images, folder = executed
    assert len(images) == 2
    assert sorted(path.name for path in (folder / "runs" / "notebook").iterdir()) == ["history.png", "weights.png"]
