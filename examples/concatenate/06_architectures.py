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
# # Architectures built on concatenation: Inception, U-Net, DenseNet
#
# After this page you can build the three classic blocks that join branches with
# `Concatenate`, predict their shapes and parameter counts, and draw them, and tell them apart
# from ResNet, whose skips add instead.

# %% [markdown]
# ## Short answer
#
# Inception joins parallel branches, U-Net joins each decoder level with its encoder skip,
# DenseNet joins every layer's output to all earlier ones; all three with `Concatenate`, so
# channels add up. ResNet's skips use `Add`, which keeps the channel count. Given a block's input
# `block_in` and the `residual` computed from it, both `(None, 8, 8, 16)`:
#
# ```python
# added = layers.Add(name="residual_add")([block_in, residual])
# joined = layers.Concatenate(name="residual_concat")([block_in, residual])
# print("Add:        ", added.shape)
# print("Concatenate:", joined.shape)
# ```

# %% [markdown]
# ## Setup

# %%
import collections
import tempfile

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
diagrams = tempfile.mkdtemp()  # plot_model writes its PNG files here, not over yours

# %% [markdown]
# ## Inception block: parallel kernel sizes
#
# Four branches look at the same input at different scales: a 1x1 convolution, a 3x3 and a 5x5
# (each after a 1x1 "bottleneck" that reduces the channels first), and a 3x3 max pooling
# followed by a 1x1 convolution. `padding="same"` everywhere keeps the 16 x 16 size, so the four
# outputs differ only in channels and join on the channel axis.

# %%
def inception_block(x, f1, f3_reduce, f3, f5_reduce, f5, f_pool, name):
    b1 = layers.Conv2D(f1, 1, padding="same", activation="relu", name=f"{name}_1x1")(x)
    b3 = layers.Conv2D(f3_reduce, 1, padding="same", activation="relu", name=f"{name}_3x3_reduce")(x)
    b3 = layers.Conv2D(f3, 3, padding="same", activation="relu", name=f"{name}_3x3")(b3)
    b5 = layers.Conv2D(f5_reduce, 1, padding="same", activation="relu", name=f"{name}_5x5_reduce")(x)
    b5 = layers.Conv2D(f5, 5, padding="same", activation="relu", name=f"{name}_5x5")(b5)
    bp = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    bp = layers.Conv2D(f_pool, 1, padding="same", activation="relu", name=f"{name}_pool_proj")(bp)
    return layers.Concatenate(name=f"{name}_merge")([b1, b3, b5, bp])


image = keras.Input(shape=(16, 16, 32), name="feature_map")
block = inception_block(image, 16, 12, 24, 4, 8, 8, name="inception")
inception = keras.Model(image, block, name="inception_block")
for layer in inception.layers[1:]:
    print(f"{layer.name:22} {str(layer.output.shape):20} {layer.count_params():5d} parameters")

# %% [markdown]
# The join carries 16 + 24 + 8 + 8 = 56 channels. The bottlenecks are why the block stays
# cheap: the 5x5 convolution sees 4 channels, not 32.

# %%
direct_5x5 = layers.Conv2D(8, 5, padding="same", name="direct_5x5")
direct_5x5.build((None, 16, 16, 32))
reduced = inception.get_layer("inception_5x5_reduce").count_params()
reduced += inception.get_layer("inception_5x5").count_params()
print("5x5 on all 32 channels:", direct_5x5.count_params(), "parameters")
print("1x1 to 4, then 5x5:    ", reduced, "parameters")

# %%
keras.utils.plot_model(inception, to_file=f"{diagrams}/inception.png", show_shapes=True, show_layer_names=True, dpi=50)

# %% [markdown]
# ## U-Net: skip connections from the encoder to the decoder
#
# The encoder halves the map twice; the decoder doubles it twice. At each size, the decoder
# joins its upsampled map with the encoder's map of the same size (the skip), so fine detail
# lost by pooling comes back. Input sides are multiples of 2<sup>2</sup> = 4, so every skip meets
# a map of its own size (the shape errors page shows what happens otherwise).

# %%
def conv_pair(x, filters, name):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_a")(x)
    return layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_b")(x)


image = keras.Input(shape=(32, 32, 3), name="image")
enc1 = conv_pair(image, 8, "enc1")
enc2 = conv_pair(layers.MaxPooling2D(2, name="down1")(enc1), 16, "enc2")
bottom = conv_pair(layers.MaxPooling2D(2, name="down2")(enc2), 32, "bottom")

up2 = layers.Conv2DTranspose(16, 2, strides=2, name="up2")(bottom)
dec2 = conv_pair(layers.Concatenate(name="skip2")([up2, enc2]), 16, "dec2")
up1 = layers.Conv2DTranspose(8, 2, strides=2, name="up1")(dec2)
dec1 = conv_pair(layers.Concatenate(name="skip1")([up1, enc1]), 8, "dec1")
mask = layers.Conv2D(1, 1, activation="sigmoid", name="mask")(dec1)
unet = keras.Model(image, mask, name="small_unet")

for name in ("enc1_b", "enc2_b", "bottom_b", "up2", "skip2", "up1", "skip1", "mask"):
    print(f"{name:9} {unet.get_layer(name).output.shape}")
print("parameters:", unet.count_params())

# %% [markdown]
# Each skip adds the encoder's channels to the upsampled ones: `skip2` joins 16 upsampled
# channels with 16 from `enc2_b`, and `dec2_a` pays for all 32. That is double only because both
# sides have 16 here.

# %%
print([tuple(t.shape) for t in unet.get_layer("skip2").input])
print("dec2_a kernel:", unet.get_layer("dec2_a").kernel.shape)

