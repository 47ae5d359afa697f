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
# # Fusing two branches beyond concatenation: a sigmoid gate and cross-attention
#
# After this page you can fuse two branches with a learned gate (`Multiply` and a sigmoid
# branch) or with cross-attention (`MultiHeadAttention`), read their shapes and parameter counts,
# and tell when either beats a plain `Concatenate`.

# %% [markdown]
# ## Short answer
#
# A gate lets one branch scale the other feature by feature:
#
# ```python
# signal = keras.Input(shape=(8,), name="signal")
# context = keras.Input(shape=(8,), name="context")
# gate = layers.Dense(8, activation="sigmoid", name="gate")(context)
# gated = layers.Multiply(name="gated")([signal, gate])
# ```
#
# Cross-attention lets each step of one sequence pick what it needs from the other, whose length
# may change from batch to batch:
#
# ```python
# text = keras.Input(shape=(6, 16), name="text")
# image_patches = keras.Input(shape=(None, 16), name="image_patches")
# cross_attention = layers.MultiHeadAttention(num_heads=2, key_dim=8, name="cross_attention")
# attended, scores = cross_attention(query=text, value=image_patches, return_attention_scores=True)
# ```
#
# Within one batch, samples with fewer patches are padded: pass `attention_mask` (shape: batch,
# text steps, patches; True where the patch is real), or give the patches a Keras mask (zero
# padding: `layers.Masking`), or the text attends to the padding too.
#
# On this page's made-up data the gate beats a concatenation with about 3.6 times its parameters
# when one input decides which part of the other matters, and loses when the inputs simply add
# up.

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
# ## 1. A sigmoid gate
#
# Two vector branches: `signal`, 8 features, and `context`, 8 features. A `Dense` layer with a
# sigmoid turns the context into 8 numbers between 0 and 1, one per signal feature; `Multiply`
# scales each signal feature by its number. A gate near 0 shuts a feature off, near 1 lets it
# through.

# %%
def gated_model() -> keras.Model:
    signal = keras.Input(shape=(8,), name="signal")
    context = keras.Input(shape=(8,), name="context")
    gate = layers.Dense(8, activation="sigmoid", name="gate")(context)
    gated = layers.Multiply(name="gated")([signal, gate])
    output = layers.Dense(1, name="output")(gated)
    return keras.Model([signal, context], output, name="gated_fusion")


gated = gated_model()
for name in ("gate", "gated", "output"):
    layer = gated.get_layer(name)
    print(f"{name:7} {type(layer).__name__:9} out {layer.output.shape}, {layer.count_params()} parameters")
print("total:", gated.count_params())

# %% [markdown]
# `Multiply` adds no parameter; the gate's `Dense` pays 8 x 8 + 8 = 72. The diagram shows the
# sigmoid branch feeding the product:

# %%
diagram = f"{tempfile.mkdtemp()}/gated_fusion.png"
keras.utils.plot_model(gated, to_file=diagram, show_shapes=True, show_layer_names=True, dpi=60)

# %% [markdown]
# `Multiply` needs shapes that broadcast, not equal ones: each axis must match or be 1. A
# single sigmoid number (`Dense(1)`) scales all 8 signal features at once; a gate of 4 for 8
# features fails:

# %%
signal_in = keras.Input(shape=(8,), name="signal")
one_number = layers.Dense(1, activation="sigmoid", name="scalar_gate")(keras.Input(shape=(8,), name="context"))
print("signal x scalar gate:", layers.Multiply(name="scaled")([signal_in, one_number]).shape)
try:
    layers.Multiply(name="mismatched")([signal_in, keras.Input(shape=(4,), name="four")])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# The concatenation to compare it with joins the two vectors and needs a hidden layer with a
# nonlinearity to combine them: a `Dense` layer right after `Concatenate` only adds a weighted
# signal to a weighted context.

# %%
def concatenated_model() -> keras.Model:
    signal = keras.Input(shape=(8,), name="signal")
    context = keras.Input(shape=(8,), name="context")
    joined = layers.Concatenate(name="joined")([signal, context])
    hidden = layers.Dense(16, activation="relu", name="hidden")(joined)
    output = layers.Dense(1, name="output")(hidden)
    return keras.Model([signal, context], output, name="concatenated")


concatenated = concatenated_model()
print("joined:", concatenated.get_layer("joined").output.shape)
print("total:", concatenated.count_params(), "parameters")

# %% [markdown]
# ## When the gate wins, and when it loses
#
# Two made-up tasks on the same inputs. `context` is one-hot: it names one of 8 slots.
#
# - **select**: the target is the signal feature that the context names. The context decides
#   *which part* of the signal matters: a product.
# - **add**: the target is the first signal feature plus a number that depends on the context
#   alone. The two inputs contribute *independently*: a sum.

