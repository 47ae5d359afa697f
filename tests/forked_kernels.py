"""Notebook kernels that start with NumPy, TensorFlow and Keras already imported, for nbval.

Every notebook's first cell imports TensorFlow: seconds of CPU per notebook, most of what a short
page costs. Here one server per pytest process imports NumPy, TensorFlow and Keras and nothing
else, then forks one child per kernel; the child becomes an IPython kernel exactly as
`python -m ipykernel_launcher -f CONNECTION_FILE` would, in the kernel's own working directory and
environment. So each notebook still gets a kernel of its own, with no model, layer name, random
seed or variable of any other notebook; what it saves is the import.

jupyter_client starts the small launcher below as "the kernel process". The launcher asks the
server for a child, passes SIGINT and SIGTERM on to it (nbval interrupts a cell that runs too
long) and exits with the child's status. When the launcher is killed (nbval shuts kernels down
with SIGKILL), the server kills its child.

A kernel whose environment differs from the server's in what TensorFlow, Keras or Python read at
import (KERAS_BACKEND, TF_*, PYTHONHASHSEED, ...) gets a new interpreter instead (`exec`), as does
every kernel when FRESH_KERNELS=1 is set.

Run as a file: `python forked_kernels.py serve SOCKET` or `python forked_kernels.py launch SOCKET
-f CONNECTION_FILE`. The launcher imports nothing heavy.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys
import time

# What a kernel's environment must share with the server's for a fork to equal a fresh start:
# what the pre-imported modules and the interpreter read when they start.
IMPORT_TIME_PREFIXES = ("KERAS_", "TF_", "XLA_", "JAX_", "CUDA_", "PYTHON", "OMP_", "MKL_")
IMPORT_TIME_NAMES = ("HOME", "LD_LIBRARY_PATH", "LD_PRELOAD")


def import_time_env(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(IMPORT_TIME_PREFIXES) or k in IMPORT_TIME_NAMES}


def fresh_kernel(argv: list[str]) -> None:
    """Replace this process with a new interpreter running the kernel (never returns)."""
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])


def become_kernel(request: dict, inherited: list[socket.socket]) -> None:
    """In a forked child: become the kernel `request` describes, then exit with its status."""
    status = 1
    try:
        for sock in inherited:
            sock.close()
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(number, signal.SIG_DFL if number != signal.SIGINT else signal.default_int_handler)
        os.setsid()  # the kernel's own session, as a kernel jupyter_client starts has
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.chdir(request["cwd"])
        if import_time_env(request["env"]) != import_time_env(dict(os.environ)):
            os.environ.clear()
            os.environ.update(request["env"])
            fresh_kernel(request["argv"])
        os.environ.clear()
        os.environ.update(request["env"])
        # As ipykernel_launcher: sys.path without the script's folder; IPython adds '' back.
        del sys.path[0]
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def serve(path: str) -> None:
    """Import, then fork a kernel for each launcher that connects; report each child's exit status
    to its launcher; kill a child whose launcher went away. Stops when its parent process does."""
    import keras  # noqa: F401
    import numpy  # noqa: F401
    import tensorflow  # noqa: F401

    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".part")
    os.rename(path + ".part", path)  # launchers connect once the imports are done
    listener.listen()
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[socket.socket, int] = {}

    def forget(conn: socket.socket) -> None:
        selector.unregister(conn)
        children.pop(conn, None)
        conn.close()

    while os.getppid() == parent:
        for key, _ in selector.select(timeout=0.5):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            if sock is listener:
                conn, _ = listener.accept()
                conn.settimeout(30)  # a launcher killed before it asked must not stop the server
                try:
                    request = json.loads(conn.makefile("r").readline())
                except (OSError, ValueError):
                    conn.close()
                    continue
                conn.settimeout(None)
                pid = os.fork()
                if pid == 0:
                    become_kernel(request, [listener, conn, *children])
                conn.sendall(f"{pid}\n".encode())
                children[conn] = pid
                selector.register(conn, selectors.EVENT_READ)
            elif not sock.recv(64):  # the launcher is gone: so goes its kernel
                try:
                    os.kill(children[sock], signal.SIGKILL)
                except ProcessLookupError:
                    pass
                forget(sock)
        while True:  # reap the children that ended, and tell their launchers
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            for conn, child in list(children.items()):
                if child == pid:
                    try:
                        conn.sendall(f"{os.waitstatus_to_exitcode(wait_status)}\n".encode())
                    except OSError:
                        pass
                    forget(conn)
    for pid in children.values():
        os.kill(pid, signal.SIGKILL)


def launch(path: str, argv: list[str]) -> int:
    """Ask the server at `path` for a kernel; pass signals on to it; return its exit status."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 300  # the first kernel waits for the server's imports
    while True:
        try:
            conn.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                print(f"forked_kernels: no server at {path}; starting a fresh kernel", file=sys.stderr)
                fresh_kernel(argv)
            time.sleep(0.05)
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    conn.sendall(json.dumps(request).encode() + b"\n")
    lines = conn.makefile("r")
    pid = int(lines.readline())
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, lambda received, _frame: os.kill(pid, received))
    status = lines.readline().strip()
    return int(status) if status else 1


class KernelServer:
    """The server of one pytest process, started on first use; `argv` is a kernel spec's argv."""

    def __init__(self) -> None:
        import subprocess
        import tempfile

        self.folder = tempfile.mkdtemp(prefix="forked-kernels-")
        self.socket_path = os.path.join(self.folder, "server.sock")
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "serve", self.socket_path], stdin=subprocess.DEVNULL
        )

    @property
    def argv(self) -> list[str]:
        return [sys.executable, os.path.abspath(__file__), "launch", self.socket_path, "-f", "{connection_file}"]

    def close(self) -> None:
        import shutil

        self.process.kill()  # its loop would notice our exit too; this is sooner
        self.process.wait(timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


_server: KernelServer | None = None


def use_forked_kernels() -> None:
    """Make nbval's current-environment kernel (--nbval-current-env) a forked one."""
    import nbval.kernel

    original = nbval.kernel.NbvalKernelspecManager.get_kernel_spec

    def get_kernel_spec(self, kernel_name):
        global _server
        spec = original(self, kernel_name)
        if kernel_name == nbval.kernel.CURRENT_ENV_KERNEL_NAME:
            if _server is None:
                _server = KernelServer()
            spec.argv = _server.argv
        return spec

    nbval.kernel.NbvalKernelspecManager.get_kernel_spec = get_kernel_spec


def stop_server() -> None:
    global _server
    if _server is not None:
        _server.close()
        _server = None


if __name__ == "__main__":
    role, socket_path, *rest = sys.argv[1:]
    if role == "serve":
        serve(socket_path)
    else:
        sys.exit(launch(socket_path, rest))
