"""Preparing the digits, and loading them from the sample, an .npz or the Keras cache."""

import contextlib
import importlib
import io
import os
import pathlib
import pickle
import re
import socket
import tempfile
import threading
import time
import urllib.request

from lesson import command_line, data, scripts

import keras
import numpy as np
import pytest

from conftest import WRITE_ONLY, needs_write_only

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_prepare_labels_exactly_the_fives_and_scales_pixels(script, sample):
    (images, digits), _ = sample
    pixels, is_five = script.prepare(images, digits)

    assert is_five.dtype == np.float32 and pixels.dtype == np.float32
    assert np.all(is_five[digits == 5] == 1.0)
    assert np.all(is_five[digits != 5] == 0.0)
    assert is_five.sum() == np.sum(digits == 5) == 400
    assert pixels.min() == 0.0 and pixels.max() == 1.0
    np.testing.assert_allclose(pixels * 255, images, atol=1e-4)


def test_sample_split_is_fixed_and_balanced(sample, capsys):
    (x_train, digits_train), (x_test, digits_test) = sample
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.uint8 and 0 <= x_train.min() and x_train.max() == 255
    assert np.bincount(digits_train).tolist() == [400] * 10
    assert np.bincount(digits_test).tolist() == [100] * 10
    # Not one held-out image is also a training image.
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)
    # The split does not depend on any random state a script may have set.
    np.random.seed(123)
    keras.utils.set_random_seed(7)
    (again_train, _), (again_test, _) = data.load_sample()
    assert np.array_equal(again_train, x_train) and np.array_equal(again_test, x_test)
    # It says what it loaded, and from where.
    assert capsys.readouterr().out == "Digits: 4,000 for training and 1,000 held out, from the bundled sample (lesson/mnist-sample.npz).\n"
    # Baseline of the held-out part: 900 of 1,000 digits are not fives.
    assert np.mean(digits_test != 5) == 0.9


def test_valid_npz_loads(small_npz):
    (x_train, digits_train), (x_test, digits_test) = data.load_npz(small_npz, "--data x")
    with np.load(small_npz) as raw:
        assert np.array_equal(x_train, raw["x_train"]) and np.array_equal(x_test, raw["x_test"])
        assert np.array_equal(digits_train, raw["y_train"]) and np.array_equal(digits_test, raw["y_test"])


def test_extra_keys_and_float_pixels_are_fine(tmp_path, sample):
    (x_train, digits_train), _ = sample
    path = tmp_path / "float.npz"
    np.savez(path, x_train=x_train[:10] / 1.0, y_train=digits_train[:10], x_test=x_train[:5] / 1.0,
             y_test=digits_train[:5], notes=np.array([1, 2]))
    (loaded, _), _ = data.load_npz(path, "--data x")
    assert loaded.dtype == np.float64 and loaded.shape == (10, 28, 28)


def good_arrays():
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "y_train": np.arange(6, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "y_test": np.arange(3, dtype=np.uint8),
    }


def write_npz(path, **changes):
    arrays = {**good_arrays(), **changes}
    np.savez(path, **{key: value for key, value in arrays.items() if value is not None})


def make_missing(path):
    pass


def make_folder(path):
    path.mkdir()


def make_empty(path):
    path.write_bytes(b"")


def make_text(path):
    path.write_text("x_train,y_train\n1,2\n")


def make_npy(path):
    with open(path, "wb") as file:  # np.save would add .npy to the name
        np.save(file, np.zeros((3, 28, 28)))


