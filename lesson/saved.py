"""A trained model saved as a plain Keras file, and loaded again for predict.py and draw.py.

The file holds the model, its weights, and a compile setting that is Keras'
own (mean squared error, SGD, accuracy), so that keras.models.load_model(path)
reads it in any Python, without this project.
"""

import os
import zipfile

import lesson.quiet  # noqa: F401  Before Keras: it keeps TensorFlow's start-up lines off the screen.
from lesson import command_line
from lesson.command_line import InputError

import keras
import numpy as np

SAVE_ONE = "python perceptron-sigmoid.py --save-model five.keras"


def save(model, path):
    """Save a script's trained model to path, and say where."""
    # The scripts also watch the outputs' range, with a metric of this project's
    # that a Python without it could not load: the file gets Keras' own instead.
    plain = type(model).from_config(model.get_config())  # The same layers, not compiled.
    plain.set_weights(model.get_weights())
    plain.compile(loss=model.loss, optimizer=keras.optimizers.SGD(float(model.optimizer.learning_rate)),
                  metrics=["accuracy"])
    with command_line.writing(path):
        plain.save(path)
    command_line.print_written("Model written:", [path])
    if not all(np.all(np.isfinite(weights)) for weights in plain.get_weights()):
        print("  Its weights are not numbers (nan): training blew up, so predict.py and draw.py will refuse it.")


def load(path):
    """A one-output model for 28x28 digits, saved by the scripts' --save-model, for predicting."""
    if not path.endswith(".keras"):
        raise InputError(f"{path} does not end in .keras; pass a model saved with --save-model")
    try:
        # Keras calls a folder, or a file it may not read, "not found": ask for the file first.
        with open(path, "rb"):
            pass
        # Safe mode refuses to run code stored in the file, such as a lambda.
        # Predicting needs no loss, optimizer or metrics, so leave them out.
        model = keras.models.load_model(path, safe_mode=True, compile=False)
    except FileNotFoundError:
        raise InputError(f"no model at {os.path.abspath(path)}. Save one with: {SAVE_ONE}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a model. Pass a .keras file saved with --save-model") from None
    except PermissionError:
        raise InputError(f"{path} cannot be read (permission denied)") from None
    except Exception as error:  # noqa: BLE001  Any other failure means the same to the learner.
        # Keras says "File not found" of a file that is there but is not a .keras archive.
        reason = "it is not a .keras archive" if not zipfile.is_zipfile(path) else " ".join(str(error).split())[:200]
        raise InputError(f"{path} cannot be loaded as a Keras model ({reason})") from None
    if model.input_shape != (None, 28, 28) or model.output_shape != (None, 1):
        raise InputError(
            f"{path} takes {model.input_shape} and gives {model.output_shape}; "
            "predict.py and draw.py need a model that takes 28x28 digits and gives one output"
        )
    if not all(np.all(np.isfinite(weights)) for weights in model.get_weights()):
        raise InputError(f"{path}: its weights are not numbers (nan), because its training blew up. The sigmoid "
                         f"script's model works: {SAVE_ONE}")
    return model


def perceptron(path):
    """The 784 weights, the bias and the activation of a one-unit perceptron saved by the scripts."""
    model = load(path)
    weights = model.get_weights()
    activation = model.layers[-1].activation.__name__
    if len(weights) != 2 or weights[0].shape != (784, 1) or activation not in ("sigmoid", "linear"):
        raise InputError(f"{path} is not a one-unit perceptron; save one with: {SAVE_ONE}")
    return {"weights": weights[0][:, 0].tolist(), "bias": float(weights[1][0]), "activation": activation}
