"""Malformed inputs: each must raise InputError (never another exception) with a precise one-line message.

The cases live in `bad_cases.py`, shared with the CLI battery (tests/cli/test_bad_input_cli.py).
"""

from __future__ import annotations

import pytest

from .bad_cases import CASES, Case, hh, rows
from .builders import Country, households


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(country: Country, case: Case) -> None:
    check = case.make(country)
    problems = country.problems()
    check(problems)
    assert all("\n" not in p for p in problems)


def test_battery_is_large_and_ids_distinct() -> None:
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)


# ------------------------------------------------------- what must be fine ----
def test_psu_ids_repeated_across_strata_allowed_with_nest(country: Country) -> None:
    hh(country, ea_code=rows("ea_code", {7: "1"}))  # R's nest=TRUE: ids numbered within each stratum
    assert country.load().households is not None


def test_group_stratified_sample_is_fine(country: Country) -> None:
    hh(country, grp=["1", "2", "1"] * 2 + ["3", "3", "3"] * 2)  # strata separate groups, areas do not
    assert len(country.load().households) == 12


def test_some_strata_without_comparison_is_fine(country: Country) -> None:
    hh(country, grp=["1", "2", "1"] * 2 + ["1", "2", "3"] * 2)  # only stratum B has comparison households
    assert len(country.load().households) == 12


@pytest.mark.parametrize("rule", ["adjust", "average", "certainty", "remove"])
def test_single_psu_stratum_is_a_note_under_other_rules(country: Country, rule: str) -> None:
    df = households()
    df.loc[df["strat"] == "B", "ea_code"] = "3"
    country.csv("households.csv", df)
    country.lonely_psu = rule
    assert any("single PSU" in n and "'B'" in n for n in country.load().notes)


def test_single_psu_stratum_with_fpc_left_to_the_design(country: Country) -> None:
    df = households()
    df.loc[df["strat"] == "B", "ea_code"] = "3"
    df["n_psu"] = [2] * 6 + [1] * 6  # stratum B: its only PSU is the whole population (a census stratum)
    country.csv("households.csv", df)
    country.cfg["design"] = {"fpc": "n_psu"}
    country.lonely_psu = "fail"
    assert len(country.load().households) == 12


# ------------------------------------------------------------ all at once ----
def test_missing_file_reported_with_the_other_problems(country: Country) -> None:
    hh(country, wt_final=rows("wt_final", {2: -1}))
    country.use("figures", "missing_figures.csv")
    problems = country.problems()
    assert len(problems) == 2 and "missing_figures.csv: file not found" in problems


def test_validate_country_data_lists_problems_one_line_each(country: Country) -> None:
    from solutions.inputs import validate_country_data

    assert validate_country_data(country.config(), country.config_path) == []
    hh(country, wt_final=rows("wt_final", {1: -1}), q_res=rows("q_res", {2: "tent"}))
    ragged = country.path("ind.csv")
    ragged.write_text("hh_id,ind_id\nH01,P1,extra\n")
    country.use("individuals", "ind.csv")
    problems = validate_country_data(country.config(), country.config_path)
    assert len(problems) == 3 and all("\n" not in p for p in problems)

