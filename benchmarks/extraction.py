"""Benchmark: ways of getting each branch's values before the merge, and the memory of streaming.

    python benchmarks/extraction.py            # full run
    python benchmarks/extraction.py --quick    # under a minute on 2 cores
    python benchmarks/extraction.py --json     # ... and one JSON object on the last line
    python benchmarks/extraction.py --save benchmarks/results/extraction.json

On a three-branch convolutional model it times, per batch (median over repeats, after warm-up):
(a) one sub-model `predict_on_batch` per branch, (b) one extractor returning all branches,
(c) a plain forward pass of the full model, (d) a loop over single samples. Then it runs
`scripts/extract_layers.py` on two dataset sizes, one ten times the other, each in fresh
processes, and reports the median peak resident memory for each size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "scripts" / "extract_layers.py"
INPUT_SHAPE = (64, 64, 3)
BRANCH_LAYERS = ["branch_1x1", "branch_3x3", "branch_5x5"]

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def build_model():
    """A stem that does most of the work, then three branches joined on channels."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    image = keras.Input(shape=INPUT_SHAPE, name="image")
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="stem_1")(image)
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="stem_2")(x)
    x = layers.MaxPooling2D(2, name="stem_pool")(x)
    x = layers.Conv2D(48, 3, padding="same", activation="relu", name="stem_3")(x)
    branches = []
    for k in (1, 3, 5):
        b = layers.Conv2D(16, k, padding="same", activation="relu", name=f"branch_{k}x{k}_conv")(x)
        branches.append(layers.MaxPooling2D(2, name=f"branch_{k}x{k}")(b))
    merged = layers.Concatenate(name="merge")(branches)
    pooled = layers.GlobalAveragePooling2D(name="pool")(merged)
    return keras.Model(image, layers.Dense(10, name="head")(pooled), name="three_branches")


def median_seconds(call, warmup: int, repeats: int) -> float:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
    for sub_model, value in zip(sub_models, one_pass):
        assert np.allclose(sub_model.predict_on_batch(batch), value, atol=1e-5)

    def per_sample() -> None:
        for i in range(batch_size):
            extractor.predict_on_batch(batch[i : i + 1])

    return {
        "per_branch_s": median_seconds(lambda: [m.predict_on_batch(batch) for m in sub_models], warmup, repeats),
        "single_pass_s": median_seconds(lambda: extractor.predict_on_batch(batch), warmup, repeats),
        "forward_s": median_seconds(lambda: model.predict_on_batch(batch), warmup, repeats),
        "per_sample_s": median_seconds(per_sample, 1, max(3, repeats // 4)),
    }


def write_inputs(path: Path, samples: int) -> None:
    import numpy as np

    out = np.lib.format.open_memmap(path, mode="w+", dtype="float32", shape=(samples, *INPUT_SHAPE))
    rng = np.random.default_rng(0)
    for start in range(0, samples, 256):
        out[start : start + 256] = rng.normal(size=out[start : start + 256].shape)
    out.flush()


def peak_rss_of_extraction(model_path: Path, inputs: Path, batch_size: int, out: Path) -> float:
    """Run the shipped extractor on `inputs` in a fresh process; its peak RSS in MB."""
    runner = (
        "import resource, runpy, sys\n"
        f"sys.argv = {[str(EXTRACT), str(model_path), str(inputs), '--layers', *BRANCH_LAYERS, '--out', str(out), '--batch-size', str(batch_size), '--no-progress']!r}\n"
        "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit as stop:\n    assert not stop.code, stop.code\n"
        "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run([sys.executable, "-c", runner], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"extraction of {inputs.name} failed:\n{result.stderr[-3000:]}")
    peak_kb = next(int(line.split()[1]) for line in result.stdout.splitlines() if line.startswith("PEAK_RSS_KB"))
    shutil.rmtree(out)
    return peak_kb / 1024


def median_peaks(model_path: Path, sizes: tuple[int, int], runs: int, batch_size: int, folder: Path) -> dict:
    """Median peak RSS per dataset size. A TensorFlow process's baseline varies by tens of MB
    from one start to the next, so each size runs several times, the sizes taking turns."""
    for samples in sizes:
        write_inputs(folder / f"inputs_{samples}.npy", samples)
    peaks: dict[int, list[float]] = {samples: [] for samples in sizes}
    for run_index in range(runs):
        for samples in sizes:
            out = folder / f"out_{samples}_{run_index}"
            peaks[samples].append(peak_rss_of_extraction(model_path, folder / f"inputs_{samples}.npy", batch_size, out))
    return {str(samples): statistics.median(values) for samples, values in peaks.items()}


def run(quick: bool) -> dict:
    import importlib.metadata

    batch_size, warmup, repeats = (32, 2, 7) if quick else (64, 3, 25)
    small, runs = (256, 3) if quick else (1024, 5)
    timings = time_methods(batch_size, warmup, repeats)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model_path = folder / "three_branches.keras"
        build_model().save(model_path)
        peaks = median_peaks(model_path, (small, small * 10), runs, batch_size, folder)
    sizes = list(peaks)
    return {
        **timings,
        "peak_rss_mb": peaks,
        "one_pass_speedup_vs_per_branch": timings["per_branch_s"] / timings["single_pass_s"],
        "one_pass_vs_forward": timings["single_pass_s"] / timings["forward_s"],
        "peak_rss_growth": peaks[sizes[1]] / peaks[sizes[0]] - 1,
        "batch_size": batch_size,
        "repeats": repeats,
        "memory_runs_per_size": runs,
        "quick": quick,
        "machine": {
            "cpu_count": os.cpu_count(),
            "processor": platform.machine(),
            "system": f"{platform.system()} {platform.release()}",
        },
        "versions": {
            "python": platform.python_version(),
            **{p: importlib.metadata.version(p) for p in ("tensorflow", "keras", "numpy")},
        },
    }


def report(results: dict) -> str:
    sizes = list(results["peak_rss_mb"])
    return "\n".join(
        [
            f"seconds per batch of {results['batch_size']} (median of {results['repeats']}):",
            f"  (a) sub-model per branch  {results['per_branch_s']:.4f}",
            f"  (b) one-pass extractor    {results['single_pass_s']:.4f}",
            f"  (c) plain forward pass    {results['forward_s']:.4f}",
            f"  (d) per-sample loop       {results['per_sample_s']:.4f}",
            f"one pass is {results['one_pass_speedup_vs_per_branch']:.2f}x faster than per-branch sub-models "
            f"and takes {results['one_pass_vs_forward']:.2f}x a plain forward pass",
            f"peak memory of extraction (median of {results['memory_runs_per_size']} runs): "
            f"{results['peak_rss_mb'][sizes[0]]:.0f} MB for {sizes[0]} samples, "
            f"{results['peak_rss_mb'][sizes[1]]:.0f} MB for {sizes[1]} ({results['peak_rss_growth']:+.1%})",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller datasets")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    parser.add_argument("--save", type=Path, help="also write the JSON results to this file (replacing it)")
    args = parser.parse_args(argv)
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
