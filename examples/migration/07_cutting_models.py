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
# # Cutting a branched model in two: Keras 2 vs Keras 3
#
# After this page you can split a model whose branches merge into a first half and a second half
# that each run on their own in Keras 3, and you know what `Sequential(model.layers[k:])` and the
# other Keras 2 recipes for it do on such a model, in Keras 2 and in Keras 3.

# %% [markdown]
# ## Short answer
#
# | Keras 2 | Keras 3 |
# |---|---|
# | `Sequential(model.layers[k:])` | the same, and still for a chain of layers only |
# | `Input(layer.input_shape[1:])`, then `x = layer(x)` per layer | call each layer on new tensors for `layer.input` |
# | `Model(model.get_layer("stem").output, model.output)` | the same, if every path to the output passes `stem` |
# | the same, where a path goes around the cut | give every tensor that crosses the cut as an input |
#
# At a merge, a `Sequential` slice fails on both versions with `A merge layer should be called
# on a list of inputs`. A cut that a path goes around fails on Keras 3.14 and later with
# ``` Output with path `` is not connected to `inputs` ``` (Keras 2:
# `Found input tensor cannot be reached`, or `Graph disconnected`).
#
# Given a functional `model` whose skip connection carries the output of its layer `stem` past the
# branches, a cut after its layer `merge` is crossed by two tensors, and both halves name both:
#
# ```python
# crossing = [model.get_layer("stem").output, model.get_layer("merge").output]
# first_half = keras.Model(model.input, crossing, name="first_half")
# second_half = keras.Model(crossing, model.output, name="second_half")
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2: what `tf.keras` was up to TensorFlow 2.15, and what
# `TF_USE_LEGACY_KERAS=1` brings back. Where the Keras 2 cells below write `tf_keras.`, your old
# code wrote `keras.` or `tf.keras.`; both versions run in this one process. The Keras 2 half
# always runs on TensorFlow, even when Keras 3's backend is JAX or PyTorch.

# %%
import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras 3: keras {keras.__version__}, backend {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}, on TensorFlow {tf.__version__}")

# %% [markdown]
# ## The model
#
# One builder for both versions: `K` is `tf_keras` for Keras 2 and `keras` for Keras 3. A `stem`,
# two branches merged by `Concatenate`, a `neck`, and a skip connection that `Add`s `stem` back
# before the `head`, as in a residual block. The Keras 3 model gets the Keras 2 model's weights,
# so every value below can be compared across the two versions.


# %%
def build_branched(K):
    x = K.Input(shape=(6,), name="x")
    stem = K.layers.Dense(8, activation="relu", name="stem")(x)
    branch_a = K.layers.Dense(8, activation="relu", name="branch_a")(stem)
    branch_b = K.layers.Dense(8, activation="tanh", name="branch_b")(stem)
    merged = K.layers.Concatenate(name="merge")([branch_a, branch_b])
    neck = K.layers.Dense(8, activation="relu", name="neck")(merged)
    skip = K.layers.Add(name="skip")([stem, neck])
    return K.Model(x, K.layers.Dense(2, name="head")(skip), name="branched")


old_model = build_branched(tf_keras)
model = build_branched(keras)
model.set_weights(old_model.get_weights())
batch = np.random.default_rng(0).normal(size=(4, 6)).astype("float32")
old_full = old_model(batch).numpy()
full = keras.ops.convert_to_numpy(model(batch))
print("layers:", [layer.name for layer in model.layers])
print(np.round(full, 4))
print("same values as Keras 2:", np.allclose(full, old_full, atol=1e-6))

# %% [markdown]
# `model.layers` is a flat list in graph order. It does not say which layer feeds which:
# `branch_b` comes after `branch_a` in the list but is called on `stem`, and `skip` takes `stem`
# as well as `neck`. Everything below follows from that.

# %% [markdown]
# ## 1. `Sequential(model.layers[k:])` on a branched model
#
# First the case where it works: a chain of layers. Both versions split it into two `Sequential`
# models made of the chain's own layers, and the two halves give the full model's values:


