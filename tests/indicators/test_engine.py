"""The indicator engine on small hand-checkable data: kinds, gaps, status, suppression, availability."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from solutions.config import CountryConfig, GlobalConfig
from solutions.indicators import compute_country, solutions_met

ROLES = ["idp", "comparison"]


def country(**kw) -> CountryConfig:
    base = {
        "iso3": "QAB", "name": "Testland", "demo": True,
        "survey": {"title": "t", "collection_start": "2026-01-01", "collection_end": "2026-02-01"},
        "data": {"households": {"path": "x.csv"}}, "groups": {"1": "idp", "2": "comparison"},
        "design": {"weight": "weight", "strata": "stratum", "psu": "psu"},
    }
    return CountryConfig.model_validate({**base, **kw})


def settings(min_n: int = 2, min_effective_n: float = 0, **kw) -> GlobalConfig:
    return GlobalConfig.model_validate({
        "report_year": 2026, "title": "t", "countries": ["QAB"],
        "thresholds": {"min_n": min_n, "min_effective_n": min_effective_n, "lonely_psu": "adjust"}, **kw,
    })


def households(n_per_psu: int = 5, seed: int = 1) -> pd.DataFrame:
    """2 strata x 3 PSUs x n households, both roles in every PSU; water worse for IDPs."""
    rng = np.random.default_rng(seed)
    rows = []
    hid = 0
    for s in range(2):
        for p in range(3):
            for i in range(n_per_psu * 2):
                role = ROLES[i % 2]
                hid += 1
                rows.append({
                    "household_id": f"h{hid}", "stratum": f"s{s}", "psu": f"p{s}{p}",
                    "weight": float(rng.uniform(1, 3)), "role": role, "pop_group": "1" if role == "idp" else "2",
                    "urban_rural": "urban" if p < 2 else "rural", "admin1": f"A{s}",
                    "water_daily_sufficient": float(rng.random() < (0.3 if role == "idp" else 0.9)),
                    "residence_type": rng.choice(["camp", "host_family", "private_accommodation"]),
                    "movement_restricted": float(rng.random() < 0.2),
                })
    return pd.DataFrame(rows)


def data(hh: pd.DataFrame, individuals=None, locations=None) -> SimpleNamespace:
    return SimpleNamespace(households=hh, individuals=individuals, locations=locations, figures=None)


def weighted_mean(df: pd.DataFrame, col: str) -> float:
    return float((df[col] * df["weight"]).sum() / df["weight"].sum())


def row(est: pd.DataFrame, **kw) -> pd.Series:
    sel = est
    for k, v in kw.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, (kw, len(sel))
    return sel.iloc[0]


def test_proportion_is_the_weighted_share_per_group() -> None:
    hh = households()
    t = compute_country(country(), settings(), data(hh))
    for role in ROLES:
        r = row(t.estimates, indicator_id="ADQ-2", group=role, disaggregation="total", category="")
        assert r["estimate"] == pytest.approx(weighted_mean(hh[hh.role == role], "water_daily_sufficient"), rel=1e-12)
        assert r["n_unweighted"] == (hh.role == role).sum()
        assert 0 <= r["ci_low"] <= r["estimate"] <= r["ci_high"] <= 1
        assert r["catalogue_version"] and r["country"] == "QAB" and r["year"] == 2026


def test_gap_is_idp_minus_comparison_and_status_is_direction_aware() -> None:
    t = compute_country(country(), settings(), data(households(n_per_psu=20)))
    est = t.estimates
    g = row(t.gaps, indicator_id="ADQ-2", group="idp", disaggregation="total", category="")
    diff = row(est, indicator_id="ADQ-2", group="idp", disaggregation="total", category="")["estimate"] - row(
        est, indicator_id="ADQ-2", group="comparison", disaggregation="total", category="")["estimate"]
    assert g["gap"] == pytest.approx(diff, rel=1e-12)
    assert g["ci_high"] < 0 and g["status"] == "open"  # water: higher is better, IDPs far worse
    crit = t.criteria.set_index(["criterion", "group"])
    assert crit.loc[(2, "idp"), "status"] == "open"


def test_distribution_sums_to_one_in_every_domain() -> None:
    t = compute_country(country(), settings(), data(households()))
    dist = t.estimates[(t.estimates.indicator_id == "ADQ-1") & ~t.estimates.suppressed]
    sums = dist.groupby(["group", "disaggregation", "disaggregation_value"])["estimate"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)
    assert set(dist.kind) == {"distribution"}


def test_breakdown_rows_are_among_those_who_meet_the_condition() -> None:
    hh = households(n_per_psu=20)
    reason = pd.Series("checkpoints", index=hh.index, dtype=object)
    reason.iloc[::7] = "insecurity"
    hh["movement_restriction_type"] = reason.where(hh.movement_restricted == 1)
    t = compute_country(country(), settings(), data(hh))
    br = t.estimates[(t.estimates.indicator_id == "SAF-3") & (t.estimates.kind == "by_reason")
                     & (t.estimates.disaggregation == "total") & (t.estimates.group == "idp")]
    restricted = hh[(hh.role == "idp") & (hh.movement_restricted == 1)]
    assert br["n_unweighted"].iloc[0] == len(restricted)
    assert br["estimate"].sum() == pytest.approx(1.0)


def test_small_cells_are_suppressed_with_reason_and_no_value() -> None:
    t = compute_country(country(), settings(min_n=12), data(households()))
    urban_rural = t.estimates[(t.estimates.indicator_id == "ADQ-2") & (t.estimates.disaggregation == "urban_rural")
                              & (t.estimates.group == "idp")]
    rural = row(urban_rural, disaggregation_value="rural")
    assert rural["suppressed"] and rural["suppression_reason"] == "min_n"
    assert np.isnan(rural["estimate"]) and np.isnan(rural["se"]) and np.isnan(rural["n_weighted"])
    assert np.isnan(rural["n_unweighted"]) and np.isnan(rural["n_missing"])  # no count: "k of n" would follow
    # urban (n=20) alone would reveal rural from the total: complementary suppression
    urban = row(urban_rural, disaggregation_value="urban")
    assert urban["suppressed"] and urban["suppression_reason"] == "complementary"
    gap = row(t.gaps, indicator_id="ADQ-2", group="idp", disaggregation="urban_rural", disaggregation_value="rural",
              category="")
    assert gap["status"] == "insufficient_data" and np.isnan(gap["gap"])


def test_missing_variable_makes_indicator_not_available_and_the_rest_goes_on() -> None:
    hh = households().drop(columns=["movement_restricted"])
    t = compute_country(country(), settings(), data(hh))
    na = t.estimates[t.estimates.indicator_id == "SAF-3"]
    assert set(na.suppression_reason) == {"not_available"}
    assert any("SAF-3 not available" in n and "movement_restricted" in n for n in t.notes)
    assert not t.estimates[t.estimates.indicator_id == "ADQ-2"]["estimate"].isna().all()


def test_missing_answers_are_excluded_and_counted() -> None:
    hh = households()
    hh.loc[hh.index[:4], "water_daily_sufficient"] = np.nan
    t = compute_country(country(), settings(), data(hh))
    total = t.estimates[(t.estimates.indicator_id == "ADQ-2") & (t.estimates.disaggregation == "total")
                        & (t.estimates.category == "")]
    assert total["n_missing"].sum() == 4
    assert total["n_unweighted"].sum() == len(hh) - 4


def test_solutions_measure_unknown_only_when_it_could_change_the_answer() -> None:
    hh = pd.DataFrame({"water_daily_sufficient": [1, 0, np.nan, np.nan, 1],
                       "movement_restricted": [0, np.nan, 1, 0, np.nan]})
    g = settings(solutions_measure=[
        {"criterion": 1, "label": "free", "condition": "movement_restricted == 0"},
        {"criterion": 2, "label": "water", "condition": "water_daily_sufficient == 1"}])
    met = solutions_met(hh, g)
    assert met.iloc[0] == 1 and met.iloc[1] == 0 and met.iloc[2] == 0
    assert np.isnan(met.iloc[3]) and np.isnan(met.iloc[4])


def test_same_input_same_bytes() -> None:
    a = compute_country(country(), settings(), data(households()))
    b = compute_country(country(), settings(), data(households()))
    pd.testing.assert_frame_equal(a.estimates, b.estimates)
    assert a.estimates.to_csv().encode() == b.estimates.to_csv().encode()


def test_weights_scaled_leave_every_estimate_unchanged() -> None:
    hh = households()
    a = compute_country(country(), settings(), data(hh))
    b = compute_country(country(), settings(), data(hh.assign(weight=hh.weight * 37.5)))
    cols = ["estimate", "se", "ci_low", "ci_high"]
    np.testing.assert_allclose(a.estimates[cols].to_numpy(float), b.estimates[cols].to_numpy(float), rtol=1e-10)


def test_country_can_add_its_own_indicator_and_drop_one() -> None:
    extra = {
        "id": "ADQ-9", "criterion": 2, "title": "Living in a camp", "short_title": "Camp",
        "definition": "Share of households living in a camp.", "kind": "proportion", "table": "households",
        "unit": "household", "numerator": "residence_type == 'camp'", "requires": ["residence_type"],
        "direction": "lower", "prds_objective": 1, "level": "household", "disaggregations": ["urban_rural"],
    }
    hh = households()
    t = compute_country(country(extra_indicators=[extra], drop_indicators=["SAF-3"]), settings(), data(hh))
    assert "SAF-3" not in set(t.estimates.indicator_id)
    r = row(t.estimates, indicator_id="ADQ-9", group="idp", disaggregation="total", category="")
    idp = hh[hh.role == "idp"]
    assert r["estimate"] == pytest.approx(
        float((idp.weight * (idp.residence_type == "camp")).sum() / idp.weight.sum()), rel=1e-12)
