"""Number and label formatting shared by charts, alt text and tables."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

PERCENT_KINDS = frozenset({"proportion", "distribution", "by_reason"})
DEFAULT_MIN_N = 30  # the methods page's fallback; pages read their thresholds from the results (thresholds.py)


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def is_percent(kind: str, values: Iterable[Any] = ()) -> bool:
    """Whether estimates of this kind are shares shown as percentages.

    Proportions, distributions and breakdowns always are; ratios and system-level values are when every
    finite value lies in [0, 1]; means never are.
    """
    if kind in PERCENT_KINDS:
        return True
    if kind == "mean":
        return False
    finite = [float(v) for v in values if not is_missing(v)]
    return all(0.0 <= v <= 1.0 for v in finite)


def fmt_value(value: Any, *, percent: bool, digits: int | None = None) -> str:
    """An estimate as text: ``55%`` for a share, ``3.2`` for a mean; ``–`` when missing."""
    if is_missing(value):
        return "–"
    v = float(value)
    if percent:
        d = 0 if digits is None else digits
        return f"{v * 100:.{d}f}%"
    d = 1 if digits is None else digits
    return f"{v:,.{d}f}"


MINUS = "\u2212"  # the typographic minus sign (read as "minus" by screen readers)


def signed(value: float, digits: int) -> str:
    """``+3``, ``−3`` or ``0``: rounded first, so a value that rounds to zero never prints as ``−0``."""
    v = round(float(value), digits)
    if v == 0:
        return f"{0:.{digits}f}"
    text = f"{abs(v):,.{digits}f}"
    return ("+" if v > 0 else MINUS) + text


def fmt_gap(value: Any, *, percent: bool) -> str:
    """A signed gap: ``−12 pp`` for shares, ``+0.4`` otherwise; never ``−0``."""
    if is_missing(value):
        return "–"
    if percent:
        return f"{signed(float(value) * 100, 0)} pp"
    return signed(float(value), 1)


def fmt_ci(low: Any, high: Any, *, percent: bool, gap: bool = False) -> str:
    """A confidence interval as ``50–60`` (no unit sign, the unit is in the column header / caption); a gap's
    as ``−5 to +3``."""
    if is_missing(low) or is_missing(high):
        return "–"
    scale = 100.0 if percent else 1.0
    digits = 0 if percent else 1
    lo, hi = float(low) * scale, float(high) * scale
    if gap:
        return f"{signed(lo, digits)} to {signed(hi, digits)}"
    return f"{_unsigned(lo, digits)}–{_unsigned(hi, digits)}"


def _unsigned(value: float, digits: int) -> str:
    v = round(value, digits)
    return f"{0.0 if v == 0 else v:,.{digits}f}".replace("-", MINUS)


def fmt_count(value: Any) -> str:
    """An integer count with thousands separators; ``–`` when missing."""
    if is_missing(value):
        return "–"
    return f"{round(float(value)):,d}"


def fmt_big(value: Any) -> str:
    """A large population figure in a short form (``1.2 million``, ``350,000``)."""
    if is_missing(value):
        return "–"
    v = float(value)
    if abs(v) >= 1_000_000:
        return f"{v / 1_000_000:,.1f} million"
    return f"{round(v):,d}"


def row_is_suppressed(row: Any) -> bool:
    """A row is withheld when flagged ``suppressed`` or when its estimate is missing."""
    flag = row.get("suppressed", False) if hasattr(row, "get") else False
    flag = False if is_missing(flag) else bool(flag)
    return flag or is_missing(row.get("estimate") if hasattr(row, "get") else None)


def short_hash(value: Any, length: int = 12) -> str:
    """The short form of a sha256 digest (``sha256:`` prefix dropped)."""
    text = "" if is_missing(value) else str(value)
    if text.startswith("sha256:"):
        text = text[len("sha256:") :]
    return text[:length]


def finite(values: Iterable[Any]) -> list[float]:
    """The finite floats among ``values``."""
    out = []
    for v in values:
        if not is_missing(v):
            f = float(v)
            if math.isfinite(f):
                out.append(f)
    return out
