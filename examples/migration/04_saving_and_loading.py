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
# # Saving and loading multi-branch models across Keras 2 and Keras 3
#
# After this page you can open the `.h5` files, SavedModel folders and checkpoints your Keras 2
# code wrote in Keras 3 (and go back), load weights by layer name into a model with a branch
# added, and load weights into subclassed and nested models without losing them on the way.

# %% [markdown]
# ## Short answer
#
# | Keras 2 | Keras 3 |
# |---|---|
# | `load_model("old.h5")` of a model compiled with a short loss alias (`"mse"`, `"mae"`, `"mape"`, `"msle"`), a loss object, or `"logcosh"` | `load_model("old.h5", compile=False)`, then `compile` again |
# | `model.save("folder")` (SavedModel), `save_weights("ckpt")` (TensorFlow checkpoint) | not readable: open them once with `tf_keras` and write `.h5`; from then on `.keras` and `.weights.h5` |
# | `load_weights("w.h5", by_name=True)` | still works on a legacy `.h5` file; a `.weights.h5` file refuses `by_name`: copy layer by layer |
# | subclassed model: `load_weights` before the first call (checkpoint format), or after `build(shapes)` | call the model on a batch first, then `load_weights` |
# | `.h5` of a functional model holding a nested model | build the model in code, then `load_weights("old.h5")` |
#
# Going back, Keras 2 reads neither the `.keras` nor the `.h5` model files of Keras 3; it reads
# Keras 3's `.weights.h5` into the same model built with Keras 2 code.
#
# Given the path `keras2_h5` of a model file that Keras 2 saved:
#
# ```python
# restored = keras.models.load_model(keras2_h5, compile=False)
# ```
#
# Given a Keras 3 model `target3` with a branch added, and the path `keras2_weights` of an `.h5`
# weights file that Keras 2 saved:
#
# ```python
# target3.load_weights(keras2_weights, by_name=True, skip_mismatch=True)
# ```
#
# Given a subclassed model class `TwoBranch`, a `batch` of its inputs, and its weights saved in
# `folder`:
#
# ```python
# subclassed = TwoBranch(name="two_branch")
# subclassed(batch)
# subclassed.load_weights(folder / "subclassed.weights.h5")
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2: what `tf.keras` was up to TensorFlow 2.15, and what
# `TF_USE_LEGACY_KERAS=1` brings back. Where the Keras 2 cells below write `tf_keras.`, your old
# code wrote `keras.` or `tf.keras.`; both run in this one process. The Keras 2 half always runs
# on TensorFlow, even when Keras 3's backend is JAX or PyTorch. Every file goes into a fresh
# temporary folder; messages that name it show `<folder>` instead of its path.

# %%
import tempfile
import unittest
import warnings
from pathlib import Path

import absl.logging
import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras 3: keras {keras.__version__}, backend {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}, on TensorFlow {tf.__version__}")
# Both Kerases also write log lines ("You are saving your model as an HDF5 file"); keep them off the page.
tf.get_logger().setLevel("ERROR")
absl.logging.set_verbosity(absl.logging.ERROR)
folder = Path(tempfile.mkdtemp())
rng = np.random.default_rng(0)
batch = [rng.normal(size=(2, 4)).astype("float32"), rng.normal(size=(2, 3)).astype("float32")]

# %% [markdown]
# `two_branch` builds the same model with either Keras, so the Keras 2 and Keras 3 cells run the
# same code: inputs `a_in` (4 features) and `b_in` (3), one `Dense` per branch (`branch_a`,
# `branch_b`), `merge` (a `Concatenate`) and a `Dense` `head`. `with_c=True` adds a third branch,
# `branch_c` on input `c_in`; `nested=True` makes `branch_a` a nested `Sequential` model.

