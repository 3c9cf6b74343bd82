"""What each of lesson/prepare.py's settings is for, one behaviour at a time: which mark is the digit, which other
marks are counted, when a hint is given, how far thin strokes are thickened, what makes ruled paper, and how a
large picture of any kind is shrunk as it is read.

Each test calls prepare's functions directly, on small pictures: a hand-made ring, block or line where the claim
is about geometry, and real sample digits where it is about real digits.
"""

import io
import re

from lesson import data, prepare
from lesson.command_line import InputError

import numpy as np
import PIL.Image
import pytest


def ring(ink, top, left, height, width, wall, strength=1.0):
    """Draws a rectangle's outline, `wall` pixels thick, into ink: a thin zero."""
    ink[top:top + height, left:left + width] = strength
    ink[top + wall:top + height - wall, left + wall:left + width - wall] = 0
    return ink


def a_zero(shape=(300, 300), top=120, left=130):
    """A zero 60 by 40 with walls 4 pixels thick, on clean paper."""
    return ring(np.zeros(shape, np.float32), top, left, 60, 40, 4)


def the_digits():
    """The sample's first ten held-out digits, 0..255."""
    _, (x_test, _) = data.load_sample()
    return x_test[:10]


# Which mark is the digit.

def digit_on_paper(digit):
    """A real 28x28 digit, 0..255, as ink 0..1, 100 pixels square on a picture of 200."""
    ink = np.zeros((200, 200), np.float32)
    ink[50:150, 60:160] = np.asarray(PIL.Image.fromarray(digit).resize((100, 100)), np.float32) / 255
    return ink


def test_glare_brighter_than_the_paper_leaves_the_digit_as_on_plain_paper():
    """Glare makes the paper brighter than where it was measured, ink below 0: that is no ink, not darker paper,
    and the digit's soft edges keep their strength."""
    for digit in the_digits():
        plain = digit_on_paper(digit)
        glared = np.where(plain > 0, plain, -0.3).astype(np.float32)
        for expected, found in zip(prepare.largest_mark(plain, 0.0), prepare.largest_mark(glared, 0.0)):
            np.testing.assert_array_equal(found, expected)


def test_a_faint_digit_on_greyish_paper_is_cropped_and_stretched_as_if_drawn_in_full_strength():
    """A real digit in pencil, half as strong, on paper a tenth darker than where it was measured: its strongest
    ink becomes 1 and the paper 0, as in MNIST, just as for the same digit at full strength on clean paper."""
    for digit in the_digits():
        full = digit_on_paper(digit)
        faint = 0.1 + 0.5 * full
        strong, _, _ = prepare.largest_mark(full, 0.0)
        weak, _, _ = prepare.largest_mark(faint, 0.0)
        assert weak.shape == strong.shape and weak.max() == 1
        np.testing.assert_allclose(weak, strong, atol=0.01)


def test_a_one_pixel_diagonal_stroke_whose_pixels_touch_only_at_corners_is_one_mark():
    ink = np.zeros((200, 200), np.float32)
    steps = np.arange(60)
    ink[70 + steps, 70 + steps] = 1  # A stroke down to the right, 60 pixels long and one wide.
    digit, others, _ = prepare.largest_mark(ink, 0.0)
    # Thickened, as a thin pen's stroke is, but as long as it was drawn: about 60 pixels and a margin.
    assert digit.shape[0] == digit.shape[1] and 60 <= digit.shape[0] <= 60 + 2 * (int(0.14 * 60 / 2) + 2)
    assert others == 0


def test_the_mark_with_the_most_ink_is_the_digit_not_the_one_with_the_most_pixels_or_the_first():
    """Above a zero, a long faint bar: more pixels than the zero, less ink. The zero is the digit, the bar one
    other mark, and the bar's length does not join the two."""
    zero = ring(np.zeros((300, 300), np.float32), 120, 130, 60, 40, 2)
    alone, others, _ = prepare.largest_mark(zero, 0.0)
    assert others == 0
    with_bar = zero.copy()
    with_bar[40:43, 50:250] = 0.5  # 600 pixels, 300 of ink; the zero has 384 of each.
    digit, others, _ = prepare.largest_mark(with_bar, 0.0)
    np.testing.assert_array_equal(digit, alone)
    assert others == 1


def blob_and_zero(turns):
    """A zero in the middle and a heavy blob 50 pixels square at the middle of the top edge, turned a quarter
    `turns` times: the blob holds over three times the zero's ink, but is not long enough to be a page's edge."""
    ink = a_zero()
    ink[0:50, 125:175] = 1
    return np.rot90(ink, turns).copy()