def make_truncated(path):
    write_npz(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_pickle(path):
    path.write_bytes(pickle.dumps({"x_train": [1, 2, 3]}))


def make_object_array(path):
    write_npz(path, y_test=np.array([1, "five", None], dtype=object))


BAD_FILES = [
    (make_missing, "no such file"),
    (make_folder, "is a folder"),
    (make_empty, "is not an .npz file"),
    (make_text, "is not an .npz file"),
    (make_pickle, "is not an .npz file"),
    (make_npy, "holds a single array (.npy), not an .npz with x_train, y_train, x_test and y_test"),
    (make_truncated, "is not an .npz file"),
    (make_object_array, "y_test holds Python objects"),
    (lambda path: write_npz(path, x_test=None, y_test=None),
     "has no x_test, y_test. An MNIST .npz holds x_train, y_train, x_test and y_test"),
    (lambda path: write_npz(path, x_train=np.zeros((6, 784))),
     "x_train has shape (6, 784); MNIST images are 28x28, so it should be (number of images, 28, 28)"),
    (lambda path: write_npz(path, x_test=np.zeros((3, 28, 27))), "x_test has shape (3, 28, 27)"),
    (lambda path: write_npz(path, x_test=np.full((3, 28, 28), "a")), "x_test holds <U1 values"),
    (lambda path: write_npz(path, x_train=np.zeros((0, 28, 28)), y_train=np.zeros(0)), "x_train holds no images"),
    (lambda path: write_npz(path, x_train=np.full((6, 28, 28), 255.5)), "x_train has pixels outside 0..255"),
    (lambda path: write_npz(path, x_train=np.full((6, 28, 28), np.nan)), "x_train has pixels outside 0..255"),
    (lambda path: write_npz(path, x_test=np.full((3, 28, 28), np.inf)), "x_test has pixels outside 0..255"),
    (lambda path: write_npz(path, x_test=np.full((3, 28, 28), -1.0)), "x_test has pixels outside 0..255"),
    (lambda path: write_npz(path, x_train=np.ones((6, 28, 28), np.uint8)), "x_train has pixels only from 0 to 1"),
    (lambda path: write_npz(path, x_train=np.zeros((6, 28, 28, 1))), "x_train has shape (6, 28, 28, 1)"),
    (lambda path: write_npz(path, x_train=np.zeros((6, 28, 28), dtype=object)), "x_train holds Python objects"),
    (lambda path: write_npz(path, x_test=np.zeros((3, 28, 28), dtype=complex)), "x_test holds complex128 values"),
    (lambda path: write_npz(path, y_test=np.array([0, np.nan, 2])), "y_test has labels outside 0..9"),
    (lambda path: write_npz(path, y_test=np.zeros((3, 1))), "y_test has shape (3, 1)"),
    (lambda path: write_npz(path, x_test=np.zeros((0, 28, 28)), y_test=np.zeros(0)), "x_test holds no images"),
    (lambda path: write_npz(path, y_train=np.arange(5)), "y_train has shape (5,); it should hold one label"),
    (lambda path: write_npz(path, y_test=np.array([0, 10, 2])), "y_test has labels outside 0..9"),
    (lambda path: write_npz(path, y_test=np.array([0, -1, 2])), "y_test has labels outside 0..9"),
    (lambda path: write_npz(path, y_test=np.array([0, 1.5, 2])), "y_test has labels outside 0..9"),
    (lambda path: write_npz(path, y_test=np.array(["0", "1", "2"])), "y_test holds <U1 values"),
]


@pytest.mark.parametrize("make, message", BAD_FILES)
def test_bad_data_file_gets_its_own_message(tmp_path, make, message):
    path = tmp_path / "digits.npz"
    make(path)
    with pytest.raises(command_line.InputError) as error:
        data.load_npz(path, f"--data {path}")
    assert message in str(error.value)
    assert str(error.value).startswith(f"--data {path}")
    assert "\n" not in str(error.value)


@needs_write_only
def test_unreadable_file_says_permission_denied():
    with pytest.raises(command_line.InputError) as error:
        data.load_npz(WRITE_ONLY, f"--data {WRITE_ONLY}")
    assert str(error.value) == f"--data {WRITE_ONLY} cannot be read (permission denied)"


@pytest.mark.parametrize(
    "program, words",
    [("perceptron-single", []), ("perceptron-sigmoid", []), ("compare", []), ("experiments", ["more-data"])],
)
def test_bad_data_flag_exits_2_with_one_line(program, words, tmp_path, capsys):
    path = tmp_path / "digits.npz"
    write_npz(path, y_train=np.full(6, 11))
    before = path.read_bytes()
    with pytest.raises(SystemExit) as exit:
        command_line.run(scripts.load(f"{program}.py").main, [*words, "--data", str(path), "--epochs", "1"])
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"--data {path}: y_train has labels outside 0..9" in error
    assert path.read_bytes() == before  # The learner's file is left alone.


@pytest.mark.parametrize("key", ["x_train", "x_test"])
def test_pixels_scaled_already_are_named_before_training(script, small_npz, key, tmp_path, capsys):
    """Real digits divided by 255 before they were saved: the scripts would divide them again, and learn
    nothing."""
    with np.load(small_npz) as digits:
        arrays = dict(digits)
    arrays[key] = arrays[key] / 255
    path = tmp_path / "scaled.npz"
    np.savez(path, **arrays)
    before = path.read_bytes()
    with pytest.raises(SystemExit) as exit:
        command_line.run(script.main, ["--data", str(path), "--no-plots"])
    assert exit.value.code == 2
    captured = capsys.readouterr()
    assert captured.err == (f"error: --data {path}: {key} has pixels only from 0 to 1, as if scaled already; the "
                            "scripts scale 0..255 to 0..1 themselves, so save the pixels unscaled, from 0 to 255 "
                            "(multiply by 255)\n")
    assert "Digits:" not in captured.out  # Stopped before training.
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------
# With no --data: the Keras cache, the download, and the fallback to the sample


@pytest.fixture
def cache():
    """Where Keras keeps MNIST in this test session (conftest.py points KERAS_HOME at a
    folder of its own), empty before the test and after it."""
    path = pathlib.Path(data.mnist_cache())
    assert not path.exists()
    yield path
    path.unlink(missing_ok=True)


def test_the_cache_is_where_keras_writes_its_download(cache, tmp_path):
    """Keras' own download, from a file:// address so that no network is needed, lands where
    load_mnist() looks for it."""
    source = tmp_path / "mnist.npz"
    source.write_bytes(b"not really MNIST")
    written = keras.utils.get_file(fname="mnist.npz", origin=source.as_uri())
    assert pathlib.Path(written) == cache
    assert cache.read_bytes() == b"not really MNIST"


# Keras decides its home folder as it starts, from KERAS_HOME and ~: so each case starts Keras' settings
# module again, in a Python of its own. Should Keras move that module, this fails loudly.
def test_the_cache_is_where_keras_puts_its_downloads_wherever_its_home_is(tmp_path, monkeypatch):
    """KERAS_HOME, with or without a ~ in it, and no KERAS_HOME, so ~/.keras: Keras' settings read afresh for
    each, and its own download, of a file beside MNIST's, shows where MNIST's goes."""
    from keras.src.backend import config

    (tmp_path / "notes.txt").write_text("not MNIST")
    (tmp_path / "keras-home").mkdir()  # Keras would make it where it stands, ~ and all.
    cases = {
        "KERAS_HOME": ({"KERAS_HOME": str(tmp_path / "own-home")}, tmp_path / "own-home" / "datasets"),
        "KERAS_HOME with ~": ({"KERAS_HOME": "~/keras-home"}, tmp_path / "keras-home" / "datasets"),
        "no KERAS_HOME": ({}, tmp_path / ".keras" / "datasets"),
    }
    monkeypatch.chdir(tmp_path)  # Keras makes a home of "~/keras-home" where it stands, ~ and all.
    try:
        for case, (settings, expected) in cases.items():
            monkeypatch.delenv("KERAS_HOME")
            monkeypatch.setenv("HOME", str(tmp_path))
            for name, value in settings.items():
                monkeypatch.setenv(name, value)
            importlib.reload(config)
            with contextlib.redirect_stdout(io.StringIO()):  # Keras' "Downloading data from ..." line.
                written = keras.utils.get_file(fname=f"{case}.txt", origin=(tmp_path / "notes.txt").as_uri())
            assert (os.path.dirname(written), os.path.dirname(data.mnist_cache())) == (str(expected),) * 2, case
    finally:
        monkeypatch.undo()
        importlib.reload(config)  # Keras' home is the tests' own again.
    assert config.keras_home() == os.environ["KERAS_HOME"]


def test_the_cache_follows_keras_to_tmp_when_its_home_cannot_be_written(monkeypatch, tmp_path):
    """A home folder that cannot be made, even by root: keras.utils.get_file then keeps its downloads in
    /tmp/.keras (see its source), and so does the cache here, even where Python's own temporary folder is
    elsewhere. Nothing is downloaded there."""
    monkeypatch.setenv("KERAS_HOME", "/sys/perceptron-lesson/keras-home")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert data.mnist_cache() == "/tmp/.keras/datasets/mnist.npz"


def test_cached_mnist_is_used_without_the_network(cache, monkeypatch, small_npz, capsys):
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(small_npz.read_bytes())
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: pytest.fail("tried to download"))
    (x_train, _), (x_test, _) = data.load(None)
    assert x_train.shape == (800, 28, 28) and x_test.shape == (200, 28, 28)
    assert str(cache) in capsys.readouterr().out


