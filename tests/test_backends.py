"""The scripts run unchanged on Keras' JAX backend, when JAX is installed."""

import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import lesson

import pytest

ROOT = pathlib.Path(lesson.__file__).parent



@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_sigmoid_script_runs_unchanged_on_jax(tmp_path):
    history = tmp_path / "history.csv"
    finished = subprocess.run(
        [sys.executable, str(ROOT / "perceptron-sigmoid.py"), "--data", "sample", "--epochs", "3",
         "--csv", str(history), "--out", str(tmp_path / "pictures")],
        env={**os.environ, "KERAS_BACKEND": "jax"}, cwd=tmp_path, capture_output=True, text=True, timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    accuracy = float(re.search(r"Accuracy ([\d.]+)%", finished.stdout).group(1))
    assert accuracy >= 94.0
    assert "Every output on the held-out digits is between 0 and 1" in " ".join(finished.stdout.split())
    assert len(history.read_text().splitlines()) == 4
    assert (tmp_path / "pictures" / "weights.png").stat().st_size > 10_000
