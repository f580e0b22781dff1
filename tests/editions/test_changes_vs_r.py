"""Changes between two editions (SE, df, CI and status) checked against an independent computation with R's
survey package (tests/r/changes_reference.R).

Each case is two surveys of the same fictional country, generated independently (as two editions are): the
share of households with enough safe water (ADQ-2, higher is better, 5-point margin) for IDPs and the
comparison group. The cases are built so that the four statuses occur: a large rise (improved), a large fall
(worsened), the same population surveyed twice with large samples (no material change) and a small second
survey (the surveys cannot tell). The change is computed by ``solutions.indicators.changes`` from the
published estimates tables, as the trends, ``solutions diff`` and the front page compute it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from solutions.catalogue import load_catalogue
from solutions.config import CountryConfig, EquivalenceMargin, GlobalConfig
from solutions.indicators import compute_country
from solutions.indicators.changes import changes_between, rules_from_tables

pytestmark = pytest.mark.r
SCRIPT = Path(__file__).parents[1] / "r" / "changes_reference.R"
DELTA = 0.05
# (before, after): seed, PSUs per stratum, households per PSU, IDP and comparison shares
CASES = {
    "rise": ((1, 10, 40, 0.55, 0.75), (2, 10, 40, 0.72, 0.76)),
    "fall": ((3, 10, 40, 0.55, 0.75), (4, 10, 40, 0.40, 0.74)),
    "same": ((5, 12, 60, 0.55, 0.75), (6, 12, 60, 0.55, 0.75)),
    "small": ((7, 10, 40, 0.55, 0.75), (8, 4, 10, 0.60, 0.70)),
}


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "suppressMessages(library(survey))"], capture_output=True).returncode == 0


def survey(seed: int, psus: int, per: int, p_idp: float, p_comp: float, strata: int = 8) -> pd.DataFrame:
    """One edition's households: both groups in every PSU, a small cluster effect on the logit scale."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(strata):
        for p in range(psus):
            effect = rng.normal(0, 0.2)
            for i in range(per):
                role = "idp" if i % 2 else "comparison"
                base = p_idp if role == "idp" else p_comp
                prob = 1 / (1 + np.exp(-(np.log(base / (1 - base)) + effect)))
                rows.append({"household_id": f"h{s}-{p}-{i}", "stratum": f"s{s}", "psu": f"p{p}",
                             "weight": float(rng.uniform(20, 80)), "role": role, "pop_group": role,
                             "water_daily_sufficient": float(rng.random() < prob)})
    return pd.DataFrame(rows)


def compute(hh: pd.DataFrame, year: int):
    cfg = CountryConfig.model_validate({
        "iso3": "QAB", "name": "T", "demo": True,
        "survey": {"title": "t", "collection_start": f"{year}-01-01", "collection_end": f"{year}-02-01"},
        "data": {"households": {"path": "x.csv"}}, "groups": {"idp": "idp", "comparison": "comparison"}})
    g = GlobalConfig.model_validate({
        "report_year": year, "title": "t", "countries": ["QAB"], "thresholds": {"min_n": 1, "min_effective_n": 0},
        "equivalence_margin": {"absolute": DELTA, "relative": 0.10}})
    return compute_country(cfg, g, SimpleNamespace(households=hh, individuals=None, locations=None, figures=None))


def national(est: pd.DataFrame) -> pd.DataFrame:
    return est[(est["disaggregation"] == "total") & (est["category"] == "")].assign(country="QAB")


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    if not _r_available():
        pytest.skip("Rscript with the survey package not found; install r-base-core r-cran-survey")
    tmp = tmp_path_factory.mktemp("changes-r")
    jobs, ours = [], {}
    for name, (before, after) in CASES.items():
        frames = [survey(*before), survey(*after)]
        for k, hh in enumerate(frames):
            hh.rename(columns={"water_daily_sufficient": "water"}).to_csv(tmp / f"{name}{k}.csv", index=False)
        old, new = compute(frames[0], 2025), compute(frames[1], 2026)
        rules = rules_from_tables(new.gaps.assign(country="QAB"), national(new.estimates), catalogue=load_catalogue(), default=EquivalenceMargin(absolute=DELTA))
        ch = changes_between(national(old.estimates), national(new.estimates), confidence_level=0.95, rules=rules)
        ours[name] = ch[ch["indicator_id"] == "ADQ-2"].set_index("group")
        jobs.append(f"{tmp / f'{name}0.csv'}\t{tmp / f'{name}1.csv'}\t{DELTA}\t{tmp / f'r-{name}.csv'}")
    (tmp / "jobs.tsv").write_text("\n".join(jobs) + "\n")
    proc = subprocess.run(["Rscript", str(SCRIPT), str(tmp / "jobs.tsv")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {name: (ours[name], pd.read_csv(tmp / f"r-{name}.csv").set_index("group")) for name in CASES}


@pytest.mark.parametrize("name", list(CASES))
def test_change_se_df_ci_and_status_match_r(cases, name):
    ours, r = cases[name]
    for group in ("idp", "comparison"):
        row, ref = ours.loc[group], r.loc[group]
        assert row["estimate_from"] == pytest.approx(ref["estimate_from"], rel=1e-9)
        assert row["estimate_to"] == pytest.approx(ref["estimate_to"], rel=1e-9)
        assert row["change"] == pytest.approx(ref["change"], rel=1e-9, abs=1e-12)
        assert row["se"] == pytest.approx(ref["se"], rel=1e-6)
        assert row["df"] == ref["df"]
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((ref["ci_l"], ref["ci_u"]), rel=1e-6, abs=1e-9)
        assert (row["direction"], row["margin"]) == ("higher", DELTA)
        assert row["status"] == ref["status"], (name, group)


def test_the_cases_cover_every_status(cases):
    statuses = {s for _name, (_ours, r) in cases.items() for s in r["status"]}
    assert statuses == {"improved", "worsened", "no_material_change", "cannot_tell"}
    assert cases["rise"][1].loc["idp", "status"] == "improved"
    assert cases["fall"][1].loc["idp", "status"] == "worsened"
