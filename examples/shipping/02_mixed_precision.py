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
# # Mixed precision across a merge: the dtype out of `Concatenate`, `Add` and each head
#
# After this page you can turn on mixed precision in a model with several branches and heads,
# say which dtype comes out of each merge and each output, keep the outputs in float32, and fix
# the dtype errors that raw TensorFlow ops raise where a float16 branch meets a float32 one.

# %% [markdown]
# ## Short answer
#
# Keras 3 merge layers do not raise on mixed dtypes. `Concatenate`, `Add`, `Average` and the
# other merge layers cast every float input to their own compute dtype, so under
# `"mixed_float16"` a float32 branch meeting a float16 one comes out **float16**.
# `keras.ops.concatenate` and `keras.ops.add` promote instead, to **float32**, and so does `+`
# between Keras tensors in a functional model. The dtype errors readers paste come from raw
# TensorFlow ops on a float16 and a float32 tensor: `tf.concat` inside a layer (`TypeError:
# Tensors in list passed to 'values' of 'ConcatV2' Op have types [float16, float32] that don't
# all match`, or, run eagerly, `cannot compute ConcatV2 as input #1(zero-based) was expected to
# be a half tensor but is a float tensor`), and `a + b` in a Keras 2 functional model or, on
# the TensorFlow backend, inside a Keras 3 layer's `call`, where `+` between two TensorFlow
# tensors is TensorFlow's own (`Input 'y' of 'AddV2' Op has type float32 that does not match
# type float16 of argument 'x'`). Use a merge layer or `keras.ops` instead.
#
# Turn it on before building the model, and end each head with a float32 layer, after its last
# merge (a merge after it casts back to float16):
#
# ```python
# keras.mixed_precision.set_dtype_policy("mixed_float16")
# image, table = keras.Input((8,), name="image"), keras.Input((4,), name="table")
# joined = layers.Concatenate(name="joined")([layers.Dense(16, name="image_branch")(image), table])
# kind = layers.Activation("softmax", dtype="float32", name="kind")(layers.Dense(3, name="kind_logits")(joined))
# print(f"joined: {joined.dtype}, kind: {kind.dtype}")
# ```
#
# The policy is global: every layer created afterwards in the process takes it, until you set it
# back:
#
# ```python
# keras.mixed_precision.set_dtype_policy("float32")
# ```

# %% [markdown]
# ## Setup
#
# `tf_keras` is Keras 2, for the errors its users paste; names ending in `_k2` are Keras 2
# objects. It always runs on TensorFlow, whatever Keras 3's backend. `message` keeps a Keras
# error's text up to the list of arguments it received.

# %%
import re
import threading
import warnings

import keras
import numpy as np
import tensorflow as tf
import tf_keras
from keras import layers

keras.utils.set_random_seed(0)
tf_keras.utils.set_random_seed(0)
print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")
print(f"Keras 2: tf_keras {tf_keras.__version__}")
tf.get_logger().setLevel("ERROR")  # keeps Keras 2's "mixed_float16 may run slowly" log line off the page


