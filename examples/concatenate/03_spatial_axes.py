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
# # Joining along height and width, channels-last and channels-first
#
# After this page you can pick the right `axis` for any join of feature maps: height, width or
# channels, in either image data format, counted from the front or from the back.

# %% [markdown]
# ## Short answer
#
# `axis` counts the batch axis as 0. Channels-last maps `(batch, height, width, channels)`: 1 is
# height, 2 width, 3 (or -1) channels. Given two channels-last maps `left` and `right` that differ
# only in width:
#
# ```python
# side_by_side = layers.Concatenate(axis=2, name="side_by_side")([left, right])
# ```
#
# Channels-first maps `(batch, channels, height, width)`: channels are axis 1 and `axis=-1` is the
# width. Given two channels-first maps `path_a` and `path_b` that differ only in channels:
#
# ```python
# channels_join = layers.Concatenate(axis=1, name="channels_join")([path_a, path_b])
# ```
#
# On a CPU, keep models channels-last: TensorFlow's CPU convolution refuses channels-first when
# the model runs with oneDNN off.

# %% [markdown]
# ## Setup

# %%
import os
import subprocess
import sys
import tempfile

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## Axis numbers count the batch axis
#
# A batch of channels-last feature maps has four axes. `keras.Input(shape=...)` leaves the batch
# axis out, but the `axis` argument of `Concatenate` counts it: axis 0 is the batch.

# %%
feature_map = keras.Input(shape=(8, 10, 4), name="feature_map")
print("shape:", feature_map.shape)
for name, axis in [("batch", 0), ("height", 1), ("width", 2), ("channels", 3)]:
    negative = axis - len(feature_map.shape)
    print(f"axis {axis} or {negative:2d}: {name:8} size {feature_map.shape[axis]}")

# %% [markdown]
# `shape=(8, 10, 4)` means 8 rows (height), 10 columns (width) and 4 channels. A negative axis
# counts from the end, so `-1` is always the last axis, whatever the rank.
#
# ## Along the width: side by side
#
# Two maps with the same height (8) and channels (4) but different widths (10 and 6) can be
# placed side by side. Width is axis 2 (or -2):

# %%
left = keras.Input(shape=(8, 10, 4), name="left")
right = keras.Input(shape=(8, 6, 4), name="right")
print("left:", left.shape, "| right:", right.shape)

# %%
side_by_side = layers.Concatenate(axis=2, name="side_by_side")([left, right])
print("axis=2: ", side_by_side.shape)
print("axis=-2:", layers.Concatenate(axis=-2, name="side_by_side_neg")([left, right]).shape)

# %% [markdown]
# The widths add up, 10 + 6 = 16, and nothing else changes.
#
# Joining the same two maps along the height (axis 1) fails, because then every *other* axis
# must match, and the widths do not:

# %%
try:
    layers.Concatenate(axis=1, name="stacked_wrongly")([left, right])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The message lists both shapes. Find the axis where they differ (here the third entry, width:
# 10 vs 6): that is the only axis you can join them on.
#
# ## Along the height: one above the other

# %%
top = keras.Input(shape=(5, 10, 4), name="top")
bottom = keras.Input(shape=(3, 10, 4), name="bottom")
print("axis=1: ", layers.Concatenate(axis=1, name="stacked")([top, bottom]).shape)
print("axis=-3:", layers.Concatenate(axis=-3, name="stacked_neg")([top, bottom]).shape)

# %% [markdown]
# ## Where the values go
#
# Shapes only say how big the result is. To see where each input lands, join small arrays of
# zeros and ones: the layer works on concrete arrays as well as on symbolic tensors.

# %%
zeros = np.zeros((1, 2, 3, 1), dtype="float32")  # 2 rows, 3 columns, 1 channel
ones = np.ones((1, 2, 2, 1), dtype="float32")  # 2 rows, 2 columns, 1 channel
joined = layers.Concatenate(axis=2, name="width_join")([zeros, ones])
print(joined.shape)
print(keras.ops.convert_to_numpy(joined)[0, :, :, 0])

# %% [markdown]
# Each row is the row of `zeros` followed by the row of `ones`: a width join keeps rows aligned
# and puts the second input to the right of the first. A height join puts it below:

# %%
zeros_wide = np.zeros((1, 2, 2, 1), dtype="float32")
stacked = layers.Concatenate(axis=1, name="height_join")([zeros_wide, ones])
print(keras.ops.convert_to_numpy(stacked)[0, :, :, 0])

# %% [markdown]
# ## Channels-first
#
# With `data_format="channels_first"` a layer's feature maps are `(batch, channels, height,
# width)`. The channel axis is now 1, height 2 and width 3, so **`axis=-1` is the width**.

# %%
image_cf = keras.Input(shape=(3, 16, 16), name="image_cf")
path_a = layers.Conv2D(8, 3, padding="same", data_format="channels_first", name="path_a")(image_cf)
path_b = layers.Conv2D(4, 3, padding="same", data_format="channels_first", name="path_b")(image_cf)
print("path_a:", path_a.shape)
print("path_b:", path_b.shape)

# %%
channels_join = layers.Concatenate(axis=1, name="channels_join")([path_a, path_b])
print("axis=1: ", channels_join.shape)

# %% [markdown]
# The channels add up, 8 + 4 = 12. Copy a channels-last habit here, `axis=-1`, and Keras raises
# an error only because the channel counts differ:

# %%
try:
    layers.Concatenate(axis=-1, name="habit_join")([path_a, path_b])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# When the two paths happen to have the **same** number of channels there is no error at all:
# `axis=-1` quietly joins the widths.

# %%
path_c = layers.Conv2D(8, 3, padding="same", data_format="channels_first", name="path_c")(image_cf)
print("axis=-1:", layers.Concatenate(axis=-1, name="silent_join")([path_a, path_c]).shape)
print("axis=1: ", layers.Concatenate(axis=1, name="right_join")([path_a, path_c]).shape)

# %% [markdown]
# `(None, 8, 16, 32)` is a 16 x 32 map with 8 channels: the model builds without a word, on the
# wrong axis. Print the shape after every join.
#
# ## Running a channels-first model
#
# Building is not running. Give the channels-first model a batch: on TensorFlow, with oneDNN
# turned off (this site runs every example with `TF_ENABLE_ONEDNN_OPTS=0`, so that sums come out
# the same on every CPU), `predict` fails inside the first convolution:

# %%
onednn = "off" if os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0" else "on"
print("backend:", keras.backend.backend(), "| oneDNN:", onednn)
channels_first_model = keras.Model(image_cf, channels_join, name="channels_first")
batch_cf = np.zeros((2, 3, 16, 16), dtype="float32")
try:
    print("predict:", channels_first_model.predict(batch_cf, verbose=0).shape)
except Exception as err:  # TensorFlow raises its own UnimplementedError
    message = next(line for line in str(err).splitlines() if "NHWC" in line)
    print(f"{type(err).__name__}: {message.strip()}")

# %% [markdown]
# The message names the CPU: TensorFlow's own CPU kernel for `Conv2D` takes channels-last
# (NHWC) only. This cell is backend-specific. Run on JAX or PyTorch, the same cell prints
# `predict: (2, 12, 16, 16)`: both run channels-first convolutions on the CPU (the backend
# matrix records this page on all three). On TensorFlow, channels-first is meant for GPUs,
# where cuDNN takes NCHW; this site runs on CPUs only, so it cannot show that here.
#
# With TensorFlow's default, oneDNN on (Linux x86, Colab included), it runs; with oneDNN off it
# fails as above. Save the same model and predict in a fresh Python process with
# `TF_ENABLE_ONEDNN_OPTS=1` (on JAX or PyTorch this cell only says so):

# %%
saved = os.path.join(tempfile.mkdtemp(), "channels_first.keras")
channels_first_model.save(saved)
fresh_run = f"""
import keras, numpy as np
model = keras.saving.load_model({saved!r})
print(model.predict(np.zeros((2, 3, 16, 16), dtype="float32"), verbose=0).shape)
"""
if keras.backend.backend() == "tensorflow":
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1")
    run = subprocess.run([sys.executable, "-c", fresh_run], env=env, capture_output=True, text=True)
    print("oneDNN: on | predict:", run.stdout.strip() or f"failed, exit code {run.returncode}")
else:
    print("oneDNN applies to TensorFlow only; this backend ran the model above")

# %% [markdown]
# The same model, the same CPU, and the result depends on a setting that the people running
# your model may not control. The portable fix: keep the model channels-last, and if your data is stored channels-first,
# turn it once at the input with `Permute`:

# %%
stored_cf = keras.Input(shape=(3, 16, 16), name="stored_cf")
as_last = layers.Permute((2, 3, 1), name="to_channels_last")(stored_cf)
path_a_last = layers.Conv2D(8, 3, padding="same", name="path_a_last")(as_last)
path_b_last = layers.Conv2D(4, 3, padding="same", name="path_b_last")(as_last)
joined_last = layers.Concatenate(axis=-1, name="channels_join_last")([path_a_last, path_b_last])
channels_last_model = keras.Model(stored_cf, joined_last, name="channels_last")
print("as_last:", as_last.shape)
print("predict:", channels_last_model.predict(batch_cf, verbose=0).shape)

# %% [markdown]
# ## An axis that follows the data format
#
# Code meant for either format can ask Keras which one is configured, the way Keras's own
# applications do:

# %%
def channel_axis() -> int:
    return -1 if keras.config.image_data_format() == "channels_last" else 1


print(keras.config.image_data_format(), "-> channel axis", channel_axis())

# %% [markdown]
# `keras.config.image_data_format()` reads the global setting (from `~/.keras/keras.json`, or
# `keras.config.set_image_data_format`). A layer built with an explicit `data_format=`, like the
# convolutions above, ignores it, so in a model that mixes both, write the axis out.

# %% [markdown]
# ## In short
#
# - `axis` counts the batch axis: channels-last maps are 0 batch, 1 height, 2 width, 3 channels.
# - Negative axes count from the end: `-1` channels, `-2` width, `-3` height (channels-last).
# - All axes but the joined one must match; the error lists both shapes so you can compare.
# - In channels-first models the channel axis is 1, and `axis=-1` is the width: with equal
#   channel counts it joins the wrong axis without any error.
# - A channels-first model builds everywhere but does not run everywhere: TensorFlow's CPU
#   `Conv2D` wants channels-last unless oneDNN is on. On a CPU, `Permute` the data to
#   channels-last at the input.
