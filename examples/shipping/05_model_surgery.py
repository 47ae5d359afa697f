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
# # Changing a trained model's graph: insert or replace layers, change the input size, keep the weights
#
# After this page you can insert a layer between two layers of a trained model, replace a layer,
# give a trained convolutional model a new input size, and edit models whose branches are nested
# models, with `keras.models.clone_model`, keeping the trained weights and checking that you did.

# %% [markdown]
# ## Short answer
#
# `clone_model` rebuilds a functional model layer by layer. `clone_function(layer)` returns the
# layer to use (by default a fresh copy, with new weights); `call_function(layer, *args,
# **kwargs)` calls it and may add layers after it. Then copy the trained weights. Given a trained
# functional `model` with a layer `dense_1`:
#
# ```python
# def add_dropout(layer, *args, **kwargs):
#     output = layer(*args, **kwargs)
#     return layers.Dropout(0.3, name="dropout_1")(output) if layer.name == "dense_1" else output
# with_dropout = keras.models.clone_model(model, call_function=add_dropout)
# with_dropout.set_weights(model.get_weights())
# ```
#
# `set_weights` works here because `Dropout` has no weights. An inserted layer that has some
# (`BatchNormalization`) shifts the list: copy by layer name instead. For a new input size, pass
# the new `Input` as `input_tensors`. Given a trained `cnn` whose `Dense` head follows
# `GlobalAveragePooling2D`:
#
# ```python
# bigger = keras.models.clone_model(cnn, input_tensors=keras.Input(shape=(64, 64, 3), name="image"))
# bigger.set_weights(cnn.get_weights())
# ```
#
# A model with `Flatten` before a `Dense` cannot take the old weights at a new size: the
# `Dense` kernel's shape depends on it. A nested model (a `keras.applications` backbone inside
# your model, the `Sequential` blocks of `ConvNeXtTiny`) keeps its own input size: clone it onto a
# new input too (mistake 4). Inside nested models, `clone_function` only runs with
# `recursive=True`.

# %% [markdown]
# ## Setup

# %%
import re

import keras
import numpy as np
import tensorflow as tf
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
tf.get_logger().setLevel("ERROR")  # keeps TensorFlow's "triggered tf.function retracing" notes off the page


def print_error(err: Exception) -> None:
    """Prints an error's type and message, without bold-text codes, the lines listing the
    arguments Keras received, or memory addresses (they change every run)."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).split("Arguments received")[0]
    message = re.sub(r" at 0x[0-9a-f]+", "", message)
    print(f"{type(err).__name__}: " + "\n".join(line.strip() for line in message.splitlines() if line.strip()))


def same_weights(a, b) -> bool:
    """Whether two layers (or models) hold the same weights, array by array."""
    pairs = zip(a.get_weights(), b.get_weights(), strict=True)
    return all(np.allclose(one, other) for one, other in pairs)


def values(model: keras.Model, data) -> np.ndarray:
    """A model's output on `data`, as NumPy (in inference mode)."""
    return keras.ops.convert_to_numpy(model(data, training=False))


# %% [markdown]
# ## A trained model
#
# Six features in, two hidden `Dense` layers, one number out, trained for a few epochs.

# %%
features = keras.Input(shape=(6,), name="features")
hidden = layers.Dense(8, activation="relu", name="dense_1")(features)
hidden = layers.Dense(8, activation="relu", name="dense_2")(hidden)
model = keras.Model(features, layers.Dense(1, name="out")(hidden), name="mlp")
x = np.random.default_rng(0).normal(size=(64, 6)).astype("float32")
y = x.sum(axis=1, keepdims=True)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=5, verbose=0)
print("layers:", [layer.name for layer in model.layers])
print("predictions:", np.round(values(model, x[:3])[:, 0], 4))

# %% [markdown]
# ## What `clone_model` calls, and with what
#
# Both functions below only record what they receive and do what `clone_model` does by default.
# `clone_function` gets each layer except the `InputLayer`, once. `call_function` then gets the
# layer `clone_function` returned, with the arguments of its call in the original graph; what it
# returns becomes that layer's output in the new graph.

# %%
log = []


def logged_clone(layer):
    log.append(f"clone_function({layer.name})")
    return layer.__class__.from_config(layer.get_config())


def logged_call(layer, *args, **kwargs):
    log.append(f"call_function({layer.name}, {len(args)} tensor, kwargs={sorted(kwargs)})")
    return layer(*args, **kwargs)


