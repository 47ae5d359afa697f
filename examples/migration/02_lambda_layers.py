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
# # `Lambda` layers in multi-branch models: from Keras 2 to Keras 3
#
# After this page you can move a Keras 2 `Lambda` that merges two branches to Keras 3: replace its
# `keras.backend` calls with `keras.ops`, read the "could not automatically infer the shape"
# error for what it hides, use `output_shape=` only where it helps, and replace the `Lambda` with
# a registered layer that saves and loads, even from a Keras 2 `.h5` file.

# %% [markdown]
# ## Short answer
#
# | Keras 2 | Keras 3 |
# |---|---|
# | `K.concatenate`, `K.expand_dims`, `K.sum`, `K.l2_normalize`, `K.shape` (`from keras import backend as K`) | `keras.ops.concatenate`, `expand_dims`, `sum`, `normalize`, `shape` (a tuple, where `K.shape` gave a tensor) |
# | `K.int_shape(x)` | `x.shape` (inside a `Lambda` on TensorFlow, a `TensorShape`) |
# | an error inside the `Lambda`'s function is printed as itself | it is printed as `NotImplementedError: We could not automatically infer the shape of the Lambda's output`: call the function on its own to see the real error |
# | `output_shape=` is ignored while building | `output_shape=` is used as given, unchecked |
# | a `.h5` file with a `Lambda` loads, if `K` is defined in the loading script or passed in `custom_objects` | refused unless `safe_mode=False` (3.11.3 and later), and even then a function that names `K`, `tf` or `keras` fails |
#
# Write the merge with `keras.ops`, in a registered layer:
#
# ```python
# @keras.saving.register_keras_serializable(package="migration")
# class NormalizeAndCosine(layers.Layer):
#     def call(self, inputs):
#         a, b = inputs
#         a, b = keras.ops.normalize(a, axis=-1), keras.ops.normalize(b, axis=-1)
#         cosine = keras.ops.sum(a * b, axis=-1, keepdims=True)
#         return keras.ops.concatenate([a, b, cosine], axis=-1)
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2: what `tf.keras` was up to TensorFlow 2.15, and what
# `TF_USE_LEGACY_KERAS=1` brings back. Where the Keras 2 cells below write `tf_keras.`, your old
# code wrote `keras.` or `tf.keras.`; both Kerases run in this one process. The Keras 2 half always
# runs on TensorFlow, even when Keras 3's backend is JAX or PyTorch.
#
# `two_branches` builds the same model with either Keras: one input, two `Dense` branches, the
# merge you pass it, and a `Dense` head. `reason` picks the line of a Keras error that says what
# went wrong (Keras frames it with "Exception encountered when calling ..." and argument lists).

# %%
import inspect
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras 3: keras {keras.__version__}, backend {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}, on TensorFlow {tf.__version__}")
features_batch = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
folder = Path(tempfile.mkdtemp())  # model files go here, never over a file of yours


def two_branches(lib, merge):
    """features -> branch_a, branch_b -> merge -> head, built with lib: tf_keras (Keras 2) or keras."""
    features = lib.Input(shape=(4,), name="features")
    branch_a = lib.layers.Dense(3, name="branch_a")(features)
    branch_b = lib.layers.Dense(3, name="branch_b")(features)
    merged = merge([branch_a, branch_b])
    return lib.Model(features, lib.layers.Dense(1, name="head")(merged), name="two_branches")


def copy_weights(source, target):
    """Gives target's branch_a, branch_b and head the weights of source's layers of those names."""
    for name in ("branch_a", "branch_b", "head"):
        target.get_layer(name).set_weights(source.get_layer(name).get_weights())


def values_of(model, batch):
    """A Keras 2 or Keras 3 model's output on a batch, as NumPy. The page calls its many small
    models directly: `predict` would compile a TensorFlow function for each."""
    out = model(batch)
    return np.asarray(out) if isinstance(out, tf.Tensor) else keras.ops.convert_to_numpy(out)


def reason(err: Exception) -> str:
    """The line of a Keras error that says what went wrong, without bold-text codes."""
    frame = ("Exception encountered", "Arguments received", "Call arguments", "•")
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(err).splitlines()]
    return next((line for line in lines if line and not line.startswith(frame)), str(err))


