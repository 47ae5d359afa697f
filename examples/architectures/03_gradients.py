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
# # Grad-CAM in Keras: gradients with respect to a layer of a nested backbone, and to each branch
#
# After this page you can compute a Grad-CAM heat map on a convolution inside a backbone nested
# in your model, and the gradient of the prediction with respect to each branch of a merge, with
# `tf.GradientTape` on TensorFlow, `jax.grad` on JAX and `torch.autograd` on PyTorch.

# %% [markdown]
# ## Short answer
#
# On TensorFlow the usual Grad-CAM recipe needs no split: one model that returns both the
# layer's output and the scores, called under one `tf.GradientTape`, at any layer of the
# backbone's own graph, even inside a residual block (not inside a model nested in the
# backbone: see below). For a layer of a nested backbone, start that model at the backbone's
# input and put your head on the backbone's output. Given your `classifier`, its nested
# `backbone` and the `conv_layer` inside it (and an image `batch`, as NumPy, and the
# `class_index` to explain):
#
# ```python
# import tensorflow as tf
# head_scores = classifier.get_layer("head")(classifier.get_layer("pool")(backbone.output))
# grad_model = keras.Model(backbone.input, [conv_layer.output, head_scores])
# with tf.GradientTape() as tape:
#     maps, preds = grad_model(batch)
#     class_score = preds[:, class_index]
# map_grads = tape.gradient(class_score, maps)
# ```
#
# PyTorch does the same with `torch.autograd.grad(class_score.sum(), maps)`. JAX has no tape:
# `jax.grad` differentiates a function with respect to its arguments, so the maps must be the
# input of a model. Split the model at the layer, `keras.Model(backbone.input, layer.output)`
# and `keras.Model(layer.output, backbone.output)` (Keras 3 takes an inner tensor as an input),
# and differentiate the second part, with the head on top, over its `stateless_call`. Inside a
# residual block that split fails with "Output with path `` is not connected to `inputs`";
# give the second part the skip connection's tensor as a second input. Both ways run below.

# %% [markdown]
# ## Setup

# %%
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

rng = np.random.default_rng(0)
batch = rng.uniform(-1, 1, size=(2, 96, 96, 3)).astype("float32")  # MobileNetV2 takes [-1, 1]
class_index = 1


def run(model, x):
    """The model called on x, as NumPy (predict() would compile each model: slow on JAX)."""
    return keras.tree.map_structure(keras.ops.convert_to_numpy, model(x))

# %% [markdown]
# ## A classifier with a nested backbone
#
# A MobileNetV2 without its top (random weights: the structure is the lesson), wrapped in your
# own model. The backbone is one layer of `classifier`; its 150-odd layers live inside it.

# %%
backbone = keras.applications.MobileNetV2(
    input_shape=(96, 96, 3), alpha=0.35, include_top=False, weights=None, name="backbone"
)
image = keras.Input(shape=(96, 96, 3), name="image")
features = backbone(image)
pooled = layers.GlobalAveragePooling2D(name="pool")(features)
scores = layers.Dense(3, name="head")(pooled)  # logits: Grad-CAM uses the score before softmax
classifier = keras.Model(image, scores, name="classifier")

print([layer.name for layer in classifier.layers])
print("layers inside the backbone:", len(backbone.layers))

# %% [markdown]
# With random weights, every `BatchNormalization` layer holds the statistics it starts with
# (mean 0, variance 1), not those of the data, and the activations shrink block after block.
# For this page only, set each BN layer's statistics from one batch (momentum 0, one call with
# `training=True`) so that the numbers below are readable.

# %%
block_12 = keras.Model(backbone.input, backbone.get_layer("block_12_add").output)
print("block_12_add spread, random statistics:", np.format_float_scientific(np.std(run(block_12, batch)), 1))
for layer in backbone.layers:
    if isinstance(layer, layers.BatchNormalization):
        layer.momentum = 0.0
backbone(batch, training=True)
print("block_12_add spread, statistics of the batch:", np.round(np.std(run(block_12, batch)), 1))

