"""The page's JavaScript rooms, held to Python: tests/page_fixtures.py writes what NumPy, SciPy, Pillow,
Keras and the project's own modules compute, and Node's own test runner runs tests/page/*.test.js, one
room at a time, against it, on the other core while the Python tests run."""

import base64
import json
import pathlib

import numpy as np
import pytest

import page_fixtures


@pytest.mark.skipif(page_fixtures.NODE is None, reason="Node.js is not installed (apt-get install nodejs)")
@pytest.mark.parametrize("room", [path.name for path in page_fixtures.ROOMS])
def test_each_room_is_what_python_computes(room):
    ran = page_fixtures.room_ran(room)  # Started as the tests were collected (conftest.py).
    assert ran.returncode == 0, f"{ran.stdout[-6000:]}\n{ran.stderr[-2000:]}"


def arrays(value):
    """A fixture read back with its arrays as NumPy's."""
    if isinstance(value, dict) and "base64" in value:
        return np.frombuffer(base64.b64decode(value["base64"]), value["dtype"]).reshape(value["shape"])
    if isinstance(value, dict):
        return {key: arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [arrays(item) for item in value]
    return value


def test_the_keras_fixture_is_what_keras_trains_now():
    """Two of keras-sgd.json's cases, trained afresh: the file holds what Keras computes, not a stale copy."""
    stored = arrays(json.loads(page_fixtures.KERAS_SGD.read_text()))
    cases = {("sigmoid", 0.5, 32), ("linear", 0.01, 7)}
    fresh = page_fixtures.keras_grid(cases)
    for activation in page_fixtures.ACTIVATIONS:
        np.testing.assert_array_equal(fresh[activation], stored[activation])
    np.testing.assert_array_equal(fresh["orders"], stored["orders"])
    kept = [case for case in stored["cases"] if (case["activation"], case["learningRate"], case["batchSize"]) in cases]
    assert len(kept) == len(fresh["cases"]) == 2
    for mine, theirs in zip(fresh["cases"], kept):
        # Another machine's TensorFlow may sum in another order: float32's last digit.
        np.testing.assert_allclose(mine["firstSteps"]["weights"], theirs["firstSteps"]["weights"], atol=1e-6, rtol=0)
        for epoch, stored_epoch in zip(mine["epochs"], theirs["epochs"]):
            np.testing.assert_allclose(epoch["weights"], stored_epoch["weights"], atol=1e-6, rtol=0)
            assert epoch["heldOutAccuracy"] == pytest.approx(stored_epoch["heldOutAccuracy"], abs=0.002)
    # The grid is whole: every activation, rate and batch size.
    assert {(case["activation"], case["learningRate"], case["batchSize"]) for case in stored["cases"]} == {
        (activation, rate, batch) for activation in page_fixtures.ACTIVATIONS
        for rate in page_fixtures.LEARNING_RATES for batch in page_fixtures.BATCH_SIZES}


def test_each_room_is_one_file_of_at_most_300_lines_that_says_what_it_holds():
    folder = pathlib.Path(__file__).resolve().parent.parent / "lesson"
    rooms = sorted(folder.glob("*.js")) + [folder / "playground.css", folder / "playground.html"]
    assert len(rooms) >= 10
    for room in rooms:
        lines = room.read_text().splitlines()
        assert len(lines) <= 300, room.name
        opening = lines[2] if room.suffix == ".html" else lines[0]  # After <!DOCTYPE html> and <html>.
        assert opening.startswith(("// ", "/* ", "<!-- ")) and len(opening) > 40, room.name
