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
# # Multi-input and multi-output models from Keras 2 to Keras 3: input and output structures
#
# After this page you can move a functional model with several inputs or outputs from Keras 2 to
# Keras 3, and fix each place where Keras 3 reads its `inputs=`, `outputs=` or data structure
# differently: `model.output`, nested or dict inputs fed as lists, a missing array, and a callback
# that watches one output of a dict-output model.

# %% [markdown]
# ## Short answer
#
# | Keras 2 | Keras 3 |
# |---|---|
# | `Model([inp], [out]).output` is a tensor | it is a list of one: use `model.outputs[0]`, or build `Model(inp, out)` |
# | data nested unlike the inputs (`[a, b, c]` for `[[a, b], c]`, `[x]` for a bare `inp`) runs silently | runs, with "UserWarning: The structure of \`inputs\` doesn't match the expected structure"; a bare `x` for `[inp]` warns only when you call the model on a NumPy array |
# | a list for a model built with `inputs={...}` is read in the sorted order of the keys | `ValueError` when the keys were not written sorted, a warning when they were: pass a dict |
# | `Layer "pair" expects 2 input(s), but it received 1 input tensors` | `Layer "pair" expects 2 named input(s) with keys ['left', 'right'], ...` |
# | `outputs={"cost": ...}` logs `price_loss` (the layer's name) | logs `cost_loss` (the key), and a callback on it needs `mode="min"` |
#
# For a model `single` built as `Model([features], [score])`, take its output tensor out of the list:
#
# ```python
# head = layers.Dense(2, name="head")(single.outputs[0])
# ```
#
# For a model `nested` built from `[[a, b], c]`, print the structure its data must have:
#
# ```python
# print("structure to match:", keras.tree.map_structure(lambda t: t.name, nested.input))
# ```
#
# Feed a model `difference`, built with `inputs={"width": ..., "height": ...}`, a dict of your
# arrays `width_data` and `height_data`; watch one output of a dict-output model by its key:
#
# ```python
# print("dict:", difference.predict({"width": width_data, "height": height_data}, verbose=0)[0])
# stopper = keras.callbacks.EarlyStopping(monitor="val_cost_loss", mode="min", patience=1)
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2: what `tf.keras` was up to TensorFlow 2.15, and what
# `TF_USE_LEGACY_KERAS=1` brings back. Where the Keras 2 cells below write `tf_keras.`, your old
# code wrote `keras.` or `tf.keras.`; both Keras run in this one process. The Keras 2 half always
# runs on TensorFlow, even when Keras 3's backend is JAX or PyTorch. Names ending in `_k2` are
# Keras 2 objects.

# %%
import re
import warnings

import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras 3: keras {keras.__version__}, backend {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}, on TensorFlow {tf.__version__}")
tf.get_logger().setLevel("ERROR")  # keeps TensorFlow's "triggered tf.function retracing" notes off the page

# %% [markdown]
# ## 1. `Model([inp], [out])`: `model.output` is a list of one
#
# **On Keras 2.** A model built from one-element lists had a plain tensor as `model.input` and
# `model.output`. Code read `.shape` off it, or stacked a new layer on it:

# %%
features_k2 = tf_keras.Input(shape=(4,), name="features")
score_k2 = tf_keras.layers.Dense(1, name="score")(features_k2)
single_k2 = tf_keras.Model([features_k2], [score_k2], name="single")
print("model.input:", type(single_k2.input).__name__, "| model.output:", type(single_k2.output).__name__)
print("model.output.shape:", tuple(single_k2.output.shape))
head_k2 = tf_keras.layers.Dense(2, name="head")(single_k2.output)
print("Dense on model.output:", tuple(head_k2.shape))
print("model called on a new Input:", type(single_k2(tf_keras.Input(shape=(4,)))).__name__)

# %% [markdown]
# **On Keras 3.** `model.input` and `model.output` keep the structure you passed: a list of one.
# Calling the model on a new `Input`, to nest it in a bigger model, also gives a list of one. The
# list has no `.shape`, and a `Dense` layer called on it takes the list's one shape, `(None, 1)`,
# for its input size and fails to make a kernel of shape `((None, 1), 2)`:

