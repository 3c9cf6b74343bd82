"""playground.html for every learner, in Chromium: a phone, a projector and a laptop; a keyboard, a finger and a
screen reader (as axe-core checks the page for one); and the parts no other tutorial has: why it says "five",
the preparation step by step, your own training digits, Step, and the chart of the last runs."""

import itertools
import math
import re

from lesson import prepare

import keras
import numpy as np
import pytest

from drawings import DRAWINGS, FIVE
from in_browser import PAGE, ROOT, VERDICT, close, draw, needs_chromium, open_page, the_pad_as_png

pytestmark = needs_chromium
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHORT = {"activation": "sigmoid", "learningRate": 0.5, "batchSize": 32, "epochs": 2, "seed": 0}


def trained(page, **options):
    """Train as Train does, and wait for it."""
    return page.evaluate("options => playground.train(options)", {**SHORT, **options})


@pytest.fixture(scope="module", params=["phone", "projector"])
def small_screen(browser, request):
    page = open_page(browser, size=request.param)
    trained(page, epochs=10)
    yield page
    close(page)


def in_view(page, selector):
    """Whether the element is wholly inside the window, as it is now scrolled."""
    return page.evaluate("""selector => {
        const box = document.querySelector(selector).getBoundingClientRect();
        return box.width > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
    }""", selector)


def test_nothing_is_cut_off_and_the_page_never_scrolls_sideways(small_screen):
    page = small_screen
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # The log's long lines, and the code's, wrap: nothing runs past their boxes unseen.
    for box in ["#log", "#code"]:
        assert page.evaluate(f"document.querySelector('{box}').scrollWidth <= document.querySelector('{box}').clientWidth")
    assert "held-out accuracy" in page.text_content("#log")


def test_train_and_line_29_stay_in_reach_and_the_result_comes_into_view(small_screen):
    page = small_screen
    page.evaluate("document.getElementById('add-other').scrollIntoView()")  # At the pad, far down the page.
    assert page.evaluate("scrollY") > 1000
    for control in ["#train", "#step", "#sigmoid", "#linear", "#rate"]:
        assert in_view(page, control), control
    # After Train, its summary is in view, wherever the page was scrolled to.
    page.click("#train")
    page.wait_for_function("document.getElementById('train').getAttribute('aria-disabled') === 'false'")
    assert in_view(page, "#summary")
    assert re.match(r"Trained sigmoid, 0\.5: held-out accuracy \d+\.\d%, \d+ of the 100 fives found",
                    page.text_content("#summary"))


def test_every_control_is_at_least_24_pixels_square(small_screen):
    page = small_screen
    page.click("#more summary")
    small = page.evaluate("""() => Array.from(document.querySelectorAll('button, input, select, summary'))
        .filter((control) => control.offsetParent !== null)
        .map((control) => [control.id || control.textContent.trim(), control.getBoundingClientRect()])
        .filter(([, box]) => box.width < 24 || box.height < 24)
        .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`)""")
    page.click("#more summary")
    assert small == []


def test_a_finger_draws_as_the_mouse_does_and_the_page_stays_still(browser):
    """Real touches, through Chromium's own input: a five drawn with a finger on a phone."""
    phone = open_page(browser, size="phone")
    trained(phone, epochs=3)
    phone.evaluate("document.getElementById('pad').scrollIntoView({block: 'center'})")
    scrolled = phone.evaluate("scrollY")
    box = phone.locator("#pad").bounding_box()
    touch = phone.context.new_cdp_session(phone)
    for stroke in FIVE:
        points = [(box["x"] + x, box["y"] + y) for x, y in stroke]
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            for step in range(1, 13):
                touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                    {"x": x0 + (x1 - x0) * step / 12, "y": y0 + (y1 - y0) * step / 12}]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    phone.evaluate("playground.settled()")
    by_finger, finger_pixels = phone.text_content("#verdict"), phone.evaluate("playground.seen()")
    assert phone.evaluate("scrollY") == scrolled  # Drawing down the pad does not scroll the page.
    phone.evaluate("weights => playground.train({...weights})", {**SHORT, "epochs": 3})
    phone.evaluate("document.getElementById('pad').scrollIntoView({block: 'center'})")
    draw(phone, FIVE)
    (finger, finger_output), (mouse, mouse_output) = (VERDICT.fullmatch(text).groups() for text in (
        by_finger, phone.text_content("#verdict")))
    assert finger == mouse and abs(float(finger_output) - float(mouse_output)) <= 0.05
    # The finger's points fall a little apart from the mouse's, but the digit seen is the same.
    assert np.corrcoef(phone.evaluate("playground.seen()"), finger_pixels)[0, 1] > 0.98
    close(phone)