def test_a_download_is_announced_and_read_from_the_cache_ever_after(cache, monkeypatch, capsys, small_npz):
    """The download itself needs the network, so Keras' load_data is played here by one that returns MNIST's
    layout at once; what the learner sees, and the network timeout put back, are load_mnist's own."""
    with np.load(small_npz) as digits:
        mnist = ((digits["x_train"], digits["y_train"]), (digits["x_test"], digits["y_test"]))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: mnist)
    socket.setdefaulttimeout(7.0)
    try:
        (x_train, _), (x_test, _) = data.load(None)
        assert socket.getdefaulttimeout() == 7.0  # Put back as it was.
    finally:
        socket.setdefaulttimeout(None)
    assert (len(x_train), len(x_test)) == (800, 200)
    assert capsys.readouterr().out == (f"Downloaded MNIST into {cache}: later runs read it from there.\n"
                                       f"Digits: 800 for training and 200 held out, from {cache}.\n")


@pytest.mark.parametrize("failure, reason", [
    (ValueError("Incomplete or corrupted file detected. The sha256 file hash does not match"),
     "Incomplete or corrupted file detected. The sha256 file hash does not match"),
    (Exception(), "Exception"),
])
def test_a_download_that_fails_for_another_reason_names_it(failure, reason, cache, monkeypatch, capsys):
    """Not "no network": Keras got an answer, or failed in a way of its own. Keras' load_data raises here what
    it raises then."""
    def download():
        raise failure

    monkeypatch.setattr(keras.datasets.mnist, "load_data", download)
    (x_train, _), _ = data.load(None)
    assert x_train.shape == (4000, 28, 28)
    assert capsys.readouterr().out.startswith(f"MNIST could not be downloaded ({reason}), so the 5,000 real MNIST")


