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
# # Reading weights: copies, variables, kernels and paths
#
# After this page you know what `get_weights()`, `layer.weights`, `layer.kernel` and
# `layer.bias` each give you, which weights are trainable, how to tell variables apart by
# `path`, and where the weights of a two-branch model live.

# %% [markdown]
# ## Setup

# %%
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## A two-branch model
#
# `branch_a` is a `Dense` layer; `branch_b` is a `Dense` layer followed by batch normalization.

# %%
inputs = keras.Input(shape=(4,), name="features")
branch_a = layers.Dense(3, name="branch_a")(inputs)
branch_b = layers.Dense(2, name="branch_b")(inputs)
branch_b = layers.BatchNormalization(name="branch_b_norm")(branch_b)
merged = layers.Concatenate(name="merge")([branch_a, branch_b])
model = keras.Model(inputs, layers.Dense(1, name="head")(merged), name="two_branches")

# %% [markdown]
# ## `get_weights()`: NumPy copies, in a fixed order
#
# For `Dense` the list is `[kernel, bias]`. Index 0 is the kernel, shaped (inputs, units).

# %%
dense = model.get_layer("branch_a")
arrays = dense.get_weights()
print([(type(a).__name__, a.shape) for a in arrays])

# %% [markdown]
# They are copies: changing one changes nothing in the model.

# %%
arrays[0][:] = 0.0
print("kernel still non-zero:", bool(np.any(dense.get_weights()[0])))

# %% [markdown]
# ## `layer.weights`: the variables themselves
#
# Each variable has a `path` (unique in the model: layer name, then variable name), a `name`
# (just the last part), a shape, and a `trainable` flag. `layer.kernel` and `layer.bias` are the
# same objects as the entries of `layer.weights`.

# %%
for variable in dense.weights:
    print(f"path={variable.path:18} name={variable.name:8} shape={variable.shape} trainable={variable.trainable}")
print("kernel is weights[0]:", dense.kernel is dense.weights[0])
print("bias is weights[1]:  ", dense.bias is dense.weights[1])

# %% [markdown]
# ## `name` repeats, `path` does not
#
# Every `Dense` layer's kernel is named `kernel`. To tell the model's variables apart, use `path`:

# %%
names = [v.name for v in model.weights]
paths = [v.path for v in model.weights]
print(f"{len(model.weights)} variables, {len(set(names))} distinct names, {len(set(paths))} distinct paths")
print(paths)

# %% [markdown]
# ## Trainable and non-trainable weights
#
# Batch normalization learns a scale (`gamma`) and an offset (`beta`) by gradient descent, and
# keeps running statistics (`moving_mean`, `moving_variance`) that training updates without
# gradients. The second kind are non-trainable weights.

# %%
norm = model.get_layer("branch_b_norm")
print("trainable:    ", [v.path for v in norm.trainable_weights])
print("non-trainable:", [v.path for v in norm.non_trainable_weights])

# %% [markdown]
# ## The weights of each branch, and of the merge
#
# Per layer: how many variables, how many numbers. The merge layer has none: a join has nothing
# to learn.

# %%
for layer in model.layers:
    count = sum(int(np.prod(v.shape)) for v in layer.weights)
    print(f"{layer.name:14} {len(layer.weights)} variables, {count:3d} numbers")
print("model.count_params():", model.count_params())

# %% [markdown]
# ## In short
#
# - `get_weights()` returns NumPy copies, for `Dense` in the order `[kernel, bias]`.
# - `layer.weights` returns the variables; `layer.kernel` and `layer.bias` are the same objects.
# - `variable.path` (`branch_a/kernel`) is unique in a model; `variable.name` (`kernel`) is not.
# - `trainable_weights` are learned by gradients; `non_trainable_weights` (batch-norm
#   statistics) are updated otherwise. A `Concatenate` layer has neither.