# %% [markdown]
# ## 1. `keras.backend` functions inside a `Lambda`
#
# The merge normalises both branches, adds their cosine similarity as one more column, and
# concatenates: `(None, 3)` and `(None, 3)` become `(None, 7)`. In your Keras 2 code it was a
# function at module level using `K` from `from keras import backend as K`; here `make_merge(K)`
# writes that function once, for the `K` you give it.
#
# ### On Keras 2

# %%
def make_merge(K):
    """The Keras 2 merge, for K the module your code imported with `from keras import backend as K`."""

    def merge(tensors):
        a, b = tensors
        a, b = K.l2_normalize(a, axis=-1), K.l2_normalize(b, axis=-1)
        cosine = K.sum(a * b, axis=-1, keepdims=True)
        return K.concatenate([a, b, cosine], axis=-1)

    return merge


keras2 = two_branches(tf_keras, tf_keras.layers.Lambda(make_merge(tf_keras.backend), name="merge"))
print("merge:", keras2.get_layer("merge").output_shape)
keras2_out = values_of(keras2, features_batch)
print("predictions:", np.round(keras2_out.ravel(), 4))

# %% [markdown]
# ### On Keras 3
#
# The same function with Keras 3's `keras.backend`:

# %%
try:
    two_branches(keras, layers.Lambda(make_merge(keras.backend), name="merge"))
except NotImplementedError as err:
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# The full message starts with "Exception encountered when calling Lambda.call()." It asks for
# `output_shape`, but the shape is not what went wrong. Keras 3 works out a `Lambda`'s output
# shape by running its function on stand-in tensors, and whatever error the function raises, it
# reports as this one. Call the function yourself, on a batch, to see the real error:

# %%
try:
    make_merge(keras.backend)([features_batch[:, :3], features_batch[:, 1:]])
except AttributeError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3's `keras.backend` keeps settings and a few dtype helpers, and no tensor math. Of these
# eight names from Keras 2 code, only the two settings are left:

# %%
for name in ("concatenate", "expand_dims", "sum", "l2_normalize", "int_shape", "shape", "epsilon", "floatx"):
    print(f"keras.backend.{name} exists:", hasattr(keras.backend, name))

# %% [markdown]
# Readers meet the `NotImplementedError` with `K.expand_dims` in a `Lambda`
# ([keras-team/keras#21089](https://github.com/keras-team/keras/issues/21089), fixed there by
# `from keras import ops as K`) and with `K.l2_normalize`
# ([keras-team/keras#21660](https://github.com/keras-team/keras/issues/21660)), and the
# `AttributeError` where `K` is called outside a `Lambda`, as `K.int_shape` in
# [Francesco601/machine-learning-stuff#2](https://github.com/Francesco601/machine-learning-stuff/issues/2);
# there the module is named `keras.api.backend`, as some Keras 3 releases name it.
#
# `tf.keras.backend` is another module. On TensorFlow 2.16 and later, `tf.keras` is Keras 3's
# compatibility namespace, and its `backend` kept the Keras 2 functions, written in TensorFlow:

# %%
print("tf.keras.backend.l2_normalize exists:", hasattr(tf.keras.backend, "l2_normalize"))
try:
    via_tf_keras = two_branches(keras, layers.Lambda(make_merge(tf.keras.backend), name="merge"))
    print("merge:", via_tf_keras.get_layer("merge").output.shape)
    built = True
except NotImplementedError as err:
    print(f"{type(err).__name__}: {reason(err)}")
    built = False
print("builds with tf.keras.backend:", built)

# %% [markdown]
# On the TensorFlow backend that builds, as above. On JAX the same cell prints the
# `NotImplementedError` and `False`: the functions run TensorFlow code, and JAX cannot trace it
# (the [backend matrix](../../backends.md) records the difference). It keeps old code running on
# TensorFlow; it is not a port.
#
# ### The Keras 3 way
#
# Each function has a `keras.ops` twin, except `int_shape`: a Keras 3 tensor's `.shape` is
# already a tuple of ints and `None`s. Two differ in type: `K.shape` gave a tensor,
# `keras.ops.shape` gives a tuple; and inside a `Lambda` on TensorFlow, the function gets
# TensorFlow tensors, whose `.shape` is a `TensorShape`, not a tuple.

