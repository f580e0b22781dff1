"""The small reference tables published beside the results: countries, indicators and IASC criteria.

They give the results' codes their names and definitions, and are what the data package's foreign keys point
to (``estimates.indicator_id`` → ``indicators.id`` ...). Built from the configs and the catalogue only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from solutions.atomic import write_with
from solutions.catalogue import CRITERIA, Catalogue, Indicator
from solutions.results import FLOAT_FORMAT

from .fields import TABLES

SOLUTIONS_CRITERION_NAME = "Solutions measure (criteria 1 to 5 together)"
COUNTRY_STATUS = {"ok": "built", "failed": "failed", "missing": "missing"}


def countries_table(countries: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    """``(iso3, name, status ok|failed|missing)`` → the countries table (no failure reasons: they may hold paths)."""
    rows = [{"iso3": iso, "name": name, "status": COUNTRY_STATUS.get(status, "missing")}
            for iso, name, status in countries]
    return pd.DataFrame(rows, columns=list(TABLES["countries"].fields))


def _indicator_row(ind: Indicator, scope: str) -> dict[str, object]:
    return {"id": ind.id, "criterion": ind.criterion, "title": ind.title, "short_title": ind.short_title,
            "definition": ind.definition, "universe_text": ind.universe_text or "", "kind": ind.kind,
            "unit": ind.unit, "direction": ind.direction, "prds_objective": ind.prds_objective,
            "level": ind.level, "disaggregations": ";".join(ind.disaggregations), "scope": scope}


def indicators_table(catalogue: Catalogue, measure: Indicator | None,
                     extras: Iterable[tuple[str, Indicator]] = ()) -> pd.DataFrame:
    """Every indicator a results table may name: the catalogue's, the solutions measure, countries' own.

    A country indicator whose code another already uses is listed once, under the first that defined it.
    """
    rows = [_indicator_row(i, "catalogue") for i in catalogue.indicators]
    if measure is not None:
        rows.append(_indicator_row(measure, "solutions measure"))
    seen = {r["id"] for r in rows}
    for iso, ind in extras:
        if ind.id not in seen:
            rows.append(_indicator_row(ind, iso))
            seen.add(ind.id)
    return pd.DataFrame(rows, columns=list(TABLES["indicator-catalogue"].fields))


def criteria_table() -> pd.DataFrame:
    """The IASC criteria by number, with 0 for the solutions measure."""
    rows = [{"criterion": 0, "name": SOLUTIONS_CRITERION_NAME}]
    rows += [{"criterion": c, "name": name} for c, name in CRITERIA.items()]
    return pd.DataFrame(rows, columns=list(TABLES["iasc-criteria"].fields))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading ``'`` (methodology section 5)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a reference table as CSV (atomically, stable bytes, text cells made inert for spreadsheets)."""
    text = df.apply(lambda col: col.map(inert_text) if col.dtype == object or pd.api.types.is_string_dtype(col)
                    else col)
    write_with(path, lambda p: text.to_csv(p, index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    return path
