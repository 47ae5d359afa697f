"""Every example also runs as a plain script, in a fresh process, exits 0, and prints the same
checked claims (lines ending in True or False) as its notebook."""

from __future__ import annotations

from pathlib import Path

import pytest
from backend_matrix import check
from conftest import EXAMPLE_SOURCES, example_id


def test_there_are_examples() -> None:
    assert len(EXAMPLE_SOURCES) >= 2


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_example_runs_as_script(source: Path) -> None:
    # check() runs it in a scratch folder, so whatever it writes never lands in the repository.
    assert check(source, "tensorflow") == {"status": "pass", "reason": ""}
