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
# # Walking every layer of any model
#
# After this page you have one short function that visits every layer of a model, however deeply
# nested, with its path (`backbone/block_1/conv`), and you can use it to find layers by type and
# to account for every parameter.

# %% [markdown]
# ## Short answer
#
# `model.layers` lists only the top level, and a nested model is one entry. Recurse into every
# entry that is itself a `keras.Model`:
#
# ```python
# def walk_layers(model: keras.Model, prefix: str = ""):
#     for layer in model.layers:
#         path = f"{prefix}{layer.name}"
#         yield path, layer
#         if isinstance(layer, keras.Model):
#             yield from walk_layers(layer, prefix=f"{path}/")
# ```
#
# `for path, layer in walk_layers(model)` then visits every layer, with a path such as
# `backbone/block_1/conv` that `get_layer` can follow one level at a time.

# %% [markdown]
# ## Setup

# %%
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## The function
#
# Every kind of Keras model (`Sequential`, functional, subclassed) lists its direct sub-layers in
# `.layers`, and every kind is a `keras.Model`. So: yield each layer, and when it is itself a
# model, walk it too, extending the path.

# %%
def walk_layers(model: keras.Model, prefix: str = ""):
    """Yield (path, layer) for every layer in `model`, depth first, nested models included."""
    for layer in model.layers:
        path = f"{prefix}{layer.name}"
        yield path, layer
        if isinstance(layer, keras.Model):
            yield from walk_layers(layer, prefix=f"{path}/")

# %% [markdown]
# ## A model with all three kinds inside
#
# A functional model whose `backbone` is a `Sequential` holding another `Sequential`
# (`block_1`), and whose `heads` is a subclassed model keeping its layers in a dict.

# %%
class Heads(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.outputs_by_task = {
            "size": layers.Dense(1, name="size"),
            "kind": layers.Dense(3, name="kind"),
        }

    def call(self, x):
        return keras.ops.concatenate([head(x) for head in self.outputs_by_task.values()], axis=-1)


block_1 = keras.Sequential(
    [layers.Conv2D(8, 3, name="conv"), layers.BatchNormalization(name="norm")], name="block_1"
)
backbone = keras.Sequential([block_1, layers.GlobalAveragePooling2D(name="pool")], name="backbone")
image = keras.Input(shape=(16, 16, 3), name="image")
model = keras.Model(image, Heads(name="heads")(backbone(image)), name="nested")
model.predict(np.zeros((1, 16, 16, 3), dtype="float32"), verbose=0)  # builds the subclassed part
print([layer.name for layer in model.layers])

# %% [markdown]
# At the top level there are only three layers. The walk finds all of them:

# %%
for path, layer in walk_layers(model):
    print(f"{path:24} {type(layer).__name__}")

# %% [markdown]
# ## Find layers by type

# %%
dense_and_conv = [path for path, layer in walk_layers(model) if isinstance(layer, (layers.Dense, layers.Conv2D))]
print(dense_and_conv)

# %% [markdown]
# The path is also what you need to reach a layer again: follow it with `get_layer` one level at
# a time.

# %%
layer = model
for name in "backbone/block_1/conv".split("/"):
    layer = layer.get_layer(name)
print(layer.name, layer.kernel.shape)

# %% [markdown]
# ## A parameter table that adds up
#
# A nested model's `count_params()` already includes its layers, so count only the leaves
# (layers that are not models). A layer shared by two nested models appears twice in the walk;
# counting by object identity keeps it from being counted twice.

# %%
seen, total = set(), 0
print(f"{'path':24} {'trainable':>9} {'frozen':>6}")
for path, layer in walk_layers(model):
    if isinstance(layer, keras.Model) or id(layer) in seen:
        continue
    seen.add(id(layer))
    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    total += trainable + frozen
    print(f"{path:24} {trainable:9d} {frozen:6d}")
print(f"{'total':24} {total:9d} | model.count_params(): {model.count_params()}")

# %% [markdown]
# The `norm` layer shows both kinds: 16 trainable (scale and offset) and 16 non-trainable
# (moving mean and variance). Together the rows add up to exactly `model.count_params()`.

# %% [markdown]
# ## In short
#
# - Every Keras model lists its direct sub-layers in `.layers`; nested models are one entry.
# - Recurse into any `keras.Model` found there to reach every layer, with a path.
# - Sum parameters over leaf layers, each object once, to match `count_params()`.
# - Layers of a custom `keras.layers.Layer` (not a `Model`) are not in `.layers`; make a
#   container a `keras.Model` if you want to walk into it.
