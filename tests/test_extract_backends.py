"""The local engine on JAX and PyTorch writes what it writes on TensorFlow, up to float tolerance.

In the backend lane (`python -m pytest -m backends`, needs requirements-backends.txt): each backend
runs the command in its own process (KERAS_BACKEND), on a model saved on TensorFlow.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from extract_layers.cli import main

# The program as the `extract-layers` command runs it, from this checkout (the root is on PYTHONPATH).
PROGRAM = [sys.executable, "-m", "extract_layers"]
NAMES = ["block__branch_3", "head", "block__merge.in0.branch_1", "block__merge.in1.branch_3", "join.in1.meta_dense"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A two-input model with a nested merge, saved, and the TensorFlow engine's files."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("backends")
    block_in = keras.Input((6, 6, 4), name="block_in")
    parts = [layers.Conv2D(2, k, padding="same", name=f"branch_{k}")(block_in) for k in (1, 3)]
    block = keras.Model(block_in, layers.Concatenate(name="merge")(parts), name="block")
    image, meta = keras.Input((6, 6, 3), name="image"), keras.Input((5,), name="meta")
    pooled = layers.GlobalAveragePooling2D(name="pool")(block(layers.Conv2D(4, 3, padding="same", name="stem")(image)))
    joined = layers.Concatenate(name="join")([pooled, layers.Dense(4, name="meta_dense")(meta)])
    keras.Model([image, meta], layers.Dense(2, name="head")(joined)).save(folder / "model.keras")
    rng = np.random.default_rng(0)
    np.savez(folder / "inputs.npz", image=rng.normal(size=(19, 6, 6, 3)).astype("float32"),
             meta=rng.normal(size=(19, 5)).astype("float32"))
    args = [str(folder / "model.keras"), str(folder / "inputs.npz"), "--layers", "block/branch_3", "head",
            "--merge-inputs", "block/merge", "join", "--batch-size", "4", "--no-progress"]
    assert main([*args, "--out", str(folder / "tensorflow")]) == 0
    return {"folder": folder, "args": args}


@pytest.mark.backends
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_local_engine_agrees_with_tensorflow(reference: dict, backend: str) -> None:
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed: pip install -r requirements-backends.txt")
    out = reference["folder"] / backend
    result = subprocess.run(
        [*PROGRAM, *reference["args"], "--out", str(out)],
        capture_output=True, text=True, timeout=600, env=os.environ | {"KERAS_BACKEND": backend},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == "", result.stderr
    for name in NAMES:
        ours, theirs = np.load(out / f"{name}.npy"), np.load(reference["folder"] / "tensorflow" / f"{name}.npy")
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, name
        np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-5, err_msg=name)


def run_on(backend: str, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PROGRAM, *args], capture_output=True, text=True, timeout=600,
                          env=os.environ | {"KERAS_BACKEND": backend} | env)


@pytest.mark.backends
def test_jax_data_parallel_on_two_devices_writes_the_rows_of_one(reference: dict, tmp_path: Path) -> None:
    # keras.distribution.DataParallel over two host devices: predict splits each batch in two
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed: pip install -r requirements-backends.txt")
    one = run_on("jax", [*reference["args"], "--out", str(tmp_path / "one")])
    assert one.returncode == 0 and one.stderr == "", one.stderr[-3000:]
    two = run_on("jax", [*reference["args"], "--out", str(tmp_path / "two")],
                 XLA_FLAGS="--xla_force_host_platform_device_count=2")
    assert two.returncode == 0, two.stderr[-3000:]
    assert two.stderr == "running under keras.distribution.DataParallel on 2 devices, batch size 4\n", two.stderr
    split = run_on("jax", [*reference["args"], "--out", str(tmp_path / "split"), "--logical-cpus", "2"])
    assert split.returncode == 0, split.stderr[-3000:]
    assert "DataParallel on 2 devices" in split.stderr
    for name in NAMES:
        single = np.load(tmp_path / "one" / f"{name}.npy")
        for other in ("two", "split"):
            np.testing.assert_array_equal(np.load(tmp_path / other / f"{name}.npy"), single, err_msg=f"{other} {name}")


@pytest.mark.backends
def test_logical_cpus_on_torch_is_refused_with_what_to_do_instead(reference: dict, tmp_path: Path) -> None:
    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed: pip install -r requirements-backends.txt")
    result = run_on("torch", [*reference["args"], "--out", str(tmp_path / "o"), "--logical-cpus", "2"])
    assert result.returncode == 2
    assert result.stderr == (
        "extract_layers: error: --logical-cpus splits the CPU for TensorFlow's MirroredStrategy or JAX's "
        "DataParallel; on torch run one process per device with --num-shards, or use --engine ray\n"), result.stderr
    assert not (tmp_path / "o").exists()
