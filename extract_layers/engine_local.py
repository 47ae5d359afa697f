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

For a folder of images, the files are decoded batch by batch in a background thread, up to a chunk
ahead of the model: the model starts as soon as the first batch is decoded (not the first chunk),
and computes each batch while the next ones are decoded.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading

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
    parts = [predict_batch(extractor, [x[i : i + batch_size] for x in inputs]) for i in range(0, rows, batch_size)]
    return [np.concatenate(p) for p in zip(*parts, strict=True)]


def predict_batch(extractor, batch: list[np.ndarray]) -> list[np.ndarray]:
    """The extractor's outputs for one batch (one array per model input), as a list."""
    out = extractor.predict_on_batch(batch if len(batch) > 1 else batch[0])
    return out if isinstance(out, list) else [out]


def run_chunk(
    extractor, columns, begin: int, end: int, batch_size: int, replicas: int
) -> list[np.ndarray]:
    """The extractor's outputs for rows begin..end (absolute row numbers in the input files)."""
    return compute_chunk(extractor, read_chunk(extractor, columns, begin, end), batch_size, replicas)


class ReadAhead:
    """The rows of `spans` (begin, end), read in a thread batch by batch, at most `limit` batches
    ahead of `next()`; an error while reading is raised by `next()`."""

    def __init__(self, extractor, columns, spans: list[tuple[int, int]], batch_size: int, limit: int) -> None:
        self.ready: queue.Queue = queue.Queue(limit)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.read, args=(extractor, columns, spans, batch_size),
                                       name="read-ahead", daemon=True)
        self.thread.start()

    def read(self, extractor, columns, spans, batch_size) -> None:
        try:
            for begin, end in spans:
                for row in range(begin, end, batch_size):
                    if not self.put(read_chunk(extractor, columns, row, min(row + batch_size, end))):
                        return
        except BaseException as err:  # noqa: BLE001  (raised again by next(), in the main thread)
            self.put(err)

    def put(self, item) -> bool:
        while not self.stopped.is_set():
            try:
                self.ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def next(self) -> list[np.ndarray]:
        item = self.ready.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()


def compute(extractor, columns, chunks, first_row: int, batch_size: int, parallel: Parallel):
    """Yield (chunk index, outputs) for each (chunk index, begin, end) in `chunks`, in order; for a
    folder of images, the next batches are decoded while this one is computed."""
    if parallel.replicas > 1:
        print(f"running under {parallel.name}, batch size {batch_size}", file=sys.stderr)
    if not any(isinstance(column, ImageFolder) for column in columns):  # arrays: a memory map, read at once
        for chunk, begin, end in chunks:
            yield chunk, run_chunk(extractor, columns, first_row + begin, first_row + end, batch_size,
                                   parallel.replicas)
        return
    spans = [(first_row + begin, first_row + end) for _, begin, end in chunks]
    limit = max(-(-(end - begin) // batch_size) for begin, end in spans) if spans else 1  # a chunk ahead
    reader = ReadAhead(extractor, columns, spans, batch_size, limit)
    try:
        for chunk, begin, end in chunks:
            batches = [reader.next() for _ in range(begin, end, batch_size)] if parallel.replicas > 1 else None
            if batches is not None:  # predict splits the whole chunk over the devices
                inputs = [np.concatenate(parts) for parts in zip(*batches, strict=True)]
                yield chunk, compute_chunk(extractor, inputs, batch_size, parallel.replicas)
                continue
            parts = [predict_batch(extractor, reader.next()) for _ in range(begin, end, batch_size)]
            yield chunk, [np.concatenate(p) for p in zip(*parts, strict=True)]
    finally:
        reader.close()
