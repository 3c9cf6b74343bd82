"""Experiments that let you watch the lecture's claims about training happen.

    python experiments.py learning-rate
    python experiments.py data-preparation
    python experiments.py more-data

learning-rate: "too slow ... will take too long to learn the optimal weights",
and "too fast we may skip over the optimal weights". Both perceptrons train at
learning rates from 0.001 to 10 on four fifths of the training digits, and are
checked on the last fifth, the tuning digits. The rate that does best there is
chosen, and only that model is checked, once, on the held-out digits: choosing
on the held-out digits would make their score look better than it is.

data-preparation: both perceptrons train on raw 0..255 pixels, and on pixels
scaled to 0..1: the sigmoid at the scripts' learning rate of 0.5, the linear
unit at 0.01, where it learns from scaled pixels.

more-data: the sigmoid perceptron trains on the first sixteenth, eighth,
quarter and half of the training digits, and on all of them: 250 to 4,000 of
the bundled sample, 3,750 to 60,000 of MNIST. Each size gets the same number of
SGD steps, so a small set is gone over more often: only the amount of data
changes, not the amount of training.

Each experiment prints a table, a row as soon as it is measured, and saves a
picture into --out. It uses the scripts' own data preparation, model and
settings, so what it shows is what they do; only the per-epoch lines are left
out.
"""

import functools
import os

from lesson import command_line, data, pictures, report, scripts, watch  # First: it quiets TensorFlow.
from lesson.command_line import InputError

import numpy as np
from matplotlib.figure import Figure

single = scripts.load("perceptron-single.py")
sigmoid = scripts.load("perceptron-sigmoid.py")

EXPERIMENTS = ["learning-rate", "data-preparation", "more-data"]
LEARNING_RATES = [0.001, 0.01, 0.03, 0.1, 0.5, 1.0, 3.0, 10.0]  # 0.5 is the scripts' rate
TRAINING_PARTS = [16, 8, 4, 2, 1]  # The first 1/16, 1/8, 1/4, 1/2 and all of the training digits
TUNING_PART = 5  # learning-rate chooses on the last fifth of the training digits, the tuning digits
EPOCHS = sigmoid.EPOCHS
# Each model's rate for data-preparation: one at which it learns from scaled
# pixels. The linear unit blows up at the scripts' 0.5 whatever the pixels.
DATA_PREPARATION_RATES = {single.__name__: 0.01, sigmoid.__name__: sigmoid.LEARNING_RATE}


@functools.cache
def name_of(script):
    """What the tables and pictures call a script's model, such as "Sigmoid perceptron"."""
    return report.model_name(script.build_model(1.0))


def train(script, data, learning_rate, epochs, seed):
    """Train one model the way its script does. Return its accuracy on data's test digits and whether
    it blew up, and the model.

    The held-out digits are checked once, at the end, not after every epoch:
    the training is the same, and a small set trained for many epochs is far
    faster.
    """
    model = scripts.train_quietly(script, *data, learning_rate, epochs, seed, check_every_epoch=False)
    _, _, x_test, y_test = data
    return {"accuracy": accuracy(model, x_test, y_test), "blew_up": not np.all(np.isfinite(model.history.history["loss"]))}, model


def accuracy(model, x_test, y_test):
    return model.evaluate(x_test, y_test, batch_size=watch.HELD_OUT_BATCH, verbose=0, return_dict=True)["accuracy"]


def prepared(script, digits, scale=True):
    """The script's own preparation; with scale=False the pixels go back to 0..255."""
    (x_train, digits_train), (x_test, digits_test) = digits
    x_train, y_train = script.prepare(x_train, digits_train)
    x_test, y_test = script.prepare(x_test, digits_test)
    if not scale:
        x_train, x_test = np.round(x_train * 255), np.round(x_test * 255)
    return x_train, y_train, x_test, y_test


