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
# # Add, Multiply, Average, Dot or Concatenate? Keras merge layers and "Inputs have incompatible shapes"
#
# After this page you know what each Keras merge layer computes, the shapes it takes and gives,
# what it does to the size of the layer after it, the error it raises on mismatched shapes, and
# which one to pick. ResNet's skip connection is one of them: an `Add`.

# %% [markdown]
# ## Short answer
#
# `Add`, `Subtract`, `Multiply`, `Average`, `Maximum` and `Minimum` combine inputs of the same
# shape number by number and keep that shape; `Concatenate` puts them side by side; `Dot` gives
# one number per pair of vectors:
#
# ```python
# added = layers.Add(name="add")([a, b])
# joined = layers.Concatenate(name="concat")([a, b])
# similarity = layers.Dot(axes=1, name="dot")([a, b])
# ```
#
# With `a` and `b` shaped `(None, 8)`: `added` is `(None, 8)`, `joined` is `(None, 16)`,
# `similarity` is `(None, 1)`.
#
# "Inputs have incompatible shapes" means the inputs of an element-wise layer differ in size.
# Project one branch to the other's width with a `Dense` layer (a 1 x 1 `Conv2D` for feature
# maps), or use `Concatenate`, which takes any widths. With `c` shaped `(None, 6)`:
#
# ```python
# c_projected = layers.Dense(8, name="project_c")(c)
# fixed = layers.Add(name="add_projected")([a, c_projected])
# ```

# %% [markdown]
# ## Setup

# %%
import tempfile
from collections import Counter

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## What each one computes
#
# Merge layers can be called on arrays directly. On two vectors of 3 numbers (a batch of one):

# %%
x = np.array([[1.0, 2.0, 3.0]])
y = np.array([[3.0, 2.0, 1.0]])
merges = {
    "Add": layers.Add(),
    "Subtract": layers.Subtract(),
    "Multiply": layers.Multiply(),
    "Average": layers.Average(),
    "Maximum": layers.Maximum(),
    "Minimum": layers.Minimum(),
    "Dot": layers.Dot(axes=1),
    "Concatenate": layers.Concatenate(),
}
for name, merge in merges.items():
    print(f"{name:12}", np.round(keras.ops.convert_to_numpy(merge([x, y])), 4))

# %% [markdown]
# `Subtract` computes first minus second, a signed vector, not a distance. For a distance, as
# between the two sides of a siamese model, take its absolute value or its length:

# %%
difference = layers.Subtract()([x, y])
print("abs:", np.round(keras.ops.convert_to_numpy(keras.ops.abs(difference)), 4))
print("length:", np.round(keras.ops.convert_to_numpy(keras.ops.norm(difference, axis=-1)), 4))

# %% [markdown]
# `Dot(axes=1, normalize=True)` divides by both lengths first, which gives the cosine
# similarity:

# %%
print("cosine:", np.round(keras.ops.convert_to_numpy(layers.Dot(axes=1, normalize=True)([x, y])), 4))

# %% [markdown]
# ## Shapes in and out, and the size of the layer after
#
# Two branches of 8 features each, merged as in the short answer:

# %%
a = keras.Input(shape=(8,), name="a")
b = keras.Input(shape=(8,), name="b")
added = layers.Add(name="add")([a, b])
joined = layers.Concatenate(name="concat")([a, b])
similarity = layers.Dot(axes=1, name="dot")([a, b])
print("add:", added.shape, "| concat:", joined.shape, "| dot:", similarity.shape)

# %% [markdown]
# Every merge on `a` and `b`, each followed by the same `Dense(4)` layer:

# %%
for name, merge in merges.items():
    kind = type(merge)
    merged = (layers.Dot(axes=1) if kind is layers.Dot else kind())([a, b])
    after = layers.Dense(4)
    after(merged)
    print(f"{name:12} {str(merged.shape):10} Dense(4) after it: {after.count_params():3d} parameters")

# %% [markdown]
# After `Add` the next layer sees only the sum: it cannot tell which branch a number came from,
# and has 8 x 4 + 4 = 36 parameters. After `Concatenate` it sees both branches and weighs each
# feature of each branch separately: 16 x 4 + 4 = 68 parameters. After `Dot` one number is
# left: 1 x 4 + 4 = 8.

# %% [markdown]
# ## Mismatched shapes: each layer's error
#
# Branches of 8 and 6 features. The six element-wise layers all raise the same error; `Dot` its
# own; `Concatenate` does not mind, because on the joining axis sizes may differ:

# %%
c = keras.Input(shape=(6,), name="c")
print("a:", a.shape, "| c:", c.shape)
for name, merge in merges.items():
    kind = type(merge)
    try:
        merged = (layers.Dot(axes=1) if kind is layers.Dot else kind())([a, c])
        print(f"{name}: works, {merged.shape}")
    except ValueError as err:
        print(f"{name}:")
        print(f"ValueError: {err}")

# %% [markdown]
# The message prints the shapes without the batch axis: `(8,)` and `(6,)` are `a` and `c`,
# shaped `(None, 8)` and `(None, 6)`.
#
# `Concatenate` fails when an axis other than the joining one differs, here 4 rows against 3
# (the [shape errors page](../concatenate/04_shape_errors.md) has every fix for it):