# %%
K = tf_keras.backend  # Keras 2's backend, as your code imported it
x2, x = K.constant(features_batch), features_batch  # a Keras 2 tensor, and a batch for Keras 3
replacements = {
    "K.concatenate -> keras.ops.concatenate": (K.concatenate([x2, x2], axis=-1), keras.ops.concatenate([x, x], axis=-1)),
    "K.expand_dims -> keras.ops.expand_dims": (K.expand_dims(x2, 1), keras.ops.expand_dims(x, 1)),
    "K.sum -> keras.ops.sum": (K.sum(x2, axis=-1, keepdims=True), keras.ops.sum(x, axis=-1, keepdims=True)),
    "K.l2_normalize -> keras.ops.normalize": (K.l2_normalize(x2, axis=-1), keras.ops.normalize(x, axis=-1)),
    "K.shape -> keras.ops.shape": (K.shape(x2), keras.ops.shape(x)),
}
for name, (old, new) in replacements.items():
    old, new = np.asarray(old), keras.ops.convert_to_numpy(new)
    print(f"{name}, same values: {old.shape == new.shape and np.allclose(old, new, atol=1e-6)}")
print("K.int_shape -> .shape, same:", K.int_shape(tf_keras.Input((3,))) == keras.Input((3,)).shape)
print("K.shape gives a", type(K.shape(x2)).__name__, "| keras.ops.shape gives a", type(keras.ops.shape(x)).__name__)


def show_types(tensor):
    print("inside a Lambda:", type(tensor).__name__, "| its .shape:", type(tensor.shape).__name__)
    return tensor


show_lambda = layers.Lambda(show_types, name="show_types")(keras.Input((3,)))

# %% [markdown]
# The merge, written with `keras.ops`, in a `Lambda`, gives Keras 2's numbers once the weights
# are copied:

# %%
def merge_with_ops(tensors):
    a, b = tensors
    a, b = keras.ops.normalize(a, axis=-1), keras.ops.normalize(b, axis=-1)
    cosine = keras.ops.sum(a * b, axis=-1, keepdims=True)
    return keras.ops.concatenate([a, b, cosine], axis=-1)


keras3 = two_branches(keras, layers.Lambda(merge_with_ops, name="merge"))
copy_weights(keras2, keras3)
print("merge:", keras3.get_layer("merge").output.shape)
print("same values as Keras 2:", np.allclose(values_of(keras3, features_batch), keras2_out, atol=1e-6))

# %% [markdown]
# ## 2. `output_shape=`: ignored by Keras 2, trusted by Keras 3
#
# Both Kerases run a `Lambda`'s function to find its output shape. Keras 2 did it even when you
# passed `output_shape=`, and used what the function gave
# ([tensorflow/tensorflow#45179](https://github.com/tensorflow/tensorflow/issues/45179): "Lamda
# Layer seems to ignore output_shape parameter"). Keras 3 takes `output_shape=` as given, without
# running the function ([keras-team/keras#19324](https://github.com/keras-team/keras/issues/19324)).
#
# Here the merge used to concatenate the branches, `(None, 6)`; it became their product,
# `(None, 3)`, and `output_shape=(6,)` stayed.
#
# ### On Keras 2

# %%
stale2 = two_branches(tf_keras, tf_keras.layers.Lambda(lambda t: t[0] * t[1], output_shape=(6,), name="merge"))
print("merge:", stale2.get_layer("merge").output_shape, "| head kernel:", stale2.get_layer("head").kernel.shape)
stale2_out = values_of(stale2, features_batch)
print("output:", stale2_out.shape)

# %% [markdown]
# Keras 2 built the head for the 3 columns the function gives; `(6,)` went unused.
#
# ### On Keras 3

# %%
stale3 = two_branches(keras, layers.Lambda(lambda t: t[0] * t[1], output_shape=(6,), name="merge"))
print("merge:", stale3.get_layer("merge").output.shape, "| head kernel:", stale3.get_layer("head").kernel.shape)
try:
    stale3(features_batch)
