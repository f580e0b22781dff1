"""The battery of malformed inputs, shared by the library tests (tests/inputs) and the CLI (tests/cli).

Each case starts from a valid country (`builders.good_country`), breaks one thing, and returns the check
its problem lines must pass (the lines of `InputError.problems`, or of the CLI's `error: <ISO3>: ...` lines).
Rows are named by their line in the file (the header is line 1, so the first record is line 2).

`cli` replaces the check where the CLI stops earlier, at the config layer (a data file that does not
exist); `build` marks the representative cases that the CLI battery also runs through `solutions build`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pandas as pd
import pyreadstat

from .builders import Country, households, individuals, one

Check = Callable[[list[str]], None]


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Country], Check]
    cli: Check | None = None
    build: bool = False

    def cli_check(self, country: Country) -> Check:
        """The check of the CLI's lines (the case is applied to `country` first)."""
        check = self.make(country)
        return self.cli or check


CASES: list[Case] = []


def case(id: str, cli: Check | None = None, build: bool = False) -> Callable:
    def register(fn: Callable[[Country], Check]) -> Callable[[Country], Check]:
        CASES.append(Case(id, fn, cli, build))
        return fn

    return register


# ------------------------------------------------------------------ checks ----
def exact(*lines: str) -> Check:
    """Exactly these problems, nothing else."""

    def check(problems: list[str]) -> None:
        assert problems == list(lines), problems

    return check


def line(text: str) -> Check:
    """This exact line is among the problems."""

    def check(problems: list[str]) -> None:
        assert text in problems, "\n".join(problems)

    return check


def has(*parts: str, starts: str = "", ends: str = "") -> Check:
    """Exactly one problem holds every part (and starts/ends as given)."""

    def check(problems: list[str]) -> None:
        msg = one(problems, *parts)
        assert msg.startswith(starts) and msg.endswith(ends), msg

    return check


def every(*checks: Check) -> Check:
    def check(problems: list[str]) -> None:
        for c in checks:
            c(problems)

    return check


# ----------------------------------------------------------------- helpers ----
def hh(country: Country, **changes: object) -> None:
    """Write households.csv with some columns replaced."""
    df = households()
    for col, value in changes.items():
        df[col] = value
    country.csv("households.csv", df)


def rows(col: str, replaced: dict[int, object]) -> list:
    """The base column with some 1-based data rows replaced."""
    values = households()[col].tolist()
    for r, v in replaced.items():
        values[r - 1] = v
    return values


def people(country: Country, edit: Callable[[pd.DataFrame], None]) -> None:
    ind = individuals()
    edit(ind)
    country.csv("ind.csv", ind)
    country.use("individuals", "ind.csv")


def figures(country: Country, df: pd.DataFrame) -> None:
    country.csv("figures.csv", df)
    country.use("figures", "figures.csv")


def tidy(**cols: list) -> pd.DataFrame:
    base = {"country": ["QAB"], "year": [2025], "metric": ["idp_stock"], "value": [1], "source": ["x"]}
    base.update(cols)
    return pd.DataFrame(base)


# ----------------------------------------------------------------- reading ----
@case("file missing", cli=has("data.households.path: file not found: nowhere/hh.csv"))
def file_missing(c: Country) -> Check:
    c.use("households", "nowhere/hh.csv")
    return exact("nowhere/hh.csv: file not found")


@case("zero-byte file", build=True)
def zero_byte(c: Country) -> Check:
    c.path("empty.csv").write_bytes(b"")
    c.use("households", "empty.csv")
    return exact("empty.csv: file is empty (0 bytes)")


def truncated(c: Country, name: str, write: Callable[[str], object], keep: float | int) -> None:
    """Write a file with `write(path)`, then keep only its first bytes (a fraction, or a count)."""
    write(str(c.path(name)))
    data = c.path(name).read_bytes()
    c.path(name).write_bytes(data[: int(len(data) * keep) if isinstance(keep, float) else keep])
    c.use("households", name)


def without_identifiers() -> pd.DataFrame:
    return households().drop(columns=["respondent_name", "phone"])


@case("truncated parquet")
def truncated_parquet(c: Country) -> Check:
    truncated(c, "hh.parquet", households().to_parquet, 0.5)
    return has("hh.parquet", "truncated", "Parquet")


@case("corrupt parquet body")
def corrupt_parquet(c: Country) -> Check:
    households().to_parquet(c.path("hh.parquet"))
    data = bytearray(c.path("hh.parquet").read_bytes())
    data[8:200] = b"\x00" * 192  # markers intact, content broken
    c.path("hh.parquet").write_bytes(bytes(data))
    c.use("households", "hh.parquet")
    return has("hh.parquet:", starts="hh.parquet: not a readable parquet file")


