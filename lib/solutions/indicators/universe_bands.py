"""Age-band labels as an indicator's universe leaves them (methodology §5: a label must say who is counted).

The derived `age_band` has fixed bands (`0-17`, `18-59`, `60+`); an indicator whose universe bounds age (LIV-1:
ages 15 to 64) only holds the part of a band inside it. That row is labelled by the intersection (`15-17`,
`18-59`, `60-64`), and a band the universe excludes altogether is not published at all (no LIV-1 row for `0-17`
or `60+`). The bounds are read from the universe expression (`age >= a`, `age > a`, `age <= b`, `age < b`,
`a <= age`, ... joined by `and`), never from the data: the youngest respondent does not move a label.
"""

from __future__ import annotations

import ast
import math

import pandas as pd

from solutions.catalogue import Catalogue
from solutions.expressions import parse

AGE = "age"
AGE_BAND = "age_band"


def _bound(op: ast.cmpop, value: float, age_left: bool) -> tuple[float, float]:
    """The (lo, hi) that one comparison of integer ages allows."""
    if not age_left:  # "15 <= age" reads as "age >= 15"
        op = {ast.Lt: ast.Gt(), ast.LtE: ast.GtE(), ast.Gt: ast.Lt(), ast.GtE: ast.LtE()}.get(type(op), op)
    if isinstance(op, ast.GtE):
        return math.ceil(value), math.inf
    if isinstance(op, ast.Gt):
        return math.floor(value) + 1, math.inf
    if isinstance(op, ast.LtE):
        return -math.inf, math.floor(value)
    if isinstance(op, ast.Lt):
        return -math.inf, math.ceil(value) - 1
    if isinstance(op, ast.Eq):
        return value, value
    return -math.inf, math.inf


def age_bounds(universe: str | None) -> tuple[float, float]:
    """The ages an indicator's universe keeps, (lo, hi) inclusive; (-inf, inf) when it does not bound age
    (or bounds it in a form this reader does not follow, such as an `or`: then no label changes)."""
    if not universe:
        return -math.inf, math.inf
    body = parse(universe).tree.body
    terms = body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
    lo, hi = -math.inf, math.inf
    for term in terms:
        if not isinstance(term, ast.Compare) or len(term.ops) != 1:
            continue
        left, right = term.left, term.comparators[0]
        if (isinstance(left, ast.Name) and left.id == AGE and isinstance(right, ast.Constant)
                and isinstance(right.value, int | float)):
            b = _bound(term.ops[0], float(right.value), True)
        elif (isinstance(right, ast.Name) and right.id == AGE and isinstance(left, ast.Constant)
              and isinstance(left.value, int | float)):
            b = _bound(term.ops[0], float(left.value), False)
        else:
            continue
        lo, hi = max(lo, b[0]), min(hi, b[1])
    return lo, hi


def band_label(band: str, span: tuple[int, int], bounds: tuple[float, float]) -> str | None:
    """The band's label within the universe's ages: itself when the universe keeps all of it, the
    intersection (`15-17`, `60-64`) when it cuts it, None when it excludes it."""
    lo, hi = max(span[0], bounds[0]), min(span[1], bounds[1])
    if lo > hi:
        return None
    if (lo, hi) == tuple(span):
        return band
    return f"{int(lo)}-{int(hi)}" if lo != hi else f"{int(lo)}"


def band_labels(catalogue: Catalogue, indicator_ids: set[str]) -> dict[str, dict[str, str | None]]:
    """indicator id -> {band: its label (None: not published)} for the indicators whose universe cuts a band."""
    out: dict[str, dict[str, str | None]] = {}
    for ind in catalogue.indicators:
        if ind.id not in indicator_ids or AGE_BAND not in ind.disaggregations:
            continue
        bounds = age_bounds(ind.universe)
        labels = {band: band_label(band, span, bounds) for band, span in catalogue.age_bands.items()}
        if any(label != band for band, label in labels.items()):
            out[ind.id] = labels
    return out


def relabel_age_bands(frame: pd.DataFrame, labels: dict[str, dict[str, str | None]]) -> pd.DataFrame:
    """Rows by age band relabelled by their indicator's universe; rows of a band it excludes dropped."""
    if frame.empty or not labels:
        return frame
    rows = (frame["disaggregation"] == AGE_BAND) & frame["indicator_id"].isin(list(labels))
    if not rows.any():
        return frame
    new = [labels[i].get(v, v) for i, v in zip(frame.loc[rows, "indicator_id"], frame.loc[rows, "disaggregation_value"],
                                               strict=True)]
    out = frame.copy()
    out.loc[rows, "disaggregation_value"] = pd.Series(new, index=out.index[rows], dtype=object)
    keep = ~rows | out["disaggregation_value"].notna()
    return out[keep.to_numpy()].reset_index(drop=True)
