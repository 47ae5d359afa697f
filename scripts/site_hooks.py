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
BACKEND_MATRIX = ROOT / "docs" / "backend_matrix.json"
STATUS_LABELS = {"pass": "✅ pass", "differs": "⚠️ differs", "fails": "❌ fails"}
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
    return " · ".join(f"{label} {versions[key]}" for key, label in VERSION_LABELS.items() if key in versions)


ERROR_LINE = re.compile(r"^(ValueError|AttributeError|IndexError|TypeError|KeyError|UserWarning): (.+)$", re.M)
NOT_KERAS = ("already in ",)  # messages the examples' own helper functions raise


def title_of(notebook: nbformat.NotebookNode) -> str:
    first = notebook.cells[0].source.splitlines()[0]
    return first.lstrip("# ").strip()


def reproduced_errors(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(exception type, message) for each error a notebook prints, as Keras worded it.

    A message of the form "Exception encountered when calling X.call()." is followed by its real
    reason on a later line; that reason is kept with it. Values Keras appends after
    "Target variable:" are cut, since they are the example's numbers, not the message.
    """
    found = []
    for cell in notebook.cells:
        text = ANSI_ESCAPE.sub("", "".join(o.get("text", "") for o in cell.get("outputs", [])))
        for match in ERROR_LINE.finditer(text):
            kind, message = match.group(1), match.group(2).split(" Target variable:")[0]
            if message.startswith("Exception encountered when calling"):
                rest = [line.strip() for line in text[match.end() :].splitlines() if line.strip()]
                message = f"{message} {rest[0]}" if rest else message
            if not message.startswith(NOT_KERAS) and (kind, message) not in found:
                found.append((kind, message))
    return found


def message_family(message: str) -> str:
    """The fixed part of a message, before the details that change from case to case."""
    for separator in (" Received", " Existing layers are", " Example error message"):
        message = message.split(separator)[0]
    return message


def error_index_markdown(notebooks: list[tuple[PurePosixPath, nbformat.NotebookNode]]) -> str:
    families: dict[tuple[str, str], dict[str, list[str]]] = {}
    for rel, notebook in notebooks:
        link = f"[{title_of(notebook)}]({rel.with_suffix('.md').as_posix()})"
        for kind, message in reproduced_errors(notebook):
            variants = families.setdefault((kind, message_family(message)), {})
            if link not in variants.setdefault(message, []):
                variants[message].append(link)
    parts = [
        # Pasted messages should land here first: Material's search multiplies this page's scores.
        "---\nsearch:\n  boost: 8\n---",
        "# Error index",
        "Every Keras error and warning message that the examples reproduce, exactly as Keras "
        "printed it on the pinned versions, with the page that reproduces it and shows the fix. "
        "Paste a message into the search box to land here or on that page. This page is built "
        "from the examples' stored outputs, so it lists nothing they do not print.",
    ]
    for (kind, family), variants in sorted(families.items(), key=lambda item: (item[0][0], item[0][1].lower())):
        short = family if len(family) <= 90 else family[:87].rsplit(" ", 1)[0] + " …"
        parts.append(f"## {kind}: {short.replace('`', '')}")
        for message, links in variants.items():
            parts.append(fenced(f"{kind}: {message}", "text"))
            parts.append("Reproduced and fixed in: " + ", ".join(links) + ".")
    return "\n\n".join(parts) + "\n"


def notebook_links(rel: PurePosixPath, repo_url: str | None, branch: str = "main") -> str:
    links = [f"[notebook]({rel.stem}.ipynb)", f"[script]({rel.stem}.py)"]
    if repo_url:
        repo = repo_url.rstrip("/")
        github_path = repo.split("github.com/", 1)[-1]
        links.append(f"[view source]({repo}/blob/{branch}/{rel.with_suffix('.py')})")
        links.append(
            f"[open in Colab](https://colab.research.google.com/github/{github_path}/blob/{branch}/{rel.with_suffix('.ipynb')})"
        )
    return " · ".join(links)


def notebook_to_markdown(notebook: nbformat.NotebookNode, stem: str, links: str = "") -> str:
    errors = reproduced_errors(notebook)
    # A page that reproduces and fixes errors should rank for them over pages that merely share words.
    parts: list[str] = ["---\nsearch:\n  boost: 4\n---"] if errors else []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            parts.append(fenced(NBVAL_MARKER.sub("", cell.source), "python"))
            parts.extend(output_blocks(cell.get("outputs", [])))
        if index == 0:  # right under the title
            parts.append(
                f'<p class="ran-on" markdown>Outputs produced on {ran_on_line(notebook)}. '
                f"{links or f'Download: [notebook]({stem}.ipynb) · [script]({stem}.py)'}</p>"
            )
    if errors:
        parts.append("## Errors reproduced on this page")
        parts.append("Each one is printed by a cell above, then fixed. All are listed in the [error index](../../errors.md).")
        parts.extend(fenced(f"{kind}: {message}", "text") for kind, message in errors)
    return "\n\n".join(parts) + "\n"


@event_priority(100)  # before the search plugin and the nav are built
def on_files(files: Files, config: MkDocsConfig) -> Files:
    loaded = []
    for path in example_notebooks():
        rel = PurePosixPath(path.relative_to(ROOT).as_posix())
        notebook = nbformat.read(path, as_version=4)
        loaded.append((rel, notebook))
        page = notebook_to_markdown(notebook, rel.stem, notebook_links(rel, config.repo_url))
        files.append(File.generated(config, str(rel.with_suffix(".md")), content=page))
        for suffix in (".ipynb", ".py"):
            source = path.with_suffix(suffix)
            files.append(
                File.generated(config, str(rel.with_suffix(suffix)), abs_src_path=str(source))
            )
    files.append(File.generated(config, "errors.md", content=error_index_markdown(loaded)))
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


def requirement_pins() -> dict[str, str]:
    """{package: version} for every `name==version` line of requirements.txt."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))


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
                reasons += [f'<a id="{anchor(example, backend)}"></a>', f"**{example}** on {backend}:", "", fenced(cell["reason"], "text"), ""]
            cells.append(label)
        rows.append(f"| [{example}](examples/{example}.md) | " + " | ".join(cells) + " |")
    tail = ["## Why a cell is not a pass", "", *reasons] if reasons else ["Every example passes on every backend."]
    return "\n".join(rows + [""] + tail)


def on_page_markdown(markdown: str, page, config: MkDocsConfig, files: Files) -> str:
    markdown = markdown.replace("{{ pinned_versions }}", pinned_versions())
    if "{{ backend_matrix }}" in markdown:
        markdown = markdown.replace("{{ backend_matrix }}", backend_matrix_markdown(json.loads(BACKEND_MATRIX.read_text())))
    if "{{ extraction_results }}" in markdown:
        results = json.loads(BENCHMARK_RESULTS.read_text())
        markdown = markdown.replace("{{ extraction_results }}", extraction_results_table(results))
    return markdown