@pytest.mark.parametrize("turns", range(4), ids=["top", "left", "bottom", "right"])
def test_a_mark_inside_the_frame_is_preferred_to_a_heavier_one_touching_the_edge(turns):
    digit, others, _ = prepare.largest_mark(blob_and_zero(turns), 0.0)
    alone, _, _ = prepare.largest_mark(np.rot90(a_zero(), turns).copy(), 0.0)
    np.testing.assert_array_equal(digit, alone)
    assert others == 0


@pytest.mark.parametrize("turns", range(2), ids=["top", "left"])
def test_a_digit_as_near_the_edge_as_its_marks_reach_still_counts_as_inside(turns):
    """Marks are grown by half the largest piece's size, here the blob's 50, to join a digit's parts: a zero 13
    pixels from the edge grows to one pixel from it, and is still inside."""
    ink = a_zero(top=13)
    ink[250:, 125:175] = 1  # The heavy blob, at the bottom edge.
    digit, _, _ = prepare.largest_mark(np.rot90(ink, turns).copy(), 0.0)
    alone, _, _ = prepare.largest_mark(np.rot90(a_zero(top=13), turns).copy(), 0.0)
    np.testing.assert_array_equal(digit, alone)


def test_a_digit_cut_by_the_frame_is_still_chosen_over_a_small_speck_inside():
    """A zero running off the left edge, and a speck inside with under a quarter of its ink: the speck is no
    digit, so the zero is chosen, though it touches the edge."""
    ink = a_zero(left=0)
    alone, _, _ = prepare.largest_mark(ink, 0.0)
    assert alone.shape[0] >= 60 and alone.shape[1] >= 40  # The whole zero, thickened or not.
    ink[200:208, 200:208] = 1  # 64 of ink; the zero has 736.
    digit, others, _ = prepare.largest_mark(ink, 0.0)
    np.testing.assert_array_equal(digit, alone)
    assert others == 0


def test_a_speck_brighter_than_a_faint_digit_beside_it_neither_dims_the_digit_nor_outshines_it():
    ink = ring(np.zeros((200, 200), np.float32), 60, 85, 40, 30, 6, strength=0.6)
    ink[105:107, 120:122] = 1.0  # A glint of the pen's metal, or a drop of ink, just beside the zero.
    digit, _, _ = prepare.largest_mark(ink, 0.0)
    assert digit.max() == 1
    np.testing.assert_array_equal(digit[:6, :30], 1)  # The zero's top wall is as strong as ink goes.


def test_a_faint_pencil_digit_a_quarter_as_dark_as_the_paper_is_found():
    full_strength, _, _ = prepare.largest_mark(a_zero(), 0.0)
    digit, _, _ = prepare.largest_mark(a_zero() * 0.25, 0.0)
    assert full_strength.shape[0] >= 60 and full_strength.shape[1] >= 40  # The whole zero, thickened or not.
    np.testing.assert_allclose(digit, full_strength, atol=1e-6)


def test_a_mark_three_percent_of_the_picture_is_a_digit_and_a_smaller_one_is_blank():
    """SMALLEST_DIGIT: on a picture 200 pixels square, a mark 6 pixels across is a digit, and 5 is a speck."""
    ink = np.zeros((200, 200), np.float32)
    ink[100:106, 120:126] = 1
    digit, _, _ = prepare.largest_mark(ink, 0.0)
    assert digit.shape == (6, 6)
    ink[105, :] = ink[:, 125] = 0
    with pytest.raises(InputError) as refused:
        prepare.largest_mark(ink, 0.0)
    assert str(refused.value) == prepare.BLANK


def test_a_picture_that_is_ink_all_over_is_a_filled_block_with_its_hint():
    digit, others, hints = prepare.largest_mark(np.full((100, 100), 0.5, np.float32), 0.0)
    np.testing.assert_array_equal(digit, np.ones((100, 100)))
    assert others == 0 and hints == [prepare.FILLED]


# Which other marks are counted.

def other_mark(digit, mark):
    """A digit in the top left of a picture 300 pixels square, and another mark in its bottom right."""
    ink = np.zeros((300, 300), np.float32)
    ink[30:30 + digit.shape[0], 30:30 + digit.shape[1]] = digit
    ink[200:200 + mark.shape[0], 200:200 + mark.shape[1]] = mark
    return ink


ZERO_41 = ring(np.zeros((41, 41), np.float32), 0, 0, 41, 41, 3)  # 456 of ink; marks grow 19 pixels to 60.
ZERO_40 = ring(np.zeros((40, 40), np.float32), 0, 0, 40, 40, 3)  # 444 of ink; marks grow 19 pixels to 59.


