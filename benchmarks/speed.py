"""How fast is perceptron-sigmoid.py, and how close does it come to the floors it could reach?

    python benchmarks/speed.py [--repeats 3]

Everything is measured side by side in one run, on 60,000 training and 10,000
held-out digits: the bundled sample, repeated to full MNIST size. For each
Keras backend that is installed (TensorFlow, and JAX if present) it prints:

- epoch cost: the seconds one more epoch of the script's own training takes,
  with its held-out check and output metrics, against a plain NumPy loop
  doing the same shuffled minibatch SGD;
- whole run: the wall time of `python perceptron-sigmoid.py --no-plots` at its
  defaults on those digits, against a bare `python -c "import keras"`;
- peak memory of that run;
- pictures: the seconds lesson's pictures.draw takes for the four pictures,
  and of them, what weights.gif costs: keeping its frames while training, and
  writing it;
- where a run's time goes: import, loading, scaling, training, held-out
  check, report and pictures.

Each figure is the median over --repeats runs, printed beside its goal with
"met" or "NOT met". Machines here are shared and noisy: compare ratios, not
seconds, and only between numbers from the same run. It is not a test.
"""

import argparse
import contextlib
import importlib.util
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from lesson import command_line, data  # The project's own package, from the folder above.

SCRIPT = os.path.join(ROOT, "perceptron-sigmoid.py")
EPOCH_GOALS = {"tensorflow": 4.0, "jax": 2.5}
RUN_GOAL = 2.0
MEMORY_GOAL_GB = 1.2
PICTURES_GOAL_SECONDS = 1.0
FRAMES_GOAL_SECONDS = 0.2

# Run in a fresh Python for one backend: the steps of the script's main(), each
# timed, then NumPy's epochs, and the same SGD with nothing else, in one process.
PROBE = r"""
import contextlib, io, json, resource, sys, tempfile, time
started = time.perf_counter()

def peak():
    # The process's peak memory so far, in GB: ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9

sys.path.insert(0, {root!r})
from lesson import data, pictures, report, scripts, watch
import keras
import numpy as np
seconds = {{"import": time.perf_counter() - started}}
peaks = {{"import": peak()}}
sys.path.insert(0, {benchmarks!r})
from speed import numpy_sgd_epoch

def timed(name, work):
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        result = work()
    seconds[name] = seconds.get(name, 0) + time.perf_counter() - started
    return result

script = scripts.load("perceptron-sigmoid.py")
(x_train, digits_train), (x_test, digits_test) = timed("loading", lambda: data.load({data!r}))
peaks["loading"] = peak()
x_train, y_train = timed("scaling", lambda: script.prepare(x_train, digits_train))
x_test, y_test = timed("scaling", lambda: script.prepare(x_test, digits_test))
peaks["scaling"] = peak()

class Clock(keras.callbacks.Callback):
    # Each epoch's time, and the part of it spent on the held-out check.
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.perf_counter()
    def on_test_begin(self, logs=None):
        self.check_started = time.perf_counter()
    def on_test_end(self, logs=None):
        checks.append(time.perf_counter() - self.check_started)
    def on_epoch_end(self, epoch, logs=None):
        epochs.append(time.perf_counter() - self.epoch_started)

epochs, checks = [], []
keras.utils.set_random_seed(script.SEED)
model = script.build_model(script.LEARNING_RATE)
frames = watch.WeightFrames()
history = timed("fit", lambda: model.fit(
    x_train, y_train, batch_size=script.BATCH_SIZE, epochs={epochs}, validation_data=(x_test, y_test),
    validation_batch_size=watch.HELD_OUT_BATCH, callbacks=[Clock(), *watch.callbacks(frames)], verbose=0))
peaks["training"] = peak()
seconds["held-out check"] = sum(checks)
seconds["training"] = seconds.pop("fit") - sum(checks)
timed("report", lambda: report.show(model, history, x_test, y_test, digits_test))
with tempfile.TemporaryDirectory() as folder:
    timed("pictures", lambda: pictures.draw(model, history, frames.frames, x_test, y_test, digits_test, folder))
    # weights.gif alone: keeping its frames during training, and writing it.
    frames = watch.WeightFrames()
    frames.set_model(model)
    animation = {{"frames": time.perf_counter()}}
    frames.on_train_begin()
    for epoch in range({epochs}):
        frames.on_epoch_end(epoch, {{"val_accuracy": 0.9}})
    animation["frames"] = time.perf_counter() - animation["frames"]
    animation["writing"] = time.perf_counter()
    pictures.save_weights_animation(folder + "/weights.gif", frames.frames, {epochs})
    animation["writing"] = time.perf_counter() - animation["writing"]

# The floor within Keras: the same SGD steps with no metrics and no held-out
# check; and the same again, compiled with XLA.
class BareClock(keras.callbacks.Callback):
    def __init__(self, times):
        super().__init__()
        self.times = times
    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.started)
bare, xla = [], []
for times, jit_compile in [(bare, "auto"), (xla, True)]:
    keras.utils.set_random_seed(script.SEED)
    model = script.build_model(script.LEARNING_RATE)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(script.LEARNING_RATE),
                  steps_per_execution=watch.BATCHES_PER_CALL, jit_compile=jit_compile)
    model.fit(x_train, y_train, batch_size=script.BATCH_SIZE, epochs={epochs}, verbose=0,
              callbacks=[BareClock(times)])

def numpy_epoch(rng, weights, bias, pixels=x_train.reshape(len(x_train), -1)):
    started = time.perf_counter()
    numpy_sgd_epoch(pixels, y_train, weights, bias, rng.permutation(len(pixels)), script.BATCH_SIZE,
                    script.LEARNING_RATE)
    return time.perf_counter() - started

rng = np.random.default_rng(0)
weights, bias = np.zeros(784, np.float32), np.zeros(1, np.float32)
numpy_epochs = [numpy_epoch(rng, weights, bias) for _ in range({epochs})]
# The first epoch also builds and compiles; "one more epoch" leaves it out.
print(json.dumps({{"epoch": epochs[1:], "check": checks[1:], "bare": bare[1:], "xla": xla[1:], "numpy": numpy_epochs,
                   "seconds": seconds, "animation": animation, "peaks": peaks,
                   "first epoch": epochs[0]}}))
"""