except ValueError as err:
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# Keras 3.0.0 to 3.12.4 printed it as ([keras/src/layers/input_spec.py](https://github.com/keras-team/keras/blob/v3.12.4/keras/src/layers/input_spec.py)):
#
# ```text
# ValueError: Input 0 of layer "head" is incompatible with the layer: expected axis -1 of input shape to have value 6, but received input with shape (2, 3)
# ```
#
# The model builds on the shape you wrote, and the head's kernel with it; the data disagree only
# when the model runs. If no layer follows, nothing checks it: the model's declared output shape
# stays `(None, 6)` while it returns 3 columns.

# %%
merge_only = keras.Model(stale3.input, stale3.get_layer("merge").output, name="merge_only")
print("declared:", merge_only.output.shape, "| returned:", tuple(merge_only(features_batch).shape))

# %% [markdown]
# For the same reason `output_shape=` silences section 1's error without fixing anything: Keras 3
# no longer runs the function while building, and the `AttributeError` waits for the first batch.
# [Francesco601/machine-learning-stuff#2](https://github.com/Francesco601/machine-learning-stuff/issues/2)
# (section 1), whose `Lambda` has `output_shape=(latent_dim,)`, shows it raised from `fit`
# ("module 'keras.api.backend' has no attribute 'shape'", inside `Lambda.call()`):

# %%
deferred = two_branches(keras, layers.Lambda(make_merge(keras.backend), output_shape=(7,), name="merge"))
print("built, merge:", deferred.get_layer("merge").output.shape)
try:
    deferred(features_batch)
except AttributeError as err:
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# ### The Keras 3 way
#
# Leave `output_shape=` out where Keras 3 can run the function, and let it find the shape:

# %%
inferred = two_branches(keras, layers.Lambda(lambda t: t[0] * t[1], name="merge"))
copy_weights(stale2, inferred)
print("merge:", inferred.get_layer("merge").output.shape, "| head kernel:", inferred.get_layer("head").kernel.shape)
print("same values as Keras 2:", np.allclose(values_of(inferred, features_batch), stale2_out, atol=1e-6))

# %% [markdown]
# For this merge you need no `Lambda` at all: `layers.Multiply(name="merge")` does it, and saves
# without the trouble of section 4.

# %% [markdown]
# ## 3. Which Keras 2 lambdas Keras 3 can still run
#
# Keras 2 code puts TensorFlow functions in its lambdas, returns several tensors from one, and
# splits a tensor into branches. Five such lambdas, each called on two branches of 3 columns:

# %%
keras2_lambdas = {
    "tf.concat": lambda t: tf.concat(t, axis=-1),
    "a tuple of two tensors": lambda t: (t[0] + t[1], t[0] - t[1]),
    "tf.split into 2 and 4 columns": lambda t: tf.split(tf.concat(t, axis=-1), [2, 4], axis=-1),
    "tf.shape for the batch size": lambda t: tf.reshape(t[0] * t[1], (tf.shape(t[0])[0], 3, 1)),
    "tf.py_function": lambda t: tf.py_function(lambda a, b: a * b, t, tf.float32),
}
branch_pair = [features_batch[:, :3], features_batch[:, 1:]]


def as_list(out):
    """One tensor, or a list or tuple of them, as a list."""
    return list(out) if isinstance(out, (list, tuple)) else [out]


def shapes(out):
    return ", ".join(str(t.shape) for t in as_list(out))


# %% [markdown]
# ### On Keras 2

# %%
keras2_results = {}
a2, b2 = tf_keras.Input(shape=(3,), name="branch_a"), tf_keras.Input(shape=(3,), name="branch_b")
for name, function in keras2_lambdas.items():
    out = tf_keras.layers.Lambda(function, name="merge")([a2, b2])
    keras2_results[name] = [np.asarray(v) for v in as_list(tf_keras.Model([a2, b2], out)(branch_pair))]
    print(f"{name}: {shapes(out)}")

# %% [markdown]
# All five build. `tf.py_function` runs any Python, so TensorFlow cannot know its output's shape:
# Keras 2 built it with an unknown one.
#
# ### On Keras 3

