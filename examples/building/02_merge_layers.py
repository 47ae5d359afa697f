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
# one number per pair of vectors. With two branches `a` and `b`, each shaped `(None, 8)`:
#
# ```python
# added = layers.Add(name="add")([a, b])
# joined = layers.Concatenate(name="concat")([a, b])
# similarity = layers.Dot(axes=1, name="dot")([a, b])
# ```
#
# `added` is `(None, 8)`, `joined` is `(None, 16)`, `similarity` is `(None, 1)`. `Dot`'s
# `axes` count the batch axis as axis 0, which `Dot` cannot use: the features are `axes=1` on
# vectors, `axes=2` (or `-1`) on `(None, 5, 8)` sequences.
#
# "Inputs have incompatible shapes" means the inputs of an element-wise layer differ in size.
# Project one branch to the other's width with a `Dense` layer (a 1 x 1 `Conv2D` for feature
# maps), or use `Concatenate`, which takes any widths. With `c` shaped `(None, 6)` next to `a`:
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
import tf_keras
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
# `Dot(axes=1, normalize=True)` divides both vectors by their lengths first, which gives the
# cosine similarity, x . y / (|x| |y|), here 10 / (√14 · √14) = 10 / 14:

# %%
cosine = keras.ops.convert_to_numpy(layers.Dot(axes=1, normalize=True)([x, y]))
by_hand = np.sum(x * y, axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
print("cosine:", np.round(cosine, 4))
print("equals x . y / (|x| |y|) computed by hand:", np.allclose(cosine[:, 0], by_hand))

# %% [markdown]
# ## Shapes in and out, and the size of the layer after
#
# Two branches of 8 features each:

# %%
a = keras.Input(shape=(8,), name="a")
b = keras.Input(shape=(8,), name="b")
print("a:", a.shape, "| b:", b.shape)

# %% [markdown]
# Merged as in the short answer:

# %%
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
# ## `Dot`: which `axes`
#
# `axes` counts the batch axis too, as axis 0. On vectors shaped `(None, 8)` the features are
# axis 1 (or -1), as in `Dot(axes=1)` above. On sequences of 5 steps of 8 features,
# `(None, 5, 8)`, the features are axis 2. An integer applies to both inputs; a pair gives
# the first input's axis, then the second's:

# %%
steps_a = keras.Input(shape=(5, 8), name="steps_a")
steps_b = keras.Input(shape=(5, 8), name="steps_b")
for axes in (1, -1):
    print(f"vectors, axes={axes}: {layers.Dot(axes=axes)([a, b]).shape}")
for axes in (2, (2, 2), -1, (1, 1)):
    print(f"sequences, axes={axes}: {layers.Dot(axes=axes)([steps_a, steps_b]).shape}")

# %% [markdown]
# `axes=2` (the same as `(2, 2)` and `-1`) dots each step of one sequence with each step of the
# other: entry `[i, j]` is step `i` of the first with step `j` of the second, the score
# matrix of dot-product attention. `axes=(1, 1)` sums over the 5 steps instead: entry
# `[k, l]` is feature `k` of the first times feature `l` of the second, summed over the steps.
# Both checked against NumPy on random sequences:

# %%
rng = np.random.default_rng(0)
seq_a = rng.normal(size=(2, 5, 8)).astype("float32")
seq_b = rng.normal(size=(2, 5, 8)).astype("float32")
by_steps = keras.ops.convert_to_numpy(layers.Dot(axes=2)([seq_a, seq_b]))
by_features = keras.ops.convert_to_numpy(layers.Dot(axes=(1, 1))([seq_a, seq_b]))
print("axes=2:", by_steps.shape, "| axes=(1, 1):", by_features.shape)
print("axes=2, step i with step j:", np.allclose(by_steps, np.einsum("bik,bjk->bij", seq_a, seq_b), atol=1e-5))
print("axes=(1, 1), summed over steps:", np.allclose(by_features, np.einsum("bsk,bsl->bkl", seq_a, seq_b), atol=1e-5))

# %% [markdown]
# With `normalize=True` each step is divided by its length along the dotted axis, so
# `Dot(axes=2, normalize=True)` gives the cosine of every pair of steps:

# %%
step_cosines = keras.ops.convert_to_numpy(layers.Dot(axes=2, normalize=True)([seq_a, seq_b]))
unit_a = seq_a / np.linalg.norm(seq_a, axis=2, keepdims=True)
unit_b = seq_b / np.linalg.norm(seq_b, axis=2, keepdims=True)
print("cosine of each pair of steps:", np.allclose(step_cosines, np.einsum("bik,bjk->bij", unit_a, unit_b), atol=1e-5))

# %% [markdown]
# A pair that names axes of different sizes fails while the model is built, and the message
# counts the axes the same way, batch axis included:

# %%
try:
    layers.Dot(axes=(2, 1))([steps_a, steps_b])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The batch axis itself, `axes=0`, does not fail while the model is built. The output shape it
# reports, `(8, 1)`, has lost the batch axis; the error comes when data goes through:

# %%
dot_batch = layers.Dot(axes=0, name="dot_batch")([a, b])
print("axes=0, built:", dot_batch.shape)
batch_model = keras.Model([a, b], dot_batch, name="dot_over_batch")
vectors = np.ones((3, 8), dtype="float32")
try:
    batch_model.predict([vectors, vectors], verbose=0)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# Keras 2 (`tf_keras`, what `tf.keras` was up to TensorFlow 2.15) refused the same line while
# building the model, with the same reason in its own words:

# %%
a_2 = tf_keras.Input(shape=(8,), name="a")
b_2 = tf_keras.Input(shape=(8,), name="b")
try:
    tf_keras.layers.Dot(axes=0, name="dot_batch")([a_2, b_2])
except ValueError as err:
    print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# The fix is the feature axis, `axes=1` here (`axes=2` or `-1` on sequences). Keras's
# docstring says that axis 0 cannot be included since Keras 3.12.0
# ([keras-team/keras#21717](https://github.com/keras-team/keras/issues/21717), fixed by
# [#21718](https://github.com/keras-team/keras/pull/21718)); Keras 3's error message reads the
# same since Keras 3.0.0.

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
# - `Dot`'s `axes` count the batch axis as 0: `axes=1` on `(None, 8)` gives `(None, 1)`;
#   on `(None, 5, 8)`, `axes=2` (`(2, 2)`, `-1`) gives `(None, 5, 5)` and `(1, 1)` gives
#   `(None, 8, 8)`. `axes=0` builds a batch-less `(8, 1)` and fails on data ("Cannot perform
#   batch_dot over axis 0"; Keras 2 failed while building). `normalize=True` gives the cosine.
# - ResNet's skip connection is an `Add` (16 in ResNet50, no `Concatenate`).
