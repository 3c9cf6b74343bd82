"""The long runs the tests check, in the background. They start as the test session starts, before it
imports Keras itself, and go on while the other tests run: one after another, so that they take one of
the machine's cores and the tests the other.

- "scripts": one Python on TensorFlow runs perceptron-single.py, then perceptron-sigmoid.py, each as
  `python SCRIPT` runs it, at their defaults on the sample, with --csv; the sigmoid also saves its model.
  Then it trains the sigmoid perceptron at five seeds, and runs each experiment of experiments.py.
- "jax": one Python on Keras' JAX backend first loads that model with plain keras.models.load_model,
  before anything of this project is on its path, as in a learner's own Python; then it runs both
  scripts through their main(). Without JAX, "plain" does the first part, on TensorFlow.
- "notebook", when nbclient is installed: lecture.ipynb, run by a fresh kernel.

Nothing here imports Keras, except the programs' own functions.
"""

import atexit
import contextlib
import csv
import importlib.util
import io
import json
import os
import pathlib
import runpy
import subprocess
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).parent.parent
FOLDER = pathlib.Path(tempfile.mkdtemp(prefix="perceptron-runs-"))  # Where the runs run, and write.
# The sigmoid run's model, and 20 held-out digits with its outputs for them, for the plain Keras check.
DIGITS_SHOWN = 20

RESULTS = {}
RUNNER = []
RUNNING = []


def start_runs():
    """Start the runs, one after another, in a thread: once."""
    if RUNNER:
        return
    jobs = [("scripts", "tensorflow"), ("jax", "jax") if importlib.util.find_spec("jax") else ("plain", "tensorflow")]
    if importlib.util.find_spec("nbclient") is not None:
        jobs.append(("notebook", "tensorflow"))
    RUNNER.append(threading.Thread(target=run_all, args=(jobs,), daemon=True))
    RUNNER[0].start()
    # Should pytest stop early, leave no run behind.
    atexit.register(lambda: [process.kill() for process in RUNNING if process.poll() is None])


def run_all(jobs):
    # Whatever the developer's shell says, run with TensorFlow's own default, and nothing of ours on the path.
    environment = {key: value for key, value in os.environ.items() if key not in ("TF_CPP_MIN_LOG_LEVEL", "PYTHONPATH")}
    for job, backend in jobs:
        process = subprocess.Popen([sys.executable, str(pathlib.Path(__file__)), "jax" if job == "plain" else job],
                                   cwd=FOLDER,
                                   env={**environment, "KERAS_BACKEND": backend}, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        RUNNING.append(process)
        out, err = process.communicate()
        RESULTS[job] = {"code": process.returncode, "out": out, "err": err, "folder": FOLDER}


def results():
    """What each run printed, once they have all finished."""
    start_runs()
    RUNNER[0].join(timeout=600)
    return RESULTS


def history(name):
    """The rows of the CSV a script's run wrote."""
    with open(FOLDER / f"{name}.csv") as file:
        return list(csv.DictReader(file))


@contextlib.contextmanager
def error_stream_to(path):
    """What is written to the error stream, from Python or C++, goes to the file at path meanwhile."""
    sys.stderr.flush()
    error_stream = os.dup(2)
    with open(path, "w") as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(error_stream, 2)
            os.close(error_stream)


def scripts():
    """Run both scripts as `python SCRIPT` runs them, writing what each printed to NAME.out; save 20 held-out
    digits and the sigmoid model's outputs for them; then print, as JSON, the sigmoid perceptron's held-out
    accuracy at seeds 0 to 4."""
    sys.path.insert(0, str(ROOT))
    from lesson import data, report, scripts  # First, as in the scripts.

    import keras
    import numpy as np

    for name, flags in [("perceptron-single", []), ("perceptron-sigmoid", ["--save-model", "five.keras"])]:
        printed = io.StringIO()
        sys.argv = [f"{name}.py", "--data", "sample", "--csv", f"{name}.csv", *flags]
        with contextlib.redirect_stdout(printed):
            sigmoid = runpy.run_path(str(ROOT / f"{name}.py"), run_name="__main__")  # Its names, at the end.
        pathlib.Path(f"{name}.out").write_text(printed.getvalue())

    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, digits_train), (x_test, digits_test) = data.load_sample()
    x_train, y_train = sigmoid["prepare"](x_train, digits_train)
    x_test, y_test = sigmoid["prepare"](x_test, digits_test)
    np.save("held-out.npy", x_test[:DIGITS_SHOWN])
    np.save("held-out-outputs.npy", report.outputs(keras.models.load_model("five.keras", compile=False),
                                                   x_test[:DIGITS_SHOWN]))
    # The sigmoid perceptron at its defaults, trained as the script trains it but faster: each seed's starting
    # weights go into one compiled model, which is checked on the held-out digits only at the end. It is the
    # same maths, and seed 0 shows that it gives the script's own number.
    trained = sigmoid["build_model"](sigmoid["LEARNING_RATE"])
    accuracy = {}
    for seed in range(5):
        keras.utils.set_random_seed(seed)
        trained.set_weights(sigmoid["build_model"](sigmoid["LEARNING_RATE"]).get_weights())
        trained.fit(x_train, y_train, batch_size=sigmoid["BATCH_SIZE"], epochs=sigmoid["EPOCHS"], verbose=0)
        accuracy[seed] = report.count_fives(report.outputs(trained, x_test), y_test)["accuracy"]

    # Each experiment through its main(), for one epoch and at fewer learning rates and sizes than its defaults.
    # Trained one after another in one Python, these many models make TensorFlow warn that it traces its
    # functions again and again, which it does not for one experiment: that goes to a file of its own.
    experiments = scripts.load("experiments.py")
    experiments.LEARNING_RATES = [0.001, 0.5]
    experiments.TRAINING_PARTS = [16, 1]
    ran = {}
    for name in experiments.EXPERIMENTS:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), error_stream_to(f"{name}.err"):
            results = experiments.main([name, "--data", "sample", "--epochs", "1", "--out", name])
        ran[name] = {"results": results, "printed": printed.getvalue()}
    pathlib.Path("experiments.json").write_text(json.dumps(ran))
    print(json.dumps(accuracy))


