"""Imports Keras with TensorFlow's start-up lines kept off the screen.

Every module of lesson that needs Keras imports this first, so whichever a
program imports, Keras starts quietly.

TensorFlow prints a few lines as it starts: no GPU was found, which CPU
instructions it could use, and so on. Version 2.21 prints them before its
logging is set up, so TF_CPP_MIN_LOG_LEVEL cannot stop them. While Keras
starts, the error stream goes through a small filter that drops those lines
and passes every other line on as it comes, so real errors and Python's
warnings still show. TF_CPP_MIN_LOG_LEVEL=0 shows them all.
"""

import contextlib
import os
import subprocess
import sys

START_UP_LINE = (
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} [\d:.]+ +\d+ \S+:\d+\] "  # Information and warnings, in absl's format
    r"|E\d{4} [\d:.]+ +\d+ \S+:\d+\] failed call to cuInit"  # No GPU, which is fine
    r"|To enable the following instructions: .* rebuild TensorFlow"
)

# The filter runs in a Python of its own: should TensorFlow end this one with
# abort(), the filter still passes on what TensorFlow said before it did. It
# ignores Ctrl-C, which reaches it too, and ends when the pipe is closed.
FILTER = f"""
import re, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
start_up = re.compile({START_UP_LINE!r}.encode())
for line in sys.stdin.buffer:
    if not start_up.match(line):
        sys.stderr.buffer.write(line)
        sys.stderr.buffer.flush()
"""


@contextlib.contextmanager
def start_up_lines_dropped():
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "0":
        yield
        return
    sys.stderr.flush()
    reading, writing = os.pipe()
    # TensorFlow writes from C++, straight to file descriptor 2, so the pipe goes there.
    with subprocess.Popen([sys.executable, "-I", "-S", "-c", FILTER], stdin=reading,
                          stdout=subprocess.DEVNULL):
        os.close(reading)
        real_stderr = os.dup(2)
        os.dup2(writing, 2)
        os.close(writing)
        try:
            yield
        finally:
            sys.stderr.flush()
            # This closes the pipe, so the filter passes on the last lines and ends.
            os.dup2(real_stderr, 2)
            os.close(real_stderr)


with start_up_lines_dropped():
    import keras

    # TensorFlow looks for a GPU the first time it computes anything: do that now.
    keras.ops.zeros(1)
    if keras.backend.backend() != "tensorflow":
        # On another backend Keras still feeds it the digits through TensorFlow's
        # input pipeline, which would start TensorFlow, and print, mid-run.
        with contextlib.suppress(ImportError):
            import tensorflow  # noqa: F401
