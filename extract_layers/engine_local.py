"""The local engine: this process runs the extractor on one chunk of rows after another.

On TensorFlow, when more than one GPU is visible (or `--logical-cpus N` splits the CPU), the model
is loaded under `tf.distribute.MirroredStrategy` and each chunk is split across the replicas.
JAX and PyTorch have no such strategy in Keras's `predict`: they run on one device, and use
`--num-shards` (one process per device) or the Ray engine for more.
"""

from __future__ import annotations

import contextlib
import sys

import numpy as np

from .graph import UsageError
from .io import read_rows


def strategy(logical_cpus: int):
    """The distribution strategy's scope and replica count (TensorFlow only); call after import_keras."""
    import keras

    if keras.backend.backend() != "tensorflow":
        if logical_cpus > 1:
            raise UsageError(
                f"--logical-cpus uses TensorFlow's MirroredStrategy; on {keras.backend.backend()} run one process "
                "per device with --num-shards, or use --engine ray"
            )
        return contextlib.nullcontext(), 1
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
        return mirrored.scope(), mirrored.num_replicas_in_sync
    return contextlib.nullcontext(), 1


def batch_size_for(batch_size: int, replicas: int) -> int:
    """Every replica gets the same share of a batch."""
    return -(-batch_size // replicas) * replicas


def run_chunk(
    extractor, columns, begin: int, end: int, batch_size: int, replicas: int
) -> list[np.ndarray]:
    """The extractor's outputs for rows begin..end (absolute row numbers in the input files)."""
    dtypes = [tensor.dtype for tensor in extractor.inputs]
    inputs = [
        read_rows(column, begin, end, dtype) for column, dtype in zip(columns, dtypes, strict=True)
    ]
    if replicas > 1:
        # A last batch too small to give every replica a sample fails under MirroredStrategy
        # (TensorFlow 2.21): pad with copies of the last sample, and cut the padding off after.
        padding = -(end - begin) % batch_size
        inputs = [np.concatenate([x, np.repeat(x[-1:], padding, axis=0)]) for x in inputs]
        values = extractor.predict(
            inputs if len(inputs) > 1 else inputs[0], batch_size=batch_size, verbose=0
        )
        values = values if isinstance(values, list) else [values]
        return [v[: end - begin] for v in values]
    # predict_on_batch() builds no input pipeline per call, so memory stays flat
    parts = []
    for i in range(0, end - begin, batch_size):
        batch = [x[i : i + batch_size] for x in inputs]
        out = extractor.predict_on_batch(batch if len(batch) > 1 else batch[0])
        parts.append(out if isinstance(out, list) else [out])
    return [np.concatenate(p) for p in zip(*parts, strict=True)]


def compute(extractor, columns, chunks, first_row: int, batch_size: int, replicas: int):
    """Yield (chunk index, outputs) for each (chunk index, begin, end) in `chunks`, in order."""
    if replicas > 1:
        print(
            f"running under MirroredStrategy with {replicas} replicas, batch size {batch_size}",
            file=sys.stderr,
        )
    for chunk, begin, end in chunks:
        yield (
            chunk,
            run_chunk(extractor, columns, first_row + begin, first_row + end, batch_size, replicas),
        )
