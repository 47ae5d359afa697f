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
# # Seeing inside nested models: `summary(expand_nested=True)`, `plot_model` and parameters per branch
#
# After this page you can print and draw the layers inside the sub-models of a multi-branch
# model, know what each view leaves out on Keras 3.15.1, and count the parameters of each branch,
# trainable and not, so that the counts add up to the model's total.

# %% [markdown]
# ## Short answer
#
# `model.summary()` shows a nested model as one row. `expand_nested=True` adds the layers of
# every nested model (functional, `Sequential` or subclassed) under it, indented; a custom layer
# that is not a model stays one row, unless it keeps its sublayers in an attribute named
# `layers`. `plot_model(..., expand_nested=True)` draws functional
# and `Sequential` sub-models as dashed boxes with their layers inside, but a subclassed sub-model
# stays one box, and a sub-model called twice is drawn once. The `count_params()` of each
# top-level layer is the size of its branch: a sub-model's count includes its layers, however
# often it is called. Given a `model` with nested sub-models:
#
# ```python
# model.summary(expand_nested=True, show_trainable=True, line_length=110)
# keras.utils.plot_model(
#     model, to_file=f"{tempfile.mkdtemp()}/matcher.png",
#     expand_nested=True, show_shapes=True, show_layer_names=True, dpi=60,
# )
# ```
#
# Given the same `model`, the parameters per branch, which add up to `model.count_params()`
# when no weight is shared between two top-level layers:
#
# ```python
# for layer in model.layers:
#     print(f"{layer.name:12} {layer.count_params():4d} parameters")
# ```

# %% [markdown]
# ## Setup
#
# `plot_model` needs the `pydot` package and Graphviz's `dot` program.

# %%
import tempfile
import warnings

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## A model with nested branches
#
# A matcher scores a `query` against a `candidate`, with some `meta` features on the side:
#
# - `encoder`, a `Sequential`, encodes the query and the candidate: one sub-model, called twice;
# - `fusion`, a functional model with two inputs (`left`, `right`), joins the two encodings and
#   passes them through `mixer`, a `Sequential` nested inside it;
# - `meta_branch`, a subclassed model, reads the `meta` features;
# - `joined` and `score` at the top.

# %%
class MetaNet(keras.Model):
    """A subclassed branch: two Dense layers."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(4, activation="relu", name="meta_hidden")
        self.out = layers.Dense(4, name="meta_out")

    def call(self, x):
        return self.out(self.hidden(x))


encoder = keras.Sequential(
    [
        keras.Input((8,)),
        layers.Dense(16, activation="relu", name="enc_dense"),
        layers.BatchNormalization(name="enc_norm"),
        layers.Dense(8, name="enc_out"),
    ],
    name="encoder",
)
mixer = keras.Sequential(
    [layers.Dense(8, activation="relu", name="mix_dense"), layers.Dropout(0.1, name="mix_drop")], name="mixer"
)
left, right = keras.Input((8,), name="left"), keras.Input((8,), name="right")
fusion = keras.Model([left, right], mixer(layers.Concatenate(name="fuse_concat")([left, right])), name="fusion")

query, candidate = keras.Input((8,), name="query"), keras.Input((8,), name="candidate")
meta = keras.Input((3,), name="meta")
fused = fusion([encoder(query), encoder(candidate)])
joined = layers.Concatenate(name="joined")([fused, MetaNet(name="meta_branch")(meta)])
score = layers.Dense(1, activation="sigmoid", name="score")(joined)
model = keras.Model([query, candidate, meta], score, name="matcher")
print([layer.name for layer in model.layers])

# %% [markdown]
# ## `summary()`: one row per nested model
#
# `model.layers` holds the top level only, and so does the summary: each sub-model is one row,
# with its total parameter count. The `encoder` row lists both calls in "Connected to".

# %%
model.summary(line_length=100)

# %% [markdown]
# ## `expand_nested=True`: the layers inside
#
# The same summary with `expand_nested=True` lists each sub-model's layers under it, indented
# with `└`, one level per level of nesting (`mixer` inside `fusion`). The subclassed
# `meta_branch` opens too. `show_trainable=True` adds a column: `Y` or `N` is each layer's
# `trainable` flag, `-` a layer without weights. (On the PyTorch backend the rows inside a
# subclassed sub-model, or a custom layer the summary opens, show `(83, 4)` instead of
# `(None, 4)`: Keras traces a model there with 83 in place of each unknown size.)

# %%
model.summary(expand_nested=True, show_trainable=True, line_length=110)

# %% [markdown]
# What the expanded summary does not tell you:
#
# - **Connections inside a sub-model.** Its rows say `-` under "Connected to"; the order of the
#   rows is the order of `sub_model.layers`. The diagram below draws the connections.
# - **Which weights are frozen.** `enc_norm` says `Y` although 32 of its 64 parameters (the
#   moving mean and variance) never train; the totals at the bottom count them as non-trainable.
# - **A sum you can add up.** A sub-model's row already counts its layers, so the "Param #"
#   column of an expanded summary counts a nested layer in its own row and again in the row of
#   every model around it: `mix_dense`'s 136 parameters are in the `fusion`, `mixer` and
#   `mix_dense` rows, three times:

# %%
def every_layer(layer: keras.Layer):
    """`layer`'s layers and those of every model nested in it, depth first."""
    for sublayer in getattr(layer, "layers", []):
        yield sublayer
        yield from every_layer(sublayer)


