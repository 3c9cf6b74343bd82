"""playground.html and draw.py's copy of it, in a real browser: Debian's Chromium, driven by Playwright.

The page trains the perceptron itself, in JavaScript. These tests hold it to
the scripts: the same digits, the same SGD as Keras given the same start and
order, the same lines and report, and predict.py's answer for what is drawn on
its pad.
"""

import base64
import contextlib
import io
import json
import re
import shutil

from lesson import playground, report, saved, scripts, watch

import keras
import numpy as np
import PIL.Image
import pytest

from drawings import DRAWINGS, FIVE
from in_browser import PAGE, ROOT, VERDICT, clear, close, draw, needs_chromium, open_page, the_pad_as_png

SETTINGS = {"learningRate": 0.5, "epochs": 10, "batchSize": 32}


def embedded_digits(text):
    """The digits a page holds: the JSON written in place of the template's placeholder."""
    return json.loads(re.search(r"  DIGITS: (\{.*?\}),\n", text).group(1))


def test_the_committed_page_is_what_the_command_writes_and_holds_the_samples_digits(sample):
    committed, written = PAGE.read_text(), playground.page()
    # PNG compression may differ from one Pillow to the next: the pictures are compared by their pixels.
    assert committed.replace(embedded_digits(committed)["png"], "") == written.replace(embedded_digits(written)["png"], "")
    (x_train, digits_train), (x_test, digits_test) = sample
    digits = embedded_digits(committed)
    grid = np.asarray(PIL.Image.open(io.BytesIO(base64.b64decode(digits["png"]))))
    images = grid.reshape(50, 28, 100, 28).transpose(0, 2, 1, 3).reshape(5000, 28, 28)
    np.testing.assert_array_equal(images, np.concatenate([x_train, x_test]))
    assert digits["labels"] == "".join(map(str, np.concatenate([digits_train, digits_test])))
    assert PAGE.stat().st_size <= 2.5e6


@pytest.fixture(scope="module")
def page(browser):
    """One page for the module: each test trains it as it needs."""
    page = open_page(browser, size="laptop", height=1000)
    yield page
    close(page)


def train(page, activation, **options):
    return page.evaluate("options => playground.train(options)", {"activation": activation, **SETTINGS, "seed": 0,
                                                                   **options})


@needs_chromium
def test_the_page_holds_the_digits_of_data_sample(page, sample):
    (x_train, digits_train), (x_test, digits_test) = sample
    # Each array as base64, a piece at a time: one call with 3 million arguments is too many.
    data = page.evaluate("""Object.fromEntries(Object.entries(playground.data).map(([name, array]) => {
        let text = "";
        for (let i = 0; i < array.length; i += 8192) text += String.fromCharCode(...array.subarray(i, i + 8192));
        return [name, btoa(text)];
    }))""")
    for name, expected in [("trainImages", x_train), ("trainDigits", digits_train),
                           ("heldOutImages", x_test), ("heldOutDigits", digits_test)]:
        array = np.frombuffer(base64.b64decode(data[name]), np.uint8)
        np.testing.assert_array_equal(array, expected.astype(np.uint8).ravel(), err_msg=name)


@pytest.fixture(scope="module")
def sigmoid_digits(sigmoid, sample):
    (x_train, digits_train), (x_test, digits_test) = sample
    return (*sigmoid.prepare(x_train, digits_train), *sigmoid.prepare(x_test, digits_test), digits_test)


@needs_chromium
def test_the_page_trains_as_keras_does_from_the_same_start_in_the_same_order(page, sigmoid, sigmoid_digits):
    x_train, y_train, x_test, y_test, _ = sigmoid_digits
    keras.utils.set_random_seed(0)
    model = sigmoid.build_model(sigmoid.LEARNING_RATE)
    kernel, bias = model.layers[-1].get_weights()
    start = [*kernel[:, 0].tolist(), float(bias[0])]
    orders = [np.random.default_rng(epoch).permutation(len(x_train)) for epoch in range(10)]
    held_out, after_one = [], None
    for order in orders:
        model.fit(x_train[order], y_train[order], batch_size=32, epochs=1, shuffle=False, verbose=0)
        held_out.append(float(np.mean((report.outputs(model, x_test) > 0.5) == (y_test == 1))))
        after_one = after_one or [*model.layers[-1].get_weights()[0][:, 0], model.layers[-1].get_weights()[1][0]]

    one = train(page, "sigmoid", epochs=1, initialWeights=start, order=[orders[0].tolist()])
    np.testing.assert_allclose(one["weights"], after_one, atol=1e-4, rtol=0)
    ten = train(page, "sigmoid", initialWeights=start, order=[order.tolist() for order in orders])
    np.testing.assert_allclose([epoch["heldOutAccuracy"] for epoch in ten["epochs"]], held_out, atol=0.002, rtol=0)


