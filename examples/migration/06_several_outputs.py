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
# # Several outputs from Keras 2 to Keras 3: the logs, `loss`, `loss_weights` and `metrics`
#
# After this page you can move Keras 2 training code for a model with several outputs to Keras 3:
# read the per-output logs, and give `metrics`, `loss`, `loss_weights` and the targets in the forms
# Keras 3 accepts.

# %% [markdown]
# ## Short answer
#
# | Keras 2 | Keras 3 |
# |---|---|
# | `metrics=["accuracy"]` applies to every output | one entry per output: a dict keyed by output name |
# | `dict(zip(model.metrics_names, model.evaluate(x, y)))` | `model.evaluate(x, y, return_dict=True)` |
# | one target array for every output | one target per output, even if it is the same array |
# | `outputs=[...]`: a `loss` dict may leave an output out | give that output `None` |
# | `loss_weights` may leave outputs out: a list drops their losses, a dict weights them 1.0 | one weight per output (including an output whose loss is `None`), or an error |
# | logs of `outputs={...}` named after the layers | named after the dict's keys |
#
# For a `model` with outputs `spam` and `topic`, a `losses` dict, inputs `x` and targets `targets`:
#
# ```python
# model.compile(optimizer="adam", loss=losses, metrics={"spam": ["accuracy"], "topic": ["accuracy"]})
# scores = model.evaluate(x, targets, verbose=0, return_dict=True)
# ```
#
# To train only the `topic` output of that `model`:
#
# ```python
# model.compile(optimizer="adam", loss={"spam": None, "topic": "sparse_categorical_crossentropy"})
# ```
#
# For two heads, `main` and `aux`, trained on the same target `y_score` (a `model` with inputs `x`):
#
# ```python
# history = model.fit(x, {"main": y_score, "aux": y_score}, verbose=0)
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2: what `tf.keras` was up to TensorFlow 2.15, and what
# `TF_USE_LEGACY_KERAS=1` brings back. Where the Keras 2 cells below write `tf_keras.`, your old
# code wrote `keras.` or `tf.keras.`; both versions run in this one process. The Keras 2 half
# always runs on TensorFlow, even when Keras 3's backend is JAX or PyTorch.

# %%
import logging.handlers
import warnings

import keras
import numpy as np
import tensorflow as tf
import tf_keras

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras 3: keras {keras.__version__}, backend {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}, on TensorFlow {tf.__version__}")

# %% [markdown]
# Keras 2 reports some mistakes only as TensorFlow log lines. Collect them, instead of letting
# them go to the terminal, so that the cells below can print them:

# %%
tf_log = logging.handlers.BufferingHandler(capacity=1000)
tf.get_logger().handlers = [tf_log]

# %% [markdown]
# The model reads 4 features of a mail and has two heads: `spam`, a probability (one sigmoid
# unit), and `topic`, one of 3 classes (softmax). One function builds it with either Keras, so
# the Keras 2 and Keras 3 cells run the same code. The data are 32 made-up samples.

# %%
def mail_model(K, outputs_as_dict=False):
    """The two-head model, built with K = tf_keras (Keras 2) or K = keras (Keras 3)."""
    text = K.Input(shape=(4,), name="text")
    trunk = K.layers.Dense(8, activation="relu", name="trunk")(text)
    spam = K.layers.Dense(1, activation="sigmoid", name="spam")(trunk)
    topic = K.layers.Dense(3, activation="softmax", name="topic")(trunk)
    if outputs_as_dict:
        return K.Model(text, {"is_spam": spam, "topic_id": topic}, name="mail_dict")
    return K.Model(text, [spam, topic], name="mail")


rng = np.random.default_rng(0)
x = rng.normal(size=(32, 4)).astype("float32")
y_spam = rng.integers(0, 2, size=(32, 1)).astype("float32")
y_topic = rng.integers(0, 3, size=(32,)).astype("int32")
targets = [y_spam, y_topic]
losses = {"spam": "binary_crossentropy", "topic": "sparse_categorical_crossentropy"}
print("outputs:", mail_model(keras).output_names, "| x:", x.shape)