# %% [markdown]
# ## Split the model at the convolution
#
# Grad-CAM needs the gradient of a class score with respect to a convolution's output. Pick the
# 1 x 1 convolution `block_13_expand`, inside the backbone. Two models share its layers and
# weights: `to_conv` (image to the convolution's output) and `from_conv` (that output to the
# score). Keras 3 accepts an inner tensor as a model's input (`backbone_tail`); the outer
# `pool` and `head` layers are reused as they are.

# %%
conv_layer = backbone.get_layer("block_13_expand")
to_conv = keras.Model(backbone.input, conv_layer.output, name="to_conv")
backbone_tail = keras.Model(conv_layer.output, backbone.output, name="backbone_tail")

conv_input = keras.Input(shape=conv_layer.output.shape[1:], name="conv_maps")
tail_scores = classifier.get_layer("head")(classifier.get_layer("pool")(backbone_tail(conv_input)))
from_conv = keras.Model(conv_input, tail_scores, name="from_conv")

conv_maps = run(to_conv, batch)
print("conv maps:", conv_maps.shape)
split = run(from_conv, conv_maps)
whole = run(classifier, batch)
print("two halves give the classifier's scores:", np.allclose(split, whole, atol=1e-5))
print("same layer objects:", backbone_tail.get_layer("Conv_1") is backbone.get_layer("Conv_1"))

# %% [markdown]
# ## The gradient, on each backend
#
# Each backend differentiates in its own way; the function below holds all three, and the page
# runs the branch of the backend it runs on.
#
# - TensorFlow records the operations under `tf.GradientTape`; `tape.watch` marks an input
#   that is not a variable.
# - JAX differentiates a pure function. `stateless_call` is the model as such a function: the
#   weights go in as arguments instead of being read from the layers.
# - PyTorch records the operations on tensors created with `requires_grad=True`.
#
# Here the maps are an input, so TensorFlow must be told to watch them (`tape.watch`), and
# that takes tensors only, not the NumPy arrays that `predict` (or `run` here) returns: the
# function converts them first.

# %%
def score_gradients(tail: keras.Model, inputs, class_index: int):
    """Gradient of the summed class score of tail(inputs) with respect to inputs (one or a list)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        inputs = keras.tree.map_structure(tf.convert_to_tensor, inputs)
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            score = keras.ops.sum(tail(inputs)[:, class_index])
        grads = tape.gradient(score, inputs)
    elif backend == "jax":
        import jax

        trainable = [v.value for v in tail.trainable_variables]
        non_trainable = [v.value for v in tail.non_trainable_variables]

        def score_of(xs):
            outputs, _ = tail.stateless_call(trainable, non_trainable, xs)
            return outputs[:, class_index].sum()

        grads = jax.grad(score_of)(inputs)
    elif backend == "torch":
        import torch

        inputs = keras.tree.map_structure(lambda x: torch.tensor(x, requires_grad=True), inputs)
        score = tail(inputs)[:, class_index].sum()
        flat = torch.autograd.grad(score, keras.tree.flatten(inputs))
        grads = keras.tree.pack_sequence_as(inputs, flat)
    return keras.tree.map_structure(keras.ops.convert_to_numpy, grads)


grads = score_gradients(from_conv, conv_maps, class_index)
print("gradient:", grads.shape)

# %% [markdown]
# Without the conversion, `tape.watch` refuses the array (a corner of `conv_maps`, rounded, to
# keep the message short; the TensorFlow branch only):

# %%
if keras.backend.backend() == "tensorflow":
    import tensorflow as tf

    with tf.GradientTape() as tape:
        try:
            tape.watch(np.round(conv_maps[:1, :1, :1, :2], 2))
        except ValueError as err:
            print(f"ValueError: {err}")

# %% [markdown]
# Check it without trusting any backend: move the maps a small step along the gradient's
# direction and compare how the score changes with what the gradient predicts.

# %%
step = 1e-2 * grads / np.linalg.norm(grads)
up = run(from_conv, conv_maps + step)[:, class_index].sum()
down = run(from_conv, conv_maps - step)[:, class_index].sum()
predicted = float(np.sum(grads * step))
print("score change, measured vs predicted:", np.round((up - down) / 2, 4), np.round(predicted, 4))
print("gradient agrees with the measured change:", bool(np.isclose((up - down) / 2, predicted, rtol=0.05)))

# %% [markdown]
# ## On TensorFlow and PyTorch, one model is enough
#
# The split is what `jax.grad` needs. TensorFlow's tape records every operation run under it,
# the convolution included, and PyTorch records them on the tensors, so both differentiate
# with respect to a tensor computed inside one model: one that returns the layer's output
# next to the scores. That is the usual Grad-CAM recipe
# ([keras.io's Grad-CAM example](https://keras.io/examples/vision/grad_cam/)). With a nested
# backbone, the model starts at the backbone's input, with your `pool` and `head` layers put on
# the backbone's output. The function below holds the TensorFlow and PyTorch ways; on JAX it
# returns `None`.

# %%
def one_model_gradient(grad_model: keras.Model, class_index: int):
    """Gradient of the summed class score with respect to grad_model's first output, on batch."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            maps, preds = grad_model(batch)
            class_score = preds[:, class_index]
        map_grads = tape.gradient(class_score, maps)
    elif backend == "torch":
        import torch

        maps, preds = grad_model(batch)
        class_score = preds[:, class_index]
        (map_grads,) = torch.autograd.grad(class_score.sum(), maps)
    else:
        return None  # JAX: no tape; jax.grad needs the maps as an argument, hence the split
    return keras.ops.convert_to_numpy(map_grads)


