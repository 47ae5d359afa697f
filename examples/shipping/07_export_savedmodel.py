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
# # Exporting a multi-input, multi-output model as a SavedModel
#
# After this page you can export a Keras model with two named inputs and two outputs as a
# TensorFlow SavedModel, know the input and output names its `serving_default` signature gets (and
# set them yourself), check the export against `model.predict`, and load it back into Keras with
# `TFSMLayer`, past the errors readers paste.

# %% [markdown]
# ## Short answer
#
# Build the model with named `keras.Input`s and `outputs={...}`: `model.export` then gives the
# `serving_default` signature keyword inputs named after the inputs, and outputs named after the
# dict's keys. With `outputs=[...]` the outputs are called `output_0`, `output_1`, in list order.
# Call the signature with keywords, never positionally. To reload it in Keras, use
# `TFSMLayer` with the endpoint `serve` (the default), which takes the dict of inputs;
# `call_endpoint="serving_default"`, which Keras's own error message suggests, fails for two
# inputs. `model.export` works on JAX too, but only the TensorFlow backend has `TFSMLayer`: read
# the folder back in a process on TensorFlow. On PyTorch the export fails: save a `.keras` file
# there and export it on TensorFlow.
#
# Given a model `dict_model` built with dict inputs and `outputs={...}`, a `folder` (a
# `pathlib.Path`) to write to, and a dict `x` of input arrays keyed by input name:
#
# ```python
# dict_model.export(folder / "shop_dict", format="tf_saved_model", verbose=False)
# loaded = tf.saved_model.load(str(folder / "shop_dict"))
# serving = loaded.signatures["serving_default"]
# served = serving(**x)
# reloaded = keras.layers.TFSMLayer(folder / "shop_dict", call_endpoint="serve")
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2 (what `tf.keras` was up to TensorFlow 2.15); section 6 uses it to write a
# SavedModel the way Keras 2 code did. Every file goes into a fresh temporary folder; messages that
# name it show `<folder>` instead of its path. `show` prints an error as it reads, kind first,
# without the terminal's colour codes, the list of call arguments Keras appends, or the folder's
# path; `show(err, lines=3)` prints the first three lines of a long one, then `[...]`. A loaded
# signature lists its inputs and outputs in an order that changes from one run to the next (try
# it: print `structured_outputs` twice in two processes), so `print_signature`, and `show` in the
# messages that list them, sort them by name.

# %%
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import absl.logging
import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
print(f"TensorFlow {tf.__version__}, tf_keras (Keras 2) {tf_keras.__version__}")
# Keras 2 logs "Assets written to: ..." when it saves a SavedModel (section 6); keep it off the page.
tf.get_logger().setLevel("ERROR")
absl.logging.set_verbosity(absl.logging.ERROR)
folder = Path(tempfile.mkdtemp())


SPEC = r"\['\w+', TensorSpec\(shape=\([^)]*\), dtype=[\w.]+, name=(?:'\w+'|None)\)\]"


def sort_specs(text: str) -> str:
    """Sort the named TensorSpecs of every `Dict[...]` that TensorFlow prints, by name."""
    return re.sub(rf"Dict\[{SPEC}(?:, {SPEC})*\]", lambda m: f"Dict[{', '.join(sorted(re.findall(SPEC, m[0])))}]", text)


def print_signature(signature) -> None:
    """Print a signature's structured_input_signature and structured_outputs, names sorted."""
    positional, keywords = signature.structured_input_signature
    print("structured_input_signature:", (positional, dict(sorted(keywords.items()))))
    print("structured_outputs:", dict(sorted(signature.structured_outputs.items())))


