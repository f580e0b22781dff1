"""What the pages say about the solutions measure (``SOL-1``): its rule, its conditions, and whether a
country's data allow it (available, partial over the available conditions, or not available with the
missing variables named), read from ``CountryResults.solutions_measure`` / ``GlobalResults.solutions_measure``
(the results contract of issue #11).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Condition:
    """One condition of the measure: the criterion it stands for, its label and plain-language text, and
    whether the country's data hold its variables."""

    criterion: int
    label: str
    text: str = ""
    available: bool = True
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureInfo:
    """The measure as configured and, for one country, whether it could be computed."""

    scoring: str | int  # "all", or k for "at least k conditions"
    conditions: tuple[Condition, ...]
    status: str = "available"  # available | partial | not_available
    missing: tuple[str, ...] = ()

    @property
    def used(self) -> tuple[Condition, ...]:
        """The conditions the measure was computed over."""
        return tuple(c for c in self.conditions if c.available)


def _condition(c: Mapping[str, Any]) -> Condition:
    return Condition(criterion=int(c["criterion"]), label=str(c["label"]),
                     text=str(c.get("condition_text") or ""), available=bool(c.get("available", True)),
                     missing=tuple(str(v) for v in c.get("missing") or ()))


def measure_info(value: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> MeasureInfo:
    """The typed view of a results object's ``solutions_measure``.

    The contract form is a mapping (``scoring``, ``conditions``, ``status``, ``missing``); results written
    before it carried the configured conditions only, which are read as an available measure scored ``all``.
    """
    if isinstance(value, Mapping):
        scoring = value.get("scoring", "all")
        if isinstance(scoring, Mapping):
            scoring = int(scoring["at_least"])
        return MeasureInfo(scoring=scoring, conditions=tuple(_condition(c) for c in value.get("conditions", ())),
                           status=str(value.get("status", "available")),
                           missing=tuple(str(v) for v in value.get("missing") or ()))
    return MeasureInfo(scoring="all", conditions=tuple(_condition(c) for c in value))


def rule_text(info: MeasureInfo) -> str:
    """The scoring rule in words."""
    n = len(info.used) if info.status == "partial" else len(info.conditions)
    if info.scoring == "all":
        return f"a household meets the measure when it meets every one of the {n} conditions below"
    return f"a household meets the measure when it meets at least {info.scoring} of the {n} conditions below"


def missing_words(info: MeasureInfo, catalogue: Any = None) -> str:
    """The missing variables of ``info`` in a reader's words, never their names: the labels of the measure's
    conditions that need them (the condition's own list, or its text naming the variable), else the titles
    of the catalogue's indicators that require them (``catalogue``, the packaged one by default); "" when
    none is known."""
    said: list[str] = []
    for variable in info.missing:
        word = re.compile(rf"\b{re.escape(variable)}\b")
        labels = [c.label for c in info.conditions if variable in c.missing or word.search(c.text)]
        if not labels:
            if catalogue is None:
                from solutions.catalogue import load_catalogue

                catalogue = load_catalogue()
            labels = [i.title for i in catalogue.indicators if variable in i.requires]
        said += [f"“{label}”" for label in labels if f"“{label}”" not in said]
    return ", ".join(said)


def status_text(info: MeasureInfo, catalogue: Any = None) -> str:
    """What a reader must know about the measure in this country ("" when it is fully available); what the
    survey lacks is said by the conditions or indicators that need it (``missing_words``), never a variable."""
    words = missing_words(info, catalogue)
    if info.status == "not_available":
        return ("Not available: this survey lacks answers the measure needs"
                + (f" (for {words})." if words else "."))
    if info.status == "partial":
        # per country the conditions say which were used; the global table names the missing variables only
        known = len(info.used) < len(info.conditions)
        used = f" (criteria {', '.join(str(c.criterion) for c in info.used)})" if known else ""
        return (f"Partial: computed over the available conditions only{used}"
                + (f"; not collected: the answers for {words}." if words else "."))
    return ""


def conditions_frame(info: MeasureInfo) -> pd.DataFrame:
    """The conditions as a table: criterion, condition, and whether this survey holds its variables."""
    records = []
    for c in info.conditions:
        records.append({
            "Criterion": c.criterion,
            "Condition": c.label,
            "In this survey": "yes" if c.available else "no: not collected in this survey",
        })
    return pd.DataFrame(records, dtype=object)


def country_statuses(value: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> dict[str, MeasureInfo]:
    """Per country, whether the measure could be computed (``GlobalResults.solutions_measure["countries"]``:
    rows of ``iso3``, ``status``, ``missing``); empty when the results carry no such table."""
    if not isinstance(value, Mapping):
        return {}
    table = value.get("countries")
    if table is None:
        return {}
    rows = table.to_dict("records") if isinstance(table, pd.DataFrame) else list(table)
    base = measure_info(value)
    out = {}
    for r in rows:
        missing = r.get("missing") or ()
        if isinstance(missing, str):  # the global table joins the variable names with ", "
            missing = tuple(v.strip() for v in missing.split(",") if v.strip())
        out[str(r["iso3"])] = MeasureInfo(scoring=base.scoring, conditions=base.conditions,
                                          status=str(r.get("status", "available")), missing=missing)
    return out
