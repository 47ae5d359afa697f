"""(g) A folder of images: the program against the plain Keras scripts a user would write (load the
folder, predict, save the layers), end to end in fresh processes, and the program's peak memory
on two folder sizes, one ten times the other (streaming must keep it bounded as for arrays). And
what the program does that the scripts do not: it checks every file before writing anything
(timed here per file, on one core)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from benchmarks.end_to_end import measure
from benchmarks.memory import peak_rss_of_extraction
from benchmarks.model import BRANCH_LAYERS, INPUT_SHAPE, program_command

IMAGE_SIDE = 128  # the files are 128x128 JPEGs, resized to the model's 64x64 on the way in

# The target's baseline is the faster of the two scripts below.
# The idiomatic one: Keras's own folder reader, a tf.data pipeline that decodes in parallel and
# prefetches (TensorFlow's decoder and resize, so its values differ a little from Pillow's).
PLAIN_DATASET = """\
import sys
import keras
import numpy as np
model_path, folder, out, batch_size, *names = sys.argv[1:]
model = keras.models.load_model(model_path)
extractor = keras.Model(model.inputs, [model.get_layer(name).output for name in names])
height, width = model.inputs[0].shape[1:3]
images = keras.utils.image_dataset_from_directory(
    folder, labels=None, image_size=(height, width), batch_size=int(batch_size), shuffle=False)
values = extractor.predict(images, verbose=0)
for name, value in zip(names, values, strict=True):
    np.save(f"{out}/{name}.npy", value)
"""

# The plainest one: every file through keras.utils.load_img (Pillow) into one array, then predict.
PLAIN_LOAD_IMG = """\
import sys
from pathlib import Path
import keras
import numpy as np
model_path, folder, out, batch_size, *names = sys.argv[1:]
model = keras.models.load_model(model_path)
extractor = keras.Model(model.inputs, [model.get_layer(name).output for name in names])
height, width = model.inputs[0].shape[1:3]
files = sorted(Path(folder).rglob("*.jpg"))
images = np.stack([keras.utils.img_to_array(keras.utils.load_img(f, target_size=(height, width),
                                                                 interpolation="bilinear")) for f in files])
values = extractor.predict(images, batch_size=int(batch_size), verbose=0)
for name, value in zip(names, values, strict=True):
    np.save(f"{out}/{name}.npy", value)
"""


def write_images(folder: Path, count: int) -> None:
    """`count` JPEGs (quality 90) of smooth random pictures, as photos compress."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for index in range(count):
        coarse = rng.integers(0, 256, (IMAGE_SIDE // 8, IMAGE_SIDE // 8, 3), dtype=np.uint8)
        picture = Image.fromarray(coarse).resize((IMAGE_SIDE, IMAGE_SIDE), Image.Resampling.BICUBIC)
        picture.save(folder / f"{index:06d}.jpg", quality=90)


def plain_command(script: str, model_path: Path, folder: Path, out: Path, batch_size: int) -> list[str]:
    return [sys.executable, "-c", script, str(model_path), str(folder), str(out), str(batch_size), *BRANCH_LAYERS]


def tensorflow_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("tensorflow") is not None


def check_seconds_per_file(folder: Path) -> float:
    """The program's check of each file (extract_layers.images.check, as it runs before any work),
    in this process on one core: the median of 3 passes over the folder (the files cached)."""
    from extract_layers.images import check, list_files

    paths = [folder / name for name, _, _ in list_files(folder)]
    passes = []
    for _ in range(3):
        start = time.perf_counter()
        reasons = [check(path) for path in paths]
        passes.append(time.perf_counter() - start)
        assert not any(reasons), reasons
    return statistics.median(passes) / len(paths)


def image_folders(model_path: Path, folder: Path, sizes: tuple[int, int], batch_size: int, quick: bool) -> dict:
    """Wall seconds (median of 3; quick: 1, smaller size only) of the program and of the plain
    scripts on the same folder; the program's peak RSS (median of 2; quick: 1) at both sizes."""
    assert INPUT_SHAPE[-1] == 3
    folders = {samples: folder / f"images_{samples}" for samples in sizes}
    for samples, path in folders.items():
        write_images(path, samples)
    commands = {
        "program_local": lambda out, data: program_command(model_path, data, out, batch_size, "local"),
        "plain_load_img": lambda out, data: plain_command(PLAIN_LOAD_IMG, model_path, data, out, batch_size),
    }
    if tensorflow_installed():  # image_dataset_from_directory is a tf.data pipeline, on every backend
        commands["plain_dataset"] = lambda out, data: plain_command(PLAIN_DATASET, model_path, data, out, batch_size)
    runs, measured = (1, sizes[:1]) if quick else (3, sizes)
    seconds = {samples: {name: [] for name in commands} for samples in measured}
    for run_index in range(runs):  # the methods take turns, so a busy moment hits them alike
        for samples in measured:
            for name, command in commands.items():
                out = folder / f"img_{name}_{samples}_{run_index}"
                seconds[samples][name].append(measure(command(out, folders[samples]), out)[0])
    wall = {str(samples): {name: statistics.median(v) for name, v in per.items()} for samples, per in seconds.items()}
    peaks: dict[int, list[float]] = {samples: [] for samples in sizes}
    for run_index in range(1 if quick else 2):
        for samples in sizes:
            out = folder / f"img_mem_{samples}_{run_index}"
            peaks[samples].append(peak_rss_of_extraction(model_path, folders[samples], batch_size, out))
    peak = {str(samples): statistics.median(values) for samples, values in peaks.items()}
    small = wall[str(sizes[0])]
    check_ms = check_seconds_per_file(folders[sizes[0]]) * 1000
    baseline = min((name for name in small if name.startswith("plain_")), key=small.get)  # the faster script
    return {
        "image_side": IMAGE_SIDE,
        "image_samples": sizes[0],
        "image_wall_s_by_size": wall,
        "image_runs": runs,
        "image_baseline": baseline,
        "image_program_vs_plain": small["program_local"] / small[baseline],
        "image_peak_rss_mb": peak,
        "image_peak_rss_growth": peak[str(sizes[1])] / peak[str(sizes[0])] - 1,
        "image_memory_runs_per_size": 1 if quick else 2,
        "image_check_ms_per_file": check_ms,
        # where the program (a fresh process, no backend loaded yet) checks the files while Keras is
        # imported; before this key, in a thread, which competed with the import for the interpreter lock
        "image_checks_in": "a process of its own" if sys.platform.startswith("linux") else "a thread",
    }

