"""The extraction benchmark runs and keeps its output contract. It asserts no speed: the
targets live in the results the site shows, never in a timed test."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

# From the root, as the README runs it.
BENCHMARK = [sys.executable, "-m", "benchmarks.extraction"]
KEYS = {"per_branch_s", "single_pass_s", "forward_s", "per_sample_s", "single_pass_on_device_s",
        "forward_on_device_s", "peak_rss_mb"}


def check_results(results: dict) -> None:
    assert KEYS <= results.keys()
    for key in KEYS - {"peak_rss_mb"}:
        assert isinstance(results[key], float) and results[key] > 0, key
    for peaks in (results["peak_rss_mb"], results["image_peak_rss_mb"]):  # arrays, a folder of images
        sizes = [int(size) for size in peaks]
        assert len(sizes) == 2 and sizes[1] == 10 * sizes[0]
        assert all(mb > 0 for mb in peaks.values())
    assert results["image_program_vs_plain"] > 0
    assert {"program_local", results["image_baseline"]} <= set(results["image_wall_s_by_size"][str(sizes[0])])


@pytest.mark.benchmark  # a minute and a half on 2 cores: it runs in the extraction lane of .ci/run
def test_quick_run_prints_json_on_its_last_line() -> None:
    result = subprocess.run(
        [*BENCHMARK, "--quick", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(result.stdout.strip().splitlines()[-1])
    check_results(results)
    # the program's own check of every file, timed; the page's paragraph under (g) is built from it
    assert 0 < results["image_check_ms_per_file"] < 1000 and results["image_checks_in"]


def test_saved_results_shown_on_the_site_are_complete() -> None:
    check_results(json.loads((ROOT / "benchmarks" / "results" / "extraction.json").read_text()))


def test_save_into_a_missing_folder_is_refused(tmp_path) -> None:
    result = subprocess.run(
        [*BENCHMARK, "--save", str(tmp_path / "nope" / "r.json")], cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2 and "does not exist" in result.stderr
