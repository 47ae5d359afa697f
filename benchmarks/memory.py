"""Streaming's memory: the program's peak resident memory on two dataset sizes, one ten times the
other, each in a fresh process."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.model import EXTRACT, INPUT_SHAPE, program_command


def write_inputs(path: Path, samples: int) -> None:
    import numpy as np

    out = np.lib.format.open_memmap(path, mode="w+", dtype="float32", shape=(samples, *INPUT_SHAPE))
    rng = np.random.default_rng(0)
    for start in range(0, samples, 256):
        out[start : start + 256] = rng.normal(size=out[start : start + 256].shape)
    out.flush()


def peak_rss_of_extraction(model_path: Path, inputs: Path, batch_size: int, out: Path) -> float:
    """Run the shipped extractor on `inputs` in a fresh process; its peak RSS in MB."""
    arguments = program_command(model_path, inputs, out, batch_size, "local")[len(EXTRACT) :]
    runner = (
        "import os, resource, runpy, sys\n"
        f"sys.argv = ['extract-layers', *{arguments!r}]\n"
        "try:\n    runpy.run_module('extract_layers', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as stop:\n    assert not stop.code, stop.code\n"
        # Linux: VmHWM, not getrusage's ru_maxrss, which Linux carries over fork and exec (a child
        # would report this benchmark's own peak whenever it is the higher). macOS: ru_maxrss, in bytes.
        "if os.path.exists('/proc/self/status'):\n"
        "    peak = next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:'))\n"
        "else:\n    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        "print('PEAK_RSS_KB', peak)\n"
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
