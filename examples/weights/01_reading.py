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
# `path` (and when it repeats), and where the weights of a two-branch model live.

# %% [markdown]
# ## Short answer
#
# `get_weights()` gives NumPy copies (`[kernel, bias]` for `Dense`); `layer.weights`,
# `layer.kernel` and `layer.bias` give the variables themselves, which you can change in place.
# Given a `model` with a `Dense` layer named `branch_a`:
#
# ```python
# dense = model.get_layer("branch_a")
# arrays = dense.get_weights()
# print("kernel is weights[0]:", dense.kernel is dense.weights[0])
# ```
#
# `variable.path` (`branch_a/kernel`) is not unique in every model: two functional sub-models
# that each hold a layer named `proj` give `proj/kernel` twice. `variable.name` (`kernel`) is
# worse. For a unique key, join the names of the models you walk through, then the variable's
# path inside its layer (`mha/query/kernel`, not `mha/kernel`); `variables_by_layer_path` below
# does it and raises if a key repeats.

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
# Each variable has a `path` (the name scope it was created in, here the layer's name, then the
# variable's name), a `name` (just the last part), a shape, and a `trainable` flag.
# `layer.kernel` and `layer.bias` are the same objects as the entries of `layer.weights`.

# %%
for variable in dense.weights:
    print(f"path={variable.path:18} name={variable.name:8} shape={variable.shape} trainable={variable.trainable}")
print("kernel is weights[0]:", dense.kernel is dense.weights[0])
print("bias is weights[1]:  ", dense.bias is dense.weights[1])

# %% [markdown]
# ## `name` repeats; `path` here does not
#
# Every `Dense` layer's kernel is named `kernel`. In this model, where every layer has its own
# name, `path` tells the variables apart:

# %%
names = [v.name for v in model.weights]
paths = [v.path for v in model.weights]
print(f"{len(model.weights)} variables, {len(set(names))} distinct names, {len(set(paths))} distinct paths")
print(paths)

# %% [markdown]
# ## When `path` repeats
#
# A variable's path is the name scope it was created in, not its place in the model. A
# functional sub-model builds its layers when you create it, outside any other model, so its
# variables carry only the layer's name. Two sub-models that each hold a layer named `proj`,
# joined in one model (which is allowed: the sub-models' names differ), give `proj/kernel` twice:

# %%
def encoder(name: str) -> keras.Model:
    features = keras.Input(shape=(4,), name=f"{name}_in")
    return keras.Model(features, layers.Dense(2, name="proj")(features), name=name)


joined_inputs = keras.Input(shape=(4,), name="features")
encoder_a, encoder_b = encoder("encoder_a"), encoder("encoder_b")
joined = keras.Model(
    joined_inputs, layers.Concatenate(name="merge")([encoder_a(joined_inputs), encoder_b(joined_inputs)])
)
joined_paths = [v.path for v in joined.weights]
print(joined_paths)
print("paths unique:", len(set(joined_paths)) == len(joined_paths))

# %% [markdown]
# A nested `Sequential` builds its layers inside its own name scope, so there the paths do get a
# prefix:

# %%
seq_a = keras.Sequential([layers.Dense(2, name="proj")], name="seq_a")
seq_b = keras.Sequential([layers.Dense(2, name="proj")], name="seq_b")
stacked = keras.Model(joined_inputs, layers.Concatenate(name="merge")([seq_a(joined_inputs), seq_b(joined_inputs)]))
print([v.path for v in stacked.weights])

# %% [markdown]
# To tell variables apart, name them by the models you pass through to reach them: walk
# `model.layers`, go into nested models, and join the names. Inside a layer, keep the variable's
# path below the layer's own `path`, not just `variable.name`: a layer can hold sublayers of its
# own. A key that still repeats raises an error rather than silently replacing a variable.

# %%
def variables_by_layer_path(model: keras.Model, prefix: str = "") -> dict:
    """{model names/layer name/variable path inside the layer: variable}, nested models included."""
    found = {}
    for layer in model.layers:
        path = f"{prefix}{layer.name}"
        if isinstance(layer, keras.Model):
            items = variables_by_layer_path(layer, prefix=f"{path}/").items()
        else:
            items = ((f"{path}/{v.path.removeprefix(layer.path + '/')}", v) for v in layer.weights)
        for key, variable in items:
            if key in found:
                raise ValueError(f"two variables under the key {key!r}")
            found[key] = variable
    return found


by_layer_path = variables_by_layer_path(joined)
print(list(by_layer_path))
print("every variable once:", len(by_layer_path) == len(joined.weights))
print("encoder_a/proj/kernel is encoder_a's kernel:",
      by_layer_path["encoder_a/proj/kernel"] is encoder_a.get_layer("proj").kernel)
print(list(variables_by_layer_path(stacked)))

# %% [markdown]
# Why the part inside the layer matters: a `MultiHeadAttention` layer is one entry of
# `model.layers` but holds four `Dense`-like sublayers, eight variables, all named `kernel` or
# `bias`. Keyed by layer name and `variable.name`, they collapse to two keys, and six variables
# vanish from the dict without an error:

# %%
tokens = keras.Input(shape=(3, 4), name="tokens")
attention = keras.Model(tokens, layers.MultiHeadAttention(num_heads=1, key_dim=2, name="mha")(tokens, tokens))
mha = attention.get_layer("mha")
by_name = {f"{mha.name}/{v.name}": v for v in mha.weights}
print(f"{len(mha.weights)} variables, {len(by_name)} keys by variable name: {list(by_name)}")
by_layer_path = variables_by_layer_path(attention)
print(list(by_layer_path))
print("every variable once:", len(by_layer_path) == len(attention.weights))

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
# to learn. Its `get_weights()` is simply an empty list; reading it raises no error, so a loop over
# all layers needs no `try`/`except`, only a check for an empty list.

# %%
for layer in model.layers:
    count = sum(int(np.prod(v.shape)) for v in layer.weights)
    print(f"{layer.name:14} {len(layer.weights)} variables, {count:3d} numbers")
print("model.count_params():", model.count_params())
print("merge get_weights():", model.get_layer("merge").get_weights())

# %% [markdown]
# ## In short
#
# - `get_weights()` returns NumPy copies, for `Dense` in the order `[kernel, bias]`.
# - `layer.weights` returns the variables; `layer.kernel` and `layer.bias` are the same objects.
# - `variable.name` (`kernel`) repeats; `variable.path` (`branch_a/kernel`) is the name scope the
#   variable was created in, and repeats when two functional sub-models hold layers of the same
#   name. For a unique key, join the models' names you walk through with the variable's path
#   inside its layer (`mha/query/kernel`), and raise if a key repeats.
# - `trainable_weights` are learned by gradients; `non_trainable_weights` (batch-norm
#   statistics) are updated otherwise. A `Concatenate` layer has neither.