# %%
def build_chain(K):
    x = K.Input(shape=(6,), name="x")
    hidden = K.layers.Dense(8, activation="relu", name="hidden")(x)
    cut = K.layers.Dense(4, activation="relu", name="cut")(hidden)
    return K.Model(x, K.layers.Dense(2, name="head")(cut), name="chain")


old_chain = build_chain(tf_keras)
chain = build_chain(keras)
chain.set_weights(old_chain.get_weights())
old_halves = tf_keras.Sequential(old_chain.layers[3:])(tf_keras.Sequential(old_chain.layers[:3])(batch))
halves = keras.Sequential(chain.layers[3:])(keras.Sequential(chain.layers[:3])(batch))
print("Keras 2, halves give the full chain:", np.allclose(old_halves.numpy(), old_chain(batch).numpy()))
halves = keras.ops.convert_to_numpy(halves)
print("Keras 3, halves give the full chain:", np.allclose(halves, keras.ops.convert_to_numpy(chain(batch))))
print("same values as Keras 2:", np.allclose(halves, old_halves.numpy(), atol=1e-6))

# %% [markdown]
# **On Keras 2.** The same slice of the branched model, from `branch_a` on, builds a
# `Sequential` model without complaint; it chains `branch_a`, `branch_b` and `merge` one after
# the other, and the first call fails at `merge`, which got one tensor instead of two. (The
# calls on this page that fail get a row of zeros: every layer here has zero biases, so the
# tensor the message prints is zeros on every machine.) With the model's input layer in the
# list, Keras 2 fails at once, when the `Sequential` model is built:

# %%
old_tail = tf_keras.Sequential(old_model.layers[2:], name="old_tail")
try:
    old_tail(np.zeros((1, 8), "float32"))
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")
try:
    tf_keras.Sequential(old_model.layers, name="old_whole")
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# **On Keras 3.** The same first call fails with the same message. Cut after the branches,
# from `neck` on, and the `Add` of the skip connection fails the same way. With the input layer
# in the list, Keras 3 builds the `Sequential` model without an error and fails only at the first
# call: its `build` runs the layers one after the other on the input layer's tensor, and returns
# without a word when one raises `NotImplementedError`
# ([keras/src/models/sequential.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/models/sequential.py#L191-L199)),
# as `merge` does on one symbolic tensor (section 2):

# %%
tail = keras.Sequential(model.layers[2:], name="tail")
try:
    tail(np.zeros((1, 8), "float32"))
except ValueError as err:
    print(f"{type(err).__name__}: {err}")
after_merge = keras.Sequential(model.layers[5:], name="after_merge")
try:
    after_merge(np.zeros((1, 16), "float32"))
except ValueError as err:
    print(f"{type(err).__name__}: {err}")
whole = keras.Sequential(model.layers, name="whole")
print("keras.Sequential(model.layers) raised nothing;", len(whole.layers), "layers; built:", whole.built)
try:
    whole(np.zeros((1, 6), "float32"))
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# On a real network a slice can fail before it reaches a merge. In ResNet50 (`weights=None`), the
# layers after `conv3_block4_out` are the next block's main path, then its shortcut convolution
# `conv4_block1_0_conv`. In the slice the shortcut gets the main path's output instead of the
# block's input, and its shape does not fit, on both versions:

# %%
for version, K in [("Keras 2", tf_keras), ("Keras 3", keras)]:
    resnet = K.applications.ResNet50(input_shape=(64, 64, 3), weights=None, include_top=False)
    start = [layer.name for layer in resnet.layers].index("conv3_block4_out") + 1
    print(f"{version}, the slice starts with:", [layer.name for layer in resnet.layers[start : start + 7]])
    after_block = K.Sequential(resnet.layers[start:], name="after_block")
    try:
        after_block(np.zeros((1, 8, 8, 512), "float32"))
    except ValueError as err:
        if version == "Keras 2":
            print(f"[Keras 2] {type(err).__name__}: {err}")
        else:
            print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Called on a `keras.Input` instead, to put the cut model inside a functional model, the same
# `Sequential` model fails with a `TypeError` that does not mention the merge's input at all:

# %%
try:
    tail(keras.Input(shape=(8,), name="stem_values"))