# %%
keras.utils.plot_model(unet, to_file=f"{diagrams}/unet.png", show_shapes=True, show_layer_names=True, dpi=50)

# %% [markdown]
# ## DenseNet block: channels that grow layer by layer
#
# In a dense block every layer sees the outputs of **all** layers before it: each one adds
# `growth_rate` new channels and joins them to everything so far. After *l* layers a block that
# started with *k*<sub>0</sub> channels carries *k*<sub>0</sub> + *l* x `growth_rate`.

# %%
def dense_block(x, num_layers, growth_rate, name):
    for i in range(1, num_layers + 1):
        y = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
        y = layers.Activation("relu", name=f"{name}_relu{i}")(y)
        y = layers.Conv2D(growth_rate, 3, padding="same", name=f"{name}_conv{i}")(y)
        x = layers.Concatenate(name=f"{name}_concat{i}")([x, y])
    return x


features = keras.Input(shape=(8, 8, 16), name="feature_map")
dense = keras.Model(features, dense_block(features, 4, 12, "dense"), name="dense_block")
for i in range(1, 5):
    conv = dense.get_layer(f"dense_conv{i}")
    concat = dense.get_layer(f"dense_concat{i}")
    print(f"layer {i}: conv sees {conv.kernel.shape[2]:2d} channels "
          f"({conv.count_params():5d} parameters), block now {concat.output.shape[-1]} channels")

# %% [markdown]
# 16 + 4 x 12 = 64 channels at the end. Each convolution costs more than the one before,
# because it reads every channel joined so far.
#
# `Concatenate` has no parameters, but it is not free: its output is a new tensor holding a copy
# of all its inputs. In a dense block every join copies everything so far, and each layer's
# `BatchNormalization` and ReLU then write two more tensors as large as the join before them. So
# per sample the joins, and the normalisations run on each joined tensor, write far more values
# than the convolutions compute:

# %%
def values(kind):
    return [int(np.prod(dense.get_layer(f"dense_{kind}{i}").output.shape[1:])) for i in range(1, 5)]


for kind in ("conv", "concat", "bn", "relu"):
    print(f"values per sample, {kind:6}: {values(kind)} total {sum(values(kind))}")
per_sample = sum(sum(values(kind)) for kind in ("conv", "concat", "bn", "relu"))
print("values for a batch of 32:", 32 * per_sample, "| weights in the block:", dense.count_params())

# %% [markdown]
# The joins, and the normalisations run on each joined tensor, are why DenseNets are
# memory-hungry, not the weights: those tensors exist once per sample in the batch, the weights
# once.

# %%
keras.utils.plot_model(dense, to_file=f"{diagrams}/dense_block.png", show_shapes=True, show_layer_names=True, dpi=50)

# %% [markdown]
# ## ResNet is not one of them: its skips use `Add`
#
# ResNet is often listed with the architectures built on concatenation. Its skip connections
# add the block's input to the block's output instead. Count the merge layers of Keras's own
# ResNet50 (random weights, a small input):

# %%
resnet = keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)
kinds = collections.Counter(type(layer).__name__ for layer in resnet.layers)
print("ResNet50: Add layers", kinds["Add"], "| Concatenate layers", kinds["Concatenate"])
first_add = resnet.get_layer("conv2_block1_add")
print("conv2_block1_add:", [tuple(t.shape) for t in first_add.input], "->", first_add.output.shape)

# %% [markdown]
# The difference on one block: `Add` keeps the 16 channels, `Concatenate` makes them 32. Neither
# has parameters.

# %%
block_in = keras.Input(shape=(8, 8, 16), name="block_in")
residual = layers.Conv2D(16, 3, padding="same", name="residual_conv")(block_in)
print("block_in:", block_in.shape, "| residual:", residual.shape)

# %%
added = layers.Add(name="residual_add")([block_in, residual])
joined = layers.Concatenate(name="residual_concat")([block_in, residual])
print("Add:        ", added.shape)
print("Concatenate:", joined.shape)

# %% [markdown]
# `Add` needs both sides to have the same shape, channels included; only an axis of size 1 may
# differ, and it is broadcast. When a block changes the channel count, the sum fails:

# %%
wider = layers.Conv2D(32, 3, padding="same", name="wider_conv")(block_in)
try:
    layers.Add(name="mismatched_add")([block_in, wider])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# ResNet's fix is a 1x1 convolution on the skip that brings it to the new channel count. In
# ResNet50 the first block of each stage has one, named `..._0_conv`:

# %%
projected = layers.Conv2D(32, 1, name="skip_projection")(block_in)
print("Add after projection:", layers.Add(name="projected_add")([projected, wider]).shape)
for layer in resnet.layers:
    if layer.name.endswith("_0_conv"):
        print(f"{layer.name}: {layer.input.shape[-1]} -> {layer.output.shape[-1]} channels")

# %% [markdown]
# ## In short
#
# - Inception: parallel branches at several kernel sizes, same spatial size, joined on channels;
#   1x1 bottlenecks keep the large kernels cheap.
# - U-Net: each decoder level joins its upsampled map with the encoder map of the same size;
#   input sides must be multiples of 2<sup>levels</sup>, or crop/pad the skips.
# - DenseNet: every layer's output is joined to all earlier ones, so channels grow by
#   `growth_rate` per layer, and so does the next convolution's kernel.
# - `Concatenate` has no parameters, but its output is a new tensor holding all its inputs:
#   the layers after it pay in weights, the joins in memory.
# - ResNet's skips use `Add`: same shapes in, same shape out, channels kept.