@pytest.fixture(scope="module")
def laptop(browser):
    page = open_page(browser)
    yield page
    close(page)


def tabbed_through(page):
    """Each control that Tab reaches, once round the page from its top, and whether each showed where the
    focus was: [(id, or the link's address), shown]."""
    page.evaluate("scrollTo(0, 0)")
    page.click("h1")  # Where Tab starts from.
    reached = []
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const control = document.activeElement, style = getComputedStyle(control);
            return [control.id || control.getAttribute("href") || control.tagName,
                    style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2];
        }""")
        if focused[0] == "BODY" or (reached and focused == reached[0]):
            break
        reached.append(focused)
    return reached


def test_every_control_is_reached_by_the_keyboard_with_a_visible_focus(laptop):
    laptop.click("#more summary")
    reached = tabbed_through(laptop)
    laptop.click("#more summary")
    ids = [control for control, _ in reached]
    for control in ["train", "step", "linear", "sigmoid", "rate", "batch", "epochs", "seed", "pixels-scaled",
                    "training-digits", "frame", "play", "clear", "held-out", "use-crop", "use-centre", "use-scale",
                    "add-five", "add-other"]:
        assert control in ids, control
    assert all(visible for _, visible in reached), [control for control, visible in reached if not visible]


def test_the_lesson_runs_from_the_keyboard_and_focus_stays_on_train(laptop):
    laptop.focus("#sigmoid")
    laptop.keyboard.press("Enter")
    assert laptop.get_attribute("#sigmoid", "aria-pressed") == "true"
    laptop.focus("#rate")
    for _ in range(3):
        laptop.keyboard.press("ArrowLeft")  # 0.5, 0.3, 0.2, 0.1
    # The slider says the rate, not its place, and the label and the thumb agree.
    assert laptop.get_attribute("#rate", "aria-valuetext") == laptop.text_content("#rate-value") == "0.1"
    laptop.keyboard.press("ArrowRight")
    laptop.keyboard.press("ArrowRight")
    laptop.keyboard.press("ArrowRight")
    assert laptop.text_content("#rate-value") == "0.5"
    laptop.focus("#train")
    laptop.keyboard.press("Enter")
    # While it trains, the settings wait: what they show is what the run uses.
    assert laptop.evaluate("document.getElementById('rate').disabled && document.getElementById('linear').disabled")
    laptop.wait_for_function("document.getElementById('train').getAttribute('aria-disabled') === 'false'")
    assert not laptop.evaluate("document.getElementById('rate').disabled")
    assert laptop.evaluate("document.activeElement.id") == "train"
    # The pad's keyboard way in: a held-out digit, with its verdict.
    laptop.focus("#held-out")
    laptop.keyboard.press("Enter")
    laptop.evaluate("playground.settled()")
    assert VERDICT.fullmatch(laptop.text_content("#verdict"))
    assert re.fullmatch(r"The drawing pad: held-out digit 1, a \d", laptop.get_attribute("#pad", "aria-label"))


def test_a_screen_reader_hears_each_picture_the_verdict_and_the_log(laptop):
    trained(laptop)
    draw(laptop, FIVE)
    for canvas in laptop.evaluate("Array.from(document.querySelectorAll('canvas')).map(c => c.id)"):
        role, name = laptop.evaluate(f"[document.getElementById('{canvas}').getAttribute('role'), "
                                     f"document.getElementById('{canvas}').getAttribute('aria-label')]")
        hidden = laptop.get_attribute(f"#{canvas}", "aria-hidden") == "true"
        assert hidden or (role == "img" and name), canvas
    assert "epoch 2/2" in laptop.get_attribute("#weights", "aria-label")
    assert laptop.get_attribute("#verdict", "role") == "status"
    assert laptop.get_attribute("#log", "role") == "log"
    assert laptop.get_attribute("#summary", "role") == "status"
    assert "sigmoid, 0.5: held-out accuracy" in laptop.get_attribute("#chart", "aria-label")


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_axe_core_finds_nothing_before_or_after_training(browser, size):
    page = open_page(browser, size=size)
    check = "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => `${v.id}: ${v.nodes.length}`))"
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(check) == []
    trained(page)
    draw(page, FIVE)
    page.click("#more summary")
    assert page.evaluate(check) == []
    close(page)


def test_every_bad_value_in_a_link_is_put_right_and_said(browser):
    page = open_page(browser, PAGE.as_uri() + "#epochs=100000&learningRate=-5&activation=relu&batchSize=0")
    assert [page.input_value("#epochs"), page.text_content("#rate-value"), page.input_value("#batch")] == [
        "100", "0.001", "1"]
    assert page.get_attribute("#linear", "aria-pressed") == "true"
    notice = page.text_content("#notice")
    for said in ["line 29: linear or sigmoid, so linear.", "learning rate: a number from 0.001 to 10, so 0.001.",
                 "batch size: a whole number from 1 to 4,000, so 1.", "epochs: a whole number from 1 to 100, so 100."]:
        assert said in notice
    close(page)


# ---------------------------------------------------------------------------
# Why it says "five", the preparation step by step, your own digits, Step and the chart.

@pytest.fixture(scope="module")
def model_path(laptop, sigmoid, tmp_path_factory):
    """The page's sigmoid perceptron after 10 epochs, also saved for predict.py."""
    weights = np.array(trained(laptop, epochs=10)["weights"], np.float32)
    model = sigmoid.build_model(0.5)
    model.set_weights([weights[:784, None], weights[784:]])
    path = tmp_path_factory.mktemp("page-model") / "page.keras"
    model.save(path)
    return path


