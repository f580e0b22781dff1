"""A Kobo export + XLSForm + sampling frame to a built chapter, through the real CLI, with no pre-processing
outside the tool; the estimates recomputed from the raw files with R's survey package.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .checks import assert_equal_to_r, assert_not_published, beside_r, needs_r, page_text, r_reference
from .conftest import Msna

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("msna")]  # one build, on one worker
MAPPED = {"SAF-3", "ADQ-1", "ADQ-2", "LIV-2", "HLP-2", "DOC-2", "FAM-1", "FCS-1", "SOL-1"}


def test_validate_passes_and_says_what_will_not_be_computed(msna_built: Msna) -> None:
    v = msna_built.validate
    assert v is not None and v.returncode == 0, v.stdout + v.stderr
    assert "QMS: ok (625 households)" in v.stdout
    assert "Kish effective n" in v.stdout
    warnings = [line for line in v.stderr.splitlines() if line.startswith("warning: QMS: ")]
    assert len(warnings) == 1, v.stderr
    assert "13 indicator(s) will not be computed" in warnings[0]
    assert "SAF-1 (needs the individuals table)" in warnings[0]
    assert "REM-2 (variables justice_restored, remedy_accessed not mapped (columns.households))" in warnings[0]
    assert "error:" not in v.stderr


def test_build_gives_the_chapter_with_the_mapped_indicators(msna_built: Msna) -> None:
    b = msna_built.build
    assert b is not None and b.returncode == 0, b.stdout + b.stderr
    table = pd.read_parquet(msna_built.results / "indicators.parquet")
    assert set(table.loc[table["computed"], "indicator_id"]) == MAPPED
    reasons = dict(zip(table["indicator_id"], table["reason"], strict=True))
    assert reasons["DOC-1"] == "needs the individuals table"
    assert reasons["HLP-1"] == "needs the locations table"
    assert reasons["SAF-2"] == "variables justice_accessed, justice_needed not mapped (columns.households)"
    notes = dict(zip(table["indicator_id"], table["note"], strict=True))
    assert notes["LIV-2"].startswith("proxy: ")
    est = pd.read_parquet(msna_built.results / "estimates.parquet")
    assert set(est.loc[~est["suppressed"], "group"]) == {"idp", "returnee"}  # IDPs and returnees only
    assert set(est["disaggregation"]) == {"total", "admin1", "hoh_sex"}
    assert set(est.loc[est["disaggregation"] == "admin1", "disaggregation_value"]) == {"north", "south"}
    assert (est.loc[est["indicator_id"] == "LIV-2", "note"].str.startswith("proxy: ")).all()
    assert pd.read_parquet(msna_built.results / "gaps.parquet").empty  # no comparison group: no gaps
    criteria = pd.read_parquet(msna_built.results / "criteria.parquet")
    assert set(criteria["status"]) == {"not_assessed"}
    bench = pd.read_parquet(msna_built.results / "benchmarks.parquet")
    assert set(bench["indicator_id"]) == {"ADQ-2", "LIV-2"} and len(bench) == 4
    adq = bench[(bench["indicator_id"] == "ADQ-2") & (bench["group"] == "idp")].iloc[0]
    assert adq["difference"] == pytest.approx(adq["estimate"] - 0.71, rel=1e-12)
    assert adq["difference_se"] == pytest.approx(np.hypot(adq["se"], 0.012), rel=1e-12)


def test_chapter_page_is_honest_about_this_survey(msna_built: Msna) -> None:
    page = page_text(msna_built.site / "country-QMS.html")
    assert "data collected August–September 2023. Report edition 2026." in page
    assert "gaps cannot be estimated from this survey" in page
    assert "External benchmark: Mesaria Household Budget Survey 2021" in page
    assert "71% (SE 1.2%)" in page and "SE not given" in page
    assert "below the benchmark" in page
    assert "Note: proxy: households with neither a bank account nor mobile money" in page
    assert "Indicators not computed in this country (13 of 22), by reason:" in page
    assert "Not in this survey: Security incident (needs the survey's individual-level data)" in page
    assert "not available: not collected in this survey" not in page  # one short list, not rows of empty values
    assert "Estimates by sex of the head of household (shares in %)" in page  # the configured breakdown
    assert "Estimates only." in page.split("Summary", 2)[2].split("Context")[0]
    assert "Effective sample size (Kish)" in page
    assert "DEMONSTRATION DATA" in page  # this country's data is fictional: its own banner
    glob = page_text(msna_built.site / "global.html")
    assert "The chapter of Republic of Mesaria (QMS) uses fictional data" in glob
    assert "has no comparison group, so gaps cannot be estimated from it" in glob


def test_no_record_level_data_reaches_the_site_or_downloads(msna_built: Msna) -> None:
    north = pd.read_csv(msna_built.country_dir / "kobo" / "msna_north.csv", dtype=str)
    assert_not_published([msna_built.site, msna_built.results],
                         [*north["_uuid"].head(50), *north["contact/phone"].head(50), *north["enumerator_name"].unique()])


@pytest.mark.r
@needs_r
def test_estimates_equal_r_survey_with_the_frame_weights(msna_built: Msna, tmp_path: Path) -> None:
    """R reads the raw exports and the frame itself, computes N_h / n_h and the design, and estimates."""
    assert msna_built.build is not None and msna_built.build.returncode == 0
    d = msna_built.country_dir
    ref, printed = r_reference("msna_vs_r.R", d / "kobo" / "msna_north.csv", d / "kobo" / "msna_south.csv",
                               d / "frame" / "sampling_frame.csv", tmp_path / "r.csv", out=tmp_path / "r.csv")
    assert "strata 38" in printed
    pairs = list(beside_r(ref, msna_built.results))
    for r, mine in pairs:
        assert not mine["suppressed"], r
    assert_equal_to_r(pairs)
    assert len(ref) == 18
