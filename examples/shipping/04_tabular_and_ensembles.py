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
# # Tabular inputs and ensembles: embeddings for categories, and several trained models averaged into one
#
# After this page you can turn string and integer categories into indices with `StringLookup` and
# `IntegerLookup`, give each its own `Embedding`, join them with normalised numbers in one model
# fed by a dict of named inputs, fix the errors that model raises, and average several trained
# copies of it into one model that you save and reload.

# %% [markdown]
# ## Short answer
#
# Adapt a lookup layer to each categorical column and size each `Embedding` with the lookup's
# `vocabulary_size()`, which counts the index kept for unknown values. An `Embedding` on an
# input of shape `(1,)` returns `(None, 1, 4)`: flatten it before joining it with a `(None, 3)`
# tensor of numbers. Given an adapted `city_lookup`, the model's dict of inputs `inputs` and the
# normalised numbers `numbers`:
#
# ```python
# city_vectors = layers.Embedding(city_lookup.vocabulary_size(), 4, name="city_emb")(inputs["city"])
# city_flat = layers.Flatten(name="city_flat")(city_vectors)
# joined = layers.Concatenate(name="join")([city_flat, numbers])
# ```
#
# To average trained models of one output each, call each one on one shared set of inputs and join
# the results with `layers.Average` (members with several outputs need one `Average` per output,
# shown below). Models that share a name (copies made by `clone_model`, or one file loaded
# twice) fail with `The name "delivery" is used 3 times in the model`: rename them first. Given
# the trained models `members` and a fresh dict of inputs `ensemble_inputs`:
#
# ```python
# for number, member in enumerate(members):
#     member.name = f"member_{number}"
# ensemble = keras.Model(ensemble_inputs, layers.Average(name="mean")([m(ensemble_inputs) for m in members]))
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2, imported only to show its wording of one error. The last section feeds
# raw strings through `tf.data` and runs its model on the TensorFlow backend only; everything
# else runs on TensorFlow, JAX and PyTorch.

# %%
import re
import tempfile
from pathlib import Path

import keras
import numpy as np
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")


def print_error(err: Exception) -> None:
    """Prints an error's type and message, without bold-text codes and without the lines that
    list the arguments Keras received."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).split("Arguments received")[0]
    print(f"{type(err).__name__}: " + "\n".join(line.strip() for line in message.splitlines() if line.strip()))


# %% [markdown]
# ## A table with three kinds of columns
#
# 96 made-up deliveries. `city` is a string, `store` an integer id that means nothing as a number,
# and `numbers` holds three measurements per delivery (distance in km, number of items, hour of
# the day). The target is the delivery time in minutes.

# %%
rng = np.random.default_rng(0)
rows = 96
city = rng.choice(["Lyon", "Oslo", "Porto", "Turin", "Ghent"], size=rows, p=[0.35, 0.25, 0.2, 0.12, 0.08])
store = rng.choice([101, 205, 307, 412], size=rows)
numbers_data = np.stack(
    [rng.uniform(0.5, 9.0, rows), rng.integers(1, 12, rows), rng.integers(8, 23, rows)], axis=1
).astype("float32")
minutes = 12 + 3 * numbers_data[:, 0] + 6 * (city == "Oslo") + 4 * (store == 205) + rng.normal(0, 2, rows)
minutes = minutes.astype("float32")
minutes = minutes.reshape(-1, 1)
print("city:", city[:4], "| store:", store[:4], "| numbers:", numbers_data.shape, "| minutes:", minutes.shape)

# %% [markdown]
# ## Categories to indices: `StringLookup` and `IntegerLookup`
#
# `adapt` collects each column's values, most frequent first. Index 0 is kept for values the
# lookup has not seen: `[UNK]` for strings, `-1` for integers. `vocabulary_size()` counts it.

# %%
city_lookup = layers.StringLookup(name="city_lookup")
city_lookup.adapt(city)
store_lookup = layers.IntegerLookup(name="store_lookup")
store_lookup.adapt(store)
print("city vocabulary:", [str(v) for v in city_lookup.get_vocabulary()], city_lookup.vocabulary_size())
print("store vocabulary:", [int(v) for v in store_lookup.get_vocabulary()], store_lookup.vocabulary_size())

# %% [markdown]
# A value the lookup has not seen gets index 0 instead of an error:

# %%
print("Oslo, Paris ->", keras.ops.convert_to_numpy(city_lookup(np.array(["Oslo", "Paris"]))))
print("205, 999 ->", keras.ops.convert_to_numpy(store_lookup(np.array([205, 999]))))

# %% [markdown]
# The model below takes these indices, not the raw values: `encode` turns a batch of rows into
# the dict the model reads, one key per input. Keeping the lookups outside the model lets it run on
# every backend; the last section puts them inside, on TensorFlow.


# %%
def encode(city_values: np.ndarray, store_values: np.ndarray, numbers_values: np.ndarray) -> dict:
    """A batch of raw rows as the model's input dict: indices of shape (n, 1), and the numbers."""
    return {
        "city": keras.ops.convert_to_numpy(city_lookup(city_values)).reshape(-1, 1).astype("int32"),
        "store": keras.ops.convert_to_numpy(store_lookup(store_values)).reshape(-1, 1).astype("int32"),
        "numbers": numbers_values,
    }


