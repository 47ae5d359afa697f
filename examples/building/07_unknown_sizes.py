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
# # Concatenate with `None` height and width: errors that only appear at run time
#
# After this page you can tell which size mismatches Keras catches when you build a model with
# `shape=(None, None, 3)` inputs and which only surface when data arrives, read the run-time
# error, and guard the join so any input size works or fails with your own message.

# %% [markdown]
# ## Short answer
#
# With `None` heights and widths Keras cannot compare them when it builds the model, so
# `Concatenate` accepts the branches and the mismatch fails at `predict` or `fit`, in the
# backend's own words. Guard the join by cropping (or padding) one branch to the other's size,
# read at run time with `keras.ops.shape`. Register the layer, so that a model saved with it
# loads again; the process that loads it must define or import the class before
# `keras.models.load_model`:
#
# ```python
# @keras.saving.register_keras_serializable(package="unknown_sizes")
# class CropToMatch(layers.Layer):
#     def call(self, x, reference):
#         size = keras.ops.shape(reference)
#         return x[:, : size[1], : size[2], :]
# ```

# %% [markdown]
# ## Setup

# %%
import subprocess
import sys
import tempfile

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")


def images(height: int, width: int) -> np.ndarray:
    """A batch of 2 random images, 3 channels."""
    return np.random.default_rng(0).normal(size=(2, height, width, 3)).astype("float32")


def print_error(err: Exception) -> None:
    """Prints an error's type and message, without the "File ..." lines TensorFlow adds to
    run-time errors (they hold paths on your machine) and without blank lines."""
    lines = [line for line in str(err).splitlines() if line.strip() and not line.lstrip().startswith("File ")]
    print(f"{type(err).__name__}: " + "\n".join(lines))


# %% [markdown]
# ## 1. Two inputs of unknown size
#
# Both inputs take images of any height and width. `Concatenate` joins them on channels, and the
# model builds: Keras has only `None` to compare.

# %%
left = keras.Input(shape=(None, None, 3), name="left")
right = keras.Input(shape=(None, None, 3), name="right")
joined = layers.Concatenate(name="join")([left, right])
pair_model = keras.Model([left, right], joined, name="pair")
print("joined:", joined.shape)

# %% [markdown]
# Same sizes run. An 8 x 8 image with a 9 x 8 one fails, but only now, when the arrays reach
# the concatenation:

# %%
print("8x8 with 8x8:", pair_model.predict([images(8, 8), images(8, 8)], verbose=0).shape)
try:
    pair_model.predict([images(8, 8), images(9, 8)], verbose=0)
    failed_at_run_time = False
except Exception as err:  # the error's type depends on the backend
    print_error(err)
    failed_at_run_time = True
print("built, then failed at run time:", failed_at_run_time)

# %% [markdown]
# **Reading it.** The message comes from the backend's concatenation op, not from Keras, so it
# reads differently on each backend. On TensorFlow (this page) it is a "Graph execution error"
# at the node `pair_1/join_1/concat` (model name / layer name / op; keras-nightly
# 3.16.0.dev2026102704 drops the `_1`s, here and in the messages below: `pair/join/concat`):
# dimension 1, the height, is 8 in one input and 9 in the other. Run on JAX, the same cell
# raises a `TypeError` ("Cannot concatenate arrays with shapes that differ in dimensions other
# than the one being concatenated"); on PyTorch a `RuntimeError` ("Sizes of tensors must match
# except in dimension 3"). All three give both shapes: compare them entry by entry, as for the
# build-time error.
#
# ## 2. What is still caught when you build
#
# `None` only hides the sizes that are `None`. Every size that is known is still compared, so
# these mismatches fail at once, with the build-time message:

# %%
def check_at_build(name: str, first: tuple, second: tuple, axis: int = -1) -> None:
    try:
        out = layers.Concatenate(axis=axis)([keras.Input(shape=first), keras.Input(shape=second)])
        print(f"{name:34} builds: {out.shape}")
    except ValueError as err:
        print(f"{name:34} ValueError: {err}")


