"""The two lesson scripts as modules, for compare.py, experiments.py, the notebook and the tests.

They use the scripts' own prepare(), build_model() and settings, so what they
show is what the scripts do.
"""

import importlib.util
import os

import lesson.quiet  # noqa: F401  Before Keras: it keeps TensorFlow's start-up lines off the screen.
from lesson import watch

import keras

FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(file_name):
    """Import a program from the project's top folder, such as perceptron-sigmoid.py.

    A hyphen cannot appear in an `import` statement, so this loads it by path.
    """
    spec = importlib.util.spec_from_file_location(file_name[: -len(".py")].replace("-", "_"),
                                                  os.path.join(FOLDER, file_name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# One compiled model per script, trained again and again: Keras compiles a model's training step the first
# time it trains, which takes far longer than training this perceptron on the sample.
COMPILED = {}


def train_quietly(script, x_train, y_train, x_test, y_test, learning_rate, epochs, seed, batch_size=None,
                  check_every_epoch=True):
    """Train a script's model the way the script does, without its printed lines.

    Returns the trained model; its model.history.history holds what each
    epoch's line would have said. With check_every_epoch=False the held-out
    digits are left out of it: the training is the same, and faster. The
    model is the script's one compiled model, so the next call trains it
    afresh: keep its weights (model.get_weights()), not the model.
    """
    keras.utils.set_random_seed(seed)
    fresh = script.build_model(learning_rate)  # The script's own starting weights for this seed.
    model = COMPILED.setdefault(script.__name__, fresh)
    model.set_weights(fresh.get_weights())
    model.optimizer.learning_rate.assign(learning_rate)
    model.fit(
        x_train, y_train, batch_size=batch_size or script.BATCH_SIZE, epochs=epochs,
        validation_data=(x_test, y_test) if check_every_epoch else None,
        validation_batch_size=watch.HELD_OUT_BATCH, verbose=0,
    )
    return model
