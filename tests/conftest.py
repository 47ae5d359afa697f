"""Shared setup: the example environment and the list of examples."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_notebooks import example_sources  # noqa: E402
from kernel_env import apply_kernel_env  # noqa: E402

# Set before nbval starts any kernel, so every kernel inherits it.
EXAMPLE_ENV = apply_kernel_env()
EXAMPLE_SOURCES = example_sources()


def example_id(path: Path) -> str:
    return path.relative_to(ROOT / "examples").with_suffix("").as_posix()
