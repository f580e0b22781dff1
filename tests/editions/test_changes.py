"""The status of a change between editions (methodology.md section 3), on made-up numbers: the margin logic
of the gap status, with better and worse from the indicator's direction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from solutions.catalogue import load_catalogue
from solutions.config import EquivalenceMargin
from solutions.indicators.changes import change_status, changes_between, rules_from_tables, year_over_year
from solutions.indicators.status import margin_rule

NAN = math.nan


@pytest.mark.parametrize("change,lo,hi,direction,expected", [
    (0.10, 0.04, 0.16, "higher", "improved"),
    (0.10, 0.04, 0.16, "lower", "worsened"),       # a rise of something bad
    (-0.10, -0.16, -0.04, "lower", "improved"),
    (0.01, -0.03, 0.049, "higher", "no_material_change"),
    (0.03, 0.01, 0.049, "higher", "no_material_change"),  # shown, but smaller than the margin: not material
    (0.03, -0.02, 0.08, "higher", "cannot_tell"),
    (0.08, 0.01, 0.15, "none", "not_assessed"),
    (NAN, NAN, NAN, "higher", "insufficient_data"),
])
def test_change_status(change, lo, hi, direction, expected):
    assert change_status(np.array([change]), ci_low=np.array([lo]), ci_high=np.array([hi]), direction=np.array([direction]), margin=np.array([0.05]))[0] == expected


def _est(year, indicator, value, se, *, kind="proportion", group="idp", category="", withheld=False, df=20.0):
    return {"country": "QZA", "year": year, "indicator_id": indicator, "kind": kind, "group": group,
            "disaggregation": "total", "disaggregation_value": "", "category": category,
            "estimate": NAN if withheld else value, "se": NAN if withheld else se, "df": df,
            "suppressed": withheld, "catalogue_version": "v1"}


def test_margin_and_direction_from_the_catalogue_and_the_smaller_df():
    """LIV-1 (unemployment, lower is better; the catalogue's margin rule) and ADQ-2 (higher is better);
    a category of a distribution has no direction; a withheld side gives no number."""
    before = pd.DataFrame([_est(2025, "LIV-1", 0.30, 0.02, kind="ratio", df=12.0), _est(2025, "ADQ-2", 0.50, 0.02),
                           _est(2025, "ADQ-1", 0.40, 0.02, kind="distribution", category="camp"),
                           _est(2025, "SAF-1", 0.2, 0.01)])
    after = pd.DataFrame([_est(2026, "LIV-1", 0.18, 0.02, kind="ratio", df=30.0), _est(2026, "ADQ-2", 0.51, 0.01),
                          _est(2026, "ADQ-1", 0.20, 0.02, kind="distribution", category="camp"),
                          _est(2026, "SAF-1", 0.2, 0.01, withheld=True)])
    cat = load_catalogue()
    rules = rules_from_tables(pd.DataFrame(), after, catalogue=cat, default=EquivalenceMargin(absolute=0.05, relative=0.10))
    ch = changes_between(before, after, confidence_level=0.95, rules=rules).set_index("indicator_id")
    liv = ch.loc["LIV-1"]
    # the gap status's rule for the indicator (absolute, or relative to the earlier estimate)
    rule = margin_rule(cat.get("LIV-1"), EquivalenceMargin(absolute=0.05, relative=0.10))
    assert liv["margin"] == pytest.approx(rule.absolute if rule.absolute is not None else rule.relative * 0.30)
    assert liv["df"] == 12.0 and liv["se"] == pytest.approx(math.sqrt(2) * 0.02)
    assert (liv["direction"], liv["status"]) == ("lower", "improved")  # unemployment fell by 12 points
    assert (ch.loc["ADQ-2", "direction"], ch.loc["ADQ-2", "status"]) == ("higher", "cannot_tell")
    assert (ch.loc["ADQ-1", "direction"], ch.loc["ADQ-1", "status"]) == ("none", "not_assessed")
    saf = ch.loc["SAF-1"]
    assert saf["status"] == "insufficient_data" and saf[["change", "se", "ci_low", "ci_high"]].isna().all()


def test_the_margin_an_edition_applied_comes_from_its_gaps():
    """A relative margin is read back from the gap row (margin / |comparison estimate|) and applied to the
    earlier estimate; an absolute one as it is (a country's own indicator the catalogue does not know)."""
    est = pd.DataFrame([_est(2026, "OWN-1", 200.0, 5.0, kind="mean", group="comparison"),
                        _est(2026, "OWN-2", 0.4, 0.01, group="comparison")])
    gaps = pd.DataFrame([
        {"country": "QZA", "indicator_id": "OWN-1", "disaggregation": "total", "category": "", "direction": "higher",
         "margin": 30.0},
        {"country": "QZA", "indicator_id": "OWN-2", "disaggregation": "total", "category": "", "direction": "lower",
         "margin": 0.03}])
    rules = rules_from_tables(gaps, est, catalogue=None, default=EquivalenceMargin()).set_index("indicator_id")
    assert rules.loc["OWN-1"].iloc[0]["relative"] == pytest.approx(0.15)
    assert rules.loc["OWN-2"].iloc[0]["absolute"] == pytest.approx(0.03)
    before = pd.DataFrame([_est(2025, "OWN-1", 100.0, 5.0, kind="mean"), _est(2025, "OWN-2", 0.4, 0.01)])
    after = pd.DataFrame([_est(2026, "OWN-1", 110.0, 5.0, kind="mean"), _est(2026, "OWN-2", 0.3, 0.01)])
    ch = changes_between(before, after, confidence_level=0.95, rules=rules_from_tables(gaps, est, catalogue=None, default=EquivalenceMargin())).set_index("indicator_id")
    assert ch.loc["OWN-1", "margin"] == pytest.approx(15.0)  # 15 % of the earlier 100
    assert ch.loc["OWN-2", "status"] == "improved"


def test_trends_delegate_to_the_changes_module():
    history = pd.DataFrame([_est(2024, "ADQ-2", 0.30, 0.01), _est(2025, "ADQ-2", 0.40, 0.01),
                            _est(2026, "ADQ-2", 0.55, 0.01)])
    rules = rules_from_tables(pd.DataFrame(), history, catalogue=load_catalogue(), default=EquivalenceMargin())
    ch = year_over_year(history, 2026, confidence_level=0.95, rules=rules)
    assert len(ch) == 1 and ch["year_from"].iloc[0] == 2025 and ch["status"].iloc[0] == "improved"
    assert ch["change"].iloc[0] == pytest.approx(0.15)
