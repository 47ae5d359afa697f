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
# # Weighting the outputs of a multi-output Keras model: class weights, sample weights and tf.data
#
# After this page you can weight the classes of one output of a multi-output model where
# `class_weight` refuses, pass per-output sample weights as a list, a dict or from `tf.data`, check
# that they change the loss, and feed a model with several inputs from `tf.data` in `predict`.

# %% [markdown]
# ## Short answer
#
# `fit(class_weight=...)` works only for a model with one output whose targets you pass as one
# array (in a list or a dict, even one output's targets are refused), on Keras 3 and on `tf.keras`
# since TensorFlow 2.2. For several outputs, turn one output's class weights into one weight per
# sample and pass `sample_weight` with one array per output (ones for an output you leave
# unweighted), in the structure of the outputs, with the targets in the same structure. Given a `model` built with
# `outputs={"price": ..., "kind": ...}`, its `inputs`, the targets `y_price` and `y_kind` (class
# indices), and `kind_class_weight`, a dict from class index to weight:
#
# ```python
# kind_weight = np.array([kind_class_weight[c] for c in y_kind], dtype="float32")
# sample_weight = {"price": np.ones(len(y_kind), "float32"), "kind": kind_weight}
# model.fit(inputs, {"price": y_price, "kind": y_kind}, sample_weight=sample_weight, epochs=1, verbose=0)
# ```
#
# For a model built with `outputs=[...]`, pass lists for both, in the order of
# `model.output_names`: a dict of weights there, with the targets in a dict, fails with `KeyError: 0` on Keras 3.15.1
# ([keras-team/keras#20992](https://github.com/keras-team/keras/issues/20992)). From `tf.data`,
# each element is `(x, y, sample_weight)`.
#
# A `tf.data` element that is a 2-tuple is read as `(x, y)`, so a model with two inputs gets only
# the first. Nest the inputs in a tuple of one (or key them by input name). Given a dataset per
# input, `table_ds` and `image_ds`, and the two-input `model`:
#
# ```python
# inputs_only = tf.data.Dataset.zip(((table_ds, image_ds),)).batch(16)
# predictions = model.predict(inputs_only, verbose=0)
# ```

# %% [markdown]
# ## Setup
#
# `tf.data` is part of TensorFlow, so the cells that use it need the `tensorflow` package whatever
# the Keras backend; Keras reads a `tf.data.Dataset` on JAX and PyTorch too. `tf_keras` is Keras 2
# (what `tf.keras` was up to TensorFlow 2.15): names ending in `_k2` are Keras 2 objects, which run
# the same calls there for readers with Keras 2 code.

# %%
import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
tf.get_logger().setLevel("ERROR")  # keeps TensorFlow's "triggered tf.function retracing" notes off the page

# %% [markdown]
# ## Made-up data with a rare class
#
# 64 products, each a row of 6 numbers (`table`) and an 8 x 8 grey picture (`image`). Two
# targets: a `price` and a `kind`, one of 3 classes, where class 2 is rare (8 of 64):

# %%
rng = np.random.default_rng(0)
table = rng.normal(size=(64, 6)).astype("float32")
image = rng.uniform(size=(64, 8, 8, 1)).astype("float32")
y_price = rng.normal(size=(64, 1)).astype("float32")
y_kind = rng.permutation(np.repeat([0, 1, 2], [40, 16, 8])).astype("int32")
inputs = [table, image]
print("table:", table.shape, "| image:", image.shape, "| price:", y_price.shape, "| kind:", y_kind.shape)
print("samples per kind:", np.bincount(y_kind))

# %% [markdown]
# ## A model with two inputs and two outputs
#
# The inputs `table` and `image` meet in `merge`; the heads `price` (a number) and `kind` (3
# class probabilities) share the `trunk`. The same layers make two models: `model` returns a dict
# keyed by output, `listed` a list. They share their weights, so their losses are comparable.

