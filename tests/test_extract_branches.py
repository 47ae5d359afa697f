"""The extractor's newer promises: merge inputs by name, multi-input models, errors people can act
on, no start-up noise, resumable runs that recompute nothing, and every file kept safe.

Most cases call the command's `main()` in this process (same code path, no interpreter start-up);
the ones about the process itself (noise on stderr, being killed) run it as a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from extract_layers.cli import KILL_AFTER_ENV, main

# Each test starts the program in a process of its own: the extraction lane of .ci/run runs them.
pytestmark = pytest.mark.extractor

# The program as the `extract-layers` command runs it, from this checkout (the root is on PYTHONPATH).
PROGRAM = [sys.executable, "-m", "extract_layers"]


def extract(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*map(str, args), "--no-progress"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def two_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`image` and `meta` inputs; a nested block with a Concatenate merge; 23 samples."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("two_inputs")
    block_in = keras.Input((6, 6, 4), name="block_in")
    parts = [layers.Conv2D(2, k, padding="same", name=f"branch_{k}")(block_in) for k in (1, 3)]
    block = keras.Model(block_in, layers.Concatenate(name="merge")(parts), name="block")
    image = keras.Input((6, 6, 3), name="image")
    meta = keras.Input((5,), name="meta")
    stem = layers.Conv2D(4, 3, padding="same", name="stem")(image)
    pooled = layers.GlobalAveragePooling2D(name="pool")(block(stem))
    dense = layers.Dense(4, name="meta_dense")(meta)
    joined = layers.Concatenate(name="join")([pooled, dense])
    model = keras.Model([image, meta], layers.Dense(2, name="head")(joined))
    model.save(folder / "model.keras")
    rng = np.random.default_rng(0)
    data = {
        "image": rng.normal(size=(23, 6, 6, 3)).astype("float32"),
        "meta": rng.normal(size=(23, 5)).astype("float32"),
    }
    for name, array in data.items():
        np.save(folder / f"{name}.npy", array)
    np.savez(folder / "inputs.npz", **data)
    np.savez_compressed(folder / "compressed.npz", **data)
    stem_values = keras.Model(image, stem).predict_on_batch(data["image"])
    inner = keras.Model(block_in, block.get_layer("merge").input).predict_on_batch(stem_values)
    expected = {
        "head": model.predict_on_batch([data["image"], data["meta"]]),
        "block__merge.in0.branch_1": inner[0],
        "block__merge.in1.branch_3": inner[1],
        "join.in0.pool": keras.Model([image, meta], pooled).predict_on_batch([data["image"], data["meta"]]),
        "join.in1.meta_dense": keras.Model(meta, dense).predict_on_batch(data["meta"]),
    }
    return {"folder": folder, "model": folder / "model.keras", "expected": expected}


def pairs(saved: dict) -> list[str]:
    return [f"image={saved['folder'] / 'image.npy'}", f"meta={saved['folder'] / 'meta.npy'}"]


def check_outputs(out: Path, expected: dict) -> None:
    assert sorted(p.name for p in out.glob("*.npy")) == sorted(f"{name}.npy" for name in expected)
    for name, values in expected.items():
        np.testing.assert_allclose(np.load(out / f"{name}.npy"), values, atol=1e-5)
    assert not list(out.glob("*.partial"))


@pytest.mark.parametrize("inputs", ["pairs", "npz", "compressed npz"])
def test_merge_inputs_and_layers_in_one_pass(two_inputs: dict, tmp_path: Path, capsys, inputs: str) -> None:
    given = {"pairs": pairs(two_inputs), "npz": [two_inputs["folder"] / "inputs.npz"],
             "compressed npz": [two_inputs["folder"] / "compressed.npz"]}[inputs]
    code, out, err = extract(
        capsys, two_inputs["model"], *given, "--layers", "head", "--merge-inputs", "block/merge", "join",
        "--out", tmp_path, "--batch-size", "4",
    )
    assert code == 0, err
    check_outputs(tmp_path, two_inputs["expected"])
    assert f"{tmp_path / 'block__merge.in1.branch_3.npy'}  (23, 6, 6, 2)" in out


def test_compressed_npz_is_decompressed_once_not_per_chunk(two_inputs: dict, tmp_path: Path, capsys) -> None:
    from extract_layers.io import compressed_member

    compressed_member.cache_clear()
    # --batch-size 1: chunks of 8 rows, so 23 samples are 3 chunks, each reading both inputs
    code, _, err = extract(capsys, two_inputs["model"], two_inputs["folder"] / "compressed.npz",
                           "--layers", "head", "--out", tmp_path, "--batch-size", "1")
    assert code == 0, err
    assert compressed_member.cache_info().misses == 2  # image and meta, once each
    assert compressed_member.cache_info().hits >= 4


@pytest.mark.parametrize(
    "inputs, message",
    [
        (["image={image}"], "inputs: missing input 'meta' (the model's inputs are image, meta)"),
        (["image={image}", "meta={meta}", "extra={meta}"], "inputs: unknown input 'extra'"),
        (["image={image}", "meta={short}"], "the inputs hold different numbers of samples (image: 23, meta: 22)"),
        (["image={image}", "meta={wide}"], "input 'meta': each sample has shape (6,) (the file holds (23, 6)), "
         "but the model expects samples of shape (5,)"),
        (["{image}"], "the model has 2 inputs (image, meta): give NAME=FILE.npy for each, or one .npz"),
        (["{renamed}"], "inputs: missing input 'image'; unknown input 'picture'"),
        (["image={image}", "meta"], "expected NAME=FILE.npy for each input of a multi-input model, got 'meta'"),
    ],
    ids=["missing", "unknown", "counts", "sample-shape", "one-npy", "npz-keys", "syntax"],
)
def test_every_input_mismatch_is_one_line_and_exit_2(
    two_inputs: dict, tmp_path: Path, capsys, inputs: list[str], message: str
) -> None:
    folder = two_inputs["folder"]
    rng = np.random.default_rng(1)
    np.save(tmp_path / "short.npy", rng.normal(size=(22, 5)).astype("float32"))
    np.save(tmp_path / "wide.npy", rng.normal(size=(23, 6)).astype("float32"))
    np.savez(tmp_path / "renamed.npz", picture=np.load(folder / "image.npy"), meta=np.load(folder / "meta.npy"))
    files = {"image": folder / "image.npy", "meta": folder / "meta.npy", "short": tmp_path / "short.npy",
             "wide": tmp_path / "wide.npy", "renamed": tmp_path / "renamed.npz"}
    out = tmp_path / "out"
    code, _, err = extract(capsys, two_inputs["model"], *[i.format(**files) for i in inputs], "--layers", "head",
                           "--out", out)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("extract_layers: error: "), err
    assert message in err
    assert not out.exists()


@pytest.mark.parametrize(
    "option, name, closest",
    [
        ("--layers", "block/branch3", "closest: block/branch_3"),
        ("--layers", "metadense", "closest: meta_dense"),
        ("--merge-inputs", "block/merg", "closest: block/merge"),
        ("--merge-inputs", "stem", "'stem' is a Conv2D with one input, not a merge layer; closest merge layers:"),
        ("--layers", "stem/kernel", "stem is a Conv2D, not a nested model"),
    ],
)
def test_wrong_names_suggest_the_closest(two_inputs: dict, tmp_path: Path, capsys, option, name, closest) -> None:
    code, _, err = extract(capsys, two_inputs["model"], *pairs(two_inputs), option, name, "--out", tmp_path / "o")
    assert code == 2 and closest in err, err
    assert err.count("\n") == 1 and "head" not in err  # a suggestion, not the list of every layer
    assert not (tmp_path / "o").exists()


def run_program(*args, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PROGRAM, *map(str, args), "--no-progress"],
        capture_output=True, text=True, timeout=300, env=env,
    )


def noisy_env() -> dict:
    """The environment of a user who never heard of TF_CPP_MIN_LOG_LEVEL."""
    env = {k: v for k, v in os.environ.items() if k not in {"TF_CPP_MIN_LOG_LEVEL", "CUDA_VISIBLE_DEVICES"}}
    return env | {"KERAS_BACKEND": "tensorflow"}


def test_no_tensorflow_noise_in_what_the_program_prints(two_inputs: dict, tmp_path: Path) -> None:
    result = run_program(two_inputs["model"], *pairs(two_inputs), "--layers", "head", "--out", tmp_path,
                         env=noisy_env())
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == "", result.stderr
    assert result.stdout == f"{tmp_path / 'head.npy'}  (23, 2)\n"


def test_killed_run_resumes_without_recomputing(two_inputs: dict, tmp_path: Path, capsys) -> None:
    # --batch-size 1: chunks of 8 rows, so 23 samples are 3 chunks; the first run dies after 2.
    args = [two_inputs["model"], *pairs(two_inputs), "--layers", "head", "--merge-inputs", "join",
            "--batch-size", "1"]
    out, whole = tmp_path / "resumed", tmp_path / "whole"
    killed = run_program(*args, "--out", out, env=noisy_env() | {KILL_AFTER_ENV: "2"})
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert not list(out.glob("*.npy")) and len(list(out.glob("*.npy.partial"))) == 3
    progress_file = out / ".extract_layers.progress.json"
    assert json.loads(progress_file.read_text())["done"] == [0, 1]

    code, _, err = extract(capsys, *args, "--out", out)  # a plain rerun must not start over
    assert code == 2 and "an interrupted run left 2 of 3 chunks" in err and "--resume" in err

    code, _, err = extract(capsys, *args, "--out", out, "--resume")
    assert code == 0, err
    runs = [run["computed"] for run in json.loads(progress_file.read_text())["runs"]]
    assert runs == [[0, 1], [2]]  # nothing recomputed
    assert extract(capsys, *args, "--out", whole)[0] == 0
    for name in ("head", "join.in0.pool", "join.in1.meta_dense"):
        assert np.array_equal(np.load(out / f"{name}.npy"), np.load(whole / f"{name}.npy")), name

    # Complete: --resume has nothing to do and touches nothing; without a flag, refused.
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.npy")}
    code, _, err = extract(capsys, *args, "--out", out, "--resume")
    assert code == 0 and "nothing to do" in err
    code, _, err = extract(capsys, *args, "--out", out)
    assert code == 2 and "already exists" in err
    assert before == {p.name: p.stat().st_mtime_ns for p in out.glob("*.npy")}


def test_resume_with_other_arguments_is_refused(two_inputs: dict, tmp_path: Path, capsys) -> None:
    args = [two_inputs["model"], *pairs(two_inputs), "--batch-size", "1", "--out", tmp_path]
    killed = run_program(*args, "--layers", "head", env=noisy_env() | {KILL_AFTER_ENV: "1"})
    assert killed.returncode == -9
    code, _, err = extract(capsys, *args, "--layers", "pool", "--resume")
    assert code == 2 and "another run's interrupted outputs are in" in err and "different --out" in err
    assert (tmp_path / "head.npy.partial").exists()  # the interrupted run's work is kept
    code, _, err = extract(capsys, *args, "--layers", "head", "--resume")
    assert code == 0, err
    np.testing.assert_allclose(np.load(tmp_path / "head.npy"), two_inputs["expected"]["head"], atol=1e-5)


def test_bad_input_with_overwrite_keeps_the_old_files(two_inputs: dict, tmp_path: Path, capsys) -> None:
    precious = tmp_path / "head.npy"
    np.save(precious, np.arange(3))
    for bad in (["--layers", "hed"], ["--layers", "head", "--merge-inputs", "pool"]):
        code, _, err = extract(capsys, two_inputs["model"], *pairs(two_inputs), *bad, "--out", tmp_path, "--overwrite")
        assert code == 2, err
    code, _, err = extract(capsys, two_inputs["model"], two_inputs["folder"] / "image.npy", "--layers", "head",
                           "--out", tmp_path, "--overwrite")
    assert code == 2 and "the model has 2 inputs" in err
    assert np.array_equal(np.load(precious), np.arange(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["head.npy"]


def test_help_documents_every_option() -> None:
    from extract_layers import cli

    parser_actions = []
    original = cli.argparse.ArgumentParser.parse_known_args  # what every parse_*args calls

    def capture(self, args=None, namespace=None):
        parser_actions.extend(self._actions)
        raise SystemExit(0)

    cli.argparse.ArgumentParser.parse_known_args = capture
    try:
        with pytest.raises(SystemExit):
            cli.parse_args(["--help"])
    finally:
        cli.argparse.ArgumentParser.parse_known_args = original
    options = [a for a in parser_actions if a.option_strings and a.dest != "help"]
    assert {o.dest for o in options} >= {"layers", "merge_inputs", "resume", "overwrite", "engine", "ray_address",
                                         "list", "image_size", "crop", "resize", "scale", "offset", "skip_bad_files"}
    assert all(o.help and len(o.help) > 10 for o in options), [o.dest for o in options if not o.help]


def interrupt_after(monkeypatch: pytest.MonkeyPatch, chunks: int) -> None:
    """The next run stops (as on Ctrl-C) once `chunks` chunks are on disk; in this process, fast."""
    from extract_layers.io import Outputs

    original, written = Outputs.write, []

    def write(self, chunk, values):
        original(self, chunk, values)
        written.append(chunk)
        if len(written) == chunks:
            monkeypatch.setattr(Outputs, "write", original)
            raise KeyboardInterrupt

    monkeypatch.setattr(Outputs, "write", write)


def one_line_refusal(code: int, err: str) -> None:
    assert code == 2 and err.count("\n") == 1 and err.startswith("extract_layers: error: "), err


def test_resume_of_a_complete_folder_checks_inputs_and_model(two_inputs: dict, tmp_path: Path, capsys) -> None:
    folder, out = two_inputs["folder"], tmp_path / "out"
    other = tmp_path / "other_image.npy"  # same shape, other values
    np.save(other, np.load(folder / "image.npy")[::-1].copy())
    other_model = tmp_path / "other_model.keras"
    other_model.write_bytes(two_inputs["model"].read_bytes())
    meta = f"meta={folder / 'meta.npy'}"
    assert extract(capsys, two_inputs["model"], *pairs(two_inputs), "--layers", "head", "--out", out)[0] == 0
    before = (out / "head.npy").stat().st_mtime_ns
    cases = [
        ([two_inputs["model"], f"image={other}", meta], "were made from other inputs (head.npy)"),
        ([other_model, *pairs(two_inputs)], "were made from another model (head.npy)"),
    ]
    for given, message in cases:
        code, _, err = extract(capsys, *given, "--layers", "head", "--out", out, "--resume")
        one_line_refusal(code, err)
        assert f"outputs in {out} {message}: pass --overwrite to replace them" in err
        assert (out / "head.npy").stat().st_mtime_ns == before
    code, _, err = extract(capsys, two_inputs["model"], *pairs(two_inputs), "--layers", "head", "--out", out,
                           "--resume")
    assert code == 0 and "nothing to do" in err
    # Another run with other layers in the same folder: head.npy's origin is still known afterwards.
    assert extract(capsys, two_inputs["model"], *pairs(two_inputs), "--layers", "pool", "--out", out)[0] == 0
    code, _, err = extract(capsys, two_inputs["model"], f"image={other}", meta, "--layers", "head", "pool",
                           "--out", out, "--resume")
    one_line_refusal(code, err)
    assert "were made from other inputs (head.npy, pool.npy)" in err
    code, _, err = extract(capsys, two_inputs["model"], *pairs(two_inputs), "--layers", "head", "pool",
                           "--out", out, "--resume")
    assert code == 0 and "nothing to do" in err
    # --overwrite replaces them, from the new inputs.
    code, _, err = extract(capsys, two_inputs["model"], f"image={other}", meta, "--layers", "head", "--out", out,
                           "--overwrite")
    assert code == 0, err
    assert not np.allclose(np.load(out / "head.npy"), two_inputs["expected"]["head"], atol=1e-3)


def test_another_runs_interrupted_outputs_are_never_dropped(
    two_inputs: dict, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [two_inputs["model"], *pairs(two_inputs), "--batch-size", "1", "--out", tmp_path]
    interrupt_after(monkeypatch, 1)
    code, _, err = extract(capsys, *args, "--layers", "head")
    assert code == 130 and "--resume" in err
    progress_file = tmp_path / ".extract_layers.progress.json"
    record = progress_file.read_text()
    for flag in ([], ["--resume"], ["--overwrite"]):
        code, _, err = extract(capsys, *args, "--layers", "pool", *flag)
        one_line_refusal(code, err)
        assert (f"another run's interrupted outputs are in {tmp_path} (head; 1 of 3 chunks done): "
                "resume it (same arguments and --resume) or use a different --out") in err
        assert progress_file.read_text() == record and (tmp_path / "head.npy.partial").exists()
        assert not (tmp_path / "pool.npy.partial").exists()
    # The same outputs from other inputs: says what differs, in words.
    other = tmp_path / "other_image.npy"
    np.save(other, np.load(two_inputs["folder"] / "image.npy"))
    code, _, err = extract(capsys, two_inputs["model"], f"image={other}", pairs(two_inputs)[1], "--batch-size", "1",
                           "--out", tmp_path, "--layers", "head", "--resume")
    one_line_refusal(code, err)
    assert f"cannot resume: the interrupted run in {tmp_path} was made from other inputs (run it" in err
    code, _, err = extract(capsys, *args, "--layers", "head", "--resume")
    assert code == 0, err
    runs = [run["computed"] for run in json.loads(progress_file.read_text())["runs"]]
    assert runs == [[0], [1, 2]]  # nothing recomputed
    np.testing.assert_allclose(np.load(tmp_path / "head.npy"), two_inputs["expected"]["head"], atol=1e-5)


def test_progress_history_belongs_to_the_current_outputs(
    two_inputs: dict, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [two_inputs["model"], *pairs(two_inputs), "--batch-size", "1", "--out", tmp_path]
    assert extract(capsys, *args, "--layers", "head")[0] == 0
    progress_file = tmp_path / ".extract_layers.progress.json"
    finished = progress_file.read_text()
    from extract_layers.io import Outputs

    def stop(self, chunk, values):
        raise KeyboardInterrupt

    monkeypatch.setattr(Outputs, "write", stop)  # stopped before its first chunk: the record stays
    assert extract(capsys, *args, "--layers", "pool")[0] == 130
    monkeypatch.undo()
    assert progress_file.read_text() == finished and not list(tmp_path.glob("*.partial"))
    assert extract(capsys, *args, "--layers", "pool")[0] == 0
    record = json.loads((tmp_path / ".extract_layers.progress.json").read_text())
    assert record["signature"]["outputs"] == ["pool"] and record["complete"]
    assert [run["computed"] for run in record["runs"]] == [[0, 1, 2]]  # pool's run only
    assert sorted(record["made"]) == ["head", "pool"]
