"""The solutions measure as config: scoring rules, the benchmark, and countries lacking a condition's variables."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from solutions.config import CountryConfig, GlobalConfig
from solutions.errors import ConfigError, InputError
from solutions.indicators import compute_country, solutions_met
from solutions.indicators.measure import check_measure

CONDITIONS = [
    {"criterion": 1, "label": "free", "condition": "movement_restricted == 0"},
    {"criterion": 2, "label": "water", "condition": "water_daily_sufficient == 1"},
    {"criterion": 4, "label": "hlp", "condition": "hlp_lost == 0 or hlp_no_access_remedy == 0"},
]


def settings(**measure) -> GlobalConfig:
    return GlobalConfig.model_validate({
        "report_year": 2026, "title": "t", "countries": ["QAB"],
        "thresholds": {"min_n": 2, "min_effective_n": 0},
        "solutions_measure": {"conditions": CONDITIONS, **measure}})


def country() -> CountryConfig:
    return CountryConfig.model_validate({
        "iso3": "QAB", "name": "T", "demo": True,
        "survey": {"title": "t", "collection_start": "2026-01-01", "collection_end": "2026-02-01"},
        "data": {"households": {"path": "x.csv"}}, "groups": {"1": "idp", "2": "comparison"}})


def households(n: int = 120) -> pd.DataFrame:
    i = np.arange(n)
    role = np.where(i % 2 == 0, "idp", "comparison")
    return pd.DataFrame({
        "household_id": [f"h{k}" for k in i], "stratum": "s", "psu": [f"p{k % 12}" for k in i],
        "weight": 10.0 + (i % 7), "role": role, "pop_group": np.where(role == "idp", "1", "2"),
        "urban_rural": np.where(i % 3 == 0, "rural", "urban"), "admin1": "A",
        "movement_restricted": ((i % 5) == 0).astype(float), "water_daily_sufficient": ((i % 4) != 1).astype(float),
        "hlp_lost": ((i % 3) == 0).astype(float), "hlp_no_access_remedy": ((i % 6) == 0).astype(float),
    })


def run(g: GlobalConfig, hh: pd.DataFrame):
    return compute_country(country(), g, SimpleNamespace(households=hh, individuals=None, locations=None,
                                                         figures=None))


def test_at_least_k_with_three_valued_answers():
    hh = pd.DataFrame({"movement_restricted": [0, 0, 1, np.nan, np.nan, 1],
                       "water_daily_sufficient": [1, 0, 0, 1, np.nan, 0],
                       "hlp_lost": [1, 1, 1, 0, 0, np.nan], "hlp_no_access_remedy": [1, 1, 1, 1, 1, 1]})
    two = solutions_met(hh, settings(scoring={"at_least": 2}))
    # meets 2 of 3; meets 1 (known); meets 0; 2 known true; 1 known true + 1 unknown; none true + 1 unknown
    assert two.tolist()[:3] == [1.0, 0.0, 0.0] and two.iloc[3] == 1.0
    assert np.isnan(two.iloc[4]) and two.iloc[5] == 0.0
    every = solutions_met(hh, settings())
    assert every.tolist()[:3] == [0.0, 0.0, 0.0] and np.isnan(every.iloc[3])


def test_at_least_more_than_the_conditions_is_a_config_error(tmp_path):
    from solutions.config_loader import load_global

    (tmp_path / "g.yml").write_text("report_year: 2026\ntitle: t\ncountries: [QAB]\nsolutions_measure:\n"
                                    "  scoring: {at_least: 4}\n  conditions:\n"
                                    "    - {criterion: 1, label: a, condition: 'movement_restricted == 0'}\n")
    with pytest.raises(ConfigError) as err:
        load_global(tmp_path / "g.yml")
    assert "at_least is 4 but there are only 1 conditions" in str(err.value)


def test_the_measure_has_a_benchmark_row_and_gaps():
    t = run(settings(), households())
    sol = t.estimates[(t.estimates.indicator_id == "SOL-1") & (t.estimates.disaggregation == "total")]
    assert set(sol.group) == {"idp", "comparison"} and not sol.suppressed.any()
    hh = households()
    met = solutions_met(hh, settings())
    for g in ("idp", "comparison"):
        sel = hh.role == g
        expected = float((met[sel] * hh.weight[sel]).sum() / hh.weight[sel].sum())
        assert sol.set_index("group").loc[g, "estimate"] == pytest.approx(expected, rel=1e-12)
    gap = t.gaps[(t.gaps.indicator_id == "SOL-1") & (t.gaps.disaggregation == "total")]
    assert len(gap) == 1 and gap["status"].iloc[0] in ("closed", "open", "inconclusive")
    assert t.solutions_measure["status"] == "available" and t.solutions_measure["missing"] == []


def test_a_missing_variable_makes_the_measure_not_available_naming_it():
    t = run(settings(), households().drop(columns=["hlp_no_access_remedy"]))
    sol = t.estimates[t.estimates.indicator_id == "SOL-1"]
    assert len(sol) == 2 and sol.suppressed.all() and set(sol.suppression_reason) == {"not_available"}
    assert sol[["estimate", "se", "ci_low", "ci_high"]].isna().all().all()
    d = t.solutions_measure
    assert d["status"] == "not_available" and d["missing"] == ["hlp_no_access_remedy"]
    assert [c["available"] for c in d["conditions"]] == [True, True, False]
    assert d["conditions"][2]["missing"] == ["hlp_no_access_remedy"]
    assert any("solutions measure not available" in n and "hlp_no_access_remedy" in n for n in t.notes)
    gap = t.gaps[t.gaps.indicator_id == "SOL-1"]
    assert list(gap.status) == ["insufficient_data"]
    # every other indicator is still computed
    assert not t.estimates[t.estimates.indicator_id == "ADQ-2"]["suppressed"].all()


def test_partial_computes_over_the_available_conditions_and_says_so():
    hh = households().drop(columns=["hlp_no_access_remedy"])
    t = run(settings(missing_conditions="partial"), hh)
    assert t.solutions_measure["status"] == "partial"
    sol = t.estimates[(t.estimates.indicator_id == "SOL-1") & (t.estimates.disaggregation == "total")]
    two = settings(missing_conditions="partial").model_copy()
    two.solutions_measure.conditions = two.solutions_measure.conditions[:2]
    met = solutions_met(hh, two)
    sel = hh.role == "idp"
    assert sol.set_index("group").loc["idp", "estimate"] == pytest.approx(
        float((met[sel] * hh.weight[sel]).sum() / hh.weight[sel].sum()), rel=1e-12)
    assert any("computed over 2 of 3 conditions (partial)" in n for n in t.notes)


def test_partial_with_fewer_conditions_than_at_least_k_is_not_available():
    g = settings(missing_conditions="partial", scoring={"at_least": 3})
    check = check_measure(g, set(households().columns) - {"hlp_lost"})
    assert check.status == "not_available" and check.description["scoring"] == {"at_least": 3}


def test_missing_conditions_error_is_invalid_input():
    check = check_measure(settings(missing_conditions="error"), set(households().columns) - {"hlp_lost"})
    assert check.problems and "hlp_lost" in check.problems[0]
    with pytest.raises(InputError):
        check.notes_or_raise()


def test_without_a_measure_there_is_no_description():
    g = GlobalConfig.model_validate({"report_year": 2026, "title": "t", "countries": ["QAB"]})
    assert check_measure(g, []).description == {}
