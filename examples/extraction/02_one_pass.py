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
# # Every branch and the final output in one pass
#
# After this page you can build one model that returns every branch's values before the merge
# together with the final output, from the merge layer's own inputs, and do the same when the
# branches sit inside a nested model or a subclassed model.

# %% [markdown]
# ## Short answer
#
# The merge layer's `.input` is the list of branch tensors. One model that outputs them and the
# final output runs every layer once. Given a functional `model` with a layer named `merge`, and
# a NumPy `batch` of its input:
#
# ```python
# merge = model.get_layer("merge")
# extractor = keras.Model(model.input, [*merge.input, model.output], name="extractor")
# *branch_values, final = extractor.predict(batch, verbose=0)
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
batch = np.random.default_rng(0).normal(size=(2, 16, 16, 3)).astype("float32")

# %% [markdown]
# ## A model with three branches

# %%
image = keras.Input(shape=(16, 16, 3), name="image")
stem = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(image)
branches = [
    layers.Conv2D(4, k, padding="same", activation="relu", name=f"branch_{k}x{k}")(stem)
    for k in (1, 3, 5)
]
merged = layers.Concatenate(name="merge")(branches)
output = layers.Dense(2, name="head")(layers.GlobalAveragePooling2D(name="pool")(merged))
model = keras.Model(image, output, name="three_branches")

# %%
diagram = f"{tempfile.mkdtemp()}/three_branches.png"  # a temporary folder: nothing of yours is overwritten
keras.utils.plot_model(model, to_file=diagram, show_shapes=True, show_layer_names=True, dpi=60)

# %% [markdown]
# ## The merge layer's `.input` is the list of branch tensors
#
# You do not need to know the branches' names: the layer that joins them holds them.

# %%
merge = model.get_layer("merge")
print([tensor.shape for tensor in merge.input])

# %% [markdown]
# ## One model, several outputs
#
# Its outputs are the branch tensors and the final output. One `predict` runs the stem once and
# every branch once. Build it on `model.input`, the model's one input tensor, rather than the list
# `model.inputs`: a model built on the list warns when you call it directly on one array
# (`extractor(batch)`); the [sub-models page](01_submodels.md) shows the warning.

# %%
extractor = keras.Model(model.input, [*merge.input, model.output], name="extractor")
*branch_values, final = extractor.predict(batch, verbose=0)
print([v.shape for v in branch_values], final.shape)
print("final output as the model's own:", np.allclose(final, keras.ops.convert_to_numpy(model(batch)), atol=1e-6))

# %% [markdown]
# A dict of outputs keeps the names with the values:

# %%
named = keras.Model(
    model.input, {layer.name: layer.output for layer in model.layers if layer.name.startswith("branch_")}
)
print({name: value.shape for name, value in named.predict(batch, verbose=0).items()})

# %% [markdown]
# ## Branches inside a nested model
#
# Here the three branches and their merge live in a nested functional model, `block`.

# %%
block_in = keras.Input(shape=(16, 16, 8), name="block_in")
block_branches = [
    layers.Conv2D(4, k, padding="same", activation="relu", name=f"branch_{k}x{k}")(block_in)
    for k in (1, 3, 5)
]
block = keras.Model(block_in, layers.Concatenate(name="merge")(block_branches), name="block")

image = keras.Input(shape=(16, 16, 3), name="image")
stem = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(image)
pooled = layers.GlobalAveragePooling2D(name="pool")(block(stem))
nested = keras.Model(image, layers.Dense(2, name="head")(pooled), name="nested")
print([layer.name for layer in nested.layers])

# %% [markdown]
# The naive attempt takes the inner merge's inputs and the outer model's inputs:

# %%
inner_merge = nested.get_layer("block").get_layer("merge")
try:
    keras.Model(nested.input, inner_merge.input)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# "not connected to `inputs`": the inner tensors belong to `block`'s own graph, which starts at
# `block_in`, not at `image`. Connect them in two steps: a model of the block's branches on the
# block's own input, called on the tensor that feeds the block in the outer model (the `stem`
# output). Then finish the outer model from the joined branches, so nothing runs twice.

# %%
block_parts = keras.Model(block.input, [*inner_merge.input, block.output], name="block_parts")
*inner_branches, joined = block_parts(nested.get_layer("stem").output)
finished = nested.get_layer("head")(nested.get_layer("pool")(joined))
nested_extractor = keras.Model(nested.input, [*inner_branches, finished], name="nested_extractor")
*values, final = nested_extractor.predict(batch, verbose=0)
print([v.shape for v in values], final.shape)
print("same final output:", np.allclose(final, keras.ops.convert_to_numpy(nested(batch)), atol=1e-6))

# %% [markdown]
# ## A subclassed model
#
# A subclassed model has no graph to take tensors from (see the layer access chapter). Let its
# `call` return the branch values when asked; one call still computes everything once.

# %%
class ThreeBranches(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.stem = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")
        self.branches = [
            layers.Conv2D(4, k, padding="same", activation="relu", name=f"branch_{k}x{k}") for k in (1, 3, 5)
        ]
        self.merge = layers.Concatenate(name="merge")
        self.pool = layers.GlobalAveragePooling2D(name="pool")
        self.head = layers.Dense(2, name="head")

    def call(self, x, return_branches=False):
        x = self.stem(x)
        values = [branch(x) for branch in self.branches]
        out = self.head(self.pool(self.merge(values)))
        return (values, out) if return_branches else out


subclassed = ThreeBranches(name="subclassed")
values, out = subclassed(batch, return_branches=True)
print([tuple(v.shape) for v in values], tuple(out.shape))

# %% [markdown]
# ## In short
#
# - `model.get_layer("merge").input` is the list of branch tensors before the join.
# - `keras.Model(model.input, [*merge.input, model.output])` gives every branch and the final
#   output in one pass; a dict of outputs keeps names.
# - For branches inside a nested model, build a model on the nested model's own input, call it on
#   the tensor that feeds the nested model, and finish the outer model from there.
# - For a subclassed model, return the branch values from `call` when asked.
