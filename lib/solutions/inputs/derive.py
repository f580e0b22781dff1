"""Derived variables: computed from a table's other variables with the safe expression language.

Why after mapping: an expression reads variables (catalogue or country names, already recoded), never raw
columns, so `no_financial_access: {derived: "not (has_bank or has_mobile_money)"}` means the same whatever
the export. Derived variables may read each other; they are computed in dependency order. A binary
variable is a condition (1 where true, 0 where false, missing where unknown: three-valued logic); a number
is an arithmetic expression (missing where an operand is missing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solutions.catalogue import Variable, load_catalogue
from solutions.config import CountryConfig, Derived
from solutions.config_checks import derivation_order
from solutions.expressions import ExpressionError, parse
from solutions.inputs.messages import rows_problem


def derived_specs(cfg: CountryConfig, table: str) -> dict[str, tuple[str, Variable, str]]:
    """variable -> (expression, its type, the config key) for the derived variables of `table`."""
    out: dict[str, tuple[str, Variable, str]] = {}
    catalogue = load_catalogue().variables.get(table, {})
    for var, src in cfg.columns.get(table, {}).items():  # type: ignore[call-overload]
        if isinstance(src, Derived) and var in catalogue:
            out[var] = (src.derived, catalogue[var], f"columns.{table}.{var}.derived")
    for var, v in cfg.variables.get(table, {}).items():  # type: ignore[call-overload]
        if v.derived is not None:
            out[var] = (v.derived, v.as_catalogue_variable(), f"variables.{table}.{var}.derived")
    return out


def derive(frame: pd.DataFrame, cfg: CountryConfig, table: str, name: str) -> list[str]:
    """Add the derived variables of `table` to `frame` (in place); returns the problems."""
    specs = derived_specs(cfg, table)
    if not specs:
        return []
    problems: list[str] = []
    order = derivation_order({v: set(parse(text).names) for v, (text, _, _) in specs.items()})
    for var in order:
        text, spec, where = specs[var]
        expr = parse(text)
        absent = sorted(expr.names - set(frame.columns))
        if absent:
            problems.append(f"{name}: {where} reads {', '.join(absent)}, not in the {table} data (not mapped, or "
                            "failed above)")
            continue
        try:
            if spec.type == "binary":
                value, known = expr.truth(frame)
                frame[var] = pd.Series(np.where(known, value.astype(float), np.nan), index=frame.index)
                continue
            values = expr.values(frame)
        except ExpressionError as exc:
            problems.append(f"{name}: {where}: {exc}")
            continue
        if values.dtype == object:
            problems.append(f"{name}: {where}: {text!r} gives text, not a number")
            continue
        nums = pd.Series(values.to_numpy(dtype=float), index=frame.index)
        if spec.type == "integer":
            frac = nums.notna() & (nums % 1 != 0)
            if frac.any():
                problems.append(rows_problem(name, None, var, "a derived value that is not a whole number",
                                             list(frame.index[frac]), nums[frac]))
        frame[var] = nums
    return problems