# %%
table_in = keras.Input(shape=(6,), name="table")
image_in = keras.Input(shape=(8, 8, 1), name="image")
pooled = layers.GlobalAveragePooling2D(name="image_pool")(layers.Conv2D(4, 3, name="image_conv")(image_in))
merged = layers.Concatenate(name="merge")([table_in, pooled])
trunk = layers.Dense(16, activation="relu", name="trunk")(merged)
price = layers.Dense(1, name="price")(trunk)
kind = layers.Dense(3, activation="softmax", name="kind")(trunk)
model = keras.Model([table_in, image_in], {"price": price, "kind": kind}, name="shop")
listed = keras.Model([table_in, image_in], [price, kind], name="shop_listed")
print("model outputs:", list(model.output), "| listed outputs:", listed.output_names)

# %% [markdown]
# Each gets one loss per output, keyed by output (how those keys work, and `loss_weights`, are on
# [A Keras model with several outputs](../building/05_several_outputs.md)):

# %%
losses = {"price": "mse", "kind": "sparse_categorical_crossentropy"}
model.compile(optimizer="adam", loss=losses)
listed.compile(optimizer="adam", loss=losses)
targets = {"price": y_price, "kind": y_kind}

# %% [markdown]
# ## `class_weight` is refused for several outputs
#
# The usual fix for a rare class is `class_weight`, a dict from class index to weight. On a model
# with two outputs, `fit` refuses it, whether the dict holds class indices or is keyed by output
# name. (`probe` is a copy of `model`, so that the failed calls leave `model` untouched.)

# %%
kind_class_weight = {c: float(len(y_kind) / (3 * count)) for c, count in enumerate(np.bincount(y_kind))}
print("class weights:", {c: round(w, 4) for c, w in kind_class_weight.items()})
probe = keras.models.clone_model(model)
probe.compile(optimizer="adam", loss=losses)
for class_weight in (kind_class_weight, {"kind": kind_class_weight}):
    try:
        probe.fit(inputs, targets, class_weight=class_weight, epochs=1, verbose=0)
    except ValueError as err:
        print(f"ValueError: {err}")

# %% [markdown]
# The weights are "balanced": each class's weight is the number of samples over 3 times the
# class's count, so the rare class 2 counts 5 times as much as class 0, and the weights average 1
# over the samples.
#
# From a `tf.data` dataset, the dict keyed by output name fails differently: Keras 3.0.0 to 3.15.1
# read its keys as class indices and add 1 to the largest, here the string `'kind'`:

# %%
train_pairs = tf.data.Dataset.from_tensor_slices(((table, image), targets)).batch(16)
try:
    probe.fit(train_pairs, class_weight={"kind": kind_class_weight}, epochs=1, verbose=0, shuffle=False)
except (TypeError, ValueError) as err:  # TypeError on Keras 3.15.1, ValueError on the nightly below
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# From a `keras.utils.PyDataset` that returns the same `(inputs, targets)` batches, Keras 3.15.1 does
# not check the number of outputs: it tries to read class indices from the dict of targets and
# fails with an `IndexError` (the same on keras-nightly 3.16.0.dev2026102704). With the targets in
# a list instead, the error comes from NumPy and depends on their shapes (here `ValueError: setting
# an array element with a sequence`):

# %%
class ShopBatches(keras.utils.PyDataset):
    def __len__(self):
        return 4

    def __getitem__(self, index):
        rows = slice(16 * index, 16 * (index + 1))
        return [table[rows], image[rows]], {"price": y_price[rows], "kind": y_kind[rows]}


try:
    probe.fit(ShopBatches(), class_weight=kind_class_weight, epochs=1, verbose=0)
except IndexError as err:
    print(f"IndexError: {err}")

# %% [markdown]
# On keras-nightly 3.16.0.dev2026102704 the `tf.data` message is `ValueError: invalid literal for int() with base 10:
# 'kind'` (the keys are now converted with `int()`,
# [keras-team/keras#23073](https://github.com/keras-team/keras/pull/23073)); the dict of class
# indices still gets the `ValueError` above.
# [keras-team/keras#20701](https://github.com/keras-team/keras/issues/20701) is a reader with three
# kinds of labels and a `tf.data` pipeline whose `class_weight` ended in a `TypeError` in the same
# class-weight function, at another line: its check of the targets' rank (line 128 of
# `tf_dataset_adapter.py` in Keras 3.5 to 3.8). Targets whose rank `tf.data` does not know (made by
# `tf.py_function`, say) fail there on Keras 3.15.1 too, with `TypeError: '>=' not supported between
# instances of 'NoneType' and 'int'`.

