"""A picture of one digit prepared as MNIST's digits were, for predict.py and the playground's pad.

An image may be in any format Pillow reads, of any size: a phone photo of a
digit on paper, dark ink on light paper or light on dark, or a drawing saved
from a paint program. The ink is found first: the paper's own brightness is
taken away, shadows and uneven light included, and specks, glare and the
page's edge are left out. Then it is prepared the way MNIST's digits were, so
that the perceptron sees what it was trained on: cropped to the digit, scaled
so its longer side is 20 pixels, centred by its centre of mass in a 28x28
frame, white on black, 0..1.

lesson/prepare.js repeats these steps in JavaScript, for a drawing on the
playground's pad: a change here needs the same change there, and
tests/test_page_rooms.py holds the two together.
"""

import warnings

from lesson.command_line import InputError

import numpy as np
import PIL.Image
import PIL.ImageOps
from scipy import ndimage

# Photos are shrunk to at most this many pixels on their longer side before any
# other work: plenty for one digit, and fast even for a 4000-pixel phone photo.
WORKING_SIDE = 600
# Ink is at least 15% darker than the paper (or lighter, for light ink); anything fainter is blank.
FAINTEST_INK = 0.15
# A digit is at least this share of the picture's longer side; smaller marks are specks.
SMALLEST_DIGIT = 0.03
# MNIST's strokes are about this share of the digit's size; strokes thinner than
# the second share are thickened to the first.
MNIST_STROKE = 0.14
THINNEST_STROKE = 0.08
# A digit's ink stands out from the paper by several times the spread of the camera's
# grain; pure noise, once averaged as below, by about one time.
INK_OVER_GRAIN = 3
# Ruled paper's lines run straight across at least this share of the picture (where no stroke crosses them),
# tilted at most the second share (about 2 degrees, as a page lies under a camera), and are well under twice the
# third share of its longer side thick: far thinner than a digit's strokes. It takes RULED_LINES of them, all at
# one slope, to make ruled paper: one or two long thin strokes may be the digit's own.
RULED_LINE_SPAN, RULED_LINE_TILT, RULED_LINE_WIDTH = 0.5, 0.03, 0.015
RULED_LINES = 3
# A picture that is answered may still get a hint, on the answer's line. Even MNIST's boldest digits, but for
# narrow ones such as a one, cover at most three quarters of their box: "ink" that covers more is a block.
FILLED_CROP = 0.75
FILLED = "the ink fills the whole picture: is the paper darker than the pen?"
# Strokes under this share of the digit's size, half of THINNEST_STROKE, are thickened a great deal (see
# largest_mark), and small loops close up.
THIN_PEN = 0.04
THIN = "a thin pen: a thicker brush reads better"
# A digit under the first share of the picture's longer side is small in it; so is one under the second share
# whose strokes are over the third share of its size, a pen too thick for it, which fills its loops.
SMALL_DIGIT, SMALL_FOR_ITS_PEN, THICK_PEN = 0.1, 0.5, 0.25
SMALL = "a small digit: draw it larger"
BLANK = "looks blank: no digit found; write darker and larger, and keep glare off the ink"