def message(err: Exception) -> str:
    """A Keras error's text without bold-text codes, up to the arguments the layer received."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err))
    return re.split(r"\n\n(?:Call arguments|Arguments) received", text)[0].strip()


# %% [markdown]
# ## Turning it on
#
# `set_dtype_policy("mixed_float16")` (Keras 2 called it `set_global_policy`) makes every layer
# created afterwards compute in float16 and keep its weights in float32. A two-branch model: an
# `image_branch` `Dense` computes in float16; the `table` input arrives as float32 and meets it
# at `joined`. The `kind` head ends in a float32 softmax.

# %%
keras.mixed_precision.set_dtype_policy("mixed_float16")
image, table = keras.Input((8,), name="image"), keras.Input((4,), name="table")
joined = layers.Concatenate(name="joined")([layers.Dense(16, name="image_branch")(image), table])
kind = layers.Activation("softmax", dtype="float32", name="kind")(layers.Dense(3, name="kind_logits")(joined))
print(f"joined: {joined.dtype}, kind: {kind.dtype}")

# %% [markdown]
# Each layer has a policy: a compute dtype (what its call works in and returns) and a variable
# dtype (its weights). `dtype="float32"` on `kind` overrides the global policy for that layer
# only:

# %%
model = keras.Model([image, table], kind, name="shop")
print(f"{'layer':13} {'policy':14} {'computes':9} {'weights':8} output")
for layer in model.layers:
    print(
        f"{layer.name:13} {layer.dtype_policy.name:14} {layer.compute_dtype:9} "
        f"{layer.variable_dtype:8} {layer.output.dtype}"
    )

# %% [markdown]
# The input layers keep float32: an `Input` is float32 unless you give it `dtype=`, whatever the
# policy. The first layer that reads it casts it. The weights stay float32 everywhere. And the
# Keras 2 name of the setter still works, as an alias:

# %%
print("weights:", sorted({weight.dtype for weight in model.weights}))
alias = keras.mixed_precision.set_global_policy is keras.mixed_precision.set_dtype_policy
print("set_global_policy is set_dtype_policy:", alias)

# %% [markdown]
# ## What each merge gives back
#
# A float16 branch (`half`) and a float32 one (`full`, a `Dense` with `dtype="float32"`). Every
# merge layer casts both inputs to its own compute dtype: float16 under the global policy,
# float32 when you give the merge layer `dtype="float32"`. Nothing raises. The `keras.ops`
# functions and the `+` operator on Keras tensors are no layers and cast nothing: they promote
# the pair to the wider dtype, float32.

# %%
left, right = keras.Input((4,), name="left"), keras.Input((4,), name="right")
half = layers.Dense(4, name="half")(left)
full = layers.Dense(4, dtype="float32", name="full")(right)
print(f"half: {half.dtype}, full: {full.dtype}\n")
merges = [
    layers.Concatenate(name="concatenate"),
    layers.Add(name="add_layer"),
    layers.Subtract(name="subtract"),
    layers.Multiply(name="multiply"),
    layers.Average(name="average"),
    layers.Maximum(name="maximum"),
    layers.Minimum(name="minimum"),
    layers.Dot(axes=-1, name="dot"),
    layers.Concatenate(dtype="float32", name="concatenate_f32"),
]
for merge in merges:
    print(f"{type(merge).__name__:11} policy {merge.dtype_policy.name:14} -> {merge([half, full]).dtype}")
print(f"{'keras.ops.concatenate':32} -> {keras.ops.concatenate([half, full]).dtype}")
print(f"{'keras.ops.add':32} -> {keras.ops.add(half, full).dtype}")
print(f"{'half + full':32} -> {(half + full).dtype}")

# %% [markdown]
# `Concatenate` and `keras.ops.concatenate` do the same on real tensors, not only while
# building a model, and on JAX and PyTorch too (the page prints the same there). `+` on two
# real TensorFlow tensors is TensorFlow's own operator, which refuses the pair: see below.

# %%
half_values = keras.ops.ones((2, 4), dtype="float16")
full_values = keras.ops.ones((2, 4), dtype="float32")
by_layer = layers.Concatenate()([half_values, full_values])
by_op = keras.ops.concatenate([half_values, full_values])
print("Concatenate:", keras.backend.standardize_dtype(by_layer.dtype))
print("keras.ops.concatenate:", keras.backend.standardize_dtype(by_op.dtype))

# %% [markdown]
# ## Where the errors come from: raw TensorFlow ops
#
# ### Keras 3: `tf.concat` inside a layer
#
# This part runs on the TensorFlow backend only: on JAX and PyTorch a layer cannot call
# `tf.concat` at all, and the cells say so instead. A custom merge layer, written the Keras 2
# way with `tf.concat`, keeps a projection in float32 (`dtype="float32"` on its `Dense`) and
# concatenates it with its float16 input.
#
# Keras 3 casts every float argument of a layer's `call` to the layer's compute dtype, the second
# one too, so what reaches `call` is float16 even for the float32 branch `full`. A layer made
# with `autocast=False` (as `LayerNormalization` and `GroupNormalization` are) gets its arguments
# as they come:

# %%
class RecordDtypes(layers.Layer):
    """Passes `x` through and records the dtypes its `call` receives."""

    def call(self, x, y):
        self.received = [keras.backend.standardize_dtype(t.dtype) for t in (x, y)]
        return x


record = RecordDtypes(name="record")
record(half, full)
print("call receives x, y as:", record.received)
record_as_is = RecordDtypes(autocast=False, name="record_as_is")
record_as_is(half, full)
print("with autocast=False:", record_as_is.received)

# %% [markdown]
# The float32 tensor is the one the float32 `Dense` makes inside `call`. Building a model with
# the layer raises a `TypeError`:

# %%
class JoinWithContext(layers.Layer):
    """Concatenates `x` with a float32 projection of `y`, using a raw TensorFlow op."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.context = layers.Dense(4, dtype="float32", name="context")

    def call(self, x, y):
        return tf.concat([x, self.context(y)], axis=-1)