# %% [markdown]
# ### On Keras 2
#
# `tf_keras` refuses the same two calls. The dict keyed by output name gets another message, the one
# in [keras-team/keras#14377](https://github.com/keras-team/keras/issues/14377):

# %%
features_k2 = tf_keras.Input(shape=(6,), name="table")
trunk_k2 = tf_keras.layers.Dense(16, activation="relu", name="trunk")(features_k2)
price_k2 = tf_keras.layers.Dense(1, name="price")(trunk_k2)
kind_k2 = tf_keras.layers.Dense(3, activation="softmax", name="kind")(trunk_k2)
listed_k2 = tf_keras.Model(features_k2, [price_k2, kind_k2], name="shop_listed")
listed_k2.compile(optimizer="adam", loss=losses)
for class_weight in (kind_class_weight, {"kind": kind_class_weight}):
    try:
        listed_k2.fit(table, targets, class_weight=class_weight, epochs=1, verbose=0)
    except ValueError as err:
        print(f"[Keras 2] ValueError: {err}")

# %% [markdown]
# The first message came with TensorFlow 2.2
# ([tensorflow/tensorflow#40457](https://github.com/tensorflow/tensorflow/issues/40457),
# [tensorflow/tensorflow#41448](https://github.com/tensorflow/tensorflow/issues/41448)). Before
# it, standalone Keras up to 2.3.1 took a list of class-weight dicts, or a dict of them keyed by
# output name ([keras/engine/training_utils.py](https://github.com/keras-team/keras/blob/2.3.1/keras/engine/training_utils.py)),
# which is why old answers ([keras-team/keras#4735](https://github.com/keras-team/keras/issues/4735))
# still suggest `class_weight={"kind": {...}}`; readers in
# [keras-team/keras#11735](https://github.com/keras-team/keras/issues/11735) went back to
# TensorFlow 2.1 for it.

# %% [markdown]
# ## Class weights become sample weights for one output
#
# A class weight is a per-sample weight that depends only on the sample's class. Look up each
# sample's class in the dict; for one-hot targets, take the class with `argmax` first:

# %%
kind_weight = np.array([kind_class_weight[c] for c in y_kind], dtype="float32")
print("first 6 classes:", y_kind[:6], "| their weights:", np.round(kind_weight[:6], 4))
y_kind_onehot = np.eye(3, dtype="float32")[y_kind]
from_onehot = np.array([kind_class_weight[c] for c in y_kind_onehot.argmax(axis=-1)], dtype="float32")
print("same from one-hot targets:", np.array_equal(from_onehot, kind_weight))
print("mean weight:", np.round(kind_weight.mean(), 4))

# %% [markdown]
# That is what `class_weight` does inside Keras. On a model with the `kind` output alone (sharing
# `model`'s layers), `class_weight` and these sample weights train to the same weights:

# %%
kind_model = keras.Model([table_in, image_in], kind, name="kind_only")
before = model.get_weights()
after = []
for weighting in ({"class_weight": kind_class_weight}, {"sample_weight": kind_weight}):
    model.set_weights(before)
    kind_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    kind_model.fit(inputs, y_kind, batch_size=16, epochs=1, verbose=0, shuffle=False, **weighting)
    after.append(kind_model.get_weights())
model.set_weights(before)
print("same training:", all(np.allclose(a, b, atol=1e-6) for a, b in zip(*after, strict=True)))

# %% [markdown]
# The refusal looks at the targets, not at the model. `kind_model` has one output, yet its targets
# in a list or in a dict keyed by output name get the same message (`tf_keras` does the same), as a
# reader in [keras-team/keras#11735](https://github.com/keras-team/keras/issues/11735) found with
# `outputs=[preds]` and a dict of targets. Pass one output's targets as the array itself, as above:

# %%
for labels in ([y_kind], {"kind": y_kind}):
    try:
        kind_model.fit(inputs, labels, class_weight=kind_class_weight, epochs=1, verbose=0)
    except ValueError as err:
        print(f"ValueError: {err}")

# %% [markdown]
# `price` stays unweighted: it gets a weight of 1 for every sample. `sample_weight` is keyed like
# the targets:

# %%
sample_weight = {"price": np.ones(len(y_kind), "float32"), "kind": kind_weight}
print({name: weights.shape for name, weights in sample_weight.items()})

# %% [markdown]
# ## The weighted loss differs, and by how much
#
# `evaluate` takes `sample_weight` too, so you can see what the weights do before training. The
# `kind` loss changes; the `price` loss does not:

# %%
plain = model.evaluate(inputs, targets, batch_size=16, verbose=0, return_dict=True)
weighted = model.evaluate(inputs, targets, sample_weight=sample_weight, batch_size=16, verbose=0, return_dict=True)
for name in ("price_loss", "kind_loss"):
    print(f"{name}: unweighted {plain[name]:.4f} | weighted {weighted[name]:.4f}")

# %% [markdown]
# The weighted `kind_loss` is each sample's cross-entropy times its weight, averaged over the
# samples. Computed by hand from the model's predictions:

# %%
probabilities = model.predict(inputs, verbose=0)["kind"]
per_sample = keras.ops.convert_to_numpy(keras.losses.sparse_categorical_crossentropy(y_kind, probabilities))
print("mean cross-entropy:", np.round(per_sample.mean(), 4))
print("mean of weight * cross-entropy:", np.round((kind_weight * per_sample).mean(), 4))
print("matches the weighted kind_loss:", bool(np.isclose((kind_weight * per_sample).mean(), weighted["kind_loss"])))

# %% [markdown]
# Keras divides by the number of samples, not by the sum of the weights, so weights that do not
# average 1 also scale the loss (and, with SGD, the size of each step; Adam's steps keep their
# size). Balanced weights average 1, so here only the balance between the classes changes. A loss
# built with `reduction="mean_with_sample_weight"` divides by the sum of the weights instead. With
# the weights times 3, the default loss triples and that one does not:

# %%
for reduction in ("sum_over_batch_size", "mean_with_sample_weight"):
    loss = keras.losses.SparseCategoricalCrossentropy(reduction=reduction)
    value = float(keras.ops.convert_to_numpy(loss(y_kind, probabilities, sample_weight=3 * kind_weight)))
    print(f"weights times 3, reduction={reduction!r}: {value:.4f}")

# %% [markdown]
# ## The same weights as a list
#
# For `listed`, built with `outputs=[price, kind]`, targets and weights are both lists, in the
# order of `listed.output_names`. The losses are the same:

# %%
weighted_list = listed.evaluate(
    inputs, [y_price, y_kind], sample_weight=[np.ones(len(y_kind), "float32"), kind_weight],
    batch_size=16, verbose=0, return_dict=True,
)
print({name: round(value, 4) for name, value in sorted(weighted_list.items())})
print("same as the dict:", all(np.isclose(weighted_list[k], weighted[k]) for k in ("price_loss", "kind_loss")))

# %% [markdown]
# ## The same weights from `tf.data`: `(x, y, sample_weight)`
#
# A dataset whose elements are 3-tuples is read as inputs, targets and sample weights. Here the
# weights are made inside the pipeline, from the `kind` target, with a lookup table of the class
# weights; `price` gets ones. The inputs come from one dataset per input, zipped:

# %%
table_ds = tf.data.Dataset.from_tensor_slices(table)
image_ds = tf.data.Dataset.from_tensor_slices(image)
targets_ds = tf.data.Dataset.from_tensor_slices(targets)
class_weight_table = tf.constant([kind_class_weight[c] for c in range(3)], dtype=tf.float32)


def add_sample_weight(x, y):
    weights = {"price": tf.ones_like(y["kind"], tf.float32), "kind": tf.gather(class_weight_table, y["kind"])}
    return x, y, weights


