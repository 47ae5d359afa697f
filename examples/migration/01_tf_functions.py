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
# # TensorFlow functions in a functional model: `tf.concat`, `tf.split`, `tf.expand_dims` on Keras 3
#
# After this page you can move a multi-branch functional model that calls `tf.*` functions on
# layer outputs from Keras 2 to Keras 3: swap them for `keras.ops`, and give a TensorFlow-only
# function its own layer.

# %% [markdown]
# ## Short answer
#
# On Keras 3, `tf.concat`, `tf.split`, `tf.expand_dims` and the other `tf.*` functions of sections
# 1 and 2 raise `ValueError: A KerasTensor cannot be used as input to a TensorFlow function` when
# called on a layer's output, also in code written with `tf.keras`, which is Keras 3 on
# TensorFlow 2.16 and later. Keras 2 turned each such call into a hidden `TFOpLambda` layer;
# Keras 3 does not.
#
# Given two layer outputs `a` and `b`, use the `keras.ops` counterpart (some names differ, see the
# table), or a layer:
#
# ```python
# merged = keras.ops.concatenate([a, b], axis=-1)
# left, right = keras.ops.split(merged, 2, axis=-1)
# sequence = keras.ops.expand_dims(left, axis=1)
# ```
#
# | Keras 2, on a layer's output | Keras 3 |
# |---|---|
# | `tf.concat([a, b], axis=-1)` | `keras.ops.concatenate([a, b], axis=-1)`, or `layers.Concatenate(name=...)` |
# | `tf.split(x, 2, axis=-1)` | `keras.ops.split(x, 2, axis=-1)` |
# | `tf.expand_dims(x, axis=1)` | `keras.ops.expand_dims(x, axis=1)` |
# | `tf.reduce_mean(x, axis=-1, keepdims=True)` | `keras.ops.mean(x, axis=-1, keepdims=True)` |
# | `tf.math.l2_normalize(x, axis=-1)` | `keras.ops.normalize(x, axis=-1)` |
# | `x[:, :3]` | unchanged |
# | a TensorFlow function with no `keras.ops` twin | a layer whose `call` runs it, with `compute_output_shape` (TensorFlow backend only); for `tf.py_function`, also `tf.ensure_shape` |
# | a `@tf.function` helper, `tf.map_fn` (Keras 2 refused both) | no decorator, `keras.ops` inside; `keras.ops.map` |

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2: what `tf.keras` was up to TensorFlow 2.15, and what
# `TF_USE_LEGACY_KERAS=1` brings back. Where the Keras 2 cells below write `tf_keras.`, your old
# code wrote `keras.` or `tf.keras.`; both Kerases run in this one process. The Keras 2 half always
# runs on TensorFlow, even when Keras 3's backend is JAX or PyTorch. On TensorFlow 2.16 and later,
# `tf.keras` is Keras 3: old code that still writes `tf.keras.` gets the Keras 3 half.
#
# `reason` puts a Keras error on one line, without the frame Keras adds around it ("Exception
# encountered when calling ...", the argument list) and without bold-text codes.

# %%
import re
import tempfile

import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras 3: keras {keras.__version__}, backend {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}, on TensorFlow {tf.__version__}")
features_batch = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")


def reason(err: Exception) -> str:
    """A Keras error on one line: what went wrong, without the frame around it."""
    kept = []
    for line in str(err).splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", line).strip()
        if line.startswith(("Arguments received", "Call arguments")):
            break
        if line and not line.startswith("Exception encountered"):
            kept.append(line)
    return " ".join(kept)


# %% [markdown]
# ## 1. `tf.concat`, `tf.split`, `tf.expand_dims` between the branches
#
# Two `Dense` branches read the same features; `tf.concat` merges them, `tf.split` cuts the merged
# tensor in two, and each half feeds a head: one gets a time axis from `tf.expand_dims`, the other
# a mean and an L2 normalisation. A slice of the merged tensor is a fourth output.
#
# ### On Keras 2
#
# Keras 2 accepts every one of these calls on symbolic tensors: each becomes a layer of its own,
# a `TFOpLambda` (a `SlicingOpLambda` for the slice), named after the function.

