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
# # Siamese networks and shared layers in Keras: one encoder on two inputs, and `layer.output`
#
# After this page you can apply one encoder to two inputs so both branches share its weights,
# prove that they do, and get the output of each call of a layer used twice, which
# `layer.output` does not give you.

# %% [markdown]
# ## Short answer
#
# Build the encoder once and call it on each input; every call uses the same weights. Given a
# `build_encoder` function that returns your encoder, and the model's two inputs `left` and
# `right`:
#
# ```python
# encoder = build_encoder()
# left_vector = encoder(left)
# right_vector = encoder(right)
# ```
#
# For a layer called twice, `layer.output` is the output of its *first* call only. Keep the
# tensors each call returns (`left_vector`, `right_vector`), or read them from the input of the
# layer that follows.
#
# In a siamese model loaded from a file, if you built the encoder as a model named `encoder`,
# `loaded.get_layer("encoder")` is the trained encoder: call it (or `predict` with it) on single
# items. Not `keras.Model(loaded.inputs, encoder.output)`: it fails for a functional encoder and,
# for a `Sequential` one, silently returns the left input's vectors only.

# %% [markdown]
# ## Setup

# %%
import tempfile

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## One encoder, two inputs
#
# The encoder turns an item of 6 features into a vector of 4. The siamese model calls it on a
# `left` and a `right` item, compares the two vectors with a cosine similarity (`Dot` with
# `normalize=True`) and turns that into a "same or not" probability.


# %%
def build_encoder() -> keras.Model:
    item = keras.Input(shape=(6,), name="item")
    x = layers.Dense(8, activation="relu", name="hidden")(item)
    return keras.Model(item, layers.Dense(4, name="embedding")(x), name="encoder")


left = keras.Input(shape=(6,), name="left")
right = keras.Input(shape=(6,), name="right")

# %% [markdown]
# One encoder, called on each input:

# %%
encoder = build_encoder()
left_vector = encoder(left)
right_vector = encoder(right)
cosine = layers.Dot(axes=1, normalize=True, name="cosine")([left_vector, right_vector])
same = layers.Dense(1, activation="sigmoid", name="same")(cosine)
siamese = keras.Model([left, right], same, name="siamese")
print([layer.name for layer in siamese.layers])
print("vectors:", left_vector.shape, right_vector.shape, "| cosine:", cosine.shape)

# %% [markdown]
# The encoder is one box in the diagram, with an arrow in from each input: both calls go
# through the same layer.

# %%
diagram = f"{tempfile.mkdtemp()}/siamese.png"
keras.utils.plot_model(siamese, to_file=diagram, show_shapes=True, show_layer_names=True, dpi=60)

# %% [markdown]
# From `encoder` to `cosine` there is one arrow, though `cosine` takes the output of both
# calls. `plot_model` draws one box per layer, not per call, and at most one arrow from one box
# to another: the second call's arrow would join the same two boxes, so it is not drawn again.
# The arrows it draws (`keras.utils.model_to_dot` is the graph behind the picture), against the
# tensors `cosine` takes:

# %%
graph = keras.utils.model_to_dot(siamese)
box_names = {str(id(layer)): layer.name for layer in siamese.layers}
print("arrows:", [(box_names[edge.get_source()], box_names[edge.get_destination()]) for edge in graph.get_edges()])
print("tensors into cosine:", len(siamese.get_layer("cosine").input))

# %% [markdown]
# ## Proof that the weights are shared
#
# The model holds the encoder's 4 variables once, plus 2 for the `same` layer. Two encoders
# built separately would hold 8 encoder variables instead. The second one is renamed
# `encoder_b` because both are built as `encoder`, and a model refuses two layers of one name:
# "The name "encoder" is used 2 times in the model. All operation names should be unique." (see
# [joining existing models](../building/01_joining_models.md)).

# %%
print(len(siamese.weights), "variables:", [variable.path for variable in siamese.weights])
print("siamese's encoder is encoder:", siamese.get_layer("encoder") is encoder)

left_2, right_2 = keras.Input(shape=(6,), name="left"), keras.Input(shape=(6,), name="right")
separate_a, separate_b = build_encoder(), build_encoder()
separate_b.name = "encoder_b"
two_encoders = keras.Model(
    [left_2, right_2], layers.Dot(axes=1, normalize=True, name="cosine")([separate_a(left_2), separate_b(right_2)])
)
print("two separate encoders:", len(two_encoders.weights), "variables")

# %% [markdown]
# The same item on both sides gives the same vector, so the cosine is 1. Two separate encoders
# give two different vectors. A model with both vectors as outputs shows it:

# %%
rng = np.random.default_rng(0)
items = rng.normal(size=(32, 6)).astype("float32")
vectors = keras.Model([left, right], [left_vector, right_vector], name="both_vectors")
left_out, right_out = (keras.ops.convert_to_numpy(v) for v in vectors([items, items]))
print("shared encoder, same vector on both sides:", np.array_equal(left_out, right_out))
self_cosine = keras.ops.convert_to_numpy(siamese.get_layer("cosine")([left_out, right_out]))
print("cosine of an item with itself (first 3):", np.round(self_cosine[:3, 0], 4))

