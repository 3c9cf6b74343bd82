"""The model each script builds, and one SGD step and the output metrics checked against NumPy by hand."""

import importlib.util
import itertools
import pathlib

from lesson import command_line, watch

import keras
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
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
    said_right = (output[:, 0] > 0.5) == (targets == 1)
    # d loss / d sum for each digit: 2 (output - target) / n, times the activation's slope.
    d_loss_d_sum = 2 * error / len(pixels) * d_output_d_sum
    kernel_gradient = pixels.T @ d_loss_d_sum
    bias_gradient = d_loss_d_sum.sum(axis=0)
    metrics = {"loss": loss, "accuracy": np.mean(said_right), "lowest_output": output.min(),
               "highest_output": output.max()}
    return kernel - learning_rate * kernel_gradient, bias - learning_rate * bias_gradient, metrics


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
    metrics = model.train_on_batch(pixels, is_five, return_dict=True)

    flat = pixels.reshape(32, 784).astype(np.float64)
    expected_kernel, expected_bias, expected_metrics = numpy_sgd_step(
        flat, is_five.astype(np.float64), kernel.astype(np.float64), bias.astype(np.float64), 0.3,
        activation_of(script),
    )
    new_kernel, new_bias = model.layers[-1].get_weights()
    assert np.abs(new_kernel - kernel).max() > 1e-3  # The step really moved the weights.
    np.testing.assert_allclose(new_kernel, expected_kernel, atol=1e-5, rtol=0)
    np.testing.assert_allclose(new_bias, expected_bias, atol=1e-5, rtol=0)
    # The loss, accuracy and range of outputs are those of the batch before the step.
    assert metrics == pytest.approx(expected_metrics, abs=1e-5)
    assert 0 < expected_metrics["accuracy"] < 1


def bounds(output_range):
    result = output_range.result()
    return float(result["lowest_output"]), float(result["highest_output"])


def test_output_range_passes_over_nan_and_inf_and_starts_afresh():
    output_range = watch.OutputRange()
    assert np.isnan(bounds(output_range)).all()  # Nothing seen yet.
    output_range.update_state(None, np.array([[0.3], [np.nan], [-2.5], [np.inf], [-np.inf], [7.0]], np.float32))
    output_range.update_state(None, np.array([[np.nan], [1.0]], np.float32))
    assert bounds(output_range) == (-2.5, 7.0)
    output_range.reset_state()
    output_range.update_state(None, np.array([[np.nan], [np.inf], [-np.inf]], np.float32))
    assert np.isnan(bounds(output_range)).all()  # Not one number among them.
    output_range.update_state(None, np.array([[4e37], [-4e37]], np.float32))
    assert bounds(output_range) == pytest.approx((-4e37, 4e37))


def test_the_epoch_line_says_what_the_epoch_logged(capsys):
    line = watch.EpochLine()
    line.set_params({"epochs": 12})
    line.on_epoch_end(2, {"accuracy": 0.9625, "loss": 0.0576, "lowest_output": 1.6e-4, "highest_output": 0.9597,
                          "val_accuracy": 0.946, "val_loss": 0.0417})
    line.on_epoch_end(11, {"accuracy": 0.9, "loss": float("nan"), "lowest_output": float("nan"),
                           "highest_output": float("nan"), "val_accuracy": 0.9, "val_loss": float("nan")})
    assert capsys.readouterr().out == (
        "Epoch  3/12: accuracy 96.2%, loss 0.0576, outputs 1.6e-04 .. 0.9597  |  held-out accuracy 94.6%, loss 0.0417\n"
        "Epoch 12/12: accuracy 90.0%, loss nan, outputs nan  |  held-out accuracy 90.0%, loss nan\n")


class BatchOutputs(keras.callbacks.Callback):
    """Works out, in NumPy, the outputs of every training batch from the weights just before it."""

    def __init__(self, pixels, batch_size, activation):
        super().__init__()
        self.pixels, self.batch_size, self.activation = pixels.reshape(len(pixels), -1), batch_size, activation
        self.batches = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.batches.append([])

    def on_train_batch_begin(self, batch, logs=None):
        kernel, bias = self.model.layers[-1].get_weights()
        pixels = self.pixels[batch * self.batch_size:(batch + 1) * self.batch_size]
        with np.errstate(all="ignore"):  # Overflow to inf and nan is what the linear unit does.
            total = pixels.astype(np.float64) @ kernel + bias
            outputs = 1 / (1 + np.exp(-total)) if self.activation == "sigmoid" else total
            self.batches[self.epoch].append(outputs.astype(np.float32).ravel())


def epoch_bounds(history):
    return list(zip(history["lowest_output"], history["highest_output"]))


@pytest.fixture(scope="module")
def training_digits(sample, single):
    (x_train, digits_train), _ = sample
    return single.prepare(x_train[:1600], digits_train[:1600])  # 50 batches: enough to blow up in epoch 1.


