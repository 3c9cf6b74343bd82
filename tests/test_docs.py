"""The README a learner reads beside the lecture, and the pages it links to."""

import json
import pathlib
import re
import subprocess

import numpy

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



def test_the_readme_names_the_whole_suite_and_the_quick_loop_and_ci_runs_the_whole():
    commands = README.split("Tests, offline", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert commands == ["pip install -r requirements-dev.txt && python -m pytest", 'python -m pytest -m "not slow"']
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "python -m pip install --quiet -r requirements-dev.txt" in ci
    assert ci[-1] == "python -m pytest"  # The whole suite, last.

GLOSSARY = ROOT / "docs" / "glossary.md"
# The terms a reader of the lecture meets, each with a heading of its own, so that a link such as
# docs/glossary.md#epoch reaches it.
TERMS = ["accuracy", "backpropagation", "baseline", "batch", "bias", "epoch", "float32", "gradient-descent",
         "held-out-digits", "learning-rate", "loss", "mean-squared-error", "nan", "overfitting", "perceptron",
         "precision", "recall", "scientific-notation", "sgd", "sigmoid", "tuning-digits", "validation-data",
         "weight"]
# A number as the runs print it, such as 4,000, 96.2%, 0.0208 or 3.07e+38, but not the 32 of float32.
NUMBER = r"(?<![\w.])\d(?:[\d,]*\d)?(?:\.\d+)?(?:e[-+]\d+)?%?"


def github_anchor(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def glossary_entries():
    """{anchor: the entry's text} for each heading of the glossary, in order."""
    parts = re.split(r"^## (.+)$", GLOSSARY.read_text(), flags=re.MULTILINE)[1:]
    return {github_anchor(heading): " ".join(text.split()) for heading, text in zip(parts[::2], parts[1::2])}


def test_glossary_has_an_entry_for_each_term_in_order_and_every_link_to_it_lands():
    entries = glossary_entries()
    assert set(TERMS) <= set(entries), set(TERMS) - set(entries)
    assert list(entries) == sorted(entries), "the entries go from A to Z"
    # Every link to the glossary, from the README, the docs, the notebook or the page, reaches an entry.
    readers = [ROOT / "README.md", ROOT / "lecture.ipynb", ROOT / "playground.html",
               *(ROOT / "docs").glob("*.md"), *(ROOT / "lesson").glob("*.html"), *(ROOT / "lesson").glob("*.js")]
    for reader in readers:
        anchors = re.findall(r"glossary\.md#([\w-]+)", reader.read_text())
        anchors += re.findall(r"\]\(#([\w-]+)\)", reader.read_text()) if reader == GLOSSARY else []
        assert set(anchors) <= set(entries), (reader.name, set(anchors) - set(entries))


def test_glossary_numbers_are_what_the_runs_print(background_runs, sigmoid, sample):
    """Each number in the glossary was printed by the scripts' runs at their defaults, or is one of their
    settings, the digits' size or float32's limit; the numbers told together are those of one line."""
    run = background_runs["scripts"]
    assert run["code"] == 0, run["err"]
    single, sigmoid_out = ((run["folder"] / f"{name}.out").read_text()
                           for name in ("perceptron-single", "perceptron-sigmoid"))
    experiments = json.loads((run["folder"] / "experiments.json").read_text())
    printed = " ".join([single, sigmoid_out, experiments["learning-rate"]["printed"]])
    known = set(re.findall(NUMBER, printed))
    for number in list(known):
        # A power of ten as it is printed: its two parts, and the same number written out.
        if "e" in number:
            before, exponent = number.split("e")
            known |= {before, str(abs(int(exponent))), numpy.format_float_positional(float(number))}
    (x_train, _), _ = sample
    settings = (sigmoid.EPOCHS, sigmoid.BATCH_SIZE, sigmoid.LEARNING_RATE, sigmoid.SEED)
    known |= {f"{value:g}" for value in settings}
    known |= {str(side) for side in x_train.shape[1:]} | {f"{numpy.finfo(numpy.float32).max:.1e}"}
    # The line where the lecture adds its sigmoid.
    known.add(str((ROOT / "perceptron-sigmoid.py").read_text().splitlines().index(
        '    model.add(Dense(1, activation="sigmoid"))') + 1))
    text = GLOSSARY.read_text()
    assert not set(re.findall(NUMBER, text)) - known, set(re.findall(NUMBER, text)) - known

    entries = glossary_entries()
    line = re.search(r"^Epoch 10/10: accuracy (\S+), .* held-out accuracy (\S+),", sigmoid_out, re.MULTILINE)
    training, held_out = line.groups()
    assert (f"scores {training} on its training digits and {held_out} on the held-out digits"
            in entries["overfitting"])
    first_loss, last_loss = (re.search(rf"^Epoch +{epoch}/10: accuracy \S+, loss (\S+),", sigmoid_out,
                                       re.MULTILINE).group(1) for epoch in (1, 10))
    assert f"from {first_loss} in its first epoch to {last_loss} in its tenth" in entries["loss"]
    said, found, precision = re.search(
        r"Of the (\d+) digits it called five, (\d+) were fives \(precision (\S+)\)", sigmoid_out).groups()
    assert f"called {said} held-out digits five, and {found} of them were: precision {precision}" in (
        entries["precision"])
    found, fives, recall = re.search(r"It found (\d+) of the (\d+) fives \(recall (\S+)\)",
                                     sigmoid_out).groups()
    assert f"found {found} of the {fives} held-out fives: recall {recall}" in entries["recall"]
    accuracy, right = re.search(r"Accuracy (\S+) \((\d+) right\)", sigmoid_out).groups()
    assert f"gets {right} of the 1,000 held-out digits right: accuracy {accuracy}" in entries["accuracy"]
    highest = re.search(r"^Epoch +1/10: .* outputs \S+ \.\. (\S+)  \|", single, re.MULTILINE).group(1)
    assert f"outputs reached {highest} in its first epoch" in entries["float32"]
    trained_on, tuning = re.search(r"first ([\d,]+) training digits;\nthe table gives its accuracy on the "
                                   r"other ([\d,]+), the tuning digits", experiments["learning-rate"]["printed"]
                                   ).groups()
    assert f"{tuning} of the 4,000" in entries["tuning-digits"]
    assert f"train on the other {trained_on}" in entries["tuning-digits"]
