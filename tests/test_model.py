"""The model each script builds, and one SGD step checked against NumPy by hand."""

import keras
import numpy as np
import pytest

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