# %%
features2 = tf_keras.Input(shape=(6,), name="features")
a2 = tf_keras.layers.Dense(4, name="branch_a")(features2)
b2 = tf_keras.layers.Dense(4, name="branch_b")(features2)
merged2 = tf.concat([a2, b2], axis=-1)
left2, right2 = tf.split(merged2, 2, axis=-1)
sequence2 = tf.expand_dims(left2, axis=1)
mean2 = tf.reduce_mean(right2, axis=-1, keepdims=True)
unit2 = tf.math.l2_normalize(right2, axis=-1)
first3_2 = merged2[:, :3]
model2 = tf_keras.Model(features2, [sequence2, mean2, unit2, first3_2], name="branches")
for layer in model2.layers:
    print(f"{layer.name:26} {type(layer).__name__:16} {layer.output_shape}")

# %% [markdown]
# ### On Keras 3
#
# The same code with `keras` in place of `tf_keras` stops at the first TensorFlow function:

# %%
features = keras.Input(shape=(6,), name="features")
a = layers.Dense(4, name="branch_a")(features)
b = layers.Dense(4, name="branch_b")(features)
try:
    merged = tf.concat([a, b], axis=-1)
except ValueError as err:
    message = str(err)
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.0 to 3.8.0 printed it as ([keras/src/backend/common/keras_tensor.py](https://github.com/keras-team/keras/blob/v3.8.0/keras/src/backend/common/keras_tensor.py)):
#
# ```text
# ValueError: A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a symbolic placeholder for a shape and dtype, used when constructing Keras Functional models or Keras Functions. You can only use it as input to a Keras layer or a Keras operation (from the namespaces `keras.layers` and `keras.operations`). You are likely doing something like:
# ```
#
# There is no `keras.operations`; [keras-team/keras#20810](https://github.com/keras-team/keras/pull/20810)
# corrected the name to `keras.ops` for Keras 3.9.0.
#
# `tf.split`, `tf.expand_dims`, `tf.reduce_mean` and `tf.math.l2_normalize` each raise the same
# message on a layer's output, and so does `tf.concat` on layers built with `tf.keras`:

# %%
tf_calls = {
    "tf.split": lambda: tf.split(a, 2, axis=-1),
    "tf.expand_dims": lambda: tf.expand_dims(a, axis=1),
    "tf.reduce_mean": lambda: tf.reduce_mean(a, axis=-1, keepdims=True),
    "tf.math.l2_normalize": lambda: tf.math.l2_normalize(a, axis=-1),
}
for name, tf_call in tf_calls.items():
    try:
        tf_call()
        print(f"{name} built")
    except ValueError as err:
        print(f"{name} raises the same ValueError:", str(err) == message)
tf_keras_features = tf.keras.Input(shape=(6,), name="features")
try:
    tf.concat([tf.keras.layers.Dense(4, name="branch_a")(tf_keras_features), tf_keras_features], axis=-1)
except ValueError as err:
    print("tf.keras raises the same ValueError:", str(err) == message)

# %% [markdown]
# Keras 3 has no `TFOpLambda` (the maintainers say so in
# [keras-team/keras#19525](https://github.com/keras-team/keras/issues/19525); the loss of this
# Keras 2 convenience is discussed in
# [keras-team/keras#19314](https://github.com/keras-team/keras/issues/19314)).
#
# ### The Keras 3 way
#
# Each of these functions has a `keras.ops` counterpart that accepts symbolic tensors and runs on
# every backend. The slice needs no change.

# %%
merged = keras.ops.concatenate([a, b], axis=-1)
left, right = keras.ops.split(merged, 2, axis=-1)
sequence = keras.ops.expand_dims(left, axis=1)
mean = keras.ops.mean(right, axis=-1, keepdims=True)
unit = keras.ops.normalize(right, axis=-1)
first3 = merged[:, :3]
model = keras.Model(features, [sequence, mean, unit, first3], name="branches")
print([tuple(t.shape) for t in model.outputs])
print([tuple(t.shape) for t in model2.outputs])

# %% [markdown]
# With Keras 2's weights copied into the two `Dense` layers, by name, the Keras 3 model gives Keras
# 2's numbers on every output:

# %%
for name in ("branch_a", "branch_b"):
    model.get_layer(name).set_weights(model2.get_layer(name).get_weights())
outputs3 = [keras.ops.convert_to_numpy(t) for t in model(features_batch)]
outputs2 = [t.numpy() for t in model2(features_batch)]
print(np.round(outputs3[2], 3))
print("same values as Keras 2:", all(np.allclose(p, q, atol=1e-6) for p, q in zip(outputs3, outputs2, strict=True)))

# %% [markdown]
# The `keras.ops` calls are not layers: `model.layers` lists only the input and the two branches.
# The summary still shows each call, under a name Keras picked (`concatenate`, `split`, ...), and
# a saved model keeps them. `get_layer("concatenate")` does not find the first one:

# %%
print([layer.name for layer in model.layers])
model.summary()
branches_path = f"{tempfile.mkdtemp()}/branches.keras"
model.save(branches_path)
reloaded_branches = keras.models.load_model(branches_path)
reloaded_outputs = [keras.ops.convert_to_numpy(t) for t in reloaded_branches(features_batch)]
print("same values after loading:", all(np.allclose(p, q) for p, q in zip(reloaded_outputs, outputs3, strict=True)))
try:
    model.get_layer("concatenate")
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# They are in `model.operations`, under the names Keras picks. An operation's `.output` is its
# tensor, and a sub-model can end there. But Keras numbers the names per process: the next
# `keras.ops.concatenate`, in this model or any other, is `concatenate_1`.

# %%
print([op.name for op in model.operations])
concatenate_op = {op.name: op for op in model.operations}["concatenate"]
print("a sub-model up to it:", keras.Model(features, concatenate_op.output).output.shape)
again = keras.Model(features, keras.ops.concatenate([a, b], axis=-1), name="again")
print("the next one:", again.operations[-1].name)

# %% [markdown]
# For a name you can rely on (to read a step's output, to build a sub-model from it), make the
# step a layer. `layers.Concatenate` is the layer form of `keras.ops.concatenate`:

# %%
joined = layers.Concatenate(axis=-1, name="merged")([a, b])
joined_model = keras.Model(features, joined, name="joined")
print([layer.name for layer in joined_model.layers])
print(joined_model.get_layer("merged").output.shape)

# %% [markdown]
# [Merge layers](../building/02_merge_layers.md) covers the other merge layers, and
# [Layer vs function](../concatenate/01_layer_vs_function.md) the choice between
# `layers.Concatenate` and `keras.ops.concatenate`.
#
# ## 2. A TensorFlow function with no `keras.ops` twin: give it a layer
#
# `tf.image.resize` has methods that `keras.ops.image.resize` lacks, such as `"mitchellcubic"`:

# %%
try:
    keras.ops.image.resize(np.zeros((1, 2, 2, 3), "float32"), (4, 4), interpolation="mitchellcubic")
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.0 to 3.5.0 printed it as ([keras/src/backend/tensorflow/image.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/backend/tensorflow/image.py)):
#
# ```text
# ValueError: Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', 'lanczos3', 'lanczos5', 'bicubic'). Received: interpolation=mitchellcubic
# ```
#
# ### On Keras 2
#
# An image goes through two upsampling branches: `tf.image.resize` with `"mitchellcubic"`, and an
# `UpSampling2D` layer. Keras 2 wraps the TensorFlow call in a `TFOpLambda` again:

# %%
image2 = tf_keras.Input(shape=(2, 2, 3), name="image")
smooth2 = tf.image.resize(image2, (4, 4), method="mitchellcubic")
blocky2 = tf_keras.layers.UpSampling2D(2, name="blocky")(image2)
upsample2 = tf_keras.Model(image2, [smooth2, blocky2], name="upsample")
for layer in upsample2.layers:
    print(f"{layer.name:16} {type(layer).__name__:14} {layer.output_shape}")
doubled2 = tf.py_function(lambda x: x * 2.0, [image2], tf.float32)
doubler2 = tf_keras.Model(image2, doubled2, name="doubler")
print([type(layer).__name__ for layer in doubler2.layers], doubler2.output_shape)

# %% [markdown]
# `tf.py_function`, which runs any Python code, was accepted the same way, as a `TFOpLambda` with
# an output shape Keras 2 could not know (`None`).
#
# ### On Keras 3
#
# Both raise the message of section 1 (its first line is printed here):

# %%
image = keras.Input(shape=(2, 2, 3), name="image")
try:
    smooth = tf.image.resize(image, (4, 4), method="mitchellcubic")
except ValueError as err:
    print(f"{type(err).__name__}: {str(err).splitlines()[0]}")
    print("the same ValueError as section 1:", str(err) == message)
try:
    tf.py_function(lambda x: x * 2.0, [image], tf.float32)
except ValueError as err:
    print("tf.py_function raises it too:", str(err) == message)

# %% [markdown]
# ### The Keras 3 way
#
# Do what the message suggests: call the function inside a layer's `call`, where it receives the
# backend's tensors, not `KerasTensor`s. `compute_output_shape` gives Keras the output shape
# without running TensorFlow; `get_config` and the registration let the model be saved and loaded.

# %%
@keras.saving.register_keras_serializable(package="migration")
class TFResize(layers.Layer):
    """Runs tf.image.resize: a TensorFlow-only layer."""

    def __init__(self, size, method, **kwargs):
        super().__init__(**kwargs)
        self.size = tuple(size)
        self.method = method

    def call(self, images):
        return tf.image.resize(images, self.size, method=self.method)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.size, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "size": self.size, "method": self.method}


smooth = TFResize((4, 4), "mitchellcubic", name="smooth")(image)
blocky = layers.UpSampling2D(2, name="blocky")(image)
upsample = keras.Model(image, [smooth, blocky], name="upsample")
for layer in upsample.layers:
    print(f"{layer.name:16} {type(layer).__name__:14} {layer.output.shape}")

# %% [markdown]
# It gives what Keras 2's model gave. Unlike a `keras.ops` call it is a layer: listed in
# `upsample.layers` above under the name you gave it, and found by `get_layer("smooth")`, with its
# settings, after saving and loading:

# %%
images = np.random.default_rng(1).normal(size=(2, 2, 2, 3)).astype("float32")
smooth_out, blocky_out = upsample(images)
smooth_out2, blocky_out2 = upsample2(images)
print(np.round(np.asarray(smooth_out)[0, :, :, 0], 3))
print("same values as Keras 2:", np.allclose(np.asarray(smooth_out), smooth_out2.numpy(), atol=1e-5))

path = f"{tempfile.mkdtemp()}/upsample.keras"
upsample.save(path)
reloaded = keras.models.load_model(path)
print(reloaded.get_layer("smooth").get_config()["method"])
print("same values after loading:", np.allclose(np.asarray(reloaded(images)[0]), np.asarray(smooth_out)))

# %% [markdown]
# The layer calls TensorFlow, so it is a layer for the TensorFlow backend only. On JAX or PyTorch
# the model still builds (Keras takes the shape from `compute_output_shape`), but the layer hands
# back a TensorFlow tensor, not one of the backend's: the check below prints `False` there. If a
# `keras.ops` function does the job, as in section 1, prefer it: that model runs on every backend.

# %%
print("the layer returns a tensor of Keras's backend:", keras.ops.is_tensor(smooth_out))

# %% [markdown]
# ### `tf.py_function` in a layer
#
# `tf.py_function` runs Python code, so TensorFlow cannot know the shape of what it returns. A
# layer that only runs it, as the message suggests, does not build:

# %%
class PyDouble(layers.Layer):
    """Runs tf.py_function, and nothing more."""

    def call(self, images):
        return tf.py_function(lambda x: x * 2.0, [images], tf.float32)


try:
    PyDouble(name="doubled")(image)
except (ValueError, AttributeError) as err:  # AttributeError: on JAX, which cannot trace TensorFlow
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# Keras 3.0.0 to 3.3.3 printed it as ([keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.3.3/keras/src/ops/operation.py)):
#
# ```text
# RuntimeError: Could not automatically infer the output shape / dtype of 'doubled' (of type PyDouble). Either the `PyDouble.call()` method is incorrect, or you need to implement the `PyDouble.compute_output_spec() / compute_output_shape()` method. Error encountered: {e}
# ```
#
# where `{e}` is the error under it, here TensorFlow's "as_list() is not defined on an unknown
# TensorShape."; since 3.4.0 the message takes that error's class.
#
# With `compute_output_shape` the layer builds, and the model runs when you call it. `predict`
# does not: it runs the model in a `tf.function`, where the tensor `tf.py_function` returns still
# has no shape, and the `Dense` layer after it needs one:

# %%
class PyDoubleShaped(PyDouble):
    """The same, with its output shape given to Keras."""

    def compute_output_shape(self, input_shape):
        return input_shape


doubled = PyDoubleShaped(name="doubled")(image)
doubler = keras.Model(image, [doubled, layers.Dense(2, name="head")(doubled)], name="doubler")
print("called directly:", [tuple(t.shape) for t in doubler(images)])
try:
    doubler.predict(images, verbose=0)
except (ValueError, AttributeError) as err:  # AttributeError: on JAX, which cannot trace TensorFlow
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# `tf.ensure_shape` gives the shape to the TensorFlow tensor itself. Then `predict` runs, and the
# doubled images are Keras 2's:

# %%
class PyDoubleFixed(PyDoubleShaped):
    """The same, with the shape also set on the tensor tf.py_function returns."""

    def call(self, images):
        return tf.ensure_shape(super().call(images), images.shape)


doubled = PyDoubleFixed(name="doubled")(image)
doubler = keras.Model(image, [doubled, layers.Dense(2, name="head")(doubled)], name="doubler")
try:
    doubled_out, head_out = doubler.predict(images, verbose=0)
    print("predict:", doubled_out.shape, head_out.shape)
    print("same values as Keras 2:", np.allclose(doubled_out, doubler2(images).numpy()))
except AttributeError as err:  # on JAX
    print(f"{type(err).__name__}: {reason(err)}")

# %% [markdown]
# ## 3. TensorFlow APIs that Keras 2 refused too: `@tf.function`, `tf.map_fn`
#
# Keras 2 could only wrap TensorFlow functions that support its dispatch. A function decorated
# with `@tf.function`, or a `tf.map_fn`, on a symbolic tensor failed on Keras 2 already, with
# messages that old threads are full of.
#
# ### On Keras 2

# %%
@tf.function
def gate_tf(x):
    return x * tf.sigmoid(x)


try:
    gate_tf(a2)
except TypeError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")
try:
    tf.map_fn(lambda row: row * 2.0, a2)
except TypeError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# The first message is `tf_keras`'s. `tf.keras` in TensorFlow 2.7 to 2.15 (the `keras` package
# 2.7 to 2.15) said "Keras" where `tf_keras` says "TF-Keras", in
# [keras/engine/keras_tensor.py](https://github.com/keras-team/keras/blob/v2.15.0/keras/engine/keras_tensor.py):
#
# ```text
# TypeError: You are passing KerasTensor(type_spec=TensorSpec(shape=(None, 4), dtype=tf.float32, name=None), name='branch_a/BiasAdd:0', description="created by layer 'branch_a'"), an intermediate Keras symbolic input/output, to a TF API that does not allow registering custom dispatchers, such as `tf.cond`, `tf.function`, gradient tapes, or `tf.map_fn`. Keras Functional model construction only supports TF API calls that *do* support dispatching, such as `tf.math.add` or `tf.reshape`. Other APIs cannot be called directly on symbolic Kerasinputs/outputs. You can work around this limitation by putting the operation in a custom Keras layer `call` and calling that layer on this symbolic input/output.
# ```
#
# ### On Keras 3
#
# Both still fail, and the `tf.function` with a message other than section 1's:

# %%
try:
    gate_tf(a)
except ValueError as err:
    tf_function_message = str(err)
    print(f"{type(err).__name__}: {err}")
try:
    tf.map_fn(lambda row: row * 2.0, a)
except TypeError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Changing only one thing is not enough. With `keras.ops.sigmoid` inside, the `@tf.function` still
# fails; without the decorator, `tf.sigmoid` raises section 1's error:

# %%
@tf.function
def gate_tf_with_ops(x):
    return x * keras.ops.sigmoid(x)


def gate_without_decorator(x):
    return x * tf.sigmoid(x)


try:
    gate_tf_with_ops(a)
except ValueError as err:
    print("@tf.function with keras.ops inside raises the same ValueError:", str(err) == tf_function_message)
try:
    gate_without_decorator(a)
except ValueError as err:
    print("tf.sigmoid without @tf.function raises section 1's ValueError:", str(err) == message)

# %% [markdown]
# ### The Keras 3 way
#
# Two things change: drop `@tf.function`, and write the body with `keras.ops`. The gate is then a
# plain Python function of symbolic tensors, and it builds. `keras.ops.map` replaces `tf.map_fn`.
# Both run on every backend.

# %%
def gate(x):
    return x * keras.ops.sigmoid(x)


gated = gate(a)
doubled = keras.ops.map(lambda row: row * 2.0, a)
gated_model = keras.Model(features, [gated, doubled], name="gated")
gated_out, doubled_out = (keras.ops.convert_to_numpy(t) for t in gated_model(features_batch))
branch_a_out = keras.ops.convert_to_numpy(model.get_layer("branch_a")(features_batch))
print(gated_out.shape, doubled_out.shape)
print("same values as the tf.function:", np.allclose(gated_out, gate_tf(branch_a_out).numpy(), atol=1e-6))
print("same values as tf.map_fn:", np.allclose(doubled_out, tf.map_fn(lambda row: row * 2.0, branch_a_out).numpy()))

# %% [markdown]
# ## In short
#
# - On Keras 3, `tf.concat`, `tf.split`, `tf.expand_dims` and the like on a layer's output raise
#   "A KerasTensor cannot be used as input to a TensorFlow function" (3.0 to 3.8 named
#   `keras.operations` in it, which does not exist): Keras 2's hidden `TFOpLambda` layers are gone.
#   `tf.keras` code gets the same error: on TensorFlow 2.16 and later it is Keras 3.
# - Swap `tf.concat`, `tf.split`, `tf.expand_dims`, `tf.reduce_mean`, `tf.math.l2_normalize` for
#   `keras.ops.concatenate`, `split`, `expand_dims`, `mean`, `normalize`; slicing stays. With the
#   weights copied, the model gives Keras 2's numbers.
# - `keras.ops` calls show in the summary and are saved, but are not in `model.layers` and
#   `get_layer` cannot find them. They are in `model.operations`, under names Keras picks and
#   numbers per process (`concatenate_1`, ...); use a layer (`layers.Concatenate(name=...)`) for a
#   step you want by name.
# - A TensorFlow-only function (`tf.image.resize(method="mitchellcubic")`) goes in a custom layer
#   with `compute_output_shape` and `get_config`: it saves and loads, but ties the model to the
#   TensorFlow backend. For `tf.py_function`, also wrap the result in `tf.ensure_shape`, or
#   `predict` fails.
# - `@tf.function` and `tf.map_fn` failed on Keras 2 too ("You are passing KerasTensor(...) ...
#   to a TF API that does not allow registering custom dispatchers"); on Keras 3 drop the
#   decorator and write the function with `keras.ops` (either change alone still fails), and use
#   `keras.ops.map`.
