"""A table read from several files (e.g. one Kobo export per region): appended into one, rows still traced
to their file.

Why keep the trace: every message must point at a line the analyst can find, and a line number means nothing
without its file. `Appended.split(mask)` gives, per file, the records' own lines in that file.

Rules: each file is read and mapped on its own (its problems name it); the mapped files are appended in
config order; id values found in two files are a problem (ids must be unique across files); with several
files the design ids are made unique per file (`north:S1`, `north:12`), since files sampled apart share no
stratum or PSU (`prefix_design_ids`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from solutions.inputs.mapping import MappedTable
from solutions.inputs.messages import show_values

IDS = {"households": "household_id", "individuals": "person_id"}


@dataclass
class Appended:
    """One table from one or several files, under catalogue and country names."""

    frame: pd.DataFrame  # index: the file's line numbers (one file) or 0..n-1 (several files)
    files: list[str]  # display name of each file, in config order
    labels: list[str]  # label of each file (value of the source column)
    part: np.ndarray  # (n,) index into `files` of each record
    row: np.ndarray  # (n,) the record's line in its file (the header is line 1 or header_row)
    sources: dict[str, str] = field(default_factory=dict)
    missing_variables: list[str] = field(default_factory=list)
    dropped_identifiers: list[str] = field(default_factory=list)
    missing_codes: dict[str, int] = field(default_factory=dict)

    @property
    def several(self) -> bool:
        return len(self.files) > 1

    @property
    def name(self) -> str:
        return " + ".join(self.files)

    def split(self, mask: np.ndarray | pd.Series) -> list[tuple[str, list[int]]]:
        """(file, its line numbers) for the records where `mask` holds, file by file."""
        mask = np.asarray(mask, dtype=bool)
        return [(f, sorted(int(r) for r in self.row[mask & (self.part == i)]))
                for i, f in enumerate(self.files) if (mask & (self.part == i)).any()]

    def by_file(self, frame: pd.DataFrame | None = None) -> list[tuple[str, pd.DataFrame]]:
        """Each file's records of `frame` (default: the table), indexed by their lines in the file."""
        frame = self.frame if frame is None else frame
        out = []
        for i, f in enumerate(self.files):
            pos = np.flatnonzero(self.part == i)
            out.append((f, frame.iloc[pos].set_axis(pd.Index(self.row[pos]))))
        return out


def append(table: str, parts: list[tuple[str, str, MappedTable]]) -> tuple[Appended, list[str], list[str]]:
    """Append mapped files (display name, label, mapped table) into one table; returns (table, problems, notes)."""
    frames = [m.frame for _, _, m in parts]
    combined = pd.concat(frames, ignore_index=True) if len(parts) > 1 else frames[0]
    part = np.concatenate([np.full(len(f), i, dtype=np.int64) for i, f in enumerate(frames)])
    row = np.concatenate([np.asarray(f.index, dtype=np.int64) for f in frames])
    present = [set(m.frame.columns) for _, _, m in parts]
    out = Appended(
        frame=combined, files=[n for n, _, _ in parts], labels=[lab for _, lab, _ in parts], part=part, row=row,
        sources={k: v for _, _, m in parts for k, v in m.sources.items()},
        missing_variables=sorted(set.intersection(*[set(m.missing_variables) for _, _, m in parts])),
        dropped_identifiers=sorted({c for _, _, m in parts for c in m.dropped_identifiers}),
    )
    for _, _, m in parts:
        for var, n in m.missing_codes.items():
            out.missing_codes[var] = out.missing_codes.get(var, 0) + n
    problems: list[str] = []
    notes: list[str] = []
    if len(parts) > 1:
        for var in sorted(set.union(*present) - present[0].intersection(*present[1:])):
            lacking = [n for (n, _, _), cols in zip(parts, present, strict=True) if var not in cols]
            notes.append(f"{table}: {var} is not in {', '.join(lacking)}: those records count as not answered")
        problems += _ids_across_files(table, out)
    return out, problems, notes


def _ids_across_files(table: str, t: Appended) -> list[str]:
    var = IDS.get(table)
    if var is None or var not in t.frame:
        return []
    ids = t.frame[var]
    files_per_id = pd.Series(t.part, index=t.frame.index).groupby(ids.to_numpy()).nunique()
    shared = files_per_id[files_per_id > 1].index
    if not len(shared):
        return []
    mask = ids.isin(shared).to_numpy()
    where = "; ".join(f"{f} rows {', '.join(map(str, rows[:5]))}{', …' if len(rows) > 5 else ''}"
                      for f, rows in t.split(mask))
    return [f"{t.name}: {var}: {len(shared)} id(s) found in more than one file ({where}); ids must be unique across "
            f"files: map {var} with join: [<the source column>, <the id column>] to make them so"]


def prefix_design_ids(t: Appended, columns: tuple[str, ...] = ("stratum", "psu")) -> list[str]:
    """With several files, `stratum` and `psu` become `<file label>:<value>` (files are sampled apart)."""
    if not t.several:
        return []
    labels = np.asarray(t.labels, dtype=object)[t.part]
    done = []
    for col in columns:
        if col in t.frame:
            values = t.frame[col]
            t.frame[col] = pd.Series(np.where(values.notna(), labels + ":" + values.astype(str), None),
                                     index=t.frame.index, dtype=object).astype("str")
            done.append(col)
    if not done:
        return []
    return [f"{t.name}: {' and '.join(done)} made unique per file ({show_values(t.labels)}:…), each file being "
            "sampled on its own"]
