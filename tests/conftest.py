"""Shared setup: the example environment and the list of examples."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_notebooks import example_sources  # noqa: E402
from kernel_env import apply_kernel_env  # noqa: E402

# Set before nbval starts any kernel, so every kernel inherits it.
EXAMPLE_ENV = apply_kernel_env()
EXAMPLE_SOURCES = example_sources()


def example_id(path: Path) -> str:
    return path.relative_to(ROOT / "examples").with_suffix("").as_posix()


def draws_diagram(example: Path) -> bool:
    return "plot_model(" in example.with_suffix(".py").read_text()


def pytest_collection_modifyitems(config, items) -> None:
    """Without Graphviz, skip running the examples that draw diagrams, and say why."""
    if shutil.which("dot"):
        return
    skip = pytest.mark.skip(
        reason="Graphviz's `dot` is not installed (apt-get install graphviz): "
        "this example draws a model diagram with keras.utils.plot_model"
    )
    for item in items:
        path = Path(str(item.path))
        if path.suffix == ".ipynb":
            example = path
        elif getattr(item, "originalname", "") == "test_example_runs_as_script":
            example = item.callspec.params["source"]
        else:
            continue
        if draws_diagram(example):
            item.add_marker(skip)
