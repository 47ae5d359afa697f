"""The Ray engine: the same extraction as a Ray Data pipeline, on this machine or a Ray cluster.

    chunks (from_items) -> map_batches(ChunkExtractor, one actor per worker slot) -> this process

Each actor loads the model once and builds the same extractor as the local engine; it reads its
chunk's rows from the input files itself (so they must be at the same path on every node: a
shared file system), and sends back one row per sample. Ray Data streams: this process writes each
chunk as it arrives, so the resumable bookkeeping is the local engine's. The actor pool is sized
from the CPUs Ray reports, leaving one for Ray Data's own tasks: a pool holding every CPU starves
them and the pipeline hangs.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from .graph import UsageError
from .runtime import quiet_stderr

PACKAGE = Path(__file__).resolve().parent


def import_ray():
    try:
        with quiet_stderr():
            import ray
            import ray.data  # noqa: F401  (imports TensorFlow when present: noise)
    except ImportError:
        raise UsageError("--engine ray needs Ray: pip install -r requirements-ray.txt") from None
    return ray


class ChunkExtractor:
    """Loads the model once per actor; each call turns chunks of row ranges into outputs."""

    def __init__(self, model_path, layers, merges, unsafe, columns, batch_size):
        from extraction_tool.graph import build_extractor
        from extraction_tool.runtime import import_keras

        keras = import_keras()
        model = keras.models.load_model(model_path, safe_mode=not unsafe)
        self.extractor, self.stems = build_extractor(model, layers, merges)
        self.columns = columns
        self.batch_size = batch_size

    def __call__(self, batch: dict) -> dict:
        from extraction_tool.engine_local import run_chunk

        rows, chunk_ids, outputs = [], [], []
        for chunk, begin, end in zip(batch["chunk"], batch["begin"], batch["end"], strict=True):
            outputs.append(
                run_chunk(self.extractor, self.columns, int(begin), int(end), self.batch_size, 1)
            )
            rows.append(np.arange(begin, end))
            chunk_ids.append(np.full(end - begin, chunk))
        result = {"chunk": np.concatenate(chunk_ids), "row": np.concatenate(rows)}
        for index in range(len(self.stems)):
            result[f"out{index}"] = np.concatenate([values[index] for values in outputs])
        return result


def pool_size(ray) -> int:
    """Actors for the extraction: the cluster's CPUs (all of them, not only those free now) less
    one for Ray Data's own tasks, at least one."""
    cpus = ray.cluster_resources().get("CPU", 1)
    return max(1, int(cpus) - 1)


def compute(args, stems, columns, chunks, first_row: int, batch_size: int):
    """Yield (chunk index, outputs) for each (chunk index, begin, end) in `chunks`, in input order."""
    ray = import_ray()
    env = {
        key: os.environ[key]
        for key in ("KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL", "CUDA_VISIBLE_DEVICES")
        if key in os.environ
    }
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # Ray's C++ core: its warnings are not the user's
    with quiet_stderr():  # Ray's C++ core announces its log level
        ray.init(
            address=args.ray_address,
            runtime_env={"py_modules": [str(PACKAGE)], "env_vars": env},
            logging_level=logging.ERROR,
            log_to_driver=False,
            include_dashboard=False,
            configure_logging=True,
        )
    try:
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        actors = args.ray_actors or pool_size(ray)
        items = [{"chunk": c, "begin": first_row + b, "end": first_row + e} for c, b, e in chunks]
        if not items:
            return
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
            ),
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        bounds = {c: (b, e) for c, b, e in chunks}
        pending: dict[int, list] = {}
        for block in dataset.iter_batches(
            batch_size=None, batch_format="numpy", prefetch_batches=1
        ):
            for chunk in np.unique(block["chunk"]):
                pick = block["chunk"] == chunk
                pending.setdefault(int(chunk), []).append(
                    (block["row"][pick], [block[f"out{i}"][pick] for i in range(len(stems))])
                )
                begin, end = bounds[int(chunk)]
                if sum(len(rows) for rows, _ in pending[int(chunk)]) == end - begin:
                    parts = pending.pop(int(chunk))
                    order = np.argsort(np.concatenate([rows for rows, _ in parts]), kind="stable")
                    yield (
                        int(chunk),
                        [
                            np.concatenate(v)[order]
                            for v in zip(*[values for _, values in parts], strict=True)
                        ],
                    )
    finally:
        ray.shutdown()
