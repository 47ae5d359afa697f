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
# key, read what `fit`, `evaluate` and `predict` give back, and fix what a wrong key or a loss
# list of the wrong length does, including the `loss_weights` typo that raises nothing.

# %% [markdown]
# ## Short answer
#
# Key every per-output argument by output. For a model built with `outputs=[...]` the keys are
# the names of the layers that produce the outputs (`model.output_names`). Outputs that come
# from one layer share its name: the outputs of a nested multi-output model `heads` are
# `['heads', 'heads']`, and no dict can key them. Build such a model with `outputs={...}`, or
# pass each output through a named `layers.Identity`. For `outputs={...}` the keys are the
# dict's own keys (`model.output_names` still lists layer names). Check the keys before
# compiling: on a dict-output model a wrong `loss_weights` key raises nothing and can give each
# weight to the other output. Given a two-output `model` (`price` and `kind`):
#
# ```python
# losses = {"price": "mse", "kind": "sparse_categorical_crossentropy"}
# loss_weights = {"price": 1.0, "kind": 0.5}
# keys = sorted(model.output) if isinstance(model.output, dict) else sorted(model.output_names)
# print("keys match the outputs:", sorted(losses) == sorted(loss_weights) == keys)
# model.compile(optimizer="adam", loss=losses, loss_weights=loss_weights, metrics={"price": ["mae"]})
# ```
#
# `predict` returns a list for `outputs=[...]` and a dict for `outputs={...}` (a list of one
# output gives back the array alone).

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
# `kind`, one of 3 classes. With `outputs=[...]` the heads' layer names become the output names.

# %%
def build_model(outputs_as_dict: bool = False, l2: float = 0.0) -> keras.Model:
    features = keras.Input(shape=(8,), name="features")
    regularizer = keras.regularizers.L2(l2) if l2 else None
    trunk = layers.Dense(16, activation="relu", kernel_regularizer=regularizer, name="trunk")(features)
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
# ## A loss, a weight and metrics per output, by key
#
# Every argument is a dict keyed by output, and so are the targets passed to `fit`. A dict
# cannot pair a loss with the wrong output, whatever order the outputs are in. The check line
# prints `True` only when the losses, the weights and the model's outputs have the same keys:

# %%
losses = {"price": "mse", "kind": "sparse_categorical_crossentropy"}
loss_weights = {"price": 1.0, "kind": 0.5}
keys = sorted(model.output) if isinstance(model.output, dict) else sorted(model.output_names)
print("keys match the outputs:", sorted(losses) == sorted(loss_weights) == keys)
model.compile(optimizer="adam", loss=losses, loss_weights=loss_weights, metrics={"price": ["mae"]})
history = model.fit(x, targets, batch_size=8, epochs=2, verbose=0)
print("logged each epoch:", sorted(history.history))

# %% [markdown]
# Each output gets its own loss (`price_loss`, `kind_loss`), and each metric is prefixed with
# its output's key. `loss` is what the optimizer minimises: the weighted sum of the per-output
# losses.

# %%
scores = model.evaluate(x, targets, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in sorted(scores.items())})
weighted_sum = 1.0 * scores["price_loss"] + 0.5 * scores["kind_loss"]
print("loss == 1.0 * price_loss + 0.5 * kind_loss:", bool(np.isclose(scores["loss"], weighted_sum)))

# %% [markdown]
# Regularizers add to it: with an L2 penalty on `trunk`, `loss` is the weighted sum plus the
# penalties listed in `model.losses`, which have no key of their own in the logs:

# %%
reg_model = build_model(l2=0.01)
reg_model.compile(optimizer="adam", loss=losses, loss_weights=loss_weights)
reg_scores = reg_model.evaluate(x, targets, verbose=0, return_dict=True)
penalty = float(sum(keras.ops.convert_to_numpy(term) for term in reg_model.losses))
print("logged:", sorted(reg_scores), "| penalty:", round(penalty, 4))
reg_sum = 1.0 * reg_scores["price_loss"] + 0.5 * reg_scores["kind_loss"] + penalty
print("loss == 1.0 * price_loss + 0.5 * kind_loss + penalty:", bool(np.isclose(reg_scores["loss"], reg_sum)))

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
# A list of one output is the exception: `predict` gives back the array itself, not a list of
# one array.

# %%
price_only = keras.Model(model.input, [model.get_layer("price").output], name="price_only")
print("outputs=[price]:", type(price_only.predict(x[:4], verbose=0)).__name__)

# %% [markdown]
# A model built with `outputs={"price": ..., "kind": ...}` returns a dict with the same keys.
# Index it by key, never by position (on JAX and PyTorch the dict comes back with its keys
# sorted, `kind` first):

# %%
dict_model = build_model(outputs_as_dict=True)
dict_predictions = dict_model.predict(x[:4], verbose=0)
print(type(dict_predictions).__name__, {k: v.shape for k, v in dict_predictions.items()})

