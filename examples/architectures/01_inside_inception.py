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
# After this page you can find every merge in a `keras.applications` network, merge layers and the
# plain `x + y` operations ConvNeXt merges with alike, say what feeds each one, and pull all the
# branches of one block out in one pass, checked against the merge.

# %% [markdown]
# ## Short answer
#
# A merge is a step fed by more than one tensor, and its `.input` is the list of its branch
# tensors. Search `model.operations`, not `model.layers`: ConvNeXt merges with plain operations
# (`x + y`), which only `model.operations` lists. To name the step that produced each branch, map
# every operation's `.output` to it (this works while each step is called once, returns one
# tensor, and no functional model is nested inside); then one model returns every branch and the
# merge. Given `model`, a `keras.applications` network (the InceptionV3 below, whose block merges
# are `mixed0` to `mixed10`; `merges[0]` is `mixed0`, and a merge that is an operation works the
# same way):
#
# ```python
# merges = [op for op in model.operations if isinstance(op.input, list) and len(op.input) > 1]
# merge = merges[0]
# producers = {id(op.output): op for op in model.operations}
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
# A merge is a step that more than one tensor feeds: its `.input` is a list. Find the merges that
# way, not by name, and search `model.operations`: it lists the model's layers and also the plain
# operations some networks merge with (ConvNeXt, at the end of this page), which `model.layers`
# leaves out. The search finds every step with more than one input, merge layer or not (an
# attention layer is one: see the gaps below); check `type(op)` when you want only some kinds.
# InceptionV3's merges are all `Concatenate` layers:

# %%
merges = [op for op in model.operations if isinstance(op.input, list) and len(op.input) > 1]
print(len(merges), dict(Counter(type(op).__name__ for op in merges)))
print([op.name for op in merges])

# %% [markdown]
# ## Which layer produces each branch
#
# `merge.input` holds the branch tensors. A tensor does not tell you publicly which step made
# it, but a step's `.output` is the tensor of its first call, so where each step is called once a
# map from `id(op.output)` to the step answers it. (`tensor._keras_history` answers it too, but
# is private: it can change in any release. Here it agrees, for every merge.)

# %%
merge = merges[0]
print("merge:", merge.name)
producers = {id(op.output): op for op in model.operations}
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
# call. A nested model is one step of your model, and its `.output` depends on its kind. A
# functional model's `.output` is the tensor inside it, not the one your model got from calling
# it, so the map misses that one too. A `Sequential` model's `.output` is the tensor of its first
# call, here the one your model got, so the map finds it (its `.outputs` list holds the tensor
# inside it). A toy model with all three: a functional submodel `sub`, a `Sequential` submodel
# `seq`, and a Dense layer `twice` called twice:

# %%
x = keras.Input(shape=(4,), name="x")
sub_input = keras.Input(shape=(4,), name="sub_input")
sub = keras.Model(sub_input, keras.layers.Dense(2, name="inner")(sub_input), name="sub")
seq = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2, name="seq_inner")], name="seq")
twice = keras.layers.Dense(4, name="twice")
toy_merge = keras.layers.Concatenate(name="toy_merge")
toy = keras.Model(x, toy_merge([sub(x), seq(x), twice(twice(x))]), name="toy")
toy_producers = {id(op.output): op for op in toy.operations}
for name, tensor in zip(["sub(x)", "seq(x)", "twice, 2nd call"], toy_merge.input, strict=True):
    print(f"{name} in the map:", id(tensor) in toy_producers)
print("sub.output is what toy_merge receives:", sub.output is toy_merge.input[0])
print("seq.output is what toy_merge receives:", seq.output is toy_merge.input[1])
print("seq.outputs[0] is what toy_merge receives:", seq.outputs[0] is toy_merge.input[1])
print("private _keras_history:", [t._keras_history[0].name for t in toy_merge.input])

# %% [markdown]
# Looking up `sub(x)` or the second call of `twice` raises `KeyError`. Inside a nested
# functional model, build the map from that model's own operations and walk it from its own
# `.input` (see [Features from inside a nested backbone](02_nested_backbone.md)); for a layer
# called more than once, the map cannot say which call made a tensor.

# %% [markdown]
# A step that returns more than one tensor is a third gap: its `.output` is a list, so the map
# holds the list, not the tensors in it. A `MultiHeadAttention` layer called with
# `return_attention_scores=True` is one, and it also shows what the merge search counts: used
# for self-attention, it is fed one tensor twice (as query and as value), and its `.input` lists
# that tensor twice. Mapping each tensor of every `.output` closes this gap:

# %%
tokens = keras.Input(shape=(6, 8), name="tokens")
attention = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, name="self_attention")
attended, attention_scores = attention(tokens, tokens, return_attention_scores=True)
attention_model = keras.Model(tokens, [attended, attention_scores], name="attention_model")
found = [op.name for op in attention_model.operations if isinstance(op.input, list) and len(op.input) > 1]
print("merge search finds:", found, "| its two inputs are one tensor:", attention.input[0] is attention.input[1])
print("self_attention.output is a list of", len(attention.output), "tensors")
attention_producers = {id(op.output): op for op in attention_model.operations}
print("in the map:", id(attended) in attention_producers, id(attention_scores) in attention_producers)
every_tensor = {id(t): op for op in attention_model.operations for t in keras.tree.flatten(op.output)}
print("in the map of every output tensor:", id(attended) in every_tensor, id(attention_scores) in every_tensor)

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
# names). The same search finds its merges, all `Concatenate` layers, and the map of outputs
# finds every branch below. 32x32 is the smallest input DenseNet121 accepts.