def test_output_bounds_see_every_batch_at_any_steps_per_execution(script, training_digits):
    pixels, is_five = training_digits
    activation = activation_of(script)
    results = {}
    # Calling Keras once for every batch, or once for 50 of them, must not matter. That the
    # sigmoid's training does not change with it is shown by the linear unit's, so it runs once.
    for steps in (1, 50) if activation == "linear" else (1,):
        keras.utils.set_random_seed(0)
        model = script.build_model(learning_rate=0.5)
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.5), steps_per_execution=steps,
                      metrics=[watch.OutputRange()])
        watched = BatchOutputs(pixels, 32, activation)
        model.fit(pixels, is_five, batch_size=32, epochs=2, shuffle=False, verbose=0,
                  callbacks=[watched] if steps == 1 else [])
        results[steps] = epoch_bounds(model.history.history)
    if activation == "linear":
        np.testing.assert_array_equal(np.array(results[1]), np.array(results[50]))

    # And they are the bounds worked out in NumPy over every batch of each epoch.
    for (lowest, highest), batches in zip(results[1], watched.batches):
        outputs = np.concatenate(batches)
        finite = outputs[np.isfinite(outputs)]
        if finite.size == 0:
            assert np.isnan(lowest) and np.isnan(highest)
        else:
            assert lowest == pytest.approx(finite.min(), rel=1e-4)
            assert highest == pytest.approx(finite.max(), rel=1e-4)
    if activation == "linear":
        # Large numbers of both signs in epoch 1, then overflow: epoch 2 starts afresh and finds no number.
        (first_lowest, first_highest), (second_lowest, _) = results[1]
        assert first_lowest < -1e30 and first_highest > 1e30 and np.isnan(second_lowest)
    else:
        assert all(0 <= low <= high <= 1 for low, high in results[1])