# %%
def two_branch(K, with_c=False, nested=False):
    """The two-branch model, built with K = tf_keras (Keras 2) or K = keras (Keras 3)."""
    a_in = K.Input(shape=(4,), name="a_in")
    b_in = K.Input(shape=(3,), name="b_in")
    if nested:
        branch_a = K.Sequential([K.layers.Dense(3, name="hidden"), K.layers.Dense(2, name="out")], name="branch_a")
    else:
        branch_a = K.layers.Dense(2, name="branch_a")
    inputs, parts = [a_in, b_in], [branch_a(a_in), K.layers.Dense(2, name="branch_b")(b_in)]
    if with_c:
        c_in = K.Input(shape=(5,), name="c_in")
        inputs.append(c_in)
        parts.append(K.layers.Dense(2, name="branch_c")(c_in))
    merged = K.layers.Concatenate(name="merge")(parts)
    return K.Model(inputs, K.layers.Dense(1, name="head")(merged), name="two_branch")


def values_of(model, inputs=batch):
    """A Keras 2 or Keras 3 model's output on a batch, as NumPy (called directly, not `predict`)."""
    out = model(inputs)
    return out.numpy() if isinstance(out, tf.Tensor) else keras.ops.convert_to_numpy(out)


def same_weights(layer, other):
    """Whether two layers (of either Keras) hold the same arrays."""
    mine, theirs = layer.get_weights(), other.get_weights()
    return len(mine) == len(theirs) and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(mine, theirs, strict=True)
    )


print([layer.name for layer in two_branch(keras).layers])

# %% [markdown]
# ## 1. A Keras 2 `.h5` model in Keras 3's `load_model`
#
# ### On Keras 2
#
# A compiled two-branch model, saved to `.h5` and loaded back. Keras 2 already warns that `.h5` is
# a legacy format:

# %%
keras2_h5 = folder / "two_branch.h5"
keras2 = two_branch(tf_keras)
keras2.compile(optimizer="adam", loss="mse")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras2.save(keras2_h5)
for warning in caught:
    print(f"[Keras 2] {warning.category.__name__}: {warning.message}")
keras2_out = values_of(keras2)
reloaded = tf_keras.models.load_model(keras2_h5)
print("layers:", [layer.name for layer in reloaded.layers])
print("same outputs after reloading:", np.allclose(values_of(reloaded), keras2_out))

# %% [markdown]
# ### On Keras 3
#
# Keras 3 still reads `.h5` files, but this one fails:

# %%
try:
    keras.models.load_model(keras2_h5)
