"""Alt text for charts: what the chart shows, in words, with the numbers behind it."""

from __future__ import annotations

import pandas as pd

from . import style
from .formatting import (
    DEFAULT_MIN_N,
    fmt_ci,
    fmt_gap,
    fmt_value,
    row_is_suppressed,
    suppression_text,
)


def _estimate_phrase(r: pd.Series, *, percent: bool, min_n: int, label: str | None = None) -> str:
    name = label or style.group_label(str(r["group"]))
    if row_is_suppressed(r):
        return f"{name} {suppression_text(r.get('suppression_reason'), min_n=min_n)}"
    ci = fmt_ci(r.get("ci_low"), r.get("ci_high"), percent=percent)
    return f"{name} {fmt_value(r['estimate'], percent=percent)} (CI {ci})"


def describe_estimates(rows: pd.DataFrame, subject: str, *, percent: bool = True,
                       min_n: int = DEFAULT_MIN_N) -> str:
    """``Dot chart: <subject>, IDPs 55% (CI 50–60), ..., comparison group 78% (CI 74–82).``"""
    if rows.empty:
        return f"Chart: {subject}; no data available."
    ordered = rows.assign(_o=rows["group"].map({g: i for i, g in enumerate(style.order_groups(rows["group"]))}))
    parts = [_estimate_phrase(r, percent=percent, min_n=min_n) for _, r in ordered.sort_values("_o").iterrows()]
    return f"Dot chart: {subject}, " + ", ".join(parts) + "."


def describe_gaps(rows: pd.DataFrame, subject: str, *, percent: bool = True, direction: str = "none") -> str:
    """Gap chart alt text: the gap, its CI and the status per displaced group, and which side is better."""
    if rows.empty:
        return f"Gap chart: {subject}; no gap assessed."
    parts = []
    for _, r in rows.iterrows():
        name = style.group_label(str(r["group"]))
        status = style.status_label(str(r.get("status", ""))).lower()
        if pd.isna(r.get("gap")):
            parts.append(f"{name}: {status}")
        else:
            ci = fmt_ci(r.get("ci_low"), r.get("ci_high"), percent=percent, gap=True)
            parts.append(f"{name} {fmt_gap(r['gap'], percent=percent)} (CI {ci}), {status}")
    better = {"higher": " Higher values are better.", "lower": " Lower values are better."}.get(direction, "")
    return f"Gap chart vs the comparison group: {subject}. " + "; ".join(parts) + "." + better


def describe_distribution(rows: pd.DataFrame, subject: str, *, labels: dict[str, str] | None = None,
                          min_n: int = DEFAULT_MIN_N) -> str:
    """Stacked-bar alt text: per group, each category's share (or why it is withheld)."""
    if rows.empty:
        return f"Stacked bar chart: {subject}; no data available."
    labels = labels or {}
    by_group: dict[str, list[dict]] = {}
    for r in rows.to_dict("records"):
        by_group.setdefault(str(r["group"]), []).append(r)
    parts = []
    for g in style.order_groups(by_group):
        sub = by_group[g]
        if all(row_is_suppressed(r) for r in sub):
            parts.append(f"{style.group_label(g)} {suppression_text(sub[0].get('suppression_reason'), min_n=min_n)}")
            continue
        cats = ", ".join(
            f"{labels.get(str(r['category']), str(r['category']).replace('_', ' '))} "
            f"{fmt_value(r['estimate'], percent=True)}"
            for r in sub
            if not row_is_suppressed(r)
        )
        parts.append(f"{style.group_label(g)}: {cats}")
    return f"Stacked bar chart: {subject}. " + "; ".join(parts) + "."


def describe_countries(rows: pd.DataFrame, subject: str, *, names: dict[str, str], percent: bool = True,
                       min_n: int = DEFAULT_MIN_N) -> str:
    """Cross-country dot chart alt text: per country, each group's estimate and CI."""
    if rows.empty:
        return f"Dot chart by country: {subject}; no data available."
    parts = []
    for iso in sorted(set(rows["country"]), key=lambda c: names.get(c, c)):
        sub = rows[rows["country"] == iso]
        inner = ", ".join(_estimate_phrase(r, percent=percent, min_n=min_n) for _, r in sub.iterrows())
        parts.append(f"{names.get(iso, iso)}: {inner}")
    return f"Dot chart by country: {subject}. " + "; ".join(parts) + "."
