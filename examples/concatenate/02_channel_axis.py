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
# # Joining convolutional paths on the channel axis
#
# After this page you can run two convolutional paths on one image, join their feature maps on
# the channel axis, predict every shape on the way, and tell where the parameters of a merged
# model live.

# %% [markdown]
# ## Short answer
#
# Given an `image` input, `keras.Input(shape=(32, 32, 3))`:
#
# ```python
# path_3x3 = layers.Conv2D(16, 3, padding="same", activation="relu", name="path_3x3")(image)
# path_5x5 = layers.Conv2D(8, 5, padding="same", activation="relu", name="path_5x5")(image)
# merge = layers.Concatenate(axis=-1, name="merge")
# merged = merge([path_3x3, path_5x5])
# ```
#
# Channels-last maps join on `axis=-1`: `(None, 32, 32, 16)` and `(None, 32, 32, 8)` give
# `(None, 32, 32, 24)`. Height and width must match; no `Flatten` is needed. `Concatenate` has no
# parameters; the layer after it pays for every joined channel.

# %% [markdown]
# ## Setup

# %%
import tempfile

import keras
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
print("image data format:", keras.config.image_data_format())

# %% [markdown]
# Keras stores images **channels-last** unless you change it: a batch of images has the shape
# `(batch, height, width, channels)`. Every shape below follows that order, starting with the
# input: 32 x 32 pixels, 3 channels.

# %%
image = keras.Input(shape=(32, 32, 3), name="image")
print("image:", image.shape)

# %% [markdown]
# ## Two paths on the same input
#
# One path looks at 3x3 neighbourhoods with 16 filters, the other at 5x5 neighbourhoods with 8.
# `padding="same"` keeps height and width at 32 in both, which is what lets them be joined.

# %%
path_3x3 = layers.Conv2D(16, 3, padding="same", activation="relu", name="path_3x3")(image)
path_5x5 = layers.Conv2D(8, 5, padding="same", activation="relu", name="path_5x5")(image)
print("path_3x3:", path_3x3.shape)
print("path_5x5:", path_5x5.shape)

# %% [markdown]
# ## Join on the channel axis
#
# The channel axis is the last one, so `axis=-1`. Counting from the front it is `axis=3`: the
# batch axis counts as axis 0. Both spellings give the same layer here.

# %%
merge = layers.Concatenate(axis=-1, name="merge")
merged = merge([path_3x3, path_5x5])
print("merged:", merged.shape)
print("axis=3 gives:", layers.Concatenate(axis=3, name="merge_axis3")([path_3x3, path_5x5]).shape)

# %% [markdown]
# Height and width stay 32; the channels add up: 16 + 8 = 24. Every axis except the one you
# join on must match, which is why both paths use `padding="same"`.
#
# ## A layer after the join
#
# A 1x1 convolution mixes the 24 joined channels into 4. Its kernel has one weight per input
# channel per filter, so its size depends on how many channels the join produced.

# %%
mix = layers.Conv2D(4, 1, name="mix")
mixed = mix(merged)
outputs = layers.GlobalAveragePooling2D(name="pool")(mixed)
model = keras.Model(image, outputs, name="two_paths")
print("mixed:  ", mixed.shape)
print("outputs:", outputs.shape)

# %% [markdown]
# ## Where the parameters are: `Concatenate` has no weights

# %%
for layer in model.layers:
    print(f"{layer.name:10} {str(layer.output.shape):20} {layer.count_params():5d} parameters")
print(f"{'total':31} {model.count_params():5d}")

# %% [markdown]
# `merge` has no parameters: it only places the two feature maps side by side. It holds no
# weights at all:

# %%
print("merge weights:", merge.weights)

# %% [markdown]
# The parameters of `mix` are its 1x1 kernel, `(1, 1, 24, 4)`, plus 4 biases:
# 24 x 4 + 4 = 100.

