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
# # Reaching a layer by index
#
# After this page you know what `model.layers` holds for `Sequential`, functional and nested
# models, in which order a branched model lists its layers, how negative indices and
# `get_layer(index=...)` behave, and why an index breaks when the model changes.

# %% [markdown]
# ## Short answer
#
# Print the list before you trust an index: a functional model lists its layers by depth in the
# graph, not in the order you wrote them (a second `Input` can sit in the middle), and a nested
# model is one entry whose `get_weights()` holds the arrays of all its layers. Given a functional
# `model` with a nested model named `branch_2`:
#
# ```python
# for index, layer in enumerate(model.layers):
#     print(index, layer.name, type(layer).__name__)
# print(model.get_layer("branch_2").layers[0].name)
# ```
#
# For anything you keep, look layers up by name.

# %% [markdown]
# ## Setup

# %%
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## `Sequential`: no input layer in the list

# %%
sequential = keras.Sequential(
    [keras.Input(shape=(4,), name="x"), layers.Dense(3, name="hidden"), layers.Dense(1, name="out")],
    name="sequential_model",
)
for index, layer in enumerate(sequential.layers):
    print(index, layer.name, type(layer).__name__)

# %% [markdown]
# ## Functional: the input layer is index 0
#
# The same two layers in a functional model come after an `InputLayer`, so every index is one
# higher than in the `Sequential` version. (With one input; more inputs are below.)

# %%
x = keras.Input(shape=(4,), name="x")
functional = keras.Model(x, layers.Dense(1, name="out")(layers.Dense(3, name="hidden")(x)))
for index, layer in enumerate(functional.layers):
    print(index, layer.name, type(layer).__name__)

# %% [markdown]
# ## Branched models: graph depth, not the order you wrote
#
# A functional model sorts its layers by how far they are from the output, farthest first. Here
# the `short` branch is written first, but `long_1` sits one step further from the output, so it
# comes first:

# %%
x = keras.Input(shape=(4,), name="x")
short = layers.Dense(2, name="short")(x)
long_1 = layers.Dense(2, name="long_1")(x)
long_2 = layers.Dense(2, name="long_2")(long_1)
branched = keras.Model(x, layers.Concatenate(name="merge")([short, long_2]))
print([layer.name for layer in branched.layers])

# %% [markdown]
# An `Input` is placed the same way. A second input that joins late sits at its own depth, after
# every layer farther from the output, so index 1 is not the second input:

# %%
first_in = keras.Input(shape=(4,), name="first_in")
late_in = keras.Input(shape=(3,), name="late_in")
path = layers.Dense(4, name="path_2")(layers.Dense(4, name="path_1")(first_in))
joined = layers.Concatenate(name="merge")([path, late_in])
two_inputs = keras.Model([first_in, late_in], layers.Dense(1, name="head")(joined))
for index, layer in enumerate(two_inputs.layers):
    print(index, layer.name, type(layer).__name__)

# %% [markdown]
# `late_in` and `path_2` are at the same depth (both feed `merge`). Among layers at the same
# depth, the order follows the list the join was given: list `late_in` first and it moves ahead
# of `path_2`:

# %%
swapped_join = layers.Concatenate(name="merge")([late_in, path])
swapped = keras.Model([first_in, late_in], layers.Dense(1, name="head")(swapped_join))
print([layer.name for layer in swapped.layers])

# %% [markdown]
# `model.inputs` keeps the order you passed them in; only `model.layers` follows the graph:

# %%
print([t.name for t in two_inputs.inputs])

# %% [markdown]
# ## Nested models: one entry each
#
# Two nested `Sequential` branches on one input, joined. Each branch is a single entry in
# `model.layers`; its own layers are one level down. `branch_1` holds two convolutions.

# %%
image = keras.Input(shape=(12, 12, 1), name="image")
branch_1 = keras.Sequential(
    [layers.Conv2D(4, 3, name="b1_conv1"), layers.Conv2D(8, 3, name="b1_conv2"), layers.Flatten(name="b1_flat")],
    name="branch_1",
)
branch_2 = keras.Sequential([layers.Conv2D(4, 5, name="b2_conv"), layers.Flatten(name="b2_flat")], name="branch_2")
merged = layers.Concatenate(name="merge")([branch_1(image), branch_2(image)])
model = keras.Model(image, layers.Dense(2, name="head")(merged), name="two_nested")

# %%
for index, layer in enumerate(model.layers):
    print(index, layer.name, type(layer).__name__)

# %% [markdown]
# Index 3 is the `Concatenate` layer, not a branch. Code that treats it as a nested model fails,
# because a plain layer has no `.layers`:

# %%
try:
    model.layers[3].layers[0]
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# Reach into a branch by its name instead, then index inside it:

# %%
print(model.get_layer("branch_2").layers[0].name)

# %% [markdown]
# ## What `layers[1].get_weights()` returns here
#
# A common snippet reads `model.layers[1].get_weights()[0]` expecting the kernel of one
# convolution. In this model `layers[1]` is the whole `branch_1`, and `get_weights()` of a nested
# model returns the arrays of **all** its layers, in order: both convolutions' kernels and
# biases. `[0]` is the first convolution's kernel:

# %%
arrays = model.layers[1].get_weights()
print(model.layers[1].name, [a.shape for a in arrays])
print("[0] is b1_conv1's kernel:", np.array_equal(arrays[0], branch_1.get_layer("b1_conv1").kernel.numpy()))

# %% [markdown]
# To get one convolution's weights, go through the branch by name:

# %%
print([a.shape for a in model.get_layer("branch_1").get_layer("b1_conv2").get_weights()])

# %% [markdown]
# ## Negative indices and `get_layer(index=...)`
#
# `model.layers[-1]` is the last layer, usually the output. `get_layer(index=i)` is the same
# lookup as `model.layers[i]`.

# %%
print(model.layers[-1].name, model.layers[-2].name)
print(model.get_layer(index=1) is model.layers[1])

# %% [markdown]
# Past the end, the two fail differently; `get_layer` says how many layers there are:

# %%
try:
    model.layers[10]
except IndexError as err:
    print(f"IndexError: {err}")
try:
    model.get_layer(index=10)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# ## Why an index is fragile
#
# Add one `Dropout` layer to the first model and every later index moves. Code that took
# `layers[2]` to mean the output layer now gets the dropout, with no error at all:

# %%
x = keras.Input(shape=(4,), name="x")
hidden = layers.Dense(3, name="hidden")(x)
with_dropout = keras.Model(x, layers.Dense(1, name="out")(layers.Dropout(0.5, name="drop")(hidden)))
print("before:", functional.layers[2].name, "| after:", with_dropout.layers[2].name)
print("by name, both:", functional.get_layer("out").name, with_dropout.get_layer("out").name)

# %% [markdown]
# ## In short
#
# - `Sequential.layers` leaves out the input; a functional model lists its layers by graph depth,
#   not in the order you wrote them, and its `InputLayer`s (index 0 for one input) can sit mid-list.
# - A nested model is one entry, and its `get_weights()` holds all its layers' arrays; index
#   inside it with `.layers` on the nested model.
# - `layers[-1]` is the last layer; `get_layer(index=i)` equals `layers[i]` but explains a
#   miss ("model only has N layers").
# - Indices shift whenever a layer is added: prefer names for anything you keep.