copy = keras.models.clone_model(model, clone_function=logged_clone, call_function=logged_call)
print("\n".join(log))
print("same layer objects:", copy.get_layer("dense_1") is model.get_layer("dense_1"))
print("same weights:", same_weights(copy.get_layer("dense_1"), model.get_layer("dense_1")))
print("compiled like the original:", copy.compiled, "| loss:", copy.loss)

# %% [markdown]
# The default `clone_function` builds each layer from its config: new objects, new weights
# drawn from the initializers. The clone keeps the original's compile settings, not its
# optimizer's state. To keep the trained weights, copy them over, or return the layer itself
# from `clone_function` (`lambda layer: layer`), which reuses the same objects, shared with the
# original model from then on. On TensorFlow and JAX an adapted `Normalization` layer needs one
# step more after `set_weights`, a call to its `finalize_state()`: see
# [tabular inputs and ensembles](04_tabular_and_ensembles.md).

# %% [markdown]
# ## Insert a layer in the middle: `Dropout` after `dense_1`

# %%
def add_dropout(layer, *args, **kwargs):
    output = layer(*args, **kwargs)
    return layers.Dropout(0.3, name="dropout_1")(output) if layer.name == "dense_1" else output
with_dropout = keras.models.clone_model(model, call_function=add_dropout)
with_dropout.set_weights(model.get_weights())
print("layers:", [layer.name for layer in with_dropout.layers])

# %% [markdown]
# `Dropout` has no weights, so the list of weights has the same length and order as the
# original's, and `set_weights` puts each array where it was. In inference mode `Dropout` passes
# its input through: the predictions are the original's.

# %%
print("weights kept:", same_weights(with_dropout, model))
print("same predictions:", np.allclose(values(with_dropout, x), values(model, x)))

# %% [markdown]
# ## Mistake 1: inserting a layer that has weights, then `set_weights`
#
# `BatchNormalization` brings four weights. The new model has 10 weights, the original 6:

# %%
def add_batchnorm(layer, *args, **kwargs):
    output = layer(*args, **kwargs)
    return layers.BatchNormalization(name="bn_1")(output) if layer.name == "dense_1" else output


with_bn = keras.models.clone_model(model, call_function=add_batchnorm)
try:
    with_bn.set_weights(model.get_weights())
except ValueError as err:
    print_error(err)

# %% [markdown]
# **Fix.** Copy layer by layer, by name, and leave the new layer as it was built. This function
# goes into nested models too (the last section uses that);
# [moving weights between models](../weights/03_moving_between_models.md) has a fuller one that
# reports every mismatch.

# %%
def copy_weights_by_name(source: keras.Model, target: keras.Model) -> tuple[list, list]:
    """Gives each layer of `target` the weights of the layer of `source` with the same name and
    the same weight shapes, inside nested models too. Returns (copied, left as they were)."""
    copied, left = [], []
    source_names = [layer.name for layer in source.layers]
    for layer in target.layers:
        if not layer.weights:
            continue
        if layer.name not in source_names:
            left.append(layer.name)
            continue
        source_layer = source.get_layer(layer.name)
        if isinstance(layer, keras.Model) and isinstance(source_layer, keras.Model):
            inner_copied, inner_left = copy_weights_by_name(source_layer, layer)
            copied += inner_copied
            left += inner_left
        elif [w.shape for w in layer.weights] == [w.shape for w in source_layer.weights]:
            layer.set_weights(source_layer.get_weights())
            copied.append(layer.name)
        else:
            left.append(layer.name)
    return copied, left


copied, left = copy_weights_by_name(model, with_bn)
print("copied:", copied, "| left as built:", left)
print("dense_2 kept:", same_weights(with_bn.get_layer("dense_2"), model.get_layer("dense_2")))

# %% [markdown]
# The predictions are close to the original's but not equal. A fresh `BatchNormalization` has a
# moving mean of 0 and a moving variance of 1, so in inference mode it divides by
# `sqrt(1 + epsilon)` (epsilon is 0.001): every value it passes on shrinks by about 0.05%, until
# training moves those statistics.

# %%
bn_out, original_out = values(with_bn, x), values(model, x)
largest = np.abs(bn_out - original_out).max()
print("equal:", np.array_equal(bn_out, original_out), "| largest difference:", np.round(largest, 4))

