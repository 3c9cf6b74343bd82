"""The data loader against 300 generated files, and predict.py's image reader (lesson/prepare.py)
against 200 images of real digits, whole or damaged, and random bytes. A
valid file must be read; anything else may be refused, with its own clear
one-line error. Nothing else may escape."""

import contextlib
import io
import pathlib
import tempfile
import zipfile

from lesson import command_line, data, prepare

import numpy as np
import PIL.Image
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

KEYS = ["x_train", "y_train", "x_test", "y_test"]
DTYPES = ["uint8", "int16", "int64", "float32", "float64", "bool", "complex64", "<U2", "object"]
SPECIAL_VALUES = [0, 1, 5, 9, 10, 255, 256, -1, 0.5, np.nan, np.inf, -np.inf, 1e30]


@st.composite
def arrays(draw, images):
    count = draw(st.integers(0, 4))
    if images:
        shape = draw(st.sampled_from([(count, 28, 28), (count, 28, 28), (count, 784), (count, 28, 27), (28, 28),
                                      (count, 28, 28, 1), ()]))
    else:
        shape = draw(st.sampled_from([(count,), (count,), (count, 1), (), (count + 1,)]))
    dtype = draw(st.sampled_from(DTYPES))
    fill = draw(st.sampled_from(SPECIAL_VALUES + ["random"]))
    size = int(np.prod(shape))
    if fill == "random":
        values = np.random.default_rng(draw(st.integers(0, 2**16))).integers(0, 256 if images else 10, size)
    else:
        values = np.full(size, fill)
    if dtype == "object":
        return np.array(list(values) + [None], dtype=object)[:size].reshape(shape)
    with np.errstate(invalid="ignore", over="ignore"):
        return values.astype(dtype).reshape(shape)


@st.composite
def valid_arrays(draw, images, count):
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    dtype = draw(st.sampled_from(["uint8", "int64", "float32", "float64"]))
    if images:
        return rng.integers(0, 256, (count, 28, 28)).astype(dtype)
    return rng.integers(0, 10, count).astype(dtype)


@st.composite
def npz_files(draw):
    """An .npz's bytes, and, when it is a valid MNIST file, the number of training and held-out digits in it."""
    contents = {}
    spoiled = draw(st.sampled_from([None] * 4 + KEYS))  # At most one key of an otherwise valid file...
    wild = draw(st.integers(0, 3)) == 2  # ...or every key drawn at random.
    counts = {"train": draw(st.integers(1, 4)), "test": draw(st.integers(1, 4))}
    missing = False
    for key in KEYS:
        if draw(st.integers(0, 19)) == 7:  # Now and then a key is missing.
            missing = True
            continue
        if wild or key == spoiled:
            contents[key] = draw(arrays(images=key.startswith("x")))
        else:
            contents[key] = draw(valid_arrays(key.startswith("x"), counts[key.split("_")[1]]))
    if draw(st.booleans()):
        contents["notes"] = np.arange(3)  # Extra keys are fine.
    buffer = io.BytesIO()
    np.savez(buffer, **contents)
    data = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "flip" and data:
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1:]
    valid = not (wild or spoiled or missing) and damage == "none"
    return data, (counts["train"], counts["test"]) if valid else None


def zip_with(member, payload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, payload)
    return buffer.getvalue()


files = st.one_of(
    npz_files(),
    npz_files(),
    st.tuples(st.binary(max_size=2000), st.none()),
    st.tuples(st.builds(zip_with, st.sampled_from(["x_train.npy", "y_test.npy", "notes.txt"]),
                        st.binary(max_size=300)), st.none()),
)

FOLDER = pathlib.Path(tempfile.mkdtemp(prefix="loader-fuzz-"))


def damaged_header():
    """A valid file whose x_train header has one byte changed: numpy raised a TokenError for it."""
    buffer = io.BytesIO()
    np.savez(buffer, x_train=np.zeros((1, 28, 28), np.uint8), y_train=np.zeros(1, np.uint8),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.zeros(1, np.uint8))
    data = buffer.getvalue()
    brace = data.index(b"{'descr'")
    return data[:brace] + b"\x84" + data[brace + 1:]


# derandomize: the same files on every run, so that CI never fails by luck. How many: conftest.py's profiles.
@settings(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(files)
@example((damaged_header(), None))
def test_loader_accepts_valid_files_and_refuses_the_rest_clearly(file):
    contents, valid = file
    path = FOLDER / "digits.npz"
    path.write_bytes(contents)
    try:
        digits = data.load_npz(path, "--data digits.npz")
    except command_line.InputError as error:
        assert valid is None, f"a valid file was refused: {error}"
        message = str(error)
        assert message.startswith("--data digits.npz") and "\n" not in message
        event("refused: " + message.split(": ", 1)[-1].split(";")[0][:40])
        return
    event("accepted")
    if valid:
        assert (len(digits[0][0]), len(digits[1][0])) == valid
    for images, labels in digits:
        assert images.ndim == 3 and images.shape[1:] == (28, 28) and len(images) > 0
        assert np.all(np.isfinite(images)) and images.min() >= 0 and 1 < images.max() <= 255
        assert labels.shape == (len(images),) and labels.dtype == np.int64
        assert set(np.unique(labels)) <= set(range(10))


with contextlib.redirect_stdout(io.StringIO()):
    DIGITS = data.load_sample()[0][0][:50]  # Real MNIST digits, white on black, 28x28.


def image_bytes(index, size, style, kind, mode):
    """A real digit saved as a person might: any size, either way round, in several formats."""
    pixels = DIGITS[index] if style == "white on black" else 255 - DIGITS[index]
    image = PIL.Image.fromarray(pixels).resize((size, size), PIL.Image.Resampling.BILINEAR).convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


@st.composite
def image_files(draw):
    kind = draw(st.sampled_from(["PNG", "JPEG", "GIF", "BMP"]))
    mode = draw(st.sampled_from(["L", "RGB"] + (["RGBA", "LA"] if kind == "PNG" else [])))
    data = image_bytes(draw(st.integers(0, len(DIGITS) - 1)), draw(st.integers(16, 200)),
                       draw(st.sampled_from(["white on black", "dark on white"])), kind, mode)
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif damage == "flip":
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + bytes([data[position] ^ draw(st.integers(1, 255))]) + data[position + 1:]
    return data, damage


@settings(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(image_files(), st.tuples(st.binary(max_size=500), st.just("not an image"))))
def test_predict_answers_every_whole_digit_image_and_refuses_only_damaged_ones_clearly(file):
    data, damage = file
    path = FOLDER / "drawing"
    path.write_bytes(data)
    try:
        pixels, _ = prepare.prepare_image(prepare.read_image(path))
    except command_line.InputError as error:
        assert damage != "none", f"a whole image was refused: {error}"
        assert "\n" not in str(error)
        event("refused: " + str(error)[:30])
        return
    event("read")
    assert pixels.shape == (28, 28) and pixels.dtype == np.float32
    assert np.all(np.isfinite(pixels)) and pixels.min() >= 0 and pixels.max() == 1