def test_the_parts_of_the_answer_add_up_to_it(laptop, model_path):
    for strokes in [FIVE, DRAWINGS["a seven"], DRAWINGS["a zero"]]:
        draw(laptop, strokes)
        parts = laptop.evaluate("(({towards, away, bias, sum, output}) => ({towards, away, bias, sum, output}))"
                                "(playground.parts())")
        # The parts and the bias make the weighted sum, to float32's rounding, and its sigmoid is the verdict.
        assert parts["towards"] + parts["away"] + parts["bias"] == pytest.approx(parts["sum"], abs=2e-6)
        verdict, shown = VERDICT.fullmatch(laptop.text_content("#verdict")).groups()
        assert f"{parts['output']:.2f}" == shown and (parts["output"] > 0.5) == (verdict == "five")
        assert parts["output"] == pytest.approx(1 / (1 + math.exp(-parts["sum"])), abs=1e-6)
        # The sum written out adds up as shown, to the hundredth.
        why = laptop.text_content("#why")
        bias, towards, away, total = map(float, re.search(
            r"the bias (-?[\d.]+), plus (-?[\d.]+) from .* plus (-?[\d.]+) from .* makes the weighted sum (-?[\d.]+)",
            why).groups())
        assert round(100 * (bias + towards + away)) == round(100 * total)
        assert why.startswith("A perceptron adds up evidence, pixel by pixel")


def test_leaving_a_step_out_changes_what_it_sees_as_predict_pys_steps_do(laptop, model_path, tmp_path):
    draw(laptop, FIVE)
    grey = prepare.read_image(the_pad_as_png(laptop, tmp_path / "pad.png"))
    seen_before = laptop.evaluate("playground.seen()")
    for step in ["crop", "centre", "scale"]:
        laptop.click(f"#use-{step}")
        laptop.evaluate("playground.settled()")
        expected = prepare.prepare_steps(grey, **{step: False})["pixels"].ravel()
        np.testing.assert_allclose(laptop.evaluate("playground.seen()"), expected, atol=expected.max() * 1e-4)
        assert not np.allclose(laptop.evaluate("playground.seen()"), seen_before, atol=0.01), step
        laptop.click(f"#use-{step}")
        laptop.evaluate("playground.settled()")
    np.testing.assert_allclose(laptop.evaluate("playground.seen()"), seen_before)


def test_added_drawings_join_the_training_digits_and_come_back_with_the_link(browser, laptop, model_path):
    laptop.evaluate("document.getElementById('remove-added').click()")
    for strokes, button in [(FIVE, "#add-five"), (DRAWINGS["a small thin five off-centre"], "#add-five"),
                            (DRAWINGS["a seven"], "#add-other")]:
        draw(laptop, strokes)
        laptop.click(button)
    address = laptop.evaluate("location.href")
    assert len(re.search(r"added=([^&]+)", address)[1].split(".")) == 3
    assert "3 of your drawings (2 marked five)" in laptop.text_content("#added-note")
    first = trained(laptop)
    assert laptop.text_content("#log").startswith("Digits: 4,003 for training (402 of them fives, 3 of them your "
                                                  "drawings) and 1,000 held out")
    assert "2 drawings" in laptop.text_content("#summary") or "3 drawings" in laptop.text_content("#summary")
    # The same link on another page trains on the same digits, to the same numbers.
    again = open_page(browser, address)
    assert again.text_content("#added-note") == laptop.text_content("#added-note")
    assert trained(again)["weights"] == first["weights"]
    close(again)
    # Without them, the run is another.
    laptop.click("#remove-added")
    assert "added=" not in laptop.evaluate("location.href")
    assert trained(laptop)["weights"] != first["weights"]


