"""Benchmark: ways of getting each branch's values before the merge, and the memory of streaming.

    python -m benchmarks.extraction            # full run
    python -m benchmarks.extraction --quick    # under a minute on 2 cores
    python -m benchmarks.extraction --json     # ... and one JSON object on the last line
    python -m benchmarks.extraction --save benchmarks/results/extraction.json
    python -m benchmarks.extraction --page    # rewrite the generated tables of docs/benchmarks.md

On a three-branch convolutional model it times, per batch (median over repeats, after warm-up):
(a) one sub-model `predict_on_batch` per branch, (b) one extractor returning all branches,
(c) a plain forward pass of the full model, (d) a loop over single samples. Then it runs
the `extract-layers` program on two dataset sizes, one ten times the other, each in fresh
processes, and reports the median peak resident memory for each size.

End to end, in fresh processes: (e) the program against a plain `predict` of the same layers on the
same data (load, compute, save), and (f) the program's Ray engine on this machine against its
local engine (when Ray is installed). Then the peak memory of each engine's whole process tree
(Ray's workers included) at both dataset sizes. (g) The same on a folder of JPEG files: the program
against the plain Keras scripts a user would write (image_dataset_from_directory, or load_img in a
loop, then predict and save), and its peak memory on the two folder sizes. `KERAS_BACKEND` picks
the backend.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
from pathlib import Path

from benchmarks.end_to_end import end_to_end
from benchmarks.images import image_folders
from benchmarks.memory import median_peaks
from benchmarks.model import build_model
from benchmarks.per_batch import time_methods
from benchmarks.report import PAGE, report, write_page


def run(quick: bool) -> dict:
    import importlib.metadata

    load_at_start = os.getloadavg()[0]  # the machine's load before this run adds its own
    batch_size, warmup, repeats = (32, 2, 7) if quick else (64, 3, 25)
    small, runs = (256, 3) if quick else (1024, 5)
    timings = time_methods(batch_size, warmup, repeats)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model_path = folder / "three_branches.keras"
        build_model().save(model_path)
        peaks = median_peaks(model_path, (small, small * 10), runs, batch_size, folder)
        e2e = end_to_end(model_path, folder, (small, small * 10), batch_size, quick)
        images = image_folders(model_path, folder, (small, small * 10), batch_size, quick)
    sizes = list(peaks)
    return {
        **timings,
        "peak_rss_mb": peaks,
        "one_pass_speedup_vs_per_branch": timings["per_branch_s"] / timings["single_pass_s"],
        "one_pass_vs_forward": timings["single_pass_s"] / timings["forward_s"],
        "one_pass_vs_forward_on_device": timings["single_pass_on_device_s"] / timings["forward_on_device_s"],
        "peak_rss_growth": peaks[sizes[1]] / peaks[sizes[0]] - 1,
        **e2e,
        **images,
        "backend": os.environ["KERAS_BACKEND"],
        "device": device_name(),
        "batch_size": batch_size,
        "repeats": repeats,
        "memory_runs_per_size": runs,
        "load_average_at_start": load_at_start,
        "quick": quick,
        "machine": {
            "cpu_count": os.cpu_count(),
            "processor": platform.machine(),
            "system": f"{platform.system()} {platform.release()}",
        },
        "versions": {
            "python": platform.python_version(),
            **{p: importlib.metadata.version(p) for p in ("tensorflow", "jax", "torch", "ray", "keras", "numpy")
               if installed(p)},
        },
    }


def installed(package: str) -> bool:
    import importlib.metadata

    try:
        importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def device_name() -> str:
    """What the model ran on: a GPU's name when the backend sees one, else "CPU"."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        return gpus[0].device_kind if gpus else "CPU"
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU") if gpus else "CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller datasets")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    parser.add_argument("--save", type=Path, help="also write the JSON results to this file (replacing it)")
    parser.add_argument("--page", action="store_true",
                        help="only rewrite the generated tables of docs/benchmarks.md from benchmarks/results/")
    args = parser.parse_args(argv)
    if args.page:
        write_page()
        print(f"wrote {PAGE}")
        return 0
    if args.save and not args.save.parent.is_dir():
        parser.error(f"--save: folder {args.save.parent} does not exist")
    results = run(args.quick)
    print(report(results))
    if args.save:
        args.save.write_text(json.dumps(results, indent=2) + "\n")
        print(f"saved {args.save}")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
