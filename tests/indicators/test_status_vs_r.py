"""Gap status on each side of the margin, and t intervals for means and ratios, checked against R's survey.

Data sets are built so that the upper bound of the disadvantage D's CI straddles δ: IDP answers are improved
one record at a time until the bound crosses δ, and the records just before and just after the crossing are
kept ("just outside" and "just inside" the margin). R recomputes the gap's CI (`svycontrast`, with
`confint(..., df = )` the smaller of the two groups' sub-design `degf`: the IDP group sits in 3 of the 5 PSUs
of each stratum, so its df, 12, is half the comparison group's) on both; the published status must be the one
R's interval gives, once for a proportion and once for the unemployment rate, a share of the labour force
(both the catalogue's absolute δ, 5 points; catalogue 2026.2). Means and ratios per group are checked
against `confint(svymean / svyratio, df = degf(sub-design))`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from solutions.config import CountryConfig, GlobalConfig
from solutions.indicators import compute_country

pytestmark = pytest.mark.r
SCRIPT = Path(__file__).parents[1] / "r" / "status_reference.R"
DELTA = 0.05
RELATIVE = 0.10
AGE = {"id": "AGE-1", "criterion": 2, "title": "Mean age", "short_title": "Age", "definition": "Mean age.",
       "kind": "mean", "table": "individuals", "unit": "individual", "variable": "age", "requires": ["age"],
       "direction": "lower", "prds_objective": 1, "level": "individual"}


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "suppressMessages(library(survey))"], capture_output=True).returncode == 0


def frames(seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """6 strata x 5 PSUs x 16 households, both groups in every PSU; 3 people per household."""
    rng = np.random.default_rng(seed)
    hh, ind = [], []
    for s in range(6):
        for p in range(5):
            effect = rng.normal(0, 0.5)
            for i in range(16):
                role = "idp" if i % 2 and p < 3 else "comparison"  # IDPs in 3 PSUs of 5: a smaller df
                hid = f"h{s}-{p}-{i}"
                w = float(rng.uniform(20, 80))
                p_water = 1 / (1 + np.exp(-(effect + (0.4 if role == "idp" else 1.7))))
                hh.append({"household_id": hid, "stratum": f"s{s}", "psu": f"p{p}", "weight": w, "role": role,
                           "pop_group": role, "water_daily_sufficient": float(rng.random() < p_water)})
                for k in range(3):
                    u = rng.random()
                    status = ("inactive" if u < 0.3 else
                              "unemployed" if rng.random() < (0.35 if role == "idp" else 0.12) else "employed")
                    ind.append({"household_id": hid, "person_id": f"{hid}-{k}", "stratum": f"s{s}",
                                "psu": f"p{p}", "weight": w, "role": role, "age": int(rng.integers(10, 75)),
                                "labour_status": status})
    return pd.DataFrame(hh), pd.DataFrame(ind)


def compute(hh: pd.DataFrame, ind: pd.DataFrame):
    cfg = CountryConfig.model_validate({
        "iso3": "QAB", "name": "T", "demo": True,
        "survey": {"title": "t", "collection_start": "2026-01-01", "collection_end": "2026-02-01"},
        "data": {"households": {"path": "x.csv"}}, "groups": {"idp": "idp", "comparison": "comparison"},
        "extra_indicators": [AGE]})
    g = GlobalConfig.model_validate({
        "report_year": 2026, "title": "t", "countries": ["QAB"],
        "thresholds": {"min_n": 1, "min_effective_n": 0},
        "equivalence_margin": {"absolute": DELTA, "relative": RELATIVE}})
    return compute_country(cfg, g, SimpleNamespace(households=hh, individuals=ind, locations=None, figures=None))


def national_gap(t, indicator: str) -> pd.Series:
    g = t.gaps
    return g[(g.indicator_id == indicator) & (g.disaggregation == "total") & (g.category == "")
             & (g.group == "idp")].iloc[0]


def upper_d(gap: pd.Series) -> float:
    """Upper bound of the disadvantage D's CI."""
    return -gap["ci_low"] if gap["direction"] == "higher" else gap["ci_high"]


