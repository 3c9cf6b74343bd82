"""lesson/report.py and lesson/prepare.py held to their JavaScript twins, in this Python.

tests/test_page_rooms.py holds the twins to Python with fixtures written as the tests are collected; these
tests ask the same of the other side, inside a test, so that a mutation run sees which of its mutants they
catch: Node answers for the JavaScript, which the run leaves alone, and Python answers here.
"""

import json
import shutil
import subprocess

import numpy as np
import pytest

import page_fixtures

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs)")


def javascript(tmp_path, report=(), prepare=()):
    """What lesson/report.js and lesson/prepare.js answer for the same cases."""
    page_fixtures.write(tmp_path, "twins", {"report": list(report), "prepare": [{"grey": case["grey"]} for case in prepare]})
    ran = subprocess.run([NODE, str(page_fixtures.ROOMS[0].parent / "twins.mjs")], capture_output=True, text=True,
                         env={"FIXTURES": str(tmp_path)}, timeout=300, check=True)
    return json.loads(ran.stdout)


def test_the_report_is_word_for_word_its_twins(tmp_path):
    cases = page_fixtures.report_cases()["cases"]  # Each with Python's own text.
    answered = javascript(tmp_path, report=cases)["report"]
    for case, text in zip(cases, answered, strict=True):
        assert case["text"] == text, case["name"]


def test_each_picture_is_prepared_as_its_twin_prepares_it(tmp_path):
    cases = page_fixtures.pictures()  # Each with what Python made of it.
    answered = javascript(tmp_path, prepare=cases)["prepare"]
    for case, twin in zip(cases, answered, strict=True):
        if "error" in case or "error" in twin:
            assert case.get("error") == twin.get("error"), case["name"]
            continue
        assert [case["others"], case["hints"]] == [twin["others"], twin["hints"]], case["name"]
        np.testing.assert_allclose(case["pixels"].ravel(), twin["pixels"], atol=1e-4, err_msg=case["name"])
