"""The long runs the tests check, started in the background as soon as the
test session starts, before it imports Keras itself, so that they go on while
the other tests run.

- perceptron-single.py at its defaults, as a learner runs it;
- perceptron-sigmoid.py stopped with a real Ctrl-C after two epochs;
- this file run as a program: the sigmoid perceptron at ten seeds, then the
  three experiments of experiments.py on fewer rates and sizes than their
  defaults, in one Python, so that Keras is imported once for all of them;
- and, when JAX is installed, this file run as a program on Keras' JAX
  backend: both scripts at their defaults, through their main().

Nothing here imports Keras, except the program's own functions.
"""

import atexit
import contextlib
import csv
import importlib.util
import io
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).parent.parent

STARTED = {}


def start_runs():
    """Start every run, once."""
    if STARTED:
        return
    folder = pathlib.Path(tempfile.mkdtemp(prefix="perceptron-runs-"))
    history = folder / "perceptron-single.csv"
    STARTED["perceptron-single"] = start(folder, ROOT / "perceptron-single.py", "--data", "sample",
                                         "--csv", str(history)), history
    # A long run, to be stopped with Ctrl-C (SIGINT) once it has finished two epochs.
    history = folder / "interrupted.csv"
    # A child inherits an ignored Ctrl-C (under nohup, say, or in a shell's background job), and then
    # Python never turns it into KeyboardInterrupt. This child must have it as a learner does.
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    process = start(folder, ROOT / "perceptron-sigmoid.py", "--data", "sample", "--epochs", "1000",
                    "--csv", str(history), "--no-plots")
    if ignored:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=press_ctrl_c_after_two_epochs, args=(process, history), daemon=True).start()
    STARTED["interrupted"] = process, history
    STARTED["worker"] = start(folder, pathlib.Path(__file__), "worker", str(folder)), None
    if importlib.util.find_spec("jax") is not None:
        STARTED["jax"] = start(folder, pathlib.Path(__file__), "scripts", str(folder), backend="jax"), None
    # Should pytest stop early, leave no run behind.
    atexit.register(lambda: [process.kill() for process, _ in STARTED.values() if process.poll() is None])


def start(folder, program, *arguments, backend="tensorflow"):
    # Whatever the developer's shell says, run with TensorFlow's own default.
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    environment["KERAS_BACKEND"] = backend
    process = subprocess.Popen([sys.executable, str(program), *arguments], cwd=folder, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process


def press_ctrl_c_after_two_epochs(process, history):
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if history.exists() and len(history.read_text().splitlines()) >= 3:  # A header and two epochs.
            break
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)


def results():
    """What each run printed and wrote, once it has finished."""
    start_runs()
    return {key: finished(process, history) for key, (process, history) in STARTED.items()}


def finished(process, history):
    out, err = process.communicate(timeout=300)
    text = history.read_text() if history else ""
    return {"code": process.returncode, "out": out, "err": err, "csv": text,
            "rows": list(csv.DictReader(io.StringIO(text))), "folder": history.parent if history else None}


def worker(folder):
    """Print, as JSON, the sigmoid perceptron's held-out accuracy at seeds 0 to 9, and each experiment's results
    and output."""
    sys.path.insert(0, str(ROOT))
    import lesson  # First, as in the scripts.

    import keras

    sigmoid = lesson.load_script("perceptron-sigmoid.py")
    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, digits_train), (x_test, digits_test) = lesson.load_sample()
    x_train, y_train = sigmoid.prepare(x_train, digits_train)
    x_test, y_test = sigmoid.prepare(x_test, digits_test)
    # The sigmoid perceptron at its defaults, trained as the script trains it but
    # faster: each seed's starting weights go into one model, already compiled to
    # run a whole epoch per call to TensorFlow, and it is checked on the held-out
    # digits only at the end. It is the same maths, and seed 0 shows that it gives
    # the script's own number.
    model = sigmoid.build_model(sigmoid.LEARNING_RATE)
    model.compile(loss=model.loss, optimizer=model.optimizer, metrics=["accuracy"], steps_per_execution=125)
    seeds = {}
    for seed in range(10):
        keras.utils.set_random_seed(seed)
        model.set_weights(sigmoid.build_model(sigmoid.LEARNING_RATE).get_weights())
        model.fit(x_train, y_train, batch_size=sigmoid.BATCH_SIZE, epochs=sigmoid.EPOCHS, verbose=0)
        seeds[seed] = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]

    # Each experiment through its main(), as a learner runs it, for one epoch
    # and at fewer learning rates and sizes than its defaults.
    experiments = lesson.load_script("experiments.py")
    experiments.LEARNING_RATES = [0.001, 0.5]
    experiments.TRAINING_PARTS = [16, 1]
    ran = {}
    for name in experiments.EXPERIMENTS:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            results = experiments.main([name, "--data", "sample", "--epochs", "1", "--out", folder])
        ran[name] = {"results": results, "printed": printed.getvalue()}
    print(json.dumps({"seeds": seeds, "experiments": ran}))


def scripts(folder):
    """Print, as JSON, what each script printed at its defaults on the sample, run through its main()."""
    sys.path.insert(0, str(ROOT))
    import lesson

    printed = {}
    for name in ("perceptron-single", "perceptron-sigmoid"):
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            lesson.load_script(f"{name}.py").main(["--data", "sample", "--no-plots"])
        printed[name] = output.getvalue()
    print(json.dumps(printed))


if __name__ == "__main__":
    {"worker": worker, "scripts": scripts}[sys.argv[1]](*sys.argv[2:])
