"""Start Keras on the backend the user chose, with no start-up noise in what the program prints.

TensorFlow writes several lines to the process's stderr while it is imported (oneDNN, CUDA
drivers, CPU instructions), some before its logging is set up, so no log level silences them
all. They are written by C++ code straight to file descriptor 2, so the import runs with that
descriptor pointed at a temporary file; if the import fails, what was written is shown.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile

from .graph import UsageError

QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # TensorFlow's own C++ INFO and WARNING messages
    "GRPC_VERBOSITY": "ERROR",
    "ABSL_MIN_LOG_LEVEL": "3",
}


@contextlib.contextmanager
def quiet_stderr():
    """Point file descriptor 2 at a temporary file for the duration; replay it on an exception,
    unless that exception is the user's mistake (a UsageError, reported as one line)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        except UsageError:
            raise
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode(errors="replace"))
            raise
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def import_keras():
    """Import Keras (and its backend) quietly. Call before anything else imports TensorFlow."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with quiet_stderr():
        import keras

    return keras
