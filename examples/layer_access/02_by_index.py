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
# models, how negative indices and `get_layer(index=...)` behave, and why an index breaks when
# the model changes.

# %% [markdown]
# ## Setup

# %%
import keras
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
# higher than in the `Sequential` version.

# %%
x = keras.Input(shape=(4,), name="x")
functional = keras.Model(x, layers.Dense(1, name="out")(layers.Dense(3, name="hidden")(x)))
for index, layer in enumerate(functional.layers):
    print(index, layer.name, type(layer).__name__)

# %% [markdown]
# ## Nested models: one entry each
#
# Two nested `Sequential` branches on one input, joined. Each branch is a single entry in
# `model.layers`; its own layers are one level down.

# %%
image = keras.Input(shape=(12, 12, 1), name="image")
branch_1 = keras.Sequential([layers.Conv2D(4, 3, name="b1_conv"), layers.Flatten(name="b1_flat")], name="branch_1")
branch_2 = keras.Sequential([layers.Conv2D(4, 5, name="b2_conv"), layers.Flatten(name="b2_flat")], name="branch_2")
merged = layers.Concatenate(name="merge")([branch_1(image), branch_2(image)])
model = keras.Model(image, layers.Dense(2, name="head")(merged), name="two_nested")
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
# `layers[2]` to mean the output layer now gets the dropout:

# %%
x = keras.Input(shape=(4,), name="x")
hidden = layers.Dense(3, name="hidden")(x)
with_dropout = keras.Model(x, layers.Dense(1, name="out")(layers.Dropout(0.5, name="drop")(hidden)))
print("before:", functional.layers[2].name, "| after:", with_dropout.layers[2].name)
print("by name, both:", functional.get_layer("out").name, with_dropout.get_layer("out").name)

# %% [markdown]
# ## In short
#
# - `Sequential.layers` leaves out the input; a functional model's `layers[0]` is the `InputLayer`.
# - A nested model is one entry; index inside it with `.layers` on the nested model.
# - `layers[-1]` is the last layer; `get_layer(index=i)` equals `layers[i]` but explains a
#   miss ("model only has N layers").
# - Indices shift whenever a layer is added: prefer names for anything you keep.