head_scores = classifier.get_layer("head")(classifier.get_layer("pool")(backbone.output))
grad_model = keras.Model(backbone.input, [conv_layer.output, head_scores])
map_grads = one_model_gradient(grad_model, class_index)
if map_grads is None:
    print("JAX: the split above is the way")
else:
    print("one model, same gradient as the split:", np.allclose(map_grads, grads, rtol=1e-3, atol=1e-6))

# %% [markdown]
# ## Grad-CAM
#
# Average the gradient over the map's height and width: one weight per channel. The heat map is
# the channel-weighted sum of the maps, with negative values cut to zero, scaled to 1.

# %%
channel_weights = grads.mean(axis=(1, 2))  # (batch, channels)
heat = np.maximum(np.einsum("bhwc,bc->bhw", conv_maps, channel_weights), 0)
heat = heat / heat.max(axis=(1, 2), keepdims=True)
print("heat map:", heat.shape)
print(np.round(heat[0], 2))

# %% [markdown]
# ## A layer inside a residual block
#
# The split at `block_13_expand` works because every path from the image to the score goes
# through its output. `block_12_expand` sits inside a residual block: the skip connection from
# `block_11_add` goes around it, straight to the merge `block_12_add`. A model that starts at
# `block_12_expand` alone misses that path:

# %%
expand = backbone.get_layer("block_12_expand")
try:
    keras.Model(expand.output, backbone.output)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# Give the second part the skip connection's tensor as a second input, so that every path
# starts at one of its inputs, and differentiate with respect to the first:

# %%
skip_layer = backbone.get_layer("block_11_add")
to_expand = keras.Model(backbone.input, [expand.output, skip_layer.output], name="to_expand")
expand_tail = keras.Model([expand.output, skip_layer.output], backbone.output, name="expand_tail")
expand_in = keras.Input(shape=expand.output.shape[1:], name="expand_maps")
skip_in = keras.Input(shape=skip_layer.output.shape[1:], name="skip")
expand_scores = classifier.get_layer("head")(classifier.get_layer("pool")(expand_tail([expand_in, skip_in])))
from_expand = keras.Model([expand_in, skip_in], expand_scores, name="from_expand")

expand_maps, skip_maps = run(to_expand, batch)
expand_split = run(from_expand, [expand_maps, skip_maps])
print("two halves give the classifier's scores:", np.allclose(expand_split, whole, atol=1e-5))
grad_expand, _ = score_gradients(from_expand, [expand_maps, skip_maps], class_index)
print("gradient for block_12_expand:", grad_expand.shape)

