"""Trends across report years: earlier years' results tables, per-indicator change charts and tables.

Earlier years come only from results tables already published under ``outputs/<year>/results/<ISO3>/``
(never microdata). Only estimates computed with the same catalogue version as this year's are compared
(methodology.md section 3); the others are named on the page as not compared.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from solutions.config import EquivalenceMargin
from solutions.indicators import CountryResults, GlobalResults
from solutions.indicators.changes import rules_from_tables
from solutions.indicators.status import comparable_years, year_over_year
from solutions.results import earlier_result_folders
from solutions.results_dataset import scan

from . import chartdata, charts, style
from .cells import estimate_phrase, value_text
from .figures import show_figure
from .formatting import fmt_gap, fmt_value, is_percent
from .output import emit
from .tables import html_table
from .thresholds import Thresholds, thresholds_of
from .wording import change_gist, signed_precise


def earlier_results(output_root: str | Path | None, iso3: str | list[str], year: int, table: str = "estimates",
                    where: dict[str, object] | None = None) -> pd.DataFrame:
    """``table`` of every earlier report year that has results for ``iso3`` (a code or a list) under
    ``output_root``; only the rows matching ``where`` (``{column: value | [values]}``), read as one dataset."""
    if output_root is None:
        return pd.DataFrame()
    codes = [iso3] if isinstance(iso3, str) else iso3
    folders = [f for iso in codes for f in earlier_result_folders(output_root, iso, year)]
    data = scan(folders, table, where=where)
    return data if len(data) else pd.DataFrame()


def history(current: pd.DataFrame, earlier: pd.DataFrame) -> pd.DataFrame:
    """This year's and earlier years' national (``total``) scalar estimates of displaced and comparison
    groups, in one table."""
    frames = [f for f in (current, earlier) if isinstance(f, pd.DataFrame) and not f.empty]
    if not frames:
        return pd.DataFrame()
    data = pd.concat(frames, ignore_index=True)
    keep = (data["disaggregation"] == "total") & (data["category"] == "") & (data["group"] != "all")
    return data[keep].reset_index(drop=True)


def _versions_note(excluded: pd.DataFrame) -> str:
    if excluded.empty:
        return ""
    parts = [f"{int(y)} (catalogue version {html.escape(str(v))})"
             for (y, v), _ in excluded.groupby(["year", "catalogue_version"], sort=True)]
    return ("Not compared, because the indicator definitions differ from this year's: results of "
            + ", ".join(parts) + ".")


def _direction(r: pd.Series) -> str:
    """What the change shows, in the report's words (``wording.change_gist``: better, worse, no material
    change, or the surveys cannot tell)."""
    return change_gist(str(r.get("status", "")), margin=r.get("margin"), percent=bool(r["_percent"]))


def change_table(changes: pd.DataFrame, *, names: dict[str, str], level: str, caption: str,
                 label_column: str = "indicator_id") -> str:
    """Year-over-year change per row: both years' estimates, the change and its CI, and what the CI shows."""
    label = "Indicator" if label_column == "indicator_id" else "Country"
    records = []
    for _, r in changes.iterrows():
        percent = bool(r["_percent"])
        blank = pd.isna(r["change"])
        records.append({
            label: names.get(r[label_column], r[label_column]),
            "Group": style.group_label(str(r["group"])),
            "Years": f"{int(r['year_from'])} → {int(r['year_to'])}",
            "From": "" if blank else fmt_value(r["estimate_from"], percent=percent),
            "To": "" if blank else fmt_value(r["estimate_to"], percent=percent),
            "Change": "" if blank else fmt_gap(r["change"], percent=percent),
            f"{level} CI": "" if blank else (f"{signed_precise(r['ci_low'], percent, r.get('margin'))} to "
                                             f"{signed_precise(r['ci_high'], percent, r.get('margin'))}"),
            "Change shown": _direction(r),
        })
    return html_table(pd.DataFrame(records, dtype=object), caption=caption,
                      numeric=["From", "To", "Change", f"{level} CI"],
                      key=[label, "Group", "Change", f"{level} CI", "Change shown"], stack=True)


