"""The notebook builder refuses bad input with a clear message, without starting a kernel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUILDER = [sys.executable, "-m", "toolchain.build_notebooks"]


def run_builder(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BUILDER, *args], capture_output=True, text=True, timeout=120
    )


def test_missing_file_is_refused(tmp_path: Path) -> None:
    result = run_builder(str(tmp_path / "nope.py"))
    assert result.returncode == 2
    assert "not an example source file" in result.stderr


def test_file_without_jupytext_header_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "01_plain.py"
    plain.write_text("print('hi')\n")
    result = run_builder(str(plain))
    assert result.returncode == 2
    assert "no jupytext header" in result.stderr
    assert not plain.with_suffix(".ipynb").exists()


def test_rebuild_keeps_outputs_that_differ_only_in_sanitized_timings(tmp_path: Path) -> None:
    import nbformat

    from toolchain.build_notebooks import keep_unchanged_outputs

    def notebook(bar: str, count: str) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell("run()")
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stderr", text=bar),
            nbformat.v4.new_output("stream", name="stdout", text=count),
        ]
        return nbformat.v4.new_notebook(cells=[cell])

    stored_bar = "\r100%|##| 10/10 [00:00<00:00, 56.27batch/s]"
    target = tmp_path / "01_x.ipynb"
    nbformat.write(notebook(stored_bar, "10 rows\n"), target)

    fresh = notebook("\r100%|##| 10/10 [00:01<00:00,  9.80batch/s]", "10 rows\n")
    keep_unchanged_outputs(fresh, target)
    assert fresh.cells[0].outputs[0].text == stored_bar

    changed = notebook("\r100%|##| 10/10 [00:01<00:00,  9.80batch/s]", "11 rows\n")
    keep_unchanged_outputs(changed, target)
    assert changed.cells[0].outputs[1].text == "11 rows\n"


def test_version_check_is_silent_on_the_pins_and_says_what_differs_otherwise(capsys) -> None:
    from toolchain.build_notebooks import VERSION_CHECK_TAG, pinned, version_check_cell

    cell = version_check_cell()
    assert VERSION_CHECK_TAG in cell.metadata["tags"]
    exec(cell.source, {})
    assert capsys.readouterr().out == ""  # the pinned versions are the ones installed here

    other = dict(pinned(), numpy="1.26.4", keras="3.0.0")
    exec(version_check_cell(other).source, {})
    out = capsys.readouterr().out
    assert f"numpy: you have {pinned()['numpy']}, the outputs used 1.26.4" in out
    assert f"keras: you have {pinned()['keras']}, the outputs used 3.0.0" in out
    assert "tensorflow:" not in out  # only what differs
    install = [line.strip() for line in out.splitlines() if "pip install" in line]
    assert install == ["%pip install " + " ".join(f"{k}=={v}" for k, v in other.items())]
