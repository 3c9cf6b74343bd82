"""The model each script builds, and one SGD step checked against NumPy by hand."""

import contextlib
import io
import itertools
import pathlib
import re

import keras
import numpy as np
import pytest

import lesson

ACTIVATIONS = {"perceptron-single": "linear", "perceptron-sigmoid": "sigmoid"}


def activation_of(script):
    return ACTIVATIONS[script.__name__.replace("_", "-")]


def test_model_is_one_dense_unit_with_mse_and_sgd(script):
    model = script.build_model(learning_rate=0.125)
    dense = model.layers[-1]

    assert model.input_shape == (None, 28, 28)
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense"]
    assert dense.units == 1 and dense.use_bias
    assert dense.kernel.shape == (784, 1)
    assert model.count_params() == 785
    assert dense.activation.__name__ == activation_of(script)
    assert model.loss == "mse"
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == 0.125
    assert float(model.optimizer.momentum) == 0.0


def numpy_sgd_step(pixels, targets, kernel, bias, learning_rate, activation):
    """One minibatch SGD step on the mean squared error, worked out by hand."""
    weighted_sum = pixels @ kernel + bias  # (n, 1)
    if activation == "sigmoid":
        output = 1 / (1 + np.exp(-weighted_sum))
        d_output_d_sum = output * (1 - output)
    else:
        output = weighted_sum
        d_output_d_sum = np.ones_like(output)
    error = output - targets[:, None]
    loss = np.mean(error**2)
    # d loss / d sum for each digit: 2 (output - target) / n, times the activation's slope.
    d_loss_d_sum = 2 * error / len(pixels) * d_output_d_sum
    kernel_gradient = pixels.T @ d_loss_d_sum
    bias_gradient = d_loss_d_sum.sum(axis=0)
    return kernel - learning_rate * kernel_gradient, bias - learning_rate * bias_gradient, loss


def test_one_keras_sgd_step_matches_numpy(script, sample):
    (images, digits), _ = sample
    # A batch of 32 real digits: 4 fives and 28 others.
    batch = np.concatenate([np.flatnonzero(digits == 5)[:4], np.flatnonzero(digits != 5)[:28]])
    pixels, is_five = script.prepare(images[batch], digits[batch])
    rng = np.random.default_rng(1)
    kernel = rng.normal(0, 0.05, (784, 1)).astype(np.float32)
    bias = np.array([0.1], dtype=np.float32)

    model = script.build_model(learning_rate=0.3)
    model.layers[-1].set_weights([kernel, bias])
    loss = model.train_on_batch(pixels, is_five, return_dict=True)["loss"]

    flat = pixels.reshape(32, 784).astype(np.float64)
    expected_kernel, expected_bias, expected_loss = numpy_sgd_step(
        flat, is_five.astype(np.float64), kernel.astype(np.float64), bias.astype(np.float64), 0.3,
        activation_of(script),
    )
    new_kernel, new_bias = model.layers[-1].get_weights()
    assert np.abs(new_kernel - kernel).max() > 1e-3  # The step really moved the weights.
    np.testing.assert_allclose(new_kernel, expected_kernel, atol=1e-5, rtol=0)
    np.testing.assert_allclose(new_bias, expected_bias, atol=1e-5, rtol=0)
    assert loss == pytest.approx(expected_loss, abs=1e-5)


def test_accuracy_metric_counts_outputs_above_one_half(script):
    model = script.build_model(learning_rate=0.1)
    model.layers[-1].set_weights([np.zeros((784, 1), np.float32), np.zeros(1, np.float32)])
    pixels = np.zeros((4, 28, 28), np.float32)
    # With zero weights the output is the activation of the bias alone.
    for bias, predicted_five in [(-0.5, False), (3.0, True)]:
        model.layers[-1].set_weights([np.zeros((784, 1), np.float32), np.array([bias], np.float32)])
        output = float(model.predict(pixels[:1], verbose=0)[0, 0])
        assert (output > 0.5) == predicted_five
        result = model.evaluate(pixels, np.array([1, 1, 1, 0], np.float32), verbose=0, return_dict=True)
        assert result["accuracy"] == pytest.approx(0.75 if predicted_five else 0.25)


def test_linear_outputs_swing_and_grow_every_batch_as_the_readme_says(single, sample):
    """Watched after every batch, the linear unit's outputs alternate in sign and explode."""
    (x_train, digits_train), (x_test, digits_test) = sample
    x_train, y_train = single.prepare(x_train, digits_train)
    x_test, _ = single.prepare(x_test, digits_test)
    probe = x_test[:256].reshape(256, -1)
    medians = []

    class EveryBatch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            kernel, bias = self.model.layers[-1].get_weights()
            with np.errstate(over="ignore", invalid="ignore"):
                medians.append(float(np.median(probe @ kernel + bias)))

    keras.utils.set_random_seed(single.SEED)
    model = single.build_model(single.LEARNING_RATE)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(single.LEARNING_RATE), steps_per_execution=1)
    with contextlib.redirect_stdout(io.StringIO()):
        model.fit(x_train, y_train, batch_size=single.BATCH_SIZE, epochs=1, verbose=0, callbacks=[EveryBatch()])

    finite = [value for value in medians if np.isfinite(value)]
    assert len(finite) == 24 and not np.isfinite(medians[24])
    assert all(np.sign(a) == -np.sign(b) for a, b in itertools.pairwise(finite))  # The sign flips each batch...
    assert all(10 < abs(b / a) < 100 for a, b in itertools.pairwise(finite[2:]))  # ...and grows tens of times.
    readme = (pathlib.Path(lesson.__file__).parent / "README.md").read_text()
    shown = f"goes {finite[0]:.1f}, {finite[1]:,.0f}, {finite[2]:,.0f}, {finite[3]:,.0f}, and so on to {finite[-1]:.1e}"
    assert shown in " ".join(readme.split()), shown
    assert re.search(r"at batch 24,\s+then inf and nan", readme)
