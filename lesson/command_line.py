"""The command line: the flags and their checks, the files a run writes, and one line for bad input.

A wrong flag, a bad file or a file that cannot be written ends the run with
one line saying what is wrong and what to do, and exit code 2: never a
traceback, and never a learner's file lost.
"""

import argparse
import contextlib
import errno
import json
import math
import os
import sys
import zipfile


class InputError(Exception):
    """Bad input from the learner. The message says what is wrong and what to do."""


class OneLineErrorParser(argparse.ArgumentParser):
    def error(self, message):
        # argparse would print the whole usage first; one line is easier to read.
        self.exit(2, f"{self.prog}: error: {message}. See --help.\n")


# The largest values the flags accept. Anything larger is surely a typo, and
# would train for days or mean nothing.
MOST_EPOCHS = 1000
LARGEST_BATCH = 100_000
LARGEST_LEARNING_RATE = 1000


def whole_number(lowest, highest):
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


def rate(text):
    """An argparse type: a learning rate."""
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
    leaves out --csv, --save-model and --no-plots, for compare.py and
    experiments.py, and `experiments` names the choices of experiments.py's
    first argument. The folders the run writes into are made now, before any
    training time is spent.
    """
    parser = OneLineErrorParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    if experiments:
        parser.add_argument("experiment", choices=experiments, help="which experiment to run")
    parser.add_argument(
        "--data", metavar="PATH",
        help="an MNIST .npz file (x_train, y_train, x_test, y_test), or 'sample' for the 5,000 real digits in "
        "lesson/mnist-sample.npz (default: Keras' MNIST download, or the sample when that fails)",
    )
    parser.add_argument("--epochs", type=whole_number(1, MOST_EPOCHS), default=epochs,
                        help="passes over the training digits (default: %(default)s)")
    if batch_size is not None:
        parser.add_argument("--batch-size", type=whole_number(1, LARGEST_BATCH), default=batch_size,
                            help="digits per SGD step (default: %(default)s)")
    if learning_rate is not None:
        parser.add_argument("--learning-rate", type=rate, default=learning_rate,
                            help="size of each SGD step (default: %(default)s)")
    parser.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=seed,
                        help="seed for the starting weights and the shuffling (default: %(default)s)")
    parser.add_argument(
        "--out", metavar="DIR", default=os.path.join("runs", os.path.splitext(os.path.basename(script))[0]),
        help="folder for the pictures; other files in it are left alone (default: %(default)s)",
    )
    if one_model:
        parser.add_argument("--no-plots", action="store_true", help="skip the pictures")
        parser.add_argument(
            "--csv", metavar="PATH",
            help="also write each epoch's numbers to this CSV file (epochs counted from 0, accuracies as fractions)",
        )
        parser.add_argument("--save-model", metavar="PATH",
                            help="also save the trained model to this .keras file, for predict.py and draw.py")
    args = parser.parse_args(argv)

    def check(flag, problem):
        if problem:
            parser.error(f"argument {flag}: {problem}")

    # The files a run writes: each a file, in a folder that is there, and only ever one a run wrote before.
    for flag, path, why_not_ours in [("--csv", getattr(args, "csv", None), why_not_our_csv),
                                     ("--save-model", getattr(args, "save_model", None), why_not_our_model)]:
        if path is not None:
            check(flag, why_not_a_file_name(path) or make_folder(os.path.dirname(path) or ".") or why_not_ours(path))
    if not getattr(args, "no_plots", False):
        check("--out", make_folder(args.out))
    return args


def why_not_a_file_name(path):
    if not path:
        return "give the name of a file"
    if os.path.isdir(path):
        return f"{path} is a folder; give a file name in it"
    return None


def why_not_our_csv(path):
    """A --csv file is replaced on every run: only ever replace one an earlier run wrote."""
    if not os.path.isfile(path):
        return None  # Nothing there, or not a file of the learner's, such as /dev/stdout.
    try:
        with open(path, "rb") as file:
            start = file.read(6)
    except OSError as error:
        return f"{path} cannot be read ({why(error)}); choose another path"
    if start in (b"epoch,", b""):
        return None
    return f"{path} already exists and is not a CSV an earlier run wrote; choose another name"


def why_not_our_model(path):
    """--save-model replaces a model an earlier run saved, and nothing else."""
    if not path.endswith(".keras"):
        return f"{path} does not end in .keras; Keras saves models as NAME.keras"
    try:
        with zipfile.ZipFile(path) as archive:
            layers = [layer["class_name"] for layer in json.loads(archive.read("config.json"))["config"]["layers"]]
    except FileNotFoundError:
        return None
    except (OSError, zipfile.BadZipFile, KeyError, TypeError, ValueError):
        layers = None
    if layers == ["InputLayer", "Flatten", "Dense"]:
        return None
    return f"{path} already exists and is not a model these scripts saved; choose another name"


def make_folder(folder):
    """Make folder, and any folder above it, unless they exist. Say why not, if it fails."""
    if not folder:
        return "give the name of a folder"
    try:
        os.makedirs(folder, exist_ok=True)
    except FileExistsError:
        return f"{folder} is a file, not a folder; choose a folder"
    except OSError as error:
        return f"{folder} cannot be made ({why(error)}); choose another folder"
    return None


def why(error):
    """Why a file could not be written, in a few words, such as "the disk is full"."""
    return {errno.ENOSPC: "the disk is full", errno.EISDIR: "it is a folder",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied", errno.ENOTDIR: "a folder on its path is a file",
            errno.EROFS: "the disk is read-only"}.get(error.errno, error.strerror or str(error))


@contextlib.contextmanager
def writing(path):
    """Turn a failure to write path into the learner's one line, naming the file."""
    try:
        yield
    except OSError as error:
        raise InputError(f"{path} could not be written ({why(error)}); choose another path") from None


def print_written(heading, paths):
    """Name the files a run wrote under heading, such as "Pictures written:", as paths that
    open from any folder."""
    print()
    print(heading)
    for path in paths:
        print(f"  {os.path.abspath(path)}")


def run(main, argv=None):
    """Run a program's main(): bad input gets one line and exit code 2, Ctrl-C exit code 130.

    The same goes for output that stops being read, as when it is piped to
    `head`: Python would print a BrokenPipeError.
    """
    try:
        result = main(argv)
        sys.stdout.flush()  # Here, where a closed pipe can still be caught.
        return result
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("\nStopped by Ctrl-C.", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        stopped_by_a_closed_pipe()
    except SystemExit as exit:
        # Keras' model summary, which rich prints, ends a run quietly when the pipe closes under it.
        if not isinstance(exit.__context__, BrokenPipeError):
            raise
        stopped_by_a_closed_pipe()


def stopped_by_a_closed_pipe():
    # Nothing more can be printed: let Python's last flush of the output go nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    print("Stopped: the program reading the output (such as head) closed it. Files written so far are kept.",
          file=sys.stderr)
    sys.exit(1)