train_ds = tf.data.Dataset.zip(((table_ds, image_ds), targets_ds)).map(add_sample_weight).batch(16)
x_spec, y_spec, weight_spec = train_ds.element_spec
print("x:", [tuple(s.shape) for s in x_spec], "| y:", list(y_spec), "| sample_weight:", list(weight_spec))
weighted_ds = model.evaluate(train_ds, verbose=0, return_dict=True)
print("same as the arrays:", all(np.isclose(weighted_ds[k], weighted[k]) for k in ("price_loss", "kind_loss")))

# %% [markdown]
# ## Training with them
#
# The three forms train the same: from the same starting weights, one epoch with the dict, the list
# and the dataset (no shuffling) ends at the same weights.

# %%
start = model.get_weights()
trained = []
for fitted, data, labels, weights in [
    (model, inputs, {"price": y_price, "kind": y_kind}, sample_weight),
    (listed, inputs, [y_price, y_kind], [np.ones(len(y_kind), "float32"), kind_weight]),
    (model, train_ds, None, None),
]:
    model.set_weights(start)  # `listed` shares these layers
    fitted.compile(optimizer="adam", loss=losses)
    fitted.fit(data, labels, sample_weight=weights, batch_size=None if labels is None else 16,
               epochs=1, verbose=0, shuffle=False)
    trained.append(model.get_weights())
same = [all(np.allclose(a, b, atol=1e-6) for a, b in zip(trained[0], other, strict=True)) for other in trained[1:]]
print("list trains like the dict:", same[0], "| tf.data trains like the dict:", same[1])

# %% [markdown]
# The short answer's three lines, as you would write them:

# %%
model.set_weights(start)
model.compile(optimizer="adam", loss=losses)
kind_weight = np.array([kind_class_weight[c] for c in y_kind], dtype="float32")
sample_weight = {"price": np.ones(len(y_kind), "float32"), "kind": kind_weight}
model.fit(inputs, {"price": y_price, "kind": y_kind}, sample_weight=sample_weight, epochs=1, verbose=0)
print("kind weights of the first 6 samples:", np.round(sample_weight["kind"][:6], 4))

# %% [markdown]
# ## Mistake 1: a dict of weights for a model built with `outputs=[...]`
#
# `listed` takes targets as a dict keyed by output name (the layer names). A dict of sample weights
# keyed the same way fails at the first step, with a bare `KeyError: 0`: Keras turns the targets
# into a list to match the outputs, but looks the weights up by position in the dict you passed.
# A single array of weights, which Keras copies into the structure of the targets, fails the same
# way. Shown on fresh copies of `listed`:

# %%
for weights in (sample_weight, kind_weight):
    listed_probe = keras.models.clone_model(listed)
    listed_probe.compile(optimizer="adam", loss=losses)
    try:
        listed_probe.fit(inputs, targets, sample_weight=weights, epochs=1, verbose=0)
    except KeyError as err:
        print(f"KeyError: {err}")

# %% [markdown]
# That is [keras-team/keras#20992](https://github.com/keras-team/keras/issues/20992), open; it
# is the same on keras-nightly 3.16.0.dev2026102704. Keras 2 took these weights (shown under
# mistake 2). With the targets in a list, the dict of weights fails earlier, at the check of
# mistake 2, because the two structures differ:

# %%
listed_probe = keras.models.clone_model(listed)
listed_probe.compile(optimizer="adam", loss=losses)
try:
    listed_probe.fit(inputs, [y_price, y_kind], sample_weight=sample_weight, epochs=1, verbose=0)
except ValueError as err:
    print(f"ValueError: {str(err).splitlines()[0]}")

# %% [markdown]
# With a single output in the list (`outputs=[kind]`), a dict of weights fails too, with a
# `TypeError` or a `ValueError` that depends on the backend and on the targets.
#
# **Fix.** Give the outputs keys of their own, `outputs={...}` as `model` has, or pass lists to
# `listed`, as in the list section above (for one output in a list, the weights array itself).

