"""Small results tables following the documented schemas (architecture.md).

These are TEST FIXTURES ONLY: made-up numbers for a fictional country code, never presented as real.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import warnings

import matplotlib
import pandas as pd
import pytest

from solutions.catalogue import CRITERIA, load_catalogue  # noqa: F401 - CRITERIA for the tests
from solutions.config import EquivalenceMargin, SurveyInfo, Thresholds
from solutions.indicators import CountryResults, GlobalResults
from solutions.indicators.design_summary import DesignSummary

matplotlib.use("Agg")

CATALOGUE = load_catalogue()
ISO = "QZZ"
YEAR = 2026
NAN = math.nan


def est(indicator_id, criterion, kind, group, estimate, half=0.05, n=200, category="", suppressed=False,
        reason="", year=YEAR, country=ISO, disaggregation="total", value="", flag=""):
    """One estimates row (the results contract of issue #11); a withheld row has every value column NaN."""
    if suppressed:
        estimate = NAN
    lo, hi = (NAN, NAN) if suppressed else (max(estimate - half, 0.0), estimate + half)
    return {
        "country": country, "year": year, "indicator_id": indicator_id, "criterion": criterion, "kind": kind,
        "group": group, "disaggregation": disaggregation, "disaggregation_value": value, "category": category,
        "estimate": estimate, "se": NAN if suppressed else half / 1.96, "ci_low": lo, "ci_high": hi,
        "df": NAN if suppressed else 40.0, "deff": NAN if suppressed else 1.4, "cv": NAN if suppressed else 0.05,
        "n_unweighted": n, "n_effective": NAN if suppressed else n / 1.4, "n_weighted": n * 10.0, "n_missing": 3,
        "suppressed": suppressed, "suppression_reason": reason, "flag": "" if suppressed else flag,
        "catalogue_version": "test",
    }


def gap(indicator_id, criterion, group, value, half, direction, status, category="", country=ISO, margin=0.05):
    """One gaps row; ``insufficient_data`` rows have no numbers, ``not_assessed`` rows no margin."""
    none = math.isnan(value)
    return {
        "country": country, "year": YEAR, "indicator_id": indicator_id, "criterion": criterion, "group": group,
        "disaggregation": "total", "disaggregation_value": "", "category": category, "gap": value,
        "se": NAN if none else half / 1.96, "ci_low": NAN if none else value - half,
        "ci_high": NAN if none else value + half, "df": NAN if none else 40.0, "p_value": NAN if none else 0.01,
        "direction": direction, "status": status, "margin": NAN if status == "not_assessed" else margin,
        "catalogue_version": "test",
    }


def make_estimates(country=ISO, shift=0.0):
    rows = [
        est("ADQ-2", 2, "proportion", "idp", 0.55 + shift, country=country),
        est("ADQ-2", 2, "proportion", "returnee", NAN, suppressed=True, reason="min_n", n=12, country=country),
        est("ADQ-2", 2, "proportion", "comparison", 0.78, country=country),
        est("SAF-3", 1, "proportion", "idp", 0.30, country=country),
        est("SAF-3", 1, "proportion", "returnee", 0.22, half=0.15, country=country, flag="high_cv;low_df"),
        est("SAF-3", 1, "proportion", "comparison", 0.12, country=country),
        est("LIV-1", 3, "ratio", "idp", 0.21, country=country),
        est("LIV-1", 3, "ratio", "comparison", 0.11, country=country),
        est("SOL-1", 0, "proportion", "idp", 0.18, country=country),
        est("SOL-1", 0, "proportion", "returnee", 0.25, country=country),
        est("SOL-1", 0, "proportion", "comparison", 0.31, country=country),
    ]
    for cat, a, b in [("checkpoints", 0.5, 0.4), ("documentation", 0.3, 0.35), ("other", 0.2, 0.25)]:
        rows.append(est("SAF-3", 1, "by_reason", "idp", a, category=cat, n=60, country=country,
                        flag="high_cv" if cat == "other" else ""))
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
        gap("SAF-3", 1, "returnee", 0.10, 0.15, "lower", "inconclusive", country=country),
        gap("LIV-1", 3, "idp", -0.004, 0.03, "lower", "closed", country=country, margin=0.011),
        gap("SOL-1", 0, "idp", -0.13, 0.07, "higher", "open", country=country),
        gap("SOL-1", 0, "returnee", -0.06, 0.08, "higher", "inconclusive", country=country),
    ])