# %%
rng = np.random.default_rng(0)
signal = rng.normal(size=(512, 8)).astype("float32")
slot = rng.integers(0, 8, size=512)
context = np.eye(8, dtype="float32")[slot]
offsets = rng.normal(size=8).astype("float32")
tasks = {
    "select": signal[np.arange(512), slot][:, None],
    "add": (signal[:, 0] + offsets[slot])[:, None],
}
print("signal:", signal.shape, "| context:", context.shape, "| targets:", tasks["select"].shape)

# %% [markdown]
# Each model trains for 10 short epochs on 384 samples; the error (mean squared) is measured on
# the 128 it never saw, and rounded so the page prints the same on any CPU.

# %%
held_out = {}
for task, target in tasks.items():
    for build in (gated_model, concatenated_model):
        keras.utils.set_random_seed(0)
        model = build()
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
        model.fit([signal[:384], context[:384]], target[:384], batch_size=32, epochs=10, verbose=0)
        held_out[task, model.name] = model.evaluate([signal[384:], context[384:]], target[384:], verbose=0)
        print(f"{task:6} {model.name:12} {model.count_params():3} parameters, error {held_out[task, model.name]:.2f}")

# %%
print("select: gate beats concatenation:", held_out["select", "gated_fusion"] < held_out["select", "concatenated"])
print("add: concatenation beats gate:", held_out["add", "concatenated"] < held_out["add", "gated_fusion"])
print("parameters, concatenated / gated:", round(concatenated.count_params() / gated.count_params(), 2))

# %% [markdown]
# **Reading it.** On *select* the gate does better than the concatenation with about 3.6 times
# its parameters (the ratio printed above): it multiplies, which is what the task is. The
# concatenation has to build a product out of 16 ReLU pieces. On *add* the gate fails: its
# output is a weighted sum of `signal * gate`, so the context can only scale the signal, never
# add to it. The concatenation learns the sum almost exactly.
#
# So use a gate when one branch should switch or weigh the other's features (a condition, a
# mask, a quality score); keep a concatenation when each branch brings evidence of its own.
#
# ## 2. Cross-attention between two sequence branches
#
# Now the branches are sequences: `text`, 6 steps of 16 features, and `image_patches`, any
# number of patches of 16 features (`None` steps). `MultiHeadAttention` called with
# `query=text, value=image_patches` gives every text step its own weighted mix of the patches.

# %%
text = keras.Input(shape=(6, 16), name="text")
image_patches = keras.Input(shape=(None, 16), name="image_patches")
cross_attention = layers.MultiHeadAttention(num_heads=2, key_dim=8, name="cross_attention")
attended, scores = cross_attention(query=text, value=image_patches, return_attention_scores=True)
print("text:", text.shape, "| patches:", image_patches.shape, "| attended:", attended.shape)
print("attention scores:", scores.shape)

# %% [markdown]
# The output has the query's shape: one 16-feature vector per text step, whatever the number of
# patches. The scores should hold, per head, a row per text step and a column per patch; their
# symbolic shape says 6 columns instead. Keras 3.15 computes that shape from the query's length
# alone, which is right for self-attention only. The real scores, further down, have a column
# per patch:

# %%
print("symbolic score columns == text steps:", scores.shape[-1] == text.shape[1])

# %% [markdown]
# The weights: a query, key and value projection (16 features to 2 heads of 8) and an output
# projection back to 16:

# %%
for weight in cross_attention.weights:
    print(f"{weight.path:40} {tuple(weight.shape)}")
print("parameters:", cross_attention.count_params())

# %% [markdown]
# None of these weight shapes mentions the number of patches, so the same model takes 10
# patches or 30. Each row of scores sums to 1: a text step shares its attention among the
# patches.

# %%
model = keras.Model([text, image_patches], [attended, scores], name="cross_attention_model")
for patches in (10, 30):
    batch = [rng.normal(size=(2, 6, 16)).astype("float32"), rng.normal(size=(2, patches, 16)).astype("float32")]
    out, weights = model.predict(batch, verbose=0)
    rows_sum_to_one = bool(np.allclose(weights.sum(axis=-1), 1.0, atol=1e-5))
    print(f"{patches} patches: attended {out.shape}, scores {weights.shape}, rows sum to 1: {rows_sum_to_one}")

# %% [markdown]
# ## Padded patches in one batch need a mask
#
# "Any number of patches" holds from one batch to the next. Within one batch every sample has
# the same number, so a sample with fewer patches is padded, here with zeros, and without a mask
# its text steps attend to the padding as to any patch. Two samples, the first with 10 patches,
# the second with 6 padded to 10; the second's output is compared with what it gives alone,
# unpadded:

# %%
words = rng.normal(size=(2, 6, 16)).astype("float32")
padded_patches = np.zeros((2, 10, 16), "float32")
padded_patches[0] = rng.normal(size=(10, 16))
padded_patches[1, :6] = rng.normal(size=(6, 16))
alone = keras.ops.convert_to_numpy(model([words[1:], padded_patches[1:, :6]])[0])
padded_out = keras.ops.convert_to_numpy(model([words, padded_patches])[0])
print("padded sample gives its unpadded output:", np.allclose(padded_out[1], alone[0], atol=1e-5))

