"""The Ray engine: the same extraction as a Ray Data pipeline, on this machine or a Ray cluster.

    chunks (from_items) -> map_batches(ChunkExtractor, one actor per worker slot) -> this process

Each actor loads the model once and builds the same extractor as the local engine; it reads its
chunk's rows from the input files and writes the outputs' rows straight into the partial output
files this process created (so inputs, model and --out must be at the same path on every node: a
shared file system). Only chunk numbers travel back: no output passes through Ray's object store
or this process, so memory stays flat. This process records each chunk as it is reported, so the
resumable bookkeeping is the local engine's. The actor pool is sized from the CPUs Ray reports,
leaving one for Ray Data's own tasks: a pool holding every CPU starves them and the pipeline hangs.
"""

from __future__ import annotations

import bisect
import logging
import os
import socket
import threading
from pathlib import Path

from .graph import UsageError
from .images import ImageFolder
from .runtime import quiet_stderr

PACKAGE = Path(__file__).resolve().parent


def import_ray():
    try:
        with quiet_stderr():
            import ray
            import ray.data  # noqa: F401
    except ImportError:
        raise UsageError('--engine ray needs Ray: pip install ".[ray]" in a clone of this repository') from None
    return ray


def load_extractor(model_path, layers, merges, unsafe, threads):
    """In an actor: Keras with its share of the CPUs, the model loaded once, and its extractor."""
    from extract_layers.graph import build_extractor
    from extract_layers.runtime import import_keras, load_model

    # Ray sets OMP_NUM_THREADS to the actor's one CPU, which holds PyTorch to one thread, while
    # TensorFlow sizes its pool to the whole node: each actor gets its share of the CPUs instead
    os.environ["OMP_NUM_THREADS"] = str(threads)
    keras = import_keras()
    if keras.backend.backend() == "torch":
        import torch

        torch.set_num_threads(threads)
    elif keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
    extractor, _ = build_extractor(load_model(Path(model_path), unsafe), layers, merges)
    return extractor


class ChunkExtractor:
    """Loads the model once per actor; each call computes chunks of rows and writes them in place."""

    def __init__(self, model_path, layers, merges, unsafe, columns, batch_size, partials, first_row, threads):
        self.extractor = load_extractor(model_path, layers, merges, unsafe, threads)
        self.columns = columns
        self.batch_size = batch_size
        self.partials = partials
        self.first_row = first_row

    def __call__(self, batch: dict) -> dict:
        from extract_layers.engine_local import run_chunk
        from extract_layers.io import write_rows

        for begin, end in zip(batch["begin"], batch["end"], strict=True):
            values = run_chunk(self.extractor, self.columns, int(begin), int(end), self.batch_size, 1)
            for path, value in zip(self.partials, values, strict=True):
                write_rows(path, int(begin) - self.first_row, value)
        return {"chunk": batch["chunk"]}


class ImageExtractor:
    """For a folder of images: takes the rows `ray.data.read_images` decoded, with their paths;
    prepares them as the local engine does (images.prepare), computes them and writes each row
    where its file's row is."""

    def __init__(self, model_path, layers, merges, unsafe, spec, rows, batch_size, partials, first_row, threads):
        self.extractor = load_extractor(model_path, layers, merges, unsafe, threads)
        self.spec = spec
        self.rows = rows  # {absolute path: row}
        self.batch_size = batch_size
        self.partials = partials
        self.first_row = first_row

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        from extract_layers.engine_local import compute_chunk
        from extract_layers.images import prepare
        from extract_layers.io import write_rows

        rows = np.array([self.rows[str(path)] for path in batch["path"]], dtype=np.int64)
        order = np.argsort(rows)
        dtype = self.extractor.inputs[0].dtype
        images = np.stack([prepare(batch["image"][i], self.spec) for i in order]).astype(dtype)
        values = compute_chunk(self.extractor, [images], self.batch_size, 1)
        rows = rows[order]
        starts = [0, *np.flatnonzero(np.diff(rows) != 1) + 1, len(rows)]  # runs of consecutive rows
        for begin, end in zip(starts[:-1], starts[1:], strict=True):
            for path, value in zip(self.partials, values, strict=True):
                write_rows(path, int(rows[begin]) - self.first_row, value[begin:end])
        return {"row": rows}


def pool_size(ray) -> int:
    """Actors for the extraction: the cluster's CPUs (all of them, not only those free now) less
    one for Ray Data's own tasks, at least one."""
    cpus = ray.cluster_resources().get("CPU", 1)
    return max(1, int(cpus) - 1)


def check_address(address: str | None) -> None:
    """Refuse at once an address where nothing listens (Ray itself keeps retrying, and printing)."""
    if address in (None, "auto", "local"):
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--ray-address must be HOST:PORT (or auto), not {address!r}")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as err:
        raise UsageError(
            f"no Ray cluster answers at {address} ({err.strerror or err}): check --ray-address, "
            "or start one there with `ray start --head`"
        ) from None


# Joining a cluster takes seconds; Ray itself retries a port that is not Ray's for good.
JOIN_TIMEOUT_ENV = "EXTRACT_LAYERS_RAY_JOIN_TIMEOUT_S"  # tests only


