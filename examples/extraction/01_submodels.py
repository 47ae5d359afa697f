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
# # Branch values with sub-models that share weights
#
# After this page you can build one sub-model per branch to read each branch's values before the
# merge, prove that the sub-models share the main model's weights, and know what this approach
# costs.

# %% [markdown]
# ## Short answer
#
# A model from the main model's input to one branch's output reads that branch; it reuses the
# main model's layers, so its weights are the same variables, not copies. Given a functional
# `model` (for a `Sequential`, use `model.inputs[0]`) with a layer named `branch_a`, and a NumPy
# `batch` of its input:
#
# ```python
# model_a = keras.Model(model.input, model.get_layer("branch_a").output, name="only_a")
# values_a = model_a.predict(batch, verbose=0)
# ```
#
# Pass `model.input`, not the list `model.inputs`: on a one-input model the list makes a direct
# call such as `model_a(batch)` warn. Each such sub-model re-runs everything before its branch;
# for several branches at once, use [one pass](02_one_pass.md).

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
# ## A model with a shared stem and two branches

# %%
image = keras.Input(shape=(16, 16, 3), name="image")
stem = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(image)
branch_a = layers.Conv2D(4, 3, padding="same", activation="relu", name="branch_a")(stem)
branch_b = layers.Conv2D(4, 5, padding="same", activation="relu", name="branch_b")(stem)
merged = layers.Concatenate(name="merge")([branch_a, branch_b])
output = layers.Dense(2, name="head")(layers.GlobalAveragePooling2D(name="pool")(merged))
model = keras.Model(image, output, name="two_branches")
batch = np.random.default_rng(0).normal(size=(2, 16, 16, 3)).astype("float32")  # a batch of 2 images

# %% [markdown]
# ## One sub-model per branch
#
# A sub-model goes from the main model's input to one branch's output tensor. It creates no new
# layers: it reuses the main model's.

# %%
model_a = keras.Model(model.input, model.get_layer("branch_a").output, name="only_a")
model_b = keras.Model(model.input, model.get_layer("branch_b").output, name="only_b")
values_a = model_a.predict(batch, verbose=0)
values_b = model_b.predict(batch, verbose=0)
print("branch_a:", values_a.shape, "| branch_b:", values_b.shape)

# %% [markdown]
# The joined tensor is exactly the two branch values side by side:

# %%
merged_values = keras.Model(model.input, merged).predict(batch, verbose=0)
print("merge = [a, b]:", np.array_equal(merged_values, np.concatenate([values_a, values_b], axis=-1)))

# %% [markdown]
# ## `model.input`, not `model.inputs`
#
# `model.inputs` is always a list; `model.input` keeps the structure the model was built with,
# here one tensor. A sub-model built on the list expects a list, and calling it directly on one
# array warns:

# %%
from_list = keras.Model(model.inputs, model.get_layer("branch_a").output, name="from_list")
called = {}
for name, sub_model in (("model.inputs", from_list), ("model.input", model_a)):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sub_model(batch)
    called[name] = keras.ops.convert_to_numpy(result)
    print(f"built on {name}: {len(caught)} warning(s)")
    for warning in caught:
        print(f"  {warning.category.__name__}: {warning.message}")
print("same values:", np.array_equal(called["model.inputs"], called["model.input"]))

# %% [markdown]
# The values agree; of the two, only the sub-model built on `model.input` is quiet when called
# directly.
#
# A `Sequential` model has no `model.input` on Keras 3.15.1, not even after `predict`; pass
# `model.inputs[0]`, the tensor itself, which does not warn either
# ([Reaching values, Keras 2 to 3](../migration/05_reaching_values.md)):

# %%
seq = keras.Sequential(
    [
        keras.Input(shape=(16, 16, 3), name="image"),
        layers.Conv2D(8, 3, padding="same", activation="relu", name="stem"),
        layers.Conv2D(4, 3, padding="same", activation="relu", name="branch_a"),
    ],
    name="small_seq",
)
seq.predict(batch, verbose=0)
try:
    print(seq.input)
except AttributeError as err:
    print(f"{type(err).__name__}: {err}")
seq_a = keras.Model(seq.inputs[0], seq.get_layer("branch_a").output, name="seq_only_a")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    seq_values = keras.ops.convert_to_numpy(seq_a(batch))
print(f"built on seq.inputs[0]: {len(caught)} warning(s)")
print("same values as seq.predict:", np.allclose(seq_values, seq.predict(batch, verbose=0), atol=1e-6))

# %% [markdown]
# Keras 3.0.0 to 3.5.0 printed it as ([keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/ops/operation.py)):
#
# ```text
# ValueError: The layer small_seq has never been called and thus has no defined input.
# ```
#
# With `KERAS_BACKEND=torch`, PyTorch answers instead: `AttributeError: 'Sequential' object has no
# attribute 'input'`.

# %% [markdown]
# ## Proof that the weights are shared
#
# Change a weight in the **main** model, and the sub-model's output changes with it. Zeroing the
# kernel and bias of `branch_a` makes its ReLU output all zeros:

# %%
print("same layer object:", model_a.get_layer("branch_a") is model.get_layer("branch_a"))
layer = model.get_layer("branch_a")
layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
print("branch_a now all zero:", not np.any(model_a.predict(batch, verbose=0)))
print("branch_b unchanged:", np.array_equal(model_b.predict(batch, verbose=0), values_b))

# %% [markdown]
# ## What it costs
#
# Each sub-model runs everything between the input and its branch. With two sub-models, the
# shared `stem` runs twice per batch, and the main model's own prediction runs it a third time.
# The benchmark page measures this on three branches; the next page does it in one pass.

# %% [markdown]
# ## In short
#
# - `keras.Model(model.input, model.get_layer("branch").output)` reads one branch (on a
#   `Sequential`, `model.inputs[0]`); with `model.inputs` (a list), a direct call on one array warns.
# - Sub-models reuse the main model's layers: weights are shared, not copied.
# - Every sub-model repeats the shared part of the network; for many branches, use one model
#   with several outputs instead.
