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
# # Layers after saving and loading
#
# After this page you can save a multi-branch model as `.keras`, load it back, and check that
# every name, index and weight survived; and you know what `safe_mode` does to a model with a
# `Lambda` layer, and how to avoid needing it.

# %% [markdown]
# ## Setup

# %%
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
folder = Path(tempfile.mkdtemp())  # model files go here, never over a file of yours

# %% [markdown]
# ## A multi-branch model, saved

# %%
inputs = keras.Input(shape=(6,), name="features")
branch_a = layers.Dense(4, activation="relu", name="branch_a")(inputs)
branch_b = layers.Dense(4, activation="tanh", name="branch_b")(inputs)
merged = layers.Concatenate(name="merge")([branch_a, branch_b])
model = keras.Model(inputs, layers.Dense(1, name="head")(merged), name="two_branches")

path = folder / "two_branches.keras"
model.save(path)
print(path.name, "saved")

# %% [markdown]
# ## Loaded: same names, same indices, same weights

# %%
loaded = keras.models.load_model(path)
print("names:  ", [layer.name for layer in loaded.layers])
print("same names in the same order:", [l.name for l in loaded.layers] == [l.name for l in model.layers])

# %%
for name in ("branch_a", "branch_b", "head"):
    before = model.get_layer(name).get_weights()
    after = loaded.get_layer(name).get_weights()
    same = all(np.array_equal(x, y) for x, y in zip(before, after))
    print(f"{name}: {len(after)} arrays, identical: {same}")

# %%
batch = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")
print("same predictions:", np.array_equal(model.predict(batch, verbose=0), loaded.predict(batch, verbose=0)))

# %% [markdown]
# The loaded model is a new object with its own weights: changing it leaves the original alone.

# %%
print("same object:", loaded.get_layer("head") is model.get_layer("head"))
loaded.get_layer("head").kernel.assign(np.zeros((8, 1), dtype="float32"))
print("original head kernel still non-zero:", bool(np.any(model.get_layer("head").kernel.numpy())))

# %% [markdown]
# ## A `Lambda` layer and `safe_mode`
#
# A `Lambda` layer stores its Python function as bytecode in the file. Loading bytecode can run
# arbitrary code, so Keras 3 refuses it by default:

# %%
doubled = layers.Lambda(lambda x: x * 2.0, name="double")(merged)
with_lambda = keras.Model(inputs, doubled, name="with_lambda")
lambda_path = folder / "with_lambda.keras"
with_lambda.save(lambda_path)
try:
    keras.models.load_model(lambda_path)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# `safe_mode=False` loads it, and should be used only for files you made or fully trust:

# %%
trusted = keras.models.load_model(lambda_path, safe_mode=False)
print(trusted.get_layer("double").name, trusted.predict(batch, verbose=0).shape)

# %% [markdown]
# The better fix is no `Lambda` at all: a small registered layer is saved by name and
# configuration, not bytecode, so it loads in the default safe mode.

# %%
@keras.saving.register_keras_serializable(package="examples")
class Scale(layers.Layer):
    def __init__(self, factor: float, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


scaled = keras.Model(inputs, Scale(2.0, name="double")(merged), name="with_scale")
scale_path = folder / "with_scale.keras"
scaled.save(scale_path)
reloaded = keras.models.load_model(scale_path)
print(type(reloaded.get_layer("double")).__name__, reloaded.get_layer("double").factor)
print("same as the Lambda version:", np.allclose(reloaded.predict(batch, verbose=0), trusted.predict(batch, verbose=0)))

# %% [markdown]
# The class must be defined (imported) in the process that loads the file: the file holds its
# registered name, `examples>Scale`, not its code.

# %% [markdown]
# ## In short
#
# - `.keras` files keep layer names, order and weights: compare them after loading, as above.
# - A loaded model is a separate copy, with its own weights.
# - `Lambda` layers refuse to load unless `safe_mode=False`; use that only for trusted files.
# - A registered custom layer with `get_config` loads safely; import it before loading.