if keras.backend.backend() == "tensorflow":
    with warnings.catch_warnings(record=True):  # also warns that it cannot build the layer
        warnings.simplefilter("always")
        try:
            JoinWithContext(name="join")(half, full)
        except TypeError as err:
            print(f"TypeError: {message(err)}")
else:
    print("tf.concat takes TensorFlow tensors only: this layer runs on the TensorFlow backend only")

# %% [markdown]
# Called eagerly on arrays, the same layer fails inside TensorFlow's kernel instead, with the
# wording readers paste from eager code and custom training loops (`half` is float16, `float`
# is float32; `#1` is the second tensor in the list). With the float32 tensor first in the
# list, the two swap: `[float32, float16]`, and `was expected to be a float tensor but is a
# half tensor`.

# %%
if keras.backend.backend() == "tensorflow":
    try:
        JoinWithContext(name="join")(np.ones((2, 4), "float32"), np.ones((2, 4), "float32"))
    except tf.errors.InvalidArgumentError as err:
        print(f"InvalidArgumentError: {message(err)}")
else:
    print("tf.concat takes TensorFlow tensors only: this layer runs on the TensorFlow backend only")

# %% [markdown]
# `+` inside `call` is no different on the TensorFlow backend: between two TensorFlow tensors it
# is TensorFlow's `AddV2`, with the same two wordings (the first is the one Keras 2 printed for
# `a + b` between branches, further down). On JAX and PyTorch, `+` promotes to float32:

# %%
class AddContext(JoinWithContext):
    """Adds a float32 projection of `y` to `x` with `+`."""

    def call(self, x, y):
        return x + self.context(y)


for inputs in [(half, full), (np.ones((2, 4), "float32"), np.ones((2, 4), "float32"))]:
    with warnings.catch_warnings(record=True):  # on TensorFlow, also warns that it cannot build the layer
        warnings.simplefilter("always")
        try:
            added = AddContext(name="add_context")(*inputs)
            print("x + context(y):", keras.backend.standardize_dtype(added.dtype))
        except (TypeError, tf.errors.InvalidArgumentError) as err:
            print(f"{type(err).__name__}: {message(err)}\n")

# %% [markdown]
# **Fix.** Use `keras.ops`, which promotes (the layer then returns float32, and the next
# float16 layer casts it back), or cast to the layer's own compute dtype to stay in float16.
# Either runs on every backend:

# %%
class JoinWithOps(JoinWithContext):
    def call(self, x, y):
        return keras.ops.concatenate([x, self.context(y)], axis=-1)


class JoinInComputeDtype(JoinWithContext):
    def call(self, x, y):
        return keras.ops.concatenate([x, keras.ops.cast(self.context(y), self.compute_dtype)], axis=-1)


for join in [JoinWithOps(name="join_ops"), JoinInComputeDtype(name="join_cast")]:
    built = join(half, full).dtype
    eager = join(np.ones((2, 4), "float32"), np.ones((2, 4), "float32")).dtype
    print(f"{type(join).__name__:18} in a model: {built}, eagerly: {keras.backend.standardize_dtype(eager)}")

# %% [markdown]
# ### Keras 2: `+` and `tf.concat` between branches
#
# In a Keras 2 functional model, `+` and `tf.concat` on symbolic tensors became layers
# (`TFOpLambda`) that ran the raw TensorFlow op, which refuses mixed dtypes. A merge layer cast
# the inputs in Keras 2 too:

# %%
tf_keras.mixed_precision.set_global_policy("mixed_float16")
left_k2, right_k2 = tf_keras.Input((4,), name="left"), tf_keras.Input((4,), name="right")
half_k2 = tf_keras.layers.Dense(4, name="half")(left_k2)
full_k2 = tf_keras.layers.Dense(4, dtype="float32", name="full")(right_k2)
for merge_k2 in [lambda a, b: a + b, lambda a, b: tf.concat([a, b], axis=-1)]:
    try:
        merge_k2(half_k2, full_k2)
    except TypeError as err:
        print(f"[Keras 2] TypeError: {message(err)}\n")
