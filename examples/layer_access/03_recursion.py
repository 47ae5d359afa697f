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
# After this page you have one short function that visits every layer of every nested model, with
# its path (`backbone/block_1/conv`), and you can use it to find layers by type and to account for
# every parameter. You also know what it does not reach, the layers inside a custom layer or
# inside `MultiHeadAttention`, and what does.

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
# `for path, layer in walk_layers(model)` then visits every layer of every nested model, with a
# path such as `backbone/block_1/conv` that `get_layer` can follow one level at a time.
#
# It enters models only. The sublayers of a layer that is not a model, your own custom layer or a
# built-in one such as `MultiHeadAttention` (`query`, `key`, `value`, ...), are in no `.layers`
# list, so the walk lists that layer but nothing inside it. Their weights are all in
# `model.weights`, each with a `.path` naming the layers it was built inside. Given a `model`:
#
# ```python
# print([weight.path for weight in model.weights])
# ```
#
# prints paths such as `attention/query/kernel`. To reach the sublayer objects themselves,
# `walk_all` below also looks through each layer's attributes.

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
# ## Inside layers that are not models
#
# A custom layer that holds two `Dense` layers, and a built-in `MultiHeadAttention`, which holds
# its own `query`, `key`, `value` and output projections: the walk lists each as one entry.

# %%
class Gated(layers.Layer):
    """A custom layer (not a model) that holds two Dense layers."""

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.value = layers.Dense(units, name="value")
        self.gate = layers.Dense(units, activation="sigmoid", name="gate")

    def call(self, x):
        return self.value(x) * self.gate(x)


tokens = keras.Input(shape=(5, 8), name="tokens")
attended = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="attention")(tokens, tokens)
gated = Gated(8, name="gated")(attended)
model = keras.Model(tokens, layers.GlobalAveragePooling1D(name="pool")(gated), name="with_attention")
for path, layer in walk_layers(model):
    print(f"{path:10} {type(layer).__name__}")

# %% [markdown]
# The weights do reach inside. Each variable's `.path` records the layers it was built inside,
# so the list names every sublayer that holds weights:

# %%
print([weight.path for weight in model.weights])

# %% [markdown]
# Layers without weights (the `softmax` and `dropout` inside `MultiHeadAttention`) have no
# variable to show, and a path is only a name. For the layer objects themselves, Keras 3.15.1
# has no public method: `.layers` exists on models only, and Keras itself uses the private
# `_flatten_layers()`. But a layer holds its sublayers in its attributes, `vars(layer)`: the ones
# its code set (directly or in a list or dict) and the list Keras keeps of them. Look there:

# %%
def sublayers(layer: keras.Layer) -> list:
    """A model's `.layers`; for any other layer, the layers held in its attributes."""
    if isinstance(layer, keras.Model):
        return layer.layers
    found = {}
    for value in vars(layer).values():
        items = list(value.values()) if isinstance(value, dict) else value
        for item in items if isinstance(items, (list, tuple)) else [items]:
            if isinstance(item, keras.Layer):
                found[id(item)] = item
    return list(found.values())


def walk_all(layer: keras.Layer, prefix: str = ""):
    """Yield (path, layer) for every layer inside `layer`, inside layers that are not models too."""
    for sublayer in sublayers(layer):
        path = f"{prefix}{sublayer.name}"
        yield path, sublayer
        yield from walk_all(sublayer, prefix=f"{path}/")


for path, layer in walk_all(model):
    print(f"{path:28} {type(layer).__name__}")

# %% [markdown]
# It finds the weightless `softmax` and `dropout` too, and every layer that holds a weight:

# %%
found = {path for path, _ in walk_all(model)}
owners = {weight.path.rsplit("/", 1)[0] for weight in model.weights}
print("every weight's layer found by walk_all:", owners <= found)

# %% [markdown]
# ## In short
#
# - Every Keras model lists its direct sub-layers in `.layers`; nested models are one entry.
# - Recurse into any `keras.Model` found there to reach every layer of every model, with a path.
# - Sum parameters over leaf layers, each object once, to match `count_params()`.
# - The sublayers of a layer that is not a model (a custom layer, `MultiHeadAttention`) are in no
#   `.layers`: `model.weights` names those with weights (`weight.path`); `walk_all` also looks
#   through each layer's attributes, and finds the weightless ones too.
