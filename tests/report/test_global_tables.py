"""The global downloads (indicators.collect.write_global_tables): written once per contents."""

from __future__ import annotations

import dataclasses

from solutions.indicators import write_global_tables

from .conftest import make_global_results


def test_global_tables_are_written_again_only_when_their_contents_or_files_changed(tmp_path) -> None:
    """A page rebuilt for its wording keeps the global tables it wrote (the same contents: the same bytes); a
    changed value, or a file edited or deleted since, writes them all again."""
    g = make_global_results()
    paths = write_global_tables(g, tmp_path)
    folder = paths[0].parent
    stamps = {p: p.stat().st_mtime_ns for p in paths}
    data = {p: p.read_bytes() for p in paths}
    assert write_global_tables(g, tmp_path) == paths and {p: p.stat().st_mtime_ns for p in paths} == stamps
    est = g.estimates.copy()
    est.loc[0, "estimate"] = 0.987654
    changed = dataclasses.replace(g, estimates=est)
    write_global_tables(changed, tmp_path)
    assert b"0.987654" in (folder / "estimates.csv").read_bytes()
    write_global_tables(g, tmp_path)  # back: the same bytes as the first write
    assert {p: p.read_bytes() for p in paths} == data
    (folder / "gaps.csv").write_text("edited by hand\n")
    (folder / "criteria.parquet").unlink()
    write_global_tables(g, tmp_path)
    assert {p: p.read_bytes() for p in paths} == data