# %% [markdown]
# ## Mistake 2: leaving the unweighted output out
#
# Weights for `kind` only, to leave `price` alone. Keras 3 wants one array per output and prints
# both structures (with every array in them, cut here after the first line):

# %%
try:
    probe.fit(inputs, targets, sample_weight={"kind": kind_weight}, epochs=1, verbose=0)
except ValueError as err:
    print(f"ValueError: {str(err).splitlines()[0]}")

# %% [markdown]
# From `tf.data` (or a `PyDataset`) nothing compares the two structures first: the loss looks the
# missing output up in the weights and fails with a `KeyError`:

# %%
kind_only_ds = tf.data.Dataset.zip(
    ((table_ds, image_ds), targets_ds, tf.data.Dataset.from_tensor_slices({"kind": kind_weight}))
).batch(16)
try:
    probe.fit(kind_only_ds, epochs=1, verbose=0, shuffle=False)
except KeyError as err:
    print(f"KeyError: {err}")

# %% [markdown]
# Keras 2 took it, and left `price` unweighted. It also took the dict of both weights for its model
# built with `outputs=[...]`, the call that raises `KeyError: 0` in mistake 1:

# %%
scores_k2 = {
    label: listed_k2.evaluate(table, targets, sample_weight=weights, batch_size=16, verbose=0, return_dict=True)
    for label, weights in [("none", None), ("both", sample_weight), ("kind only", {"kind": kind_weight})]
}
for label, scores in scores_k2.items():
    print(f"[Keras 2] weights for {label}: price_loss {scores['price_loss']:.4f} | kind_loss {scores['kind_loss']:.4f}")

# %% [markdown]
# **Fix.** Ones for the output you leave unweighted, as `sample_weight` above.

# %% [markdown]
# ## Mistake 3: one array for every output
#
# On `model`, a single array of weights raises nothing: Keras gives the same array to every
# output. The class weights of `kind` then weight `price` too, and `price_loss` moves:

# %%
one_array = model.evaluate(inputs, targets, sample_weight=kind_weight, batch_size=16, verbose=0, return_dict=True)
now = model.evaluate(inputs, targets, sample_weight=sample_weight, batch_size=16, verbose=0, return_dict=True)
print(f"price_loss with ones: {now['price_loss']:.4f} | with the kind weights: {one_array['price_loss']:.4f}")
print("kind_loss the same:", bool(np.isclose(one_array["kind_loss"], now["kind_loss"])))

# %% [markdown]
# **Fix.** A dict (or list) with one array per output. One array is right only when the weight is
# about the sample itself (a less trusted source, say) and should count for every output.

# %% [markdown]
# ## Several inputs from `tf.data` in `predict`
#
# For `predict` there are no targets, so zipping the per-input datasets seems enough. But each
# element of `tf.data.Dataset.zip((table_ds, image_ds))` is a 2-tuple, and Keras reads every
# element as `(x,)`, `(x, y)` or `(x, y, sample_weight)` by its length.
# `keras.utils.unpack_x_y_sample_weight` shows the split: `image` becomes the targets.

# %%
zipped = tf.data.Dataset.zip((table_ds, image_ds)).batch(16)
x_part, y_part, weight_part = keras.utils.unpack_x_y_sample_weight(next(iter(zipped)))
print("x:", tuple(x_part.shape), "| y:", tuple(y_part.shape), "| sample_weight:", weight_part)

# %% [markdown]
# `predict` drops `y` and calls the model with the table alone (`shop_probe` is a copy of
# `model`):

# %%
shop_probe = keras.models.clone_model(model)
try:
    shop_probe.predict(zipped, verbose=0)
    print("predict on the 2-tuples raises:", False)
except ValueError as err:
    print("predict on the 2-tuples raises:", True)
    print(f"ValueError: {str(err).splitlines()[0]}")
try:
    shop_probe.predict(inputs, verbose=0)
    print("the copy still predicts after the error:", True)
except TypeError as err:
    print("the copy still predicts after the error:", False)
    print(f"TypeError: {err}")

