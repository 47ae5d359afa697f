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
# # Keras inputs by name: dicts for fit and predict, tf.data, PyDataset, and "Missing data for input"
#
# After this page you can build a multi-input model whose inputs are a dict, feed it dicts of
# arrays, a `tf.data.Dataset` of `(features, labels)` or a `keras.utils.PyDataset`, and fix what
# goes wrong when the keys and the input names differ.

# %% [markdown]
# ## Short answer
#
# Name each `keras.Input`, and use those names as the keys of every dict you feed the model.
# Given the inputs `image_in` (named `image`) and `table_in` (named `table`), the output `score`
# computed from them, and the arrays `images`, `table` and `labels` (all made below):
#
# ```python
# model = keras.Model(inputs={"image": image_in, "table": table_in}, outputs=score)
# model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
# model.fit({"image": images, "table": table}, labels, epochs=2, verbose=0)
# dataset = tf.data.Dataset.from_tensor_slices(({"image": images, "table": table}, labels))
# dataset = dataset.shuffle(64, seed=0).batch(16)
# history = model.fit(dataset, epochs=2, verbose=0, shuffle=False)
# ```
#
# Batch a `tf.data` dataset (`.batch(...)`). Unbatched, `fit` gets samples without their batch
# axis and fails, on Keras 3.15.1 with "Expected shape (None, 3), but input has incompatible
# shape (3,)" or, on TensorFlow once the model has trained, "as_list() is not defined on an
# unknown TensorShape".
#
# An input that no key names (a misspelled key, say) gives "Missing data for input". On JAX,
# `fit` and `predict` only warn, then hand the arrays to the inputs by position: a misspelled
# key passes, a missing one fails with another error. On Keras 3.15.1, keys the model does not
# use are not always ignored: a model built from a dict can feed one to the wrong input without
# an error. Feed only the model's own keys. (keras-nightly 3.16.0.dev2026102704 ignores them,
# with a warning that names them.)

# %% [markdown]
# ## Setup
#
# `tf.data` is part of TensorFlow: the cells that use it need the `tensorflow` package
# installed, whatever the Keras backend. Keras reads a `tf.data.Dataset` on the JAX and PyTorch
# backends too (the [compatibility matrix](../../backends.md) runs this page on all three).

# %%
import re
import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## Made-up data
#
# 64 samples, each an 8 x 8 grey image and 3 numbers, and a label of 0 or 1.

# %%
rng = np.random.default_rng(0)
images = rng.uniform(size=(64, 8, 8, 1)).astype("float32")
table = rng.normal(size=(64, 3)).astype("float32")
labels = rng.integers(0, 2, size=(64, 1)).astype("float32")
print("images:", images.shape, "| table:", table.shape, "| labels:", labels.shape)

# %% [markdown]
# ## A model whose inputs are a dict
#
# Two named inputs, a small image branch, and one output, `score`:

# %%
image_in = keras.Input(shape=(8, 8, 1), name="image")
table_in = keras.Input(shape=(3,), name="table")
x = layers.Conv2D(4, 3, activation="relu", name="image_conv")(image_in)
image_vector = layers.GlobalAveragePooling2D(name="image_pool")(x)
merged = layers.Concatenate(name="merge")([image_vector, table_in])
score = layers.Dense(1, activation="sigmoid", name="score")(merged)
print("score:", score.shape)

# %% [markdown]
# Pass `inputs` as a dict whose keys are the `Input` names. `model.input` is then that dict.

# %%
model = keras.Model(inputs={"image": image_in, "table": table_in}, outputs=score)
print("model.input keys:", list(model.input))
print("input names:", [t.name for t in model.inputs])

# %% [markdown]
# A dict key that differs from its `Input`'s name gets a warning when the model is built:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.Model(inputs={"pixels": image_in, "table": table_in}, outputs=score)
for warning in caught:
    if "must match" in str(warning.message):
        print(f"{warning.category.__name__}: {warning.message}")

# %% [markdown]
# ## Dicts to `fit` and `predict`
#
# Keys are matched by name, so their order in the dict does not matter:

# %%
features = {"image": images, "table": table}
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
model.fit({"image": images, "table": table}, labels, epochs=2, verbose=0)
predictions = model.predict(features, verbose=0)
reordered = model.predict({"table": table, "image": images}, verbose=0)
print("predictions:", predictions.shape)
print("key order changes nothing:", np.array_equal(predictions, reordered))

