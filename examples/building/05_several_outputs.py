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
# # A Keras model with several outputs: one loss, weight and metric per output
#
# After this page you can give each output of a model its own loss, loss weight and metrics by
# name, read what `fit`, `evaluate` and `predict` give back, and fix the errors a wrong key or a
# loss list of the wrong length cause.

# %% [markdown]
# ## Short answer
#
# Name the last layer of each output; its name is the key for every per-output argument:
#
# ```python
# model.compile(
#     optimizer="adam",
#     loss={"price": "mse", "kind": "sparse_categorical_crossentropy"},
#     loss_weights={"price": 1.0, "kind": 0.5},
#     metrics={"price": ["mae"], "kind": ["accuracy"]},
# )
# ```
#
# `model.output_names` lists the keys Keras expects. `predict` returns a list when the model was
# built with `outputs=[...]`, and a dict when it was built with `outputs={...}`.

# %% [markdown]
# ## Setup

# %%
import tempfile
import warnings

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## A model with two named outputs
#
# One input of 8 features, a shared trunk, and two heads: `price`, a number (regression), and
# `kind`, one of 3 classes. The heads' layer names become the output names.

# %%
def build_model(outputs_as_dict: bool = False) -> keras.Model:
    features = keras.Input(shape=(8,), name="features")
    trunk = layers.Dense(16, activation="relu", name="trunk")(features)
    price = layers.Dense(1, name="price")(trunk)
    kind = layers.Dense(3, activation="softmax", name="kind")(trunk)
    if outputs_as_dict:
        return keras.Model(features, {"price": price, "kind": kind}, name="shop_dict")
    return keras.Model(features, [price, kind], name="shop")


model = build_model()
print("output names:", model.output_names)
print("output shapes:", [tuple(t.shape) for t in model.outputs])

# %% [markdown]
# The diagram shows the trunk splitting into the two heads:

# %%
diagram = f"{tempfile.mkdtemp()}/shop.png"
keras.utils.plot_model(model, to_file=diagram, show_shapes=True, show_layer_names=True, dpi=60)

# %% [markdown]
# ## Made-up data
#
# 64 samples; a price target per sample and a class index (0, 1 or 2) per sample.

# %%
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 8)).astype("float32")
y_price = rng.normal(size=(64, 1)).astype("float32")
y_kind = rng.integers(0, 3, size=(64,)).astype("int32")
targets = {"price": y_price, "kind": y_kind}
print("x:", x.shape, "| price:", y_price.shape, "| kind:", y_kind.shape)

# %% [markdown]
# ## A loss, a weight and metrics per output, by name
#
# Every argument is a dict keyed by output name, and so are the targets passed to `fit`. A dict
# cannot pair a loss with the wrong output, whatever order the outputs are in.

# %%
model.compile(
    optimizer="adam",
    loss={"price": "mse", "kind": "sparse_categorical_crossentropy"},
    loss_weights={"price": 1.0, "kind": 0.5},
    metrics={"price": ["mae"], "kind": ["accuracy"]},
)
history = model.fit(x, targets, batch_size=8, epochs=2, verbose=0)
print("logged each epoch:", sorted(history.history))

# %% [markdown]
# Each output gets its own loss (`price_loss`, `kind_loss`) and metrics prefixed with its name.
# `loss` is what the optimizer minimises: the weighted sum of the per-output losses.

# %%
scores = model.evaluate(x, targets, verbose=0, return_dict=True)
print({name: round(value, 2) for name, value in sorted(scores.items())})
weighted_sum = 1.0 * scores["price_loss"] + 0.5 * scores["kind_loss"]
print("loss == 1.0 * price_loss + 0.5 * kind_loss:", bool(np.isclose(scores["loss"], weighted_sum)))

# %% [markdown]
# ## What `predict` returns: a list or a dict
#
# A model built with `outputs=[price, kind]` returns a list, in that order:

# %%
predictions = model.predict(x[:4], verbose=0)
print(type(predictions).__name__, [p.shape for p in predictions])

# %% [markdown]
# Pair the list with `model.output_names` when you want names:

# %%
by_name = dict(zip(model.output_names, predictions, strict=True))
print({name: value.shape for name, value in by_name.items()})

# %% [markdown]
# A model built with `outputs={"price": ..., "kind": ...}` returns a dict with the same keys.
# Its `output_names` come out sorted by key, not in the order you wrote them; index the dict by
# name, never by position.

# %%
dict_model = build_model(outputs_as_dict=True)
dict_predictions = dict_model.predict(x[:4], verbose=0)
print(type(dict_predictions).__name__, {k: v.shape for k, v in dict_predictions.items()})
print("output names:", dict_model.output_names)

