"""The long runs the tests check, started in the background as soon as the
test session starts, before it imports Keras itself, so that they go on while
the other tests run.

- perceptron-single.py at its defaults, as a learner runs it;
- this file run as a program: perceptron-sigmoid.py at its defaults through
  its main(), then the sigmoid perceptron at five seeds;
- and, when JAX is installed, this file run as a program on Keras' JAX
  backend: both scripts through their main(), the sigmoid at its defaults
  and the linear unit for the one epoch in which it blows up;
- and, when nbclient is installed, lecture.ipynb run by a fresh kernel.

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
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).parent.parent

STARTED = {}
FOLDER = []  # The folder all the runs run in.


def start_runs():
    """Start every run, once."""
    if STARTED:
        return
    folder = pathlib.Path(tempfile.mkdtemp(prefix="perceptron-runs-"))
    FOLDER.append(folder)
    history = folder / "perceptron-single.csv"
    STARTED["perceptron-single"] = start(folder, ROOT / "perceptron-single.py", "--data", "sample",
                                         "--csv", str(history)), history
    # perceptron-sigmoid.py through its main(), in the same Python as the seeds, so that Keras is imported once.
    STARTED["seeds"] = start(folder, pathlib.Path(__file__), "sigmoid_runs", niceness=0), folder / "perceptron-sigmoid.csv"
    if importlib.util.find_spec("jax") is not None:
        STARTED["jax"] = start(folder, pathlib.Path(__file__), "scripts", str(folder), backend="jax"), None
    if importlib.util.find_spec("nbclient") is not None:
        STARTED["notebook"] = start(folder, pathlib.Path(__file__), "notebook"), None
    # Should pytest stop early, leave no run behind.
    atexit.register(lambda: [process.kill() for process, _ in STARTED.values() if process.poll() is None])


def start(folder, program, *arguments, backend="tensorflow", niceness=5):
    # Whatever the developer's shell says, run with TensorFlow's own default.
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    environment["KERAS_BACKEND"] = backend
    process = subprocess.Popen([sys.executable, str(program), *arguments], cwd=folder, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The worker has the most to do, so the others give way to it.
    os.setpriority(os.PRIO_PROCESS, process.pid, niceness)
    return process


def results():
    """What each run printed and wrote, once it has finished."""
    start_runs()
    return {key: finished(process, history) for key, (process, history) in STARTED.items()}


def finished(process, history):
    out, err = process.communicate(timeout=300)
    text = history.read_text() if history else ""
    return {"code": process.returncode, "out": out, "err": err, "csv": text,
            "rows": list(csv.DictReader(io.StringIO(text))), "folder": FOLDER[0]}


def sigmoid_runs():
    """perceptron-sigmoid.py at its defaults, through its main() with --csv, its output written to
    perceptron-sigmoid.out; then print, as JSON, the sigmoid perceptron's held-out accuracy at seeds 0 to 4."""
    sys.path.insert(0, str(ROOT))
    from lesson import data, scripts, watch  # First, as in the scripts.

    import keras

    sigmoid = scripts.load("perceptron-sigmoid.py")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        sigmoid.main(["--data", "sample", "--csv", "perceptron-sigmoid.csv"])
    pathlib.Path("perceptron-sigmoid.out").write_text(printed.getvalue())

    with contextlib.redirect_stdout(io.StringIO()):
        (x_train, digits_train), (x_test, digits_test) = data.load_sample()
    x_train, y_train = sigmoid.prepare(x_train, digits_train)
    x_test, y_test = sigmoid.prepare(x_test, digits_test)
    # The sigmoid perceptron at its defaults, trained as the script trains it but
    # faster: each seed's starting weights go into one model, already compiled to
    # run a whole epoch per call to TensorFlow, and it is checked on the held-out
    # digits only at the end. It is the same maths, and seed 0 shows that it gives
    # the script's own number.
    model = sigmoid.build_model(sigmoid.LEARNING_RATE)
    model.compile(loss=model.loss, optimizer=model.optimizer, metrics=["accuracy"],
                  steps_per_execution=watch.BATCHES_PER_CALL)
    accuracy = {}
    for seed in range(5):
        keras.utils.set_random_seed(seed)
        model.set_weights(sigmoid.build_model(sigmoid.LEARNING_RATE).get_weights())
        model.fit(x_train, y_train, batch_size=sigmoid.BATCH_SIZE, epochs=sigmoid.EPOCHS, verbose=0)
        accuracy[seed] = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]

    print(json.dumps(accuracy))


def scripts(folder):
    """Print, as JSON, what each script printed on the sample, run through its main()."""
    sys.path.insert(0, str(ROOT))
    from lesson import scripts

    printed = {}
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
    {"sigmoid_runs": sigmoid_runs, "scripts": scripts, "notebook": notebook}[sys.argv[1]](*sys.argv[2:])
