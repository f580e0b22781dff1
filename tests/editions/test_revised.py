"""Per-indicator comparability across editions (methodology §3: never compare estimates whose definitions
differ): an indicator the catalogue marks ``revised`` in a version newer than an earlier edition's catalogue
version is not compared, for that indicator only; every other indicator of the country stays compared."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pydantic import ValidationError

from solutions.catalogue import load_catalogue, version_key
from solutions.config import GlobalConfig
from solutions.demo.editions import earlier_catalogue_version
from solutions.editions import diff_editions, load_edition
from solutions.indicators.changes import year_over_year
from solutions.indicators.status import comparable_years
from solutions.report.changes_text import diff_lines
from solutions.results import write_table

CAT = load_catalogue()
NAN = math.nan


def _revised_and_steady() -> tuple[str, str, str, str]:
    """A revised indicator, one not revised, the version that revised it and the version just before."""
    revised = [i for i in CAT.indicators if i.revised and i.direction in ("higher", "lower")]
    steady = [i for i in CAT.indicators if not i.revised and i.kind == "proportion"]
    assert revised and steady, "the catalogue records a revised definition (the demo series shows it)"
    before = earlier_catalogue_version(CAT)
    assert before is not None and version_key(before) < version_key(revised[0].revised)
    return revised[0].id, steady[0].id, revised[0].revised, before


def _est(country, indicator, value, *, year, version, group="idp", criterion=1):
    se = 0.01
    return {"country": country, "year": year, "indicator_id": indicator, "criterion": criterion,
            "kind": "proportion", "group": group, "disaggregation": "total", "disaggregation_value": "",
            "category": "", "estimate": value, "se": se, "ci_low": value - 2 * se, "ci_high": value + 2 * se,
            "df": 30.0, "deff": 1.5, "cv": 0.1, "n_unweighted": 400, "n_weighted": 4000.0, "n_missing": 0,
            "suppressed": False, "suppression_reason": "", "flag": "", "catalogue_version": version}


def _history(before: str, now: str, revised: str, steady: str, own: str = "QZZ-1") -> pd.DataFrame:
    rows = []
    for year, version, shift in ((2025, before, 0.0), (2026, now, 0.2)):
        rows += [_est("QZA", revised, 0.3 + shift, year=year, version=version),
                 _est("QZA", steady, 0.3 + shift, year=year, version=version),
                 _est("QZA", own, 0.3 + shift, year=year, version=version)]
    return pd.DataFrame(rows)


def test_comparable_per_indicator() -> None:
    revised, steady, at, before = _revised_and_steady()
    assert not CAT.comparable(revised, before, at)
    assert CAT.comparable(revised, at, at) and CAT.comparable(revised, before, before)
    assert CAT.comparable(steady, before, at)
    assert not CAT.comparable("QZZ-1", before, at)  # a country's own indicator: only the same version
    assert CAT.comparable("SOL-1", before, at)  # the solutions measure: its conditions are the global config's
    newer = ".".join(str(p + 1) for p in version_key(CAT.version))
    assert not CAT.comparable(steady, at, newer)  # a version this catalogue cannot vouch for
    assert not CAT.comparable(steady, "1999.1", at)  # before revisions were recorded


def test_comparable_years_drops_only_the_revised_indicator() -> None:
    revised, steady, at, before = _revised_and_steady()
    kept, excluded = comparable_years(_history(before, CAT.version, revised, steady), 2026, CAT)
    assert sorted(set(excluded["indicator_id"])) == sorted([revised, "QZZ-1"])
    assert set(excluded["year"]) == {2025}
    assert set(kept.loc[kept["year"] == 2025, "indicator_id"]) == {steady}


def test_year_over_year_compares_the_steady_indicator_only() -> None:
    revised, steady, _at, before = _revised_and_steady()
    changes = year_over_year(_history(before, CAT.version, revised, steady), 2026, confidence_level=0.95)
    compared = changes.loc[changes["change"].notna(), "indicator_id"].tolist()
    assert compared == [steady]


def _write(root, year, rows):
    out = root / str(year) / "results" / "QZA"
    write_table(pd.DataFrame(rows), "estimates", out)
    for name in ("gaps", "criteria"):
        write_table(pd.DataFrame(), name, out)
    return root / str(year)


def test_diff_names_the_revised_indicator_not_the_country(tmp_path) -> None:
    revised, steady, at, before = _revised_and_steady()
    h = _history(before, CAT.version, revised, steady)
    old = load_edition(_write(tmp_path, 2025, h[h["year"] == 2025].to_dict("records")))
    new = load_edition(_write(tmp_path, 2026, h[h["year"] == 2026].to_dict("records")))
    d = diff_editions(old, new, confidence_level=0.95)
    nc = d.not_compared.set_index("indicator_id")
    assert sorted(nc.index) == sorted([revised, "QZZ-1"])
    assert nc.loc[revised, "revised"] == at and nc.loc["QZZ-1", "revised"] == ""
    assert (nc.loc[revised, "version_from"], nc.loc[revised, "version_to"]) == (before, CAT.version)
    assert d.changes.loc[d.changes["change"].notna(), "indicator_id"].tolist() == [steady]
    text = "\n".join(diff_lines(d))
    assert f"not compared: {revised}" in text and f"its definition changed in catalogue {at}" in text
    assert f"not compared: {steady}" not in text


def test_a_pinned_catalogue_version_never_runs_ahead_of_the_package() -> None:
    base = {"report_year": 2025, "title": "t", "countries": ["QZA"]}
    _revised, _steady, _at, before = _revised_and_steady()
    assert GlobalConfig(**base, catalogue_version=before).catalogue_label == before
    assert GlobalConfig(**base).catalogue_label == CAT.version
    newer = ".".join(str(p + 1) for p in version_key(CAT.version))
    with pytest.raises(ValidationError, match="newer than this package"):
        GlobalConfig(**base, catalogue_version=newer)