def read_image(path):
    """Read an image as grey values 0..255, at most WORKING_SIDE pixels on its longer side."""
    try:
        with warnings.catch_warnings():
            # Pillow warns of a picture of over 89 million pixels, which could fill the memory. This one is
            # made smaller as it is read (see shrunk); one of over twice that many is refused, below.
            warnings.simplefilter("ignore", PIL.Image.DecompressionBombWarning)
            image = PIL.Image.open(path)
        with image:
            # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size directly, which is fast.
            image.draft("RGB", (WORKING_SIDE, WORKING_SIDE))
            # Phones store a photo's rotation beside the pixels; apply it, without a copy.
            PIL.ImageOps.exif_transpose(image, in_place=True)
            size = image.size
            grey = grey_values(shrunk(image))
    except FileNotFoundError:
        raise InputError("no such file")
    except IsADirectoryError:
        raise InputError("is a folder, not an image")
    except PermissionError:
        raise InputError("cannot be read (permission denied)")
    except PIL.Image.DecompressionBombError:
        raise InputError("is too large an image; shrink it to a few hundred pixels")
    except Exception:  # noqa: BLE001  A damaged image can raise almost anything.
        raise InputError("is not an image that can be read; save it as PNG or JPEG")
    if not np.all(np.isfinite(grey)):
        # A floating-point TIFF can hold them, and nothing sensible follows from one.
        raise InputError("has pixels that are not numbers (nan or inf); save it as PNG or JPEG")
    if max(grey.shape) > WORKING_SIDE:
        grey = resized(grey, WORKING_SIDE / max(grey.shape))
    if min(grey.shape) < 2:
        # The paper's grain is measured between neighbouring pixels (see find_ink): a picture needs two each way.
        raise InputError(f"is {size[0]}x{size[1]} pixels, too small or too narrow to hold a digit; save the digit "
                         "larger, such as 28x28 pixels like MNIST's")
    return grey


def shrunk(image):
    """A picture far larger than WORKING_SIDE, made WORKING_SIDE pixels on its longer side by Pillow, in its
    own mode, before it becomes floats: as floats, 10,000 x 9,000 pixels would take 360 MB at every step."""
    if max(image.size) <= 3 * WORKING_SIDE:
        return image  # As floats, at most 13 MB; resized smoothly after.
    if image.mode in ("1", "P", "PA") or "transparency" in image.info:
        # Pillow resizes a palette's colours, or single bits, by keeping the nearest pixel, which can drop a
        # thin stroke, and a see-through colour would blend away: first grey, or colours and opacity, as
        # grey_values reads them.
        image = image.convert("RGBA" if image.mode == "PA" or "transparency" in image.info else "L")
    image.thumbnail((WORKING_SIDE, WORKING_SIDE), PIL.Image.Resampling.BILINEAR, reducing_gap=None)
    return image


def grey_values(image):
    """The image's grey values 0..255, whatever its mode."""
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit grey, as some scanners and apps save: convert("L") would clip it to white.
        values = np.asarray(image, dtype=np.float32)
        return values * 255 / (65535 if image.mode.startswith("I;16") or values.max() > 255 else 255)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        alpha = np.asarray(image.convert("RGBA"), dtype=np.float32)[..., 3]
        if np.mean(alpha < 128) > 0.5:
            # Strokes on a see-through layer: the strokes are what is opaque, white or black.
            return alpha
        # Otherwise what is see-through shows white paper.
        white = PIL.Image.new("RGBA", image.size, "white")
        image = PIL.Image.alpha_composite(white, image.convert("RGBA"))
    return np.asarray(image.convert("L"), dtype=np.float32)


def resized(values, scale):
    """values (2-D) resized by scale, smoothly, with Pillow."""
    height, width = values.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(PIL.Image.fromarray(values).resize(size, PIL.Image.Resampling.BILINEAR))


