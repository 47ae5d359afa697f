"""The notebook builder refuses bad input with a clear message, without starting a kernel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BUILDER = ROOT / "scripts" / "build_notebooks.py"


def run_builder(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BUILDER), *args], capture_output=True, text=True, timeout=120
    )


def test_missing_file_is_refused(tmp_path: Path) -> None:
    result = run_builder(str(tmp_path / "nope.py"))
    assert result.returncode == 2
    assert "not an example source file" in result.stderr


def test_file_without_jupytext_header_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "01_plain.py"
    plain.write_text("print('hi')\n")
    result = run_builder(str(plain))
    assert result.returncode == 2
    assert "no jupytext header" in result.stderr
    assert not plain.with_suffix(".ipynb").exists()
