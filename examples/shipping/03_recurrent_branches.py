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
# # Recurrent branches: `Bidirectional` states, `TimeDistributed` over two inputs, masks into an LSTM
#
# After this page you can unpack what a `Bidirectional` LSTM or GRU returns with
# `return_state=True` and start a decoder from it, run a sub-model that takes two inputs on every
# time step, and check that an LSTM still skips the padding after embedded branches are merged.

# %% [markdown]
# ## Short answer
#
# `Bidirectional(LSTM(units, return_state=True))` returns five tensors: the output, then the
# forward `h` and `c`, then the backward `h` and `c`, each state `(batch, units)`. A GRU (or a
# `SimpleRNN`) returns three: the output, forward `h`, backward `h`. Join the two directions' `h`
# and `c` to start a decoder of twice the units. Keras 3 does not check `initial_state` when you
# build the model: a state of the wrong size fails at the first `predict` or `fit`. Given an
# encoder input `source` and a decoder input `target`:
#
# ```python
# encoded, fwd_h, fwd_c, bwd_h, bwd_c = layers.Bidirectional(layers.LSTM(4, return_state=True), name="encoder")(source)
# state_h = layers.Concatenate(name="state_h")([fwd_h, bwd_h])
# state_c = layers.Concatenate(name="state_c")([fwd_c, bwd_c])
# decoded = layers.LSTM(8, return_sequences=True, name="decoder")(target, initial_state=[state_h, state_c])
# ```
#
# `TimeDistributed` takes one tensor, so it cannot run a sub-model with two inputs. Fold the time
# steps into the batch around the sub-model instead. Given a two-input model `step_model` and the
# sequences `images` `(batch, 4, 6)` and `metas` `(batch, 4, 2)`:
#
# ```python
# flat = step_model([ops.reshape(images, (-1, 6)), ops.reshape(metas, (-1, 2))])
# per_step = ops.reshape(flat, (-1, 4, flat.shape[-1]))
# ```
#
# Two `Embedding(mask_zero=True)` branches joined by `Concatenate` keep a mask, and the LSTM skips
# the padding. `Add` with a branch that has no mask drops the mask on Keras 3 (Keras 2 kept it), and
# the LSTM then reads the padded steps. Pass the mask yourself. Given the token input `tokens` and
# the merged sequence `added`:
#
# ```python
# lstm_out = layers.LSTM(3, name="lstm_explicit")(added, mask=ops.not_equal(tokens, 0))
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2. Two cells run the same code on it for readers whose error came from Keras
# 2. The `show` helper prints an error kind first. It drops the list of arguments Keras appends, and
# replaces TensorFlow's graph node names with `...` because they change from run to run.

# %%
import re

import keras
import numpy as np
import tf_keras
from keras import layers, ops

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}")