def test_step_is_kerass_sgd_one_batch_at_a_time(laptop, sigmoid, sample):
    (x_train, digits_train), _ = sample
    x, y = sigmoid.prepare(x_train, digits_train)
    keras.utils.set_random_seed(0)
    model = sigmoid.build_model(0.5)
    start = [*model.layers[-1].get_weights()[0][:, 0].tolist(), float(model.layers[-1].get_weights()[1][0])]
    order = np.random.default_rng(0).permutation(len(x))
    laptop.click("#linear")  # Other settings: the next step starts afresh.
    for batch in range(2):
        taken = laptop.evaluate("options => playground.step(options)", {
            **SHORT, "initialWeights": start, "order": [order.tolist()]})
        chosen = order[32 * batch:32 * (batch + 1)]
        np.testing.assert_allclose(taken["outputs"], keras.ops.convert_to_numpy(model(x[chosen]))[:, 0], atol=1e-4)
        model.fit(x[chosen], y[chosen], batch_size=32, epochs=1, shuffle=False, verbose=0)
        kernel, bias = model.layers[-1].get_weights()
        np.testing.assert_allclose(taken["weights"], [*kernel[:, 0], bias[0]], atol=1e-4)
    assert laptop.text_content("#log").splitlines()[-1].startswith("Step 2: outputs ")


def test_step_shows_the_linear_units_outputs_flip_sign_and_grow_and_the_sigmoids_stay_in_0_to_1(laptop):
    laptop.click("#sigmoid")
    laptop.click("#linear")  # Afresh, from the page's own start.
    ranges = [laptop.evaluate("options => playground.step(options).outputs", {**SHORT, "activation": "linear"})
              for _ in range(8)]
    largest = [max(abs(min(outputs)), abs(max(outputs))) for outputs in ranges]
    # From the third batch on, each batch's outputs are many times the last's, the largest of either sign.
    assert all(later > 10 * earlier for earlier, later in itertools.pairwise(largest)), largest
    signs = [np.sign(np.median(outputs)) for outputs in ranges[2:]]
    assert all(a != b for a, b in itertools.pairwise(signs)), signs
    assert re.search(r"the largest \d+ times the last batch's", laptop.text_content("#log"))
    laptop.click("#sigmoid")
    for _ in range(8):
        outputs = laptop.evaluate("options => playground.step(options).outputs", SHORT)
        assert 0 <= min(outputs) and max(outputs) <= 1


def test_the_chart_keeps_the_last_three_runs(laptop):
    for rate in [0.01, 0.5, 10, 2]:
        trained(laptop, learningRate=rate, epochs=2)
    labels = laptop.evaluate("Array.from(document.querySelectorAll('#chart svg text')).map(t => t.textContent)")
    runs = [label for label in labels if ": held-out " in label]
    assert [run.split(":")[0] for run in runs] == ["sigmoid, 0.5, 2 epochs", "sigmoid, 10, 2 epochs", "sigmoid, 2, 2 epochs"]
    assert laptop.evaluate("document.querySelectorAll('#chart svg polyline').length") == 6


# ---------------------------------------------------------------------------
# docs/teaching.md's answer key, against fresh runs of each link, and of the scripts.

TEACHING = (ROOT / "docs" / "teaching.md").read_text()
# What the key says a link prints, and where the page prints it.
PRINTS = [
    (r"held-out accuracy ([\d.]+%), (\d+) of the 100 fives found",
     lambda summary, log, held_out, fives: f"held-out accuracy {held_out}, {fives} of the 100 fives found" in summary),
    (r"epoch 1: outputs (\S+) \.\. (\S+), then nan",
     lambda summary, log, low, high: re.search(rf"^Epoch  1/10: .*outputs {re.escape(low)} \.\. {re.escape(high)}  \|",
                                               log, re.MULTILINE) and "Epoch  2/10: accuracy 90.0%, loss nan, outputs nan" in log),
    (r"epoch 10: accuracy ([\d.]+%) on the training digits",
     lambda summary, log, accuracy: f"Epoch 10/10: accuracy {accuracy}," in log),
]


