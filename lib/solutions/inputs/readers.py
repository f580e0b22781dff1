"""Read one data file named by a country config into a raw DataFrame.

Nothing is coerced here: CSV cells stay text, Excel/Parquet/Stata/SPSS cells keep the types the file stores
(Stata and SPSS with their value labels applied). The frame's index holds each record's line in the file as a
spreadsheet shows it (the header is line `header_row`, 1 by default; a CSV record's first physical line), so
every later message can point at a line the user can find.

Real exports carry columns no config uses: a column name repeated (Kobo repeats a calculated field), a column
with data but no name. Those are not refused here: only the first of a repeated name is kept, and
`df.attrs["duplicated"]` / `df.attrs["unnamed"]` give their 1-based column positions, so the mapping step can
make them an error when the config uses the name and a warning otherwise (`mapping.column_shape_messages`).

Every failure is an `InputError` naming the file as the config gives it, never a library traceback.
Reading details (encoding, delimiter, value labels) travel in `df.attrs` for the mapping step.

Files are untrusted, so every read is bounded by the global config's `limits` before it costs anything:
the file size (from `stat`, so a 2 GB sparse file is refused at once), the NUL/binary check on every text
file, the longest CSV cell (long free text reads fine; beyond the limit the line and column are named), the
cells of an Excel/Parquet/Stata/SPSS table (from its metadata or, for Excel, from the cells that hold
values: see `workbook.py`) and the decompressed size of an .xlsx.
"""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import compress, count, repeat
from operator import is_not
from pathlib import Path
from typing import Any

import pandas as pd

from solutions.config import DataFile, Limits
from solutions.config_loader import file_problem
from solutions.errors import InputError
from solutions.inputs.workbook import BoundedWorkbook, Sheet, open_workbook

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".dta": "stata",
    ".sav": "spss",
    ".zsav": "spss",
}
FALLBACK_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
IDMC_SHEET = "1_Displacement_data"
WIDE_ENCODINGS = ("utf-16", "utf_16", "utf16", "utf-32", "utf_32", "utf32")  # NUL bytes are legal in these
SNIFF_CHARS = 65536  # the delimiter is guessed from the start of the file, never from all of it
MB = 1 << 20


def display_name(spec_path: str) -> str:
    """The file as named in messages: the config's relative path, or only the file name for absolute paths.

    Absolute paths (and `~`) describe the analyst's machine, which must never reach a message or a report.
    """
    p = Path(spec_path)
    return p.name if p.is_absolute() or spec_path.startswith("~") else spec_path


def detect_format(path: Path, spec: DataFile, name: str) -> str:
    if spec.format:
        return spec.format
    ext = path.suffix.lower()
    if ext == ".xls":
        raise InputError(f"{name}: old Excel .xls files are not read; save the sheet as .xlsx or .csv")
    if ext not in FORMATS:
        raise InputError(
            f"{name}: cannot tell the format from the extension {ext or '(none)'!r}; "
            "set format: csv | parquet | excel | stata | spss"
        )
    return FORMATS[ext]


def read_table(path: Path, spec: DataFile, name: str | None = None, limits: Limits | None = None) -> pd.DataFrame:
    """Read `path` as described by `spec` (format from `spec.format` or the extension), within `limits`."""
    name = name or display_name(spec.path or "")
    limits = limits or Limits()
    problem = file_problem(path)
    if problem:
        raise InputError(f"{name}: {problem}")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{name}: file is empty (0 bytes)")
    if size > limits.max_file_mb * MB:
        raise InputError(f"{name}: {size / MB:,.0f} MB, larger than the limit of {limits.max_file_mb:,.0f} MB "
                         "(limits.max_file_mb in the global config)")
    fmt = detect_format(path, spec, name)
    reader = {
        "csv": _read_csv,
        "parquet": _read_parquet,
        "excel": _read_excel,
        "stata": _read_stat,
        "spss": _read_stat,
    }
    try:
        df = reader[fmt](path, spec, name, fmt, limits)
    except InputError:
        raise
    except (OSError, MemoryError) as exc:
        raise InputError(f"{name}: cannot read ({exc.__class__.__name__}: {_short(exc)})") from None
    except Exception as exc:  # any library error becomes a one-line problem naming the file
        raise InputError(
            f"{name}: not a readable {fmt} file ({exc.__class__.__name__}: {_short(exc)})"
        ) from None
    df.attrs.setdefault("format", fmt)
    return _finish(df, name, spec.header_row if fmt in ("csv", "excel") else 1)


