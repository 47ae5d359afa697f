"""The command line: options, every check before any work, the run, messages and exit status."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from contextlib import nullcontext
from pathlib import Path

from .graph import UsageError
from .images import CROPS, FILTERS, ImageFolder, image_spec, print_lines
from .io import Outputs, file_signature, match_inputs, parse_inputs, shard_rows

CHUNK_BATCHES = 8  # batches per chunk: the unit of reading, writing and resuming
# Tests only: the process kills itself (SIGKILL, no clean-up) once this many chunks are on disk.
KILL_AFTER_ENV = "EXTRACT_LAYERS_KILL_AFTER_CHUNKS"

DESCRIPTION = """\
Write the outputs of chosen layers, or the inputs of chosen merge layers (the value of each
branch before the merge), of a saved Keras model, for every sample of the inputs.

  extract-layers model.keras --list
  extract-layers model.keras inputs.npy --layers block/conv --out acts/
  extract-layers model.keras inputs.npy --merge-inputs mixed0 --out acts/
  extract-layers model.keras image=images.npy meta=meta.npy --layers head --out acts/
  extract-layers model.keras photos/ --merge-inputs mixed0 --out acts/

--list prints every merge of the model (merge layers, and operations such as `x + y`, in nested
models too): the layer or operation producing each input, its shape, and the argument that
extracts it. One .npy file per tensor, streamed chunk by chunk into a memory-mapped file, so memory
stays bounded whatever the number of samples. Layer names may be paths into nested models
(`block/conv`); an operation is named as a layer is. --merge-inputs MERGE writes one file per input
of that merge, `MERGE.in<i>.<PRODUCER>.npy`, named after the merge and the layer producing that
input (`/` in paths becomes `__`; `.out<i>` for output i of a nested model with several outputs,
`.call<n>` for the n-th call of a layer called several times). Both options may be given together:
everything comes from one pass over the data.

A folder of images (subfolders included, hidden files and folders left out) gives one row per
file, in the order of the files' paths; `files.txt` in --out lists them in that order. Each image is decoded
by Pillow, converted to the model's channels (1: L, 3: RGB, 4: RGBA), then cropped (--crop),
resized to the model's input size (--resize) and scaled (--scale, --offset). Every file is
checked before any work: a file that is not a readable image is refused, with one line each,
unless --skip-bad-files.

Nothing on disk is lost: outputs are written as `<name>.npy.partial` and renamed once complete;
existing outputs are refused unless --overwrite; an interrupted run (even killed) continues with
--resume, without recomputing the chunks already on disk.

Backend: KERAS_BACKEND (tensorflow, jax or torch; tensorflow when unset). Exit status: 0 done,
2 bad input (one line on stderr saying what to change; nothing written), 130 interrupted (Ctrl-C).
"""

EPILOG = """\
Splitting the work:
  --num-shards N --shard-index I    the I-th of N contiguous slices, in files named
                                    <name>.shard-IIIII-of-NNNNN.npy, zero-padded to five digits
                                    (--num-shards 4 --shard-index 1: head.shard-00001-of-00004.npy);
                                    concatenated in index order they are the single-process
                                    result (one process per machine/GPU)
  TensorFlow, several GPUs          tf.distribute.MirroredStrategy, automatically
  JAX, several devices              keras.distribution.DataParallel, automatically
  --engine ray                      a Ray Data pipeline: this machine, or --ray-address
                                    (pip install ".[ray]" in a clone); its actors read the
                                    inputs and write --out themselves: on a cluster, model,
                                    inputs and --out must be at the same path on every node
