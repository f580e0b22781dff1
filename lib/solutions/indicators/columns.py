"""Turn catalogue indicators into estimation columns: numerator, denominator and universe per record.

Every kind reduces to a ratio of weighted totals over a universe, so one estimator serves them all:
a proportion is (0/1 numerator) / 1, a distribution is one proportion per level, a ratio is two totals.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from solutions.catalogue import Catalogue, Indicator
from solutions.expressions import parse, referenced, take_by_code, text_codes


@dataclass(frozen=True)
class Column:
    """One estimable quantity: rows are (indicator, category); `kind` is what the row reports.

    Stored compactly, because a country holds dozens of columns over millions of records: a 0/1
    numerator is kept as bool, and a denominator that is 1 exactly on the universe (a proportion,
    a mean, a share among a sub-population) as None, meaning "1 on the universe".
    """

    indicator: Indicator
    kind: str
    category: str
    numerator: np.ndarray
    denominator: np.ndarray | None
    universe: np.ndarray  # bool: in the universe and not missing
    missing: np.ndarray  # bool: in the universe but excluded as missing

    def __post_init__(self) -> None:
        num = self.numerator
        if num.dtype != bool and ((num == 0) | (num == 1)).all():
            object.__setattr__(self, "numerator", num.astype(bool))
        den = self.denominator
        if den is not None and den.shape == self.universe.shape and np.array_equal(den, self.universe):
            object.__setattr__(self, "denominator", None)


def needed_variables(ind: Indicator) -> set[str]:
    names = set(ind.requires) | referenced(ind.universe) | referenced(ind.numerator)
    names |= referenced(ind.denominator)
    if ind.variable:
        names.add(ind.variable)
    return names


def evaluate(df: pd.DataFrame, expr: str | None) -> np.ndarray:
    """A boolean mask from a catalogue expression (the safe language of `solutions.expressions`);
    a record whose answer is unknown (a missing operand) is not in the mask. None means every record."""
    if expr is None:
        return np.ones(len(df), dtype=bool)
    return parse(expr).mask(df)


def _notna(df: pd.DataFrame, names: tuple[str, ...] | list[str]) -> np.ndarray:
    ok = np.ones(len(df), dtype=bool)
    for n in names:
        ok &= df[n].notna().to_numpy()
    return ok


def _level_masks(df: pd.DataFrame, catalogue: Catalogue, table: str,
                 variable: str) -> Iterator[tuple[str, np.ndarray]]:
    """(level, records holding it) per level of a categorical variable: the catalogue's declared levels
    first, then any other value present, sorted. Each distinct value is compared once, not each record."""
    codes, distinct = text_codes(df[variable])
    used = np.bincount(codes[codes >= 0], minlength=len(distinct)) > 0  # a categorical may declare unused values
    present = sorted({str(v) for v in distinct[used]})
    declared = catalogue.levels(table, variable)
    levels = list(declared) + [v for v in present if v not in declared] if declared else present
    for level in levels:
        yield level, take_by_code(codes, np.asarray(distinct == level, dtype=bool), False)


def columns_for(ind: Indicator, df: pd.DataFrame, catalogue: Catalogue) -> list[Column]:
    """The estimation columns of one indicator on its table (headline first, then any breakdown)."""
    in_scope = evaluate(df, ind.universe)
    complete = _notna(df, ind.requires)
    universe = in_scope & complete
    missing = in_scope & ~complete
    cols: list[Column] = []
    ones = universe.astype(float)
    if ind.kind == "proportion":
        y = evaluate(df, ind.numerator) & universe
        cols.append(Column(ind, ind.kind, "", y.astype(float), ones, universe, missing))
    elif ind.kind == "ratio":
        x = evaluate(df, ind.denominator) & universe
        y = evaluate(df, ind.numerator) & x
        cols.append(Column(ind, ind.kind, "", y.astype(float), x.astype(float), x, missing))
    elif ind.kind == "mean":
        v = pd.to_numeric(df[ind.variable], errors="coerce").to_numpy(dtype=float)
        u = universe & ~np.isnan(v)
        cols.append(Column(ind, ind.kind, "", np.where(u, v, 0.0), u.astype(float), u, missing | (universe & ~u)))
    elif ind.kind in ("distribution", "by_reason"):
        assert ind.variable is not None  # the catalogue model requires it of these kinds
        for level, is_level in _level_masks(df, catalogue, ind.table, ind.variable):
            y = is_level & universe
            cols.append(Column(ind, ind.kind, level, y.astype(float), ones, universe, missing))
    bd = ind.breakdown
    if bd is not None and bd.variable in df.columns and referenced(bd.among) <= set(df.columns):
        var = bd.variable
        condition = universe & evaluate(df, bd.among)
        among = condition & df[var].notna().to_numpy()
        miss = condition & df[var].isna().to_numpy()
        for level, is_level in _level_masks(df, catalogue, ind.table, var):
            y = is_level & among
            cols.append(Column(ind, "by_reason", level, y.astype(float), among.astype(float), among, miss))
    return cols
