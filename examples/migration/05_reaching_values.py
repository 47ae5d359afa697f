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
# # Reaching intermediate values of a multi-branch model: Keras 2 habits and their Keras 3 replacements
#
# After this page you can port Keras 2 code that reaches inside a model (`Sequential.output`,
# `layer.output_shape`, `inbound_nodes`, `get_input_at`, `get_output_at`, `K.function` with or
# without `K.learning_phase()`) to a Keras 3 feature model that gives the same numbers.

# %% [markdown]
# ## Short answer
#
# | Keras 2 | Keras 3 |
# |---|---|
# | `sequential.input`, `sequential.output` | `sequential.inputs[0]`, `sequential.outputs[0]` |
# | `layer.output_shape`, `layer.input_shape` | `layer.output.shape`, `layer.input.shape` (`[t.shape for t in layer.input]` for a merge layer) |
# | `layer.inbound_nodes[0].inbound_layers`, `layer.get_input_at(0)` | `layer.input`: the tensors it was called on |
# | `shared.get_output_at(1)` | the tensor the next layer was called on: `model.get_layer("merge").input[1]` |
# | `K.function([model.input, K.learning_phase()], outs)` | `keras.Model(model.input, outs)`, called with `training=` |
#
# Given a functional model `new` with a layer named `merge`, and a NumPy `batch`, one feature model
# gives every branch that layer takes in:
#
# ```python
# branches = keras.Model(new.input, new.get_layer("merge").input, name="branches")
# a_eval, b_eval = (keras.ops.convert_to_numpy(t) for t in branches(batch, training=False))
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2: what `tf.keras` was up to TensorFlow 2.15, and what
# `TF_USE_LEGACY_KERAS=1` brings back. Where the Keras 2 cells below write `tf_keras.`, your old
# code wrote `keras.` or `tf.keras.`. Both run in this one process. The Keras 2 half always runs on
# TensorFlow, even when Keras 3's backend is JAX or PyTorch.

# %%
import os
import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras 3: keras {keras.__version__}, backend {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}, on TensorFlow {tf.__version__}")
batch = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")

# %% [markdown]
# The model of sections 2, 3 and 6 has two branches from one input: `branch_a`, and `branch_b`
# followed by a `Dropout` (`drop_b`), joined by `merge` and read by `head`. The same function
# builds it with `tf_keras` (Keras 2) and with `keras` (Keras 3); the Keras 3 model gets the
# Keras 2 model's weights, so every value below can be compared.

# %%
def two_branch(k):
    """The same functional model on Keras 2 (k=tf_keras) or Keras 3 (k=keras)."""
    x = k.Input(shape=(4,), name="x")
    a = k.layers.Dense(3, name="branch_a")(x)
    b = k.layers.Dense(2, name="branch_b")(x)
    b = k.layers.Dropout(0.5, name="drop_b")(b)
    merged = k.layers.Concatenate(name="merge")([a, b])
    return k.Model(x, k.layers.Dense(1, name="head")(merged), name="two_branch")


old = two_branch(tf_keras)
new = two_branch(keras)
new.set_weights(old.get_weights())
print([layer.name for layer in new.layers])
print("same predictions:", np.allclose(old(batch).numpy(), keras.ops.convert_to_numpy(new(batch)), atol=1e-6))

# %% [markdown]
# ## 1. `Sequential.input` and `Sequential.output`
#
# **On Keras 2**, a `Sequential` model with an input shape had `.input` and `.output`, and a
# model from `.input` to an inner layer's output gave that layer's values:

# %%
seq_old = tf_keras.Sequential(
    [
        tf_keras.Input(shape=(4,), name="x"),
        tf_keras.layers.Dense(3, name="hidden"),
        tf_keras.layers.Dense(1, name="out"),
    ],
    name="stack",
)
print(seq_old.input.shape, seq_old.output.shape)
hidden_old = tf_keras.Model(seq_old.input, seq_old.get_layer("hidden").output)
print(np.round(hidden_old(batch[:2]).numpy(), 3))

# %% [markdown]
# **On Keras 3**, the same model has neither, even with a `keras.Input` first:

# %%
seq_new = keras.Sequential(
    [keras.Input(shape=(4,), name="x"), layers.Dense(3, name="hidden"), layers.Dense(1, name="out")],
    name="stack",
)
seq_new.set_weights(seq_old.get_weights())
for attribute in ("input", "output"):
    try:
        getattr(seq_new, attribute)
    except AttributeError as err:
        print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.0 to 3.5.0 printed it as ([keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/ops/operation.py)):
