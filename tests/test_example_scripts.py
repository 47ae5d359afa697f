"""The scripts lane: every example runs as a plain script, in a fresh process, on TensorFlow, JAX
and PyTorch, and agrees with the published matrix.

Not part of the default run, which already executes every notebook once through nbval; `.ci/run`
runs it with `python -m pytest -m scripts` (JAX and PyTorch need requirements-backends.txt).
A cell that passed must still pass: the script exits 0 and prints the same checked claims (lines
ending in True or False) as its TensorFlow notebook. A cell the matrix records as failing or
differing must still do so, for the reason it gives, or the matrix is out of date.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from conftest import EXAMPLE_SOURCES, example_id
from toolchain.backend_matrix import BACKENDS, MATRIX_FILE, check

MATRIX = json.loads(MATRIX_FILE.read_text())


def test_there_are_examples() -> None:
    assert len(EXAMPLE_SOURCES) >= 2


@pytest.mark.scripts
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_example_script_agrees_with_the_matrix(source: Path, backend: str) -> None:
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed: pip install -r requirements-backends.txt")
    recorded = MATRIX.get(example_id(source), {}).get(backend)
    assert recorded is not None, "not in docs/backend_matrix.json: run python -m toolchain.backend_matrix"
    # check() runs it in a scratch folder, so whatever it writes never lands in the repository.
    outcome = check(source, backend)
    assert outcome == recorded, "the matrix is out of date: run python -m toolchain.backend_matrix"


def test_matrix_covers_every_example_on_every_backend() -> None:
    assert set(MATRIX) == {example_id(s) for s in EXAMPLE_SOURCES}
    for example, row in MATRIX.items():
        assert set(row) == set(BACKENDS), example
        assert row["tensorflow"]["status"] == "pass", f"{example} must pass on TensorFlow, where its page ran"
        for backend, cell in row.items():
            assert cell["status"] in {"pass", "differs", "fails"}
            assert (cell["status"] == "pass") == (cell["reason"] == ""), f"{example} on {backend}: say why"