# %%
a, b = keras.Input(shape=(3,), name="branch_a"), keras.Input(shape=(3,), name="branch_b")
for name, function in keras2_lambdas.items():
    try:
        print(f"{name}: {shapes(layers.Lambda(function, name='merge')([a, b]))}, builds: True")
    except NotImplementedError as err:
        print(f"{name}, builds: False")
        print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# On the TensorFlow backend, Keras 3 runs the function on TensorFlow's symbolic tensors, so
# TensorFlow functions work in it, and so do tuples, lists and splits: the shapes are the
# same as Keras 2's. Only `tf.py_function` fails: Keras 2 built it with an unknown shape, Keras 3
# asks for `output_shape`. Readers meet the same message with other functions whose output Keras 3
# cannot infer ([keras-team/keras#18797](https://github.com/keras-team/keras/issues/18797),
# "Keras 3's lambda layer cannot accept dynamic output while tf.keras can").
#
# The backend changes this: on JAX every lambda with a `tf.` function fails and only the tuple
# builds; on PyTorch, which falls back to running the function on real tensors, all five build
# (the [backend matrix](../../backends.md) records the lines that differ).
# Outside a `Lambda`, called on a layer's output, the same TensorFlow functions fail on Keras 3:
# [TensorFlow functions in a functional model](01_tf_functions.md).
#
# ### The Keras 3 way
#
# Write the lambdas with `keras.ops`, and they build on every backend and give Keras 2's values.
# Watch `split`: `tf.split` takes the sizes of the parts (`[2, 4]`), `keras.ops.split` the
# positions where it cuts (`[2]`), as NumPy does.

# %%
keras3_lambdas = {
    "tf.concat": lambda t: keras.ops.concatenate(t, axis=-1),
    "a tuple of two tensors": lambda t: (t[0] + t[1], t[0] - t[1]),
    "tf.split into 2 and 4 columns": lambda t: keras.ops.split(keras.ops.concatenate(t, axis=-1), [2], axis=-1),
    "tf.shape for the batch size": lambda t: keras.ops.reshape(t[0] * t[1], (keras.ops.shape(t[0])[0], 3, 1)),
}
for name, function in keras3_lambdas.items():
    out = layers.Lambda(function, name="merge")([a, b])
    values = [keras.ops.convert_to_numpy(v) for v in as_list(keras.Model([a, b], out)(branch_pair))]
    same = all(np.allclose(new, old, atol=1e-6) for new, old in zip(values, keras2_results[name], strict=True))
    print(f"{name}: {shapes(out)}, same values as Keras 2: {same}")

# %% [markdown]
# `tf.py_function` has no `keras.ops` twin. Give its shape with `output_shape=`, leaving out the
# batch axis: Keras 3 builds without running it, and the model runs when you call it. But
# `predict` and `fit` run the model in a `tf.function`, where the tensor `tf.py_function` returns
# has no shape, and the `Dense` head after it needs one:

# %%
py_merge = layers.Lambda(keras2_lambdas["tf.py_function"], output_shape=(3,), name="merge")
py_out = py_merge([a, b])
py_model = keras.Model([a, b], layers.Dense(1, name="head")(py_out), name="py_merge")
print("merge:", py_out.shape, "| called directly:", tuple(py_model(branch_pair).shape))
try:
    py_model.predict(branch_pair, verbose=0)
except (ValueError, AttributeError) as err:  # AttributeError: on JAX, which cannot trace TensorFlow
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# `output_shape=` tells Keras the shape; `tf.ensure_shape` gives it to the TensorFlow tensor,
# which `predict` and `fit` need. With both, they run, and the merge gives Keras 2's values. It
# stays TensorFlow code: on JAX, `predict` and `fit` still fail on it.

# %%
py_merge = layers.Lambda(
    lambda t: tf.ensure_shape(tf.py_function(lambda a, b: a * b, t, tf.float32), (None, 3)),
    output_shape=(3,),
    name="merge",
)
py_out = py_merge([a, b])
py_model = keras.Model([a, b], [py_out, layers.Dense(1, name="head")(py_out)], name="py_merge")
py_model.compile(optimizer="sgd", loss="mse")
try:
    merged_values, _ = py_model.predict(branch_pair, verbose=0)
    print("same values as Keras 2:", np.allclose(merged_values, keras2_results["tf.py_function"][0], atol=1e-6))
    history = py_model.fit(branch_pair, [merged_values, np.zeros((2, 1))], epochs=1, verbose=0)
    print("fit runs, finite loss:", bool(np.isfinite(history.history["loss"][0])))
