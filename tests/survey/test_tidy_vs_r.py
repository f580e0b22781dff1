"""The tidy API (`design.mean(...)`, `contrast(table, {...})`) against R's survey package.

String and categorical domains are passed as they are; R gets the same CSV (tidy_reference.R, run here).
Tolerances as in test_vs_r.py: estimates 1e-9 relative, SEs and deffs 1e-6, CIs of svyciprop 1e-7.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solutions.survey import Design, SurveyTable, contrast

pytestmark = pytest.mark.r
SCRIPT = Path(__file__).with_name("tidy_reference.R")
SKIP_REASON = "Rscript with the survey package not found; install r-base-core r-cran-survey"


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    try:
        res = subprocess.run(["Rscript", "-e", "suppressPackageStartupMessages(library(survey))"],
                             capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return res.returncode == 0


def survey_frame(seed: int = 21) -> pd.DataFrame:
    """Households in 8 strata of 1-5 PSUs (one lonely), three groups as text, sex as a categorical, NaNs."""
    rng = np.random.default_rng(seed)
    parts = []
    for h in range(8):
        for p in range(1 if h == 5 else int(rng.integers(2, 6))):
            m = int(rng.integers(6, 20))
            eff = rng.normal(0, 1)
            parts.append(pd.DataFrame({
                "st": h, "psu": p + 1, "w": rng.uniform(1, 9, m),
                "group": rng.choice(["idp", "returnee", "comparison"], m, p=[0.4, 0.2, 0.4]),
                "sex": rng.choice(["male", "female"], m),
                "y": 50 + 3 * eff + rng.normal(0, 4, m), "z": rng.normal(eff, 1, m), "y2": rng.gamma(2, 2, m),
                "p": (rng.random(m) < 0.3 + 0.1 * (eff > 0)).astype(float),
                "num": rng.gamma(3, 2, m), "den": rng.uniform(1, 4, m),
            }))
    df = pd.concat(parts, ignore_index=True)
    for col, share in (("y", 0.08), ("p", 0.1), ("num", 0.05)):
        df.loc[rng.random(len(df)) < share, col] = np.nan
    df.loc[rng.random(len(df)) < 0.03, "group"] = None  # in no domain
    df["sex"] = pd.Categorical(df["sex"], categories=["male", "female"])
    return df


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    if not _r_available():
        pytest.skip(SKIP_REASON)
    tmp = tmp_path_factory.mktemp("tidy")
    df = survey_frame()
    df.to_csv(tmp / "data.csv", index=False)
    res = subprocess.run(["Rscript", str(SCRIPT), str(tmp / "data.csv"), str(tmp / "out.csv")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    r = pd.read_csv(tmp / "out.csv", keep_default_na=False, na_values=["NA"])
    design = Design.from_frame(df, weight="w", strata="st", psu="psu", lonely_psu="adjust")
    return design, r


def close(ours, theirs, rtol: float, label: str) -> None:
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape and len(ours), label
    rel = np.abs(ours - theirs) / np.abs(theirs)
    assert (rel <= rtol).all(), f"{label}: max rel diff {rel.max():.3g}\n ours {ours}\n R    {theirs}"


def matched(table: pd.DataFrame, r: pd.DataFrame, stat: str, by: list[str]) -> pd.DataFrame:
    """Our rows joined to R's by the domains' labels; every R row must have one of ours."""
    sel = r[r["stat"] == stat].copy()
    ours = table.assign(**{c: table[c].astype(str) for c in by})
    m = sel.merge(ours, on=by, suffixes=("_r", ""), how="left", validate="one_to_one")
    assert len(m) == len(sel) and m["estimate"].notna().all(), f"{stat}: domains differ"
    return m


def test_mean_by_a_text_column(reference) -> None:
    design, r = reference
    t = design.mean("y", by="group", level=0.95)
    assert isinstance(t, SurveyTable)
    assert list(t.columns) == ["group", "variable", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n"]
    assert t["group"].tolist() == ["comparison", "idp", "returnee"]  # sorted, missing group left out
    m = matched(t, r, "mean", ["group"])
    close(m["estimate"], m["estimate_r"], 1e-9, "mean")
    close(m["se"], m["se_r"], 1e-6, "mean se")
    close(m["deff"], m["deff_r"], 1e-6, "mean deff")
    d = matched(t, r, "mean_domain", ["group"])
    assert (d["df"] == d["df_r"]).all() and (d["n"] == d["n_r"]).all()
    close(d["ci_low"], d["ci_l"], 1e-9, "mean ci_low")
    close(d["ci_high"], d["ci_u"], 1e-9, "mean ci_high")


def test_mean_by_two_columns_one_categorical(reference) -> None:
    design, r = reference
    t = design.mean("y", by=["group", "sex"], level=0.95)
    assert t["sex"].dtype == "category" and list(t["sex"].cat.categories) == ["male", "female"]
    assert t[["group", "sex"]].astype(str).values.tolist()[:2] == [["comparison", "male"], ["comparison", "female"]]
    m = matched(t, r, "mean2", ["group", "sex"])
    close(m["estimate"], m["estimate_r"], 1e-9, "mean2")
    close(m["se"], m["se_r"], 1e-6, "mean2 se")
    close(m["deff"], m["deff_r"], 1e-6, "mean2 deff")


def test_total_ratio_and_proportion(reference) -> None:
    design, r = reference
    for stat, table, tol in (("total", design.total("y", by="group", level=0.95), 1e-9),
                             ("ratio", design.ratio("num", "den", by="group", level=0.95), 1e-9),
                             ("prop", design.proportion("p", by="group", level=0.95), 1e-7)):
        m = matched(table, r, stat, ["group"])
        close(m["estimate"], m["estimate_r"], tol, stat)
        close(m["se"], m["se_r"], 1e-6, f"{stat} se")
        if stat == "prop":  # logit intervals, as svyciprop
            close(m["ci_low"], m["ci_l"], 1e-7, "prop ci_low")
            close(m["ci_high"], m["ci_u"], 1e-7, "prop ci_high")
            assert ((m["ci_low"] > 0) & (m["ci_high"] < 1)).all()
        else:
            close(m["deff"], m["deff_r"], 1e-6, f"{stat} deff")
    assert design.ratio("num", "den", level=0.95)["variable"].tolist() == ["num/den"]


def test_contrasts_by_labels_and_by_coefficients(reference) -> None:
    design, r = reference
    gap = contrast(design.mean("y", by="group", level=0.95), {"idp": 1, "comparison": -1})
    ref = r[r["stat"] == "contrast_gap"].iloc[0]
    assert gap["variable"].tolist() == ["y"]
    close(gap["estimate"], [ref["estimate"]], 1e-9, "gap")
    close(gap["se"], [ref["se"]], 1e-6, "gap se")
    # a vector over the rows of a two-variable table (variable-major), mixing variables
    t = design.mean(["z", "y2"], by="group", level=0.95)
    assert t["variable"].tolist() == ["z"] * 3 + ["y2"] * 3
    coef = np.zeros(len(t))
    coef[(t["variable"] == "z") & (t["group"] == "idp")] = 1
    coef[(t["variable"] == "y2") & (t["group"] == "comparison")] = -2
    coef[(t["variable"] == "z") & (t["group"] == "returnee")] = 0.5
    mixed = contrast(t, coef)
    ref = r[r["stat"] == "contrast_mixed"].iloc[0]
    close(mixed["estimate"], [ref["estimate"]], 1e-9, "mixed")
    close(mixed["se"], [ref["se"]], 1e-6, "mixed se")
