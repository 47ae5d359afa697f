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
# # The `Concatenate` layer and the `concatenate()` function
#
# After this page you can join two branches with either `layers.Concatenate` or
# `layers.concatenate`, know which one to reach for, use `keras.ops.concatenate` inside a
# custom layer, and recognise the two call mistakes that Keras rejects.

# %% [markdown]
# ## Short answer
#
# Given two layer outputs `branch_a` and `branch_b` of a functional model, equal in every axis
# but the last:
#
# ```python
# merge = layers.Concatenate(axis=-1, name="merge")
# merged_by_layer = merge([branch_a, branch_b])
# merged_by_function = layers.concatenate([branch_a, branch_b], axis=-1, name="merge_fn")
# ```
#
# Both lines build the same `Concatenate` layer: create-then-call, or one call. Use one layer
# instance per join. Inside a custom layer's `call`, use `keras.ops.concatenate` (or a
# `Concatenate` created in `__init__`).

# %% [markdown]
# ## Setup
#
# `tf.keras` on TensorFlow 2.16 and later is this same Keras 3, so everything here applies to
# code that still writes `from tensorflow import keras` (unless `TF_USE_LEGACY_KERAS` is set to
# `1` or `true` and the `tf_keras` package is installed: then `tf.keras` is the old Keras 2).

# %%
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## Two branches on one input
#
# Both branches read the same 8 features. Their outputs differ only in width: 4 and 3 units.

# %%
inputs = keras.Input(shape=(8,), name="features")
branch_a = layers.Dense(4, activation="relu", name="branch_a")(inputs)
branch_b = layers.Dense(3, activation="tanh", name="branch_b")(inputs)
print("branch_a:", branch_a.shape)
print("branch_b:", branch_b.shape)

# %% [markdown]
# ## The layer: create it, then call it on a list
#
# `layers.Concatenate` is a layer class. You create an instance (its only setting is `axis`,
# `-1` by default: the last axis), then call it on a **list** of tensors.

# %%
merge = layers.Concatenate(axis=-1, name="merge")
merged_by_layer = merge([branch_a, branch_b])
print(merged_by_layer.shape)

# %% [markdown]
# The last axis grew to 4 + 3 = 7; the batch axis (`None`) is untouched.
#
# ## The function: one call
#
# `layers.concatenate` takes the list and the axis in one call. It is a shortcut: it creates a
# `Concatenate` layer and calls it for you.

# %%
merged_by_function = layers.concatenate([branch_a, branch_b], axis=-1, name="merge_fn")
print(merged_by_function.shape)

# %%
model_layer = keras.Model(inputs, merged_by_layer, name="with_layer")
model_function = keras.Model(inputs, merged_by_function, name="with_function")
print(type(model_layer.get_layer("merge")).__name__)
print(type(model_function.get_layer("merge_fn")).__name__)

# %% [markdown]
# Both models hold a layer of the same class. The function left no trace of itself: after
# building, there is no difference between the two models but the layer's name.
#
# ## Same result, checked
#
# The two models share their `branch_a` and `branch_b` layers, so on the same batch they must
# return the same values. Compare them instead of trusting it:

# %%
batch = np.random.default_rng(0).normal(size=(5, 8)).astype("float32")
out_layer = model_layer.predict(batch, verbose=0)
out_function = model_function.predict(batch, verbose=0)
print(out_layer.shape, out_function.shape)
print("identical:", np.array_equal(out_layer, out_function))

# %% [markdown]
# The first 4 columns are `branch_a`'s output and the last 3 are `branch_b`'s, in the order of
# the list you passed:

# %%
just_a = keras.Model(inputs, branch_a).predict(batch, verbose=0)
print("first 4 columns are branch_a:", np.array_equal(out_layer[:, :4], just_a))

# %% [markdown]
# ## When to prefer each
#
# - **The layer** when you need to hold on to it: to reach `merge.input` (the list of branch
#   tensors, useful for extracting each branch's values before the merge) or `merge.output`.
# - **The function** for a one-off join in a functional model, where you would never refer to
#   the layer object again. Name it anyway (`name=`) so `get_layer` can find it.
#
# Holding the layer gives you its inputs back:

# %%
print([t.shape for t in merge.input])
print(merge.output.shape)

# %% [markdown]
# ## One instance per join
#
# `Concatenate` has no weights, so one instance *can* be called on two different lists, and
# both calls work. But `.input` and `.output` then quietly describe the **first** call only:

# %%
shared = layers.Concatenate(name="shared_merge")
first_join = shared([branch_a, branch_b])
second_join = shared([branch_b, branch_b])
print("second join:", second_join.shape)
print("shared.output:", shared.output.shape)
print("shared.output is the first join:", shared.output is first_join)
print("shared.input:", [t.shape for t in shared.input])

# %% [markdown]
# No error, no warning: code that reads `shared.output` to reach the second join gets the first
# one. Create one `Concatenate` per join; it costs nothing.
#
# ## Inside a custom layer: `keras.ops.concatenate`
#
# Inside a layer's `call` you work on tensors, not on a functional graph. Use
# `keras.ops.concatenate`: it runs on every Keras backend, where `tf.concat` would tie your
# layer to TensorFlow.

# %%
class JoinWithSquares(layers.Layer):
    """Joins its input with the element-wise square of that input."""

    def call(self, x):
        return keras.ops.concatenate([x, keras.ops.square(x)], axis=-1)


joined = JoinWithSquares(name="join_with_squares")(branch_b)
print(joined.shape)

# %% [markdown]
# The same layer works on concrete values too; the last 3 columns are the squares of the
# first 3:

# %%
sample = np.array([[1.0, -2.0, 0.5]], dtype="float32")
values = JoinWithSquares()(sample)
print(keras.ops.convert_to_numpy(values))

# %% [markdown]
# A `Concatenate` layer works there too, created **once** in `__init__` and called in `call`,
# like any sub-layer:

# %%
class JoinWithSquaresLayer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.merge = layers.Concatenate(name="merge")

    def call(self, x):
        return self.merge([x, keras.ops.square(x)])


same = JoinWithSquaresLayer(name="join_with_merge_layer")(sample)
print("same values:", np.array_equal(keras.ops.convert_to_numpy(same), keras.ops.convert_to_numpy(values)))

# %% [markdown]
# What to avoid is `layers.concatenate` **inside** `call`. It runs, but it creates a new
# `Concatenate` layer on every call. Keras numbers the layers it names for you, so the counter
# shows it: three calls, three new layers.

# %%
class JoinByFunction(layers.Layer):
    def call(self, x):
        return layers.concatenate([x, keras.ops.square(x)])


join_by_function = JoinByFunction(name="join_by_function")
before = keras.backend.get_uid("concatenate")
for _ in range(3):
    join_by_function(sample)
after = keras.backend.get_uid("concatenate")
print("Concatenate layers created by 3 calls:", after - before - 1)

# %% [markdown]
# (`get_uid` counts up by one each time it is asked, hence the `- 1`.) No weights are lost,
# since `Concatenate` has none, but each call pays for building a layer object it throws away.

# %% [markdown]
# ## Mistake 1: passing the tensors to the constructor
#
# `layers.Concatenate([branch_a, branch_b])` does not join anything. The list lands in the
# constructor's first parameter, `axis`, and you get back an unbuilt layer, not a tensor. The
# error appears only later, when that layer is passed on as if it were a tensor:

# %%
not_a_tensor = layers.Concatenate([branch_a, branch_b])
print(type(not_a_tensor).__name__, "| axis =", type(not_a_tensor.axis).__name__)
try:
    layers.Dense(1, name="head")(not_a_tensor)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The message says a positional argument was a `Concatenate` layer. The fix is the second pair
# of parentheses: create the layer, then call it on the list.

# %%
fixed = layers.Concatenate(name="merge_fixed")([branch_a, branch_b])
print(layers.Dense(1, name="head")(fixed).shape)

# %% [markdown]
# ## Mistake 2: a single tensor instead of a list
#
# A join needs a list, even when you mean to pass "everything so far". Passing one tensor is
# rejected by both the layer and the function, with the same message:

# %%
try:
    layers.Concatenate(name="merge_one")(branch_a)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# `input_shape=(None, 4)` in the message is the shape of the one tensor you passed. Put the
# tensors to join in a list:

# %%
print(layers.Concatenate(name="merge_list")([branch_a, branch_b]).shape)

# %% [markdown]
# ## In short
#
# - `layers.Concatenate(axis=-1)` is created, then called on a list: `Concatenate()([a, b])`;
#   `layers.concatenate([a, b])` creates and calls that same layer in one step. Name it.
# - One instance per join: a reused instance's `.input`/`.output` describe its first call only.
# - Inside a custom layer's `call`, use `keras.ops.concatenate` (every backend) or a
#   `Concatenate` made in `__init__`; `layers.concatenate` there makes a new layer per call.
# - "Only input tensors may be passed as positional arguments" after a `Concatenate([...])`
#   means the second pair of parentheses is missing.
# - "should be called on a list of at least 1 input" means you passed one tensor, not a list.
