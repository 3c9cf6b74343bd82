"""Shared fixtures: the two scripts as modules, the real sample digits, and
guards that keep every test offline and away from the developer's own files."""

import os
import socket
import tempfile

import numpy as np
import pytest

SCRIPTS = ["perceptron-single", "perceptron-sigmoid"]

# Keras reads KERAS_HOME once, when it is first imported, so set it before any
# test imports it: no test may find, download into or change a real ~/.keras.
os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="keras-home-")

import lesson  # Only now: it imports Keras, which needs KERAS_HOME set first.


def load_script(name):
    return lesson.load_script(f"{name}.py")


@pytest.fixture(scope="session")
def single():
    return load_script("perceptron-single")


@pytest.fixture(scope="session")
def sigmoid():
    return load_script("perceptron-sigmoid")


@pytest.fixture(scope="session", params=SCRIPTS)
def script(request):
    return load_script(request.param)


@pytest.fixture(scope="session")
def sample():
    """The bundled sample's real digits: ((x_train, digits_train), (x_test, digits_test))."""
    return lesson.load_sample()


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


def pytest_collection_finish(session):
    """Start the end-to-end runs early, so they go on while the other tests run."""
    for item in session.items:
        if item.module.__name__.endswith("test_end_to_end"):
            item.module.start_runs()
            return