def split_off_tuning_digits(x_train, y_train):
    """The training digits in two: the first four fifths to train on, and the last fifth, the tuning digits,
    to choose the learning rate on. Returns (x, y) for each."""
    cut = len(x_train) - len(x_train) // TUNING_PART
    return (x_train[:cut], y_train[:cut]), (x_train[cut:], y_train[cut:])


def short(result):
    return report.percent(result["accuracy"]) + (" blew up" if result["blew_up"] else "")


def learning_rate_results(digits, epochs, seed, rates):
    """Both perceptrons at each rate, checked on the tuning digits, printed a row per rate; then each
    model's best rate, checked once on the held-out digits.

    Returns {"tuning": {model name: [result for each rate]}, "chosen": {model name: {"rate": the
    best rate, "accuracy": its held-out accuracy}}}.
    """
    data = {script: prepared(script, digits) for script in (single, sigmoid)}
    tuning = {name_of(script): [] for script in data}
    best = {}
    print(f"{'learning rate':>13}" + "".join(f"{name:>22}" for name in tuning))
    for rate in rates:
        for script, (x_train, y_train, _, _) in data.items():
            (x_four_fifths, y_four_fifths), (x_tuning, y_tuning) = split_off_tuning_digits(x_train, y_train)
            result, model = train(script, (x_four_fifths, y_four_fifths, x_tuning, y_tuning), rate, epochs,
                                  seed)
            tuning[name_of(script)].append(result)
            # A model that blew up is no candidate, however its nan outputs happen to score.
            if not result["blew_up"] and (script not in best or result["accuracy"] > best[script]["tuning"]):
                best[script] = {"rate": rate, "tuning": result["accuracy"], "weights": model.get_weights()}
        print(f"{rate:>13g}" + "".join(f"{short(runs[-1]):>22}" for runs in tuning.values()), flush=True)

    print()
    chosen = {}
    for script, choice in best.items():
        _, _, x_test, y_test = data[script]
        model = scripts.COMPILED[script.__name__]  # Trained again since; its best weights were kept.
        model.set_weights(choice["weights"])
        chosen[name_of(script)] = {"rate": choice["rate"], "accuracy": accuracy(model, x_test, y_test)}
        print(f"{name_of(script)}: best at {choice['rate']:g} on the tuning digits; checked once on the "
              f"held-out digits, {report.percent(chosen[name_of(script)]['accuracy'])}.")
    return {"tuning": tuning, "chosen": chosen}


def data_preparation_results(digits, epochs, seed):
    """{model name: {"raw 0..255": result, "scaled 0..1": result}}, each at its DATA_PREPARATION_RATES."""
    results = {}
    print(f"{'':<20}{'learning rate':>14}{'raw 0..255':>16}{'scaled 0..1':>16}")
    for script in (single, sigmoid):
        rate = DATA_PREPARATION_RATES[script.__name__]
        runs = {label: train(script, prepared(script, digits, scale), rate, epochs, seed)[0]
                for label, scale in [("raw 0..255", False), ("scaled 0..1", True)]}
        results[name_of(script)] = runs
        print(f"{name_of(script):<20}{rate:>14g}" + "".join(f"{short(run):>16}" for run in runs.values()),
              flush=True)
    return results