def show(err: Exception, lines: int | None = None) -> None:
    """Print an error, kind first, as Keras or TensorFlow words it; with `lines`, its first lines."""
    text = sort_specs(re.sub(r"\x1b\[[0-9;]*m", "", str(err)).split("\n\nArguments received")[0])
    text = f"{type(err).__name__}: {text}".replace(str(folder), "<folder>")
    if lines is not None and len(text.splitlines()) > lines:
        text = "\n".join(text.splitlines()[:lines]) + "\n[...]"
    print(text)


def compare(served: dict, expected: dict) -> None:
    """For each output: does the export give what Keras gave, and the largest difference."""
    for name, want in expected.items():
        got = np.asarray(served[name])
        diff = round(float(np.max(np.abs(got - want))), 6)
        print(f"{name}: max abs diff {diff} | same as model.predict: {np.allclose(got, want, atol=1e-6)}")


# %% [markdown]
# ## A model with two named inputs and two outputs
#
# A shop's listing model: `title` (6 numbers, say a text embedding) and `shop` (3 numbers) go
# through one `Dense` branch each (`title_branch`, `shop_branch`), are joined by `merge`, and
# feed two heads: `rating` (one number) and `category` (3 classes). The same layers make two
# models, so they hold the same weights: `list_model` returns `[rating, category]`, `dict_model`
# returns `{"rating": ..., "category": ...}`. Both take a dict of inputs keyed by input name.

# %%
title = keras.Input(shape=(6,), name="title")
shop = keras.Input(shape=(3,), name="shop")
title_branch = layers.Dense(4, activation="relu", name="title_branch")(title)
shop_branch = layers.Dense(4, activation="relu", name="shop_branch")(shop)
merged = layers.Concatenate(name="merge")([title_branch, shop_branch])
rating = layers.Dense(1, name="rating")(merged)
category = layers.Dense(3, activation="softmax", name="category")(merged)
inputs = {"title": title, "shop": shop}
list_model = keras.Model(inputs, [rating, category], name="shop_list")
dict_model = keras.Model(inputs, {"rating": rating, "category": category}, name="shop_dict")
print("output names:", list_model.output_names)

# %% [markdown]
# Two samples, rounded to one decimal so that the error messages below, which print the arrays,
# stay short. Keras's own predictions are what every export is checked against:

# %%
rng = np.random.default_rng(0)
x = {
    "title": np.round(rng.normal(size=(2, 6)), 1).astype("float32"),
    "shop": np.round(rng.normal(size=(2, 3)), 1).astype("float32"),
}
keras_list = list_model.predict(x, verbose=0)
keras_dict = dict_model.predict(x, verbose=0)
print("list_model:", [p.shape for p in keras_list])
print("dict_model:", {name: keras_dict[name].shape for name in sorted(keras_dict)})

# %% [markdown]
# ## TensorFlow only, and why
#
# A SavedModel is a TensorFlow graph, and reading it back into Keras goes through
# `keras.layers.TFSMLayer`, which Keras provides on the TensorFlow backend only. On JAX,
# `model.export` converts the model to TensorFlow through `jax2tf`, so TensorFlow must be installed
# ([keras/src/backend/jax/export.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/jax/export.py)),
# and works, but `TFSMLayer` refuses there; on PyTorch, `model.export` to a SavedModel fails.
# Section 7, at the end of the page, runs both backends and shows the ways around: read the JAX
# folder with `TFSMLayer` on the TensorFlow backend; save a `.keras` file on PyTorch and export it
# from the TensorFlow backend. The cells between run on TensorFlow; as a script on another backend
# the page stops here and says so.

# %%
backend = keras.backend.backend()
print(f"backend: {backend} | the SavedModel cells below run on it: {backend == 'tensorflow'}")
if backend != "tensorflow":
    print("Stopping: run this page with KERAS_BACKEND=tensorflow; its section 7 shows JAX and PyTorch.")
    sys.exit(0)

# %% [markdown]
# ## 1. `model.export` with `outputs=[...]`: `output_0`, `output_1`
#
# `model.export` writes the folder and prints the endpoint it made, `serve` (its list of captured
# variables, which names memory addresses, is left out here):

