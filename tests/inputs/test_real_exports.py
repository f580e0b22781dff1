"""Real exports read as they are (issue #20 item 1, methodology §4 and §6): what a frame's unlabelled total row,
its never-sampled strata, repeated and unnamed columns, weight 0 and title rows give, and how weights on
different scales across regional files are rescaled or refused (item 3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from solutions.config import FrameWeights
from solutions.errors import InputError
from solutions.inputs.frame import read_frame
from solutions.survey import Design

from .builders import Country, households, one


# ------------------------------------------------------------------ frame ----
def test_an_unlabelled_total_row_and_strata_of_population_0_are_notes(tmp_path: Path) -> None:
    (tmp_path / "frame.csv").write_text(
        "Sampling frame,,,,\nGovernorate,District,Group,Stratum,HH\n"
        "North,Zakho,IDP,Zakho - IDP,1200\nNorth,Zakho,Returnee,Zakho - Returnee,3950\n"
        "North,Sinjar,IDP,Sinjar - IDP,0\n,,,,5150\n", encoding="utf-8")
    frame = read_frame(FrameWeights(frame="frame.csv", header_row=2, stratum="Stratum", population="HH"),
                       tmp_path / "QAB.yml")
    assert frame.problems == []
    assert frame.notes == ["frame.csv: totals row(s) skipped (line 6)"]
    assert frame.strata["sinjar_idp"] == ("Sinjar - IDP", 0.0)


def test_an_unlabelled_row_that_is_not_the_total_stays_a_problem(tmp_path: Path) -> None:
    (tmp_path / "frame.csv").write_text("Stratum,HH\nA,100\nB,200\n,120\n", encoding="utf-8")
    frame = read_frame(FrameWeights(frame="frame.csv", stratum="Stratum", population="HH"), tmp_path / "QAB.yml")
    assert frame.problems == ["frame.csv: column 'Stratum' (stratum): 1 row with a population but no stratum name "
                              "(line 4)"]


def _framed(c: Country, frame_text: str) -> None:
    c.path("frame.csv").write_text(frame_text, encoding="utf-8")
    c.cfg["columns"]["households"].pop("weight", None)
    c.cfg["design"] = {"strata": "stratum", "psu": "psu",
                       "weights": {"frame": "frame.csv", "stratum": "Stratum", "population": "HH"}}


def test_never_sampled_strata_of_population_0_are_a_note_but_a_sampled_one_is_a_problem(country: Country) -> None:
    _framed(country, "Stratum,HH\nA,600\nB,900\nC,0\n,1500\n")
    data = country.load()
    assert "frame.csv: totals row(s) skipped (line 5)" in data.notes
    assert "frame.csv: 1 frame strata of population 0 were never sampled ('C')" in data.notes
    assert data.households["weight"].sum() == pytest.approx(1500)

    _framed(country, "Stratum,HH\nA,600\nB,0\n")
    assert one(country.problems(), "population is 0").startswith(
        "households.csv: column 'strat' (stratum): 6 rows with a stratum whose population is 0 in the sampling frame "
        "frame.csv (its records would weigh nothing) (values 'B'; lines 8, 9, 10, 11, 12, …)")


def _shape(warnings: list[str]) -> list[str]:
    """The warnings about the file's shape (the tiny test survey also warns about weight shares)."""
    return [w for w in warnings if "of the group's total weight" not in w]


# ---------------------------------------------------------------- columns ----
def test_a_repeated_column_the_config_does_not_use_is_a_warning_naming_its_positions(country: Country) -> None:
    df = households()
    df.insert(3, "expenses/tot_expenditure", range(12))
    df["expenses/tot_expenditure_2"] = [k * 1000 for k in range(12)]
    country.csv("households.csv", df)
    text = country.path("households.csv").read_text().replace("expenses/tot_expenditure_2", "expenses/tot_expenditure")
    country.path("households.csv").write_text(text)
    data = country.load()
    assert _shape(data.warnings) == ["households.csv: column 'expenses/tot_expenditure' appears 2 times (columns 4 and 14); "
                             "the config does not use it, so it is ignored"]
    assert len(data.households) == 12