def jax():
    """Load the saved model in plain Keras, with nothing of this project on the path; then run both scripts
    through their main(). Print, as JSON, what the load found and what each script printed."""
    # What Keras and its backend print as they start, with no lesson to keep them quiet, goes to a file of
    # its own: what the scripts print later is then checked on its own.
    with error_stream_to("plain-keras.err"):
        import keras
        import numpy as np

        plain = {"project": importlib.util.find_spec("lesson") is not None}
        model = keras.models.load_model("five.keras")  # No custom objects, and compiled.
        outputs = model.predict(np.load("held-out.npy"), verbose=0)[:, 0]
        plain.update(compiled=model.compiled, loss=model.loss, backend=keras.backend.backend(),
                     difference=float(np.abs(outputs - np.load("held-out-outputs.npy")).max()))
    if keras.backend.backend() != "jax":
        print(json.dumps({"plain": plain}))
        return

    # predict.py and draw.py, loaded first, take from lesson only what they use: not its pictures or its data.
    sys.path.insert(0, str(ROOT))
    for name in ("predict", "draw"):
        spec = importlib.util.spec_from_file_location(name, ROOT / f"{name}.py")
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    imported = sorted(name for name in sys.modules if name.startswith("lesson"))
    from lesson import scripts

    printed = {"plain": plain, "imported": imported}
    # The linear unit blows up in its first epoch, so one shows it.
    for name, epochs in [("perceptron-single", "1"), ("perceptron-sigmoid", "10")]:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            scripts.load(f"{name}.py").main(["--data", "sample", "--no-plots", "--epochs", epochs])
        printed[name] = output.getvalue()
    print(json.dumps(printed))


def notebook():
    """Run lecture.ipynb top to bottom in a fresh kernel, on the sample digits, with this folder as its own;
    print, as JSON, what its cells printed and how many pictures they showed."""
    import nbclient
    import nbformat

    notebook = nbformat.read(ROOT / "lecture.ipynb", as_version=4)
    settings = [cell for cell in notebook.cells if cell.cell_type == "code" and "DATA = None" in cell.source]
    # The sample, so that the kernel, a process the tests' guards do not reach, stays offline.
    for cell in settings:
        cell.source = cell.source.replace("DATA = None", 'DATA = "sample"')
    os.environ["PYTHONPATH"] = str(ROOT)  # The kernel imports lesson from here.
    # A cell that raises stops the run with an error, and this program with it.
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": os.getcwd()}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    print(json.dumps({"settings": len(settings), "text": "".join(output.get("text", "") for output in outputs),
                      "pictures": sum("image/png" in output.get("data", {}) for output in outputs)}))


if __name__ == "__main__":
    {"scripts": scripts, "jax": jax, "notebook": notebook}[sys.argv[1]]()
