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
# # Shape errors when joining branches, and every common fix
#
# After this page you can read a `Concatenate` shape error, find which axis is wrong and why,
# and choose the fix that fits: cropping, padding, resizing, picking input sizes, reshaping,
# pooling, or tiling a vector over a feature map.

# %% [markdown]
# ## Short answer
#
# "requires inputs with matching shapes except for the concatenation axis": compare the listed
# shapes entry by entry; every entry but the join axis must be equal (a `None`, an unknown size,
# matches any). Off by a pixel, crop the skip (or pad, or resize the other map). Given a square
# skip map `skip` of known size, larger than the upsampled map `up` it joins:
#
# ```python
# extra = skip.shape[1] - up.shape[1]
# before, after = extra // 2, extra - extra // 2
# cropped = layers.Cropping2D(cropping=((before, after), (before, after)), name="crop_skip")(skip)
# ```
#
# Different ranks: reduce the larger tensor, or give the smaller one the larger's rank. Given a
# `feature_map` to join with a vector, and a `vector` to join with a sequence of 5 steps:
#
# ```python
# pooled = layers.GlobalAveragePooling2D(name="pool")(feature_map)
# per_step = layers.RepeatVector(5, name="repeat_per_step")(vector)
# ```

# %% [markdown]
# ## Setup

# %%
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## 1. One pixel off: an odd size through pooling and upsampling
#
# A U-Net keeps a feature map (the *skip*), pools it down, works on the smaller map, upsamples it
# again and joins it to the skip. With a 15 x 15 input the two no longer meet:

# %%
def down_and_up(size: int):
    image = keras.Input(shape=(size, size, 3), name="image")
    skip = layers.Conv2D(8, 3, padding="same", name="skip_conv")(image)
    down = layers.MaxPooling2D(2, name="down")(skip)
    up = layers.UpSampling2D(2, name="up")(down)
    return image, skip, down, up


image, skip, down, up = down_and_up(15)
print("skip:", skip.shape, "| down:", down.shape, "| up:", up.shape)
try:
    layers.Concatenate(name="join")([up, skip])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# **Reading it.** The message lists the input shapes in the order you passed them. Compare them
# entry by entry: only the last (channels, the join axis) may differ, but here height and width
# differ, 14 against 15. Pooling 15 by 2 rounds down to 7, and upsampling 7 gives back 14, not 15.
#
# **Fix A: choose input sizes the network can halve cleanly.** With *n* poolings by 2, height and
# width must be multiples of 2<sup>n</sup>. One pooling here, so any even size works:

# %%
for size in (14, 15, 16):
    image, skip, down, up = down_and_up(size)
    ok = up.shape[1:3] == skip.shape[1:3]
    print(f"input {size}: skip {skip.shape[1:3]}, up {up.shape[1:3]} -> {'joins' if ok else 'fails'}")

# %% [markdown]
# This is the right fix when you decide the input size: resize or pad the images once, in the
# data pipeline, and the network needs no patching. When the size is imposed, adjust one of the
# two maps inside the model instead.
#
# **Fix B: crop the skip** with `Cropping2D`. The original U-Net crops its skips *centred*: the
# same number of rows and columns from each side, and with an odd difference one side gives one
# more. With a one-pixel difference the code below drops only the last row and column. Right
# when a border pixel can be lost.

# %%
image, skip, down, up = down_and_up(15)
print("skip:", skip.shape, "| up:", up.shape)

# %%
extra = skip.shape[1] - up.shape[1]
before, after = extra // 2, extra - extra // 2
print("rows and columns to drop:", extra, "| before:", before, "after:", after)
cropped = layers.Cropping2D(cropping=((before, after), (before, after)), name="crop_skip")(skip)
print("cropped skip:", cropped.shape)
print("joined:      ", layers.Concatenate(name="join_cropped")([up, cropped]).shape)

# %% [markdown]
# **Fix C: pad the upsampled map** with `ZeroPadding2D`, adding a row and a column of zeros.
# Right when the output must keep the input's full size, as in segmentation.

# %%
padded = layers.ZeroPadding2D(padding=((0, extra), (0, extra)), name="pad_up")(up)
print("padded up:", padded.shape)
print("joined:   ", layers.Concatenate(name="join_padded")([padded, skip]).shape)

# %% [markdown]
# **Fix D: resize the upsampled map** to the skip's size with `Resizing` (bilinear by default).
# Right when the sizes differ by more than a pixel or by a factor that is not a whole number.

# %%
resized = layers.Resizing(skip.shape[1], skip.shape[2], name="resize_up")(up)
print("resized up:", resized.shape)
print("joined:    ", layers.Concatenate(name="join_resized")([resized, skip]).shape)

# %% [markdown]
# None of the three adds a parameter:

# %%
for fix in (layers.Cropping2D(1), layers.ZeroPadding2D(1), layers.Resizing(15, 15)):
    fix.build((None, 14, 14, 8))
    print(f"{type(fix).__name__:14} {fix.count_params()} parameters")

# %% [markdown]
# ## 2. Ranks differ: a vector and a sequence
#
# A summary vector `(None, 16)` cannot be joined to a sequence `(None, 5, 16)`: one has two axes,
# the other three.

# %%
vector = keras.Input(shape=(16,), name="vector")
sequence = keras.Input(shape=(5, 16), name="sequence")
try:
    layers.Concatenate(name="join")([vector, sequence])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# **Reading it.** The shapes have different lengths: that is a rank mismatch, and no `axis` can
# fix it. Decide what the vector *is* for the sequence, then give it the matching rank:

# %%
as_step = layers.Reshape((1, 16), name="as_one_step")(vector)
print("as an extra step:", layers.Concatenate(axis=1, name="join_steps")([as_step, sequence]).shape)

per_step = layers.RepeatVector(5, name="repeat_per_step")(vector)
print("beside every step:", layers.Concatenate(name="join_features")([per_step, sequence]).shape)

summary = layers.GlobalAveragePooling1D(name="average_steps")(sequence)
print("sequence summarised:", layers.Concatenate(name="join_vectors")([vector, summary]).shape)

# %% [markdown]
# - `Reshape((1, 16))` makes the vector one more time step (axis 1): a "start token" of context.
# - `RepeatVector(5)` copies it to every step, joined on features: each step sees the context.
# - `GlobalAveragePooling1D` goes the other way, reducing the sequence to a vector.
#
# ## 3. Ranks differ: a vector and a feature map
#
# The same mismatch with an image branch: a vector of 10 features and an 8 x 8 map with 16
# channels.

# %%
features = keras.Input(shape=(10,), name="features")
feature_map = keras.Input(shape=(8, 8, 16), name="feature_map")
try:
    layers.Concatenate(name="join")([features, feature_map])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# This, a feature map and a vector, is the case that needs `Flatten` or pooling. Two maps of the
# same height and width need neither: they join on channels as they are (see the channel axis
# page).
#
# **Fix A: make the map a vector.** `GlobalAveragePooling2D` averages each channel over the map
# (16 values); `Flatten` keeps every position (8 x 8 x 16 = 1024 values). Right before a
# classifier head. Flatten makes the next `Dense` layer pay for all 1024 values:

# %%
pooled = layers.GlobalAveragePooling2D(name="pool")(feature_map)
flat = layers.Flatten(name="flatten")(feature_map)
for name, vec in (("pooled", pooled), ("flattened", flat)):
    joined = layers.Concatenate(name=f"join_{name}")([features, vec])
    head = layers.Dense(4, name=f"head_{name}")
    head(joined)
    print(f"{name:9} joined {joined.shape}, head parameters {head.count_params()}")

# %% [markdown]
# **Fix B: tile the vector over the map.** Copy the 10 features to every one of the 8 x 8
# positions, then join on channels. Right when every pixel should see the vector, for example a
# segmentation model conditioned on a few numbers. With Keras layers: reshape to a 1 x 1 map,
# then upsample it to 8 x 8.

# %%
as_pixel = layers.Reshape((1, 1, 10), name="as_pixel")(features)
tiled = layers.UpSampling2D(size=(8, 8), name="tile")(as_pixel)
print("tiled:", tiled.shape)
print("joined:", layers.Concatenate(name="join_tiled")([feature_map, tiled]).shape)

# %% [markdown]
# With `keras.ops` in a small layer, the map itself decides the tiling. A first try reads its
# height and width from `feature_map.shape`:

# %%
class TileOverStatic(layers.Layer):
    """Reads the map's size from its static shape: breaks when that size is unknown."""

    def call(self, vector, feature_map):
        height, width = feature_map.shape[1], feature_map.shape[2]
        pixel = keras.ops.expand_dims(keras.ops.expand_dims(vector, 1), 1)
        return keras.ops.tile(pixel, [1, height, width, 1])


print("8 x 8 map:", TileOverStatic(name="tile_static")(features, feature_map).shape)
any_map = keras.Input(shape=(None, None, 16), name="any_map")
try:
    print("any map:", TileOverStatic(name="tile_static_any")(features, any_map).shape)
except (TypeError, ValueError) as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# For a map declared with `shape=(None, None, 16)` (any size), `.shape` holds `None` for height
# and width, and TensorFlow cannot tile by `None`. This cell is backend-specific: on JAX and
# PyTorch it prints a shape instead, and the layer happens to run, so the bug waits for the day
# the model runs on TensorFlow. Read the size at run time with `keras.ops.shape`, which works on
# every backend for any map size:

