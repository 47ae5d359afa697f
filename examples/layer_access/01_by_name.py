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
# # Reaching a layer by name
#
# After this page you can fetch any layer with `get_layer`, including one inside a nested model,
# and you know why the names you rely on must be ones you chose.

# %% [markdown]
# ## Short answer
#
# `get_layer` returns the model's own layer object, but only looks at the top level: for a layer
# inside a nested model, ask the nested model.
#
# Given a `model` with a layer named `branch_a` and a nested model named `backbone` that holds a
# layer named `conv`:
#
# ```python
# layer = model.get_layer("branch_a")
# conv = model.get_layer("backbone").get_layer("conv")
# ```
#
# Pass `name=` to every layer you will look up. Generated names (`dense_1`) come from counters
# that every fresh Python process starts at zero: the same script gets the same names each run,
# but they shift with whatever the process built before (another model, a notebook cell run
# earlier), and code that looks one up breaks.

# %% [markdown]
# ## Setup

# %%
import keras
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## A model with a nested backbone
#
# A small `Sequential` backbone (named `backbone`, with a layer named `conv`) feeds two branches
# that are joined.

# %%
backbone = keras.Sequential(
    [layers.Conv2D(8, 3, activation="relu", name="conv"), layers.GlobalAveragePooling2D(name="pool")],
    name="backbone",
)
image = keras.Input(shape=(16, 16, 3), name="image")
features = backbone(image)
branch_a = layers.Dense(4, name="branch_a")(features)
branch_b = layers.Dense(4, name="branch_b")(features)
merged = layers.Concatenate(name="merge")([branch_a, branch_b])
model = keras.Model(image, layers.Dense(1, name="head")(merged), name="classifier")
print([layer.name for layer in model.layers])

# %% [markdown]
# ## `get_layer(name)`
#
# It returns the layer object itself, the one the model runs, not a copy: what you change on it
# (weights, `trainable`) changes the model.

# %%
layer = model.get_layer("branch_a")
print(type(layer).__name__, layer.name, layer.output.shape)
print("the same object as model.layers[2]:", layer is model.layers[2])

# %% [markdown]
# ## A layer inside a nested model
#
# `model.layers` lists the backbone as **one** layer, so `get_layer` does not look inside it:

# %%
try:
    model.get_layer("conv")
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The message lists the names `get_layer` can see. `conv` is not among them, but `backbone` is:
# ask the backbone.

# %%
conv = model.get_layer("backbone").get_layer("conv")
print(conv.name, conv.kernel.shape)

# %% [markdown]
# For deeper nesting, a path such as `"backbone/conv"` reads better. This function follows one,
# and fails with the same clear message at the level where a name is missing:

# %%
def get_layer_by_path(model: keras.Model, path: str) -> keras.layers.Layer:
    layer = model
    for name in path.split("/"):
        layer = layer.get_layer(name)
    return layer


print(get_layer_by_path(model, "backbone/conv") is conv)
try:
    get_layer_by_path(model, "backbone/conv2")
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# ## Why name layers yourself
#
# An unnamed layer gets a name from a counter per layer type, shared by the whole Python
# process: `dense`, then `dense_1`, `dense_2`, and so on. Build the same unnamed model twice and
# the names differ:

# %%
def unnamed_model() -> keras.Model:
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, layers.Dense(1)(layers.Dense(3)(inputs)))


first, second = unnamed_model(), unnamed_model()
print("first: ", [layer.name for layer in first.layers[1:]])
print("second:", [layer.name for layer in second.layers[1:]])

# %% [markdown]
# The order is a surprise too: in `Dense(1)(Dense(3)(inputs))` Python creates the outer
# `Dense(1)` before evaluating its argument, so the output layer took the lower number.
#
# A name that worked on the first model is not in the second. The counters also depend on
# everything the process built before, in a notebook that includes cells you ran earlier:

# %%
name_in_first = first.layers[1].name
try:
    second.get_layer(name_in_first)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The counters belong to the process, not to a model. This page's process started them at zero,
# so its first unnamed model got `dense` and `dense_1` (the layers named earlier on the page did
# not count), as a fresh process running the same code would every time. Its input layer, though,
# is `input_layer_1`: the `backbone` Sequential made an unnamed input layer of its own
# (`input_layer`, listed in its config) earlier on the page, the shift described above (so the
# comparison below skips input layers). `keras.utils.clear_session()` puts the counters back to
# zero inside a running process:

# %%
print("first model's input layer:", first.layers[0].name)
print("backbone's config:", [layer["config"]["name"] for layer in backbone.get_config()["layers"]])
keras.utils.clear_session()
third = unnamed_model()
names_after_reset = [layer.name for layer in third.layers[1:]]
print("after clear_session:", names_after_reset, "| input layer:", third.layers[0].name)
print("same names as the first model:", names_after_reset == [layer.name for layer in first.layers[1:]])

# %% [markdown]
# Resetting the counters does not make a generated name safe to use: it only holds until the
# process builds something else first.
#
# Names you pass (`name="branch_a"`) never change, and `keras.Model` refuses duplicates, so
# each one finds exactly one layer:

# %%
inputs = keras.Input(shape=(4,), name="x")
try:
    keras.Model(inputs, layers.Dense(1, name="same")(layers.Dense(3, name="same")(inputs)))
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# ## In short
#
# - `model.get_layer("name")` returns the model's own layer object.
# - It only sees the top level: for a nested model, call `get_layer` on the nested model, or
#   follow a path like `"backbone/conv"`.
# - "No such layer: … Existing layers are: [...]" lists what you can reach at that level.
# - Auto-generated names start over in every fresh process but depend on what the process built
#   before; name every layer you refer to.
