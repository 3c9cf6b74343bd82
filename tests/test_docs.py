"""The README a learner reads beside the lecture, and the pages it links to."""

import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_is_short_and_starts_with_the_set_up():
    # Every word outside the code blocks counts, comments and pictures' descriptions too.
    prose = re.sub(r"```.*?```", "", README, flags=re.DOTALL)
    assert len(prose.split()) <= 1500
    first_lines = README.splitlines()[:40]
    assert "python3 -m venv .venv && . .venv/bin/activate" in first_lines
    assert "pip install -r requirements.txt" in first_lines


def test_every_page_and_picture_linked_exists_and_every_page_is_linked():
    linked = set(re.findall(r"\]\(([^)#]+)\)", README))
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in linked, page.name
        for target in re.findall(r"\]\(([^)#]+)\)", page.read_text()):
            assert (page.parent / target).exists(), (page.name, target)
    for target in linked:
        assert (ROOT / target).exists(), target
    # Every picture in docs/ is shown somewhere, so none is left to go stale.
    shown = " ".join(path.read_text() for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
    assert all(picture.name in shown for picture in (ROOT / "docs").glob("*.png"))


def test_readme_shows_the_whole_diff_of_the_scripts():
    shown = README.split("<!-- output of diff -->\n```text\n", 1)[1].split("```", 1)[0]
    diff = subprocess.run(["diff", "perceptron-single.py", "perceptron-sigmoid.py"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert shown == diff.stdout


