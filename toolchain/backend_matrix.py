"""Run every example as a script on each Keras backend and record what happened.

    python -m toolchain.backend_matrix            # all examples, all backends -> docs/backend_matrix.json
    python -m toolchain.backend_matrix --jobs 2
    python -m toolchain.backend_matrix examples/weights/02_reassigning.py   # re-record just these

A cell of the matrix is "pass" when the script exits 0 and every line it prints that ends in True
or False (the examples' checked claims) reads as it does in the TensorFlow notebook; "differs"
when the script runs but a claim comes out differently (the reason names it); "fails" when the
script stops with an error (the reason quotes it). The site's compatibility page is built from the
JSON file, and the backend test lane checks that a fresh run still agrees with it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from toolchain.build_notebooks import chosen_sources, example_sources
from toolchain.kernel_env import KERNEL_ENV

ROOT = Path(__file__).resolve().parent.parent

BACKENDS = ("tensorflow", "jax", "torch")
MATRIX_FILE = ROOT / "docs" / "backend_matrix.json"
CLAIM = re.compile(r"\b(True|False)$")
ERROR = re.compile(r"^(\w+(Error|Exception)): (.*)$")


def example_id(source: Path) -> str:
    return source.relative_to(ROOT / "examples").with_suffix("").as_posix()


def claims(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if CLAIM.search(line.strip())]


def stored_stdout(source: Path) -> str:
    notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    return "".join(
        o.get("text", "") for c in notebook.cells for o in c.get("outputs", []) if o.get("name") == "stdout"
    )


def run_example(source: Path, backend: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **KERNEL_ENV, KERAS_BACKEND=backend, MPLBACKEND="Agg")
    return subprocess.run(
        [sys.executable, str(source)], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def check(source: Path, backend: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as scratch:
        result = run_example(source, backend, Path(scratch))
    if result.returncode != 0:
        errors = [m.group(0) for line in result.stderr.splitlines() if (m := ERROR.match(line.strip()))]
        return {"status": "fails", "reason": (errors[-1] if errors else result.stderr.strip()[-300:])[:300]}
    expected, got = claims(stored_stdout(source)), claims(result.stdout)
    for want, have in zip(expected, got, strict=False):  # a length mismatch is reported below
        if want != have:
            return {"status": "differs", "reason": f"prints “{have}” where TensorFlow prints “{want}”"}
    if len(expected) != len(got):
        reason = f"prints {len(got)} checked claims where TensorFlow prints {len(expected)}"
        return {"status": "differs", "reason": reason}
    return {"status": "pass", "reason": ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", type=Path, help="example .py files (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=MATRIX_FILE)
    args = parser.parse_args(argv)
    sources = chosen_sources(parser, args.sources)
    cells = [(source, backend) for source in sources for backend in BACKENDS]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda cell: check(*cell), cells))
    # Re-recording some examples keeps the other rows as they were.
    keep_others = args.sources and args.out.exists()
    matrix: dict[str, dict[str, dict[str, str]]] = json.loads(args.out.read_text()) if keep_others else {}
    for (source, backend), outcome in zip(cells, outcomes, strict=True):
        matrix.setdefault(example_id(source), {})[backend] = outcome
        print(f"{example_id(source):40} {backend:10} {outcome['status']} {outcome['reason']}", flush=True)
    order = [example_id(s) for s in example_sources()]
    matrix = {k: matrix[k] for k in sorted(matrix, key=lambda k: order.index(k) if k in order else len(order))}
    args.out.write_text(json.dumps(matrix, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
