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
# # Fine-tuning part of a nested backbone
#
# After this page you can freeze a backbone nested in your model, unfreeze only its top layers
# (and know why `model.layers[-20:]` does not do it), and say what a frozen
# `BatchNormalization` layer does during `fit`.

# %% [markdown]
# ## Short answer
#
# Given your `model` and the `backbone` nested in it (a MobileNetV2 below), take the top layers
# from the backbone's own `.layers`, not from your model's: in your model the whole backbone is
# one layer. Keep its `BatchNormalization` layers frozen too (on Keras 3 up to 3.15.1,
# `training=False` at the call does not keep an unfrozen one in inference mode during `fit`;
# after [keras-team/keras PR #23364](https://github.com/keras-team/keras/pull/23364) it does, but
# a frozen one is in inference mode either way), and compile again:
#
# ```python
# backbone.trainable = True
# for layer in backbone.layers[:-20]:
#     layer.trainable = False
# for layer in backbone.layers:
#     if isinstance(layer, layers.BatchNormalization):
#         layer.trainable = False
# model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy")
# ```

# %% [markdown]
# ## Setup

# %%
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=(8, 32, 32, 3)).astype("float32")  # one batch of 8: one step per fit
y = rng.integers(0, 2, size=(8,))


def counts(model: keras.Model) -> str:
    trainable = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    frozen = sum(int(np.prod(v.shape)) for v in model.non_trainable_weights)
    return f"trainable {trainable}, non-trainable {frozen}"


def snapshot(model: keras.Model) -> dict:
    """Every weight of the model (nested ones included), by path, as NumPy copies."""
    return {v.path: np.array(keras.ops.convert_to_numpy(v)) for v in model.weights}


def moved(before: dict, weights: list) -> bool:
    """Did any of these weights change since the snapshot?"""
    assert weights, "nothing to compare"
    return any(not np.array_equal(keras.ops.convert_to_numpy(v), before[v.path]) for v in weights)


# %% [markdown]
# ## A model with a nested backbone
#
# A MobileNetV2 without its top (random weights: the structure is the lesson), called inside
# your model with `training=False`, as keras.io's transfer-learning guide does (what that does,
# and does not do, is at the end of the page).

# %%
backbone = keras.applications.MobileNetV2(
    input_shape=(32, 32, 3), alpha=0.35, include_top=False, weights=None, name="backbone"
)
inputs = keras.Input(shape=(32, 32, 3), name="image")
features = backbone(inputs, training=False)
pooled = layers.GlobalAveragePooling2D(name="pool")(features)
outputs = layers.Dense(2, activation="softmax", name="head")(pooled)
model = keras.Model(inputs, outputs, name="classifier")

print("model.layers:   ", len(model.layers), [layer.name for layer in model.layers])
print("backbone.layers:", len(backbone.layers))
print(counts(model))

# %% [markdown]
# ## Step 1: freeze the backbone, train the head
#
# `trainable = False` on the nested model freezes every layer inside it. Compile after
# freezing, train, and compare the weights with a snapshot. `run_eagerly=True` makes `fit` run
# the step as plain Python calls instead of compiling it first; this page uses it only to run
# faster on a CPU. Leave it out in your code, as the fine-tuning step below does.

# %%
backbone.trainable = False
print(counts(model))
print("trainable layers in the backbone:", sum(layer.trainable for layer in backbone.layers))

model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", run_eagerly=True)
before = snapshot(model)
model.fit(x, y, batch_size=8, epochs=1, verbose=0)
print("backbone moved:", moved(before, backbone.weights))
print("head moved:", moved(before, model.get_layer("head").weights))

# %% [markdown]
# ## The mistake: `model.layers[-20:]`
#
# In your model the backbone is a single layer, so the "top 20 layers" of `model.layers` are
# all four of its layers, the backbone among them. Setting `trainable = True` on the backbone
# unfreezes all of its layers:

# %%
top_20 = model.layers[-20:]
print(len(top_20), "layers:", [layer.name for layer in top_20])
for layer in top_20:
    layer.trainable = True
unfrozen = sum(layer.trainable for layer in backbone.layers)
print("trainable layers in the backbone:", unfrozen, "of", len(backbone.layers))
print(counts(model))

# %% [markdown]
# keras.io's EfficientNet guide can write `model.layers[-20:]` because it builds the backbone
# with `input_tensor=`: then the backbone's layers become your model's own layers, and nothing
# is nested.

# %%
flat_inputs = keras.Input(shape=(32, 32, 3), name="image")
flat_backbone = keras.applications.MobileNetV2(
    input_tensor=flat_inputs, alpha=0.35, include_top=False, weights=None, name="flat_backbone"
)
flat_outputs = layers.Dense(2, activation="softmax", name="head")(
    layers.GlobalAveragePooling2D(name="pool")(flat_backbone.output)
)
flat_model = keras.Model(flat_inputs, flat_outputs, name="flat_classifier")
print("flat model.layers:", len(flat_model.layers))
print("last 3:", [layer.name for layer in flat_model.layers[-3:]])

# %% [markdown]
# ## The fix: the backbone's own layers
#
# Unfreeze the backbone and freeze all but its last 20 layers again. Some of those 20 are
# `BatchNormalization` layers: freeze every BN layer again too (the guide's advice; the last
# section shows what happens otherwise). Then compile again: a change to `trainable` takes
# effect at the next `compile`.

# %%
backbone.trainable = True
for layer in backbone.layers[:-20]:
    layer.trainable = False
