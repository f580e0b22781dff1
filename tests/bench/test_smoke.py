"""Smoke test of the benchmarks: modules import, and the Python-vs-R subset comparison works on tiny data.

No timing assertions: benchmarks record figures, they never judge them.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import engine, pipeline, report  # noqa: E402,F401


@pytest.fixture(scope="module")
def tiny():
    from solutions.demo import benchmark_frames

    hh, ind = benchmark_frames(3_000, seed=11)
    return engine.prepare(hh, ind)


def test_modules_import_and_helpers() -> None:
    assert pipeline.iso_code(0) == "QBA" and pipeline.iso_code(19) == "QBT" and pipeline.iso_code(26) == "QCA"
    assert set(engine.SUBSET) == {"ADQ-2", "LIV-1", "PAR-2"}
    cat = engine.subset_catalogue()
    assert [i.id for i in cat.indicators] == list(engine.SUBSET)


def test_engine_subset_matches_survey_direct(tiny) -> None:
    _, py = engine.python_subset(tiny, min_n=2)
    _, direct = engine.survey_direct(tiny)
    cmp = engine.compare(py, direct)
    assert cmp["rows_matched"] == len(py) == len(direct) == 36
    assert cmp["max_rel_diff_estimate"] < 1e-9 and cmp["max_rel_diff_se"] < 1e-9


@pytest.mark.r
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not found")
def test_engine_subset_against_r(tiny, tmp_path) -> None:
    engine.write_r_inputs(tiny, tmp_path)
    r = engine.r_subset(tmp_path, tmp_path / "r.csv")
    _, py = engine.python_subset(tiny, min_n=2)
    cmp = engine.compare(py, r["rows"])
    assert cmp["rows_matched"] == cmp["rows_r"] == 36
    assert cmp["max_rel_diff_estimate"] < 1e-9 and cmp["max_rel_diff_se"] < 1e-6
    assert {"read_seconds", "design_seconds", "estimate_seconds"} <= set(r["info"])


def test_linear_fit_recovers_a_line_and_flags_a_curve() -> None:
    from bench import analysis

    fit = analysis.linear_fit([(5, 30.0), (20, 90.0), (80, 330.0)])
    assert fit["slope"] == 4.0 and fit["intercept"] == 10.0 and fit["r2"] == 1.0
    assert fit["last_over_first_segment_slope"] == 1.0
    curved = analysis.linear_fit([(5, 25.0), (20, 400.0), (80, 6400.0)])  # quadratic: R² still 0.98
    assert curved["last_over_first_segment_slope"] == 4.0
    assert analysis.linear_fit([(5, 1.0)])["r2"] is None


def test_overhead_splits_the_warm_notebook_and_targets_judge_it() -> None:
    from bench import analysis

    def run(compute: float, chapter: float, outside: float) -> dict:
        cells = [{"cell": "results = prepare_country(...)", "seconds": compute, "computes": True},
                 {"cell": "chapter.criterion_section(results, 1)", "seconds": chapter, "computes": False}]
        return {"wall_seconds": compute + chapter + outside, "cells": cells, "cells_seconds": compute + chapter,
                "outside_cells_seconds": outside}

    nb = {"fresh_kernel": run(9.0, 2.0, 4.0), "warm_first": run(8.0, 2.0, 0.5), "warm_next": run(5.0, 2.0, 0.5),
          "warm_next_stored": run(5.0, 0.2, 0.5), "kernel_start_seconds": 4.0, "nbconvert_html_seconds": 0.3}
    o = analysis.overhead(nb, workers=2, countries=20)
    assert o["compute_seconds"] == 5.0 and o["imports_in_first_notebook_seconds"] == 3.0
    assert o["overhead_seconds"] == pytest.approx(2.0 + 0.5 + 0.3 + 0.4) and o["met"] is False
    assert o["kernel_per_notebook_overhead_seconds"] == pytest.approx(15.0 - 9.0 + 0.3)
    stored = analysis.overhead(nb, workers=2, countries=20, stored=True)  # charts from the page's chart store
    assert stored["overhead_seconds"] == pytest.approx(0.2 + 0.5 + 0.3 + 0.4) and stored["met"] is False
    assert "store" in stored["charts"] and "drawn" in o["charts"]
    # Quarto renders the whole site on every build: its per-page render takes the place of nbconvert's export
    q = analysis.overhead({**nb, "nbconvert_html_seconds": 2.2}, workers=2, countries=20, renderer="Quarto")
    assert q["parts_seconds"]["page render (Quarto site render, per page)"] == 2.2
    assert q["overhead_seconds"] == pytest.approx(2.0 + 0.5 + 2.2 + 0.4) and "Quarto" in q["note"]
    assert analysis.quarto_overhead(nb, 2, 20, {"per_page_seconds": 2.2}) == q
    unmeasured = analysis.quarto_overhead(nb, 2, 20, {"error": "Quarto is not installed"}, stored=True)
    assert unmeasured["overhead_seconds"] is None and unmeasured["error"] == "Quarto is not installed"
    assert analysis.target("x", 1.2, 1.5, "<")["status"] == "met"
    assert analysis.target("x", 2.0, 1.8, ">=")["status"] == "met"
    assert analysis.target("x", None, 1.8, ">=")["status"] == "not measured"


def test_report_page_from_pipeline_figures(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BENCH_OUT", str(tmp_path))
    growth = {"mean_households_per_country": 1000, "fit_seconds_vs_countries": {"slope": 4.0, "r2": 1.0},
              "points": {str(n): {"seconds": 10 + 4.0 * n, "tree_peak_rss_gib": 1.0,
                                  "global_notebook": {"kernel_peak_rss_gib": 0.3}} for n in (5, 20)}
              | {"80": {"skipped": "time budget"}}}
    figures = {"countries": 20, "summary": {"cold_seconds": 100.0, "baseline_seconds": 200.0},
               "growth": growth, "targets": [{"target": "warm", "measured": 0.01, "limit": "< 0.05", "met": True}],
               "global_memory": {"main": {"countries": 20, "kernel_peak_rss_gib": 0.31}}}
    (tmp_path / "pipeline.json").write_text(json.dumps(figures))
    page = report.main().read_text()
    assert page.count("<img") >= 2 and "time budget" in page and "Targets of issue 7" in page


@pytest.fixture(scope="module")
def peer_files(tmp_path_factory):
    from bench import peers

    return peers.write_data(peers.peer_frame(20_000, seed=3), tmp_path_factory.mktemp("peers"))


def test_peers_engine_and_numpy_minimum_agree(peer_files) -> None:
    import argparse

    from bench import peers

    res = peers._worker(argparse.Namespace(data=peer_files["parquet"], runs=1))
    assert set(res["seconds"]) == set(peers.KINDS)
    agree = peers.agreement(res["rows"], "engine")
    assert agree["numpy_minimum"]["rows_matched"] == 4 * len(peers.KINDS)
    assert agree["numpy_minimum"]["max_rel_diff_estimate"] < 1e-12
    assert agree["numpy_minimum"]["max_rel_diff_se"] < 1e-10


@pytest.mark.r
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not found")
def test_peers_r_script_matches_the_engine(peer_files, tmp_path) -> None:
    import argparse

    from bench import peers

    r = peers.run_r(peer_files["csv"], tmp_path)
    assert "error" not in r, r.get("error")
    ours = peers._worker(argparse.Namespace(data=peer_files["parquet"], runs=1))["rows"]
    agree = peers.agreement([*ours, *r["rows"]], "R")
    assert agree["engine"]["rows_matched"] == 4 * len(peers.KINDS)
    assert agree["engine"]["max_rel_diff_estimate"] < 1e-9 and agree["engine"]["max_rel_diff_se"] < 1e-6
    assert set(r["seconds"]) == set(peers.KINDS) and r["design_seconds"] >= 0


def test_report_page_from_peer_figures(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BENCH_OUT", str(tmp_path))
    seconds = {k: {"engine": 0.02, "numpy_minimum": 0.01, "svy": 0.5, "R": 5.0}
               for k in ("mean", "proportion", "ratio", "total")}
    size = {"seconds": seconds, "engine_over_minimum": {k: 2.0 for k in seconds},
            "agreement": {"reference": "R", "engine": {"rows_matched": 16, "max_rel_diff_se": 1e-15}}}
    (tmp_path / "peers.json").write_text(json.dumps({"peers": {"design": "d", "sizes": {"1000": size},
                                                               "targets": {"engine_over_minimum_max": 3}}}))
    page = report.main().read_text()
    assert "Against the peers" in page and page.count("<img") == 1 and "engine / numpy minimum" in page


def test_global_memory_copies_a_country_edition(tmp_path) -> None:
    """A country-edition of the memory curve: the source's tables under another code and year, readable as
    an earlier edition by the pages."""
    import pandas as pd

    from bench import global_memory
    from solutions.results import ESTIMATES, conform, earlier_result_folders, read_table, write_table

    src = tmp_path / "src"
    src.mkdir()
    write_table(conform(pd.DataFrame({"country": "QAB", "year": 2026, "indicator_id": ["A", "B"],
                                      "estimate": [0.1, 0.2]}), ESTIMATES), "estimates", src)
    (src / "meta.json").write_text(json.dumps({"iso3": "QAB", "name": "Aldoria"}))
    dst = tmp_path / "out" / "2024" / "results" / "QBA"
    global_memory._copy_results(src, dst, "QBA", 2024, "Aldoria (QBA)")
    got = read_table(dst, "estimates")
    assert list(got["country"]) == ["QBA", "QBA"] and list(got["year"]) == [2024, 2024]
    assert list(got["estimate"]) == [0.1, 0.2]
    assert json.loads((dst / "meta.json").read_text())["iso3"] == "QBA"
    assert earlier_result_folders(tmp_path / "out", "QBA", 2026) == [dst]
    assert global_memory.iso_code(27) == "QCB"