check_at_build("ranks differ", (None, None, 8), (None, 8))
check_at_build("known heights differ", (32, None, 8), (31, None, 8))
check_at_build("channels differ, joined on height", (None, None, 8), (None, None, 4), axis=1)
check_at_build("known height with None height", (32, 32, 8), (None, None, 8))
check_at_build("None with None", (None, None, 8), (None, None, 4))

# %% [markdown]
# The fourth line is the trap: a `None` size is taken as compatible with 32, and the output
# claims 32 x 32. An input of another size passes the build and fails at run time, here on the
# model's first run:

# %%
fixed = keras.Input(shape=(8, 8, 3), name="fixed")
free = keras.Input(shape=(None, None, 3), name="free")
mixed = keras.Model([fixed, free], layers.Concatenate(name="join_mixed")([fixed, free]), name="mixed")
print("output:", mixed.output.shape)
try:
    mixed.predict([images(8, 8), images(9, 9)], verbose=0)
except Exception as err:  # the error's type depends on the backend
    print_error(err)

# %% [markdown]
# On TensorFlow this message differs from the one in section 1 because it is the model's first
# run: TensorFlow compiles `predict` for the sizes it first sees and finds the mismatch while
# compiling (a `ValueError` inside "Exception encountered when calling Concatenate.call()").
# A model that already ran on other sizes is compiled for any size, and the mismatch surfaces
# while running (`InvalidArgumentError`, "Graph execution error"). Search for either: the
# shapes in them tell you the same thing.

# %% [markdown]
# ## 3. One input, two paths that stop agreeing
#
# The common case in a segmentation model: a skip connection joined to a pooled and upsampled
# path. With a fixed odd size the build fails (see [shape errors](../concatenate/04_shape_errors.md));
# with `None` both paths are `(None, None, None, 4)`, so the build succeeds and an odd size
# fails later.

# %%
def skip_and_up():
    """A fresh input, its skip path and its pooled-then-upsampled path."""
    image = keras.Input(shape=(None, None, 3), name="image")
    skip = layers.Conv2D(4, 3, padding="same", name="skip_conv")(image)
    down = layers.MaxPooling2D(2, name="down")(skip)
    up = layers.UpSampling2D(2, name="up")(down)
    return image, skip, up


image, skip, up = skip_and_up()
print("skip:", skip.shape, "| up:", up.shape)
unguarded = keras.Model(image, layers.Concatenate(name="join_skip")([up, skip]), name="unguarded")
print("16 x 16:", unguarded.predict(images(16, 16), verbose=0).shape)
try:
    unguarded.predict(images(15, 15), verbose=0)
except Exception as err:  # the error's type depends on the backend
    print_error(err)

# %% [markdown]
# Pooling 15 by 2 gives 7; upsampling 7 gives 14, not 15. The shapes in the message show it:
# 14 against 15.
#
# Can the model still run on a good size after such a failure? On TensorFlow, yes. This part is
# backend-specific: on JAX (Keras 3.15) the failed run leaves the model's weights unset, and
# every later call fails with `TypeError: 'NoneType' object is not callable`, so there this line
# prints False (the [compatibility matrix](../../backends.md) records it). Build a fresh model
# after such an error on JAX.

# %%
try:
    unguarded.predict(images(16, 16), verbose=0)
    runs_again = True
except TypeError as err:
    print_error(err)
    runs_again = False
print("16 x 16 runs again after the failure:", runs_again)

# %% [markdown]
# ## 4. Guard in the model: match one branch to the other at run time
#
# `keras.ops.shape(reference)` gives the reference's size as the model runs, whatever it is.
# Crop the larger branch to it. Here the larger branch is always the skip: `MaxPooling2D`'s
# default `padding="valid"` rounds down (15 -> 7 -> 14). The crop keeps the top-left part and
# loses the last row and column of an odd-sized skip:

# %%
@keras.saving.register_keras_serializable(package="unknown_sizes")
class CropToMatch(layers.Layer):
    """Crops x (batch, h, w, c) to the height and width of reference, known only at run time."""

    def call(self, x, reference):
        size = keras.ops.shape(reference)
        return x[:, : size[1], : size[2], :]


image, skip, up = skip_and_up()
cropped_skip = CropToMatch(name="crop_skip")(skip, up)
cropped = keras.Model(image, layers.Concatenate(name="join_cropped")([up, cropped_skip]), name="cropped")
for side in (16, 15, 17, 9):
    print(f"{side} x {side} ->", tuple(cropped(images(side, side)).shape))

