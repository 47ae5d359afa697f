"""The notebooks' forked kernels (forked_kernels.py) behave as fresh ones: their own state, working
directory, environment and sys.path; interrupted by nbval's SIGINT; gone when shut down; and a new
interpreter where the environment asks for another Keras backend."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager

from tests.forked_kernels import KernelServer

FRESH_ARGV = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]


@pytest.fixture(scope="module")
def server() -> Iterator[KernelServer]:
    kernels = KernelServer()
    yield kernels
    kernels.close()


class Kernel:
    """A kernel started from `argv` as nbval starts one; `run` returns what the code printed."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        class Specs(KernelSpecManager):
            def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
                return KernelSpec(argv=argv, display_name=kernel_name, language="python")

        self.manager = KernelManager(kernel_name="under-test", kernel_spec_manager=Specs())
        self.manager.start_kernel(cwd=str(cwd), env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=300)

    def run(self, code: str, timeout: float = 60) -> tuple[str, dict]:
        printed: list[str] = []

        def collect(message: dict) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        reply = self.client.execute_interactive(code, timeout=timeout, output_hook=collect)
        return "".join(printed).strip(), reply["content"]

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def start(argv: list[str], tmp_path: Path, **env: str) -> Kernel:
    return Kernel(argv, tmp_path, dict(os.environ, **env))


def test_each_kernel_has_its_own_state_folder_and_environment(server: KernelServer, tmp_path: Path) -> None:
    seen = []
    for index in range(2):
        folder = tmp_path / f"notebook_{index}"
        folder.mkdir()
        kernel = start(server.argv, folder, NOTEBOOK_MARK=str(index))
        code = (
            "import os, keras\n"
            "print(keras.layers.Dense(1).name, os.getcwd(), os.environ['NOTEBOOK_MARK'], __name__,"
            " 'earlier' in globals())\n"
            "earlier = True"
        )
        seen.append(kernel.run(code)[0])
        kernel.stop()
    assert seen == [f"dense {tmp_path / f'notebook_{i}'} {i} __main__ False" for i in range(2)]


def test_sys_path_is_a_fresh_kernels(server: KernelServer, tmp_path: Path) -> None:
    paths = []
    for argv in (FRESH_ARGV, server.argv):
        kernel = start(argv, tmp_path)
        paths.append(kernel.run("import sys; print(sys.path)")[0])
        kernel.stop()
    assert paths[0] == paths[1]


def test_interrupt_stops_a_running_cell_and_shutdown_ends_the_kernel(server: KernelServer, tmp_path: Path) -> None:
    kernel = start(server.argv, tmp_path)
    pid = int(kernel.run("import os; print(os.getpid())")[0])
    assert pid != kernel.manager.provisioner.process.pid  # a fork, not the launcher
    message_id = kernel.client.execute("import time; time.sleep(60)")
    time.sleep(1)
    began = time.monotonic()
    kernel.manager.interrupt_kernel()
    reply = kernel.client.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == message_id
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - began < 30
    assert kernel.run("print(1 + 1)")[0] == "2"  # still alive
    kernel.stop()
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"kernel {pid} still runs after shutdown")


def test_another_backend_gets_a_new_interpreter(server: KernelServer, tmp_path: Path) -> None:
    kernel = start(server.argv, tmp_path, KERAS_BACKEND="numpy")
    printed, _ = kernel.run("import keras; print(keras.backend.backend())")
    kernel.stop()
    assert printed == "numpy"


def test_a_launcher_that_dies_before_asking_does_not_stop_the_server(server: KernelServer, tmp_path: Path) -> None:
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as early:
        for _ in range(3000):  # the first test of the module may not have waited for the imports
            try:
                early.connect(server.socket_path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.1)
    kernel = start(server.argv, tmp_path)
    parent = int(kernel.run("import os; print(os.getppid())")[0])
    kernel.stop()
    assert parent == server.process.pid  # forked by the server, not a fresh interpreter
