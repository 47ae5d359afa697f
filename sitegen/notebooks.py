"""Reading the example notebooks as the site shows them: which notebooks, which cells, the title
and the versions each ran on. No MkDocs and no Markdown here."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
VERSION_CHECK_TAG = "version-check"  # the cell toolchain/build_notebooks.py puts first, for Colab; not shown
VERSION_LABELS = {
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "tf_keras": "tf_keras (Keras 2)",
    "numpy": "NumPy",
    "python": "Python",
}


def example_notebooks() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def ran_on_line(notebook: nbformat.NotebookNode) -> str:
    versions = notebook.metadata.get("ran_on", {})
    return " · ".join(f"{label} {versions[key]}" for key, label in VERSION_LABELS.items() if key in versions)


def page_cells(notebook: nbformat.NotebookNode) -> list:
    """The cells a page shows: all but the version check added for readers in Colab."""
    return [c for c in notebook.cells if VERSION_CHECK_TAG not in c.get("metadata", {}).get("tags", [])]


def title_of(notebook: nbformat.NotebookNode) -> str:
    first = page_cells(notebook)[0].source.splitlines()[0]
    return first.lstrip("# ").strip()