# %% [markdown]
# The Keras 2 cells compile with `run_eagerly=True`, so that Keras 2 raises its errors as they
# are. Without it, Keras 2 wraps them in a trace of its graph function that lists files on your
# machine. Here with the mistake of section 5, a `metrics` key that names no output:

# %%
old = mail_model(tf_keras)
old.compile(optimizer="adam", loss=losses, metrics={"spma": ["accuracy"]})
try:
    old.fit(x, targets, verbose=0)
except ValueError as err:
    lines = str(err).strip().splitlines()
    print("first line:", lines[0])
    print("last line:", lines[-1].strip())
    print("lists files:", any(line.strip().startswith("File ") for line in lines))

# %% [markdown]
# ## 1. What `fit` and `evaluate` log per output
#
# **On Keras 2.** `fit` logs the total `loss`, one `<output>_loss` per output and one
# `<output>_<metric>` per metric. `model.metrics_names` lists the same names, in the order of the
# list `evaluate` returns, so zipping the two was a common way to name the scores:

# %%
per_output = {"spam": ["accuracy"], "topic": ["accuracy"]}
old = mail_model(tf_keras)
old.compile(optimizer="adam", loss=losses, metrics=per_output, run_eagerly=True)
old_history = old.fit(x, targets, batch_size=8, epochs=2, verbose=0)
print("history:", list(old_history.history))
print("metrics_names:", old.metrics_names)
old_scores = dict(zip(old.metrics_names, old.evaluate(x, targets, verbose=0), strict=False))
print({name: round(value, 3) for name, value in old_scores.items()})

# %% [markdown]
# **On Keras 3.** The same code runs. The history has the same five names, in another order.
# `metrics_names` does not: it lists `compile_metrics`, one entry for all the compiled metrics,
# while `evaluate` still returns five numbers. The zip pairs them wrongly and drops the last one.
# To compare values, the Keras 3 model gets the trained Keras 2 model's weights first:

# %%
model = mail_model(keras)
model.compile(optimizer="adam", loss=losses, metrics=per_output)
history = model.fit(x, targets, batch_size=8, epochs=2, verbose=0)
print("history:", list(history.history))
print("same names as Keras 2:", sorted(history.history) == sorted(old_history.history))
print("metrics_names:", model.metrics_names)
model.set_weights(old.get_weights())
values = model.evaluate(x, targets, verbose=0)
print(len(model.metrics_names), "names for", len(values), "values")
zipped = dict(zip(model.metrics_names, values, strict=False))
print({name: round(value, 3) for name, value in zipped.items()})

# %% [markdown]
# Keras 3 logs the per-output losses (`spam_loss`, `topic_loss`) since 3.5.0. Keras 3.0 to 3.4
# logged only `loss` and the metrics ([keras-team/keras#18993](https://github.com/keras-team/keras/issues/18993),
# [#19219](https://github.com/keras-team/keras/issues/19219)); PR
# [#20023](https://github.com/keras-team/keras/pull/20023) brought them back. The
# `metrics_names` mismatch is [#20244](https://github.com/keras-team/keras/issues/20244) and
# [#21487](https://github.com/keras-team/keras/issues/21487).

# %% [markdown]
# **The Keras 3 way.** Ask `evaluate` for a dict. Its names and values are Keras 2's:

# %%
scores = model.evaluate(x, targets, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in sorted(scores.items())})
print("same names as Keras 2:", sorted(scores) == sorted(old_scores))
print("same values as Keras 2:", all(np.isclose(scores[k], old_scores[k], atol=1e-5) for k in old_scores))

# %% [markdown]
# ## 2. `metrics` as one flat list: accuracy for every output
#
# **On Keras 2.** A flat list of metrics applied every metric to every output, whatever its
# length:

# %%
for metrics in (["accuracy"], ["mae", "accuracy"]):
    old = mail_model(tf_keras)
    old.compile(optimizer="adam", loss=losses, metrics=metrics, run_eagerly=True)
    old_history = old.fit(x, targets, verbose=0)
    print(metrics, "->", sorted(old_history.history))

# %% [markdown]
# **On Keras 3.** A list is one entry per output. One entry for two outputs fails at the first
# `fit`:

# %%
model = mail_model(keras)
model.compile(optimizer="adam", loss=losses, metrics=["accuracy"])
try:
    model.fit(x, targets, verbose=0)
except ValueError as err:
    print(f"{type(err).__name__}: {err}")
    print(f"{type(err).__name__}: {str(err).splitlines()[1]}")

# %% [markdown]
# The first line comes from the library Keras matches structures with, and differs by backend:
# on TensorFlow and JAX it reads `tuple arity mismatch; expected: 2, got: 1; tuple: ('accuracy',).`,
# on PyTorch `Node arity mismatch; expected 2, but got 1.`. Keras's own message starts on the
# second line; the cell prints that line again, on its own, last.
#
# Keras 3.0.0 to 3.13.2 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.13.2/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: For a model with multiple outputs, when providing the `metrics` argument as a list, it should have as many entries as the model has outputs. Received: metrics=['accuracy'] of length 1 whereas the model has 2 outputs.
# ```
#
# Readers hit it in [tensorflow/tensorflow#100319](https://github.com/tensorflow/tensorflow/issues/100319)
# ("`.compile` metrics list"). Two entries for two outputs raise nothing, and mean something other
# than in Keras 2: `mae` for `spam` only, `accuracy` for `topic` only:

# %%
model = mail_model(keras)
model.compile(optimizer="adam", loss=losses, metrics=["mae", "accuracy"])
history = model.fit(x, targets, verbose=0)
print(["mae", "accuracy"], "->", sorted(history.history))

# %% [markdown]
# **The Keras 3 way.** Key the metrics by output, and repeat them for each output that needs
# them. The logs then have Keras 2's names:

# %%
model = mail_model(keras)
model.compile(optimizer="adam", loss=losses, metrics={"spam": ["accuracy"], "topic": ["accuracy"]})
history = model.fit(x, targets, verbose=0)
print(sorted(history.history))

# %% [markdown]
# ## 3. One target array for several outputs
#
# A model with a main head and an auxiliary head that predict the same thing (deep supervision)
# has two outputs and one target.
#
# **On Keras 2.** One loss and one target array were enough: Keras 2 used both for every output.

# %%
def two_heads(K):
    """A main and an auxiliary head on the same target, with K = tf_keras or keras."""
    features = K.Input(shape=(4,), name="features")
    hidden = K.layers.Dense(8, activation="relu", name="hidden")(features)
    main = K.layers.Dense(1, name="main")(hidden)
    aux = K.layers.Dense(1, name="aux")(features)
    return K.Model(features, [main, aux], name="two_heads")


y_score = rng.normal(size=(32, 1)).astype("float32")
old = two_heads(tf_keras)
old.compile(optimizer="adam", loss="mse", run_eagerly=True)
old_scores = old.evaluate(x, y_score, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in old_scores.items()})

# %% [markdown]
# **On Keras 3.** The same data fails at the first `fit`. With one loss the error names a path,
# `(0,)`, that it finds in neither the outputs nor the targets; with one loss per output, as a
# list or a dict, it compares the structures:

# %%
for loss in ("mse", ["mse", "mse"], {"main": "mse", "aux": "mse"}):
    model = two_heads(keras)
    model.compile(optimizer="adam", loss=loss)
    try:
        model.fit(x, y_score, verbose=0)
    except (KeyError, ValueError) as err:
        print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Readers hit it moving from Keras 2 in
# [keras-team/keras#19337](https://github.com/keras-team/keras/issues/19337) (on Keras 3.0.5 the
# loss went to the first output only).

# %% [markdown]
# **The Keras 3 way.** Pass the target once per output, keyed by output name. With Keras 2's
# weights, the losses are Keras 2's:

# %%
model = two_heads(keras)
model.compile(optimizer="adam", loss="mse")
model.set_weights(old.get_weights())
scores = model.evaluate(x, {"main": y_score, "aux": y_score}, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in sorted(scores.items())})
print("same values as Keras 2:", all(np.isclose(scores[k], old_scores[k], atol=1e-5) for k in old_scores))

# %% [markdown]
# `fit` takes the same targets, and logs one loss per head:

# %%
history = model.fit(x, {"main": y_score, "aux": y_score}, verbose=0)
print("history:", sorted(history.history))

# %% [markdown]
# ## 4. A `loss` dict that leaves an output out
#
# **On Keras 2.** An output missing from the `loss` dict got no loss: Keras 2 trained the others,
# left that head as it was, and said so only in a log line:

# %%
old = mail_model(tf_keras)
old.compile(optimizer="adam", loss={"topic": "sparse_categorical_crossentropy"}, run_eagerly=True)
spam_before = old.get_layer("spam").get_weights()[0].copy()
tf_log.flush()
old_history = old.fit(x, targets, batch_size=8, verbose=0)
print("history:", list(old_history.history))
for line in sorted({f"{r.levelname}:{r.name}:{r.getMessage()}" for r in tf_log.buffer}):
    print(f"[Keras 2] {line}")
print("spam head unchanged:", np.array_equal(spam_before, old.get_layer("spam").get_weights()[0]))

# %% [markdown]
# **On Keras 3.** For a model built with `outputs=[...]`, the `loss` dict must name every output:

# %%
model = mail_model(keras)
model.compile(optimizer="adam", loss={"topic": "sparse_categorical_crossentropy"})
try:
    model.fit(x, targets, verbose=0)
except ValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# On TensorFlow, Keras 3.7.0 to 3.14.1 print the list as `ListWrapper(['spam', 'topic'])`. Their
# source has the same text as 3.15's; the wrapper comes from TensorFlow's tracking of the model's
# attributes. This was seen by running those releases, not read in the source:
#
# ```text
# ValueError: Expected keys ListWrapper(['spam', 'topic']) in loss dict, but found loss.keys()=['topic']
# ```
#
# Keras 3.5.0 to 3.6.0 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.6.0/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: For a model with multiple outputs, when providing the `loss` argument as a list, it should have as many entries as the model has outputs. Received: loss={'topic': 'sparse_categorical_crossentropy'} of length 1 whereas the model has 2 outputs.
# ```
#
# Keras 3.0 to 3.4 raised nothing: in their
# [compile_utils.py](https://github.com/keras-team/keras/blob/v3.4.1/keras/src/trainers/compile_utils.py)
# an output missing from the dict gets no loss, as in Keras 2.

# %% [markdown]
# **The Keras 3 way.** Name the output and give it `None`. It trains only `topic`, as Keras 2 did.
# On TensorFlow, Keras 3 warns as Keras 2 logged (the JAX trainer gives no warning; the
# [backend matrix](../../backends.md) records each backend's output). With a single loss left,
# Keras 3 logs no per-output loss, only `loss`:

# %%
model = mail_model(keras)
model.compile(optimizer="adam", loss={"spam": None, "topic": "sparse_categorical_crossentropy"})
spam_before = model.get_layer("spam").get_weights()[0].copy()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    history = model.fit(x, targets, batch_size=8, verbose=0)
for message in sorted({f"{w.category.__name__}: {w.message}" for w in caught if "Gradients" in str(w.message)}):
    print(message)
print("history:", list(history.history))
print("spam head unchanged:", np.array_equal(spam_before, model.get_layer("spam").get_weights()[0]))

# %% [markdown]
# Keras 3.5.0 and 3.6.0 refused this `None` at the first `fit` (seen by running them on
# TensorFlow and PyTorch):
#
# ```text
# ValueError: No loss to compute. Provide a `loss` argument in `compile()`.
# ```

# %% [markdown]
# ## 5. A key that names no output
#
# A typo, `"spma"` for `"spam"`, in the keys of `loss`, `loss_weights` or `metrics`.
#
# **On Keras 2.** The same message for all three, at the first `fit`:

# %%
typos = {
    "loss": {"loss": {"spma": "binary_crossentropy", "topic": "sparse_categorical_crossentropy"}},
    "loss_weights": {"loss": losses, "loss_weights": {"spma": 1.0, "topic": 0.5}},
    "metrics": {"loss": losses, "metrics": {"spma": ["accuracy"]}},
}
for arguments in typos.values():
    old = mail_model(tf_keras)
    old.compile(optimizer="adam", run_eagerly=True, **arguments)
    try:
        old.fit(x, targets, verbose=0)
    except ValueError as err:
        print(f"[Keras 2] {type(err).__name__}: {err}")