print("unfrozen:", [layer.name for layer in backbone.layers if layer.trainable][:6], "...")
unfrozen_bn = [layer for layer in backbone.layers if isinstance(layer, layers.BatchNormalization) and layer.trainable]
print("BatchNormalization layers among them:", len(unfrozen_bn))
print(counts(model))

for layer in backbone.layers:
    if isinstance(layer, layers.BatchNormalization):
        layer.trainable = False
print("trainable layers in the backbone:", sum(layer.trainable for layer in backbone.layers))
print(counts(model))
model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy")

# %% [markdown]
# `sum(layer.trainable ...)` counts layers that have no weights too (`ReLU`, `Add`): the
# trainable-weight count is the number to check.
#
# ## A frozen `BatchNormalization` runs in inference mode
#
# A `BatchNormalization` layer normally behaves in two ways: with `training=True` it normalizes
# with the batch's own mean and variance and updates its moving statistics; with
# `training=False` it uses the moving statistics. Once it is frozen, Keras 3 ignores
# `training=True`: the layer uses its moving statistics and leaves them alone.

# %%
bn = layers.BatchNormalization(name="bn")
batch = rng.normal(3.0, 2.0, size=(8, 4)).astype("float32")
inference = keras.ops.convert_to_numpy(bn(batch, training=False))

training = keras.ops.convert_to_numpy(bn(batch, training=True))
print("trainable, training=True: same as inference:", np.allclose(training, inference))
moving_mean = np.round(keras.ops.convert_to_numpy(bn.moving_mean), 4)
print("  moving mean after one training=True call (it started at 0):", moving_mean)

bn.trainable = False
stats = keras.ops.convert_to_numpy(bn.moving_mean).copy()
frozen = keras.ops.convert_to_numpy(bn(batch, training=True))
inference = keras.ops.convert_to_numpy(bn(batch, training=False))
print("frozen, training=True: same as training=False:", np.allclose(frozen, inference))
print("frozen, moving mean unchanged:", np.array_equal(stats, keras.ops.convert_to_numpy(bn.moving_mean)))

# %% [markdown]
# So during `fit` a frozen BN layer keeps the statistics it came with (for a pretrained backbone,
# those of its training data) and its output is the one `predict` gives.
#
# ## Fine-tune, and check what moved
#
# Train one step, compiled as in your code, and compare with a snapshot: the last layers before
# the head changed; the layers kept frozen, and every BN layer's weights and statistics, did not.

# %%
before = snapshot(model)
model.fit(x, y, batch_size=8, epochs=1, verbose=0)
print("Conv_1 (in the top 20) moved:", moved(before, backbone.get_layer("Conv_1").weights))
print("block_1_project (frozen) moved:", moved(before, backbone.get_layer("block_1_project").weights))
bn_weights = [w for layer in backbone.layers if isinstance(layer, layers.BatchNormalization) for w in layer.weights]
print("any BatchNormalization weight or statistic moved:", moved(before, bn_weights))

# %% [markdown]
# ## On Keras 3.15.1, `training=False` does not keep an unfrozen BN in inference mode
#
# keras.io's transfer-learning guide says more: call the backbone with `training=False`, and its
# BN layers stay in inference mode even once you unfreeze them. On Keras 3.15.1 (the version
# this page ran on) that does not hold inside `fit`. Unfreeze one BN layer, compile, train:

# %%
backbone.get_layer("Conv_1_bn").trainable = True
model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy", run_eagerly=True)
before = snapshot(model)
model.fit(x, y, batch_size=8, epochs=1, verbose=0)
print("Conv_1_bn moving mean moved:", moved(before, [backbone.get_layer("Conv_1_bn").moving_mean]))

# %% [markdown]
# Its moving statistics changed, so it ran in training mode. `fit` calls your model with
# `training=True`, and a Keras 3 functional model passes that value to every layer it calls,
# replacing the `training=False` written when the graph was built. A reader of the guide
# reported exactly this in
# [keras-team/keras#20285](https://github.com/keras-team/keras/issues/20285); the guide's source
# in the Keras repository was then edited to advise `trainable = False` on the BN layers
# themselves, as an alternative to `training=False`.
#
# Upstream Keras treats this as a bug:
# [keras-team/keras PR #23364](https://github.com/keras-team/keras/pull/23364), merged after
# 3.15.1, makes an argument written when the functional graph is built win again over the one
# `fit` passes down, as in Keras 2. The next release changes this cell: on keras-nightly
# 3.16.0.dev2026102704 it prints `Conv_1_bn moving mean moved: False`, so the unfrozen BN layer
# runs in inference mode there. The cells above, with every BN layer frozen, print the same on
# both versions: `trainable = False` on the BN layer itself keeps it in inference mode with or
# without that change.

# %% [markdown]
# ## In short
#
# - In your model a nested backbone is one layer: `model.layers[-20:]` reaches all of it.
#   Take the top layers from `backbone.layers`.
# - `backbone.trainable = True`, then `trainable = False` on `backbone.layers[:-N]` and on every
#   `BatchNormalization` layer; compile again.
# - A frozen `BatchNormalization` runs in inference mode even under `training=True`: moving
#   statistics used, never updated.
# - Keep BN layers frozen when you unfreeze: on Keras 3 up to 3.15.1, calling the backbone with
#   `training=False` does not keep an unfrozen BN in inference mode during `fit`.
#   keras-team/keras PR #23364 changes that (seen on keras-nightly 3.16.0.dev2026102704); a frozen
#   BN is in inference mode on both.
