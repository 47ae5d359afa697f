"""`pip install .` in a fresh virtual environment gives a working `extract-layers` command.

It installs the package and its declared dependencies from the package index (pip's cache makes
the second time quick), so it runs in a lane of its own: `python -m pytest -m install`, which
.ci/run runs.
"""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT

pytestmark = pytest.mark.install


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a new virtual environment holding `pip install <this repository>`."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return env_dir / "bin"


def clean_env() -> dict[str, str]:
    """The environment without this checkout on PYTHONPATH: only the installed package counts."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def test_the_command_is_installed_and_documents_itself(installed: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(installed / "extract-layers"), "--help"], cwd=tmp_path, env=clean_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: extract-layers "), result.stdout[:200]
    origin = subprocess.run(
        [str(installed / "python"), "-c", "import extract_layers; print(extract_layers.__file__)"],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
    )
    assert origin.stdout.startswith(str(installed.parent)), origin.stdout  # not this checkout's copy


def test_the_installed_command_extracts_and_refuses_bad_input(installed: Path, tmp_path: Path) -> None:
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,), name="x")
    parts = [layers.Dense(3, name=f"branch_{i}")(inputs) for i in (1, 2)]
    model = keras.Model(inputs, layers.Concatenate(name="merge")(parts))
    model.save(tmp_path / "model.keras")
    x = np.random.default_rng(0).normal(size=(10, 4)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    command = [str(installed / "extract-layers"), "model.keras", "x.npy", "--no-progress"]

    done = subprocess.run(
        [*command, "--merge-inputs", "merge", "--out", "acts"], cwd=tmp_path, env=clean_env(),
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    expected = keras.Model(inputs, parts).predict(x, verbose=0)
    for index, value in enumerate(expected):
        written = np.load(tmp_path / "acts" / f"merge.in{index}.branch_{index + 1}.npy")
        np.testing.assert_allclose(written, value, rtol=1e-5, atol=1e-6)

    refused = subprocess.run(
        [*command, "--layers", "branch_9", "--out", "other"], cwd=tmp_path, env=clean_env(),
        capture_output=True, text=True, timeout=300,
    )
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "branch_9" in refused.stderr, refused.stderr
    assert not (tmp_path / "other").exists()