# %%
features = keras.Input(shape=(4,), name="features")
score = layers.Dense(1, name="score")(features)
single = keras.Model([features], [score], name="single")
print("model.input:", type(single.input).__name__, "| model.output:", type(single.output).__name__)
print("model called on a new Input:", type(single(keras.Input(shape=(4,)))).__name__)
try:
    print("model.output.shape:", single.output.shape)
except AttributeError as err:
    print(f"AttributeError: {err}")
try:
    layers.Dense(2, name="head")(single.output)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# Keras 3.0.1 to 3.12.4 printed it as ([keras/src/backend/common/variables.py](https://github.com/keras-team/keras/blob/v3.12.4/keras/src/backend/common/variables.py)):
#
# ```text
# ValueError: Invalid dtype: tuple
# ```
#
# (Those releases checked each entry of the shape with `is_int_dtype(type(entry))`, which raised on
# the type `tuple` before the shape message was reached.)
#
# Keras 3.0.0 printed it as ([keras/backend/common/variables.py](https://github.com/keras-team/keras/blob/v3.0.0/keras/backend/common/variables.py)):
#
# ```text
# ValueError: Cannot convert '((None, 1), 2)' to a shape. Found invalid entry '(None, 1)'.
# ```

# %% [markdown]
# **The Keras 3 way.** Take the tensor out of the list with `model.outputs[0]` (and
# `model.inputs[0]`), which works whatever structure its one output was built with. Or build the
# model from bare tensors, as `Model(inp, out)`; then `model.output` is the tensor again, and so is
# what calling the model on a new `Input` returns:

# %%
head = layers.Dense(2, name="head")(single.outputs[0])
print("model.outputs[0].shape:", single.outputs[0].shape, "| Dense on it:", head.shape)
bare = keras.Model(features, score, name="bare")
print("Model(inp, out).output:", type(bare.output).__name__, bare.output.shape)
print("Model(inp, out) called on a new Input:", type(bare(keras.Input(shape=(4,)))).__name__)

# %% [markdown]
# What `predict` returns does not change: one array, not a list of one, on both. (With the Keras 2
# model's weights copied in, the values match too.)

# %%
batch = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
single.set_weights(single_k2.get_weights())
pred_k2 = single_k2.predict(batch, verbose=0)
pred = single.predict(batch, verbose=0)
print("Keras 2:", type(pred_k2).__name__, pred_k2.shape, "| Keras 3:", type(pred).__name__, pred.shape)
print("predict returns one array on both:", isinstance(pred_k2, np.ndarray) and isinstance(pred, np.ndarray))
print("same values as Keras 2:", np.allclose(pred, pred_k2))

# %% [markdown]
# ## 2. Data nested unlike the inputs: "The structure of `inputs` doesn't match"
#
# **On Keras 2.** The data only had to flatten to the right arrays in the right order. Three
# mismatches ran without a word: a bare array for the `[features]` model, a list of one array for
# a model built from a bare `Input`, and a flat list for a model built with nested inputs
# `[[a, b], c]`:

# %%
a_data, b_data, c_data = (np.full((2, 2), value, "float32") for value in (1.0, 2.0, 3.0))
a_k2, b_k2, c_k2 = (tf_keras.Input(shape=(2,), name=name) for name in ("a", "b", "c"))
joined_k2 = tf_keras.layers.Concatenate(name="joined")([a_k2, b_k2, c_k2])
nested_k2 = tf_keras.Model([[a_k2, b_k2], c_k2], joined_k2, name="nested")
bare_k2 = tf_keras.Model(features_k2, score_k2, name="bare")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    results_k2 = [single_k2(batch), bare_k2([batch]), nested_k2([a_data, b_data, c_data])]
print("shapes:", [tuple(result.shape) for result in results_k2])
print("Keras 2 warned:", any("structure" in str(w.message) for w in caught))

# %% [markdown]
# **On Keras 3.** The same three calls give the same numbers, each with a warning that prints the
# structure the model was built with (`Expected`) next to what it got (`Received`):

