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
# # TFLite (LiteRT) and ONNX for a Keras model with several inputs and outputs
#
# After this page you can export a Keras 3 model with two named inputs and two outputs to a
# `.tflite` file and to ONNX, run each one by input name (LiteRT's signature runner, ONNX
# Runtime), check it against `model.predict`, and fix the errors these exports give: inputs fed
# by position, outputs called `output_0` or `Identity:0`, "The model provided has never called",
# and the dtype and name errors of both runtimes.

# %% [markdown]
# ## Short answer
#
# Build the model with `inputs={...}` and `outputs={...}`, and name each `keras.Input` after its
# key: the names then carry over to both formats. Export with `model.export` (TensorFlow
# backend), run a `.tflite` file through the signature runner of `Interpreter` from
# `ai-edge-litert` (`pip install ai-edge-litert`; `tf.lite.Interpreter` is deprecated), and pass
# your inputs as a dict of float32 arrays. Given a `model` built that way, its inputs `x` (a dict
# keyed by input name) and a `folder` to write to:
#
# ```python
# from ai_edge_litert.interpreter import Interpreter
# model.export(f"{folder}/shop.tflite", format="litert", verbose=False)
# runner = Interpreter(model_path=f"{folder}/shop.tflite").get_signature_runner("serving_default")
# tflite_out = runner(**x)
# ```
#
# For ONNX (`pip install tf2onnx onnxruntime`), give `input_signature=[model.input]`: a model that
# was loaded from a file, or never called, fails without it. Given the same `model` and `x`:
#
# ```python
# import onnxruntime
# model.export(f"{folder}/shop.onnx", format="onnx", input_signature=[model.input], verbose=False)
# session = onnxruntime.InferenceSession(f"{folder}/shop.onnx", providers=["CPUExecutionProvider"])
# onnx_out = dict(zip([output.name for output in session.get_outputs()], session.run(None, x), strict=True))
# ```
#
# Both give a dict keyed by your output names. That holds on the TensorFlow backend; for JAX and
# PyTorch see [the end of the page](#on-jax-and-pytorch).

# %% [markdown]
# ## Setup
#
# Besides Keras and TensorFlow, this page needs `tf2onnx`, `onnx` and `onnxruntime` for ONNX,
# and `ai-edge-litert` for LiteRT's interpreter.

# %%
import contextlib
import importlib.metadata
import io
import tempfile
import warnings

import keras
import numpy as np
import onnxruntime
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter
from keras import layers
from onnxruntime.capi.onnxruntime_pybind11_state import InvalidArgument

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
packages = ["tensorflow", "ai-edge-litert", "tf2onnx", "onnx", "onnxruntime"]
print(", ".join(f"{name} {importlib.metadata.version(name)}" for name in packages))
tf.get_logger().setLevel("ERROR")  # keeps "INFO:tensorflow:Assets written to: ..." off the page
folder = tempfile.mkdtemp()  # every exported file goes here


def show_warnings(caught: list) -> None:
    """Print caught warnings as Kind: message, each line stripped of its indentation."""
    for w in caught:
        lines = [line.strip() for line in str(w.message).strip().splitlines()]
        print(f"{w.category.__name__}: " + "\n".join(lines))

# %% [markdown]
# ## A model with two named inputs and two named outputs
#
# An 8x8 `image` goes through a small convolution branch (`conv`, `pool`), three numbers of
# `meta` through a dense branch (`meta_dense`); `merge` joins them, and two heads read the
# merged features: `price`, one number, and `kind`, three class probabilities. The inputs are
# a dict keyed by the `Input` names and the outputs a dict keyed by head
# (see [inputs by name](../building/04_inputs_by_name.md) and
# [several outputs](../building/05_several_outputs.md)).

# %%
image = keras.Input(shape=(8, 8, 1), name="image")
meta = keras.Input(shape=(3,), name="meta")
image_features = layers.Conv2D(4, 3, activation="relu", name="conv")(image)
image_features = layers.GlobalAveragePooling2D(name="pool")(image_features)
meta_features = layers.Dense(4, activation="relu", name="meta_dense")(meta)
merged = layers.Concatenate(name="merge")([image_features, meta_features])
price = layers.Dense(1, name="price")(merged)
kind = layers.Dense(3, activation="softmax", name="kind")(merged)
model = keras.Model({"image": image, "meta": meta}, {"price": price, "kind": kind}, name="shop")
print("inputs:", {name: tensor.shape for name, tensor in model.input.items()})
print("outputs:", {name: tensor.shape for name, tensor in model.output.items()})

