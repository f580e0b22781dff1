"""The report's one number style, shared by tables, chart labels, alt text, sentences and chart data notes.

One decimal policy per kind of number (``DIGITS``): shares in percent and gaps in percentage points without
decimals, means and ratios with one, design factors (design effects) with two, counts as integers; every
number with thousands separators (``2,186``) and the typographic minus U+2212 (``−3.2``, read as "minus" by
screen readers); never ``−0``. Pages never call ``format`` on a number themselves: a test scans every rendered
page of both renderers for hyphen-minus numbers, unseparated thousands and stray decimals.
"""

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


MINUS = "\u2212"  # the typographic minus sign (read as "minus" by screen readers)

#: Decimals per kind of number: the one policy of every page, chart and alt text.
DIGITS: dict[str, int] = {"percent": 0, "points": 0, "mean": 1, "ratio": 1, "factor": 2, "count": 0}


def number(value: float, digits: int = 0) -> str:
    """``value`` rounded to ``digits`` with thousands separators and U+2212 for negatives; never ``−0``."""
    v = round(float(value), digits)
    text = f"{abs(v):,.{digits}f}"
    return MINUS + text if v < 0 else text


def fmt_value(value: Any, *, percent: bool, digits: int | None = None) -> str:
    """An estimate as text: ``55%`` for a share, ``3.2`` for a mean; ``–`` when missing."""
    if is_missing(value):
        return "–"
    v = float(value)
    if percent:
        return number(v * 100, DIGITS["percent"] if digits is None else digits) + "%"
    return number(v, DIGITS["mean"] if digits is None else digits)


def fmt_number(value: Any, kind: str) -> str:
    """A number of one of the kinds of ``DIGITS`` (``percent`` expects a share in [0, 1]); ``–`` when missing."""
    if is_missing(value):
        return "–"
    if kind == "percent":
        return fmt_value(value, percent=True)
    return number(float(value), DIGITS[kind])


def fmt_share(value: Any) -> str:
    """A share of a total that may be tiny (a household's part of a weighted total): ``2%``, ``under 1%``,
    under the percent policy (no decimals) without printing a misleading ``0%``."""
    if is_missing(value):
        return "–"
    v = float(value) * 100
    return "under 1%" if 0 < v < 0.5 else number(v, DIGITS["percent"]) + "%"


def signed(value: float, digits: int) -> str:
    """``+3``, ``−3`` or ``0``: rounded first, so a value that rounds to zero never prints as ``−0``."""
    v = round(float(value), digits)
    if v == 0:
        return number(0, digits)
    return ("+" if v > 0 else "") + number(v, digits)


def fmt_gap(value: Any, *, percent: bool) -> str:
    """A signed gap: ``−12 pp`` for shares, ``+0.4`` otherwise; never ``−0``."""
    if is_missing(value):
        return "–"
    if percent:
        return f"{signed(float(value) * 100, DIGITS['points'])} pp"
    return signed(float(value), DIGITS["mean"])


def fmt_ci(low: Any, high: Any, *, percent: bool, gap: bool = False) -> str:
    """A confidence interval as ``50–60`` (no unit sign, the unit is in the column header / caption); a gap's
    as ``−5 to +3``."""
    if is_missing(low) or is_missing(high):
        return "–"
    scale = 100.0 if percent else 1.0
    digits = DIGITS["percent"] if percent else DIGITS["mean"]
    lo, hi = float(low) * scale, float(high) * scale
    if gap:
        return f"{signed(lo, digits)} to {signed(hi, digits)}"
    return f"{_unsigned(lo, digits)}–{_unsigned(hi, digits)}"


def _unsigned(value: float, digits: int) -> str:
    return number(value, digits)


def fmt_count(value: Any) -> str:
    """An integer count with thousands separators; ``–`` when missing."""
    if is_missing(value):
        return "–"
    return number(float(value), DIGITS["count"])


def fmt_big(value: Any) -> str:
    """A large population figure in a short form (``1.2 million``, ``350,000``)."""
    if is_missing(value):
        return "–"
    v = float(value)
    if abs(v) >= 1_000_000:
        return f"{number(v / 1_000_000, 1)} million"
    return number(v, DIGITS["count"])


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
