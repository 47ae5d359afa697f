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
# # Moving weights between models that share branches
#
# After this page you can copy the weights of shared branches from one model into another by
# layer name, nested models included, get a report of everything that did not match, prove the
# copy worked, and know what `load_weights(..., skip_mismatch=True)` really matches on.

# %% [markdown]
# ## Short answer
#
# Between models that differ, copy each shared layer by its path (`image_branch/conv`), checking
# shapes. Given the two models `source` and `target`, and a function like `copy_weights_by_name`
# below, which copies by path and reports what it left alone:
#
# ```python
# for outcome, paths in copy_weights_by_name(source, target).items():
#     print(f"{outcome:14} {paths}")
# ```
#
# `load_weights` from a `.weights.h5` file never looks at names: it gives the n-th layer **of
# each class** in `model.layers` (the second `Dense`, stored as `layers/dense_1`) the n-th layer of
# that class in the file.

# %% [markdown]
# ## Setup

# %%
import tempfile
import warnings
from pathlib import Path

import h5py
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## Two models with the same branches and different heads
#
# Both have an `image_branch` (a nested `Sequential`) and a `table_branch`. The source model
# predicts 1 value; the target predicts 3 and has an extra `notes_branch`.

# %%
def image_branch() -> keras.Sequential:
    return keras.Sequential(
        [layers.Conv2D(4, 3, activation="relu", name="conv"), layers.GlobalAveragePooling2D(name="pool")],
        name="image_branch",
    )


def build(head_units: int, with_notes: bool, table_name: str = "table_branch", norm: bool = False) -> keras.Model:
    image = keras.Input(shape=(8, 8, 1), name="image")
    table = keras.Input(shape=(5,), name="table")
    parts = [image_branch()(image), layers.Dense(4, name=table_name)(table)]
    inputs = [image, table]
    if with_notes:
        notes = keras.Input(shape=(3,), name="notes")
        inputs.append(notes)
        parts.append(layers.Dense(2, name="notes_branch")(notes))
    merged = layers.Concatenate(name="merge")(parts)
    if norm:
        merged = layers.BatchNormalization(name="norm")(merged)
    return keras.Model(inputs, layers.Dense(head_units, name="head")(merged))


source = build(head_units=1, with_notes=False)
target = build(head_units=3, with_notes=True)
print("source:", [layer.name for layer in source.layers])
print("target:", [layer.name for layer in target.layers])

# %% [markdown]
# ## Copy by name, and report what did not match
#
# Walk the target's layers with their paths (`image_branch/conv`), find the layer with the same
# path in the source, and copy only when every weight shape agrees. Everything else is reported,
# never skipped in silence.

# %%
def leaf_layers(model: keras.Model, prefix: str = "") -> dict:
    """{path: layer} for every layer that is not itself a model, nested models included."""
    found = {}
    for layer in model.layers:
        path = f"{prefix}{layer.name}"
        if isinstance(layer, keras.Model):
            found.update(leaf_layers(layer, prefix=f"{path}/"))
        elif layer.weights:
            found[path] = layer
    return found


def copy_weights_by_name(source: keras.Model, target: keras.Model) -> dict:
    src, report = leaf_layers(source), {"copied": [], "not in source": [], "shape differs": []}
    for path, layer in leaf_layers(target).items():
        if path not in src:
            report["not in source"].append(path)
        elif [w.shape for w in src[path].weights] != [w.shape for w in layer.weights]:
            report["shape differs"].append(path)
        else:
            layer.set_weights(src[path].get_weights())
            report["copied"].append(path)
    return report


# %%
for outcome, paths in copy_weights_by_name(source, target).items():
    print(f"{outcome:14} {paths}")

# %% [markdown]
# `head` exists in both but has 3 units instead of 1, so it was left alone and reported;
# `notes_branch` exists only in the target.
#
# ## Proof: the copied branches compute the same values
#
# Call each model's branch layers on the same inputs and compare.

# %%
rng = np.random.default_rng(0)
images = rng.normal(size=(4, 8, 8, 1)).astype("float32")
tables = rng.normal(size=(4, 5)).astype("float32")
for name, data in (("image_branch", images), ("table_branch", tables)):
    same = np.array_equal(
        keras.ops.convert_to_numpy(source.get_layer(name)(data)),
        keras.ops.convert_to_numpy(target.get_layer(name)(data)),
    )
    print(f"{name}: identical outputs: {same}")

# %% [markdown]
# ## What `load_weights` matches on: the n-th layer of each class
#
# `save_weights` files each layer under its class and a counter, not under its name. It walks
# `model.layers` in order: the first `Dense` as `layers/dense`, the second as `layers/dense_1`; a
# nested model's layers go under the nested model's own key. The file's keys that hold arrays,
# and the name it notes beside the first `Dense`'s arrays:

# %%
def stored_keys(path: Path) -> list:
    """The keys of a .weights.h5 file under which at least one array is stored."""
    keys = []

    def visit(key: str, item) -> None:
        if key.endswith("/vars") and len(item):
            keys.append(key.removesuffix("/vars"))

    with h5py.File(path, "r") as file:
        file.visititems(visit)
    return keys