print("sum of the Param # column:", sum(layer.count_params() for layer in every_layer(model)))
print("model.count_params():     ", model.count_params())

# %% [markdown]
# ### A custom layer is not opened
#
# `expand_nested` opens layers that have a non-empty `.layers` attribute: every model has one. A
# custom `keras.Layer` that holds two `Dense` layers stays one row; the same two layers in a
# `keras.Model` subclass are listed:

# %%
class GatedLayer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.value = layers.Dense(4, name="value")
        self.gate = layers.Dense(4, activation="sigmoid", name="gate")

    def call(self, x):
        return self.value(x) * self.gate(x)


class GatedModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.value = layers.Dense(4, name="value")
        self.gate = layers.Dense(4, activation="sigmoid", name="gate")

    def call(self, x):
        return self.value(x) * self.gate(x)


features = keras.Input((3,), name="features")
gates = keras.Model(
    features, [GatedLayer(name="gated_layer")(features), GatedModel(name="gated_model")(features)], name="gates"
)
gates.summary(expand_nested=True, line_length=90)

# %% [markdown]
# The test is the attribute's name, not the class: a custom layer that also keeps its two
# sublayers in a list named `layers` is opened by the summary. `plot_model` still draws it as
# one box: it opens functional and `Sequential` models only.

