"""Driving playground.html in a real browser: Debian's Chromium, through Playwright. The tests share one
browser (the `browser` fixture in conftest.py); each opens the pages it needs."""

import base64
import pathlib
import re
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "playground.html"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
# Without the last three, Chromium tries to reach Google's servers as it starts.
ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
VERDICT = re.compile(r"(five|not five) \((-?\d+\.\d\d)\)")
SIZES = {"laptop": (1280, 800), "projector": (1024, 768), "phone": (375, 667)}


def open_page(browser, address=None, size="laptop", height=None):
    """A new page at address (playground.html by default), ready; a phone's has touch. It records the
    requests it makes and the errors it throws."""
    width, tall = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height or tall}, is_mobile=size == "phone",
                                  has_touch=size == "phone")
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(address or PAGE.as_uri())
    page.evaluate("playground.ready")
    return page


def close(page):
    """Close the page, and say what it threw, if anything."""
    errors = page.errors
    page.context.close()
    assert errors == []


# The same pointer events as the mouse's, sent by the page itself: far quicker than a mouse moved by
# Playwright. The points are on the pad as it is shown, 280 pixels square. Then it waits for the verdict.
POINTER = """async strokes => {
  const pad = document.getElementById("pad");
  const box = pad.getBoundingClientRect();
  const at = (type, [x, y]) => pad.dispatchEvent(new PointerEvent(type, { pointerId: 1, bubbles: true,
    clientX: box.left + x * box.width / 280, clientY: box.top + y * box.height / 280 }));
  for (const stroke of strokes) {
    at("pointerdown", stroke[0]);
    stroke.slice(1).forEach(([x, y], i) => {
      const [fromX, fromY] = stroke[i];
      for (let step = 1; step <= 12; step++) {
        at("pointermove", [fromX + (x - fromX) * step / 12, fromY + (y - fromY) * step / 12]);
      }
    });
    at("pointerup", stroke[stroke.length - 1]);
  }
  await playground.settled();
}"""


def clear(page):
    page.click("#clear")
    page.evaluate("playground.settled()")


def draw(page, strokes):
    """Clear the pad and draw the strokes (lists of points on it, as shown 280 pixels square) on it."""
    clear(page)
    page.evaluate(POINTER, strokes)


def the_pad_as_png(page, path):
    url = page.evaluate("document.getElementById('pad').toDataURL('image/png')")
    path.write_bytes(base64.b64decode(url.split(",", 1)[1]))
    return path