# ------------------------------------------------------------------ helpers ----
def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _finish(df: pd.DataFrame, name: str, header_row: int = 1) -> pd.DataFrame:
    """Common checks on every raw table: at least one row; repeated column names kept once (their positions in
    `attrs["duplicated"]`); the index is the file line of each record (`attrs["lines"]` when the reader knows
    them, else the header's line + 1, + 2, ...)."""
    cols = [str(c).strip() for c in df.columns]
    positions = df.attrs.get("positions") or list(range(1, len(cols) + 1))
    dup = {c: [p for p, d in zip(positions, cols, strict=True) if d == c] for c, n in Counter(cols).items() if n > 1}
    df.columns = cols
    if dup:
        first = [i for i, c in enumerate(cols) if cols.index(c) == i]
        df = df.iloc[:, first].copy()
        df.attrs["duplicated"] = {**df.attrs.get("duplicated", {}), **dup}
    df.attrs.pop("positions", None)
    if len(df) == 0:
        raise InputError(f"{name}: has a header but no data rows")
    lines = df.attrs.pop("lines", None)
    if lines is not None and len(lines) == len(df):
        df.index = pd.Index(lines, dtype="int64")
    else:
        df.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(df))
    return df


def _sniff_binary(head: bytes, name: str) -> None:
    """Catch the usual wrong files saved with a .csv name: web pages, zip/Excel, binary statistics files."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise InputError(
            f"{name}: is an HTML/XML page, not a CSV file (a login or error page saved instead of the data?)"
        )
    if head.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{name}: is a ZIP/Excel workbook, not a CSV file; set format: excel or export as CSV"
        )
    if head.startswith(b"PAR1"):
        raise InputError(f"{name}: is a Parquet file, not a CSV file; set format: parquet")
    if head.startswith((b"$FL2", b"$FL3", b"<stata_dta>")):
        raise InputError(f"{name}: is a Stata/SPSS file, not a CSV file; set format: stata or spss")


def _refuse_nul(raw: bytes, spec: DataFile, name: str) -> None:
    """A text file holds no NUL byte unless it is UTF-16/32 (a byte-order mark or the configured encoding)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (spec.encoding or "").lower().startswith(WIDE_ENCODINGS):
        return
    at = raw.find(b"\x00")
    if at >= 0:
        line = raw.count(b"\n", 0, at) + 1
        raise InputError(
            f"{name}: contains NUL bytes (first on line {line}): a binary file, or UTF-16 text without a "
            "byte-order mark (set encoding: utf-16)"
        )