# %%
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    list_model.export(folder / "shop_list", format="tf_saved_model")
print(printed.getvalue().split("Captures:")[0].replace(str(folder), "<folder>").rstrip())

# %% [markdown]
# `serve` takes one positional argument, the dict of inputs. The folder also holds it as two
# *signatures*, `serve` and `serving_default` (Keras adds the second because TensorFlow Serving
# looks for it): functions of named tensors in and named tensors out. TensorFlow Serving,
# `saved_model_cli` and most readers use `serving_default`. Load the folder with TensorFlow and
# print both halves:

# %%
loaded_list = tf.saved_model.load(str(folder / "shop_list"))
print("signatures:", sorted(loaded_list.signatures))
serving_list = loaded_list.signatures["serving_default"]
print_signature(serving_list)

# %% [markdown]
# The inputs are keyword arguments named after the `keras.Input` names (`title`, `shop`; section 3
# shows where the names come from). The outputs lost their names: TensorFlow numbers the items
# of a returned list, `output_0` for `rating`, the first item of `outputs=[...]`, and `output_1`
# for `category`. Call the signature with the inputs as keywords and compare each output with
# what Keras's `predict` gave:

# %%
served_list = serving_list(**x)
compare(served_list, {f"output_{i}": keras_list[i] for i in range(len(keras_list))})
print("output_i is list_model.output_names[i]:", dict(zip(sorted(served_list), list_model.output_names, strict=True)))

# %% [markdown]
# A model with one output gets `output_0` too, not the name of its last layer
# ([keras-team/keras#19771](https://github.com/keras-team/keras/issues/19771), where the answer
# was a dict of outputs):

# %%
single = keras.Model(inputs, rating, name="shop_single")
single.export(folder / "shop_single", verbose=False)
print_signature(tf.saved_model.load(str(folder / "shop_single")).signatures["serving_default"])

# %% [markdown]
# ## 2. `outputs={...}`: the keys become the output names
#
# The same layers, exported from `dict_model`:

# %%
dict_model.export(folder / "shop_dict", format="tf_saved_model", verbose=False)
loaded = tf.saved_model.load(str(folder / "shop_dict"))
serving = loaded.signatures["serving_default"]
print_signature(serving)
served = serving(**x)
compare(served, keras_dict)

# %% [markdown]
# The keys of `outputs={...}` are the output names: a dict is how you give a serving client names
# that do not depend on the order of the outputs. The inputs are named as before.

# %% [markdown]
# ## 3. Naming the signature yourself: `keras.export.ExportArchive`
#
# When you cannot rebuild the model (it came from a `.keras` file, say), `ExportArchive` sets
# both halves: the endpoint is a function you write, so it can return a dict, and its
# `input_signature` gives each input's shape, dtype and `name`, the keyword that
# `serving_default` will take. A functional model takes one argument, the whole input structure,
# so `input_signature` is a list of one item: the dict.

# %%
def named_outputs(model_inputs):
    return dict(zip(["rating", "category"], list_model(model_inputs, training=False), strict=True))


specs = {
    "title": keras.InputSpec(shape=(None, 6), dtype="float32", name="title"),
    "shop": keras.InputSpec(shape=(None, 3), dtype="float32", name="shop"),
}
archive = keras.export.ExportArchive()
archive.track(list_model)
archive.add_endpoint(name="serve", fn=named_outputs, input_signature=[specs])
archive.write_out(folder / "shop_named", verbose=False)
loaded_named = tf.saved_model.load(str(folder / "shop_named"))
serving_named = loaded_named.signatures["serving_default"]
print_signature(serving_named)
compare(serving_named(**x), {"rating": keras_list[0], "category": keras_list[1]})

# %% [markdown]
# `model.export` takes `input_signature=` too, in the same form: a list holding the dict. The two
# forms readers try first fail. A dict alone:

# %%
try:
    dict_model.export(folder / "shop_sig", verbose=False, input_signature=specs)
except TypeError as err:
    show(err)

# %% [markdown]
# One spec per input, as a list: the model is then called with two positional arguments, and the
# first, which must hold both inputs, holds one tensor:

# %%
try:
    dict_model.export(folder / "shop_sig", verbose=False, input_signature=[specs["title"], specs["shop"]])
except ValueError as err:
    show(err)

# %% [markdown]
# The list holding the dict works. Leave the `name`s out of the specs, though, and TensorFlow
# makes names up, `args_0`, `args_0_1`, numbering the dict's items in sorted key order: `args_0`
# is `shop` (3 numbers), not `title`, the first input you wrote:

# %%
unnamed = {name: keras.InputSpec(shape=spec.shape, dtype="float32") for name, spec in specs.items()}
dict_model.export(folder / "shop_unnamed", verbose=False, input_signature=[unnamed])
print_signature(tf.saved_model.load(str(folder / "shop_unnamed")).signatures["serving_default"])

# %% [markdown]
# With the names, the signature is section 2's again:

# %%
dict_model.export(folder / "shop_sig", verbose=False, input_signature=[specs])
print_signature(tf.saved_model.load(str(folder / "shop_sig")).signatures["serving_default"])

# %% [markdown]
# ## 4. Calling the signature: keywords, float32, a batch axis
#
# With two inputs, `serving_default` takes keyword arguments only (TensorFlow lets a signature with
# one input take it positionally; section 6 shows one). The dict itself as one positional argument
# fails; TensorFlow names what it expected after `for signature:` (`*` means: keywords from here
# on):

# %%
try:
    serving(x)
except TypeError as err:
    show(err)

# %% [markdown]
# A list, or two tensors as two arguments, fail the same way (first line of each):

# %%
for positional in ([x["title"], x["shop"]],), (x["title"], x["shop"]):
    try:
        serving(*positional)
    except TypeError as err:
        show(err, lines=1)

# %% [markdown]
# Spread the dict into keywords, `serving(**x)`, as in section 2. On TensorFlow 2.1 the same
# mistake read `TypeError: Expected at most 0 positional arguments (and the rest keywords, of
# ['input_1', 'input_4'])` ([tensorflow/tensorflow#37291](https://github.com/tensorflow/tensorflow/issues/37291)).
#
# The `serve` endpoint is the other way round: one positional argument, the dict. A list there
# fails too:

# %%
try:
    loaded_list.serve([x["title"], x["shop"]])
except TypeError as err:
    show(err)
by_serve = loaded_list.serve(x)
print("serve(x) returns a", type(by_serve).__name__, "of", len(by_serve))

# %% [markdown]
# `serve` returns what the model returns: here a list, since `list_model` has `outputs=[...]`.
#
# Dtypes: the signature was traced for `float32`. NumPy arrays are converted to it on the way in,
# `float64` ones included; a TensorFlow tensor of another dtype is not converted, and the call
# fails when it runs. (`<n>` stands for the number TensorFlow gives the function, which depends
# on what ran before.)

# %%
print("float64 NumPy arrays, converted:")
compare(serving(title=x["title"].astype("float64"), shop=x["shop"].astype("float64")), keras_dict)
try:
    serving(title=tf.constant(x["title"], dtype=tf.float64), shop=tf.constant(x["shop"]))
except tf.errors.InvalidArgumentError as err:
    message = re.sub(r"(signature_wrapper___call___)[0-9]+", r"\1<n>", str(err))
    print(f"{type(err).__name__}: {message}")

# %% [markdown]
# Cast first: `tf.cast(t, tf.float32)`, or `.astype("float32")` on the NumPy side.
#
# Shapes: every input has a batch axis. One sample without it fails:

# %%
one = {name: values[0] for name, values in x.items()}
try:
    serving(**one)
except TypeError as err:
    show(err)

