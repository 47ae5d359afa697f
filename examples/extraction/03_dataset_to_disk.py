# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Branch values for a whole dataset, streamed to disk
#
# After this page you can compute every branch's values for a dataset of any size, batch by
# batch, write them into memory-mapped `.npy` files with a progress bar, reload and verify them,
# and never overwrite earlier results by accident. For a saved model of your own, the repository
# ships the same recipe as a program: `scripts/extract_layers.py`.

# %% [markdown]
# ## Short answer
#
# Call a one-pass extractor batch by batch and write each result into a memory-mapped `.npy`
# file of the final size, so the dataset's branch values never sit in memory at once.
#
# Given a functional `model` with a merge layer named `merge`, and a generator function `batches`
# whose `batches()` yields the model's input one NumPy batch at a time, `NUM_SAMPLES` samples in
# all:
#
# ```python
# merge = model.get_layer("merge")
# extractor = keras.Model(model.input, merge.input, name="extractor")
# folder = Path(tempfile.mkdtemp())
# files = [
#     np.lib.format.open_memmap(
#         folder / f"branch_{i}.npy", mode="w+", dtype="float32", shape=(NUM_SAMPLES, *tensor.shape[1:])
#     )
#     for i, tensor in enumerate(merge.input)
# ]
# row = 0
# for batch in batches():
#     for file, values in zip(files, extractor.predict_on_batch(batch), strict=True):
#         file[row : row + len(batch)] = values
#     row += len(batch)
# ```
#
# `branch_0.npy` holds the merge's first input, and so on. `open_outputs` (below) does the same
# allocation and refuses to overwrite files that are already there.

# %% [markdown]
# ## Setup

# %%
import sys
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import layers
from tqdm import tqdm

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## The model
#
# Three branches on a shared stem, as on the previous page, joined by a layer named `merge`.

# %%
image = keras.Input(shape=(16, 16, 3), name="image")
stem = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(image)
branches = [layers.Conv2D(4, k, padding="same", activation="relu", name=f"branch_{k}x{k}")(stem) for k in (1, 3, 5)]
merged = layers.Concatenate(name="merge")(branches)
model = keras.Model(image, layers.Dense(2, name="head")(layers.GlobalAveragePooling2D(name="pool")(merged)))
print([tensor.shape for tensor in model.get_layer("merge").input])

# %% [markdown]
# ## A dataset that is never in memory at once
#
# A generator yields one batch at a time. Here it makes up images from a seeded generator; in
# your code it would read files. Batch *k* is always the same, which lets you check results later.

# %%
NUM_SAMPLES, BATCH_SIZE = 640, 64


def batches(num_samples: int = NUM_SAMPLES, batch_size: int = BATCH_SIZE):
    for start in range(0, num_samples, batch_size):
        rng = np.random.default_rng(start)  # one seed per batch: batch k is reproducible
        yield rng.normal(size=(min(batch_size, num_samples - start), 16, 16, 3)).astype("float32")


print(sum(1 for _ in batches()), "batches of", BATCH_SIZE)

# %% [markdown]
# ## Extract, batch by batch
#
# The extractor returns the three branch tensors that feed the merge. Each file is allocated at
# its final size, one per merge input, and each batch runs once through the extractor, its three
# results going straight into the files. Your arrays hold one batch and its branch values,
# whatever `NUM_SAMPLES` is. (Pages already written stay mapped, and count in the process's
# resident memory, until the map is closed; the operating system can drop them at any time,
# since they are on disk. `scripts/extract_layers.py` maps one batch's rows at a time, so even
# that figure stays flat.) The progress bar goes to stderr; its timings vary from run to run.

# %%
merge = model.get_layer("merge")
extractor = keras.Model(model.input, merge.input, name="extractor")
folder = Path(tempfile.mkdtemp())
files = [
    np.lib.format.open_memmap(
        folder / f"branch_{i}.npy", mode="w+", dtype="float32", shape=(NUM_SAMPLES, *tensor.shape[1:])
    )
    for i, tensor in enumerate(merge.input)
]
progress = tqdm(total=-(-NUM_SAMPLES // BATCH_SIZE), unit="batch", file=sys.stderr, mininterval=0, miniters=1)
row = 0
for batch in batches():
    for file, values in zip(files, extractor.predict_on_batch(batch), strict=True):
        file[row : row + len(batch)] = values
    row += len(batch)
    progress.update()
progress.close()
for file in files:
    file.flush()
del files, file  # closes the memory maps
print(sorted(path.name for path in folder.iterdir()))

# %% [markdown]
# ## Reload and verify
#
# `np.load(..., mmap_mode="r")` opens the files without reading them. Check one batch from the
# middle against a direct call of the extractor on the same batch:

# %%
loaded = [np.load(folder / f"branch_{i}.npy", mmap_mode="r") for i in range(len(merge.input))]
print([array.shape for array in loaded])
k = 4
batch_k = next(b for i, b in enumerate(batches()) if i == k)
direct = extractor.predict_on_batch(batch_k)
rows = slice(k * BATCH_SIZE, (k + 1) * BATCH_SIZE)
for i, (array, values) in enumerate(zip(loaded, direct, strict=True)):
    print(f"branch_{i}: batch {k} on disk equals a direct call: {np.allclose(array[rows], values, atol=1e-6)}")

# %% [markdown]
# ## Output files that refuse to overwrite
#
# `np.lib.format.open_memmap` with `mode="w+"` creates its file anew, replacing one that is
# already there, earlier results included. This function makes the same files, but refuses to
# replace existing ones unless told to:

# %%
def open_outputs(folder: Path, shapes: dict, num_samples: int, overwrite: bool = False) -> dict:
    paths = {name: folder / f"{name}.npy" for name in shapes}
    existing = [p.name for p in paths.values() if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(f"already there: {existing}; pass overwrite=True to replace")
    folder.mkdir(parents=True, exist_ok=True)
    return {
        name: np.lib.format.open_memmap(path, mode="w+", dtype="float32", shape=(num_samples, *shapes[name]))
        for name, path in paths.items()
    }

# %% [markdown]
# Running the extraction again into the same folder now stops before touching anything:

# %%
shapes = {f"branch_{i}": tuple(tensor.shape[1:]) for i, tensor in enumerate(merge.input)}
try:
    open_outputs(folder, shapes, NUM_SAMPLES)
except FileExistsError as err:
    print(f"FileExistsError: {err}")

# %% [markdown]
# Choose a new folder, or pass `overwrite=True` when replacing is what you want. In a new folder
# it returns one file per branch, ready for the loop above (`files = list(outputs.values())`):

# %%
outputs = open_outputs(Path(tempfile.mkdtemp()) / "run_2", shapes, NUM_SAMPLES)
print({name: array.shape for name, array in outputs.items()})
del outputs

# %% [markdown]
# ## In short
#
# - Build one extractor from the merge layer's inputs, on `model.input`; call it once per batch.
# - Allocate each output with `np.lib.format.open_memmap` and write batch slices into it: your
#   arrays hold one batch, the file is a normal `.npy`. Written pages stay mapped (and counted
#   in resident memory, though the system can drop them) until the map is closed; map one batch's
#   rows at a time, as `scripts/extract_layers.py` does, to keep even that flat.
# - Reload with `np.load(path, mmap_mode="r")` and check a batch against a direct call.
# - Refuse to overwrite existing files unless asked; for your own saved model use
#   `scripts/extract_layers.py`, which also splits work into shards.