print("[Keras 2] Add layer:", tf_keras.layers.Add(name="add_k2")([half_k2, full_k2]).dtype.name)

# %% [markdown]
# The same two lines on Keras 3: `+` runs and gives float32, and `tf.concat` (like `tf.cast`,
# which readers add to make the dtypes match) cannot take a Keras 3 symbolic tensor at all. The
# [TensorFlow functions page](../migration/01_tf_functions.md) covers that error; here the fix
# is a merge layer or `keras.ops`, as above:

# %%
print("half + full:", (half + full).dtype)
raised = []
for tf_op in [lambda: tf.concat([half, full], axis=-1), lambda: tf.cast(full, "float16")]:
    try:
        tf_op()
    except ValueError as err:
        raised.append(str(err).splitlines()[0])
print(f"ValueError: {raised[0]}")
print("tf.cast raises the same:", raised[1] == raised[0])
print("keras.ops.cast:", keras.ops.cast(full, "float16").dtype)

# %% [markdown]
# ## Heads: float32 at the end, after the last merge
#
# The model's heads: `kind` (the float32 softmax from above), `price`, a regression `Dense` with
# `dtype="float32"`, and `kind_fp16`, a softmax left under the global policy. Each output keeps
# the dtype of the layer that made it, and so does what `predict` returns:

# %%
price = layers.Dense(1, dtype="float32", name="price")(joined)
kind_fp16 = layers.Dense(3, activation="softmax", name="kind_fp16")(joined)
heads = keras.Model([image, table], {"kind": kind, "price": price, "kind_fp16": kind_fp16}, name="heads")
rng = np.random.default_rng(0)
x_image = rng.normal(size=(16, 8)).astype("float32")
x_table = rng.normal(size=(16, 4)).astype("float32")
predicted = heads.predict([x_image, x_table], verbose=0)
for name in heads.output:
    print(f"{name:10} model output {heads.output[name].dtype:8} predict returns {predicted[name].dtype}")

# %% [markdown]
# Why float32 at the end: float16 keeps about 3 digits and no value above 65504. A softmax in
# float16 rounds a small probability to exactly 0, and a `Dense` in float16 overflows to `inf`.
# A float32 `Activation` after a float16 `Dense` casts what it gets and cannot undo an `inf`,
# so give a regression head's last `Dense` itself `dtype="float32"`:

# %%
logits = np.array([[0.0, 20.0]], "float32")
softmax_fp16 = layers.Activation("softmax", name="softmax_fp16")
softmax_fp32 = layers.Activation("softmax", dtype="float32", name="softmax_fp32")
small_fp16 = keras.ops.convert_to_numpy(softmax_fp16(logits))[0, 0]
small_fp32 = keras.ops.convert_to_numpy(softmax_fp32(logits))[0, 0]
print(f"P(first class): float16 {small_fp16}, float32 {small_fp32:.2e}")

big = np.full((1, 4), 20000.0, "float32")
dense_fp16 = layers.Dense(1, kernel_initializer="ones", name="dense_fp16")
dense_fp32 = layers.Dense(1, kernel_initializer="ones", dtype="float32", name="dense_fp32")
cast_after = layers.Activation("linear", dtype="float32", name="linear_fp32")
print("4 x 20000 in a float16 Dense:", keras.ops.convert_to_numpy(dense_fp16(big))[0, 0])
print("  then a float32 Activation:", keras.ops.convert_to_numpy(cast_after(dense_fp16(big)))[0, 0])
print("4 x 20000 in a float32 Dense:", keras.ops.convert_to_numpy(dense_fp32(big))[0, 0])

# %% [markdown]
# ### Heads that merge again
#
# When heads are merged after their float32 layer, the merge layer is the last layer, and under
# the global policy it casts them back to float16. Two classifiers, each ending in a float32
# softmax, averaged into one `vote`:

# %%
def vote_model(average_dtype=None) -> keras.Model:
    from_image = layers.Dense(3, name="image_logits")(image)
    from_table = layers.Dense(3, name="table_logits")(table)
    image_probs = layers.Activation("softmax", dtype="float32", name="image_probs")(from_image)
    table_probs = layers.Activation("softmax", dtype="float32", name="table_probs")(from_table)
    vote = layers.Average(dtype=average_dtype, name="vote")([image_probs, table_probs])
    return keras.Model([image, table], {"image_probs": image_probs, "table_probs": table_probs, "vote": vote})


for average_dtype in [None, "float32"]:
    voting = vote_model(average_dtype)
    print(f"Average(dtype={average_dtype!r}):", {name: str(t.dtype) for name, t in voting.output.items()})

# %% [markdown]
# **Fix.** Give the merge after the heads `dtype="float32"` (second line), or merge the logits
# and put the one float32 softmax after the merge.
#
# ### Training
#
# `compile` on a model built under `"mixed_float16"` wraps the optimizer in a
# `LossScaleOptimizer`, which scales the loss up so that small float16 gradients do not round to
# zero. A loss per output, keyed by the dict's keys:

# %%
heads.compile(
    optimizer="adam",
    loss={"kind": "sparse_categorical_crossentropy", "price": "mse", "kind_fp16": "sparse_categorical_crossentropy"},
)
print("optimizer:", type(heads.optimizer).__name__)
targets = {"kind": rng.integers(0, 3, 16), "price": rng.normal(size=(16, 1)), "kind_fp16": rng.integers(0, 3, 16)}
history = heads.fit([x_image, x_table], targets, batch_size=8, epochs=1, verbose=0)
finite = bool(np.isfinite(list(history.history.values())).all())
print("losses logged:", sorted(history.history), "| all finite:", finite)

# %% [markdown]
# ## The policy is global: set it back
#
# Every layer created while the policy is set takes it, in any model, in any later cell of a
# notebook, including models a library builds for you. A layer keeps the policy it was created
# with; setting the policy back changes only layers created afterwards:

# %%
during = layers.Dense(2, name="during")
keras.mixed_precision.set_dtype_policy("float32")
after = layers.Dense(2, name="after")
print(f"during: {during.dtype_policy.name}, after: {after.dtype_policy.name}")
print("image_branch still:", model.get_layer("image_branch").dtype_policy.name)

# %% [markdown]
# Two places where it does not leak the way you may expect. In Keras 3 (3.15.1 and the 3.16
# nightly), `keras.backend.clear_session()` resets the policy to float32 along with the rest of
# Keras's global state; Keras 2's `clear_session` kept it. And the Keras 3 policy is per thread:
# a thread you start does not see it.

# %%
keras.mixed_precision.set_dtype_policy("mixed_float16")
seen_in_thread = []
worker = threading.Thread(target=lambda: seen_in_thread.append(keras.config.dtype_policy().name))
worker.start()
worker.join()
print("in a new thread:", seen_in_thread[0])
keras.backend.clear_session()
print("after clear_session:", keras.config.dtype_policy().name)
tf_keras.backend.clear_session()
print("[Keras 2] after clear_session:", tf_keras.mixed_precision.global_policy().name)
tf_keras.mixed_precision.set_global_policy("float32")

# %% [markdown]
# ## `dtype="mixed_float16"` on some layers only
#
# Without a global policy you can pass the policy to the layers you choose. A branch in
# float16 meets a float32 input at a merge that is float32 itself, so the merge gives float32:

# %%
keras.mixed_precision.set_dtype_policy("float32")
image, table = keras.Input((8,), name="image"), keras.Input((4,), name="table")
image_half = layers.Dense(16, dtype="mixed_float16", name="image_branch")(image)
joined = layers.Concatenate(name="joined")([image_half, table])
score = layers.Dense(1, name="score")(joined)
partly = keras.Model([image, table], score, name="partly")
print(f"image_branch: {image_half.dtype}, joined: {joined.dtype}, score: {score.dtype}")

# %% [markdown]
# The model's own policy is the global one, float32, so `compile` does not wrap the optimizer:
# wrap it yourself when float16 layers train.

# %%
partly.compile(optimizer="adam", loss="mse")
print("compile gives:", type(partly.optimizer).__name__, "| model policy:", partly.dtype_policy.name)
partly.compile(optimizer=keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam()), loss="mse")
print("wrapped:", type(partly.optimizer).__name__)

