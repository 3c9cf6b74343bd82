"""Experiments that let you watch the lecture's claims about training happen.

    python experiments.py learning-rate
    python experiments.py data-preparation
    python experiments.py more-data

learning-rate: "too slow ... will take too long to learn the optimal weights",
and "too fast we may skip over the optimal weights". Both perceptrons train at
learning rates from 0.001 to 10.

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

import lesson

import numpy as np
from matplotlib.figure import Figure

single = lesson.load_script("perceptron-single.py")
sigmoid = lesson.load_script("perceptron-sigmoid.py")

EXPERIMENTS = ["learning-rate", "data-preparation", "more-data"]
LEARNING_RATES = [0.001, 0.01, 0.03, 0.1, 0.5, 1.0, 3.0, 10.0]  # 0.5 is the scripts' rate
TRAINING_PARTS = [16, 8, 4, 2, 1]  # The first 1/16, 1/8, 1/4, 1/2 and all of the training digits
EPOCHS = sigmoid.EPOCHS
# Each model's rate for data-preparation: one at which it learns from scaled
# pixels. The linear unit blows up at the scripts' 0.5 whatever the pixels.
DATA_PREPARATION_RATES = {single.__name__: 0.01, sigmoid.__name__: sigmoid.LEARNING_RATE}


@functools.cache
def name_of(script):
    """What the tables and pictures call a script's model, such as "Sigmoid perceptron"."""
    return lesson.model_name(script.build_model(1.0))


def train(script, data, learning_rate, epochs, seed):
    """Train one model the way its script does; return its held-out accuracy and whether it blew up.

    The held-out digits are checked once, at the end, not after every epoch:
    the training is the same, and a small set trained for many epochs is far
    faster.
    """
    model = lesson.train_quietly(script, *data, learning_rate, epochs, seed, check_every_epoch=False)
    _, _, x_test, y_test = data
    held_out = model.evaluate(x_test, y_test, batch_size=lesson.HELD_OUT_BATCH, verbose=0, return_dict=True)
    return {
        "accuracy": held_out["accuracy"],
        "blew_up": not np.all(np.isfinite(model.history.history["loss"])),
    }


def prepared(script, digits, scale=True):
    """The script's own preparation; with scale=False the pixels go back to 0..255."""
    (x_train, digits_train), (x_test, digits_test) = digits
    x_train, y_train = script.prepare(x_train, digits_train)
    x_test, y_test = script.prepare(x_test, digits_test)
    if not scale:
        x_train, x_test = np.round(x_train * 255), np.round(x_test * 255)
    return x_train, y_train, x_test, y_test


def baseline(digits):
    (_, _), (_, digits_test) = digits
    return float(np.mean(digits_test != 5))


def short(result):
    return lesson.percent(result["accuracy"]) + (" blew up" if result["blew_up"] else "")


def learning_rate_results(digits, epochs, seed, rates):
    """{model name: [result for each rate]} for both perceptrons, printed a row per rate."""
    data = {script: prepared(script, digits) for script in (single, sigmoid)}
    results = {name_of(script): [] for script in data}
    print(f"{'learning rate':>13}" + "".join(f"{name:>22}" for name in results))
    for rate in rates:
        for script, script_data in data.items():
            results[name_of(script)].append(train(script, script_data, rate, epochs, seed))
        print(f"{rate:>13g}" + "".join(f"{short(runs[-1]):>22}" for runs in results.values()), flush=True)
    return results


def data_preparation_results(digits, epochs, seed):
    """{model name: {"raw 0..255": result, "scaled 0..1": result}}, each at its DATA_PREPARATION_RATES."""
    results = {}
    print(f"{'':<20}{'learning rate':>14}{'raw 0..255':>16}{'scaled 0..1':>16}")
    for script in (single, sigmoid):
        rate = DATA_PREPARATION_RATES[script.__name__]
        runs = {label: train(script, prepared(script, digits, scale), rate, epochs, seed)
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
        result = train(sigmoid, data, sigmoid.LEARNING_RATE, size_epochs, seed)
        results.append((size, size_epochs, result))
        print(f"{size:>15,}{size_epochs:>8}{short(result):>19}", flush=True)
    return results


def draw_learning_rates(path, results, rates, baseline_accuracy):
    figure = Figure(figsize=(8, 4.8), dpi=100, layout="constrained")
    axes = figure.subplots()
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
    sigmoid_runs = results[name_of(sigmoid)]
    accuracy = np.array([run["accuracy"] for run in sigmoid_runs])
    best = int(np.argmax(accuracy))
    axes.annotate("best", (rates[best], 100 * accuracy[best]), xytext=(0, 8), textcoords="offset points",
                  ha="center", fontsize=8)
    for index, label in [(0, "sigmoid:\ntoo slow"), (len(rates) - 1, "sigmoid:\ntoo large")]:
        if accuracy[index] < accuracy[best] - 0.01:
            axes.annotate(label, (rates[index], 100 * accuracy[index]), xytext=(0, 12), textcoords="offset points",
                          ha="center", fontsize=8)
    axes.axhline(100 * baseline_accuracy, color="grey", linestyle="--", label='always "not five"')
    axes.plot([], [], "o", color="grey", markerfacecolor="white", label="blew up: the loss became nan")
    axes.set_xscale("log")
    axes.set_xticks(rates, [f"{rate:g}" for rate in rates])
    axes.minorticks_off()
    top = max(100 * run["accuracy"] for runs in results.values() for run in runs)
    axes.set_ylim(100 * baseline_accuracy - 2, top + 1)
    axes.set_xlabel("learning rate")
    axes.set_ylabel("held-out accuracy (%)")
    axes.set_title("Held-out accuracy against learning rate")
    axes.legend(fontsize=8)
    figure.savefig(path)


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
    figure.savefig(path)


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
    figure.savefig(path)


def main(argv=None):
    args = lesson.parse_arguments(
        argv, __doc__, __file__, epochs=EPOCHS, seed=sigmoid.SEED, one_model=False, experiments=EXPERIMENTS,
    )
    digits = lesson.load_digits(args.data)
    baseline_accuracy = baseline(digits)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{args.experiment}.png")

    if args.experiment == "learning-rate":
        print(f"Both perceptrons at each learning rate, {args.epochs} epochs, seed {args.seed}:")
        results = learning_rate_results(digits, args.epochs, args.seed, LEARNING_RATES)
        draw_learning_rates(path, results, LEARNING_RATES, baseline_accuracy)
    elif args.experiment == "data-preparation":
        print(f"Both perceptrons on raw and on scaled pixels, {args.epochs} epochs, seed {args.seed}:")
        results = data_preparation_results(digits, args.epochs, args.seed)
        rates = {name_of(script): DATA_PREPARATION_RATES[script.__name__] for script in (single, sigmoid)}
        draw_data_preparation(path, results, baseline_accuracy, rates)
    else:
        (x_train, _), _ = digits
        print(f"The sigmoid perceptron on more and more training digits, seed {args.seed}.")
        print(f"Each size gets as many SGD steps as {args.epochs} epochs of all {len(x_train):,} digits:")
        results = more_data_results(digits, args.epochs, args.seed, TRAINING_PARTS)
        draw_more_data(path, results, baseline_accuracy)

    print(f'Always answering "not five" scores {lesson.percent(baseline_accuracy)}.')
    lesson.print_written([path])
    return results


if __name__ == "__main__":
    lesson.run(main)