# %% [markdown]
# Four samples, a float32 array per input, in a dict keyed like the inputs. `expected` is what
# Keras computes; the exported files are checked against it.

# %%
rng = np.random.default_rng(0)
x = {
    "image": rng.normal(size=(4, 8, 8, 1)).astype("float32"),
    "meta": rng.normal(size=(4, 3)).astype("float32"),
}
expected = model.predict(x, verbose=0)
print({name: value.shape for name, value in expected.items()})

# %% [markdown]
# ## To LiteRT (TFLite): `model.export(..., format="litert")`
#
# Keras 3.15.1 writes a `.tflite` file itself: it saves the model's inference call as a
# SavedModel and converts that with TensorFlow's converter. The path must end in `.tflite`.
# The file holds one *signature*, `serving_default`, whose inputs and outputs carry your names:

# %%
try:
    model.export("shop", format="litert", verbose=False)
except ValueError as err:
    print(f"ValueError: {err}")
model.export(f"{folder}/shop.tflite", format="litert", verbose=False)
print(Interpreter(model_path=f"{folder}/shop.tflite").get_signature_list())

# %% [markdown]
# ## Running it by name: the signature runner
#
# `get_signature_runner` gives a function that takes the inputs as keyword arguments, named as
# in the signature, and returns a dict of outputs. The file was written for any batch size
# (`-1` in `shape_signature`): the runner resizes it to the batch you pass. Its outputs match
# `model.predict`:

# %%
runner = Interpreter(model_path=f"{folder}/shop.tflite").get_signature_runner("serving_default")
print({name: detail["shape_signature"].tolist() for name, detail in runner.get_input_details().items()})
tflite_out = runner(**x)
for name in expected:
    difference = np.abs(tflite_out[name] - expected[name]).max()
    print(f"{name}: {tflite_out[name].shape}, max abs difference from predict: {np.round(difference, 4)}")
print("LiteRT matches predict:", all(np.allclose(tflite_out[k], expected[k], atol=1e-5) for k in expected))

# %% [markdown]
# ## `tf.lite.Interpreter` is deprecated: use `ai_edge_litert`
#
# TensorFlow 2.21 still ships `tf.lite.Interpreter` and it still runs this file, but each one
# you make warns that it is "scheduled for deletion in TF 2.20". The
# same class lives on in the `ai-edge-litert` package (`from ai_edge_litert.interpreter import
# Interpreter`), which this page uses. It does not need TensorFlow, so a device or a server that
# only runs the file can install it alone:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_interpreter = tf.lite.Interpreter(model_path=f"{folder}/shop.tflite")
show_warnings(caught)
same = old_interpreter.get_signature_list() == Interpreter(model_path=f"{folder}/shop.tflite").get_signature_list()
print("same signatures from both interpreters:", same)
requirements = [r.split(";")[0] for r in importlib.metadata.requires("ai-edge-litert") if "extra ==" not in r]
print("ai-edge-litert requires:", requirements)

# %% [markdown]
# ## Mistake: feeding the interpreter by position
#
# Most TFLite snippets call `set_tensor(input_details[0]["index"], ...)`. With several inputs,
# `get_input_details()` is not in the order of your `Input`s: here `meta` comes first. Your
# first array, the image, goes to `meta` and fails:

# %%
interpreter = Interpreter(model_path=f"{folder}/shop.tflite")
interpreter.allocate_tensors()
input_details = interpreter.get_input_details()
print("input details:", [(d["name"], d["shape"].tolist()) for d in input_details])
print("output details:", [(d["name"], d["shape"].tolist()) for d in interpreter.get_output_details()])
try:
    interpreter.set_tensor(input_details[0]["index"], x["image"][:1])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# `set_tensor` checks only the shape and the dtype: two inputs of one shape would swap without
# an error. The outputs have the same problem. Their tensor names (`StatefulPartitionedCall_1:0`)
# say nothing about which head is which, and their order is not the signature's (`kind`,
# `price`) and is not promised to be your model's. The signature runner maps inputs and outputs
# by name: use it, as TensorFlow's documentation now advises
# ([tensorflow/tensorflow#124015](https://github.com/tensorflow/tensorflow/pull/124015); older
# threads: [tensorflow/tensorflow#33303](https://github.com/tensorflow/tensorflow/issues/33303),
# [#53071](https://github.com/tensorflow/tensorflow/issues/53071)).

