"""Every example also runs as a plain script, in a fresh process, exits 0, and prints the same
checked claims (lines ending in True or False) as its notebook."""

from __future__ import annotations

from pathlib import Path

import pytest
from backend_matrix import check
from conftest import EXAMPLE_SOURCES, example_id

CHAPTERS = sorted({source.parent.name for source in EXAMPLE_SOURCES})


def test_there_are_examples() -> None:
    assert len(EXAMPLE_SOURCES) >= 2


class ChapterScripts:
    """The scripts of one chapter. Each chapter is a class of its own, so that `--dist loadscope`
    hands the chapters to different workers instead of all scripts to one."""

    chapter = ""

    def test_example_runs_as_script(self, source: Path) -> None:
        # check() runs it in a scratch folder, so whatever it writes never lands in the repository.
        assert check(source, "tensorflow") == {"status": "pass", "reason": ""}


for chapter in CHAPTERS:
    name = "TestScripts_" + chapter
    globals()[name] = type(name, (ChapterScripts,), {"chapter": chapter})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.cls is not None and issubclass(metafunc.cls, ChapterScripts):
        sources = [s for s in EXAMPLE_SOURCES if s.parent.name == metafunc.cls.chapter]
        metafunc.parametrize("source", sources, ids=example_id)
