"""Smoke test of the benchmarks: modules import, and the Python-vs-R subset comparison works on tiny data.

No timing assertions: benchmarks record figures, they never judge them.
"""

from __future__ import annotations

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
