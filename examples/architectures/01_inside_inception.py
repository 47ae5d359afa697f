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
# # Inside a real Inception block, and a DenseNet block
#
# After this page you can find every merge in a `keras.applications` network, say which layers
# feed it, and pull all the branches of one block out in one pass, checked against the merge.

# %% [markdown]
# ## Short answer
#
# A merge layer's `.input` is the list of its branch tensors. To name the layer that produced
# each one, map every layer's `.output` to the layer (this works when, as in `keras.applications`
# models, each layer is called once and no model is nested inside); then one model returns every
# branch and the merge:
#
# ```python
# merge = model.get_layer("mixed0")
# producers = {id(layer.output): layer for layer in model.layers}
# print([producers[id(tensor)].name for tensor in merge.input])
# extractor = keras.Model(model.input, [*merge.input, merge.output])
# ```

# %% [markdown]
# ## Setup
#
# No weights are downloaded: `weights=None` builds the architecture with random weights, which is
# all the structure needs. 75x75 is the smallest input InceptionV3 accepts.

# %%
import tempfile
from collections import Counter

import keras
import numpy as np

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %%
model = keras.applications.InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
print(model.name, len(model.layers), "layers")

# %% [markdown]
# ## Every merge in the network
#
# InceptionV3 joins its branches with `Concatenate` layers. Find them by type, not by name:

# %%
merges = [layer for layer in model.layers if isinstance(layer, keras.layers.Concatenate)]
print(len(merges), [layer.name for layer in merges])

# %% [markdown]
# ## Which layer produces each branch
#
# `merge.input` holds the branch tensors. A tensor does not tell you publicly which layer made
# it, but a layer's `.output` is the tensor of its first call, so in a model whose layers are
# each called once (every `keras.applications` model) a map from `id(layer.output)` to the layer
# answers it. (`tensor._keras_history` answers it too, but is private: it can change in any
# release. Here it agrees.)

# %%
merge = model.get_layer("mixed0")
producers = {id(layer.output): layer for layer in model.layers}
print([producers[id(tensor)].name for tensor in merge.input])
print(
    "same as the private _keras_history:",
    all(producers[id(t)] is t._keras_history[0] for m in merges for t in m.input),
)

# %% [markdown]
# Names like `activation_5` are generated: InceptionV3 names its block merges (`mixed0` to
# `mixed10`) and one inner merge in each of the last two blocks (`mixed9_0`, `mixed9_1`), but not
# the other inner merge of those blocks (`concatenate`, `concatenate_1` above) nor the layers
# inside its branches, so these names depend on what the process built before (see
# [Reaching a layer by name](../layer_access/01_by_name.md)). Reach branches through
# `merge.input` and positions, as here, not through these names.
#
# Every merge, its branches' channels, and the layer behind each:

# %%
for m in merges:
    parts = " + ".join(f"{producers[id(t)].name} {t.shape[-1]}" for t in m.input)
    print(f"{m.name}: {parts} -> {m.output.shape[1:]}")

# %% [markdown]
# The channels of the branches add up to the merge's. Most blocks have four branches; `mixed3`
# and `mixed8`, the blocks that shrink the grid, have three, one of them a plain max pooling. In
# `mixed9` and `mixed10` two of the four branches are merges themselves, each joining two
# 384-channel branches: `mixed9_0` and an unnamed one in `mixed9`, `mixed9_1` and another unnamed
# one in `mixed10` (here `concatenate` and `concatenate_1`, generated names like `activation_5`).
# `merge.input` shows you the inner merge, and that merge's own `.input` shows you its branches.
#
# ## Where the map of outputs has gaps
#
# `.output` is only the first call's tensor. So the map misses a tensor from a layer's second
# call, and a nested model's `.output` is the tensor inside that model, not the one your model
# got from calling it. A toy model with both, a submodel `sub` and a Dense layer `twice` called
# twice:

# %%
x = keras.Input(shape=(4,), name="x")
sub_input = keras.Input(shape=(4,), name="sub_input")
sub = keras.Model(sub_input, keras.layers.Dense(2, name="inner")(sub_input), name="sub")
twice = keras.layers.Dense(4, name="twice")
toy_merge = keras.layers.Concatenate(name="toy_merge")
toy = keras.Model(x, toy_merge([sub(x), twice(twice(x))]), name="toy")
toy_producers = {id(layer.output): layer for layer in toy.layers}
for name, tensor in zip(["sub(x)", "twice, 2nd call"], toy_merge.input, strict=True):
    print(f"{name} in the map:", id(tensor) in toy_producers)
print("sub.output is what toy_merge receives:", sub.output is toy_merge.input[0])
print("private _keras_history:", [t._keras_history[0].name for t in toy_merge.input])

# %% [markdown]
# Looking those two up raises `KeyError`. Inside a nested model, build the map from that model's
# own layers and walk it from its own `.input` (see
# [Features from inside a nested backbone](02_nested_backbone.md)); for a layer called more than
# once, the map cannot say which call made a tensor.

# %% [markdown]
# ## What a branch is made of
#
# Walk back from each branch tensor, layer by layer, to the model's input. Before `mixed0` there
# is no other merge, so each layer on the way has one input. The last layer all four paths share
# is where the branches fork:

# %%
def branch_path(tensor, stop):
    path = []
    while tensor is not stop:
        layer = producers[id(tensor)]
        path.insert(0, layer)
        tensor = layer.input
    return path


def describe(layer):
    size = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
    return type(layer).__name__ + (f" {size[0]}x{size[1]}" if size else "")


paths = [branch_path(tensor, model.input) for tensor in merge.input]
common = [step[0] for step in zip(*paths, strict=False) if all(layer is step[0] for layer in step)]
fork = common[-1]
shared = fork.output
print("branches fork at:", fork.name, shared.shape, "after", len(common), "shared layers")
for i, tensor in enumerate(merge.input):
    print(i, tensor.shape[-1], " > ".join(describe(layer) for layer in branch_path(tensor, shared)))

