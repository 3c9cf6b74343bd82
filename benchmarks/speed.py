"""How fast is perceptron-sigmoid.py, against the floors it could reach?

    python benchmarks/speed.py [--repeats 3]

Everything is measured side by side in one run, on 60,000 training and 10,000
held-out digits: the bundled sample, repeated to full MNIST size. For each
Keras backend that is installed (TensorFlow, and JAX if present) it measures:

- epoch cost: the seconds one more training epoch takes, with the script's
  own model, train() and default settings, against a plain NumPy loop doing
  the same shuffled minibatch SGD;
- whole run: the wall time of `python perceptron-sigmoid.py --no-plots` on
  those digits, against a bare `python -c "import keras"`;
- peak memory of that run.

Each is the median over --repeats runs, printed as a ratio with the goal
beside it. Machines here are shared and noisy: compare ratios, not seconds,
and only between numbers from the same run.
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
SCRIPT = os.path.join(ROOT, "perceptron-sigmoid.py")
GOALS = {"epoch": 5.0, "run": 2.0, "memory_gb": 1.0}

# Run inside a fresh Python for one backend: time epochs of the script's own
# training against NumPy, in the same process, one after the other.
EPOCH_PROBE = r"""
import contextlib, io, json, sys, time
import numpy as np
sys.path.insert(0, {root!r})
import keras, lesson
script = lesson.load_script("perceptron-sigmoid.py")
with np.load({data!r}) as data:
    x_train, y_train = script.prepare(data["x_train"], data["y_train"])
    x_test, y_test = script.prepare(data["x_test"], data["y_test"])

class EpochTimes(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None):
        times.append(time.perf_counter() - self.started)

times = []
keras.utils.set_random_seed(script.SEED)
model = script.build_model(script.LEARNING_RATE)
callback = EpochTimes()
with contextlib.redirect_stdout(io.StringIO()):
    # The script's own fit: its held-out check, output metrics and epoch line.
    model.fit(x_train, y_train, batch_size=script.BATCH_SIZE, epochs={epochs}, validation_data=(x_test, y_test),
              callbacks=[callback, *lesson.callbacks()], verbose=0)
keras_epochs = times[1:]  # The first epoch also builds and compiles; "one more epoch" leaves it out.

# Where the time goes: the same SGD steps with no held-out check and no output
# metrics, at the script's steps_per_execution and at a larger one.
bare = {{}}
for steps in (8, 64):
    times = []
    keras.utils.set_random_seed(script.SEED)
    model = script.build_model(script.LEARNING_RATE)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(script.LEARNING_RATE), metrics=["accuracy"],
                  steps_per_execution=steps)
    model.fit(x_train, y_train, batch_size=script.BATCH_SIZE, epochs={epochs}, verbose=0, callbacks=[callback])
    bare[steps] = times[1:]

def numpy_epoch(rng, weights, bias):
    pixels = x_train.reshape(len(x_train), -1)
    started = time.perf_counter()
    order = rng.permutation(len(pixels))
    for start in range(0, len(pixels), script.BATCH_SIZE):
        batch = order[start:start + script.BATCH_SIZE]
        output = 1 / (1 + np.exp(-(pixels[batch] @ weights + bias)))
        slope = 2 * (output - y_train[batch]) / len(batch) * output * (1 - output)
        weights -= script.LEARNING_RATE * (pixels[batch].T @ slope)
        bias -= script.LEARNING_RATE * slope.sum()
    return time.perf_counter() - started

rng = np.random.default_rng(0)
weights, bias = np.zeros(784, np.float32), np.float32(0)
numpy_epochs = [numpy_epoch(rng, weights, bias) for _ in range({epochs})]
print(json.dumps({{"keras": keras_epochs, "numpy": numpy_epochs, "bare 8": bare[8], "bare 64": bare[64]}}))
"""


def installed_backends():
    backends = ["tensorflow"]
    if importlib.util.find_spec("jax") is not None:
        backends.append("jax")
    return backends


def machine():
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as file:
        names = [line.split(":", 1)[1].strip() for line in file if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def versions(backend):
    code = "import keras, numpy; print(keras.__version__, numpy.__version__)"
    keras_version, numpy_version = run_quietly([sys.executable, "-c", code], backend).split()
    module = "tensorflow" if backend == "tensorflow" else "jax"
    backend_version = run_quietly([sys.executable, "-c", f"import {module}; print({module}.__version__)"], backend)
    return f"Keras {keras_version}, {module} {backend_version.strip()}, NumPy {numpy_version}"


def environment(backend):
    return {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}


def run_quietly(command, backend):
    return subprocess.run(command, env=environment(backend), capture_output=True, text=True, check=True).stdout


def timed_run(command, backend):
    """Wall time in seconds and peak memory in GB of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=environment(backend), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss * 1024 / 1e9  # ru_maxrss is in KiB on Linux.


def write_full_size_digits(folder):
    sys.path.insert(0, ROOT)
    import lesson

    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, digits_train), (x_test, digits_test) = lesson.load_sample()
    path = os.path.join(folder, "digits-60000.npz")
    np.savez(
        path,
        x_train=np.tile(x_train, (15, 1, 1)), y_train=np.tile(digits_train, 15),
        x_test=np.tile(x_test, (10, 1, 1)), y_test=np.tile(digits_test, 10),
    )
    return path


def verdict(ratio, goal):
    return f"goal at most {goal:g}x: {'met' if ratio <= goal else 'NOT met'}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measurement (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs timed in each run (default: %(default)s)")
    args = parser.parse_args(argv)

    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        data = write_full_size_digits(folder)
        for backend in installed_backends():
            print(f"\nBackend {backend}: {versions(backend)}")
            probe = EPOCH_PROBE.format(root=ROOT, data=data, epochs=args.epochs + 1)
            epochs = {"keras": [], "numpy": [], "bare 8": [], "bare 64": []}
            for _ in range(args.repeats):
                result = json.loads(run_quietly([sys.executable, "-c", probe], backend))
                for key in epochs:
                    epochs[key] += result[key]
            median = {key: statistics.median(values) for key, values in epochs.items()}
            ratio = median["keras"] / median["numpy"]
            print(f"  epoch cost: {median['keras']:.3f} s against NumPy's {median['numpy']:.3f} s = {ratio:.1f}x "
                  f"({verdict(ratio, GOALS['epoch'])})")
            for steps in (8, 64):
                bare = median[f"bare {steps}"]
                print(f"    the same SGD alone, no held-out check or output metrics, steps_per_execution={steps}: "
                      f"{bare:.3f} s = {bare / median['numpy']:.1f}x")

            run_seconds, import_seconds, memory = [], [], []
            for _ in range(args.repeats):
                seconds, peak = timed_run([sys.executable, SCRIPT, "--data", data, "--no-plots"], backend)
                run_seconds.append(seconds)
                memory.append(peak)
                import_seconds.append(timed_run([sys.executable, "-c", "import keras"], backend)[0])
            run_time, import_time = statistics.median(run_seconds), statistics.median(import_seconds)
            ratio = run_time / import_time
            print(f"  whole run: {run_time:.1f} s against {import_time:.1f} s for 'import keras' = {ratio:.1f}x "
                  f"({verdict(ratio, GOALS['run'])})")
            peak = statistics.median(memory)
            print(f"  peak memory of the run: {peak:.2f} GB (goal at most {GOALS['memory_gb']:g} GB: "
                  f"{'met' if peak <= GOALS['memory_gb'] else 'NOT met'})")


if __name__ == "__main__":
    main()
