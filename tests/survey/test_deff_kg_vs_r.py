"""Design effects on normalised weights and Korn–Graubard intervals, checked against R's survey
(tests/r/deff_kg_reference.R): issue #20 item 2 and issue #19 item 2.

With normalised weights (they sum to the number of records: no population total) the SRS reference has no
finite population correction, so the design effect is R's `deff="replace"`, never negative (the "wor"
reference, N − n ≤ 0, gave negative deffs or NA). A share of 0 or 1 gets the Korn–Graubard interval (R's
`svyciprop(method="beta")` formula with n_eff = n there, where R itself returns NaN).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solutions.survey import Design, korn_graubard_ci, mean_by_domain, ratio_by_domain

pytestmark = pytest.mark.r
SCRIPT = Path(__file__).parents[1] / "r" / "deff_kg_reference.R"


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "suppressMessages(library(survey))"], capture_output=True).returncode == 0


def frame(seed: int = 11) -> pd.DataFrame:
    """4 strata x 6 PSUs x 12 records, weights normalised to mean 1; domain 3 answers y = 0 throughout and
    domain 4 y = 1 throughout (a share of 0 and of 1)."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(4):
        for p in range(6):
            for _i in range(12):
                dom = int(rng.integers(0, 5))
                y = 0.0 if dom == 3 else 1.0 if dom == 4 else float(rng.random() < 0.3 + 0.1 * dom)
                rows.append({"stratum": f"s{s}", "psu": f"p{p}", "weight": float(rng.uniform(10, 90)), "dom": dom,
                             "y": y, "z": float(rng.normal(50 + 5 * dom, 12)), "x": float(rng.uniform(1, 3))})
    df = pd.DataFrame(rows)
    df["weight"] *= len(df) / df["weight"].sum()
    return df


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not _r_available():
        pytest.skip("Rscript with the survey package not found; install r-base-core r-cran-survey")
    tmp = tmp_path_factory.mktemp("deff-kg")
    df = frame()
    df.to_csv(tmp / "d.csv", index=False)
    proc = subprocess.run(["Rscript", str(SCRIPT), str(tmp / "d.csv"), str(tmp / "r.csv")], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return df, pd.read_csv(tmp / "r.csv")


def _design(df: pd.DataFrame) -> Design:
    return Design.from_frame(df, weight="weight", strata="stratum", psu="psu", nest=True, lonely_psu="adjust")


def test_normalised_weights_give_rs_deff_replace_never_negative(reference):
    df, r = reference
    assert df["weight"].sum() == pytest.approx(len(df))
    design = _design(df)
    dom = df["dom"].to_numpy()
    z, x = df["z"].to_numpy(), df["x"].to_numpy()
    mean = mean_by_domain(design, z, domain=dom, n_domains=5, deff_method="auto", level=0.95)
    ratio = ratio_by_domain(design, z, denominator=x, domain=dom, n_domains=5, deff_method="auto", level=0.95)
    for what, dr in (("deff_mean", mean), ("deff_ratio", ratio)):
        ref = r[r.what == what].sort_values("dom")
        np.testing.assert_allclose(dr.estimate[:, 0], ref["estimate"], rtol=1e-9)
        np.testing.assert_allclose(dr.deff[:, 0], ref["value_1"], rtol=1e-6)
        assert (dr.deff > 0).all()
    # the "wor" reference (a population of Σw = n) is negative or undefined here: never published as a deff
    wor = ratio_by_domain(design, z, denominator=x, domain=dom, n_domains=5, deff_method="wor", level=0.95)
    assert not (wor.deff <= 0).any()


def test_korn_graubard_matches_rs_beta_interval_including_shares_of_0_and_1(reference):
    df, r = reference
    design = _design(df)
    dom = df["dom"].to_numpy()
    dr = mean_by_domain(design, df["y"].to_numpy(), domain=dom, n_domains=5, level=0.95)
    ref = r[r.what == "kg"].sort_values("dom")
    lo, hi = korn_graubard_ci(dr.estimate[:, 0], dr.se[:, 0], n=dr.n_unweighted[:, 0], df=dr.df[:, 0], level=0.95)
    np.testing.assert_allclose(dr.estimate[:, 0], ref["estimate"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(lo, ref["value_1"], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(hi, ref["value_2"], rtol=1e-6, atol=1e-10)
    assert dr.estimate[3, 0] == 0 and lo[3] == 0 and hi[3] > 0.02  # a share of 0: [0, u], not [0, 0]
    assert dr.estimate[4, 0] == 1 and hi[4] == 1 and lo[4] < 0.98