except (ValueError, TypeError) as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.2 to 3.10.0 printed it as ([keras/src/saving/serialization_lib.py](https://github.com/keras-team/keras/blob/v3.10.0/keras/src/saving/serialization_lib.py)):
#
# ```text
# TypeError: Could not locate function 'mse'. Make sure custom classes are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': 'keras.metrics', 'class_name': 'function', 'config': 'mse', 'registered_name': 'mse'}
# ```
#
# Keras 3.0.0 and 3.0.1 loaded this file.

# %% [markdown]
# The layers are not the problem: the file also holds how the model was compiled, and Keras 3
# cannot rebuild the loss from the string `"mse"` that Keras 2 stored. The other short aliases
# fail the same way, and so does a loss object; `"logcosh"`, a Keras 2 name that Keras 3 no longer
# has, fails with an odder message. Names that Keras 3 still has load. The fix below,
# `compile=False`, loads every one of these files:

# %%
without_compile = []
aliases = ("mae", "mape", "msle", "logcosh", "mean_squared_error", "binary_crossentropy", "huber")
for loss in (*aliases, tf_keras.losses.MeanSquaredError()):
    label = f'"{loss}"' if isinstance(loss, str) else "tf_keras.losses.MeanSquaredError()"
    compiled = two_branch(tf_keras)
    compiled.compile(optimizer="adam", loss=loss)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras 2's legacy-format warning, shown above
        compiled.save(folder / "loss.h5")
    try:
        keras.models.load_model(folder / "loss.h5")
        print(f"loss={label} loads: True")
    except (ValueError, TypeError) as err:
        print(f"loss={label} loads: False")
        print(f"{type(err).__name__}: {err}")
    loaded = keras.models.load_model(folder / "loss.h5", compile=False)
    without_compile.append(np.allclose(values_of(loaded), values_of(compiled), atol=1e-6))
print("with compile=False, every file loads, same outputs as Keras 2:", all(without_compile))

# %% [markdown]
# ### The Keras 3 way
#
# Leave the compile information out with `compile=False`, then compile in Keras 3:

# %%
restored = keras.models.load_model(keras2_h5, compile=False)
restored.compile(optimizer="adam", loss="mse")
print("layers:", [layer.name for layer in restored.layers])
print("same outputs as Keras 2:", np.allclose(values_of(restored), keras2_out, atol=1e-6))

# %% [markdown]
# ## 2. Keras 2's TensorFlow formats: a SavedModel folder and a checkpoint
#
# ### On Keras 2
#
# Without an extension, Keras 2's `model.save` wrote a SavedModel folder, and `save_weights` a
# TensorFlow checkpoint: an `.index` file and a `.data-…` file, and a `checkpoint` file that
# names the latest one:

# %%
plain = two_branch(tf_keras)
plain_out = values_of(plain)
plain.save(folder / "two_branch_savedmodel")
plain.save_weights(folder / "two_branch_ckpt")
print(sorted(p.name for p in (folder / "two_branch_savedmodel").iterdir()))
print(sorted(p.name for p in folder.iterdir() if p.name.startswith("two_branch_ckpt") or p.name == "checkpoint"))
print("Keras 2 reads the folder back:", np.allclose(values_of(tf_keras.models.load_model(folder / "two_branch_savedmodel")), plain_out))

# %% [markdown]
# ### On Keras 3
#
# `load_model` refuses the folder:

# %%
try:
    keras.models.load_model(folder / "two_branch_savedmodel")
except ValueError as err:
    print(f"{type(err).__name__}: {err}".replace(str(folder), "<folder>"))

# %% [markdown]
# Keras 3.0.0 to 3.13.2 printed it as ([keras/src/saving/saving_api.py](https://github.com/keras-team/keras/blob/v3.13.2/keras/src/saving/saving_api.py)):
#
# ```text
# ValueError: File format not supported: filepath=<folder>/two_branch_savedmodel. Keras 3 only supports V3 `.keras` files and legacy H5 format files (`.h5` extension). Note that the legacy SavedModel format is not supported by `load_model()` in Keras 3. In order to reload a TensorFlow SavedModel as an inference-only layer in Keras 3, use `keras.layers.TFSMLayer(<folder>/two_branch_savedmodel, call_endpoint='serving_default')` (note that your `call_endpoint` might have a different name).
# ```

# %% [markdown]
# `load_weights` refuses the checkpoint:

# %%
keras3 = two_branch(keras)
try:
    keras3.load_weights(folder / "two_branch_ckpt")
except ValueError as err:
    print(f"{type(err).__name__}: {err}".replace(str(folder), "<folder>"))

# %% [markdown]
# Keras 3.0.0 to 3.13.2 printed it as ([keras/src/saving/saving_api.py](https://github.com/keras-team/keras/blob/v3.13.2/keras/src/saving/saving_api.py)):
#
# ```text
# ValueError: File format not supported: filepath=<folder>/two_branch_ckpt. Keras 3 only supports V3 `.keras` and `.weights.h5` files, or legacy V1/V2 `.h5` files.
# ```

# %% [markdown]
# And Keras 3 no longer writes a SavedModel from `save`:

# %%
try:
    keras3.save(folder / "two_branch_keras3")
except ValueError as err:
    print(f"{type(err).__name__}: {err}".replace(str(folder), "<folder>"))

# %% [markdown]
# Keras 3.0.0 to 3.1.1 printed it as ([keras/saving/saving_api.py](https://github.com/keras-team/keras/blob/v3.1.1/keras/saving/saving_api.py)):
#
# ```text
# ValueError: Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras format (recommended) or a `.h5` extension. Use `tf.saved_model.save()` if you want to export a SavedModel for use with TFLite/TFServing/etc. Received: filepath=<folder>/two_branch_keras3.
# ```

# %% [markdown]
# ### The Keras 3 way
#
# The first message points to `keras.layers.TFSMLayer`, which wraps the SavedModel as an
# inference-only layer; for a model with two inputs, readers report that calling it fails
# ([keras-team/keras#20813](https://github.com/keras-team/keras/issues/20813)). For inference
# alone, TensorFlow itself still loads the folder: its `serving_default` signature takes the
# inputs by name and returns a dict keyed by the output layer's name:

# %%
serving = tf.saved_model.load(str(folder / "two_branch_savedmodel")).signatures["serving_default"]
served = serving(a_in=tf.constant(batch[0]), b_in=tf.constant(batch[1]))
print("outputs:", list(served), "| same as Keras 2:", np.allclose(served["head"].numpy(), plain_out, atol=1e-6))

# %% [markdown]
# To get a Keras model back, convert each file once, with Keras 2, into `.h5`, which Keras 3
# reads:

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Keras 2's legacy-format warning, shown in section 1
    tf_keras.models.load_model(folder / "two_branch_savedmodel").save(folder / "from_savedmodel.h5")
from_savedmodel = keras.models.load_model(folder / "from_savedmodel.h5")
print("SavedModel -> .h5, same outputs:", np.allclose(values_of(from_savedmodel), plain_out, atol=1e-6))

checkpoint_reader = two_branch(tf_keras)
checkpoint_reader.load_weights(folder / "two_branch_ckpt")
checkpoint_reader.save_weights(folder / "from_ckpt.h5")
keras3.load_weights(folder / "from_ckpt.h5")
print("checkpoint -> .h5, same outputs:", np.allclose(values_of(keras3), plain_out, atol=1e-6))

# %% [markdown]
# From then on, save with an extension: `.keras` for the model, `.weights.h5` for the weights.
# (For serving, the message names `model.export`.)

# %%
keras3.save(folder / "two_branch.keras")
print("Keras 3 reads its .keras file:", np.allclose(values_of(keras.models.load_model(folder / "two_branch.keras")), plain_out, atol=1e-6))

# %% [markdown]
# ## 3. The other way: a Keras 3 file in Keras 2
#
# ### Saved by Keras 3
#
# A two-branch model saved by Keras 3, as `.keras`, as `.h5` and as weights only:

# %%
newer = two_branch(keras)
newer_out = values_of(newer)
newer_keras, newer_h5 = folder / "newer.keras", folder / "newer.h5"
newer.save(newer_keras)
newer.save(newer_h5)
newer.save_weights(folder / "newer.weights.h5")

# %% [markdown]
# ### Loaded by Keras 2
#
# Keras 2 reads neither model file. The `.keras` message goes on with the whole model config
# ("Full object config: …"); the first part is printed:

# %%
try:
    tf_keras.models.load_model(newer_keras)
except TypeError as err:
    print(f"[Keras 2] {type(err).__name__}: {str(err).split(' Full object config')[0]}")
try:
    tf_keras.models.load_model(newer_h5)
except TypeError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# Keras 2's `InputLayer` does not know the `batch_shape` key that Keras 3 writes into the config.
#
# ### The way back: weights only
#
# Build the model with Keras 2 code and load the Keras 3 weights file into it:

# %%
older = two_branch(tf_keras)
older.load_weights(folder / "newer.weights.h5")
print("Keras 2 model, Keras 3 weights, same outputs:", np.allclose(values_of(older), newer_out, atol=1e-6))

# %% [markdown]
# ## 4. `load_weights(..., by_name=True)` into a model with a branch added
#
# In Keras 2, `by_name=True` moved weights into a model of another structure: here the source has
# two branches; the target adds `branch_c`, so its `head` reads 6 features instead of 4.
#
# ### On Keras 2

# %%
keras2_weights = folder / "two_branch_weights.h5"
source = two_branch(tf_keras)
source.get_layer("head").bias.assign([0.5])  # a value that a fresh `head` does not hold
source.save_weights(keras2_weights)
target = two_branch(tf_keras, with_c=True)
try:
    target.load_weights(keras2_weights, by_name=True)
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# `head` has a kernel of another shape. `skip_mismatch=True` skips that one weight, says so in
# TensorFlow's log (caught and printed here), and loads the rest by name, `head`'s bias included:

# %%
target = two_branch(tf_keras, with_c=True)
with unittest.TestCase().assertLogs("tensorflow", level="WARNING") as logged:
    target.load_weights(keras2_weights, by_name=True, skip_mismatch=True)
for line in logged.output:
    print(f"[Keras 2] logged: {line}")
for name in ("branch_a", "branch_b", "head"):
    print(f"{name}: got the source's weights: {same_weights(target.get_layer(name), source.get_layer(name))}")
print("head's bias loaded:", np.array_equal(target.get_layer("head").bias.numpy(), source.get_layer("head").bias.numpy()))

# %% [markdown]
# ### On Keras 3
#
# The same `save_weights` line fails: Keras 3 wants a file name that ends in `.weights.h5`.

# %%
source3 = two_branch(keras)
try:
    source3.save_weights(folder / "two_branch_weights.h5")
except ValueError as err:
    print(f"{type(err).__name__}: {err}".replace(str(folder), "<folder>"))

# %% [markdown]
# And `by_name` is refused for that format:

# %%
source3.save_weights(folder / "two_branch.weights.h5")
target3 = two_branch(keras, with_c=True)
try:
    target3.load_weights(folder / "two_branch.weights.h5", by_name=True, skip_mismatch=True)
except ValueError as err:
    print(f"{type(err).__name__}: {err}".replace(str(folder), "<folder>"))

# %% [markdown]
# Keras 3.0.0 to 3.10.0 printed it as ([keras/src/saving/saving_api.py](https://github.com/keras-team/keras/blob/v3.10.0/keras/src/saving/saving_api.py)):
#
# ```text
# ValueError: Invalid keyword arguments: {'by_name': True}
# ```

# %% [markdown]
# ### The Keras 3 way
#
# For the `.h5` files Keras 2 wrote, `by_name` still works in Keras 3, with the same rules. Without
# `skip_mismatch` it stops at `head`:

# %%
target3 = two_branch(keras, with_c=True)
try:
    target3.load_weights(keras2_weights, by_name=True)
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.3.0 to 3.5.0 printed it as ([keras/src/legacy/saving/legacy_h5_format.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/legacy/saving/legacy_h5_format.py)):
#
# ```text
# ValueError: Shape mismatch in layer #5 (named head) for weight head/kernel. Weight expects shape (6, 1). Received saved weight with shape (4, 1)
# ```
#
# Keras 3.0.0 to 3.2.1 printed it as ([keras/legacy/saving/legacy_h5_format.py](https://github.com/keras-team/keras/blob/v3.2.1/keras/legacy/saving/legacy_h5_format.py)):
#
# ```text
# ValueError: Shape mismatch in layer #5 (named head) for weight kernel. Weight expects shape (6, 1). Received saved weight with shape (4, 1)
# ```

# %% [markdown]
# With `skip_mismatch=True` Keras 3 warns once per skipped weight, where Keras 2 logged, and
# loads the rest as Keras 2 did, `head`'s bias included:

# %%
target3 = two_branch(keras, with_c=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    target3.load_weights(keras2_weights, by_name=True, skip_mismatch=True)
for warning in caught:
    if warning.category is UserWarning:
        print(f"{warning.category.__name__}: {warning.message}")
for name in ("branch_a", "branch_b", "head"):
    print(f"{name}: got the source's weights: {same_weights(target3.get_layer(name), source.get_layer(name))}")
head_bias = keras.ops.convert_to_numpy(target3.get_layer("head").bias)
print("head's bias loaded:", np.array_equal(head_bias, source.get_layer("head").bias.numpy()))

# %% [markdown]
# Keras 3.3.0 to 3.5.0 printed it as ([keras/src/legacy/saving/legacy_h5_format.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/legacy/saving/legacy_h5_format.py)):
#
# ```text
# UserWarning: Skipping loading weights for layer #5 (named head) due to mismatch in shape for weight head/kernel. Weight expects shape (6, 1). Received saved weight with shape (4, 1)
# ```
#
# Keras 3.0.0 to 3.2.1 printed it as ([keras/legacy/saving/legacy_h5_format.py](https://github.com/keras-team/keras/blob/v3.2.1/keras/legacy/saving/legacy_h5_format.py)):
#
# ```text
# UserWarning: Skipping loading weights for layer #5 (named head) due to mismatch in shape for weight kernel. Weight expects shape (6, 1). Received saved weight with shape (4, 1)
# ```

# %% [markdown]
# Between Keras 3 models, copy the shared layers by name yourself. Here the layers are all at the
# top level, so one loop does it;
# [Moving weights between models](../weights/03_moving_between_models.md) does it for nested
# models too, checks shapes and reports what it left alone.

# %%
target3 = two_branch(keras, with_c=True)
for name in ("branch_a", "branch_b"):
    target3.get_layer(name).set_weights(source3.get_layer(name).get_weights())
for name in ("branch_a", "branch_b", "head"):
    print(f"{name}: got the source's weights: {same_weights(target3.get_layer(name), source3.get_layer(name))}")

# %% [markdown]
# ## 5. A subclassed two-branch model, loaded before its first call
#
# A subclassed model creates its layers' weights on its first call. Until then there is nothing
# to load the weights into.
#
# ### On Keras 2
#
# Keras 2 defers a checkpoint: `load_weights` on a model never called stores the values, and the
# first call restores them. From `.h5` it refuses, and asks for a call first; calling `build` with
# the two input shapes first also worked, since it created every weight:

# %%
class TwoBranch(tf_keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.branch_a = tf_keras.layers.Dense(2, name="branch_a")
        self.branch_b = tf_keras.layers.Dense(2, name="branch_b")
        self.merge = tf_keras.layers.Concatenate(name="merge")
        self.head = tf_keras.layers.Dense(1, name="head")

    def call(self, inputs):
        a, b = inputs
        return self.head(self.merge([self.branch_a(a), self.branch_b(b)]))


trained = TwoBranch(name="two_branch")
trained_out = values_of(trained)
trained.save_weights(folder / "subclassed_ckpt")
trained.save_weights(folder / "subclassed.h5")

fresh = TwoBranch(name="two_branch")
fresh.load_weights(folder / "subclassed_ckpt")
print("checkpoint, loaded before the first call, same outputs:", np.allclose(values_of(fresh), trained_out))
try:
    TwoBranch(name="two_branch").load_weights(folder / "subclassed.h5")
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")
built = TwoBranch(name="two_branch")
built.build([(None, 4), (None, 3)])
built.load_weights(folder / "subclassed.h5")
print("build(shapes), then .h5, same outputs:", np.allclose(values_of(built), trained_out))

# %% [markdown]
# ### On Keras 3
#
# The same class on `keras.Model`. Keras 3 defers nothing:

# %%
class TwoBranch(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.branch_a = layers.Dense(2, name="branch_a")
        self.branch_b = layers.Dense(2, name="branch_b")
        self.merge = layers.Concatenate(name="merge")
        self.head = layers.Dense(1, name="head")

    def call(self, inputs):
        a, b = inputs
        return self.head(self.merge([self.branch_a(a), self.branch_b(b)]))


trained3 = TwoBranch(name="two_branch")
trained3_out = values_of(trained3)
trained3.save_weights(folder / "subclassed.weights.h5")

# %% [markdown]
# Loading into a model never called fails, from either file:

# %%
try:
    TwoBranch(name="two_branch").load_weights(folder / "subclassed.weights.h5")
except ValueError as err:
    print(f"{type(err).__name__}: {err}")
try:
    TwoBranch(name="two_branch").load_weights(folder / "subclassed.h5")
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# From the Keras 2 `.h5` file, the model has no layer with weights yet ("expected 0 layers").
# From `.weights.h5`, older releases answered differently:
#
# Keras 3.0.0 to 3.0.1 printed it as ([keras/layers/layer.py](https://github.com/keras-team/keras/blob/v3.0.1/keras/layers/layer.py)):
#
# ```text
# ValueError: Layer 'branch_a' was never built and thus it doesn't have any variables. However the weights file lists 2 variables for this layer.
# ```
#
# That is the first line; two likely causes followed it. Keras 3.0.2 to 3.6.0 raised nothing and
# loaded nothing; the current check came in 3.7.0
# ([keras-team/keras#20530](https://github.com/keras-team/keras/pull/20530)).
#
# Calling `build` with the input shapes first, as in Keras 2, is worse: Keras 3 warns, marks the
# model built without creating the branches' weights, and `load_weights` then loads nothing,
# without an error:

# %%
built = TwoBranch(name="two_branch")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    built.build([(None, 4), (None, 3)])
    built.load_weights(folder / "subclassed.weights.h5")
for warning in caught:
    if warning.category is UserWarning:
        print(f"{warning.category.__name__}: {warning.message}")
print("branch_a built:", built.branch_a.built)
print("same outputs as the saved model:", np.allclose(values_of(built), trained3_out))

# %% [markdown]
# ### The Keras 3 way
#
# Call the model on a batch first: that creates the branches' weights. Then load, from Keras 3's
# `.weights.h5` or from the `.h5` that Keras 2 wrote for its own class:

# %%
subclassed = TwoBranch(name="two_branch")
subclassed(batch)
subclassed.load_weights(folder / "subclassed.weights.h5")
print("Keras 3 weights, same outputs:", np.allclose(values_of(subclassed), trained3_out))
subclassed.load_weights(folder / "subclassed.h5")
print("Keras 2 .h5 weights, same outputs as Keras 2:", np.allclose(values_of(subclassed), trained_out, atol=1e-6))

# %% [markdown]
# ## 6. A functional model holding a nested model
#
# ### On Keras 2
#
# Here `branch_a` is a nested `Sequential` model (`nested=True`). Keras 2 saves the whole model to
# `.h5` and reads it back:

# %%
nested2 = two_branch(tf_keras, nested=True)
nested2_out = values_of(nested2)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Keras 2's legacy-format warning, shown in section 1
    nested2.save(folder / "nested.h5")
reloaded = tf_keras.models.load_model(folder / "nested.h5")
print("layers:", [type(layer).__name__ for layer in reloaded.layers])
print("same outputs after reloading:", np.allclose(values_of(reloaded), nested2_out))

# %% [markdown]
# ### On Keras 3

# %%
try:
    keras.models.load_model(folder / "nested.h5")
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# `merge` waits for node 1 of `branch_a` (`['branch_a', 1, 0, {}]`), which Keras 3 fails to
# resolve. This message came with
# [keras-team/keras#22800](https://github.com/keras-team/keras/pull/22800), in Keras 3.15.0 (and
# in the patch releases 3.12.2 to 3.12.4 and 3.14.1). Before it, Keras 3 kept retrying: on every
# release tried from 3.0.0 to 3.14.0 (3.0.0, 3.3.3, 3.6.0, 3.10.0, 3.12.1, 3.13.0 and 3.14.0), the
# same `load_model` call had not returned after 60 seconds, when it was stopped. A
# comment on [keras-team/keras#19669](https://github.com/keras-team/keras/pull/19669) describes
# that lock-up for Keras 2 files with nested functional models.
#
# ### The Keras 3 way
#
# The weights in the file are fine. Build the same model with Keras 3 code, then load the weights
# from the Keras 2 `.h5` file; save it as `.keras` from then on:

# %%
nested3 = two_branch(keras, nested=True)
nested3.load_weights(folder / "nested.h5")
print("same outputs as Keras 2:", np.allclose(values_of(nested3), nested2_out, atol=1e-6))
nested3.save(folder / "nested.keras")
print("layers:", [type(layer).__name__ for layer in keras.models.load_model(folder / "nested.keras").layers])

# %% [markdown]
# ## In short
#
# - A Keras 2 `.h5` model loads in Keras 3 with `compile=False`, then `compile` again; SavedModel
#   folders and TensorFlow checkpoints do not load in Keras 3: convert them once with `tf_keras`.
# - Keras 2 reads neither `.keras` nor `.h5` model files from Keras 3; it does read Keras 3's
#   `.weights.h5` into the same model built with Keras 2 code.
# - In Keras 3, `by_name=True` works only on legacy `.h5` files, such as those Keras 2 wrote;
#   between Keras 3 models, copy weights layer by layer by name.
# - Call a subclassed model on a batch before `load_weights`; `build(shapes)` alone can leave its
#   branches empty while `load_weights` raises nothing.
# - A Keras 2 `.h5` of a functional model that calls a nested model does not load in Keras 3:
#   build the model in code and `load_weights` from the same file.
