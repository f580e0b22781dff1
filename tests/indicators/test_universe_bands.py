"""Age-band rows labelled by what an indicator's universe keeps of them (issue #19 item 6)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from solutions.catalogue import load_catalogue
from solutions.config import CountryConfig, GlobalConfig
from solutions.indicators import compute_country
from solutions.indicators.universe_bands import age_bounds, band_label
from solutions.inputs.mapping import age_bands


def test_bounds_are_read_from_the_universe_expression():
    assert age_bounds("age >= 15 and age <= 64") == (15, 64)
    assert age_bounds("15 < age and age < 65") == (16, 64)
    assert age_bounds("uasc == 1 and age <= 17") == (-math.inf, 17)
    assert age_bounds("age >= 18 or age <= 5") == (-math.inf, math.inf)  # not a simple range: no relabel
    assert age_bounds(None) == (-math.inf, math.inf)


def test_a_band_is_kept_cut_or_dropped():
    assert band_label("0-17", (0, 17), (15, 64)) == "15-17"
    assert band_label("60+", (60, 200), (15, 64)) == "60-64"
    assert band_label("18-59", (18, 59), (15, 64)) == "18-59"
    assert band_label("0-17", (0, 17), (18, math.inf)) is None
    assert band_label("60+", (60, 200), (18, math.inf)) == "60+"


def _frames(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    hh, ind = [], []
    for p in range(12):
        for i in range(20):
            role = "idp" if i % 2 else "comparison"
            hid = f"h{p}-{i}"
            hh.append({"household_id": hid, "stratum": f"s{p % 3}", "psu": f"p{p}", "weight": 50.0, "role": role,
                       "pop_group": role})
            for k in range(4):
                age = int(rng.integers(0, 90))
                ind.append({"household_id": hid, "person_id": f"{hid}-{k}", "stratum": f"s{p % 3}", "psu": f"p{p}",
                            "weight": 50.0, "role": role, "age": age,
                            "labour_status": rng.choice(["employed", "unemployed", "inactive"]),
                            "voted_last_election": float(rng.random() < 0.6) if age >= 18 else np.nan})
    ind = pd.DataFrame(ind)
    ind["age_band"] = age_bands(ind["age"], load_catalogue().age_bands)
    return pd.DataFrame(hh), ind


def test_liv1_is_published_for_the_ages_its_universe_keeps():
    cfg = CountryConfig.model_validate({
        "iso3": "QAB", "name": "T", "demo": True,
        "survey": {"title": "t", "collection_start": "2026-01-01", "collection_end": "2026-02-01"},
        "data": {"households": {"path": "x.csv"}}, "groups": {"idp": "idp", "comparison": "comparison"}})
    gcfg = GlobalConfig.model_validate({"report_year": 2026, "title": "t", "countries": ["QAB"],
                                        "thresholds": {"min_n": 1, "min_effective_n": 0}})
    hh, ind = _frames()
    t = compute_country(cfg, gcfg, SimpleNamespace(households=hh, individuals=ind, locations=None, figures=None))
    for table in (t.estimates, t.gaps):
        liv = table[(table.indicator_id == "LIV-1") & (table.disaggregation == "age_band")]
        assert set(liv["disaggregation_value"]) == {"15-17", "18-59", "60-64"}
        par = table[(table.indicator_id == "PAR-1") & (table.disaggregation == "age_band")]
        assert set(par["disaggregation_value"]) == {"18-59", "60+"}  # no row for children
    # the 15-17 row is the labour force aged 15 to 17
    row = t.estimates[(t.estimates.indicator_id == "LIV-1") & (t.estimates.disaggregation_value == "15-17")
                      & (t.estimates.group == "idp") & (t.estimates.category == "")].iloc[0]
    young = ind[(ind.role == "idp") & ind.age.between(15, 17) & ind.labour_status.isin(["employed", "unemployed"])]
    assert row["n_unweighted"] == len(young)
    assert row["estimate"] == pytest.approx((young.labour_status == "unemployed").mean(), rel=1e-12)
