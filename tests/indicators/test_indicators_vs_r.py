"""The indicator tables of a demo country, recomputed independently with R's survey package.

The survey engine has its own R suite (tests/survey); this checks the layer above it: universes, missing
answers, ratios, domains, gaps and CIs as they land in the published results table.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solutions.config_loader import country_path, load_all
from solutions.demo import write_demo
from solutions.indicators import compute_country
from solutions.inputs import load_country_data

HERE = Path(__file__).parent
pytestmark = pytest.mark.r


def _r_available() -> bool:
    if not shutil.which("Rscript"):
        return False
    return subprocess.run(["Rscript", "-e", "suppressMessages(library(survey))"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _r_available(), reason="Rscript with the survey package not found; install r-base-core r-cran-survey")
@pytest.mark.parametrize("iso", ["QAE", "QAC"])  # QAE has a lonely PSU (rule: adjust); QAC numbers PSUs per stratum
def test_indicator_table_matches_r(tmp_path: Path, iso: str) -> None:
    write_demo(tmp_path, countries=[iso], scale=0.5)
    gpath = tmp_path / "params" / "global.yml"
    gcfg, countries = load_all(gpath)
    # estimates, not disclosure control, are checked here: the effective-n rule would withhold most small cells
    gcfg = gcfg.model_copy(update={"thresholds": gcfg.thresholds.model_copy(update={"min_effective_n": 0})})
    data = load_country_data(countries[iso], country_path(gpath, gcfg, iso))
    tables = compute_country(countries[iso], gcfg, data)
    hh_cols = ["household_id", "stratum", "psu", "weight", "role", "water_daily_sufficient", "hlp_lost",
               "hlp_no_access_remedy"]
    data.households[hh_cols].to_csv(tmp_path / "hh.csv", index=False)
    data.individuals[["stratum", "psu", "weight", "role", "age", "labour_status"]].to_csv(tmp_path / "ind.csv", index=False)
    proc = subprocess.run(["Rscript", str(HERE / "indicators_vs_r.R"), str(tmp_path / "hh.csv"),
                           str(tmp_path / "ind.csv"), str(tmp_path / "r.csv")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    ref = pd.read_csv(tmp_path / "r.csv")
    est = tables.estimates[(tables.estimates.disaggregation == "total") & (tables.estimates.category == "")]
    est = est.set_index(["indicator_id", "group"])
    gaps = tables.gaps[(tables.gaps.disaggregation == "total") & (tables.gaps.category == "")]
    gaps = gaps.set_index(["indicator_id", "group"])
    checked = 0
    for r in ref.itertuples():
        if r.what == "gap":
            mine = gaps.loc[(r.indicator_id, r.group)]
            value, se = mine["gap"], mine["se"]
        else:
            mine = est.loc[(r.indicator_id, r.group)]
            value, se = mine[r.what], mine["se"]
        if mine.get("suppressed", False) or mine.get("status") == "insufficient_data":
            continue  # withheld by disclosure control (checked in test_engine); nothing to compare
        assert value == pytest.approx(r.value, rel=1e-9, abs=1e-12), (r.indicator_id, r.group, r.what)
        if r.what in ("estimate", "gap"):
            assert se == pytest.approx(r.se, rel=1e-6), (r.indicator_id, r.group, r.what)
        checked += 1
    assert checked >= 20
    assert np.isfinite(ref["value"]).all()
