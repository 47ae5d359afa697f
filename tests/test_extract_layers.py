"""The command-line extractor: correct values, shards, MirroredStrategy, and clear refusals.

Most cases call the command's `main()` in this process (the same code path without a new
interpreter and TensorFlow start-up each time); MirroredStrategy needs a process of its own,
because logical CPUs must be set up before TensorFlow starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from extract_layers.cli import main

# Each test starts the program in a process of its own: the extraction lane of .ci/run runs them.
pytestmark = pytest.mark.extractor

# The program as the `extract-layers` command runs it, from this checkout (the root is on PYTHONPATH).
PROGRAM = [sys.executable, "-m", "extract_layers"]
ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["stem", "block/branch_3", "head"]


class Result(NamedTuple):
    returncode: int
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """Run the command in this process, as its users would type it; returns its exit status and stderr."""

    def run_main(*args: str) -> Result:
        try:
            code = main([*args, "--no-progress"])
        except SystemExit as exit:  # argparse's own refusals
            code = exit.code
        return Result(code, capsys.readouterr().err)

    return run_main


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A model whose `branch_3` sits inside a nested model, 37 samples, and expected values."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("model")
    block_in = keras.Input((8, 8, 4), name="block_in")
    parts = [layers.Conv2D(2, k, padding="same", name=f"branch_{k}")(block_in) for k in (1, 3)]
    block = keras.Model(block_in, layers.Concatenate(name="merge")(parts), name="block")
    image = keras.Input((8, 8, 3), name="image")
    stem = layers.Conv2D(4, 3, padding="same", name="stem")(image)
    head = layers.Dense(2, name="head")(layers.GlobalAveragePooling2D(name="pool")(block(stem)))
    model = keras.Model(image, head)
    model.save(folder / "model.keras")
    inputs = np.random.default_rng(0).normal(size=(37, 8, 8, 3)).astype("float32")
    np.save(folder / "inputs.npy", inputs)
    stem_values = keras.Model(image, stem).predict(inputs, verbose=0)
    branch = keras.Model(block_in, block.get_layer("branch_3").output).predict(stem_values, verbose=0)
    expected = {"stem": stem_values, "block__branch_3": branch, "head": model.predict(inputs, verbose=0)}
    return {"model": str(folder / "model.keras"), "inputs": str(folder / "inputs.npy"), "expected": expected}


def test_single_process_writes_each_layer(saved: dict, tmp_path: Path, run) -> None:
    result = run(saved["model"], saved["inputs"], "--layers", *LAYERS, "--out", str(tmp_path), "--batch-size", "5")
    assert result.returncode == 0, result.stderr[-2000:]
    for name, expected in saved["expected"].items():
        np.testing.assert_allclose(np.load(tmp_path / f"{name}.npy"), expected, atol=1e-5)
    assert not list(tmp_path.glob("*.partial"))


def test_two_shards_together_equal_one_process(saved: dict, tmp_path: Path, run) -> None:
    single, sharded = tmp_path / "single", tmp_path / "sharded"
    assert run(saved["model"], saved["inputs"], "--layers", *LAYERS, "--out", str(single)).returncode == 0
    for index in ("0", "1"):
        result = run(
            saved["model"], saved["inputs"], "--layers", *LAYERS, "--out", str(sharded),
            "--num-shards", "2", "--shard-index", index,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    for name in saved["expected"]:
        parts = [np.load(sharded / f"{name}.shard-{i:05d}-of-00002.npy") for i in (0, 1)]
        assert [len(p) for p in parts] == [18, 19]
        assert np.array_equal(np.concatenate(parts), np.load(single / f"{name}.npy"))


def test_mirrored_strategy_on_two_logical_cpus(saved: dict, tmp_path: Path) -> None:
    command = [
        *PROGRAM, saved["model"], saved["inputs"], "--layers", *LAYERS,
        "--out", str(tmp_path), "--logical-cpus", "2", "--batch-size", "5", "--no-progress",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "MirroredStrategy with 2 replicas" in result.stderr
    for name, expected in saved["expected"].items():
        np.testing.assert_allclose(np.load(tmp_path / f"{name}.npy"), expected, atol=1e-5)


def test_unknown_layer_suggests_the_closest_names(saved: dict, tmp_path: Path, run) -> None:
    result = run(saved["model"], saved["inputs"], "--layers", "stem", "block/branch3", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no layer 'block/branch3' in the model; closest: block/branch_3" in result.stderr
    assert "head" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_input_shape_that_does_not_fit(saved: dict, tmp_path: Path, run) -> None:
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((4, 9, 8, 3), dtype="float32"))
    result = run(saved["model"], str(wrong), "--layers", "stem", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "inputs: each sample has shape (9, 8, 3)" in result.stderr
    assert "expects samples of shape (8, 8, 3)" in result.stderr


def test_existing_output_is_kept_unless_overwrite(saved: dict, tmp_path: Path, run) -> None:
    precious = tmp_path / "stem.npy"
    np.save(precious, np.arange(3))
    result = run(saved["model"], saved["inputs"], "--layers", "stem", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "already exists" in result.stderr and "--overwrite" in result.stderr
    assert np.array_equal(np.load(precious), np.arange(3))
    result = run(saved["model"], saved["inputs"], "--layers", "stem", "--out", str(tmp_path), "--overwrite")
    assert result.returncode == 0, result.stderr[-2000:]
    assert np.load(precious).shape == (37, 8, 8, 4)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--num-shards", "2", "--shard-index", "2"], "--shard-index must be in 0..1"),
        (["--batch-size", "0"], "--batch-size must be at least 1"),
    ],
)
def test_bad_arguments(saved: dict, tmp_path: Path, run, args: list[str], message: str) -> None:
    result = run(saved["model"], saved["inputs"], "--layers", "stem", "--out", str(tmp_path), *args)
    assert result.returncode == 2 and message in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "o"], "give --layers, --merge-inputs, or both"),
        (["--layers", "stem", "--out", "o", "--num-shards", "2", "--shard-index", "2"],
         "--shard-index must be in 0..1 for --num-shards 2"),
        (["--layers", "stem"], "the following arguments are required: --out"),
        (["--layers", "stem", "--out", "o", "--batch-size", "x"], "argument --batch-size: invalid int value: 'x'"),
    ],
    ids=["no-layers", "shard-index", "no-out", "not-int"],
)
def test_argument_errors_are_one_line_naming_the_option(saved: dict, run, args: list[str], message: str) -> None:
    result = run(saved["model"], saved["inputs"], *args)
    assert result.returncode == 2
    assert result.stderr == f"extract-layers: error: {message} (see --help)\n", result.stderr


def test_help_names_shard_files_as_they_are_written(run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "head.shard-00001-of-00004.npy" in capsys.readouterr().out


def test_input_paths_are_absolute_for_workers_elsewhere(saved: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from extract_layers.io import parse_inputs

    folder = Path(saved["inputs"]).parent
    monkeypatch.chdir(folder)
    for specs in (["inputs.npy"], ["image=inputs.npy"]):
        (column,) = parse_inputs(specs)
        assert column.path.is_absolute() and column.path == folder.resolve() / "inputs.npy"


def test_missing_model_file(saved: dict, tmp_path: Path, run) -> None:
    result = run(str(tmp_path / "none.keras"), saved["inputs"], "--layers", "stem", "--out", str(tmp_path))
    assert result.returncode == 2 and "model file not found" in result.stderr


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "address, message",
    [
        (None, "no Ray cluster answers at 127.0.0.1:{port} (Connection refused): check --ray-address, "
                "or start one there with `ray start --head`"),
        ("head-node", "--ray-address must be HOST:PORT (or auto), not 'head-node'"),
    ],
    ids=["nothing-listens", "no-port"],
)
def test_ray_address_where_no_cluster_is_refused_at_once(
    saved: dict, tmp_path: Path, run, address: str | None, message: str
) -> None:
    # Ray itself would retry for minutes, printing its own warnings; this needs no Ray installed
    port = free_port()
    address = address or f"127.0.0.1:{port}"
    out = tmp_path / "out"
    result = run(saved["model"], saved["inputs"], "--layers", "stem", "--out", str(out),
                 "--engine", "ray", "--ray-address", address)
    assert result.returncode == 2
    assert result.stderr == f"extract_layers: error: {message.format(port=port)}\n", result.stderr
    assert not out.exists()


def test_an_empty_shard_writes_empty_files(saved: dict, tmp_path: Path, run) -> None:
    # 37 samples in 40 shards: shard 0 holds no row, and its file says so with the right shape
    result = run(saved["model"], saved["inputs"], "--layers", "stem", "--out", str(tmp_path),
                 "--num-shards", "40", "--shard-index", "0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert np.load(tmp_path / "stem.shard-00000-of-00040.npy").shape == (0, 8, 8, 4)


def test_interrupted_before_any_chunk_says_there_is_nothing_to_resume(
    saved: dict, tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import extract_layers.cli as cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run", interrupted)
    result = run(saved["model"], saved["inputs"], "--layers", "stem", "--out", str(tmp_path / "out"))
    assert result.returncode == 130
    assert result.stderr == "extract_layers: interrupted; no chunk was written, nothing to resume\n"


@pytest.fixture(scope="module")
def lambdas(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Models holding a Python lambda: one that names no module, one that calls keras.ops."""
    import keras

    folder = tmp_path_factory.mktemp("lambdas")
    x = keras.Input((3,), name="x")
    keras.Model(x, keras.layers.Lambda(lambda t: t * 2, name="double")(x)).save(folder / "double.keras")
    # as a user's script writes it: `keras` imported at the top, a global of the lambda
    script = ("import keras\nx = keras.Input((3,), name='x')\n"
              "model = keras.Model(x, keras.layers.Lambda(lambda t: keras.ops.square(t), name='square')(x))\n"
              f"model.save({str(folder / 'square.keras')!r})\n")
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=300)
    np.save(folder / "x.npy", np.arange(6, dtype="float32").reshape(2, 3))
    return {"folder": folder, "x": str(folder / "x.npy")}