# %% [markdown]
# ## Replace a layer
#
# `clone_function` decides what stands in each layer's place. Here `dense_2` gets `gelu` instead
# of `relu`: same config otherwise, so same weight shapes, and `set_weights` fits. The weights
# are the trained ones; the predictions change, as a new activation should make them:

# %%
def relu_to_gelu(layer):
    config = layer.get_config()
    if layer.name == "dense_2":
        config["activation"] = "gelu"
    return layer.__class__.from_config(config)


with_gelu = keras.models.clone_model(model, clone_function=relu_to_gelu)
with_gelu.set_weights(model.get_weights())
print("dense_2 activation:", with_gelu.get_layer("dense_2").activation.__name__)
print("weights kept:", same_weights(with_gelu.get_layer("dense_2"), model.get_layer("dense_2")))
print("same predictions:", np.allclose(values(with_gelu, x), values(model, x)))

# %% [markdown]
# The replacement can be another class, as long as its weights have the same shapes. An
# `EinsumDense` that computes what `dense_2` computes takes its kernel `(8, 8)` and bias `(8,)`,
# and gives the same predictions:

# %%
def dense_to_einsum(layer):
    if layer.name != "dense_2":
        return layer.__class__.from_config(layer.get_config())
    return layers.EinsumDense("ab,bc->ac", output_shape=8, bias_axes="c", activation="relu", name="dense_2")


with_einsum = keras.models.clone_model(model, clone_function=dense_to_einsum)
copied, left = copy_weights_by_name(model, with_einsum)
print("dense_2 is now:", type(with_einsum.get_layer("dense_2")).__name__, "| copied:", copied)
print("same predictions:", np.allclose(values(with_einsum, x), values(model, x), atol=1e-6))

# %% [markdown]
# ## Mistake 2: `call_function` on a `Sequential` model
#
# A `Sequential` model lists its layers; it does not call them one by one while `clone_model`
# rebuilds it, so there is nowhere to insert. The end of the message names a Keras function,
# not yours: Keras prints its own clone function there. Its memory address is cut, since it
# changes every run:

# %%
stack = keras.Sequential(
    [keras.Input(shape=(6,), name="features"), layers.Dense(8, activation="relu", name="dense_1"),
     layers.Dense(1, name="out")],
    name="stack",
)
try:
    keras.models.clone_model(stack, call_function=add_dropout)
except ValueError as err:
    print_error(err)

# %% [markdown]
# **Fix.** List the layers again with the new one in place. Listed layers are the same objects
# in both models, sharing their weights; to leave `stack` as it was, list the layers of a copy,
# `stack_copy`:

# %%
stack_copy = keras.models.clone_model(stack)
stack_copy.set_weights(stack.get_weights())
stack_with_dropout = keras.Sequential(
    [keras.Input(shape=(6,), name="features"), stack_copy.get_layer("dense_1"),
     layers.Dropout(0.3, name="dropout_1"), stack_copy.get_layer("out")],
    name="stack_with_dropout",
)
print("layers:", [layer.name for layer in stack_with_dropout.layers])
print("same predictions:", np.allclose(values(stack_with_dropout, x), values(stack, x)),
      "| dense_1 is stack_copy's:", stack_with_dropout.get_layer("dense_1") is stack_copy.get_layer("dense_1"),
      "| stack's:", stack_with_dropout.get_layer("dense_1") is stack.get_layer("dense_1"))

# %% [markdown]
# ## A new input size for a trained convolutional model
#
# `cnn` was trained on 32x32 images. Its convolutions and `GlobalAveragePooling2D` would run at
# other sizes, but the model's `Input` fixes the size, and a 64x64 batch is refused. (On JAX,
# `predict` skips this check and runs; calling the model, `cnn(images_64)`, raises the same
# error there too.)

# %%
def small_cnn(head: str) -> keras.Model:
    image = keras.Input(shape=(32, 32, 3), name="image")
    h = layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_1")(image)
    h = layers.MaxPooling2D(name="pool_1")(h)
    h = layers.Conv2D(8, 3, padding="same", activation="relu", name="conv_2")(h)
    h = layers.GlobalAveragePooling2D(name="gap")(h) if head == "gap" else layers.Flatten(name="flatten")(h)
    cnn = keras.Model(image, layers.Dense(3, name="classes")(h), name=f"cnn_{head}")
    cnn.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    images = np.random.default_rng(1).normal(size=(32, 32, 32, 3)).astype("float32")
    cnn.fit(images, np.arange(32) % 3, epochs=2, verbose=0)
    return cnn