def find_ink(grey):
    """How strongly each pixel is ink, for dark ink on light paper or light ink on dark.

    1 is as far from the paper as ink could be, 0 is the paper, and below 0 is
    the other way (the paper's grain, or glare). Returns that, and the spread of
    the grain on the same scale.
    """
    # Which way round? Ink is what lies furthest from the picture's usual grey, on one
    # side: dark on white paper, light on MNIST's black. Compare the furthest half a
    # percent on each side, so that a glint or a speck does not decide.
    # (A quarter of the pixels is plenty to tell, here and below.)
    some = grey[::2, ::2]
    usual = np.median(some)
    away = some - usual
    darkest, lightest = np.percentile(-away, 99.5), np.percentile(away, 99.5)
    if darkest == lightest:
        # A thin pen on a paint program's flat canvas can be under half a percent of the
        # picture: both are the paper itself. Then the furthest pixel decides.
        darkest, lightest = usual - grey.min(), grey.max() - usual
    dark_ink = darkest > lightest
    # Light changes slowly across a page, so a small copy is enough to find the paper.
    small = resized(grey, min(1, 32 / max(grey.shape)))
    window = max(3, round(min(small.shape) / 2))
    # The paper's own brightness at each place, shadows and uneven light included: nearly
    # the brightest in each window far wider than a stroke (the darkest, for light ink),
    # which strokes do not reach even where they are dense.
    paper = ndimage.percentile_filter(small, 90 if dark_ink else 10, size=window, mode="nearest")
    paper = np.asarray(PIL.Image.fromarray(paper).resize(grey.shape[::-1], PIL.Image.Resampling.BILINEAR))
    # How far each pixel is from the paper, as a share of how far it could go.
    ink = (paper - grey) / np.maximum(paper, 1) if dark_ink else (grey - paper) / np.maximum(255 - paper, 1)
    # The grain's spread, from the differences between neighbouring pixels, which
    # the paper's slow changes and the strokes' few edges hardly move.
    grain = 1.4826 * np.median(np.abs(np.diff(ink[::2], axis=1))) / np.sqrt(2)
    # Average the grain away, over a fraction of a stroke's width.
    blur = max(grey.shape) / 400
    if blur >= 0.5:
        ink = ndimage.gaussian_filter(ink, blur)
    return without_ruled_lines(ink), grain


def without_ruled_lines(ink):
    """ink (see find_ink) with ruled paper's lines left out: long thin straight marks across the picture, at one
    slope. Where a stroke of the digit crosses a line, the stroke is kept whole."""
    height, width = ink.shape
    # A thin mark across the picture stands out from the ink a little above and below it, where a thicker
    # stroke, or a stroke crossing it, does not: how far it stands out is what a line adds to the paper.
    reach = max(1, round(RULED_LINE_WIDTH * max(height, width)))
    rows = np.arange(height)
    around = np.maximum(ink[np.maximum(rows - reach, 0)], ink[np.minimum(rows + reach, height - 1)])
    line = ink - around
    # The lines run across the picture, so every second column is plenty to find them.
    rows, columns = np.nonzero(line[:, ::2] > FAINTEST_INK / 4)
    columns = 2 * columns
    most = round(RULED_LINE_TILT * width)
    needed = RULED_LINE_SPAN * len(range(0, width, 2))
    # Try each slope, from lines `most` pixels higher at the right edge than at the left to `most` pixels lower,
    # and keep the one along which what stands out is gathered into the fewest rows: the sum of the squares of
    # their counts is largest along the lines.
    slope, counts, gathered = 0, None, -1
    for drop in range(-most, most + 1):
        # The row each pixel's line starts from at the left edge, counted from `most` rows above the picture.
        starts = rows - np.floor(drop * columns / width + 0.5).astype(int) + most
        along = np.bincount(starts, minlength=height + 2 * most)
        if np.sum(along ** 2) > gathered:
            slope, counts, gathered = drop, along, np.sum(along ** 2)
    # Each run of rows that stand out nearly all the way across is one line.
    full = counts >= needed
    edges = np.diff(np.concatenate([[0], full, [0]]).astype(np.int8))
    firsts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if len(firsts) < RULED_LINES:
        return ink
    every_column = np.arange(width)
    down = np.floor(slope * every_column / width + 0.5).astype(int) - most
    cleaned = ink.copy()
    for first, stop in zip(firsts, stops):
        # The line with its soft edges, a row beyond, becomes the paper just beyond those, above and below it,
        # where the picture holds all of these rows.
        band = np.arange(first - 2, stop + 2)[:, None] + down
        across = every_column[(band[0] >= 0) & (band[-1] < height)]
        band = band[:, across]
        standing = ink[band[1:-1], across] - np.maximum(ink[band[0], across], ink[band[-1], across])
        # Where the pen crossed the line, its ink loses no more than the line's: nearly its strongest.
        strength = np.percentile(standing, 90) if standing.size else 0
        cleaned[band[1:-1], across] -= np.clip(standing, 0, strength)
    return cleaned


