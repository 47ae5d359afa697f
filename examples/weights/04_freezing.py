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
# Set `trainable = False` on the branch, then compile (or compile again):
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

# %% [markdown]
# ## Setup

# %%
import os
import tempfile

import keras
import numpy as np
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
# ## When the change takes effect
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