def _decode(raw: bytes, spec: DataFile, name: str) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if spec.encoding:
        try:
            return raw.decode(spec.encoding), spec.encoding
        except LookupError:
            raise InputError(f"{name}: unknown encoding {spec.encoding!r} in the config") from None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            byte = raw[exc.start : exc.start + 1].hex()
            raise InputError(
                f"{name}: not valid {spec.encoding} text (byte 0x{byte} on line {line}); "
                "fix the file or set the right encoding (e.g. cp1252, latin-1)"
            ) from None
    for enc in FALLBACK_ENCODINGS:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _delimiter(text: str, spec: DataFile, path: Path, name: str) -> str:
    if spec.delimiter:
        sep = "\t" if spec.delimiter in ("\\t", "tab") else spec.delimiter
        if len(sep) != 1 or sep in "\"\r\n":  # pandas would read a longer one as a regular expression
            raise InputError(f"{name}: delimiter {spec.delimiter!r} in the config: expected one character, "
                             "e.g. ',' ';' '|' or tab")
        return sep
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    sample = "\n".join(text[:SNIFF_CHARS].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = text[:SNIFF_CHARS].splitlines()[0] if text else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


_CSV_LIMIT = threading.Lock()


@contextmanager
def _csv_fields_unbounded() -> Iterator[None]:
    """The csv module refuses cells over 128 KB with a message naming no line; the file size is already
    bounded, so it reads any cell and `_ragged` applies the configured limit, naming line and column."""
    with _CSV_LIMIT:
        old = csv.field_size_limit(2**31 - 1)
        try:
            yield
        finally:
            csv.field_size_limit(old)


HEADER_MAX_BYTES = 16 * MB  # the header line(s) are read first, with a bounded read
_CHUNK = 1 << 16


def _csv_shape(path: Path, spec: DataFile, name: str, limits: Limits) -> None:
    """A CSV's columns (from its header line, read with a bounded read) and cells (columns x lines), refused
    before the file is parsed: a million empty columns in 68 MB took the parser to 12.7 GB."""
    head = b""
    with open(path, "rb") as fh:
        while head.count(b"\n") < spec.header_row and len(head) <= HEADER_MAX_BYTES:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            head += chunk
    lines = head.split(b"\n")
    header = lines[spec.header_row - 1] if len(lines) >= spec.header_row else b""
    seps = [b"\t" if spec.delimiter in ("\\t", "tab") else spec.delimiter.encode("utf-8", "replace")] \
        if spec.delimiter else [b",", b";", b"\t", b"|"]
    cols = max(header.count(sep) for sep in seps if sep) + 1
    complete = len(lines) > spec.header_row
    if cols > limits.max_columns:
        some = "" if complete else "at least "
        raise InputError(f"{name}: {some}{cols:,} columns in the header line, more than the limit of "
                         f"{limits.max_columns:,} (limits.max_columns in the global config)")
    if not complete and len(head) > HEADER_MAX_BYTES:
        raise InputError(f"{name}: no end to the header line in its first {HEADER_MAX_BYTES // MB} MB: "
                         "not a CSV file of survey records")
    n_lines, last = 0, b"\n"
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            n_lines, last = n_lines + chunk.count(b"\n"), chunk[-1:]
    rows = n_lines - spec.header_row + (last != b"\n")  # data lines after the header (a last one may lack \n)
    _cells_within(max(rows, 1), cols, name, limits)


def _read_csv(path: Path, spec: DataFile, name: str, fmt: str, limits: Limits) -> pd.DataFrame:
    _csv_shape(path, spec, name, limits)
    raw = path.read_bytes()
    _sniff_binary(raw[:512], name)
    _refuse_nul(raw, spec, name)
    text, encoding = _decode(raw, spec, name)
    del raw
    if spec.header_row > 1:  # title rows above the column names (e.g. a REACH sampling frame)
        text = "".join(text.splitlines(keepends=True)[spec.header_row - 1 :])
    if not text.strip():
        raise InputError(f"{name}: file has no content (only blank lines)")
    sep = _delimiter(text, spec, path, name)
    with _csv_fields_unbounded():
        header = next(csv.reader(io.StringIO(text), delimiter=sep), [])
        cols = [h.strip() for h in header]
        blank = [i + 1 for i, c in enumerate(cols) if not c]
        lines = _ragged(text, sep, cols, name, limits.max_field_kb * 1024)
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise InputError(f"{name}: file has no header line") from None
    except pd.errors.ParserError as exc:
        raise InputError(
            f"{name}: malformed CSV ({_short(exc)}); check the delimiter {sep!r} and quoting"
        ) from None
    positions = list(range(1, len(df.columns) + 1))
    if len(df.columns) == len(cols):  # pandas renames repeated names (`x.1`): the header's own names back
        df.columns = cols
    if blank and len(df.columns) == len(cols):
        filled = [p for p in blank if df.iloc[:, p - 1].notna().any()]
        if filled and len(filled) * 2 > len(cols):
            raise InputError(
                f"{name}: {len(filled)} column(s) with data but no name in the header (positions {blank}); "
                "title rows above the column names? set header_row"
            )
        if filled:
            df.attrs["unnamed"] = filled
        keep = [p - 1 for p in positions if p not in blank]
        df = df.iloc[:, keep]
        positions = [p for p in positions if p not in blank]
    df.attrs["positions"] = positions
    df.attrs["lines"] = [line + spec.header_row - 1 for line in lines]
    if len(df.columns) == 1 and len(cols) == 1 and any(d in cols[0] for d in ",;\t|" if d != sep):
        raise InputError(f"{name}: only one column read with delimiter {sep!r}; set data.<table>.delimiter")
    df.attrs.update(encoding=encoding, delimiter=sep)
    return df


def _ragged(text: str, sep: str, cols: list[str], name: str, max_field: int) -> list[int]:
    """Lines with more or fewer cells than the header: pandas would shift or pad them silently.
    Also the one check of every cell's length (a cell longer than `max_field` characters is refused).
    Returns the first line of every record (the header is line 1 of `text`), as pandas will read them."""
    bad: list[int] = []
    lines: list[int] = []
    width = len(cols)
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    _long_cell(next(reader, []), cols, 1, name, max_field)
    last = reader.line_num
    for row in reader:
        start, last = last + 1, reader.line_num  # a quoted cell may span lines: name the first
        if row and max(map(len, row)) > max_field:
            _long_cell(row, cols, start, name, max_field)
        if row:
            lines.append(start)
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) != width and (len(row) < width or any(c.strip() for c in row[width:])):
            bad.append(reader.line_num)
    if bad:
        n = len(bad)
        where = ", ".join(str(b) for b in bad[:5]) + (", …" if n > 5 else "")
        raise InputError(
            f"{name}: malformed CSV: {n} {'line' if n == 1 else 'lines'} whose number of cells differs from the "
            f"header's {width} (file {'line' if n == 1 else 'lines'} {where}); check the delimiter {sep!r} and quoting"
        )
    return lines