except TypeError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# A slice that stops before a merge can be worse. Where the shapes happen to fit, as here, it
# runs on both versions and gives wrong values. `model.layers[:4]` is `x`, `stem`, `branch_a`,
# `branch_b`, so the `Sequential` model computes `branch_b(branch_a(stem(x)))`, a path that is
# not in the model. Its output has the branches' shape and equals neither branch:

# %%
for version, K, source in [("Keras 2", tf_keras, old_model), ("Keras 3", keras, model)]:
    wrong = keras.ops.convert_to_numpy(K.Sequential(source.layers[:4])(batch))
    print(f"{version}: shape {wrong.shape}, one layer after the other:", [layer.name for layer in source.layers[1:4]])
    for name in ["branch_a", "branch_b"]:
        branch = keras.ops.convert_to_numpy(K.Model(source.input, source.get_layer(name).output)(batch))
        print(f"  equals {name}:", np.allclose(wrong, branch))

# %% [markdown]
# **The Keras 3 way.** For the first half, build a model from the model's input to the tensors
# you cut at, as on
# [Branch values with sub-models that share weights](../extraction/01_submodels.md); it runs the
# real graph, branches and all. For the second half, see the next two sections.

# %%
crossing = [model.get_layer("stem").output, model.get_layer("merge").output]
first_half = keras.Model(model.input, crossing, name="first_half")
stem_values, merge_values = (keras.ops.convert_to_numpy(t) for t in first_half(batch))
print("stem:", stem_values.shape, "| merge:", merge_values.shape)

# %% [markdown]
# ## 2. A new `Input`, then each later layer in turn
#
# The other Keras 2 recipe for the second half (for example in
# [keras-team/keras#14678](https://github.com/keras-team/keras/issues/14678)) makes an `Input`
# of the cut layer's input shape and calls the later layers one after the other. It is the
# `Sequential` slice written out, and fails the same way on a branched model.
#
# **On Keras 2.** It first trips on section 1: calling `old_tail` on a batch of one called
# `branch_a` a second time, on an input of shape `(1, 8)`, and `input_shape` will not choose
# between that and `(None, 8)`. On a fresh copy of the model, with the same weights, the recipe
# gets as far as `merge`:

# %%
try:
    print(old_model.layers[2].input_shape)
except AttributeError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")
old_model = build_branched(tf_keras)
old_model.set_weights(model.get_weights())
try:
    new_input = tf_keras.Input(shape=old_model.layers[2].input_shape[1:], name="stem_values")
    x = new_input
    for layer in old_model.layers[2:]:
        x = layer(x)
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# **On Keras 3.** The recipe stops one line earlier: layers have no `input_shape` (nor
# `output_shape`). Read the shape off `layer.input.shape`, and the loop then fails at `merge`,
# here with a `NotImplementedError`: the merge layer, already built, iterates over its input as
# over a list of tensors, and one symbolic tensor cannot be iterated.

# %%
try:
    print(model.layers[2].input_shape)
except AttributeError as err:
    print(f"{type(err).__name__}: {err}")
try:
    new_input = keras.Input(shape=model.layers[2].input.shape[1:], name="stem_values")
    x = new_input
    for layer in model.layers[2:]:
        x = layer(x)
except NotImplementedError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# **The Keras 3 way.** Keep the loop, but call each layer on the tensors it was called on in the
# model. `layer.input` is that tensor, or the list of tensors for a merge, and `layer.output` is
# what it gave; a dict from the model's tensors to the new ones translates one into the other.
# `model.layers` is in graph order, so one pass calls every layer after its inputs. This works on a
# flat functional model whose every step is a layer (no `keras.ops` calls or `x + 1` on tensors:
# those are in `model.operations`, not `model.layers`), called once on one tensor or one list of
# tensors, with one output. A layer called twice has one `.input` for one of its calls (see
# [Reaching values](05_reaching_values.md#4-get_output_atnode_index-for-a-layer-shared-by-two-branches)),
# and for a layer called on several arguments, such as `MultiHeadAttention(query, value)`,
# `layer.input` is one list of them all, which `rest_of` would pass back as one argument. For any
# other functional model, cut with section 3's recipe: it takes the model's own tensors and calls
# no layer.


