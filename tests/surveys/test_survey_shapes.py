"""The shapes of real survey files, one at a time, through the library: regional files and their weights,
sampling frames, XLSForms, multi-selects, group paths, coalesced and derived variables, trimming."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from solutions.config import CountryConfig, FrameWeights
from solutions.config_loader import load_all
from solutions.errors import InputError
from solutions.indicators import compute_country
from solutions.inputs import load_country_data
from solutions.inputs.frame import population_number, read_frame, stratum_key
from solutions.inputs.weights import diagnostics, trim

from .conftest import Msna
from .msna import ISO3, households


def _project(msna: Msna, tmp_path: Path, change=None) -> tuple[Path, CountryConfig]:
    root = tmp_path / "p"
    shutil.copytree(msna.root, root)
    cfg_path = root / "params" / "countries" / f"{ISO3}.yml"
    if change is not None:
        cfg = yaml.safe_load(cfg_path.read_text())
        change(cfg)
        cfg_path.write_text(yaml.safe_dump(cfg))
    gcfg, countries = load_all(root / "params" / "global.yml")
    return cfg_path, countries[ISO3]


def test_weights_from_the_frame_are_population_over_sample(msna_files: Msna, tmp_path: Path) -> None:
    path, cfg = _project(msna_files, tmp_path)
    data = load_country_data(cfg, path)
    truth, strata = households()
    expected = (strata["population"] / strata["n"]).to_numpy()
    got = data.households.groupby("stratum", sort=False)["weight"].first()
    assert sorted(np.round(got.to_numpy(), 9)) == sorted(np.round(expected, 9))
    assert data.households["weight"].sum() == pytest.approx(strata["population"].sum(), rel=1e-12)
    assert any("totals row(s) skipped" in n for n in data.notes)
    assert any("1 frame strata have no sampled record" in n and "Wadi Zarqa - IDP" in n for n in data.notes)
    assert any("stratum and psu made unique per file" in n for n in data.notes)
    assert data.weighting.startswith("from the sampling frame frame/sampling_frame.csv")


def test_normalised_regional_weights_need_their_populations(msna_files: Msna, tmp_path: Path) -> None:
    def file_weights(cfg: dict) -> None:
        del cfg["design"]["weights"]

    path, cfg = _project(msna_files, tmp_path / "a", file_weights)
    with pytest.raises(InputError) as info:
        load_country_data(cfg, path)
    assert info.value.problems == [
        "households: the weights of kobo/msna_north.csv (mean weight 1.00, total 337.0 for 337 records: not a "
        "population scale), kobo/msna_south.csv (mean weight 1.00, total 288.0 for 288 records: not a population "
        "scale) are normalised per file (they sum to no more than each file's records): appended, each file would "
        "count in proportion to its own scale, not its population; give each file's population "
        "(data.households.files[].population) to rescale its weights, or the sampling frame's populations "
        "(design.weights with rescale: true) to rescale them per stratum"]

    _, strata = households()
    totals = strata.groupby("region")["population"].sum()

    def populations(cfg: dict) -> None:
        file_weights(cfg)
        for f in cfg["data"]["households"]["files"]:
            f["population"] = float(totals[f["label"]])

    path2, cfg2 = _project(msna_files, tmp_path / "b", populations)
    rescaled = load_country_data(cfg2, path2)
    path3, cfg3 = _project(msna_files, tmp_path / "c")
    framed = load_country_data(cfg3, path3)
    # the files' weights were N_h/n_h normalised per file: rescaled to the file totals they are N_h/n_h again
    np.testing.assert_allclose(rescaled.households["weight"], framed.households["weight"], rtol=1e-12)
    gcfg, _ = load_all(path2.parent.parent / "global.yml")
    a = compute_country(cfg2, gcfg, rescaled).estimates
    b = compute_country(cfg3, gcfg, framed).estimates
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-12)
    assert any("rescaled from a total of" in n for n in rescaled.notes)


def test_a_messy_frame_is_read_as_published(tmp_path: Path) -> None:
    (tmp_path / "frame.csv").write_text(
        'Title of the frame,,\n,,\nStratum,Households,People\n'
        'Al Qasr - IDP,"12,345","70,000"\n  AL  QASR -  RETURNEE ,2 057,9000\n,,\n'
        "Dar_Salam-IDP,980,4000\nTotal,,\n", encoding="utf-8")
    spec = FrameWeights(frame="frame.csv", header_row=3, stratum="Stratum", population="Households")
    frame = read_frame(spec, tmp_path / "QAB.yml")
    assert frame.problems == []
    assert frame.strata == {"al_qasr_idp": ("Al Qasr - IDP", 12345.0), "al_qasr_returnee": ("AL  QASR -  RETURNEE", 2057.0),
                            "dar_salam_idp": ("Dar_Salam-IDP", 980.0)}
    assert frame.notes == ["frame.csv: totals row(s) skipped (line 8)"]  # the file's own line: title rows count
    assert population_number("1.234.567") == 1234567 and population_number("12 345") == 12345
    assert population_number("n/a") is None and stratum_key(" Tal  Abyad - IDP ") == "tal_abyad_idp"


def test_frame_problems_name_the_rows(tmp_path: Path) -> None:
    (tmp_path / "frame.csv").write_text("Stratum,Households\nA,100\nB,many\na,50\n,30\n", encoding="utf-8")
    frame = read_frame(FrameWeights(frame="frame.csv", stratum="Stratum", population="Households"),
                       tmp_path / "QAB.yml")
    assert frame.problems == [
        "frame.csv: column 'Stratum' (stratum): 1 row with a population but no stratum name (line 5)",
        "frame.csv: column 'Households' (population): 1 row with a population that is not a number of 0 or more "
        "(values 'many'; line 3)",
        "frame.csv: column 'Stratum' (stratum): 2 rows with a stratum listed twice (values 'A', 'a'; lines 2, 4)",
    ]


def test_an_excel_frame_with_a_merged_title(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Sampling frame 2023"])
    ws.merge_cells("A1:C1")
    ws.append([])
    ws.append(["stratum", "pop", "note"])
    ws.append(["North IDP", 1200, None])
    ws.append(["North Returnee", "3,400", "estimate"])
    wb.save(tmp_path / "frame.xlsx")
    frame = read_frame(FrameWeights(frame="frame.xlsx", header_row=3, stratum="stratum", population="pop"),
                       tmp_path / "QAB.yml")
    assert frame.problems == []
    assert frame.strata == {"north_idp": ("North IDP", 1200.0), "north_returnee": ("North Returnee", 3400.0)}


def test_frame_weights_for_a_population_of_people(msna_files: Msna, tmp_path: Path) -> None:
    def people(cfg: dict) -> None:
        cfg["design"]["weights"].update(population="# individuals", unit="individuals", household_size="household_size")

    path, cfg = _project(msna_files, tmp_path, people)
    data = load_country_data(cfg, path)
    hh = data.households
    _, strata = households()
    per_stratum = (hh["weight"] * hh["household_size"]).groupby(hh["stratum"]).sum()
    assert sorted(np.round(per_stratum.to_numpy())) == sorted(np.round(strata["population"].to_numpy() * 6))


def test_the_xlsform_as_workbook_or_csv_sheets_gives_the_same_data(msna_files: Msna, tmp_path: Path) -> None:
    path, cfg = _project(msna_files, tmp_path / "csv")
    from_csv = load_country_data(cfg, path)
    kobo = path.parent / "kobo"
    with pd.ExcelWriter(kobo / "form.xlsx") as xl:
        for sheet in ("survey", "choices"):
            pd.read_csv(kobo / f"{sheet}.csv").to_excel(xl, sheet_name=sheet, index=False)
    cfg2 = cfg.model_copy(update={"data": cfg.data.model_copy(update={
        "households": cfg.data.households.model_copy(update={"choices": "kobo/form.xlsx"})})})
    from_xlsx = load_country_data(cfg2, path)
    pd.testing.assert_frame_equal(from_csv.households, from_xlsx.households)
    # the south file holds labels ("Collective centre", "Don't know"), the north one codes: one config reads both
    hh = from_csv.households
    assert set(hh.loc[hh["admin1"] == "south", "residence_type"].dropna()) == set(
        hh.loc[hh["admin1"] == "north", "residence_type"].dropna())


def test_a_damaged_xlsform_is_one_line(msna_files: Msna, tmp_path: Path) -> None:
    path, cfg = _project(msna_files, tmp_path)
    kobo = path.parent / "kobo"
    with pd.ExcelWriter(kobo / "form.xlsx") as xl:
        pd.read_csv(kobo / "choices.csv").to_excel(xl, sheet_name="choices", index=False)
    data = (kobo / "form.xlsx").read_bytes()
    (kobo / "form.xlsx").write_bytes(data[: len(data) // 2])
    shutil.copy(kobo / "choices.csv", kobo / "choices_as.xlsx")  # a CSV sheet saved under a workbook's name
    for choices, expect in (("kobo/form.xlsx", "kobo/form.xlsx: not a readable XLSForm workbook (a damaged .xlsx"),
                            (["kobo/survey.csv", "kobo/choices_as.xlsx"], None)):
        spec = cfg.data.households.model_copy(update={"choices": choices})
        bad = cfg.model_copy(update={"data": cfg.data.model_copy(update={"households": spec})})
        if expect is None:
            assert len(load_country_data(bad, path).households) == 625
            continue
        with pytest.raises(InputError) as info:
            load_country_data(bad, path)
        assert len(info.value.problems) == 1 and info.value.problems[0].startswith(expect)


def test_multiselect_as_codes_or_flags_gives_the_first_option_in_choice_order(msna_files: Msna,
                                                                             tmp_path: Path) -> None:
    path, cfg = _project(msna_files, tmp_path)
    hh = load_country_data(cfg, path).households
    truth, _ = households()
    order = ["checkpoints", "documentation", "insecurity", "authorities", "other"]
    first = truth["movement_barriers"].map(
        lambda v: None if not isinstance(v, str) else min(v.split(), key=order.index))
    level = {"checkpoints": "checkpoints", "documentation": "documentation", "insecurity": "insecurity",
             "authorities": "authorities", "other": "other"}
    expected = first.map(level)
    # the fixture's households are in file order: north rows, then south rows
    truth_order = pd.concat([truth[truth["region"] == "north"], truth[truth["region"] == "south"]]).index
    got = hh["movement_restriction_type"].to_numpy(dtype=object)
    want = expected.loc[truth_order].to_numpy(dtype=object)
    assert [None if pd.isna(g) else g for g in got] == [None if pd.isna(w) else w for w in want]


def test_coalesce_takes_the_first_answer_and_a_refusal_stops_it(msna_files: Msna, tmp_path: Path) -> None:
    path, cfg = _project(msna_files, tmp_path)
    hh = load_country_data(cfg, path).households
    truth, _ = households()
    truth = pd.concat([truth[truth["region"] == "north"], truth[truth["region"] == "south"]]).reset_index(drop=True)
    expected = truth["hoh_sex"].where(truth["hoh_sex"].notna(), truth["resp_gender"]).replace({"dwta": None})
    assert hh["hoh_sex"].isna().sum() == (truth["hoh_sex"] == "dwta").sum() > 0
    assert (hh["hoh_sex"].fillna("-") == expected.fillna("-")).all()


def test_derived_variables_follow_three_valued_logic(msna_files: Msna, tmp_path: Path) -> None:
    path, cfg = _project(msna_files, tmp_path)
    hh = load_country_data(cfg, path).households
    bank, mobile, nofin = hh["has_bank_account"], hh["has_mobile_money"], hh["no_financial_access"]
    assert (nofin[(bank == 1) | (mobile == 1)] == 0).all()
    assert (nofin[(bank == 0) & (mobile == 0)] == 1).all()
    unknown = ~((bank == 1) | (mobile == 1)) & (bank.isna() | mobile.isna())
    assert unknown.any() and nofin[unknown].isna().all()
    fcs = 2 * hh["fcs_cereals"] + 3 * hh["fcs_pulses"] + 4 * hh["fcs_meat"] + hh["fcs_veg"]
    assert hh["fcs"].isna().sum() > 0
    np.testing.assert_array_equal(hh["food_poor"].to_numpy(), np.where(fcs.isna(), np.nan, (fcs <= 21) * 1.0))


def test_group_paths_are_found_by_their_question_name(msna_files: Msna, tmp_path: Path) -> None:
    path, cfg = _project(msna_files, tmp_path)
    data = load_country_data(cfg, path)  # the config names `water_sufficient`, the files `wash/water_sufficient`
    assert data.households["water_daily_sufficient"].notna().sum() > 500


def test_trimming_caps_weights_and_keeps_the_total() -> None:
    w = pd.Series([1.0, 1.0, 1.0, 1.0, 2.0, 30.0])
    out, notes = trim(w, 2.0)  # mean 6, cap 12: 30 capped, the others scaled up (x4) to keep the total
    assert out.sum() == pytest.approx(w.sum(), rel=1e-12)
    np.testing.assert_allclose(out, [4.0, 4.0, 4.0, 4.0, 8.0, 12.0], rtol=1e-12)
    assert notes[0].startswith("weights trimmed at 2 × the mean weight (12.00): 1 record(s) capped")
    out, _ = trim(pd.Series([1.0, 1.0, 1.0, 1.0, 9.0, 9.0]), 1.5)  # mean 3.67, cap 5.5: both 9s, then no more
    assert out.max() == pytest.approx(5.5) and out.sum() == pytest.approx(22.0)


def test_weight_diagnostics_are_kish() -> None:
    hh = pd.DataFrame({"weight": [1.0, 1.0, 2.0, 4.0, 1.0], "role": ["idp"] * 4 + ["returnee"]})
    d = diagnostics(hh).set_index("group")
    assert d.loc["idp", "n_effective"] == pytest.approx(8.0**2 / 22.0)
    assert d.loc["idp", "max_share"] == pytest.approx(0.5)
    assert d.loc["all", "deff_weighting"] == pytest.approx(5 / (9.0**2 / 23.0))
    assert list(d.index) == ["all", "idp", "returnee"]