def _long_cell(row: list[str], cols: list[str], line: int, name: str, max_field: int) -> None:
    for j, cell in enumerate(row):
        if len(cell) > max_field:
            col = repr(cols[j]) if j < len(cols) and cols[j] else f"number {j + 1}"
            raise InputError(
                f"{name}: line {line}, column {col}: a cell of {len(cell) / 1024:,.0f} KB, longer than the limit "
                f"of {max_field // 1024:,} KB (limits.max_field_kb in the global config); a missing closing "
                "quote makes the rest of the file one cell"
            )


def _cells_within(rows: int | None, cols: int, name: str, limits: Limits) -> None:
    """A table's size from its metadata, refused before a single value is read."""
    if rows is not None and rows * cols > limits.max_cells:
        raise InputError(f"{name}: {rows:,} rows x {cols:,} columns, more than the limit of {limits.max_cells:,} "
                         "cells (limits.max_cells in the global config)")


def _read_parquet(path: Path, spec: DataFile, name: str, fmt: str, limits: Limits) -> pd.DataFrame:
    import pyarrow.parquet as pq

    with open(path, "rb") as fh:
        head = fh.read(4)
        tail = b""
        if path.stat().st_size >= 12:
            fh.seek(-4, io.SEEK_END)
            tail = fh.read(4)
    if head != b"PAR1" or tail != b"PAR1":
        raise InputError(
            f"{name}: not a complete Parquet file (missing PAR1 marker: truncated or not Parquet)"
        )
    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # noqa: BLE001 - a corrupt footer
        raise InputError(f"{name}: not a readable parquet file ({_short(exc)}; corrupt?)") from None
    _cells_within(meta.num_rows, meta.num_columns, name, limits)
    if meta.num_columns > limits.max_columns:
        raise InputError(f"{name}: {meta.num_columns:,} columns, more than the limit of {limits.max_columns:,} "
                         "(limits.max_columns in the global config)")
    budget = limits.max_unzipped_mb * MB
    inflated: Counter[str] = Counter()  # uncompressed size of each column's pages, dictionary pages included
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        for j in range(group.num_columns):
            chunk = group.column(j)
            inflated[chunk.path_in_schema] += chunk.total_uncompressed_size
    _within_budget(inflated, budget, name, "decompresses to")
    try:
        schema = pq.read_schema(path)
        dup = sorted(c for c, n in Counter(schema.names).items() if n > 1)
        if dup:
            raise InputError(f"{name}: duplicated column names: {', '.join(repr(c) for c in dup)}")
        df = _read_parquet_bounded(path, schema, name, budget, limits.max_field_kb * 1024)
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises OSError / ArrowInvalid for corrupt pages
        raise InputError(f"{name}: not a readable parquet file ({_short(exc)}; corrupt?)") from None
    for col in df.columns:  # categorical columns become their plain values (labels)
        if isinstance(df[col].dtype, pd.CategoricalDtype):
            df[col] = df[col].astype(object)
    return df.reset_index(drop=True)


