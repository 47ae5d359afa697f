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
# Given two models `model_a` and `model_b` that read 4 features and have the same name (built by
# one function), call each on new `keras.Input`s, so each one is nested as a single layer, and give
# the second a name of its own:
#
# ```python
# model_b.name = "encoder_b"
# left = keras.Input(shape=(4,), name="left")
# right = keras.Input(shape=(4,), name="right")
# merged = layers.Concatenate(name="merge")([model_a(left), model_b(right)])
# joined = keras.Model([left, right], merged, name="joined")
# ```
#
# `joined` uses the very weight variables of `model_a` and `model_b`: training it trains them. To
# train only new layers on top, set `model_a.trainable = False` (and `model_b`'s) before
# `compile`.

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
# Made-up data for the cells that train: 32 samples of 4 features for each model.

# %%
rng = np.random.default_rng(0)
x_left = rng.normal(size=(32, 4)).astype("float32")
x_right = rng.normal(size=(32, 4)).astype("float32")

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
# ## Why: their layers become the new model's own, not nested
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
# These are not copies. The flat model holds `model_c`'s and `model_d`'s layer objects
# themselves, so training it trains `model_c` and `model_d`:

# %%
print("inlined's hidden is model_c's hidden:", inlined.get_layer("hidden") is model_c.get_layer("hidden"))
print("inlined's hidden_d is model_d's hidden_d:", inlined.get_layer("hidden_d") is model_d.get_layer("hidden_d"))
before = keras.ops.convert_to_numpy(model_c(x_left))
inlined.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
inlined.fit([x_left, x_right], rng.normal(size=(32, 4)), epochs=2, verbose=0)
after = keras.ops.convert_to_numpy(model_c(x_left))
print("model_c changed by training inlined:", not np.allclose(before, after))

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
# ## Freezing the joined models: train only what you add
#
# After joining two pretrained models you usually train only the layers you add on top, at first.
# `trainable = False` on a nested model freezes every layer inside it. Here two stand-ins for
# pretrained encoders, each with a `BatchNormalization` layer (random weights: which weights move
# is the lesson), are called with `training=False`, as keras.io's transfer-learning guide does,
# under a new `head`:


# %%
def build_pretrained(name: str) -> keras.Model:
    features = keras.Input(shape=(4,), name="features")
    x = layers.Dense(8, name="hidden")(features)
    x = layers.BatchNormalization(name="norm")(x)
    x = layers.Activation("relu", name="relu")(x)
    return keras.Model(features, layers.Dense(2, name="embedding")(x), name=name)


pretrained_a, pretrained_b = build_pretrained("pretrained_a"), build_pretrained("pretrained_b")
towers = layers.Concatenate(name="merge")([pretrained_a(left, training=False), pretrained_b(right, training=False)])
two_towers = keras.Model([left, right], layers.Dense(1, name="head")(towers), name="two_towers")
pretrained_a.trainable = False
pretrained_b.trainable = False
print("trainable:", [variable.path for variable in two_towers.trainable_weights])
print("non-trainable:", len(two_towers.non_trainable_weights), "variables")

# %% [markdown]
# Compile after freezing, train, and compare every weight with a copy taken before, the
# `BatchNormalization` layers' moving mean and variance included:


# %%
def snapshot(model: keras.Model) -> list:
    return [np.array(keras.ops.convert_to_numpy(variable)) for variable in model.weights]


def unchanged(before: list, model: keras.Model) -> bool:
    return all(np.array_equal(old, new) for old, new in zip(before, snapshot(model), strict=True))


towers_before = [snapshot(pretrained_a), snapshot(pretrained_b)]
head_before = snapshot(two_towers.get_layer("head"))
two_towers.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
two_towers.fit({"left": x_left, "right": x_right}, rng.normal(size=(32, 1)), epochs=2, verbose=0)
print("pretrained_a unchanged:", unchanged(towers_before[0], pretrained_a))
print("pretrained_b unchanged:", unchanged(towers_before[1], pretrained_b))
print("head trained:", not unchanged(head_before, two_towers.get_layer("head")))