except (AttributeError, RuntimeError) as err:  # on JAX
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# ## 4. A `Lambda` in a saved file
#
# Keras 2 saved any Python function in a `Lambda` as bytecode. Keras 3 does so for a `lambda`
# expression, and saves a named function by name (see
# [Layers after saving and loading](../layer_access/05_save_and_load.md)). This section starts
# where that page stops: a file saved by Keras 2, what Keras 3 makes of it, and why
# `safe_mode=False` is often not enough.
#
# The merge here multiplies the branches and takes their absolute difference, a common head for
# a pair of inputs, written as Keras 2 code writes it, with `K`:
#
# ### On Keras 2

# %%
K = tf_keras.backend  # your Keras 2 code: from keras import backend as K (as in section 1)
product2 = two_branches(
    tf_keras,
    tf_keras.layers.Lambda(lambda t: K.concatenate([t[0] * t[1], K.abs(t[0] - t[1])], axis=-1), name="merge"),
)
product2_out = values_of(product2, features_batch)
product2.compile(optimizer="adam", loss="mse")  # as a trained model is; tf_keras logs a note otherwise
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # tf_keras calls .h5 a legacy format
    product2.save(folder / "product_keras2.h5")
reloaded2 = tf_keras.models.load_model(folder / "product_keras2.h5", compile=False)
print("Keras 2 loads its .h5 back, same values:", np.allclose(values_of(reloaded2, features_batch), product2_out))

# %% [markdown]
# That is the process that saved the file, where `K` is defined. Keras 2 ran the loaded bytecode
# with the names of the module that defined the function (here the script that saved it) and
# those in `custom_objects`. So in another script, the one that loads your model, `K` must be
# defined there or passed in `custom_objects`. Such a script, run in a fresh process:

# %%
np.save(folder / "features_batch.npy", features_batch)
np.save(folder / "product2_out.npy", product2_out)
loading_script = '''
import numpy as np
import tf_keras

try:
    tf_keras.models.load_model("product_keras2.h5", compile=False)
except NameError as err:
    print(f"[Keras 2] {type(err).__name__}: {reason(err)}")
model = tf_keras.models.load_model("product_keras2.h5", compile=False, custom_objects={"K": tf_keras.backend})
same = np.allclose(model(np.load("features_batch.npy")).numpy(), np.load("product2_out.npy"))
print("with custom_objects={'K': ...} it loads, same values:", same)
'''
(folder / "load_product.py").write_text("import re\n\n" + inspect.getsource(reason) + loading_script)
run = subprocess.run([sys.executable, "load_product.py"], cwd=folder, capture_output=True, text=True, check=True)
print(run.stdout.strip())

# %% [markdown]
# `tf_keras` 2.21 does not check `.h5` files for lambdas at all (a pull request to make it,
# [keras-team/tf-keras#917](https://github.com/keras-team/tf-keras/pull/917), is open). It does
# check its own `.keras` files, in its own words:

# %%
product2.save(folder / "product_keras2.keras")
try:
    tf_keras.models.load_model(folder / "product_keras2.keras", compile=False)
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# ### On Keras 3
#
# Keras 3 reads Keras 2's `.h5` files. This one it refuses:

# %%
try:
    keras.models.load_model(folder / "product_keras2.h5", compile=False)
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3 checks `.h5` files for lambdas since 3.11.3
# ([keras-team/keras#21602](https://github.com/keras-team/keras/pull/21602), after
# [CVE-2025-9905](https://github.com/io-no/CVE-Reports/issues/7): `safe_mode` was ignored for
# `.h5` files); earlier Keras 3 releases loaded the bytecode without asking and went straight to
# the next error. With
# `safe_mode=False`, Keras 3 loads the bytecode and fails while it rebuilds the model. Passing `K`
# in `custom_objects`, which made Keras 2 find such names
# ([keras-team/keras#9431](https://github.com/keras-team/keras/issues/9431)), does not help:

# %%
try:
    keras.models.load_model(folder / "product_keras2.h5", compile=False, safe_mode=False, custom_objects={"K": K})
except NotImplementedError as err:
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# Section 1's message again, and again it hides another error: Keras 3 runs the loaded bytecode
# with none of your script's names, so `K` is undefined inside it. Its `func_load` gets no
# `globs`, and takes the names of its own module,
# [keras/src/utils/python_utils.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/utils/python_utils.py);
# `custom_objects` does not reach it. Readers meet it loading Keras 2 `.h5` files on TensorFlow
# 2.16 and later
# ([sizhuoli/TreeCountSegHeight#6](https://github.com/sizhuoli/TreeCountSegHeight/issues/6)).
# A lambda that names nothing outside itself loads:

# %%
plain2 = two_branches(tf_keras, tf_keras.layers.Lambda(lambda t: t[0] * t[1], name="merge"))
plain2.compile(optimizer="adam", loss="mse")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    plain2.save(folder / "plain_keras2.h5")
plain3 = keras.models.load_model(folder / "plain_keras2.h5", compile=False, safe_mode=False)
same = np.allclose(plain3.predict(features_batch, verbose=0), values_of(plain2, features_batch), atol=1e-6)
print("a lambda with no outside names loads, same values as Keras 2:", same)

# %% [markdown]
# ### A Keras 3 `.keras` file with a lambda
#
# The same merge written for Keras 3, with `keras.ops`, saved as `.keras`, is refused the same
# way:

# %%
product3 = two_branches(
    keras,
    layers.Lambda(lambda t: keras.ops.concatenate([t[0] * t[1], keras.ops.abs(t[0] - t[1])], axis=-1), name="merge"),
)
product3.save(folder / "product_keras3.keras")
try:
    keras.models.load_model(folder / "product_keras3.keras")
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.0 to 3.9.2 printed it as ([keras/src/layers/core/lambda_layer.py](https://github.com/keras-team/keras/blob/v3.9.2/keras/src/layers/core/lambda_layer.py)):
#
# ```text
# ValueError: The `{arg_name}` of this `Lambda` layer is a Python lambda. Deserializing it is unsafe. If you trust the source of the config artifact, you can override this error by passing `safe_mode=False` to `from_config()`, or calling `keras.config.enable_unsafe_deserialization().
# ```
#
# Those releases printed `{arg_name}` as it stands: the string was not an f-string.
#
# Keras 3.10.0 to 3.11.2 printed it as ([keras/src/layers/core/lambda_layer.py](https://github.com/keras-team/keras/blob/v3.11.2/keras/src/layers/core/lambda_layer.py)):
#
# ```text
# ValueError: The `function` of this `Lambda` layer is a Python lambda. Deserializing it is unsafe. If you trust the source of the config artifact, you can override this error by passing `safe_mode=False` to `from_config()`, or calling `keras.config.enable_unsafe_deserialization().
# ```
#
# The file holds this `Lambda`'s function as bytecode. Section 1's `Lambda` on the named function
# `merge_with_ops` holds only the name; loading it then needs a function of that name
# ([Layers after saving and loading](../layer_access/05_save_and_load.md) shows how):

# %%
for model in (product3, keras3):
    stored = model.get_layer("merge").get_config()["function"]
    kept = stored["config"] if isinstance(stored["config"], str) else "bytecode: " + ", ".join(stored["config"])
    print(f"{model.get_layer('merge').function.__name__}: stored as {stored['class_name']!r}, {kept}")

# %% [markdown]
# With `safe_mode=False` a lambda like `lambda x: x * 2.0` loads
# ([Layers after saving and loading](../layer_access/05_save_and_load.md) shows it).
# This one names `keras`, and fails like the Keras 2 file:

# %%
try:
    keras.models.load_model(folder / "product_keras3.keras", safe_mode=False)
except NotImplementedError as err:
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# Rebuild the layer from its configuration, as loading does, and call it on data: the error under
# the `NotImplementedError` shows.

# %%
restored = layers.Lambda.from_config(product3.get_layer("merge").get_config(), safe_mode=False)
try:
    restored(branch_pair)
except NameError as err:
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# Bytecode has one more limit: Python versions change its format, so a file may not load under
# another Python than the one that wrote it
# ([keras-team/keras#9595](https://github.com/keras-team/keras/issues/9595): saved on 3.5, fails
# on 3.6). The error is then `ValueError: bad marshal data (unknown type code)`
# ([keras-team/keras#7440](https://github.com/keras-team/keras/issues/7440), Python 2.7 to 3.4;
# [keras-team/keras#14875](https://github.com/keras-team/keras/issues/14875), 3.8 to 3.7).
#
# ### The Keras 3 way
#
# Replace the `Lambda` with a small layer registered with
# `@keras.saving.register_keras_serializable`. The file then stores the layer's registered name,
# not code. It has no weights, so Keras 2's `.h5` file still fills the model's weights, layer by
# layer, with `load_weights`:

# %%
@keras.saving.register_keras_serializable(package="migration")
class ProductAndDifference(layers.Layer):
    """Merges two branches: their product, then their absolute difference."""

    def call(self, inputs):
        a, b = inputs
        return keras.ops.concatenate([a * b, keras.ops.abs(a - b)], axis=-1)


ported = two_branches(keras, ProductAndDifference(name="merge"))
ported.load_weights(folder / "product_keras2.h5")
print("merge:", ported.get_layer("merge").output.shape)
print("same values as Keras 2:", np.allclose(values_of(ported, features_batch), product2_out, atol=1e-6))

# %% [markdown]
# Saved as `.keras`, it loads in the default safe mode, in a process that has defined (imported)
# the class first:

# %%
ported.save(folder / "product_ported.keras")
loaded = keras.models.load_model(folder / "product_ported.keras")
print("merge:", type(loaded.get_layer("merge")).__name__)
print("same values as Keras 2:", np.allclose(values_of(loaded, features_batch), product2_out, atol=1e-6))

# %% [markdown]
# A merge with a setting (a scale, an axis) also needs `get_config`;
# [Layers after saving and loading](../layer_access/05_save_and_load.md) shows one.
# Section 1's merge goes in a layer the same way: its `call` holds `merge_with_ops`'s lines:

# %%
@keras.saving.register_keras_serializable(package="migration")
class NormalizeAndCosine(layers.Layer):
    """Merges two branches: both L2-normalised, then their cosine similarity as one more column."""

    def call(self, inputs):
        a, b = inputs
        a, b = keras.ops.normalize(a, axis=-1), keras.ops.normalize(b, axis=-1)
        cosine = keras.ops.sum(a * b, axis=-1, keepdims=True)
        return keras.ops.concatenate([a, b, cosine], axis=-1)


cosine_model = two_branches(keras, NormalizeAndCosine(name="merge"))
copy_weights(keras2, cosine_model)
cosine_model.save(folder / "cosine.keras")
cosine_loaded = keras.models.load_model(folder / "cosine.keras")
print("same values as Keras 2:", np.allclose(values_of(cosine_loaded, features_batch), keras2_out, atol=1e-6))

# %% [markdown]
# ## In short
#
# - `NotImplementedError: We could not automatically infer the shape of the Lambda's output` means
#   the function failed on symbolic tensors; call it on a batch to see why. Often it is a
#   `keras.backend` function Keras 3 dropped: use `keras.ops` (`K.l2_normalize` is
#   `keras.ops.normalize`, `K.int_shape(x)` is `x.shape`).
# - Keras 3 uses `output_shape=` as given, where Keras 2 ignored it: a stale one builds a wrong
#   model, and one added to silence the error only moves it to the first batch.
# - On the TensorFlow backend, `tf.` functions, tuples and splits inside a `Lambda` still build;
#   `tf.py_function` needs `output_shape=`, and `tf.ensure_shape` around it for `predict` and
#   `fit`. The `keras.ops` versions build on every backend (`keras.ops.split` takes cut positions,
#   not sizes).
# - Keras 2 saved a `Lambda`'s function as bytecode; Keras 3 does so for a `lambda` expression.
#   Keras 3 refuses that bytecode unless `safe_mode=False`, and even then one that names `K`, `tf`
#   or `keras` fails, whatever `custom_objects` holds. A registered layer loads safely, and takes
#   Keras 2's weights from the old `.h5` with `load_weights`.