# %%
def rest_of(model, cut_names, name="rest"):
    """The part of a flat functional `model` after the layers `cut_names`: one new keras.Input per
    cut layer, then the model's own layers (its weights, not copies) called on the new tensors."""
    new_inputs, computed = [], {}
    for cut_name in cut_names:
        cut = model.get_layer(cut_name)
        new_input = keras.Input(shape=cut.output.shape[1:], name=f"{cut_name}_values")
        computed[id(cut.output)] = new_input
        new_inputs.append(new_input)
    for layer in model.layers:
        if isinstance(layer, layers.InputLayer) or id(layer.output) in computed:
            continue
        inputs = layer.input if isinstance(layer.input, list) else [layer.input]
        if all(id(t) in computed for t in inputs):
            args = [computed[id(t)] for t in inputs]
            computed[id(layer.output)] = layer(args if isinstance(layer.input, list) else args[0])
    if id(model.output) not in computed:
        raise ValueError(
            f"the output was not reached from {cut_names}: a path goes around the cut, or a step is not a layer"
        )
    return keras.Model(new_inputs[0] if len(new_inputs) == 1 else new_inputs, computed[id(model.output)], name=name)


after_stem = rest_of(model, ["stem"], name="after_stem")
print("inputs:", [t.name for t in after_stem.inputs], "| layers:", [layer.name for layer in after_stem.layers])
from_stem = keras.ops.convert_to_numpy(after_stem(stem_values))
print("same values as the full model:", np.allclose(from_stem, full))
print("same values as Keras 2:", np.allclose(from_stem, old_full, atol=1e-6))

# %% [markdown]
# Cut after the branches, the skip connection still needs `stem`, so `rest_of` takes both. The
# second half then runs only `neck`, `skip` and `head`, on the first half's two outputs:

# %%
after_branches = rest_of(model, ["stem", "merge"], name="after_branches")
print("inputs:", [t.name for t in after_branches.inputs], "| layers:", [layer.name for layer in after_branches.layers])
from_merge = keras.ops.convert_to_numpy(after_branches([stem_values, merge_values]))
print("same values as the full model:", np.allclose(from_merge, full))

# %% [markdown]
# ## 3. `Model(model.get_layer(name).output, model.output)`
#
# The shortest recipe: a model whose input is an intermediate tensor of the model. Keras 2
# (`tf_keras` 2.21) accepts it, and where every path to the output goes through that tensor it
# gives the right values. (On TensorFlow 2.3, the same recipe gave a warning that functional
# inputs must come from `tf.keras.Input`, then `Graph disconnected`, as reported in
# [tensorflow/tensorflow#43025](https://github.com/tensorflow/tensorflow/issues/43025); on
# TensorFlow 2.3.1 readers split a model the same way and met the same warning:
# [tensorflow/tensorflow#44838](https://github.com/tensorflow/tensorflow/issues/44838).) At
# `neck`, the skip connection goes around the cut, back to the input `x`, and Keras 2 refuses.
# A new `Input` is not connected to the model's layers at all; that is Keras 2's
# `Graph disconnected`, the message most of the old threads quote
# ([keras-team/keras#5074](https://github.com/keras-team/keras/issues/5074)).
#
# **On Keras 2:**

# %%
old_after_stem = tf_keras.Model(old_model.get_layer("stem").output, old_model.output)
old_stem_values = tf_keras.Model(old_model.input, old_model.get_layer("stem").output)(batch)
old_from_stem = old_after_stem(old_stem_values).numpy()
print("Keras 2, from stem, same values as the full model:", np.allclose(old_from_stem, old_full))
try:
    tf_keras.Model(old_model.get_layer("neck").output, old_model.output)
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")
try:
    tf_keras.Model(tf_keras.Input(shape=(8,), name="neck_values"), old_model.output)
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# **On Keras 3.** The same: from `stem` it works, at `neck` it fails, with a message that names
# the output (by its path in the outputs; an empty path is the one output):

