"""draw.py and its page, in a real browser: headless Chromium, driven by Playwright."""

import base64
import io
import re
import shutil

from lesson import command_line, scripts

import keras
import numpy as np
import PIL.Image
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
VERDICT = re.compile(r"(five|not five) \((-?\d+\.\d\d)\)")


@pytest.fixture(scope="module")
def draw():
    return scripts.load("draw.py")


@pytest.fixture(scope="module")
def page_file(draw, saved_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("draw")
    assert draw.main([str(saved_model[1]), "--out", str(out)]) == 0
    return out / "draw.html"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        # Without the last three, Chromium tries to reach Google's servers as it starts.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
        ])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, page_file):
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    page.requests = requests
    yield page
    page.close()


def the_pad_as_png(page, path):
    url = page.evaluate("document.getElementById('pad').toDataURL('image/png')")
    path.write_bytes(base64.b64decode(url.split(",", 1)[1]))
    return path


def predict_py_says(predict, model_path, paths, capsys):
    capsys.readouterr()
    assert command_line.run(predict.main, [str(model_path), *map(str, paths)]) == 0
    said = dict(re.findall(r"^(.+): (.+)$", capsys.readouterr().out, re.MULTILINE))
    return [VERDICT.fullmatch(said[str(path)]).groups() for path in paths]


@needs_chromium
def test_a_digit_drawn_with_the_mouse_gets_predict_pys_answer(page, predict, saved_model, tmp_path, capsys):
    assert page.text_content("#verdict") == "draw a digit"
    box = page.locator("#pad").bounding_box()
    # A five in three strokes: the bar, the upright, the bowl.
    strokes = [[(200, 45), (105, 45)], [(105, 45), (100, 130)],
               [(100, 130), (150, 115), (195, 150), (190, 215), (140, 245), (85, 225)]]
    for stroke in strokes:
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=10)
        page.mouse.up()
    verdict, output = VERDICT.fullmatch(page.text_content("#verdict")).groups()
    [(said, said_output)] = predict_py_says(predict, saved_model[1], [the_pad_as_png(page, tmp_path / "pad.png")],
                                            capsys)
    assert verdict == said and abs(float(output) - float(said_output)) <= 0.05

    page.click("#clear")
    assert page.text_content("#verdict") == "draw a digit"


PAINT = """async (url) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  const pen = document.getElementById("pad").getContext("2d");
  pen.fillStyle = "white";
  pen.fillRect(0, 0, 280, 280);
  pen.drawImage(image, 40, 40, 200, 200);
  document.getElementById("pad").dispatchEvent(new PointerEvent("pointerup"));
  return document.getElementById("verdict").textContent;
}"""


@needs_chromium
def test_real_digits_painted_on_the_pad_get_predict_pys_answer(page, predict, saved_model, sample, tmp_path, capsys):
    _, (x_test, digits_test) = sample
    chosen = np.concatenate([np.flatnonzero(digits_test == 5)[:10], np.flatnonzero(digits_test != 5)[:10]])
    on_page, pads = [], []
    for index in chosen:
        buffer = io.BytesIO()
        PIL.Image.fromarray(255 - x_test[index]).save(buffer, "PNG")  # Dark on white, as drawn.
        url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        on_page.append(VERDICT.fullmatch(page.evaluate(PAINT, url)).groups())
        pads.append(the_pad_as_png(page, tmp_path / f"pad-{index}.png"))
    said = predict_py_says(predict, saved_model[1], pads, capsys)
    agree = [mine[0] == theirs[0] for mine, theirs in zip(on_page, said)]
    assert sum(agree) >= 19, list(zip(on_page, said))
    assert max(abs(float(mine[1]) - float(theirs[1])) for mine, theirs in zip(on_page, said)) <= 0.05
    # Fives are called fives, not only the rest.
    assert sum(verdict == "five" for verdict, _ in on_page) >= 5


@needs_chromium
def test_the_page_asks_for_nothing_beyond_its_own_file(page, page_file):
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + 140, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 240, steps=10)
    page.mouse.up()
    assert VERDICT.fullmatch(page.text_content("#verdict"))
    assert page.requests == [page_file.as_uri()]


def test_draw_refuses_a_model_that_is_not_a_perceptron_and_a_bad_out(draw, saved_model, tmp_path, capsys):
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
            command_line.run(draw.main, argv)
        errors = capsys.readouterr().err.strip().splitlines()
        assert exit.value.code == 2 and len(errors) == 1 and message in errors[0], errors
    assert a_file.read_text() == "keep me" and not (tmp_path / "draw.html").exists()
