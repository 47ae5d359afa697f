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
# # Saving a multi-input model with a custom merge layer
#
# After this page you can save a model that merges its inputs with a layer of your own, fix the
# "Could not locate class" error when you load it, and know when the layer needs `get_config`
# and what it must return.

# %% [markdown]
# ## Short answer
#
# Register the class before you save, and define or import it before you load. Give it a
# `get_config` when a constructor argument is not a plain Python value (a NumPy array, a layer),
# and return every constructor argument from it. Here the layer extends `TileConcat`, this page's
# merge layer (defined, then registered, in the sections below), with one scale per feature given
# as a NumPy array:
#
# ```python
# @keras.saving.register_keras_serializable()
# class ScaledTileConcat(TileConcat):
#     def __init__(self, scale, **kwargs):
#         super().__init__(scale=np.asarray(scale, dtype="float32"), **kwargs)
#
#     def get_config(self):
#         return {**super().get_config(), "scale": self.scale.tolist()}
# ```
#
# Where the class is defined but not registered, pass `custom_objects=` keyed by the name stored
# in the file: `{"TileConcat": TileConcat}` for a file saved from the unregistered class,
# `{"Custom>TileConcat": TileConcat}` for one saved from the registered class.

# %% [markdown]
# ## Setup

# %%
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
folder = Path(tempfile.mkdtemp())  # model files go here, never over a file of yours

rng = np.random.default_rng(0)
maps = rng.normal(size=(2, 5, 7, 8)).astype("float32")
vectors = rng.normal(size=(2, 4)).astype("float32")


def predict(model: keras.Model, feature_maps=maps) -> np.ndarray:
    return keras.ops.convert_to_numpy(model([feature_maps, vectors]))

# %% [markdown]
# ## A custom merge layer
#
# `TileConcat` copies a `(batch, features)` vector to every position of a `(batch, h, w, c)`
# feature map and joins the two on channels. It reads the map's height and width with
# `keras.ops.shape` when it runs, not from the static `.shape`, so the model below accepts
# maps of any size (`None` height and width). The class is not registered yet.

# %%
class TileConcat(layers.Layer):
    """Tiles a (batch, features) vector over a (batch, h, w, c) map, then concatenates."""

    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, feature_map, vector):
        height, width = keras.ops.shape(feature_map)[1], keras.ops.shape(feature_map)[2]
        pixel = keras.ops.expand_dims(keras.ops.expand_dims(vector * self.scale, 1), 1)
        return keras.ops.concatenate([feature_map, keras.ops.tile(pixel, [1, height, width, 1])], axis=-1)


def build(merge: layers.Layer) -> keras.Model:
    feature_map = keras.Input(shape=(None, None, 8), name="feature_map")
    vector = keras.Input(shape=(4,), name="vector")
    merged = merge(feature_map, vector)
    outputs = layers.Conv2D(3, 1, name="head")(merged)
    return keras.Model([feature_map, vector], outputs, name="conditioned")


model = build(TileConcat(scale=0.5, name="tile_concat"))
print("merged:", model.get_layer("head").input.shape)
print("5 x 7 maps:", predict(model).shape)
print("3 x 3 maps:", predict(model, maps[:, :3, :3]).shape)
expected = predict(model)

# %% [markdown]
# ## Save, then load: "Could not locate class"
#
# Saving works. Loading does not: the file holds the class's name and configuration, not its
# code, and nothing tells Keras which class the name `TileConcat` means.

# %%
path = folder / "conditioned.keras"
model.save(path)
try:
    keras.models.load_model(path)
except TypeError as err:
    message = str(err)
    print(f"TypeError: {message.split(' Full object config')[0]}")

# %% [markdown]
# The message goes on with the layer's full configuration (cut here).
#
# ## Fix 1: `custom_objects=`
#
# Tell `load_model` which class the name means. The key is the name stored in the file: here
# `TileConcat`, because the class was not registered when the model was saved.

# %%
loaded = keras.models.load_model(path, custom_objects={"TileConcat": TileConcat})
print(type(loaded.get_layer("tile_concat")).__name__, loaded.get_layer("tile_concat").scale)
print("same predictions:", np.allclose(predict(loaded), expected))

# %% [markdown]
# ## Fix 2: register the class
#
# `@keras.saving.register_keras_serializable()` above the class adds it to a registry under a
# package-qualified name (the package is `Custom` unless you pass `package=`). Here it is applied
# to the class already defined, which is what the decorator does:

# %%
keras.saving.register_keras_serializable()(TileConcat)
print("registered as:", keras.saving.get_registered_name(TileConcat))

# %% [markdown]
# The file saved before still names plain `TileConcat`, so it still needs `custom_objects`.
# Save again, and the file names `Custom>TileConcat`, which the registry knows:

# %%
try:
    keras.models.load_model(path)
except TypeError as err:
    print("file saved before registering, still 'Could not locate class':", "Could not locate" in str(err))

model.save(path)
loaded = keras.models.load_model(path)
print("new file, same predictions:", np.allclose(predict(loaded), expected))

# %% [markdown]
# The registry belongs to the running Python process: a script that loads the file must run the
# class definition, decorator included (import it), first. A script that defines the class
# without the decorator is in the state below, made here by removing the registration. The file
# names `Custom>TileConcat`, so that is the key `custom_objects` needs; plain `TileConcat` fails.
# Then the class is registered again, for the rest of the page:

# %%
del keras.saving.get_custom_objects()["Custom>TileConcat"]  # as in a process without the decorator
for key in ("TileConcat", "Custom>TileConcat"):
    try:
        keras.models.load_model(path, custom_objects={key: TileConcat})
        print(f"custom_objects key {key!r} loads:", True)
    except TypeError as err:
        reason = str(err).split("Exception encountered: ")[-1].split(".")[0]
        print(f"custom_objects key {key!r} fails: {reason}")
keras.saving.register_keras_serializable()(TileConcat)  # registered again for the rest of the page
print("registered again:", keras.saving.get_registered_object("Custom>TileConcat") is TileConcat)

# %% [markdown]
# ## When `get_config` is needed
#
# `TileConcat` has no `get_config`, yet its `scale` came back: while a class does not override
# `get_config`, Keras 3 records the constructor arguments when they are plain values (numbers,
# strings, lists, dicts).

# %%
print(loaded.get_layer("tile_concat").get_config()["scale"])

# %% [markdown]
# An argument that is not a plain value, such as a NumPy array of per-feature scales, cannot be
# recorded. Keras then refuses to save:

# %%
class ArrayTileConcat(TileConcat):
    """TileConcat with one scale per feature, given as a NumPy array."""

    def __init__(self, scale, **kwargs):
        super().__init__(scale=np.asarray(scale, dtype="float32"), **kwargs)


per_feature = np.array([1.0, 0.5, 0.5, 2.0], dtype="float32")
try:
    build(ArrayTileConcat(per_feature, name="tile_concat")).save(folder / "array.keras")
except NotImplementedError as err:
    print("NotImplementedError:", " ".join(str(err).split("Example:")[0].split()))

# %% [markdown]
# `get_config` returns the argument as a plain value (`tolist()`); `__init__` turns it back
# into an array. Register the class, save, load, compare:

# %%
@keras.saving.register_keras_serializable()
class ScaledTileConcat(TileConcat):
    """TileConcat with one scale per feature, saved through get_config."""

    def __init__(self, scale, **kwargs):
        super().__init__(scale=np.asarray(scale, dtype="float32"), **kwargs)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale.tolist()}


scaled = build(ScaledTileConcat(per_feature, name="tile_concat"))
scaled_path = folder / "scaled.keras"
scaled.save(scaled_path)
reloaded = keras.models.load_model(scaled_path)
print(reloaded.get_layer("tile_concat").scale)
before = predict(scaled)
print("same predictions:", np.allclose(predict(reloaded), before))

# %% [markdown]
# Once a class overrides `get_config`, Keras stops recording its arguments: `super().get_config()`
# returns only `name`, `trainable` and `dtype`, so your `get_config` must return every argument.
# A subclass that adds a `gain` argument and keeps the inherited `get_config` loses it silently;
# `from_config` is what `load_model` calls with the stored configuration:

# %%
class GainTileConcat(ScaledTileConcat):
    """Adds a gain argument, but keeps ScaledTileConcat's get_config, which does not return it."""

    def __init__(self, scale, gain=1.0, **kwargs):
        super().__init__(scale, **kwargs)
        self.gain = gain


config = GainTileConcat(per_feature, gain=3.0, name="tile_concat").get_config()
print(sorted(config))
print("gain after loading:", GainTileConcat.from_config(config).gain)

# %% [markdown]
# A layer passed as an argument needs more. `get_config` returns
# `keras.saving.serialize_keras_object(layer)`, a dictionary; without a `from_config` that turns
# it back into a layer, the model saves but does not load:

# %%
@keras.saving.register_keras_serializable()
class ProjectedTileConcat(TileConcat):
    """TileConcat that first passes the vector through a layer given as an argument."""

    def __init__(self, projection, **kwargs):
        super().__init__(**kwargs)
        self.projection = projection

    def call(self, feature_map, vector):
        return super().call(feature_map, self.projection(vector))

    def get_config(self):
        return {**super().get_config(), "projection": keras.saving.serialize_keras_object(self.projection)}


projected_path = folder / "projected.keras"
build(ProjectedTileConcat(layers.Dense(2, name="projection"), name="tile_concat")).save(projected_path)
try:
    keras.models.load_model(projected_path)
except TypeError as err:
    print("TypeError:", str(err).split(" Please")[0])

# %% [markdown]
# The fix is a `from_config` classmethod that calls `keras.saving.deserialize_keras_object` on
# that entry before the constructor:

# %%
@keras.saving.register_keras_serializable()
class LoadableProjectedTileConcat(ProjectedTileConcat):
    """ProjectedTileConcat with the from_config that rebuilds its projection layer."""

    @classmethod
    def from_config(cls, config):
        config["projection"] = keras.saving.deserialize_keras_object(config["projection"])
        return cls(**config)


projected = build(LoadableProjectedTileConcat(layers.Dense(2, name="projection"), name="tile_concat"))
projected.save(projected_path)
reloaded = keras.models.load_model(projected_path)
print(type(reloaded.get_layer("tile_concat").projection).__name__)
print("same predictions:", np.allclose(predict(reloaded), predict(projected)))

# %% [markdown]
# ## In short
#
# - "Could not locate class" means the loading process does not know your layer's name: register
#   the class (and save again), or pass `custom_objects=` keyed by the name in the file.
# - `@keras.saving.register_keras_serializable()` stores the layer as `Custom>Name`, and that is
#   the `custom_objects` key for such a file; a file saved before registering keeps plain `Name`.
# - Plain constructor arguments are saved without `get_config`; arrays, layers and other objects
#   need one, or saving fails. Once you write `get_config`, it must return every argument; a
#   layer argument also needs `from_config`.
# - Check the round trip: `np.allclose` on the predictions of the model and the loaded one.
