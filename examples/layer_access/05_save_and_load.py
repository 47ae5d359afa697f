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
# ## Short answer
#
# A `.keras` file keeps every layer's name, order and weights. Given a `model` and a `path`
# ending in `.keras`:
#
# ```python
# model.save(path)
# loaded = keras.models.load_model(path)
# ```
#
# A `Lambda` layer built on a `lambda` expression is stored as bytecode and loads only with
# `safe_mode=False`. A `Lambda` on a named function is stored by name, and loads in safe mode
# once you pass the function in `custom_objects`. A small registered layer needs neither.

# %% [markdown]
# ## Setup

# %%
import json
import tempfile
import zipfile
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

# %%
model.save(path)
print(path.name, "saved")

# %% [markdown]
# ## Loaded: same names, same indices, same weights

# %%
loaded = keras.models.load_model(path)
loaded_names = [layer.name for layer in loaded.layers]
print("names:  ", loaded_names)
print("same names in the same order:", loaded_names == [layer.name for layer in model.layers])

# %%
for name in ("branch_a", "branch_b", "head"):
    before = model.get_layer(name).get_weights()
    after = loaded.get_layer(name).get_weights()
    same = all(np.array_equal(x, y) for x, y in zip(before, after, strict=True))
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
# A `Lambda` layer on a `lambda` expression stores that expression as bytecode in the file.
# Loading bytecode can run arbitrary code, so Keras 3 refuses it by default:

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
# ## A named function is stored by name
#
# Only a `lambda` expression becomes bytecode. Give `Lambda` a function defined with `def` and
# the file keeps just its name. Compare the two layers' entries in the file's `config.json`:

# %%
def double(x):
    return x * 2.0


named = keras.Model(inputs, layers.Lambda(double, name="double")(merged), name="with_named")
named_path = folder / "with_named.keras"
named.save(named_path)


def stored_function(path: Path, layer_name: str) -> dict:
    """The `function` entry of a layer in a .keras file's config.json."""
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    layer = next(entry for entry in config["config"]["layers"] if entry["name"] == layer_name)
    return layer["config"]["function"]


print("def:   ", stored_function(named_path, "double"))
from_lambda = stored_function(lambda_path, "double")
print("lambda:", from_lambda["class_name"], "| bytecode stored:", "code" in str(from_lambda["config"]))

# %% [markdown]
# On keras-nightly 3.16.0.dev2026102704 the `def:` line reads
# `{'module': None, 'class_name': 'function', 'config': 'double', 'registered_name': 'double'}`
# instead: the entry still holds the function's name and no code, and the next two cells print
# the same there as here.
#
# No bytecode, so `safe_mode` is not in the way; but Keras must find the function by that name,
# and a plain function defined in your script is not found, even in the process that saved it.
# The message is long; its last line says why:

# %%
try:
    keras.models.load_model(named_path)
except TypeError as err:
    print(f"TypeError: ...{str(err).splitlines()[-1].split(' Full object config')[0]}")

# %% [markdown]
# Hand it over in `custom_objects`, and it loads in the default safe mode:

# %%
by_name = keras.models.load_model(named_path, custom_objects={"double": double})
same = np.allclose(keras.ops.convert_to_numpy(by_name(batch)), keras.ops.convert_to_numpy(trusted(batch)))
print("same as the lambda version:", same)

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
# - A `Lambda` on a `lambda` expression is bytecode and refuses to load unless `safe_mode=False`
#   (trusted files only); on a named function it is stored by name and needs `custom_objects`.
# - A registered custom layer with `get_config` loads safely; import it before loading.