# %% [markdown]
# ## Dict outputs: the keys are yours, not the layer names
#
# Above, the dict keys happened to equal the layer names. When they differ, the keys are what
# `loss`, `loss_weights`, `metrics` and the targets use, while `model.output_names` still lists
# layer names, in the sorted order of the keys (`cost` before `label`), not in the order you
# wrote them. `model.output` is the dict itself, so its keys are the ones to check against:

# %%
base = build_model()
relabelled = keras.Model(
    base.input, {"label": base.get_layer("kind").output, "cost": base.get_layer("price").output}
)
print("output_names:", relabelled.output_names)
print("keys of model.output:", list(relabelled.output))

# %% [markdown]
# Keyed by the layer names, the losses name no output; the `KeyError` comes at the first `fit`:

# %%
relabelled.compile(optimizer="adam", loss=losses)
try:
    relabelled.fit(x, {"cost": y_price, "label": y_kind}, epochs=1, verbose=0)
except KeyError as err:
    print(f"KeyError: {err}")

# %% [markdown]
# Keyed by the dict's keys, it trains, and the logs use those keys:

# %%
relabelled.compile(optimizer="adam", loss={"cost": "mse", "label": "sparse_categorical_crossentropy"})
history = relabelled.fit(x, {"cost": y_price, "label": y_kind}, batch_size=8, epochs=1, verbose=0)
print("logged:", sorted(history.history))

# %% [markdown]
# ## Outputs that share a layer's name: a nested multi-output model
#
# `model.output_names` holds the name of the layer that produced each output. When the heads
# sit in a model of their own, nested in yours, that layer is the nested model, for both
# outputs. Here the trunk feeds `heads`, a model with the same two `Dense` heads; the check from
# above prints `False`:

# %%
head_input = keras.Input(shape=(16,), name="trunk_features")
heads = keras.Model(
    head_input,
    [layers.Dense(1, name="price")(head_input), layers.Dense(3, activation="softmax", name="kind")(head_input)],
    name="heads",
)
features = keras.Input(shape=(8,), name="features")
price, kind = heads(layers.Dense(16, activation="relu", name="trunk")(features))


def nested_model() -> keras.Model:
    return keras.Model(features, [price, kind], name="nested")


nested = nested_model()
print("output_names:", nested.output_names)
keys = sorted(nested.output) if isinstance(nested.output, dict) else sorted(nested.output_names)
print("keys match the outputs:", sorted(losses) == sorted(loss_weights) == keys)

# %% [markdown]
# A layer called twice gives the same: both outputs of a shared `Dense` are named after it.

# %%
left, right = keras.Input(shape=(8,), name="left"), keras.Input(shape=(8,), name="right")
shared = layers.Dense(1, name="score")
print("output_names:", keras.Model([left, right], [shared(left), shared(right)]).output_names)

# %% [markdown]
# A dict keyed by the heads' own names fails at the first `fit`. A loss list trains, but the
# logs keep one `heads_loss` for the two outputs:

# %%
nested.compile(optimizer="adam", loss=losses)
try:
    nested.fit(x, targets, epochs=1, verbose=0)
except ValueError as err:
    print(f"ValueError: {err}")

nested = nested_model()
nested.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"])
history = nested.fit(x, [y_price, y_kind], batch_size=8, epochs=1, verbose=0)
print("logged:", sorted(history.history))

# %% [markdown]
# **Fix.** Give the outputs keys of your own: build the model with `outputs={...}`, or pass each
# output through a named `layers.Identity`, which adds no weights and gives the output its own
# layer name. Either way the check passes, and the logs have one loss per output:

# %%
by_dict = keras.Model(features, {"price": price, "kind": kind}, name="nested_dict")
by_identity = keras.Model(
    features, [layers.Identity(name="price")(price), layers.Identity(name="kind")(kind)], name="nested_identity"
)
for fixed in (by_dict, by_identity):
    keys = sorted(fixed.output) if isinstance(fixed.output, dict) else sorted(fixed.output_names)
    print(f"{fixed.name}: output_names {fixed.output_names}")
    print("  keys match the outputs:", sorted(losses) == sorted(loss_weights) == keys)
    fixed.compile(optimizer="adam", loss=losses, loss_weights=loss_weights)
    history = fixed.fit(x, targets, batch_size=8, epochs=1, verbose=0)
    print("  logged:", sorted(history.history))

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
# ## Mistake 2: a `loss_weights` key that names no output
#
# The losses right, a typo in `loss_weights`. On a model built with `outputs=[...]` it fails at
# the first `fit` with only the name of the output it found no weight for:

# %%
model = build_model()
model.compile(optimizer="adam", loss=losses, loss_weights={"prize": 1.0, "kind": 0.5})
try:
    model.fit(x, targets, epochs=1, verbose=0)
except KeyError as err:
    print(f"KeyError: {err}")