@pytest.mark.parametrize("digit, mark, counted", [
    (ZERO_41, np.ones((11, 11)), 1),  # Grown to 30, half the digit's 60, with a quarter of its ink.
    (np.ones((40, 40)), np.ones((5, 32)), 1),  # 160 of ink, a tenth of the digit's 1600.
    (ZERO_40, np.ones((10, 10)), 0),  # Grown to 29, under half of 59, though with a fifth of its ink.
    (ZERO_40, np.ones((1, 40)), 0),  # As long as the digit, with 40 of ink, under a tenth of its 444.
], ids=["half as large", "a tenth of the ink", "too small", "too little ink"])
def test_another_mark_is_counted_if_at_least_half_as_large_with_a_tenth_of_the_ink(digit, mark, counted):
    _, others, _ = prepare.largest_mark(other_mark(digit, mark), 0.0)
    assert others == counted


# When a hint is given, and when thin strokes are thickened.

def hash_mark(size, top, left, extent, bar):
    """A "#" `extent` pixels square with bars `bar` pixels thick: only the bars' ends touch its box, so each
    stroke has paper on both sides, where its width is measured."""
    ink = np.zeros((size, size), np.float32)
    margin = (extent - 2 * bar) // 4
    for start in (margin, extent - margin - bar):
        ink[top:top + extent, left + start:left + start + bar] = 1
        ink[top + start:top + start + bar, left:left + extent] = 1
    return ink


def block(size, top, left, height, width):
    ink = np.zeros((size, size), np.float32)
    ink[top:top + height, left:left + width] = 1
    return ink


ELL = block(80, 20, 20, 40, 40)
ELL[20:40, 40:60] = 0  # 40 square with a quarter cut out: three quarters of its box is ink.


@pytest.mark.parametrize("ink, hint, given", [
    (ELL, prepare.FILLED, False),
    (block(80, 20, 20, 40, 20), prepare.FILLED, True),  # Solid, and exactly half as wide as tall.
    (block(80, 10, 20, 60, 25), prepare.FILLED, False),  # Solid but narrow, as a one may be.
    (hash_mark(200, 50, 50, 100, 4), prepare.THIN, False),  # Strokes 4% of its size.
    (hash_mark(200, 50, 50, 100, 2), prepare.THIN, True),
    (ring(np.zeros((500, 500), np.float32), 200, 200, 50, 50, 5), prepare.SMALL, False),  # A tenth of the picture.
    (block(500, 100, 100, 250, 250), prepare.SMALL, False),  # Half the picture, its strokes over a quarter.
    (hash_mark(400, 150, 150, 96, 24), prepare.SMALL, False),  # Strokes a quarter of its size.
    (hash_mark(400, 150, 150, 96, 26), prepare.SMALL, True),
], ids=["three quarters ink", "block half as wide", "narrow block", "4% strokes", "2% strokes",
        "a tenth of the picture", "half the picture", "quarter strokes", "over a quarter strokes"])
def test_each_hint_is_given_only_past_its_share(ink, hint, given):
    _, _, hints = prepare.largest_mark(ink, 0.0)
    assert (hint in hints) == given, hints


def test_a_hard_edged_line_is_as_wide_as_drawn_though_it_fills_its_crop():
    """A one drawn with a paint program's pencil: a straight line with hard edges, its crop all ink. Beyond the
    crop is paper, so the line is measured as a line 3 pixels wide, not as wide as it is long, and is thickened
    as a thin pen's."""
    line = np.zeros((300, 300), np.float32)
    line[50:250, 150:153] = 1
    # Twice the distance from its middle column to the paper beside it: 2 x 2.
    assert prepare.stroke_width(line[50:250, 150:153] > 0) == 4
    digit, _, hints = prepare.largest_mark(line, 0.0)
    assert digit.shape[1] >= 0.14 * 200 and prepare.THIN in hints

