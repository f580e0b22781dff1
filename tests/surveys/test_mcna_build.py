"""The second real-shaped survey (tests/surveys/mcna.py) from files exactly as exported to a built chapter,
through the real CLI (validate, then build) with no data edits; the estimates recomputed from the raw files
with R's survey package (mcna_vs_r.R), the chapter read as a reader reads it.

Shapes handled: a REACH frame's unlabelled total row and strata of population 0 (notes), a column repeated
in every regional file that the config never reads (a warning naming its positions), records of weight 0
(kept, as R keeps them; not counted in n), weights normalised per file on three scales (rescaled per stratum
to the frame's populations), no comparison group (estimates only).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from .checks import assert_equal_to_r, assert_not_published, beside_r, needs_r, page_text, r_reference
from .conftest import Msna, cli
from .mcna import REGIONS, mcna_config, write_mcna

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("mcna")]  # one build, on one worker
COMPUTED = {"SAF-3", "ADQ-2", "DOC-2", "FAM-1"}


def test_validate_notes_the_frame_and_warns_about_the_columns_and_weight_0(mcna_built: Msna) -> None:
    v = mcna_built.validate
    assert v is not None and v.returncode == 0, v.stdout + v.stderr
    assert "QRC: ok (556 households)" in v.stdout
    assert "note: frame/mcna_frame.csv: totals row(s) skipped (line 38)" in v.stdout
    assert ("note: frame/mcna_frame.csv: 4 frame strata of population 0 were never sampled ('Baaj - IDP', "
            "'Baaj - RETURNEE', 'Sinjar - IDP', 'Sinjar - RETURNEE')") in v.stdout
    assert "the data's weights rescaled to N_h per stratum from 30 frame strata" in v.stdout
    warnings = [line for line in v.stderr.splitlines() if line.startswith("warning: QRC: ")]
    for region in REGIONS:
        assert (f"warning: QRC: mcna/mcna_{region}.csv: column 'expenses/tot_expenditure' appears 2 times (columns 10 "
                "and 17); the config does not use it, so it is ignored") in warnings, v.stderr
    zero = [w for w in warnings if "with weight 0" in w]
    assert len(zero) == 1 and "22 record(s) with weight 0 (mcna/mcna_north.csv lines 3," in zero[0], zero
    assert "error:" not in v.stderr


def test_weights_on_three_scales_are_refused_without_populations(tmp_path: Path) -> None:
    cfg = mcna_config()
    del cfg["design"]["weights"]
    params = write_mcna(tmp_path / "project", config=cfg)
    v = cli("validate", "--params", str(params))
    assert v.returncode == 2, v.stdout + v.stderr
    errors = [line for line in v.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, v.stderr
    for region, mean in (("north", "0.74"), ("centre", "0.29"), ("south", "0.09")):
        assert f"mcna/mcna_{region}.csv (mean weight {mean}, total " in errors[0]
    assert "design.weights with rescale: true" in errors[0]


def test_build_gives_estimates_only_by_group_area_and_sex_of_the_head(mcna_built: Msna) -> None:
    b = mcna_built.build
    assert b is not None and b.returncode == 0, b.stdout + b.stderr
    table = pd.read_parquet(mcna_built.results / "indicators.parquet")
    assert set(table.loc[table["computed"], "indicator_id"]) == COMPUTED
    est = pd.read_parquet(mcna_built.results / "estimates.parquet")
    assert set(est.loc[~est["suppressed"], "group"]) == {"idp", "returnee"}
    assert {"total", "admin1", "hoh_sex"} <= set(est["disaggregation"])
    assert pd.read_parquet(mcna_built.results / "gaps.parquet").empty
    published = est[~est["suppressed"]]
    assert (published["deff"] > 0).all() and published["n_effective"].notna().all()


def test_chapter_reads_true_without_a_comparison_group(mcna_built: Msna) -> None:
    page = page_text(mcna_built.site / "country-QRC.html")
    summary = page.split("Summary", 2)[2][:600]
    # said first, after which survey round the figures come from
    assert "Estimates only. This survey has no comparison group" in summary.split("Context")[0]
    assert "no criterion could be assessed" not in page
    assert "comparison group compared" not in page and "dashed line and grey band" not in page
    assert "Gap CI" not in page and "estimates and gaps" not in page
    assert "Equivalence margin" not in page and "comparison group's value" not in page  # no gaps, no margin
    assert "Individuals 0" not in page and "Smallest count shown as a number 5" in page  # no individual data
    assert "not available: not collected in this survey" not in page  # no rows of empty values
    assert "Indicators not computed in this country (16 of 20), by reason:" in page
    assert "Not collected in this survey: Unemployment, Did not vote." in page  # short titles, as every list
    assert "Not in this survey: Security incident (needs the survey's individual-level data)" in page
    assert "Estimates by area (shares in %)" in page
    assert "Estimates by sex of the head of household (shares in %)" in page
    glob = page_text(mcna_built.site / "global.html")
    assert "Estimates only, no criterion assessed: the survey of Republic of Rhenalia has no comparison group" in glob
    # the cross-country charts show IDPs only: no caption names a group no survey of the edition has
    assert "Percent of households, IDPs, with 95% confidence intervals" in glob
    assert "and the comparison group" not in glob
    front = page_text(mcna_built.site / "index.html")
    assert "estimates only: no comparison group, no criterion assessed" in front
    assert "Its survey has no comparison group of people never displaced, so this edition cannot answer" in front
    assert "Gap closed" not in front  # no key to statuses the page does not show


def test_no_record_level_data_reaches_the_site_or_downloads(mcna_built: Msna) -> None:
    north = pd.read_csv(mcna_built.country_dir / "mcna" / "mcna_north.csv", dtype=str)
    assert_not_published([mcna_built.site, mcna_built.results],
                         [*north["X_uuid"].head(50), *north["phone_number"].head(50)])


@pytest.mark.r
@needs_r
def test_estimates_equal_r_survey_with_weight_0_kept(mcna_built: Msna, tmp_path: Path) -> None:
    """R reads the raw exports and the frame itself, rescales each stratum's weights to the frame's
    population, keeps the records of weight 0, and estimates; n counts only records of positive weight."""
    assert mcna_built.build is not None and mcna_built.build.returncode == 0
    d = mcna_built.country_dir
    ref, printed = r_reference("mcna_vs_r.R", d / "frame" / "mcna_frame.csv", tmp_path / "r.csv",
                               *[d / "mcna" / f"mcna_{r}.csv" for r in REGIONS], out=tmp_path / "r.csv")
    assert "strata 30" in printed and "weight 0 records 22" in printed
    compared = []
    for r, mine in beside_r(ref, mcna_built.results):
        if mine["suppressed"]:  # a withheld row publishes no count (methodology §5)
            assert pd.isna(mine["n_unweighted"]), r
            continue
        assert mine["n_unweighted"] == r.n, r  # records of weight 0 are not counted
        compared.append((r, mine))
    assert_equal_to_r(compared)
    assert len(ref) == 18 and len(compared) >= 14