def _with_percent(changes: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    kinds = data.groupby("indicator_id")["kind"].first()
    percent = {i: is_percent(str(kinds[i]), data.loc[data["indicator_id"] == i, "estimate"]) for i in kinds.index}
    return changes.assign(_percent=changes["indicator_id"].map(percent).fillna(True).astype(bool))


def _year_value(row: dict, percent: bool, thresholds: Thresholds) -> str:
    """One year's estimate in the trend alt text: the value (flag-marked) or why it is withheld; its CI is in
    the chart and in the chart's data."""
    return value_text(row, percent=percent) or estimate_phrase(row, percent=percent, thresholds=thresholds)


def _short_title(results: CountryResults, indicator_id: str) -> str:
    if indicator_id == "SOL-1":
        return "Solutions measure"
    try:
        return results.catalogue.get(indicator_id).short_title
    except KeyError:
        return ""


def country_trends(results: CountryResults, earlier: pd.DataFrame, *, thresholds: Thresholds,
                   criteria: dict[int, str]) -> None:
    """The country's trends: a chart per criterion (a panel per indicator: estimate and CI by year and
    group) and a table of the change since the latest earlier comparable year."""
    year = int(results.year)
    data = history(results.estimates, earlier)
    data, excluded = comparable_years(data, year) if not data.empty else (data, data)
    note = _versions_note(excluded)
    if data.empty or data["year"].nunique() < 2:
        emit(f'<p class="sos-note">No earlier report year with comparable results is available for this country: '
             f"trends start once a second year of results exists. {note}</p>")
        return
    level = thresholds.level
    titles = {}
    for crit in sorted(int(c) for c in data["criterion"].unique()):
        sub = data[data["criterion"].astype(int) == crit]
        panels = []
        for indicator_id, rows in sub.groupby("indicator_id", sort=False):
            if rows["year"].nunique() < 2:
                continue
            short = _short_title(results, str(indicator_id))
            titles[indicator_id] = f"{indicator_id} {short}".strip()
            panels.append(charts.TrendPanel(titles[indicator_id], rows,
                                            is_percent(str(rows["kind"].iloc[0]), rows["estimate"])))
        if not panels:
            continue
        name = criteria.get(crit, "Solutions measure" if crit == 0 else f"Criterion {crit}")
        years = sorted(int(y) for y in sub["year"].unique())
        alt = "; ".join(
            f"{p.title}: " + ", ".join(
                f"{style.group_label(g)} " + " → ".join(
                    f"{int(r['year'])} {_year_value(r, p.percent, thresholds)}"
                    for r in p.rows[p.rows["group"] == g].sort_values("year").to_dict("records"))
                for g in style.order_groups(p.rows["group"]))
            for p in panels)
        show_figure(
            charts.trends_chart(panels),
            title=f"{name}: change across report years",
            caption=f"Estimates by report year ({years[0]}–{years[-1]}) and group, with {level} confidence "
            "intervals; only years computed with the same catalogue version are compared.",
            alt="Line charts by report year. " + alt + ".",
            data=pd.concat([chartdata.points(p.rows, percent=p.percent, thresholds=thresholds,
                                             labels=("indicator_id", "group", "year")) for p in panels],
                           ignore_index=True),
        )
    margin = EquivalenceMargin(**(results.design.get("equivalence_margin") or {}))
    rules = rules_from_tables(results.gaps, results.estimates, results.catalogue, margin)
    changes = year_over_year(data, year, thresholds.confidence_level, rules)
    if not changes.empty:
        changes = _with_percent(changes, data)
        emit(change_table(changes, names=titles, level=level,
                          caption=f"Change since the previous comparable report year ({level} CI; shares in "
                          "percentage points; the surveys are independent)"))
    if note:
        emit(f'<p class="sos-note">{note}</p>')


def solutions_change(g: GlobalResults, output_root: str | Path | None, *, names: dict[str, str],
                     countries: list[str], indicator_id: str = "SOL-1") -> None:
    """Year-over-year change of the solutions measure by country (only where an earlier comparable year
    exists); says so when none does."""
    year = int(g.year)
    # earlier editions: only this indicator's national rows (memory flat in the number of country-editions)
    earlier = earlier_results(output_root, countries, year,
                              where={"indicator_id": indicator_id, "disaggregation": "total", "category": ""})
    data = history(g.estimates[g.estimates["country"].isin(countries)] if not g.estimates.empty else g.estimates,
                   earlier)
    if not data.empty:
        data = data[data["indicator_id"] == indicator_id]
    data, excluded = comparable_years(data, year) if not data.empty else (data, data)
    thresholds = thresholds_of(g)
    level = thresholds.level
    rules = rules_from_tables(g.gaps, g.estimates, g.catalogue)
    changes = year_over_year(data, year, thresholds.confidence_level, rules) if not data.empty else pd.DataFrame()
    note = _versions_note(excluded)
    if changes.empty:
        emit('<p class="sos-note">No country has an earlier report year with comparable results: the '
             f"year-over-year change appears from the second edition on. {note}</p>")
        return
    changes = changes.assign(_percent=True).sort_values(["country", "group"], key=lambda s: s.map(
        lambda v: names.get(v, v)) if s.name == "country" else s.map(
        {g: i for i, g in enumerate(style.order_groups(s))}))
    emit(change_table(changes, names=names, level=level, label_column="country",
                      caption=f"Year-over-year change of the solutions measure (percentage points, {level} CI)"))
    if note:
        emit(f'<p class="sos-note">{note}</p>')