# %% [markdown]
# Keep the batch axis, a batch of one: `values[:1]`, or `values[None]`:

# %%
compare(serving(**{name: values[:1] for name, values in x.items()}), {k: v[:1] for k, v in keras_dict.items()})

# %% [markdown]
# ## 5. "Could not find matching concrete function": an endpoint traced on one shape
#
# `ExportArchive.add_endpoint` also takes a `tf.function` without `input_signature`, once you have
# called it. The function is then saved for the shapes it was called with, batch size included:
# traced on 2 samples, it refuses 3:

# %%
@tf.function
def serve_traced(model_inputs):
    return dict_model(model_inputs, training=False)


serve_traced({name: tf.constant(values) for name, values in x.items()})
traced = keras.export.ExportArchive()
traced.track(dict_model)
traced.add_endpoint(name="serve", fn=serve_traced)
traced.write_out(folder / "shop_traced", verbose=False)
loaded_traced = tf.saved_model.load(str(folder / "shop_traced"))
print_signature(loaded_traced.signatures["serving_default"])
three = {name: np.concatenate([values, values[:1]]) for name, values in x.items()}
try:
    loaded_traced.serve(three)
except ValueError as err:
    show(err)

# %% [markdown]
# The signature of this export is fixed to 2 samples too, and its keywords became
# `model_inputs_shop` and `model_inputs_title`: the argument's name, then the key. The fix is an
# `input_signature` with `None` for the batch axis, as section 3 gave `ExportArchive`, or
# `model.export`, which writes one for you. Section 3's export, `loaded_named`, takes the 3
# samples:

# %%
outputs_for_three = loaded_named.serve(three)
print({name: tuple(values.shape) for name, values in sorted(outputs_for_three.items())})

# %% [markdown]
# Keep the loaded object in a variable, as `loaded_named` is. Load and call in one line, and
# Python frees the object, with the variables its functions read, before the call runs
# ([tensorflow/tensorflow#34253](https://github.com/tensorflow/tensorflow/issues/34253)):

# %%
try:
    tf.saved_model.load(str(folder / "shop_named")).serve(three)
except AssertionError as err:
    show(err)

# %% [markdown]
#
# The same message comes from a SavedModel folder that Keras 2 wrote, called with inputs of
# another structure, dtype or shape than it was saved with (section 6 shows one;
# [tensorflow/tensorflow#61849](https://github.com/tensorflow/tensorflow/issues/61849)).
# Readers on TensorFlow 2.1 to 2.3 pasted its first line as `ValueError: Could not find matching
# function to call loaded from the SavedModel`
# ([tensorflow/tensorflow#35932](https://github.com/tensorflow/tensorflow/issues/35932),
# [#45385](https://github.com/tensorflow/tensorflow/issues/45385)).

# %% [markdown]
# ## 6. Back into Keras: `TFSMLayer`
#
# `keras.models.load_model` does not read a SavedModel folder;
# [Saving and loading across Keras 2 and Keras 3](../migration/04_saving_and_loading.md) shows its
# whole message. What matters here is where it sends you:

# %%
try:
    keras.models.load_model(folder / "shop_dict")
except ValueError as err:
    show(err)

# %% [markdown]
# Following it to the letter, for a model with two inputs, fails whatever you pass.
# `TFSMLayer.call` hands its `inputs` to the endpoint as one positional argument, and
# `serving_default` with two inputs takes keywords only. A dict and a list (the form in
# [keras-team/keras#20813](https://github.com/keras-team/keras/issues/20813)) fail the same way:

# %%
by_signature = keras.layers.TFSMLayer(folder / "shop_dict", call_endpoint="serving_default")
try:
    by_signature(x)
except TypeError as err:
    show(err)

# %%
try:
    by_signature([x["title"], x["shop"]])
except TypeError as err:
    show(err, lines=3)

