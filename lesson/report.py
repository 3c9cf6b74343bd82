"""The held-out check and the debugging table printed after training, and how numbers are printed.

Keras' accuracy for one output counts an output above 0.5 as "five", halfway
between the labels 0 and 1; so does everything here.
"""

import math
import textwrap

import lesson.quiet  # noqa: F401  Before Keras: it keeps TensorFlow's start-up lines off the screen.

import keras
import numpy as np

# The debugging table prints this many outputs for fives, and as many for other digits.
OUTPUTS_SHOWN_PER_KIND = 4


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


def plural(count, noun):
    """Such as "1 epoch" or "10 epochs"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def output_range(lowest, highest):
    """Such as "0.0002 .. 0.9991", or "nan" when no output was a number."""
    return "nan" if math.isnan(lowest) else f"{number(lowest)} .. {number(highest)}"


def model_name(model):
    """Such as "Sigmoid perceptron", from the activation of its one unit."""
    return f"{model.layers[-1].activation.__name__.capitalize()} perceptron"


def always_not_five(y_test):
    """The accuracy of always answering "not five": the share of the digits that are not fives."""
    return float(np.mean(y_test == 0))


def count_fives(outputs, y_test):
    """The 2x2 table for "five" on held-out digits, with accuracy, precision and recall.

    Precision or recall is None when it is 0 / 0: no digit was called five,
    or there are no fives.
    """
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


def outputs(model, images):
    """The model's one output for each image.

    Calling the model on all the images at once is one multiplication of a
    matrix by a vector here, quicker than model.predict, which compiles a
    function for each new model (and warns when it has to do so often).
    """
    return keras.ops.convert_to_numpy(model(images))[:, 0]


def training_range(history):
    """The lowest and highest output of all the training epochs, or (nan, nan) if none was a number."""
    lowest = np.array(history["lowest_output"], dtype=float)
    highest = np.array(history["highest_output"], dtype=float)
    numbers = ~np.isnan(lowest)
    if not numbers.any():
        return math.nan, math.nan
    return float(lowest[numbers].min()), float(highest[numbers].max())


def paragraph(*sentences):
    """Sentences as a paragraph of lines at most 88 characters long, after a blank line."""
    return ["", textwrap.fill(" ".join(sentences), width=88)]


# What the linear unit's report suggests; the playground, which has no scripts, says its own.
SIGMOID_FIX = "see perceptron-sigmoid.py"


def show(model, history, x_test, y_test, digits_test):
    """Print the held-out check and the lecture's debugging step for a script's trained model."""
    print(held_out_check(
        outputs(model, x_test), y_test, digits_test, history.history, model.layers[-1].activation.__name__,
        float(model.optimizer.learning_rate), steps=history.params["epochs"] * history.params["steps"],
    ))


def held_out_check(said, y_test, digits_test, history, activation, learning_rate, steps, fix=SIGMOID_FIX):
    """The report's lines: how the fives fared, some outputs printed, and what they say.

    said holds the model's outputs on the held-out digits, y_test their labels
    (1 for five) and digits_test the digits they show; history holds each
    training epoch's "loss", "lowest_output" and "highest_output"; steps is
    how many SGD steps training took. lesson/report.js prints the same words.
    """
    counts = count_fives(said, y_test)
    fives = counts["found"] + counts["missed"]
    said_five = counts["found"] + counts["false"]
    baseline = always_not_five(y_test)
    hardly = counts["accuracy"] <= baseline + 0.01  # Hardly better than always answering "not five".

    # Only one digit in ten is a five, so accuracy alone hides how the fives fare.
    of_them = f"{fives:,} of them fives" if fives else "none of them fives"
    lines = ["", f"Held-out check, on {len(said):,} digits it never trained on, {of_them}:"]
    if not fives:
        lines.append(f"  With no fives among them, only its mistakes can be counted: it called "
                     f"{said_five:,} of them five.")
        lines.append(f"  Accuracy {percent(counts['accuracy'])} ({counts['correct']:,} right), where always "
                     f"answering \"not five\" scores {percent(baseline)}.")
    elif hardly and not counts["found"]:
        lines.append(f"  It found 0 of the {fives:,} fives: no better than always answering \"not five\".")
        # The lecture's words are about its linear model.
        lecture = "This is the lecture's \"very low accuracy\": " if activation == "linear" else ""
        lines.append(f"  {lecture}{percent(counts['accuracy'])} sounds high, but always answering \"not five\" "
                     f"scores {percent(baseline)}.")
    else:
        lines.append(f"  It found {counts['found']:,} of the {fives:,} fives (recall {percent(counts['recall'])}).")
        if said_five:
            digits, were = "digit" if said_five == 1 else "digits", "was a five" if counts["found"] == 1 else "were fives"
            lines.append(f"  Of the {said_five:,} {digits} it called five, {counts['found']:,} {were} "
                         f"(precision {percent(counts['precision'])}).")
        lines.append(f"  Accuracy {percent(counts['accuracy'])} ({counts['correct']:,} right), against "
                     f"{percent(baseline)} for always answering \"not five\"{': hardly better' if hardly else ''}.")

    lines += ["", 'Debugging: print the outputs. Label 1 means five; an output above 0.5 is called "five".',
              "  digit  label      output  called"]
    shown = np.sort(np.concatenate([
        np.flatnonzero(y_test == 1)[:OUTPUTS_SHOWN_PER_KIND],
        np.flatnonzero(y_test == 0)[:OUTPUTS_SHOWN_PER_KIND],
    ]))
    for index in shown:
        called = "five" if said[index] > 0.5 else "not five"
        wrong = " (wrong)" if (said[index] > 0.5) != (y_test[index] == 1) else ""
        lines.append(f"  {digits_test[index]:>5}  {int(y_test[index]):>5}  {number(said[index]):>10}  {called}{wrong}")

    finite = said[np.isfinite(said)]
    if finite.size == len(said) and 0 <= finite.min() and finite.max() <= 1:
        squashed = ": the sigmoid squashes each weighted sum into 0..1" if activation == "sigmoid" else ""
        lines += paragraph(f"Every output on the held-out digits is between 0 and 1, from {number(finite.min())} "
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
        elif finite.size < len(said):
            sentences.append(f"Now {len(said) - finite.size:,} of them are nan or inf.")
        else:
            sentences.append(f"On the held-out digits they run from {number(finite.min())} "
                             f"to {number(finite.max())}.")
        if activation != "sigmoid":
            sentences.append(f"A sigmoid squashes every output into 0..1: {fix}.")
        lines += paragraph(*sentences)

    rate = f"{learning_rate:g}"
    if activation == "sigmoid" and hardly and fives:
        lines += paragraph(
            f"It has hardly learned, in {steps:,} SGD steps at learning rate {rate}. Too few steps, or",
            "steps too small, take too long; steps that are too large push the outputs to 0 or 1, where",
            "the sigmoid is flat and later steps hardly move them. The scripts' settings, 10 epochs in",
            "batches of 32 at learning rate 0.5, suit it.",
        )
    if activation == "linear" and not np.all(np.isfinite(history["loss"])):
        lines += paragraph(
            "Why it never learns: with mean squared error, each SGD step is proportional to the error,",
            "the output minus the label. A linear output has no limit, so at learning rate",
            f"{rate} one step can overshoot the good weights (as the lecture",
            'puts it, "skip over the optimal weights"). The next error is then larger, and so is the next',
            "step: the outputs swing from sign to sign and grow until they overflow. A sigmoid keeps every",
            "output, and so every error, within 0..1, so every step stays bounded. A linear unit learns",
            "only with much smaller steps, such as a learning rate of 0.01.",
        )
    return "\n".join(lines)