# %% [markdown]
# ## `mixed_bfloat16` on a CPU
#
# `"mixed_bfloat16"` computes in bfloat16, which has float32's range and fewer digits than
# float16 (about 2 to 3). It runs on a CPU on every backend, and the merges behave as above with
# bfloat16 in place of float16. Where float16 rounded a probability to 0 and a sum to `inf`,
# bfloat16 keeps both, with fewer digits:

# %%
keras.mixed_precision.set_dtype_policy("mixed_bfloat16")
small_bf16 = keras.ops.convert_to_numpy(layers.Activation("softmax", name="softmax_bf16")(logits))[0, 0]
big_bf16 = layers.Dense(1, kernel_initializer="ones", name="dense_bf16")(big)
print(f"P(first class): bfloat16 {float(small_bf16):.2e}")
print("4 x 20000 in a bfloat16 Dense:", float(keras.ops.convert_to_numpy(big_bf16)[0, 0]))


def two_branch() -> keras.Model:
    """The page's first model, with `joined` as an output too, under the policy set now."""
    image, table = keras.Input((8,), name="image"), keras.Input((4,), name="table")
    joined = layers.Concatenate(name="joined")([layers.Dense(16, name="image_branch")(image), table])
    kind = layers.Activation("softmax", dtype="float32", name="kind")(layers.Dense(3, name="kind_logits")(joined))
    return keras.Model([image, table], {"joined": joined, "kind": kind})


print({name: str(t.dtype) for name, t in two_branch().output.items()})

# %% [markdown]
# `predict` returns a bfloat16 NumPy array for a bfloat16 output (its dtype comes from the
# `ml_dtypes` package); turn it into float32 before NumPy maths. Against the same weights in
# float32, the answers agree to about two decimals. Loss scaling is for float16 only: `compile`
# keeps a plain optimizer.

# %%
keras.mixed_precision.set_dtype_policy("mixed_bfloat16")
bf16_model = two_branch()
keras.mixed_precision.set_dtype_policy("float32")
f32_model = two_branch()
f32_model.set_weights(bf16_model.get_weights())
bf16_out = bf16_model.predict([x_image, x_table], verbose=0)
f32_out = f32_model.predict([x_image, x_table], verbose=0)
for name in ["joined", "kind"]:
    close = np.allclose(bf16_out[name].astype("float32"), f32_out[name], atol=0.05)
    print(f"{name:6} {bf16_out[name].dtype.name:8} vs {f32_out[name].dtype.name}: within 0.05 {close}")
bf16_model.compile(optimizer="adam", loss={"kind": "sparse_categorical_crossentropy"})
print("optimizer:", type(bf16_model.optimizer).__name__)

# %% [markdown]
# Keras prints no warning for either mixed policy on a CPU; Keras 2 logged that
# `mixed_float16` "may run slowly because this machine does not have a GPU" (this page hides
# TensorFlow's log lines). Mixed precision speeds up recent NVIDIA GPUs (float16) and TPUs
# (bfloat16); on a CPU it is for checking that a model runs and what dtypes it gives.

# %% [markdown]
# ## In short
#
# - `keras.mixed_precision.set_dtype_policy("mixed_float16")` before building: layers compute in
#   float16 and keep float32 weights; `dtype=` on a layer overrides it for that layer.
# - Merge layers (`Concatenate`, `Add`, `Average`, ...) cast their float inputs to their own
#   compute dtype and raise no dtype error: float16 under the policy, float32 with
#   `dtype="float32"`. `keras.ops` promotes to float32, and so does `+` between Keras tensors.
# - The dtype errors come from raw TensorFlow ops (`tf.concat`, Keras 2's `a + b`, `+` between
#   TensorFlow tensors inside a layer on the TensorFlow backend): use a merge layer or
#   `keras.ops`, or `keras.ops.cast(..., self.compute_dtype)` in a custom layer.
# - End every head in float32 after its last merge: `Activation("softmax", dtype="float32")`,
#   `Dense(1, dtype="float32")` for a regression, `dtype="float32"` on a merge of heads.
# - The policy applies to every layer created later in the process: set it back with
#   `set_dtype_policy("float32")`. With `dtype=` on some layers only, wrap the optimizer in a
#   `LossScaleOptimizer` yourself.
