"""Every .py in the repository is clean under ruff, with the settings in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess

from conftest import ROOT


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff")
    assert ruff, "ruff is pinned in requirements.txt: pip install -r requirements.txt"
    result = subprocess.run([ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
