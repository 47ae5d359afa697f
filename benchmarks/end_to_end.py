"""(e) and (f), end to end in fresh processes: the program against a plain `predict` of the same
layers, its Ray engine against its local engine, and each engine's whole process tree's memory."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.model import predict_command, program_command


def measure(command: list[str], out: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of a command's whole process tree, sampled."""
    import psutil

    out.mkdir(parents=True)
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{stderr[-3000:]}")
    shutil.rmtree(out)
    return seconds, peak / 2**20


def ray_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("ray") is not None


def linear_fit(wall: dict[int, float]) -> tuple[float, float]:
    """(fixed seconds, seconds per sample) of a run time measured at two dataset sizes."""
    (small, t_small), (large, t_large) = sorted(wall.items())
    per_sample = (t_large - t_small) / (large - small)
    return t_small - per_sample * small, per_sample


def ray_breakdown(local: dict[int, float], ray: dict[int, float]) -> dict:
    """Ray against local: its extra fixed start-up, its cost per sample past it, and from how many
    samples on its whole run is within 1.5x of the local engine's (a straight line through the two
    measured sizes; None when Ray's cost per sample is 1.5x local's or more)."""
    (fixed_local, rate_local), (fixed_ray, rate_ray) = linear_fit(local), linear_fit(ray)
    slack = 1.5 * rate_local - rate_ray
    return {
        "ray_extra_fixed_s": fixed_ray - fixed_local,
        "ray_per_sample_vs_local": rate_ray / rate_local,
        "ray_within_1_5x_from_samples": max(0, round((fixed_ray - 1.5 * fixed_local) / slack)) if slack > 0 else None,
        "ray_fit": {"local": [fixed_local, rate_local], "ray": [fixed_ray, rate_ray]},
    }


def end_to_end(model_path: Path, folder: Path, sizes: tuple[int, int], batch_size: int, quick: bool) -> dict:
    """(e) program vs plain predict and (f) Ray vs local engine, wall seconds (median of 3) at both
    dataset sizes; peak process-tree memory of each engine at both sizes (median of 2).
    Quick mode: one run of (e) on the smaller size only (the test suite runs it; Ray takes tens of
    seconds to start on 2 cores)."""
    inputs = {samples: folder / f"inputs_{samples}.npy" for samples in sizes}
    engines = ["local", "ray"] if ray_installed() and not quick else ["local"]
    runs = 1 if quick else 3
    commands = {
        "plain_predict": lambda out, data: predict_command(model_path, data, out, batch_size),
        **{f"program_{e}": (lambda out, data, e=e: program_command(model_path, data, out, batch_size, e))
           for e in engines},
    }
    measured = sizes[:1] if quick else sizes
    seconds = {samples: {name: [] for name in commands} for samples in measured}
    for run_index in range(runs):  # the methods take turns, so a busy moment hits them alike
        for samples in measured:
            for name, command in commands.items():
                out = folder / f"e2e_{name}_{samples}_{run_index}"
                seconds[samples][name].append(measure(command(out, inputs[samples]), out)[0])
    wall = {samples: {name: statistics.median(v) for name, v in per.items()} for samples, per in seconds.items()}
    tree_peaks: dict[str, dict[str, float]] = {}
    for engine in [] if quick else engines:
        per_size = {}
        for samples in sizes:
            values = [measure(program_command(model_path, inputs[samples], folder / f"mem_{engine}_{samples}_{i}",
                                              batch_size, engine), folder / f"mem_{engine}_{samples}_{i}")[1]
                      for i in range(2)]
            per_size[str(samples)] = statistics.median(values)
        tree_peaks[engine] = per_size
    small = wall[sizes[0]]
    result = {
        "e2e_samples": sizes[0],
        "e2e_wall_s": small,
        "e2e_wall_s_by_size": {str(samples): per for samples, per in wall.items()},
        "program_vs_predict": small["program_local"] / small["plain_predict"],
        "tree_peak_rss_mb": tree_peaks,
        "tree_peak_rss_growth": {e: p[str(sizes[1])] / p[str(sizes[0])] - 1 for e, p in tree_peaks.items()},
        "e2e_runs": runs,
    }
    if "program_ray" in small:
        result["ray_vs_local"] = small["program_ray"] / small["program_local"]
        result["ray_vs_local_by_size"] = {str(n): w["program_ray"] / w["program_local"] for n, w in wall.items()}
        result.update(ray_breakdown({n: w["program_local"] for n, w in wall.items()},
                                    {n: w["program_ray"] for n, w in wall.items()}))
    else:
        result["ray_vs_local"] = None
        result["ray_missing"] = "quick mode" if quick else "Ray is not installed: pip install -r requirements-ray.txt"
    return result