# %%
a, b, c = (keras.Input(shape=(2,), name=name) for name in ("a", "b", "c"))
nested = keras.Model([[a, b], c], layers.Concatenate(name="joined")([a, b, c]), name="nested")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    results = [single(batch), bare([batch]), nested([a_data, b_data, c_data])]
for warning in caught:
    if "structure" in str(warning.message):
        print(f"{warning.category.__name__}: {warning.message}")
same = [np.allclose(keras.ops.convert_to_numpy(x), y) for x, y in zip(results, results_k2, strict=True)]
print("same values as Keras 2:", all(same))

# %% [markdown]
# Keras 3.6.0 printed it as ([keras/src/models/functional.py](https://github.com/keras-team/keras/blob/v3.6.0/keras/src/models/functional.py)):
#
# ```text
# UserWarning: The structure of `inputs` doesn't match the expected structure: ['features']. Received: the structure of inputs=*
# ```
#
# Keras 3.0.0 to 3.5.0 had no such warning: it came with
# [keras-team/keras#20170](https://github.com/keras-team/keras/pull/20170), after reports of
# arrays fed to the wrong inputs.

# %% [markdown]
# The first of the three warns only on a direct call with a NumPy array. Since Keras 3.10.0
# ([keras-team/keras@d94e91f](https://github.com/keras-team/keras/commit/d94e91f831a331edca80f2bb726fe478d53f9569)),
# a model built from `[inp]` takes one backend tensor without a word, and `fit`, `predict` and
# `evaluate` turn your arrays into backend tensors before the call. The other two mismatches warn
# from `predict` too:

# %%
def warns(call):
    """Whether `call()` gives the structure warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return any("structure" in str(w.message) for w in caught)


print("single(backend tensor) warns:", warns(lambda: single(keras.ops.convert_to_tensor(batch))))
print("single.predict(array) warns:", warns(lambda: single.predict(batch, verbose=0)))
print("bare.predict([array]) warns:", warns(lambda: bare.predict([batch], verbose=0)))
print("nested.predict([a, b, c]) warns:", warns(lambda: nested.predict([a_data, b_data, c_data], verbose=0)))

# %% [markdown]
# [tensorflow/tensorflow#82372](https://github.com/tensorflow/tensorflow/issues/82372) is a reader
# who got the warning from `fit` with a one-input functional model, before Keras 3.10.
#
# **The Keras 3 way.** Pass the data in the structure of `model.input`, which you can print by
# name. A tuple counts as a list:

# %%
print("structure to match:", keras.tree.map_structure(lambda t: t.name, single.input))
print("structure to match:", keras.tree.map_structure(lambda t: t.name, nested.input))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    matched = [single([batch]), bare(batch), nested([[a_data, b_data], c_data]), nested(((a_data, b_data), c_data))]
print("Keras 3 warned:", any("structure" in str(w.message) for w in caught))
same = [np.allclose(keras.ops.convert_to_numpy(x), y) for x, y in zip(matched, [*results_k2, results_k2[2]], strict=True)]
print("same values as Keras 2:", all(same))

# %% [markdown]
# ## 3. A model built with `inputs={...}`, fed a list
#
# **On Keras 2.** A dict of inputs is stored in the sorted order of its keys, and a list was fed in
# that order, not the order you wrote. Here `difference` computes `width - height`, built from
# `{"width": ..., "height": ...}`; given width 3 and height 1 as a list, it silently computes
# `height - width`:

# %%
width_data, height_data = np.full((2, 1), 3.0, "float32"), np.full((2, 1), 1.0, "float32")
width_k2 = tf_keras.Input(shape=(1,), name="width")
height_k2 = tf_keras.Input(shape=(1,), name="height")
minus_k2 = tf_keras.layers.Subtract(name="width_minus_height")([width_k2, height_k2])
difference_k2 = tf_keras.Model(inputs={"width": width_k2, "height": height_k2}, outputs=minus_k2, name="difference")
print("model.inputs:", [t.name for t in difference_k2.inputs])
print("list:", difference_k2.predict([width_data, height_data], verbose=0)[0])
print("dict:", difference_k2.predict({"width": width_data, "height": height_data}, verbose=0)[0])

# %% [markdown]
# **On Keras 3.** The same list raises an error. (The message comes with terminal bold codes,
# removed here, and ends with a list of the arguments the call received, cut here.)

# %%
width = keras.Input(shape=(1,), name="width")
height = keras.Input(shape=(1,), name="height")
minus = layers.Subtract(name="width_minus_height")([width, height])
difference = keras.Model(inputs={"width": width, "height": height}, outputs=minus, name="difference")
try:
    difference.predict([width_data, height_data], verbose=0)
except ValueError as err:
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).split("\n\nArguments received")[0]
    print(f"ValueError: {message}")

# %% [markdown]
# The error came with [keras-team/keras#20613](https://github.com/keras-team/keras/pull/20613), in
# Keras 3.8.0; its description is this section's case. Before 3.8, Keras 3 read the list in
# sorted-key order like Keras 2 (with the section-2 warning from 3.6.0).
# [keras-team/keras#20070](https://github.com/keras-team/keras/issues/20070) and
# [keras-team/keras#20086](https://github.com/keras-team/keras/issues/20086) are readers hit by the
# mirror case: a model built from a list and fed a dict, which Keras 3.4.0 to 3.6.0 also read in
# sorted-key order. Keras 3 raises only when the dict's keys were not written in sorted
# order. Written sorted, `{"height": ..., "width": ...}`, the list order is the written order, and
# a list gets the warning of section 2 and the right result:

# %%
difference_sorted = keras.Model(inputs={"height": height, "width": width}, outputs=minus, name="difference_sorted")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    sorted_result = difference_sorted([height_data, width_data])
print("list [height, width]:", keras.ops.convert_to_numpy(sorted_result)[0])
for warning in caught:
    if "structure" in str(warning.message):
        print(f"{warning.category.__name__}: {warning.message}")

# %% [markdown]
# **The Keras 3 way.** Feed a model built from a dict a dict with the same keys, in any order, as
# Keras 2 allowed too (its `dict:` line above). More on dict inputs (keys,
# `tf.data`, the "Missing data for input" error) in
# [Inputs by name](../building/04_inputs_by_name.md).

# %%
print("dict:", difference.predict({"width": width_data, "height": height_data}, verbose=0)[0])
reordered = difference({"height": height_data, "width": width_data})
print("keys in another order, still width - height:", np.allclose(keras.ops.convert_to_numpy(reordered), 2.0))

# %% [markdown]
# ## 4. One array too few or too many
#
# **On Keras 2.** `pair` takes two inputs, `left` and `right`. One array, or three, fails in
# `predict`. Keras 2 puts its own traceback ("in user code: ...") inside the message; its last
# line is the message readers paste, printed here:

# %%
left_data, right_data = np.ones((2, 3), "float32"), np.zeros((2, 2), "float32")
left_k2 = tf_keras.Input(shape=(3,), name="left")
right_k2 = tf_keras.Input(shape=(2,), name="right")
pair_k2 = tf_keras.Model([left_k2, right_k2], tf_keras.layers.Concatenate(name="both")([left_k2, right_k2]), name="pair")
for data in (left_data, [left_data, right_data, right_data]):
    try:
        pair_k2.predict(data, verbose=0)
    except ValueError as err:
        message = str(err).strip().splitlines()[-1].strip().removeprefix("ValueError: ")
        print(f"[Keras 2] {type(err).__name__}: {message}")

# %% [markdown]
# **On Keras 3.** Still an error, worded by input name:

# %%
left = keras.Input(shape=(3,), name="left")
right = keras.Input(shape=(2,), name="right")
pair = keras.Model([left, right], layers.Concatenate(name="both")([left, right]), name="pair")
for label, data in (("one array", left_data), ("three arrays", [left_data, right_data, right_data])):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pair.predict(data, verbose=0)
            print(f"predict on {label} raises:", False)
        except ValueError as err:
            print(f"predict on {label} raises:", True)
            print(f"ValueError: {err}")
    for warning in caught:
        if "structure" in str(warning.message):
            print(f"{warning.category.__name__}: {warning.message}")

# %% [markdown]
# Keras 3.4.0 to 3.14.1 printed it as ([keras/src/layers/input_spec.py](https://github.com/keras-team/keras/blob/v3.14.1/keras/src/layers/input_spec.py)):
#
# ```text
# ValueError: Layer "pair" expects 2 input(s), but it received 1 input tensors. Inputs received: {inputs}
# ```
#
# Keras 3.0.0 to 3.3.3 printed it as ([keras/src/layers/input_spec.py](https://github.com/keras-team/keras/blob/v3.3.3/keras/src/layers/input_spec.py)):
#
# ```text
# ValueError: Layer 'pair' expected 2 input(s). Received 1 instead.
# ```
#
# **Backend-specific:** on JAX, `predict` skips this check. One array fails later, with another
# `ValueError` ("Output with path \`\` is not connected to \`inputs\`"); three arrays run on the first two,
# with only the warning of section 2, so `predict on three arrays raises:` prints False there (see the
# [compatibility matrix](../../backends.md)). `fit`, and calling the model directly, raise the error
# above on TensorFlow, JAX and PyTorch.
#
# **The Keras 3 way.** One array per input, as a list or tuple in the order of `model.inputs`, or
# as a dict keyed by input name, as the new message suggests:

# %%
print("inputs:", [t.name for t in pair.inputs])
as_list = pair.predict([left_data, right_data], verbose=0)
as_tuple = keras.ops.convert_to_numpy(pair((left_data, right_data)))
as_dict = keras.ops.convert_to_numpy(pair({"left": left_data, "right": right_data}))
print("output:", as_list.shape)
print("list, tuple and dict give the same:", np.array_equal(as_list, as_tuple) and np.array_equal(as_list, as_dict))
print("same values as Keras 2:", np.array_equal(as_list, pair_k2([left_data, right_data]).numpy()))

# %% [markdown]
# ## 5. `outputs={...}` and a callback that watches one output
#
# **On Keras 2.** A model with dict outputs whose keys (`cost`, `label`) differ from the heads'
# layer names (`price`, `kind`) logged each head's loss under the layer name, so a callback
# watched `val_price_loss`:

# %%
rng = np.random.default_rng(0)
x_train = rng.normal(size=(16, 4)).astype("float32")
y_train = {"cost": rng.normal(size=(16, 1)).astype("float32"), "label": rng.normal(size=(16, 2)).astype("float32")}
shop_in_k2 = tf_keras.Input(shape=(4,), name="features")
price_k2 = tf_keras.layers.Dense(1, name="price")(shop_in_k2)
kind_k2 = tf_keras.layers.Dense(2, name="kind")(shop_in_k2)
shop_k2 = tf_keras.Model(shop_in_k2, {"cost": price_k2, "label": kind_k2}, name="shop")
shop_k2.compile(optimizer="sgd", loss={"cost": "mse", "label": "mse"})
stopper_k2 = tf_keras.callbacks.EarlyStopping(monitor="val_price_loss", patience=1)
history_k2 = shop_k2.fit(
    x_train, y_train, validation_data=(x_train, y_train), epochs=2, callbacks=[stopper_k2], verbose=0
)
print("logged:", sorted(history_k2.history))

# %% [markdown]
# **On Keras 3.** The logs use the dict's keys (all the log names are in
# [Several outputs, from Keras 2 to Keras 3](06_several_outputs.md)), so `val_price_loss` never
# appears. The callback does not say so: in its default `mode="auto"` it fails to guess a
# direction for the name. The right name, `val_cost_loss`, fails the same way (second line): Keras 3
# guesses no direction for a per-output loss.

# %%
shop_in = keras.Input(shape=(4,), name="features")
price = layers.Dense(1, name="price")(shop_in)
kind = layers.Dense(2, name="kind")(shop_in)
shop = keras.Model(shop_in, {"cost": price, "label": kind}, name="shop")
shop.compile(optimizer="sgd", loss={"cost": "mse", "label": "mse"})
for monitor in ("val_price_loss", "val_cost_loss"):
    try:
        stopper_auto = keras.callbacks.EarlyStopping(monitor=monitor, patience=1)
        shop.fit(x_train, y_train, validation_data=(x_train, y_train), epochs=2, callbacks=[stopper_auto], verbose=0)
    except ValueError as err:
        print(f"ValueError: {err}")

# %% [markdown]
# Keras 3.5.0 to 3.10.0 printed it as ([keras/src/callbacks/early_stopping.py](https://github.com/keras-team/keras/blob/v3.10.0/keras/src/callbacks/early_stopping.py)):
#
# ```text
# ValueError: EarlyStopping callback received monitor=val_price_loss but Keras isn't able to automatically determine whether that metric should be maximized or minimized. Pass `mode='max'` in order to do early stopping based on the highest metric value, or pass `mode='min'` in order to use the lowest value.
# ```
#
# On Keras 3.0.0 to 3.4.1 this model's `fit` stopped earlier, before any callback ran: those
# releases matched the keys of a `loss` dict to the output layers' names (`price`, `kind`), not to
# the keys of `outputs={...}`. Here is the first line of that message; a second line shows the
# `loss` dict.
#
# Keras 3.0.0 to 3.4.1 printed it as ([keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.4.1/keras/src/trainers/compile_utils.py)):
#
# ```text
# ValueError: In the dict argument `loss`, key 'cost' does not correspond to any model output. Received:
# ```
#
# Keras 2 guessed the direction from the name alone
# ([keras-team/keras#18798](https://github.com/keras-team/keras/issues/18798) is the report against
# that guess).
#
# **The Keras 3 way.** Doing only what the message says, `mode="min"` with the old name, trains
# without an error; the callback then warns at every epoch that it has nothing to watch:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    stopper_old_name = keras.callbacks.EarlyStopping(monitor="val_price_loss", mode="min", patience=1)
    shop.fit(x_train, y_train, validation_data=(x_train, y_train), epochs=2, callbacks=[stopper_old_name], verbose=0)
early_stopping_warnings = [w for w in caught if "Early stopping" in str(w.message)]
print("warnings:", len(early_stopping_warnings))
for warning in early_stopping_warnings[:1]:
    print(f"{warning.category.__name__}: {warning.message}")

# %% [markdown]
# Monitor the name built from the key, and give the direction:

# %%
stopper = keras.callbacks.EarlyStopping(monitor="val_cost_loss", mode="min", patience=1)
history = shop.fit(x_train, y_train, validation_data=(x_train, y_train), epochs=2, callbacks=[stopper], verbose=0)
print("logged:", sorted(history.history))
print("epochs run:", len(history.history["loss"]))

# %% [markdown]
# `loss`, `loss_weights` and `metrics` for a dict-output model are keyed the same way, by your
# keys; [Several outputs](../building/05_several_outputs.md) shows what a layer-name key does there.

# %% [markdown]
# ## In short
#
# - `Model([inp], [out])` keeps its lists: `model.output` and `model.input` are lists of one on
#   Keras 3. Use `model.outputs[0]`/`model.inputs[0]`, or build `Model(inp, out)`. `predict` still
#   returns one array.
# - Feed data in the structure of `model.input` (print it with `keras.tree.map_structure`); a
#   mismatch that Keras 2 flattened silently gives "The structure of \`inputs\` doesn't match the
#   expected structure" (Keras 3.6 and later). A bare array for a `[inp]` model warns only when you
#   call the model on a NumPy array, not from `fit` or `predict` (Keras 3.10 and later).
# - A model built with `inputs={...}` wants a dict. A list raises a `ValueError` when the keys were
#   not written sorted; Keras 2 fed it in sorted-key order, swapping same-shaped inputs silently.
# - A missing or extra array still fails (on JAX, `predict` runs with an extra array): "expects 2
#   input(s), but it received 1 input tensors" (Keras 2, Keras 3.4 to 3.14) is "expects 2 named
#   input(s) with keys [...]" on Keras 3.15.
# - `outputs={...}` logs per-output losses under your keys (`val_cost_loss`), not the layer names;
#   callbacks that watch one need that name and `mode="min"`.