# %% [markdown]
# ## Mistake: a wrong name or a float64 array
#
# The runner takes exactly the names of the signature, and the dtype it was exported with.
# `np.random.normal` and most NumPy code make float64; cast with `.astype("float32")`:

# %%
try:
    runner(images=x["image"], meta=x["meta"])
except ValueError as err:
    print(f"ValueError: {err}")
try:
    runner(image=x["image"].astype("float64"), meta=x["meta"])
except ValueError as err:
    print(f"ValueError: {str(err).strip()}")

# %% [markdown]
# ## The old route: `tf.lite.TFLiteConverter.from_keras_model`
#
# Readers on TensorFlow 2.16 paste "AttributeError: 'Functional' object has no attribute
# '_get_save_spec'" (or `'Sequential'`) from this call on a Keras 3 model
# ([keras-team/keras#18430](https://github.com/keras-team/keras/issues/18430),
# [tensorflow/tensorflow#63867](https://github.com/tensorflow/tensorflow/issues/63867)), and the
# same from `tf2onnx.convert.from_keras`
# ([onnx/tensorflow-onnx#2329](https://github.com/onnx/tensorflow-onnx/issues/2329)). On
# TensorFlow 2.21 it converts, through the same SavedModel step as `model.export`, and it
# prints that SavedModel's endpoint listing (kept off the page below). For a model with dict
# inputs it passes the inputs as a list, so Keras warns, twice; the file still has the right
# names:

# %%
with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()):
    warnings.simplefilter("always")
    converted = tf.lite.TFLiteConverter.from_keras_model(model).convert()
show_warnings(caught)
print(Interpreter(model_content=converted).get_signature_list())

# %% [markdown]
# The warning is harmless here, and `model.export(..., format="litert")` gives the same
# signature without it.

# %% [markdown]
# ## To ONNX: `model.export(..., format="onnx")`
#
# On TensorFlow, Keras converts with `tf2onnx`, so install `tf2onnx` and `onnx` to export and
# `onnxruntime` to run the file. Without more arguments, the export refuses a model that has
# not run since it was built or loaded: here the model saved and loaded back, and a new
# `keras.Model` over the same layers:

# %%
model.save(f"{folder}/shop.keras")
loaded = keras.saving.load_model(f"{folder}/shop.keras")
rebuilt = keras.Model(model.input, model.output, name="rebuilt")
for label, never_run in {"loaded": loaded, "rebuilt": rebuilt}.items():
    print(f"{label}:")
    try:
        never_run.export(f"{folder}/{label}.onnx", format="onnx", verbose=False)
    except ValueError as err:
        print(f"ValueError: {str(err).strip()}")

# %% [markdown]
# Give it an `input_signature`: `[model.input]` is the model's own inputs, with their names,
# shapes, dtypes and dict. The first ONNX export in a process also prints a `FutureWarning` from
# Keras's patch for `tf2onnx`. It is harmless, and gone in keras-nightly 3.16.0.dev2026102704
# ([keras-team/keras#23095](https://github.com/keras-team/keras/pull/23095)), which prints the
# rest of this page unchanged:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    loaded.export(f"{folder}/loaded.onnx", format="onnx", input_signature=[loaded.input], verbose=False)
show_warnings(caught)
loaded_session = onnxruntime.InferenceSession(f"{folder}/loaded.onnx", providers=["CPUExecutionProvider"])
print("inputs:", [i.name for i in loaded_session.get_inputs()])
print("outputs:", [o.name for o in loaded_session.get_outputs()])

# %% [markdown]
# Writing the signature by hand with `keras.InputSpec` works too, but give each spec its
# `name`: without it the ONNX inputs are named after the exported function's argument,
# `args_0_image` and `args_0_meta`, and your dict's keys no longer match them.

# %%
specs = {
    "image": keras.InputSpec(shape=(None, 8, 8, 1), dtype="float32"),
    "meta": keras.InputSpec(shape=(None, 3), dtype="float32"),
}
loaded.export(f"{folder}/unnamed.onnx", format="onnx", input_signature=[specs], verbose=False)
unnamed = onnxruntime.InferenceSession(f"{folder}/unnamed.onnx", providers=["CPUExecutionProvider"])
print("without names:", [i.name for i in unnamed.get_inputs()])
named_specs = {name: keras.InputSpec(shape=spec.shape, dtype="float32", name=name) for name, spec in specs.items()}
loaded.export(f"{folder}/named.onnx", format="onnx", input_signature=[named_specs], verbose=False)
named = onnxruntime.InferenceSession(f"{folder}/named.onnx", providers=["CPUExecutionProvider"])
print("with names:", [i.name for i in named.get_inputs()])