# %% [markdown]
# **Backend-specific:** on JAX, `predict` skips this input check. The error is "ValueError: Output
# with path \`kind\` is not connected to \`inputs\`", after the warning "The structure of
# \`inputs\` doesn't match the expected structure", and the JAX trainer leaves the model that failed
# unusable: the last line prints False there, after "TypeError: 'NoneType' object is not callable"
# (which is why a copy failed here; the [compatibility matrix](../../backends.md) records it). On
# TensorFlow and PyTorch the copy keeps working. Older wordings of the first message are on
# [Multi-input and multi-output models from Keras 2 to Keras 3](../migration/03_input_output_structures.md);
# [tensorflow/tensorflow#39708](https://github.com/tensorflow/tensorflow/issues/39708) is the same
# case on TensorFlow 2.2.
#
# A 3-tuple is read as `(x, y, sample_weight)` in the same way: zip three per-input datasets side by
# side and a three-input model gets only the first as `x`:

# %%
three = next(iter(tf.data.Dataset.zip((table_ds, image_ds, table_ds)).batch(16)))
print("read as x, y, sample_weight:", [tuple(part.shape) for part in keras.utils.unpack_x_y_sample_weight(three)])

# %% [markdown]
# **Fix.** Make `x` one element: nest the pair in a tuple of one, or zip a dict keyed by input
# name. A training dataset, `((table, image), targets, weights)`, works too: `predict` drops the
# rest. All three give what `predict` gives for the arrays:

# %%
inputs_only = tf.data.Dataset.zip(((table_ds, image_ds),)).batch(16)
predictions = model.predict(inputs_only, verbose=0)
by_name = tf.data.Dataset.zip({"table": table_ds, "image": image_ds}).batch(16)
expected = model.predict(inputs, verbose=0)
for label, dataset in [("nested tuple", inputs_only), ("dict by input name", by_name), ("training dataset", train_ds)]:
    result = predictions if dataset is inputs_only else model.predict(dataset, verbose=0)
    same = all(np.allclose(result[k], expected[k]) for k in expected)
    print(f"{label}: {type(result).__name__} of {sorted(result)}, same as the arrays: {same}")

# %% [markdown]
# A `PyDataset` is read the same way: a `__getitem__` that returns `(table_batch, image_batch)`
# hands `predict` the table alone. Return a tuple of one. (NumPy arrays passed as `x` are not
# split: `predict([table, image])` works, and so does a tuple.)

# %%
class ShopInputs(keras.utils.PyDataset):
    def __len__(self):
        return 4

    def __getitem__(self, index):
        rows = slice(16 * index, 16 * (index + 1))
        return ((table[rows], image[rows]),)


result = model.predict(ShopInputs(), verbose=0)
print("PyDataset of tuples of one, same as the arrays:", all(np.allclose(result[k], expected[k]) for k in expected))

# %% [markdown]
# ## In short
#
# - `class_weight` is refused for a model with several outputs: "`class_weight` is only supported
#   for Models with a single output." (on Keras 3.15.1, a dict keyed by output name from `tf.data`
#   gives a `TypeError`, and a `PyDataset` with a dict of targets an `IndexError`). One output's
#   targets in a list or a dict get the same refusal: pass the array. Turn the class weights into
#   per-sample weights, `np.array([class_weight[c] for c in y])`, for the output that needs them.
# - Pass `sample_weight` with one array per output, in the structure of the outputs, the targets
#   alike: a dict for `outputs={...}`, a list for `outputs=[...]`; ones for an output you leave
#   unweighted. Missing outputs raise a `ValueError` (a `KeyError` from `tf.data` or a `PyDataset`).
#   On `outputs=[...]` with the targets in a dict, a dict of weights or one array raises
#   `KeyError: 0`; elsewhere one array weights every output, silently.
# - From `tf.data`, elements are `(x, y, sample_weight)`; `tf.gather` on a table of class weights
#   makes the weights inside the pipeline.
# - Check with `evaluate(..., sample_weight=...)`: the weighted `<output>_loss` is the mean of weight
#   times loss over the samples.
# - A 2-tuple element (or `PyDataset` batch) is `(x, y)`: for several inputs, nest them,
#   `Dataset.zip(((a, b),))`, or key them by input name.
