"""Malformed inputs: each must raise InputError (never another exception) with a precise one-line message.

Row numbers are 1-based data rows (row 1 is the first row after the header).
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pyreadstat

from .conftest import Country, households, individuals, one


def _hh(country: Country, **changes: object) -> None:
    df = households()
    for col, value in changes.items():
        df[col] = value
    country.csv("households.csv", df)


def _set(col: str, rows: dict[int, object]) -> list:
    """The base column with some 1-based data rows replaced."""
    values = households()[col].tolist()
    for r, v in rows.items():
        values[r - 1] = v
    return values


# ----------------------------------------------------------------- reading ----
def test_file_missing(country: Country) -> None:
    country.use("households", "nowhere/hh.csv")
    assert country.problems() == ["nowhere/hh.csv: file not found"]


def test_zero_byte_file(country: Country) -> None:
    country.path("empty.csv").write_bytes(b"")
    country.use("households", "empty.csv")
    assert country.problems() == ["empty.csv: file is empty (0 bytes)"]


def test_truncated_parquet(country: Country) -> None:
    households().to_parquet(country.path("hh.parquet"))
    data = country.path("hh.parquet").read_bytes()
    country.path("hh.parquet").write_bytes(data[: len(data) // 2])
    country.use("households", "hh.parquet")
    msg = one(country.problems(), "hh.parquet")
    assert "truncated" in msg and "Parquet" in msg


def test_corrupt_parquet_body(country: Country) -> None:
    households().to_parquet(country.path("hh.parquet"))
    data = bytearray(country.path("hh.parquet").read_bytes())
    data[8:200] = b"\x00" * 192  # markers intact, content broken
    country.path("hh.parquet").write_bytes(bytes(data))
    country.use("households", "hh.parquet")
    assert one(country.problems(), "hh.parquet:").startswith("hh.parquet: not a readable parquet file")


def test_html_saved_as_csv(country: Country) -> None:
    country.path("hh.csv").write_text("<!DOCTYPE html>\n<html><body>Please log in</body></html>\n")
    country.use("households", "hh.csv")
    assert "HTML" in one(country.problems(), "hh.csv")


def test_excel_saved_as_csv(country: Country) -> None:
    households().to_excel(country.path("real.xlsx"), index=False)
    country.path("hh.csv").write_bytes(country.path("real.xlsx").read_bytes())
    country.use("households", "hh.csv")
    assert "ZIP/Excel" in one(country.problems(), "hh.csv")


def test_wrong_sheet_lists_available(country: Country) -> None:
    with pd.ExcelWriter(country.path("hh.xlsx")) as xl:
        households().to_excel(xl, sheet_name="Households", index=False)
        households().to_excel(xl, sheet_name="Menages", index=False)
    country.use("households", "hh.xlsx", sheet="data")
    msg = one(country.problems(), "hh.xlsx")
    assert "sheet 'data' not found" in msg and "'Households', 'Menages'" in msg


def test_excel_merged_header(country: Country) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Household", None, "Weights", None])
    ws.append(["hh_id", "grp", "wt_final", "strat"])
    ws.append(["H01", "1", 1.0, "A"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:D1")
    wb.save(country.path("hh.xlsx"))
    country.use("households", "hh.xlsx")
    msg = one(country.problems(), "hh.xlsx")
    assert "merged cells in the header (A1:B1, C1:D1)" in msg


def test_excel_title_row_above_header(country: Country) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Survey of 2026"])
    for row in [list(households().columns), *households().values.tolist()]:
        ws.append(row)
    wb.save(country.path("hh.xlsx"))
    country.use("households", "hh.xlsx")
    msg = one(country.problems(), "hh.xlsx")
    assert "no name in row 1" in msg and "columns B, C" in msg


def test_corrupt_xlsx(country: Country) -> None:
    country.path("hh.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    country.use("households", "hh.xlsx")
    assert "not a readable .xlsx workbook" in one(country.problems(), "hh.xlsx")


def test_duplicated_column_names(country: Country) -> None:
    text = country.path("households.csv").read_text().splitlines()
    text[0] = text[0].replace("region", "grp")
    country.path("households.csv").write_text("\n".join(text) + "\n")
    assert country.problems() == ["households.csv: duplicated column names: 'grp'"]


def test_header_only(country: Country) -> None:
    country.csv("households.csv", households().iloc[:0])
    assert country.problems() == ["households.csv: has a header but no data rows"]


def test_ragged_csv(country: Country) -> None:
    lines = country.path("households.csv").read_text().splitlines()
    lines[3] += ",extra,cells"
    country.path("households.csv").write_text("\n".join(lines) + "\n")
    msg = one(country.problems(), "households.csv")
    assert "malformed CSV" in msg and "line 4" in msg


def test_wrong_encoding_bytes(country: Country) -> None:
    df = households()
    df["region"] = "Sénégal"
    country.csv("households.csv", df, encoding="latin-1")
    country.use("households", "households.csv", encoding="utf-8")
    msg = one(country.problems(), "households.csv")
    assert "not valid utf-8 text (byte 0xe9 on line 2)" in msg


def test_truncated_stata(country: Country) -> None:
    df = households().drop(columns=["respondent_name", "phone"])
    pyreadstat.write_dta(df, str(country.path("hh.dta")))
    data = country.path("hh.dta").read_bytes()
    country.path("hh.dta").write_bytes(data[:300])
    country.use("households", "hh.dta")
    assert "not a readable Stata .dta file" in one(country.problems(), "hh.dta")


def test_unknown_extension(country: Country) -> None:
    country.csv("hh.dat", households())
    country.use("households", "hh.dat")
    assert "set format" in one(country.problems(), "hh.dat")


def test_xlsform_without_choices_sheet(country: Country) -> None:
    openpyxl.Workbook().save(country.path("form.xlsx"))
    country.use("households", "households.csv", choices="form.xlsx")
    assert "no 'choices' sheet" in one(country.problems(), "form.xlsx")


# ----------------------------------------------------------------- mapping ----
def test_missing_mapped_column_suggests(country: Country) -> None:
    country.cfg["columns"]["households"]["weight"] = "wt_finale"
    msg = one(country.problems(), "wt_finale")
    assert msg == (
        "households.csv: column 'wt_finale' (weight) mapped in columns.households.weight is not in the file; "
        "similar: 'wt_final'"
    )


def test_required_variable_absent(country: Country) -> None:
    del country.cfg["columns"]["households"]["pop_group"]
    msg = one(country.problems(), "pop_group")
    assert "required by the catalogue" in msg and msg.startswith("households.csv:")


def test_identifier_cannot_be_mapped(country: Country) -> None:
    country.cfg["columns"]["households"]["admin1"] = "phone"
    assert "listed in identifiers" in one(country.problems(), "columns.households.admin1")


def test_unknown_category_code(country: Country) -> None:
    _hh(country, q_res=_set("q_res", {3: "tent", 8: "tent", 10: "boat"}))
    msg = one(country.problems(), "q_res")
    assert msg.startswith(
        "households.csv: column 'q_res' (residence_type): 3 rows with unknown category codes "
        "(values 'tent', 'boat'; rows 3, 8, 10)"
    )


def test_binary_value_not_yes_no(country: Country) -> None:
    _hh(country, q_justice=_set("q_justice", {2: "2"}))
    msg = one(country.problems(), "q_justice")
    assert (
        "1 row with values not recognised as yes/no (values '2'; row 2)" in msg
        and "recode.justice_needed" in msg
    )


def test_bad_recode_target(country: Country) -> None:
    country.cfg["recode"] = {"justice_needed": {"yes": "oui", "no": 0}}
    assert "recode.justice_needed" in one(country.problems(), "must be 0 or 1")


def test_out_of_range_age(country: Country) -> None:
    ind = individuals()
    ind.loc[[4, 9], "age_years"] = [150, -1]
    country.csv("ind.csv", ind)
    country.use("individuals", "ind.csv")
    msg = one(country.problems(), "age_years")
    assert (
        msg
        == "ind.csv: column 'age_years' (age): 2 rows with values out of range 0–110 (values '150', '-1'; rows 5, 10)"
    )


def test_non_integer_age(country: Country) -> None:
    ind = individuals()
    ind["age_years"] = ind["age_years"].astype(float)
    ind.loc[0, "age_years"] = 34.5
    country.csv("ind.csv", ind)
    country.use("individuals", "ind.csv")
    assert "1 row with non-integer values (values '34.5'; row 1)" in one(country.problems(), "age_years")


def test_unreadable_date(country: Country) -> None:
    _hh(country, int_date=_set("int_date", {4: "15/02/2026"}))
    msg = one(country.problems(), "int_date")
    assert "unreadable dates (values '15/02/2026'; row 4); expected YYYY-MM-DD" in msg


def test_multiselect_prefix_absent(country: Country) -> None:
    country.cfg["columns"]["households"]["assistance_barrier"] = "barrier/"
    assert "no column starts with 'barrier/'" in one(country.problems(), "barrier")


# -------------------------------------------------------------- weights ----
def test_non_numeric_weight(country: Country) -> None:
    _hh(country, wt_final=_set("wt_final", {5: "abc", 7: "1.2.3"}))
    msg = one(country.problems(), "wt_final")
    assert msg == (
        "households.csv: column 'wt_final' (weight): 2 rows with non-numeric weight (values 'abc', '1.2.3'; rows 5, 7)"
    )


def test_zero_and_negative_weights(country: Country) -> None:
    _hh(country, wt_final=_set("wt_final", {3: 0, 9: -2.5, 11: 0}))
    msg = one(country.problems(), "wt_final")
    assert msg.startswith("households.csv: column 'wt_final' (weight): 3 rows with zero or negative weight (")
    assert msg.endswith("rows 3, 9, 11)")


def test_missing_weights(country: Country) -> None:
    _hh(country, wt_final=_set("wt_final", {2: None, 12: ""}))
    msg = one(country.problems(), "wt_final")
    assert msg == "households.csv: column 'wt_final' (weight): 2 rows with missing weight (rows 2, 12)"


def test_all_weights_zero(country: Country) -> None:
    _hh(country, wt_final=0)
    msg = one(country.problems(), "wt_final")
    assert msg == "households.csv: column 'wt_final' (weight): all 12 weights are zero, negative or missing"


# --------------------------------------------------------------- design ----
def test_psu_in_two_strata(country: Country) -> None:
    _hh(country, ea_code=_set("ea_code", {7: "1"}))  # PSU 1 is in stratum A; row 7 is in B
    country.cfg["design"] = {"nest": False}  # ids are global: one PSU cannot be in two strata
    msg = one(country.problems(), "ea_code")
    assert "(psu): 4 rows with a PSU id that appears in more than one stratum (rows 1, 2, 3, 7)" in msg
    assert "PSU '1' in strata 'A', 'B'" in msg


def test_psu_ids_repeated_across_strata_allowed_with_nest(country: Country) -> None:
    _hh(country, ea_code=_set("ea_code", {7: "1"}))  # R's nest=TRUE: ids numbered within each stratum
    assert country.load().households is not None


def test_duplicate_household_id(country: Country) -> None:
    _hh(country, hh_id=_set("hh_id", {4: "H02"}))
    msg = one(country.problems(), "hh_id")
    assert (
        msg == "households.csv: column 'hh_id' (household_id): 2 rows with duplicate household id (rows 2, 4)"
    )
    assert "H02" not in msg  # ids are never shown


def test_duplicate_person_id(country: Country) -> None:
    ind = individuals()
    ind.loc[5, "ind_id"] = ind.loc[4, "ind_id"]
    country.csv("ind.csv", ind)
    country.use("individuals", "ind.csv")
    assert "2 rows with duplicate person id (rows 5, 6)" in one(country.problems(), "ind_id")


def test_orphan_individual(country: Country) -> None:
    ind = individuals()
    ind.loc[[2, 20], "hh_id"] = "H99"
    country.csv("ind.csv", ind)
    country.use("individuals", "ind.csv")
    msg = one(country.problems(), "ind.csv")
    assert msg == (
        "ind.csv: column 'hh_id' (household_id): 2 rows with a household id not found in households.csv (rows 3, 21)"
    )


def test_unknown_group_code(country: Country) -> None:
    _hh(country, grp=_set("grp", {6: "4"}))
    msg = one(country.problems(), "grp")
    assert msg.startswith(
        "households.csv: column 'grp' (pop_group): 1 row with a population group code not in groups"
    )
    assert "(values '4'; row 6); groups are '1', '2', '3'" in msg


def test_empty_group(country: Country) -> None:
    _hh(country, grp=["1", "3", "3"] * 4)
    msg = one(country.problems(), "group '2'")
    assert (
        msg
        == "households.csv: column 'grp' (pop_group): group '2' (returnee) has no records (empty population group)"
    )


def test_no_area_with_displaced_and_comparison(country: Country) -> None:
    _hh(country, grp=["1", "2", "1"] * 2 + ["3", "3", "3"] * 2, region=["North"] * 6 + ["South"] * 6)
    problems = country.problems()
    msg = one(problems, "no area has both idp")
    assert msg.startswith("households.csv: column 'region' (admin1): no area has both idp and comparison")
    one(problems, "no area has both returnee")


def test_group_stratified_sample_is_fine(country: Country) -> None:
    _hh(country, grp=["1", "2", "1"] * 2 + ["3", "3", "3"] * 2)  # strata separate groups, areas do not
    assert len(country.load().households) == 12


def test_some_strata_without_comparison_is_fine(country: Country) -> None:
    _hh(country, grp=["1", "2", "1"] * 2 + ["1", "2", "3"] * 2)  # only stratum B has comparison households
    assert len(country.load().households) == 12


def test_dates_outside_period(country: Country) -> None:
    _hh(country, int_date=_set("int_date", {1: "2026-01-15", 12: "2026-05-02"}))
    msg = one(country.problems(), "int_date")
    assert msg == (
        "households.csv: column 'int_date' (interview_date): 2 rows with interview dates outside the collection "
        "period 2026-02-01 to 2026-04-30 (values '2026-01-15', '2026-05-02'; rows 1, 12)"
    )


def test_mechanism_type_not_for_area(country: Country) -> None:
    loc = pd.DataFrame(
        {
            "location_id": ["L1", "L2"],
            "mechanism_area": ["hlp", "remedy"],
            "mechanism_type": ["ombudsperson", "court"],
            "available": ["yes", "no"],
        }
    )
    country.csv("loc.csv", loc)
    country.use("locations", "loc.csv")
    msg = one(country.problems(), "loc.csv")
    assert "1 row with a mechanism type not used for hlp mechanisms (values 'ombudsperson'; row 1)" in msg


def test_figures_without_the_country(country: Country) -> None:
    tidy = pd.DataFrame(
        {"country": ["QAC"], "year": [2025], "metric": ["idp_stock"], "value": [1], "source": ["x"]}
    )
    country.csv("figures.csv", tidy)
    country.use("figures", "figures.csv")
    assert (
        one(country.problems(), "figures.csv")
        == "figures.csv: no figures for QAB (countries in the file: 'QAC')"
    )


def test_figures_bad_metric_and_negative_value(country: Country) -> None:
    tidy = pd.DataFrame(
        {
            "country": ["QAB", "QAB"],
            "year": [2025, 2025],
            "metric": ["idp_stock", "refugees"],
            "value": [-5, 1],
            "source": ["x", "x"],
        }
    )
    country.csv("figures.csv", tidy)
    country.use("figures", "figures.csv")
    problems = country.problems()
    assert "(values 'refugees'; row 2)" in one(problems, "figures.csv", "metric")
    assert "1 row with values below 0 (values '-5'; row 1)" in one(problems, "figures.csv", "'value'")


# ------------------------------------------------------------ all at once ----
def test_every_problem_reported_and_no_identifier_values(country: Country) -> None:
    _hh(
        country,
        wt_final=_set("wt_final", {2: -1}),
        hh_id=_set("hh_id", {4: "H01"}),
        q_res=_set("q_res", {5: "tent"}),
        int_date=_set("int_date", {6: "2027-01-01"}),
        grp=_set("grp", {7: "9"}),
    )
    ind = individuals()
    ind.loc[0, "age_years"] = 200
    country.csv("ind.csv", ind)
    country.use("individuals", "ind.csv")
    country.use("figures", "missing_figures.csv")
    problems = country.problems()
    for part in (
        "zero or negative weight",
        "duplicate household id",
        "unknown category codes",
        "outside the collection period",
        "population group code",
        "out of range 0–110",
        "missing_figures.csv: file not found",
    ):
        one(problems, part)
    text = "\n".join(problems)
    assert "Person" not in text and "+000" not in text and "/tmp" not in text


def test_validate_country_data_lists_problems_one_line_each(country: Country) -> None:
    from solutions.inputs import validate_country_data

    assert validate_country_data(country.config(), country.config_path) == []
    _hh(country, wt_final=_set("wt_final", {1: -1}), q_res=_set("q_res", {2: "tent"}))
    ragged = country.path("ind.csv")
    ragged.write_text("hh_id,ind_id\nH01,P1,extra\n")
    country.use("individuals", "ind.csv")
    problems = validate_country_data(country.config(), country.config_path)
    assert len(problems) == 3 and all("\n" not in p for p in problems)