# %% [markdown]
# ## The error when a key and an input name differ
#
# Here `images`, plural, against the input `image`:

# %%
try:
    model.predict({"images": images, "table": table}, verbose=0)
    print("a misspelled key raises an error:", False)
except ValueError as err:
    print("a misspelled key raises an error:", True)
    print(f"ValueError: {err}")

try:
    model({"images": images, "table": table})
    print("calling the model directly raises it too:", False)
except ValueError as err:
    print("calling the model directly raises it too:", str(err).startswith("Missing data for input"))

# %% [markdown]
# The message lists both sides: rename the key (or the `Input`) so they agree, as in
# `features` above.
#
# **Backend-specific:** on JAX, `fit` and `predict` run the model through `stateless_call`,
# which skips the input check that raises this error. You get only a warning, "The structure
# of `inputs` doesn't match the expected structure", and the arrays are matched to the inputs
# by position. The first line above prints False there (see the
# [compatibility matrix](../../backends.md)); read that warning as this error. Calling the
# model directly raises the error on every backend, JAX included (the second line). A key left
# out altogether leaves the arrays one short, and on JAX `predict` then fails with another
# error: without `image`, the table's array goes to the `image` input, "Invalid input shape for
# input ... with name 'image' ... Expected shape (None, 8, 8, 1)".

# %% [markdown]
# ## Keys the model does not use
#
# Data often carries more than the model reads, such as an `id` column. A model built with
# `inputs=[...]` (a list) finds its inputs by name and ignores the rest:

# %%
with_id = {"id": np.arange(64), "image": images, "table": table}
by_list = keras.Model(inputs=[image_in, table_in], outputs=score, name="by_list")
print("list-built model ignores id:", np.allclose(by_list.predict(with_id, verbose=0), predictions))

# %% [markdown]
# A model built with `inputs={...}` does not, in Keras 3.15.1. It warns that the data's
# structure does not match its own, then sorts the data's keys and hands the arrays to its inputs
# in that order: `id` sorts before `image`, so `id` ends up in the `image` input. Shown on
# `probe`, a copy of `model` (the next cell says why), with the warning and the key line of the
# error:


# %%
def structure_warning(caught: list) -> str:
    """The first line of Keras's warning that the data's keys do not match the inputs."""
    for warning in caught:
        if "structure" in str(warning.message):
            return f"{warning.category.__name__}: {str(warning.message).splitlines()[0]}"
    return "no structure warning"


probe = keras.models.clone_model(model)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        probe.predict(with_id, verbose=0)
        print("dict-built model ignores id:", True)
    except ValueError as err:
        print("dict-built model ignores id:", False)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(err))
        print(next(line for line in plain.splitlines() if "Expected shape" in line))
print(structure_warning(caught))

# %% [markdown]
# **Next release.** On keras-nightly 3.16.0.dev2026102704 a dict-built model matches the data to
# its inputs by key and drops the rest: this cell prints `dict-built model ignores id: True`, and
# the warning ends "Ignored fields: 'id'." The change is
# [keras-team/keras PR #23261](https://github.com/keras-team/keras/pull/23261), which fixes
# [keras-team/keras issue #23258](https://github.com/keras-team/keras/issues/23258), the same
# `id`-in-the-wrong-input case. On 3.15.1 the rest of this section holds.
#
# **Backend-specific:** on JAX, an error inside `predict` also breaks the model it came from.
# The JAX trainer takes the weights out of the model's variables while `predict` runs and puts
# them back when it ends, which the error skips; the next call then fails with
# `TypeError: 'NoneType' object is not callable`. On TensorFlow and PyTorch the model keeps
# working. The cell below prints True here, on TensorFlow; the
# [compatibility matrix](../../backends.md) records the JAX run, which prints False. After such
# an error on JAX, rebuild or reload the model.

# %%
try:
    probe.predict({"image": images, "table": table}, verbose=0)
    print("probe still predicts after the error:", True)
except TypeError as err:
    print("probe still predicts after the error:", False)
    print(f"TypeError: {err}")

