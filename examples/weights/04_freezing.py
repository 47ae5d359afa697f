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
# Freezing after `compile` but before the first `fit` works too. Freezing a model that has
# already trained takes effect only once you compile again.

# %% [markdown]
# ## Setup

# %%
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
# Freezing between `compile` and the first `fit` still works: `compile` sets the optimizer and
# the loss and drops any training step built before; the training step and the optimizer's
# variables are made at the first `fit`, from the weights that are trainable then.

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
# ## In short
#
# - `model.get_layer("branch").trainable = False` moves that branch's weights to
#   `non_trainable_weights`; the counts change at once.
# - Freeze before `compile` or before the first `fit`; after a model has trained, compile again.
#   Without that, TensorFlow keeps training the old list (PyTorch does not, JAX fails).
# - Prove it: snapshot `get_weights()` before `fit` and compare after.
