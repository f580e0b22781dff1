"""Results tables of many countries and years read as one Parquet dataset (solutions.results_dataset)."""

from __future__ import annotations

import pandas as pd

from solutions.results import ESTIMATES, conform, read_table, write_table
from solutions.results_dataset import scan


def _estimates(country: str, year: int, n: int) -> pd.DataFrame:
    return conform(pd.DataFrame({
        "country": country, "year": year, "indicator_id": [f"I-{i % 3}" for i in range(n)], "criterion": 1,
        "kind": "proportion", "group": ["idp", "comparison"] * (n // 2) + ["idp"] * (n % 2),
        "disaggregation": ["total" if i % 2 == 0 else "sex" for i in range(n)], "category": "",
        "estimate": [i / 10 for i in range(n)], "n_unweighted": list(range(n)),
        "note": ["=formula" if i == 0 else "" for i in range(n)]}), ESTIMATES)


def test_scan_is_the_concatenation_in_the_order_given(tmp_path) -> None:
    folders = []
    for iso, year, n in (("QZB", 2024, 5), ("QZA", 2025, 4), ("QZC", 2026, 7)):
        folder = tmp_path / str(year) / iso
        folder.mkdir(parents=True)
        write_table(_estimates(iso, year, n), "estimates", folder)
        folders.append(folder)
    folders.append(tmp_path / "none")  # no table: skipped
    expected = pd.concat([read_table(f, "estimates") for f in folders[:3]], ignore_index=True)
    pd.testing.assert_frame_equal(scan(folders, "estimates"), expected)
    reordered = scan(folders[::-1], "estimates")
    assert list(reordered["country"].drop_duplicates()) == ["QZC", "QZA", "QZB"]


def test_scan_reads_only_the_columns_and_rows_asked_for(tmp_path) -> None:
    folders = []
    for iso in ("QZA", "QZB"):
        folders.append(tmp_path / iso)
        folders[-1].mkdir()
        write_table(_estimates(iso, 2026, 6), "estimates", folders[-1])
    got = scan(folders, "estimates", columns=["country", "estimate"],
               where={"indicator_id": "I-0", "disaggregation": "total"})
    assert list(got.columns) == ["country", "estimate"]
    # rows 0 and 3 are I-0; of those only row 0 is national
    assert got.to_dict("records") == [{"country": "QZA", "estimate": 0.0}, {"country": "QZB", "estimate": 0.0}]
    several = scan(folders, "estimates", where={"indicator_id": ["I-1", "I-2"], "country": "QZB"})
    assert len(several) == 4 and set(several["indicator_id"]) == {"I-1", "I-2"}


def test_scan_without_tables_and_with_an_empty_one(tmp_path) -> None:
    empty = scan([tmp_path / "missing"], "benchmarks")
    assert empty.empty and list(empty.columns) == list(read_table(tmp_path / "missing", "benchmarks").columns)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    write_table(pd.DataFrame(), "estimates", a)  # an empty table: its text columns are written untyped (null)
    write_table(_estimates("QZB", 2026, 3), "estimates", b)
    got = scan([a, b], "estimates")
    assert len(got) == 3 and list(got["country"]) == ["QZB"] * 3


def test_writing_in_parts_gives_write_tables_bytes(tmp_path) -> None:
    """The global downloads are written a part at a time: the same CSV bytes, the same Parquet values."""
    import pytest

    from solutions.results import write_table_in_parts

    df = pd.concat([_estimates("QZA", 2026, 5), _estimates("QZB", 2026, 4)], ignore_index=True)
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    whole.mkdir()
    parts.mkdir()
    write_table(df, "estimates", whole)
    write_table_in_parts(df, "estimates", parts, rows=2)
    assert (whole / "estimates.csv").read_bytes() == (parts / "estimates.csv").read_bytes()
    assert b"'=formula" in (parts / "estimates.csv").read_bytes()  # neutralised in every part
    pd.testing.assert_frame_equal(read_table(whole, "estimates"), read_table(parts, "estimates"))
    write_table(pd.DataFrame(), "benchmarks", whole)
    write_table_in_parts(pd.DataFrame(), "benchmarks", parts, rows=2)
    assert (whole / "benchmarks.csv").read_bytes() == (parts / "benchmarks.csv").read_bytes()
    assert read_table(parts, "benchmarks").empty
    with pytest.raises(ValueError, match="infinite"):
        write_table_in_parts(df.assign(se=float("inf")), "estimates", parts, rows=2)
