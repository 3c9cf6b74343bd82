"""How fast does playground.html train, beside a NumPy loop doing the same work?

    python benchmarks/playground.py [--repeats 5]

Both train the sigmoid perceptron for 10 epochs on the sample's 4,000 training
digits, in batches of 32, and check the 1,000 held-out digits after each
epoch. The page is timed inside headless Chromium (Debian's), from Train to
its last line, drawing included; the NumPy loop is benchmarks/speed.py's.
Each figure is the median of --repeats runs, side by side in one run: compare
them, not seconds from different runs. It is not a test.
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
        browser.close()
    return seconds


def main(argv=None):
    parser = command_line.OneLineErrorParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=command_line.whole_number(1, 100), default=5,
                        help="runs of each (default: %(default)s)")
    args = parser.parse_args(argv)
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    in_page = statistics.median(page_seconds(args.repeats))
    rng = np.random.default_rng(0)
    in_numpy = statistics.median([numpy_seconds(rng) for _ in range(args.repeats)])
    verdict = "met" if in_page <= GOAL_SECONDS else "NOT met"
    print(f"10 epochs on 4,000 digits: the page {in_page:.3f} s (goal at most {GOAL_SECONDS} s: {verdict}), "
          f"the NumPy loop {in_numpy:.3f} s: the page takes {in_page / in_numpy:.1f}x NumPy's time")


if __name__ == "__main__":
    command_line.run(main)
