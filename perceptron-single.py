"""A perceptron is trained to tell a handwritten five from every other digit.

The perceptron gives each of a digit's 784 pixels a weight, adds up the
weighted pixels and a bias, and outputs that sum as it is, unsquashed.
SGD nudges the weights to shrink the mean squared error
between that output and the label: 1 for a five, 0 for any other digit.

What to expect: at the default learning rate the outputs grow until they
overflow to nan, and the accuracy never beats always answering "not five".

Run it with --help to see the settings you can change.
"""

import keras

import lesson

# The lecture's settings, the same in both scripts, so the activation is the
# only change. A learning rate of 0.5 suits the sigmoid; the README says what it
# does to a linear output.
EPOCHS = 40
BATCH_SIZE = 32
LEARNING_RATE = 0.5
SEED = 0


def prepare(images, digits):
    """Scale the pixels to 0..1 and ask the lecture's question: is this a five?"""
    # Raw pixels go up to 255, which makes the weighted sums so large that SGD's
    # steps overshoot. Scaled to 0..1, one learning rate suits every pixel.
    pixels = images.astype("float32") / 255
    # A five becomes 1 and any other digit becomes 0.
    is_five = (digits == 5).astype("float32")
    return pixels, is_five


def build_model(learning_rate):
    """A perceptron: one Dense unit with a weight for each pixel, and a bias."""
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            # Lay the 28x28 pixels out in one row of 784, one weight each.
            keras.layers.Flatten(),
            # No activation: the output is the weighted sum, however large.
            keras.layers.Dense(1),
        ]
    )
    model.compile(
        loss="mse",
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        # With one output, "accuracy" counts an output above 0.5 as "five".
        metrics=["accuracy"],
        # Run 8 batches per call: faster, the same maths, and the watch still sees a blow-up.
        steps_per_execution=8,
    )
    return model


def train(model, x_train, y_train, x_test, y_test, epochs, batch_size, csv_path=None):
    """Train with SGD, one printed line per epoch. Returns the history and the watch."""
    # One epoch is one pass over the training digits. The held-out digits are
    # never trained on: they check that what was learned works on new digits.
    watch = lesson.OutputWatch(x_test)
    callbacks = [lesson.EpochLine(), watch]
    if csv_path:
        callbacks.append(keras.callbacks.CSVLogger(csv_path))
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(x_test, y_test),
        # Checking in big batches is faster; the held-out digits are the same.
        validation_batch_size=1024,
        callbacks=callbacks,
        verbose=0,
    )
    return history, watch


def main(argv=None):
    args = lesson.parse_arguments(
        argv, __doc__, __file__,
        epochs=EPOCHS, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE, seed=SEED,
    )
    # The seed fixes the starting weights and the shuffling: same seed, same numbers.
    keras.utils.set_random_seed(args.seed)

    # 28x28 images with pixels 0..255, and the digit each one shows.
    (x_train, digits_train), (x_test, digits_test) = lesson.load_digits(args.data)
    x_train, y_train = prepare(x_train, digits_train)
    x_test, y_test = prepare(x_test, digits_test)

    model = build_model(args.learning_rate)
    model.summary()
    history, watch = train(
        model, x_train, y_train, x_test, y_test, args.epochs, args.batch_size, args.csv
    )

    lesson.report(model, x_test, y_test, digits_test, watch)
    if args.save_model:
        # A .keras file holds the model and its weights; predict.py loads it.
        model.save(args.save_model)
        print(f"\nModel written: {args.save_model}")
    if not args.no_plots:
        lesson.draw_pictures(model, history, watch, x_test, y_test, digits_test, args.out)
    return model


if __name__ == "__main__":
    lesson.run(main)
