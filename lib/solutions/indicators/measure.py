"""The solutions measure (methodology.md section 3): households meeting the configured conditions of
criteria 1-5, as a catalogue-style indicator computed by the same engine as every other indicator, for
every displaced group and for the comparison group (the benchmark).

Which conditions a country can be scored on depends on the variables its data has, so `check_measure` is
the one place that decides it: `solutions validate` and the build both call it, and they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from solutions.catalogue import SHARE_MARGIN, SOLUTIONS_ID, SOLUTIONS_TITLE, Indicator, Margin
from solutions.config import GlobalConfig, SolutionsMeasure
from solutions.errors import InputError
from solutions.expressions import parse, referenced


@dataclass(frozen=True)
class MeasureCheck:
    """What a country's data allows of the configured measure.

    `description` is `CountryResults.solutions_measure` (docs/architecture.md; `{}` without a configured
    measure); `problems` are invalid-input lines (only with `missing_conditions: error`); `notes` say
    when the measure is not available or partial.
    """

    description: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.description.get("status", ""))

    def notes_or_raise(self) -> list[str]:
        """The notes; with problems, stop the country as invalid input (exit 2) like any other input problem."""
        if self.problems:
            raise InputError(self.problems)
        return self.notes


def scoring_text(measure: SolutionsMeasure) -> str | dict[str, int]:
    return "all" if measure.scoring == "all" else {"at_least": measure.required}


def check_measure(gcfg: GlobalConfig, variables: Iterable[str]) -> MeasureCheck:
    """The measure's status for a country whose household data has `variables` (catalogue names)."""
    measure = gcfg.solutions_measure
    if measure is None:
        return MeasureCheck()
    have = set(variables)
    conditions: list[dict[str, Any]] = []
    for c in measure.conditions:
        missing = sorted(referenced(c.condition) - have)
        conditions.append({"criterion": c.criterion, "label": c.label, "condition_text": c.condition,
                           "available": not missing, "missing": missing})
    missing_all = sorted({v for c in conditions for v in c["missing"]})
    n_available = sum(c["available"] for c in conditions)
    need = measure.required if measure.scoring != "all" else 1
    if not missing_all:
        status = "available"
    elif measure.missing_conditions == "partial" and n_available >= need:
        status = "partial"
    else:
        status = "not_available"
    description = {"scoring": scoring_text(measure), "conditions": conditions, "status": status,
                   "missing": missing_all}
    if not missing_all:
        return MeasureCheck(description)
    lacking = "; ".join(f"criterion {c['criterion']} '{c['label']}' needs {', '.join(c['missing'])}"
                        for c in conditions if c["missing"])
    where = f"variable(s) {', '.join(missing_all)} not in the households data ({lacking})"
    if measure.missing_conditions == "error":
        return MeasureCheck(description, problems=[
            f"solutions_measure: {where}; the global config sets missing_conditions: error"])
    if status == "partial":
        note = (f"solutions measure computed over {n_available} of {len(conditions)} conditions (partial): "
                f"{where}")
    else:
        note = f"solutions measure not available: {where}"
    return MeasureCheck(description, notes=[note])


def solutions_indicator(gcfg: GlobalConfig, check: MeasureCheck) -> Indicator | None:
    """The household-level solutions measure as a catalogue-style indicator (conditions from config)."""
    measure = gcfg.solutions_measure
    if measure is None:
        return None
    used = [c for c in check.description["conditions"] if c["available"]] or check.description["conditions"]
    labels = "; ".join(c["label"] for c in used)
    k = _required(measure, len(used))
    rule = "every" if k == len(used) else f"at least {k} of the {len(used)}"
    partial = " (partial: only the conditions this country's data allows)" if check.status == "partial" else ""
    return Indicator(
        id=SOLUTIONS_ID, criterion=0,
        title=f"Households meeting {rule} solutions condition{'s' if k > 1 or rule == 'every' else ''} "
              f"(criteria 1-5){partial}",
        short_title=SOLUTIONS_TITLE,
        definition=f"Share of households that meet {rule} household-level condition(s) of criteria 1-5: "
                   f"{labels}.{partial}",
        kind="proportion", table="households", unit="household", numerator="solutions_met == 1",
        requires=("solutions_met",), direction="higher", prds_objective=1, level="household",
        disaggregations=("urban_rural", "admin1"), margin=Margin(absolute=SHARE_MARGIN),
    )


def _required(measure: SolutionsMeasure, n_used: int) -> int:
    return n_used if measure.scoring == "all" else min(measure.required, n_used)


def solutions_met(households: pd.DataFrame, gcfg: GlobalConfig, check: MeasureCheck | None = None) -> pd.Series:
    """1 when a household meets the measure, 0 when it cannot, NaN when its missing answers decide.

    Three-valued logic (`solutions.expressions`): a condition whose answer depends on a missing value is
    unknown. A household meets the measure when at least k conditions are known to hold (k = all of them
    under the IRIS rule), fails when even the unknown ones could not bring it to k, and is unknown
    otherwise. Only the conditions `check` marks available are used (all of them without a check).
    """
    measure = gcfg.solutions_measure
    if measure is None:
        raise ValueError("the global config has no solutions_measure")
    conditions = measure.conditions
    if check is not None and check.description:
        conditions = [c for c, d in zip(conditions, check.description["conditions"], strict=True) if d["available"]]
    n = len(households)
    met = np.zeros(n, dtype=np.int64)
    unknown = np.zeros(n, dtype=np.int64)
    for cond in conditions:
        value, known = parse(cond.condition).truth(households)
        met += known & value
        unknown += ~known
    k = _required(measure, len(conditions))
    out = np.where(met >= k, 1.0, np.where(met + unknown < k, 0.0, np.nan))
    return pd.Series(out, index=households.index)