# %% [markdown]
# With `padding="same"` the pooling rounds up instead, and the upsampled branch is the larger one
# (15 -> 8 -> 16). When you cannot tell which branch is larger, crop each branch to the other:
# a slice past the end stops at the end, so `CropToMatch` never grows a branch, and both come
# out at the smaller size:

# %%
same_image = keras.Input(shape=(None, None, 3), name="same_image")
same_skip = layers.Conv2D(4, 3, padding="same", name="same_skip_conv")(same_image)
same_down = layers.MaxPooling2D(2, padding="same", name="same_down")(same_skip)
same_up = layers.UpSampling2D(2, name="same_up")(same_down)
both_cropped = layers.Concatenate(name="join_both")(
    [CropToMatch(name="crop_up")(same_up, same_skip), CropToMatch(name="crop_same_skip")(same_skip, same_up)]
)
same_paths = keras.Model(same_image, [same_skip, same_up, both_cropped], name="same_paths")
for side in (16, 15):
    skip_out, up_out, joined_out = same_paths(images(side, side))
    print(f"padding='same', {side} x {side}: skip {tuple(skip_out.shape)} | up {tuple(up_out.shape)}"
          f" | joined {tuple(joined_out.shape)}")

# %% [markdown]
# When the output must keep the input's full size, pad the smaller branch with zeros instead:

# %%
@keras.saving.register_keras_serializable(package="unknown_sizes")
class PadToMatch(layers.Layer):
    """Pads x (batch, h, w, c) with zeros at the bottom and right to reference's height and width."""

    def call(self, x, reference):
        size, own = keras.ops.shape(reference), keras.ops.shape(x)
        return keras.ops.pad(x, [[0, 0], [0, size[1] - own[1]], [0, size[2] - own[2]], [0, 0]])

    def compute_output_shape(self, x_shape, reference_shape):
        return (x_shape[0], reference_shape[1], reference_shape[2], x_shape[3])


image, skip, up = skip_and_up()
padded_up = PadToMatch(name="pad_up")(up, skip)
padded = keras.Model(image, layers.Concatenate(name="join_padded")([padded_up, skip]), name="padded")
for side in (16, 15, 17, 9):
    shape = tuple(padded(images(side, side)).shape)
    print(f"{side} x {side} -> {shape}, keeps the input size: {shape[1:3] == (side, side)}")

# %% [markdown]
# The loops call the models directly (`model(batch)`) rather than through `predict`: on
# TensorFlow `predict` compiles again for the second size it sees (then once for any size), and a
# direct call is the quick way to try a few sizes.
# Neither layer has weights, and both run on TensorFlow, JAX and PyTorch (the
# [compatibility matrix](../../backends.md) records this page on each). Use them where the sizes
# can only differ by the rounding of a pooling; a branch that comes out at half the size needs
# upsampling, not a crop.
#
# ## 5. Save the guarded models, load them in another process
#
# Both classes above carry `@keras.saving.register_keras_serializable(package="unknown_sizes")`.
# Without it, `keras.models.load_model` cannot find a class defined in your script or notebook,
# not even in the process that saved the model, unless you hand it the class yourself
# (`custom_objects={"CropToMatch": CropToMatch}`; see
# [saving custom layers](../architectures/05_saving_custom_layers.md)). Registered, a class is
# saved under its registered name, and any process that has run the decorated class definition
# loads it.
#
# Save both models, with a 15 x 15 batch and their outputs on it:

# %%
print("registered names:", [keras.saving.get_registered_name(cls) for cls in (CropToMatch, PadToMatch)])
folder = tempfile.mkdtemp()
batch = images(15, 15)
np.save(f"{folder}/batch.npy", batch)
for model in (cropped, padded):
    model.save(f"{folder}/{model.name}.keras")
    np.save(f"{folder}/{model.name}.npy", keras.ops.convert_to_numpy(model(batch)))
print("saved:", [model.name for model in (cropped, padded)])

