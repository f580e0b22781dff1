"""Kobo / ODK exports: the XLSForm's choice lists and multi-select questions.

Why: Kobo and ODK exports hold either the choice *codes* (XML values such as `host_family`) or their *labels*
("Host family"), depending on the export settings, while a country config's `recode` and `groups` may be
written with the other. With the form's `choices` sheet, the mapping step can match a value by its code or by
its label (see `mapping.py`), so one config works for both kinds of export.

Multi-select questions arrive in two shapes:

* one column with space-separated codes (`barrier = "distance insecurity"`): `expand_multiselect` turns it
  into 0/1 columns `barrier/distance`, `barrier/insecurity`;
* one 0/1 column per option (`barrier/distance`, `barrier/insecurity`, Kobo's "separate columns" export).

A catalogue *category* variable can be mapped from a multi-select question by giving the column prefix
ending in `/` (`columns.households.assistance_barrier: "barrier/"`). Rule: the value is the option of the
first selected column in file order (Kobo writes options in choice-list order); no option selected, or all
missing, gives a missing value. When no column starts with the prefix but a column named like the prefix
without `/` exists, its space-separated codes are expanded first (first code written wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solutions.errors import InputError

TRUE_TOKENS = {"1", "1.0", "true", "yes", "oui", "si", "sí", "selected"}
FALSE_TOKENS = {"0", "0.0", "false", "no", "non", "not selected"}


@dataclass(frozen=True)
class XLSForm:
    """Choice lists (list_name -> {code: label}) and select questions (name -> (kind, list_name))."""

    choices: dict[str, dict[str, str]]
    questions: dict[str, tuple[str, str]] = field(default_factory=dict)

    def labels_for(self, column: str) -> dict[str, str] | None:
        """Code -> label for a data column, matched by the question name (last `/` segment of the column)."""
        q = self.questions.get(column.rstrip("/").split("/")[-1])
        if q:
            return self.choices.get(q[1])
        return None


def read_xlsform(path: Path, name: str) -> XLSForm:
    """Read the `choices` (and, when present, `survey`) sheets of an XLSForm."""
    from solutions.inputs.readers import _open_workbook

    if not path.is_file():
        raise InputError(f"{name}: XLSForm file not found")
    wb = _open_workbook(path, name)
    sheets = {s.strip().lower(): s for s in wb.sheetnames}
    if "choices" not in sheets:
        raise InputError(
            f"{name}: no 'choices' sheet in the XLSForm; available sheets: {', '.join(repr(s) for s in wb.sheetnames)}"
        )
    rows = _rows(wb[sheets["choices"]])
    if not rows:
        raise InputError(f"{name} [sheet 'choices']: the sheet is empty")
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    label_col = next((i for i, h in enumerate(header) if h == "label"), None)
    if label_col is None:
        label_col = next((i for i, h in enumerate(header) if h.startswith("label")), None)
    missing = [c for c in ("list_name", "name") if c not in header]
    if missing or label_col is None:
        need = missing + ([] if label_col is not None else ["label"])
        raise InputError(f"{name} [sheet 'choices']: missing column(s) {', '.join(need)}")
    i_list, i_name = header.index("list_name"), header.index("name")
    choices: dict[str, dict[str, str]] = {}
    for r in rows[1:]:
        lst, code = _cell(r, i_list), _cell(r, i_name)
        if not lst or not code:
            continue
        choices.setdefault(lst, {})[code] = _cell(r, label_col) or code
    questions: dict[str, tuple[str, str]] = {}
    if "survey" in sheets:
        srows = _rows(wb[sheets["survey"]])
        if srows:
            sh = [str(h).strip().lower() if h is not None else "" for h in srows[0]]
            if "type" in sh and "name" in sh:
                i_type, i_q = sh.index("type"), sh.index("name")
                for r in srows[1:]:
                    parts = _cell(r, i_type).split()
                    if len(parts) >= 2 and parts[0] in ("select_one", "select_multiple"):
                        questions[_cell(r, i_q)] = (parts[0], parts[1])
    return XLSForm(choices=choices, questions=questions)


def _rows(ws: Any) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]


def _cell(row: tuple, i: int) -> str:
    v = row[i] if i < len(row) else None
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def expand_multiselect(series: pd.Series, prefix: str | None = None) -> pd.DataFrame:
    """Space-separated codes -> one float 0/1 column per code (`<prefix>/<code>`), NaN where the answer is missing.

    Columns are in order of first appearance, so "first selected" keeps the order the export wrote.
    """
    prefix = prefix if prefix is not None else (str(series.name) if series.name is not None else "")
    tokens = pd.Series(
        [None if _is_missing(v) else str(v).split() for v in series], index=series.index, dtype=object
    )
    codes: list[str] = []
    for toks in tokens:
        if not isinstance(toks, list):
            continue
        for t in toks:
            if t not in codes:
                codes.append(t)
    out = {}
    for code in codes:
        col = f"{prefix}/{code}" if prefix else code
        out[col] = tokens.map(
            lambda toks, c=code: float(c in toks) if isinstance(toks, list) else float("nan")
        )
    return pd.DataFrame(out, index=series.index, dtype="float64")


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        if pd.isna(v):
            return True
    except (TypeError, ValueError):
        return False
    return isinstance(v, str) and not v.strip()


def selected_flags(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, list[Any], list[int]]]]:
    """0/1/True/False/yes/no option columns -> float 0/1/NaN; also (column, bad values, rows) for unreadable cells."""
    out = {}
    bad: list[tuple[str, list[Any], list[int]]] = []
    for col in frame.columns:
        s = frame[col]
        vals = {}
        for v in pd.unique(s.dropna()):
            t = str(v).strip().lower()
            if t == "":
                vals[v] = float("nan")
            elif t in TRUE_TOKENS:
                vals[v] = 1.0
            elif t in FALSE_TOKENS:
                vals[v] = 0.0
            else:
                vals[v] = None
        unknown = [v for v, r in vals.items() if r is None]
        if unknown:
            rows = [int(i) for i in s.index[s.isin(unknown)]]
            bad.append((str(col), unknown, rows))
        # a dict lookup per cell; missing cells and unreadable values (None) become NaN
        out[col] = pd.to_numeric(s.map({v: r for v, r in vals.items() if r is not None}), errors="coerce")
    return pd.DataFrame(out, index=frame.index, dtype="float64"), bad


def first_selected(flags: pd.DataFrame, prefix: str) -> pd.Series:
    """The option (column name after `prefix`) of the first column equal to 1; NaN when none is selected."""
    options = np.array([str(c)[len(prefix) :] for c in flags.columns] + [None], dtype=object)
    hit = flags.to_numpy(dtype="float64") == 1
    first = np.where(hit.any(axis=1), hit.argmax(axis=1), len(options) - 1) if hit.size else np.full(len(flags), -1)
    return pd.Series(options[first], index=flags.index, dtype=object)