def numbers_close(page_text, python_text):
    """The same lines, with each number the same but for the last digit printed."""
    assert len(page_text.splitlines()) == len(python_text.splitlines()), (page_text, python_text)
    for page_line, python_line in zip(page_text.splitlines(), python_text.splitlines()):
        number = r"-?\d[\d,]*\.?\d*(?:e[+-]\d+)?"
        assert re.sub(number, "#", page_line) == re.sub(number, "#", python_line), (page_line, python_line)
        for mine, theirs in zip(re.findall(number, page_line), re.findall(number, python_line)):
            assert float(mine.replace(",", "")) == pytest.approx(float(theirs.replace(",", "")), rel=2e-3, abs=1e-4)


@needs_chromium
@pytest.mark.parametrize("activation", ["linear", "sigmoid"])
def test_train_prints_the_scripts_lines_and_report(page, activation, sigmoid_digits, single, sigmoid):
    result = train(page, activation)
    printed = page.text_content("#log")
    _, _, x_test, y_test, digits_test = sigmoid_digits
    # Each epoch's line, as the scripts' EpochLine prints the page's own numbers.
    line = watch.EpochLine()
    line.set_params({"epochs": 10})
    lines = io.StringIO()
    with contextlib.redirect_stdout(lines):
        for epoch, numbers in enumerate(result["epochs"]):
            line.on_epoch_end(epoch, {
                "accuracy": numbers["accuracy"], "loss": nan(numbers["loss"]), "val_accuracy": numbers["heldOutAccuracy"],
                "val_loss": nan(numbers["heldOutLoss"]), "lowest_output": nan(numbers["lowestOutput"]),
                "highest_output": nan(numbers["highestOutput"])})
    assert printed.splitlines()[1:11] == lines.getvalue().splitlines()
    # The report, as report.held_out_check words it for a Keras model with the page's weights, but for the
    # page's own words where the script names the sigmoid's script.
    model = (single if activation == "linear" else sigmoid).build_model(0.5)
    model.set_weights([np.array(result["weights"][:784], np.float32)[:, None], np.array(result["weights"][784:], np.float32)])
    history = {"loss": [nan(epoch["loss"]) for epoch in result["epochs"]],
               "lowest_output": [nan(epoch["lowestOutput"]) for epoch in result["epochs"]],
               "highest_output": [nan(epoch["highestOutput"]) for epoch in result["epochs"]]}
    fix = re.search(r'^const FIX = "([^"]+)";$', (ROOT / "lesson" / "training.js").read_text(), re.MULTILINE)[1]
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        print(report.held_out_check(report.outputs(model, x_test), y_test, digits_test, history, activation, 0.5,
                                    steps=1250, fix=fix))
    numbers_close("\n".join(printed.splitlines()[11:]), shown.getvalue().rstrip("\n"))


def nan(value):
    """JSON has no nan: the page's NaN comes back as None."""
    return float("nan") if value is None else value


def draw_with_the_mouse(page, strokes):
    page.click("#clear")
    page.evaluate("document.getElementById('pad').scrollIntoView({block: 'center'})")
    box = page.locator("#pad").bounding_box()
    for stroke in strokes:
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
        page.mouse.up()
    page.evaluate("playground.settled()")


@pytest.fixture(scope="module")
def trained_page(page, sigmoid, tmp_path_factory):
    """The page after Train on the sigmoid, and the same weights saved as a .keras file for predict.py."""
    weights = np.array(train(page, "sigmoid")["weights"], np.float32)
    model = sigmoid.build_model(0.5)
    model.set_weights([weights[:784, None], weights[784:]])
    path = tmp_path_factory.mktemp("page-model") / "page.keras"
    with contextlib.redirect_stdout(io.StringIO()):
        saved.save(model, str(path))
    return page, path


def predict_py_says(model_path, paths, capsys, *flags):
    capsys.readouterr()
    assert scripts.load("predict.py").main([str(model_path), *map(str, paths), *flags]) == 0
    said = dict(re.findall(r"^(.+): (.+)$", capsys.readouterr().out, re.MULTILINE))
    return [VERDICT.fullmatch(said[str(path)]).groups() for path in paths]


@needs_chromium
def test_a_five_drawn_with_the_mouse_gets_predict_pys_answer(trained_page, tmp_path, capsys):
    page, model_path = trained_page
    draw_with_the_mouse(page, FIVE)
    verdict, output = VERDICT.fullmatch(page.text_content("#verdict")).groups()
    [(said, said_output)] = predict_py_says(model_path, [the_pad_as_png(page, tmp_path / "pad.png")], capsys)
    assert verdict == said == "five" and abs(float(output) - float(said_output)) <= 0.05


