"""Class "resource exhaustion": files and configs built to cost memory or time are refused from their size or
metadata before they are read, in one line naming the file (and the limit in the global config to raise);
legal but unusual files (a formatted cell far away, a long free-text cell) still read.

No wall-clock assertion: each hostile file would take gigabytes or minutes if it were read, so a refusal
at all is the evidence that it was refused up front."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
from openpyxl.styles import Font

from inputs.builders import good_country, households

from .cases import GOOD_COUNTRY, GOOD_GLOBAL, raw_project, validate, with_, write

HEADER = "hh_id,wt\n"


def project_with(tmp: Path, name: str, make, limits: dict | None = None, **spec) -> Path:
    """The config battery's project, its household file replaced by `make(path)`."""
    glob = {**GOOD_GLOBAL, **({"limits": limits} if limits else {})}
    tmp.mkdir(parents=True, exist_ok=True)
    params = write(tmp, with_(data={"households": {"path": name, **spec}}), glob)
    make(tmp / "countries" / name)
    return params


def one_problem(params: Path, *words: str) -> str:
    code, errors, _ = validate(params)
    assert code == 2 and len(errors) == 1, errors
    assert all(w in errors[0] for w in words), errors[0]
    return errors[0]


def sparse(size: int):
    def make(path: Path) -> None:
        with open(path, "wb") as fh:
            fh.truncate(size)  # a hole: no disk used, any reader would see `size` NUL bytes

    return make


def test_sparse_2gb_file_refused_by_its_size(tmp_path: Path) -> None:
    one_problem(project_with(tmp_path, "hh.csv", sparse(2 << 30)), "hh.csv: 2,048 MB, larger than the limit of 512 MB",
                "limits.max_file_mb")


def test_sparse_file_within_the_size_limit_refused_as_binary(tmp_path: Path) -> None:
    def make(path: Path) -> None:
        path.write_bytes(HEADER.encode() + b"1,1\n")
        with open(path, "r+b") as fh:
            fh.truncate(64 << 20)

    one_problem(project_with(tmp_path, "hh.csv", make, encoding="latin-1"), "contains NUL bytes (first on line 3)")


@pytest.mark.parametrize("fmt,name", [("csv", "hh.csv"), ("parquet", "hh.parquet"), ("excel", "hh.xlsx"),
                                      ("stata", "hh.dta"), ("spss", "hh.sav")])
def test_every_format_is_size_capped(tmp_path: Path, fmt: str, name: str) -> None:
    params = project_with(tmp_path, name, sparse(3 << 20), limits={"max_file_mb": 1}, format=fmt)
    one_problem(params, f"{name}: 3 MB, larger than the limit of 1 MB")


@pytest.mark.parametrize("name", ["choices.csv", "form.xlsx"])
def test_the_xlsform_is_bounded_by_the_configured_limits(tmp_path: Path, name: str) -> None:
    """The XLSForm is read under the same `limits` as the data it describes, not the defaults."""
    def make(path: Path) -> None:  # the data file stays the battery's good one
        form = path.with_name(name)
        if name.endswith(".xlsx"):  # a zip container, as a workbook is, of 3 MB that do not compress
            with zipfile.ZipFile(form, "w", zipfile.ZIP_STORED) as zf:
                zf.writestr("xl/media/padding.bin", np.random.default_rng(0).bytes(3 << 20))
        else:
            sparse(3 << 20)(form)

    params = project_with(tmp_path, "hh.csv", make, limits={"max_file_mb": 1}, choices=name)
    one_problem(params, f"{name}: 3 MB, larger than the limit of 1 MB")


def _far_workbook(path: Path, value: bool) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["hh_id", "wt"])
    ws.append(["1", 1])
    if value:
        ws["XFD1048576"] = "stray"
    else:
        ws["XFD1048576"].font = Font(bold=True)  # formatted, empty: the used range Excel reports is huge
    wb.save(path)