See docs/scaling_extraction.md.
"""


class Parser(argparse.ArgumentParser):
    """argparse, but a refusal is one line naming the option (not the whole usage), exit 2."""

    def error(self, message: str):
        print(f"{self.prog}: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def number(text: str) -> float:
    """A float, or a fraction such as 1/255."""
    try:
        top, _, bottom = text.partition("/")
        return float(top) / float(bottom) if bottom else float(top)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"expected a number or a fraction such as 1/255, got {text!r}") from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = Parser(
        prog="extract-layers",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", type=Path, help="a saved .keras model")
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUTS",
        help="one .npy file (one sample per row) or a folder of images for a one-input model; for a model "
        "with several inputs, NAME=FILE.npy for each input (NAME as in model.inputs), or one .npz whose keys "
        "are the input names (an uncompressed .npz is streamed; a compressed one is read whole)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="print every merge of the model (merge layers and operations, nested models included) with "
        "the producer and shape of each input and the argument that extracts it, then stop (no INPUTS, no --out)",
    )
    parser.add_argument(
        "--layers",
        nargs="+",
        default=[],
        metavar="LAYER",
        help="layers whose outputs to write; nested paths allowed (block/conv)",
    )
    parser.add_argument(
        "--merge-inputs",
        nargs="+",
        default=[],
        metavar="MERGE",
        help="merge layers (Concatenate, Add, ...) whose every input to write, one file each; "
        "nested paths allowed",
    )
    parser.add_argument(
        "--out", type=Path, help="folder for the .npy outputs (created if missing); required unless --list"
    )
    parser.add_argument(
        "--batch-size", type=int, default=64, help="samples per forward pass (default 64)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--overwrite",
        action="store_true",
        help="start from zero and replace existing outputs (they stay intact until the new ones are "
        "complete); another run's interrupted outputs (other layers) are refused, not dropped",
    )
    mode.add_argument(
        "--resume",
        action="store_true",
        help="continue the interrupted run recorded in --out (same arguments); chunks already on disk "
        "are not recomputed; complete outputs made from the same model and inputs are left as they are "
        "(made from others: refused)",
    )
    parser.add_argument(
        "--num-shards",
        type=int,
        default=1,
        help="split the inputs into N contiguous slices (default 1)",
    )
    parser.add_argument(
        "--shard-index",
        type=int,
        default=0,
        help="which slice this process writes, 0..N-1 (default 0)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help='local: this process (default); ray: a Ray Data pipeline (needs Ray: pip install ".[ray]")',
    )
    parser.add_argument(
        "--ray-address",
        default=None,
        metavar="ADDRESS",
        help="with --engine ray: an existing cluster (HOST:PORT of its head, ray://HOST:PORT for Ray Client, or "
        "'auto'); default: start Ray on this machine",
    )
    parser.add_argument(
        "--ray-actors",
        type=int,
        default=0,
        metavar="N",
        help="with --engine ray: model replicas (default: the cluster's CPUs less one, at least 1)",
    )
    parser.add_argument(
        "--logical-cpus",
        type=int,
        default=1,
        metavar="N",
        help="TensorFlow and JAX: split the CPU into N devices, under MirroredStrategy or DataParallel (to try "
        "them without GPUs)",
    )
    images = parser.add_argument_group("a folder of images as INPUTS")
    images.add_argument(
        "--image-size",
        type=int,
        nargs=2,
        metavar=("HEIGHT", "WIDTH"),
        help="the size images are resized to (default: the model's input size; needed when it has none)",
    )
    images.add_argument(
        "--crop",
        choices=CROPS,
        help="none (default): the whole image, stretched to the size; center: the largest centered region "
        "of the size's aspect ratio, so nothing is stretched (Keras's crop_to_aspect_ratio)",
    )
    images.add_argument(
        "--resize",
        choices=FILTERS,
        help="Pillow's filter for resizing (default bilinear)",
    )
    images.add_argument(
        "--scale",
        type=number,
        metavar="FACTOR",
        help="each pixel value (0..255) is multiplied by FACTOR, then --offset is added, as "
        "keras.layers.Rescaling does (default 1: values 0..255; 1/255: 0..1; 1/127.5 with --offset -1: -1..1)",
    )
    images.add_argument("--offset", type=number, help="added after --scale (default 0)")
    images.add_argument(
        "--skip-bad-files",
        action="store_true",
        help="leave out the files that are not readable images, listing each on stderr (default: refuse them)",
    )
    parser.add_argument(
        "--unsafe",
        action="store_true",
        help="load with safe_mode=False (Lambda layers; trusted files only)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_intermixed_args(argv)
    if args.list:
        given = [option for option, value in (("INPUTS", args.inputs), ("--out", args.out), ("--layers", args.layers),
                                              ("--merge-inputs", args.merge_inputs)) if value]
        if given:
            parser.error(f"--list takes only the model: leave out {', '.join(given)}")
        return args
    if not args.inputs:
        parser.error("the following arguments are required: INPUTS")
    if args.out is None:
        parser.error("the following arguments are required: --out")
    if not args.layers and not args.merge_inputs:
        parser.error("give --layers, --merge-inputs, or both")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if args.num_shards < 1 or not 0 <= args.shard_index < args.num_shards:
        parser.error(
            f"--shard-index must be in 0..{args.num_shards - 1} for --num-shards {args.num_shards}"
        )
    if args.image_size is not None and min(args.image_size) < 1:
        parser.error("--image-size HEIGHT WIDTH: both must be at least 1 (pixels)")
    if args.logical_cpus < 1:
        parser.error("--logical-cpus must be at least 1")
    if args.engine != "ray" and (args.ray_address or args.ray_actors):
        parser.error("--ray-address and --ray-actors need --engine ray")
    if args.ray_actors < 0:
        parser.error("--ray-actors must be at least 1")
    if args.engine == "ray" and args.logical_cpus > 1:
        parser.error("--logical-cpus is for the local engine")
    return args


IMAGE_OPTIONS = ("image_size", "crop", "resize", "scale", "offset", "skip_bad_files")


def extract(args: argparse.Namespace) -> tuple[Outputs, dict[str, tuple] | None]:
    """Checks, then the run; Ray (--engine ray) is shut down whatever happens."""
    from .runtime import check_model_file

    check_model_file(args.model)
    columns = parse_inputs(args.inputs, args.out)
    if not isinstance(columns[0], ImageFolder):
        given = [f"--{o.replace('_', '-')}" for o in IMAGE_OPTIONS if getattr(args, o) not in (None, False)]
        if given:
            raise UsageError(f"{', '.join(given)} apply to a folder of images; the inputs are arrays")
    session = None
    try:
        if args.engine == "ray":
            from . import engine_ray

            session = engine_ray.Session(args)  # Ray comes up while Keras loads the model
        return run(args, columns, session)
    finally:
        if isinstance(columns[0], ImageFolder):
            columns[0].close()
        if session is not None:
            session.shutdown()
            args.ray_stuck = session.stuck


def run(args: argparse.Namespace, columns: list, session) -> tuple[Outputs, dict[str, tuple] | None]:
    from tqdm import tqdm

    from . import engine_local
    from .graph import build_extractor, functional
    from .runtime import import_keras, load_model, quiet_stderr

    folder = columns[0] if isinstance(columns[0], ImageFolder) else None
    with quiet_stderr() if session is not None else nullcontext():
        import_keras()
        parallel = engine_local.Parallel(args.logical_cpus, local=session is None)
        with parallel.scope:
            model = load_model(args.model, args.unsafe)
            extractor, stems = build_extractor(model, args.layers, args.merge_inputs)
        skipped = settle_images(folder, functional(model).inputs, args) if folder else []
        columns = match_inputs(columns, functional(model).inputs)
        total = columns[0].shape[0]
        if total == 0:
            raise UsageError("the inputs hold no samples")
        start, stop = shard_rows(total, args.shard_index, args.num_shards)
        batch_size = engine_local.batch_size_for(args.batch_size, parallel.replicas)
        sample = None
        if session is not None or start == stop:
            # one sample's outputs give the files' shapes before any chunk is written: the Ray
            # engine's actors write into them, and an empty shard still gets its (0, ...) files
            row = min(start, total - 1)
            sample = engine_local.run_chunk(extractor, columns, row, row + 1, batch_size, parallel.replicas)
        if session is not None:
            session.wait()  # inside the quiet block: Ray's start-up messages stay out
    print_lines(skipped)
    listing = folder.files[start:stop] if folder else None
    outputs = Outputs(args.out, stems, args.shard_index, args.num_shards, listing)
    signature = {
        "model": file_signature(args.model),
        "inputs": [[c.name, *(c.signature() if c is folder else file_signature(c.path))] for c in columns],
        "outputs": stems,
        "shard": [args.shard_index, args.num_shards],
    }
    if not outputs.prepare(
        signature, stop - start, batch_size * CHUNK_BATCHES, args.resume, args.overwrite
    ):
        return outputs, None
    chunks = [(c, *outputs.rows_of(c)) for c in outputs.pending()]
    kill_after = int(os.environ.get(KILL_AFTER_ENV, "0"))
    rows_before = sum(
        e - b for c, b, e in [(c, *outputs.rows_of(c)) for c in outputs.progress["done"]]
    )
    results = None
    try:
        if sample is not None:
            outputs.create(sample)
        if session is not None:
            partials = [outputs.partial[stem] for stem in stems]
            results = session.compute(partials, columns, chunks, start, batch_size)
        else:
            results = engine_local.compute(extractor, columns, chunks, start, batch_size, parallel)
        with tqdm(
            total=stop - start,
            initial=rows_before,
            unit="sample",
            disable=args.no_progress,
            file=sys.stderr,
        ) as bar:
            for count, (chunk, values) in enumerate(results, 1):
                outputs.write(chunk, values)
                bar.update(outputs.rows_of(chunk)[1] - outputs.rows_of(chunk)[0])
                if kill_after and count == kill_after:
                    os.kill(os.getpid(), signal.SIGKILL)
        return outputs, outputs.finish()
    except BaseException:
        outputs.abandon()
        if hasattr(results, "close"):
            results.close()  # the local engine's read-ahead thread stops now, not when the generator is collected
        raise


def settle_images(folder: ImageFolder, inputs: list, args: argparse.Namespace) -> list[str]:
    """How the folder's images become rows for the model's one input; wait for the files' check.
    Returns the lines listing the files --skip-bad-files leaves out."""
    if len(inputs) != 1:
        names = ", ".join(tensor.name for tensor in inputs)
        raise UsageError(f"{folder.shown} is a folder of images, which can feed a one-input model only; this model "
                         f"has {len(inputs)} inputs ({names}): give NAME=FILE.npy for each")
    folder.spec = image_spec(
        folder, inputs[0], args.image_size, args.crop or "none", args.resize or "bilinear",
        1.0 if args.scale is None else args.scale, 0.0 if args.offset is None else args.offset,
    )
    folder.dtype = inputs[0].dtype
    return folder.settle(args.skip_bad_files)


def list_merges(args: argparse.Namespace) -> int:
    from .listing import describe
    from .runtime import check_model_file, import_keras, load_model

    check_model_file(args.model)
    import_keras()
    print(describe(load_model(args.model, args.unsafe), args.model))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.list:
            return list_merges(args)
        outputs, shapes = extract(args)
    except UsageError as err:
        for line in str(err).splitlines():  # one line; a list of bad files, one line each
            print(f"extract_layers: error: {line}", file=sys.stderr)
        return leave(args, 2)
    except KeyboardInterrupt:
        print(f"extract_layers: interrupted; {what_is_left(args)}", file=sys.stderr)
        return leave(args, 130)
    if shapes is None:
        print(
            f"extract_layers: nothing to do: every output in {args.out} is complete",
            file=sys.stderr,
        )
        shapes = {}
    for stem, shape in shapes.items():
        print(f"{outputs.final[stem]}  {shape}")
    return 0


def what_is_left(args: argparse.Namespace) -> str:
    progress = Outputs(args.out, [], args.shard_index, args.num_shards).progress_file
    try:
        unfinished = not json.loads(progress.read_text()).get("complete")
    except FileNotFoundError:
        unfinished = False
    except (OSError, ValueError):  # unreadable: say how to find out
        unfinished = True
    return "run again with --resume to continue" if unfinished else "no chunk was written, nothing to resume"


def leave(args: argparse.Namespace, code: int) -> int:
    """The exit status; at once when Ray is still starting in its thread (a wrong address, an
    interrupt): Ray's exit handlers would wait for that start, and its messages would follow."""
    if getattr(args, "ray_stuck", False):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
