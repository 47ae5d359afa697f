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
# # Joining two existing Keras models: "The name … is used 2 times in the model"
#
# After this page you can join two models that already exist (two trained models, or two built
# by the same function) into one, fix the duplicate-name error this raises, and know which
# weights the joined model shares with the originals.

# %% [markdown]
# ## Short answer
#
# Call each model on new `keras.Input`s, so each one is nested as a single layer, and give the
# second model a name of its own:
#
# ```python
# model_b.name = "encoder_b"
# left = keras.Input(shape=(4,), name="left")
# right = keras.Input(shape=(4,), name="right")
# merged = layers.Concatenate(name="merge")([model_a(left), model_b(right)])
# joined = keras.Model([left, right], merged, name="joined")
# ```
#
# `joined` uses the very weight variables of `model_a` and `model_b`: training it trains them.

# %% [markdown]
# ## Setup

# %%
import tempfile

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## Two models built by the same function
#
# A function that names its layers gives every model it builds the same names: an input
# `features`, layers `hidden` and `embedding`, and the model name `encoder`.


# %%
def build_encoder() -> keras.Model:
    features = keras.Input(shape=(4,), name="features")
    x = layers.Dense(3, activation="relu", name="hidden")(features)
    embedding = layers.Dense(2, name="embedding")(x)
    return keras.Model(features, embedding, name="encoder")


model_a = build_encoder()
model_b = build_encoder()
print("model_a:", model_a.name, [layer.name for layer in model_a.layers])
print("model_b:", model_b.name, [layer.name for layer in model_b.layers])

# %% [markdown]
# Two trained models saved by one script and loaded back clash the same way: loading keeps the
# names that were saved.

# %%
saved = f"{tempfile.mkdtemp()}/encoder.keras"
model_a.save(saved)
loaded_1 = keras.models.load_model(saved)
loaded_2 = keras.models.load_model(saved)
same_names = [x.name for x in loaded_1.layers] == [x.name for x in loaded_2.layers]
print("loaded copies have the same layer names:", same_names)

# %% [markdown]
# ## The mistake: a model from both models' own inputs and outputs
#
# Passing `model_a.input` and `model_b.input` as the new model's inputs looks natural, and fails:

# %%
try:
    keras.Model(
        [model_a.input, model_b.input],
        layers.Concatenate(name="merge")([model_a.output, model_b.output]),
    )
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# ## Why: their layers are copied in, not nested
#
# `keras.Model(inputs, outputs)` walks back from the outputs to the inputs and makes every layer
# it meets a layer of the new model. From `model_a.output` it meets `model_a`'s own `features`,
# `hidden` and `embedding` layers, not `model_a` as one block. Two of each is one too many: layer
# and input names must be unique in a model.
#
# Renaming only the input moves the error to the next layer, `hidden`. Here on two fresh
# encoders (Keras 3 lets you assign `layer.name`):

# %%
model_c, model_d = build_encoder(), build_encoder()
model_d.get_layer("features").name = "features_d"
try:
    keras.Model(
        [model_c.input, model_d.input],
        layers.Concatenate(name="merge")([model_c.output, model_d.output]),
    )
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# Renaming every layer of one model does work. The joined model then lists the layers of both
# models side by side, with no `encoder` block in it:

# %%
for layer in model_d.layers:
    if not layer.name.endswith("_d"):
        layer.name = f"{layer.name}_d"
inlined = keras.Model(
    [model_c.input, model_d.input],
    layers.Concatenate(name="merge")([model_c.output, model_d.output]),
    name="inlined",
)
print([layer.name for layer in inlined.layers])

# %% [markdown]
# ## The fix: call each model on new `keras.Input`s
#
# Calling a model on a new input adds it to the graph as one layer, a nested model. The layers
# inside it no longer need names unique across both models, but the two models, now layers of
# one model, do:

# %%
left = keras.Input(shape=(4,), name="left")
right = keras.Input(shape=(4,), name="right")
try:
    keras.Model([left, right], layers.Concatenate(name="merge")([model_a(left), model_b(right)]))
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The Keras 2 habit, `model._name = ...`, renames nothing in Keras 3: `name` is a plain
# attribute there, and `_name` a new, unused one. The error stays:

# %%
model_b._name = "encoder_b"
print("model_b.name after model_b._name = ...:", model_b.name)
try:
    keras.Model([left, right], layers.Concatenate(name="merge")([model_a(left), model_b(right)]))
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# Assign `model.name` itself, and join again:

# %%
model_b.name = "encoder_b"
merged = layers.Concatenate(name="merge")([model_a(left), model_b(right)])
joined = keras.Model([left, right], merged, name="joined")
print([layer.name for layer in joined.layers])
print("encoder_b is model_b:", joined.get_layer("encoder_b") is model_b)

rng = np.random.default_rng(0)
x_left = rng.normal(size=(32, 4)).astype("float32")
x_right = rng.normal(size=(32, 4)).astype("float32")
print("output:", joined.predict({"left": x_left, "right": x_right}, verbose=0).shape)

# %% [markdown]
# Both models can also read one shared input, for example to put two models side by side on
# the same features:

# %%
features = keras.Input(shape=(4,), name="features_in")
side_by_side = keras.Model(
    features, layers.Concatenate(name="merge")([model_a(features), model_b(features)]), name="side_by_side"
)
print([layer.name for layer in side_by_side.layers])

# %% [markdown]
# ## Which weights are shared afterwards
#
# The joined model holds no copies: its `encoder` layer is `model_a`, with `model_a`'s variables.
# The two branches do not share with each other: `model_a` and `model_b` were built separately.

# %%
kernel_in_joined = joined.get_layer("encoder").get_layer("hidden").kernel
print("joined uses model_a's kernel:", kernel_in_joined is model_a.get_layer("hidden").kernel)
print("model_a and model_b share a kernel:", model_a.get_layer("hidden").kernel is model_b.get_layer("hidden").kernel)

# %% [markdown]
# So training the joined model changes `model_a` (and `model_b`, and `side_by_side`, which uses
# the same two models). Two epochs on random targets are enough to see it:

# %%
before = keras.ops.convert_to_numpy(model_a(x_left))
joined.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
joined.fit({"left": x_left, "right": x_right}, rng.normal(size=(32, 4)), epochs=2, verbose=0)
after = keras.ops.convert_to_numpy(model_a(x_left))
print("model_a changed by training joined:", not np.allclose(before, after))

# %% [markdown]
# To leave an original untouched, join a copy: `keras.models.clone_model` builds new variables,
# and `set_weights` gives them the original's values. The copy keeps the original's names, so it
# still needs its own.

# %%
copy_a = keras.models.clone_model(model_a)
copy_a.set_weights(model_a.get_weights())
print("copy name:", copy_a.name)
print("copy shares model_a's kernel:", copy_a.get_layer("hidden").kernel is model_a.get_layer("hidden").kernel)
same = np.allclose(keras.ops.convert_to_numpy(copy_a(x_left)), keras.ops.convert_to_numpy(model_a(x_left)))
print("copy predicts the same:", same)

# %% [markdown]
# ## Saving the joined model
#
# Inside `joined` the variable paths repeat (`hidden/kernel` once per encoder), since each
# encoder keeps its own layer names. Saving follows the model's structure, not these paths, so
# the joined model still saves and loads back whole:

# %%
print([variable.path for variable in joined.weights])
path = f"{tempfile.mkdtemp()}/joined.keras"
joined.save(path)
reloaded = keras.models.load_model(path)
pairs = {"left": x_left, "right": x_right}
same = np.allclose(keras.ops.convert_to_numpy(joined(pairs)), keras.ops.convert_to_numpy(reloaded(pairs)))
print("reloaded predicts the same:", same)

# %% [markdown]
# ## In short
#
# - `keras.Model([model_a.input, model_b.input], ...)` copies both models' layers into the new
#   model, so same-named layers clash: "The name "features" is used 2 times in the model".
# - Call each model on new (or one shared) `keras.Input`s instead: each becomes one nested
#   layer. Two models with the same name still clash; rename one with `model.name = "..."`
#   (`model._name = "..."` renames nothing in Keras 3).
# - Renaming every layer of one model (`layer.name = ...`) also works, and gives a flat model.
# - The joined model uses the originals' variables: training it trains them. Join a
#   `clone_model` copy with `set_weights` to keep an original as it was.
