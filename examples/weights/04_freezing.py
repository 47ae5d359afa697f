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
# # Freezing a branch
#
# After this page you can freeze one branch of a model, read its trainable and non-trainable
# counts, know when the change takes effect, and prove after training that the frozen weights
# did not move while the rest did.

# %% [markdown]
# ## Short answer
#
# Set `trainable = False` on the branch of your `model`, then compile (or compile again):
#
# ```python
# model.get_layer("branch_a").trainable = False
# model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
# ```
#
# Compile after the last change to `trainable`. Freezing between `compile` and the first `fit`
# works too, as long as nothing built the optimizer in between: `fit` and `train_on_batch` do,
# `evaluate` does on JAX and PyTorch, and a model loaded from a `.keras` file saved after
# `compile` comes back with its optimizer built. After any of those, freeze, then compile again.
#
# To freeze a shared trunk for one head only, and keep training it from the others, feed that
# head `keras.ops.stop_gradient(trunk)` instead of `trunk` (last section).

# %% [markdown]
# ## Setup

# %%
import os
import tempfile

import keras
import numpy as np
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

rng = np.random.default_rng(0)
x = rng.normal(size=(128, 4)).astype("float32")
y = x.sum(axis=1, keepdims=True)

# %% [markdown]
# ## A two-branch model, and a way to count

# %%
def build() -> keras.Model:
    inputs = keras.Input(shape=(4,), name="features")
    branch_a = layers.Dense(3, activation="relu", name="branch_a")(inputs)
    branch_b = layers.Dense(3, activation="relu", name="branch_b")(inputs)
    merged = layers.Concatenate(name="merge")([branch_a, branch_b])
    return keras.Model(inputs, layers.Dense(1, name="head")(merged), name="two_branches")


def counts(model: keras.Model) -> str:
    trainable = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    frozen = sum(int(np.prod(v.shape)) for v in model.non_trainable_weights)
    return f"trainable {trainable}, non-trainable {frozen}"


def snapshot(model: keras.Model) -> dict:
    return {layer.name: [w.copy() for w in layer.get_weights()] for layer in model.layers if layer.weights}


def moved(model: keras.Model, before: dict) -> dict:
    return {
        name: any(not np.array_equal(a, b) for a, b in zip(model.get_layer(name).get_weights(), arrays, strict=True))
        for name, arrays in before.items()
    }


model = build()
print(counts(model))

# %% [markdown]
# ## Freeze `branch_a`
#
# Setting `trainable = False` on a layer (or a nested model) moves its weights from the
# trainable to the non-trainable list: 4 x 3 + 3 = 15 numbers.

# %%
model.get_layer("branch_a").trainable = False
print(counts(model))

# %% [markdown]
# ## Proof after training
#
# Compile **after** freezing, train a few steps, and compare every layer's weights with a
# snapshot taken before.

# %%
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
before = snapshot(model)
model.fit(x, y, batch_size=32, epochs=2, verbose=0)
print(moved(model, before))

# %% [markdown]
# `branch_a` did not move; `branch_b` and `head` did.
#
# ## When the change takes effect: `trainable = False` before or after `compile`
#
# Freezing between `compile` and the first `fit` still works: `compile` sets a new optimizer and
# the loss and drops any training step built before; the training step, and the optimizer's
# variables, are made later from the weights that are trainable then (when, exactly, is the
# last section).

# %%
model = build()
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
model.get_layer("branch_a").trainable = False
before = snapshot(model)
model.fit(x, y, batch_size=32, epochs=1, verbose=0)
print("frozen after compile, before the first fit, branch_a moved:", moved(model, before)["branch_a"])

# %% [markdown]
# Freezing after the model has trained does **not** work on TensorFlow until you compile again:
# the training step was already built with the old list of trainable weights.

# %%
model = build()
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
model.fit(x, y, batch_size=32, epochs=1, verbose=0)

model.get_layer("branch_a").trainable = False
print("after freezing:", counts(model))
before = snapshot(model)
model.fit(x, y, batch_size=32, epochs=1, verbose=0)
print("fit without compile, branch_a moved:", moved(model, before)["branch_a"])

# %% [markdown]
# The counts already say frozen, yet `branch_a` kept training. This part depends on the backend:
# the printed result is TensorFlow's. The [compatibility matrix](../../backends.md) records what
# the same cell does elsewhere: on PyTorch `branch_a` stays put, and on JAX this `fit` stops with
# a `ValueError` because the optimizer was built for more variables than are now trainable. On
# every backend, compiling again after freezing is what makes it take effect:

# %%
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
before = snapshot(model)
model.fit(x, y, batch_size=32, epochs=1, verbose=0)
print("fit after compile, branch_a moved:", moved(model, before)["branch_a"])

# %% [markdown]
# ## What else builds the optimizer
#
# `fit` is not the only step after which freezing needs a new `compile`. The optimizer is built
# for the weights trainable at that moment, and JAX's training step must be given exactly those
# weights. Printed on TensorFlow: `train_on_batch` builds it; `evaluate` does not here, but it
# does on JAX and PyTorch (Keras builds the optimizer during `evaluate` there, and TensorFlow
# only under a distribution strategy), so do not count on it.