def otsu_threshold(values):
    """The level that splits values (0..1) into two classes as far apart as possible (Otsu's method)."""
    counts, edges = np.histogram(values, bins=256, range=(0, 1))
    levels = (edges[:-1] + edges[1:]) / 2
    below = np.cumsum(counts)
    above = below[-1] - below
    sum_below = np.cumsum(counts * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_below, mean_above = sum_below / below, (sum_below[-1] - sum_below) / above
        spread = np.nan_to_num(below * above * (mean_below - mean_above) ** 2)
    return levels[np.argmax(spread)]


def largest_mark(ink, grain):
    """Crop ink (see find_ink) to its largest mark, leaving out specks, page edges and shadows.

    Returns the cropped ink, 0..1, how many other marks of similar size were left out, and hints for a
    picture that may not read well (FILLED, THIN, SMALL).
    """
    ink = np.clip(ink, 0, 1)
    if ink.max() < max(FAINTEST_INK, INK_OVER_GRAIN * grain):
        raise InputError(BLANK)
    strokes = ink > max(otsu_threshold(ink), FAINTEST_INK / 2)
    pieces, count = ndimage.label(strokes, structure=np.ones((3, 3)))
    if count == 0:
        raise InputError(BLANK)
    mass = np.bincount(pieces.ravel(), ink.ravel())[1:]
    # A long piece along the picture's edge is the edge of the page, or a shadow.
    height, width = ink.shape
    piece_boxes = ndimage.find_objects(pieces)
    along_edge = np.array([
        (rows.start == 0 or rows.stop == height) and columns.stop - columns.start > 0.6 * width
        or (columns.start == 0 or columns.stop == width) and rows.stop - rows.start > 0.6 * height
        for rows, columns in piece_boxes
    ])
    if not along_edge.all():
        mass[along_edge] = 0
    # Dust and grain are far smaller than the largest piece.
    strokes = np.isin(pieces, 1 + np.flatnonzero(mass >= 0.05 * mass.max()))
    # Pieces close together are one mark: a five's top stroke is often apart from the rest.
    largest = piece_boxes[np.argmax(mass)]
    reach = max(1, round(0.5 * max(part.stop - part.start for part in largest)))
    marks, count = ndimage.label(ndimage.maximum_filter(strokes, size=reach))
    mass = np.bincount(marks.ravel(), (ink * strokes).ravel())[1:]
    boxes = ndimage.find_objects(marks)
    # A mark that touches the picture's edge is more likely the page's edge, a
    # shadow or something cut off than the digit: a mark inside is preferred, if
    # it has a fair share of the ink.
    inside_frame = np.array([rows.start > 0 and columns.start > 0 and rows.stop < height and columns.stop < width
                             for rows, columns in boxes])
    if (mass * inside_frame).max() >= 0.25 * mass.max():
        mass = mass * inside_frame
    chosen = np.argmax(mass)
    # Other marks inside, at least half as large and with a tenth as much ink, are worth a word.
    sizes = np.array([max(rows.stop - rows.start, columns.stop - columns.start) for rows, columns in boxes])
    similar = inside_frame & (sizes >= 0.5 * sizes[chosen]) & (mass >= 0.1 * mass[chosen])
    others = int(similar.sum() - similar[chosen])
    # What is left of the paper, and the ink's strongest, which becomes 1 as in MNIST.
    paper = np.median(ink[::2, ::2][~strokes[::2, ::2]]) if (~strokes[::2, ::2]).any() else 0
    mark = strokes & (marks == chosen + 1)
    strong = ink[mark].max()
    # Crop to the mark, keeping its soft edges: MNIST's strokes are anti-aliased.
    region = ndimage.maximum_filter(marks == chosen + 1, size=reach)
    inside = mark | region & (ink > paper + 0.2 * (strong - paper))
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    if max(rows[-1] - rows[0], columns[-1] - columns[0]) + 1 < SMALLEST_DIGIT * max(ink.shape):
        raise InputError(BLANK)
    crop = slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1)
    digit = np.clip((ink[crop] - paper) / max(strong - paper, 1e-6) * region[crop], 0, 1)
    if not digit.any():
        # Its strongest ink is no stronger than what is left of the paper, as in a few noisy pixels.
        raise InputError(BLANK)
    # A pen draws far thinner strokes than MNIST's, which are about a seventh of
    # the digit's size: thicken thin ones to that, keeping their soft edges.
    size, stroke = max(digit.shape), stroke_width(mark[crop])
    hints = []
    if mark[crop].mean() > FILLED_CROP and min(digit.shape) >= size / 2:
        hints.append(FILLED)
    if stroke < THIN_PEN * size:
        hints.append(THIN)
    picture = max(ink.shape)
    if size < SMALL_DIGIT * picture or size < SMALL_FOR_ITS_PEN * picture and stroke > THICK_PEN * size:
        hints.append(SMALL)
    if stroke < THINNEST_STROKE * size:
        # Everything within reach of a stroke becomes ink, as if drawn with a round
        # marker, with an edge a pixel wide.
        reach = (MNIST_STROKE * size - stroke) / 2
        margin = int(reach) + 2
        distance = ndimage.distance_transform_edt(~np.pad(mark[crop], margin))
        digit = np.maximum(np.pad(digit, margin), np.clip(reach + 1 - distance, 0, 1))
    return digit.astype(np.float32), others, hints


