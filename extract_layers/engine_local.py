"""The local engine: this process runs the extractor on one chunk of rows after another.

Every device of the machine in this one process, when there are several: on TensorFlow, when more
than one GPU is visible (or `--logical-cpus N` splits the CPU), the model is loaded under
`tf.distribute.MirroredStrategy`; on JAX, when JAX sees several devices (GPUs, or the CPU split by
`--logical-cpus N` or XLA_FLAGS=--xla_force_host_platform_device_count=N), under
`keras.distribution.DataParallel`, set before the model is loaded. Either way each chunk goes
through `predict`, which splits every batch over the devices (`predict_on_batch` does not), the
batch size rounded up to a multiple of the device count and the chunk padded to whole batches.
PyTorch has no such strategy in Keras's `predict`: it runs on one device, and uses `--num-shards`
(one process per device) or the Ray engine for more.

For a folder of images, the next chunk's files are decoded in a background thread while the model
computes this chunk.
"""

from __future__ import annotations

import contextlib
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .graph import UsageError
from .images import ImageFolder
from .io import read_rows


class Parallel:
    """How this process spreads a batch over its devices: a scope to load the model in, the number
    of replicas, and what to call it in the line that says so."""

    def __init__(self, logical_cpus: int = 1, *, local: bool = True) -> None:
        """The devices of this process (call after import_keras, before loading the model);
        local=False: one device, as the Ray engine's driver needs."""
        import keras

        self.scope, self.replicas, self.name = contextlib.nullcontext(), 1, ""
        if not local:
            return
        backend = keras.backend.backend()
        if backend == "tensorflow":
            self.tensorflow(logical_cpus)
        elif backend == "jax":
            self.jax(logical_cpus)
        elif logical_cpus > 1:
            raise UsageError(
                f"--logical-cpus splits the CPU for TensorFlow's MirroredStrategy or JAX's DataParallel; on "
                f"{backend} run one process per device with --num-shards, or use --engine ray"
            )

    def tensorflow(self, logical_cpus: int) -> None:
        import tensorflow as tf

        if logical_cpus > 1:
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(logical_cpus)]
            )
        gpus = tf.config.list_logical_devices("GPU")
        devices = gpus if len(gpus) > 1 else tf.config.list_logical_devices("CPU")
        if len(devices) > 1:
            mirrored = tf.distribute.MirroredStrategy([d.name for d in devices])
            self.scope, self.replicas = mirrored.scope(), mirrored.num_replicas_in_sync
            self.name = f"MirroredStrategy with {self.replicas} replicas"

    def jax(self, logical_cpus: int) -> None:
        import jax
        import keras

        if logical_cpus > 1:
            jax.config.update("jax_num_cpu_devices", logical_cpus)
        devices = jax.devices()  # the GPUs where JAX sees any, else the CPU's devices
        if len(devices) > 1:
            keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
            self.replicas = len(devices)
            self.name = f"keras.distribution.DataParallel on {self.replicas} devices"


def batch_size_for(batch_size: int, replicas: int) -> int:
    """Every replica gets the same share of a batch."""
    return -(-batch_size // replicas) * replicas


def read_chunk(extractor, columns, begin: int, end: int) -> list[np.ndarray]:
    dtypes = [tensor.dtype for tensor in extractor.inputs]
    return [read_rows(column, begin, end, dtype) for column, dtype in zip(columns, dtypes, strict=True)]


def compute_chunk(extractor, inputs: list[np.ndarray], batch_size: int, replicas: int) -> list[np.ndarray]:
    """The extractor's outputs for the rows of `inputs` (one array per model input)."""
    rows = len(inputs[0])
    if replicas > 1:
        # predict splits each batch over the devices, and every batch must divide by their number
        # (a last batch too small for every replica fails under MirroredStrategy, TensorFlow 2.21):
        # pad with copies of the last sample, and cut the padding off after.
        padding = -rows % batch_size
        inputs = [np.concatenate([x, np.repeat(x[-1:], padding, axis=0)]) for x in inputs]
        values = extractor.predict(
            inputs if len(inputs) > 1 else inputs[0], batch_size=batch_size, verbose=0
        )
        values = values if isinstance(values, list) else [values]
        return [v[:rows] for v in values]
    # predict_on_batch() builds no input pipeline per call, so memory stays flat
    parts = []
    for i in range(0, rows, batch_size):
        batch = [x[i : i + batch_size] for x in inputs]
        out = extractor.predict_on_batch(batch if len(batch) > 1 else batch[0])
        parts.append(out if isinstance(out, list) else [out])
    return [np.concatenate(p) for p in zip(*parts, strict=True)]


def run_chunk(
    extractor, columns, begin: int, end: int, batch_size: int, replicas: int
) -> list[np.ndarray]:
    """The extractor's outputs for rows begin..end (absolute row numbers in the input files)."""
    return compute_chunk(extractor, read_chunk(extractor, columns, begin, end), batch_size, replicas)


def compute(extractor, columns, chunks, first_row: int, batch_size: int, parallel: Parallel):
    """Yield (chunk index, outputs) for each (chunk index, begin, end) in `chunks`, in order; for a
    folder of images, the next chunk's files are decoded while this one is computed."""
    if parallel.replicas > 1:
        print(f"running under {parallel.name}, batch size {batch_size}", file=sys.stderr)
    if not any(isinstance(column, ImageFolder) for column in columns):  # arrays: a memory map, read at once
        for chunk, begin, end in chunks:
            yield chunk, run_chunk(extractor, columns, first_row + begin, first_row + end, batch_size,
                                   parallel.replicas)
        return
    with ThreadPoolExecutor(1, thread_name_prefix="read-ahead") as reader:

        def read(index: int):
            _, begin, end = chunks[index]
            return reader.submit(read_chunk, extractor, columns, first_row + begin, first_row + end)

        ahead = read(0) if chunks else None
        for index, (chunk, _, _) in enumerate(chunks):
            inputs = ahead.result()
            ahead = read(index + 1) if index + 1 < len(chunks) else None
            yield chunk, compute_chunk(extractor, inputs, batch_size, parallel.replicas)