# %% [markdown]
# `attention_mask` tells the layer which pairs may attend: shape (batch, text steps, patches),
# True where the patch is real. Give the model a third input for it:

# %%
attention_mask = keras.Input(shape=(6, None), dtype="bool", name="attention_mask")
masked_attended, masked_scores = cross_attention(
    query=text, value=image_patches, attention_mask=attention_mask, return_attention_scores=True
)
masked_model = keras.Model(
    [text, image_patches, attention_mask], [masked_attended, masked_scores], name="masked_cross_attention"
)
real = np.arange(10) < np.array([[10], [6]])  # (2, 10): True for each sample's real patches
mask = np.repeat(real[:, None, :], 6, axis=1)  # the same patches for every text step
out, weights = (keras.ops.convert_to_numpy(t) for t in masked_model([words, padded_patches, mask]))
print("mask:", mask.shape)
print("padded sample gives its unpadded output:", np.allclose(out[1], alone[0], atol=1e-5))
print("largest score on a padded patch:", float(weights[1, :, :, 6:].max()))
print("unpadded sample unchanged by the mask:", np.allclose(out[0], padded_out[0], atol=1e-5))

# %% [markdown]
# A Keras mask on the patches does the same without a third input. `layers.Masking` marks every
# patch whose features are all 0 (so a real all-zero patch would be masked too), and
# `MultiHeadAttention` reads the mask of `value` as its `value_mask`. The same `cross_attention`
# layer, so the same weights:

# %%
masked_patches = layers.Masking(mask_value=0.0, name="mask_padding")(image_patches)
keras_masked = keras.Model(
    [text, image_patches], cross_attention(query=text, value=masked_patches), name="keras_masked_cross_attention"
)
out = keras.ops.convert_to_numpy(keras_masked([words, padded_patches]))
print("with Masking, padded sample gives its unpadded output:", np.allclose(out[1], alone[0], atol=1e-5))

# %% [markdown]
# ## The concatenation it replaces, and its error
#
# Joining the two sequences feature by feature would give each text step one patch, and needs
# the same number of steps. With 6 text steps and 10 patches:

# %%
ten_patches = keras.Input(shape=(10, 16), name="ten_patches")
try:
    layers.Concatenate(name="joined_features")([text, ten_patches])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# **Reading it.** Axis 1 (steps) differs, 6 against 10, and only the join axis (features, the
# last) may. The usual ways out of a concatenation lose what cross-attention keeps. (Joining
# along the steps turns the rule around: both sides then need the same number of features, 16
# here; the last line below tries 8-feature patches.)

# %%
pooled = layers.Concatenate(name="joined_pooled")(
    [layers.GlobalAveragePooling1D(name="text_mean")(text),
     layers.GlobalAveragePooling1D(name="patch_mean")(ten_patches)]
)
steps = layers.Concatenate(axis=1, name="joined_steps")([text, ten_patches])
print("pooled, then joined:   ", pooled.shape)
print("joined along the steps:", steps.shape)
print("cross-attention:       ", cross_attention(query=text, value=ten_patches).shape)
narrow_patches = keras.Input(shape=(10, 8), name="narrow_patches")
try:
    layers.Concatenate(axis=1, name="joined_steps_narrow")([text, narrow_patches])
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown]
# - Pooling first gives one 32-feature vector per sample: which patch went with which word is
#   gone before the two meet.
# - Joining along the steps keeps everything, but nothing has mixed yet: a layer after it still
#   has to relate the 16 steps to each other (self-attention over the joined sequence is
#   the single-stream alternative to cross-attention).
# - Cross-attention keeps the text's 6 steps, and each step chooses among the patches. Its
#   1,088 parameters do not grow with the number of patches; its compute does, as
#   (text steps) x (patches).
#
# When cross-attention beats a concatenation is argued here from these shapes and parameter
# counts, not measured: when one branch must look up *which element* of the other matters, per
# sample, and when the other branch's length varies. When both branches already summarise to
# fixed vectors, a concatenation (or a gate) is simpler and cheaper.

# %% [markdown]
# ## In short
#
# - Gate: `Multiply()([signal, Dense(n, activation="sigmoid")(context)])`; `Multiply` needs
#   shapes that broadcast (equal, or 1 on an axis, so n = 1 scales every feature) and has no
#   parameters, the gate's `Dense` has n x (context features) + n.
# - A gate wins when one branch decides which features of the other matter (a product); it loses
#   when the branches add up independently, where a concatenation is right.
# - Cross-attention: `MultiHeadAttention(...)(query=a, value=b)` returns `a`'s shape; `b`'s
#   length may change from batch to batch, and the parameter count does not depend on it.
#   Within a batch, pad the shorter samples and pass `attention_mask` (True on real items) or
#   mask the padding (`layers.Masking` on `b`), or the padding is attended to.
# - `Concatenate` on features needs equal sequence lengths ("matching shapes except for the
#   concatenation axis"); pooling first loses which element went with which.