def numpy_sgd_epoch(pixels, targets, weights, bias, order, batch_size, learning_rate):
    """One epoch of the sigmoid perceptron's minibatch SGD in NumPy, the floor Keras is measured against.

    pixels is (digits, 784) and targets (digits,), in float32 like Keras; order
    is the digits' order this epoch. weights (784,) and bias (1,) are float32
    arrays, changed in place. The loss is the mean squared error over each
    batch, so each step is the learning rate times 2 (output - target) / batch
    size, times the sigmoid's slope output (1 - output), as Keras computes it.
    """
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        output = 1 / (1 + np.exp(-(pixels[batch] @ weights + bias)))
        slope = 2 * (output - targets[batch]) / len(batch) * output * (1 - output)
        weights -= learning_rate * (pixels[batch].T @ slope)
        bias -= learning_rate * slope.sum()


def installed_backends():
    return ["tensorflow", *[name for name in ("jax",) if importlib.util.find_spec(name) is not None]]


def machine():
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as file:
        names = [line.split(":", 1)[1].strip() for line in file if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def versions(backend):
    code = "import keras, numpy; print(keras.__version__, numpy.__version__)"
    keras_version, numpy_version = run_quietly([sys.executable, "-c", code], backend).split()
    backend_version = run_quietly([sys.executable, "-c", f"import {backend}; print({backend}.__version__)"], backend)
    return f"Keras {keras_version}, {backend} {backend_version.strip()}, NumPy {numpy_version}"


def environment(backend):
    return {**os.environ, "KERAS_BACKEND": backend}


def run_quietly(command, backend):
    return subprocess.run(command, env=environment(backend), capture_output=True, text=True, check=True).stdout


def timed_run(command, backend):
    """Wall time in seconds and peak memory in GB of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=environment(backend), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss * 1024 / 1e9  # ru_maxrss is in KiB on Linux.


def write_full_size_digits(folder):
    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, digits_train), (x_test, digits_test) = data.load_sample()
    path = os.path.join(folder, "digits-60000.npz")
    np.savez(
        path,
        x_train=np.tile(x_train, (15, 1, 1)), y_train=np.tile(digits_train, 15),
        x_test=np.tile(x_test, (10, 1, 1)), y_test=np.tile(digits_test, 10),
    )
    return path


def verdict(value, goal, unit="x"):
    return f"goal at most {goal:g}{unit}: {'met' if value <= goal else 'NOT met'}"


def main(argv=None):
    parser = command_line.OneLineErrorParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=command_line.whole_number(1, 100), default=3,
                        help="runs of each measurement (default: %(default)s)")
    # The first epoch also builds and compiles, so it is left out: the median needs one more.
    parser.add_argument("--epochs", type=command_line.whole_number(2, 100), default=10,
                        help="epochs in each probe; the scripts' default (default: %(default)s)")
    args = parser.parse_args(argv)

    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        digits = write_full_size_digits(folder)
        for backend in installed_backends():
            print(f"\nBackend {backend}: {versions(backend)}")
            probe = PROBE.format(root=ROOT, benchmarks=os.path.dirname(os.path.abspath(__file__)), data=digits,
                                 epochs=args.epochs)
            probes = [json.loads(run_quietly([sys.executable, "-c", probe], backend)) for _ in range(args.repeats)]
            epoch = statistics.median([value for result in probes for value in result["epoch"]])
            bare = statistics.median([value for result in probes for value in result["bare"]])
            xla = statistics.median([value for result in probes for value in result["xla"]])
            check = statistics.median([value for result in probes for value in result["check"]])
            numpy = statistics.median([value for result in probes for value in result["numpy"]])
            print(f"  epoch cost: {epoch:.3f} s against NumPy's {numpy:.3f} s = {epoch / numpy:.1f}x "
                  f"({verdict(epoch / numpy, EPOCH_GOALS[backend])})")
            print(f"    the same SGD alone, with no metrics or held-out check: {bare:.3f} s = {bare / numpy:.1f}x")
            print(f"    the same SGD alone, compiled with XLA (jit_compile=True): {xla:.3f} s = {xla / numpy:.1f}x")
            print(f"    of each epoch: the SGD {bare:.3f} s, the held-out check {check:.3f} s, "
                  f"the output metrics and the rest {epoch - bare - check:.3f} s")

            run_seconds, import_seconds, memory = [], [], []
            for _ in range(args.repeats):
                seconds, peak = timed_run([sys.executable, SCRIPT, "--data", digits, "--no-plots"], backend)
                run_seconds.append(seconds)
                memory.append(peak)
                import_seconds.append(timed_run([sys.executable, "-c", "import keras"], backend)[0])
            run_time, import_time = statistics.median(run_seconds), statistics.median(import_seconds)
            print(f"  whole run: {run_time:.1f} s against {import_time:.1f} s for 'import keras' = "
                  f"{run_time / import_time:.1f}x ({verdict(run_time / import_time, RUN_GOAL)})")
            peak = statistics.median(memory)
            print(f"  peak memory of the run: {peak:.2f} GB ({verdict(peak, MEMORY_GOAL_GB, ' GB')})")
            steps = {name: statistics.median([result["peaks"][name] for result in probes]) for name in probes[0]["peaks"]}
            growth = [f"{name} +{steps[name] - before:.2f}" for before, name in zip(steps.values(), list(steps)[1:])]
            print(f"    the peak, step by step: import {steps['import']:.2f} GB, " + ", ".join(growth))

            parts = {name: statistics.median([result["seconds"][name] for result in probes])
                     for name in probes[0]["seconds"]}
            print(f"  pictures: {parts['pictures']:.2f} s ({verdict(parts['pictures'], PICTURES_GOAL_SECONDS, ' s')})")
            frames, writing = (statistics.median([result["animation"][part] for result in probes])
                               for part in ("frames", "writing"))
            print(f"    of which weights.gif: keeping its frames {frames:.4f} s "
                  f"({verdict(frames, FRAMES_GOAL_SECONDS, ' s')}), writing it {writing:.2f} s")
            first = statistics.median([result["first epoch"] for result in probes])
            print(f"  where a run's time goes ({args.epochs} epochs, the first {first:.2f} s):")
            print("    " + ", ".join(f"{name} {value:.2f} s" for name, value in parts.items()))


if __name__ == "__main__":
    command_line.run(main)
