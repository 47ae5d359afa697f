"""The backend lane: every example on JAX and PyTorch agrees with the published matrix.

Not part of the default run (it needs requirements-backends.txt); `.ci/run` runs it with
`python -m pytest -m backends`. A cell that passed must still pass; a cell the matrix records as
failing or differing must still do so, for the reason it gives, or the matrix is out of date.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from backend_matrix import MATRIX_FILE, check
from conftest import EXAMPLE_SOURCES, example_id

MATRIX = json.loads(MATRIX_FILE.read_text())


@pytest.mark.backends
@pytest.mark.parametrize("backend", ["jax", "torch"])
@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_example_agrees_with_the_matrix(source: Path, backend: str) -> None:
    module = "jax" if backend == "jax" else "torch"
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed: pip install -r requirements-backends.txt")
    recorded = MATRIX.get(example_id(source), {}).get(backend)
    assert recorded is not None, "not in docs/backend_matrix.json: run scripts/backend_matrix.py"
    outcome = check(source, backend)
    assert outcome == recorded, "the matrix is out of date: run scripts/backend_matrix.py"


def test_matrix_covers_every_example_on_every_backend() -> None:
    assert set(MATRIX) == {example_id(s) for s in EXAMPLE_SOURCES}
    for example, row in MATRIX.items():
        assert set(row) == {"tensorflow", "jax", "torch"}, example
        for backend, cell in row.items():
            assert cell["status"] in {"pass", "differs", "fails"}
            assert (cell["status"] == "pass") == (cell["reason"] == ""), f"{example} on {backend}: say why"
