"""Another edition's published results, read as untrusted input (``solutions diff --against``, the front page).

Why: ``--against`` names any folder, and an earlier edition under ``outputs/`` is a file tree anyone with
write access can edit. A results file missing ``year``, with nested columns, a 100k-deep ``meta.json`` or text
estimates gave internal errors (KeyError, ValueError, RecursionError, TypeError), a year of 1e300 was printed
as -9223372036854775808, symlinks were followed out of the folder, and a malformed ``outputs/2025`` failed
the front page on every build. Here each file is a regular file inside the edition's folder (a symlink is
not followed), bounded in size; a table has the columns the comparison reads, with the types it expects and
no nested values; a year is a whole number in a plausible range. Anything else is one `SolutionsError` line
naming the file (and the column and rows), which `diff` prints (exit 2) and the front page names and skips.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from solutions.errors import SolutionsError
from solutions.inert import inert
from solutions.regular_files import regular_file_inside
from solutions.results import SCHEMAS, conform
from solutions.state_json import StateFileError, read_json

MB = 1 << 20
MAX_TABLE_BYTES = 512 * MB  # a results table of 40 countries is a few MB
MAX_META_BYTES = 4 * MB
YEARS = (1900, 2200)
#: The columns the comparison reads, per table (the rest are filled in with empty values when absent).
REQUIRED = {
    "estimates": ("country", "year", "indicator_id", "group", "disaggregation", "estimate", "se", "ci_low",
                  "ci_high", "suppressed"),
    "gaps": ("country", "year", "indicator_id", "group", "status"),
    "criteria": ("country", "year", "criterion", "group", "status"),
}


def _shown(path: Path) -> str:
    return inert(str(path), "terminal")


def read_table(path: Path, name: str, root: Path) -> pd.DataFrame:
    """A results table (``name``: estimates, gaps or criteria) from Parquet or CSV, checked and conformed."""
    if not regular_file_inside(path, root):
        raise SolutionsError(f"{_shown(path)}: not a regular file inside {_shown(root)} (a symbolic link, a "
                             "folder or a device): not read")
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise SolutionsError(f"{_shown(path)}: {size / MB:,.0f} MB, larger than a results table can be "
                             f"({MAX_TABLE_BYTES / MB:,.0f} MB)")
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            schema = pq.read_schema(path)
            nested = [f.name for f in schema if f.type.num_fields > 0]
            if nested:
                raise SolutionsError(f"{_shown(path)}: column {inert(nested[0], 'terminal')!r} holds nested values "
                                     "(lists or records), not a results table's")
            df = pq.read_table(path).to_pandas()
        else:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except SolutionsError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader error: a file that is not a results table
        raise SolutionsError(f"{_shown(path)}: cannot be read as a results table "
                             f"({inert(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 'terminal')[:160]})") from None
    return checked(df, path, name)


def _rows(mask: pd.Series) -> str:
    rows = [str(i + 1) for i in mask[mask].index[:5]]
    return ", ".join(rows) + (", …" if mask.sum() > 5 else "")


def checked(df: pd.DataFrame, path: Path, name: str) -> pd.DataFrame:
    """``df`` with the columns and types of the results table ``name``, or a SolutionsError naming the file,
    the column and the rows."""
    missing = [c for c in REQUIRED[name] if c not in df.columns]
    if missing:
        raise SolutionsError(f"{_shown(path)}: no column {missing[0]!r}: not a results table of an edition")
    schema = SCHEMAS[name]
    df = df.reset_index(drop=True)
    for col, kind in schema.items():
        if col not in df.columns:
            continue
        values = df[col]
        if values.map(lambda v: isinstance(v, list | dict | tuple)).any() or values.dtype.kind == "V":
            raise SolutionsError(f"{_shown(path)}: column {col!r} holds nested values, not a results table's")
        if kind in ("int64", "float64"):
            raw = values.astype(object)
            blank = raw.isna() | raw.astype(str).str.strip().eq("")
            numbers = pd.to_numeric(raw.mask(blank), errors="coerce")
            bad = numbers.isna() & ~blank
            if bad.any():
                raise SolutionsError(f"{_shown(path)}: column {col!r}: not a number in rows {_rows(bad)}")
            if kind == "int64":
                finite = numbers.dropna()
                whole = finite.map(lambda v: math.isfinite(v) and float(v).is_integer() and abs(v) < 2**53)
                if not whole.all():
                    raise SolutionsError(f"{_shown(path)}: column {col!r}: not a whole number in rows "
                                         f"{_rows(~whole.reindex(numbers.index, fill_value=True))}")
            df[col] = numbers
        elif kind == "bool":
            df[col] = values.map(lambda v: str(v).strip().lower() in ("true", "1", "yes") if isinstance(v, str)
                                 else bool(v) if pd.notna(v) else False)
    low, high = YEARS
    out_of_range = df["year"].notna() & ~df["year"].between(low, high)
    if out_of_range.any():
        raise SolutionsError(f"{_shown(path)}: column 'year': not a report year ({low}-{high}) in rows "
                             f"{_rows(out_of_range)}")
    extra = {c: "float64" for c in df.columns if c not in schema}
    try:
        return conform(df, {**schema, **{c: t for c, t in extra.items() if pd.api.types.is_numeric_dtype(df[c])}})
    except (ValueError, TypeError) as exc:
        raise SolutionsError(f"{_shown(path)}: cannot be read as a results table ({type(exc).__name__})") from None


def meta_name(path: Path, root: Path) -> str:
    """The country's name from an edition's ``meta.json`` ("" when absent or not trustworthy)."""
    if not regular_file_inside(path, root):
        return ""
    try:
        meta = read_json(path, max_bytes=MAX_META_BYTES, max_depth=32)
    except StateFileError:
        return ""
    name = meta.get("name") if isinstance(meta, dict) else None
    return name[:200] if isinstance(name, str) else ""