def show(err: Exception) -> None:
    """Print an error as `Kind: message`, without the arguments block or TensorFlow node names."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).split("\n\nArguments received")[0]
    text = re.sub(r"for '\{\{node .*' with", "for '{{node ...}}' with", text)
    print(f"{type(err).__name__}: {text}")


rng = np.random.default_rng(0)
source_data = rng.normal(size=(2, 6, 3)).astype("float32")
target_data = rng.normal(size=(2, 5, 2)).astype("float32")

# %% [markdown]
# ## What `Bidirectional(LSTM(..., return_state=True))` returns
#
# The encoder reads sequences of 6 steps with 3 features and has 4 units per direction:

# %%
source = keras.Input(shape=(6, 3), name="source")
target = keras.Input(shape=(5, 2), name="target")
returned = layers.Bidirectional(layers.LSTM(4, return_state=True), name="bi_lstm")(source)
print(type(returned).__name__, "of", len(returned))
for name, tensor in zip(["output", "forward h", "forward c", "backward h", "backward c"], returned, strict=True):
    print(f"  {name}: {tensor.shape}")

# %% [markdown]
# The output joins the two directions (`merge_mode="concat"`, the default), so it has 8 features;
# each state has the 4 units of one direction. The count changes with the wrapped layer and its
# settings:

# %%
settings = {
    "LSTM": (layers.LSTM(4, return_state=True), {}),
    "GRU": (layers.GRU(4, return_state=True), {}),
    "LSTM, return_sequences=True": (layers.LSTM(4, return_state=True, return_sequences=True), {}),
    "LSTM, merge_mode=None": (layers.LSTM(4, return_state=True), {"merge_mode": None}),
    "LSTM, merge_mode='mul'": (layers.LSTM(4, return_state=True), {"merge_mode": "mul"}),
    "SimpleRNN": (layers.SimpleRNN(4, return_state=True), {}),
}
for label, (rnn, options) in settings.items():
    shapes = [tensor.shape for tensor in layers.Bidirectional(rnn, **options)(source)]
    print(f"{label}: {len(shapes)} tensors {shapes}")

# %% [markdown]
# A GRU has no `c`: output, forward `h`, backward `h`. With `return_sequences=True` only the output
# changes, to one vector per step. With `merge_mode=None` the two directions' outputs come back
# separately, so there are six tensors. `merge_mode="mul"` (like `"sum"` and `"ave"`) keeps five,
# with an output as wide as one direction. A `SimpleRNN` returns three, as a GRU does.
#
# Where the states sit in the output: run both kinds on two samples. Without
# `return_sequences`, the output is exactly `[forward h, backward h]`. With it, the forward `h` is
# the first half of the **last** step, and the backward `h` the second half of the **first** step,
# because the backward LSTM ends at the start of the sequence:

# %%
last_only = layers.Bidirectional(layers.LSTM(4, return_state=True), name="last_only")
output, fwd_h, fwd_c, bwd_h, bwd_c = (ops.convert_to_numpy(t) for t in last_only(source_data))
print("output == [forward h, backward h]:", np.allclose(output, np.concatenate([fwd_h, bwd_h], axis=-1)))

every_step = layers.Bidirectional(layers.LSTM(4, return_state=True, return_sequences=True), name="every_step")
sequence, fwd_h, fwd_c, bwd_h, bwd_c = (ops.convert_to_numpy(t) for t in every_step(source_data))
print("forward h == output[:, -1, :4]:", np.allclose(fwd_h, sequence[:, -1, :4]))
print("backward h == output[:, 0, 4:]:", np.allclose(bwd_h, sequence[:, 0, 4:]))
print("backward h == output[:, -1, 4:]:", np.allclose(bwd_h, sequence[:, -1, 4:]))

# %% [markdown]
# ## Mistake 1: unpacking three values, as for a plain LSTM
#
# A plain `LSTM(return_state=True)` returns output, `h`, `c`. Code written for it breaks when
# the layer is wrapped in `Bidirectional`. If you also forgot `return_state=True`, the layer
# returns one tensor, and unpacking it fails differently:

# %%
try:
    encoded, state_h, state_c = layers.Bidirectional(layers.LSTM(4, return_state=True))(source)
except ValueError as err:
    show(err)
try:
    encoded, state_h, state_c = layers.Bidirectional(layers.LSTM(4))(source)
except NotImplementedError as err:
    show(err)

# %% [markdown]
# **Fix.** Unpack five names for an LSTM (three for a GRU), forward first. Join the two `h` and the
# two `c`, and give the decoder twice the units of one direction. This is the short answer's code:

# %%
encoded, fwd_h, fwd_c, bwd_h, bwd_c = layers.Bidirectional(layers.LSTM(4, return_state=True), name="encoder")(source)
state_h = layers.Concatenate(name="state_h")([fwd_h, bwd_h])
state_c = layers.Concatenate(name="state_c")([fwd_c, bwd_c])
decoded = layers.LSTM(8, return_sequences=True, name="decoder")(target, initial_state=[state_h, state_c])
seq2seq = keras.Model([source, target], decoded, name="seq2seq")
print("state_h:", state_h.shape, "| state_c:", state_c.shape, "| decoded:", decoded.shape)
print("predict:", seq2seq.predict([source_data, target_data], verbose=0).shape)

# %% [markdown]
# Without `return_sequences`, the output is `[forward h, backward h]` (shown above), so
# `state_h` and `encoded` hold the same numbers: `encoded` can serve as the decoder's `h`. The `c`
# states exist only among the returned states.
#
# ## Mistake 2: states of the wrong size in `initial_state`
#
# The decoder has 8 units, but it gets the forward states alone, 4 wide. Keras 3 builds the model
# without a word. The error comes at the first `predict` (or `fit`), from inside the decoder's
# cell:

# %%
wrong = layers.LSTM(8, return_sequences=True, name="decoder_unmerged")(target, initial_state=[fwd_h, fwd_c])
unmerged = keras.Model([source, target], wrong, name="unmerged")
print("built:", wrong.shape)
try:
    unmerged.predict([source_data, target_data], verbose=0)
except (ValueError, TypeError, RuntimeError) as err:  # the kind depends on the backend
    show(err)

# %% [markdown]
# The wording comes from the backend. The backend [compatibility matrix](../../backends.md) records
# the other two:
#
# ```text
# JAX:     TypeError: Exception encountered when calling LSTMCell.call().
#          dot_general requires contracting dimensions to have the same shape, got (4,) and (8,).
# PyTorch: RuntimeError: Exception encountered when calling LSTM.call().
#          mat1 and mat2 shapes cannot be multiplied (2x4 and 8x32)
# ```
#
# On JAX, a failed `predict` also leaves the variables of that model's layers empty (Keras 3.15.1).
# The encoder is shared with `seq2seq`, the working model from above, and on JAX that model now
# fails with `TypeError: 'NoneType' object is not callable`. On TensorFlow and PyTorch it still
# runs. After such an error on JAX, build the fixed model from new layers:

# %%
try:
    print("seq2seq after the failure:", seq2seq.predict([source_data, target_data], verbose=0).shape)
except TypeError as err:
    show(err)

# %% [markdown]
# Keras 2 checked the states when you called the layer, before any data. That is the
# message in most older threads:

# %%
source_k2 = tf_keras.Input(shape=(6, 3), name="source")
target_k2 = tf_keras.Input(shape=(5, 2), name="target")
_, fwd_h_k2, fwd_c_k2, _, _ = tf_keras.layers.Bidirectional(tf_keras.layers.LSTM(4, return_state=True))(source_k2)
try:
    tf_keras.layers.LSTM(8)(target_k2, initial_state=[fwd_h_k2, fwd_c_k2])
except ValueError as err:
    print(f"[Keras 2] ValueError: {err}")

# %% [markdown]
# Two variants of the same mistake:
#
# - All four states passed to a decoder of 4 units. On a CPU it fails at the first call on
#   TensorFlow, and on JAX (`scan body function carry input and carry output must have the same
#   pytree structure`). PyTorch runs it with **no error**: its LSTM reads the first two states only.
# - The sequence output of a `return_sequences=True` encoder passed as the state. One tensor for
#   an LSTM's two states gives an `IndexError` on every backend.

# %%
_, *all_four = layers.Bidirectional(layers.LSTM(4, return_state=True), name="encoder_four")(source)
four_states = layers.LSTM(4, name="decoder_four")(target, initial_state=all_four)
sequence_out, *_ = layers.Bidirectional(
    layers.LSTM(4, return_state=True, return_sequences=True), name="encoder_sequence"
)(source)
as_state = layers.LSTM(8, name="decoder_sequence")(target, initial_state=[sequence_out])
for label, output in [("four states", four_states), ("sequence output as the state", as_state)]:
    print(f"{label}:")
    try:
        result = keras.Model([source, target], output).predict([source_data, target_data], verbose=0)
        print(f"  ran, output {result.shape}")
    except (ValueError, TypeError, IndexError) as err:
        show(err)

# %% [markdown]
# ## The same with a GRU
#
# One state per direction: join the two `h` and start a GRU of twice the units.

# %%
gru_encoded, gru_fwd_h, gru_bwd_h = layers.Bidirectional(layers.GRU(4, return_state=True), name="gru_encoder")(source)
gru_state = layers.Concatenate(name="gru_state")([gru_fwd_h, gru_bwd_h])
gru_decoded = layers.GRU(8, return_sequences=True, name="gru_decoder")(target, initial_state=gru_state)
gru_seq2seq = keras.Model([source, target], gru_decoded, name="gru_seq2seq")
print("state:", gru_state.shape, "| predict:", gru_seq2seq.predict([source_data, target_data], verbose=0).shape)

# %% [markdown]
# ## `TimeDistributed` over a sub-model with two inputs
#
# `step_model` scores one frame from an image vector (6 numbers) and its metadata (2 numbers). You
# want to score each of 4 frames per sample. For the checks below, `expected` holds `step_model`
# applied to each frame, one at a time:

# %%
image = keras.Input(shape=(6,), name="image")
meta = keras.Input(shape=(2,), name="meta")
image_features = layers.Dense(4, activation="relu", name="image_dense")(image)
score = layers.Dense(3, name="score")(layers.Concatenate(name="image_and_meta")([image_features, meta]))
step_model = keras.Model([image, meta], score, name="step_model")

images = keras.Input(shape=(4, 6), name="images")
metas = keras.Input(shape=(4, 2), name="metas")
images_data = rng.normal(size=(2, 4, 6)).astype("float32")
metas_data = rng.normal(size=(2, 4, 2)).astype("float32")
expected = np.stack(
    [ops.convert_to_numpy(step_model([images_data[:, t], metas_data[:, t]])) for t in range(4)], axis=1
)
print("step_model:", [t.shape for t in step_model.inputs], "->", step_model.output.shape)
print("expected:", expected.shape)

# %% [markdown]
# ## Mistake 3: a list of two sequences into `TimeDistributed`
#
# `TimeDistributed` checks one input shape. Handed a list, it treats the list of two shapes as the
# shape, and a "shape" of length 2 has fewer than 3 dimensions:

# %%
try:
    layers.TimeDistributed(step_model, name="per_frame")([images, metas])
except ValueError as err:
    show(err)

# %% [markdown]
# Its docstring on 3.15.1 (and on keras-nightly 3.16.0.dev2026102704) speaks of "nested tensors",
# but the code takes one tensor. The variants fail in other ways. Passing the two sequences as two
# arguments puts the second one into `training`. Three inputs give a list of three shapes, which
# passes the length check, and then the whole `(None, 4, 6)` sequence reaches the sub-model:

# %%
try:
    layers.TimeDistributed(step_model)(images, metas)
except TypeError as err:
    show(err)
frame_ids = keras.Input(shape=(4, 1), name="frame_ids")
try:
    layers.TimeDistributed(step_model)([images, metas, frame_ids])
except ValueError as err:
    show(err)

# %% [markdown]
# ### Fix A: fold the time steps into the batch
#
# Reshape each `(batch, 4, n)` sequence to `(batch * 4, n)`, call the sub-model once, then reshape
# its output back to `(batch, 4, 3)`. `keras.ops` calls on model inputs become layers of the model,
# and the weights are `step_model`'s own. This needs a fixed number of steps (the 4 in the last
# reshape):

# %%
flat = step_model([ops.reshape(images, (-1, 6)), ops.reshape(metas, (-1, 2))])
per_step = ops.reshape(flat, (-1, 4, flat.shape[-1]))
folded = keras.Model([images, metas], per_step, name="folded")
result = ops.convert_to_numpy(folded([images_data, metas_data]))
print("output:", per_step.shape, "| same as step by step:", np.allclose(result, expected, atol=1e-6))
print("weights:", folded.count_params(), "== step_model's", step_model.count_params())

# %% [markdown]
# ### Fix B: pack the two inputs into one tensor and split inside
#
# Join the sequences on the feature axis, and wrap `step_model` in a one-input model that slices
# the 8 features back into 6 and 2. `TimeDistributed` takes that model, and the number of steps
# may stay `None`. The inputs may differ in dtype: `Concatenate` turns int32 token ids packed with
# float features into float32, and an `Embedding` inside the sub-model casts the sliced ids back
# (tried on the three backends with one id and two float features per step).

# %%
packed_frame = keras.Input(shape=(8,), name="packed_frame")
unpacking = keras.Model(packed_frame, step_model([packed_frame[:, :6], packed_frame[:, 6:]]), name="unpacking")
packed = layers.Concatenate(name="pack")([images, metas])
per_frame = layers.TimeDistributed(unpacking, name="per_frame")(packed)
packed_model = keras.Model([images, metas], per_frame, name="packed")
result = ops.convert_to_numpy(packed_model([images_data, metas_data]))
print("output:", per_frame.shape, "| same as step by step:", np.allclose(result, expected, atol=1e-6))
any_images, any_metas = keras.Input(shape=(None, 6)), keras.Input(shape=(None, 2))
any_length = layers.TimeDistributed(unpacking)(layers.Concatenate()([any_images, any_metas]))
print("with any number of steps:", any_length.shape)

# %% [markdown]
# A model with one input inside `TimeDistributed` works on 3.15.1, a `Sequential` too. With
# TensorFlow 2.16.1 a nested `Sequential` there raised `NotImplementedError: ... Layer Sequential
# should implement def compute_output_shape(self, input_shape)`
# ([keras-team/keras#19792](https://github.com/keras-team/keras/issues/19792)):

# %%
frame_scorer = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3)], name="frame_scorer")
print("Sequential inside TimeDistributed:", layers.TimeDistributed(frame_scorer)(packed).shape)

# %% [markdown]
# ### Fix C: a layer that calls the sub-model on each step
#
# A small custom layer loops over the steps and stacks the results. It also needs a fixed number
# of steps, and it builds one call per step, so keep it for short sequences:

# %%
class EachStep(layers.Layer):
    """Calls a model that takes a list of inputs on each time step of a list of sequences."""

    def __init__(self, step_model: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.step_model = step_model

    def call(self, sequences):
        steps = sequences[0].shape[1]
        return ops.stack([self.step_model([s[:, t] for s in sequences]) for t in range(steps)], axis=1)


each_step = EachStep(step_model, name="each_step")([images, metas])
looped = keras.Model([images, metas], each_step, name="looped")
result = ops.convert_to_numpy(looped([images_data, metas_data]))
print("output:", each_step.shape, "| same as step by step:", np.allclose(result, expected, atol=1e-6))
print("weights:", looped.count_params())

# %% [markdown]
# All three give the per-step result with `step_model`'s 49 weights, on TensorFlow, JAX and
# PyTorch.
#
# ## Masks: embedded branches merged before an LSTM
#
# [Padding masks through `Concatenate`](../concatenate/07_masks.md) shows which mask a join
# produces. Here the question is whether the LSTM downstream skips the padded steps. The test:
# the LSTM's final output must be the same for a sequence padded to 5 steps and the same sequence
# padded to 8. Two aligned token sequences (a word and its tag at each step), each embedded with
# `mask_zero=True`, joined on features:

# %%
tokens = keras.Input(shape=(None,), dtype="int32", name="tokens")
tags = keras.Input(shape=(None,), dtype="int32", name="tags")
embedded = layers.Embedding(20, 4, mask_zero=True, name="embed_tokens")(tokens)
embedded_tags = layers.Embedding(8, 2, mask_zero=True, name="embed_tags")(tags)
joined = layers.Concatenate(name="tokens_and_tags")([embedded, embedded_tags])
print("mask on the joined sequence:", getattr(joined, "_keras_mask", None) is not None)
joined_lstm = keras.Model([tokens, tags], layers.LSTM(3, name="lstm_joined")(joined), name="joined_lstm")

token_data = np.array([[5, 2, 7, 0, 0]])
tag_data = np.array([[1, 3, 2, 0, 0]])


def pad(batch: np.ndarray, extra: int = 3) -> np.ndarray:
    """The same sequences with `extra` more padded steps at the end."""
    return np.pad(batch, [(0, 0), (0, extra)] + [(0, 0)] * (batch.ndim - 2))


short = ops.convert_to_numpy(joined_lstm([token_data, tag_data]))
longer = ops.convert_to_numpy(joined_lstm([pad(token_data), pad(tag_data)]))
print("same final output with 3 more padded steps:", np.allclose(short, longer, atol=1e-6))

# %% [markdown]
# The mask survives the join, and the LSTM skips the padding. A `Bidirectional` LSTM does too, in
# both directions: all five tensors it returns stay the same with more padding at the end, and
# with the padding moved to the front:

# %%
bi_states = keras.Model(tokens, layers.Bidirectional(layers.LSTM(3, return_state=True), name="bi")(embedded))
plain = [ops.convert_to_numpy(t) for t in bi_states(token_data[:, :3])]
padded_end = [ops.convert_to_numpy(t) for t in bi_states(pad(token_data))]
padded_front = [ops.convert_to_numpy(t) for t in bi_states(np.array([[0, 0, 0, 5, 2, 7]]))]
print("padding at the end:  ", [bool(np.allclose(a, b, atol=1e-6)) for a, b in zip(plain, padded_end, strict=True)])
print("padding at the front:", [bool(np.allclose(a, b, atol=1e-6)) for a, b in zip(plain, padded_front, strict=True)])

# %% [markdown]
# ## Mistake 4: adding a branch that has no mask
#
# A numeric sequence (2 numbers per step, zeros on padded steps) is projected to 4 features and
# added to the token embeddings. `Add` keeps a mask only when **every** input has one. The numeric
# branch has none, so the sum has none, and the LSTM reads the padded steps:

# %%
numbers = keras.Input(shape=(None, 2), name="numbers")
projected = layers.Dense(4, name="project_numbers")(numbers)
added = layers.Add(name="tokens_plus_numbers")([embedded, projected])
print("mask on the sum:", getattr(added, "_keras_mask", None))
added_lstm = keras.Model([tokens, numbers], layers.LSTM(3, name="lstm_added")(added), name="added_lstm")

number_data = np.zeros((1, 5, 2), dtype="float32")
number_data[0, :3] = [[0.5, 1.0], [1.5, -1.0], [0.2, 0.3]]
short = ops.convert_to_numpy(added_lstm([token_data, number_data]))
longer = ops.convert_to_numpy(added_lstm([pad(token_data), pad(number_data)]))
print("same final output with 3 more padded steps:", np.allclose(short, longer, atol=1e-6))

# %% [markdown]
# Keras 2 did otherwise: its `Add` (and `Multiply`, `Average`, ...) kept the masks of the inputs
# that had one, and of two masks kept only the steps real in both. Keras 3 keeps a step real in
# either. Code moved from Keras 2 loses the mask here without an error. `compute_mask` shows both,
# for the 3-token sequence and one with 2 tokens:

# %%
two_tokens = np.array([[4, 9, 0, 0, 0]])
for label, lib in [("Keras 3", keras.layers), ("Keras 2", tf_keras.layers)]:
    embed = lib.Embedding(20, 4, mask_zero=True)
    vectors, mask = embed(token_data), embed.compute_mask(token_data)
    unmasked = lib.Add().compute_mask([vectors, np.ones((1, 5, 4), "float32")], [mask, None])
    two_masks = lib.Add().compute_mask([vectors, embed(two_tokens)], [mask, embed.compute_mask(two_tokens)])
    print(f"{label}: Add(masked, unmasked): {None if unmasked is None else np.asarray(unmasked).astype(int)}")
    print(f"{label}: Add(masked, masked):   {np.asarray(two_masks).astype(int)}")

# %% [markdown]
# With `Concatenate` instead of `Add`, the padding is lost too: the unmasked input counts as
# real at every step (shown on the [masks page](../concatenate/07_masks.md)).
#
# **Fix 1.** Pass the mask to the LSTM yourself. `ops.not_equal(tokens, 0)` is the mask the
# embedding makes, and an explicit `mask=` takes precedence over whatever the merge left:

# %%
lstm_out = layers.LSTM(3, name="lstm_explicit")(added, mask=ops.not_equal(tokens, 0))
explicit = keras.Model([tokens, numbers], lstm_out, name="explicit_mask")
short = ops.convert_to_numpy(explicit([token_data, number_data]))
longer = ops.convert_to_numpy(explicit([pad(token_data), pad(number_data)]))
print("same final output with 3 more padded steps:", np.allclose(short, longer, atol=1e-6))

# %% [markdown]
# **Fix 2.** If the numeric branch is zero exactly on the padded steps, give it a mask of its own
# with `layers.Masking`. `Dense` passes the mask on, and `Add` of two masked inputs keeps a step if
# either mask keeps it:

# %%
masked_numbers = layers.Masking(mask_value=0.0, name="mask_numbers")(numbers)
added_masked = layers.Add(name="tokens_plus_masked")([embedded, layers.Dense(4, name="project_masked")(masked_numbers)])
print("mask on the sum:", getattr(added_masked, "_keras_mask", None) is not None)
both_masked = keras.Model([tokens, numbers], layers.LSTM(3, name="lstm_both")(added_masked), name="both_masked")
short = ops.convert_to_numpy(both_masked([token_data, number_data]))
longer = ops.convert_to_numpy(both_masked([pad(token_data), pad(number_data)]))
print("same final output with 3 more padded steps:", np.allclose(short, longer, atol=1e-6))

# %% [markdown]
# Fix 1 is also the fix when a branch is a model of its own. An `Embedding` inside a nested
# `Sequential` (or functional sub-model) leaves no mask on the branch's output when you build the
# outer model ([keras-team/keras#18417](https://github.com/keras-team/keras/issues/18417)). On
# Keras 3.15.1 `Concatenate` then counts that branch as real at every step, and the LSTM reads the
# padding. keras-nightly 3.16.0.dev2026102704 also prints `False` for the mask, but there the
# inherited line prints `True`:

# %%
token_branch = keras.Sequential(
    [keras.Input(shape=(None,), dtype="int32"), layers.Embedding(20, 4, mask_zero=True)], name="token_branch"
)
branch_out = token_branch(tokens)
print("mask on the nested branch's output:", getattr(branch_out, "_keras_mask", None) is not None)
nested_joined = layers.Concatenate(name="nested_and_tags")([branch_out, embedded_tags])
nested_lstms = {
    "inherited mask": layers.LSTM(3, name="lstm_nested")(nested_joined),
    "explicit mask ": layers.LSTM(3, name="lstm_nested_explicit")(nested_joined, mask=ops.not_equal(tokens, 0)),
}
for label, output in nested_lstms.items():
    nested_model = keras.Model([tokens, tags], output)
    short = ops.convert_to_numpy(nested_model([token_data, tag_data]))
    longer = ops.convert_to_numpy(nested_model([pad(token_data), pad(tag_data)]))
    print(f"{label}: same final output with 3 more padded steps:", np.allclose(short, longer, atol=1e-6))

# %% [markdown]
# ## Stacked recurrent layers, and the next release
#
# On 3.15.1 a `return_sequences=True` layer passes the mask on, so a second LSTM on top skips the
# padding too. keras-nightly 3.16.0.dev2026102704 stops that: RNN layers, `Bidirectional` and
# `TimeDistributed` no longer pass a mask downstream
# ([keras-team/keras#23235](https://github.com/keras-team/keras/pull/23235)). There each of them
# warns "was passed an input with a mask attached to it. However, this layer does not support
# masking and will therefore destroy the mask information", and the top LSTM reads the padding
# (its final output changes with 3 more padded steps). The LSTM that receives the mask still
# uses it. An explicit `mask=` on the top layer works on both versions:

# %%
lower = layers.Bidirectional(layers.LSTM(3, return_sequences=True), name="lower")(embedded)
upper_inherited = layers.LSTM(3, name="upper_inherited")(lower)
upper_explicit = layers.LSTM(3, name="upper_explicit")(lower, mask=ops.not_equal(tokens, 0))
stacked = keras.Model(tokens, [upper_inherited, upper_explicit], name="stacked")
short = [ops.convert_to_numpy(t) for t in stacked(token_data)]
longer = [ops.convert_to_numpy(t) for t in stacked(pad(token_data))]
print("mask passed on by the lower layer:", getattr(lower, "_keras_mask", None) is not None)
for name, a, b in zip(["inherited mask", "explicit mask "], short, longer, strict=True):
    print(f"{name}: same final output with 3 more padded steps:", np.allclose(a, b, atol=1e-6))

# %% [markdown]
# ## TensorFlow, JAX, PyTorch, and cuDNN
#
# Every `True`/`False` line on this page prints the same on the three backends (the
# [backend matrix](../../backends.md) records them). On a CPU no backend uses cuDNN. A masked LSTM
# runs Keras's generic step loop on all three. An unmasked one runs that loop on TensorFlow and
# JAX, and a PyTorch-only loop on PyTorch (which is why the four-state mistake above passes
# there). On a GPU, the Keras 3.15.1 source
# ([tensorflow/rnn.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/tensorflow/rnn.py),
# [jax/rnn.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/jax/rnn.py),
# [torch/rnn.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/torch/rnn.py))
# does the following (not run on this page, which runs on a CPU):
#
# - TensorFlow sends a masked LSTM or GRU to cuDNN, which takes only masks padded at the end. For
#   any other mask (padding at the front, padding in the middle as after joining two sequences on
#   the time axis, or a sequence with no real step) it asserts: "You are passing a RNN mask that
#   does not correspond to right-padded sequences, while using cuDNN, which is not supported. ...
#   You can pass `use_cudnn=False` to your RNN layer to stop using cuDNN (this may be slower)."
#   Older TensorFlow releases failed on fully padded sequences with `CUDNN_STATUS_BAD_PARAM`
#   ([tensorflow/tensorflow#43103](https://github.com/tensorflow/tensorflow/issues/43103)).
# - JAX and PyTorch never send a masked input to cuDNN: their cuDNN paths refuse a mask, and the
#   layer falls back to the step loop used here. The front padding shown above works there on a
#   GPU too.
# - An unmasked LSTM hands only the first two states to these cuDNN paths, as to PyTorch's loop,
#   so on a GPU the four-state mistake above can pass without an error on TensorFlow and JAX too.

# %% [markdown]
# ## In short
#
# - `Bidirectional(LSTM(u, return_state=True))` returns output, forward `h`, forward `c`, backward
#   `h`, backward `c`, each state `(batch, u)`. A GRU returns output, forward `h`, backward `h`.
#   Join the `h` and the `c` to start a decoder of `2 * u` units.
# - Keras 3 checks `initial_state` only when the model runs: wrong sizes fail at the first
#   `predict`/`fit`, with a backend's own message. On PyTorch, extra states are ignored without
#   an error.
# - `TimeDistributed` takes one tensor. For a sub-model with two inputs, fold time into the batch
#   with `ops.reshape`, pack the inputs into one tensor and slice inside, or loop over the steps in
#   a small layer.
# - A mask survives `Concatenate` of masked branches, and LSTMs (`Bidirectional` too, with padding
#   at either end) skip the padding. `Add` with an unmasked branch drops the mask on Keras 3, and
#   on 3.15.1 so does joining a branch that is a nested model. Pass `mask=ops.not_equal(tokens, 0)`
#   to the LSTM, which also covers stacked LSTMs on the next release.
