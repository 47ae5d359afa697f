"""(a) to (d): per batch, in this process, each way of getting the branches' values, against a plain
forward pass; and the one pass and the forward pass with their outputs left on the device."""

from __future__ import annotations

import statistics
import time

from benchmarks.model import BRANCH_LAYERS, INPUT_SHAPE, build_model


def interleaved_medians(calls: dict, warmup: int, repeats: int) -> dict[str, float]:
    """Median seconds of each call; the calls take turns within every repeat, so a slow moment
    of a shared machine hits them all alike instead of the one that happened to run then."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def median_seconds(call, warmup: int, repeats: int) -> float:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def on_device(model):
    """`model` called in its backend's compiled form (as `predict` compiles it: XLA on JAX, a
    tf.function on TensorFlow, with XLA only where a GPU is seen, eager PyTorch), returning when its
    outputs are computed but leaving them where they are: no copy to NumPy on the host."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        call = jax.jit(lambda trainable, non_trainable, x: model.stateless_call(trainable, non_trainable, x)[0])

        def state():  # read at each call: predict_on_batch replaces the variables' buffers
            return [v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables]

        return lambda x: jax.block_until_ready(call(*state(), x))
    if backend == "torch":
        import torch

        def call(x):
            with torch.no_grad():
                outputs = model(x, training=False)
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            return outputs

        return call
    import tensorflow as tf

    gpu = bool(tf.config.list_physical_devices("GPU"))
    compiled = tf.function(lambda x: model(x, training=False), jit_compile=gpu)

    def call(x):
        outputs = compiled(x)
        if gpu:  # a GPU runs the kernels after the call returns: wait for them
            tf.test.experimental.sync_devices()
        return outputs

    return call


def time_methods(batch_size: int, warmup: int, repeats: int) -> dict[str, float]:
    import keras
    import numpy as np

    model = build_model()
    merge = model.get_layer("merge")
    sub_models = [keras.Model(model.inputs, model.get_layer(name).output) for name in BRANCH_LAYERS]
    extractor = keras.Model(model.inputs, [*merge.input, model.output])
    batch = np.random.default_rng(0).normal(size=(batch_size, *INPUT_SHAPE)).astype("float32")

    # The extractor must return what the sub-models return, or the timings compare nothing.
    one_pass = extractor.predict_on_batch(batch)
    for sub_model, value in zip(sub_models, one_pass[: len(sub_models)], strict=True):
        assert np.allclose(sub_model.predict_on_batch(batch), value, atol=1e-5)

    def per_sample() -> None:
        for i in range(batch_size):
            extractor.predict_on_batch(batch[i : i + 1])

    device_batch = keras.ops.convert_to_tensor(batch)
    single_pass_on_device, forward_on_device = on_device(extractor), on_device(model)
    timings = interleaved_medians(
        {
            "per_branch_s": lambda: [m.predict_on_batch(batch) for m in sub_models],
            "single_pass_s": lambda: extractor.predict_on_batch(batch),
            "forward_s": lambda: model.predict_on_batch(batch),
            # where the one pass's extra time goes: the same two models, outputs left on the device
            "single_pass_on_device_s": lambda: single_pass_on_device(device_batch),
            "forward_on_device_s": lambda: forward_on_device(device_batch),
        },
        warmup,
        repeats,
    )
    return {**timings, "per_sample_s": median_seconds(per_sample, 1, max(3, repeats // 4))}
