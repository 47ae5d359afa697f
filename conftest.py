"""Shared setup for every pytest run, from any folder (tests/ or examples/ alone): the example
environment, applied before nbval starts a kernel, and the list of examples."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
# The repository's packages (toolchain, sitegen, extract_layers) import from the root, here and in
# every process a test starts (`python -m extract_layers`, nbval's kernels).
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

from toolchain.build_notebooks import example_sources  # noqa: E402
from toolchain.kernel_env import apply_kernel_env  # noqa: E402

# Set before nbval starts any kernel, so every kernel inherits it.
EXAMPLE_ENV = apply_kernel_env()
EXAMPLE_SOURCES = example_sources()


def example_id(path: Path) -> str:
    return path.relative_to(ROOT / "examples").with_suffix("").as_posix()


def draws_diagram(example: Path) -> bool:
    return "plot_model(" in example.with_suffix(".py").read_text()


def runs_torch_backend(example: Path) -> bool:
    """The example starts a process on the PyTorch backend (its notebook runs on TensorFlow)."""
    return 'KERAS_BACKEND="torch"' in example.with_suffix(".py").read_text()


def exports_models(example: Path) -> bool:
    """The example exports models (SavedModel, LiteRT, ONNX): slow to run, so its notebook and
    short answer run in the export lane of .ci/run (-m export), not in the README's command."""
    return ".export(" in example.with_suffix(".py").read_text()


def missing_for(example: Path) -> str | None:
    """Why this example cannot run on this machine, or None when it can."""
    if draws_diagram(example) and not shutil.which("dot"):
        return (
            "Graphviz's `dot` is not installed (apt-get install graphviz): "
            "this example draws a model diagram with keras.utils.plot_model"
        )
    if runs_torch_backend(example) and importlib.util.find_spec("torch") is None:
        return (
            "PyTorch is not installed (pip install -r requirements-backends.txt): "
            "this example runs a step on the PyTorch backend"
        )
    return None


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(config, items) -> None:
    """Skip running the examples this machine lacks something for, and say what; mark the
    notebooks and short answers of the examples that export models for the export lane."""
    for item in items:
        path = Path(str(item.path))
        if path.suffix == ".ipynb":
            example = path
        elif getattr(item, "originalname", "") in (
            "test_example_script_agrees_with_the_matrix",
            "test_short_answer_runs_as_pasted",
        ):
            example = item.callspec.params["source"]
        else:
            continue
        in_scripts_lane = getattr(item, "originalname", "") == "test_example_script_agrees_with_the_matrix"
        if exports_models(example) and not in_scripts_lane:
            item.add_marker(pytest.mark.export)
        reason = missing_for(example)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
