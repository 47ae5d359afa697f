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
# ## Short answer
#
# `model.layers` lists the layers `__init__` assigned, in that order. Their weights exist only
# once the model has been called, on data or on a `keras.Input`, or once you write a `build`
# method (`build(shape)` alone creates none). Layers called only inside `call` have no
# `.output` (a functional sub-model's layers keep theirs): return the values you need from `call`.
# Given a subclassed `model` whose `call` also returns each branch's values when asked
# (`return_branches=True`, the `TwoBranch` below), and an input `batch`:
#
# ```python
# out = model(batch)
# merged, branches = model(batch, return_branches=True)
# ```

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
# ## Three ways to create the weights
#
# **1. Call the model on a batch.** Every layer runs once and builds itself:

# %%
batch = np.random.default_rng(0).normal(size=(2, 5)).astype("float32")
print("batch:", batch.shape)

# %%
out = model(batch)
print("output:", out.shape)
for layer in model.layers:
    print(f"{layer.name:8} {[tuple(w.shape) for w in layer.weights]}")

# %% [markdown]
# **2. Call it on a `keras.Input`.** No data needed: Keras runs `call` once on placeholders to
# work out the output shape, and the layers build on the way:

# %%
symbolic = TwoBranch(name="symbolic")
print("output:", symbolic(keras.Input(shape=(5,), name="x")).shape)
print("weights per layer:", [len(layer.weights) for layer in symbolic.layers])

# %% [markdown]
# **3. Write a `build` method** that builds each layer with its input shape; then `build(shape)`
# really creates the weights, with no warning:

# %%
class TwoBranchWithBuild(TwoBranch):
    def build(self, input_shape):
        self.embed.build(input_shape)
        self.blocks[0].build((None, 8))
        self.blocks[1].build((None, 8))
        for branch in self.branches.values():
            branch.build((None, 8))
        self.merge.build([(None, 4), (None, 4)])


with_build = TwoBranchWithBuild(name="with_build")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with_build.build((None, 5))
print("warnings:", len(caught))
print("weights per layer:", [len(layer.weights) for layer in with_build.layers])

# %% [markdown]
# ## Intermediate outputs
#
# A functional model's layers remember their symbolic outputs; a subclassed model's do not. The
# functional recipe fails, and the message looks wrong, since the model just ran:

# %%
try:
    print(model.get_layer("left").output)
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# On PyTorch the same line raises `AttributeError: 'Dense' object has no attribute 'output'`
# instead: there a Keras layer is also a `torch.nn.Module`, whose attribute lookup replaces the
# message. The cause is the same.
#
# "Never been called" means never called on a `KerasTensor`, the symbolic tensor a
# `keras.Input` gives you. Only such a call is recorded as a node of a graph, and `.output`
# reads that record. Inside a subclassed model, `call` is ordinary Python: on a batch the
# layers get real values, and even when you call the model on a `keras.Input` (way 2 above) the
# inner layers get the backend's placeholders, not `KerasTensor`s. Only the model itself is
# recorded:

# %%
print("the model has an output:", tuple(symbolic.output.shape))
try:
    print(symbolic.get_layer("left").output)
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# A functional sub-model kept as an attribute is different: it was built on `keras.Input`s when
# you created it, so its own layers keep their symbolic outputs, whatever `call` does with it:

# %%
class WithBackbone(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        features = keras.Input(shape=(5,), name="features")
        self.backbone = keras.Model(features, layers.Dense(8, name="inner")(features), name="backbone")
        self.head = layers.Dense(2, name="head")

    def call(self, x):
        return self.head(self.backbone(x))


with_backbone = WithBackbone(name="with_backbone")
print("output:", with_backbone(batch).shape)
print("backbone's inner layer output:", tuple(with_backbone.backbone.get_layer("inner").output.shape))

# %% [markdown]
# For the layers `call` itself runs, ask `call` for their values instead. The `return_branches`
# flag above returns each branch's values next to the merged result, in the same forward pass:

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
#   model on a batch or on a `keras.Input`, or write a `build` method.
# - `layer.output` ("never been called"; on PyTorch "has no attribute 'output'") does not exist
#   for layers called only inside `call`: they are never called on a `KerasTensor` (a
#   functional sub-model's layers keep theirs). Return intermediate values from `call` instead.
