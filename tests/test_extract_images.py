"""A folder of images as the extractor's input: which files, in which order, decoded, cropped,
resized and scaled as documented, the list of files written beside the outputs, and bad files
refused (or left out with --skip-bad-files) before anything is written.

The expected rows are computed here with Pillow's own calls, independently of the program.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from extract_layers.cli import main

pytestmark = pytest.mark.extractor

PIL = pytest.importorskip("PIL", reason="Pillow is not installed: pip install -r requirements.txt")
from PIL import Image  # noqa: E402


def extract(capsys, *args) -> tuple[int, str, str]:
    try:
        code = main([*map(str, args), "--no-progress"])
    except SystemExit as stop:  # argparse's own refusals
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A 16x16 RGB model with a merge, and a folder of 9 images: JPEG and PNG, several sizes, one
    grayscale, one with transparency, two in subfolders."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("images")
    image = keras.Input((16, 16, 3), name="image")
    a = layers.Conv2D(2, 1, name="a")(image)
    b = layers.Conv2D(2, 3, padding="same", name="b")(image)
    merged = layers.Concatenate(name="merge")([a, b])
    model = keras.Model(image, layers.Dense(2, name="head")(layers.GlobalAveragePooling2D(name="pool")(merged)))
    model.save(folder / "model.keras")
    photos = folder / "photos"
    (photos / "b_sub" / "deeper").mkdir(parents=True)
    rng = np.random.default_rng(0)
    names = ["a.jpg", "b_sub/deeper/c.png", "b_sub/d.jpg", "e.png", "f_gray.png", "g_alpha.png", "h.JPEG",
             "i.bmp", "j.gif"]
    for name in names:
        height, width = (int(n) for n in rng.integers(9, 40, 2))
        if "gray" in name:
            picture = Image.fromarray(rng.integers(0, 256, (height, width), dtype=np.uint8))
        elif "alpha" in name:
            picture = Image.fromarray(rng.integers(0, 256, (height, width, 4), dtype=np.uint8))
        else:
            picture = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
        picture.save(photos / name, format={"jpg": "JPEG", "JPEG": "JPEG"}.get(name.rsplit(".", 1)[1]))
    (photos / ".DS_Store").write_bytes(b"\0\1hidden")
    return {"folder": folder, "model": folder / "model.keras", "photos": photos, "names": sorted(names),
            "keras_model": model}


def expected_rows(photos: Path, names: list[str], crop: bool = False, scale: float = 1.0, offset: float = 0.0,
                  size=(16, 16), mode: str = "RGB") -> np.ndarray:
    """Each file as Pillow decodes it, converted, center-cropped to the size's aspect ratio (with
    crop), resized bilinearly, then scaled: the documented defaults, written out."""
    rows = []
    for name in names:
        picture = Image.open(photos / name).convert(mode)
        if crop:
            width, height = picture.size
            side_h = min(height, int(width * size[0] / size[1]))
            side_w = min(width, int(height * size[1] / size[0]))
            left, top = (width - side_w) // 2, (height - side_h) // 2
            picture = picture.crop((left, top, left + side_w, top + side_h))
        picture = picture.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        array = np.asarray(picture, dtype=np.float32)
        rows.append(array if array.ndim == 3 else array[..., None])
    return np.stack(rows) * np.float32(scale) + np.float32(offset)


def test_a_folder_gives_one_row_per_image_in_path_order(saved: dict, tmp_path: Path, capsys) -> None:
    code, out, err = extract(capsys, saved["model"], saved["photos"], "--layers", "image", "head",
                             "--merge-inputs", "merge", "--out", tmp_path, "--batch-size", "4")
    assert code == 0, err
    # hidden files are left out; subfolders are read; the list is in row order
    assert (tmp_path / "files.txt").read_text().splitlines() == saved["names"]
    rows = expected_rows(saved["photos"], saved["names"])
    np.testing.assert_array_equal(np.load(tmp_path / "image.npy"), rows)
    model = saved["keras_model"]
    np.testing.assert_allclose(np.load(tmp_path / "head.npy"), model.predict_on_batch(rows), rtol=1e-5, atol=1e-5)
    import keras

    branches = keras.Model(model.input, model.get_layer("merge").input).predict_on_batch(rows)
    for index, (name, value) in enumerate(zip("ab", branches, strict=True)):
        np.testing.assert_allclose(np.load(tmp_path / f"merge.in{index}.{name}.npy"), value, rtol=1e-5, atol=1e-5)
    assert f"{tmp_path / 'image.npy'}  (9, 16, 16, 3)" in out


def test_crop_scale_and_offset(saved: dict, tmp_path: Path, capsys) -> None:
    code, _, err = extract(capsys, saved["model"], saved["photos"], "--layers", "image", "--out", tmp_path,
                           "--crop", "center", "--scale", "1/127.5", "--offset", "-1")
    assert code == 0, err
    rows = expected_rows(saved["photos"], saved["names"], crop=True, scale=1 / 127.5, offset=-1.0)
    np.testing.assert_allclose(np.load(tmp_path / "image.npy"), rows, atol=1e-6)
    assert np.load(tmp_path / "image.npy").min() >= -1 and np.load(tmp_path / "image.npy").max() <= 1


def test_shards_list_their_own_files(saved: dict, tmp_path: Path, capsys) -> None:
    for index in (0, 1):
        code, _, err = extract(capsys, saved["model"], saved["photos"], "--layers", "image", "--out", tmp_path,
                               "--num-shards", "2", "--shard-index", index)
        assert code == 0, err
    listed = [(tmp_path / f"files.shard-0000{i}-of-00002.txt").read_text().splitlines() for i in (0, 1)]
    assert listed[0] + listed[1] == saved["names"] and len(listed[0]) == 4
    parts = [np.load(tmp_path / f"image.shard-0000{i}-of-00002.npy") for i in (0, 1)]
    np.testing.assert_array_equal(np.concatenate(parts), expected_rows(saved["photos"], saved["names"]))


@pytest.fixture
def with_bad_files(saved: dict, tmp_path: Path) -> Path:
    """A copy of the photos with a text file and a JPEG cut in half (its header still reads)."""
    import shutil

    photos = tmp_path / "photos"
    shutil.copytree(saved["photos"], photos)
    (photos / "notes.txt").write_text("not an image\n")
    whole = (photos / "a.jpg").read_bytes()
    (photos / "b_sub" / "cut.jpg").write_bytes(whole[: len(whole) // 2])
    return photos


def test_bad_files_are_refused_one_line_each_before_anything_is_written(
    saved: dict, with_bad_files: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    code, _, err = extract(capsys, saved["model"], with_bad_files, "--layers", "image", "--out", out)
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith(f"extract_layers: error: {with_bad_files / 'b_sub' / 'cut.jpg'}: cannot be decoded")
    assert lines[1] == (f"extract_layers: error: {with_bad_files / 'notes.txt'}: not an image (Pillow cannot "
                        "identify it)")
    assert lines[2] == (f"extract_layers: error: 2 of 11 files in {with_bad_files} are not readable images: "
                        "remove them, or pass --skip-bad-files to leave them out")
    assert len(lines) == 3 and not out.exists()


def test_skip_bad_files_lists_them_and_leaves_them_out(
    saved: dict, with_bad_files: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    code, _, err = extract(capsys, saved["model"], with_bad_files, "--layers", "image", "--out", out,
                           "--skip-bad-files")
    assert code == 0, err
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"extract_layers: skipped {with_bad_files / 'b_sub' / 'cut.jpg'}: cannot be decoded")
    assert lines[1] == (f"extract_layers: skipped {with_bad_files / 'notes.txt'}: not an image (Pillow cannot "
                        "identify it)")
    assert (out / "files.txt").read_text().splitlines() == saved["names"]
    np.testing.assert_array_equal(np.load(out / "image.npy"), expected_rows(saved["photos"], saved["names"]))


def test_resume_with_other_image_options_is_refused(saved: dict, tmp_path: Path, capsys) -> None:
    assert extract(capsys, saved["model"], saved["photos"], "--layers", "image", "--out", tmp_path)[0] == 0
    before = np.load(tmp_path / "image.npy")
    code, _, err = extract(capsys, saved["model"], saved["photos"], "--layers", "image", "--out", tmp_path,
                           "--resume", "--scale", "1/255")
    assert code == 2 and err == (f"extract_layers: error: outputs in {tmp_path} were made from other image options "
                                 "(--scale) (image.npy): pass --overwrite to replace them\n"), err
    np.testing.assert_array_equal(np.load(tmp_path / "image.npy"), before)
    code, _, err = extract(capsys, saved["model"], saved["photos"], "--layers", "image", "--out", tmp_path,
                           "--resume")
    assert code == 0 and "nothing to do" in err, err
    record = json.loads((tmp_path / ".extract_layers.progress.json").read_text())
    assert record["complete"] and record["signature"]["inputs"][0][2] == 9


def test_existing_file_list_is_kept_unless_overwrite(saved: dict, tmp_path: Path, capsys) -> None:
    (tmp_path / "files.txt").write_text("mine\n")
    code, _, err = extract(capsys, saved["model"], saved["photos"], "--layers", "image", "--out", tmp_path)
    assert code == 2 and "already exists" in err and "files.txt" in err and "--overwrite" in err, err
    assert (tmp_path / "files.txt").read_text() == "mine\n"


def test_file_list_always_describes_the_rows_beside_it(saved: dict, tmp_path: Path, capsys) -> None:
    out, model, photos = tmp_path / "out", saved["model"], saved["photos"]
    code, _, err = extract(capsys, model, photos, "--merge-inputs", "merge", "--out", out)
    assert code == 0, err
    # a layer from the same folder joins the same --out, as it does for arrays; files.txt is the same
    code, _, err = extract(capsys, model, photos, "--layers", "head", "--out", out)
    assert code == 0, err
    assert (out / "files.txt").read_text().splitlines() == saved["names"]
    code, _, err = extract(capsys, model, photos, "--layers", "pool", "--out", out, "--resume")
    assert code == 0 and (out / "pool.npy").exists(), err
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    # rows from arrays, or from other images, beside outputs made from photos/: refused, even with --overwrite
    arrays = tmp_path / "rows.npy"
    np.save(arrays, expected_rows(photos, saved["names"])[:5])
    for inputs, what in ((arrays, "arrays"), (photos / "b_sub", "another list of images")):
        code, _, err = extract(capsys, model, inputs, "--layers", "head", "--out", out, "--overwrite")
        assert code == 2 and err.count("\n") == 1 and f"rows come from {what}" in err, err
        assert "merge.in0.a.npy" in err and "another --out" in err, err
        assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    # replacing every output with rows from arrays removes files.txt, which would list no row
    code, _, err = extract(capsys, model, arrays, "--layers", "head", "pool", "--merge-inputs", "merge", "--out",
                           out, "--overwrite")
    assert code == 0 and not (out / "files.txt").exists() and len(np.load(out / "head.npy")) == 5, err
    # and images added beside outputs made from arrays: refused, files.txt would not list their rows
    code, _, err = extract(capsys, model, photos, "--layers", "image", "--out", out)
    assert code == 2 and "made from other inputs" in err and "another --out" in err, err
    assert not (out / "files.txt").exists() and not (out / "image.npy").exists()


def test_grayscale_model_and_a_size_given_for_a_model_without_one(tmp_path: Path, capsys, saved: dict) -> None:
    import keras

    image = keras.Input((None, None, 1), name="gray")
    keras.Model(image, keras.layers.Conv2D(1, 1, name="conv")(image)).save(tmp_path / "gray.keras")
    code, _, err = extract(capsys, tmp_path / "gray.keras", saved["photos"], "--layers", "gray", "--out",
                           tmp_path / "none")
    assert code == 2 and err == ("extract_layers: error: the model's input 'gray' takes images of any size "
                                 "((None, None, 1)): give --image-size HEIGHT WIDTH\n"), err
    code, _, err = extract(capsys, tmp_path / "gray.keras", saved["photos"], "--layers", "gray", "--out",
                           tmp_path / "out", "--image-size", "12", "20", "--resize", "nearest")
    assert code == 0, err
    rows = []
    for name in saved["names"]:
        picture = Image.open(saved["photos"] / name).convert("L").resize((20, 12), Image.Resampling.NEAREST)
        rows.append(np.asarray(picture, dtype=np.float32)[..., None])
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "gray.npy"), np.stack(rows))


def test_a_16_bit_image_is_read_at_8_bits(tmp_path: Path, capsys) -> None:
    """Images are read at 8 bits per channel: a 16-bit PNG's values above 255 become 255, as the
    scaling page says (keras.utils.load_img with color_mode="grayscale" keeps them)."""
    import keras

    folder = tmp_path / "deep"
    folder.mkdir()
    Image.fromarray(np.array([[40000, 1000], [200, 65535]], dtype=np.uint16)).save(folder / "a16.png")
    assert Image.open(folder / "a16.png").mode == "I;16"
    image = keras.Input((2, 2, 1), name="img")
    keras.Model(image, keras.layers.Identity(name="same")(image)).save(tmp_path / "m.keras")
    code, _, err = extract(capsys, tmp_path / "m.keras", folder, "--layers", "same", "--out", tmp_path / "out")
    assert code == 0, err
    assert np.load(tmp_path / "out" / "same.npy")[0, ..., 0].tolist() == [[255, 255], [200, 255]]


@pytest.mark.parametrize(
    "case, message",
    [
        ("out-inside", "--out {photos}/acts is inside the image folder {photos}: its files would be read as "
                       "images next time; give an --out outside it"),
        ("arrays", "--crop, --skip-bad-files apply to a folder of images; the inputs are arrays"),
        ("empty", "no image in {empty}"),
        ("size", "--image-size 8 8: the model's input 'image' takes images of 16x16 only: leave out --image-size"),
        ("not-images", "{photos} is a folder of images, but the model's input 'x' takes samples of shape (4,), "
                       "not images (height, width, channels)"),
    ],
)
def test_image_refusals_are_one_line(saved: dict, tmp_path: Path, capsys, case: str, message: str) -> None:
    import keras

    photos, model, out = saved["photos"], saved["model"], tmp_path / "out"
    args = [model, photos, "--layers", "image", "--out", out]
    if case == "out-inside":
        args[-1] = out = photos / "acts"
    elif case == "arrays":
        np.save(tmp_path / "x.npy", np.zeros((2, 16, 16, 3), "float32"))
        args[1] = tmp_path / "x.npy"
        args += ["--crop", "center", "--skip-bad-files"]
    elif case == "empty":
        (tmp_path / "empty" / "sub").mkdir(parents=True)
        args[1] = tmp_path / "empty"
    elif case == "size":
        args += ["--image-size", "8", "8"]
    else:
        x = keras.Input((4,), name="x")
        keras.Model(x, keras.layers.Dense(2, name="d")(x)).save(tmp_path / "flat.keras")
        args[0], args[3] = tmp_path / "flat.keras", "d"
    code, _, err = extract(capsys, *args)
    assert code == 2
    assert err == "extract_layers: error: " + message.format(photos=photos, empty=tmp_path / "empty") + "\n"
    assert not out.exists()


def test_links_to_folders_are_not_followed_and_broken_links_are_bad_files(
        saved: dict, tmp_path: Path, capsys) -> None:
    import shutil

    photos, out = tmp_path / "photos", tmp_path / "out"
    shutil.copytree(saved["photos"], photos)
    (photos / "b_sub" / "up").symlink_to("..")  # back into the folder, for ever (and out of it: ../..)
    (photos / "outside").symlink_to(tmp_path)
    (photos / "z_image.png").symlink_to(photos / "a.jpg")  # a link to a file is that file
    code, _, err = extract(capsys, saved["model"], photos, "--layers", "image", "--out", out)
    assert code == 0, err
    assert err.splitlines() == [f"extract_layers: not followed: {photos / name}, a link to a folder (links to "
                                "folders are not read)" for name in ("b_sub/up", "outside")], err
    names = [*saved["names"], "z_image.png"]
    assert (out / "files.txt").read_text().splitlines() == names
    np.testing.assert_array_equal(np.load(out / "image.npy"), expected_rows(photos, names))
    (photos / "self").symlink_to("self")
    (photos / "broken").symlink_to("nowhere")
    code, _, err = extract(capsys, saved["model"], photos, "--layers", "image", "--out", tmp_path / "out2")
    assert code == 2 and not (tmp_path / "out2").exists()
    assert err.splitlines()[:2] == [
        f"extract_layers: error: {photos / 'broken'}: cannot be read (No such file or directory)",
        f"extract_layers: error: {photos / 'self'}: cannot be read (Too many levels of symbolic links)"], err


def test_an_image_size_of_zero_is_refused_in_one_line(saved: dict, tmp_path: Path, capsys) -> None:
    code, _, err = extract(capsys, saved["model"], saved["photos"], "--layers", "image", "--out", tmp_path / "o",
                           "--image-size", "0", "16")
    assert code == 2 and err == ("extract-layers: error: --image-size HEIGHT WIDTH: both must be at least 1 "
                                 "(pixels) (see --help)\n"), err
    assert not (tmp_path / "o").exists()


def test_refusals_that_point_to_the_fix(saved: dict, tmp_path: Path, capsys) -> None:
    photos, model, out = saved["photos"], saved["model"], tmp_path / "out"
    one = photos / "e.png"
    code, _, err = extract(capsys, model, one, "--layers", "image", "--out", out)  # one image, not its folder
    assert code == 2 and err == (f"extract_layers: error: {one} is one image; images are read from a folder, one "
                                 f"row per image file: give a folder that holds them (such as {photos}/)\n"), err
    code, _, err = extract(capsys, model, f"image={photos}", "--layers", "image", "--out", out)
    assert code == 2 and err == (f"extract_layers: error: inputs: image={photos}: a folder of images is given alone, "
                                 f"without image=: extract-layers MODEL {photos} ...\n"), err
    code, _, err = extract(capsys, photos, "--list")  # the folder where the model goes
    assert code == 2 and err == (f"extract_layers: error: {photos} is a folder, not a saved model: the model (a "
                                 ".keras file) comes first, then the inputs (extract-layers MODEL INPUTS ...)\n"), err
    assert not out.exists()


def run_command(*args) -> tuple[int, str, str]:
    """The command as a user runs it, in a fresh process: there the files are checked in a forked
    process (in this test process, where Keras is imported, in a thread)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "extract_layers", *map(str, args), "--no-progress"],
                          capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def test_the_command_refuses_bad_files_before_writing_and_reads_batches_across_chunks(
    saved: dict, with_bad_files: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = run_command(saved["model"], with_bad_files, "--layers", "image", "--out", out)
    assert code == 2 and not out.exists()
    lines = err.splitlines()
    assert lines[0].startswith(f"extract_layers: error: {with_bad_files / 'b_sub' / 'cut.jpg'}: cannot be decoded")
    assert lines[1:] == [
        f"extract_layers: error: {with_bad_files / 'notes.txt'}: not an image (Pillow cannot identify it)",
        f"extract_layers: error: 2 of 11 files in {with_bad_files} are not readable images: remove them, or pass "
        "--skip-bad-files to leave them out",
    ], err
    # batch size 2: chunks of 16 rows, read ahead two rows at a time
    code, _, err = run_command(saved["model"], with_bad_files, "--layers", "image", "--out", out,
                               "--skip-bad-files", "--batch-size", "2")
    assert code == 0 and len(err.splitlines()) == 2, err
    assert (out / "files.txt").read_text().splitlines() == saved["names"]
    np.testing.assert_array_equal(np.load(out / "image.npy"), expected_rows(saved["photos"], saved["names"]))


def test_checks_in_a_process_and_in_a_thread_agree(with_bad_files: Path) -> None:
    import subprocess
    import sys

    from extract_layers.images import Checks, check, list_files

    paths = [with_bad_files / name for name, _, _ in list_files(with_bad_files)]
    expected = [check(path) for path in paths]
    assert sum(reason is not None for reason in expected) == 2
    in_thread = Checks(paths)  # Keras is imported in this process: a thread
    assert in_thread.process is None and in_thread.reasons() == expected
    script = ("import json, sys\nfrom pathlib import Path\nfrom extract_layers.images import Checks\n"
              "checks = Checks([Path(p) for p in sys.argv[1:]])\n"
              "print(json.dumps([checks.process is not None, checks.reasons()]))\n")
    done = subprocess.run([sys.executable, "-c", script, *map(str, paths)], capture_output=True, text=True,
                          timeout=120, check=True)
    in_process, reasons = json.loads(done.stdout)
    assert in_process == sys.platform.startswith("linux") and reasons == expected


def test_a_file_that_breaks_after_the_check_stops_the_run(saved: dict, tmp_path: Path) -> None:
    """The read-ahead thread's error reaches the main thread (no hang), as one line."""
    import shutil

    import keras

    from extract_layers import engine_local
    from extract_layers.graph import UsageError
    from extract_layers.images import ImageFolder, image_spec

    photos = tmp_path / "photos"
    shutil.copytree(saved["photos"], photos)
    model = keras.models.load_model(saved["model"])
    folder = ImageFolder.open(photos, None)
    folder.spec = image_spec(folder, model.inputs[0], None, "none", "bilinear", 1.0, 0.0)
    assert folder.settle(False) == []
    (photos / saved["names"][5]).write_bytes(b"broken since")
    chunks = [(0, 0, 4), (1, 4, 8), (2, 8, 9)]
    results = engine_local.compute(model, [folder], chunks, 0, 2, engine_local.Parallel(1))
    assert next(results)[0] == 0
    with pytest.raises(UsageError, match=f"cannot read {photos / saved['names'][5]} as an image any more"):
        next(results)


def test_a_folder_over_two_devices_gives_the_rows_of_one(saved: dict, tmp_path: Path) -> None:
    """Several devices: each chunk's decoded batches go to predict whole (the CPU split in two, in a
    fresh process: MirroredStrategy on TensorFlow, DataParallel on JAX)."""
    import os

    if os.environ.get("KERAS_BACKEND", "tensorflow") == "torch":
        pytest.skip("Keras's predict on PyTorch uses one device (--logical-cpus is refused there)")
    runs = {}
    for devices in (1, 2):
        out = tmp_path / f"devices_{devices}"
        code, _, err = run_command(saved["model"], saved["photos"], "--layers", "image", "head", "--out", out,
                                   "--batch-size", "2", "--logical-cpus", devices)
        assert code == 0, err
        assert ("running under" in err) == (devices == 2), err
        runs[devices] = out
    np.testing.assert_array_equal(np.load(runs[2] / "image.npy"), expected_rows(saved["photos"], saved["names"]))
    np.testing.assert_array_equal(np.load(runs[2] / "image.npy"), np.load(runs[1] / "image.npy"))
    np.testing.assert_allclose(np.load(runs[2] / "head.npy"), np.load(runs[1] / "head.npy"), rtol=1e-5, atol=1e-5)
