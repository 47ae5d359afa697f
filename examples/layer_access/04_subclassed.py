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
# # Layers inside a subclassed model
#
# After this page you know the order of a subclassed model's `layers`, that layers kept in lists
# and dicts are tracked, what `build()` leaves you with compared to a call on a batch, and how to
# get a subclassed model's intermediate outputs.

# %% [markdown]
# ## Setup

# %%
import warnings

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## A model that keeps layers in a list and a dict
#
# Two branches kept in a dict, a stack of blocks kept in a list, and an `embed` layer assigned
# **last** in `__init__` though it runs **first** in `call`.

# %%
class TwoBranch(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [layers.Dense(8, activation="relu", name=f"block_{i}") for i in (1, 2)]
        self.branches = {"left": layers.Dense(4, name="left"), "right": layers.Dense(4, name="right")}
        self.merge = layers.Concatenate(name="merge")
        self.embed = layers.Dense(8, name="embed")

    def call(self, x, return_branches=False):
        x = self.embed(x)
        for block in self.blocks:
            x = block(x)
        values = {name: branch(x) for name, branch in self.branches.items()}
        merged = self.merge(list(values.values()))
        return (merged, values) if return_branches else merged


model = TwoBranch(name="two_branch")
print([layer.name for layer in model.layers])

# %% [markdown]
# Every layer is tracked, from the list and the dict too. The order is the order in which
# `__init__` assigned them, not the order `call` runs them: `embed` comes last.
#
# ## `build()` leaves the layers without weights
#
# A subclassed model cannot know its layers' input shapes until `call` runs. `build(shape)` on
# a model without its own `build` method only marks it built, and Keras warns you:

# %%
built_only = TwoBranch(name="built_only")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    built_only.build((None, 5))
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print("weights per layer:", [len(layer.weights) for layer in built_only.layers])

# %% [markdown]
# So `layer.weights[0]`, which worked after `build()` in older tutorials, fails:

# %%
try:
    built_only.layers[0].weights[0]
except IndexError as err:
    print(f"IndexError: {err}")

# %% [markdown]
# ## Calling the model on a batch builds every layer

# %%
batch = np.random.default_rng(0).normal(size=(2, 5)).astype("float32")
out = model(batch)
print("output:", out.shape)
for layer in model.layers:
    print(f"{layer.name:8} {[tuple(w.shape) for w in layer.weights]}")

# %% [markdown]
# ## Intermediate outputs
#
# A functional model's layers remember their symbolic outputs; a subclassed model's do not,
# because `call` is ordinary Python, run on real values. So the functional recipe fails:

# %%
try:
    model.get_layer("left").output
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# Ask `call` for them instead. The `return_branches` flag above returns each branch's values next
# to the merged result, in the same forward pass:

# %%
merged, branches = model(batch, return_branches=True)
print({name: tuple(value.shape) for name, value in branches.items()})
joined = np.concatenate([keras.ops.convert_to_numpy(branches[k]) for k in ("left", "right")], axis=-1)
print("merge is left then right:", np.allclose(keras.ops.convert_to_numpy(merged), joined))

# %% [markdown]
# ## In short
#
# - A subclassed model's `layers` lists every tracked layer, lists and dicts included, in the
#   order `__init__` assigned them.
# - `model.build(shape)` without a `build` method creates no weights (Keras warns); call the
#   model on a batch to build its layers.
# - `layer.output` does not exist inside a subclassed model; return intermediate values from
#   `call` when you need them.