# %% [markdown]
# A frozen `BatchNormalization` layer runs in inference mode even when `fit` calls the model
# with `training=True`: it uses the statistics it came with and does not update them. The model
# gives the same output in both modes:

# %%
pair = {"left": x_left, "right": x_right}
in_training_mode = keras.ops.convert_to_numpy(two_towers(pair, training=True))
in_inference_mode = keras.ops.convert_to_numpy(two_towers(pair, training=False))
print("training=True gives the inference output:", np.allclose(in_training_mode, in_inference_mode))

# %% [markdown]
# To fine-tune later, unfreeze the models, compile again with a small learning rate, and keep
# their `BatchNormalization` layers frozen. The `training=False` written at the call does not
# keep an unfrozen one in inference mode on Keras 3.15.1: `fit` calls the model with
# `training=True`, and the functional model passes that to every layer it calls. Below,
# `pretrained_a` is unfrozen with its `norm` layer kept frozen, `pretrained_b` is unfrozen whole:

# %%
pretrained_a.trainable = True
for layer in pretrained_a.layers:
    if isinstance(layer, layers.BatchNormalization):
        layer.trainable = False
pretrained_b.trainable = True


def statistics(model: keras.Model) -> list:
    norm = model.get_layer("norm")
    return [np.array(keras.ops.convert_to_numpy(v)) for v in (norm.moving_mean, norm.moving_variance)]


stats_before = {model.name: statistics(model) for model in (pretrained_a, pretrained_b)}
hidden_before = snapshot(pretrained_a.get_layer("hidden"))
two_towers.compile(optimizer=keras.optimizers.Adam(1e-4), loss="mse")
two_towers.fit(pair, rng.normal(size=(32, 1)), epochs=1, verbose=0)
print("pretrained_a's hidden trained:", not unchanged(hidden_before, pretrained_a.get_layer("hidden")))
for model, state in ((pretrained_a, "kept frozen"), (pretrained_b, "unfrozen")):
    same = all(np.array_equal(a, b) for a, b in zip(stats_before[model.name], statistics(model), strict=True))
    print(f"{model.name}'s norm ({state}): moving mean and variance unchanged:", same)

# %% [markdown]
# The statistics of `pretrained_b`'s unfrozen `norm` moved: they now follow this data, not the
# data it was pretrained on. Keras upstream treats this as a bug:
# [keras-team/keras PR #23364](https://github.com/keras-team/keras/pull/23364), not in Keras
# 3.15.1, makes the `training=False` written at the call win again. On keras-nightly
# 3.16.0.dev2026102704, which has it, the last line prints True. `trainable = False` on each
# `BatchNormalization` layer keeps it in inference mode with or without that change.
# [Fine-tuning part of a nested backbone](../architectures/04_fine_tuning.md) does the same on a
# MobileNetV2.

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
# - `keras.Model([model_a.input, model_b.input], ...)` makes both models' layers (the same
#   objects, not copies) layers of the new model, so same-named layers clash: "The name
#   "features" is used 2 times in the model".
# - Call each model on new (or one shared) `keras.Input`s instead: each becomes one nested
#   layer. Two models with the same name still clash; rename one with `model.name = "..."`
#   (`model._name = "..."` renames nothing in Keras 3).
# - Renaming every layer of one model (`layer.name = ...`) also works, and gives a flat model.
# - Flat or nested, the joined model uses the originals' layers and variables: training it
#   trains them. Join a `clone_model` copy with `set_weights` to keep an original as it was.
# - To train only the new layers, set `trainable = False` on each joined model, then compile.
#   When you unfreeze to fine-tune, keep their `BatchNormalization` layers frozen: on Keras
#   3.15.1 `training=False` at the call does not keep an unfrozen one in inference mode.
