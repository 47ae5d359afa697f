"""The benchmark page's generated tables are what `python -m benchmarks.extraction --page` makes of the
saved results: no number on it is typed by hand, and none is stale."""

from __future__ import annotations

import json

import benchmarks.report as benchmark


def test_generated_tables_match_the_saved_results() -> None:
    page = benchmark.PAGE.read_text()
    assert benchmark.page_block() in page, "run: python -m benchmarks.extraction --page"


def test_every_results_file_has_the_end_to_end_numbers() -> None:
    for path in sorted(benchmark.RESULTS.glob("extraction*.json")):
        results = json.loads(path.read_text())
        assert results["program_vs_predict"] > 0, path.name
        assert set(results["e2e_wall_s"]) >= {"plain_predict", "program_local"}, path.name
        for engine, peaks in results["tree_peak_rss_mb"].items():
            assert len(peaks) == 2 and all(mb > 0 for mb in peaks.values()), (path.name, engine)


def test_the_image_check_paragraph_reads_the_results() -> None:
    """Under (g): the per-file check's cost from the results, or, for results taken before it was
    timed, what has changed since."""
    results = {"image_samples": 1024}
    assert "rerun the benchmark" in benchmark.checks_paragraph(results)
    results |= {"image_check_ms_per_file": 0.4321, "image_checks_in": "a process of its own"}
    paragraph = benchmark.checks_paragraph(results)
    assert "0.43 ms per file" in paragraph and "0.4 s for 1024 images" in paragraph
    assert "a process of its own" in paragraph and "rerun" not in paragraph
