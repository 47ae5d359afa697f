"""Every page's short answer runs as pasted: in a fresh process (forked from one that imported NumPy,
TensorFlow and Keras, `preimported_python.py`), after the page's Setup cell and
what the sentence right above the code says it needs.

The sentence names what the code needs in backticks ("Given a functional `model` and the `batch`
it reads:"). Any other name the code reads and the Setup cell does not define is a failure: a
reader who pastes the code would not have it. The named things are made by the page's own cells:
the last cell before the short answer's code runs on the page that defines each one, every cell
that cell needs in turn, and the cells that change it in between (`model.compile(...)`,
`layer.trainable = False`).
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import symtable
from collections.abc import Iterator
from pathlib import Path

import jupytext
import pytest
from preimported_python import PreimportedPython

from conftest import EXAMPLE_SOURCES, example_id
from toolchain.kernel_env import KERNEL_ENV

BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
BUILTINS = set(dir(builtins))


def names(code: str) -> tuple[set[str], set[str], set[str]]:
    """(defined, read, changed) module-level names of `code`. Read: names the module level reads,
    and the globals its functions and classes read (their own parameters and locals are not).
    Changed: the base of an attribute or item assignment, or of a method called as a statement
    (`model.fit(...)`)."""
    module = symtable.symtable(code, "<page>", "exec")
    defined = {s.get_name() for s in module.get_symbols() if s.is_assigned() or s.is_imported()}
    defined |= {child.get_name() for child in module.get_children()}
    read = {s.get_name() for s in module.get_symbols() if s.is_referenced()}
    scopes = list(module.get_children())
    while scopes:
        scope = scopes.pop()
        scopes += scope.get_children()
        read |= {s.get_name() for s in scope.get_symbols() if s.is_global() and s.is_referenced()}
    changed = set()
    for node in ast.walk(ast.parse(code)):
        target = None
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            target = next((t for t in targets if isinstance(t, (ast.Attribute, ast.Subscript))), None)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            target = node.value.func if isinstance(node.value.func, ast.Attribute) else None
        while isinstance(target, (ast.Attribute, ast.Subscript)):
            target = target.value
        if isinstance(target, ast.Name):
            changed.add(target.id)
    return defined, read, changed


def free(code: str) -> set[str]:
    """Names `code` reads and does not define itself."""
    defined, read, _ = names(code)
    return read - defined - BUILTINS


def short_answer_blocks(markdown: str) -> list[tuple[str, str]]:
    """(the paragraph right above, the code) for each python block of a short answer."""
    found = []
    for match in BLOCK.finditer(markdown):
        above = [p for p in re.split(r"\n\s*\n", markdown[: match.start()]) if p.strip()]
        found.append((above[-1] if above else "", match.group(1)))
    return found


def script_for(source: Path, sentence: str, code: str) -> str:
    """The Setup cell, the page cells that make what the sentence names, then the code."""
    cells = [c.source for c in jupytext.read(source).cells if c.cell_type == "code"]
    setup, rest = cells[0], cells[1:]
    first_line = next(line.strip() for line in code.splitlines() if line.strip())
    anchor = next(
        (i for i, cell in enumerate(rest) if first_line in (line.strip() for line in cell.splitlines())), len(rest)
    )
    given = set(re.findall(r"`([A-Za-z_]\w*)`", sentence))
    missing = free(code) - names(setup)[0] - given
    assert not missing, (
        f"the short answer reads {sorted(missing)}, which the Setup cell does not define and the "
        "sentence above its code does not name (in backticks)"
    )
    info = [names(cell) for cell in rest]
    wanted: set[int] = set()

    def make(name: str, before: int) -> None:
        """Add the last cell before `before` that defines `name`, what it needs, and what changes it."""
        definers = [i for i in range(before) if name in info[i][0]]
        if not definers:
            return
        start = definers[-1]
        for i in [start] + [i for i in range(start + 1, before) if name in info[i][2]]:
            if i not in wanted:
                wanted.add(i)
                for needed in info[i][1] - names(setup)[0] - BUILTINS:
                    make(needed, i)

    for name in free(code) - names(setup)[0]:
        make(name, anchor)
    return "\n\n".join([setup, *(rest[i] for i in sorted(wanted)), code]) + "\n"


@pytest.fixture(scope="session")
def python() -> Iterator[PreimportedPython]:
    """Fresh processes for the short answers, forked from one that imported Keras (one per worker)."""
    server = PreimportedPython(dict(os.environ, **KERNEL_ENV, MPLBACKEND="Agg"))
    yield server
    server.close()


@pytest.mark.short_answers
class ChapterShortAnswers:
    """One chapter's pages. A class per chapter, so that `--dist loadscope` spreads the chapters
    over the workers instead of handing every page to one."""

    chapter = ""

    def test_short_answer_runs_as_pasted(self, source: Path, tmp_path: Path, python: PreimportedPython) -> None:
        markdown = jupytext.read(source).cells[1].source
        blocks = short_answer_blocks(markdown)
        assert blocks, "the short answer has no ```python block"
        for number, (sentence, code) in enumerate(blocks, 1):
            script = tmp_path / f"short_answer_{number}.py"
            script.write_text(script_for(source, sentence, code))
            status, output = python.run(script, timeout=300)
            assert status == 0, f"block {number} fails as pasted:\n{output[-2000:]}"


for chapter in sorted({source.parent.name for source in EXAMPLE_SOURCES}):
    name = "TestShortAnswers_" + chapter
    globals()[name] = type(name, (ChapterShortAnswers,), {"chapter": chapter})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.cls is not None and issubclass(metafunc.cls, ChapterShortAnswers):
        sources = [s for s in EXAMPLE_SOURCES if s.parent.name == metafunc.cls.chapter]
        metafunc.parametrize("source", sources, ids=example_id)


@pytest.mark.short_answers
def test_a_name_the_sentence_does_not_give_fails() -> None:
    with pytest.raises(AssertionError, match=r"reads \['trained_model'\]"):
        script_for(EXAMPLE_SOURCES[0], "Then:", "trained_model.summary()\n")
    assert script_for(EXAMPLE_SOURCES[0], "Given a `trained_model`:", "trained_model.summary()\n")


@pytest.mark.short_answers
def test_each_block_starts_fresh_and_a_failure_shows_why(python: PreimportedPython, tmp_path: Path) -> None:
    first, second, failing = (tmp_path / f"{name}.py" for name in ("first", "second", "failing"))
    first.write_text("import keras\nleaked = keras.layers.Dense(1).name\nprint(leaked)\n")
    second.write_text("import keras\nprint(keras.layers.Dense(1).name, 'leaked' in globals())\n")
    failing.write_text("import keras\nkeras.layers.Concatenate()(1)\n")
    assert python.run(first, timeout=60) == (0, "dense\n")
    assert python.run(second, timeout=60) == (0, "dense False\n")
    status, output = python.run(failing, timeout=60)
    assert status == 1 and "Traceback" in output, output


@pytest.mark.short_answers
def test_a_block_that_hangs_is_killed_and_the_next_still_runs(python: PreimportedPython, tmp_path: Path) -> None:
    hangs, quick = tmp_path / "hangs.py", tmp_path / "quick.py"
    hangs.write_text("import time\nprint('started', flush=True)\ntime.sleep(600)\n")
    quick.write_text("print('next')\n")
    status, output = python.run(hangs, timeout=3)
    assert status == -9 and output.startswith("killed after 3 s\nstarted"), output
    for _ in range(3):  # its two lines (pid, status) come together: each is read, none is left behind
        assert python.run(quick, timeout=60) == (0, "next\n")