@needs_chromium
def test_drawings_get_predict_pys_answer_and_are_seen_as_predict_py_sees_them(trained_page, tmp_path, capsys):
    page, model_path = trained_page
    on_page, pads, seen = [], [], []
    for number, strokes in enumerate(DRAWINGS.values()):
        draw(page, strokes)
        on_page.append(VERDICT.fullmatch(page.text_content("#verdict")).groups())
        pads.append(the_pad_as_png(page, tmp_path / f"pad-{number}.png"))
        seen.append(page.evaluate("playground.seen()"))
    said = predict_py_says(model_path, pads, capsys, "--show-input", str(tmp_path / "seen"))
    for name, mine, theirs, pixels, pad in zip(DRAWINGS, on_page, said, seen, pads):
        assert mine[0] == theirs[0] and abs(float(mine[1]) - float(theirs[1])) <= 0.05, (name, mine, theirs)
        # What the page saw is what predict.py saw, to the grey level it saves.
        saved_pixels = np.asarray(PIL.Image.open(tmp_path / "seen" / f"{pad.name}-28x28.png"), np.float32) / 255
        np.testing.assert_allclose(pixels, saved_pixels.ravel(), atol=0.6 / 255, err_msg=name)
    assert {verdict for verdict, _ in on_page} == {"five", "not five"}  # Both answers come up.


@needs_chromium
def test_real_digits_painted_on_the_pad_get_predict_pys_answer(trained_page, sample, tmp_path, capsys):
    page, model_path = trained_page
    _, (x_test, digits_test) = sample
    chosen = np.concatenate([np.flatnonzero(digits_test == 5)[:6], np.flatnonzero(digits_test != 5)[:6]])
    on_page, pads = [], []
    for index in chosen:
        page.evaluate("pixels => playground.paint(pixels)", x_test[index].ravel().tolist())
        on_page.append(VERDICT.fullmatch(page.text_content("#verdict")).groups())
        pads.append(the_pad_as_png(page, tmp_path / f"pad-{index}.png"))
    said = predict_py_says(model_path, pads, capsys)
    assert all(mine[0] == theirs[0] for mine, theirs in zip(on_page, said)), list(zip(on_page, said))
    assert max(abs(float(mine[1]) - float(theirs[1])) for mine, theirs in zip(on_page, said)) <= 0.05
    assert sum(verdict == "five" for verdict, _ in on_page) >= 3  # Fives are called fives, not only the rest.


@needs_chromium
def test_the_settings_live_in_the_address(browser):
    page = open_page(browser, PAGE.as_uri() + "#activation=sigmoid&learningRate=0.02&batchSize=64&epochs=3&seed=7")
    assert page.text_content("#answering").startswith("It is untrained")
    draw(page, FIVE)  # Random weights give no answer worth having.
    assert page.text_content("#verdict") == "no answer yet: press Train first"
    assert page.text_content("#rate-value") == "0.02"
    assert 'model.add(Dense(1, activation="sigmoid"))' in page.text_content("#code")
    page.click("#train")
    page.wait_for_function("document.getElementById('train').getAttribute('aria-disabled') === 'false'")
    assert re.findall(r"^Epoch (\d)/3:", page.text_content("#log"), re.MULTILINE) == ["1", "2", "3"]
    # Changing a setting changes the address, so the link opens it again.
    page.click("#linear")
    assert "activation=linear" in page.evaluate("location.hash") and "learningRate=0.02" in page.evaluate("location.hash")
    assert page.requests == [PAGE.as_uri()]
    close(page)


@needs_chromium
def test_the_page_asks_for_nothing_beyond_its_own_file(page):
    train(page, "sigmoid", epochs=2)
    draw(page, FIVE)
    assert VERDICT.fullmatch(page.text_content("#verdict"))
    assert page.requests == [PAGE.as_uri()]


@needs_chromium
def test_a_blown_up_perceptron_gives_no_answer(page):
    train(page, "linear")
    draw(page, FIVE)
    assert page.text_content("#verdict") == "no answer: its weights are not numbers, because training blew up"


@needs_chromium
def test_changed_settings_clear_the_last_run_and_the_pad_still_asks_the_trained_perceptron(page):
    train(page, "sigmoid", epochs=2)
    draw(page, FIVE)
    verdict = page.text_content("#verdict")
    page.click("#linear")
    assert page.text_content("#summary") == "The settings changed: press Train, or Step."
    # Line 29 shows the linear unit now, but the pad asks the sigmoid perceptron that was trained.
    assert "model.add(Dense(1))" in page.text_content("#code")
    draw(page, FIVE)
    assert page.text_content("#verdict") == verdict
    assert page.text_content("#answering").startswith("It is the sigmoid perceptron you trained")
    # A number out of bounds, or none, is put right, and the bar says so.
    page.click("#more summary")  # The fields are folded away, in the bar.
    for field, typed, value, notice in [("#epochs", "1000", "100", "epochs: a whole number from 1 to 100, so 100."),
                                        ("#batch", "", "32", "batch size: a whole number from 1 to 4,000, so 32."),
                                        ("#seed", "7", "7", "")]:
        page.fill(field, typed)
        page.dispatch_event(field, "change")
        assert (page.input_value(field), page.text_content("#notice")) == (value, notice)
    assert "epochs=100" in page.evaluate("location.hash") and "seed=7" in page.evaluate("location.hash")


