"""Rebuild and execute example notebooks from their jupytext sources.

    python -m toolchain.build_notebooks                 # every example
    python -m toolchain.build_notebooks examples/concatenate/01_layer_vs_function.py

Each `NN_topic.py` is read, given a first cell that checks the reader's versions against the pins
(silent when they match; the site does not show it), executed top to bottom in a fresh kernel,
and written to its paired `NN_topic.ipynb` with outputs. The versions it ran on go into the notebook's metadata,
which the site shows. Running it again on unchanged sources leaves `git diff` empty.
"""

from __future__ import annotations

import argparse
import configparser
import importlib.metadata
import json
import platform
import re
from pathlib import Path

import jupytext
import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from toolchain.kernel_env import apply_kernel_env
from toolchain.pins import requirement_pins

ROOT = Path(__file__).resolve().parent.parent

EXAMPLES = ROOT / "examples"
VERSION_CHECK_TAG = "version-check"  # the site leaves this cell out (sitegen/notebooks.py)
SANITIZE_FILE = ROOT / "tests" / "nbval_sanitize.cfg"
VERSIONED_PACKAGES = ("tensorflow", "keras", "numpy")
KERAS_2 = "tf_keras"  # the migration pages run Keras 2 code on it: its version is theirs too
CELL_TIMEOUT_S = 300


def example_sources() -> list[Path]:
    """Every jupytext example source, sorted by chapter then number."""
    return sorted(
        p for p in EXAMPLES.rglob("[0-9][0-9]_*.py") if ".ipynb_checkpoints" not in p.parts
    )


def chosen_sources(parser: argparse.ArgumentParser, given: list[Path]) -> list[Path]:
    """The example sources a command was given (every example when none), or a refusal naming
    the paths that are not example sources (argparse's one line, exit status 2)."""
    known = example_sources()
    sources = [p.resolve() for p in given] or known
    unknown = [str(p) for p in sources if p not in known]
    if unknown:
        parser.error(f"not example sources: {', '.join(unknown)}")
    return sources


def versioned_packages(source: Path) -> tuple[str, ...]:
    """The packages whose versions an example's outputs depend on: tf_keras too where it runs it."""
    return VERSIONED_PACKAGES + ((KERAS_2,) if f"import {KERAS_2}" in source.read_text() else ())


def ran_on(packages: tuple[str, ...] = VERSIONED_PACKAGES) -> dict[str, str]:
    versions = {name: importlib.metadata.version(name) for name in packages}
    versions["python"] = platform.python_version()
    return versions


def pinned(packages: tuple[str, ...] = VERSIONED_PACKAGES) -> dict[str, str]:
    """{package: version} from requirements.txt for `packages`."""
    pins = requirement_pins()
    return {name: pins[name] for name in packages}


VERSION_CHECK = '''# Versions: this notebook's outputs were produced on the versions below. This cell prints
# nothing when yours are the same; otherwise it says what differs and the line that installs them.
def _check_versions(pinned):
    from importlib.metadata import PackageNotFoundError, version

    differ = {}
    for name, wanted in pinned.items():
        try:
            yours = version(name)
        except PackageNotFoundError:
            yours = "not installed"
        if yours != wanted:
            differ[name] = yours
    if differ:
        print("Your versions differ from the ones this notebook's outputs were produced on:")
        for name, yours in differ.items():
            print(f"  {name}: you have {yours}, the outputs used {pinned[name]}")
        print("Outputs below may differ. To get the same versions, run this line, then restart the runtime:")
        print("  %pip install " + " ".join(f"{name}=={wanted}" for name, wanted in pinned.items()))


_check_versions({pins})
del _check_versions'''


def version_check_cell(pins: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The notebook's first cell, for a reader who opens it elsewhere (Colab): silent on the
    pinned versions, so stored outputs do not change; otherwise it names what differs and
    prints the one `pip install` line of the pins. Only the .ipynb has it, not the .py."""
    cell = nbformat.v4.new_code_cell(VERSION_CHECK.replace("{pins}", repr(pins or pinned())))
    cell.metadata["tags"] = [VERSION_CHECK_TAG]
    return cell


def merge_streams(cell: nbformat.NotebookNode) -> None:
    """Join adjacent stdout (or stderr) chunks: how the kernel splits them depends on timing."""
    merged: list = []
    for output in cell.get("outputs", []):
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    cell.outputs = merged


def sanitize_patterns() -> list[tuple[re.Pattern, str]]:
    config = configparser.ConfigParser()
    config.read(SANITIZE_FILE)
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def comparable(outputs: list, patterns: list[tuple[re.Pattern, str]]) -> str:
    """Outputs as text, with what nbval ignores (sanitize patterns, carriage-return rewrites) gone."""
    text = json.dumps(outputs, sort_keys=True)
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


def keep_unchanged_outputs(notebook: nbformat.NotebookNode, target: Path) -> None:
    """Where a cell's fresh outputs equal its stored ones up to the sanitize patterns (a progress
    bar's timings), keep the stored ones, so a rebuild of an unchanged source changes no byte."""
    if not target.exists():
        return
    stored = {c.source: c.get("outputs") for c in nbformat.read(target, as_version=4).cells if c.cell_type == "code"}
    patterns = sanitize_patterns()
    for cell in notebook.cells:
        old = stored.get(cell.source)
        if cell.cell_type != "code" or old is None:
            continue
        if comparable(old, patterns) == comparable(cell.outputs, patterns):
            cell.outputs = old


def execute(source: Path, allow_errors: bool = False) -> nbformat.NotebookNode:
    """The example's notebook, executed top to bottom in a fresh kernel of this interpreter."""
    notebook = jupytext.read(source)
    notebook.cells.insert(0, version_check_cell(pinned(versioned_packages(source))))
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index:03d}"  # random ids would change the file on every rebuild
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    # The kernel runs this interpreter, as nbval's --nbval-current-env does in the tests, so a
    # reader's own "python3" kernelspec cannot swap in another environment.
    kernel = KernelManager(
        kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager()
    )
    client = NotebookClient(
        notebook,
        km=kernel,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(source.parent)}},
        record_timing=False,
        allow_errors=allow_errors,
    )
    client.execute()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            merge_streams(cell)
    return notebook


def build(source: Path) -> Path:
    notebook = execute(source)
    notebook.metadata["ran_on"] = ran_on(versioned_packages(source))
    target = source.with_suffix(".ipynb")
    keep_unchanged_outputs(notebook, target)
    nbformat.write(notebook, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, help="example .py files (default: all)")
    args = parser.parse_args(argv)

    sources = [p.resolve() for p in args.sources] or example_sources()
    for source in sources:
        if source.suffix != ".py" or not source.is_file():
            parser.error(f"not an example source file: {source}")
        if "jupytext" not in source.read_text()[:600]:
            parser.error(f"{source} has no jupytext header; see README 'Adding an example'")
    apply_kernel_env()
    for source in sources:
        print(f"executing {source.relative_to(ROOT)}", flush=True)
        print(f"  wrote {build(source).relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
