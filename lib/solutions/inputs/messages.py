"""One-line problem messages: file, column (source and catalogue name), a few values, the first lines.

Rows are named by their line in the file (the header is line 1, or `header_row`), as a spreadsheet shows them.

Values are shown only when they help and are safe: never for id columns or identifiers (`values=None`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

MAX_SHOWN = 5


def column_label(source: str | None, var: str) -> str:
    if source is None or source == var:
        return f"column '{var}'"
    return f"column '{source}' ({var})"


def show_values(values: Iterable[Any], limit: int = MAX_SHOWN) -> str:
    vals = list(dict.fromkeys(_text(v) for v in values))
    shown = ", ".join(f"'{v}'" for v in vals[:limit])
    return shown + (f", … ({len(vals)} distinct)" if len(vals) > limit else "")


def show_rows(rows: Sequence[int], limit: int = MAX_SHOWN) -> str:
    """The file lines of records (`line 7`, `lines 3, 9, …`): readers index records by their line."""
    rows = sorted(int(r) for r in rows)
    word = "line" if len(rows) == 1 else "lines"
    return f"{word} {', '.join(str(r) for r in rows[:limit])}" + (", …" if len(rows) > limit else "")


def rows_problem(
    name: str,
    source: str | None,
    var: str,
    what: str,
    rows: Sequence[int],
    values: Iterable[Any] | None = None,
    hint: str = "",
) -> str:
    """`households.csv: column 'wt' (weight): 3 rows with a negative weight (lines 12, 40, 77)`."""
    n = len(rows)
    detail = show_rows(rows)
    if values is not None:
        detail = f"values {show_values(values)}; {detail}"
    tail = f"; {hint}" if hint else ""
    return (
        f"{name}: {column_label(source, var)}: {n} {'row' if n == 1 else 'rows'} with {what} ({detail}){tail}"
    )


def _text(v: Any, limit: int = 40) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v)
    return s if len(s) <= limit else s[: limit - 1] + "…"