features = encode(city, store, numbers_data)
print({key: (value.shape, str(value.dtype)) for key, value in features.items()})
print("first cities as indices:", features["city"][:6, 0])

# %% [markdown]
# ## Named inputs, one `Embedding` per category, normalised numbers
#
# One `keras.Input` per key, each named after its key. `numbers_norm`, a `Normalization` layer,
# learns the mean and variance of each measurement from the data (`adapt`) and rescales them.

# %%
def tabular_inputs() -> dict:
    """A fresh dict of the three named inputs."""
    return {
        "city": keras.Input(shape=(1,), dtype="int32", name="city"),
        "store": keras.Input(shape=(1,), dtype="int32", name="store"),
        "numbers": keras.Input(shape=(3,), name="numbers"),
    }


inputs = tabular_inputs()
numbers_norm = layers.Normalization(name="numbers_norm")
numbers_norm.adapt(numbers_data)
numbers = numbers_norm(inputs["numbers"])
print("numbers:", numbers.shape)

# %% [markdown]
# An `Embedding` turns each index into a vector of learned values: `city_emb` has one row of 4
# values per entry of the city vocabulary, `store_emb` one row of 2 per store.

# %%
city_vectors = layers.Embedding(city_lookup.vocabulary_size(), 4, name="city_emb")(inputs["city"])
store_vectors = layers.Embedding(store_lookup.vocabulary_size(), 2, name="store_emb")(inputs["store"])
print("city_vectors:", city_vectors.shape, "| store_vectors:", store_vectors.shape)

# %% [markdown]
# ## Mistake 1: joining a `(None, 1, 4)` embedding with `(None, 3)` numbers
#
# The input has shape `(1,)`, so each embedding keeps that axis: `(None, 1, 4)`. `Concatenate`
# needs tensors of the same rank whose shapes agree on every axis except the one it joins:

# %%
try:
    layers.Concatenate(name="join")([city_vectors, store_vectors, numbers])
except ValueError as err:
    print_error(err)

# %% [markdown]
# **Fix.** Drop the length-1 axis with `Flatten` (or `Reshape((4,))`) before joining. An input
# of shape `()`, one index per row with no axis of its own, gives `(None, 4)` straight away:

# %%
city_flat = layers.Flatten(name="city_flat")(city_vectors)
store_flat = layers.Flatten(name="store_flat")(store_vectors)
print("Flatten:", city_flat.shape, "| Reshape((4,)):", layers.Reshape((4,))(city_vectors).shape)
print("Input of shape ():", layers.Embedding(6, 4)(keras.Input(shape=(), dtype="int32")).shape)
joined = layers.Concatenate(name="join")([city_flat, numbers])
print("joined:", joined.shape)

# %% [markdown]
# The full model joins both categories with the numbers. Its inputs are a dict, so `fit` and
# `predict` take a dict with the same keys, matched by name (more on keys in
# [inputs by name](../building/04_inputs_by_name.md)):

