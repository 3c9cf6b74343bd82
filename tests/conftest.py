"""Shared fixtures: the two scripts as modules, the real sample digits, and
guards that keep every test offline and away from the developer's own files."""

import os
import pathlib
import socket
import sys
import tempfile

import numpy as np
import pytest
from hypothesis import settings

import end_to_end_runs

SCRIPTS = ["perceptron-single", "perceptron-sigmoid"]

# The fuzz tests' generated files: 100 of each kind in the suite, and 300 for the mutation run, which asks
# for them with --hypothesis-profile=thorough (see pyproject.toml).
settings.register_profile("suite", max_examples=100)
settings.register_profile("thorough", max_examples=300)
settings.load_profile("suite")

# A file that no one may read, not even root: Linux's write-only switch to compact memory.
WRITE_ONLY = pathlib.Path("/proc/sys/vm/compact_memory")
needs_write_only = pytest.mark.skipif(not WRITE_ONLY.exists(), reason="needs Linux's /proc/sys/vm/compact_memory")

# Keras reads KERAS_HOME once, when it is first imported, so set it before any
# test imports it: no test, and no run they start, may find, download into or
# change a real ~/.keras.
os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="keras-home-")
if "keras.src.backend.config" in sys.modules:
    # Imported already (importing TensorFlow imports it, as mutmut's fork server does): move its home.
    sys.modules["keras.src.backend.config"]._KERAS_DIR = os.environ["KERAS_HOME"]
# The end-to-end runs go on in other processes while these tests run. One
# thread each keeps them from crowding each other off the machine's cores;
# these models are far too small to gain from more.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")


def load_script(name):
    # lesson imports Keras, which takes seconds. It is imported when a test
    # first needs it, so that the end-to-end runs can start first.
    from lesson import scripts

    return scripts.load(f"{name}.py")


@pytest.fixture(scope="session")
def single():
    return load_script("perceptron-single")


@pytest.fixture(scope="session")
def sigmoid():
    return load_script("perceptron-sigmoid")


@pytest.fixture(scope="session")
def predict():
    return load_script("predict")


@pytest.fixture(scope="module", params=SCRIPTS)
def script(request):
    return load_script(request.param)


@pytest.fixture(scope="session")
def sample():
    """The bundled sample's real digits: ((x_train, digits_train), (x_test, digits_test))."""
    from lesson import data

    return data.load_sample()


@pytest.fixture(scope="session")
def small_npz(sample, tmp_path_factory):
    """A small MNIST-layout .npz cut from the real sample, for quick in-process runs."""
    (x_train, digits_train), (x_test, digits_test) = sample
    path = tmp_path_factory.mktemp("data") / "small.npz"
    np.savez(
        path,
        x_train=x_train[:800], y_train=digits_train[:800].astype(np.uint8),
        x_test=x_test[:200], y_test=digits_test[:200].astype(np.uint8),
    )
    return path


@pytest.fixture(scope="session")
def saved_model(tmp_path_factory):
    """The sigmoid perceptron trained on the sample for 5 epochs, and the .keras file it was saved to."""
    path = tmp_path_factory.mktemp("model") / "five.keras"
    sigmoid = load_script("perceptron-sigmoid")
    model = sigmoid.main(["--data", "sample", "--epochs", "5", "--no-plots", "--save-model", str(path)])
    return model, path


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Refuse every connection beyond this machine, whatever the code under test tries."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK:
            raise socket.gaierror(f"tests are offline: refused to look up {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise ConnectionRefusedError(f"tests are offline: refused to connect to {address[0]}")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


# The long runs' readers and the browser's tests: what `python -m pytest -m "not slow"` leaves out.
READERS = ("test_end_to_end.py", "test_backends.py", "test_notebook.py", "test_experiments.py", "test_docs.py")
SLOW = (*READERS, "test_playground.py", "test_playground_for_everyone.py")
BACKGROUND = {"background_runs", "runs", "ran"}


def pytest_collectstart(collector):
    """Start the background runs as collection starts, before any test imports Keras, if they are needed."""
    if "not slow" in collector.config.option.markexpr:
        return
    chosen = [pathlib.Path(arg.split("::")[0]).resolve() for arg in collector.config.args]
    readers = [pathlib.Path(__file__).with_name(name) for name in READERS]
    if any(path == reader or path in reader.parents for path in chosen for reader in readers):
        end_to_end_runs.start_runs()  # Once: it does nothing when they have started.


def pytest_collection_finish(session):
    """When the page's rooms are among the tests, write their fixtures and start Node on them at once."""
    if any(item.path.name == "test_page_rooms.py" for item in session.items):
        import page_fixtures

        page_fixtures.start_rooms(tempfile.mkdtemp(prefix="page-fixtures-"))


def pytest_collection_modifyitems(items):
    """Mark the slow tests, and run the tests that read the background runs last, so that those runs have time
    to finish."""
    for item in items:
        if item.path.name in SLOW or BACKGROUND & set(item.fixturenames) or "browser" in item.fixturenames:
            item.add_marker(pytest.mark.slow)
    # The rooms' Node tests, which run on the other core meanwhile, and the long runs' readers come last.
    items.sort(key=lambda item: (bool(BACKGROUND & set(item.fixturenames)),
                                 item.originalname == "test_each_room_is_what_python_computes"))


@pytest.fixture(scope="session")
def background_runs():
    """What the background runs printed and wrote, once they have finished."""
    return end_to_end_runs.results()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright, shared by every browser test."""
    import in_browser as driving

    sync_api = pytest.importorskip("playwright.sync_api")
    if driving.CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=driving.CHROMIUM, args=driving.ARGUMENTS)
        yield chromium
        chromium.close()