# %%
print("kernel:", mix.kernel.shape, "bias:", mix.bias.shape)
print("24 * 4 + 4 =", 24 * 4 + 4, "| count_params:", mix.count_params())

# %% [markdown]
# ## The layer after the join grows with it
#
# Give the 5x5 path 16 filters instead of 8 and nothing else changes: the join now carries
# 32 channels, and `mix` needs 32 x 4 + 4 = 132 parameters. `merge` still has none.

# %%
def mix_params(filters_5x5: int) -> tuple[int, int, int]:
    """Channels after the join, and the parameter counts of the merge and mix layers."""
    image = keras.Input(shape=(32, 32, 3), name="image")
    a = layers.Conv2D(16, 3, padding="same", name="path_3x3")(image)
    b = layers.Conv2D(filters_5x5, 5, padding="same", name="path_5x5")(image)
    merge = layers.Concatenate(name="merge")
    merged = merge([a, b])
    mix = layers.Conv2D(4, 1, name="mix")
    mix(merged)
    return merged.shape[-1], merge.count_params(), mix.count_params()


for filters in (8, 16, 32):
    channels, merge_count, mix_count = mix_params(filters)
    print(f"path_5x5 filters {filters:2d}: joined channels {channels}, "
          f"merge {merge_count} parameters, mix {mix_count} = {channels} * 4 + 4")

# %% [markdown]
# ## No `Flatten` before the join
#
# Maps of the same height and width join as they are. Flattening each path first also "works",
# but it turns two aligned maps into one long vector of 32 x 32 x 24 = 24576 values, and a
# `Dense` head then pays for every one of them:

# %%
flat_join = layers.Concatenate(name="flat_join")(
    [layers.Flatten(name="flat_3x3")(path_3x3), layers.Flatten(name="flat_5x5")(path_5x5)]
)
print("flattened, then joined:", flat_join.shape)
print("joined directly:       ", merged.shape)

pooled = layers.GlobalAveragePooling2D(name="pool_merged")(merged)
print("joined, then pooled:   ", pooled.shape)

flat_head = layers.Dense(10, name="flat_head")
flat_head(flat_join)
pooled_head = layers.Dense(10, name="pooled_head")
pooled_head(pooled)
print("Dense(10) after flatten, then join:", flat_head.count_params(), "parameters")
print("Dense(10) after join, then pool:   ", pooled_head.count_params(), "parameters")

# %% [markdown]
# Joined directly, the 24 channels of each pixel stay side by side, so a layer like `mix` can
# combine both paths pixel by pixel.
#
# A feature map and a *vector* cannot join as they are: one of them must change rank first.
# Either turn the map into a vector, with `Flatten` or, usually better, `GlobalAveragePooling2D`
# (24 values instead of 24576), or tile the vector over the map's height and width and join on
# channels. The [shape errors page](04_shape_errors.md) runs all three.

# %% [markdown]
# ## The diagram
#
# `keras.utils.plot_model` (it needs `pydot` and Graphviz's `dot`) draws the two paths meeting at
# `merge`. It writes a PNG file, here into a temporary folder so nothing of yours is overwritten.

# %%
diagram = f"{tempfile.mkdtemp()}/two_paths.png"
keras.utils.plot_model(model, to_file=diagram, show_shapes=True, show_layer_names=True, dpi=60)

# %% [markdown]
# ## The summary says the same
#
# `model.summary()` shows each layer's output shape, its parameter count and, for the join,
# which layers feed it.

# %%
model.summary(line_length=100)

# %% [markdown]
# ## In short
#
# - Channels-last feature maps are `(batch, height, width, channels)`; join them on `axis=-1`
#   (the same as `axis=3`: the batch axis is axis 0).
# - Every axis but the joined one must match; `padding="same"` keeps paths the same size.
#   Maps of equal size need no `Flatten` before the join.
# - The joined channel count is the sum of the paths' channel counts.
# - `Concatenate` has no weights (`count_params()` is 0); the layer after it pays for every
#   joined channel in its kernel.