#
# ```text
# ValueError: The layer {self.name} has never been called and thus has no defined {attr_name}.
# ```

# %% [markdown]
# With `KERAS_BACKEND=torch`, the Keras 3 `AttributeError`s of this section and of section 5 read
# differently: Keras layers are `torch.nn.Module`s there, and PyTorch's
# `nn.Module.__getattr__` answers instead, with `AttributeError: 'Sequential' object has no
# attribute 'output'` (or `'input'`, `'inputs'`), and `'Dense' object has no attribute 'output'`
# for a layer.
#
# Readers hit it with `keras.Model(model.input, model.output)` on a `Sequential` model
# ([keras-team/keras#20116](https://github.com/keras-team/keras/issues/20116),
# [keras-team/keras#20339](https://github.com/keras-team/keras/issues/20339)); the class changed to
# `AttributeError` in [keras-team/keras#20156](https://github.com/keras-team/keras/pull/20156).

# %% [markdown]
# **The Keras 3 way**: the plural attributes. A `Sequential` model with an input shape has
# `.inputs` and `.outputs`, and its layers have `.output`. Build on them to go on from the
# `Sequential` model (`extended`), or to reach an inner layer (`hidden_new`):

# %%
print(seq_new.inputs[0].shape, seq_new.outputs[0].shape)
hidden_new = keras.Model(seq_new.inputs[0], seq_new.get_layer("hidden").output)
extended = keras.Model(seq_new.inputs[0], layers.Dense(2, name="more")(seq_new.outputs[0]))
print([layer.name for layer in extended.layers])
hidden_values = keras.ops.convert_to_numpy(hidden_new(batch))
print(np.round(hidden_values[:2], 3))
print("same as Keras 2:", np.allclose(hidden_values, hidden_old(batch).numpy(), atol=1e-6))

# %% [markdown]
# Once the `Sequential` model is called on a tensor (nested in a functional model), `.input` and
# `.output` work on Keras 3, but return that call's tensors, not its own: `.outputs[0]` is what
# Keras 2's `.output` was.

# %%
for version, k, stack in [("Keras 2", tf_keras, seq_old), ("Keras 3", keras, seq_new)]:
    outer_x = k.Input(shape=(4,), name="outer_x")
    outer_y = stack(outer_x)
    print(f"{version}: .input is the call's input:", stack.input is outer_x)
    print(f"{version}: .output is the call's output:", stack.output is outer_y)
    print(f"{version}: .output is .outputs[0]:", stack.output is stack.outputs[0])

# %% [markdown]
# Keras 2's other way to give the shape, `input_shape=` on the first layer, still builds the model
# on Keras 3, with a warning; `.outputs` works there, `.output` fails the same way:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    legacy = keras.Sequential([layers.Dense(3, input_shape=(4,), name="hidden")], name="legacy")
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print(legacy.outputs[0].shape)
try:
    print(legacy.output)
except AttributeError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.0 to 3.5.0 printed it as ([keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/ops/operation.py)):
#
# ```text
# ValueError: The layer legacy has never been called and thus has no defined output.
# ```

# %% [markdown]
# ## 2. `layer.output_shape` and `layer.input_shape`
#
# **On Keras 2**, each layer of this functional model had both, and the merge layer's input shape
# was a list, one shape per branch:

# %%
shapes_old = {}
for name in ("branch_a", "drop_b", "merge"):
    layer = old.get_layer(name)
    shapes_old[name] = (layer.input_shape, layer.output_shape)
    print(name, layer.input_shape, "->", layer.output_shape)
print("model:", old.input_shape, "->", old.output_shape)

# %% [markdown]
# **On Keras 3**, layers have neither:

# %%
for attribute in ("input_shape", "output_shape"):
    try:
        getattr(new.get_layer("merge"), attribute)
    except AttributeError as err:
        print(f"{type(err).__name__}: {err}")

# %% [markdown]
# **The Keras 3 way**: read the shape off the layer's input and output tensors (a list of tensors
# for a merge layer), or ask the layer what it would give for an input shape. Functional and
# `Sequential` models kept `input_shape` and `output_shape`:

# %%
shapes_new = {}
for name in ("branch_a", "drop_b", "merge"):
    layer = new.get_layer(name)
    ins = [tuple(t.shape) for t in layer.input] if isinstance(layer.input, list) else tuple(layer.input.shape)
    shapes_new[name] = (ins, tuple(layer.output.shape))
    print(name, ins, "->", tuple(layer.output.shape))
print("model:", new.input_shape, "->", new.output_shape, "| Sequential:", seq_new.input_shape, "->", seq_new.output_shape)
print("same as Keras 2:", shapes_new == shapes_old)
print(new.get_layer("merge").compute_output_shape([(None, 3), (None, 2)]))

# %% [markdown]
# Readers asked for this one in
# [keras-team/keras#19052](https://github.com/keras-team/keras/issues/19052) ("Layer objects have no
# attribute `input_shape` or `output_shape`"). A layer called on inputs of different shapes has no
# single output shape; section 4 shows Keras 2's own error for that case.

# %% [markdown]
# ## 3. `inbound_nodes` and `get_input_at`: which branches feed a merge
#
# **On Keras 2**, code that walked the graph asked a layer for its inbound nodes (one per call),
# each node for the layers that fed it, and `get_input_at(node_index)` for the tensors. The same
# through `_inbound_nodes`, the private name that multi-backend Keras switched to in 2.1.3
# ([Hironsan/anago#25](https://github.com/Hironsan/anago/issues/25)):

# %%
merge_old = old.get_layer("merge")
print("calls:", len(merge_old.inbound_nodes))
print("fed by:", [layer.name for layer in merge_old.inbound_nodes[0].inbound_layers])
print("fed by (private):", [layer.name for layer in merge_old._inbound_nodes[0].inbound_layers])
print("inputs:", [tuple(t.shape) for t in merge_old.get_input_at(0)])
branches_old = tf_keras.Model(old.input, merge_old.get_input_at(0))
a_old, b_old = (t.numpy() for t in branches_old(batch))
print(np.round(a_old[:2], 3))
print(np.round(b_old[:2], 3))

# %% [markdown]
# **On Keras 3**, the public attribute and the method are gone. `_inbound_nodes` still exists, but
# its nodes are a different class, without `inbound_layers`:

# %%
merge = new.get_layer("merge")
reaches = {
    "merge.inbound_nodes": lambda: merge.inbound_nodes,
    "merge.get_input_at(0)": lambda: merge.get_input_at(0),
    "merge._inbound_nodes[0].inbound_layers": lambda: merge._inbound_nodes[0].inbound_layers,
}
for reach in reaches.values():
    try:
        reach()
    except AttributeError as err:
        print(f"{type(err).__name__}: {err}")

# %% [markdown]
# `_inbound_nodes` is private. Asked for a Keras 3 `get_output_at`, a Keras maintainer pointed to
# it and warned: "you'd be using a private API so there's no strong guarantee that it will always
# work" ([keras-team/keras#20267](https://github.com/keras-team/keras/issues/20267); the same question
# for graph walks: [keras-team/keras#21205](https://github.com/keras-team/keras/issues/21205),
# [keras-team/keras#19278](https://github.com/keras-team/keras/issues/19278)).
#
# **The Keras 3 way**: `layer.input` is the tensor, or list of tensors, the layer was called on.
# The layer that produced each one is the layer whose `.output` it is, and a model from the input
# to `merge.input` is the feature model that gives every branch at once (more on it:
# [Every branch and the final output in one pass](../extraction/02_one_pass.md)):

# %%
print("inputs:", [tuple(t.shape) for t in merge.input])
print("fed by:", [layer.name for t in merge.input for layer in new.layers if layer.output is t])
branches = keras.Model(new.input, new.get_layer("merge").input, name="branches")
a_eval, b_eval = (keras.ops.convert_to_numpy(t) for t in branches(batch, training=False))
print(np.round(a_eval[:2], 3))
print(np.round(b_eval[:2], 3))
print("same as Keras 2:", np.allclose(a_eval, a_old, atol=1e-6) and np.allclose(b_eval, b_old, atol=1e-6))

# %% [markdown]
# Matching `layer.output` finds the producer when that layer was called once, has one output, and
# is not itself a functional `keras.Model`: a nested model's `.output` is the tensor inside it
# ([Features from inside a nested backbone](../architectures/02_nested_backbone.md)). Here a
# nested model `inner` feeds `merge`, and the match misses it:

# %%
inner_x = keras.Input(shape=(4,), name="inner_x")
inner = keras.Model(inner_x, layers.Dense(3, name="inner_dense")(inner_x), name="inner")
x = keras.Input(shape=(4,), name="x")
joined = layers.Concatenate(name="merge")([inner(x), layers.Dense(2, name="branch_b")(x)])
with_inner = keras.Model(x, joined, name="with_inner")
print("fed by:", [layer.name for t in with_inner.get_layer("merge").input for layer in with_inner.layers if layer.output is t])
print("inner.output is the tensor inside it:", inner.output is inner.outputs[0])

# %% [markdown]
# A layer called twice is in section 4. To walk the graph, go through `model.operations` rather
# than `model.layers`: a `keras.ops` call on symbolic tensors is an operation of the model, but not
# one of its layers.

# %%
x = keras.Input(shape=(4,), name="x")
summed = keras.ops.add(layers.Dense(3, name="branch_a")(x), layers.Dense(3, name="branch_b")(x))
with_op = keras.Model(x, summed, name="with_op")
print("layers:    ", [layer.name for layer in with_op.layers])
print("operations:", [op.name for op in with_op.operations])

# %% [markdown]
# ## 4. `get_output_at(node_index)` for a layer shared by two branches
#
# A `shared` layer encodes two sequences of different lengths (`left`, 5 steps; `right`, 7 steps),
# and `merge` joins them along the time axis.

# %%
def shared_encoder(k):
    """One Dense layer called on two inputs, on Keras 2 (k=tf_keras) or Keras 3 (k=keras)."""
    left = k.Input(shape=(5, 4), name="left")
    right = k.Input(shape=(7, 4), name="right")
    shared = k.layers.Dense(2, name="shared")
    merged = k.layers.Concatenate(axis=1, name="merge")([shared(left), shared(right)])
    return k.Model([left, right], merged, name="pair")


pair_old = shared_encoder(tf_keras)
pair_new = shared_encoder(keras)
pair_new.set_weights(pair_old.get_weights())
rng = np.random.default_rng(1)
pair = [rng.normal(size=(2, 5, 4)).astype("float32"), rng.normal(size=(2, 7, 4)).astype("float32")]
print(tuple(pair_new.output.shape))

# %% [markdown]
# **On Keras 2** as `tf.keras` (and `tf_keras`), `get_output_at(1)` was the second call's output.
# `shared.output` was the first call's, without a word, and `output_shape` failed because the two
# calls give different shapes:

# %%
shared_old = pair_old.get_layer("shared")
print("second call:", shared_old.get_output_at(1).shape, shared_old.get_output_shape_at(1))
print("shared.output is the first call's:", shared_old.output is shared_old.get_output_at(0))
right_old = tf_keras.Model(pair_old.inputs, shared_old.get_output_at(1))(pair).numpy()
print(np.round(right_old[0, :2], 3))
try:
    print(shared_old.output_shape)
except AttributeError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# Multi-backend Keras (`import keras`, versions 2.0.0 to 2.3.1) did not choose for you: it refused
# `shared.output` itself, in its `output` property
# ([keras/engine/base_layer.py at 2.3.1](https://github.com/keras-team/keras/blob/2.3.1/keras/engine/base_layer.py)).
# Readers paste that message from tools that read every `layer.output`
# ([raghakot/keras-vis#75](https://github.com/raghakot/keras-vis/issues/75),
# [keras-team/keras#13553](https://github.com/keras-team/keras/issues/13553)):
#
# ```text
# AttributeError: Layer shared has multiple inbound nodes, hence the notion of "layer output" is ill-defined. Use `get_output_at(node_index)` instead.
# ```
#
# **On Keras 3**, the `..._at(node_index)` methods are gone:

# %%
shared = pair_new.get_layer("shared")
for method in ("get_output_at", "get_output_shape_at"):
    try:
        getattr(shared, method)(1)
    except AttributeError as err:
        print(f"{type(err).__name__}: {err}")

# %% [markdown]
# **The Keras 3 way**: take the tensor where the next layer received it. `merge` was called on
# `[shared(left), shared(right)]`, so `merge.input[1]` is the second call's output. As on Keras 2,
# `shared.output` is the first call's:

