"""MkDocs hooks: each example notebook becomes a page, rendered from its stored outputs.

Nothing is executed here. The page shows the cells and outputs that nbval checked, a line with
the versions the notebook ran on, and links to download its `.ipynb` and `.py`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BENCHMARK_RESULTS = ROOT / "benchmarks" / "results" / "extraction.json"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
NBVAL_MARKER = re.compile(r"^\s*# NBVAL_\w+\s*$\n?", re.M)
VERSION_LABELS = {"tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy", "python": "Python"}


def example_notebooks() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def fenced(text: str, lang: str, title: str | None = None) -> str:
    """A fenced code block long enough that no backtick run inside can close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    attrs = f' title="{title}"' if title else ""
    return f"{fence}{lang}{attrs}\n{text.rstrip()}\n{fence}"


def output_blocks(outputs: list) -> list[str]:
    """Text outputs of one cell joined into one block; each image as an embedded picture."""
    blocks: list[str] = []
    text = ""
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text += output.get("text", "")
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "image/png" in data:
                if text:
                    blocks.append(fenced(ANSI_ESCAPE.sub("", text), "text", "Output"))
                    text = ""
                png = data["image/png"].replace("\n", "")
                blocks.append(f'<img class="nb-image" alt="Output image" src="data:image/png;base64,{png}">')
            elif "text/plain" in data:
                plain = data["text/plain"]
                text += plain if plain.endswith("\n") else plain + "\n"
        elif kind == "error":  # tests forbid stored errors; show one plainly if it ever slips in
            text += f"{output.get('ename')}: {output.get('evalue')}\n"
    if text:
        blocks.append(fenced(ANSI_ESCAPE.sub("", text), "text", "Output"))
    return blocks


def ran_on_line(notebook: nbformat.NotebookNode) -> str:
    versions = notebook.metadata.get("ran_on", {})
    return " · ".join(f"{VERSION_LABELS.get(k, k)} {v}" for k, v in versions.items())


def notebook_to_markdown(notebook: nbformat.NotebookNode, stem: str) -> str:
    parts: list[str] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            parts.append(fenced(NBVAL_MARKER.sub("", cell.source), "python"))
            parts.extend(output_blocks(cell.get("outputs", [])))
        if index == 0:  # right under the title
            parts.append(
                f'<p class="ran-on" markdown>Outputs produced on {ran_on_line(notebook)}. '
                f"Download: [notebook]({stem}.ipynb) · [script]({stem}.py)</p>"
            )
    return "\n\n".join(parts) + "\n"


@event_priority(100)  # before the search plugin and the nav are built
def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path in example_notebooks():
        rel = PurePosixPath(path.relative_to(ROOT).as_posix())
        notebook = nbformat.read(path, as_version=4)
        page = notebook_to_markdown(notebook, rel.stem)
        files.append(File.generated(config, str(rel.with_suffix(".md")), content=page))
        for suffix in (".ipynb", ".py"):
            source = path.with_suffix(suffix)
            files.append(
                File.generated(config, str(rel.with_suffix(suffix)), abs_src_path=str(source))
            )
    return files


def extraction_results_table(results: dict) -> str:
    """The benchmark's saved results as Markdown: timings, targets, memory, machine."""
    small, large = list(results["peak_rss_mb"])
    speedup, vs_forward = results["one_pass_speedup_vs_per_branch"], results["one_pass_vs_forward"]
    growth = results["peak_rss_growth"]
    verdict = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    versions = ", ".join(f"{VERSION_LABELS.get(k, k)} {v}" for k, v in results["versions"].items())
    machine = results["machine"]
    return "\n".join(
        [
            f"Seconds per batch of {results['batch_size']} samples, median of {results['repeats']} repeats:",
            "",
            "| method | seconds per batch |",
            "|---|---|",
            f"| (a) sub-model per branch | {results['per_branch_s']:.4f} |",
            f"| (b) one-pass extractor | {results['single_pass_s']:.4f} |",
            f"| (c) plain forward pass | {results['forward_s']:.4f} |",
            f"| (d) per-sample loop | {results['per_sample_s']:.4f} |",
            "",
            "| target | measured | |",
            "|---|---|---|",
            f"| one pass at least 1.5x faster than (a) | {speedup:.2f}x | {verdict(speedup >= 1.5)} |",
            f"| one pass within 1.15x of (c) | {vs_forward:.2f}x | {verdict(vs_forward <= 1.15)} |",
            f"| peak memory grows less than 10% for 10x the data | {growth:+.1%} "
            f"({results['peak_rss_mb'][small]:.0f} MB for {small} samples, "
            f"{results['peak_rss_mb'][large]:.0f} MB for {large}) | {verdict(growth < 0.10)} |",
            "",
            f"Ran on {machine['cpu_count']} CPU cores ({machine['processor']}, {machine['system']}), "
            f"no GPU; {versions}." + (" Quick mode." if results.get("quick") else ""),
        ]
    )


def on_page_markdown(markdown: str, page, config: MkDocsConfig, files: Files) -> str:
    if "{{ extraction_results }}" in markdown:
        results = json.loads(BENCHMARK_RESULTS.read_text())
        markdown = markdown.replace("{{ extraction_results }}", extraction_results_table(results))
    return markdown