def test_a_lambda_is_refused_naming_the_option_that_loads_it(lambdas: dict, tmp_path: Path, run) -> None:
    model = str(lambdas["folder"] / "double.keras")
    result = run(model, lambdas["x"], "--layers", "double", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr == (
        f"extract_layers: error: cannot load {model}: Keras refuses the deserialization of a `Lambda` layer whose "
        "`function` is a Python lambda by default, as loading it could run any code; if you trust the file, pass "
        "--unsafe\n"), result.stderr
    assert "safe_mode" not in result.stderr and not (tmp_path / "out").exists()
    result = run(model, lambdas["x"], "--layers", "double", "--out", str(tmp_path / "out"), "--unsafe")
    assert result.returncode == 0, result.stderr
    assert np.array_equal(np.load(tmp_path / "out" / "double.npy"), np.load(lambdas["x"]) * 2)


def test_a_lambda_naming_a_module_is_one_line_even_with_unsafe(lambdas: dict, tmp_path: Path) -> None:
    # a process of its own: the exit status and stderr of the real command, no traceback
    model = str(lambdas["folder"] / "square.keras")
    result = subprocess.run([*PROGRAM, model, lambdas["x"], "--layers", "square", "--out", str(tmp_path / "out"),
                             "--unsafe", "--no-progress"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr == (
        f"extract_layers: error: cannot load {model}: a Lambda's Python lambda uses keras (name 'keras' is not "
        "defined), and a lambda rebuilt from a file sees none of the imports it was written with, even with "
        "--unsafe: make it a named function or a layer, register it with @keras.saving.register_keras_serializable, "
        "then, in Python, import the module that defines it and call extract_layers.cli.main([...the same "
        "arguments])\n"), result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("registered", [False, True])
def test_a_lambda_on_a_named_function_says_how_to_load_it(tmp_path: Path, registered: bool) -> None:
    """Keras says only that the model "could not be deserialized properly"; the line says what works,
    and what it says works."""
    decorator = "@keras.saving.register_keras_serializable(package='mine')\n" if registered else ""
    (tmp_path / "mine.py").write_text(f"import keras\n\n{decorator}def triple(t):\n    return t * 3\n")
    model, out = str(tmp_path / "named.keras"), str(tmp_path / "out")
    script = ("import keras\nfrom mine import triple\nx = keras.Input((3,), name='x')\n"
              f"keras.Model(x, keras.layers.Lambda(triple, name='tri')(x)).save({model!r})\n")
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=300, cwd=tmp_path)
    np.save(tmp_path / "x.npy", np.arange(6, dtype="float32").reshape(2, 3))
    args = [model, str(tmp_path / "x.npy"), "--layers", "tri", "--out", out, "--no-progress"]
    for unsafe in ([], ["--unsafe"]):
        result = subprocess.run([*PROGRAM, *args, *unsafe], capture_output=True, text=True, timeout=300)
        name = "mine>triple" if registered else "triple"
        register = "" if registered else "register it with @keras.saving.register_keras_serializable, then, "
        assert result.returncode == 2 and result.stderr == (
            f"extract_layers: error: cannot load {model}: it uses the Python function {name!r} (a Lambda on a named "
            "function?), whose code a .keras file does not hold, and this command imports none of yours, with or "
            f"without --unsafe: {register}in Python, import the module that defines it and call "
            "extract_layers.cli.main([...the same arguments])\n"), result.stderr[-2000:]
        assert not Path(out).exists()
    if registered:  # what the line says, done
        call = f"import sys, mine\nfrom extract_layers.cli import main\nsys.exit(main({args!r}))\n"
        result = subprocess.run([sys.executable, "-c", call], capture_output=True, text=True, timeout=300,
                                cwd=tmp_path, env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"})
        assert result.returncode == 0, result.stderr[-2000:]
        np.testing.assert_array_equal(np.load(Path(out) / "tri.npy"), np.load(tmp_path / "x.npy") * 3)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty, and a .keras model is a zip archive written by model.save('model.keras') "
              "(a download or copy cut short?)"),
        (b"<html>404</html>", "the file is not a zip archive, and a .keras model is a zip archive written by "
                              "model.save('model.keras') (a download or copy cut short?)"),
        (b"\x89HDF\r\n\x1a\n" + bytes(64), "it is an HDF5 model (model.save('model.h5')) under a .keras name; "
                                           "rename it to .h5"),
        ("zip", "a zip archive, but not a saved Keras model (it holds no config.json)"),
    ],
    ids=["empty", "not-a-zip", "hdf5", "zip-without-config"],
)
def test_a_keras_file_that_is_no_model_is_named_for_what_it_is(
    saved: dict, tmp_path: Path, run, content, message: str
) -> None:
    model = tmp_path / "model.keras"
    if content == "zip":
        import zipfile

        with zipfile.ZipFile(model, "w") as archive:
            archive.writestr("notes.txt", "hello")
    else:
        model.write_bytes(content)
    result = run(str(model), saved["inputs"], "--layers", "stem", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr == f"extract_layers: error: cannot load {model}: {message}\n", result.stderr
    assert "File not found" not in result.stderr and not (tmp_path / "out").exists()
