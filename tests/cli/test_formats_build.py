"""A country configured on statistical-office formats, built by the real CLI, gives the CSV's estimates.

The demo's QAB survey (CSV) is re-delivered as SPSS (households, `.sav` with value labels: answers stored
as numeric codes, labels attached) and Stata (individuals, `.dta` with value labels), as a statistics
office would; country QAF uses those files with QAB's mapping. Both countries are built in one
`solutions build`; every estimate, gap and criterion status must be identical.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml

from .project import SOLUTIONS, run

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cli-formats")]  # no shared project: runs beside the battery
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def labelled(df: pd.DataFrame, max_levels: int = 40) -> tuple[pd.DataFrame, dict[str, dict[int, str]]]:
    """Text answers -> integer codes with value labels; numbers as numbers; dates as dates; ids stay text."""
    out, labels = pd.DataFrame(index=df.index), {}
    for col in df.columns:
        s = df[col]
        filled = s.dropna()
        numeric = pd.to_numeric(filled, errors="coerce")
        if len(filled) and numeric.notna().all():
            out[col] = pd.to_numeric(s)
        elif len(filled) and filled.str.match(DATE).all():
            out[col] = [dt.date.fromisoformat(v) if isinstance(v, str) else None for v in s]
        elif 0 < filled.nunique() <= max_levels:
            levels = sorted(filled.unique())
            codes = {v: i + 1 for i, v in enumerate(levels)}
            out[col] = s.map(codes).astype("float64")
            labels[col] = {i: v for v, i in codes.items()}
        else:
            out[col] = s.fillna("")
    return out, labels


def idmc_layout(tidy: pd.DataFrame) -> pd.DataFrame:
    """QAB's tidy figures as IDMC's GIDD country-year table for QAF (and another country), HXL row first."""
    wide = tidy.pivot(index="year", columns="metric", values="value").reset_index()
    rows = pd.DataFrame({"ISO3": "QAF", "Name": "Republic of Formatland", "Year": wide["year"],
                         "Conflict Stock Displacement": wide["idp_stock"],
                         "Conflict Internal Displacements": wide["new_displacements"],
                         "Disaster Internal Displacements": "0"})
    other = rows.assign(ISO3="QAG", Name="Elsewhere")
    hxl = pd.DataFrame([{"ISO3": "#country+code", "Name": "#country+name", "Year": "#date+year",
                         "Conflict Stock Displacement": "#affected+idps",
                         "Conflict Internal Displacements": "#affected+new",
                         "Disaster Internal Displacements": "#affected+new+disaster"}])
    return pd.concat([hxl, rows, other], ignore_index=True)


def read_demo(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("formats") / "office statistique"
    subprocess.run([SOLUTIONS, "demo", "--root", str(root), "--scale", "0.4"], check=True, capture_output=True)
    demo = root / "data" / "demo"
    office = root / "data" / "office QAF"
    office.mkdir(parents=True)
    hh, hh_labels = labelled(read_demo(demo / "QAB" / "households.csv"))
    pyreadstat.write_sav(hh, str(office / "ménages.sav"), variable_value_labels=hh_labels)
    ind, ind_labels = labelled(read_demo(demo / "QAB" / "individuals.csv"))
    assert len(hh_labels) >= 15 and len(ind_labels) >= 8  # most answers travel as labelled codes
    pyreadstat.write_dta(ind, str(office / "individus.dta"), variable_value_labels=ind_labels)
    tidy = read_demo(demo / "QAB" / "figures.csv")
    idmc_layout(tidy).to_csv(office / "IDMC_GIDD_Conflict.csv", index=False)
    cfg = yaml.safe_load((root / "params" / "countries" / "QAB.yml").read_text(encoding="utf-8"))
    cfg.update(iso3="QAF", name="Republic of Formatland")
    cfg["data"]["households"] = {"path": "../../data/office QAF/ménages.sav"}
    cfg["data"]["individuals"] = {"path": "../../data/office QAF/individus.dta", "key": "household_id"}
    cfg["data"]["figures"] = {"path": "../../data/office QAF/IDMC_GIDD_Conflict.csv"}
    (root / "params" / "countries" / "QAF.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    glob = yaml.safe_load((root / "params" / "global.yml").read_text())
    glob["countries"] = ["QAB", "QAF"]
    glob["renderer"] = "nbconvert"  # the readers are under test here; Quarto has its own tests
    (root / "params" / "global.yml").write_text(yaml.safe_dump(glob, sort_keys=False))
    return root


def test_spss_and_stata_country_matches_the_csv_one(project: Path) -> None:
    params, out = project / "params" / "global.yml", project / "outputs"
    proc = run("build", "--params", str(params), "--output", str(out), "--jobs", "2", "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = out / "2026" / "results"
    for table in ("estimates", "gaps", "criteria"):
        csv_based = pd.read_parquet(results / "QAB" / f"{table}.parquet").drop(columns="country")
        office = pd.read_parquet(results / "QAF" / f"{table}.parquet").drop(columns="country")
        pd.testing.assert_frame_equal(office, csv_based, check_exact=True)
    figures = pd.read_parquet(results / "QAF" / "figures.parquet")
    expected = pd.read_parquet(results / "QAB" / "figures.parquet")
    expected = expected[expected["metric"] != "returns"]  # IDMC publishes no returns
    got = {(r.year, r.metric): r.value for r in figures.itertuples()}
    assert got == {(r.year, r.metric): r.value for r in expected.itertuples()} and len(got) >= 4
    assert set(figures["country"]) == {"QAF"} and figures["source"].str.startswith("IDMC").all()
    estimates = pd.read_parquet(results / "QAF" / "estimates.parquet")
    assert (~estimates["suppressed"]).sum() > 100  # real estimates, not a table of suppressed cells
    meta = (results / "QAF" / "meta.json").read_text()
    assert "ménages.sav" not in meta and "office QAF" not in meta  # checksums, never paths
