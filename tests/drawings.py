"""Pictures of digits for the tests: photos of real sample digits on paper, plain or ruled; real digits
drawn again with a thin brush on a paint program's canvas; pens of every width; and strokes as the
playground's pad draws them."""

import io

import numpy as np
import PIL.Image
import PIL.ImageDraw
from scipy import ndimage

HEIGHT, WIDTH = 600, 450
BLUE, BLACK = (25, 35, 110), (20, 20, 20)
# Seven in ten are plain phone JPEGs; the rest are the awkward kinds.
KINDS = ["jpeg"] * 7 + ["exif", "16-bit png", "transparent"]


def ink_on_canvas(pixels, rng, size=None, place=None):
    """Where the ink is, 0..1: a 28x28 digit drawn large, off-centre, on an 800x600 canvas."""
    size = size or int(rng.integers(105, 240))
    digit = PIL.Image.fromarray(pixels).resize((size, size), PIL.Image.Resampling.BILINEAR)
    top, left = place or (int(rng.integers(10, HEIGHT - size - 10)), int(rng.integers(10, WIDTH - size - 10)))
    ink = np.zeros((HEIGHT, WIDTH), np.float32)
    ink[top:top + size, left:left + size] = np.asarray(digit, np.float32) / 255
    return ink


def ruled_lines(rng, spacing=None, width=None, strength=None, tilt=None, shape=(HEIGHT, WIDTH)):
    """Where a page's ruled lines are, 0..1, on a canvas of this shape: across the whole page, evenly spaced,
    thin and light (a share `strength` of the pen's darkness), and tilted a little (rows per column), as a
    page lies under a camera."""
    spacing = spacing or rng.uniform(35, 60)
    width = width or rng.uniform(1.5, 3)
    strength = strength or rng.uniform(0.3, 0.5)
    tilt = rng.uniform(-0.015, 0.015) if tilt is None else tilt
    rows, columns = np.indices(shape, dtype=np.float32)
    # How far each pixel is from the nearest line, along the page.
    across = (rows - tilt * columns - rng.uniform(0, spacing)) % spacing
    away = np.minimum(across, spacing - across)
    return strength * np.clip(width / 2 + 0.5 - away, 0, 1)


def photo(ink, rng, kind="jpeg", colour=BLUE):
    """A photo of ink on dim grey paper, lit unevenly, with a camera's grain, as the file's bytes."""
    buffer = io.BytesIO()
    if kind == "transparent":
        # Strokes on a see-through layer, as drawing apps save them, in white or black.
        rgba = np.zeros((HEIGHT, WIDTH, 4), np.uint8)
        rgba[..., :3] = 255 if rng.random() < 0.5 else 0
        rgba[..., 3] = np.round(255 * ink)
        PIL.Image.fromarray(rgba).save(buffer, "PNG")
        return buffer.getvalue()
    paper = rng.uniform(95, 140)
    spread = rng.uniform(0.1, 0.3)
    # Brighter towards one side of the page, or towards its top.
    across = np.linspace(1 - spread, 1 + spread, WIDTH if rng.random() < 0.5 else HEIGHT, dtype=np.float32)
    light = across[None, :] if len(across) == WIDTH else across[:, None]
    rgb = light[..., None] * (paper * (1 - ink[..., None]) + np.array(colour, np.float32) * ink[..., None])
    rgb += 6 * rng.standard_normal((HEIGHT, WIDTH, 1), dtype=np.float32)
    rgb = np.clip(np.round(rgb), 0, 255).astype(np.uint8)
    if kind == "16-bit png":
        PIL.Image.fromarray(np.round(rgb.mean(axis=2) * 257).astype(np.uint16)).save(buffer, "PNG")
    elif kind == "exif":
        # Stored turned a quarter left, with the tag that says to turn it back, as phones do.
        exif = PIL.Image.Exif()
        exif[0x0112] = 6
        PIL.Image.fromarray(np.ascontiguousarray(np.rot90(rgb))).save(buffer, "JPEG", quality=85, exif=exif)
    else:
        PIL.Image.fromarray(rgb).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def five_drawn(width):
    """A five about 400 pixels tall, dark on white paper, drawn with a round pen of this width."""
    image = PIL.Image.new("L", (600, 800), 235)
    draw = PIL.ImageDraw.Draw(image)
    bar = [(380 - t, 200) for t in range(0, 150, 2)]
    upright = [(230 - t / 16, 200 + t) for t in range(0, 160, 2)]
    bowl = [(300 + 120 * np.cos(angle), 450 + 150 * np.sin(angle)) for angle in np.radians(np.arange(-150, 150, 2))]
    for x, y in bar + upright + bowl:
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=30)
    return np.asarray(image, dtype=np.float32)


# A five in three strokes: the bar, the upright, the bowl. Points on the playground's 280x280 pad.
FIVE = [[(200, 45), (105, 45)], [(105, 45), (100, 130)],
        [(100, 130), (150, 115), (195, 150), (190, 215), (140, 245), (85, 225)]]


