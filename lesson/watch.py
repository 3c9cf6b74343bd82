"""What training shows: the range of the outputs, a line per epoch, and the weights after each epoch.

The lecture's debugging step is to print the model's outputs. OutputRange
watches them inside Keras' compiled training step, so it sees every batch;
EpochLine prints it, with the accuracy and loss, once an epoch.
"""

import math
import os

import lesson.quiet  # noqa: F401  Before Keras: it keeps TensorFlow's start-up lines off the screen.
from lesson import command_line, report

import keras

# How many batches of SGD Keras hands the backend in one call. A call costs far
# more than one batch's arithmetic for a model this small, so a whole epoch per
# call is fastest: on 60,000 digits an epoch takes about a third of the time it
# takes at 8 per call. The steps, and so every number, are the same, and the
# output range still sees every batch. Keras runs at most one epoch per call,
# however large the number; its PyTorch backend takes only 1.
BATCHES_PER_CALL = 1 if keras.backend.backend() == "torch" else 1_000_000

# Checking the held-out digits in batches of this many is faster than in the
# training batches of 32, and gives the same outputs.
HELD_OUT_BATCH = 1024


class OutputRange(keras.metrics.Metric):
    """The lowest and highest output since the last reset that are numbers.

    Keras starts its metrics afresh each epoch, so this is the range of one
    epoch's outputs. nan and inf are passed over; when no output was a number
    at all, both are nan. Keras logs them as lowest_output and highest_output,
    and as val_lowest_output and val_highest_output for the held-out digits.
    """

    def __init__(self, name="output_range", **kwargs):
        super().__init__(name=name, **kwargs)
        # Start from what any number beats.
        self.lowest = self.add_variable(shape=(), initializer=keras.initializers.Constant(math.inf), name="lowest")
        self.highest = self.add_variable(shape=(), initializer=keras.initializers.Constant(-math.inf), name="highest")

    def update_state(self, y_true, y_pred, sample_weight=None):
        outputs = keras.ops.cast(y_pred, self.dtype)
        numbers = keras.ops.isfinite(outputs)
        self.lowest.assign(keras.ops.minimum(self.lowest.value, keras.ops.min(
            keras.ops.where(numbers, outputs, math.inf))))
        self.highest.assign(keras.ops.maximum(self.highest.value, keras.ops.max(
            keras.ops.where(numbers, outputs, -math.inf))))

    def reset_state(self):
        self.lowest.assign(math.inf)
        self.highest.assign(-math.inf)

    def result(self):
        # Still infinite: not one output was a number.
        return {name: keras.ops.where(keras.ops.isfinite(bound.value), bound.value, math.nan)
                for name, bound in [("lowest_output", self.lowest), ("highest_output", self.highest)]}


class EpochLine(keras.callbacks.Callback):
    """Prints one plain line per epoch. No progress bar, so a log file stays clean."""

    def on_epoch_end(self, epoch, logs=None):
        epochs = self.params["epochs"]
        print(
            f"Epoch {epoch + 1:>{len(str(epochs))}}/{epochs}: "
            f"accuracy {report.percent(logs['accuracy'])}, loss {report.number(logs['loss'])}, "
            f"outputs {report.output_range(logs['lowest_output'], logs['highest_output'])}  |  "
            f"held-out accuracy {report.percent(logs['val_accuracy'])}, loss {report.number(logs['val_loss'])}",
            flush=True,
        )


class WeightFrames(keras.callbacks.Callback):
    """Keeps the 784 weights before training and after each epoch, for weights.gif.

    After fit(), .frames holds (epoch, weights, held-out accuracy) for each,
    epoch 0 being before training. Copying 785 numbers once an epoch costs
    microseconds.
    """

    def __init__(self):
        super().__init__()
        self.frames = []

    def on_train_begin(self, logs=None):
        self.frames = [(0, self.model.layers[-1].get_weights()[0][:, 0], None)]

    def on_epoch_end(self, epoch, logs=None):
        self.frames.append((epoch + 1, self.model.layers[-1].get_weights()[0][:, 0], logs.get("val_accuracy")))


class CsvFile(keras.callbacks.CSVLogger):
    """Keras' CSVLogger, except that a file it cannot write ends the run with one line naming it."""

    def on_train_begin(self, logs=None):
        with command_line.writing(self.filename):
            super().on_train_begin(logs)
        print(f"Each epoch's numbers go to {os.path.abspath(self.filename)}.")

    def on_epoch_end(self, epoch, logs=None):
        with command_line.writing(self.filename):
            super().on_epoch_end(epoch, logs)


def callbacks(frames, csv_path=None):
    """What model.fit calls after each epoch: a printed line, the weights kept in frames (a
    WeightFrames) for weights.gif, and a row of csv_path if there is one."""
    return [EpochLine(), frames, *([CsvFile(csv_path)] if csv_path else [])]
