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
# # Keras 2 habits that fail on Keras 3, and what replaces them
#
# After this page you can translate four common Keras 2 (`tf.keras` on TensorFlow 2.15 and
# older) idioms for reaching layers and their outputs into Keras 3 code that runs.

# %% [markdown]
# ## Short answer
#
# | Keras 2 | Keras 3 |
# |---|---|
# | `sequential.output`, `.input` | `sequential.outputs[0]`, `.inputs[0]` (once the model has an input shape) |
# | `layer.output_shape` | `layer.output.shape`, or `layer.compute_output_shape(shape)` |
# | `layer.get_output_at(i)` | keep the tensor each call returns |
# | `keras.backend.function(ins, outs)` | `keras.Model(ins, outs)`, then call it or `predict` |
#
# ```python
# extended = keras.Model(sequential.inputs, layers.Dense(2, name="more")(sequential.outputs[0]))
# hidden = sequential.get_layer("hidden")
# hidden_of = keras.Model(sequential.inputs[0], hidden.output)
# ```

# %% [markdown]
# ## Setup
#
# On TensorFlow 2.16 and later, `tf.keras` is Keras 3 (unless you set `TF_USE_LEGACY_KERAS=1`
# and installed the `tf_keras` package), so everything below applies whether you write
# `import keras` or `from tensorflow import keras`.

# %%
import warnings

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
batch = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")

# %% [markdown]
# ## 1. `Sequential(...).output` and `.input`
#
# In Keras 2 a `Sequential` model with an input shape had `.input` and `.output`. In Keras 3 both
# fail, even with a `keras.Input` first layer:

# %%
sequential = keras.Sequential(
    [keras.Input(shape=(4,), name="x"), layers.Dense(3, name="hidden"), layers.Dense(1, name="out")],
    name="sequential_model",
)
for attribute in ("output", "input"):
    try:
        getattr(sequential, attribute)
    except AttributeError as err:
        print(f"AttributeError: {err}")

# %% [markdown]
# The plural attributes work, and so do the outputs of the model's layers. Use them to build a
# functional model that goes on from the `Sequential` one:

# %%
print(sequential.inputs[0].shape, sequential.outputs[0].shape)
extended = keras.Model(sequential.inputs, layers.Dense(2, name="more")(sequential.outputs[0]))
print([layer.name for layer in extended.layers])

# %% [markdown]
# Keras 2's other way to give the shape, `input_shape=` on the first layer, still works: Keras 3
# warns, builds the model, and gives it `.inputs` and `.outputs`. `.output` fails there too:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    legacy = keras.Sequential([layers.Dense(3, input_shape=(4,), name="hidden")], name="legacy")
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print(legacy.inputs[0].shape, legacy.outputs[0].shape)
try:
    print(legacy.output)
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# `build(input_shape)` gives the same without a warning. Only a `Sequential` model with no shape
# at all has no inputs yet:

# %%
built = keras.Sequential([layers.Dense(3, name="hidden")], name="built")
built.build((None, 4))
print(built.inputs[0].shape, built.outputs[0].shape)
no_shape = keras.Sequential([layers.Dense(3, name="hidden")], name="no_shape")
try:
    print(no_shape.inputs)
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# Give it a shape in one of the three ways, or call it on a `keras.Input` inside a functional
# model:

# %%
x = keras.Input(shape=(4,), name="x")
print(keras.Model(x, no_shape(x)).output.shape)

# %% [markdown]
# ## 2. `layer.output_shape`

# %%
hidden = sequential.get_layer("hidden")
try:
    print(hidden.output_shape)
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# Read the shape off the layer's output tensor, or ask the layer what it would produce for an
# input shape:

# %%
print(hidden.output.shape)
print(hidden.compute_output_shape((None, 4)))

# %% [markdown]
# ## 3. `get_output_at(node_index)` for a shared layer
#
# A layer called twice (here one `Dense` on two inputs) had one output per call, fetched with
# `get_output_at(i)`. That method is gone:

# %%
shared = layers.Dense(2, name="shared")
left, right = keras.Input(shape=(4,), name="left"), keras.Input(shape=(4,), name="right")
left_out, right_out = shared(left), shared(right)
try:
    shared.get_output_at(1)
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# Keep the tensors each call returns, as above, and build a model on them. Do not fall back on
# `shared.output`: with several calls it does not fail, it quietly returns the first call's:

# %%
both = keras.Model([left, right], [left_out, right_out])
print([tuple(t.shape) for t in both.outputs])
print("shared.output is the left call's:", shared.output is left_out)
print("shared.output is the right call's:", shared.output is right_out)

# %% [markdown]
# ## 4. `keras.backend.function`
#
# Keras 2 code compiled a function from symbolic inputs to an inner layer's output. The backend
# module no longer has it:

# %%
try:
    keras.backend.function(sequential.inputs, [hidden.output])
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# A model from the same inputs to the same outputs is that function. Call it directly on a batch,
# or use `predict` for many batches:

# %%
hidden_of = keras.Model(sequential.inputs[0], hidden.output)
print(np.round(keras.ops.convert_to_numpy(hidden_of(batch)), 3))
print(hidden_of.predict(batch, verbose=0).shape)

# %% [markdown]
# ## In short
#
# | Keras 2 | Keras 3 |
# |---|---|
# | `sequential.output`, `.input` | `.outputs[0]`, `.inputs[0]` (after `keras.Input`, `input_shape=` or `build()`) |
# | `layer.output_shape` | `layer.output.shape`, or `layer.compute_output_shape(shape)` |
# | `layer.get_output_at(i)` | keep the tensor each call returns |
# | `keras.backend.function(ins, outs)` | `keras.Model(ins, outs)`, then call it or `predict` |