# %% [markdown]
# On a model built with `outputs={...}` the same typo raises nothing. When the keys of the
# weights do not match the keys of the losses, Keras sorts both sets of keys and pairs them by
# position. With `"prize"` the order is unchanged (`kind` < `prize`), so the weights land right
# by luck; with `"Price"` (capitals sort first) they swap: `price` gets 0.5, `kind` gets 1.0.
# `evaluate` shows which sum `loss` is:

# %%
dict_model = build_model(outputs_as_dict=True)
for typo in ["prize", "Price"]:
    dict_model.compile(optimizer="adam", loss=losses, loss_weights={typo: 1.0, "kind": 0.5})
    scores = dict_model.evaluate(x, targets, verbose=0, return_dict=True)
    price_loss, kind_loss = scores["price_loss"], scores["kind_loss"]
    meant, swapped = 1.0 * price_loss + 0.5 * kind_loss, 0.5 * price_loss + 1.0 * kind_loss
    print(f"{typo!r}: price_loss {price_loss:.4f}, kind_loss {kind_loss:.4f}, loss {scores['loss']:.4f}")
    print(f"  1.0 * price + 0.5 * kind = {meant:.4f} | 0.5 * price + 1.0 * kind = {swapped:.4f}")
    print("  price weighted 0.5 and kind 1.0 (swapped):", bool(np.isclose(scores["loss"], swapped)))

# %% [markdown]
# **Fix.** Check the keys before compiling, against the keys of `model.output` for a
# dict-output model and `model.output_names` for a list-output one. The check catches the typo
# whichever way it sorts; with the keys right, `loss` after training is the sum you meant:

# %%
model = build_model(outputs_as_dict=True)
loss_weights = {"Price": 1.0, "kind": 0.5}
keys = sorted(model.output) if isinstance(model.output, dict) else sorted(model.output_names)
print("keys match the outputs:", sorted(losses) == sorted(loss_weights) == keys)
loss_weights = {"price": 1.0, "kind": 0.5}
print("keys match the outputs:", sorted(losses) == sorted(loss_weights) == keys)
model.compile(optimizer="adam", loss=losses, loss_weights=loss_weights, metrics={"price": ["mae"]})
history = model.fit(x, targets, batch_size=8, epochs=1, verbose=0)
scores = model.evaluate(x, targets, verbose=0, return_dict=True)
weighted_sum = 1.0 * scores["price_loss"] + 0.5 * scores["kind_loss"]
print("loss == 1.0 * price_loss + 0.5 * kind_loss:", bool(np.isclose(scores["loss"], weighted_sum)))

# %% [markdown]
# ## Mistake 3: a `metrics` key that names no output
#
# A metrics typo fails at the first `fit` too, as a `ValueError`. The message from a
# list-output model starts with a structure complaint; the one from a dict-output model lists the
# missing and extra keys. (On PyTorch, where Keras compares structures with
# `torch.utils._pytree`, both first lines are shorter, "Node type mismatch" and "Node arity
# mismatch"; the "Invalid `metrics`" part is the same.)

# %%
for model in [build_model(), build_model(outputs_as_dict=True)]:
    model.compile(optimizer="adam", loss=losses, metrics={"prize": ["mae"]})
    try:
        model.fit(x, targets, epochs=1, verbose=0)
    except ValueError as err:
        print(f"{model.name}: ValueError: {err}\n")

# %% [markdown]
# ## Mistake 4: a loss list of the wrong length
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
# The only sign is a warning, and that part is backend-specific. On TensorFlow it is this one
# (the backend [compatibility matrix](../../backends.md) records what JAX and PyTorch print: the
# JAX trainer gives no warning at all, so there only the unchanged head tells; every other
# `True`/`False` line on this page reads the same on TensorFlow, JAX and PyTorch):

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
# - Per-output arguments (`loss`, `loss_weights`, `metrics`, the targets of `fit`) are dicts keyed
#   by output: the names of the layers that produce them for `outputs=[...]`
#   (`model.output_names`), your own keys for `outputs={...}` (`list(model.output)`;
#   `output_names` still lists layer names).
# - Outputs of one layer (a nested multi-output model, a shared layer) share its name
#   (`['heads', 'heads']`): key them with `outputs={...}` or a named `layers.Identity` each.
# - `loss` in the logs is the weighted sum of the per-output losses (`<key>_loss`), plus any
#   regularization penalties.
# - A wrong `loss` or `metrics` key fails at the first `fit`, not at `compile`. A wrong
#   `loss_weights` key fails there only for `outputs=[...]`; for `outputs={...}` it raises
#   nothing and can swap the weights. Check `sorted(losses) == sorted(loss_weights) == keys`.
# - `predict` returns a list for `outputs=[...]` (in that order; a list of one output gives the
#   array alone) and a dict for `outputs={...}`.
# - A loss list that is too short trains only the outputs it covers, with at most a warning; one
#   that is too long raises a `KeyError`. Prefer dicts.
