"""The results tables: their schemas, and how they are written and read (Parquet + CSV, atomically).

The schemas (column order and dtypes) are derived from ``results_fields``, where every column is declared once
with what it means; the global notebook reads only these tables.
Text cells come from configs and data files (country names, admin areas, categories), so a CSV download
neutralises spreadsheet formulas (methodology §5): a text cell that is not a number and starts with `=`,
`+`, `-`, `@`, tab or carriage return gets a leading `'`. The Parquet tables keep the values as they are.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from solutions.atomic import write_with
from solutions.regular_files import dir_inside, regular_file_inside  # never read through a symlink
from solutions.results_fields import RESULTS, dtypes

#: Each results table's columns and dtypes, in file order, derived from the one declaration of its fields.
SCHEMAS: dict[str, dict[str, str]] = {name: dtypes(fields) for name, fields in RESULTS.items()}
ESTIMATES, GAPS, CRITERIA = SCHEMAS["estimates"], SCHEMAS["gaps"], SCHEMAS["criteria"]
FIGURES, INDICATORS, BENCHMARKS = SCHEMAS["figures"], SCHEMAS["indicators"], SCHEMAS["benchmarks"]
#: A country's results tables, written by the compute step and read back by its page.
COUNTRY_TABLES = ("estimates", "gaps", "criteria", "indicators", "benchmarks", "figures")
FLOAT_FORMAT = "%.12g"  # CSV: enough digits for 1e-9 agreement, stable across platforms
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def conform(df: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """Exactly the schema's columns, in order, with its dtypes (object strings for stable Parquet)."""
    out = pd.DataFrame({c: df[c] if c in df else pd.Series(dtype="float64") for c in schema})
    for col, dtype in schema.items():
        if dtype == "str":
            out[col] = out[col].astype(object).where(out[col].notna(), "").astype(str).astype(object)
        elif dtype == "int64":
            out[col] = pd.to_numeric(out[col]).fillna(0).astype(np.int64)
        else:
            out[col] = out[col].astype(dtype)  # type: ignore[call-overload]  # pandas-stubs: a dtype named by a str variable
    return out.reset_index(drop=True)


def inert_text(value: object) -> object:
    """A text cell a spreadsheet will not run: `'` before a leading =, +, -, @, tab or CR (numbers kept).

    A carriage return inside a cell becomes a line feed: the CSV writer quotes cells holding its line
    terminator ("\n") but not a bare CR, which a reader would take for the end of the row."""
    if not isinstance(value, str):
        return value
    quoted = "'" + value if value.startswith(FORMULA_START) and not _NUMBER.match(value) else value
    return quoted.replace("\r\n", "\n").replace("\r", "\n")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text columns hold only inert cells (for CSV and Excel downloads)."""
    out = df.copy()
    for i in range(out.shape[1]):  # by position: repeated column names stay apart
        column = out.iloc[:, i]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            values = column.tolist()
            safe = [inert_text(v) for v in values]
            if safe != values:  # most columns hold nothing to neutralise: left as they are (a chart's CSV: 1 ms)
                out.isetitem(i, pd.Series(safe, index=out.index, dtype=column.dtype).array)
    return out


FINITE = ("estimate", "se", "ci_low", "ci_high", "gap")  # a value or NaN (withheld), never infinite


def _refuse_infinite(df: pd.DataFrame, name: str) -> None:
    for col in FINITE:
        if col in df and np.isinf(df[col].to_numpy(dtype=float)).any():
            rows = np.flatnonzero(np.isinf(df[col].to_numpy(dtype=float)))
            raise ValueError(f"{name}: {len(rows)} infinite value(s) in column {col!r}: not published")


def write_table(df: pd.DataFrame, name: str, folder: Path) -> list[Path]:
    """Write `<name>.parquet` and `<name>.csv` (formulas neutralised) atomically; returns both paths.

    An infinite estimate, SE or interval bound is a failed computation (e.g. an extreme confidence level):
    it is refused here, so the run fails and the last good tables stay published."""
    df = conform(df, SCHEMAS[name])
    _refuse_infinite(df, name)
    pq = folder / f"{name}.parquet"
    csv = folder / f"{name}.csv"
    safe = spreadsheet_safe(df)
    write_with(pq, lambda p: df.to_parquet(p, index=False, engine="pyarrow", compression="zstd"))
    write_with(csv, lambda p: safe.to_csv(p, index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    return [pq, csv]


_ARROW = {"str": "string", "int64": "int64", "float64": "float64", "bool": "bool"}


def arrow_schema(name: str):  # noqa: ANN201 - pyarrow is imported lazily
    """The Arrow schema of results table ``name`` (an empty table's text columns, written as null, cast)."""
    import pyarrow as pa

    return pa.schema([(col, pa.type_for_alias(_ARROW[dtype])) for col, dtype in SCHEMAS[name].items()])


def write_table_in_parts(df: pd.DataFrame, name: str, folder: Path, rows: int = 5_000) -> list[Path]:
    """``write_table`` a part of ``rows`` rows at a time: the same CSV bytes and the same Parquet values (one
    row group per part), with the conformed and spreadsheet-safe copies of one part in memory, not of all
    (the global tables: every country of an edition)."""
    import pyarrow as pa
    import pyarrow.parquet as papq

    _refuse_infinite(df, name)
    schema = arrow_schema(name)
    starts = range(0, max(len(df), 1), rows)

    def parts():  # noqa: ANN202
        for start in starts:
            yield conform(df.iloc[start:start + rows], SCHEMAS[name])

    def parquet(path: Path) -> None:
        with papq.ParquetWriter(path, schema, compression="zstd") as writer:
            for part in parts():
                writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))

    def csv(path: Path) -> None:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            for i, part in enumerate(parts()):
                spreadsheet_safe(part).to_csv(fh, header=i == 0, index=False, float_format=FLOAT_FORMAT,
                                              lineterminator="\n")

    pq_path, csv_path = folder / f"{name}.parquet", folder / f"{name}.csv"
    write_with(pq_path, parquet)
    write_with(csv_path, csv)
    return [pq_path, csv_path]


def earlier_result_folders(output_root: str | Path, iso3: str, year: int) -> list[Path]:
    """``<output_root>/<y>/results/<iso3>/`` of every report year y before ``year`` that published estimates.

    A year whose estimates table is damaged (truncated, not Parquet, another schema) is left out: an earlier
    edition cannot be rebuilt by this year's build, and one bad file must not fail this year's country.
    """
    return [f for f in sorted(Path(output_root).glob(f"*/results/{iso3}"))
            if f.parent.parent.name.isdigit() and int(f.parent.parent.name) < int(year)
            and dir_inside(f, f.parent) and regular_file_inside(f / "estimates.parquet", f)
            and readable_table(f, "estimates")]


def readable_table(folder: Path, name: str) -> bool:
    """True when ``<name>.parquet`` is a whole Parquet file with the schema's columns (footer read only)."""
    import pyarrow.parquet as pq

    path = folder / f"{name}.parquet"
    try:
        if not path.is_file() or path.stat().st_size < 12:
            return False
        with open(path, "rb") as fh:
            head = fh.read(4)
            fh.seek(-4, 2)
            tail = fh.read(4)
        return head == tail == b"PAR1" and set(SCHEMAS[name]) <= set(pq.read_schema(path).names)
    except Exception:  # noqa: BLE001 - any unreadable footer means: not usable
        return False


def read_table(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.parquet"
    if not path.exists():
        return conform(pd.DataFrame(), SCHEMAS[name])
    return pd.read_parquet(path)
