"""How fast does playground.html train, beside a NumPy loop doing the same work, and answer a drawing?

    python benchmarks/playground.py [--repeats 5]

Both train the sigmoid perceptron for 10 epochs on the sample's 4,000 training
digits, in batches of 32, and check the 1,000 held-out digits after each
epoch. The page is timed inside headless Chromium (Debian's), from Train to
its last line, drawing included; the NumPy loop is benchmarks/speed.py's.
Then the pad: from the lift of the pen to the verdict, for a five, a seven and
a zero, with the CPU at full speed and slowed 4 times (Chromium's CPU
throttling), as on a cheap phone. Each figure is the median of --repeats runs,
side by side in one run: compare them, not seconds from different runs. It is
not a test.
"""

import argparse
import contextlib
import io
import os
import pathlib
import shutil
import statistics
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from lesson import command_line, data  # The project's own package, from the folder above.

from speed import numpy_sgd_epoch  # Beside this file.

GOAL_SECONDS = 0.5
VERDICT_GOAL_MS = 150  # With the CPU slowed 4 times.
# The last stroke's lift, timed to the verdict; the strokes before it are drawn and answered first.
LIFT_TO_VERDICT = """async strokes => {
  const pad = document.getElementById("pad"), box = pad.getBoundingClientRect();
  const at = (type, [x, y]) => pad.dispatchEvent(new PointerEvent(type, { pointerId: 1, bubbles: true,
    clientX: box.left + x * box.width / 280, clientY: box.top + y * box.height / 280 }));
  document.getElementById("clear").click();
  await playground.settled();
  for (const [i, stroke] of strokes.entries()) {
    at("pointerdown", stroke[0]);
    for (const point of stroke.slice(1)) at("pointermove", point);
    if (i < strokes.length - 1) { at("pointerup", stroke.at(-1)); await playground.settled(); }
  }
  const started = performance.now();
  at("pointerup", strokes.at(-1).at(-1));
  await playground.settled();
  return performance.now() - started;
}"""
# A five, a seven and a zero, on the pad as it is shown, 280 pixels square (as tests/drawings.py has them).
STROKES = [[[(200, 45), (105, 45)], [(105, 45), (100, 130)],
            [(100, 130), (150, 115), (195, 150), (190, 215), (140, 245), (85, 225)]],
           [[(60, 50), (220, 50), (120, 240)]],
           [[(140, 40), (80, 80), (70, 160), (100, 230), (160, 240), (200, 180), (205, 100), (170, 45), (140, 40)]]]
TIMED = """async () => {
  const started = performance.now();
  await playground.train({activation: "sigmoid", learningRate: 0.5, epochs: 10, batchSize: 32, seed: 0});
  return (performance.now() - started) / 1000;
}"""


def numpy_seconds(rng):
    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, digits_train), (x_test, digits_test) = data.load_sample()
    pixels, held_out = (images.reshape(len(images), -1).astype("float32") / 255 for images in (x_train, x_test))
    is_five, held_out_five = (digits_train == 5).astype("float32"), (digits_test == 5).astype("float32")
    weights, bias = rng.uniform(-0.087, 0.087, 784).astype("float32"), np.zeros(1, "float32")
    started = time.perf_counter()
    for _ in range(10):
        numpy_sgd_epoch(pixels, is_five, weights, bias, rng.permutation(len(pixels)), 32, 0.5)
        outputs = 1 / (1 + np.exp(-(held_out @ weights + bias)))
        np.mean((outputs > 0.5) == (held_out_five == 1)), np.mean((outputs - held_out_five) ** 2)
    return time.perf_counter() - started


def page_seconds(repeats):
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise command_line.InputError("Chromium is not installed; install it with: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page()
        page.goto((ROOT / "playground.html").as_uri())
        page.evaluate("playground.ready")
        page.evaluate(TIMED)  # The first run also compiles the JavaScript.
        seconds = [page.evaluate(TIMED) for _ in range(repeats)]
        cpu = page.context.new_cdp_session(page)
        verdicts = {}
        for slower in (1, 4):
            cpu.send("Emulation.setCPUThrottlingRate", {"rate": slower})
            page.evaluate(LIFT_TO_VERDICT, STROKES[0])  # Compiled at this speed first.
            verdicts[slower] = [page.evaluate(LIFT_TO_VERDICT, strokes) for _ in range(repeats) for strokes in STROKES]
        browser.close()
    return seconds, verdicts


def main(argv=None):
    parser = command_line.OneLineErrorParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=command_line.whole_number(1, 100), default=5,
                        help="runs of each (default: %(default)s)")
    args = parser.parse_args(argv)
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    seconds, verdicts = page_seconds(args.repeats)
    in_page = statistics.median(seconds)
    rng = np.random.default_rng(0)
    in_numpy = statistics.median([numpy_seconds(rng) for _ in range(args.repeats)])
    verdict = "met" if in_page <= GOAL_SECONDS else "NOT met"
    print(f"10 epochs on 4,000 digits: the page {in_page:.3f} s (goal at most {GOAL_SECONDS} s: {verdict}), "
          f"the NumPy loop {in_numpy:.3f} s: the page takes {in_page / in_numpy:.1f}x NumPy's time")
    slowed = statistics.median(verdicts[4])
    print(f"From the pen's lift to the verdict: {statistics.median(verdicts[1]):.0f} ms; with the CPU slowed 4 times, "
          f"{slowed:.0f} ms (goal at most {VERDICT_GOAL_MS} ms: {'met' if slowed <= VERDICT_GOAL_MS else 'NOT met'}); "
          f"slowest {max(verdicts[4]):.0f} ms")
    print(f"playground.html: {(ROOT / 'playground.html').stat().st_size / 1e6:.2f} MB (goal at most 2.5 MB)")


if __name__ == "__main__":
    command_line.run(main)