cnn = small_cnn("gap")
images_64 = np.random.default_rng(2).normal(size=(2, 64, 64, 3)).astype("float32")
try:
    print("no error:", cnn.predict(images_64, verbose=0).shape)
except ValueError as err:
    print_error(err)

# %% [markdown]
# **Fix.** Clone the model onto a new `Input` (`input_tensors`) and copy the weights. No weight
# depends on the image size, so the list fits as it is:

# %%
bigger = keras.models.clone_model(cnn, input_tensors=keras.Input(shape=(64, 64, 3), name="image"))
bigger.set_weights(cnn.get_weights())
print("input:", bigger.input.shape, "| output on 64x64:", values(bigger, images_64).shape)
print("conv_2 kept:", same_weights(bigger.get_layer("conv_2"), cnn.get_layer("conv_2")))

# %% [markdown]
# With `None` for height and width, one model takes other sizes too (48x48 here). On a 32x32
# batch it gives what `cnn` gives:

# %%
any_size = keras.models.clone_model(cnn, input_tensors=keras.Input(shape=(None, None, 3), name="image"))
any_size.set_weights(cnn.get_weights())
images_32 = np.random.default_rng(3).normal(size=(2, 32, 32, 3)).astype("float32")
print("input:", any_size.input.shape, "| 48x48 ->", values(any_size, images_64[:, :48, :48]).shape)
print("same as cnn on 32x32:", np.allclose(values(any_size, images_32), values(cnn, images_32), atol=1e-6))

# %% [markdown]
# The same through the config, for a model you only have as a config (or a `.keras` file):
# change the `batch_shape` of the `InputLayer` entry, rebuild, copy the weights.

# %%
config = cnn.get_config()
input_entry = next(entry for entry in config["layers"] if entry["class_name"] == "InputLayer")
input_entry["config"]["batch_shape"] = [None, 64, 64, 3]
rebuilt = keras.Model.from_config(config)
rebuilt.set_weights(cnn.get_weights())
print("input:", rebuilt.input.shape)
print("same as bigger:", np.allclose(values(rebuilt, images_64), values(bigger, images_64)))

# %% [markdown]
# ## Mistake 3: `Flatten` before a `Dense`, at a new size
#
# After `Flatten` the `Dense` kernel has one row per value of the feature map: 16x16x8 = 2048
# rows at 32x32, 32x32x8 = 8192 at 64x64. The clone builds, with a kernel of the new shape,
# and the copy fails. The message names the model (`cnn_flatten`); the shapes are those of the
# `classes` kernel:

# %%
flat_cnn = small_cnn("flatten")
flat_bigger = keras.models.clone_model(flat_cnn, input_tensors=keras.Input(shape=(64, 64, 3), name="image"))
print("classes kernel: trained", flat_cnn.get_layer("classes").kernel.shape,
      "| at 64x64", flat_bigger.get_layer("classes").kernel.shape)
try:
    flat_bigger.set_weights(flat_cnn.get_weights())
except ValueError as err:
    print_error(err)

# %% [markdown]
# Through the config it fails one step earlier, while the model is rebuilt, with the same two
# sizes:

# %%
config = flat_cnn.get_config()
input_entry = next(entry for entry in config["layers"] if entry["class_name"] == "InputLayer")
input_entry["config"]["batch_shape"] = [None, 64, 64, 3]
try:
    keras.Model.from_config(config)
except ValueError as err:
    print_error(err)

# %% [markdown]
# **Fix.** No copy can make 2048 rows into 8192. Keep the convolutions and train the head again
# at the new size (the `classes` layer is left as built), or resize your images to 32x32, or
# replace `Flatten` by `GlobalAveragePooling2D` and train the head once: then other sizes work
# too, as they do for `cnn`.

# %%
copied, left = copy_weights_by_name(flat_cnn, flat_bigger)
print("copied:", copied, "| left to train again:", left)

# %% [markdown]
# ## Mistake 4: a nested model keeps the input size it was built with
#
# `input_tensors` gives the outer model a new `Input`; a model nested inside it keeps its own. Two
# real cases, untrained here (`weights=None`): `classifier` calls a `MobileNetV2` backbone, a
# functional model with its own 32x32 `Input`; `ConvNeXtTiny` holds `Sequential` blocks (its
# stem, its downsampling layers) built at 32x32 when the model was made. No weight depends on the
# size, yet both refuse 64x64, and `recursive=True` does not help: it clones each nested model at
# its own size. The layer the `ConvNeXtTiny` message names is the inner graph of its `Sequential`
# stem, under a name Keras made up.