class Session:
    """Ray, started on this machine or joined (--ray-address), in a background thread: it comes up
    while this process imports Keras and loads the model. Call wait() before any Ray work, and
    shutdown() at the end, in every case. Ray's core writes to file descriptor 2 when it connects,
    seconds after the start: enter runtime.quiet_stderr() right after creating the session, and
    wait() before leaving that block (cli.extract and cli.run do)."""

    def __init__(self, args):
        check_address(args.ray_address)
        self.ray = import_ray()
        self.args = args
        self.error: BaseException | None = None
        self.ready, self.done = threading.Event(), threading.Event()
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # Ray's C++ core: its warnings are not the user's
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self.thread = threading.Thread(target=self._start, name="ray-start", daemon=True)
        self.thread.start()

    def _start(self) -> None:
        """Start Ray, then stay alive until shutdown(): the processes a local Ray starts are killed
        when the thread that started them ends (they share its fate through PR_SET_PDEATHSIG)."""
        env = {
            key: os.environ[key]
            for key in ("KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL", "CUDA_VISIBLE_DEVICES")
            if key in os.environ
        }
        try:
            self.ray.init(
                address=self.args.ray_address,
                runtime_env={"py_modules": [str(PACKAGE)], "env_vars": env},
                logging_level=logging.ERROR,
                log_to_driver=False,
                include_dashboard=False,
                configure_logging=True,
            )
        except BaseException as err:  # noqa: BLE001  (re-raised in the main thread by wait())
            self.error = err
        self.ready.set()
        self.done.wait()

    def wait(self) -> None:
        joining = self.args.ray_address not in (None, "local")
        limit = float(os.environ.get(JOIN_TIMEOUT_ENV, "60"))
        if not self.ready.wait(limit if joining else None):
            raise UsageError(
                f"no Ray cluster answered at {self.args.ray_address} within {limit:g} s: "
                "check --ray-address (the head node's GCS port, 6379 by default; ray://HOST:10001 for Ray Client)"
            )
        if isinstance(self.error, ConnectionError):
            first = str(self.error).splitlines()[0]
            raise UsageError(f"cannot join Ray at {self.args.ray_address}: {first} (check --ray-address)")
        if self.error is not None:
            raise self.error

    @property
    def stuck(self) -> bool:
        """Ray is still starting (a wrong address, or an interrupt): the thread cannot be stopped,
        so the process must leave without waiting for it (see cli.main)."""
        return not self.ready.is_set()

    def shutdown(self) -> None:
        if self.stuck:
            self.done.set()  # the thread ends once ray.init gives up, or with the process
            return
        if self.ray.is_initialized():
            self.ray.shutdown()
        self.done.set()
        self.thread.join()

    def compute(self, partials: list[Path], columns, chunks, first_row: int, batch_size: int):
        """Yield (chunk index, None) for each (chunk index, begin, end) in `chunks` once its rows
        are in `partials` (the partial output files, one per output, already created), in the order
        the chunks finish."""
        self.wait()
        ray, args = self.ray, self.args
        context = ray.data.DataContext.get_current()
        # the actors write each chunk's rows in place, so chunks may finish in any order
        context.execution_options.preserve_order = False
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        actors = args.ray_actors or pool_size(ray)
        threads = max(1, int(ray.cluster_resources().get("CPU", 1)) // actors)
        if not chunks:
            return
        if isinstance(columns[0], ImageFolder):
            yield from self.compute_images(partials, columns[0], chunks, first_row, batch_size, actors, threads)
            return
        items = [{"chunk": c, "begin": first_row + b, "end": first_row + e} for c, b, e in chunks]
        dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            ChunkExtractor,
            batch_size=1,
            fn_constructor_args=(
                str(Path(args.model).resolve()),
                args.layers,
                args.merge_inputs,
                args.unsafe,
                columns,
                batch_size,
                [str(path.resolve()) for path in partials],
                first_row,
                threads,
            ),
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        for block in dataset.iter_batches(batch_size=None, batch_format="numpy", prefetch_batches=0):
            for chunk in block["chunk"]:
                yield int(chunk), None

    def compute_images(self, partials, folder: ImageFolder, chunks, first_row: int, batch_size: int, actors: int,
                       threads: int):
        """The same for a folder of images: Ray Data's image reader decodes the files of the chunks
        still to do; a chunk is reported once every one of its rows is written."""
        ray, args = self.ray, self.args
        rows = {path: first_row + begin + offset for _, begin, end in chunks
                for offset, path in enumerate(folder.paths(first_row + begin, first_row + end))}
        left = {chunk: end - begin for chunk, begin, end in chunks}
        begins = [first_row + begin for _, begin, _ in chunks]  # in order: chunks are listed in order
        # the readers ask for no CPU: the actor pool may hold every CPU (--ray-actors), and readers
        # waiting for one would starve the pipeline; Ray Data's backpressure still bounds how much is read ahead
        dataset = ray.data.read_images(
            list(rows), mode=folder.spec.mode, include_paths=True, file_extensions=None, num_cpus=0
        ).map_batches(
            ImageExtractor,
            batch_size=batch_size,
            fn_constructor_args=(
                str(Path(args.model).resolve()),
                args.layers,
                args.merge_inputs,
                args.unsafe,
                folder.spec,
                rows,
                batch_size,
                [str(path.resolve()) for path in partials],
                first_row,
                threads,
            ),
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        for block in dataset.iter_batches(batch_size=None, batch_format="numpy", prefetch_batches=0):
            for row in block["row"]:
                chunk = chunks[bisect.bisect_right(begins, int(row)) - 1][0]
                left[chunk] -= 1
                if not left[chunk]:
                    yield chunk, None