# %%
class GatedList(GatedLayer):
    """The same custom layer, with its two sublayers also in a list named `layers`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.layers = [self.value, self.gate]


listed = keras.Model(features, GatedList(name="gated_list")(features), name="listed")
listed.summary(expand_nested=True, line_length=90)

# %% [markdown]
# The weights inside a custom layer are still in `model.weights`, each with a path naming its
# layer; the [layer walk](../layer_access/03_recursion.md) reaches the sublayers themselves:

# %%
print([weight.path for weight in gates.get_layer("gated_layer").weights])

# %% [markdown]
# ### `layer_range`: top-level names only
#
# `layer_range=[first, last]` prints a slice of the summary. Keras matches the two names as
# regular expressions, from their start, against the names of the top-level layers only, so a
# layer inside a sub-model is not found:

# %%
try:
    model.summary(layer_range=["mix_dense", "score"], line_length=100)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# **Fix.** Call `summary` on the sub-model, reached with `get_layer`, or give `layer_range`
# top-level names:

# %%
model.get_layer("fusion").get_layer("mixer").summary(line_length=80)
model.summary(layer_range=["fusion", "meta_branch"], expand_nested=True, line_length=100)

# %% [markdown]
# ## `plot_model(expand_nested=True)`
#
# The diagram with the sub-models opened. Pass `show_layer_names=True`: Keras 3 leaves the names
# out by default, and every box then only says `Dense` or `InputLayer`.

# %%
keras.utils.plot_model(
    model, to_file=f"{tempfile.mkdtemp()}/matcher.png",
    expand_nested=True, show_shapes=True, show_layer_names=True, dpi=60,
)

# %% [markdown]
# The diagram's arrows, read from the graph `plot_model` draws (`keras.utils.model_to_dot`), by
# layer name:

# %%
def drawn_edges(model: keras.Model, **options) -> list:
    """The arrows of `model_to_dot(model, **options)`, as 'source -> destination' layer names."""
    names = {str(id(layer)): layer.name for layer in every_layer(model)}
    graphs, edges = [keras.utils.model_to_dot(model, **options)], []
    while graphs:
        graph = graphs.pop(0)
        edges += [f"{names[edge.get_source()]} -> {names[edge.get_destination()]}" for edge in graph.get_edges()]
        graphs += graph.get_subgraphs()
    return edges


for edge in drawn_edges(model, expand_nested=True):
    print(edge)

# %% [markdown]
# Reading it:
#
# - **The inputs of a nested functional model** are boxes inside its dashed frame (`left`,
#   `right`), each fed by what the outer model passes to it.
# - **A sub-model called twice is drawn once.** `query` and `candidate` both point at
#   `enc_dense`, and `enc_out` points at both `left` and `right`: two separate calls, drawn like
#   one layer with two inputs.
# - **A subclassed sub-model is one box.** `meta_branch` has no frame and no layers inside,
#   although the summary lists them: Keras has no graph of its `call` to draw.
#
# Before Keras 3.10 (checked on 3.9.2), `expand_nested` left `Sequential` sub-models closed, and
# every arrow into a nested functional model went to its first input (both calls of `encoder`
# drawn as one `encoder -> left` arrow, nothing into `right`). [keras-team/keras PR #21243](https://github.com/keras-team/keras/pull/21243)
# fixed both ([issue #21119](https://github.com/keras-team/keras/issues/21119)).

# %% [markdown]
# ### Frozen branches: `show_trainable`
#
# Freeze the `encoder`. Its layers follow the flag, and the summary's totals move its 344
# parameters to non-trainable. `plot_model(show_trainable=True)` marks each layer with weights
# "Trainable" or "Non-trainable" (in red):

# %%
encoder.trainable = False
print({layer.name: layer.trainable for layer in encoder.layers})
model.summary(layer_range=["encoder", "encoder"], expand_nested=True, show_trainable=True, line_length=110)

# %%
keras.utils.plot_model(
    model, to_file=f"{tempfile.mkdtemp()}/matcher_frozen.png",
    expand_nested=True, show_layer_names=True, show_trainable=True, dpi=60,
)

# %% [markdown]
# ### A subclassed model at the top
#
# When the outer model is itself subclassed, `plot_model` has nothing to draw until it is built,
# and then draws one box whatever `expand_nested` says. A two-tower model holding the same
# `encoder` and `fusion`:

# %%
class TwoTower(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.fusion = encoder, fusion
        self.head = layers.Dense(1, name="head")

    def call(self, inputs):
        query, candidate = inputs
        return self.head(self.fusion([self.encoder(query), self.encoder(candidate)]))


two_tower = TwoTower(name="two_tower")
try:
    keras.utils.plot_model(two_tower, to_file=f"{tempfile.mkdtemp()}/two_tower.png")
except ValueError as err:
    print(f"ValueError: {err}")

# %%
rng = np.random.default_rng(0)
pair = [rng.normal(size=(2, 8)).astype("float32"), rng.normal(size=(2, 8)).astype("float32")]
print("output:", tuple(two_tower(pair).shape))
keras.utils.plot_model(
    two_tower, to_file=f"{tempfile.mkdtemp()}/two_tower.png",
    expand_nested=True, show_shapes=True, show_layer_names=True, dpi=60,
)

# %% [markdown]
# Its summary does open the sub-models. Its own layer `head` shows the shape of the batch it was
# called on, `(2, 1)`, not `(None, 1)`, and "Connected to" is gone: a subclassed model has no
# graph of calls to read them from.

# %%
two_tower.summary(expand_nested=True, line_length=90)

# %% [markdown]
# ## Parameters per branch
#
# Each top-level layer is a branch or a step between branches. Count the weights of each,
# trainable and not. A weight shared by two top-level layers would be counted twice, so the loop
# counts each weight once, for the first layer that holds it, and checks that the rows add up:

# %%
def size(weights) -> int:
    return sum(int(np.prod(weight.shape)) for weight in weights)


counted = set()
rows = []
for layer in model.layers:
    trainable = [w for w in layer.trainable_weights if id(w) not in counted]
    frozen = [w for w in layer.non_trainable_weights if id(w) not in counted]
    counted |= {id(w) for w in trainable + frozen}
    rows.append((layer.name, type(layer).__name__, size(trainable), size(frozen)))

print(f"{'branch':12} {'type':12} {'trainable':>9} {'frozen':>6} {'total':>5}")
for name, kind, trainable, frozen in rows:
    print(f"{name:12} {kind:12} {trainable:9d} {frozen:6d} {trainable + frozen:5d}")
total_trainable, total_frozen = sum(row[2] for row in rows), sum(row[3] for row in rows)
print(f"{'sum':25} {total_trainable:9d} {total_frozen:6d} {total_trainable + total_frozen:5d}")
print("matches the model:", (total_trainable, total_frozen, total_trainable + total_frozen)
      == (size(model.trainable_weights), size(model.non_trainable_weights), model.count_params()))

# %% [markdown]
# `encoder` is counted once although it runs twice: its 344 parameters serve both calls. The
# `frozen` column holds the whole frozen `encoder`, whose 32 batch-normalization statistics were
# never trainable anyway.
#
# Without the trainable split, `count_params()` of each top-level layer gives the same totals:

# %%
for layer in model.layers:
    print(f"{layer.name:12} {layer.count_params():4d} parameters")

# %% [markdown]
# Inside a branch, repeat on the sub-model: `fusion`'s parameters are all in `mixer`.

# %%
for layer in model.get_layer("fusion").layers:
    print(f"fusion/{layer.name:12} {layer.count_params():4d} parameters")

# %% [markdown]
# ### A subclassed branch you have not called yet
#
# A subclassed model creates its weights on its first call. Counting before that fails:

# %%
fresh = MetaNet(name="fresh_meta")
try:
    fresh.count_params()
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# `build(input_shape)` does not help here: `MetaNet` has no `build` method of its own, so Keras
# marks it built without creating a weight, warns, and the count is 0:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fresh.build((None, 3))
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print("after build():", fresh.count_params(), "parameters")

# %% [markdown]
# **Fix.** Call it once on a batch of the right shape (or give the class a `build` method that
# builds its layers):

# %%
fresh = MetaNet(name="fresh_meta")
fresh(np.zeros((1, 3), "float32"))
print("after a call:", fresh.count_params(), "parameters")

# %% [markdown]
# ### Branches that are not sub-models
#
# In a flat functional model a branch is a chain of layers, not one entry of `model.layers`. Make
# it a model of its own, from the branch's input to its last layer: the new model shares the
# layers, so its `count_params()` is the branch's size (more on cutting models in
# [sub-models](../extraction/01_submodels.md)).

# %%
image, table = keras.Input((8,), name="image"), keras.Input((4,), name="table")
image_end = layers.Dense(6, name="image_2")(layers.Dense(12, activation="relu", name="image_1")(image))
table_end = layers.Dense(6, name="table_1")(table)
flat = keras.Model([image, table], layers.Dense(1, name="out")(layers.Concatenate(name="join")([image_end, table_end])))
sizes = {}
for branch_input, branch_end in [("image", "image_2"), ("table", "table_1")]:
    branch = keras.Model(flat.get_layer(branch_input).output, flat.get_layer(branch_end).output)
    sizes[branch_input] = branch.count_params()
sizes["head (out)"] = flat.get_layer("out").count_params()
print(sizes, "| sum:", sum(sizes.values()), "| flat.count_params():", flat.count_params())

# %% [markdown]
# ## In short
#
# - `summary(expand_nested=True)` lists the layers of every nested model (functional,
#   `Sequential`, subclassed) under its row; not the sublayers of a custom `Layer`, unless it
#   keeps them in an attribute named `layers`. Nested rows have no connections, and the
#   "Param #" column counts a nested layer again in the row of every model around it.
# - `show_trainable` shows each layer's `trainable` flag, not which weights train; the totals at
#   the bottom split trainable and non-trainable correctly.
# - `layer_range` matches top-level names only: call `summary` on the sub-model instead.
# - `plot_model(expand_nested=True, show_layer_names=True)` opens functional and `Sequential`
#   sub-models (since Keras 3.10); a subclassed model stays one box, and a shared sub-model is
#   drawn once for all its calls.
# - Parameters per branch: `count_params()` or the trainable and non-trainable weights of each
#   top-level layer, each weight counted once; they add up to `model.count_params()`.
