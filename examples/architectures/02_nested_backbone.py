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
# # Features from inside a nested backbone
#
# After this page you can read the activations of a layer inside a `keras.applications` backbone
# that sits as one layer in your own model, with the model's own weights and the same predictions.

# %% [markdown]
# ## Short answer
#
# `keras.Model(model.input, inner.output)` fails with "is not connected to `inputs`": the inner
# tensor belongs to the backbone's own graph. Build a model on the backbone's own input that
# returns the inner layer's output and the backbone's output, and call it where the backbone was
# called. Given the nested `backbone` (a MobileNetV2 below) and the `image` input of your model:
#
# ```python
# inner = backbone.get_layer("block_6_expand_relu")
# features = keras.Model(backbone.input, [inner.output, backbone.output], name="features")
# inner_map, deep = features(image)
# ```

# %% [markdown]
# ## Setup

# %%
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
batch = np.random.default_rng(0).normal(size=(4, 32, 32, 3)).astype("float32")

# %% [markdown]
# ## Your model, with a backbone inside
#
# A MobileNetV2 backbone (random weights, `weights=None`; 32x32 is the smallest input it takes),
# named `backbone`, then a pooling layer `pool` and a classifier `head`. For the outer model the
# whole backbone is one layer:

# %%
backbone = keras.applications.MobileNetV2(
    weights=None, include_top=False, input_shape=(32, 32, 3), name="backbone"
)
image = keras.Input(shape=(32, 32, 3), name="image")
pooled = layers.GlobalAveragePooling2D(name="pool")(backbone(image))
model = keras.Model(image, layers.Dense(3, name="head")(pooled), name="classifier")
print([layer.name for layer in model.layers])
print(len(backbone.layers), "layers inside backbone")

# %% [markdown]
# ## The naive attempt
#
# You want the 4x4 feature map of `block_6_expand_relu` next to the predictions. Fetch the layer
# through the backbone (if all you have is `model`, `model.get_layer("backbone")` gives you that
# same backbone) and ask for its `.output` from the outer model's input:

# %%
print("the same object:", model.get_layer("backbone") is backbone)
inner = backbone.get_layer("block_6_expand_relu")
print(inner.output.shape)
try:
    keras.Model(model.input, [inner.output, model.output])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# "Output with path `0`" is the first output you asked for, `inner.output`; `model.output` was
# fine. Even the backbone's own `.output` fails the same way: it is not the tensor your model got
# from `backbone(image)`:

# %%
print("backbone.output is what pool receives:", backbone.output is model.get_layer("pool").input)
try:
    keras.Model(model.input, backbone.output)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# ## Why: the inner tensors belong to the backbone's graph
#
# Keras built the backbone's layers once, on the backbone's own `Input`, and `inner.output` is
# the tensor of that call. `backbone(image)` then added one step for the whole backbone to your
# model's graph; the inner layers were not called again. So the outer graph runs from `image` to
# the backbone's result, and no path leads from `image` to `inner.output`:

# %%
print("backbone's input is the model's input:", backbone.input is model.input)
print("block_6_expand_relu is a layer of model:", "block_6_expand_relu" in [layer.name for layer in model.layers])
inner_only = keras.Model(backbone.input, inner.output)
print("from the backbone's own input it connects:", inner_only.output.shape)

# %% [markdown]
# ## The fix: a feature model, called where the backbone was
#
# Build a model from the backbone's input to the inner output *and* the backbone's output. It
# reuses the backbone's layers (no copy). Call it on `image`, finish with your model's own `pool`
# and `head` layers, and you get the same classifier with one more output:

# %%
features = keras.Model(backbone.input, [inner.output, backbone.output], name="features")
inner_map, deep = features(image)
prediction = model.get_layer("head")(model.get_layer("pool")(deep))
probe = keras.Model(image, [inner_map, prediction], name="classifier_with_features")
print([layer.name for layer in probe.layers])
print(inner_map.shape, prediction.shape)
shared = all(a is b for a, b in zip(features.weights, backbone.weights, strict=True))
print("the backbone's weights, not copies:", shared)