def test_the_teaching_answer_key_is_what_each_link_prints(browser, background_runs):
    key = TEACHING.split("## The answer key")[1]
    rows = re.findall(r"^\| \[\d\]\(\.\./playground\.html#([^)]+)\) \| ([^|]+) \|", key, re.MULTILINE)
    assert len(rows) == 6
    # The hour's links are the key's.
    assert set(re.findall(r"\(\.\./playground\.html#([^)]+)\)", TEACHING)) == {link for link, _ in rows}
    printed = {}
    page = open_page(browser)
    for link, prints in rows:
        # As a link to the page opens it: the settings from the address, then Train.
        page.evaluate("link => { location.hash = link; }", link)
        page.wait_for_function("link => location.hash === `#${link}`", arg=link)
        page.click("#train")
        page.wait_for_function("document.getElementById('train').getAttribute('aria-disabled') === 'false'")
        summary, log = page.text_content("#summary"), page.text_content("#log")
        printed[link] = log
        # Each number the key gives is one the run printed, where the key says it is.
        unchecked = prints
        for pattern, shown in PRINTS:
            for found in re.finditer(pattern, prints):
                assert shown(summary, log, *found.groups()), (link, found[0])
                unchecked = unchecked.replace(found[0], "")
        assert not re.search(r"\d", unchecked), (link, unchecked)
    close(page)
    # The numbers in the notes and the overfitting part, where they come from.
    first = printed["activation=linear&learningRate=0.5&batchSize=32&epochs=10&seed=0"]
    assert "outputs -3.26e+38 .." in first and "-3.26e+38 is -3.26 with the point moved 38" in TEACHING
    for link, training, held_out in [("activation=sigmoid&learningRate=0.5&batchSize=32&epochs=10&seed=0", "97.7%", "96.1%"),
                                     ("activation=sigmoid&learningRate=0.5&batchSize=32&epochs=10&seed=0&trainingDigits=250",
                                      "96.4%", "91.5%")]:
        assert re.search(rf"^Epoch 10/10: accuracy {training}, .*held-out accuracy {held_out}, ", printed[link], re.MULTILINE)
    assert "97.7% on its training digits and 96.1% on the held-out ones" in TEACHING
    assert "96.4% against\n91.5%" in TEACHING
    script = background_runs["scripts"]
    sigmoid = (script["folder"] / "perceptron-sigmoid.out").read_text()
    assert "Accuracy 96.2%" in sigmoid and "It found 66 of the 100 fives" in sigmoid
    assert "(the sigmoid script scores 96.2% and\nfinds 66 fives, where the page scores 96.1% and finds 64)" in TEACHING
    assert re.search(r"^Epoch 10/10: accuracy 97\.7%, .*held-out accuracy 96\.2%, ", sigmoid, re.MULTILINE)
    assert "97.7% against 96.2% in\n`perceptron-sigmoid.py`'s last epoch line" in TEACHING


def test_the_linear_units_steps_grow_30_to_50_times_as_the_answer_key_says(laptop):
    laptop.click("#sigmoid")
    laptop.click("#linear")  # Afresh, from the page's own start at seed 0.
    for _ in range(8):
        laptop.evaluate("options => playground.step(options)", {**SHORT, "activation": "linear", "seed": 0})
    times = [int(found) for found in re.findall(r"the largest (\d+) times", laptop.text_content("#log"))]
    assert len(times) >= 6 and all(30 <= grown <= 50 for grown in times[1:]), times
    assert "From the third batch on, each batch's outputs have the\n  other sign, and are 30 to 50 times larger" in TEACHING


def test_a_small_digit_on_the_pad_gets_predict_pys_hint(laptop, model_path, tmp_path, capsys):
    from drawings import moved

    small = moved(FIVE, 0.08, 110, 110)
    draw(laptop, small)
    hint = laptop.text_content("#hint")
    grey = prepare.read_image(the_pad_as_png(laptop, tmp_path / "small.png"))
    hints = prepare.prepare_steps(grey)["hints"]
    assert hints and hint == f"Hint: {'; '.join(hints)}."
    draw(laptop, FIVE)
    assert laptop.text_content("#hint") == ""
