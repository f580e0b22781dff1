"""Alt text for charts: what the chart shows, in words, with the numbers behind it.

Every number reads as in the tables (``cells``): the flag mark on a flagged estimate, "none observed",
and the reason in place of a withheld value; a gap's status says what it means (``wording``).
"""

from __future__ import annotations

import pandas as pd

from . import style
from .cells import estimate_phrase, gap_ci_text, gap_detail, gap_text, is_withheld
from .records import row_dicts
from .tables import flag_legend, gap_flagged, marked_gap
from .thresholds import Thresholds
from .wording import FLAG_SENTENCE, status_label, withheld_text


def _ordered(rows: pd.DataFrame) -> list[dict]:
    order = {g: i for i, g in enumerate(style.order_groups(rows["group"]))}
    return sorted(row_dicts(rows), key=lambda r: order[str(r["group"])])


def flag_sentence(rows: pd.DataFrame, thresholds: Thresholds) -> str:
    """`` † marks a flagged estimate ...`` when a published row is flagged, else "" (appended to an alt text)."""
    return f" {FLAG_SENTENCE}" if flag_legend(rows, thresholds) else ""


def gap_flag_sentence(gaps: pd.DataFrame) -> str:
    """`` † marks a flagged estimate ...`` when a published gap of ``gaps`` is flagged, else "" (appended to the
    alt text of a gap chart)."""
    flagged = not gaps.empty and "flag" in gaps.columns and any(gap_flagged(g) for g in row_dicts(gaps))
    return f" {FLAG_SENTENCE}" if flagged else ""


def describe_estimates(rows: pd.DataFrame, subject: str, *, percent: bool = True,
                       thresholds: Thresholds) -> str:
    """``<subject>: IDPs 55% (CI 50–60), ..., comparison group 78% (CI 74–82)``, no final full stop."""
    if rows.empty:
        return f"{subject}: no estimates"
    parts = [f"{style.group_label(str(r['group']))} {estimate_phrase(r, percent=percent, thresholds=thresholds)}"
             for r in _ordered(rows)]
    return f"{subject}: " + ", ".join(parts)


def describe_gaps(rows: pd.DataFrame, subject: str, *, percent: bool = True, direction: str = "none") -> str:
    """``<subject>: IDPs −12 points (CI −20 to −4), gap open: worse off by 12 points (4 to 20)``; which side
    is better; no final full stop."""
    if rows.empty:
        return f"{subject}: no gap assessed"
    unit = " points" if percent else ""
    parts = []
    for r in row_dicts(rows):
        name = style.group_label(str(r["group"]))
        status = str(r.get("status", ""))
        meaning = gap_detail(r, percent=percent)
        said = f"{status_label(status).lower()}" + (f": {meaning}" if meaning else "")
        if not gap_text(r, percent=percent):
            parts.append(f"{name}: {said}")
        else:
            number = marked_gap(r, gap_text(r, percent=percent))  # † as in the tables
            parts.append(f"{name} {number}{unit} (CI {gap_ci_text(r, percent=percent)}), {said}")
    better = {"higher": " (higher values are better)", "lower": " (lower values are better)"}.get(direction, "")
    return f"{subject}{better}: " + "; ".join(parts)


def describe_distribution(rows: pd.DataFrame, subject: str, *, labels: dict[str, str] | None = None,
                          thresholds: Thresholds) -> str:
    """Per group, each category's share (flag-marked, "none observed") or why it is withheld."""
    if rows.empty:
        return f"{subject}: no estimates"
    labels = labels or {}
    by_group: dict[str, list[dict]] = {}
    for r in row_dicts(rows):
        by_group.setdefault(str(r["group"]), []).append(r)
    parts = []
    for g in style.order_groups(by_group):
        sub = by_group[g]
        if all(is_withheld(r) for r in sub) and len({str(r.get("suppression_reason", "")) for r in sub}) == 1:
            parts.append(f"{style.group_label(g)} {withheld_text(sub[0].get('suppression_reason'), thresholds)}")
            continue
        cats = ", ".join(
            f"{labels.get(str(r['category']), str(r['category']).replace('_', ' '))} "
            f"{estimate_phrase(r, percent=True, thresholds=thresholds).split(' (CI')[0]}"
            for r in sub
        )
        parts.append(f"{style.group_label(g)}: {cats}")
    return f"{subject}: " + "; ".join(parts)


def describe_countries(rows: pd.DataFrame, subject: str, *, names: dict[str, str], percent: bool = True,
                       thresholds: Thresholds) -> str:
    """Per country, each group's estimate and CI (or why it is withheld); no final full stop."""
    if rows.empty:
        return f"{subject}: no estimates"
    parts = []
    order = {iso: i for i, iso in enumerate(names)}  # the report's declared order, as the chart and table
    for iso in sorted(set(rows["country"]), key=lambda c: (order.get(c, len(order)), c)):
        sub = rows[rows["country"] == iso]
        inner = ", ".join(f"{style.group_label(str(r['group']))} "
                          f"{estimate_phrase(r, percent=percent, thresholds=thresholds)}" for r in _ordered(sub))
        parts.append(f"{names.get(iso, iso)}: {inner}")
    return f"{subject}. " + "; ".join(parts)