# %% [markdown]
# ## Proof: predictions unchanged
#
# One pass gives the feature map and the predictions. The predictions are the original model's,
# and the feature map is what the backbone computes at that layer:

# %%
map_values, predictions = probe.predict(batch, verbose=0)
print(map_values.shape, predictions.shape)
print("same predictions as model:", np.allclose(predictions, model.predict(batch, verbose=0), atol=1e-6))
print("same map as the backbone's layer:", np.allclose(map_values, inner_only.predict(batch, verbose=0), atol=1e-6))

# %% [markdown]
# ## If you called `backbone(image, training=False)`
#
# Pass `features` what you passed the backbone: `features(image, training=False)`. The probe is
# then built like your model and predicts the same, run for inference or for training. That
# `training=False` does not keep the BatchNormalization layers of a backbone you have not frozen
# in inference mode on Keras 3.15.1, though: when the whole model runs with `training=True`, as in
# `fit`, Keras 3.15.1 replaces it with the outer value
# ([keras-team/keras#20285](https://github.com/keras-team/keras/issues/20285); these
# training-mode calls also update the moving statistics):

# %%
head, pool = model.get_layer("head"), model.get_layer("pool")
frozen = keras.Model(image, head(pool(backbone(image, training=False))), name="classifier_frozen")
frozen_map, frozen_deep = features(image, training=False)
frozen_probe = keras.Model(image, [frozen_map, head(pool(frozen_deep))], name="frozen_with_features")
to_numpy = keras.ops.convert_to_numpy
for training in (False, True):
    _, probed = frozen_probe(batch, training=training)
    same = np.allclose(to_numpy(probed), to_numpy(frozen(batch, training=training)), atol=1e-6)
    print(f"training={training}: same predictions as your model:", bool(same))
as_inference = np.allclose(to_numpy(frozen(batch, training=True)), to_numpy(frozen(batch, training=False)), atol=1e-6)
print("training=True run gives the inference predictions:", bool(as_inference))

# %% [markdown]
# The next Keras release changes the last line.
# [keras-team/keras PR #23364](https://github.com/keras-team/keras/pull/23364), merged after
# 3.15.1, makes a `training` argument written when the functional graph is built win again over
# the one the outer call passes down. On keras-nightly 3.16.0.dev2026102704 this cell prints
# `True` on the last line: the `training=True` run gives the inference predictions. The first two
# lines stay `True`: the probe matches your model on both versions, because `features` gets the
# same `training=False` the backbone got.
#
# If you build the model yourself, do this from the start: call `features` where you would call
# `backbone`, and the inner map is one of your model's outputs.
#
# ## Or: no nesting at all
#
# If the outer model starts from the backbone's own input, the backbone's layers are its layers
# and the naive line works. keras.io's Grad-CAM example reads its conv layer this way, from an
# application model that is not nested:

# %%
flat_output = model.get_layer("head")(model.get_layer("pool")(backbone.output))
flat = keras.Model(backbone.input, flat_output, name="flat")
flat_names = [layer.name for layer in flat.layers]
print(len(flat_names), "layers; block_6_expand_relu is one:", "block_6_expand_relu" in flat_names)
flat_probe = keras.Model(flat.input, [flat.get_layer("block_6_expand_relu").output, flat.output])
flat_map, flat_predictions = flat_probe.predict(batch, verbose=0)
print("same predictions as model:", np.allclose(flat_predictions, model.predict(batch, verbose=0), atol=1e-6))

# %% [markdown]
# ## In short
#
# - An inner layer's `.output` (and the backbone's own `.output`) lives in the backbone's graph;
#   from the outer model's input it is "not connected to `inputs`".
# - Fix: `features = keras.Model(backbone.input, [inner.output, backbone.output])`, call it where
#   the backbone was called, and finish with your model's own layers.
# - The feature model shares the backbone's weights: predictions stay the same (checked above).
#   Pass it the backbone's arguments, e.g. `features(image, training=False)`: the probe then
#   matches your model on Keras 3.15.1, where `fit`'s `training=True` overrides that argument, and
#   after keras-team/keras PR #23364 (keras-nightly 3.16.0.dev2026102704), where it no longer does.
# - Or build the outer model on `backbone.input`, so the backbone's layers are the model's own.
