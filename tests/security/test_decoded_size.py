"""Class "resource exhaustion", round 2: files small on disk that decode to gigabytes, refused from their shape.

Before: a CSV of 1,000,000 empty columns x 60 rows (68 MB, under the 512 MB file limit) took validate to
12.7 GB before it was killed (the cell limit covered Excel, Parquet, Stata and SPSS, not CSV); a 56 KB
Parquet file repeating one 700 KB string passed the size limit (which counted encoded sizes) and took
validate from 0.29 to 1.99 GB, a million rows a terabyte. After: a CSV's columns are counted in its header
line (a bounded read) and its cells from its lines before it is parsed; Parquet columns are bounded by their
uncompressed sizes in the metadata, then read with text kept dictionary-encoded and their decoded size added
up before anything is decoded; Stata/SPSS from their storage widths, then as they are read. The file and the
column are named. No wall-clock assertion: reading any of these files would take gigabytes, so a refusal at
all is the evidence.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat

from .test_resource_exhaustion import one_problem, project_with


def wide_csv(columns: int, rows: int):
    def make(path: Path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("hh_id,wt," + ",".join(f"c{i}" for i in range(columns)) + "\n")
            empty = "," * columns
            for r in range(rows):
                fh.write(f"{r},1.0{empty}\n")

    return make


def test_a_million_empty_columns_are_refused_from_the_header_line(tmp_path: Path) -> None:
    params = project_with(tmp_path, "hh.csv", wide_csv(1_000_000, 60))
    assert (tmp_path / "countries" / "hh.csv").stat().st_size > 60_000_000
    one_problem(params, "hh.csv: 1,000,002 columns in the header line, more than the limit of 20,000",
                "limits.max_columns")


def test_csv_cells_are_counted_before_parsing(tmp_path: Path) -> None:
    params = project_with(tmp_path, "hh.csv", wide_csv(100, 60), limits={"max_cells": 1000})
    one_problem(params, "hh.csv: 60 rows x 102 columns, more than the limit of 1,000 cells")


def test_a_header_line_without_end_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    def make(path: Path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("hh_id" + "x" * (17 << 20))  # one 17 MB name, no newline: no CSV of survey records

    params = project_with(tmp_path, "hh.csv", make)
    one_problem(params, "hh.csv: no end to the header line in its first 16 MB")


def dictionary_bomb(rows: int, value_kb: int = 700):
    def make(path: Path) -> None:
        big = ("0123456789abcdef" * 64 * value_kb)[: value_kb * 1024]
        note = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array([big]))  # held once
        table = pa.table({"hh_id": pa.array([str(i) for i in range(rows)]), "wt": pa.array([1.0] * rows),
                          "note": note})
        # written as the plain text column any tool writes (no Arrow schema saying it is a dictionary)
        pq.write_table(table, path, use_dictionary=True, compression="zstd", row_group_size=rows,
                       store_schema=False)
        assert pq.read_schema(path).field("note").type == pa.string()

    return make


def test_parquet_dictionary_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    params = project_with(tmp_path, "hh.parquet", dictionary_bomb(20_000))  # 700 KB x 20,000 = 14 GB decoded
    size = (tmp_path / "countries" / "hh.parquet").stat().st_size
    assert size < 200_000, size  # tiny on disk
    one_problem(params, "hh.parquet: decodes to", "column 'note'", "more than the limit of 2,048 MB",
                "limits.max_unzipped_mb")


def test_parquet_long_value_is_refused_like_a_long_csv_cell(tmp_path: Path) -> None:
    params = project_with(tmp_path, "hh.parquet", dictionary_bomb(10, value_kb=700), limits={"max_field_kb": 100})
    one_problem(params, "hh.parquet: column 'note': a value of 700 KB, longer than the limit of 100 KB")


def test_parquet_uncompressed_pages_are_bounded_from_the_metadata(tmp_path: Path) -> None:
    def make(path: Path) -> None:
        n = 200_000
        pq.write_table(pa.table({"hh_id": pa.array([f"{i:012d}" for i in range(n)]), "wt": [1.0] * n}), path,
                       use_dictionary=False, compression="zstd")

    params = project_with(tmp_path, "hh.parquet", make, limits={"max_unzipped_mb": 1})
    one_problem(params, "hh.parquet: decompresses to", "column 'hh_id'", "more than the limit of 1 MB")


def test_stata_and_spss_are_bounded_by_their_decoded_size(tmp_path: Path) -> None:
    df = pd.DataFrame({"hh_id": [str(i) for i in range(3000)], "wt": [1.0] * 3000, "note": ["x" * 2000] * 3000})
    for name, writer in [("hh.dta", lambda p: pyreadstat.write_dta(df, str(p))),
                         ("hh.sav", lambda p: pyreadstat.write_sav(df, str(p)))]:
        params = project_with(tmp_path / name, name, writer, limits={"max_unzipped_mb": 2})
        one_problem(params, f"{name}: decodes to", "column 'note'", "more than the limit of 2 MB")


def test_ordinary_parquet_and_stata_files_still_read(tmp_path: Path) -> None:
    from solutions.config import DataFile, Limits
    from solutions.inputs.readers import read_table

    df = pd.DataFrame({"hh_id": [f"H{i}" for i in range(30_000)], "grp": ["idp", "host"] * 15_000,
                       "wt": [1.5] * 30_000})
    df.to_parquet(tmp_path / "hh.parquet")
    pyreadstat.write_dta(df, str(tmp_path / "hh.dta"))
    for name in ("hh.parquet", "hh.dta"):
        got = read_table(tmp_path / name, DataFile(path=name), limits=Limits())
        assert got["grp"].tolist() == df["grp"].tolist() and got["wt"].tolist() == df["wt"].tolist()
        plain = pd.read_parquet(tmp_path / name) if name.endswith(".parquet") else pyreadstat.read_dta(
            str(tmp_path / name))[0]
        assert list(got.dtypes) == list(plain.dtypes)