def _within_budget(sizes: Counter[str], budget: float, name: str, what: str) -> None:
    """Refuse a table whose columns add up to more than `budget` bytes, naming its largest column."""
    total = sum(sizes.values())
    if total > budget:
        column, size = sizes.most_common(1)[0]
        raise InputError(f"{name}: {what} {total / MB:,.0f} MB (column {column!r}: {size / MB:,.0f} MB), more than "
                         f"the limit of {budget / MB:,.0f} MB (limits.max_unzipped_mb in the global config)")


def _read_parquet_bounded(path: Path, schema: Any, name: str, budget: float, max_field: int) -> pd.DataFrame:
    """Read a Parquet file one row group at a time with text columns kept dictionary-encoded (a value repeated
    in every row is held once), adding up each column's decoded size before anything is decoded: a 56 KB file
    repeating one 700 KB string decodes to gigabytes."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
            or pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)]
    pf = pq.ParquetFile(path, read_dictionary=text)
    decoded: Counter[str] = Counter()
    groups = []
    for i in range(pf.metadata.num_row_groups):
        table = pf.read_row_group(i)
        for column, data in zip(table.column_names, table.columns, strict=True):
            for chunk in data.chunks:
                if isinstance(chunk, pa.DictionaryArray) and len(chunk):
                    lengths = pc.binary_length(chunk.dictionary)
                    longest = pc.max(lengths).as_py() or 0
                    if longest > max_field:
                        raise InputError(f"{name}: column {column!r}: a value of {longest / 1024:,.0f} KB, longer than "
                                         f"the limit of {max_field // 1024:,} KB (limits.max_field_kb in the global "
                                         "config)")
                    used = pc.take(lengths, chunk.indices)
                    decoded[column] += (pc.sum(used).as_py() or 0) + 8 * len(chunk)
                else:
                    decoded[column] += chunk.nbytes
        _within_budget(decoded, budget, name, "decodes to")
        groups.append(table)
    table = pa.concat_tables(groups).cast(schema) if groups else schema.empty_table()
    return table.to_pandas()  # decoded now that its size is known: the same frame as a plain read


def _open_workbook(path: Path, name: str, limits: Limits | None = None) -> BoundedWorkbook:
    """The bounded workbook reader (`workbook.open_workbook`), under the name the XLSForm reader imports."""
    return open_workbook(path, name, limits)


def _pick_sheet(wb: BoundedWorkbook, sheet: str | int | None, name: str) -> Sheet:
    sheets = wb.sheetnames
    if sheet is None:
        return wb[IDMC_SHEET] if IDMC_SHEET in sheets else wb[sheets[0]]
    if isinstance(sheet, int):
        if 0 <= sheet < len(sheets):
            return wb[sheets[sheet]]
        raise InputError(
            f"{name}: no sheet number {sheet} (0-based); the workbook has {len(sheets)} sheet(s)"
        )
    if sheet in sheets:
        return wb[sheet]
    folded = [s for s in sheets if s.strip().lower() == sheet.strip().lower()]
    if len(folded) == 1:
        return wb[folded[0]]
    raise InputError(
        f"{name}: sheet {sheet!r} not found; available sheets: {', '.join(repr(s) for s in sheets)}"
    )


def _read_excel(path: Path, spec: DataFile, name: str, fmt: str, limits: Limits) -> pd.DataFrame:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    with open_workbook(path, name, limits) as wb:
        ws = _pick_sheet(wb, spec.sheet, name)
    where = f"{name} [sheet {ws.title!r}]"
    top = spec.header_row  # rows above it are titles, which may be merged
    ranges = sorted(
        (r for r in map(CellRange, ws.merged) if r.max_row >= top and r.min_row <= top + 2),
        key=lambda r: (r.min_row, r.min_col),
    )
    merged = [str(r) for r in ranges]
    if merged:
        raise InputError(
            f"{where}: merged cells in the header ({', '.join(merged[:5])}): multi-row headers are not read; "
            "unmerge and keep a single header row of column names"
        )
    rows = list(ws.iter_rows(values_only=True))[top - 1 :]
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(f"{where}: the sheet is empty")
    header = ["" if v is None else str(v).strip() for v in rows[0]]
    data = rows[1:]
    width = len(header)
    keep = [j for j, h in enumerate(header) if h]
    filled: set[int] = set()  # unnamed columns holding a value: rows padded to the sheet's width are common,
    for r in data:  # so a row is scanned only when it holds more values than its named cells (C-speed count)
        named = sum(1 for j in keep if j < len(r) and r[j] is not None)
        if len(r) - r.count(None) > named:
            filled.update(j for j in compress(count(), map(is_not, r, repeat(None)))
                          if r[j] != "" and (j >= width or not header[j]))
    unnamed = [get_column_letter(j + 1) for j in sorted(filled)]
    if unnamed and len(unnamed) * 2 > width:
        raise InputError(
            f"{where}: {len(unnamed)} column(s) with data but no name in row {top} (columns {', '.join(unnamed[:8])}): "
            "a title row or a multi-row header? Set header_row to the row holding the column names"
        )
    cols = [header[j] for j in keep]
    records = [[(r[j] if j < len(r) else None) for j in keep] for r in data] if width else []
    df = pd.DataFrame(records, columns=cols, dtype=object)
    df = df.replace({"": None})
    df.attrs.update(sheet=ws.title, positions=[j + 1 for j in keep])
    if unnamed:
        df.attrs["unnamed"] = [j + 1 for j in sorted(filled)]
    return df


def _read_stat(path: Path, spec: DataFile, name: str, fmt: str, limits: Limits) -> pd.DataFrame:
    import pyreadstat

    read = pyreadstat.read_dta if fmt == "stata" else pyreadstat.read_sav
    encoding = {"encoding": spec.encoding} if spec.encoding else {}
    try:
        _, head = read(str(path), metadataonly=True, **encoding)  # type: ignore[call-overload]  # pyreadstat's overloads take no **kwargs
        _cells_within(head.number_rows, head.number_columns, name, limits)
        if head.number_columns > limits.max_columns:
            raise InputError(f"{name}: {head.number_columns:,} columns, more than the limit of "
                             f"{limits.max_columns:,} (limits.max_columns in the global config)")
        budget = limits.max_unzipped_mb * MB
        rows = head.number_rows or 0  # from the metadata: each value's storage width (a number: 8 bytes)
        _within_budget(Counter({c: rows * max(8, int(w or 0)) for c, w in
                                (head.variable_storage_width or {}).items()}), budget, name, "decodes to")
        df, meta = _read_stat_bounded(read, path, name, budget, encoding)
    except InputError:
        raise
    except Exception as exc:  # pyreadstat raises ReadstatError / PyreadstatError / UnicodeError
        kind = "Stata .dta" if fmt == "stata" else "SPSS .sav"
        raise InputError(
            f"{name}: not a readable {kind} file ({_short(exc)}; truncated or wrong format?)"
        ) from None
    labels = {
        col: {_code_text(k): str(v) for k, v in vl.items()}
        for col, vl in (meta.variable_value_labels or {}).items()
    }
    df.attrs.update(value_labels=labels)
    return df


STAT_CHUNK_ROWS = 20_000


def _read_stat_bounded(read: Any, path: Path, name: str, budget: float,
                       encoding: dict[str, str]) -> tuple[pd.DataFrame, Any]:
    """A Stata/SPSS file read in chunks of rows, its decoded size added up as it is read (long strings, whose
    size the metadata does not give, are counted as they arrive)."""
    import pyreadstat

    decoded: Counter[str] = Counter()
    parts, last = [], None
    for df, meta in pyreadstat.read_file_in_chunks(read, str(path), chunksize=STAT_CHUNK_ROWS,  # type: ignore[call-overload]  # as above
                                                   apply_value_formats=True, formats_as_category=False,
                                                   **encoding):
        decoded.update({str(c): int(n) for c, n in df.memory_usage(index=False, deep=True).items()})
        _within_budget(decoded, budget, name, "decodes to")
        parts.append(df)
        last = meta
    if last is None:  # no rows: the metadata and an empty frame
        return read(str(path), apply_value_formats=True, formats_as_category=False, **encoding)
    return (pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]), last


def _code_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