CRITERION_STATUS = {1: "open", 2: "open", 3: "closed", 4: "insufficient_data", 5: "inconclusive"}


def make_criteria(country=ISO):
    rows = []
    for c in range(1, 9):
        for g in ("idp", "returnee"):
            status = CRITERION_STATUS.get(c, "closed")
            counts = {"open": (1, 1, 0, 0), "closed": (0, 2, 0, 0), "insufficient_data": (0, 0, 0, 2),
                      "inconclusive": (0, 1, 1, 0)}[status]
            rows.append({"country": country, "year": YEAR, "criterion": c, "group": g, "status": status,
                         "n_indicators": 2, "n_open": counts[0], "n_closed": counts[1], "n_inconclusive": counts[2],
                         "n_insufficient": counts[3]})
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


MEASURE = {
    "scoring": "all",
    "conditions": [
        {"criterion": 1, "label": "No restriction of movement", "condition_text": "not restricted",
         "available": True, "missing": []},
        {"criterion": 2, "label": "Daily access to sufficient safe water", "condition_text": "has water",
         "available": True, "missing": []},
    ],
    "status": "available",
    "missing": [],
}
DESIGN = DesignSummary(
    strata=6, psus=58, households=800, individuals=4000, weighting="design weights",
    survey=SurveyInfo(title="Test survey", collection_start=dt.date(2026, 2, 1), collection_end=dt.date(2026, 4, 30)),
    thresholds=Thresholds(lonely_psu="adjust"), equivalence_margin=EquivalenceMargin(absolute=0.05, relative=0.1))


def make_country_results() -> CountryResults:
    return CountryResults(
        iso3=ISO, name="Test Country <script>alert('x')</script>", year=YEAR, demo=True,
        estimates=make_estimates(), gaps=make_gaps(), criteria=make_criteria(), figures=make_figures(),
        sample=pd.DataFrame([
            {"group": "idp", "admin1": "North", "households": 420, "individuals": 2100, "psus": 30},
            {"group": "returnee", "admin1": "North", "households": NAN, "individuals": NAN, "psus": NAN},
            {"group": "comparison", "admin1": "<i>South</i>", "households": 380, "individuals": 1900, "psus": 28},
        ]),
        design=DESIGN,
        narrative={"summary": "Water **access** lags. <script>alert('narrative')</script>",
                   "criteria": {2: "Criterion two <img src=x onerror=alert(1)> text."}},
        sources=[{"name": "Test survey <script>", "publisher": "Nobody (fictional)", "year": 2026}],
        provenance=PROVENANCE,
        catalogue=CATALOGUE,
        solutions_measure=dict(MEASURE),
    )


def make_global_results() -> GlobalResults:
    est_frames = [make_estimates("QZZ"), make_estimates("QZY", shift=0.1)]
    return GlobalResults(
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
        thresholds=DESIGN.thresholds, equivalence_margin=DESIGN.equivalence_margin,
        solutions_measure={**MEASURE, "missing_conditions": "partial", "countries": pd.DataFrame([
            {"iso3": "QZZ", "status": "available", "missing": ""},
            {"iso3": "QZY", "status": "partial", "missing": "hlp_lost, documents_lost"}])},
    )


@pytest.fixture
def country_results() -> CountryResults:
    return make_country_results()


@pytest.fixture
def global_results() -> GlobalResults:
    return make_global_results()



@pytest.fixture(autouse=True)
def _finalise_earlier_tests_garbage():
    """These tests turn warnings into errors (their own code must warn about nothing). Garbage another test
    left on this worker (an unclosed socket of an in-process kernel client, say) would otherwise be finalised
    at a random point inside one of them and fail it: collect it first, its warnings ignored."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()
    yield


@pytest.fixture(autouse=True)
def _no_chart_store_across_tests(monkeypatch):
    """A page opened by one test keeps its drawn charts; the next test draws its own (a test may change code),
    and none comes from the run's shared store (tests/conftest.py)."""
    from solutions.report import chart_store

    monkeypatch.delenv(chart_store.SHARED_ENV, raising=False)
    yield

    chart_store.close_folder()
