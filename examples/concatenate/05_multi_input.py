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
# # A model with two inputs: an image and a table of numbers
#
# After this page you can give each kind of input its own branch, join the branches, feed the
# model by input name, and train it.

# %% [markdown]
# ## Short answer
#
# One `keras.Input` and one branch per input, each branch brought down to a vector, joined, and
# fed by input name. Given the inputs `image_in` (named `image`) and `table_in` (named `table`),
# their branches' vectors `image_vector` and `table_vector`, and the arrays `images` and `table`:
#
# ```python
# merged = layers.Concatenate(name="merge")([image_vector, table_vector])
# hidden = layers.Dense(8, activation="relu", name="hidden")(merged)
# output = layers.Dense(1, activation="sigmoid", name="label")(hidden)
# model = keras.Model(inputs=[image_in, table_in], outputs=output, name="image_and_table")
# by_name = model.predict({"image": images, "table": table}, verbose=0)
# ```

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
# ## Made-up data
#
# 256 samples, each a 16 x 16 grey image and 5 numeric features. The label is 1 when the image
# is bright *and* the first feature is positive, so the model needs both inputs to predict it.

# %%
rng = np.random.default_rng(0)
images = rng.uniform(size=(256, 16, 16, 1)).astype("float32")
images[:128] *= 0.5  # the first half is darker
table = rng.normal(size=(256, 5)).astype("float32")
labels = ((images.mean(axis=(1, 2, 3)) > 0.4) & (table[:, 0] > 0)).astype("float32")
print("images:", images.shape, "| table:", table.shape, "| labels:", labels.shape)
print("positive labels:", int(labels.sum()))

# %% [markdown]
# ## One branch per input
#
# The image branch turns a feature map into a vector with global pooling; the table branch is a
# small dense layer. Both end as vectors, so they join on the last axis.

# %%
image_in = keras.Input(shape=(16, 16, 1), name="image")
table_in = keras.Input(shape=(5,), name="table")

x = layers.Conv2D(8, 3, padding="same", activation="relu", name="image_conv")(image_in)
image_vector = layers.GlobalAveragePooling2D(name="image_pool")(x)
table_vector = layers.Dense(8, activation="relu", name="table_dense")(table_in)
print("image branch:", image_vector.shape, "| table branch:", table_vector.shape)

# %%
merged = layers.Concatenate(name="merge")([image_vector, table_vector])
hidden = layers.Dense(8, activation="relu", name="hidden")(merged)
output = layers.Dense(1, activation="sigmoid", name="label")(hidden)
model = keras.Model(inputs=[image_in, table_in], outputs=output, name="image_and_table")
print("merged:", merged.shape, "| output:", output.shape)

# %% [markdown]
# ## The diagram
#
# `keras.utils.plot_model` draws the graph (it needs `pydot` and Graphviz's `dot` program). It
# writes a PNG file, here into a temporary folder so nothing of yours is overwritten, and shows
# it in a notebook.

# %%
diagram = f"{tempfile.mkdtemp()}/image_and_table.png"
keras.utils.plot_model(model, to_file=diagram, show_shapes=True, show_layer_names=True, dpi=60)

# %% [markdown]
# ## Feeding the model by input name
#
# A dict whose keys are the `Input` names cannot mix up the order of the inputs. A list works
# too, in the order of `model.inputs`:

# %%
print([t.name for t in model.inputs])
by_name = model.predict({"image": images, "table": table}, verbose=0)
by_order = model.predict([images, table], verbose=0)
print("same predictions:", np.array_equal(by_name, by_order))

# %% [markdown]
# ## A few training steps
#
# Shapes are the lesson here, not accuracy: 5 short epochs show that gradients flow through both
# branches and the loss falls. The losses are rounded to 2 decimals, so they print the same on
# any CPU. That is on TensorFlow: JAX and PyTorch draw other initial weights from the same seed,
# so there the losses and changes below are other numbers (the loss still falls).

# %%
before = {name: model.get_layer(name).kernel.numpy() for name in ("image_conv", "table_dense")}
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
history = model.fit({"image": images, "table": table}, labels, batch_size=32, epochs=5, verbose=0)
losses = history.history["loss"]
print("loss per epoch:", [round(value, 2) for value in losses])
print("loss fell:", losses[-1] < losses[0])

# %% [markdown]
# Both branches were trained: their kernels moved away from the values saved before `fit`.

# %%
for name, initial in before.items():
    trained = model.get_layer(name).kernel.numpy()
    change = np.abs(trained - initial).max()
    print(f"{name}: kernel {trained.shape}, largest change {change:.2f}")

# %% [markdown]
# ## In short
#
# - Give each input its own `keras.Input(name=...)` and branch; bring the branches to the same
#   rank (here vectors, with global pooling) before `Concatenate`.
# - Pass `inputs=[...]` to `keras.Model`, and feed it a dict keyed by the input names.
# - `keras.utils.plot_model(model, to_file=..., show_shapes=True)` draws the branches; it needs
#   `pydot` and Graphviz.
