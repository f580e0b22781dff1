"""Which indicators a country's data can give, and why not the others: one answer for validate and build.

Why one module: `solutions validate` must say before a build what the build will leave out, in the same words
the page and the downloads use ("needs the individuals table", "variable X not mapped"), so both call this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from solutions.catalogue import Catalogue, Indicator
from solutions.config import CountryConfig
from solutions.indicators.columns import needed_variables
from solutions.indicators.measure import MeasureCheck

COLUMNS = ["indicator_id", "criterion", "title", "table", "computed", "reason", "note"]


@dataclass(frozen=True)
class Availability:
    indicator_id: str
    criterion: int
    title: str
    table: str
    computed: bool
    reason: str  # why not computed ("" when computed)
    note: str  # the country's note on the indicator (config `notes`), e.g. "proxy: ..."


def availability(cfg: CountryConfig, catalogue: Catalogue, *, measure: Indicator | None,
                 columns: Mapping[str, set[str]], check: MeasureCheck | None = None) -> list[Availability]:
    """Every indicator of the catalogue (dropped ones too), the country's own and the solutions measure, in
    catalogue order; `columns` holds each table's variables present in the data (absent table: no key).
    Whether the measure is computed is `check_measure`'s answer (`check`), so validate and build agree."""
    out = []
    dropped = set(cfg.drop_indicators)
    for ind in [*catalogue.indicators, *cfg.extra_indicators]:
        if ind.id in dropped and ind not in cfg.extra_indicators:
            out.append(_row(cfg, ind, "not collected in this survey (drop_indicators)"))
            continue
        out.append(_row(cfg, ind, _reason(ind, columns)))
    if measure is not None:
        absent = list(check.description.get("missing", [])) if check is not None else []
        reason = ""
        if check is not None and check.status == "not_available":
            reason = _unmapped(absent, "households") + ": the conditions of the solutions measure need them"
        out.append(_row(cfg, measure, reason))
    return out


def _reason(ind: Indicator, columns: Mapping[str, set[str]]) -> str:
    if ind.table not in columns:
        return f"needs the {ind.table} table"
    return _unmapped(sorted(needed_variables(ind) - columns[ind.table]), ind.table)


def _unmapped(absent: list[str], table: str) -> str:
    if not absent:
        return ""
    return f"variable{'s' if len(absent) > 1 else ''} {', '.join(absent)} not mapped (columns.{table})"


def _row(cfg: CountryConfig, ind: Indicator, reason: str) -> Availability:
    return Availability(ind.id, ind.criterion, ind.title, ind.table, not reason, reason, cfg.notes.get(ind.id, ""))


def as_frame(rows: list[Availability]) -> pd.DataFrame:
    return pd.DataFrame([r.__dict__ for r in rows], columns=COLUMNS)


def not_computed_line(rows: list[Availability]) -> str:
    """One line listing what will not be computed (for `solutions validate`), or ""."""
    missing = [r for r in rows if not r.computed]
    if not missing:
        return ""
    return (f"{len(missing)} indicator(s) will not be computed: "
            + "; ".join(f"{r.indicator_id} ({r.reason})" for r in missing))
