"""diff_editions on small synthetic editions written by the real results writer (made-up numbers for
fictional country codes)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from solutions.editions import diff_editions, edition_folder, load_edition, previous_edition
from solutions.errors import SolutionsError
from solutions.report.changes_text import diff_lines
from solutions.results import write_table

NAN = math.nan


def _est(country, indicator, group, value, se=0.02, *, year, version="v1", withheld=False, category=""):
    return {"country": country, "year": year, "indicator_id": indicator, "criterion": 1, "kind": "proportion",
            "group": group, "disaggregation": "total", "disaggregation_value": "", "category": category,
            "estimate": NAN if withheld else value, "se": NAN if withheld else se,
            "ci_low": NAN if withheld else value - 2 * se, "ci_high": NAN if withheld else value + 2 * se,
            "df": 30.0, "deff": 1.5, "cv": 0.1, "n_unweighted": 10 if withheld else 400, "n_weighted": 4000.0,
            "n_missing": 0, "suppressed": withheld, "suppression_reason": "min_n" if withheld else "", "flag": "",
            "catalogue_version": version}


def _gap(country, indicator, group, status, *, year):
    return {"country": country, "year": year, "indicator_id": indicator, "criterion": 1, "group": group,
            "disaggregation": "total", "disaggregation_value": "", "category": "", "gap": 0.1, "se": 0.02,
            "ci_low": 0.06, "ci_high": 0.14, "df": 30.0, "p_value": 0.01, "direction": "lower", "status": status,
            "catalogue_version": "v1"}


def _crit(country, status, *, year):
    return {"country": country, "year": year, "criterion": 1, "group": "idp", "status": status, "n_indicators": 2,
            "n_closed": 0, "n_open": 1, "n_insufficient": 0}


def _write(root, year, rows, gaps=(), crits=()):
    folder = root / str(year)
    for iso in {r["country"] for r in rows}:
        out = folder / "results" / iso
        write_table(pd.DataFrame([r for r in rows if r["country"] == iso]), "estimates", out)
        write_table(pd.DataFrame([g for g in gaps if g["country"] == iso]), "gaps", out)
        write_table(pd.DataFrame([c for c in crits if c["country"] == iso]), "criteria", out)
    return folder


@pytest.fixture
def editions(tmp_path):
    old = _write(tmp_path, 2025, [
        _est("QZA", "SAF-1", "idp", 0.30, year=2025),          # will move by -10 points: beyond the CIs
        _est("QZA", "SAF-1", "comparison", 0.20, year=2025),   # will move by +2 points: within
        _est("QZA", "ADQ-2", "idp", 0.50, year=2025),          # withheld in 2026: no change published
        _est("QZA", "OLD-1", "idp", 0.50, year=2025),          # dropped indicator
        _est("QZB", "SAF-1", "idp", 0.30, year=2025),          # dropped country
        _est("QZC", "SAF-1", "idp", 0.90, year=2025, version="v0"),  # other definitions: not compared
    ], gaps=[_gap("QZA", "SAF-1", "idp", "open", year=2025)], crits=[_crit("QZA", "open", year=2025)])
    new = _write(tmp_path, 2026, [
        _est("QZA", "SAF-1", "idp", 0.20, year=2026),
        _est("QZA", "SAF-1", "comparison", 0.22, year=2026),
        _est("QZA", "ADQ-2", "idp", NAN, year=2026, withheld=True),
        _est("QZA", "NEW-1", "idp", 0.40, year=2026),
        _est("QZC", "SAF-1", "idp", 0.10, year=2026),
        _est("QZD", "SAF-1", "idp", 0.30, year=2026),
    ], gaps=[_gap("QZA", "SAF-1", "idp", "inconclusive", year=2026)],
        crits=[_crit("QZA", "inconclusive", year=2026)])
    return tmp_path, load_edition(old), load_edition(new)


def test_moves_beyond_the_ci_statuses_and_membership(editions):
    _root, old, new = editions
    d = diff_editions(old, new, confidence_level=0.95)
    assert (d.old_year, d.new_year) == (2025, 2026)
    assert d.countries_added == ["QZD"] and d.countries_dropped == ["QZB"]
    assert d.indicators_added == ["NEW-1"] and d.indicators_dropped == ["OLD-1"]
    # compared: QZA's SAF-1 idp and comparison; ADQ-2 is withheld in 2026, QZC's definitions differ
    assert d.compared == 2
    assert len(d.moved) == 1
    row = d.moved.iloc[0]
    assert (row["status"], row["direction"], row["margin"], row["df"]) == ("improved", "lower", 0.05, 30.0)
    assert d.counts() == {"improved": 1, "cannot_tell": 1, "insufficient_data": 1}
    assert (row["country"], row["indicator_id"], row["group"]) == ("QZA", "SAF-1", "idp")
    se = math.sqrt(2) * 0.02
    q = stats.t.ppf(0.975, 30)
    assert row["change"] == pytest.approx(-0.10) and row["se"] == pytest.approx(se)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-0.10 - q * se, -0.10 + q * se))
    assert d.gap_changes[["country", "indicator_id", "status_from", "status_to"]].values.tolist() == [
        ["QZA", "SAF-1", "open", "inconclusive"]]
    assert d.criterion_changes[["country", "criterion", "status_from", "status_to"]].values.tolist() == [
        ["QZA", 1, "open", "inconclusive"]]
    # QZC's SAF-1 was computed under a catalogue version this catalogue cannot vouch for: that indicator only
    assert d.not_compared.values.tolist() == [["QZC", "SAF-1", "v0", "v1", ""]]
    assert not d.empty


def test_nothing_withheld_reaches_the_diff(editions):
    _root, old, new = editions
    d = diff_editions(old, new, confidence_level=0.95)
    assert "ADQ-2" not in set(d.moved["indicator_id"])
    assert not np.isnan(d.moved[["change", "ci_low", "ci_high"]].to_numpy(float)).any()


def test_lines_in_the_reports_words(editions):
    _root, old, new = editions
    lines = diff_lines(diff_editions(old, new, confidence_level=0.95), titles={"SAF-1": "Security incident"})
    text = "\n".join(lines)
    assert "countries added: QZD; dropped: QZB" in text
    # SAF-1 (security incidents: lower is better) fell by 10 points, far beyond the 5-point margin: better;
    # the comparison group's +2 (−3.6 to +7.6) holds zero and values beyond the margin: cannot tell
    assert ("estimates: 3 national estimates compared: 1 better, 1 the surveys cannot tell, 1 a value withheld "
            "(95% CI of each change; the surveys are independent):") in text
    assert "  better: 1\n    QZA · SAF-1 Security incident · IDPs: 30% → 20%: better, down 10 points (−16 to −4)" in text
    assert "  QZA · SAF-1 Security incident · IDPs: Gap open → Inconclusive (the gap is no longer shown)" in text
    assert ("  QZA · 1 Safety, security and freedom of movement · IDPs: Gap open → Inconclusive (the gap is no "
            "longer shown)") in text
    assert "beyond" not in text
    assert "not compared: SAF-1 Security incident: the definitions differ (QZC; catalogue v0 → v1)" in text


def test_same_edition_twice_is_empty_and_two_builds_of_one_year_compare(editions, tmp_path):
    _root, _old, new = editions
    d = diff_editions(new, new, confidence_level=0.95)
    assert d.empty and d.compared == 5 and d.old_year == d.new_year == 2026


def test_finding_editions(editions):
    root, _old, _new = editions
    assert edition_folder(root, "2025") == root / "2025"
    assert edition_folder(root, str(root / "2025")) == root / "2025"
    assert previous_edition(root, 2026) == root / "2025"
    assert previous_edition(root, 2025) is None
    assert load_edition(root / "2025" / "results").year == 2025  # the results folder works too


def test_csv_downloads_are_an_edition_too(editions, tmp_path):
    root, old, _new = editions
    site = tmp_path / "site" / "results" / "QZA"
    site.mkdir(parents=True)
    for name in ("estimates", "gaps", "criteria"):
        (site / f"{name}.csv").write_bytes((root / "2025" / "results" / "QZA" / f"{name}.csv").read_bytes())
    csv = load_edition(tmp_path / "site")
    pq = old.estimates[old.estimates["country"] == "QZA"].reset_index(drop=True)
    pd.testing.assert_frame_equal(csv.estimates, pq, check_dtype=False)


def test_an_empty_folder_is_one_clear_error(tmp_path):
    with pytest.raises(SolutionsError) as exc:
        load_edition(tmp_path / "nothing")
    assert exc.value.problems == [f"{tmp_path / 'nothing'}: no results tables of an edition here (expected "
                                  f"{tmp_path / 'nothing' / 'results'}/<ISO3>/estimates.parquet or .csv)"]


def test_an_unreadable_table_is_one_clear_error(tmp_path):
    folder = tmp_path / "2025" / "results" / "QZA"
    folder.mkdir(parents=True)
    (folder / "estimates.parquet").write_bytes(b"not parquet")
    with pytest.raises(SolutionsError) as exc:
        load_edition(tmp_path / "2025")
    assert len(exc.value.problems) == 1 and "estimates.parquet: cannot be read as a results table" in str(exc.value)


def test_the_front_page_is_stale_when_the_previous_edition_changes(editions):
    """The front page's "what changed" reads the previous edition: its staleness key follows that edition."""
    from solutions.pipeline.plan import earlier_edition_sha256

    root, old, _new = editions
    before = earlier_edition_sha256(root, 2026)
    assert earlier_edition_sha256(root, 2025) != before  # no earlier edition than 2025
    est = old.estimates[old.estimates["country"] == "QZA"].assign(estimate=0.99)
    write_table(est, "estimates", root / "2025" / "results" / "QZA")
    assert earlier_edition_sha256(root, 2026) != before