# %%
densenet = keras.applications.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
dense_merges = [op for op in densenet.operations if isinstance(op.input, list) and len(op.input) > 1]
dense_producers = {id(op.output): op for op in densenet.operations}
print(len(dense_merges), "merges:", dict(Counter(type(op).__name__ for op in dense_merges)))
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
# ## ConvNeXt: merges that are operations, and nested `Sequential` models
#
# ConvNeXt is built differently. Its stem and its three downsampling blocks are `Sequential`
# models nested inside it, and each residual block ends with `inputs + layer(x)` in
# [its source](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/applications/convnext.py#L277): a
# plain operation, not an `Add` layer. A search of its layers for merge classes finds nothing;
# its operations hold the adds. 32x32 is the smallest input ConvNeXtTiny accepts.

# %%
convnext = keras.applications.ConvNeXtTiny(weights=None, include_top=False, input_shape=(32, 32, 3))
nested = [layer for layer in convnext.layers if isinstance(layer, keras.Model)]
print(len(nested), "nested models:", [(type(s).__name__, s.name) for s in nested])
merge_classes = (
    keras.layers.Add, keras.layers.Concatenate, keras.layers.Multiply, keras.layers.Average,
    keras.layers.Subtract, keras.layers.Maximum, keras.layers.Minimum, keras.layers.Dot,
)
print("merge layers:", [layer.name for layer in convnext.layers if isinstance(layer, merge_classes)])
not_layers = Counter(type(op).__name__ for op in convnext.operations if not isinstance(op, keras.layers.Layer))
print("operations that are not layers:", dict(not_layers))

# %% [markdown]
# The search by `.input` finds them: 18 adds, one per residual block (below). The nested
# `Sequential` models (searched through their `.layers`: a `Sequential` has no `.operations`)
# hold none:

# %%
convnext_merges = [op for op in convnext.operations if isinstance(op.input, list) and len(op.input) > 1]
print(len(convnext_merges), "merges:", dict(Counter(type(op).__name__ for op in convnext_merges)))
inside = [layer.name for s in nested for layer in s.layers if isinstance(layer.input, list) and len(layer.input) > 1]
print("merges inside the nested models:", inside)

# %% [markdown]
# A map of outputs built from `convnext.layers` misses every tensor an add produced, so it also
# misses many of the adds' own inputs; the map built from `convnext.operations` finds them all.
# Each add's first input is the block's input: the output of a nested `Sequential` at the start
# of a stage (found, since a `Sequential`'s `.output` is the tensor your model got), else the
# previous add. Its second input is the block's residual branch, which ends in a layer named
# `..._identity`:

# %%
layer_map = {id(layer.output): layer for layer in convnext.layers}
convnext_producers = {id(op.output): op for op in convnext.operations}
fed = [tensor for op in convnext_merges for tensor in op.input]
print("merge outputs in the map of layers:", sum(id(op.output) in layer_map for op in convnext_merges), "of 18")
print("merge inputs in the map of layers:", sum(id(t) in layer_map for t in fed), "of", len(fed))
print("merge inputs in the map of operations:", sum(id(t) in convnext_producers for t in fed), "of", len(fed))
for op in convnext_merges[:4]:
    print(op.name, "<-", [convnext_producers[id(t)].name for t in op.input])
first_inputs = Counter(type(convnext_producers[id(op.input[0])]).__name__ for op in convnext_merges)
print("first input made by:", dict(first_inputs))
identity = all(convnext_producers[id(op.input[1])].name.endswith("_identity") for op in convnext_merges)
print("second input always an ..._identity layer:", identity)

# %% [markdown]
# The adds' names (`add`, `add_1`, ...) are generated, and an operation is not a layer, so
# `get_layer` cannot reach one:

# %%
try:
    convnext.get_layer(convnext_merges[0].name)
except ValueError as err:
    print(f"ValueError: {str(err).split(' Existing')[0]}")

# %% [markdown]
# Keep the operation object from `convnext.operations` instead. Its `.input` and `.output` work
# as a merge layer's do: one model returns the shortcut, the residual branch and their sum, and
# the two add up to the merge:

# %%
first_add = convnext_merges[0]
residual = keras.Model(convnext.input, [*first_add.input, first_add.output], name="first_residual")
shortcut, branch, added = [keras.ops.convert_to_numpy(v) for v in residual(small)]
print(shortcut.shape, branch.shape, added.shape)
print("shortcut + branch == merge:", np.allclose(shortcut + branch, added, atol=1e-6))

# %% [markdown]
# ## In short
#
# - Find the merges as the steps more than one tensor feeds:
#   `[op for op in model.operations if isinstance(op.input, list) and len(op.input) > 1]`.
#   That finds every step with several inputs (a self-attention layer too): check the type
#   when you want only some kinds.
#   `model.operations` also lists plain operations (ConvNeXt's 18 adds), which `model.layers`
#   leaves out; `merge.input` lists the branch tensors in order.
# - `{id(op.output): op for op in model.operations}` tells you which step produced each tensor,
#   without the private `_keras_history`, when each step is called once, returns one tensor,
#   and no functional model is nested; otherwise some lookups raise `KeyError`. A nested
#   `Sequential`'s `.output` is the tensor your model got, so the map finds it; a nested
#   functional model's is the one inside it.
# - `keras.Model(model.input, [*merge.input, merge.output])` returns every branch and the merge
#   in one pass, for a merge layer or an operation; concatenated (or added), the branches equal
#   the merge.
# - DenseNet's merges nest: each adds 32 channels to the previous one, so a dense block's input
#   and its new pieces, concatenated, equal its last merge.