# %% [markdown]
# **On Keras 3.** A different error for each, still at the first `fit`. The `loss_weights` one is
# a bare `KeyError` naming the output that got no weight, not the typo:

# %%
for argument, arguments in typos.items():
    model = mail_model(keras)
    model.compile(optimizer="adam", **arguments)
    try:
        model.fit(x, targets, verbose=0)
    except (KeyError, ValueError) as err:
        print(f"- typo in {argument}:")
        print(f"{type(err).__name__}: {err}")
        if argument == "metrics":
            print(f"{type(err).__name__}: {str(err).splitlines()[1]}")

# %% [markdown]
# The first line of the `metrics` message comes from the structure library again (on TensorFlow
# and JAX: `Expected an instance of tuple, got {'spma': ('accuracy',)}.`; on PyTorch:
# `Node type mismatch; expected <class 'tuple'>, but got <class 'dict'>.`); the cell prints
# Keras's own line again, on its own, last.
#
# The `loss` typo:
#
# On TensorFlow, Keras 3.7.0 to 3.14.1 print the list as `ListWrapper(['spam', 'topic'])` (seen
# by running those releases, as in section 4):
#
# ```text
# ValueError: Expected keys ListWrapper(['spam', 'topic']) in loss dict, but found loss.keys()=['spma', 'topic']
# ```
#
# Keras 3.5.0 to 3.6.0 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.6.0/keras/src/trainers/compile_utils.py)):
#
# ```text
# KeyError: "There are keys: ['spma'] in the `loss` argument, but they can't be found in the model's output (`y_pred`)."
# ```
#
# Keras 3.0.0 to 3.4.1 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.4.1/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: In the dict argument `loss`, key 'spma' does not correspond to any model output. Received: loss={'spma': 'binary_crossentropy', 'topic': 'sparse_categorical_crossentropy'}
# ```
#
# The `loss_weights` typo (Keras 3.5.0 and 3.6.0 raised nothing for it):
#
# Keras 3.0.0 to 3.4.1 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.4.1/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: In the dict argument `loss_weights`, key 'spma' does not correspond to any model output. Received: loss_weights={'spma': 1.0, 'topic': 0.5}
# ```
#
# The `metrics` typo:
#
# Keras 3.0.0 to 3.13.2 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.13.2/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: In the dict argument `metrics`, key 'spma' does not correspond to any model output. Received: metrics={'spma': ['accuracy']}
# ```

# %% [markdown]
# **The Keras 3 way.** Check the keys against `model.output_names` before compiling (for
# `outputs={...}`, against the dict's keys: section 7), both ways: the keys that name no output,
# and the outputs that no key names. For this model (`outputs=[...]`), a `loss` or `loss_weights`
# dict must name every output (Keras 2 gave a missing weight 1.0: section 6); a `metrics` dict
# may leave outputs out. Below, `{"topic": 0.5}` names no wrong output but leaves `spam` out,
# and the model trains with accuracy for `topic` only.
# [Several outputs](../building/05_several_outputs.md) shows what each wrong key does on Keras 3,
# including a `loss_weights` typo on a dict-output model that raises nothing.

# %%
model = mail_model(keras)
loss_weights = {"spam": 1.0, "topic": 0.5}
topic_metrics = {"topic": ["accuracy"]}
to_check = [(f"{argument} typo", arguments[argument]) for argument, arguments in typos.items()]
to_check += [("loss_weights", {"topic": 0.5}), ("loss", losses), ("loss_weights", loss_weights)]
to_check += [("metrics", topic_metrics)]
for label, keys in to_check:
    unknown = sorted(set(keys) - set(model.output_names))
    left_out = sorted(set(model.output_names) - set(keys))
    print(f"{label} {list(keys)}: names no output {unknown}, leaves out {left_out}")
model.compile(optimizer="adam", loss=losses, loss_weights=loss_weights, metrics=topic_metrics)
print("history:", sorted(model.fit(x, targets, verbose=0).history))

