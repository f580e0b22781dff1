"""Small results tables following the documented schemas (architecture.md).

These are TEST FIXTURES ONLY: made-up numbers for a fictional country code, never presented as real.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

try:
    from solutions.catalogue import CRITERIA, load_catalogue

    CATALOGUE = load_catalogue()
except ImportError:  # the catalogue is not there yet: a stand-in with the documented fields
    CRITERIA = {i: f"Criterion {i}" for i in range(1, 9)}

    def _ind(id_, criterion, kind, direction, title):
        return SimpleNamespace(
            id=id_, criterion=criterion, title=title, short_title=title, definition=f"Definition of {title}.",
            kind=kind, table="households", unit="household", universe=None, numerator=None, denominator=None,
            variable=None, breakdown=None, direction=direction, prds_objective=1, level="household",
            disaggregations=(), key=False,
        )

    _inds = [
        _ind("SAF-3", 1, "proportion", "lower", "Movement restricted"),
        _ind("ADQ-1", 2, "distribution", "none", "Residence type"),
        _ind("ADQ-2", 2, "proportion", "higher", "Sufficient water"),
        _ind("LIV-1", 3, "ratio", "lower", "Unemployment rate"),
        _ind("HLP-1", 4, "system", "higher", "HLP mechanisms"),
    ]
    CATALOGUE = SimpleNamespace(
        version="test", indicators=tuple(_inds), get=lambda i: next(x for x in _inds if x.id == i),
        by_criterion=lambda c: [x for x in _inds if x.criterion == c],
    )

ISO = "QZZ"
YEAR = 2026
NAN = math.nan


def est(indicator_id, criterion, kind, group, estimate, half=0.05, n=200, category="", suppressed=False,
        reason="", year=YEAR, country=ISO, disaggregation="total", value=""):
    """One estimates row; a suppressed row carries NaN values as the schema demands."""
    if suppressed:
        estimate = NAN
    lo, hi = (NAN, NAN) if suppressed else (estimate - half, estimate + half)
    return {
        "country": country, "year": year, "indicator_id": indicator_id, "criterion": criterion, "kind": kind,
        "group": group, "disaggregation": disaggregation, "disaggregation_value": value, "category": category,
        "estimate": estimate, "se": NAN if suppressed else half / 1.96, "ci_low": lo, "ci_high": hi,
        "df": 40.0, "deff": NAN if suppressed else 1.4, "cv": NAN if suppressed else 0.05,
        "n_unweighted": n, "n_weighted": n * 10.0, "n_missing": 3, "suppressed": suppressed,
        "suppression_reason": reason, "flag": "", "catalogue_version": "test",
    }


def gap(indicator_id, criterion, group, value, half, direction, status, category="", country=ISO):
    return {
        "country": country, "year": YEAR, "indicator_id": indicator_id, "criterion": criterion, "group": group,
        "disaggregation": "total", "disaggregation_value": "", "category": category, "gap": value,
        "se": half / 1.96 if not math.isnan(value) else NAN,
        "ci_low": value - half, "ci_high": value + half, "df": 40.0, "p_value": 0.01, "direction": direction,
        "status": status, "catalogue_version": "test",
    }


def make_estimates(country=ISO, shift=0.0):
    rows = [
        est("ADQ-2", 2, "proportion", "idp", 0.55 + shift, country=country),
        est("ADQ-2", 2, "proportion", "returnee", NAN, suppressed=True, reason="min_n", n=12, country=country),
        est("ADQ-2", 2, "proportion", "comparison", 0.78, country=country),
        est("SAF-3", 1, "proportion", "idp", 0.30, country=country),
        est("SAF-3", 1, "proportion", "returnee", 0.22, country=country),
        est("SAF-3", 1, "proportion", "comparison", 0.12, country=country),
        est("LIV-1", 3, "ratio", "idp", 0.21, country=country),
        est("LIV-1", 3, "ratio", "comparison", 0.11, country=country),
        est("SOL-1", 0, "proportion", "idp", 0.18, country=country),
        est("SOL-1", 0, "proportion", "returnee", 0.25, country=country),
    ]
    for cat, a, b in [("checkpoints", 0.5, 0.4), ("documentation", 0.3, 0.35), ("other", 0.2, 0.25)]:
        rows.append(est("SAF-3", 1, "by_reason", "idp", a, category=cat, n=60, country=country))
        rows.append(est("SAF-3", 1, "by_reason", "comparison", b, category=cat, n=40, country=country))
        rows.append(est("SAF-3", 1, "by_reason", "returnee", NAN, category=cat, suppressed=True,
                        reason="min_n", n=9, country=country))
    for cat, a, b in [("camp", 0.4, 0.0), ("host_family", 0.35, 0.1), ("private_accommodation", 0.25, 0.9)]:
        rows.append(est("ADQ-1", 2, "distribution", "idp", a, category=cat, country=country))
        rows.append(est("ADQ-1", 2, "distribution", "comparison", b, category=cat, country=country))
    rows.append(est("HLP-1", 4, "system", "all", 0.6, category="court", n=25, country=country))
    rows.append(est("HLP-1", 4, "system", "all", NAN, category="<script>alert(1)</script>", suppressed=True,
                    reason="min_n", n=4, country=country))
    return pd.DataFrame(rows)


def make_gaps(country=ISO):
    return pd.DataFrame([
        gap("ADQ-2", 2, "idp", -0.23, 0.07, "higher", "open", country=country),
        gap("ADQ-2", 2, "returnee", NAN, NAN, "higher", "insufficient_data", country=country),
        gap("SAF-3", 1, "idp", 0.18, 0.06, "lower", "open", country=country),
        gap("SAF-3", 1, "returnee", 0.10, 0.12, "lower", "closed", country=country),
        gap("LIV-1", 3, "idp", 0.10, 0.05, "lower", "open", country=country),
    ])


def make_criteria(country=ISO):
    rows = []
    for c in range(1, 9):
        for g in ("idp", "returnee"):
            status = {1: "open", 2: "open", 3: "open", 4: "insufficient_data"}.get(c, "closed")
            rows.append({"country": country, "year": YEAR, "criterion": c, "group": g, "status": status,
                         "n_indicators": 2, "n_closed": 1 if status == "open" else (2 if status == "closed" else 0),
                         "n_open": 1 if status == "open" else 0, "n_insufficient": 2 if c == 4 else 0})
    return pd.DataFrame(rows)


def make_figures(country=ISO):
    rows = []
    for y, stock, new, ret in [(2023, 410000, 52000, 9000), (2024, 450000, 61000, 15000), (2025, 430000, 30000, 42000)]:
        for metric, v in [("idp_stock", stock), ("new_displacements", new), ("returns", ret)]:
            rows.append({"country": country, "year": y, "metric": metric, "value": float(v),
                         "source": "Test fixture <b>source</b>"})
    return pd.DataFrame(rows)


PROVENANCE = {
    "inputs": {"households.csv": "a" * 64, "individuals.parquet": "b" * 64},
    "config_sha256": "c" * 64,
    "code_version": "0.1.0+gtest",
    "catalogue_version": "test",
    "libraries": {"pandas": "3.1.1", "seaborn": "0.13.2"},
    "build_date": "2026-05-01T00:00:00+00:00",
}


def make_country_results():
    return SimpleNamespace(
        iso3=ISO, name="Test Country <script>alert('x')</script>", year=YEAR, demo=True,
        estimates=make_estimates(), gaps=make_gaps(), criteria=make_criteria(), figures=make_figures(),
        sample=pd.DataFrame([
            {"group": "idp", "admin1": "North", "households": 420, "individuals": 2100, "psus": 30},
            {"group": "returnee", "admin1": "North", "households": NAN, "individuals": NAN, "psus": NAN},
            {"group": "comparison", "admin1": "<i>South</i>", "households": 380, "individuals": 1900, "psus": 28},
        ]),
        design={"strata": 6, "psus": 58, "weighting": "design weights", "lonely_psu": "adjust",
                "confidence_level": 0.95, "collection": "2026-02-01 to 2026-04-30", "min_n": 30},
        narrative={"summary": "Water **access** lags. <script>alert('narrative')</script>",
                   "criteria": {2: "Criterion two <img src=x onerror=alert(1)> text."}},
        sources=[{"name": "Test survey <script>", "publisher": "Nobody (fictional)", "year": 2026}],
        provenance=PROVENANCE,
        catalogue=CATALOGUE,
    )


def make_global_results():
    est_frames = [make_estimates("QZZ"), make_estimates("QZY", shift=0.1)]
    return SimpleNamespace(
        year=YEAR, title="Test report", demo=True, catalogue=CATALOGUE,
        estimates=pd.concat(est_frames, ignore_index=True),
        gaps=pd.concat([make_gaps("QZZ"), make_gaps("QZY")], ignore_index=True),
        criteria=pd.concat([make_criteria("QZZ"), make_criteria("QZY")], ignore_index=True),
        figures=pd.concat([make_figures("QZZ"), make_figures("QZY")], ignore_index=True),
        countries=pd.DataFrame([
            {"iso3": "QZZ", "name": "Zedland", "status": "ok", "reason": ""},
            {"iso3": "QZY", "name": "Yland", "status": "ok", "reason": ""},
            {"iso3": "QZX", "name": "Xland", "status": "failed", "reason": "input <script>bad</script> column"},
        ]),
        provenance={"code_version": "0.1.0+gtest", "catalogue_version": "test", "config_sha256": "d" * 64,
                    "build_date": "2026-05-01T00:00:00+00:00",
                    "countries": {"QZZ": PROVENANCE, "QZY": PROVENANCE}},
    )


@pytest.fixture
def country_results():
    return make_country_results()


@pytest.fixture
def global_results():
    return make_global_results()