# %%
joined = layers.Concatenate(name="join")([city_flat, store_flat, numbers])
hidden = layers.Dense(16, activation="relu", name="hidden")(joined)
delivery_time = layers.Dense(1, name="minutes")(hidden)
model = keras.Model(inputs, delivery_time, name="delivery")
print("inputs:", {key: tuple(t.shape) for key, t in model.input.items()})
print("joined:", joined.shape, "| output:", model.output.shape)
print("weights: city_emb", model.get_layer("city_emb").embeddings.shape,
      "| store_emb", model.get_layer("store_emb").embeddings.shape)

# %%
model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
history = model.fit(features, minutes, batch_size=16, epochs=40, verbose=0)
print("loss, first and last epoch:", round(history.history["loss"][0], 1), round(history.history["loss"][-1], 1))
print("predicted:", np.round(model.predict(features, verbose=0)[:3, 0], 1), "| true:", np.round(minutes[:3, 0], 1))

# %% [markdown]
# ## Mistake 2: raw strings where the model reads indices
#
# Feeding the raw rows, with `city` still strings, fails before any layer runs: `predict` cannot
# turn a NumPy string array into a tensor. `str160` is NumPy's name for strings of up to 5
# characters (32 bits each); yours depends on your longest string. A pandas column gives
# `object` instead:

# %%
raw_rows = {"city": city[:4].reshape(-1, 1), "store": store[:4].reshape(-1, 1), "numbers": numbers_data[:4]}
for kind in ["NumPy strings", "object (pandas)"]:
    if kind.startswith("object"):
        raw_rows["city"] = raw_rows["city"].astype(object)
    try:
        model.predict(raw_rows, verbose=0)
    except ValueError as err:
        print(f"{kind}: ", end="")
        print_error(err)

# %% [markdown]
# An `Input` of `dtype="string"` fed straight to an `Embedding` is no better. The model builds:
# the `Embedding` does not look at its input's dtype until data arrives. The error waits for
# the first batch:

# %%
city_text = keras.Input(shape=(1,), dtype="string", name="city_text")
text_embedding = keras.Model(city_text, layers.Embedding(6, 4, name="text_emb")(city_text))
print("built, output:", text_embedding.output.shape)
try:
    text_embedding(city[:2].reshape(-1, 1))
except Exception as err:  # the error's type depends on the backend
    print_error(err)

# %% [markdown]
# That is TensorFlow's wording; JAX says `data type 'string' not understood` and PyTorch
# `Invalid dtype: str160`. **Fix.** An `Embedding` reads integer indices: put a `StringLookup`
# between the strings and the `Embedding`, as `encode` does, and feed the model its output:

# %%
print("predicted:", np.round(model.predict(encode(city[:4], store[:4], numbers_data[:4]), verbose=0)[:, 0], 1))

# %% [markdown]
# ## Mistake 3: an `Embedding` too small for its indices
#
# A city vocabulary of 5 names seems to call for `Embedding(5, ...)`. But the lookup gives
# indices 0 to 5, since 0 is the unknown value, so the least frequent city (`Turin`, index 5)
# has no row. `undersized` is built that way and fed the first rows:

# %%
city_only = keras.Input(shape=(1,), dtype="int32", name="city")
undersized = keras.Model(city_only, layers.Embedding(len(np.unique(city)), 4, name="city_emb")(city_only))
batch = features["city"][:8]
print("indices:", batch[:, 0], "| rows of the table:", len(np.unique(city)))
try:
    vectors = keras.ops.convert_to_numpy(undersized(batch))
    print("no error; rows that came back as NaN:", np.flatnonzero(np.isnan(vectors).any(axis=(1, 2))))
except Exception as err:  # the error's type depends on the backend
    print_error(err)

# %% [markdown]
# What happens depends on the backend. On TensorFlow on a CPU it is the error above. PyTorch
# raises `IndexError: ... index out of range in self`. JAX raises nothing: the rows of index 5
# come back as `nan`. TensorFlow on a GPU does not check either: threads report rows of zeros
# ([tensorflow#27033](https://github.com/tensorflow/tensorflow/issues/27033),
# [keras#9264](https://github.com/keras-team/keras/issues/9264)); this page ran on a CPU.
#
# **Fix.** Size each `Embedding` with `vocabulary_size()`, as the model above does: every index
# a lookup can give, unknown values included, has a row.