separate_left = keras.ops.convert_to_numpy(separate_a(items))
separate_right = keras.ops.convert_to_numpy(separate_b(items))
print("separate encoders, same vector on both sides:", np.array_equal(separate_left, separate_right))

# %% [markdown]
# Training keeps them shared: each step updates the one set of variables. Two epochs on random
# pairs and labels:

# %%
kernel_before = encoder.get_layer("hidden").kernel.numpy().copy()
siamese.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
other_items = rng.normal(size=(32, 6)).astype("float32")
labels = rng.integers(0, 2, size=(32, 1)).astype("float32")
siamese.fit([items, other_items], labels, epochs=2, batch_size=8, verbose=0)
print("encoder kernel changed:", not np.allclose(kernel_before, encoder.get_layer("hidden").kernel.numpy()))
left_out, right_out = (keras.ops.convert_to_numpy(v) for v in vectors([items, items]))
print("after training, same vector on both sides:", np.array_equal(left_out, right_out))

# %% [markdown]
# ## What `layer.output` means for a layer called twice
#
# A plain layer shows it best. `shared_dense` is called on `a`, then on `b`:

# %%
a = keras.Input(shape=(5,), name="a")
b = keras.Input(shape=(5,), name="b")
shared_dense = layers.Dense(3, name="shared_dense")
out_a = shared_dense(a)
out_b = shared_dense(b)
print("shared_dense.output is the first call's:", shared_dense.output is out_a)
print("shared_dense.output is the second call's:", shared_dense.output is out_b)
print("shared_dense.input is a:", shared_dense.input is a)

# %% [markdown]
# Keras 2 refused here ("multiple inbound nodes") and offered `get_output_at(node_index)`. Keras
# 3 returns the first call without a word, and `get_output_at` is gone:

# %%
try:
    shared_dense.get_output_at(1)
except AttributeError as err:
    print(f"AttributeError: {err}")

# %% [markdown]
# So a model meant to return the second call's output silently gets the first, or fails when
# the first call is not reachable from its inputs:

# %%
try:
    keras.Model(b, shared_dense.output)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# This check arrived in Keras 3.14.0
# ([keras-team/keras#22153](https://github.com/keras-team/keras/pull/22153)). Keras 3.13 and
# earlier build such a model, here and in the cases below, and fail only when it is called,
# with a `KeyError` whose message, after "Exception encountered when calling
# Functional.call().", is a bare number.

# %% [markdown]
# A nested functional model is one step further off: `encoder.output` belongs to the encoder's
# own graph (from its own `item` input), not to either call inside `siamese`:

# %%
print("encoder.output:", encoder.output.shape, "| encoder.input name:", encoder.input.name)
try:
    keras.Model(siamese.inputs, encoder.output)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# ## How to get each call's output
#
# **Keep the tensors each call returns.** That is what `vectors` above does with `left_vector`
# and `right_vector`; the same for `shared_dense`:

# %%
both_calls = keras.Model([a, b], [out_a, out_b], name="both_calls")
x_a = rng.normal(size=(4, 5)).astype("float32")
x_b = rng.normal(size=(4, 5)).astype("float32")
first, second = (keras.ops.convert_to_numpy(v) for v in both_calls([x_a, x_b]))
print("second call's output is shared_dense(x_b):", np.allclose(second, keras.ops.convert_to_numpy(shared_dense(x_b))))

# %% [markdown]
# **Read them from the next layer's input.** In a model you loaded, the tensors of each call are
# gone, but the layer that takes both calls (here `cosine`) has them as its input, a list with
# one tensor per call:

# %%
saved = f"{tempfile.mkdtemp()}/siamese.keras"
siamese.save(saved)
loaded = keras.models.load_model(saved)
calls = loaded.get_layer("cosine").input
print("cosine's input:", [t.shape for t in calls])
loaded_vectors = keras.Model(loaded.inputs, calls, name="loaded_vectors")
from_loaded = [keras.ops.convert_to_numpy(v) for v in loaded_vectors([items, other_items])]
from_kept = [keras.ops.convert_to_numpy(v) for v in vectors([items, other_items])]
print("same as the kept tensors:", all(np.allclose(x, y) for x, y in zip(from_loaded, from_kept, strict=True)))

# %% [markdown]
# ## The trained encoder, out of a loaded siamese model
#
# After training you usually want the encoder alone: one item in, one vector out. In the model
# loaded above it is still one layer, found by its name. Call it on single items, or `predict`
# with it: it holds the trained weights, so its vectors are those the siamese model computes
# inside.