# %% [markdown]
# The one-model way needs no second input here: the skip connection runs inside the model, and
# the tape (or PyTorch) records it too.

# %%
expand_grad_model = keras.Model(backbone.input, [expand.output, head_scores])
expand_map_grads = one_model_gradient(expand_grad_model, class_index)
if expand_map_grads is None:
    print("JAX: the split above is the way")
else:
    print("one model, same gradient as the split:", np.allclose(expand_map_grads, grad_expand, rtol=1e-3, atol=1e-6))

# %% [markdown]
# The backbone's last layer, `out_relu` (the usual Grad-CAM layer), fails with the same
# message. Its output is the backbone's output: nothing of the backbone is left after it, so the
# tail is only your own layers on top.

# %%
last = backbone.get_layer("out_relu")
print("out_relu's output is the backbone's output:", last.output is backbone.output)
try:
    keras.Model(last.output, backbone.output)
except ValueError as err:
    print(f"ValueError: {err}")
last_in = keras.Input(shape=last.output.shape[1:], name="last_maps")
from_last = keras.Model(last_in, classifier.get_layer("head")(classifier.get_layer("pool")(last_in)), name="from_last")
last_split = run(from_last, run(backbone, batch))
print("backbone, then from_last, give the classifier's scores:", np.allclose(last_split, whole, atol=1e-5))

# %% [markdown]
# Both ways need the layer to be in the backbone's own graph. Some backbones nest models of
# their own: ConvNeXt's stem and downsampling blocks are `Sequential` models inside it. The
# `.output` of a layer inside one of them is a tensor of that inner model, so neither the one
# model nor the split reaches it. A nested `Sequential`'s own `.output` is the tensor the
# backbone got, and a model to it builds:

# %%
convnext = keras.applications.ConvNeXtTiny(input_shape=(32, 32, 3), include_top=False, weights=None, name="convnext")
stem = convnext.get_layer("convnext_stem")
print("stem:", type(stem).__name__, [layer.name for layer in stem.layers])
stem_norm = stem.get_layer("convnext_stem_layernorm")
try:
    keras.Model(convnext.input, [stem_norm.output, convnext.output])
except ValueError as err:
    print(f"one model: ValueError: {err}")
try:
    keras.Model(stem_norm.output, convnext.output)
except ValueError as err:
    print(f"split: ValueError: {err}")
stem_model = keras.Model(convnext.input, [stem.output, convnext.output])
print("to the stem's own output:", [tuple(t.shape) for t in stem_model.outputs])

# %% [markdown]
# ## Which branch moved the prediction
#
# `block_12_add` is a residual merge inside the backbone: it adds the block's own output
# (`block_12_project_BN`) to the skip connection (`block_11_add`). `merge.input` lists the
# tensors it adds: check that they are those two layers' outputs. Then split at the merge, as
# above, and take the gradient with respect to both of its inputs.

# %%
merge = backbone.get_layer("block_12_add")
print("merge adds block_11_add, block_12_project_BN:", merge.input[0] is skip_layer.output
      and merge.input[1] is backbone.get_layer("block_12_project_BN").output)

to_branches = keras.Model(backbone.input, merge.input, name="to_branches")
branches_tail = keras.Model(merge.input, backbone.output, name="branches_tail")
skip_in = keras.Input(shape=merge.input[0].shape[1:], name="skip_branch")
block_in = keras.Input(shape=merge.input[1].shape[1:], name="block_branch")
merged_scores = classifier.get_layer("head")(classifier.get_layer("pool")(branches_tail([skip_in, block_in])))
from_branches = keras.Model([skip_in, block_in], merged_scores, name="from_branches")

skip, block = run(to_branches, batch)
grad_skip, grad_block = score_gradients(from_branches, [skip, block], class_index)
print("same gradient for both branches:", np.array_equal(grad_skip, grad_block))

# %% [markdown]
# An `Add` passes the same gradient to each of its inputs, so the gradient alone cannot tell the
# branches apart. Multiply each branch's value by that gradient and sum ("gradient times
# input"): a first-order estimate of how much each branch pushed the class score up (positive)
# or down (negative). It is a heuristic, not an exact split of the score.