# %%
merge_inputs = pair_new.get_layer("merge").input
right_tensor = merge_inputs[1]
print("second call:", right_tensor.shape)
print("shared.output is the first call's:", shared.output is merge_inputs[0])
right_new = keras.ops.convert_to_numpy(keras.Model(pair_new.inputs, right_tensor)(pair))
print(np.round(right_new[0, :2], 3))
print("same as Keras 2:", np.allclose(right_new, right_old, atol=1e-6))

# %% [markdown]
# When you build the model yourself, keep the tensor each call returns instead
# ([Shared layers](../building/03_shared_layers.md)). The missing replacement is reported in
# [keras-team/keras#23238](https://github.com/keras-team/keras/issues/23238) (open when this page was
# written) and asked about in [keras-team/keras#20267](https://github.com/keras-team/keras/issues/20267);
# libraries that called `get_output_at` broke on it too
# ([mindee/doctr#1637](https://github.com/mindee/doctr/issues/1637)).

# %% [markdown]
# ## 5. `model.layers[i].output` on a model with no graph
#
# ### A subclassed model
#
# **On Keras 2**, the layers of a subclassed model had no `.output` and no `output_shape`, even
# after the model ran on data: they were called on values, not on symbolic tensors.

# %%
class TwoBranchNetOld(tf_keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.branch_a = tf_keras.layers.Dense(3, name="branch_a")
        self.branch_b = tf_keras.layers.Dense(2, name="branch_b")
        self.merge = tf_keras.layers.Concatenate(name="merge")
        self.head = tf_keras.layers.Dense(1, name="head")

    def call(self, inputs):
        return self.head(self.merge([self.branch_a(inputs), self.branch_b(inputs)]))


net_old = TwoBranchNetOld(name="net")
net_old(batch)
print([layer.name for layer in net_old.layers])
for attribute in ("output", "output_shape"):
    try:
        getattr(net_old.layers[0], attribute)
    except AttributeError as err:
        print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# **On Keras 3**, the same. On TensorFlow and JAX the message names the layer, as before; on
# PyTorch it is PyTorch's own (section 1).

# %%
class TwoBranchNet(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.branch_a = layers.Dense(3, name="branch_a")
        self.branch_b = layers.Dense(2, name="branch_b")
        self.merge = layers.Concatenate(name="merge")
        self.head = layers.Dense(1, name="head")

    def call(self, inputs):
        return self.head(self.merge([self.branch_a(inputs), self.branch_b(inputs)]))


net_new = TwoBranchNet(name="net")
net_new(batch)
try:
    print(net_new.layers[0].output)
except AttributeError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.0 to 3.5.0 printed it as ([keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/ops/operation.py)):
#
# ```text
# ValueError: The layer branch_a has never been called and thus has no defined output.
# ```

# %% [markdown]
# **The Keras 3 way**: let `call` return the branches on request, then call the model on a
# `keras.Input`; a model from that input to the returned branches is the feature model. Only `call`
# changes, so the subclass keeps the weights' order:

# %%
class TwoBranchNetWithBranches(TwoBranchNet):
    def call(self, inputs, return_branches=False):
        a, b = self.branch_a(inputs), self.branch_b(inputs)
        out = self.head(self.merge([a, b]))
        return (out, [a, b]) if return_branches else out


net = TwoBranchNetWithBranches(name="net")
net(batch)
net.set_weights(net_old.get_weights())
x = keras.Input(shape=(4,), name="x")
_, branch_tensors = net(x, return_branches=True)
net_features = keras.Model(x, branch_tensors, name="net_features")
a_net, b_net = (keras.ops.convert_to_numpy(t) for t in net_features(batch))
print([tuple(t.shape) for t in net_features.outputs])
a_net_old, b_net_old = net_old.branch_a(batch).numpy(), net_old.branch_b(batch).numpy()
print("same as Keras 2:", np.allclose(a_net, a_net_old, atol=1e-6) and np.allclose(b_net, b_net_old, atol=1e-6))

# %% [markdown]
# More on subclassed models' layers: [Layers inside a subclassed model](../layer_access/04_subclassed.md).
#
# ### A `Sequential` model without an input shape
#
# **On Keras 2**, such a model had no graph until it ran on data; after `predict` it had one, with
# the batch size left open (`None`):

# %%
lazy_old = tf_keras.Sequential(
    [tf_keras.layers.Dense(3, name="hidden"), tf_keras.layers.Dense(1, name="out")], name="lazy"
)
try:
    print(lazy_old.layers[0].output)
except AttributeError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")
try:
    print(lazy_old.output)
except AttributeError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")
lazy_old.predict(batch, verbose=0)
print("after predict:", lazy_old.layers[0].output.shape)

# %% [markdown]
# The second message is the one in
# [keras-team/tf-keras#192](https://github.com/keras-team/tf-keras/issues/192).
#
# **On Keras 3**, before it runs, the layers have no output either:

# %%
lazy_new = keras.Sequential([layers.Dense(3, name="hidden"), layers.Dense(1, name="out")], name="lazy")
try:
    print(lazy_new.layers[0].output)
except AttributeError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.0 to 3.5.0 printed it as ([keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/ops/operation.py)):
#
# ```text
# ValueError: The layer hidden has never been called and thus has no defined output.
# ```

# %% [markdown]
# Nor does the model have inputs:

# %%
try:
    print(lazy_new.inputs)
except AttributeError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0.0 to 3.5.0 printed it as ([keras/src/models/sequential.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/models/sequential.py)):
#
# ```text
# ValueError: Sequential model 'lazy' has no defined inputs yet.
# ```

# %% [markdown]
# (The class changed to `AttributeError` in
# [keras-team/keras#20206](https://github.com/keras-team/keras/pull/20206).) After `predict`, Keras 3
# has a graph too, but its shapes keep the first batch's size:

# %%
lazy_new.predict(batch, verbose=0)
print("after predict:", lazy_new.layers[0].output.shape)

# %% [markdown]
# **The Keras 3 way**: give the model its input shape before you reach inside, with
# `build((None, 4))`, a `keras.Input` first layer (section 1), or by calling it on a `keras.Input`:

# %%
lazy = keras.Sequential([layers.Dense(3, name="hidden"), layers.Dense(1, name="out")], name="lazy")
lazy.build((None, 4))
lazy.set_weights(lazy_old.get_weights())
print(lazy.inputs[0].shape, lazy.layers[0].output.shape)
hidden_of_lazy = keras.Model(lazy.inputs[0], lazy.layers[0].output)
lazy_hidden_old = tf_keras.Model(lazy_old.input, lazy_old.layers[0].output)(batch).numpy()
lazy_hidden = keras.ops.convert_to_numpy(hidden_of_lazy(batch))
print("same as Keras 2:", np.allclose(lazy_hidden, lazy_hidden_old, atol=1e-6))
called = keras.Sequential([layers.Dense(3, name="hidden"), layers.Dense(1, name="out")], name="called")
x = keras.Input(shape=(4,), name="x")
print(keras.Model(x, called(x)).output.shape, called.layers[0].output.shape)

# %% [markdown]
# ## 6. `K.function`, with and without `K.learning_phase()`
#
# **On Keras 2**, `K.function` compiled a function from the model's input to inner outputs:

# %%
K = tf_keras.backend
get_branches = K.function([old.input], [old.get_layer("branch_a").output, old.get_layer("drop_b").output])
a_fn, b_fn = get_branches([batch])
print(np.round(b_fn[:2], 3))
print("same as the feature model of section 3:", np.allclose(a_fn, a_old) and np.allclose(b_fn, b_old))

# %% [markdown]
# The older idiom passed `K.learning_phase()` as an extra input, to run dropout on demand
# (`f([x, 1])`). With eager execution on (TensorFlow 2's default), Keras 2 itself rejects it:
# `K.learning_phase()` is the number 0 here, not a tensor:

# %%
print("K.learning_phase():", K.learning_phase())
try:
    K.function([old.input, K.learning_phase()], [old.get_layer("drop_b").output])
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# Readers paste this message with this very idiom
# ([shibuiwilliam/Keras_Sklearn#1](https://github.com/shibuiwilliam/Keras_Sklearn/issues/1)). Earlier
# TensorFlow 2 releases failed on it with other messages
# ([tensorflow/tensorflow#34201](https://github.com/tensorflow/tensorflow/issues/34201) with
# `K.learning_phase()`, [tensorflow/tensorflow#45105](https://github.com/tensorflow/tensorflow/issues/45105)
# with `K.learning_phase()` on TensorFlow 2.3,
# [tensorflow/tensorflow#42014](https://github.com/tensorflow/tensorflow/issues/42014) with
# `K.symbolic_learning_phase()`).
#
# Scripts that called `tf.compat.v1.disable_eager_execution()` still ran it: there
# `K.learning_phase()` is a tensor, and `f([x, 1])` runs the dropout. Eager execution cannot be
# turned off in this process, so a fresh Python runs it:

# %%
graph_mode = textwrap.dedent(
    '''
    import numpy as np
    import tensorflow as tf
    tf.compat.v1.disable_eager_execution()
    import tf_keras

    tf_keras.utils.set_random_seed(0)
    K = tf_keras.backend
    x = tf_keras.Input(shape=(4,), name="x")
    drop_b = tf_keras.layers.Dropout(0.5, name="drop_b")(tf_keras.layers.Dense(2, name="branch_b")(x))
    f = K.function([x, K.learning_phase()], [drop_b])
    ones = np.ones((8, 4), "float32")
    print("eager execution off, K.learning_phase() is a tensor:", tf.is_tensor(K.learning_phase()))
    print("eager execution off, f([x, 1]) differs from f([x, 0]):", not np.allclose(f([ones, 1])[0], f([ones, 0])[0]))
    '''
)
result = subprocess.run([sys.executable, "-c", graph_mode], env=dict(os.environ), capture_output=True, text=True)
print(result.stdout, end="")
if result.returncode != 0:
    raise RuntimeError(f"the graph-mode script failed:\n{result.stderr[-3000:]}")

# %% [markdown]
# **On Keras 3**, the backend module has neither function, also as `tf.keras.backend` (on
# TensorFlow 2.16 and later, `tf.keras` is Keras 3):

# %%
for module in (keras.backend, tf.keras.backend):
    for name in ("function", "learning_phase"):
        try:
            getattr(module, name)
        except AttributeError as err:
            print(f"{type(err).__name__}: {err}")

# %% [markdown]
# **The Keras 3 way**: the feature model of section 3 is the function, and `training=` is the
# learning phase. With `training=False` it gives Keras 2's `K.function` values; with
# `training=True` `drop_b` runs its dropout: it zeroes some values and doubles the others (it
# scales what it keeps by 1 / (1 - 0.5)).

# %%
a_train, b_train = (keras.ops.convert_to_numpy(t) for t in branches(batch, training=True))
same_as_k_function = np.allclose(a_eval, a_fn, atol=1e-6) and np.allclose(b_eval, b_fn, atol=1e-6)
print("training=False, same as Keras 2's K.function:", same_as_k_function)
print("training=True, branch_a unchanged:", np.allclose(a_train, a_eval, atol=1e-6))
zeroed = b_train == 0
print("training=True, drop_b values zeroed:", int(zeroed.sum()), "of", b_train.size)
print("training=True, drop_b kept values doubled:", np.allclose(b_train[~zeroed], 2 * b_eval[~zeroed], atol=1e-5))

# %% [markdown]
# The count of zeroed values depends on the (seeded) random draw. For many batches, `predict`
# runs the feature model in inference mode and returns NumPy arrays:

# %%
predicted = branches.predict(batch, batch_size=4, verbose=0)
print([type(values).__name__ for values in predicted], [values.shape for values in predicted])
same_as_eval = np.allclose(predicted[0], a_eval, atol=1e-6) and np.allclose(predicted[1], b_eval, atol=1e-6)
print("same as training=False:", same_as_eval)

# %% [markdown]
# One sub-model per branch, on real networks:
# [Branch values with sub-models that share weights](../extraction/01_submodels.md).

# %% [markdown]
# ## In short
#
# - `Sequential.input`/`.output` fail on Keras 3 until the model is called, then give that call's
#   tensors: use `.inputs[0]`/`.outputs[0]`, after giving the model an input shape (`keras.Input`,
#   `input_shape=`, or `build`).
# - `layer.output_shape`/`input_shape` are gone from layers: read `layer.output.shape`,
#   `layer.input` (a list for a merge), or call `compute_output_shape`.
# - No `inbound_nodes`, `get_input_at`, `get_output_at` on Keras 3: `layer.input` is what a layer
#   was called on, and a shared layer's later outputs are where the next layer received them.
# - Subclassed models have no graph on either version: return the branches from `call`.
# - `K.function` and `K.learning_phase()` become `keras.Model(model.input, outputs)` called with
#   `training=`.