# %%
loaded_encoder = loaded.get_layer("encoder")
print(type(loaded_encoder).__name__, loaded_encoder.name, len(loaded_encoder.weights), "variables")
left_embeddings = keras.ops.convert_to_numpy(loaded_encoder(items))
right_embeddings = loaded_encoder.predict(other_items, verbose=0)
print("embeddings:", left_embeddings.shape, right_embeddings.shape)
print("left items, same vectors as inside the loaded model:", np.allclose(left_embeddings, from_loaded[0], atol=1e-6))
print("right items, same vectors as inside the loaded model:", np.allclose(right_embeddings, from_loaded[1], atol=1e-6))

# %% [markdown]
# To keep it as a file of its own, save that layer: it is a complete model.

# %%
encoder_file = f"{tempfile.mkdtemp()}/encoder.keras"
loaded_encoder.save(encoder_file)
encoder_alone = keras.models.load_model(encoder_file)
reloaded_vectors = keras.ops.convert_to_numpy(encoder_alone(items))
print("encoder reloaded alone, same vectors:", np.allclose(reloaded_vectors, left_embeddings, atol=1e-6))

# %% [markdown]
# Reaching for the loaded encoder's `.input` and `.output` instead: for a functional encoder
# like this one, they are those of its own graph (its `item` input, not `left` or `right`), as
# for `encoder` before saving. A model from the siamese inputs to `.output` fails; a model from
# `.input` to `.output` works and is the encoder again, with the same weights.

# %%
print("encoder input:", loaded_encoder.input.name, loaded_encoder.input.shape, "| output:", loaded_encoder.output.shape)
try:
    keras.Model(loaded.inputs, loaded_encoder.output)
except ValueError as err:
    print(f"ValueError: {err}")
own_graph = keras.Model(loaded_encoder.input, loaded_encoder.output, name="own_graph")
own_vectors = keras.ops.convert_to_numpy(own_graph(items))
print("Model(encoder.input, encoder.output), same vectors:", np.allclose(own_vectors, left_embeddings, atol=1e-6))

# %% [markdown]
# A `Sequential` encoder is the trap. Its `.output` is not that of a graph of its own but its
# first call's, as for `shared_dense` above. So the same line builds, and silently returns the
# left items' vectors only. The same siamese model with a `Sequential` encoder, saved and
# loaded:

# %%
sequential_encoder = keras.Sequential(
    [
        keras.Input(shape=(6,), name="item"),
        layers.Dense(8, activation="relu", name="hidden"),
        layers.Dense(4, name="embedding"),
    ],
    name="encoder",
)
seq_left, seq_right = keras.Input(shape=(6,), name="left"), keras.Input(shape=(6,), name="right")
seq_vectors = [sequential_encoder(seq_left), sequential_encoder(seq_right)]
seq_cosine = layers.Dot(axes=1, normalize=True, name="cosine")(seq_vectors)
seq_saved = f"{tempfile.mkdtemp()}/sequential_siamese.keras"
keras.Model([seq_left, seq_right], seq_cosine, name="sequential_siamese").save(seq_saved)
seq_loaded = keras.models.load_model(seq_saved)

seq_loaded_encoder = seq_loaded.get_layer("encoder")
print("encoder.output is the first call's:", seq_loaded_encoder.output is seq_loaded.get_layer("cosine").input[0])
looks_right = keras.Model(seq_loaded.inputs, seq_loaded_encoder.output)
out = keras.ops.convert_to_numpy(looks_right([items, other_items]))
print("Model(loaded.inputs, encoder.output) gives the left vectors:",
      np.allclose(out, keras.ops.convert_to_numpy(seq_loaded_encoder(items)), atol=1e-6))
print("Model(loaded.inputs, encoder.output) gives the right vectors:",
      np.allclose(out, keras.ops.convert_to_numpy(seq_loaded_encoder(other_items)), atol=1e-6))

# %% [markdown]
# Whatever the encoder's kind, use the layer `get_layer("encoder")` itself, as above.

# %% [markdown]
# ## In short
#
# - Call one layer or model on several inputs to share its weights: the model lists it once
#   and holds its variables once, and training updates that one set.
# - `layer.output` (and `layer.input`) of a layer called twice is its first call's; Keras 3
#   does not warn, and `get_output_at` no longer exists.
# - `model.output` of a nested functional model is from its own graph, not from a call inside
#   the outer model: "is not connected to `inputs`" (Keras 3.14 and later). A nested
#   `Sequential`'s `.output` is its first call's.
# - Get each call's output from the tensors the calls return, or, in a loaded model, from the
#   `input` of the layer that receives them.
# - The trained encoder of a loaded siamese model is `loaded.get_layer("encoder")`: call it (or
#   `predict`, `save`) on single items; its vectors equal those inside the model. For a
#   functional encoder like this one, `keras.Model(loaded.inputs, encoder.output)` fails ("is
#   not connected to `inputs`"); a `Sequential` encoder's `.output` is its first call's, so the
#   same line builds and silently returns the left vectors only; use `get_layer("encoder")`
#   itself.
