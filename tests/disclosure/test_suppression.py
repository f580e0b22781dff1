"""Suppression on the design, complementary suppression and flags (methodology.md section 5)."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solutions.config import CountryConfig, GlobalConfig, Thresholds
from solutions.disclosure import VALUE_COLUMNS, complementary, linked_sets, suppress
from solutions.indicators import compute_country
from solutions.indicators.changes import year_over_year

TH = Thresholds()


def row(**kw) -> dict:
    base = {"indicator_id": "ADQ-1", "kind": "distribution", "group": "idp", "disaggregation": "total",
            "disaggregation_value": "", "category": "", "estimate": 0.25, "se": 0.02, "ci_low": 0.2,
            "ci_high": 0.3, "df": 40.0, "deff": 1.2, "cv": 0.08, "n_unweighted": 200, "n_weighted": 5000.0,
            "n_missing": 0, "suppressed": False, "suppression_reason": ""}
    return base | kw


def distribution(deffs: list[float], n: int = 200, **kw) -> pd.DataFrame:
    cats = ["camp", "host_family", "private_accommodation", "other"][: len(deffs)]
    return pd.DataFrame([row(category=c, deff=d, **kw) for c, d in zip(cats, deffs, strict=True)])


def test_effective_n_withholds_what_the_unweighted_count_lets_through():
    # n = 200 everywhere; 'other' has a design effect of 8, so its effective n is 25 < 30
    out = suppress(distribution([1.2, 1.5, 1.1, 8.0]), TH)
    other = out.set_index("category").loc["other"]
    assert other["suppressed"] and other["suppression_reason"] == "min_effective_n"
    assert np.isnan(other["n_effective"])  # withheld: blanked like every value
    assert out.set_index("category").loc["camp", "n_effective"] == pytest.approx(200 / 1.2)


def test_one_withheld_category_takes_a_second_one_with_it():
    out = suppress(distribution([1.2, 1.5, 1.1, 8.0]), TH)
    assert out["suppressed"].sum() == 2
    # the partner: the published category with the smallest effective n (deff 1.5)
    partner = out.set_index("category").loc["host_family"]
    assert partner["suppressed"] and partner["suppression_reason"] == "complementary"
    withheld = out[out["suppressed"]]
    assert withheld[list(VALUE_COLUMNS)].isna().all().all()


def test_a_cell_withheld_from_a_partition_of_the_total_takes_a_partner():
    rows = [row(kind="proportion", category="", disaggregation="total", n_unweighted=200),
            row(kind="proportion", category="", disaggregation="urban_rural", disaggregation_value="urban",
                n_unweighted=180),
            row(kind="proportion", category="", disaggregation="urban_rural", disaggregation_value="rural",
                n_unweighted=20)]
    out = suppress(pd.DataFrame(rows), TH).set_index("disaggregation_value")
    assert out.loc["rural", "suppression_reason"] == "min_n"
    assert out.loc["urban", "suppression_reason"] == "complementary"  # a cell, not the total
    assert not out.loc["", "suppressed"]


def test_empty_cells_are_known_zeros_not_partners():
    rows = [row(kind="proportion", disaggregation="total", n_unweighted=200),
            row(kind="proportion", disaggregation="age_band", disaggregation_value="0-17", n_unweighted=0,
                suppressed=True, suppression_reason="min_n"),
            row(kind="proportion", disaggregation="age_band", disaggregation_value="18-59", n_unweighted=170),
            row(kind="proportion", disaggregation="age_band", disaggregation_value="60+", n_unweighted=25)]
    out = suppress(pd.DataFrame(rows), TH).set_index("disaggregation_value")
    # the empty band does not count as the second withheld cell: 18-59 must go too
    assert out.loc["60+", "suppressed"] and out.loc["18-59", "suppression_reason"] == "complementary"


def test_complementary_suppression_runs_until_no_set_has_a_single_withheld_cell():
    # a distribution by urban/rural: withholding a partner in one set opens another
    rows = []
    for value, n in (("", 300), ("urban", 150), ("rural", 150)):
        for cat, deff in (("camp", 1.1), ("host_family", 1.3), ("other", 1.2)):
            d = 6.0 if (value, cat) == ("rural", "camp") else deff
            rows.append(row(disaggregation="total" if not value else "urban_rural", disaggregation_value=value,
                            category=cat, deff=d, n_unweighted=n))
    out = suppress(pd.DataFrame(rows), TH)
    assert out["suppressed"].sum() >= 4
    for s in linked_sets(out):
        assert out["suppressed"].to_numpy()[s].sum() != 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=24, max_size=24), st.lists(st.integers(0, 3), min_size=24, max_size=24))
def test_no_linked_set_is_left_with_one_withheld_cell(primary, empties):
    """Any primary pattern, any empty cells: afterwards every set has 0 or at least 2 withheld live cells."""
    rows = []
    cells = itertools.product(["idp", "comparison"], [("total", ""), ("urban_rural", "urban"),
                                                      ("urban_rural", "rural")], ["a", "b", "c", "d"])
    for i, (group, (disagg, value), cat) in enumerate(cells):
        n = 0 if empties[i] == 0 and disagg != "total" else 100
        rows.append(row(group=group, disaggregation=disagg, disaggregation_value=value, category=cat,
                        n_unweighted=n, suppressed=primary[i] or n == 0, suppression_reason="min_n" if primary[i] else ""))
    out = complementary(pd.DataFrame(rows).assign(n_effective=100.0))
    live = out["n_unweighted"].to_numpy() > 0
    for s in linked_sets(out):
        s = s[live[s]]
        if len(s) > 1:  # a set of one live cell has no relation left to exploit
            assert out["suppressed"].to_numpy()[s].sum() != 1


def test_flags_for_precision_and_design_df():
    rows = pd.DataFrame([row(kind="proportion", cv=0.4, df=20.0), row(kind="proportion", cv=0.1, df=5.0),
                         row(kind="proportion", cv=0.5, df=3.0), row(kind="proportion", cv=0.1, df=30.0)])
    rows["disaggregation"] = ["total", "urban_rural", "urban_rural", "sex"]
    rows["disaggregation_value"] = ["", "urban", "rural", "female"]
    rows["indicator_id"] = ["A-1", "A-2", "A-3", "A-4"]
    out = suppress(rows, TH)
    assert list(out["flag"]) == ["high_cv", "low_df", "high_cv;low_df", ""]


def households(n_idp: int = 120, n_comparison: int = 42, heavy: float = 0.16) -> pd.DataFrame:
    """A simple random sample (each household its own PSU) in which one comparison household carries
    `heavy` of its group's weight: the issue's real-survey case."""
    rows = []
    for role, n in (("idp", n_idp), ("comparison", n_comparison)):
        w = np.full(n, 20.0)  # weights well above 1: the SRS variance of the design effect is not a census
        if role == "comparison":
            w[0] = 20.0 * heavy * (n - 1) / (1 - heavy)
        for i in range(n):
            water = (i % 5) < 3 if role == "idp" else i % 2 == 0
            rows.append({"household_id": f"{role}{i}", "stratum": "s", "psu": f"{role}{i}", "weight": w[i],
                         "role": role, "pop_group": role, "urban_rural": "urban", "admin1": "A",
                         "water_daily_sufficient": float(water)})
    return pd.DataFrame(rows)


def test_the_issue_case_a_comparison_group_of_42_with_one_heavy_household():
    cfg = CountryConfig.model_validate({
        "iso3": "QAB", "name": "T", "demo": True,
        "survey": {"title": "t", "collection_start": "2026-01-01", "collection_end": "2026-02-01"},
        "data": {"households": {"path": "x.csv"}}, "groups": {"idp": "idp", "comparison": "comparison"}})
    gcfg = GlobalConfig.model_validate({"report_year": 2026, "title": "t", "countries": ["QAB"]})
    data = SimpleNamespace(households=households(), individuals=None, locations=None, figures=None)
    est = compute_country(cfg, gcfg, data).estimates
    water = est[(est.indicator_id == "ADQ-2") & (est.disaggregation == "total")].set_index("group")
    comp = water.loc["comparison"]
    assert comp["suppressed"] and comp["suppression_reason"] == "min_effective_n"
    assert np.isnan(comp["n_unweighted"]) and np.isnan(comp["n_missing"])  # a withheld row publishes no count
    assert not water.loc["idp", "suppressed"] and water.loc["idp", "n_effective"] >= 30
    # with the rule off (min_effective_n 0) the same estimate shows its effective n below 30
    loose = gcfg.model_copy(update={"thresholds": Thresholds(min_effective_n=0)})
    open_est = compute_country(cfg, loose, data).estimates
    shown = open_est[(open_est.indicator_id == "ADQ-2") & (open_est.disaggregation == "total")
                     & (open_est.group == "comparison")].iloc[0]
    assert shown["n_unweighted"] == 42 >= gcfg.thresholds.min_n
    assert 0 < shown["n_effective"] < 30


def test_a_trend_change_is_withheld_when_either_year_is():
    def year(y: int, withheld: bool) -> dict:
        return {"country": "QAB", "indicator_id": "ADQ-2", "group": "idp", "disaggregation": "total",
                "disaggregation_value": "", "category": "", "year": y, "estimate": np.nan if withheld else 0.5,
                "se": np.nan if withheld else 0.02, "df": 30.0, "suppressed": withheld, "catalogue_version": "1"}
    for before, now in ((True, False), (False, True)):
        ch = year_over_year(pd.DataFrame([year(2025, before), year(2026, now)]), 2026, confidence_level=0.95)
        assert ch[["change", "se", "ci_low", "ci_high", "estimate_from", "estimate_to"]].isna().all().all()
    ch = year_over_year(pd.DataFrame([year(2025, False), year(2026, False)]), 2026, confidence_level=0.95)
    assert ch["change"].iloc[0] == 0.0


def test_a_breakdown_is_withheld_with_its_headline():
    """The breakdown's weighted size is the headline's share of the headline's own: it would give it away."""
    head = row(indicator_id="SAF-3", kind="proportion", category="", deff=9.0)  # effective n 22: withheld
    parts = [row(indicator_id="SAF-3", kind="by_reason", category=c, n_unweighted=80, deff=1.0)
             for c in ("checkpoints", "insecurity", "other")]
    out = suppress(pd.DataFrame([head, *parts]), TH)
    assert out["suppressed"].all()
    assert list(out["suppression_reason"]) == ["min_effective_n", "complementary", "complementary", "complementary"]


