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
# # Padding masks through `Concatenate`
#
# After this page you can tell what mask comes out of a join of padded sequences, on the
# feature axis and on the time axis, spot the join that silently drops the padding, and fix it.

# %% [markdown]
# ## Short answer
#
# Joined on features, a step stays real if **any** input's mask keeps it, and an input without
# a mask counts as real everywhere. So reduce each masked sequence with a layer that uses its
# mask, then join the vectors. Given a masked sequence `embedded` (from an `Embedding` with
# `mask_zero=True`) and an unmasked sequence `in_numbers` of the same length:
#
# ```python
# average_numbers = layers.GlobalAveragePooling1D(name="average_numbers")(in_numbers)
# average_a = layers.GlobalAveragePooling1D(name="average_a")(embedded)
# vector_join = layers.Concatenate(name="join_vectors")([average_a, average_numbers])
# ```
#
# Not every layer uses a mask: `GlobalMaxPooling1D` does not.

# %% [markdown]
# ## Setup

# %%
import warnings

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")

# %% [markdown]
# ## Two padded sequences
#
# Token 0 is padding. Sequence A has 3 real tokens, sequence B has 2; both are padded to 5
# steps. An `Embedding` with `mask_zero=True` marks every non-zero token as real.

# %%
tokens_a = np.array([[3, 1, 4, 0, 0]])
tokens_b = np.array([[2, 7, 0, 0, 0]])
embed_a = layers.Embedding(10, 3, mask_zero=True, name="embed_a")
embed_b = layers.Embedding(10, 3, mask_zero=True, name="embed_b")
a, b = embed_a(tokens_a), embed_b(tokens_b)
mask_a, mask_b = embed_a.compute_mask(tokens_a), embed_b.compute_mask(tokens_b)
print("a:", a.shape, "mask:", keras.ops.convert_to_numpy(mask_a))
print("b:", b.shape, "mask:", keras.ops.convert_to_numpy(mask_b))

# %% [markdown]
# ## Joined on features: a step is real if it is real in either
#
# Joining on the last axis puts A's and B's vectors for the same step side by side. The mask
# `Concatenate` passes on keeps a step when **any** input marks it real:

# %%
join_features = layers.Concatenate(axis=-1, name="join_features")
joined = join_features([a, b])
mask = join_features.compute_mask([a, b], [mask_a, mask_b])
print("joined:", joined.shape)
print("mask:  ", keras.ops.convert_to_numpy(mask))

# %% [markdown]
# Step 3 (index 2) is kept: it is real in A, padding in B. So layers downstream see B's padding
# vector there as if it were data. That is right when the two sequences are aligned step by
# step (the same tokens, described two ways); it is wrong for unrelated sequences.
#
# ## Joined on time: the masks are joined too

# %%
join_time = layers.Concatenate(axis=1, name="join_time")
joined_time = join_time([a, b])
mask_time = join_time.compute_mask([a, b], [mask_a, mask_b])
print("joined:", joined_time.shape)
print("mask:  ", keras.ops.convert_to_numpy(mask_time))

# %% [markdown]
# 10 steps, and each half keeps its own input's mask. Padding now sits in the middle of the
# sequence; layers that use the mask, such as `GlobalAveragePooling1D` and `LSTM`, skip it
# (shown below). Not every layer does.
#
# ## The trap: a partner without a mask
#
# Join a masked sequence with one that has no mask, say numeric features per step, and
# `Concatenate` treats the unmasked input as real everywhere. On the feature axis the "any" rule
# then keeps **every** step: the padding is gone from the mask, with no warning.

# %%
numbers = np.ones((1, 5, 2), dtype="float32")
mask_lost = join_features.compute_mask([a, numbers], [mask_a, None])
print("mask:", keras.ops.convert_to_numpy(mask_lost))

# %% [markdown]
# ## What downstream layers do with it
#
# `GlobalAveragePooling1D` averages only over the steps the mask keeps. In a model, check it
# against averages computed by hand: over A's 3 real steps, and over all 5.

# %%
in_a = keras.Input(shape=(5,), dtype="int32", name="tokens_a")
in_numbers = keras.Input(shape=(5, 2), name="numbers")
embedded = embed_a(in_a)
average_a = layers.GlobalAveragePooling1D(name="average_a")(embedded)
mixed = layers.Concatenate(name="join_with_numbers")([embedded, in_numbers])
average_mixed = layers.GlobalAveragePooling1D(name="average_mixed")(mixed)
model = keras.Model([in_a, in_numbers], [average_a, average_mixed])

