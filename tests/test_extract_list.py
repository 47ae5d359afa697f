"""`extract-layers MODEL --list`: every merge (merge layers and operations such as `x + y`, nested
models included) with the producer and shape of each input and the argument that extracts it;
what a name cannot extract (one call of a layer or nested model called several times) is said,
with what to do instead. What --list prints is run, and must extract what it says.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extract_layers.cli import main

pytestmark = pytest.mark.extractor


def extract(capsys, *args) -> tuple[int, str, str]:
    try:
        code = main([*map(str, args)])
    except SystemExit as stop:
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every kind of merge: a layer, an operation (`a + b`), one inside a nested model, a shared
    layer called twice, and a nested model called twice."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("list")
    x = keras.Input((4,), name="x")
    a, b = layers.Dense(3, name="a")(x), layers.Dense(3, name="b")(x)
    total = a + b  # an Add operation, not a layer
    cat = layers.Concatenate(name="cat")([total, b])
    shared = layers.Concatenate(name="shared")
    first, second = shared([a, b]), shared([b, a])
    inner_in = keras.Input((3,), name="inner_in")
    inner = keras.Model(inner_in, layers.Concatenate(name="inner_cat")(
        [layers.Dense(2, name="p")(inner_in), layers.Dense(2, name="q")(inner_in)]), name="inner")
    block_in = keras.Input((3,), name="block_in")
    block = keras.Model(block_in, layers.Add(name="block_add")([layers.Dense(3, name="r")(block_in), block_in]),
                        name="block")
    out = layers.Concatenate(name="out")([cat, first, second, inner(a), inner(b), block(a)])
    model = keras.Model(x, out)
    model.save(folder / "model.keras")
    np.save(folder / "x.npy", np.random.default_rng(0).normal(size=(7, 4)).astype("float32"))
    loaded = keras.models.load_model(folder / "model.keras")
    add = next(op.name for op in loaded.operations if type(op).__name__ == "Add")
    return {"folder": folder, "model": folder / "model.keras", "x": folder / "x.npy", "add": add, "loaded": loaded}


def listing(saved: dict, capsys) -> list[str]:
    code, out, err = extract(capsys, saved["model"], "--list")
    assert code == 0 and err == "", err
    return out.splitlines()


def section(lines: list[str], path: str) -> list[str]:
    """The lines about one merge: its title line up to the blank line after it."""
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{path}  "))
    end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
    return lines[start:end]


def test_every_merge_is_listed_with_its_producers_shapes_and_argument(saved: dict, capsys) -> None:
    lines = listing(saved, capsys)
    add = saved["add"]
    assert lines[0] == (f"{saved['model']}: 6 merges in model {saved['loaded'].name!r} (5 layers, 1 operation); "
                        "--merge-inputs MERGE writes one file per input, --layers NAME one layer's output")
    assert section(lines, add) == [
        f"{add}  Add operation, 2 inputs -> (None, 3)",
        f"  --merge-inputs {add}",
        f"    in0  a  {'(None, 3)':<18}  -> {add}.in0.a.npy",
        f"    in1  b  {'(None, 3)':<18}  -> {add}.in1.b.npy",
    ]
    assert section(lines, "cat") == [
        "cat  Concatenate layer, 2 inputs -> (None, 6)",
        "  --merge-inputs cat",
        f"    in0  {add}  {'(None, 3)':<18}  -> cat.in0.{add}.npy",
        f"    in1  {'b':<{len(add)}}  {'(None, 3)':<18}  -> cat.in1.b.npy",
    ]
    assert section(lines, "block/block_add")[:2] == ["block/block_add  Add layer, 2 inputs -> (None, 3)",
                                                     "  --merge-inputs block/block_add"]
    merges = [line.split("  ")[0] for line in lines[2:] if line and not line.startswith(" ")]
    assert merges == [add, "cat", "shared", "inner/inner_cat", "block/block_add", "out"] or merges == [
        add, "cat", "shared", "block/block_add", "inner/inner_cat", "out"], merges


def test_what_a_name_cannot_extract_is_said_with_what_to_do_instead(saved: dict, capsys) -> None:
    lines = listing(saved, capsys)
    assert section(lines, "shared")[:3] == [
        "shared  Concatenate layer, 2 inputs -> (None, 6)",
        "  cannot be extracted by name: shared is called 2 times, and a name cannot say which call is meant",
        "  instead: --layers with the layers producing the inputs of the call you want (for its first call: "
        "--layers a b)",
    ]
    assert section(lines, "inner/inner_cat")[1:3] == [
        "  cannot be extracted by name: the nested model inner is called 2 times, and a name cannot say which "
        "call is meant",
        "  instead: save that model alone (model.get_layer('inner').save('part.keras')) and run extract-layers on "
        "it, with the inputs of the call you want",
    ]
    code, _, err = extract(capsys, saved["model"], saved["x"], "--merge-inputs", "shared", "--out",
                           saved["folder"] / "no")
    assert code == 2 and err == ("extract_layers: error: shared is called more than once in the model, and a name "
                                 "cannot say which call is meant: extract-layers MODEL --list says what to do "
                                 "instead\n"), err


def test_the_listed_arguments_extract_what_the_listing_names(saved: dict, capsys, tmp_path: Path) -> None:
    import keras

    lines = listing(saved, capsys)
    arguments = [line.strip().split()[1] for line in lines if line.startswith("  --merge-inputs ")]
    files = sorted(line.split("-> ")[1] for line in lines if "-> " in line and line.startswith("    in"))
    code, out, err = extract(capsys, saved["model"], saved["x"], "--merge-inputs", *arguments, "--out", tmp_path,
                             "--no-progress")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.glob("*.npy")) == files
    # the operation's inputs are the values of a and b
    model, x = saved["loaded"], np.load(saved["x"])
    for name in ("a", "b"):
        value = keras.Model(model.input, model.get_layer(name).output).predict_on_batch(x)
        np.testing.assert_allclose(np.load(tmp_path / f"{saved['add']}.in{'ab'.index(name)}.{name}.npy"), value,
                                   rtol=1e-6, atol=1e-6)
    # what the listing says to do instead works too
    code, _, err = extract(capsys, saved["model"], saved["x"], "--layers", "a", "b", "--out", tmp_path / "instead",
                           "--no-progress")
    assert code == 0, err


def test_a_model_without_merges_says_so(tmp_path: Path, capsys) -> None:
    import keras

    x = keras.Input((4,), name="x")
    keras.Model(x, keras.layers.Dense(2, name="d")(x)).save(tmp_path / "plain.keras")
    code, out, _ = extract(capsys, tmp_path / "plain.keras", "--list")
    assert code == 0
    assert "no merge in model" in out and "--layers extracts any layer's output" in out


@pytest.mark.parametrize(
    "extra, message",
    [
        (["x.npy"], "--list takes only the model: leave out INPUTS"),
        (["--out", "o", "--layers", "a"], "--list takes only the model: leave out --out, --layers"),
    ],
)
def test_list_with_other_arguments_is_refused(saved: dict, capsys, extra: list[str], message: str) -> None:
    code, _, err = extract(capsys, saved["model"], "--list", *extra)
    assert code == 2 and err == f"extract-layers: error: {message} (see --help)\n"
