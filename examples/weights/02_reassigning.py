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
# # Reassigning weights: `set_weights` and `variable.assign`
#
# After this page you can overwrite a layer's weights or a single variable, read the errors for
# a wrong count, a wrong shape and an unbuilt layer, and check that the model changed exactly
# as you intended.

# %% [markdown]
# ## Short answer
#
# `set_weights` takes one array per variable, in the order of `layer.weights` (`[kernel, bias]`
# for `Dense`, kernel shaped (inputs, units)); `assign` replaces a single variable. Given a
# `model` whose `Dense` layer named `branch_b` maps 4 features to 2 units:
#
# ```python
# layer_b = model.get_layer("branch_b")
# layer_b.set_weights([np.zeros((4, 2), dtype="float32"), np.full((2,), 0.5, dtype="float32")])
# layer_b.bias.assign(np.array([1.0, -1.0], dtype="float32"))
# ```
#
# Shapes must match exactly, and the layer must be built. Pass a copy of an array you will keep
# changing: on JAX the layer may share its memory.

# %% [markdown]
# ## Setup

# %%
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## A model with two branches
#
# `branch_a` (3 units, ReLU) and `branch_b` (2 units, tanh) read the same 4 features and are
# joined, so the joined output's first 3 columns are `branch_a` and the last 2 `branch_b`.

# %%
inputs = keras.Input(shape=(4,), name="features")
branch_a = layers.Dense(3, activation="relu", name="branch_a")(inputs)
branch_b = layers.Dense(2, activation="tanh", name="branch_b")(inputs)
merged = layers.Concatenate(name="merge")([branch_a, branch_b])
model = keras.Model(inputs, merged, name="two_branches")
batch = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
before = model.predict(batch, verbose=0)
print(before.shape)

# %% [markdown]
# ## Set the weights of one layer: `set_weights`
#
# Pass one array per variable, in the order of `layer.weights`. Here `branch_b` gets a zero
# kernel and a bias of 0.5, so its output is `tanh(0.5)` for every sample.

# %%
layer_b = model.get_layer("branch_b")
print([v.path for v in layer_b.weights])
layer_b.set_weights([np.zeros((4, 2), dtype="float32"), np.full((2,), 0.5, dtype="float32")])

# %% [markdown]
# ## Check that exactly what you meant changed

# %%
after = model.predict(batch, verbose=0)
print("branch_a columns unchanged:", np.array_equal(after[:, :3], before[:, :3]))
print("branch_b columns are tanh(0.5):", np.allclose(after[:, 3:], np.tanh(0.5)))
print(np.round(after[:, 3:], 4))

# %% [markdown]
# ## Does `set_weights` copy your arrays?
#
# TensorFlow and PyTorch copy them. JAX on the CPU may not: when a NumPy array's memory starts on
# a 64-byte boundary, the variable can adopt that memory as it is, and a later change to your
# array changes the layer. Whether an array is aligned depends on where NumPy put it, so the
# effect comes and goes. This array is aligned on purpose, to show it every time:

# %%
def aligned_zeros(shape: tuple) -> np.ndarray:
    """Zeros whose memory starts on a 64-byte boundary."""
    size = int(np.prod(shape))
    raw = np.zeros(size + 16, dtype="float32")
    start = (-raw.ctypes.data % 64) // 4
    return raw[start : start + size].reshape(shape)


probe = layers.Dense(2, name="probe")
probe.build((None, 4))
array = aligned_zeros((4, 2))
probe.set_weights([array, np.zeros((2,), dtype="float32")])
array[:] = 9.0
print("probe kernel changed with the array:", bool(np.any(probe.kernel.numpy())))

# %% [markdown]
# On TensorFlow it prints False; the [compatibility matrix](../../backends.md) records what JAX
# prints. Whatever the backend, hand over a copy if you will keep changing the array:

# %%
array = aligned_zeros((4, 2))
probe.set_weights([array.copy(), np.zeros((2,), dtype="float32")])
array[:] = 9.0
print("probe kernel still zero:", not np.any(probe.kernel.numpy()))

# %% [markdown]
# ## `variable.assign`: one variable
#
# To change only the bias, assign to that variable. The kernel keeps its zeros.

# %%
layer_b.bias.assign(np.array([1.0, -1.0], dtype="float32"))
print(layer_b.bias.numpy(), "| kernel still zero:", not np.any(layer_b.kernel.numpy()))
print(np.round(model.predict(batch, verbose=0)[0, 3:], 4))

# %% [markdown]
# ## Error: the wrong number of arrays

# %%
try:
    layer_b.set_weights([np.zeros((4, 2), dtype="float32")])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The layer expects one array per variable, kernel **and** bias. Build the list from the layer
# itself to get the count and order right:

# %%
layer_b.set_weights([np.zeros(v.shape, dtype="float32") for v in layer_b.weights])
print([a.shape for a in layer_b.get_weights()])

# %% [markdown]
# ## Error: the wrong shape

# %%
try:
    layer_b.set_weights([np.zeros((4, 3), dtype="float32"), np.zeros((2,), dtype="float32")])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# A `Dense` kernel is (inputs, units): 4 inputs and 2 units here. `assign` checks shapes too,
# and its message ends with the variable's current values:

# %%
try:
    layer_b.kernel.assign(np.zeros((2, 4), dtype="float32"))
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# `(2, 4)` is the transpose of what the layer needs. If your array came from a framework that
# stores (units, inputs), transpose it:

# %%
layer_b.kernel.assign(np.ones((2, 4), dtype="float32").T)
print(layer_b.kernel.shape, float(layer_b.kernel.numpy().sum()))

# %% [markdown]
# ## Error: a layer that is not built yet
#
# A layer creates its variables when it first learns its input shape. Before that it has none,
# so `set_weights` expects zero arrays:

# %%
unbuilt = layers.Dense(2, name="unbuilt")
try:
    unbuilt.set_weights([np.zeros((4, 2), dtype="float32"), np.zeros((2,), dtype="float32")])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# "expecting 0 weights" means unbuilt. Build it with the input shape (or call it on a tensor),
# then set the weights:

# %%
unbuilt.build((None, 4))
unbuilt.set_weights([np.zeros((4, 2), dtype="float32"), np.ones((2,), dtype="float32")])
print([v.path for v in unbuilt.weights], unbuilt.bias.numpy())

# %% [markdown]
# ## In short
#
# - `set_weights(arrays)` sets one array per variable, in the order of `layer.weights`; pass
#   copies if you will change the arrays afterwards (JAX may share their memory).
# - `variable.assign(array)` replaces one variable; shapes must match exactly.
# - "expecting N weights" with N = 0 means the layer is not built: `build(shape)` first.
# - After any change, compare predictions before and after to prove only the intended part moved.
