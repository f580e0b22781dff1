"""The text of one result wherever it reaches a reader (table cell, chart label, alt text, figure CSV):
its value with the flag mark, its CI, "none observed" instead of ``0% (0–0)``, or why it is withheld.

One function per kind of text, so a flagged or withheld estimate reads the same in every table, chart and
alt text (issue #13 item 4: one vocabulary for uncertainty).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from solutions.config import Thresholds

from .formatting import fmt_ci, fmt_gap, fmt_value, is_missing, signed
from .wording import (
    ALL_OBSERVED,
    NONE_OBSERVED,
    flag_codes,
    flag_words,
    gap_summary,
    margin_text,
    marked,
    precise,
    withheld_text,
)


def is_withheld(row: Mapping[str, Any]) -> bool:
    """A row is withheld when marked ``suppressed`` or when its estimate is missing."""
    flag = row.get("suppressed", False)
    return (not is_missing(flag) and bool(flag)) or is_missing(row.get("estimate"))


def is_flagged(row: Mapping[str, Any]) -> bool:
    """A published estimate carrying a precision flag (``high_cv``, ``low_df``)."""
    return not is_withheld(row) and bool(flag_codes(row.get("flag")))


def extreme(row: Mapping[str, Any], *, percent: bool) -> str:
    """``none observed`` for a share of exactly 0, ``all observed`` for exactly 1 (their CIs collapse to a
    point, which ``0% (0–0)`` would present as a precise measurement); "" otherwise."""
    if not percent or is_withheld(row):
        return ""
    v = float(row["estimate"])
    if v == 0.0:
        return NONE_OBSERVED
    if v == 1.0:
        return ALL_OBSERVED
    return ""


def value_text(row: Mapping[str, Any], *, percent: bool, unit_sign: bool = True) -> str:
    """The estimate with its flag mark (``55%†``), ``none observed``, or "" when withheld."""
    if is_withheld(row):
        return ""
    special = extreme(row, percent=percent)
    if special:
        return special
    text = fmt_value(row["estimate"], percent=percent)
    return marked(text if unit_sign else text.rstrip("%"), row.get("flag"))


def ci_text(row: Mapping[str, Any], *, percent: bool) -> str:
    """The CI (``50–60``), or "" when withheld or when the estimate is an observed extreme."""
    if is_withheld(row) or extreme(row, percent=percent):
        return ""
    text = fmt_ci(row.get("ci_low"), row.get("ci_high"), percent=percent)
    return "" if text == "–" else text


def cell_text(row: Mapping[str, Any], *, percent: bool, thresholds: Thresholds,
              ci_label: str = "") -> str:
    """One estimate in a table cell: ``55%† (50–60)``, ``none observed`` or the reason it is withheld."""
    if is_withheld(row):
        return withheld_text(row.get("suppression_reason"), thresholds)
    value = value_text(row, percent=percent)
    ci = ci_text(row, percent=percent)
    return f"{value} ({ci_label}{ci})" if ci else value


def estimate_phrase(row: Mapping[str, Any], *, percent: bool, thresholds: Thresholds) -> str:
    """One estimate in a sentence: ``55%† (CI 50–60)``, ``none observed`` or the reason it is withheld."""
    return cell_text(row, percent=percent, thresholds=thresholds, ci_label="CI ")


def note_text(row: Mapping[str, Any], thresholds: Thresholds) -> str:
    """Why a value is withheld, or what its flag means; "" for a plain published estimate."""
    if is_withheld(row):
        return withheld_text(row.get("suppression_reason"), thresholds)
    return flag_words(row.get("flag"), thresholds)


def gap_withheld(gap: Mapping[str, Any]) -> bool:
    """A gap without a number (a side withheld, or nothing to compare)."""
    return is_missing(gap.get("gap"))


def gap_text(gap: Mapping[str, Any], *, percent: bool) -> str:
    """The signed gap (``−12``, in points for shares), "" when there is none."""
    return "" if gap_withheld(gap) else fmt_gap(gap["gap"], percent=percent).replace(" pp", "")


def gap_ci_text(gap: Mapping[str, Any], *, percent: bool) -> str:
    """The gap's CI (``−20 to −4``), "" when there is none; a bound whose rounding would contradict the
    status (5.42 beside a 5-point margin, 0.3 above zero) keeps the decimals it needs (``+1 to +5.4``)."""
    if gap_withheld(gap):
        return ""
    text = fmt_ci(gap.get("ci_low"), gap.get("ci_high"), percent=percent, gap=True)
    if text == "–":
        return ""
    margin = gap.get("margin")
    bounds = [precise(gap[k], percent=percent, margin=margin, side=e) for k, e in (("ci_low", "low"), ("ci_high", "high"))]
    return " to ".join(signed(v, d) for v, d in bounds)


def gap_margin(gap: Mapping[str, Any], *, percent: bool) -> str:
    """The equivalence margin of a gap row in words (``5 points``), "" when not assessed."""
    margin = gap.get("margin")
    return "" if is_missing(margin) else margin_text(margin, percent=percent)


def gap_detail(gap: Mapping[str, Any], *, percent: bool) -> str:
    """What a gap row's status means, short (``worse off by 12 points (4 to 20)``); see ``gap_summary``."""
    return gap_summary(str(gap.get("status", "") or ""), gap=gap.get("gap"), ci_low=gap.get("ci_low"),
                       ci_high=gap.get("ci_high"), direction=str(gap.get("direction", "") or ""),
                       margin=gap.get("margin"), percent=percent)