got_a, got_mixed = model.predict([tokens_a, numbers], verbose=0)
vectors = keras.ops.convert_to_numpy(a)[0]
print("masked average = mean of 3 real steps:", np.allclose(got_a[0], vectors[:3].mean(axis=0)))
print("after the join = mean of all 5 steps: ", np.allclose(got_mixed[0, :3], vectors.mean(axis=0)))

# %% [markdown]
# After joining with the unmasked input, the average includes the two padding steps.
#
# ## Not every layer uses the mask
#
# A mask only helps if the next layer reads it. `GlobalMaxPooling1D` does not: it warns, drops
# the mask, and takes the maximum over the padding steps too. To make that visible, give the
# embedding fixed values: negative for real tokens, zeros for the padding token 0, so a maximum
# that includes padding is 0. An `LSTM` on the same sequence does use the mask: its output
# equals an `LSTM` run on the 3 real steps alone.

# %%
table = -np.arange(1, 31, dtype="float32").reshape(10, 3)
table[0] = 0.0  # the padding token's vector
fixed_embed = layers.Embedding(10, 3, mask_zero=True, name="fixed_embed")
in_tokens = keras.Input(shape=(5,), dtype="int32", name="tokens")
sequence = fixed_embed(in_tokens)
fixed_embed.set_weights([table])
lstm = layers.LSTM(2, name="lstm")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    max_pooled = layers.GlobalMaxPooling1D(name="max_pool")(sequence)
    pool_model = keras.Model(in_tokens, [max_pooled, lstm(sequence)], name="max_and_lstm")
    got_max, got_lstm = pool_model.predict(tokens_a, verbose=0)
for message in sorted({str(w.message) for w in caught if "max_pool" in str(w.message)}):
    print("UserWarning:", message)

steps = table[tokens_a[0]]
print("step vectors:")
print(steps)
print("max over the 3 real steps:", np.array_equal(got_max[0], steps[:3].max(axis=0)))
print("max over all 5 steps:     ", np.array_equal(got_max[0], steps.max(axis=0)))
alone = keras.ops.convert_to_numpy(lstm(steps[None, :3]))
print("LSTM output = LSTM on the 3 real steps:", np.allclose(got_lstm, alone))

# %% [markdown]
# So check the layer you rely on: `GlobalAveragePooling1D` (used below) and recurrent layers
# use the mask; `GlobalMaxPooling1D` warns and ignores it.
#
# ## The fix: reduce each branch with its own mask, then join
#
# Pool (or run a recurrent layer over) each sequence while it still carries its mask, then join
# the resulting vectors.

# %%
average_numbers = layers.GlobalAveragePooling1D(name="average_numbers")(in_numbers)
vector_join = layers.Concatenate(name="join_vectors")([average_a, average_numbers])
fixed = keras.Model([in_a, in_numbers], vector_join)
result = fixed.predict([tokens_a, numbers], verbose=0)
print("joined vectors:", result.shape)
print("A's part is the masked average:", np.allclose(result[0, :3], vectors[:3].mean(axis=0)))

# %% [markdown]
# If the unmasked partner shares the padding, give it a mask of its own: `layers.Masking` marks
# a step as padding when **all** its values equal `mask_value` (the second step below has one
# zero and stays real):

# %%
padded_numbers = np.array([[[1.0, 2.0], [3.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]], dtype="float32")
masking = layers.Masking(mask_value=0.0, name="mask_numbers")
print("mask:", keras.ops.convert_to_numpy(masking.compute_mask(padded_numbers)))

# %% [markdown]
# ## In short
#
# - On the feature axis, `Concatenate` keeps a step if **any** input's mask keeps it.
# - On the time axis, the masks are joined in the same order as the sequences.
# - An input without a mask counts as all real: joined on features, it erases the padding mask.
# - Reduce each masked sequence on its own (pooling, RNN) and join the vectors, or give every
#   input a mask (`layers.Masking`).
# - Only layers that use the mask help: `GlobalAveragePooling1D` and `LSTM` do,
#   `GlobalMaxPooling1D` warns and counts the padding.
