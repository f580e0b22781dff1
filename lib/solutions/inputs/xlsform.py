"""Kobo / ODK exports: the XLSForm's choice lists and multi-select questions.

Why: Kobo and ODK exports hold either the choice *codes* (XML values such as `host_family`) or their *labels*
("Host family"), depending on the export settings, while a country config's `recode` and `groups` may be
written with the other. With the form's `choices` sheet, the mapping step can match a value by its code or by
any of its labels (every `label::<language>` column; see `mapping.py`), so one config works for both kinds of
export. The form is given as its .xlsx workbook, or as its `choices` (and optionally `survey`) sheets saved as
CSV files, told apart by their columns (`list_name` for choices, `type` for survey).

Multi-select questions arrive in two shapes:

* one column with space-separated codes (`barrier = "distance insecurity"`): `expand_multiselect` turns it
  into 0/1 columns `barrier/distance`, `barrier/insecurity`;
* one 0/1 column per option (`barrier/distance`, `barrier/insecurity`, Kobo's "separate columns" export).

A catalogue *category* variable can be mapped from a multi-select question by giving the column prefix
ending in `/` (`columns.households.assistance_barrier: "barrier/"`). Rule: the value is the first selected
option in the form's choice-list order when the form is given (so both shapes give the same answer), else
the first option column in file order, or for space-separated codes the first code written; no option
selected, or all missing, gives a missing value.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from solutions.errors import InputError

if TYPE_CHECKING:
    from solutions.config import Limits

TRUE_TOKENS = {"1", "1.0", "true", "yes", "oui", "si", "sí", "selected"}
FALSE_TOKENS = {"0", "0.0", "false", "no", "non", "not selected"}


@dataclass(frozen=True)
class XLSForm:
    """Choice lists (list_name -> {code: labels, one per language}) and select questions
    (name -> (kind, list_name))."""

    choices: dict[str, dict[str, tuple[str, ...]]]
    questions: dict[str, tuple[str, str]] = field(default_factory=dict)

    def labels_for(self, column: str) -> dict[str, tuple[str, ...]] | None:
        """Code -> labels for a data column, matched by the question name (last `/` segment: Kobo group paths
        such as `protection/barrier` name the question `barrier`)."""
        q = self.questions.get(column.rstrip("/").split("/")[-1])
        if q:
            return self.choices.get(q[1])
        return None

    def is_multiple(self, column: str) -> bool:
        q = self.questions.get(column.rstrip("/").split("/")[-1])
        return q is not None and q[0] == "select_multiple"


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
HINT = "an XLSForm is given as its .xlsx workbook or as its `choices` (and `survey`) sheets saved as CSV files"


def read_xlsform(files: list[tuple[Path, str]], limits: Limits | None = None) -> XLSForm:
    """Read an XLSForm from its workbook or from its sheets as CSV files (`choices`, optionally `survey`).

    Which CSV file is which sheet is told by its columns (`list_name` for choices, `type` for survey), so the
    order and the file names do not matter. Every failure is one `InputError` line naming the file. Every
    read is bounded by `limits` (the global config's), as the data files are.
    """
    choices: list[tuple[pd.DataFrame, str]] = []
    surveys: list[tuple[pd.DataFrame, str]] = []
    for path, name in files:
        for sheet, frame in _sheets(path, name, limits):
            (choices if sheet == "choices" else surveys).append((frame, name))
    if not choices:
        shown = ", ".join(n for _, n in files)
        raise InputError(f"{shown}: no XLSForm choices sheet (columns list_name, name, label); {HINT}")
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for frame, name in choices:
        for lst, codes in _choices(frame, name).items():
            out.setdefault(lst, {}).update(codes)
    questions: dict[str, tuple[str, str]] = {}
    for frame, _ in surveys:
        questions.update(_questions(frame))
    return XLSForm(choices=out, questions=questions)


def _sheets(path: Path, name: str, limits: Limits | None) -> list[tuple[str, pd.DataFrame]]:
    """(sheet kind, frame) pairs of one XLSForm file: a workbook's choices/survey sheets, or one CSV sheet."""
    from solutions.config import DataFile
    from solutions.inputs.readers import read_table

    if not path.is_file():
        raise InputError(f"{name}: XLSForm file not found")
    with open(path, "rb") as fh:
        head = fh.read(4)
    if path.suffix.lower() == ".xls":
        raise InputError(f"{name}: old Excel .xls files are not read; {HINT}")
    if zipfile.is_zipfile(path):
        try:
            choices = DataFile(path=str(path), format="excel", sheet="choices")
            frames = [("choices", read_table(path, choices, name, limits))]
        except InputError as exc:
            raise InputError([p.replace("sheet 'choices' not found", "no 'choices' sheet in the XLSForm")
                              for p in exc.problems]) from None
        try:
            survey = DataFile(path=str(path), format="excel", sheet="survey")
            frames.append(("survey", read_table(path, survey, name, limits)))
        except InputError as exc:
            if "not found" not in str(exc):  # a form without its survey sheet still gives the codes and labels
                raise
        return frames
    if head.startswith(b"PK") or path.suffix.lower() in WORKBOOK_SUFFIXES and b"\x00" in head:
        raise InputError(f"{name}: not a readable XLSForm workbook (a damaged .xlsx: the ZIP container is "
                         f"truncated or corrupt); {HINT}")
    try:
        frame = read_table(path, DataFile(path=str(path), format="csv"), name, limits)
    except InputError as exc:
        raise InputError(f"{exc.problems[0]}; {HINT}") from None
    header = {str(c).strip().lower() for c in frame.columns}
    if {"list_name", "name"} <= header:
        return [("choices", frame)]
    if {"type", "name"} <= header:
        return [("survey", frame)]
    raise InputError(f"{name}: neither an XLSForm choices sheet (columns list_name, name, label) nor a survey sheet "
                     f"(columns type, name); {HINT}")


def _choices(frame: pd.DataFrame, name: str) -> dict[str, dict[str, tuple[str, ...]]]:
    cols = {str(c).strip().lower(): c for c in frame.columns}
    labels = [cols[c] for c in cols if c == "label"] + [cols[c] for c in sorted(cols) if c.startswith("label:")]
    missing = [c for c in ("list_name", "name") if c not in cols] + ([] if labels else ["label"])
    if missing:
        raise InputError(f"{name} [choices]: missing column(s) {', '.join(missing)}")
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for row in frame.itertuples(index=False):
        rec = dict(zip(frame.columns, row, strict=True))
        lst, code = _text(rec[cols["list_name"]]), _text(rec[cols["name"]])
        if not lst or not code:
            continue
        texts = tuple(dict.fromkeys(t for t in (_text(rec[c]) for c in labels) if t))
        out.setdefault(lst, {})[code] = texts or (code,)
    return out


def _questions(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    cols = {str(c).strip().lower(): c for c in frame.columns}
    if "type" not in cols or "name" not in cols:
        return {}
    out = {}
    for kind, q in zip(frame[cols["type"]], frame[cols["name"]], strict=True):
        parts = _text(kind).split()
        if len(parts) >= 2 and parts[0] in ("select_one", "select_multiple") and _text(q):
            out[_text(q)] = (parts[0], parts[1])
    return out


def _text(v: Any) -> str:
    if _is_missing(v):
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
        vals: dict[str, float | None] = {}
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