# %%
for name, value, grad in (("skip", skip, grad_skip), ("block", block, grad_block)):
    print(f"{name:5} contribution per image: {np.round((value * grad).sum(axis=(1, 2, 3)), 4)}")

# %% [markdown]
# ## A Keras model in a PyTorch training loop
#
# On the PyTorch backend a `keras.Model` is also a `torch.nn.Module`: `model.parameters()` lists
# all its variables as torch parameters (the trainable ones with `requires_grad=True`), so a
# plain PyTorch loop trains it, with a `torch.optim` optimizer, `loss.backward()` and
# `optimizer.step()`, and no `compile` or `fit` (keras.io's guide:
# [writing a training loop from scratch in PyTorch](https://keras.io/guides/writing_a_custom_training_loop_in_torch/)).
# The backend is chosen when Keras is imported, and this page runs on TensorFlow, so the loop
# below runs in a separate Python process started with `KERAS_BACKEND=torch`. The model has two
# branches joined by a `Concatenate`, then `BatchNormalization`, `Dropout`, and a head with a
# weight regularizer; the data is 16 random rows, seeded.
#
# Three things differ from a pure PyTorch model:
#
# - Pass `training=True`: torch's `model.train()` does not switch Keras layers such as
#   `Dropout` and `BatchNormalization` to training mode, and `model(x)` runs them in inference
#   mode (no dropout, no update of the moving statistics).
# - Add `sum(model.losses)` if layers have regularizers: the loss you compute does not hold them.
# - Make the data with `keras.ops.convert_to_tensor`, which puts it on the device Keras computes
#   on; `torch.tensor(...)` stays on the CPU, while Keras uses the GPU when there is one.

# %%
torch_loop = textwrap.dedent("""
    import keras
    import numpy as np
    import torch
    from keras import layers

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = keras.ops.convert_to_tensor(rng.normal(size=(16, 4)).astype("float32"))  # on Keras's device
    y = x.sum(dim=1, keepdim=True)

    inputs = keras.Input(shape=(4,), name="features")
    branch_a = layers.Dense(3, activation="relu", name="branch_a")(inputs)
    branch_b = layers.Dense(3, activation="tanh", name="branch_b")(inputs)
    merged = layers.Concatenate(name="merge")([branch_a, branch_b])
    normed = layers.BatchNormalization(name="norm")(merged)
    dropped = layers.Dropout(0.2, name="dropout")(normed)
    scores = layers.Dense(1, kernel_regularizer=keras.regularizers.L2(1e-3), name="head")(dropped)
    model = keras.Model(inputs, scores, name="two_branches")
    print("backend:", keras.backend.backend())
    print("model is a torch.nn.Module:", isinstance(model, torch.nn.Module))
    print("x is on the device of the weights:", x.device == model.get_layer("head").kernel.value.device)
    named = dict(model.named_parameters())
    print("requires_grad=True:", [name.split(".")[-1] for name, p in named.items() if p.requires_grad])
    print("requires_grad=False:", [name.split(".")[-1] for name, p in named.items() if not p.requires_grad])

    model.train()
    print("after model.train(), model(x) gives the same output twice (Dropout off):", torch.equal(model(x), model(x)))
    moving_mean = model.get_layer("norm").moving_mean
    mean_before = keras.ops.convert_to_numpy(moving_mean).copy()
    model(x)
    print("model(x) updated the moving mean:", not np.allclose(mean_before, keras.ops.convert_to_numpy(moving_mean)))
    print("model.losses (the regularizer's):", len(model.losses))

    head_before = keras.ops.convert_to_numpy(model.get_layer("head").kernel).copy()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = torch.nn.MSELoss()
    losses = []
    for step in range(5):
        optimizer.zero_grad()
        loss = loss_fn(model(x, training=True), y) + sum(model.losses)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        print(f"step {step}: loss {loss.item():.3f}")
    print("loss fell:", losses[-1] < losses[0])
    mean_after = keras.ops.convert_to_numpy(moving_mean)
    print("training=True updated the moving mean:", not np.allclose(mean_before, mean_after))
    head_after = keras.ops.convert_to_numpy(model.get_layer("head").kernel)
    print("the Keras layer holds the new weights:", not np.allclose(head_before, head_after))
""")
result = subprocess.run(
    [sys.executable, "-c", torch_loop], env=dict(os.environ, KERAS_BACKEND="torch"), capture_output=True, text=True
)
print(result.stdout, end="")
if result.returncode != 0:
    raise RuntimeError(f"the PyTorch loop failed:\n{result.stderr[-3000:]}")

