"""Gap status by an equivalence margin and criterion status (methodology.md section 3), on hand-made gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solutions.catalogue import Margin, load_catalogue
from solutions.config import EquivalenceMargin
from solutions.indicators.status import assess_gaps, criteria_status, gap_status, margin_rule, margins

DELTA = 0.05
KEY = {"disaggregation": "total", "disaggregation_value": "", "category": ""}


def gaps_frame(rows: list[tuple[str, float, float]], indicator: str = "ADQ-2") -> pd.DataFrame:
    """(direction, ci_low, ci_high) of the gap displaced − comparison."""
    return pd.DataFrame([
        {"indicator_id": indicator, "criterion": 2, "group": "idp", **KEY, "gap": (lo + hi) / 2, "se": 0.01,
         "ci_low": lo, "ci_high": hi, "df": 30.0, "p_value": 0.5, "direction": d}
        for d, lo, hi in rows
    ])


# (direction, gap CI, expected): D = comparison − displaced when higher is better, displaced − comparison
# when lower is better; closed when D's upper bound < δ, open when its lower bound > 0, else inconclusive
CASES = [
    ("higher", (-0.45, 0.0), "inconclusive"),   # the relocated group: −22 points, CI −45 to 0
    ("higher", (-0.04, 0.03), "closed"),         # no disadvantage as large as 5 points
    ("higher", (-0.049, -0.01), "closed"),       # significant, but smaller than the margin: closed
    ("higher", (-0.20, -0.06), "open"),
    ("higher", (-0.08, -0.02), "open"),          # worse, maybe less than 5 points, maybe more
    ("higher", (-0.08, 0.02), "inconclusive"),
    ("higher", (0.02, 0.20), "closed"),          # better off
    ("lower", (0.0, 0.45), "inconclusive"),
    ("lower", (-0.03, 0.04), "closed"),
    ("lower", (0.06, 0.20), "open"),
    ("lower", (-0.20, -0.06), "closed"),
    ("lower", (0.01, 0.049), "closed"),
    ("lower", (0.01, 0.051), "open"),
]


@pytest.mark.parametrize("direction,ci,expected", CASES)
def test_gap_status_by_equivalence_margin(direction, ci, expected):
    g = gaps_frame([(direction, *ci)])
    status = gap_status(g, np.array([False]), np.array([DELTA]))
    assert status.iloc[0] == expected


def test_withheld_side_unknown_margin_and_no_direction():
    g = gaps_frame([("higher", -0.04, 0.03), ("higher", -0.04, 0.03), ("none", -0.04, 0.03)])
    status = gap_status(g, np.array([True, False, True]), np.array([DELTA, np.nan, DELTA]))
    assert list(status) == ["insufficient_data", "insufficient_data", "not_assessed"]


def test_margin_rules_default_by_kind_and_overrides():
    default = EquivalenceMargin(absolute=0.05, relative=0.10)
    cat = load_catalogue()
    assert margin_rule(cat.get("ADQ-2"), default) == Margin(absolute=0.05)
    # the unemployment rate is a share of the labour force: 5 points, as the catalogue states (2026.2)
    assert margin_rule(cat.get("LIV-1"), EquivalenceMargin(absolute=0.08, relative=0.10)) == Margin(absolute=0.05)
    own = cat.get("ADQ-2").model_copy(update={"margin": Margin(absolute=0.03)})
    assert margin_rule(own, default) == Margin(absolute=0.03)
    # an indicator stating no margin (a country's own) takes the global default for its kind
    mean = cat.get("ADQ-2").model_copy(update={"margin": None, "kind": "mean"})
    assert margin_rule(mean, default) == Margin(relative=0.10)


def test_relative_margin_is_a_share_of_the_comparison_estimate():
    g = gaps_frame([("lower", 0.01, 0.025)], indicator="XPN-1")
    est = pd.DataFrame([{"indicator_id": "XPN-1", "group": "comparison", **KEY, "estimate": 0.2,
                         "suppressed": False}])
    spending = load_catalogue().get("LIV-1").model_copy(update={"id": "XPN-1", "margin": Margin(relative=0.10)})
    m = margins(g, est, catalogue=load_catalogue(), default=EquivalenceMargin(absolute=0.05, relative=0.10), extra={"XPN-1": spending})
    assert m[0] == pytest.approx(0.02)
    # D's CI [0.01, 0.025] is not below δ = 0.02: open; with an absolute 5 points it would be closed
    assert gap_status(g, np.array([False]), m).iloc[0] == "open"


def test_nothing_derived_from_a_withheld_side_is_published():
    g = pd.concat([gaps_frame([("higher", -0.04, 0.03)]),
                   gaps_frame([("none", -0.04, 0.03)]).assign(category="camp")], ignore_index=True)
    est = pd.DataFrame([
        {"indicator_id": "ADQ-2", "group": grp, **KEY, "category": cat, "estimate": np.nan if sup else 0.5,
         "suppressed": sup}
        for grp, sup in (("idp", True), ("comparison", False)) for cat in ("", "camp")])
    out = assess_gaps(g, est, catalogue=load_catalogue(), default=EquivalenceMargin(), min_df=8.0)
    assert list(out["status"]) == ["insufficient_data", "not_assessed"]
    assert out[["gap", "se", "ci_low", "ci_high", "p_value", "margin"]].isna().all().all()


# gap (higher is better, so D = −gap) and SE on 30 df that give each status at 95 % and at the Bonferroni level
GAP_OF = {"closed": (0.0, 0.01), "open": (-0.20, 0.01), "inconclusive": (-0.03, 0.03),
          "insufficient_data": (np.nan, np.nan)}


def _criteria(statuses: list[str], not_collected: frozenset[str] = frozenset(), gaps: list | None = None
              ) -> pd.Series:
    g = gaps_frame([("higher", 0.0, 0.0)] * max(len(statuses), 1)).iloc[:len(statuses)]
    values = gaps or [GAP_OF[s] for s in statuses]
    g = g.assign(status=statuses, criterion=2, gap=[v[0] for v in values], se=[v[1] for v in values])
    g["indicator_id"] = [f"ADQ-{i}" for i in range(len(statuses))]
    return criteria_status(g, ["idp"], confidence_level=0.95, not_collected=not_collected).set_index("criterion").loc[2]


@pytest.mark.parametrize("statuses,expected", [
    (["closed", "open", "inconclusive"], "open"),
    (["closed", "closed", "insufficient_data"], "closed"),  # every indicator with data is closed
    (["closed", "inconclusive"], "inconclusive"),
    (["insufficient_data", "insufficient_data"], "insufficient_data"),
    ([], "not_collected"),  # no indicator row: the survey asked none of the criterion's questions
])
def test_criterion_status(statuses, expected):
    row = _criteria(statuses)
    assert row["status"] == expected
    assert row["n_indicators"] == len(statuses)
    assert (row["n_closed"], row["n_open"], row["n_inconclusive"], row["n_insufficient"]) == tuple(
        statuses.count(s) for s in ("closed", "open", "inconclusive", "insufficient_data"))


def test_criterion_open_needs_the_bonferroni_level():
    """D = 0.05 with SE 0.02 on 30 df: open at 95 % (lower bound 0.009) but not at 1 − 0.05/3 (t = 2.54,
    lower bound −0.0009); with three indicators with data the criterion is inconclusive, alone it is open."""
    one = ("open",)
    assert _criteria(list(one), gaps=[(-0.05, 0.02)])["status"] == "open"
    three = _criteria(["open", "inconclusive", "inconclusive"], gaps=[(-0.05, 0.02), (-0.03, 0.03), (-0.03, 0.03)])
    assert three["status"] == "inconclusive" and three["n_open"] == 1
    # a withheld indicator does not count in k
    two = _criteria(["open", "insufficient_data"], gaps=[(-0.05, 0.02), (np.nan, np.nan)])
    assert two["status"] == "open"


def test_criterion_not_collected_apart_from_withheld():
    row = _criteria(["insufficient_data", "insufficient_data"], not_collected=frozenset({"ADQ-0", "ADQ-1"}))
    assert row["status"] == "not_collected" and row["n_not_collected"] == 2 and row["n_insufficient"] == 0
    row = _criteria(["insufficient_data", "insufficient_data"], not_collected=frozenset({"ADQ-0"}))
    assert row["status"] == "insufficient_data" and (row["n_not_collected"], row["n_insufficient"]) == (1, 1)
    assert row["n_indicators"] == 2


def _replacing_liv1(margin: dict | None) -> list[str]:
    from solutions.config import CountryConfig
    from solutions.config_checks import country_problems

    liv1 = load_catalogue().get("LIV-1").model_dump(mode="json", exclude_none=True)
    liv1.pop("margin", None)
    if margin is not None:
        liv1["margin"] = margin
    try:
        cfg = CountryConfig.model_validate({
            "iso3": "QAB", "name": "T", "demo": True,
            "survey": {"title": "t", "collection_start": "2026-01-01", "collection_end": "2026-02-01"},
            "data": {"households": {"path": "x.csv"}}, "groups": {"idp": "idp", "comparison": "comparison"},
            "drop_indicators": ["LIV-1"], "extra_indicators": [liv1]})
    except ValueError as exc:  # the config is refused when it loads
        return [line for line in str(exc).splitlines() if "margin" in line]
    return [p for p in country_problems(cfg) if "margin" in p]


def test_every_indicator_with_a_direction_states_its_margin_and_shares_are_5_points():
    cat = load_catalogue()
    for ind in cat.indicators:
        if ind.direction == "none":
            continue
        assert ind.margin is not None, ind.id
        if ind.kind in ("proportion", "ratio"):  # shares and rates of a population (LIV-1 included)
            assert ind.margin.absolute == 0.05, ind.id
    assert cat.version == "2026.2"


def test_a_country_may_not_loosen_a_catalogue_margin():
    assert _replacing_liv1({"absolute": 0.05}) == []
    assert _replacing_liv1({"absolute": 0.03}) == []  # tighter: allowed
    for looser in ({"absolute": 0.08}, {"relative": 0.1}, None):
        problems = _replacing_liv1(looser)
        assert len(problems) == 1 and "LIV-1" in problems[0] and "loosen" in problems[0], problems


def test_a_gap_with_no_variance_is_inconclusive_not_closed():
    """Both groups at 0 %: gap 0 with SE 0, a zero-width CI that would read as closed; the survey cannot tell."""
    g = gaps_frame([("lower", 0.0, 0.0), ("lower", -0.01, 0.01)]).assign(se=[0.0, 0.005])
    status = gap_status(g, np.array([False, False]), np.array([0.05, 0.05]))
    assert list(status) == ["inconclusive", "closed"]


def test_a_gap_carries_the_flags_of_both_sides_and_its_own_low_df():
    from solutions.indicators.status import gap_flags

    g = pd.concat([gaps_frame([("higher", -0.1, 0.1)], indicator=i) for i in ("ADQ-2", "SAF-3", "DOC-1", "PAR-2")],
                  ignore_index=True)
    g["df"] = [30.0, 5.0, 30.0, 30.0]
    est = pd.DataFrame([{"indicator_id": i, "group": grp, **KEY, "category": "", "flag": f}
                        for i, own, ref in (("ADQ-2", "high_cv", ""), ("SAF-3", "", "high_cv"),
                                            ("DOC-1", "", ""), ("PAR-2", "low_df", "high_cv"))
                        for grp, f in (("idp", own), ("comparison", ref))])
    flags = gap_flags(g, est, withheld=np.zeros(4, dtype=bool), min_df=8.0)
    assert list(flags) == ["high_cv", "high_cv;low_df", "", "high_cv;low_df"]
    assert list(gap_flags(g, est, withheld=np.ones(4, dtype=bool), min_df=8.0)) == ["", "", "", ""]  # a withheld side: no flag
