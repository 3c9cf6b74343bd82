"""The scripts run unchanged on Keras' JAX backend, and tell the lecture's story there too.

Both run on the sample through their main(), in one Python with
KERAS_BACKEND=jax, in the background (see end_to_end_runs.py): the sigmoid at
its defaults, the linear unit for the one epoch in which it blows up. That
Python first loads a saved model in plain Keras, before it imports the
project; what that prints to the error stream is kept apart.
"""

import importlib.util
import json
import re

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")


@pytest.fixture(scope="module")
def printed(background_runs):
    run = background_runs["jax"]
    assert run["code"] == 0, run["err"]
    # Not a line from TensorFlow or JAX, even though Keras feeds the digits through TensorFlow here.
    assert run["err"] == ""
    return json.loads(run["out"])


def test_sigmoid_learns_on_jax(printed):
    out = " ".join(printed["perceptron-sigmoid"].split())
    assert float(re.search(r"Accuracy ([\d.]+)%", out).group(1)) >= 96.0
    assert "Every output on the held-out digits is between 0 and 1" in out


def test_linear_unit_blows_up_on_jax_with_large_outputs_of_both_signs(printed):
    out = printed["perceptron-single"]
    assert 'It found 0 of the 100 fives: no better than always answering "not five".' in out
    epoch_1 = re.search(r"^Epoch 1/1: .*outputs (\S+) \.\. (\S+)  \|", out, re.MULTILINE)
    assert float(epoch_1.group(1)) <= -1000 and float(epoch_1.group(2)) >= 1000


def test_predict_and_draw_take_from_lesson_only_what_they_use(printed):
    """Loaded first in that Python: only the command line and the image preparation, not Keras (which comes
    once the flags are read), lesson's pictures (matplotlib) or its data (the bundled sample)."""
    assert printed["imported"] == ["lesson", "lesson.command_line", "lesson.prepare"]