def stroke_width(strokes):
    """The usual width of the strokes in a mask: twice the distance from their middle to their edge."""
    # Beyond the mask is paper: a stroke along its edge has an edge there too.
    strokes = np.pad(strokes, 1)
    distance = ndimage.distance_transform_edt(strokes)
    middle = strokes & (distance == ndimage.maximum_filter(distance, size=3))
    return 2 * float(np.median(distance[middle]))


def centre_of_mass(digit):
    """The row and column of the ink's centre of mass, as scipy.ndimage.center_of_mass finds it."""
    rows, columns = np.indices(digit.shape)
    total = digit.sum(dtype=np.float64)
    return (rows * digit).sum() / total, (columns * digit).sum() / total


def prepare_steps(grey, crop=True, centre=True, scale=True):
    """Each step of turning a picture of one digit into 28x28 pixels the way MNIST's were made.

    A step can be left out, to see what it does, as the playground lets a
    learner do: crop=False scales the whole picture, not only its digit;
    centre=False puts the digit in the frame's top left corner, not its
    centre of mass in the middle; scale=False leaves the pixels 0..255, not
    0..1, which the perceptron never saw in training.

    Returns a dict: "ink", how strongly each pixel is ink, 0..1; "cropped",
    the digit cut out; "scaled", 20 pixels on its longer side; "pixels", the
    28x28 the perceptron sees; "others", how many other marks of similar
    size were left out; and "hints", short lines for a picture that may not
    read well, such as THIN for a thin pen.
    """
    ink, grain = find_ink(grey)
    cropped, others, hints = largest_mark(ink, grain)
    ink = np.clip(ink, 0, 1)
    if not crop:
        cropped = ink

    # Scale the longer side to 20 pixels, keeping the shape.
    scaled = resized(cropped, 20 / max(cropped.shape))

    # Place it in a 28x28 frame with its centre of mass at the centre.
    top = left = 0
    if centre:
        centre_row, centre_column = centre_of_mass(scaled)
        top = min(max(round(14 - centre_row), 0), 28 - scaled.shape[0])
        left = min(max(round(14 - centre_column), 0), 28 - scaled.shape[1])
    frame = np.zeros((28, 28), dtype=np.float32)
    frame[top:top + scaled.shape[0], left:left + scaled.shape[1]] = scaled

    # Scale to 0..1, with the strongest ink at 1, like a scaled MNIST digit.
    pixels = frame / frame.max() * (1 if scale else 255)
    return {"ink": ink, "cropped": cropped, "scaled": scaled, "pixels": pixels, "others": others,
            "hints": hints}


def prepare_image(grey):
    """Turn a picture of one digit into 28x28 pixels the way MNIST's were made.

    Returns the pixels and how many other marks of similar size were left out.
    """
    steps = prepare_steps(grey)
    return steps["pixels"], steps["others"]