# %%
print("vocabulary_size():", city_lookup.vocabulary_size(), "| largest index:", int(features["city"].max()))

# %% [markdown]
# ## Several trained models, averaged into one
#
# Three copies of `delivery`, each trained from its own starting weights. `clone_model` copies
# the architecture with fresh weights (more on what it keeps in
# [changing a trained model's graph](05_model_surgery.md)), and the adapted mean and variance of
# `numbers_norm` are weights too: a clone's `numbers_norm` starts at mean 0 and variance 1.
# On TensorFlow and JAX, copying the weights with `set_weights` is not enough on its own.
# `Normalization` reads its mean and variance weights when `adapt` ends, when weights are loaded
# from a file, and when you call `finalize_state()`, not on `set_weights`
# ([keras#20147](https://github.com/keras-team/keras/issues/20147) was the same gap for legacy
# `.h5` weight files). On PyTorch the mean the layer uses shares memory with its weight, so the
# second line below already shows the trained mean there. `finalize_state()` does no harm on any
# backend: call it after `set_weights` wherever your code may run:

# %%
clone = keras.models.clone_model(model)
clone_norm = clone.get_layer("numbers_norm")
print("the mean the clone uses:", np.round(keras.ops.convert_to_numpy(clone_norm.mean), 2))
clone.set_weights(model.get_weights())
print("after set_weights:      ", np.round(keras.ops.convert_to_numpy(clone_norm.mean), 2))
clone_norm.finalize_state()
print("after finalize_state(): ", np.round(keras.ops.convert_to_numpy(clone_norm.mean), 2))
print("the trained model's:    ", np.round(keras.ops.convert_to_numpy(numbers_norm.mean), 2))

# %% [markdown]
# Each member: a clone with its own seed, the statistics copied and finalised, the same
# training.

# %%
members = []
for seed in range(3):
    keras.utils.set_random_seed(seed)
    member = keras.models.clone_model(model)
    member.get_layer("numbers_norm").set_weights(model.get_layer("numbers_norm").get_weights())
    member.get_layer("numbers_norm").finalize_state()
    member.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    member.fit(features, minutes, batch_size=16, epochs=40, verbose=0)
    members.append(member)
print("names:", [m.name for m in members])

# %% [markdown]
# ### Mistake 4: members that share a name
#
# Called inside another model, each member becomes one layer named after the model, and a
# model's layer names must be unique. All three copies are named `delivery`:

# %%
ensemble_inputs = tabular_inputs()
try:
    keras.Model(ensemble_inputs, layers.Average(name="mean")([m(ensemble_inputs) for m in members]))
except ValueError as err:
    print_error(err)

# %% [markdown]
# One file loaded twice gives two models of the same name too:

# %%
member_file = Path(tempfile.mkdtemp()) / "delivery.keras"  # a temporary folder
members[0].save(member_file)
loaded_twice = [keras.saving.load_model(member_file) for _ in range(2)]
try:
    keras.Model(ensemble_inputs, layers.Average()([m(ensemble_inputs) for m in loaded_twice]))
except ValueError as err:
    print_error(err)

# %% [markdown]
# Keras 2 said `All layer names should be unique`;
# [keras#12187](https://github.com/keras-team/keras/issues/12187) and
# [keras#5540](https://github.com/keras-team/keras/issues/5540) are threads with that wording:

# %%
k2_members = []
for _ in range(3):
    k2_input = tf_keras.Input(shape=(3,), name="numbers")
    k2_members.append(tf_keras.Model(k2_input, tf_keras.layers.Dense(1)(k2_input), name="delivery"))
k2_shared = tf_keras.Input(shape=(3,), name="numbers")
try:
    tf_keras.Model(k2_shared, tf_keras.layers.Average()([m(k2_shared) for m in k2_members]))
except ValueError as err:
    print(f"[Keras 2] ValueError: {err}")