# %% [markdown]
# ## 6. `loss_weights` with fewer or more entries than outputs
#
# **On Keras 2.** A list of weights shorter than the losses dropped the losses it did not reach.
# `fit` only logged that the `topic` head got no gradients:

# %%
loss_list = ["binary_crossentropy", "sparse_categorical_crossentropy"]
old = mail_model(tf_keras)
old.compile(optimizer="adam", loss=loss_list, loss_weights=[1.0], run_eagerly=True)
tf_log.flush()
old_history = old.fit(x, targets, verbose=0)
print("history:", {name: round(values[-1], 3) for name, values in old_history.history.items()})
for line in sorted({f"{r.levelname}:{r.name}:{r.getMessage()}" for r in tf_log.buffer}):
    print(f"[Keras 2] {line}")

# %% [markdown]
# `evaluate` raised and logged nothing: with one weight, `topic_loss` is `0.0` and `loss` is the
# spam loss alone. Extra weights were ignored: with three, `loss` is `spam_loss + 0.5 * topic_loss`.
# A dict that leaves `spam` out gave it a weight of 1.0: `loss` is again
# `spam_loss + 0.5 * topic_loss`.

# %%
tf_log.flush()
old_by_weights = {}
for loss, weights in ((loss_list, [1.0]), (loss_list, [1.0, 0.5, 2.0]), (losses, {"topic": 0.5})):
    old = mail_model(tf_keras)
    old.compile(optimizer="adam", loss=loss, loss_weights=weights, run_eagerly=True)
    old_scores = old.evaluate(x, targets, verbose=0, return_dict=True)
    old_by_weights[str(weights)] = old_scores
    print(weights, "->", {name: round(value, 3) for name, value in old_scores.items()})
print("log lines:", len(tf_log.buffer))
for weights in ("[1.0, 0.5, 2.0]", "{'topic': 0.5}"):
    old_scores = old_by_weights[weights]
    two_weights = old_scores["spam_loss"] + 0.5 * old_scores["topic_loss"]
    print(f"{weights}: loss == spam_loss + 0.5 * topic_loss:", bool(np.isclose(old_scores["loss"], two_weights)))

# %% [markdown]
# **On Keras 3.** One weight per output, or an error at the first `fit` or `evaluate`: a
# `ValueError` for a list, and for a dict a bare `KeyError` naming the output it leaves out. An
# output whose loss is `None` still needs its weight:

# %%
spam_untrained = {"spam": None, "topic": "sparse_categorical_crossentropy"}
too_few_or_many = [(loss_list, [1.0]), (loss_list, [1.0, 0.5, 2.0]), (losses, {"topic": 0.5})]
for loss, weights in too_few_or_many + [(spam_untrained, [0.5])]:
    model = mail_model(keras)
    model.compile(optimizer="adam", loss=loss, loss_weights=weights)
    try:
        model.evaluate(x, targets, verbose=0)
    except (KeyError, ValueError) as err:
        print(f"- loss={loss}, loss_weights={weights}:")
        print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.6.0 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.6.0/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: When providing the `loss_weights` argument, it should have equal length of `loss` argument. Received: loss_weights length=1, loss length=2
# ```
#
# Keras 3.5.0 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.5.0/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: When providing the `loss_weights` argument, it should have equal length of `loss` argument. Received: loss_weights length=1, loss legnth=2
# ```
#
# Keras 3.0.0 to 3.4.1 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.4.1/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: For a model with multiple outputs, when providing the `loss_weights` argument as a list, it should have as many entries as the model has outputs. Received: loss_weights=[1.0] of length 1 whereas the model has 2 outputs.
# ```

# %% [markdown]
# **The Keras 3 way.** One weight per output, including an output whose loss is `None`: a list in
# the order of `model.output_names`, or a dict keyed by them. Since Keras 3.5.0 either form works
# with either form of `loss` (Keras 3.0 to 3.4 wanted both in the same form, list or dict). With
# the weights of Keras 2's `{"topic": 0.5}` model, each gives Keras 2's loss; with `spam: None`,
# the loss is the topic loss alone, weighted 0.5:

# %%
model = mail_model(keras)
model.set_weights(old.get_weights())
totals = []
weight_dict = {"spam": 1.0, "topic": 0.5}
for loss, weights in ((losses, weight_dict), (losses, [1.0, 0.5]), (loss_list, weight_dict)):
    model.compile(optimizer="adam", loss=loss, loss_weights=weights)
    totals.append(model.evaluate(x, targets, verbose=0, return_dict=True)["loss"])
print("totals:", np.round(totals, 3))
print("same loss as Keras 2:", all(np.isclose(total, old_scores["loss"], atol=1e-5) for total in totals))
model.compile(optimizer="adam", loss=spam_untrained, loss_weights=[1.0, 0.5])
untrained = model.evaluate(x, targets, verbose=0, return_dict=True)
half_topic = 0.5 * old_scores["topic_loss"]
print("with spam: None, loss == 0.5 * topic_loss:", bool(np.isclose(untrained["loss"], half_topic)))

# %% [markdown]
# ## 7. `outputs={...}`: the logs take the dict's keys
#
# A model whose outputs are a dict, with keys (`is_spam`, `topic_id`) that are not the layer
# names (`spam`, `topic`). Key `loss` and `metrics` by the dict's keys on both versions.
#
# **On Keras 2.** The logs are named after the layers, and code read them that way:

# %%
dict_losses = {"is_spam": "binary_crossentropy", "topic_id": "sparse_categorical_crossentropy"}
dict_metrics = {"is_spam": ["accuracy"], "topic_id": ["accuracy"]}
dict_targets = {"is_spam": y_spam, "topic_id": y_topic}
old = mail_model(tf_keras, outputs_as_dict=True)
old.compile(optimizer="adam", loss=dict_losses, metrics=dict_metrics, run_eagerly=True)
old_history = old.fit(x, dict_targets, verbose=0)
print("history:", sorted(old_history.history))
print("spam_loss:", np.round(old_history.history["spam_loss"], 3))

# %% [markdown]
# **On Keras 3.** The same code trains, but the logs are named after the dict's keys, so reading
# `spam_loss` fails:

# %%
model = mail_model(keras, outputs_as_dict=True)
model.compile(optimizer="adam", loss=dict_losses, metrics=dict_metrics)
history = model.fit(x, dict_targets, verbose=0)
print("history:", sorted(history.history))
try:
    print("spam_loss:", np.round(history.history["spam_loss"], 3))
except KeyError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# Keras 3.0 to 3.4 refused a `loss` keyed by the dict's keys when they were not the layer names,
# and Keras 3.0 to 3.11 refused such `metrics`
# ([keras-team/keras#21675](https://github.com/keras-team/keras/issues/21675), fixed by
# [#21694](https://github.com/keras-team/keras/pull/21694)). A callback that watches one
# of these names, such as `EarlyStopping`, needs more than the new name:
# [Input and output structures](03_input_output_structures.md), section 5.

# %% [markdown]
# **The Keras 3 way.** Build the log names from the dict's keys, `model.output`; `model.output_names`
# still lists the layer names:

# %%
print("output_names:", model.output_names, "| keys:", list(model.output))
for key in model.output:
    print(f"{key}_loss:", np.round(history.history[f"{key}_loss"], 3))

# %% [markdown]
# ## In short
#
# - For `outputs=[...]` with a loss on every output, Keras 3 (3.5.0 and later) logs Keras 2's
#   names; with a single loss left it logs only `loss`. `metrics_names` no longer names what
#   `evaluate` returns: use `evaluate(..., return_dict=True)`.
# - A flat `metrics` list is one entry per output on Keras 3, not "every metric on every output".
#   Key metrics by output: `{"spam": ["accuracy"], "topic": ["accuracy"]}`.
# - Give every output its own target. In a `loss` dict for `outputs=[...]`, name every output
#   (`None` for one you do not train; Keras 3.5.0 and 3.6.0 refuse it).
# - One `loss_weights` entry per output, including an output whose loss is `None`. Keras 2
#   dropped the losses a short list did not reach and weighted an output a dict left out 1.0;
#   Keras 3 raises.
# - With `outputs={...}`, Keras 3 logs `<key>_loss` with the dict's keys, not the layer names.