# %% [markdown]
# A fresh Python process loads them. It tries once before it knows the classes, then defines
# them with the same decorated lines as above, and loads both files. In your project, keep the
# classes in a module of their own (say `match_layers.py`) and
# `from match_layers import CropToMatch, PadToMatch` before `load_model`: importing it runs the
# decorator.

# %%
LOADER = """
import re
import sys

import keras
import numpy as np
from keras import layers

folder = sys.argv[1]
print("loading process, backend:", keras.backend.backend())
try:
    keras.models.load_model(f"{folder}/cropped.keras")
except TypeError as err:
    print("before the classes:", re.search(r"Could not locate class '[^']+'", str(err)).group(0))


@keras.saving.register_keras_serializable(package="unknown_sizes")
class CropToMatch(layers.Layer):
    def call(self, x, reference):
        size = keras.ops.shape(reference)
        return x[:, : size[1], : size[2], :]


@keras.saving.register_keras_serializable(package="unknown_sizes")
class PadToMatch(layers.Layer):
    def call(self, x, reference):
        size, own = keras.ops.shape(reference), keras.ops.shape(x)
        return keras.ops.pad(x, [[0, 0], [0, size[1] - own[1]], [0, size[2] - own[2]], [0, 0]])

    def compute_output_shape(self, x_shape, reference_shape):
        return (x_shape[0], reference_shape[1], reference_shape[2], x_shape[3])


batch = np.load(f"{folder}/batch.npy")
for name in ("cropped", "padded"):
    model = keras.models.load_model(f"{folder}/{name}.keras")
    guards = [type(layer).__name__ for layer in model.layers if type(layer).__name__.endswith("ToMatch")]
    output = keras.ops.convert_to_numpy(model(batch))
    same = np.allclose(output, np.load(f"{folder}/{name}.npy"), atol=1e-6)
    print(f"{model.name}: {guards}, 15 x 15 -> {output.shape}, same output as before saving: {same}")
"""
result = subprocess.run([sys.executable, "-c", LOADER, folder], capture_output=True, text=True)
print(result.stdout.strip())
print("exit status:", result.returncode)

# %% [markdown]
# The loading process inherits this one's environment, `KERAS_BACKEND` included, so it runs on
# the same backend. Before the class definitions it gets the error every process without them
# gets. After them both models load, with their guard layers, and give the outputs they gave
# before saving.
#
# ## 6. Guard at the door: refuse sizes the model cannot take
#
# When an odd size means the data is wrong, say so before the model runs, in your own words. A
# check in NumPy runs the same on every backend:

# %%
def check_image_size(batch: np.ndarray, multiple: int = 2) -> np.ndarray:
    height, width = batch.shape[1:3]
    if height % multiple or width % multiple:
        raise ValueError(f"height and width must be multiples of {multiple}; got {height} x {width}")
    return batch


image, skip, up = skip_and_up()
checked = keras.Model(image, layers.Concatenate(name="join_skip")([up, skip]), name="checked")
print("16 x 16:", checked.predict(check_image_size(images(16, 16)), verbose=0).shape)
try:
    checked.predict(check_image_size(images(15, 15)), verbose=0)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# With *n* poolings by 2, the multiple is 2<sup>n</sup>. And when every input really has the
# same size, declare it in `keras.Input(shape=...)`: the mismatch then fails when you build the
# model, before any data exists.

# %% [markdown]
# ## In short
#
# - With `None` height and width, `Concatenate` builds: only known sizes and ranks are checked.
#   A `None` size is taken as compatible with any number.
# - The mismatch then fails at `predict` or `fit` with the backend's concatenation error: on
#   TensorFlow usually `InvalidArgumentError: Graph execution error ... ConcatOp`; on a model's
#   first run, and on JAX or PyTorch, after "Exception encountered when calling
#   Concatenate.call()". All of them give both shapes.
# - Guard inside the model: crop or pad one branch to the other's `keras.ops.shape(...)`.
#   Register the guard layer (`@keras.saving.register_keras_serializable(package=...)`) and
#   import it in the process that loads the model, or the saved model does not load (unless
#   `load_model` gets the class in `custom_objects=`, keyed by the name it was saved under:
#   `"unknown_sizes>CropToMatch"` once registered).
# - Or guard at the door: check the sizes before `predict`, or declare them in `keras.Input`.
