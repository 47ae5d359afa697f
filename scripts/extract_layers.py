"""Write the outputs of chosen layers of a saved Keras model, for every sample of a .npy file.

    python scripts/extract_layers.py model.keras inputs.npy --layers branch_a block/conv --out acts/

One .npy file per layer, streamed batch by batch into a memory-mapped file, so memory stays
bounded whatever the number of samples. Layer names may be paths into nested models
(`block/conv`). Nothing on disk is lost: existing outputs are refused unless --overwrite, and
results are written under a temporary name and renamed only once complete.

Several processes or machines can split the work: `--num-shards N --shard-index I` processes the
I-th of N contiguous slices of the inputs and names its files `<layer>.shard-I-of-N.npy`;
concatenating the shards in index order gives the single-process result. When more than one GPU
is visible (or `--logical-cpus N` splits the CPU, to try it without GPUs), batches run under
`tf.distribute.MirroredStrategy`. This program is TensorFlow-specific for that reason.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

CHUNK_BATCHES = 8  # batches handed to predict() at once: bounds memory, amortises its overhead


def npy_layout(path: Path) -> tuple[int, tuple, np.dtype]:
    """Header size, shape and dtype of a .npy file, without reading its data."""
    array = np.load(path, mmap_mode="r")
    return array.offset, array.shape, array.dtype


def rows_window(path: Path, mode: str, start: int, count: int) -> np.memmap:
    """A memory map of rows start..start+count of a .npy file, and of nothing else.

    Mapping one window at a time (instead of the whole file) keeps the pages already read or
    written out of this process's memory, so its peak stays flat however large the file is.
    """
    offset, shape, dtype = npy_layout(path)
    row_bytes = int(np.prod(shape[1:], dtype=np.int64)) * dtype.itemsize
    return np.memmap(path, dtype=dtype, mode=mode, offset=offset + start * row_bytes, shape=(count, *shape[1:]))


class UsageError(Exception):
    """Bad input: reported as one clear line and exit status 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model", type=Path, help="a saved .keras model")
    parser.add_argument("inputs", type=Path, help="a .npy file: one sample per row")
    parser.add_argument("--layers", nargs="+", required=True, help="layer names or nested paths")
    parser.add_argument("--out", type=Path, required=True, help="folder for the .npy outputs")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    parser.add_argument("--num-shards", type=int, default=1)
    parser.add_argument("--shard-index", type=int, default=0)
    parser.add_argument("--logical-cpus", type=int, default=1, help="split the CPU into N devices")
    parser.add_argument("--unsafe", action="store_true", help="load with safe_mode=False (Lambda layers; trusted files only)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if args.num_shards < 1 or not 0 <= args.shard_index < args.num_shards:
        parser.error(f"--shard-index must be in 0..{args.num_shards - 1} for --num-shards {args.num_shards}")
    if args.logical_cpus < 1:
        parser.error("--logical-cpus must be at least 1")
    return args


def output_path(out: Path, layer_path: str, shard_index: int, num_shards: int) -> Path:
    stem = layer_path.replace("/", "__")
    if num_shards > 1:
        stem += f".shard-{shard_index:05d}-of-{num_shards:05d}"
    return out / f"{stem}.npy"


def shard_rows(total: int, shard_index: int, num_shards: int) -> tuple[int, int]:
    """Contiguous, near-equal slices that cover 0..total exactly once, in shard order."""
    return total * shard_index // num_shards, total * (shard_index + 1) // num_shards


def check_before_loading(args: argparse.Namespace) -> dict[str, Path]:
    for path, what in ((args.model, "model"), (args.inputs, "inputs")):
        if not path.is_file():
            raise UsageError(f"{what} file not found: {path}")
    if len(set(args.layers)) != len(args.layers):
        raise UsageError("a layer is named twice in --layers")
    targets = {p: output_path(args.out, p, args.shard_index, args.num_shards) for p in args.layers}
    existing = [str(t) for t in targets.values() if t.exists()]
    if existing and not args.overwrite:
        raise UsageError(f"output already exists (pass --overwrite to replace): {', '.join(existing)}")
    return targets


def start_tensorflow(logical_cpus: int):
    """Import TensorFlow, split the CPU if asked, and pick the distribution strategy."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import tensorflow as tf

    if logical_cpus > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(logical_cpus)]
        )
    gpus = tf.config.list_logical_devices("GPU")
    devices = gpus if len(gpus) > 1 else tf.config.list_logical_devices("CPU")
    if len(devices) > 1:
        return tf.distribute.MirroredStrategy([d.name for d in devices])
    return tf.distribute.get_strategy()


def all_layer_paths(model, prefix: str = "") -> list[str]:
    import keras

    paths = []
    for layer in model.layers:
        paths.append(f"{prefix}{layer.name}")
        if isinstance(layer, keras.Model):
            paths.extend(all_layer_paths(layer, f"{prefix}{layer.name}/"))
    return paths


def layer_output(model, path: str):
    """The symbolic output of the layer at `path`, connected to `model`'s own inputs."""
    import keras

    head, _, rest = path.partition("/")
    layer = model.get_layer(head)
    if not rest:
        return layer.output
    if not isinstance(layer, keras.Model):
        raise ValueError(f"{head} is a {type(layer).__name__}, not a model, so it has no {rest}")
    inner = keras.Model(layer.inputs, layer_output(layer, rest))
    # The tensor that feeds the nested model in this graph. Keras has no public accessor for it.
    nodes = layer._inbound_nodes
    if len(nodes) != 1:
        raise ValueError(f"{head} is called {len(nodes)} times in the model; which call is meant is ambiguous")
    return inner(nodes[0].input_tensors[0] if len(nodes[0].input_tensors) == 1 else nodes[0].input_tensors)


def build_extractor(model, layer_paths: list[str]):
    import keras

    if isinstance(model, keras.Sequential) and not model.inputs:
        raise UsageError("the Sequential model has no Input layer, so its layers have no outputs yet")
    if not hasattr(model, "inputs") or model.inputs is None or not model.inputs:
        raise UsageError("the model has no functional graph (a subclassed model?): layer outputs cannot be reached")
    if len(model.inputs) != 1:
        raise UsageError(f"the model has {len(model.inputs)} inputs; this program feeds one .npy file to one input")
    outputs = []
    for path in layer_paths:
        try:
            outputs.append(layer_output(model, path))
        except ValueError as err:
            known = ", ".join(all_layer_paths(model))
            reason = str(err).rstrip(".")
            raise UsageError(f"cannot use layer {path!r}: {reason}. Layers in this model: {known}") from None
    return keras.Model(model.inputs, outputs)


def check_inputs(input_shape: tuple, model) -> None:
    expected = tuple(model.inputs[0].shape[1:])
    got = input_shape[1:]
    fits = len(got) == len(expected) and all(e is None or e == g for e, g in zip(expected, got))
    if not fits:
        raise UsageError(
            f"each sample in the inputs has shape {got} (the file holds {input_shape}), "
            f"but the model expects samples of shape {expected}"
        )
    if input_shape[0] == 0:
        raise UsageError("the inputs file holds no samples")


def extract(args: argparse.Namespace, targets: dict[str, Path]) -> dict[str, tuple]:
    from tqdm import tqdm

    strategy = start_tensorflow(args.logical_cpus)
    import keras

    replicas = strategy.num_replicas_in_sync
    batch_size = args.batch_size
    if replicas > 1:
        batch_size = -(-batch_size // replicas) * replicas  # every replica gets the same share
        print(f"running under MirroredStrategy with {replicas} replicas, batch size {batch_size}", file=sys.stderr)
    with strategy.scope():
        try:
            model = keras.models.load_model(args.model, safe_mode=not args.unsafe)
        except (ValueError, OSError) as err:
            raise UsageError(f"cannot load {args.model}: {err}") from None
        extractor = build_extractor(model, args.layers)
    _, input_shape, _ = npy_layout(args.inputs)
    check_inputs(input_shape, model)
    start, stop = shard_rows(input_shape[0], args.shard_index, args.num_shards)
    dtype = model.inputs[0].dtype

    args.out.mkdir(parents=True, exist_ok=True)
    partial = {p: t.with_name(t.name + ".partial") for p, t in targets.items()}
    created: set[str] = set()
    chunk = batch_size * CHUNK_BATCHES
    try:
        with tqdm(total=stop - start, unit="sample", disable=args.no_progress, file=sys.stderr) as bar:
            for begin in range(start, stop, chunk):
                end = min(begin + chunk, stop)
                window = rows_window(args.inputs, "r", begin, end - begin)
                batch = np.asarray(window, dtype=dtype)
                del window
                if replicas > 1:
                    # A last batch too small to give every replica a sample fails under
                    # MirroredStrategy (TensorFlow 2.21): pad with copies of the last sample.
                    padding = -len(batch) % batch_size
                    batch = np.concatenate([batch, np.repeat(batch[-1:], padding, axis=0)])
                    values = extractor.predict(batch, batch_size=batch_size, verbose=0)  # splits across replicas
                else:  # predict_on_batch() builds no input pipeline per call, so memory stays flat
                    parts = [extractor.predict_on_batch(batch[i : i + batch_size]) for i in range(0, len(batch), batch_size)]
                    values = [np.concatenate(p) for p in zip(*parts)] if len(args.layers) > 1 else [np.concatenate(parts)]
                values = values if isinstance(values, list) else [values]
                for path, value in zip(args.layers, values):
                    value = value[: end - begin]
                    if path not in created:  # allocate the whole file; its data stays on disk
                        shape = (stop - start, *value.shape[1:])
                        np.lib.format.open_memmap(partial[path], mode="w+", dtype=value.dtype, shape=shape)
                        created.add(path)
                    out = rows_window(partial[path], "r+", begin - start, end - begin)
                    out[:] = value
                    out.flush()
                    del out
                bar.update(end - begin)
        shapes = {path: npy_layout(partial[path])[1] for path in args.layers}
        for path in args.layers:
            os.replace(partial[path], targets[path])
        return shapes
    finally:
        for leftover in partial.values():
            leftover.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        targets = check_before_loading(args)
        shapes = extract(args, targets)
    except UsageError as err:
        print(f"extract_layers: error: {err}", file=sys.stderr)
        return 2
    for path, shape in shapes.items():
        print(f"{targets[path]}  {shape}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