# %% [markdown]
# Two tensors as two arguments, or the inputs as keywords, fail before the endpoint is reached:

# %%
try:
    by_signature(x["title"], x["shop"])
except TypeError as err:
    show(err)
try:
    by_signature(**x)
except TypeError as err:
    show(err)

# %% [markdown]
# The nightly Keras 3.16.0.dev2026102704 prints the first of these two inside Keras's frame, as
# `TypeError: Exception encountered when calling TFSMLayer.call().`, then the same line; every
# other output on this page is the same there.

# %% [markdown]
# A model with one input is the exception: TensorFlow lets a signature with a single input take it
# positionally, so Keras's suggestion works there. A one-input `Sequential`, its `Input` left
# without a `name`:

# %%
title_only = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(1, name="rating")], name="title_only")
title_only.export(folder / "title_only", verbose=False)
by_one = keras.layers.TFSMLayer(folder / "title_only", call_endpoint="serving_default")
keywords = by_one.call_endpoint_fn.structured_input_signature[1]
print("keyword:", [re.sub(r"[0-9]+$", "<n>", name) for name in keywords])
print({name: tuple(values.shape) for name, values in by_one(x["title"]).items()})

# %% [markdown]
# It returns the signature's dict. Its keyword is `keras_tensor_<n>`: an `Input` without a `name`
# passes on its tensor's generated name, whose number depends on what ran before in the process.
# Name every `Input` of a model you export.

# %% [markdown]
# ### The fix for a Keras 3 export: the `serve` endpoint
#
# `serve` takes the dict as its one argument, which is what `TFSMLayer` passes. It is the
# default `call_endpoint`, and its outputs have the model's own structure, here the dict:

# %%
reloaded = keras.layers.TFSMLayer(folder / "shop_dict", call_endpoint="serve")
compare(reloaded(x), keras_dict)

# %% [markdown]
# ### The fix for a signature: pass the dict as keywords
#
# For `serving_default`, or a SavedModel folder that Keras 2 wrote (no `serve` endpoint there),
# subclass `TFSMLayer` and spread the dict, as its docstring advises for endpoints with several
# arguments:

# %%
class SignatureLayer(keras.layers.TFSMLayer):
    """A TFSMLayer that calls a signature with the input dict as keyword arguments."""

    def call(self, inputs, training=False):
        return self.call_endpoint_fn(**inputs)


keyword_layer = SignatureLayer(folder / "shop_dict", call_endpoint="serving_default", name="shop_export")
compare(keyword_layer(x), keras_dict)

# %% [markdown]
# ### A SavedModel folder that Keras 2 wrote
#
# [keras-team/keras#20813](https://github.com/keras-team/keras/issues/20813) is about these:
# `model.save("folder")` in Keras 2 (here `tf_keras`, which is Keras 2, on the same TensorFlow) of a
# model with two inputs in a list. Its `serving_default` names the outputs after the output
# layers, where Keras 3's `model.export` numbers them; it has no `serve` endpoint, so the default
# `TFSMLayer(path)` fails; `call_endpoint="serving_default"` fails as above:

# %%
title_k2 = tf_keras.Input(shape=(6,), name="title")
shop_k2 = tf_keras.Input(shape=(3,), name="shop")
merged_k2 = tf_keras.layers.Concatenate(name="merge")(
    [tf_keras.layers.Dense(4, name="title_branch")(title_k2), tf_keras.layers.Dense(4, name="shop_branch")(shop_k2)]
)
heads_k2 = [tf_keras.layers.Dense(1, name="rating")(merged_k2), tf_keras.layers.Dense(3, name="category")(merged_k2)]
keras2_model = tf_keras.Model([title_k2, shop_k2], heads_k2, name="shop_keras2")
keras2_model.save(folder / "keras2_savedmodel")
keras2_out = keras2_model.predict([x["title"], x["shop"]], verbose=0)
loaded_k2 = tf.saved_model.load(str(folder / "keras2_savedmodel"))
signature_k2 = loaded_k2.signatures["serving_default"]
print_signature(signature_k2)
try:
    keras.layers.TFSMLayer(folder / "keras2_savedmodel")
