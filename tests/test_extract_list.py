"""`extract-layers MODEL --list`: every merge (merge layers and operations such as `x + y`, nested
models included) with the producer and shape of each input and the argument that extracts it;
what a name cannot extract (one call of a layer or nested model called several times) is said,
with what to do instead. What --list prints is run, and must extract what it says.
"""

from __future__ import annotations

import re
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
    end = next(i for i, line in enumerate(lines) if "called several times" in line)  # then the shared layers
    merges = [line.split("  ")[0] for line in lines[2:end] if line and not line.startswith(" ")]
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


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Merges fed by what has no name of its own: the two outputs of a nested functional model, the
    second call of a shared layer; shared layers that are not merges; a merge called twice whose first
    call takes a shared layer's output."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("fed")
    t_in = keras.Input((4,), name="t_in")
    twoout = keras.Model(t_in, [layers.Dense(3, name="b1")(t_in), layers.Dense(3, name="b2")(t_in)], name="twoout")
    x = keras.Input((4,), name="x")
    pre = layers.Dense(4, name="pre")(x)
    d, e, m = layers.Dense(3, name="d"), layers.Dense(2, name="e"), layers.Add(name="m")
    first, second = d(x), d(pre)
    out0, out1 = twoout(x)
    cat = layers.Concatenate(name="cat")([out0, out1, first, second])
    once = m([second, out0])
    heads = [layers.Dense(2, name="h1")(e(x)), layers.Dense(2, name="h2")(e(pre))]
    end = layers.Concatenate(name="end")([cat, m([once, once]), *heads])
    keras.Model(x, end, name="fed").save(folder / "fed.keras")
    np.save(folder / "x.npy", np.random.default_rng(1).normal(size=(5, 4)).astype("float32"))
    return {"folder": folder, "model": folder / "fed.keras", "x": folder / "x.npy",
            "loaded": keras.models.load_model(folder / "fed.keras")}


def test_inputs_without_a_name_of_their_own_are_named_after_their_producer(fed: dict, capsys) -> None:
    code, out, err = extract(capsys, fed["model"], "--list")
    assert code == 0 and err == "", err
    lines = out.splitlines()
    assert section(lines, "cat") == [
        "cat  Concatenate layer, 4 inputs -> (None, 12)",
        "  --merge-inputs cat",
        f"    in0  twoout.out0  {'(None, 3)':<18}  -> cat.in0.twoout.out0.npy",
        f"    in1  twoout.out1  {'(None, 3)':<18}  -> cat.in1.twoout.out1.npy",
        f"    in2  {'d.call2':<11}  {'(None, 3)':<18}  -> cat.in2.d.call2.npy",  # d(x): the graph runs d(pre) first
        f"    in3  {'d':<11}  {'(None, 3)':<18}  -> cat.in3.d.npy",
    ]
    assert section(lines, "m")[2] == ("  instead: --layers with the layers producing the inputs of the call you want "
                                      "(for its first call: --layers twoout; for d: see its own entry in this listing)")
    # the layers --layers refuses (called twice, not merges) have their own entry
    assert section(lines, "d") == ["d  Dense layer, called 2 times",
                                   "    call1  on pre  --merge-inputs cat  -> cat.in3.d.npy",
                                   "    call2  on x  --merge-inputs cat  -> cat.in2.d.call2.npy"]
    assert section(lines, "e") == ["e  Dense layer, called 2 times",
                                   "    call1  on pre  its input: --layers pre (then apply e to it)",
                                   "    call2  on x  its input: --layers x (then apply e to it)"]
    assert not re.search(r"\binput\d", out), out  # no placeholder names
    code, _, err = extract(capsys, fed["model"], fed["x"], "--layers", "d", "--out", fed["folder"] / "no")
    assert code == 2 and "extract-layers MODEL --list says what to do instead" in err


def test_every_argument_the_listing_gives_works_when_pasted(fed: dict, capsys, tmp_path: Path) -> None:
    import keras

    _, out, _ = extract(capsys, fed["model"], "--list")
    pattern = r"(--merge-inputs|--layers) ([\w/]+(?: [\w/]+)*)(?:  -> (\S+))?"
    pasted = [(match[1], match[2].split(), match[3]) for line in out.splitlines() if line.startswith("  ")
              for match in re.finditer(pattern, line) if not match[2].startswith("with ")]
    assert len(pasted) == 7, pasted  # m's first call, cat, end, d and e twice each
    for number, (option, names, file) in enumerate(pasted):
        folder = tmp_path / str(number)
        code, _, err = extract(capsys, fed["model"], fed["x"], option, *names, "--out", folder, "--no-progress")
        assert code == 0, (option, names, err)
        assert not file or (folder / file).exists(), (file, sorted(p.name for p in folder.iterdir()))
    # the files hold the merge's inputs in order: together they are its output
    x, model = np.load(fed["x"]), fed["loaded"]
    expected = keras.Model(model.input, model.get_layer("cat").output).predict_on_batch(x)
    code, _, err = extract(capsys, fed["model"], fed["x"], "--merge-inputs", "cat", "--out", tmp_path / "cat",
                           "--no-progress")
    assert code == 0, err
    names = ["twoout.out0", "twoout.out1", "d.call2", "d"]
    got = np.concatenate([np.load(tmp_path / "cat" / f"cat.in{i}.{n}.npy") for i, n in enumerate(names)], axis=-1)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