# %%
rows_4 = keras.Input(shape=(4, 8), name="rows_4")
rows_3 = keras.Input(shape=(3, 8), name="rows_3")
try:
    layers.Concatenate(name="concat_rows")([rows_4, rows_3])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The usual fix for the element-wise layers is a projection: a `Dense` layer (a 1 x 1
# convolution for feature maps) that brings one branch to the other's width.

# %%
c_projected = layers.Dense(8, name="project_c")(c)
fixed = layers.Add(name="add_projected")([a, c_projected])
print("after projection:", fixed.shape)

# %% [markdown]
# ## A size of 1 broadcasts
#
# An element-wise layer accepts a branch of width 1 next to a wider one and repeats it across
# the features. This is how a single gate value scales a whole vector with `Multiply`:

# %%
gate = keras.Input(shape=(1,), name="gate")
print("Multiply (None, 8) by (None, 1):", layers.Multiply(name="scale")([a, gate]).shape)
rows = np.ones((2, 3))
gates = np.array([[0.0], [2.0]])
scaled = keras.ops.convert_to_numpy(layers.Multiply()([rows, gates]))
print(np.round(scaled, 4))
print("each row scaled by its own gate:", np.array_equal(scaled, rows * gates))

# %% [markdown]
# ## How many inputs
#
# `Add`, `Multiply`, `Average`, `Maximum`, `Minimum` and `Concatenate` take a list of one or
# more inputs. `Subtract` and `Dot` take exactly two, and raise on one or three:

# %%
for kind in (layers.Add, layers.Multiply, layers.Average, layers.Maximum, layers.Minimum, layers.Concatenate):
    print(f"{kind.__name__:11} of one: {kind()([a]).shape}, of three: {kind()([a, b, a]).shape}")
for make in (layers.Subtract, lambda: layers.Dot(axes=1)):
    for inputs in ([a], [a, b, a]):
        try:
            make()(inputs)
        except ValueError as err:
            print(f"ValueError: {err}")

# %% [markdown]
# Each layer also has a function form, like `layers.concatenate`: `layers.add`,
# `layers.subtract`, `layers.multiply`, `layers.average`, `layers.maximum`, `layers.minimum`,
# `layers.dot`.

# %%
print("layers.add:", layers.add([a, b]).shape)

# %% [markdown]
# ## ResNet's skip connection is an `Add`
#
# A residual block adds its input to what its convolutions computed: same shape in, same shape
# out. A small one, drawn:

# %%
block_in = keras.Input(shape=(8, 8, 16), name="block_in")
x = layers.Conv2D(16, 3, padding="same", activation="relu", name="conv_1")(block_in)
x = layers.Conv2D(16, 3, padding="same", name="conv_2")(x)
x = layers.Add(name="skip_add")([block_in, x])
block_out = layers.Activation("relu", name="block_out")(x)
block = keras.Model(block_in, block_out, name="residual_block")
print("in:", block_in.shape, "| out:", block_out.shape)
diagram = f"{tempfile.mkdtemp()}/residual_block.png"
keras.utils.plot_model(block, to_file=diagram, show_shapes=True, show_layer_names=True, dpi=60)

# %% [markdown]
# `keras.applications.ResNet50` (random weights, small input) has 16 `Add` layers and no
# `Concatenate` at all (DenseNet is the one whose blocks concatenate: see
# [architectures built on concatenation](../concatenate/06_architectures.md)):

# %%
resnet = keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)
counts = Counter(type(layer).__name__ for layer in resnet.layers)
print("Add:", counts["Add"], "| Concatenate:", counts["Concatenate"])

# %% [markdown]
# The first two blocks' `Add` layers, with the layers feeding them (read from the model's
# config). Both inputs and the output have 256 channels; a concatenation would have given 512.
# In the first block the shortcut is a 1 x 1 convolution (`conv2_block1_0_conv`, then its batch
# norm `_0_bn`) that projects 64 channels to 256: the projection fix from above. In the second,
# the shortcut is the previous block's output itself.

# %%
configs = {layer["name"]: layer for layer in resnet.get_config()["layers"]}
for name in ("conv2_block1_add", "conv2_block2_add"):
    feeding = [t["config"]["keras_history"][0] for t in configs[name]["inbound_nodes"][0]["args"][0]]
    add = resnet.get_layer(name)
    print(f"{name}: {[t.shape for t in add.input]} -> {add.output.shape}, fed by {feeding}")
projection = resnet.get_layer("conv2_block1_0_conv")
print(f"{projection.name}: {projection.input.shape} -> {projection.output.shape}, kernel {projection.kernel.shape}")

# %% [markdown]
# ## Which one to use
#
# - `Concatenate`: the branches carry different information (an image and a table, two
#   kernel sizes); the next layer learns how to weigh each.
# - `Add`: the branches are the same kind of features, as in a residual block, where the
#   convolutions learn a correction to their input.
# - `Average`: an ensemble of models with the same output.
# - `Multiply`: a gate, one branch (often a sigmoid) scaling another.
# - `Maximum` / `Minimum`: keep the strongest (weakest) response of several branches.
# - `Subtract`: a signed difference, first minus second; for a distance (the two sides of a
#   siamese model), take `keras.ops.abs` of it or its norm.
# - `Dot`: a similarity score between two vectors (`normalize=True` for the cosine).

# %% [markdown]
# ## In short
#
# - `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum` need the same shape (a size
#   of 1 broadcasts) and keep it; mismatched widths raise "Inputs have incompatible shapes";
#   a `Dense` or 1 x 1 convolution projection fixes them.
# - `Concatenate` adds up the joining axis (8 + 8 = 16), and the next `Dense` kernel grows with
#   it: `Dense(4)` has 16 x 4 + 4 = 68 parameters after it, 8 x 4 + 4 = 36 after `Add`;
#   `Dot` leaves one number.
# - `Subtract` and `Dot` take exactly two inputs; the others a list of one or more.
# - ResNet's skip connection is an `Add` (16 in ResNet50, no `Concatenate`).
