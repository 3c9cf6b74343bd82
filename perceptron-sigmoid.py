"""Is it a five? A perceptron with a sigmoid output, trained on MNIST digits.

It weights each of a digit's 784 pixels and squashes the weighted sum into 0..1.
Expect accuracy well above 90%, and every output between 0 and 1.
The two scripts differ only in line 29. --help lists the settings.
"""

from lesson import command_line, data, pictures, report, saved, watch  # First: it quiets TensorFlow.

import keras
from keras.layers import Dense, Flatten, Input
from keras.models import Sequential

EPOCHS = 10  # One epoch is one pass over all the training digits.
BATCH_SIZE = 32  # SGD adjusts the weights after each batch of 32 digits.
LEARNING_RATE = 0.5  # How far each SGD step moves the weights.
SEED = 0  # The same seed gives the same starting weights and the same run.


def prepare(images, digits):
    """Scale the pixels to 0..1, and ask the lecture's question: is it a five?"""
    return images.astype("float32") / 255, (digits == 5).astype("float32")


def build_model(learning_rate):
    model = Sequential()
    model.add(Input(shape=(28, 28)))
    model.add(Flatten())  # The 28x28 pixels in one row of 784, one weight each.
    model.add(Dense(1, activation="sigmoid"))
    model.compile(
        loss="mse",
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        # Accuracy counts an output above 0.5 as "five". The lowest and highest
        # outputs of each epoch are the lecture's debugging step.
        metrics=["accuracy", watch.OutputRange()],
        steps_per_execution=watch.BATCHES_PER_CALL,  # Faster; the same numbers.
    )
    return model


def main(argv=None):
    args = command_line.parse_arguments(argv, __doc__, __file__, epochs=EPOCHS, batch_size=BATCH_SIZE,
                                        learning_rate=LEARNING_RATE, seed=SEED)
    keras.utils.set_random_seed(args.seed)

    # The held-out digits are never trained on: they check what the model learned.
    (x_train, digits_train), (x_test, digits_test) = data.load(args.data)
    x_train, y_train = prepare(x_train, digits_train)
    x_test, y_test = prepare(x_test, digits_test)

    model = build_model(args.learning_rate)
    model.summary()
    frames = watch.WeightFrames()  # The weights after each epoch, for weights.gif.
    history = model.fit(
        x_train, y_train, batch_size=args.batch_size, epochs=args.epochs,
        validation_data=(x_test, y_test), validation_batch_size=watch.HELD_OUT_BATCH,
        callbacks=watch.callbacks(frames, args.csv), verbose=0,
    )

    report.show(model, history, x_test, y_test, digits_test)
    if args.save_model:
        saved.save(model, args.save_model)  # For predict.py and draw.py.
    if not args.no_plots:
        pictures.draw(model, history, frames.frames, x_test, y_test, digits_test, args.out)
    return model


if __name__ == "__main__":
    command_line.run(main)
