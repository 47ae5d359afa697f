"""Run every example notebook on another Keras (a release or a nightly) and classify what changes.

    python -m toolchain.compare_keras_version keras-nightly==3.16.0.dev2026102704
    python -m toolchain.compare_keras_version keras==3.16.0 examples/building/04_inputs_by_name.py

The Keras named is installed into build/keras-compare/<name>/ (with pip, without its
dependencies), in front of the pinned one on the kernel's path; nothing else changes. Each code
cell's fresh outputs are compared with the stored ones, and each cell that differs is put in the
first class that explains the whole difference:

- version: only version strings differ (the setup line, the version check);
- numbers: the same text once every number is replaced (training losses, rounded values);
- wording: the same lines, except error and warning lines that keep their exception class but
  word the message differently;
- behaviour: anything else (a line more or less, another exception, an error where there was
  none). These are the cells whose page teaches something the new version does not do.

The report (Markdown, to build/keras-compare/report.md unless --report says otherwise) lists the
differing cells of each notebook by class, behaviour first, with both outputs. The exit status is
0 whatever differs: the scheduled workflow that runs this publishes the report and never blocks.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from sitegen.errors import ERROR_KINDS
from toolchain.build_notebooks import chosen_sources, execute, sanitize_patterns
from toolchain.kernel_env import apply_kernel_env

ROOT = Path(__file__).resolve().parent.parent

CLASSES = ("behaviour", "wording", "numbers", "version")
VERSION = re.compile(r"\b\d+\.\d+\.\d+(?:[.-]?(?:dev|rc|a|b)\d*)*\b")
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
ERROR = re.compile(rf"^(?:\[Keras 2\] )?(\w*(?:{ERROR_KINDS}|Error|Warning)):")


@dataclass
class Difference:
    cell: int
    section: str
    kind: str
    stored: str
    fresh: str


def cell_text(cell: nbformat.NotebookNode) -> str:
    """What a code cell showed: its streams, results and errors, as text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}\n")
        else:
            parts.append(output.get("data", {}).get("text/plain", "") + "\n")
    text = "".join(parts)
    for pattern, replacement in sanitize_patterns():
        text = pattern.sub(replacement, text)
    return text


def classify(stored: str, fresh: str) -> str | None:
    """The class of the difference between two outputs of one cell, or None when they agree."""
    if stored == fresh:
        return None
    if VERSION.sub("<version>", stored) == VERSION.sub("<version>", fresh):
        return "version"
    if NUMBER.sub("<n>", stored) == NUMBER.sub("<n>", fresh):
        return "numbers"
    old, new = stored.splitlines(), fresh.splitlines()
    if len(old) == len(new):
        reworded = [
            (a, b)
            for a, b in zip(old, new, strict=True)
            if NUMBER.sub("<n>", VERSION.sub("<version>", a)) != NUMBER.sub("<n>", VERSION.sub("<version>", b))
        ]
        same_errors = all(
            (ma := ERROR.match(a)) and (mb := ERROR.match(b)) and ma.group(1) == mb.group(1) for a, b in reworded
        )
        if reworded and same_errors:
            return "wording"
    return "behaviour"


def compare(source: Path) -> list[Difference]:
    stored = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    fresh = execute(source, allow_errors=True)
    differences = []
    section = ""
    cells = zip(stored.cells, fresh.cells, strict=True)  # the same source: the same cells
    for number, (old, new) in enumerate(cells):
        if old.cell_type == "markdown":
            headings = [line.lstrip("# ") for line in old.source.splitlines() if line.startswith("#")]
            section = headings[-1] if headings else section
            continue
        kind = classify(cell_text(old), cell_text(new))
        if kind:
            differences.append(Difference(number, section, kind, cell_text(old), cell_text(new)))
    return differences


def install(requirement: str, target: Path) -> None:
    if not target.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), requirement],
            check=True,
        )


def report_markdown(requirement: str, version: str, results: dict[str, list[Difference]]) -> str:
    counts = {kind: sum(d.kind == kind for ds in results.values() for d in ds) for kind in CLASSES}
    lines = [
        f"# The examples on {requirement}",
        "",
        f"Keras {version} in front of the pinned versions; every other package as pinned. "
        + ", ".join(f"{counts[k]} cells: {k}" for k in CLASSES)
        + f", in {sum(bool(d) for d in results.values())} of {len(results)} notebooks.",
        "",
        "| notebook | behaviour | wording | numbers | version |",
        "|---|---|---|---|---|",
    ]
    for example, differences in results.items():
        row = [str(sum(d.kind == kind for d in differences)) for kind in CLASSES]
        lines.append(f"| {example} | " + " | ".join(row) + " |")
    for example, differences in results.items():
        for kind in CLASSES[:3]:  # version lines need no reading
            for d in (d for d in differences if d.kind == kind):
                diff = difflib.unified_diff(d.stored.splitlines(), d.fresh.splitlines(), "stored", "fresh", lineterm="")
                lines += ["", f"## {example}, cell {d.cell} ({d.section}): {kind}", "", "```diff", *diff, "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requirement", help="what pip installs as Keras, e.g. keras-nightly==3.16.0.dev2026102704")
    parser.add_argument("sources", nargs="*", type=Path, help="example .py files (default: all)")
    parser.add_argument("--report", type=Path, default=ROOT / "build" / "keras-compare" / "report.md")
    args = parser.parse_args(argv)
    sources = chosen_sources(parser, args.sources)
    if args.report.exists() and args.report.is_dir():
        parser.error(f"--report {args.report} is a folder: name a file")

    overlay = ROOT / "build" / "keras-compare" / re.sub(r"[^\w.=-]", "_", args.requirement)
    install(args.requirement, overlay)
    apply_kernel_env()  # kernels inherit os.environ, the overlay's place on the path with it
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(overlay), os.environ.get("PYTHONPATH")]))
    version = subprocess.run(
        [sys.executable, "-c", "import keras; print(keras.__version__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    results = {}
    for source in sources:
        example = source.relative_to(ROOT / "examples").with_suffix("").as_posix()
        results[example] = compare(source)
        summary = ", ".join(f"{d.kind} in cell {d.cell}" for d in results[example]) or "same"
        print(f"{example:45} {summary}", flush=True)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report_markdown(args.requirement, version, results))
    print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