# %% [markdown]
# `model.parameters()` holds the moving statistics and the `Dropout` layer's seed state too,
# with `requires_grad=False`: the optimizer leaves them alone, and Keras updates the moving
# statistics itself when the model runs with `training=True`. After `model.train()`, `model(x)`
# still gave the same output twice and left the moving mean alone: `Dropout` and
# `BatchNormalization` ran in inference mode. In the loop, with `training=True` and the
# regularizer's loss added, the loss fell (not at every step: `Dropout` makes it noisy), the
# moving mean moved, and the weights the optimizer changed are the Keras layer's own: nothing is
# copied between Keras and PyTorch.
#
# On TensorFlow and JAX the same model is no `torch.nn.Module`. Here, on TensorFlow,
# `model.parameters()` fails:

# %%
features = keras.Input(shape=(4,), name="features")
branch_a = layers.Dense(3, activation="relu", name="branch_a")(features)
branch_b = layers.Dense(3, activation="tanh", name="branch_b")(features)
merged = layers.Concatenate(name="merge")([branch_a, branch_b])
two_branches = keras.Model(features, layers.Dense(1, name="head")(merged), name="two_branches")
print("backend:", keras.backend.backend())
try:
    parameters = list(two_branches.parameters())
    print("model.parameters():", len(parameters), "tensors")
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# Readers meet this message running Keras's PyTorch examples
# ([keras-team/keras#19014](https://github.com/keras-team/keras/issues/19014), with a
# `Sequential` model; [keras-team/keras-io#1738](https://github.com/keras-team/keras-io/issues/1738)).
# Set the backend before Keras is imported, with `KERAS_BACKEND=torch` in the environment (or
# `os.environ["KERAS_BACKEND"] = "torch"` before `import keras`) or in `~/.keras/keras.json`,
# and check it with `keras.backend.backend()`. On JAX and TensorFlow, train with `fit`, or with
# the gradient tools of the section above.

# %% [markdown]
# ## In short
#
# - On TensorFlow and PyTorch no split is needed: one model from the backbone's input to the
#   layer's output and the scores, under one `tf.GradientTape` (or `torch.autograd.grad`),
#   even inside a residual block. Either way the layer must be in the backbone's own graph:
#   for one inside a nested `Sequential` (ConvNeXt's stem), use that `Sequential`'s `.output`.
# - The split is what `jax.grad` needs, since it differentiates with respect to an argument:
#   `keras.Model(backbone.input, layer.output)` and `keras.Model(layer.output, backbone.output)`,
#   then `jax.grad` over the second part's `stateless_call`. Inside a residual block ("Output
#   with path `` is not connected to `inputs`"), add the skip tensor as a second input; at the
#   backbone's last layer, the tail is your head alone. On TensorFlow, `tape.watch` on the
#   split's input takes tensors, not NumPy arrays: convert first.
# - Grad-CAM: channel weights are the gradient averaged over height and width.
# - Both inputs of an `Add` get the same gradient; value times gradient estimates, to first
#   order, which branch moved the score.
# - With `KERAS_BACKEND=torch` a Keras model is a `torch.nn.Module`: `torch.optim.SGD(model.parameters(), ...)`,
#   `loss.backward()` and `optimizer.step()` train it. Call it with `training=True` (torch's
#   `model.train()` does not reach Keras layers), add `sum(model.losses)`, and make the data with
#   `keras.ops.convert_to_tensor`. On another backend: "AttributeError: 'Functional' object has
#   no attribute 'parameters'".