def test_one_formatted_far_away_cell_reads_only_the_data(tmp_path: Path) -> None:
    country = good_country(tmp_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    frame = households()
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    ws["XFD1048576"].font = Font(bold=True)  # formatted, empty: the used range Excel reports is 17e9 cells
    wb.save(country.path("hh.xlsx"))
    country.use("households", "hh.xlsx")
    assert len(country.load().households) == len(frame)


def test_one_value_far_away_is_refused_naming_the_cell(tmp_path: Path) -> None:
    params = project_with(tmp_path, "hh.xlsx", lambda p: _far_workbook(p, value=True))
    one_problem(params, "hh.xlsx [sheet 'Sheet']: the cells holding values span A1:XFD1048576",
                "limits.max_cells", "delete stray values")


def test_zip_bomb_workbook_refused_before_inflating(tmp_path: Path) -> None:
    def make(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/worksheets/sheet1.xml", b" " * (64 << 20))  # 64 MB of blanks, ~64 KB zipped

    one_problem(project_with(tmp_path, "hh.xlsx", make, limits={"max_unzipped_mb": 16}),
                "hh.xlsx: decompresses to 64 MB, more than the limit of 16 MB")


def test_xml_entity_bomb_in_a_workbook_is_refused(tmp_path: Path) -> None:
    """Billion laughs in sharedStrings.xml: the XML parser refuses entity expansion."""
    def make(path: Path) -> None:
        _far_workbook(path, value=False)
        lol = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + \
            ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&j;</t></si></sst>'
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("xl/sharedStrings.xml", lol)

    code, errors, _ = validate(project_with(tmp_path, "hh.xlsx", make))
    assert code == 2 and len(errors) == 1 and "hh.xlsx" in errors[0], errors


def test_table_cells_capped_from_parquet_and_stata_metadata(tmp_path: Path) -> None:
    df = pd.DataFrame({"hh_id": [str(i) for i in range(50)], "wt": [1.0] * 50})
    for name, writer in [("hh.parquet", lambda p: df.to_parquet(p)),
                         ("hh.dta", lambda p: pyreadstat.write_dta(df, str(p))),
                         ("hh.sav", lambda p: pyreadstat.write_sav(df, str(p)))]:
        params = project_with(tmp_path / name, name, writer, limits={"max_cells": 40})
        one_problem(params, f"{name}: 50 rows x 2 columns, more than the limit of 40 cells")


def test_long_free_text_cell_reads_and_an_overlong_one_names_line_and_column(tmp_path: Path) -> None:
    long_text = "word " * 40_000  # 200 KB: over the csv module's 128 KB default, a legal answer
    country = good_country(tmp_path / "ok")
    frame = households().assign(note="short")
    frame.loc[3, "note"] = long_text
    country.csv("households.csv", frame)
    assert len(country.load().households) == len(frame)
    params = project_with(tmp_path / "long", "hh.csv",
                          lambda p: p.write_text(f'hh_id,wt,note\n1,1,short\n2,1,"{long_text}"\n'),
                          limits={"max_field_kb": 64})
    one_problem(params, "hh.csv: line 3, column 'note': a cell of 195 KB, longer than the limit of 64 KB")
    params = project_with(tmp_path / "quote", "hh.csv",
                          lambda p: p.write_text('hh_id,wt,note\n1,1,"never closed\n' + "2,1,x\n" * 20_000),
                          limits={"max_field_kb": 64})
    one_problem(params, "hh.csv: line 2, column 'note'", "missing closing quote")


YAML_BOMBS = [
    ("billion laughs", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", "anchor &a is not allowed"),
    ("alias of a scalar", "name: &n Demoland\nsurvey: {title: *n}\n", "anchor &n is not allowed"),
    ("merge key", "survey: {<<: {title: t}}\n", "merge keys (<<) are not allowed"),
    ("deep nesting", "narrative: " + "[" * 200 + "]" * 200 + "\n", "nested more than 40 levels deep"),
    ("huge integer", "demo: " + "9" * 6000 + "\n", "cannot read the value"),
    ("python tag", "name: !!python/object/apply:os.system ['id']\n", "tag !!python/object/apply:os.system"),
    ("binary tag", "name: !!binary aGVsbG8=\n", "tag !!binary is not allowed"),
    ("set tag", "identifiers: !!set {a, b}\n", "tag !!set is not allowed"),
]


@pytest.mark.parametrize("label,text,words", YAML_BOMBS, ids=[c[0] for c in YAML_BOMBS])
def test_yaml_that_expands_or_constructs_is_refused_at_validate(tmp_path: Path, label: str, text: str,
                                                                words: str) -> None:
    params = raw_project(tmp_path, "iso3: QAB\n" + text)
    one_problem(params, "countries/QAB.yml: line ", words)


def test_yaml_bomb_in_the_global_config(tmp_path: Path) -> None:
    params = raw_project(tmp_path, "iso3: QAB\n", "report_year: 2026\ntitle: &t [a, b]\ncountries: *t\n")
    one_problem(params, "global.yml: line 2: anchor &t is not allowed")


def test_expression_size_is_bounded_in_configs(tmp_path: Path) -> None:
    glob = {**GOOD_GLOBAL, "solutions_measure": [
        {"criterion": 1, "label": "x", "condition": " or ".join(["movement_restricted == 0"] * 200)}]}
    params = write(tmp_path, GOOD_COUNTRY, glob)
    # a bare list of conditions is read as {conditions: [...]} (the findings branch's measure config)
    one_problem(params, "solutions_measure.conditions.0.condition: expression longer than 2000 characters")