# %% [markdown]
# **Fix.** Give each member a name of its own before you call it. The layers inside each member
# keep their names (`city_emb`, `hidden` three times over): a nested model's layers are its own,
# and only the members' names must be unique in the ensemble. (Other ways to the same error, and
# why `model._name = ...` no longer renames, are in
# [joining two existing models](../building/01_joining_models.md).)

# %%
for number, member in enumerate(members):
    member.name = f"member_{number}"
ensemble = keras.Model(ensemble_inputs, layers.Average(name="mean")([m(ensemble_inputs) for m in members]))
print("ensemble layers:", [layer.name for layer in ensemble.layers])
print("inside member_0:", [layer.name for layer in ensemble.get_layer("member_0").layers][-3:])

# %% [markdown]
# ### The ensemble's prediction is the mean of the members' predictions
#
# The ensemble holds the members themselves, not copies, and adds no weights of its own:
# training a member afterwards changes the ensemble too.

# %%
rows_4 = encode(city[:4], store[:4], numbers_data[:4])
each = np.stack([keras.ops.convert_to_numpy(m(rows_4)) for m in members])
together = keras.ops.convert_to_numpy(ensemble(rows_4))
print("members:\n", np.round(each[:, :, 0], 1))
print("ensemble:", np.round(together[:, 0], 1))
print("ensemble == mean of members:", np.allclose(together, each.mean(axis=0), atol=1e-5))
print("same object as member_0:", ensemble.get_layer("member_0") is members[0],
      "| own weights:", len(ensemble.weights) - sum(len(m.weights) for m in members))

# %% [markdown]
# ### A weighted average
#
# `Average` weighs every member the same. For your own weights (say, from each member's
# validation loss), scale each prediction with a `Rescaling` layer and add them. Weights that sum
# to 1 keep the result on the target's scale:

# %%
shares = [0.5, 0.3, 0.2]
scaled = [
    layers.Rescaling(share, name=f"share_{n}")(member(ensemble_inputs))
    for n, (share, member) in enumerate(zip(shares, members, strict=True))
]
weighted = keras.Model(ensemble_inputs, layers.Add(name="weighted_sum")(scaled), name="weighted_ensemble")
by_hand = sum(share * prediction for share, prediction in zip(shares, each, strict=True))
print("weighted ensemble == 0.5, 0.3, 0.2 of the members:",
      np.allclose(keras.ops.convert_to_numpy(weighted(rows_4)), by_hand, atol=1e-5))

# %% [markdown]
# ### Members with several outputs
#
# A member with two outputs returns a list of two tensors, and `Average` takes tensors, not lists
# of them. `two_outputs` builds small untrained members that predict the minutes and whether the
# delivery is late:

# %%
def two_outputs(number: int) -> keras.Model:
    """A member with two outputs, `minutes` and `late`."""
    row = keras.Input(shape=(3,), name="numbers")
    hidden = layers.Dense(4, activation="relu", name="hidden")(row)
    late = layers.Dense(1, activation="sigmoid", name="late")(hidden)
    return keras.Model(row, [layers.Dense(1, name="minutes")(hidden), late], name=f"two_{number}")


pair_input = keras.Input(shape=(3,), name="numbers")
pair_outputs = [two_outputs(number)(pair_input) for number in range(3)]
try:
    layers.Average()(pair_outputs)
except AttributeError as err:
    print_error(err)

# %% [markdown]
# **Fix.** One `Average` per output, each over that output of every member:

# %%
averaged = [layers.Average(name=f"mean_{name}")([outputs[k] for outputs in pair_outputs])
            for k, name in enumerate(["minutes", "late"])]
pair_ensemble = keras.Model(pair_input, averaged, name="pair_ensemble")
pair_members = [pair_ensemble.get_layer(f"two_{number}") for number in range(3)]
together_pairs = [keras.ops.convert_to_numpy(output) for output in pair_ensemble(numbers_data[:4])]
for k, name in enumerate(["minutes", "late"]):
    mean_of_members = np.mean([keras.ops.convert_to_numpy(m(numbers_data[:4])[k]) for m in pair_members], axis=0)
    print(f"mean_{name}:", together_pairs[k].shape, "| == mean of the members:",
          np.allclose(together_pairs[k], mean_of_members, atol=1e-5))

