"""The Ray engine: the same files as the local engine (each row where it belongs, whatever order the
actors finish in), on this machine and on a two-node Ray cluster (ray.cluster_utils.Cluster, both
nodes on this machine), and a killed run resumed.

Ray is optional (requirements-ray.txt) and these tests start Ray clusters, so they form their own
lane: `python -m pytest -m ray tests/test_extract_ray.py` (.ci/run runs it after installing Ray).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from extract_layers.cli import KILL_AFTER_ENV
from extract_layers.engine_ray import JOIN_TIMEOUT_ENV

# The program as the `extract-layers` command runs it, from this checkout (the root is on PYTHONPATH).
PROGRAM = [sys.executable, "-m", "extract_layers"]
HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="Ray is not installed: pip install -r requirements-ray.txt")


def run(*args, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PROGRAM, *map(str, args), "--no-progress"],
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A two-branch model, 101 samples, and the local engine's files to compare with."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("ray")
    image = keras.Input((6, 6, 3), name="image")
    a = layers.Conv2D(2, 1, name="a")(image)
    b = layers.Conv2D(2, 3, padding="same", name="b")(image)
    merged = layers.Concatenate(name="merge")([a, b])
    model = keras.Model(image, layers.Dense(2, name="head")(layers.GlobalAveragePooling2D(name="pool")(merged)))
    model.save(folder / "model.keras")
    np.save(folder / "inputs.npy", np.random.default_rng(0).normal(size=(101, 6, 6, 3)).astype("float32"))
    return {"folder": folder, "args": [folder / "model.keras", folder / "inputs.npy", "--layers", "head",
                                       "--merge-inputs", "merge", "--batch-size", "4"]}


NAMES = ("head", "merge.in0.a", "merge.in1.b")


def same_files(one: Path, other: Path) -> None:
    for name in NAMES:
        assert np.array_equal(np.load(one / f"{name}.npy"), np.load(other / f"{name}.npy")), name


@pytest.fixture(scope="module")
def local_result(saved: dict) -> Path:
    out = saved["folder"] / "local"
    result = run(*saved["args"], "--out", out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@needs_ray
@pytest.mark.ray
def test_ray_on_this_machine_equals_local(saved: dict, local_result: Path, tmp_path: Path) -> None:
    # 101 samples in chunks of 32: four chunks, more than one actor's worth, so order matters
    result = run(*saved["args"], "--out", tmp_path, "--engine", "ray", "--ray-actors", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == "", result.stderr  # no Ray or TensorFlow noise
    same_files(local_result, tmp_path)


@needs_ray
@pytest.mark.ray
def test_ray_on_a_two_node_cluster_equals_local(saved: dict, local_result: Path, tmp_path: Path) -> None:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    try:
        cluster.add_node(num_cpus=2)
        cluster.wait_for_nodes()
        result = run(*saved["args"], "--out", tmp_path, "--engine", "ray", "--ray-address", cluster.address)
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        cluster.shutdown()
    same_files(local_result, tmp_path)


@needs_ray
@pytest.mark.ray
def test_killed_ray_run_resumes_without_recomputing(saved: dict, local_result: Path, tmp_path: Path) -> None:
    # The actors write rows straight into the partial files; this process records each chunk. Killed
    # (SIGKILL, Ray's processes with it) after 2 of 4 chunks, a --resume computes only the rest.
    killed = subprocess.run(
        [*PROGRAM, *map(str, saved["args"]), "--out", str(tmp_path), "--no-progress",
         "--engine", "ray"],
        capture_output=True, text=True, timeout=600, env=os.environ | {KILL_AFTER_ENV: "2"},
    )
    assert killed.returncode == -9, killed.stderr[-3000:]
    progress_file = tmp_path / ".extract_layers.progress.json"
    assert len(json.loads(progress_file.read_text())["done"]) == 2
    result = run(*saved["args"], "--out", tmp_path, "--engine", "ray", "--resume")
    assert result.returncode == 0, result.stderr[-3000:]
    runs = [sorted(run["computed"]) for run in json.loads(progress_file.read_text())["runs"]]
    assert len(runs) == 2 and sorted(runs[0] + runs[1]) == [0, 1, 2, 3] and len(runs[1]) == 2
    same_files(local_result, tmp_path)


@needs_ray
@pytest.mark.ray
def test_an_address_where_something_else_listens_is_refused_after_the_join_limit(saved: dict, tmp_path: Path) -> None:
    # Ray retries a port that is not Ray's for good, silently; the command gives up after its limit
    import socket

    with socket.socket() as listener:  # accepts connections and says nothing, as a wrong service might
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        address = f"127.0.0.1:{listener.getsockname()[1]}"
        result = subprocess.run(
            [*PROGRAM, *map(str, saved["args"]), "--out", str(tmp_path / "out"),
             "--no-progress", "--engine", "ray", "--ray-address", address],
            capture_output=True, text=True, timeout=300, env=os.environ | {JOIN_TIMEOUT_ENV: "5"},
        )
    assert result.returncode == 2, result.stderr[-3000:]
    assert result.stderr == (f"extract_layers: error: no Ray cluster answered at {address} within 5 s: check "
                             "--ray-address (the head node's GCS port, 6379 by default; ray://HOST:10001 for Ray "
                             "Client)\n"), result.stderr[-3000:]
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def image_folder(saved: dict) -> Path:
    """37 images of several sizes and kinds, in a subfolder too: decoded, converted to RGB and resized."""
    from PIL import Image

    photos = saved["folder"] / "photos"
    (photos / "sub").mkdir(parents=True)
    rng = np.random.default_rng(1)
    for index in range(37):
        height, width = (int(n) for n in rng.integers(4, 30, 2))
        channels = (1, 3, 4 if index % 2 else 3)[index % 3]  # JPEG holds no alpha
        pixels = rng.integers(0, 256, (height, width, channels), dtype=np.uint8).squeeze(-1 if channels == 1 else ())
        folder = photos / "sub" if index % 4 == 0 else photos
        Image.fromarray(pixels).save(folder / f"{index:02d}.{'png' if index % 2 else 'jpg'}")
    return photos


@needs_ray
@pytest.mark.ray
def test_ray_reads_an_image_folder_into_the_local_engines_rows(saved: dict, image_folder: Path, tmp_path: Path) -> None:
    # Ray Data's read_images decodes; the rows (the model's input itself) are the local engine's,
    # byte for byte, and so is the list of files. Ray Data forms the batches itself, so what the
    # model computes from the same rows may differ by float rounding
    args = [saved["args"][0], image_folder, "--layers", "image", "head", "--merge-inputs", "merge", "--batch-size", "4",
            "--crop", "center", "--scale", "1/255"]
    local = run(*args, "--out", tmp_path / "local")
    assert local.returncode == 0, local.stderr[-3000:]
    result = run(*args, "--out", tmp_path / "ray", "--engine", "ray", "--ray-actors", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == "", result.stderr
    rows = np.load(tmp_path / "ray" / "image.npy")
    assert rows.shape == (37, 6, 6, 3) and np.array_equal(rows, np.load(tmp_path / "local" / "image.npy"))
    for name in NAMES:
        ours, theirs = np.load(tmp_path / "ray" / f"{name}.npy"), np.load(tmp_path / "local" / f"{name}.npy")
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg=name)
    assert (tmp_path / "ray" / "files.txt").read_text() == (tmp_path / "local" / "files.txt").read_text()
    assert (tmp_path / "ray" / "files.txt").read_text().splitlines()[:2] == ["01.png", "02.jpg"]


def test_actor_pool_counts_the_cluster_and_leaves_a_cpu_for_ray_data() -> None:
    from extract_layers.engine_ray import pool_size

    class FakeRay:  # a cluster of `cpus` CPUs, every one of them busy right now
        def __init__(self, cpus: float) -> None:
            self.cpus = cpus

        def cluster_resources(self) -> dict:
            return {"CPU": self.cpus}

        def available_resources(self) -> dict:
            return {"CPU": 0.0}

    assert [pool_size(FakeRay(c)) for c in (1.0, 2.0, 3.0, 16.0)] == [1, 1, 2, 15]


@pytest.mark.skipif(HAS_RAY, reason="checks the message shown where Ray is not installed")
def test_without_ray_the_engine_says_how_to_get_it(saved: dict, tmp_path: Path) -> None:
    result = run(*saved["args"], "--out", tmp_path / "out", "--engine", "ray")
    assert result.returncode == 2
    assert "--engine ray needs Ray: pip install \".[ray]\" in a clone of this repository" in result.stderr
    assert not (tmp_path / "out").exists()