# %%
model = build()
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
print("after compile, optimizer built:", model.optimizer.built)
model.predict(x, verbose=0)
print("after predict, optimizer built:", model.optimizer.built)
model.evaluate(x, y, verbose=0)
print("after evaluate, optimizer built:", model.optimizer.built)
model.train_on_batch(x[:32], y[:32])
print("after train_on_batch, optimizer built:", model.optimizer.built)

# %% [markdown]
# A model saved after `compile` and loaded with `load_model` is compiled again on loading, and
# its optimizer is built straight away, for the weights that were trainable when it was saved.
# Freeze, then compile, before you fit it:

# %%
path = os.path.join(tempfile.mkdtemp(), "compiled.keras")
model.save(path)
loaded = keras.models.load_model(path)
print("loaded, optimizer built:", loaded.optimizer.built)
loaded.get_layer("branch_a").trainable = False
loaded.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
print("compiled again, optimizer built:", loaded.optimizer.built)
before = snapshot(loaded)
loaded.fit(x, y, batch_size=32, epochs=1, verbose=0)
print("loaded, frozen, compiled again, branch_a moved:", moved(loaded, before)["branch_a"])

# %% [markdown]
# ## Freeze the trunk for one head only: `keras.ops.stop_gradient`
#
# `trainable = False` freezes a layer for every loss. Here a trunk is shared by two heads, and
# should learn from `head_b` only, while `head_a` still learns on top of it. Cut the path from
# `head_a` back into the trunk instead: `keras.ops.stop_gradient` passes its input forward
# unchanged and passes no gradient back.

# %%
def build_two_heads(stop_a: bool) -> keras.Model:
    inputs = keras.Input(shape=(4,), name="features")
    trunk = layers.Dense(3, activation="relu", name="trunk")(inputs)
    if stop_a:
        head_a = layers.Dense(1, name="head_a")(keras.ops.stop_gradient(trunk))
    else:
        head_a = layers.Dense(1, name="head_a")(trunk)
    head_b = layers.Dense(1, name="head_b")(trunk)
    return keras.Model(inputs, {"head_a": head_a, "head_b": head_b}, name="two_heads")


stopped = build_two_heads(stop_a=True)
plain = build_two_heads(stop_a=False)
plain.set_weights(stopped.get_weights())
print("layers:", [layer.name for layer in stopped.layers])
print("operations:", [type(operation).__name__ for operation in stopped.operations])
print("same predictions as without stop_gradient:", all(
    np.allclose(keras.ops.convert_to_numpy(stopped(x)[head]), keras.ops.convert_to_numpy(plain(x)[head]))
    for head in ("head_a", "head_b")
))

# %% [markdown]
# The stop is an op, not a layer: `model.layers` does not list it, `model.operations` does
# (`StopGradient`), and it changes no prediction. It is kept when the model is saved (shown
# below).
#
# The gradients show the cut. The function below takes the gradient of one head's squared
# error with respect to the model's trainable variables. The outputs on this page come from
# its TensorFlow branch, `tf.GradientTape`; the JAX and PyTorch branches do the same in their
# own way (the [gradients page](../architectures/03_gradients.md) explains each).

# %%
def head_gradients(model: keras.Model, head: str) -> dict:
    """Gradient of head's mean squared error on (x, y), for each trainable variable, by path."""
    variables = model.trainable_variables
    target = keras.ops.convert_to_tensor(y)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(x)[head] - target))
        grads = tape.gradient(loss, variables)
    elif backend == "torch":
        import torch

        loss = keras.ops.mean(keras.ops.square(model(x)[head] - target))
        grads = torch.autograd.grad(loss, [v.value for v in variables], allow_unused=True)
    elif backend == "jax":
        import jax

        def loss_of(values):
            outputs, _ = model.stateless_call(values, [v.value for v in model.non_trainable_variables], x)
            return keras.ops.mean(keras.ops.square(outputs[head] - target))

        grads = jax.grad(loss_of)([v.value for v in variables])
    # TensorFlow and PyTorch give None for a variable the loss does not depend on; JAX gives zeros.
    return {
        v.path: np.zeros(v.shape) if g is None else keras.ops.convert_to_numpy(g)
        for v, g in zip(variables, grads, strict=True)
    }


for head in ("head_a", "head_b"):
    grads = head_gradients(stopped, head)
    print(f"{head}'s loss, gradient of {head}/kernel is zero:", not np.any(grads[f"{head}/kernel"]))
    print(f"{head}'s loss, gradient of trunk/kernel is zero:", not np.any(grads["trunk/kernel"]))

# %% [markdown]
# Saved and loaded, the model keeps the op, and the cut with it:

# %%
stopped_file = os.path.join(tempfile.mkdtemp(), "two_heads.keras")
stopped.save(stopped_file)
reloaded = keras.models.load_model(stopped_file)
print("loaded, operations:", [type(operation).__name__ for operation in reloaded.operations])
for head in ("head_a", "head_b"):
    grads = head_gradients(reloaded, head)
    print(f"loaded, {head}'s loss, gradient of trunk/kernel is zero:", not np.any(grads["trunk/kernel"]))

# %% [markdown]
# From `head_a`'s loss the trunk gets nothing, and `head_a` itself still gets its gradient;
# from `head_b`'s loss the trunk gets one. So when `fit` trains on both heads' losses, only
# `head_b`'s reaches the trunk.
#
# `trainable = False` on the trunk is the other thing: the trunk leaves the trainable
# variables, so nothing updates it, whichever head the loss comes from. Both, trained on both
# heads' losses:

# %%
frozen = build_two_heads(stop_a=False)
frozen.get_layer("trunk").trainable = False
print("trainable with trunk.trainable = False:", [v.path for v in frozen.trainable_variables])

for label, two_heads in (("stop_gradient before head_a", stopped), ("trunk.trainable = False", frozen)):
    two_heads.compile(optimizer=keras.optimizers.SGD(0.05), loss={"head_a": "mse", "head_b": "mse"})
    before = snapshot(two_heads)
    two_heads.fit(x, {"head_a": y, "head_b": y}, batch_size=32, epochs=1, verbose=0)
    after = moved(two_heads, before)
    print(f"{label}: trunk moved: {after['trunk']}, head_a moved: {after['head_a']}, head_b moved: {after['head_b']}")

# %% [markdown]
# With `stop_gradient` the trunk moved, trained by `head_b`; frozen, it did not move at all.
#
# Readers ask for this as "Condition on Trainable = False with shared embedding layers"
# ([keras-team/keras#8259](https://github.com/keras-team/keras/issues/8259)), "stop the
# backpropagation" ([keras-team/keras#11460](https://github.com/keras-team/keras/issues/11460))
# and "Keras two-head controllable gradient flow"
# ([tensorflow/tensorflow#62576](https://github.com/tensorflow/tensorflow/issues/62576)). The
# 2018 answer in #11460 wraps `K.stop_gradient` in a `Lambda` layer; tf.keras 2 and Keras 3 also
# take it called on the tensor directly (`keras.ops.stop_gradient` in Keras 3). Keras 2 (`tf_keras`,
# what `tf.keras` was up to TensorFlow 2.15) turns that call into a layer, `tf.stop_gradient`;
# the `Lambda` form is a layer in Keras 3 too:

# %%
features_2 = tf_keras.Input(shape=(4,), name="features")
trunk_2 = tf_keras.layers.Dense(3, activation="relu", name="trunk")(features_2)
head_a_2 = tf_keras.layers.Dense(1, name="head_a")(tf_keras.backend.stop_gradient(trunk_2))
print("Keras 2, K.stop_gradient(trunk):", [layer.name for layer in tf_keras.Model(features_2, head_a_2).layers])

features_3 = keras.Input(shape=(4,), name="features")
trunk_3 = layers.Dense(3, activation="relu", name="trunk")(features_3)
head_a_3 = layers.Dense(1, name="head_a")(layers.Lambda(keras.ops.stop_gradient, name="cut")(trunk_3))
with_lambda = keras.Model(features_3, head_a_3, name="with_lambda")
print("Keras 3, Lambda(keras.ops.stop_gradient):", [layer.name for layer in with_lambda.layers])

# %% [markdown]
# In Keras 3, prefer the op: a model with the `Lambda` form saves, but does not load back, even
# with `safe_mode=False`. The file holds the function's name only, `stop_gradient`, which
# loading cannot find (the first exception of the chain, printed):

# %%
lambda_file = os.path.join(tempfile.mkdtemp(), "with_lambda.keras")
with_lambda.save(lambda_file)
try:
    keras.models.load_model(lambda_file, safe_mode=False)
except TypeError as err:
    first = err
    while first.__context__ is not None:
        first = first.__context__
    print(f"{type(first).__name__}: {first}")

# %% [markdown]
# ## In short
#
# - `model.get_layer("branch").trainable = False` moves that branch's weights to
#   `non_trainable_weights`; the counts change at once.
# - Compile after the last change to `trainable`. Freezing between `compile` and the first `fit`
#   works only if nothing built the optimizer in between: `fit`, `train_on_batch`, `evaluate` on
#   JAX and PyTorch, or `load_model` of a model saved compiled.
# - Freezing after the model has trained, without compiling again: TensorFlow keeps training
#   the old list (PyTorch does not, JAX fails).
# - Prove it: snapshot `get_weights()` before `fit` and compare after.
# - To freeze a shared trunk for one head only, feed that head `keras.ops.stop_gradient(trunk)`:
#   its loss gives the trunk a zero gradient, the other heads still train it. It is an op, not a
#   layer, and a saved model keeps it; a `Lambda` around it does not load back.
#   `trainable = False` freezes the trunk for every head.