folder = Path(tempfile.mkdtemp())
weights_file = folder / "source.weights.h5"
source.save_weights(weights_file)
print(stored_keys(weights_file))
with h5py.File(weights_file, "r") as file:
    print("name noted under layers/dense:", file["layers/dense/vars"].attrs["name"])
print("source's Dense layers, in order:", [layer.name for layer in source.layers if isinstance(layer, layers.Dense)])

# %% [markdown]
# `layers/dense` is `table_branch` and `layers/dense_1` is `head`. The name is only a note:
# `load_weights` reads the same keys from the model it loads into and never compares names. So a
# **renamed** table branch loads without a word: it is still the first `Dense`.

# %%
renamed = build(head_units=1, with_notes=False, table_name="table_encoder")
renamed.load_weights(weights_file)
print("table_encoder got table_branch's kernel:", np.array_equal(
    renamed.get_layer("table_encoder").kernel.numpy(), source.get_layer("table_branch").kernel.numpy()
))

# %% [markdown]
# It is not a position in the model either. Insert a `BatchNormalization` layer (`norm`) right
# before `head`: every later position moves, but `head` is still the second `Dense`, so it still
# receives the source's `head`. Only `norm`, which has no key in the file, fails:

# %%
with_norm = build(head_units=1, with_notes=False, norm=True)
print([layer.name for layer in with_norm.layers])
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras also warns about internal containers; see below
        with_norm.load_weights(weights_file)
except ValueError as err:
    print(f"ValueError: {str(err).splitlines()[0]}")
print("head got the source's head:", np.array_equal(
    with_norm.get_layer("head").kernel.numpy(), source.get_layer("head").kernel.numpy()
))

# %% [markdown]
# (Only the first line of the message is printed; the rest lists the missing variables.) The
# error comes after every other layer was loaded, as the check shows.
#
# A layer of the **same** class added earlier does shift the rest. In the target, `notes_branch`
# is the second `Dense` in `target.layers` and `head` the third, so `notes_branch` is offered the
# source's `head` (`layers/dense_1`, wrong shape) and `head` asks for `layers/dense_2`, which the
# file does not have:

# %%
fresh = build(head_units=3, with_notes=True)
print("target's Dense layers, in order:", [layer.name for layer in fresh.layers if isinstance(layer, layers.Dense)])
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same text is raised below; keep it once
        fresh.load_weights(weights_file)
except ValueError as err:
    print(f"ValueError: {str(err).splitlines()[0]}")

# %% [markdown]
# `skip_mismatch=True` turns those failures into a warning and loads whatever fits under the
# same key. Keras also warns that it is "Skipping nested container at
# '_operations_by_depth/…'": that is an internal list of the same layers, already loaded through
# `layers`. Print the warning that matters, then check what arrived, layer by layer:

# %%
fresh = build(head_units=3, with_notes=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fresh.load_weights(weights_file, skip_mismatch=True)
for warning in caught:
    if str(warning.message).startswith("A total"):
        print(str(warning.message).splitlines()[0])
for path, layer in leaf_layers(fresh).items():
    original = leaf_layers(source).get(path)
    same = original is not None and all(
        np.array_equal(a, b) for a, b in zip(layer.get_weights(), original.get_weights(), strict=True)
    )
    print(f"{path:20} equals the source's layer of that name: {same}")

# %% [markdown]
# Whether a branch arrives depends on its class and on how many layers of that class come before
# it in `model.layers` (which follows the graph, not the order you wrote the code), never on its
# name.
#
# Keras 2 code asked for name matching with `by_name=True`. Keras 3 keeps that argument only for
# legacy `.h5` files:

# %%
try:
    fresh.load_weights(weights_file, by_name=True)
except ValueError as err:
    print(f"ValueError: {err}".replace(str(folder), "<folder>"))

# %% [markdown]
# (The temporary folder's path is replaced by `<folder>`, since it differs on every run.) When
# the models differ, copy by name as above; or save a shared branch that is a model of its own
# and load it into the same branch of the other model, where its layers match one to one:

# %%
branch_file = folder / "image_branch.weights.h5"
source.get_layer("image_branch").save_weights(branch_file)
other = build(head_units=3, with_notes=True)
other.get_layer("image_branch").load_weights(branch_file)
print("image_branch arrived:", np.array_equal(
    other.get_layer("image_branch").get_layer("conv").kernel.numpy(),
    source.get_layer("image_branch").get_layer("conv").kernel.numpy(),
))

# %% [markdown]
# ## In short
#
# - Copy shared branches by layer path, checking shapes, and report what was not copied.
# - Prove the copy: the branches must give identical outputs on the same inputs.
# - `load_weights` from a `.weights.h5` file gives the n-th layer of each class in `model.layers`
#   the n-th of that class in the file (`layers/dense_1`); names are ignored, and a layer of
#   another class inserted in between shifts nothing.
# - `skip_mismatch=True` only skips what does not fit under those keys; it does not look names up.