def test_a_thin_stroke_is_thickened_to_a_seventh_of_the_digits_size_and_a_stroke_of_8_percent_is_left_as_drawn():
    """MNIST_STROKE and THINNEST_STROKE: a "#" 100 pixels square with bars 2 pixels thick is thickened to bars of
    14, full strength, and soft only at their edges; with bars 8 thick it is left as it is."""
    digit, _, _ = prepare.largest_mark(hash_mark(200, 50, 50, 100, 2), 0.0)
    assert digit.max() == 1
    margin = (digit.shape[0] - 100) // 2
    across = digit[margin + 10, :digit.shape[1] // 2]  # Across the left upright bar, away from the others.
    assert across.sum() == pytest.approx(0.14 * 100, abs=0.01)
    assert np.count_nonzero((across > 0) & (across < 1)) <= 2
    bold = hash_mark(200, 50, 50, 100, 8)
    digit, _, _ = prepare.largest_mark(bold, 0.0)
    np.testing.assert_array_equal(digit, bold[50:150, 50:150])


# What makes ruled paper.

def lines_at(rows, shape=(300, 400), length=None, thickness=2, strength=0.3):
    """Level lines, `thickness` pixels thick, starting at these rows and running `length` pixels from the left."""
    ink = np.zeros(shape, np.float32)
    for row in rows:
        ink[row:row + thickness, :length] = strength
    return ink


def test_three_lines_across_at_least_half_the_page_are_ruled_paper():
    stroke = np.zeros((300, 400), np.float32)
    stroke[30:280, 300:325] = 0.9  # A digit's stroke down across the lines, right of the shorter ones.
    for lines in (lines_at([60, 140, 220]), lines_at([60, 140, 220], length=200)):
        np.testing.assert_allclose(prepare.without_ruled_lines(np.maximum(lines, stroke)), stroke, atol=1e-6)
    short = np.maximum(lines_at([60, 140, 220], length=190), stroke)
    np.testing.assert_array_equal(prepare.without_ruled_lines(short), short)


def test_stripes_far_thicker_than_ruled_lines_are_no_ruled_lines_and_do_not_make_two_thin_lines_ruled_paper():
    stripes = lines_at([20, 90, 160, 230], thickness=30)
    np.testing.assert_array_equal(prepare.without_ruled_lines(stripes), stripes)
    two_and_a_stripe = lines_at([40, 120]) + lines_at([200], thickness=30)  # The thin two may be a digit's own.
    np.testing.assert_array_equal(prepare.without_ruled_lines(two_and_a_stripe), two_and_a_stripe)


@pytest.mark.parametrize("edge_row", [1, 297], ids=["top", "bottom"])
def test_a_ruled_line_at_the_pictures_edge_counts_towards_ruled_paper(edge_row):
    """A line along the picture's very edge, with no paper beyond it to measure from, and two more: the two are
    ruled lines, and go."""
    ink = lines_at([edge_row]) + lines_at([100, 200])
    cleaned = prepare.without_ruled_lines(ink)
    np.testing.assert_allclose(cleaned[50:250], 0, atol=1e-6)


def test_a_ruled_line_two_pixels_from_the_top_goes_like_the_rest():
    cleaned = prepare.without_ruled_lines(lines_at([2, 100, 200]))
    np.testing.assert_allclose(cleaned, 0, atol=1e-6)


def test_a_stroke_lying_along_a_ruled_line_loses_only_the_lines_ink():
    """A digit's bar, 30 pixels long, drawn right on a ruled line: the line's 0.3 goes, the bar's 0.6 stays."""
    ink = lines_at([40, 110, 180, 250])
    ink[110:112, 100:130] = 0.9
    bar = np.zeros_like(ink)
    bar[110:112, 100:130] = 0.6
    np.testing.assert_allclose(prepare.without_ruled_lines(ink), bar, atol=1e-6)


# Finding the ink.

def test_a_thin_light_pen_on_a_mid_grey_canvas_is_light_ink():
    canvas = np.full((300, 400), 150, np.float32)
    canvas[150:152, 100:300] = 255
    ink, _ = prepare.find_ink(canvas)
    assert ink[150:152, 120:280].min() > 0.3 and ink[:100].max() < 0.01


@pytest.mark.parametrize("side", [200, 300])
def test_camera_grain_alone_on_a_small_picture_is_blank(side):
    """Pictures from 200 pixels up are smoothed a little before the ink is judged, so that grain alone is not."""
    rng = np.random.default_rng(side)
    grain = np.clip(180 + 6 * rng.standard_normal((side, side)), 0, 255).astype(np.float32)
    with pytest.raises(InputError, match=re.escape(prepare.BLANK)):
        prepare.prepare_image(grain)


def test_a_real_mnist_digit_given_as_a_picture_comes_back_as_itself():
    for digit in the_digits():
        pixels, others = prepare.prepare_image(digit.astype(np.float32))
        assert others == 0
        assert np.corrcoef(pixels.ravel(), digit.ravel())[0, 1] > 0.99


# Each step, as the playground shows it.

def test_each_step_can_be_left_out_and_each_is_returned():
    digit = the_digits()[0]
    picture = np.zeros((40, 60), np.float32)
    picture[6:34, 16:44] = digit
    picture[2:4, 2:4] = 255  # A speck of light: no digit, and left out.
    steps = prepare.prepare_steps(picture)
    assert steps["ink"].shape == picture.shape and steps["ink"].min() == 0 and steps["ink"].max() <= 1
    assert max(steps["scaled"].shape) == 20 and steps["pixels"].max() == 1
    whole = prepare.prepare_steps(picture, crop=False)
    np.testing.assert_array_equal(whole["cropped"], steps["ink"])
    assert whole["scaled"].shape == (13, 20)  # The whole picture, 40 by 60, scaled to 20 on its longer side.
    cornered = prepare.prepare_steps(picture, centre=False)["pixels"]
    height, width = steps["scaled"].shape
    np.testing.assert_array_equal(cornered[:height, :width], steps["scaled"] / steps["scaled"].max())
    assert not cornered[height:].any() and not cornered[:, width:].any()
    np.testing.assert_allclose(prepare.prepare_steps(picture, scale=False)["pixels"], 255 * steps["pixels"],
                               rtol=1e-6)


# Reading a large picture of any kind.

LINES = [500, 701, 902, 1103, 1304, 1505]  # Rows of thin lines, each at another place between the rows kept.
SEE_THROUGH = ("PA", "P with a see-through colour", "L with a see-through colour", "RGBA")


def large_picture(mode):
    """A picture 2000 pixels square holding thin lines 2 pixels thick, in this mode, read from a PNG file (but
    "PA", which PNG does not hold): dark lines on white paper, or for modes with a see-through part, lines on
    see-through paper."""
    lines = np.zeros((2000, 2000), bool)
    for row in LINES:
        lines[row:row + 2, 300:1700] = True
    if mode in ("PA", "P with a see-through colour"):
        image = PIL.Image.fromarray(np.uint8(lines)).convert("P")  # Index 0 the paper, 1 the lines: both black.
        image.putpalette([0, 0, 0] * 256)
        if mode == "PA":
            image = image.convert("PA")
            image.putalpha(PIL.Image.fromarray(255 * np.uint8(lines)))
            return image
        image.info["transparency"] = 0
    elif mode == "I;16":
        image = PIL.Image.fromarray(np.where(lines, 10000, 50000).astype(np.uint16))
    elif mode == "RGBA":
        rgba = np.zeros((2000, 2000, 4), np.uint8)
        rgba[..., 3] = 255 * lines
        image = PIL.Image.fromarray(rgba)
    else:
        image = PIL.Image.fromarray(np.where(lines, 0, 255).astype(np.uint8)).convert(mode.split()[0])
        if mode == "L with a see-through colour":
            image.info["transparency"] = 255  # The white paper.
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return PIL.Image.open(buffer)


def shrunk_as_read(mode):
    """The large picture in this mode as read_image reads it once Pillow has opened it: shrunk in its own mode,
    then made grey values."""
    with large_picture(mode) as image:
        assert image.mode == mode.split()[0]
        return prepare.grey_values(prepare.shrunk(image))


@pytest.mark.parametrize("mode", ["1", "P", *SEE_THROUGH, "I;16"])
def test_a_large_picture_of_any_kind_keeps_its_thin_lines_as_it_is_shrunk(mode):
    """Shrunk to 600 pixels, each line is about two thirds of a pixel thick: it is kept, and as soft as the same
    line in a plain grey picture (which see-through paper shows the other way round: the lines are what is
    opaque), not dropped or made solid by keeping the nearest pixel."""
    grey = shrunk_as_read(mode)
    assert grey.shape == (600, 600)
    paper = np.median(grey)
    for row in LINES:
        near = grey[row * 600 // 2000 - 2:row * 600 // 2000 + 3, 150:450]
        assert np.abs(near - paper).max(axis=0).min() > 40, (mode, row)
    if mode != "I;16":
        plain = shrunk_as_read("L")
        np.testing.assert_allclose(grey, 255 - plain if mode in SEE_THROUGH else plain, atol=2)


def test_a_16_bit_picture_is_read_on_its_own_scale_white_as_255_and_nearly_black_as_nearly_0():
    for top in (199, 65535):
        buffer = io.BytesIO()
        PIL.Image.fromarray(np.linspace(0, top, 200).astype(np.uint16).reshape(10, 20)).save(buffer, "PNG")
        grey = prepare.read_image(buffer)
        assert grey.max() == pytest.approx(top * 255 / 65535, rel=1e-7)
