"""The environment every example runs in, for the notebook builder and for the tests alike.

Kernels and script subprocesses inherit os.environ, so setting it here before they start keeps
TensorFlow's start-up noise out of stored outputs and makes a fresh run match the stored one.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

KERNEL_ENV = {
    # TensorFlow's C++ log messages at INFO and WARNING level.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # oneDNN reorders float sums differently on different CPUs; off, results agree more closely.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    # Stored outputs are produced on the CPU; a reader's GPU must not change them.
    "CUDA_VISIBLE_DEVICES": "-1",
    # Iteration order of Python hashes, so nothing printed depends on it.
    "PYTHONHASHSEED": "0",
}

# TensorFlow writes "Could not find cuda drivers" to the process's stderr before its logging is
# set up, so no log level silences it. A kernel that does not capture C-level output keeps that
# line in the terminal and out of the notebook; Python's own warnings still reach the notebook.
KERNEL_CONFIG = "c.IPKernelApp.capture_fd_output = False\n"


def apply_kernel_env(backend: str = "tensorflow") -> dict[str, str]:
    """Set the example environment in os.environ, for kernels and subprocesses started after."""
    ipython_dir = Path(tempfile.mkdtemp(prefix="examples-ipython-"))
    atexit.register(shutil.rmtree, ipython_dir, ignore_errors=True)  # the kernels end before we do
    profile = ipython_dir / "profile_default"
    profile.mkdir()
    (profile / "ipython_kernel_config.py").write_text(KERNEL_CONFIG)
    env = dict(KERNEL_ENV, KERAS_BACKEND=backend, IPYTHONDIR=str(ipython_dir))
    os.environ.update(env)
    return env