def test_a_repeated_column_the_config_reads_is_an_error_naming_its_positions(country: Country) -> None:
    df = households()
    df["q_res_again"] = df["q_res"]
    country.csv("households.csv", df)
    text = country.path("households.csv").read_text().replace("q_res_again", "q_res")
    country.path("households.csv").write_text(text)
    assert country.problems() == ["households.csv: column 'q_res' appears 2 times (columns 10 and 13) and the config "
                                  "reads it: the copies may differ; keep one of them in the file"]


def test_a_column_with_data_but_no_name_is_a_warning(country: Country) -> None:
    df = households()
    df[""] = "x"
    country.csv("households.csv", df)
    data = country.load()
    assert _shape(data.warnings) == ["households.csv: 1 column(s) with data but no name in the header (columns 13): not read"]


def test_a_repeated_column_in_an_excel_export(country: Country) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    df = households()
    ws.append([*df.columns, "respondent_age", "respondent_age"])
    for row in df.itertuples(index=False):
        ws.append([*row, 30, 31])
    wb.save(country.path("hh.xlsx"))
    country.use("households", "hh.xlsx")
    data = country.load()
    assert _shape(data.warnings) == ["hh.xlsx: column 'respondent_age' appears 2 times (columns 13 and 14); the config does "
                             "not use it, so it is ignored"]


# ------------------------------------------------------------ line numbers ----
def test_problems_name_the_files_own_lines_under_title_rows_and_multiline_cells(country: Country) -> None:
    df = households()
    df.loc[2, "q_res"] = "first line\nsecond line"  # a quoted cell over two lines: later records shift
    df.loc[6, "q_res"] = "boat"
    body = df.to_csv(index=False)
    country.path("households.csv").write_text("Export of 2026-03-01\n\n" + body, encoding="utf-8")
    country.cfg["data"]["households"]["header_row"] = 3
    problem = one(country.problems(), "unknown category codes")
    # header on line 3: record 3 starts on line 6 and spans two lines, so record 7 is on line 11
    assert "lines 6, 11)" in problem, problem


def test_excel_lines_count_the_title_rows(country: Country) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Household survey, export of 2026-03-01"])
    df = households()
    df.loc[4, "grp"] = "9"
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append(list(row))
    wb.save(country.path("hh.xlsx"))
    country.use("households", "hh.xlsx", header_row=2)
    assert "(values '9'; line 7)" in one(country.problems(), "population group code")


# ---------------------------------------------------------------- weight 0 ----
def test_weight_0_is_kept_in_the_design_and_counted_in_no_n(country: Country) -> None:
    df = households()
    df.loc[[0, 7], "wt_final"] = 0
    country.csv("households.csv", df)
    data = country.load()
    assert len(data.households) == 12
    assert _shape(data.warnings) == ["households.csv: 2 record(s) with weight 0 (households.csv lines 2, 9): kept in the "
                             "design with their PSU, as R's survey package keeps them; they add nothing to any "
                             "estimate and are not counted in any published n"]
    assert data.weights.set_index("group").loc["all", "n"] == 10  # the weights table counts them in no n
    hh = data.households.assign(y=np.arange(12) % 2)
    kept = Design.from_frame(hh, weight="weight", strata="stratum", psu="psu").mean("y", level=0.95)
    # the same as a domain excluding those records (R: subset keeps their PSUs in the design)
    hh2 = hh.assign(y=hh["y"].where(hh["weight"] > 0))
    domain = Design.from_frame(hh2.assign(weight=hh2["weight"].where(hh2["weight"] > 0, 1.0)), weight="weight",
                               strata="stratum", psu="psu").mean("y", level=0.95)
    assert kept["estimate"].iloc[0] == pytest.approx(domain["estimate"].iloc[0], rel=1e-12)
    assert kept["se"].iloc[0] == pytest.approx(domain["se"].iloc[0], rel=1e-12)
    assert kept["n"].iloc[0] == 10


def test_all_weights_0_and_negative_weights_stay_errors(country: Country) -> None:
    df = households()
    df["wt_final"] = 0.0
    country.csv("households.csv", df)
    assert country.problems() == ["households.csv: column 'wt_final' (weight): all 12 weights are zero, negative or "
                                  "missing"]