# %% [markdown]
# The four classic Inception branches: a 1x1 convolution, a 1x1 then 5x5, a 1x1 then two 3x3, and
# an average pooling then 1x1. Each convolution is followed by `BatchNormalization` and a ReLU
# `Activation`. The same block as a diagram (a model from the fork to the merge; Graphviz places
# the branches, so read their order from `merge.input`, not from left to right):

# %%
block = keras.Model(shared, merge.output, name="mixed0_block")
diagram = f"{tempfile.mkdtemp()}/mixed0.png"  # a temporary folder: nothing of yours is overwritten
keras.utils.plot_model(block, to_file=diagram, show_shapes=True, dpi=50)

# %% [markdown]
# ## All branches of `mixed0` in one pass
#
# One model whose outputs are the four branch tensors and the merge. It runs only the layers up to
# `mixed0`, each once:

# %%
extractor = keras.Model(model.input, [*merge.input, merge.output])
print(len(extractor.layers), "of", len(model.layers), "layers")

images = np.random.default_rng(0).normal(size=(2, 75, 75, 3)).astype("float32")
*branch_values, merged = [keras.ops.convert_to_numpy(v) for v in extractor(images)]
print([v.shape for v in branch_values], merged.shape)

# %% [markdown]
# ## The branches add up to the merge
#
# Concatenating the four branch values along the channel axis gives exactly the merge's value,
# and each branch owns a contiguous slice of the merged channels, in `merge.input` order:

# %%
print("branches concatenated == merge:", np.array_equal(np.concatenate(branch_values, axis=-1), merged))
start = 0
for value in branch_values:
    end = start + value.shape[-1]
    print(f"channels {start}:{end} are this branch:", np.array_equal(merged[..., start:end], value))
    start = end

# %% [markdown]
# ## A DenseNet121 `concat` block: channels growing
#
# DenseNet merges differently: each `convN_blockM_concat` joins everything so far with 32 new
# channels. Every layer used here (`pool1`, the `convN_blockM_...` layers) is named in DenseNet's
# source, so these names are stable (unlike its two `ZeroPadding2D` layers, which get generated
# names). Its layers are each called once, so the map of outputs works here too. 32x32 is the
# smallest input DenseNet121 accepts.

# %%
densenet = keras.applications.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
dense_merges = [layer for layer in densenet.layers if isinstance(layer, keras.layers.Concatenate)]
dense_producers = {id(layer.output): layer for layer in densenet.layers}
print(len(dense_merges), "merges")
for name in ("conv2_block1_concat", "conv2_block2_concat", "conv2_block3_concat"):
    m = densenet.get_layer(name)
    print(name, [(dense_producers[id(t)].name, t.shape[-1]) for t in m.input], "->", m.output.shape[-1])

# %% [markdown]
# The first branch of each merge is the previous merge (or, at the start of a dense block, the
# pooling before it); the second is always a new 3x3 convolution with 32 channels:

# %%
first = Counter(type(dense_producers[id(m.input[0])]).__name__ for m in dense_merges)
print("first input made by:", dict(first))
second = [dense_producers[id(m.input[1])] for m in dense_merges]
new_conv = all(isinstance(p, keras.layers.Conv2D) and p.filters == 32 for p in second)
print("second input always a 32-channel Conv2D:", new_conv)

# %% [markdown]
# So channels grow by 32 per merge inside each dense block, and the transition between two blocks
# (ending in `pool2_pool`, `pool3_pool`, `pool4_pool`) halves them:

# %%
for block_name in ("conv2", "conv3", "conv4", "conv5"):
    block_merges = [m for m in dense_merges if m.name.startswith(block_name + "_")]
    start, end = block_merges[0].input[0].shape[-1], block_merges[-1].output.shape[-1]
    print(f"{block_name}: {len(block_merges)} merges, channels {start} -> {end}")

# %% [markdown]
# ## The first dense block in one pass
#
# Its six merges nest: `conv2_block6_concat` holds `conv2_block5_concat`, which holds ... So the
# block's input (`pool1`) and the six new 32-channel pieces, concatenated, must equal the last
# merge. One model returns them all:

# %%
pieces = [densenet.get_layer("pool1").output]
pieces += [densenet.get_layer(f"conv2_block{i}_2_conv").output for i in range(1, 7)]
last = densenet.get_layer("conv2_block6_concat")
dense_extractor = keras.Model(densenet.input, [*pieces, last.output], name="conv2_parts")
small = np.random.default_rng(1).normal(size=(2, 32, 32, 3)).astype("float32")
*piece_values, last_value = [keras.ops.convert_to_numpy(v) for v in dense_extractor(small)]
print([v.shape[-1] for v in piece_values], "->", last_value.shape)
print("pool1 + six pieces == conv2_block6_concat:", np.array_equal(np.concatenate(piece_values, axis=-1), last_value))

# %% [markdown]
# ## In short
#
# - Find the merges by type: `isinstance(layer, keras.layers.Concatenate)`; `merge.input` lists
#   the branch tensors in order.
# - `{id(layer.output): layer for layer in model.layers}` tells you which layer produced each
#   tensor, without the private `_keras_history`, when each layer is called once and no model
#   is nested (true of `keras.applications` models); otherwise some lookups raise `KeyError`.
# - `keras.Model(model.input, [*merge.input, merge.output])` returns every branch and the merge
#   in one pass; concatenated, the branches equal the merge, each in its own channel slice.
# - DenseNet's merges nest: each adds 32 channels to the previous one, so a dense block's input
#   and its new pieces, concatenated, equal its last merge.