@needs_chromium
def test_the_template_by_itself_says_which_page_to_open(browser):
    # Opened as a file, the template cannot load its rooms (browsers refuse modules from file://): its note says so.
    page = browser.new_page()
    page.goto((ROOT / "lesson" / "playground.html").as_uri())
    assert "The page to open is playground.html" in page.text_content("header")
    page.close()


@needs_chromium
def test_draw_py_writes_the_page_with_the_models_weights_and_the_pad_first(browser, saved_model, tmp_path, capsys):
    model, path = saved_model
    assert scripts.load("draw.py").main([str(path), "--out", str(tmp_path)]) == 0
    page = open_page(browser, (tmp_path / "draw.html").as_uri())
    kernel, bias = model.layers[-1].get_weights()
    np.testing.assert_array_equal(np.array(page.evaluate("playground.weights()"), np.float32),
                                  np.append(kernel[:, 0], bias))
    assert page.evaluate("document.querySelector('main section').id") == "pad-section"
    assert "five.keras" in page.text_content("#status")
    draw(page, FIVE)
    [(said, output)] = predict_py_says(path, [the_pad_as_png(page, tmp_path / "pad.png")], capsys)
    verdict, shown = VERDICT.fullmatch(page.text_content("#verdict")).groups()
    assert verdict == said and abs(float(shown) - float(output)) <= 0.05
    clear(page)
    assert page.text_content("#verdict") == "draw a digit"
    assert page.requests == [(tmp_path / "draw.html").as_uri()]
    close(page)


def test_draw_refuses_a_model_that_is_not_a_perceptron_and_a_bad_out(saved_model, tmp_path, capsys):
    draw_py = scripts.load("draw.py")
    deeper = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(4),
                               keras.layers.Dense(1)])
    deeper.save(tmp_path / "deeper.keras")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    for argv, message in [
        ([str(tmp_path / "deeper.keras"), "--out", str(tmp_path)], "is not a one-unit perceptron"),
        ([str(tmp_path / "missing.keras")], f"no model at {tmp_path / 'missing.keras'}"),
        ([str(saved_model[1]), "--out", str(a_file)], "argument --out: "),
    ]:
        with pytest.raises(SystemExit) as exit:
            from lesson import command_line

            command_line.run(draw_py.main, argv)
        errors = capsys.readouterr().err.strip().splitlines()
        assert exit.value.code == 2 and len(errors) == 1 and message in errors[0], errors
    assert a_file.read_text() == "keep me" and not (tmp_path / "draw.html").exists()


# draw.py and a model whose file name could end or upset the page's <script>.


@needs_chromium
def test_draw_py_writes_a_page_that_runs_whatever_the_models_file_name(browser, saved_model, tmp_path, capsys):
    """A file name is the learner's own: "<!--" or "<script>" inside a <script> would stop the page's code
    from running, and JavaScript once refused the two line separators, U+2028 and U+2029, inside a string."""
    model, path = saved_model
    name = "<!--<script>\u2028\u2029 five.keras"
    shutil.copy(path, tmp_path / name)
    assert scripts.load("draw.py").main([str(tmp_path / name), "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    page = open_page(browser, (tmp_path / "draw.html").as_uri())
    assert page.errors == []
    assert f"This page holds the perceptron saved in {name}." in page.text_content("#status")
    kernel, bias = model.layers[-1].get_weights()
    np.testing.assert_array_equal(np.array(page.evaluate("playground.weights()"), np.float32),
                                  np.append(kernel[:, 0], bias))
    close(page)


def test_every_word_the_page_explains_is_in_its_glossary_from_docs():
    """The page's links to its words land on the entries of docs/glossary.md, written into its footer."""
    text = PAGE.read_text()
    linked, entries = set(re.findall(r'href="#(word-[\w-]+)"', text)), set(re.findall(r'<h3 id="(word-[\w-]+)">', text))
    assert linked and linked <= entries, linked - entries
    headings = re.findall(r"^## (.+)$", (ROOT / "docs" / "glossary.md").read_text(), re.MULTILINE)
    assert {playground.word_id(heading) for heading in headings} == entries
    for word in ["bias", "epoch", "batch", "gradient-descent", "recall", "precision", "float32", "nan", "sigmoid"]:
        assert f"word-{word}" in linked, word
