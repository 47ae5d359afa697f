"""Start Keras on the backend the user chose, with no start-up noise in what the program prints.

TensorFlow writes several lines to the process's stderr while it is imported (oneDNN, CUDA
drivers, CPU instructions), some before its logging is set up, so no log level silences them
all. They are written by C++ code straight to file descriptor 2, so the import runs with that
descriptor pointed at a temporary file; if the import fails, what was written is shown.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

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


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def check_model_file(path: Path) -> None:
    """Refuse what Keras would misreport: a missing file, or a `.keras` file that is no zip archive
    (Keras says "File not found" for a file that is there)."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a saved model: the model (a .keras file) comes first, "
                         "then the inputs (extract-layers MODEL INPUTS ...)")
    if not path.is_file():
        raise UsageError(f"model file not found: {path}")
    if path.suffix != ".keras" or zipfile.is_zipfile(path):
        return
    with open(path, "rb") as file:
        head = file.read(len(HDF5_SIGNATURE))
    if head == HDF5_SIGNATURE:
        raise UsageError(f"cannot load {path}: it is an HDF5 model (model.save('model.h5')) under a .keras name; "
                         "rename it to .h5")
    what = "empty" if not head else "not a zip archive"
    raise UsageError(f"cannot load {path}: the file is {what}, and a .keras model is a zip archive written by "
                     "model.save('model.keras') (a download or copy cut short?)")


SAFE_MODE = re.compile(r"Requested the (.+?)\. This carries a potential risk")
NOT_FOUND = re.compile(r"Could not locate (function|class) '(.+?)'")
# what to do when a model needs the user's own code: this command imports none of it
OWN_CODE = ("in Python, import the module that defines it and call extract_layers.cli.main([...the same "
            "arguments])")
REGISTER = "register it with @keras.saving.register_keras_serializable, then, "


def load_model(path: Path, unsafe: bool):
    """keras.models.load_model, where every failure is one line saying what to do."""
    import keras

    try:
        return keras.models.load_model(path, safe_mode=not unsafe)
    except Exception as err:  # noqa: BLE001  (any failure to load is the file's, said in one line)
        raise UsageError(load_refusal(path, err, unsafe)) from None


def load_refusal(path: Path, err: BaseException, unsafe: bool) -> str:
    chain = []
    while err is not None and len(chain) < 20:
        chain.append(err)
        err = err.__cause__ or err.__context__
    for error in chain:
        refused = SAFE_MODE.search(str(error))
        if refused:  # Keras's advice names safe_mode=False; the option here is --unsafe
            return (f"cannot load {path}: Keras refuses the {refused.group(1)} by default, as loading it "
                    "could run any code; if you trust the file, pass --unsafe")
    for error in chain:
        if isinstance(error, NameError) and unsafe:
            return (f"cannot load {path}: a Lambda's Python lambda uses {error.name or 'a name'} ({error}), "
                    "and a lambda rebuilt from a file sees none of the imports it was written with, even with "
                    f"--unsafe: make it a named function or a layer, {REGISTER}{OWN_CODE}")
        missing = NOT_FOUND.match(str(error))
        if missing:  # a Lambda on a named function, or a custom layer: the file holds only its name
            what = ("the Python function", " (a Lambda on a named function?)") if missing.group(1) == "function" \
                else ("the class", "")
            return (f"cannot load {path}: it uses {what[0]} {missing.group(2)!r}{what[1]}, whose code a .keras file "
                    f"does not hold, and this command imports none of yours, with or without --unsafe: "
                    f"{'' if '>' in missing.group(2) else REGISTER}{OWN_CODE}")
        if isinstance(error, KeyError) and "config.json" in str(error):
            return f"cannot load {path}: a zip archive, but not a saved Keras model (it holds no config.json)"
    first = chain[0]
    lines = str(first).splitlines()
    if lines and lines[0].startswith("Exception encountered when calling") and len(chain) > 1:
        first, lines = chain[1], str(chain[1]).splitlines()
    return f"cannot load {path}: {lines[0] if lines else type(first).__name__}"