def test_corrupt_cache_falls_back_and_is_kept(cache, monkeypatch, capsys):
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(b"PK\x03\x04 half a download")
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: pytest.fail("tried to download"))
    (x_train, _), _ = data.load(None)
    assert x_train.shape == (4000, 28, 28)
    out = capsys.readouterr().out
    assert f"Cannot use the full MNIST set: the cached {cache} is not an .npz file" in out
    # It says how to get out of it, rather than falling back to the sample on every run.
    assert f"Delete {cache} and run again to download it afresh." in out
    assert cache.read_bytes() == b"PK\x03\x04 half a download"


def use_proxy(monkeypatch, answer):
    """A proxy on loopback that accepts the download's connection and answers it with `answer`
    (None: it says nothing, for 10 seconds, then hangs up). Returns the list of connections it accepted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []

    def serve():
        connection, _ = listener.accept()
        accepted.append(connection)
        if answer is None:
            time.sleep(10)  # Longer than the download should wait, and not for ever, should it wait on.
            connection.close()
        else:
            connection.recv(4096)
            connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    proxy = f"http://127.0.0.1:{listener.getsockname()[1]}"
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, proxy)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    # urllib reads the proxy settings once, into an opener it keeps: start afresh, and put it back after.
    monkeypatch.setattr(urllib.request, "_opener", None)
    return accepted


def printed_before_the_digits(capsys):
    """What a run printed before its "Digits: ..." line."""
    return capsys.readouterr().out.split("Digits: ")[0].splitlines()


def test_silent_proxy_gives_up_and_falls_back(cache, monkeypatch, capsys, sample):
    accepted = use_proxy(monkeypatch, None)
    monkeypatch.setattr(data, "NETWORK_TIMEOUT_SECONDS", 0.3)
    started = time.monotonic()
    (x_train, _), (x_test, _) = data.load(None)
    waited = time.monotonic() - started

    assert accepted, "the download never reached the proxy"
    assert np.array_equal(x_train, sample[0][0]) and np.array_equal(x_test, sample[1][0])
    assert waited < 5  # It gave up: the proxy would have hung up at 10 seconds.
    [line] = printed_before_the_digits(capsys)
    assert line.startswith("No network, so the 5,000 real MNIST digits that come with the lesson are used instead.")
    assert socket.getdefaulttimeout() is None  # The timeout was put back.
    assert not cache.exists()


def test_a_proxy_that_refuses_is_named_as_the_reason(cache, monkeypatch, capsys):
    """Not "no network": the network answered, and said no."""
    use_proxy(monkeypatch, b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
    (x_train, _), _ = data.load(None)
    assert x_train.shape == (4000, 28, 28)
    [line] = printed_before_the_digits(capsys)
    assert line.startswith("MNIST could not be downloaded (Tunnel connection failed: 403 Forbidden), so the 5,000")
    assert not cache.exists()


class MakesMarker:
    """A pickle whose loading would create a file: code that must never run."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (pathlib.Path(self.marker).touch, ())