# %% [markdown]
# ### Saving and reloading the ensemble
#
# One `.keras` file holds the ensemble, its members and their weights. The reloaded ensemble has
# new member objects with the same names and gives the same predictions:

# %%
folder = Path(tempfile.mkdtemp())  # a temporary folder: nothing of yours is overwritten
ensemble.save(folder / "ensemble.keras")
reloaded = keras.saving.load_model(folder / "ensemble.keras")
print("reloaded layers:", [layer.name for layer in reloaded.layers])
print("same predictions:", np.allclose(keras.ops.convert_to_numpy(reloaded(rows_4)), together, atol=1e-5))
print("member_0 is a new object:", reloaded.get_layer("member_0") is not members[0])

# %% [markdown]
# ## One file that takes the raw strings (TensorFlow)
#
# To ship the lookups with the model, put them inside: raw inputs (`city` as `dtype="string"`),
# the two lookups, then the ensemble. `StringLookup` runs on TensorFlow string tensors, which JAX
# and PyTorch do not have, so this model runs on the TensorFlow backend only; on JAX and PyTorch
# keep the lookups outside the model as above, or in a `tf.data` pipeline.
#
# Even on TensorFlow, `predict` on NumPy strings fails with the `Invalid dtype` error of mistake
# 2 ([tensorflow#65237](https://github.com/tensorflow/tensorflow/issues/65237),
# [keras#20479](https://github.com/keras-team/keras/issues/20479)). Feed a `tf.data.Dataset`
# instead; `fit` and `evaluate` take one too.

# %%
if keras.backend.backend() == "tensorflow":
    import tensorflow as tf

    raw_inputs = {
        "city": keras.Input(shape=(1,), dtype="string", name="city"),
        "store": keras.Input(shape=(1,), dtype="int64", name="store"),
        "numbers": keras.Input(shape=(3,), name="numbers"),
    }
    indices = {"city": city_lookup(raw_inputs["city"]), "store": store_lookup(raw_inputs["store"]),
               "numbers": raw_inputs["numbers"]}
    shipped = keras.Model(raw_inputs, ensemble(indices), name="shipped")
    raw_rows = {"city": city[:4].reshape(-1, 1), "store": store[:4].reshape(-1, 1), "numbers": numbers_data[:4]}
    try:
        shipped.predict(raw_rows, verbose=0)
    except ValueError as err:
        print_error(err)
    dataset = tf.data.Dataset.from_tensor_slices(raw_rows).batch(4)
    shipped.save(folder / "shipped.keras")
    shipped_again = keras.saving.load_model(folder / "shipped.keras")
    from_strings = shipped_again.predict(dataset, verbose=0)
    print("from raw strings, reloaded:", np.round(from_strings[:, 0], 1))
    print("same as the ensemble on indices:", np.allclose(from_strings, together, atol=1e-5))
else:
    print(f"skipped on {keras.backend.backend()}: StringLookup inside a model needs TensorFlow tensors")

# %% [markdown]
# ## In short
#
# - Each categorical column: a `StringLookup` or `IntegerLookup` adapted to it, then an
#   `Embedding(lookup.vocabulary_size(), n)`. The size counts index 0, kept for unknown values.
# - An `Embedding` on a `(1,)` input gives `(None, 1, n)`: `Flatten` it (or use an input of shape
#   `()`) before `Concatenate` with `(None, k)` numbers.
# - An index past the `Embedding`'s rows raises on TensorFlow (CPU) and PyTorch, and gives `nan`
#   on JAX without a word. Strings fed to a model that reads indices fail with
#   `Invalid dtype: str…` (or `object`); an `Embedding` needs a lookup in front of it.
# - An ensemble is `layers.Average()([m(inputs) for m in members])` on one shared dict of inputs;
#   rename members that share a name first. `Rescaling` and `Add` give a weighted average.
#   Members with several outputs need one `Average` per output.
# - After `set_weights` into an adapted `Normalization`, call its `finalize_state()`: TensorFlow
#   and JAX keep the old mean and variance until then.
# - The ensemble saves and reloads as one `.keras` file; with the lookups inside it takes raw
#   strings on TensorFlow, fed through `tf.data`.
