"""A country's narrative with its placeholders filled from the results tables, in the report's own words.

The placeholders (``solutions.narrative_placeholders``) are replaced by the text the tables and chips give
for the same row: ``cells.estimate_phrase`` for an estimate (a withheld one reads as withheld, never as a
number), ``wording.gap_summary`` / ``gap_finding`` for a gap, ``wording.criterion_finding`` for a criterion,
``wording.change_summary`` for the change since the previous comparable edition. So a narrative sentence can
never disagree with the tables: it is made of them.

The change needs the earlier editions' results: ``use_output_root`` (called by the page's setup through
``blocks.publish_chart_data``) says where they are; without it, a change placeholder refers the reader to
the trends section instead of claiming that there is no earlier edition.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pandas as pd

from solutions.indicators import CountryResults
from solutions.narrative_placeholders import Placeholder, substitute

from . import style, wording
from .cells import ci_text, estimate_phrase, is_withheld
from .formatting import is_percent
from .thresholds import Thresholds, thresholds_of

_OUTPUT_ROOT: list[Path] = []  # the page's outputs/ folder, set by the page's setup (one page per kernel)
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|])")


def use_output_root(output_root: str | Path | None) -> None:
    """Where earlier editions' results are (``outputs/``), for ``[[change ...]]``."""
    _OUTPUT_ROOT[:] = [] if output_root is None else [Path(output_root)]


def _earlier(results: CountryResults) -> pd.DataFrame | None:
    """This country's earlier editions' estimates, or None when the page did not say where they are."""
    if not _OUTPUT_ROOT:
        return None
    from .trends import earlier_results  # the trends section's own reader: the same editions, the same rows

    return earlier_results(_OUTPUT_ROOT[0], results.iso3, int(results.year))


def _national(df: pd.DataFrame, p: Placeholder) -> dict[str, Any] | None:
    if df is None or df.empty:
        return None
    rows = df[(df["indicator_id"] == p.indicator) & (df["group"] == p.group)
              & (df["disaggregation"] == "total") & (df["category"] == p.category)]
    return cast(dict[str, Any], rows.iloc[0].to_dict()) if len(rows) else None


def _percent(results: CountryResults, indicator: str) -> bool:
    rows = results.estimates[results.estimates["indicator_id"] == indicator]
    kind = str(rows["kind"].iloc[0]) if len(rows) else "proportion"
    return is_percent(kind, rows["estimate"] if len(rows) else [])


def _not_collected(results: CountryResults, indicator: str) -> str:
    ind = results.indicators
    if ind is not None and not ind.empty and "reason" in ind:
        row = ind[ind["indicator_id"] == indicator]
        if len(row) and not bool(row["computed"].iloc[0]):
            return f"not available: {row['reason'].iloc[0]}"
    return "not available in this survey"


def fill_placeholder(p: Placeholder, results: CountryResults, *, thresholds: Thresholds | None = None,
                     earlier: pd.DataFrame | None = None) -> str:
    """The text of one placeholder, from ``results`` (and ``earlier`` editions' estimates for a change)."""
    t = thresholds or thresholds_of(results)
    group = style.group_label(p.group)
    group = group if group.startswith("IDP") else group.lower()  # inside a sentence: "returnees", not "Returnees"
    if p.kind == "criterion":
        crit = results.criteria
        rows = crit[(crit["criterion"] == p.criterion) & (crit["group"] == p.group)] if not crit.empty else crit
        if not len(rows):
            return f"no criterion result for {group}"
        r = rows.iloc[0]
        return wording.criterion_finding(
            group, str(r["status"]), n_indicators=int(r["n_indicators"]), n_closed=int(r["n_closed"]),
            n_open=int(r["n_open"]), n_inconclusive=int(r["n_inconclusive"]), n_insufficient=int(r["n_insufficient"]))
    percent = _percent(results, p.indicator)
    if p.kind in ("estimate", "ci"):
        row = _national(results.estimates, p)
        if row is None:
            return _not_collected(results, p.indicator)
        if p.kind == "estimate" or is_withheld(row):
            return estimate_phrase(row, percent=percent, thresholds=t)
        text = ci_text(row, percent=percent)
        return f"{text}%" if text and percent else (text or estimate_phrase(row, percent=percent, thresholds=t))
    if p.kind == "change":
        return _change(p, results, percent, earlier)
    gap = _national(results.gaps, p)
    if gap is None:
        return _not_collected(results, p.indicator) if results.comparison else "not compared: no comparison group"
    status = str(gap.get("status", ""))
    numbers: dict[str, Any] = {k: gap.get(k) for k in ("gap", "ci_low", "ci_high", "margin")}
    direction = str(gap.get("direction", "") or "")
    if p.kind == "status":
        return wording.status_label(status).lower()
    if p.kind == "finding":
        return wording.gap_finding(group, status, direction=direction, percent=percent, **numbers)
    return wording.gap_summary(status, direction=direction, percent=percent, **numbers)


def _change(p: Placeholder, results: CountryResults, percent: bool, earlier: pd.DataFrame | None) -> str:
    from solutions.indicators.changes import rules_from_tables, year_over_year

    if earlier is None:
        return "see the trends section for the change since the last edition"
    now = results.estimates
    keep = ((now["indicator_id"] == p.indicator) & (now["group"] == p.group) & (now["disaggregation"] == "total")
            & (now["category"] == p.category))
    before = pd.DataFrame() if earlier.empty else earlier[
        (earlier["indicator_id"] == p.indicator) & (earlier["group"] == p.group)
        & (earlier["disaggregation"] == "total") & (earlier["category"] == p.category)]
    if before.empty:
        return "no earlier comparable edition to compare with"
    rules = rules_from_tables(results.gaps, results.estimates, catalogue=results.catalogue,
                              default=results.design.equivalence_margin)
    ch = year_over_year(pd.concat([now[keep], before], ignore_index=True), int(results.year),
                        confidence_level=thresholds_of(results).confidence_level, rules=rules)
    if ch.empty:
        return "no earlier comparable edition to compare with"
    r = ch.iloc[0]
    said = wording.change_summary(str(r["status"]), change=r["change"], ci_low=r["ci_low"], ci_high=r["ci_high"],
                                  margin=r["margin"], percent=percent)
    return f"since {int(r['year_from'])}: {said}"


def fill(text: str, results: CountryResults, *, earlier: pd.DataFrame | None = None) -> str:
    """``text`` (Markdown) with every placeholder replaced by its text, Markdown-escaped."""
    t = thresholds_of(results)
    if "[[" not in (text or ""):
        return text or ""
    if earlier is None:
        earlier = _earlier(results)

    def one(p: Placeholder) -> str:
        return _MARKDOWN.sub(r"\\\1", fill_placeholder(p, results, thresholds=t, earlier=earlier))

    return substitute(text, one)
