"""Each example is a jupytext .py and an executed .ipynb, in step with each other."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from conftest import EXAMPLE_SOURCES, ROOT, example_id
from toolchain.build_notebooks import (
    VERSION_CHECK_TAG,
    pinned,
    version_check_cell,
    versioned_packages,
)
from toolchain.pins import requirement_pins

PINS = requirement_pins()
NOISE = {
    "TensorFlow start-up noise": r"cpu_feature_guard|oneDNN custom operations|absl::InitializeLog|"
    r"Could not find cuda drivers|Unable to register cu",
    "a machine-specific path": r"/(home|root|tmp|Users|work)/[\w.-]+",
    "a memory address": r"at 0x[0-9a-f]{6,}",
    "a TensorFlow retracing warning": r"triggered tf.function retracing",
}


def stored(source: Path) -> nbformat.NotebookNode:
    return nbformat.read(source.with_suffix(".ipynb"), as_version=4)


def output_text(cell: nbformat.NotebookNode) -> str:
    texts = []
    for output in cell.get("outputs", []):
        texts.append(output.get("text", ""))
        texts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(texts)


def test_every_notebook_has_a_source() -> None:
    notebooks = {p.with_suffix("") for p in (ROOT / "examples").rglob("*.ipynb")}
    sources = {p.with_suffix("") for p in EXAMPLE_SOURCES}
    assert notebooks - sources == set(), "notebooks without a jupytext .py"
    assert sources - notebooks == set(), "examples never built: run python -m toolchain.build_notebooks"


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_pair_in_sync(source: Path) -> None:
    """The .ipynb holds the .py's cells, after one first cell that only the notebook has: the check
    of the reader's versions against the pins (for Colab)."""
    expected = jupytext.read(source)
    notebook = stored(source)
    assert notebook.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
    first, *cells = notebook.cells
    check = version_check_cell(pinned(versioned_packages(source)))
    assert (first.cell_type, first.source) == (check.cell_type, check.source), (
        "the first cell is not the current version check: run python -m toolchain.build_notebooks on this example"
    )
    assert VERSION_CHECK_TAG in first.metadata.get("tags", [])
    assert [(c.cell_type, c.source) for c in cells] == [
        (c.cell_type, c.source) for c in expected.cells
    ], "the .ipynb is out of date: run python -m toolchain.build_notebooks on this example"


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_executed_once_top_to_bottom(source: Path) -> None:
    code = [c for c in stored(source).cells if c.cell_type == "code" and c.source.strip()]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    check, *rest = code
    assert VERSION_CHECK_TAG in check.metadata.get("tags", []) and check.outputs == [], (
        "the version check ran first and printed nothing (it is silent on the pinned versions)"
    )
    assert all(c.outputs for c in rest[:1]), "the setup cell printed nothing"
    for cell in code:
        assert all(o.output_type != "error" for o in cell.outputs), cell.source[:80]


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_ran_on_the_pinned_versions(source: Path) -> None:
    ran_on = stored(source).metadata["ran_on"]
    for package in versioned_packages(source):
        assert ran_on.get(package) == PINS[package], f"{package}: rebuild on the pinned versions"


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_outputs_hold_no_noise(source: Path) -> None:
    for cell in stored(source).cells:
        text = output_text(cell)
        for what, pattern in NOISE.items():
            assert not re.search(pattern, text), f"stored output holds {what}: {cell.source[:60]}"


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_example_follows_the_guide(source: Path) -> None:
    text = source.read_text()
    assert re.match(r"\d\d_[a-z0-9_]+\.py$", source.name), "name it NN_topic.py"
    assert "import keras" in text
    cells = jupytext.read(source).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), "title first"
    assert any(c.source.startswith("## In short") for c in cells if c.cell_type == "markdown")
    assert cells[1].cell_type == "markdown" and cells[1].source.startswith("## Short answer"), (
        "the cell after the title is the short answer"
    )
    if "random" in text or "Dense(" in text or "Conv" in text:
        assert "keras.utils.set_random_seed(0)" in text


def fenced_code(markdown: str) -> list[str]:
    """The non-blank lines of every fenced code block in a markdown cell."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", markdown, re.M | re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_short_answer_code_runs_on_the_page(source: Path) -> None:
    cells = jupytext.read(source).cells
    short_answer = cells[1].source if len(cells) > 1 else ""
    ran = {line.strip() for c in cells if c.cell_type == "code" for line in c.source.splitlines()}
    missing = [line for line in fenced_code(short_answer) if line not in ran]
    assert missing == [], "short-answer lines that no code cell of the page runs"