# %%
after_stem = keras.Model(model.get_layer("stem").output, model.output)
from_stem = keras.ops.convert_to_numpy(after_stem(stem_values))
print("Keras 3, from stem, same values as the full model:", np.allclose(from_stem, full))
try:
    keras.Model(model.get_layer("neck").output, model.output)
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.13 and older built that model without an error, and calling it failed with a `KeyError`
# that names no layer: after `Exception encountered when calling Functional.call().` it gives
# only a number (the id of the missing tensor). Keras 3.14 checks at build time that every output
# can be reached from the inputs
# ([keras-team/keras#22153](https://github.com/keras-team/keras/pull/22153)). A new `Input` gives
# the same message:

# %%
try:
    keras.Model(keras.Input(shape=(8,), name="neck_values"), model.output)
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.10.0 to 3.13.2 printed it as ([keras/src/ops/function.py](https://github.com/keras-team/keras/blob/v3.13.2/keras/src/ops/function.py)):
#
# ```text
# ValueError: `inputs` not connected to `outputs`
# ```
#
# Before 3.10 ([keras-team/keras#20705](https://github.com/keras-team/keras/pull/20705)) that
# model was built too, and failed only when called.
#
# **The Keras 3 way.** Give every tensor that crosses the cut as an input: here `stem`, for the
# skip connection, and `neck`. A cut after `merge` takes `stem` and `merge`, the tensors the first
# half of section 1 returns, so the two halves together give the full model:

# %%
after_neck = keras.Model([model.get_layer("stem").output, model.get_layer("neck").output], model.output)
print("layers after the cut:", [layer.name for layer in after_neck.layers if not isinstance(layer, layers.InputLayer)])
second_half = keras.Model(crossing, model.output, name="second_half")
halves = keras.ops.convert_to_numpy(second_half(first_half(batch)))
print("halves give the full model:", np.allclose(halves, full))
print("same values as Keras 2:", np.allclose(halves, old_full, atol=1e-6))
print("the second half's head is the model's:", second_half.get_layer("head") is model.get_layer("head"))

# %% [markdown]
# The second half's inputs are the model's own tensors, under names Keras chose. To give them
# names of yours (to pass a dict keyed by name), call it on new named inputs;
# `rest_of(model, ["stem", "merge"])` from section 2 names them too, where it applies:

# %%
crossing_inputs = [keras.Input(shape=(8,), name="stem_values"), keras.Input(shape=(16,), name="merge_values")]
named_second_half = keras.Model(crossing_inputs, second_half(crossing_inputs), name="named_second_half")
print("inputs:", [t.name for t in named_second_half.inputs])
named_values = keras.ops.convert_to_numpy(named_second_half({"stem_values": stem_values, "merge_values": merge_values}))
print("same values as the full model:", np.allclose(named_values, full))

# %% [markdown]
# Either way the second half is made of the model's own layers, so it shares their weights: train
# one and the other changes with it.

# %% [markdown]
# ## 4. Branches inside a sub-model: a clean cut
#
# When the branches are a model of their own, called as one layer, the outer model is a chain
# again: every path goes through the sub-model `features`. Here is the same network built that
# way:


# %%
def build_nested(K):
    x = K.Input(shape=(6,), name="x")
    stem = K.layers.Dense(8, activation="relu", name="stem")(x)
    stem_values = K.Input(shape=(8,), name="stem_values")
    branch_a = K.layers.Dense(8, activation="relu", name="branch_a")(stem_values)
    branch_b = K.layers.Dense(8, activation="tanh", name="branch_b")(stem_values)
    merged = K.layers.Concatenate(name="merge")([branch_a, branch_b])
    features = K.Model(stem_values, merged, name="features")
    neck = K.layers.Dense(8, activation="relu", name="neck")(features(stem))
    return K.Model(x, K.layers.Dense(2, name="head")(neck), name="nested")


old_nested = build_nested(tf_keras)
nested = build_nested(keras)
nested.set_weights(old_nested.get_weights())
old_nested_full = old_nested(batch).numpy()
nested_full = keras.ops.convert_to_numpy(nested(batch))
print("layers:", [layer.name for layer in nested.layers])

# %% [markdown]
# **On Keras 2.** `Sequential(model.layers[k:])` works at the sub-model's boundary, and the
# halves give the full model. `get_layer("features").output` is not the tensor you want, though:
# it is the output inside the sub-model, not the one the outer model passes on, so a model from
# it fails as in section 3. Readers meet the same surprise when they reach into a sub-model:
# [keras-team/keras#16123](https://github.com/keras-team/keras/issues/16123),
# [keras-team/keras#16355](https://github.com/keras-team/keras/issues/16355), and with a nested
# `Sequential` model [tensorflow/tensorflow#46944](https://github.com/tensorflow/tensorflow/issues/46944)
# (`Graph disconnected`). More on reaching into a sub-model:
# [Features from inside a nested backbone](../architectures/02_nested_backbone.md).

# %%
old_second = tf_keras.Sequential(old_nested.layers[3:])
old_halves = old_second(tf_keras.Sequential(old_nested.layers[:3])(batch)).numpy()
print("Keras 2, halves give the full model:", np.allclose(old_halves, old_nested_full))
try:
    tf_keras.Model(old_nested.get_layer("features").output, old_nested.output)
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# **On Keras 3.** The same on both counts:

# %%
halves = keras.Sequential(nested.layers[3:])(keras.Sequential(nested.layers[:3])(batch))
halves = keras.ops.convert_to_numpy(halves)
print("Keras 3, halves give the full model:", np.allclose(halves, nested_full))
print("same values as Keras 2:", np.allclose(halves, old_nested_full, atol=1e-6))
try:
    keras.Model(nested.get_layer("features").output, nested.output)
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.10.0 to 3.13.2 printed it as ([keras/src/ops/function.py](https://github.com/keras-team/keras/blob/v3.13.2/keras/src/ops/function.py)):
#
# ```text
# ValueError: `inputs` not connected to `outputs`
# ```
#
# and Keras 3.9 and older built that model without an error.

# %% [markdown]
# **The Keras 3 way.** Cut at the sub-model with the input of the layer after it,
# `get_layer("neck").input`, which is the sub-model's output in the outer model. The first half is
# the model up to that tensor, and `get_layer("features")` alone runs the branches on `stem`
# values:

# %%
cut = nested.get_layer("neck").input
nested_first = keras.Model(nested.input, cut, name="nested_first")
nested_second = keras.Model(cut, nested.output, name="nested_second")
features_values = nested_first(batch)
halves = keras.ops.convert_to_numpy(nested_second(features_values))
print("halves give the full model:", np.allclose(halves, nested_full))
stem_of = keras.Model(nested.input, nested.get_layer("stem").output)
by_features = nested.get_layer("features")(stem_of(batch))
same = np.allclose(keras.ops.convert_to_numpy(by_features), keras.ops.convert_to_numpy(features_values))
print("features alone gives the same tensor:", same)

# %% [markdown]
# If you write the model yourself and expect to cut it, build each half as a model and the whole
# as `keras.Model(x, second(first(x)))`: both halves then exist before any cutting.

# %% [markdown]
# ## In short
#
# - `Sequential(model.layers[k:])` is for a chain of layers, on Keras 2 and Keras 3 alike. On a
#   model with branches it fails at the first merge it reaches (`A merge layer should be called on
#   a list of inputs`; Keras 3 builds `Sequential(model.layers)` first and fails at the first
#   call), or earlier with a shape error when a branch layer receives the previous branch's
#   output. A slice that stops before a merge can run and give values of a path that is not in
#   the model.
# - First half: `keras.Model(model.input, tensors_at_the_cut)`.
# - Second half: `keras.Model(tensors_at_the_cut, model.output)`, with every tensor that crosses
#   the cut, skip connections included; otherwise Keras 3 (3.14 and later) says the output is not
#   connected to the inputs (Keras 2: `Found input tensor cannot be reached`, or
#   `Graph disconnected`).
#   For inputs with names of yours, call the second half on new named `keras.Input`s.
# - `layer.input_shape` is gone in Keras 3: use `layer.input.shape` (`[t.shape for t in layer.input]`
#   for a merge layer).
# - A sub-model is a clean place to cut: slice there, or use the next layer's `.input`; the
#   sub-model's own `.output` is the tensor inside it.