# %%
backbone = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.35)
image = keras.Input(shape=(32, 32, 3), name="image")
pooled = layers.GlobalAveragePooling2D(name="gap")(backbone(image))
classifier = keras.Model(image, layers.Dense(3, name="classes")(pooled), name="classifier")
convnext = keras.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), classes=3)
print("nested in convnext_tiny:", [layer.name for layer in convnext.layers if isinstance(layer, keras.Model)][:2])
for net in (classifier, convnext):
    try:
        keras.models.clone_model(net, input_tensors=keras.Input(shape=(64, 64, 3)))
    except ValueError as err:
        print(f"{net.name}: ", end="")
        print_error(err)
    try:
        keras.models.clone_model(net, input_tensors=keras.Input(shape=(64, 64, 3)), recursive=True)
    except ValueError as err:
        refused = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).split("with the layer: ")[-1].splitlines()[0]
        print(f"{net.name}, recursive=True: {type(err).__name__} too, {refused}")

# %% [markdown]
# **Fix.** Give each nested model a new input as well. `size_free`, used as `clone_function`,
# clones each nested model onto an `Input` of any height and width (and the models nested in it,
# the same way), and every other layer from its config as the default does. The weights then copy
# as before:

# %%
def size_free(layer):
    """A nested model cloned onto an input of any height and width; any other layer from its config."""
    if isinstance(layer, keras.Model):
        new_input = keras.Input(shape=(None, None, layer.inputs[0].shape[-1]))
        return keras.models.clone_model(layer, input_tensors=new_input, clone_function=size_free)
    return layer.__class__.from_config(layer.get_config())


for net in (classifier, convnext):
    resized = keras.models.clone_model(net, input_tensors=keras.Input(shape=(None, None, 3)), clone_function=size_free)
    resized.set_weights(net.get_weights())
    print(f"{net.name}: 64x64 ->", values(resized, images_64).shape, "| same as the original on 32x32:",
          np.allclose(values(resized, images_32), values(net, images_32), atol=1e-5))

# %% [markdown]
# ## Models whose branches are nested models
#
# `two_branch` runs its input through two nested models, `left` (functional) and `right`
# (`Sequential`), and joins them. Each branch has a `Dense` with `relu` inside.

# %%
branch_input = keras.Input(shape=(6,), name="branch_in")
left = keras.Model(branch_input, layers.Dense(4, activation="relu", name="left_dense")(branch_input), name="left")
right = keras.Sequential(
    [keras.Input(shape=(6,)), layers.Dense(4, activation="relu", name="right_dense")], name="right"
)
inputs = keras.Input(shape=(6,), name="features")
joined = layers.Concatenate(name="join")([left(inputs), right(inputs)])
two_branch = keras.Model(inputs, layers.Dense(1, name="head")(joined), name="two_branch")
print("layers:", [layer.name for layer in two_branch.layers])

# %% [markdown]
# `relu_everywhere_to_gelu` swaps `relu` for `gelu` in every `Dense` it receives. Without
# `recursive`, `clone_function` receives the nested models themselves, whole, and the default
# way of copying them (from config) leaves their `Dense` layers as they were. With
# `recursive=True` it receives the layers inside them instead:

# %%
def relu_everywhere_to_gelu(layer):
    seen.append(layer.name)
    config = layer.get_config()
    if isinstance(layer, layers.Dense) and config["activation"] == "relu":
        config["activation"] = "gelu"
    return layer.__class__.from_config(config)


for recursive in (False, True):
    seen = []
    edited = keras.models.clone_model(two_branch, clone_function=relu_everywhere_to_gelu, recursive=recursive)
    print(f"recursive={recursive}: clone_function saw {seen}")
    for name in ("left", "right"):
        branch = edited.get_layer(name)
        print(f"  {name}: {type(branch).__name__}, new object: {branch is not two_branch.get_layer(name)},",
              f"activation: {branch.layers[-1].activation.__name__}")

# %% [markdown]
# Either way the nested models are new objects with new weights. A `clone_function` that
# returns what it does not change as it is (a common way to write one) keeps the nested models
# themselves without `recursive`: the edited model then shares them, and their weights, with
# the original.

