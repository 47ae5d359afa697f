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
# file of the final size, so the dataset's branch values never sit in memory at once:
#
# ```python
# extractor = keras.Model(model.inputs, merge.input, name="extractor")
# outputs = open_outputs(folder, shapes, NUM_SAMPLES)
# values = extractor.predict_on_batch(batch)
# outputs[name][row : row + len(batch)] = value
# ```
#
# `open_outputs` (below) wraps `np.lib.format.open_memmap` and refuses to overwrite.

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
# ## The model and its one-pass extractor
#
# Three branches on a shared stem, as on the previous page. The extractor returns the three
# branch tensors that feed the merge.

# %%
image = keras.Input(shape=(16, 16, 3), name="image")
stem = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(image)
branches = [layers.Conv2D(4, k, padding="same", activation="relu", name=f"branch_{k}x{k}")(stem) for k in (1, 3, 5)]
merged = layers.Concatenate(name="merge")(branches)
model = keras.Model(image, layers.Dense(2, name="head")(layers.GlobalAveragePooling2D(name="pool")(merged)))

merge = model.get_layer("merge")
names = [layer.name for layer in model.layers if layer.name.startswith("branch_")]
extractor = keras.Model(model.inputs, merge.input, name="extractor")
print(names)

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
# ## Output files that refuse to overwrite
#
# `np.lib.format.open_memmap` creates a real `.npy` file of the final size on disk and maps it
# into memory: writing a slice writes to the file, and nothing is allocated for the rest. The
# function refuses to replace an existing file unless told to.

# %%
def open_outputs(folder: Path, shapes: dict, num_samples: int, overwrite: bool = False) -> dict:
    paths = {name: folder / f"{name}.npy" for name in shapes}
    existing = [p.name for p in paths.values() if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(f"already in {folder.name}: {existing}; pass overwrite=True to replace")
    folder.mkdir(parents=True, exist_ok=True)
    return {
        name: np.lib.format.open_memmap(path, mode="w+", dtype="float32", shape=(num_samples, *shapes[name]))
        for name, path in paths.items()
    }

# %% [markdown]
# ## Extract, batch by batch
#
# Each batch runs once through the extractor, and its three results go straight into the files.
# Your arrays hold one batch and its branch values, whatever `NUM_SAMPLES` is. (Pages already
# written stay mapped, and count in the process's resident memory, until the map is closed; the
# operating system can drop them at any time, since they are on disk. `scripts/extract_layers.py`
# maps one batch's rows at a time, so even that figure stays flat.) The progress bar goes to
# stderr; its timings vary from run to run.

# %%
folder = Path(tempfile.mkdtemp()) / "branch_values"
shapes = {name: tuple(t.shape[1:]) for name, t in zip(names, merge.input, strict=True)}
outputs = open_outputs(folder, shapes, NUM_SAMPLES)
row = 0
total = -(-NUM_SAMPLES // BATCH_SIZE)
for batch in tqdm(batches(), total=total, unit="batch", file=sys.stderr, mininterval=0, miniters=1):
    values = extractor.predict_on_batch(batch)
    for name, value in zip(names, values, strict=True):
        outputs[name][row : row + len(batch)] = value
    row += len(batch)
for array in outputs.values():
    array.flush()
del outputs  # closes the memory maps
print(sorted(p.name for p in folder.iterdir()))

# %% [markdown]
# ## Reload and verify
#
# `np.load(..., mmap_mode="r")` opens the files without reading them. Check one batch from the
# middle against a direct call of the extractor on the same batch:

# %%
loaded = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in names}
print({name: array.shape for name, array in loaded.items()})
k = 4
batch_k = next(b for i, b in enumerate(batches()) if i == k)
direct = extractor.predict_on_batch(batch_k)
rows = slice(k * BATCH_SIZE, (k + 1) * BATCH_SIZE)
for name, value in zip(names, direct, strict=True):
    print(f"{name}: batch {k} on disk equals a direct call: {np.allclose(loaded[name][rows], value, atol=1e-6)}")

# %% [markdown]
# ## Running it twice does not overwrite

# %%
try:
    open_outputs(folder, shapes, NUM_SAMPLES)
except FileExistsError as err:
    print(f"FileExistsError: {err}")

# %% [markdown]
# Choose a new folder, or pass `overwrite=True` when replacing is what you want.

# %% [markdown]
# ## In short
#
# - Build one extractor from the merge layer's inputs; call it once per batch.
# - Allocate each output with `np.lib.format.open_memmap` and write batch slices into it: your
#   arrays hold one batch, the file is a normal `.npy`. Written pages stay mapped (and counted
#   in resident memory, though the system can drop them) until the map is closed; map one batch's
#   rows at a time, as `scripts/extract_layers.py` does, to keep even that flat.
# - Reload with `np.load(path, mmap_mode="r")` and check a batch against a direct call.
# - Refuse to overwrite existing files unless asked; for your own saved model use
#   `scripts/extract_layers.py`, which also splits work into shards.