def test_pickled_code_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "ran.txt"
    raw = tmp_path / "raw-pickle.npz"
    raw.write_bytes(pickle.dumps(MakesMarker(marker)))
    inside = tmp_path / "object-array.npz"
    write_npz(inside, y_train=np.array([MakesMarker(marker)] * 6, dtype=object))
    assert not marker.exists()
    for path, message in [(raw, "is not an .npz file"), (inside, "y_train holds Python objects")]:
        with pytest.raises(command_line.InputError, match=re.escape(message)):
            data.load_npz(path, f"--data {path}")
    assert not marker.exists()
    # The payload is real: unpickling it does create the marker.
    pickle.loads(raw.read_bytes())
    assert marker.exists()


def test_download_without_dns_says_so_in_one_calm_line(cache, monkeypatch, capsys):
    """No mock of Keras here: its real download meets a machine with no DNS."""
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(urllib.request, "_opener", None)
    started = time.monotonic()
    (x_train, _), _ = data.load(None)
    assert time.monotonic() - started < 10
    assert x_train.shape == (4000, 28, 28)
    # Not Keras' "Downloading data from https://..." and a DNS error: one line, that says what to do.
    calm = ("No network, so the 5,000 real MNIST digits that come with the lesson are used instead. For all 70,000, "
            f"run again online, or put mnist.npz into {cache.parent} or pass --data PATH (see docs/troubleshooting.md).")
    assert printed_before_the_digits(capsys) == [calm]
