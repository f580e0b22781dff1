"""Bounded reading of .xlsx workbooks (data files and XLSForms): memory and time follow the cells that hold
values, never the sheet's declared or formatted size.

Why: an .xlsx is a zip of XML. A small file can declare a used range of 17 billion cells (one formatted
cell at XFD1048576: openpyxl's normal mode then materialises every empty cell), or decompress to gigabytes
(a zip bomb). So, before any XML is parsed, the zip's declared sizes are checked (Python's zip reader never
inflates a member beyond its declared size: a lying header fails its CRC check); then each sheet's XML is
streamed by openpyxl's read-only parser and only cells holding a value are kept, counted against a cap.
The used range is the bounding box of those values; a stray value far from the data makes it huge and is
refused with its cell reference, in one line.

`open_workbook(path, name, limits)` returns a `BoundedWorkbook` with openpyxl's reading surface
(`sheetnames`, `wb[title]`, `sheet.iter_rows(values_only=True)`, `sheet.title`), so callers written for
openpyxl (the XLSForm reader) need no change.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solutions.config import Limits
from solutions.errors import InputError

MAX_ZIP_MEMBERS = 10_000  # a workbook has tens of parts; thousands means something else
MB = 1 << 20


@dataclass
class Sheet:
    """The values of one sheet over its used range: rows of equal width, trailing empty rows dropped."""

    title: str
    rows: list[tuple[Any, ...]]
    merged: list[str] = field(default_factory=list)  # merged ranges, e.g. "A1:C1"

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        """The rows, as openpyxl's `iter_rows(values_only=True)` gives them (only values are kept)."""
        if not values_only:
            raise ValueError("a bounded sheet keeps values only")
        return iter(self.rows)


class BoundedWorkbook:
    """A read-only workbook whose sheets are read on demand within `limits`; close it (or use `with`)."""

    def __init__(self, path: Path, name: str, limits: Limits | None = None):
        self.name = name
        self.limits = limits or Limits()
        check_zip(path, name, self.limits)
        self._wb = _load(path, name)
        self._sheets: dict[str, Sheet] = {}

    def __enter__(self) -> BoundedWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._wb.close()

    @property
    def sheetnames(self) -> list[str]:
        return list(self._wb.sheetnames)

    def __getitem__(self, title: str) -> Sheet:
        if title not in self._sheets:
            self._sheets[title] = _read_sheet(self._wb[title], self.name, self.limits)
        return self._sheets[title]


def open_workbook(path: Path, name: str, limits: Limits | None = None) -> BoundedWorkbook:
    """Open `path` as a bounded workbook; InputError (one line naming `name`) when it cannot be."""
    return BoundedWorkbook(path, name, limits)


def check_zip(path: Path, name: str, limits: Limits) -> None:
    """Refuse what is not a zip, or would inflate beyond `limits.max_unzipped_mb`, before reading any part."""
    if not zipfile.is_zipfile(path):
        raise InputError(f"{name}: not a readable .xlsx workbook (not a ZIP container: truncated or another format)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{name}: not a readable .xlsx workbook ({exc})") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError(f"{name}: a workbook of {len(infos)} parts (more than {MAX_ZIP_MEMBERS}): not a data file")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_mb * MB:
        raise InputError(
            f"{name}: decompresses to {total / MB:,.0f} MB, more than the limit of {limits.max_unzipped_mb:,.0f} MB "
            "(limits.max_unzipped_mb in the global config)"
        )


def _load(path: Path, name: str) -> Any:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles / data validation it does not keep
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - BadZipFile, KeyError (missing part), XML errors...
            raise InputError(f"{name}: not a readable .xlsx workbook ({_short(exc)})") from None


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_sheet(ws: Any, name: str, limits: Limits) -> Sheet:
    """Stream a read-only sheet's XML, keeping the cells that hold a value (openpyxl's own parser)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    where = f"{name} [sheet {ws.title!r}]"
    budget = limits.max_cells
    kept: list[tuple[int, list[Any]]] = []  # (row number, values up to the row's last value)
    n_cells = width = 0
    wb = ws.parent
    # The read-only worksheet's own row generator pads every row to the declared width; its parser does not.
    try:
        with ws._get_source() as src:
            parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            for r, cells in parser.parse():
                values = {c["column"]: c["value"] for c in cells if c["value"] is not None and c["value"] != ""}
                if not values:
                    continue
                last = max(values)
                n_cells += last
                width = max(width, last)
                if n_cells > budget or r * width > budget:  # the dense table would exceed the cap
                    raise InputError(_too_large(where, r, width, budget))
                kept.append((r, [values.get(j) for j in range(1, last + 1)]))
            merged = [str(m.ref) for m in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed XML, a bad shared-string index...
        raise InputError(f"{where}: not a readable sheet ({_short(exc)})") from None
    rows: list[tuple[Any, ...]] = []
    pad = [None] * width
    for r, cells in kept:
        while len(rows) < r - 1:  # rows without values inside the used range
            rows.append(tuple(pad))
        rows.append(tuple(cells + pad[len(cells):]))
    return Sheet(ws.title, rows, merged)


def _too_large(where: str, rows: int, cols: int, budget: int) -> str:
    from openpyxl.utils import get_column_letter

    return (f"{where}: the cells holding values span A1:{get_column_letter(cols)}{rows} ({rows:,} rows x "
            f"{cols:,} columns), more than the "
            f"limit of {budget:,} cells (limits.max_cells in the global config); delete stray values far "
            "from the data")