def more_data_results(digits, epochs, seed, parts):
    """[(training digits, epochs, result)] for the sigmoid perceptron, printed a row per size.

    parts: train on the first 1/part of the training digits, for each part.
    """
    x_train, y_train, x_test, y_test = prepared(sigmoid, digits)
    print(f"{'training digits':>15}{'epochs':>8}{'held-out accuracy':>19}")
    results = []
    for size in [len(x_train) // part for part in parts]:
        # The same number of SGD steps for every size: a smaller set gets more epochs.
        size_epochs = max(1, round(epochs * len(x_train) / size))
        data = (x_train[:size], y_train[:size], x_test, y_test)
        result, _ = train(sigmoid, data, sigmoid.LEARNING_RATE, size_epochs, seed)
        results.append((size, size_epochs, result))
        print(f"{size:>15,}{size_epochs:>8}{short(result):>19}", flush=True)
    return results


def draw_learning_rates(path, results, rates, baseline_accuracy):
    figure = Figure(figsize=(8, 4.8), dpi=100, layout="constrained")
    axes = figure.subplots()
    chosen, results = results["chosen"], results["tuning"]
    for name, runs in results.items():
        accuracy = [100 * run["accuracy"] for run in runs]
        line, = axes.plot(rates, accuracy, marker="o", label=name)
        blown = [rate for rate, run in zip(rates, runs) if run["blew_up"]]
        if blown:
            # A hollow marker where the loss became nan.
            axes.plot(blown, [100 * run["accuracy"] for run in runs if run["blew_up"]], "o", color=line.get_color(),
                      markerfacecolor="white")
            axes.axvline(blown[0], color=line.get_color(), linestyle=":")
            axes.annotate(f"{name.split()[0].lower()} unit blows up\nfrom {blown[0]:g} on", (blown[0], 100 * baseline_accuracy),
                          xytext=(6, 30), textcoords="offset points", fontsize=8, color=line.get_color())
    # Mark where the sigmoid works best, and where it is too slow or too fast.
    sigmoid_accuracy = np.array([run["accuracy"] for run in results[name_of(sigmoid)]])
    best = rates.index(chosen[name_of(sigmoid)]["rate"])
    # The point is its score on the tuning digits; the chosen model's held-out score is another number.
    axes.annotate(f"best on the tuning digits: {report.percent(sigmoid_accuracy[best])}\n"
                  f"that model on the held-out digits: {report.percent(chosen[name_of(sigmoid)]['accuracy'])}",
                  (rates[best], 100 * sigmoid_accuracy[best]), xytext=(0, 8), textcoords="offset points",
                  ha="center", fontsize=8)
    for index, label in [(0, "sigmoid:\ntoo slow"), (len(rates) - 1, "sigmoid:\ntoo large")]:
        if sigmoid_accuracy[index] < sigmoid_accuracy[best] - 0.01:
            axes.annotate(label, (rates[index], 100 * sigmoid_accuracy[index]), xytext=(0, 12),
                          textcoords="offset points", ha="center", fontsize=8)
    axes.axhline(100 * baseline_accuracy, color="grey", linestyle="--", label='always "not five"')
    axes.plot([], [], "o", color="grey", markerfacecolor="white", label="blew up: the loss became nan")
    axes.set_xscale("log")
    axes.set_xticks(rates, [f"{rate:g}" for rate in rates])
    axes.minorticks_off()
    top = max(100 * run["accuracy"] for runs in results.values() for run in runs)
    axes.set_ylim(100 * baseline_accuracy - 2, top + 2)
    axes.set_xlabel("learning rate")
    axes.set_ylabel("accuracy on the tuning digits (%)")
    axes.set_title("Accuracy against learning rate")
    axes.legend(fontsize=8)
    pictures.save_figure(figure, path)
    return figure


def draw_data_preparation(path, results, baseline_accuracy, rates):
    figure = Figure(figsize=(7, 4.5), dpi=100, layout="constrained")
    axes = figure.subplots()
    labels = list(next(iter(results.values())))
    width = 0.35
    for offset, label in zip((-width / 2, width / 2), labels):
        heights = [100 * results[name][label]["accuracy"] for name in results]
        bars = axes.bar(np.arange(len(results)) + offset, heights, width, label=f"{label} pixels")
        # A bar at the baseline is no success, however tall it looks.
        axes.bar_label(bars, [f"{height:.1f}%" + ("\nlearned\nnothing" if height <= 100 * baseline_accuracy + 0.5
                                                   else "") for height in heights], fontsize=8)
    axes.axhline(100 * baseline_accuracy, color="grey", linestyle="--", label='always "not five"')
    axes.set_xticks(np.arange(len(results)), [f"{name}\n(learning rate {rates[name]:g})" for name in results])
    # Start the axis at 85%: what matters is the distance from the 90% baseline.
    axes.set_ylim(85, 101)
    axes.set_ylabel("held-out accuracy (%), axis from 85")
    axes.set_title("Raw pixels against pixels scaled to 0..1")
    axes.legend(fontsize=8, loc="upper left")
    pictures.save_figure(figure, path)


def draw_more_data(path, results, baseline_accuracy):
    figure = Figure(figsize=(7, 4.5), dpi=100, layout="constrained")
    axes = figure.subplots()
    sizes = [size for size, _, _ in results]
    axes.plot(sizes, [100 * result["accuracy"] for _, _, result in results], marker="o",
              label=name_of(sigmoid))
    axes.axhline(100 * baseline_accuracy, color="grey", linestyle="--", label='always "not five"')
    axes.set_xscale("log")
    axes.set_xticks(sizes, [f"{size:,}" for size in sizes])
    axes.minorticks_off()
    axes.set_xlabel("training digits (each size gets the same number of SGD steps)")
    axes.set_ylabel("held-out accuracy (%)")
    axes.set_title("Held-out accuracy against the amount of training data")
    axes.legend(fontsize=8)
    pictures.save_figure(figure, path)


def main(argv=None):
    args = command_line.parse_arguments(
        argv, __doc__, __file__, epochs=EPOCHS, seed=sigmoid.SEED, one_model=False, experiments=EXPERIMENTS,
    )
    digits = data.load(args.data)
    (x_train, _), _ = digits
    # Each experiment trains on parts of the training digits, and no part may be empty.
    fewest = {"learning-rate": TUNING_PART, "more-data": max(TRAINING_PARTS)}.get(args.experiment, 1)
    if len(x_train) < fewest:
        raise InputError(f"{args.experiment} needs at least {fewest} training digits, and --data has "
                         f"{len(x_train):,}; use more, or --data sample")
    baseline_accuracy = report.always_not_five(prepared(sigmoid, digits)[3])
    path = os.path.join(args.out, f"{args.experiment}.png")

    if args.experiment == "learning-rate":
        x_train, y_train, _, _ = prepared(sigmoid, digits)
        (x_four_fifths, _), (x_tuning, y_tuning) = split_off_tuning_digits(x_train, y_train)
        print(f"Both perceptrons at each learning rate, {report.plural(args.epochs, 'epoch')}, seed {args.seed}. "
              f"Each trains on the first {len(x_four_fifths):,} training digits;")
        print(f"the table gives its accuracy on the other {len(x_tuning):,}, the tuning digits:")
        results = learning_rate_results(digits, args.epochs, args.seed, LEARNING_RATES)
        baseline_accuracy = report.always_not_five(y_tuning)
        print(f'Always answering "not five" scores {report.percent(baseline_accuracy)} of the tuning digits.')
        draw_learning_rates(path, results, LEARNING_RATES, baseline_accuracy)
        command_line.print_written("Picture written:", [path])
        return results
    elif args.experiment == "data-preparation":
        print(f"Both perceptrons on raw and on scaled pixels, {report.plural(args.epochs, 'epoch')}, seed {args.seed}:")
        results = data_preparation_results(digits, args.epochs, args.seed)
        rates = {name_of(script): DATA_PREPARATION_RATES[script.__name__] for script in (single, sigmoid)}
        draw_data_preparation(path, results, baseline_accuracy, rates)
    else:
        print(f"The sigmoid perceptron on more and more training digits, seed {args.seed}.")
        print(f"Each size gets as many SGD steps as {report.plural(args.epochs, 'epoch')} of all "
              f"{len(x_train):,} digits:")
        results = more_data_results(digits, args.epochs, args.seed, TRAINING_PARTS)
        draw_more_data(path, results, baseline_accuracy)

    print(f'Always answering "not five" scores {report.percent(baseline_accuracy)}.')
    command_line.print_written("Picture written:", [path])
    return results


if __name__ == "__main__":
    command_line.run(main)