except ValueError as err:
    show(err)
try:
    keras.layers.TFSMLayer(folder / "keras2_savedmodel", call_endpoint="serving_default")([x["title"], x["shop"]])
except TypeError as err:
    show(err, lines=3)

# %% [markdown]
# Loaded with TensorFlow and called like a model, the folder refuses a dict where the model was
# saved with a list of inputs, with section 5's message:

# %%
try:
    loaded_k2(x)
except ValueError as err:
    show(err)

# %% [markdown]
# The subclass reads it, by the input names, with no Keras 2 code:

# %%
keras2_layer = SignatureLayer(folder / "keras2_savedmodel", call_endpoint="serving_default")
compare(keras2_layer(x), {"rating": keras2_out[0], "category": keras2_out[1]})

# %% [markdown]
# ### Inside a functional model with several `keras.Input`s
#
# `keyword_layer` takes symbolic inputs too, so a new functional model can wrap the export, with
# an `Input` per signature keyword. `predict` then returns the signature's dict:

# %%
title_in = keras.Input(shape=(6,), name="title")
shop_in = keras.Input(shape=(3,), name="shop")
wrapped_inputs = {"title": title_in, "shop": shop_in}
wrapped = keras.Model(wrapped_inputs, keyword_layer(wrapped_inputs), name="wrapped_export")
wrapped_out = wrapped.predict(x, verbose=0)
print("inputs:", [t.name for t in wrapped.inputs], "| outputs:", sorted(wrapped_out))
compare(wrapped_out, keras_dict)

# %% [markdown]
# Feed it a dict, as `dict_model`: it was built from one. Its layers are the two `Input`s and the
# export; the original layers and their names are gone, and the export's variables are the
# `TFSMLayer`'s own (8: the kernel and bias of each of the four `Dense` layers):

# %%
print("layers:", [layer.name for layer in wrapped.layers], "| weights of shop_export:", len(keyword_layer.weights))

# %% [markdown]
# ## 7. On JAX and PyTorch
#
# The same model and export, run in a separate Python process per backend. Each process also
# saves its predictions and, where the export fails, the model as a `.keras` file:

# %%
OTHER_BACKEND = textwrap.dedent("""
    import sys

    import keras
    import numpy as np
    from keras import layers

    folder, backend = sys.argv[1], keras.backend.backend()
    keras.utils.set_random_seed(0)
    title = keras.Input(shape=(6,), name="title")
    shop = keras.Input(shape=(3,), name="shop")
    merged = layers.Concatenate(name="merge")(
        [layers.Dense(4, activation="relu", name="title_branch")(title),
         layers.Dense(4, activation="relu", name="shop_branch")(shop)]
    )
    outputs = {"rating": layers.Dense(1, name="rating")(merged),
               "category": layers.Dense(3, activation="softmax", name="category")(merged)}
    model = keras.Model({"title": title, "shop": shop}, outputs, name="shop_dict")
    rng = np.random.default_rng(0)
    x = {"title": rng.normal(size=(2, 6)).astype("float32"), "shop": rng.normal(size=(2, 3)).astype("float32")}
    predicted = model.predict(x, verbose=0)
    np.savez(f"{folder}/{backend}_predicted.npz", **x, **predicted)
    print("backend:", backend)
    try:
        model.export(f"{folder}/{backend}_export", verbose=False)
    except AttributeError as err:
        print("model.export failed:")
        print(f"AttributeError: {err}")
        one_input = keras.Sequential([keras.Input(shape=(3,), name="shop"), layers.Dense(1, name="rating")])
        try:
            one_input.export(f"{folder}/{backend}_one_input", verbose=False)
        except RuntimeError as err:
            print("and for a one-input Sequential:")
            print(f"{type(err).__name__}: {str(err).splitlines()[0]}")
        model.save(f"{folder}/{backend}.keras")  # for a process on the TensorFlow backend to export
    else:
        import tensorflow as tf

        loaded = tf.saved_model.load(f"{folder}/{backend}_export")
        signature = loaded.signatures["serving_default"]
        names_in, names_out = signature.structured_input_signature[1], signature.structured_outputs
        print("serving_default inputs:", sorted(names_in), "| outputs:", sorted(names_out))
        served = signature(**x)
        print("export same as model.predict:", all(np.allclose(served[k], v, atol=1e-6) for k, v in predicted.items()))
    try:
        keras.layers.TFSMLayer(f"{folder}/{backend}_export")
    except NotImplementedError as err:
        print(f"NotImplementedError: {err}")
""")
processes = {
    other: subprocess.Popen(
        [sys.executable, "-c", OTHER_BACKEND, str(folder)],
        env=dict(os.environ, KERAS_BACKEND=other),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for other in ("jax", "torch")
}
for other, process in processes.items():  # both run at once; print them in order
    stdout, stderr = process.communicate()
    print(stdout.replace(str(folder), "<folder>"), end="")
    if process.returncode != 0:
        raise RuntimeError(f"the {other} process failed:\n{stderr[-3000:]}")

# %% [markdown]
# On JAX the export works, with the same signature, but `TFSMLayer` refuses. On PyTorch,
# Keras 3.15.1's SavedModel exporter, which its docstring calls experimental for Torch
# ([keras/src/export/saved_model.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/export/saved_model.py)),
# stops at once: it reads the input specs as a flat list
# ([keras/src/backend/torch/export.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/torch/export.py)),
# and a functional model's input is the dict. A one-input `Sequential` gets further, and fails
# in `torch.export`. That file also needs the `torch_xla` package, which this site does not
# install.
#
# The ways around. The folder JAX wrote (here, on CPU) is a SavedModel like any other: a process
# on the TensorFlow backend (this one) reads it with `TFSMLayer`. From PyTorch, a `.keras` file holds
# the weights whatever the backend: load it here and export it here:

# %%
keras.models.load_model(folder / "torch.keras").export(folder / "from_torch", verbose=False)
for other, export in (("jax", "jax_export"), ("torch", "from_torch")):
    saved = np.load(folder / f"{other}_predicted.npz")
    print(f"{export}, read by TFSMLayer on TensorFlow, against {other}'s predict:")
    from_other = keras.layers.TFSMLayer(folder / export)
    compare(from_other({"title": saved["title"], "shop": saved["shop"]}), {k: saved[k] for k in ("rating", "category")})

# %% [markdown]
# ## In short
#
# - `model.export(path)` names the `serving_default` inputs after the `keras.Input` names; its
#   outputs are `output_0`, `output_1` for `outputs=[...]` (and for a single output), and the keys
#   for `outputs={...}`.
# - `keras.export.ExportArchive` sets both: an endpoint function returning a dict, and
#   `input_signature=[{key: keras.InputSpec(..., name=...)}]`, a list holding the dict (for
#   `model.export` too, where specs without a `name` become `args_0`, `args_0_1`, in sorted key
#   order).
# - Call `serving_default` with keywords (`serving(**x)`), float32 tensors and a batch axis; a
#   `tf.function` traced on one batch size gives "Could not find matching concrete function" for
#   another.
# - Reload in Keras with `TFSMLayer(path)` (endpoint `serve`, one dict); for the `serving_default`
#   of a model with several inputs (a Keras 3 export or a Keras 2 folder), subclass it to call the
#   signature with `**inputs`.
# - `TFSMLayer` runs on the TensorFlow backend only: read a JAX export there; on PyTorch, where the
#   export fails, save a `.keras` file and export it from TensorFlow.