def test_sample_cells_under_the_minimum_count_are_withheld_with_a_partner_per_group():
    from solutions.disclosure import sample_counts

    sample = pd.DataFrame({"group": ["idp", "idp", "idp", "comparison", "comparison"],
                           "admin1": ["A", "B", "C", "A", "B"],
                           "households": [3, 40, 25, 2, 4], "psus": [1, 6, 5, 1, 1]})
    out = sample_counts(sample, 5)
    # idp: 3 households is under 5; its smallest other cell (25) goes too, or 3 = total − 40 − 25
    assert list(out["households_withheld"]) == ["min_count", "", "complementary", "min_count", "min_count"]
    assert out["households"].isna().tolist() == [True, False, True, True, True]
    assert list(out["psus_withheld"]) == ["min_count", "", "complementary", "min_count", "min_count"]
    assert out.loc[1, "households"] == 40


def test_a_domain_in_one_cluster_is_withheld_for_no_variance():
    head = row(indicator_id="ADQ-2", kind="proportion", df=0.0, se=0.0, ci_low=0.25, ci_high=0.25, deff=0.0)
    other = row(indicator_id="ADQ-2", kind="proportion", group="comparison")
    out = suppress(pd.DataFrame([head, other]), TH).set_index("group")
    assert out.loc["idp", "suppressed"] and out.loc["idp", "suppression_reason"] == "no_variance"
    assert np.isnan(out.loc["idp", "estimate"]) and np.isnan(out.loc["idp", "n_unweighted"])
    assert not out.loc["comparison", "suppressed"]


def test_a_share_of_0_keeps_its_korn_graubard_interval_and_takes_kishs_effective_n():
    """deff undefined at 0: the effective-n rule uses Kish's (Σw)²/Σw², so a heavily weighted 0 % is withheld."""
    zero = row(indicator_id="ADQ-2", kind="proportion", estimate=0.0, se=0.0, ci_low=0.0, ci_high=0.05,
               deff=np.nan, cv=np.nan)
    kept = suppress(pd.DataFrame([zero | {"n_kish": 150.0}]), TH).iloc[0]
    assert not kept["suppressed"] and kept["n_effective"] == 150.0 and kept["ci_high"] == 0.05
    thin = suppress(pd.DataFrame([zero | {"n_kish": 12.0}]), TH).iloc[0]
    assert thin["suppressed"] and thin["suppression_reason"] == "min_effective_n"
    assert "n_kish" not in suppress(pd.DataFrame([zero | {"n_kish": 150.0}]), TH).columns