# %%
class TileOver(layers.Layer):
    """Copies a (batch, features) vector to every position of a (batch, h, w, c) map."""

    def call(self, vector, feature_map):
        shape = keras.ops.shape(feature_map)
        pixel = keras.ops.expand_dims(keras.ops.expand_dims(vector, 1), 1)
        return keras.ops.tile(pixel, [1, shape[1], shape[2], 1])


tiled_ops = TileOver(name="tile_over")(features, feature_map)
print("tiled:", tiled_ops.shape)
print("joined:", layers.Concatenate(name="join_tiled_ops")([feature_map, tiled_ops]).shape)

tiled_any = TileOver(name="tile_over_any")(features, any_map)
any_join = layers.Concatenate(name="join_any")([any_map, tiled_any])
any_model = keras.Model([features, any_map], any_join, name="tile_any_size")
for height, width in ((5, 7), (8, 8)):
    batch = [np.ones((2, 10), dtype="float32"), np.ones((2, height, width, 16), dtype="float32")]
    print(f"{height} x {width} map ->", any_model.predict(batch, verbose=0).shape)

# %% [markdown]
# Both tilings give the same values. Check it on a batch of two:

# %%
rng = np.random.default_rng(0)
vectors = rng.normal(size=(2, 10)).astype("float32")
maps = rng.normal(size=(2, 8, 8, 16)).astype("float32")
with_layers = keras.Model([features, feature_map], tiled).predict([vectors, maps], verbose=0)
with_ops = keras.Model([features, feature_map], tiled_ops).predict([vectors, maps], verbose=0)
print("same values:", np.array_equal(with_layers, with_ops))
print("every position holds the vector:", np.array_equal(with_ops[:, 3, 5, :], vectors))

# %% [markdown]
# ## 4. The wrong axis
#
# An axis inside the rank but not the one that differs raises the "matching shapes" error of
# section 1 (see the spatial axes page). An axis **beyond** the rank is worse: a 4-axis map has
# axes 0 to 3, and neither message for `axis=4` mentions the axis. Which one you get depends on
# whether the inputs happen to have the same shape:

# %%
other_map = keras.Input(shape=(8, 8, 16), name="other_map")
for pair in ([feature_map, tiled], [feature_map, other_map]):
    try:
        layers.Concatenate(axis=4, name="join_axis4")(pair)
    except (ValueError, IndexError) as err:
        print(f"{type(err).__name__}: {err}\n")

# %% [markdown]
# When the shapes already agree on every axis that exists, the message is "list index out of
# range" from `Concatenate.call()`: the axis number is past the last axis. Count the batch axis
# as 0, or count from the end: the channels are `axis=3` or `axis=-1`.

# %%
print(layers.Concatenate(axis=3, name="join_axis3")([feature_map, tiled]).shape)

# %% [markdown]
# ## 5. A branch pooled down to nothing
#
# Each 2 x 2 pooling halves the height and width, rounding down. A 4 x 4 input survives two
# poolings (2 x 2, then 1 x 1); a third has nothing left to pool:

# %%
small = keras.Input(shape=(4, 4, 3), name="small")
x = small
for step in (1, 2, 3):
    try:
        x = layers.MaxPooling2D(2, name=f"pool_{step}")(x)
        print(f"after pool_{step}:", x.shape)
    except ValueError as err:
        print(f"ValueError: {err}")

# %% [markdown]
# The message reports the input it got, `[None 1 1 3]`: the map is already 1 x 1. A branch that
# runs a 3 x 3 convolution with the default `padding="valid"` on such a map fails the same way,
# because a valid k x k convolution shrinks each side by k - 1:

# %%
try:
    layers.Conv2D(8, 3, name="branch_conv")(x)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# Fix it at the source: fewer poolings, a larger input, or `padding="same"`, which keeps the size
# (a same-padded convolution on a 1 x 1 map still works, though it only ever sees one pixel):

# %%
print(layers.Conv2D(8, 3, padding="same", name="branch_conv_same")(x).shape)
print(layers.MaxPooling2D(2, padding="same", name="pool_same")(x).shape)

# %% [markdown]
# ## In short
#
# - "requires inputs with matching shapes except for the concatenation axis": compare the listed
#   shapes entry by entry; every entry but the join axis must be equal (`None` matches any size).
# - Spatial sizes one apart come from odd sizes through pooling: pick multiples of 2<sup>n</sup>,
#   or crop the skip (centred), pad the upsampled map, or resize it.
# - Shapes of different lengths are a rank mismatch: `Reshape`, `RepeatVector`, global pooling,
#   `Flatten`, or tiling decide what the smaller tensor means for the larger. In a custom layer,
#   read sizes with `keras.ops.shape`, not `.shape`.
# - "list index out of range" from `Concatenate.call()` is an axis past the last one.
# - "Computed output size would be zero or negative" means a branch pooled or convolved its map
#   away; fix the sizes, not the join.
