"""Each supported input shape read end to end into catalogue variables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from solutions.config import DataFile
from solutions.inputs import expand_multiselect, read_table

from .builders import Country, households, individuals


def _check_core(data) -> None:
    hh = data.households
    assert len(hh) == 12
    assert hh["weight"].dtype == "float64"
    assert hh["role"].tolist()[:3] == ["idp", "returnee", "comparison"]
    assert set(hh["stratum"]) == {"A", "B"}
    assert "respondent_name" not in hh and "phone" not in hh


def test_csv_default(country: Country) -> None:
    data = country.load()
    _check_core(data)
    hh = data.households
    assert hh["justice_needed"].tolist()[:4] == [1.0, 0.0, pytest.approx(np.nan, nan_ok=True), 1.0]
    assert hh["residence_type"].tolist()[:4] == ["camp", "host_family", "private_accommodation", "other"]
    assert hh["urban_rural"].iloc[0] == "rural"
    assert hh["interview_date"].iloc[0] == pd.Timestamp("2026-02-10")
    assert data.missing_codes == {"households": {"justice_needed": 3}}
    assert sorted(data.dropped_identifiers) == ["phone", "respondent_name"]
    assert "justice_accessed" in data.missing_variables["households"]
    assert list(data.files) == ["households"] and len(data.files["households"]) == 64


def test_csv_semicolon_latin1_french(country: Country) -> None:
    df = households()
    df["q_justice"] = ["Oui", "Non", "Ne sait pas", "NON"] * 3
    df["region"] = ["Île-de-Gorée" if k % 2 else "Sénégal-Oriental" for k in range(12)]
    df["wt_final"] = [f"{1 + k / 4:.2f}".replace(".", ",") for k in range(12)]
    country.csv("ménages.csv", df, sep=";", encoding="latin-1")
    country.use("households", "ménages.csv")
    data = country.load()
    hh = data.households
    assert hh["justice_needed"].tolist()[:2] == [1.0, 0.0] and np.isnan(hh["justice_needed"].iloc[2])
    assert hh["admin1"].iloc[1] == "Île-de-Gorée"
    assert hh["weight"].iloc[1] == pytest.approx(1.25)
    assert any("ménages.csv: not UTF-8; read as cp1252" in n for n in data.notes)


def test_tsv_and_configured_delimiter(country: Country) -> None:
    country.csv("hh.tsv", households(), sep="\t")
    country.use("households", "hh.tsv")
    _check_core(country.load())
    country.csv("hh.txt", households(), sep="|")
    country.use("households", "hh.txt", delimiter="|")
    _check_core(country.load())


def test_parquet_typed_columns(country: Country) -> None:
    df = households()
    df["grp"] = [k % 3 + 1 for k in range(12)]  # integer codes match groups "1", "2", "3"
    df["ea_code"] = [float(k // 3 + 1) for k in range(12)]  # 1.0 -> "1"
    df["int_date"] = pd.to_datetime(df["int_date"])
    df["q_justice"] = [True, False, None, True] * 3
    df.to_parquet(country.path("hh.parquet"))
    country.use("households", "hh.parquet")
    data = country.load()
    _check_core(data)
    assert data.households["psu"].iloc[0] == "1"
    assert data.households["justice_needed"].iloc[1] == 0.0


def test_excel_named_sheet(country: Country) -> None:
    path = country.path("survey.xlsx")
    df = households()
    df["int_date"] = pd.to_datetime(df["int_date"])
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"note": ["read me"]}).to_excel(xl, sheet_name="README", index=False)
        df.to_excel(xl, sheet_name="hh data", index=False)
    country.use("households", "survey.xlsx", sheet="hh data")
    data = country.load()
    _check_core(data)
    assert data.households["interview_date"].iloc[0] == pd.Timestamp("2026-02-10")


def _labelled(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    df = df.drop(columns=["respondent_name", "phone"]).copy()
    df["grp"] = [k % 3 + 1 for k in range(12)]
    df["q_justice"] = [1, 0, 8, 1] * 3
    df["int_date"] = [dt.date(2026, 2, 10 + k) for k in range(12)]
    labels = {
        "grp": {1: "Internally displaced", 2: "Returnee", 3: "Host community"},
        "q_justice": {1: "Yes", 0: "No", 8: "Don't know"},
    }
    return df, labels


def test_stata_value_labels(country: Country) -> None:
    df, labels = _labelled(households())
    pyreadstat.write_dta(df, str(country.path("hh.dta")), variable_value_labels=labels)
    raw = read_table(country.path("hh.dta"), DataFile(path="hh.dta"))
    assert raw["grp"].iloc[0] == "Internally displaced"  # labels applied, codes kept aside
    assert raw.attrs["value_labels"]["grp"]["1"] == "Internally displaced"
    country.use("households", "hh.dta")
    data = country.load()
    _check_core(data)  # groups keyed by code "1" still match the labelled values
    assert data.households["pop_group"].iloc[0] == "1"
    assert data.households["justice_needed"].tolist()[:2] == [1.0, 0.0]
    assert data.missing_codes["households"]["justice_needed"] == 3


def test_spss_value_labels(country: Country) -> None:
    df, labels = _labelled(households())
    pyreadstat.write_sav(df, str(country.path("hh.sav")), variable_value_labels=labels)
    country.use("households", "hh.sav")
    country.cfg["recode"] = {"justice_needed": {"Yes": 1, "0": 0, "8": None}}  # by label or by code
    data = country.load()
    _check_core(data)
    assert data.households["justice_needed"].tolist()[:3][:2] == [1.0, 0.0]
    assert data.households["interview_date"].iloc[11] == pd.Timestamp("2026-02-21")


def _xlsform(path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in [
        ("type", "name", "label"),
        ("select_one grp", "grp", "Group"),
        ("select_one res", "q_res", "Residence"),
        ("select_multiple bar", "barrier", "Barriers"),
        ("select_multiple mv", "mv", "Restrictions"),
    ]:
        ws.append(row)
    ch = wb.create_sheet("choices")
    for row in [
        ("list_name", "name", "label::English (en)"),
        ("grp", 1, "Internally displaced"),
        ("grp", 2, "Returnee"),
        ("grp", 3, "Host community"),
        ("res", "hf", "Host family"),
        ("res", "cmp", "Camp"),
        ("bar", "dist", "Distance"),
        ("bar", "insec", "Insecurity"),
        ("mv", "checkpoints", "Checkpoints"),
        ("mv", "insecurity", "Insecurity"),
    ]:
        ch.append(row)
    wb.save(path)


def test_kobo_xlsform_choices_and_multiselect(country: Country) -> None:
    _xlsform(country.path("form.xlsx"))
    df = households()
    df["grp"] = ["Internally displaced", "Returnee", "Host community"] * 4  # label export
    df["q_res"] = ["hf", "cmp", "hf", "cmp"] * 3  # code export
    df["barrier"] = ["dist insec", "insec", "", "dist"] * 3  # space-separated multi-select
    df["mv/checkpoints"] = [0, 1, 0, 1] * 3  # one 0/1 column per option
    df["mv/insecurity"] = [1, 1, 0, None] * 3
    country.csv("kobo.csv", df)
    country.use("households", "kobo.csv", choices="form.xlsx")
    cols = country.cfg["columns"]["households"]
    cols.update(assistance_barrier="barrier/", movement_restriction_type="mv/")
    country.cfg["recode"] = {"assistance_barrier": {"Distance": "distance", "insec": "insecurity"}}
    data = country.load()
    hh = data.households
    assert hh["role"].tolist()[:3] == ["idp", "returnee", "comparison"]
    assert hh["residence_type"].tolist()[:2] == ["host_family", "camp"]  # code -> label -> level
    barrier = hh["assistance_barrier"]
    assert barrier.iloc[[0, 1, 3]].tolist() == [
        "distance",
        "insecurity",
        "distance",
    ]  # code -> label -> recode
    assert pd.isna(barrier.iloc[2])  # nothing selected
    assert hh["movement_restriction_type"].iloc[0] == "insecurity"  # first selected in file order
    assert hh["movement_restriction_type"].iloc[1] == "checkpoints"
    assert pd.isna(hh["movement_restriction_type"].iloc[2])
    assert "households.choices" in data.files


def test_expand_multiselect() -> None:
    s = pd.Series(["a b", "b", None, ""], name="reason")
    out = expand_multiselect(s)
    assert list(out.columns) == ["reason/a", "reason/b"]
    assert out["reason/a"].tolist()[:2] == [1.0, 0.0]
    assert out["reason/b"].tolist()[:2] == [1.0, 1.0]
    assert out.iloc[2].isna().all()


def test_hxl_hashtags(country: Country) -> None:
    df = households()
    tags = {c: "" for c in df.columns}
    tags.update(
        hh_id="#household+code",
        wt_final="#indicator+weight",
        grp="#affected+type+code",
        strat="#adm1+stratum",
        ea_code="#loc+psu",
    )
    hxl = pd.concat([pd.DataFrame([tags]), df], ignore_index=True)
    country.csv("hxl.csv", hxl)
    country.use("households", "hxl.csv")
    cols = country.cfg["columns"]["households"]
    cols.update(household_id="#household+code", weight="#indicator +weight", pop_group="#affected+type")
    data = country.load()
    _check_core(data)
    assert any("HXL hashtag row" in n for n in data.notes)


def test_individuals_inherit_design_and_age_band(country: Country) -> None:
    ind = individuals()
    ind["hh_id"] = ind["hh_id"]
    country.csv("people.csv", ind)
    country.use("individuals", "people.csv", key="household_id")
    data = country.load()
    people = data.individuals
    assert people is not None and len(people) == 24
    for col in ("weight", "stratum", "psu", "pop_group", "role", "admin1", "urban_rural"):
        assert col in people
    first = people.iloc[0]
    assert first["weight"] == 1.5 and first["stratum"] == "A" and first["role"] == "idp"
    bands = dict(zip(people["age"], people["age_band"], strict=False))
    assert bands[8] == "0-17" and bands[17] == "0-17" and bands[18] == "18-59"
    assert bands[59] == "18-59" and bands[70] == "60+"


def test_recode_keys_as_text_and_null(country: Country) -> None:
    df = households()
    df["q_justice"] = ["1", "2", "9", "1"] * 3
    country.csv("households.csv", df)
    country.cfg["recode"] = {"justice_needed": {"1": 1, "2": 0, "9": None}}
    hh = country.load().households
    assert hh["justice_needed"].tolist()[:2] == [1.0, 0.0] and np.isnan(hh["justice_needed"].iloc[2])


def test_path_with_spaces_and_non_ascii(country: Country) -> None:
    country.csv("données pays/ménages 2026 (v2).csv", households())
    country.use("households", "données pays/ménages 2026 (v2).csv")
    _check_core(country.load())


def test_lonely_psu_is_a_note(country: Country) -> None:
    df = households()
    df.loc[df["strat"] == "B", "ea_code"] = "3"
    country.csv("households.csv", df)
    data = country.load()
    assert any("single PSU" in n and "'B'" in n for n in data.notes)


def _idmc(country: Country) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ISO3": ["#country+code", "QAB", "QAB", "QAC"],
            "Name": ["#country+name", "Demoland", "Demoland", "Otherland"],
            "Year": ["#date+year", 2024, 2025, 2025],
            "Conflict Stock Displacement": ["#affected+idps", 120000, 95000, 5],
            "Conflict Stock Displacement (Raw)": ["#affected+idps+raw", 120412, 95010, 5],
            "Conflict Internal Displacements": ["#affected+new", 30000, None, 1],
            "Conflict Internal Displacements (Raw)": ["#affected+new+raw", 30120, None, 1],
            "Disaster Internal Displacements": ["#affected+new+disaster", 4000, 3000, 1],
            "Disaster Stock Displacement": ["#affected+idps+disaster", 1000, 1000, 1],
        }
    )


def test_idmc_wide_layout_csv(country: Country) -> None:
    country.csv("idmc.csv", _idmc(country))
    country.use("figures", "idmc.csv")
    fig = country.load().figures
    assert fig is not None
    assert list(fig.columns) == ["country", "year", "metric", "value", "source"]
    got = {(r.year, r.metric): r.value for r in fig.itertuples()}
    assert got == {
        (2024, "idp_stock"): 120000,
        (2025, "idp_stock"): 95000,
        (2024, "new_displacements"): 30000,
    }
    assert set(fig["country"]) == {"QAB"} and fig["source"].iloc[0].startswith("IDMC")


def test_idmc_excel_export_sheet(country: Country) -> None:
    path = country.path("IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx")
    with pd.ExcelWriter(path) as xl:
        _idmc(country).iloc[1:].to_excel(xl, sheet_name="1_Displacement_data", index=False)
        pd.DataFrame({"TITLE": ["GIDD"]}).to_excel(xl, sheet_name="README", index=False)
    country.use("figures", path.name)
    fig = country.load().figures
    assert fig is not None and len(fig) == 3


def test_tidy_figures(country: Country) -> None:
    tidy = pd.DataFrame(
        {
            "country": ["QAB", "QAB", "QAC"],
            "year": [2025, 2025, 2025],
            "metric": ["idp_stock", "returns", "returns"],
            "value": [1000, 50, 1],
            "source": ["IDMC", "IOM DTM", "IOM DTM"],
        }
    )
    country.csv("figures.csv", tidy)
    country.use("figures", "figures.csv")
    fig = country.load().figures
    assert fig is not None and fig["metric"].tolist() == ["idp_stock", "returns"]
    assert fig["year"].dtype == "int64" and fig["value"].dtype == "float64"


def test_value_keys_per_distinct_value_keep_types_apart() -> None:
    from solutions.inputs.mapping import keys_of

    mixed = pd.Series([True, 1, 1.0, "1", None, " a ", False, 0, 2.5, np.nan], dtype=object)  # an Excel column
    assert keys_of(mixed).tolist() == ["true", "1", "1", "1", None, "a", "false", "0", "2.5", None]
    text = pd.Series([" oui", "Non ", None], dtype="str")  # a CSV column
    assert keys_of(text).tolist() == ["oui", "Non", None]
    dates = pd.Series(pd.to_datetime(["2026-02-10", None]))
    assert keys_of(dates).tolist() == ["2026-02-10T00:00:00", None]