# %% [markdown]
# ## An extra key that gives no error
#
# The sorting decides what an extra key does. Calling the model runs the same input handling as
# `predict` (the `id` above went through `predict`), so the next two cells call models
# directly. A key that sorts after every input key, such as `zz`, falls off the end and is
# dropped:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with_zz = model({"image": images, "table": table, "zz": np.zeros((64, 5))})
print("zz dropped, predictions unchanged:", np.allclose(keras.ops.convert_to_numpy(with_zz), predictions))
print(structure_warning(caught))

# %% [markdown]
# (On keras-nightly 3.16.0.dev2026102704 the warning names the key it drops: it ends
# "Ignored fields: 'zz'.")

# %% [markdown]
# One that sorts *between* two input keys, with a shape that fits the input after it, shifts the
# data silently. `difference` computes `a - c`; given `a`, `b` and `c` (all ones but `b`,
# zeros), it should return 0 and returns 1, because `b` went into the `c` input:

# %%
a_in = keras.Input(shape=(3,), name="a")
c_in = keras.Input(shape=(3,), name="c")
a_minus_c = layers.Subtract(name="a_minus_c")([a_in, c_in])
difference = keras.Model(inputs={"a": a_in, "c": c_in}, outputs=a_minus_c, name="difference")
ones, zeros = np.ones((2, 3), "float32"), np.zeros((2, 3), "float32")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = keras.ops.convert_to_numpy(difference({"a": ones, "b": zeros, "c": ones}))
print("a - c:", result[0], "| should be:", (ones - ones)[0])
print("got a - b instead, with no error:", np.array_equal(result, ones - zeros))
print(structure_warning(caught))

# %% [markdown]
# That warning is the only sign, on every backend (the
# [compatibility matrix](../../backends.md) runs this page on TensorFlow, JAX and PyTorch).
# Do not filter it out; treat it as an error.
#
# On keras-nightly 3.16.0.dev2026102704 (with PR #23261 above) the shift is gone: the same cell
# prints `a - c: [0. 0. 0.]`, `got a - b instead, with no error: False`, and a warning that
# ends "Ignored fields: 'b'." Until your Keras has that change, the fix below is needed.
#
# The fix: pass only the model's own keys. `model.input` is the dict of inputs, so its keys are
# the ones to keep:

# %%
only_inputs = {name: with_id[name] for name in model.input}
print("kept:", list(only_inputs))
print("same predictions:", np.allclose(model.predict(only_inputs, verbose=0), predictions))

# %% [markdown]
# ## A `tf.data.Dataset` of `(features, labels)`
#
# Each element is a pair: a dict keyed by input name, and the label. `from_tensor_slices` cuts
# the arrays into single samples, and `fit` takes a dataset's elements as batches, so an
# unbatched dataset hands the model samples without their batch axis. Tried on two copies of
# `model` (a failed `fit` breaks a model on JAX, as `predict` did above), one new and one
# that has trained on arrays already:

# %%
unbatched = tf.data.Dataset.from_tensor_slices(({"image": images, "table": table}, labels))
print({name: tuple(spec.shape) for name, spec in unbatched.element_spec[0].items()})
for state in ("new", "trained"):
    copy = keras.models.clone_model(model)
    copy.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    if state == "trained":
        copy.fit(features, labels, epochs=1, verbose=0)
    try:
        copy.fit(unbatched, epochs=1, verbose=0, shuffle=False)
        print(f"{state} model trains on it:", True)
    except ValueError as err:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).splitlines()
        print(f"{state} model: ValueError: {next((x for x in lines if 'Expected shape' in x), lines[0])}")

# %% [markdown]
# The new model names the input and both shapes: `(3,)` where `(None, 3)` was expected, the
# batch axis missing. On TensorFlow, the model that has trained already says only
# "as_list() is not defined on an unknown TensorShape" (on JAX and PyTorch it prints the first
# message again). Both mean the same: batch the dataset. On keras-nightly 3.16.0.dev2026102704
# both messages change: the new model's reads "Input 0 with name 'image' of layer 'functional'
# is incompatible with the layer: expected shape=(None, 8, 8, 1), found shape=(8, 8, 1)", the
# trained one's "Tensors with unknown rank are not supported".

# %% [markdown]
# Batch it (here after shuffling), and `fit` reads the dict like the arrays above:

# %%
dataset = tf.data.Dataset.from_tensor_slices(({"image": images, "table": table}, labels))
dataset = dataset.shuffle(64, seed=0).batch(16)
feature_spec, label_spec = dataset.element_spec
print({name: tuple(spec.shape) for name, spec in feature_spec.items()}, "| labels:", tuple(label_spec.shape))
history = model.fit(dataset, epochs=2, verbose=0, shuffle=False)
print("epochs run:", len(history.history["loss"]))

# %% [markdown]
# `shuffle=False` there is deliberate: `fit`'s `shuffle=True` (the default) does not apply to a
# dataset, and Keras says so. Shuffle the dataset itself with `.shuffle(...)`, as above, and
# pass `shuffle=False` to `fit` to silence the warning:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.fit(dataset, epochs=1, verbose=0)
for warning in caught:
    if "shuffle" in str(warning.message):
        print(f"{warning.category.__name__}: {warning.message}")

# %% [markdown]
# A dataset whose keys do not match gives the same error as a dict of arrays, from `fit` (on
# JAX, again only the warning):

# %%
renamed = tf.data.Dataset.from_tensor_slices(({"images": images, "table": table}, labels)).batch(16)
try:
    model.fit(renamed, epochs=1, verbose=0, shuffle=False)
    print("a misnamed dataset key raises an error:", False)
except ValueError as err:
    print("a misnamed dataset key raises an error:", True)
    print(f"ValueError: {err}")

# %% [markdown]
# Rename (or drop) keys inside the pipeline with `map`, without touching the data:

# %%
fixed = renamed.map(lambda f, y: ({"image": f["images"], "table": f["table"]}, y))
print("keys now:", list(fixed.element_spec[0]))
history = model.fit(fixed, epochs=1, verbose=0, shuffle=False)
print("epochs run:", len(history.history["loss"]))

# %% [markdown]
# ## A `keras.utils.PyDataset`
#
# When the batches come from Python code (reading files, NumPy augmentation), a `PyDataset`
# reads better than a `tf.data` pipeline: it is plain Python and NumPy. `__getitem__` returns one
# batch as the same `(dict, labels)` pair; `__len__` says how many batches make an epoch.


# %%
class ImageAndTable(keras.utils.PyDataset):
    def __init__(self, images, table, labels, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.images, self.table, self.labels = images, table, labels
        self.batch_size = batch_size

    def __len__(self):
        return -(-len(self.labels) // self.batch_size)

    def __getitem__(self, index):
        batch = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return {"image": self.images[batch], "table": self.table[batch]}, self.labels[batch]


batches = ImageAndTable(images, table, labels, batch_size=16)
first_features, first_labels = batches[0]
print(len(batches), "batches; the first:", {name: a.shape for name, a in first_features.items()}, first_labels.shape)
history = model.fit(batches, epochs=2, verbose=0)
print("epochs run:", len(history.history["loss"]))
print("predictions:", model.predict(batches, verbose=0).shape)

# %% [markdown]
# ## In short
#
# - `keras.Model(inputs={"image": ..., "table": ...})` takes the `Input` names as keys; a key
#   that differs from its `Input`'s name gets a warning.
# - Feed `fit`/`predict` a dict keyed by input name, in any order. A missing or misspelled
#   key: "Missing data for input "image". You passed a data dictionary with keys ..." (on JAX,
#   `fit`/`predict` only warn that the structure doesn't match and go by position: a
#   misspelled key passes, a missing one fails with another error).
# - Extra keys: a list-built model ignores them. A dict-built one (Keras 3.15.1) sorts the keys
#   and fills its inputs in that order: an extra key can land in the wrong input, with an error
#   (`id`; on JAX the failed `predict` also leaves the model unusable) or silently (`b` between
#   `a` and `c`). The warning "The structure of `inputs` doesn't match" is the only sign. Keep
#   only `model.input`'s keys. (keras-nightly 3.16.0.dev2026102704 matches by key and names the
#   ignored keys in the warning: keras-team/keras PR #23261.)
# - `tf.data.Dataset.from_tensor_slices((features_dict, labels)).batch(n)` and a `PyDataset`
#   returning `(dict, labels)` batches feed the same names; without `.batch`, `fit` fails on a
#   missing batch axis. `.map` renames keys in a pipeline.