def test_linear_outputs_swing_and_grow_every_batch_as_the_docs_say(single, sample):
    """Watched after every batch of the script's own run, the linear unit's outputs alternate in sign and explode."""
    (x_train, digits_train), (x_test, digits_test) = sample
    x_train, y_train = single.prepare(x_train, digits_train)
    x_test, _ = single.prepare(x_test, digits_test)
    probe = x_test.reshape(len(x_test), -1)
    medians = []

    class EveryBatch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            kernel, bias = self.model.layers[-1].get_weights()
            with np.errstate(over="ignore", invalid="ignore"):
                medians.append(float(np.median(probe @ kernel + bias)))

    keras.utils.set_random_seed(single.SEED)
    model = single.build_model(single.LEARNING_RATE)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(single.LEARNING_RATE), steps_per_execution=1)
    model.fit(x_train, y_train, batch_size=single.BATCH_SIZE, epochs=1, verbose=0, callbacks=[EveryBatch()])

    finite = list(itertools.takewhile(np.isfinite, medians))
    assert not any(np.isfinite(medians[len(finite):]))  # Once gone, the numbers never come back.
    assert all(np.sign(a) == -np.sign(b) for a, b in itertools.pairwise(finite))  # The sign flips each batch...
    growth = [abs(b / a) for a, b in itertools.pairwise(finite[2:])]
    assert all(10 < factor < 100 for factor in growth)  # ...and the size grows tens of times.
    docs = " ".join((pathlib.Path(__file__).resolve().parent.parent / "docs" / "how-it-works.md").read_text().split())
    shown = (f"goes {finite[0]:.1f}, {finite[1]:,.0f}, {finite[2]:,.0f}, {finite[3]:,.0f}, and so on to "
             f"{finite[-1]:.1e} after batch {len(finite)}")
    assert shown in docs, shown
    about = f"about {round(np.exp(np.mean(np.log(growth))), -1):.0f} times"
    readme = " ".join((pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    assert about in docs and f"grow {about} with every batch" in readme


@pytest.fixture(scope="module")
def speed():
    """benchmarks/speed.py, whose NumPy loop is the floor Keras' speed is measured against."""
    spec = importlib.util.spec_from_file_location("speed", ROOT / "benchmarks" / "speed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmarks_numpy_loop_is_kerass_sgd(speed, sigmoid, sample):
    """The same epoch, from the same starting weights in the same order: the same weights, bias and all."""
    (x_train, digits_train), _ = sample
    pixels, is_five = sigmoid.prepare(x_train, digits_train)
    order = np.random.default_rng(0).permutation(len(pixels))
    keras.utils.set_random_seed(0)
    model = sigmoid.build_model(sigmoid.LEARNING_RATE)
    kernel, bias = (weights.copy() for weights in model.layers[-1].get_weights())
    model.fit(pixels[order], is_five[order], batch_size=sigmoid.BATCH_SIZE, epochs=1, shuffle=False, verbose=0)

    weights = kernel[:, 0].copy()
    speed.numpy_sgd_epoch(pixels.reshape(len(pixels), -1), is_five, weights, bias, order, sigmoid.BATCH_SIZE,
                          sigmoid.LEARNING_RATE)
    keras_kernel, keras_bias = model.layers[-1].get_weights()
    assert abs(keras_bias[0]) > 0.01  # The bias learned something...
    np.testing.assert_allclose(bias, keras_bias, atol=1e-6)  # ...and the same as Keras' did.
    np.testing.assert_allclose(weights, keras_kernel[:, 0], atol=1e-6)


@pytest.mark.parametrize("flag, value", [("--epochs", "1"), ("--repeats", "0")])
def test_the_benchmark_refuses_what_it_cannot_measure(speed, flag, value, capsys):
    with pytest.raises(SystemExit) as exit:
        command_line.run(speed.main, [flag, value])
    assert exit.value.code == 2
    assert f"argument {flag}: expected a whole number from " in capsys.readouterr().err


# The report's words for the outputs, from made-up outputs and histories: report.held_out_check.

def check_of(outputs, lowest, highest, activation="linear"):
    """The report for 100 digits, one in ten a five, with these outputs and a training range."""
    from lesson import report

    digits = np.tile([5, 0, 1, 2, 3, 4, 6, 7, 8, 9], 10)
    return " ".join(report.held_out_check(np.asarray(outputs, np.float32), (digits == 5).astype(np.float32), digits,
                                          {"loss": [0.1], "lowest_output": [lowest], "highest_output": [highest]},
                                          activation, 0.01, 125).split())


def test_the_report_says_large_negative_and_positive_only_when_the_outputs_were_both():
    both = check_of(np.linspace(-2, 3, 100), -2000.0, 3000.0)
    assert "they ranged from -2000.0000 to 3000.0000, large negative and positive numbers." in both
    # Large means 1,000 or more either way, as the docs say.
    for lowest, highest in [(-1000.0, 1000.0), (-1000.5, 1000.5)]:
        assert "large negative and positive numbers" in check_of(np.linspace(-2, 3, 100), lowest, highest)
    for lowest, highest in [(-2000.0, 999.5), (-999.5, 3000.0), (5.0, 3000.0), (-3000.0, -5.0)]:
        one = check_of(np.linspace(-2, 3, 100), lowest, highest)
        assert "large negative and positive" not in one and f"ranged from {report_number(lowest)} to" in one


def report_number(value):
    from lesson import report

    return report.number(value)


def test_the_report_tells_outputs_within_0_and_1_from_outputs_beyond():
    inside = check_of(np.linspace(0, 1, 100), 0.0, 1.0, "sigmoid")
    assert "Every output on the held-out digits is between 0 and 1, from 0 to 1.0000: the sigmoid squashes" in inside
    beyond = check_of(np.linspace(-0.62, 1.21, 100), -0.62, 1.21)
    assert ("The outputs are not numbers between 0 and 1. Over all the epochs of training they ranged from -0.6200 "
            "to 1.2100. On the held-out digits they run from -0.6200 to 1.2100. A sigmoid squashes every output "
            "into 0..1: see perceptron-sigmoid.py.") in beyond
    # Above 1 with none below 0 is beyond too.
    assert "The outputs are not numbers between 0 and 1." in check_of(np.linspace(0, 1.5, 100), 0.0, 1.5)


def test_the_report_calls_an_output_of_exactly_one_half_not_five_as_kerass_accuracy_does():
    outputs = np.full(100, 0.1)
    outputs[0] = 0.5  # The first digit, a five.
    text = check_of(outputs, 0.1, 0.5, "sigmoid")
    assert "5 1 0.5000 not five (wrong)" in text
    assert "It found 0 of the 10 fives" in text


def test_the_report_calls_one_point_above_always_not_five_hardly_better_and_two_points_better():
    for found, hardly in [(1, True), (2, False)]:
        outputs = np.where(np.arange(100) % 10 == 0, 0.1, 0.2)
        outputs[:10 * found:10] = 0.9  # Fives found: accuracy 91% or 92%, against 90% for always "not five".
        text = check_of(outputs, 0.1, 0.9, "sigmoid")
        assert f"Accuracy {90 + found}.0%" in text
        assert ("against 90.0% for always answering \"not five\": hardly better." in text) == hardly


def test_the_report_with_no_fives_says_so_truly():
    from lesson import report

    digits = np.tile([0, 1, 2, 3, 4, 6, 7, 8, 9, 0], 10)
    outputs = np.where(np.arange(100) < 2, 0.9, 0.1).astype(np.float32)
    text = " ".join(report.held_out_check(outputs, np.zeros(100, np.float32), digits, {"loss": [0.1],
                    "lowest_output": [0.1], "highest_output": [0.9]}, "sigmoid", 0.5, 125).split())
    assert "on 100 digits it never trained on, none of them fives:" in text
    assert "it called 2 of them five. Accuracy 98.0% (98 right), where always answering \"not five\" scores 100.0%." in text
    assert "found 0 of the 0" not in text and "hardly learned" not in text and "sounds high" not in text