# %%
def only_dense_to_gelu(layer):
    if not isinstance(layer, layers.Dense):
        return layer
    config = layer.get_config()
    config["activation"] = "gelu"
    return layers.Dense.from_config(config)


for recursive in (False, True):
    edited = keras.models.clone_model(two_branch, clone_function=only_dense_to_gelu, recursive=recursive)
    print(f"recursive={recursive}: left is the original's: {edited.get_layer('left') is left},",
          f"right is the original's: {edited.get_layer('right') is right},",
          f"left_dense: {edited.get_layer('left').get_layer('left_dense').activation.__name__}")

# %% [markdown]
# `call_function` follows `recursive=True` into nested functional models, not into nested
# `Sequential` ones, which never call their layers while being cloned (mistake 2):

# %%
def dropout_after_dense(layer, *args, **kwargs):
    output = layer(*args, **kwargs)
    return layers.Dropout(0.2, name=f"{layer.name}_dropout")(output) if isinstance(layer, layers.Dense) else output


edited = keras.models.clone_model(two_branch, call_function=dropout_after_dense, recursive=True)
print("top level:", [layer.name for layer in edited.layers])
print("left:", [layer.name for layer in edited.get_layer("left").layers])
print("right:", [layer.name for layer in edited.get_layer("right").layers])

# %% [markdown]
# A nested model called twice (a shared encoder) stays one layer, called twice, in the clone:

# %%
encoder = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(4, name="enc_dense")], name="encoder")
first, second = keras.Input(shape=(6,), name="first"), keras.Input(shape=(6,), name="second")
siamese = keras.Model([first, second], layers.Subtract(name="diff")([encoder(first), encoder(second)]), name="siamese")
siamese_copy = keras.models.clone_model(siamese, recursive=True)
print("layers:", [layer.name for layer in siamese_copy.layers],
      "| new encoder:", siamese_copy.get_layer("encoder") is not encoder)

# %% [markdown]
# Since nested models come out with new weights, copy them in with the function above, which
# goes into nested models by name. Cloned without changes, the copy predicts what the original
# does:

# %%
plain_copy = keras.models.clone_model(two_branch, recursive=True)
copied, left_as_built = copy_weights_by_name(two_branch, plain_copy)
print("copied:", copied, "| left:", left_as_built)
print("same predictions:", np.allclose(values(plain_copy, x), values(two_branch, x)))

# %% [markdown]
# `recursive=True` goes down every level of nesting on Keras 3.14.0 and later. Before, it went
# down one level only ([keras#21120](https://github.com/keras-team/keras/issues/21120), fixed by
# [PR #22276](https://github.com/keras-team/keras/pull/22276)). A `Dense` two levels down:

# %%
inner = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(6, activation="relu", name="deep_dense")], name="inner")
outer_input = keras.Input(shape=(6,), name="outer_in")
outer = keras.Model(outer_input, inner(outer_input), name="outer")
deep = keras.Model(inputs, layers.Dense(1, name="head")(outer(inputs)), name="deep")
seen = []
deep_edited = keras.models.clone_model(deep, clone_function=relu_everywhere_to_gelu, recursive=True)
print("deep_dense:", deep_edited.get_layer("outer").get_layer("inner").get_layer("deep_dense").activation.__name__)

# %% [markdown]
# To cut a model in two instead (a first half and a second half that each run on their own),
# see [cutting models](../migration/07_cutting_models.md).

# %% [markdown]
# ## In short
#
# - `keras.models.clone_model(model, clone_function=..., call_function=...)` rebuilds a functional
#   model: `clone_function(layer)` picks the layer for each place (default: a fresh copy with new
#   weights), `call_function(layer, *args, **kwargs)` calls it and can add layers after it.
# - Copy the trained weights afterwards: `set_weights(model.get_weights())` when no layer with
#   weights was added or removed, by layer name otherwise. Check with `np.allclose`.
# - New input size: `clone_model(model, input_tensors=keras.Input(new_shape))` and copy the
#   weights. It works when no weight depends on the size (after `Flatten`, the `Dense` kernel
#   does); a nested model keeps its own size until you give it a new input too (`size_free`).
# - `call_function` is for functional models only; a `Sequential` model is rebuilt by listing
#   its layers.
# - Nested models: `recursive=True` hands their inner layers to `clone_function` (and to
#   `call_function` in functional ones); without it `clone_function` gets each nested model
#   whole, and returning it as it is shares it with the original.