# %% [markdown]
# ## Running it in ONNX Runtime by name
#
# `InferenceSession.run(None, feed)` takes a dict keyed by input name and returns a list, in the
# order of `session.get_outputs()`. That order is sorted by name (`kind` before `price`), not
# the order of your dict: pair the list with the output names, or ask for outputs by name
# (`session.run(["price"], feed)`). The batch axis stays free (`None` below).

# %%
model.export(f"{folder}/shop.onnx", format="onnx", input_signature=[model.input], verbose=False)
session = onnxruntime.InferenceSession(f"{folder}/shop.onnx", providers=["CPUExecutionProvider"])
for node in session.get_inputs() + session.get_outputs():
    print(node.name, [d if isinstance(d, int) else None for d in node.shape], node.type)
onnx_out = dict(zip([output.name for output in session.get_outputs()], session.run(None, x), strict=True))
for name in expected:
    difference = np.abs(onnx_out[name] - expected[name]).max()
    print(f"{name}: {onnx_out[name].shape}, max abs difference from predict: {np.round(difference, 4)}")
print("ONNX matches predict:", all(np.allclose(onnx_out[k], expected[k], atol=1e-5) for k in expected))
print("price by name:", np.round(session.run(["price"], x)[0][:2, 0], 4))

# %% [markdown]
# The order is the sorted order of the keys, whatever order you wrote them in. Four heads on
# `meta`, written `zeta`, `beta`, `alpha`, `mu`, one column more each:

# %%
heads = {key: layers.Dense(width, name=key)(meta) for width, key in enumerate(["zeta", "beta", "alpha", "mu"], 1)}
four_heads = keras.Model({"meta": meta}, heads, name="four_heads")
four_heads.export(f"{folder}/four.onnx", format="onnx", input_signature=[four_heads.input], verbose=False)
four_session = onnxruntime.InferenceSession(f"{folder}/four.onnx", providers=["CPUExecutionProvider"])
print("ONNX outputs:", [(o.name, o.shape[1]) for o in four_session.get_outputs()])

# %% [markdown]
# ## Mistake: a wrong name or a float64 array, in ONNX Runtime
#
# ONNX Runtime names the missing input; for a float64 array it raises its own `InvalidArgument`
# (from `onnxruntime.capi.onnxruntime_pybind11_state`), the message readers paste:

# %%
try:
    session.run(None, {"images": x["image"], "meta": x["meta"]})
except ValueError as err:
    print(f"ValueError: {err}")
try:
    session.run(None, {"image": x["image"].astype("float64"), "meta": x["meta"]})
except InvalidArgument as err:
    print(f"InvalidArgument: {err}")

# %% [markdown]
# ## Mistake: dict keys that differ from the `Input` names
#
# Both files name an input after its `keras.Input`, not after the key it has in
# `inputs={...}`; an output takes its key in `outputs={...}`. Here the same layers, with the
# inputs keyed `photo` and `extra` and the `price` head keyed `cost`. Keras warns when you
# build it (see [inputs by name](../building/04_inputs_by_name.md)), and the dict that feeds
# Keras does not feed the file:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keyed = keras.Model({"photo": image, "extra": meta}, {"cost": price, "kind": kind}, name="keyed")
show_warnings(caught)
keyed.export(f"{folder}/keyed.tflite", format="litert", verbose=False)
print("LiteRT:", Interpreter(model_path=f"{folder}/keyed.tflite").get_signature_list()["serving_default"])
keyed.export(f"{folder}/keyed.onnx", format="onnx", input_signature=[keyed.input], verbose=False)
keyed_session = onnxruntime.InferenceSession(f"{folder}/keyed.onnx", providers=["CPUExecutionProvider"])
print("ONNX inputs:", sorted(i.name for i in keyed_session.get_inputs()))
try:
    keyed_session.run(None, {"photo": x["image"], "extra": x["meta"]})
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# Give each `Input` the name of its key, as `model` above does, and one dict feeds Keras and
# both files.

# %% [markdown]
# ## Mistake: outputs in a list lose their names
#
# A model built with `outputs=[price, kind]` has no output names in either file: the LiteRT
# signature calls them `output_0` and `output_1`, ONNX `Identity:0` and `Identity_1:0`, each in
# the list's order (`price` first, one column wide). Here is the same model with a list of
# outputs:

# %%
shop_list = keras.Model(model.input, [model.output["price"], model.output["kind"]], name="shop_list")
shop_list.export(f"{folder}/list.tflite", format="litert", verbose=False)
list_runner = Interpreter(model_path=f"{folder}/list.tflite").get_signature_runner("serving_default")
print("LiteRT outputs:", {name: value.shape for name, value in list_runner(**x).items()})
shop_list.export(f"{folder}/list.onnx", format="onnx", input_signature=[shop_list.input], verbose=False)
list_session = onnxruntime.InferenceSession(f"{folder}/list.onnx", providers=["CPUExecutionProvider"])
print("ONNX outputs:", [(o.name, o.shape[1]) for o in list_session.get_outputs()])

# %% [markdown]
# A model you already trained that way needs no retraining: wrap its outputs in a dict keyed by
# `output_names` (the heads' layer names). The new model shares every layer and weight:

# %%
outputs_by_name = dict(zip(shop_list.output_names, shop_list.outputs, strict=True))
shop_named = keras.Model(shop_list.input, outputs_by_name, name="shop_named")
shop_named.export(f"{folder}/shop_named.tflite", format="litert", verbose=False)
print("LiteRT:", Interpreter(model_path=f"{folder}/shop_named.tflite").get_signature_list()["serving_default"])
shop_named.export(f"{folder}/shop_named.onnx", format="onnx", input_signature=[shop_named.input], verbose=False)
named_session = onnxruntime.InferenceSession(f"{folder}/shop_named.onnx", providers=["CPUExecutionProvider"])
print("ONNX outputs:", [o.name for o in named_session.get_outputs()])
print("same weights:", shop_named.get_layer("price") is shop_list.get_layer("price"))

# %% [markdown]
# ## On JAX and PyTorch
#
# This page runs on TensorFlow. Run as a script on the other backends, it stops in the cell of the
# first LiteRT export (on JAX its `try` prints the backend error below in place of the `.tflite`
# one); the [compatibility matrix](../../backends.md) records the reasons:
#
# - **JAX**: `format="litert"` raises "ValueError: LiteRT export requires TensorFlow or PyTorch
#   backend." `format="onnx"` goes through `jax2onnx` (not in this site's requirements: it brings
#   Flax and Orbax), and without it raises "ImportError: This requires the jax2onnx module. You
#   can install it via `pip install jax2onnx`". With jax2onnx 0.17.1 the export runs and keeps
#   the input names, but the outputs are named after operations (`softmax_out_0`, `add_out_2`).
#   `predict` does not count as a call on JAX, so `input_signature` is needed even after it.
# - **PyTorch**: `format="litert"` needs the `litert-torch` package ("ImportError: To export to
#   LiteRT with the PyTorch backend, you must install the `litert-torch` package"), which brings
#   Transformers and more. `format="onnx"` uses `torch.onnx`: the inputs keep their names, the
#   outputs are numbered (`57`, `49` here).
#
# On all three backends the ONNX outputs of a dict-output model come in the sorted order of its
# keys (the four-head model above gives `alpha`, `beta`, `mu`, `zeta` on each), so
# `dict(zip(sorted(model.output), session.run(None, x), strict=True))` names them on any
# backend.

# %% [markdown]
# ## In short
#
# - Build with `inputs={...}` and `outputs={...}`, each `keras.Input` named after its key:
#   LiteRT signatures and ONNX files then carry your input and output names (inputs take the
#   `Input` names, outputs the keys). A list of outputs becomes `output_0` / `Identity:0`;
#   wrap a trained model's outputs in a dict instead of retraining.
# - LiteRT: `model.export("m.tflite", format="litert")`, then
#   `Interpreter(...).get_signature_runner("serving_default")(**x)` from `ai_edge_litert`.
#   Never feed `get_input_details()` by position: its order need not be your inputs' order.
# - ONNX: `model.export("m.onnx", format="onnx", input_signature=[model.input])` (needs
#   `tf2onnx`); without the signature a loaded or never-called model fails with "The model
#   provided has never called." Run it with `session.run(None, x)` and pair the list with
#   `session.get_outputs()`.
# - Feed both runtimes float32 arrays keyed by input name; float64 and wrong names fail.
# - On TensorFlow both files keep your names. JAX has no LiteRT export; the ONNX files of JAX
#   (through `jax2onnx`) and PyTorch name the outputs after operations or by number, in the
#   sorted order of your keys.
