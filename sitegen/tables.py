"""The site's generated tables and values: the benchmark's results, the backend matrix, the pinned
versions; and `fill_placeholders`, which puts them in a page where it writes `{{ name }}`."""

from __future__ import annotations

import json

from sitegen.notebook_page import fenced
from sitegen.notebooks import ROOT, VERSION_LABELS
from toolchain.pins import requirement_pins

BENCHMARK_RESULTS = ROOT / "benchmarks" / "results" / "extraction.json"
BACKEND_MATRIX = ROOT / "docs" / "backend_matrix.json"
# Text symbols every system font has (emoji show as empty boxes where no emoji font is installed).
STATUS_LABELS = {"pass": "✓ pass", "differs": "⚠ **differs**", "fails": "✗ **fails**"}


def extraction_results_table(results: dict) -> str:
    """The benchmark's saved results as Markdown: timings, targets, memory, machine."""
    small, large = list(results["peak_rss_mb"])
    speedup, vs_forward = results["one_pass_speedup_vs_per_branch"], results["one_pass_vs_forward"]
    on_device = results["one_pass_vs_forward_on_device"]
    growth = results["peak_rss_growth"]
    verdict = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    versions = ", ".join(f"{VERSION_LABELS.get(k, k)} {v}" for k, v in results["versions"].items())
    machine = results["machine"]
    return "\n".join(
        [
            f"Seconds per batch of {results['batch_size']} samples, median of {results['repeats']} repeats "
            "((a), (b), (c) and the two on-device calls take turns in each repeat):",
            "",
            "| method | seconds per batch |",
            "|---|---|",
            f"| (a) sub-model per branch | {results['per_branch_s']:.4f} |",
            f"| (b) one-pass extractor | {results['single_pass_s']:.4f} |",
            f"| (c) plain forward pass | {results['forward_s']:.4f} |",
            f"| (d) per-sample loop | {results['per_sample_s']:.4f} |",
            f"| (b) with its outputs left on the device | {results['single_pass_on_device_s']:.4f} |",
            f"| (c) with its output left on the device | {results['forward_on_device_s']:.4f} |",
            "",
            "| target | measured | |",
            "|---|---|---|",
            f"| one pass at least 1.5x faster than (a) | {speedup:.2f}x | {verdict(speedup >= 1.5)} |",
            f"| one pass within 1.05x of (c) | {vs_forward:.2f}x | {verdict(vs_forward <= 1.05)} |",
            f"| the same, outputs left on the device (no copy to NumPy) | {on_device:.2f}x "
            f"| {verdict(on_device <= 1.05)} |",
            f"| peak memory grows less than 5% for 10x the data | {growth:+.1%} "
            f"({results['peak_rss_mb'][small]:.0f} MB for {small} samples, "
            f"{results['peak_rss_mb'][large]:.0f} MB for {large}) | {verdict(growth < 0.05)} |",
            "",
            f"Ran on {machine['cpu_count']} CPU cores ({machine['processor']}, {machine['system']}), "
            f"no GPU; {versions}."
            + f" Load average {results['load_average_at_start']:.2f} when it started."
            + (" Quick mode." if results.get("quick") else ""),
        ]
    )


def pinned_versions() -> str:
    pins = requirement_pins()
    return ", ".join(f"{VERSION_LABELS[name]} {pins[name]}" for name in ("tensorflow", "keras", "numpy"))


def backend_matrix_markdown(matrix: dict) -> str:
    """The compatibility table, one row per example, and the reason for every cell not a pass."""
    backends = ("tensorflow", "jax", "torch")
    anchor = lambda example, backend: f"{example.replace('/', '-')}-{backend}"  # noqa: E731
    rows = ["| example | TensorFlow | JAX | PyTorch |", "|---|---|---|---|"]
    reasons = []
    for example, row in matrix.items():
        cells = []
        for backend in backends:
            cell = row[backend]
            label = STATUS_LABELS[cell["status"]]
            if cell["reason"]:
                label += f" ([why](#{anchor(example, backend)}))"
                reasons += [f'<a id="{anchor(example, backend)}"></a>', f"**{example}** on {backend}:", ""]
                reasons += [fenced(cell["reason"], "text"), ""]
            cells.append(label)
        chapter, name = example.split("/", 1)  # may break after the slash on a phone: every column fits
        rows.append(f"| [{chapter}/<wbr>{name}](examples/{example}.md) | " + " | ".join(cells) + " |")
    tail = ["## Why a cell is not a pass", "", *reasons] if reasons else ["Every example passes on every backend."]
    table = ['<div class="compact-table" markdown>', "", *rows, "", "</div>"]
    return "\n".join(table + [""] + tail)


def fill_placeholders(markdown_text: str) -> str:
    """The page with `{{ pinned_versions }}`, `{{ backend_matrix }}` and `{{ extraction_results }}`
    replaced by their values."""
    markdown_text = markdown_text.replace("{{ pinned_versions }}", pinned_versions())
    if "{{ backend_matrix }}" in markdown_text:
        matrix = json.loads(BACKEND_MATRIX.read_text())
        markdown_text = markdown_text.replace("{{ backend_matrix }}", backend_matrix_markdown(matrix))
    if "{{ extraction_results }}" in markdown_text:
        results = json.loads(BENCHMARK_RESULTS.read_text())
        markdown_text = markdown_text.replace("{{ extraction_results }}", extraction_results_table(results))
    return markdown_text