def moved(strokes, scale, right, down):
    return [[(x * scale + right, y * scale + down) for x, y in stroke] for stroke in strokes]


DRAWINGS = {
    "a five": FIVE,
    "a five that fills the pad": [[(275, 5), (10, 5)], [(10, 5), (5, 140)],
                                  [(5, 140), (140, 110), (270, 160), (265, 260), (140, 275), (5, 255)]],
    "a five with a line along the edge": FIVE + [[(3, 277), (277, 277)]],
    "a small five with a separate stroke": moved(FIVE, 0.35, 20, 20) + [[(150, 150), (260, 260)]],
    "a small thin five off-centre": moved(FIVE, 0.5, 120, 110),
    "a seven": [[(60, 50), (220, 50), (120, 240)]],
    "a zero": [[(140, 40), (80, 80), (70, 160), (100, 230), (160, 240), (200, 180), (205, 100), (170, 45), (140, 40)]],
    "a one": [[(140, 30), (140, 250)]],
}


def strokes_drawn(strokes, size=280, width=20, ink=0, paper=255):
    """Strokes drawn with a round pen, as grey values: dark on white, like the pad."""
    image = PIL.Image.new("L", (size, size), paper)
    draw = PIL.ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line(stroke, fill=ink, width=width, joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=ink)
    return np.asarray(image, dtype=np.float32)


def thinned(mask):
    """A mask's strokes thinned to lines one pixel wide along their middle (Zhang and Suen's method): the
    path a thin pen would take to draw them."""
    mask = np.pad(np.asarray(mask, bool), 1)
    while True:
        removed = False
        for step in (0, 1):
            # The eight neighbours, clockwise from the one above.
            up, up_right, right, down_right = mask[:-2, 1:-1], mask[:-2, 2:], mask[1:-1, 2:], mask[2:, 2:]
            down, down_left, left, up_left = mask[2:, 1:-1], mask[2:, :-2], mask[1:-1, :-2], mask[:-2, :-2]
            around = [up, up_right, right, down_right, down, down_left, left, up_left]
            neighbours = sum(side.astype(np.uint8) for side in around)
            # Where the ring of neighbours changes from paper to ink: once, at a stroke's edge.
            changes = sum((~first & second).astype(np.uint8)
                          for first, second in zip(around, around[1:] + around[:1]))
            if step == 0:
                open_side = ~(up & right & down) & ~(right & down & left)
            else:
                open_side = ~(up & right & left) & ~(up & down & left)
            edge = mask[1:-1, 1:-1] & (neighbours >= 2) & (neighbours <= 6) & (changes == 1) & open_side
            if edge.any():
                mask[1:-1, 1:-1] &= ~edge
                removed = True
        if not removed:
            return mask[1:-1, 1:-1]


def painted(pixels, canvas=(600, 450), size=300, place=(50, 50), brush=3, paper=255, ink=0):
    """A real 28x28 digit drawn again in a paint program: its strokes thinned to their middle line, scaled so
    its 28x28 box is `size` pixels, and painted with a round brush `brush` pixels wide, with soft edges, on a
    flat canvas (width, height) of one grey. Returns grey values 0..255."""
    enlarged = PIL.Image.fromarray(pixels).resize((size, size), PIL.Image.Resampling.BILINEAR)
    middle = thinned(np.asarray(enlarged) > 127)
    margin = int(brush) + 2
    distance = ndimage.distance_transform_edt(~np.pad(middle, margin))
    coverage = np.clip(brush / 2 + 0.5 - distance, 0, 1)
    width, height = canvas
    covered = np.zeros((height + 2 * margin, width + 2 * margin), np.float32)
    top, left = place
    covered[top:top + coverage.shape[0], left:left + coverage.shape[1]] = coverage
    covered = covered[margin:-margin, margin:-margin]
    return np.float32(paper) + (ink - paper) * covered


# A paint program's canvas, at most 600 pixels on its longer side as predict.py works on it: (width, height).
CANVASES = [(600, 450), (600, 400), (500, 500), (450, 600), (400, 300)]


def painted_at_random(pixels, rng):
    """A real 28x28 digit painted with a thin brush (see painted), of a random size, place and width, in a
    dark grey, on a random canvas of flat white or flat grey."""
    width, height = CANVASES[int(rng.integers(len(CANVASES)))]
    size = int(rng.uniform(0.45, 0.95) * min(width, height))
    place = int(rng.integers(0, height - size + 1)), int(rng.integers(0, width - size + 1))
    paper = 255 if rng.random() < 0.5 else int(rng.integers(170, 231))
    brush, ink = float(rng.uniform(1.5, 4)), int(rng.integers(0, 60))
    return painted(pixels, (width, height), size, place, brush, paper, ink)