@case("truncated CSV (cut mid-line)")
def truncated_csv(c: Country) -> Check:
    text = c.path("households.csv").read_bytes()
    c.path("households.csv").write_bytes(text[: len(text) // 2 + 7])
    return has("households.csv", "malformed CSV", "number of cells differs")


@case("truncated xlsx")
def truncated_xlsx(c: Country) -> Check:
    truncated(c, "hh.xlsx", lambda p: households().to_excel(p, index=False), 0.5)
    return has("hh.xlsx", "not a readable .xlsx workbook")


@case("truncated SPSS .sav")
def truncated_sav(c: Country) -> Check:
    truncated(c, "hh.sav", lambda p: pyreadstat.write_sav(without_identifiers(), p), 400)
    return has("hh.sav", "not a readable SPSS .sav file")


@case("truncated Stata .dta")
def truncated_stata(c: Country) -> Check:
    truncated(c, "hh.dta", lambda p: pyreadstat.write_dta(without_identifiers(), p), 300)
    return has("hh.dta", "not a readable Stata .dta file")


@case("CSV that is really HTML", build=True)
def html_as_csv(c: Country) -> Check:
    c.path("hh.csv").write_text("<!DOCTYPE html>\n<html><body>Please log in</body></html>\n")
    c.use("households", "hh.csv")
    return has("hh.csv", "HTML")


@case("Excel workbook saved as .csv")
def excel_as_csv(c: Country) -> Check:
    households().to_excel(c.path("real.xlsx"), index=False)
    c.path("hh.csv").write_bytes(c.path("real.xlsx").read_bytes())
    c.use("households", "hh.csv")
    return has("hh.csv", "ZIP/Excel")


@case("wrong sheet name")
def wrong_sheet(c: Country) -> Check:
    with pd.ExcelWriter(c.path("hh.xlsx")) as xl:
        households().to_excel(xl, sheet_name="Households", index=False)
        households().to_excel(xl, sheet_name="Menages", index=False)
    c.use("households", "hh.xlsx", sheet="data")
    return has("hh.xlsx", "sheet 'data' not found", "'Households', 'Menages'")


@case("sheet number out of range")
def sheet_number(c: Country) -> Check:
    households().to_excel(c.path("hh.xlsx"), index=False)
    c.use("households", "hh.xlsx", sheet=3)
    return has("hh.xlsx", "no sheet number 3 (0-based); the workbook has 1 sheet(s)")


@case("Excel with merged headers", build=True)
def merged_header(c: Country) -> Check:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Household", None, "Weights", None])
    ws.append(["hh_id", "grp", "wt_final", "strat"])
    ws.append(["H01", "1", 1.0, "A"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:D1")
    wb.save(c.path("hh.xlsx"))
    c.use("households", "hh.xlsx")
    return has("hh.xlsx", "merged cells in the header (A1:B1, C1:D1)")


@case("Excel title row above the header")
def title_row(c: Country) -> Check:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Survey of 2026"])
    for r in [list(households().columns), *households().values.tolist()]:
        ws.append(r)
    wb.save(c.path("hh.xlsx"))
    c.use("households", "hh.xlsx")
    return has("hh.xlsx", "no name in row 1", "columns B, C")


@case("corrupt xlsx")
def corrupt_xlsx(c: Country) -> Check:
    c.path("hh.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    c.use("households", "hh.xlsx")
    return has("hh.xlsx", "not a readable .xlsx workbook")


@case("duplicated column names")
def duplicated_columns(c: Country) -> Check:
    text = c.path("households.csv").read_text().splitlines()
    text[0] = text[0].replace("region", "grp")
    c.path("households.csv").write_text("\n".join(text) + "\n")
    return line("households.csv: column 'grp' appears 2 times (columns 5 and 6) and the config reads it: the copies "
                "may differ; keep one of them in the file")


@case("header only, no rows")
def header_only(c: Country) -> Check:
    c.csv("households.csv", households().iloc[:0])
    return exact("households.csv: has a header but no data rows")


@case("ragged CSV line")
def ragged_csv(c: Country) -> Check:
    lines = c.path("households.csv").read_text().splitlines()
    lines[3] += ",extra,cells"
    c.path("households.csv").write_text("\n".join(lines) + "\n")
    return has("households.csv", "malformed CSV", "line 4")


@case("wrong encoding (latin-1 bytes, utf-8 configured)")
def wrong_encoding(c: Country) -> Check:
    df = households()
    df["region"] = "Sénégal"
    c.csv("households.csv", df, encoding="latin-1")
    c.use("households", "households.csv", encoding="utf-8")
    return has("households.csv", "not valid utf-8 text (byte 0xe9 on line 2)")


@case("UTF-16 without a byte-order mark")
def utf16_no_bom(c: Country) -> Check:
    c.path("households.csv").write_bytes(households().to_csv(index=False).encode("utf-16-le"))
    return has("households.csv", "contains NUL bytes")


@case("unknown encoding name in the config")
def unknown_encoding(c: Country) -> Check:
    c.use("households", "households.csv", encoding="utf-9")
    return exact("households.csv: unknown encoding 'utf-9' in the config")


@case("delimiter configured wrong")
def wrong_delimiter(c: Country) -> Check:
    c.use("households", "households.csv", delimiter=";")
    return has("households.csv", "only one column read with delimiter ';'")


@case("unknown file extension")
def unknown_extension(c: Country) -> Check:
    c.csv("hh.dat", households())
    c.use("households", "hh.dat")
    return has("hh.dat", "set format")


@case("XLSForm without a choices sheet")
def xlsform_no_choices(c: Country) -> Check:
    openpyxl.Workbook().save(c.path("form.xlsx"))
    c.use("households", "households.csv", choices="form.xlsx")
    return has("form.xlsx", "no 'choices' sheet")


# ----------------------------------------------------------------- mapping ----
@case("missing mapped column")
def missing_mapped_column(c: Country) -> Check:
    c.cfg["columns"]["households"]["weight"] = "wt_finale"
    return line(
        "households.csv: column 'wt_finale' (weight) mapped in columns.households.weight is not in the file; "
        "similar: 'wt_final'"
    )


@case("required variable absent")
def required_absent(c: Country) -> Check:
    del c.cfg["columns"]["households"]["pop_group"]
    return has("pop_group", "required by the catalogue", starts="households.csv:")


@case("identifier mapped as a variable")
def identifier_mapped(c: Country) -> Check:
    c.cfg["columns"]["households"]["admin1"] = "phone"
    return has("columns.households.admin1", "listed in identifiers")


@case("HXL hashtag not in the hashtag row")
def hxl_missing_tag(c: Country) -> Check:
    df = households()
    tags = {col: "" for col in df.columns}
    tags.update(hh_id="#household+code", wt_final="#indicator+weight", grp="#affected+type", strat="#adm1",
                ea_code="#loc+psu", region="#adm1+name", area="#loc+type", int_date="#date")
    c.csv("households.csv", pd.concat([pd.DataFrame([tags]), df], ignore_index=True))
    c.cfg["columns"]["households"]["weight"] = "#indicator+wgt"
    return exact("households.csv: columns.households.weight: hashtag '#indicator+wgt' not in the HXL row")


@case("unknown category code")
def unknown_category(c: Country) -> Check:
    hh(c, q_res=rows("q_res", {3: "tent", 8: "tent", 10: "boat"}))
    return has("q_res", starts=(
        "households.csv: column 'q_res' (residence_type): 3 rows with unknown category codes "
        "(values 'tent', 'boat'; lines 4, 9, 11)"))


@case("binary value not yes/no")
def binary_not_yes_no(c: Country) -> Check:
    hh(c, q_justice=rows("q_justice", {2: "2"}))
    return has("q_justice", "1 row with values not recognised as yes/no (values '2'; line 3)", "recode.justice_needed")


@case("recode to a value that is not 0/1")
def bad_recode_target(c: Country) -> Check:
    c.cfg["recode"] = {"justice_needed": {"yes": "oui", "no": 0}}
    return has("must be 0 or 1", "recode.justice_needed")


@case("age out of range")
def age_out_of_range(c: Country) -> Check:
    def edit(ind: pd.DataFrame) -> None:
        ind.loc[[4, 9], "age_years"] = [150, -1]

    people(c, edit)
    return line("ind.csv: column 'age_years' (age): 2 rows with values out of range 0–110 "
                "(values '150', '-1'; lines 6, 11)")


@case("non-integer age")
def non_integer_age(c: Country) -> Check:
    def edit(ind: pd.DataFrame) -> None:
        ind["age_years"] = ind["age_years"].astype(float)
        ind.loc[0, "age_years"] = 34.5

    people(c, edit)
    return has("age_years", "1 row with non-integer values (values '34.5'; line 2)")


@case("unreadable date")
def unreadable_date(c: Country) -> Check:
    hh(c, int_date=rows("int_date", {4: "15/02/2026"}))
    return has("int_date", "unreadable dates (values '15/02/2026'; line 5); expected YYYY-MM-DD")


@case("multi-select prefix absent")
def multiselect_absent(c: Country) -> Check:
    c.cfg["columns"]["households"]["assistance_barrier"] = "barrier/"
    return has("barrier", "no column starts with 'barrier/'")


@case("multi-select option column not 0/1")
def multiselect_not_flags(c: Country) -> Check:
    df = households()
    df["barrier/distance"] = ["1", "0", "maybe", "0"] * 3
    df["barrier/insecurity"] = ["0", "1", "0", "0"] * 3
    c.csv("households.csv", df)
    c.cfg["columns"]["households"]["assistance_barrier"] = "barrier/"
    return has("barrier/distance", "3 rows with values that are not 0/1 or true/false (values 'maybe'; lines 4, 8, 12)")


# -------------------------------------------------------------- weights ----
@case("non-numeric weight")
def non_numeric_weight(c: Country) -> Check:
    hh(c, wt_final=rows("wt_final", {5: "abc", 7: "1.2.3"}))
    return line("households.csv: column 'wt_final' (weight): 2 rows with non-numeric weight "
                "(values 'abc', '1.2.3'; lines 6, 8)")


@case("negative weight (weight 0 is kept, as R keeps it)")
def zero_negative_weights(c: Country) -> Check:
    hh(c, wt_final=rows("wt_final", {3: 0, 9: -2.5, 11: 0}))
    return exact("households.csv: column 'wt_final' (weight): 1 row with a negative weight (values '-2.5'; line 10)")


@case("missing weights")
def missing_weights(c: Country) -> Check:
    hh(c, wt_final=rows("wt_final", {2: None, 12: ""}))
    return line("households.csv: column 'wt_final' (weight): 2 rows with missing weight (lines 3, 13)")


@case("all weights zero")
def all_weights_zero(c: Country) -> Check:
    hh(c, wt_final=0)
    return line("households.csv: column 'wt_final' (weight): all 12 weights are zero, negative or missing")


# --------------------------------------------------------------- design ----
@case("PSU in two strata (design.nest: false)")
def psu_two_strata(c: Country) -> Check:
    hh(c, ea_code=rows("ea_code", {7: "1"}))  # PSU 1 is in stratum A; row 7 is in B
    c.cfg["design"] = {"nest": False}  # ids are global: one PSU cannot be in two strata
    return has("ea_code", "(psu): 4 rows with a PSU id that appears in more than one stratum (lines 2, 3, 4, 8)",
               "PSU '1' in strata 'A', 'B'")


@case("single-PSU stratum with lonely_psu: fail")
def lonely_psu_fail(c: Country) -> Check:
    df = households()
    df.loc[df["strat"] == "B", "ea_code"] = "3"
    c.csv("households.csv", df)
    c.lonely_psu = "fail"
    return has("strat", starts="households.csv: column 'strat' (stratum): 6 rows with a stratum that has a single "
               "PSU (values 'B'; lines 8, 9, 10, 11, 12, …); its variance cannot be estimated with "
               "thresholds.lonely_psu: fail")


@case("duplicate household id")
def duplicate_household(c: Country) -> Check:
    hh(c, hh_id=rows("hh_id", {4: "H02"}))

    def check(problems: list[str]) -> None:
        line("households.csv: column 'hh_id' (household_id): 2 rows with duplicate household id (lines 3, 5)")(problems)
        assert not any("H02" in p for p in problems)  # ids are never shown

    return check


@case("duplicate person id")
def duplicate_person(c: Country) -> Check:
    def edit(ind: pd.DataFrame) -> None:
        ind.loc[5, "ind_id"] = ind.loc[4, "ind_id"]

    people(c, edit)
    return has("ind_id", "2 rows with duplicate person id (lines 6, 7)")


@case("individual whose household is absent")
def orphan_individual(c: Country) -> Check:
    def edit(ind: pd.DataFrame) -> None:
        ind.loc[[2, 20], "hh_id"] = "H99"

    people(c, edit)
    return line("ind.csv: column 'hh_id' (household_id): 2 rows with a household id not found in households.csv "
                "(lines 4, 22)")


@case("unknown population group code")
def unknown_group(c: Country) -> Check:
    hh(c, grp=rows("grp", {6: "4"}))
    return has("grp", "(values '4'; line 7); groups are '1', '2', '3'",
               starts="households.csv: column 'grp' (pop_group): 1 row with a population group code not in groups")


@case("empty population group")
def empty_group(c: Country) -> Check:
    hh(c, grp=["1", "3", "3"] * 4)
    return line("households.csv: column 'grp' (pop_group): group '2' (returnee) has no records (empty population group)")


@case("no area with displaced and comparison households")
def no_comparison_area(c: Country) -> Check:
    hh(c, grp=["1", "2", "1"] * 2 + ["3", "3", "3"] * 2, region=["North"] * 6 + ["South"] * 6)
    return every(has("no area has both idp",
                     starts="households.csv: column 'region' (admin1): no area has both idp and comparison"),
                 has("no area has both returnee"))


@case("interview dates outside the collection period")
def dates_outside(c: Country) -> Check:
    hh(c, int_date=rows("int_date", {1: "2026-01-15", 12: "2026-05-02"}))
    return line("households.csv: column 'int_date' (interview_date): 2 rows with interview dates outside the "
                "collection period 2026-02-01 to 2026-04-30 (values '2026-01-15', '2026-05-02'; lines 2, 13)")


@case("mechanism type not used for its area")
def mechanism_type(c: Country) -> Check:
    loc = pd.DataFrame({"location_id": ["L1", "L2"], "mechanism_area": ["hlp", "remedy"],
                        "mechanism_type": ["ombudsperson", "court"], "available": ["yes", "no"]})
    c.csv("loc.csv", loc)
    c.use("locations", "loc.csv")
    return has("loc.csv", "1 row with a mechanism type not used for hlp mechanisms (values 'ombudsperson'; line 2)")


# --------------------------------------------------------------- figures ----
@case("figures without the country")
def figures_other_country(c: Country) -> Check:
    figures(c, tidy(country=["QAC"]))
    return line("figures.csv: no figures for QAB (countries in the file: 'QAC')")


@case("figures with an unknown metric and a negative value")
def figures_bad_values(c: Country) -> Check:
    figures(c, tidy(country=["QAB", "QAB"], year=[2025, 2025], metric=["idp_stock", "refugees"], value=[-5, 1],
                    source=["x", "x"]))
    return every(has("figures.csv", "metric", "(values 'refugees'; line 3)"),
                 has("figures.csv", "'value'", "1 row with values below 0 (values '-5'; line 2)"))


@case("figures with the same metric twice")
def figures_duplicate(c: Country) -> Check:
    figures(c, tidy(country=["QAB", "QAB"], year=[2025, 2025], metric=["returns", "returns"], value=[1, 2],
                    source=["x", "y"]))
    return has("figures.csv", "2 rows with the same country, year and metric twice (values 'returns'; lines 2, 3)")


@case("IDMC table without the conflict columns")
def idmc_no_conflict(c: Country) -> Check:
    figures(c, pd.DataFrame({"ISO3": ["QAB"], "Year": [2025], "Disaster Internal Displacements": [10]}))
    return has("figures.csv", "IDMC layout without the conflict columns")


@case("IDMC table with non-numeric figures")
def idmc_non_numeric(c: Country) -> Check:
    figures(c, pd.DataFrame({"ISO3": ["QAB", "QAB"], "Year": [2024, 2025],
                             "Conflict Stock Displacement": ["12 000", "n/a"]}))
    return has("figures.csv", "'Conflict Stock Displacement' (idp_stock): 1 row with non-numeric values "
               "(values 'n/a'; line 3)")


# ------------------------------------------------------------ all at once ----
@case("many problems in two files at once", build=True)
def many_at_once(c: Country) -> Check:
    hh(c, wt_final=rows("wt_final", {2: -1}), hh_id=rows("hh_id", {4: "H01"}), q_res=rows("q_res", {5: "tent"}),
       int_date=rows("int_date", {6: "2027-01-01"}), grp=rows("grp", {7: "9"}))

    def edit(ind: pd.DataFrame) -> None:
        ind.loc[0, "age_years"] = 200

    people(c, edit)

    def check(problems: list[str]) -> None:
        for part in ("a negative weight", "duplicate household id", "unknown category codes",
                     "outside the collection period", "population group code", "out of range 0–110"):
            one(problems, part)
        text = "\n".join(problems)
        assert "Person" not in text and "+000" not in text and "/tmp" not in text  # no identifiers, no paths

    return check


__all__ = ["CASES", "Case", "Check"]
