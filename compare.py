"""Train both perceptrons on the same digits with the same settings, and
compare them side by side.

It uses the two scripts' own data preparation, model and settings, so what
it shows is what they do. It prints one line per model as it finishes, then a
table of held-out accuracy, precision, recall and output range, and writes
compare.png: both held-out accuracy curves on one chart, and both weight
pictures.
"""

import os

from lesson import command_line, data, pictures, report, scripts  # First: it quiets TensorFlow.

import numpy as np
from matplotlib.figure import Figure

single = scripts.load("perceptron-single.py")
sigmoid = scripts.load("perceptron-sigmoid.py")


def train_and_measure(script, digits, args):
    """Train one script's model as the script does; print one line, and return what the table needs."""
    (x_train, digits_train), (x_test, digits_test) = digits
    x_train, y_train = script.prepare(x_train, digits_train)
    x_test, y_test = script.prepare(x_test, digits_test)
    model = scripts.train_quietly(
        script, x_train, y_train, x_test, y_test, args.learning_rate, args.epochs, args.seed, args.batch_size
    )
    outputs = report.outputs(model, x_test)
    counts = report.count_fives(outputs, y_test)  # accuracy, precision, recall and the counts
    blew_up = not np.all(np.isfinite(model.history.history["loss"]))
    print(f"{report.model_name(model)}: held-out accuracy {report.percent(counts['accuracy'])} after "
          f"{report.plural(args.epochs, 'epoch')}{', and its loss became nan' if blew_up else ''}", flush=True)
    return {"model": model, "outputs": outputs, "baseline": report.always_not_five(y_test), **counts}


def print_table(results):
    names = [report.model_name(result["model"]) for result in results]

    def output_range(result, pick):
        finite = result["outputs"][np.isfinite(result["outputs"])]
        return "nan" if finite.size == 0 else report.number(pick(finite))

    def as_percent(value):
        return "n/a" if value is None else report.percent(value)

    rows = [
        ("held-out accuracy", [as_percent(result["accuracy"]) for result in results]),
        ('always "not five"', [as_percent(result["baseline"]) for result in results]),
        ("precision for five", [as_percent(result["precision"]) for result in results]),
        ("recall for five", [as_percent(result["recall"]) for result in results]),
        ("lowest output", [output_range(result, np.min) for result in results]),
        ("highest output", [output_range(result, np.max) for result in results]),
    ]
    print()
    print(f"{'':<20}" + "".join(f"{name:>20}" for name in names))
    for label, values in rows:
        print(f"{label:<20}" + "".join(f"{value:>20}" for value in values))


def save_picture(path, results):
    figure = Figure(figsize=(13, 4), dpi=100)
    accuracy_axes = figure.add_axes((0.05, 0.13, 0.33, 0.74))
    epochs = np.arange(1, len(results[0]["model"].history.history["val_accuracy"]) + 1)
    for result in results:
        accuracy = 100 * np.array(result["model"].history.history["val_accuracy"])
        accuracy_axes.plot(epochs, accuracy, marker=".", label=report.model_name(result["model"]))
    accuracy_axes.axhline(100 * results[0]["baseline"], color="grey", linestyle="--", label='always "not five"')
    accuracy_axes.set_xlabel("epoch")
    accuracy_axes.set_ylabel("held-out accuracy (%)")
    accuracy_axes.set_title("held-out accuracy per epoch", fontsize=10)
    accuracy_axes.legend(fontsize=8)
    for left, result in zip((0.44, 0.72), results):
        pictures.draw_weights(figure, (left, 0.05, 0.2, 0.2 * 13 / 4), result["model"], result["accuracy"],
                            (left + 0.21, 0.05, 0.01, 0.65))
    pictures.save_figure(figure, path)


def main(argv=None):
    # compare.py takes the scripts' own defaults, so it trains what they train.
    args = command_line.parse_arguments(
        argv, __doc__, __file__,
        epochs=sigmoid.EPOCHS, batch_size=sigmoid.BATCH_SIZE,
        learning_rate=sigmoid.LEARNING_RATE, seed=sigmoid.SEED, one_model=False,
    )
    # Load once, so both models see exactly the same digits.
    digits = data.load(args.data)
    results = [train_and_measure(script, digits, args) for script in (single, sigmoid)]
    print_table(results)

    path = os.path.join(args.out, "compare.png")
    save_picture(path, results)
    command_line.print_written("Picture written:", [path])
    return results


if __name__ == "__main__":
    command_line.run(main)
