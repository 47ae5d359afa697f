"""Run Python scripts each in a fresh process that starts with NumPy, TensorFlow and Keras already
imported: forked from one process that imported them and did nothing else.

Importing TensorFlow takes seconds; a page's short answer runs in well under that. A forked child
has the same state as a new interpreter that ran `import numpy, tensorflow, keras` first: no model,
layer name or random seed of any other script, its own working directory, `sys.argv` and `__main__`.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

SERVER = r"""
import os, runpy, sys, traceback
import numpy, tensorflow, keras  # noqa: F401  (the imports every child starts with)

for line in sys.stdin:
    script = line.rstrip("\n")
    pid = os.fork()
    if pid == 0:
        folder = os.path.dirname(script)
        log = os.open(script + ".log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.chdir(folder)
        sys.path.insert(0, folder)
        sys.argv = [script]
        status = 0
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    print(pid, flush=True)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


class PreimportedPython:
    """A server process that forks one child per script; `run` returns (exit status, output)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.server = subprocess.Popen(
            [sys.executable, "-c", SERVER], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        # The server's lines, read by a thread: a timeout on a queue, not select() on a buffered
        # pipe (two lines arriving together would leave the second in the buffer, unseen).
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_lines, daemon=True).start()

    def _read_lines(self) -> None:
        assert self.server.stdout is not None
        for line in self.server.stdout:
            self.lines.put(line.strip())
        self.lines.put("")  # the server stopped

    def _line(self, timeout: float) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None
        if not line:
            raise RuntimeError(f"the server process stopped (exit status {self.server.wait()})")
        return line

    def run(self, script: Path, timeout: float) -> tuple[int, str]:
        if "KERAS_BACKEND" in script.read_text():  # sets its own backend: it needs a new interpreter
            result = subprocess.run(
                [sys.executable, str(script)], cwd=script.parent, env=self.env, capture_output=True, text=True,
                timeout=timeout,
            )
            return result.returncode, result.stdout + result.stderr
        assert self.server.stdin is not None
        self.server.stdin.write(f"{script.resolve()}\n")
        self.server.stdin.flush()
        pid = int(self._line(timeout=600))  # the first waits for the server to import TensorFlow
        try:
            status = int(self._line(timeout))
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)  # the server then reports its status and takes the next
            self._line(timeout=60)
            return -9, f"killed after {timeout} s\n" + Path(f"{script.resolve()}.log").read_text()
        return status, Path(f"{script.resolve()}.log").read_text()

    def close(self) -> None:
        if self.server.stdin:
            self.server.stdin.close()
        self.server.wait(timeout=60)