def straddle(hh: pd.DataFrame, ind: pd.DataFrame, indicator: str):
    """(outside, inside): IDP answers improved k-1 and k times, where D's upper bound crosses δ."""
    if indicator == "ADQ-2":
        rows = hh.index[(hh.role == "idp") & (hh.water_daily_sufficient == 0)]

        def improved(k):
            h = hh.copy()
            h.loc[rows[:k], "water_daily_sufficient"] = 1.0
            return h, ind
    else:
        rows = ind.index[(ind.role == "idp") & (ind.labour_status == "unemployed") & ind.age.between(15, 64)]

        def improved(k):
            i = ind.copy()
            i.loc[rows[:k], "labour_status"] = "employed"
            return hh, i

    def beyond(k):
        gap = national_gap(compute(*improved(k)), indicator)
        return upper_d(gap) >= gap["margin"]

    lo, hi = 0, len(rows)
    assert beyond(lo) and not beyond(hi), "the construction must start outside δ and end inside it"
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if beyond(mid) else (lo, mid)
    return improved(lo), improved(hi)


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    if not _r_available():
        pytest.skip("Rscript with the survey package not found; install r-base-core r-cran-survey")
    tmp = tmp_path_factory.mktemp("status-r")
    hh, ind = frames()
    data = {}
    for indicator in ("ADQ-2", "LIV-1"):
        outside, inside = straddle(hh, ind, indicator)
        data[(indicator, "outside")], data[(indicator, "inside")] = outside, inside
    jobs = []
    for n, (h, i) in enumerate(data.values()):
        h.rename(columns={"water_daily_sufficient": "water"}).to_csv(tmp / f"hh{n}.csv", index=False)
        i.to_csv(tmp / f"ind{n}.csv", index=False)
        jobs.append(f"{tmp / f'hh{n}.csv'}\t{tmp / f'ind{n}.csv'}\t{tmp / f'r{n}.csv'}")
    (tmp / "jobs.tsv").write_text("\n".join(jobs) + "\n")
    proc = subprocess.run(["Rscript", str(SCRIPT), str(tmp / "jobs.tsv")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {key: (compute(*d), pd.read_csv(tmp / f"r{n}.csv").set_index(["what", "group"]))
            for n, (key, d) in enumerate(data.items())}


@pytest.mark.parametrize("indicator,what", [("ADQ-2", "gap_water"), ("LIV-1", "gap_unemployment")])
def test_status_on_each_side_of_the_margin_matches_r(cases, indicator, what):
    for side in ("outside", "inside"):
        ours, r = cases[(indicator, side)]
        gap = national_gap(ours, indicator)
        ref = r.loc[(what, "idp")]
        assert gap["gap"] == pytest.approx(ref["estimate"], rel=1e-9, abs=1e-12)
        assert gap["se"] == pytest.approx(ref["se"], rel=1e-6)
        assert (gap["ci_low"], gap["ci_high"]) == pytest.approx((ref["ci_l"], ref["ci_u"]), rel=1e-6, abs=1e-9)
        assert gap["df"] == ref["df"]
        # δ as the catalogue states it: 5 points for both (the unemployment rate is a share of the labour force)
        delta = DELTA
        assert gap["margin"] == pytest.approx(delta, rel=1e-9)
        assert gap["df"] == 12.0  # the IDP group's df, not the whole design's 24
        d_upper = -ref["ci_l"] if gap["direction"] == "higher" else ref["ci_u"]
        d_lower = -ref["ci_u"] if gap["direction"] == "higher" else ref["ci_l"]
        assert abs(d_upper - delta) < 0.02, "the data set should sit at the margin (one household moves ~1.5 points)"
        if side == "inside":
            assert d_upper < delta and gap["status"] == "closed"
        else:
            assert d_upper >= delta
            assert gap["status"] == ("open" if d_lower > 0 else "inconclusive")


@pytest.mark.parametrize("indicator,what", [("AGE-1", "mean_age"), ("LIV-1", "unemployment")])
def test_t_intervals_for_means_and_ratios_match_r(cases, indicator, what):
    ours, r = cases[("LIV-1", "outside")]
    est = ours.estimates
    for group in ("comparison", "idp"):
        row = est[(est.indicator_id == indicator) & (est.disaggregation == "total") & (est.category == "")
                  & (est.group == group)].iloc[0]
        ref = r.loc[(what, group)]
        assert row["estimate"] == pytest.approx(ref["estimate"], rel=1e-9)
        assert row["se"] == pytest.approx(ref["se"], rel=1e-6)
        assert row["df"] == ref["df"]
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((ref["ci_l"], ref["ci_u"]), rel=1e-6)
