"""Every example also runs as a plain script, in a fresh process, and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_SOURCES, example_id


def test_there_are_examples() -> None:
    assert len(EXAMPLE_SOURCES) >= 2


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_example_runs_as_script(source: Path, tmp_path: Path) -> None:
    # A scratch working directory: whatever an example writes lands there, not in the repository.
    result = subprocess.run(
        [sys.executable, str(source)],
        cwd=tmp_path,
        env=dict(os.environ, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.stdout.strip(), "the example printed nothing"