# --------------------------------------------------------- weight scales ----
def _regional(country: Country, scales: dict[str, float]) -> pd.DataFrame:
    """Three regional files of the same 12 households each, weights normalised to the given mean weights."""
    files = []
    for k, (label, mean) in enumerate(scales.items()):
        df = households()
        df["hh_id"] = [f"{label}-{i}" for i in range(12)]
        df["wt_final"] = df["wt_final"] * (k + 1)
        df["wt_final"] = df["wt_final"] * mean / df["wt_final"].mean()
        country.csv(f"{label}.csv", df)
        files.append({"path": f"{label}.csv", "label": label})
    country.cfg["data"]["households"] = {"files": files}
    return df


SCALES = {"north": 0.74, "centre": 0.29, "south": 0.09}


def test_files_on_different_normalised_scales_are_refused_with_each_files_scale(country: Country) -> None:
    _regional(country, SCALES)
    problems = country.problems()
    assert problems == [
        "households: the weights of north.csv (mean weight 0.74, total 8.9 for 12 records: not a population scale), "
        "centre.csv (mean weight 0.29, total 3.5 for 12 records: not a population scale), south.csv (mean weight "
        "0.09, total 1.1 for 12 records: not a population scale) are normalised per file (they sum to no more than "
        "each file's records): appended, each file would count in proportion to its own scale, not its population; "
        "give each file's population (data.households.files[].population) to rescale its weights, or the sampling "
        "frame's populations (design.weights with rescale: true) to rescale them per stratum"]


def test_files_rescaled_to_their_populations(country: Country) -> None:
    _regional(country, SCALES)
    pops = {"north": 5000.0, "centre": 2000.0, "south": 800.0}
    for f in country.cfg["data"]["households"]["files"]:
        f["population"] = pops[f["label"]]
    data = country.load()
    by_file = data.households.assign(f=data.households["household_id"].str.split("-").str[0])
    assert by_file.groupby("f")["weight"].sum().to_dict() == pytest.approx(pops, rel=1e-12)
    assert any("north.csv: weights rescaled from a total of 8.9 (mean weight 0.74) to the population 5,000" in n
               for n in data.notes)
    assert "rescaled per file" in data.weighting


def test_files_rescaled_per_stratum_to_the_frame(country: Country) -> None:
    _regional(country, SCALES)
    country.path("frame.csv").write_text("Stratum,HH\nA,6000\nB,9000\nC,0\n,15000\n", encoding="utf-8")
    country.cfg["design"] = {"strata": "stratum", "psu": "psu", "weights": {
        "frame": "frame.csv", "stratum": "Stratum", "population": "HH", "rescale": True}}
    data = country.load()
    hh = data.households
    # strata are made unique per file, so each frame stratum's population is shared by its records in every file
    key = hh["stratum"].str.split(":").str[1]
    assert hh.groupby(key)["weight"].sum().to_dict() == pytest.approx({"A": 6000, "B": 9000}, rel=1e-12)
    # within a stratum the weights keep their relative sizes
    north_a = hh[hh["stratum"] == "north:A"]["weight"].to_numpy()
    raw = pd.read_csv(country.path("north.csv"))
    np.testing.assert_allclose(north_a / north_a.sum(), (raw["wt_final"][:6] / raw["wt_final"][:6].sum()).to_numpy(),
                               rtol=1e-12)
    assert data.weighting.startswith("column wt_final, rescaled within each stratum to the population of the sampling "
                                     "frame frame.csv")


def test_rescale_needs_a_weight_column(country: Country) -> None:
    del country.cfg["columns"]["households"]["weight"]
    country.path("frame.csv").write_text("Stratum,HH\nA,6000\nB,9000\n", encoding="utf-8")
    country.cfg["design"] = {"strata": "stratum", "psu": "psu", "weights": {
        "frame": "frame.csv", "stratum": "Stratum", "population": "HH", "rescale": True}}
    with pytest.raises(InputError) as info:
        country.load()
    assert any("rescale: true rescales the data's weights, but no weight column is mapped" in p
               for p in info.value.problems), info.value.problems