# %% [markdown]
# ## Mistake 1: a loss key that names no output
#
# A typo, `"prize"` for `"price"`. `compile` accepts it; the error comes at the first `fit`,
# when Keras matches the losses to the outputs:

# %%
model = build_model()
model.compile(optimizer="adam", loss={"prize": "mse", "kind": "sparse_categorical_crossentropy"})
print("compiled")
try:
    model.fit(x, targets, epochs=1, verbose=0)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# **Reading it.** The first list is `model.output_names`, the second your keys; the key that is
# in one and not the other is the typo. A model whose outputs are a dict reports the same typo
# differently, as a `KeyError` naming the path of the bad key:

# %%
dict_model = build_model(outputs_as_dict=True)
dict_model.compile(optimizer="adam", loss={"prize": "mse", "kind": "sparse_categorical_crossentropy"})
try:
    dict_model.fit(x, targets, epochs=1, verbose=0)
except KeyError as err:
    print(f"KeyError: {err}")

# %% [markdown]
# A typo in `loss_weights` (the losses themselves right) gives only the name of the output it
# could not find a weight for:

# %%
model = build_model()
model.compile(
    optimizer="adam",
    loss={"price": "mse", "kind": "sparse_categorical_crossentropy"},
    loss_weights={"prize": 1.0, "kind": 0.5},
)
try:
    model.fit(x, targets, epochs=1, verbose=0)
except KeyError as err:
    print(f"KeyError: {err}")

# %% [markdown]
# **Fix.** Take the keys from the model instead of typing them from memory, and check them
# before compiling:

# %%
model = build_model()
losses = {"price": "mse", "kind": "sparse_categorical_crossentropy"}
print("keys match the outputs:", sorted(losses) == sorted(model.output_names))
model.compile(optimizer="adam", loss=losses, loss_weights={"price": 1.0, "kind": 0.5})
history = model.fit(x, targets, batch_size=8, epochs=1, verbose=0)
print("logged:", sorted(history.history))

# %% [markdown]
# ## Mistake 2: a loss list of the wrong length
#
# A list of losses is matched to the outputs by position. One loss for two outputs raises
# nothing: Keras applies `"mse"` to the first output, `price`, and gives the second, `kind`,
# no loss at all. Training then never moves the `kind` head:

# %%
model = build_model()
kind_before = model.get_layer("kind").kernel.numpy().copy()
model.compile(optimizer="adam", loss=["mse"])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    history = model.fit(x, [y_price, y_kind], batch_size=8, epochs=1, verbose=0)
print("logged:", sorted(history.history))
kind_after = model.get_layer("kind").kernel.numpy()
print("kind head unchanged by training:", bool(np.array_equal(kind_before, kind_after)))

# %% [markdown]
# The only sign is a warning. On TensorFlow it is this one (the backend
# [compatibility matrix](../../backends.md) records what JAX and PyTorch print: the JAX trainer
# gives no warning at all, so there only the unchanged head tells):

# %%
messages = sorted({str(w.message) for w in caught if "Gradients do not exist" in str(w.message)})
for message in messages:
    print(message)
print("warned about the untrained head:", len(messages) > 0)

# %% [markdown]
# One loss too many fails at the first `fit`, with the position that has no output (`2`: the
# third loss):

# %%
model = build_model()
model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy", "mae"])
try:
    model.fit(x, [y_price, y_kind], epochs=1, verbose=0)
except KeyError as err:
    print(f"KeyError: {err}")

# %% [markdown]
# **Fix.** One loss per output, in the order of `model.output_names`, or better a dict, which
# cannot be off by one:

# %%
model = build_model()
print("outputs:", model.output_names)
kind_before = model.get_layer("kind").kernel.numpy().copy()
model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"])
history = model.fit(x, [y_price, y_kind], batch_size=8, epochs=1, verbose=0)
print("logged:", sorted(history.history))
kind_after = model.get_layer("kind").kernel.numpy()
print("kind head trained:", not np.array_equal(kind_before, kind_after))

# %% [markdown]
# ## In short
#
# - Name the last layer of each head; `model.output_names` lists the keys that `loss`,
#   `loss_weights`, `metrics` and the targets of `fit` use.
# - `loss` in the logs is the weighted sum of the per-output losses, logged as `<name>_loss`.
# - `predict` returns a list for `outputs=[...]` (in that order) and a dict for `outputs={...}`
#   (whose `output_names` are sorted by key).
# - A wrong loss key fails at the first `fit`, not at `compile`: "Expected keys [...] in loss
#   dict", or a `KeyError` for dict outputs and for `loss_weights`.
# - A loss list that is too short trains only the outputs it covers, with at most a warning; one
#   that is too long raises a `KeyError`. Prefer dicts.
