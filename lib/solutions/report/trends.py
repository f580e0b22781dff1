"""Trends across report years: earlier years' results tables, per-indicator change charts and tables.

Earlier years come only from results tables already published under ``outputs/<year>/results/<ISO3>/``
(never microdata). Only estimates whose indicator definition is the same as this year's are compared
(methodology.md section 3; ``status.comparable_years``, per indicator: the same catalogue version, or both at or
after the version that revised the indicator); the others are named on the page as not compared.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from solutions.catalogue import SOLUTIONS_ID, SOLUTIONS_TITLE
from solutions.indicators import CountryResults, GlobalResults
from solutions.indicators.changes import rules_from_tables, year_over_year
from solutions.indicators.status import comparable_years, revised_in
from solutions.results import earlier_result_folders
from solutions.results_dataset import scan

from . import chartdata, charts, style
from .cells import estimate_phrase, value_text
from .figures import show_figure
from .formatting import fmt_gap, fmt_value, is_percent
from .output import emit
from .tables import html_table
from .templating import macros
from .thresholds import Thresholds, thresholds_of
from .wording import change_gist, indicator_name, signed_precise

_T = macros("trends.html.j2")
_C = macros("common.html.j2")


def earlier_results(output_root: str | Path | None, iso3: str | list[str], year: int, table: str = "estimates",
                    where: dict[str, object] | None = None) -> pd.DataFrame:
    """``table`` of every earlier report year that has results for ``iso3`` (a code or a list) under
    ``output_root``; only the rows matching ``where`` (``{column: value | [values]}``), read as one dataset."""
    if output_root is None:
        return pd.DataFrame()
    codes = [iso3] if isinstance(iso3, str) else iso3
    folders = [f for iso in codes for f in earlier_result_folders(output_root, iso, year)]
    data = scan(folders, table, where=where)
    if not len(data):
        return pd.DataFrame()
    surveys = {(f.name, int(f.parent.parent.name)): survey_key(survey_of(f)) for f in folders}
    return data.assign(survey=[surveys.get((str(c), int(y)), "") for c, y in zip(data["country"], data["year"],
                                                                                 strict=True)])


def survey_of(folder: str | Path) -> dict:
    """The design facts of the survey behind a country's published results (``meta.json``: title and
    collection year); {} when the edition published none."""
    try:
        meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    design = meta.get("design") if isinstance(meta, dict) else None
    return design if isinstance(design, dict) else {}


def survey_key(design: dict) -> str:
    """What identifies a survey round across editions: its title and collection year ("" when unknown)."""
    title, year = str(design.get("survey_title") or ""), str(design.get("collection_year") or "")
    return f"{title} ({year})" if title and year else ""


def survey_note(design: dict, report_year: int) -> str:
    """"Figures from the <survey> (collected <years>)", saying when that is before the edition's year (a country
    whose survey was not repeated, or was rerun mid-year from an earlier round); "" without a survey title."""
    title, years = str(design.get("survey_title") or ""), str(design.get("collection_year") or "")
    if not title:
        return ""
    said = f"Figures from the {title}" + (f", collected in {years}" if years else "")
    first = re.match(r"\d{4}", years)
    if first and int(first[0]) < int(report_year):
        said += f": an earlier survey than this {int(report_year)} edition's year (it was not repeated since)"
    return said + "."


def drop_repeated_surveys(data: pd.DataFrame, year: int) -> tuple[pd.DataFrame, list[str]]:
    """An edition that carried the same survey round as another (a survey not repeated that year) adds no
    new observation: keep one report year per survey and country (this year's, else the first edition that
    published it), so a change is always between two different surveys. Returns the rows and what was left
    out, in words."""
    if data.empty or "survey" not in data.columns:
        return data, []
    keys = data[["country", "year", "survey"]].drop_duplicates()
    keys = keys[keys["survey"].fillna("") != ""]
    drop: set[tuple[str, int]] = set()
    said: list[str] = []
    for (country, survey), rows in keys.groupby(["country", "survey"], sort=True):
        years = sorted(int(y) for y in rows["year"].unique())
        if len(years) < 2:
            continue
        keep = int(year) if int(year) in years else years[0]
        for y in years:
            if y != keep:
                drop.add((str(country), y))
                said.append(f"{y} (the {survey} again, as in {keep})")
    if not drop:
        return data, []
    mask = [(str(c), int(y)) not in drop for c, y in zip(data["country"], data["year"], strict=True)]
    return data[mask].reset_index(drop=True), said


def _repeated_note(said: list[str]) -> str:
    if not said:
        return ""
    return ("Left out of the series, because they carried a survey already in it (a survey not repeated that "
            "year gives no new observation): " + ", ".join(said) + ".")


def history(current: pd.DataFrame, earlier: pd.DataFrame) -> pd.DataFrame:
    """This year's and earlier years' national (``total``) scalar estimates of displaced and comparison
    groups, in one table."""
    frames = [f for f in (current, earlier) if isinstance(f, pd.DataFrame) and not f.empty]
    if not frames:
        return pd.DataFrame()
    data = pd.concat(frames, ignore_index=True)
    keep = (data["disaggregation"] == "total") & (data["category"] == "") & (data["group"] != "all")
    return data[keep].reset_index(drop=True)


def _versions_note(excluded: pd.DataFrame, names: dict[str, str] | None = None) -> str:
    """Which indicators' earlier results are not compared, and why: per indicator, the catalogue version that
    revised its definition (``status.revised_in``), or that the definitions differ."""
    if excluded.empty:
        return ""
    reasons: dict[tuple[str, str], list[str]] = {}  # (why, which results) -> indicators, in catalogue order
    for ind, part in excluded.groupby("indicator_id", sort=False):
        revised = revised_in(str(ind))
        why = f"its definition changed in catalogue {revised}" if revised else "the definitions differ"
        years = ", ".join(f"{int(y)} (catalogue version {v})"
                          for (y, v), _ in part.groupby(["year", "catalogue_version"], sort=True))
        reasons.setdefault((why, years), []).append((names or {}).get(str(ind)) or indicator_name(str(ind)))
    return "; ".join(f"{', '.join(inds)}: not compared, {why} (results of {years})"
                     for (why, years), inds in reasons.items()) + "."


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
            f"{level} CI": "" if blank else (f"{signed_precise(r['ci_low'], percent, r.get('margin'), 'low')} to "
                                             f"{signed_precise(r['ci_high'], percent, r.get('margin'), 'high')}"),
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
    if indicator_id == SOLUTIONS_ID:
        return SOLUTIONS_TITLE
    try:
        return results.catalogue.get(indicator_id).short_title
    except KeyError:
        return ""


def country_trends(results: CountryResults, earlier: pd.DataFrame, *, thresholds: Thresholds,
                   criteria: dict[int, str]) -> None:
    """The country's trends: a chart per criterion (a panel per indicator: estimate and CI by year and
    group) and a table of the change since the latest earlier comparable year."""
    year = int(results.year)
    shorts = {i.id: i.short_title for i in results.catalogue.indicators}  # readers meet titles, not codes
    data, note = comparable(history(results.estimates.assign(survey=survey_key(results.design.as_json())), earlier),
                            year, names=shorts)
    if data.empty or data["year"].nunique() < 2:
        emit(_C.note("No earlier report year with comparable results is available for this country: trends start "
                     f"once a second year of results exists. {note}"))
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
            titles[indicator_id] = short or str(indicator_id)
            panels.append(charts.TrendPanel(titles[indicator_id], rows,
                                            is_percent(str(rows["kind"].iloc[0]), rows["estimate"])))
        if not panels:
            continue
        name = criteria.get(crit, "Solutions measure" if crit == 0 else f"Criterion {crit}")
        years = sorted(int(y) for y in sub["year"].unique())
        trend_figure(panels, thresholds=thresholds, labels=("indicator_id", "group", "year"),
                     title=f"{name}: change across report years",
                     caption=f"Estimates by report year ({years[0]}–{years[-1]}) and group, with {level} confidence "
                     "intervals; only years whose indicator definitions are the same as this year's are compared.")
    margin = results.design.equivalence_margin
    rules = rules_from_tables(results.gaps, results.estimates, catalogue=results.catalogue, default=margin)
    changes = year_over_year(data, year, confidence_level=thresholds.confidence_level, rules=rules)
    if not changes.empty:
        changes = _with_percent(changes, data)
        emit(change_table(changes, names=titles, level=level,
                          caption=f"Change since the previous comparable report year ({level} CI; shares in "
                          "percentage points; the surveys are independent)"))
    if note:
        emit(_C.note(note))


def solutions_change(g: GlobalResults, output_root: str | Path | None, *, names: dict[str, str],
                     countries: list[str], indicator_id: str = SOLUTIONS_ID) -> None:
    """The solutions measure across editions: its series by country (estimate and CI per report year and
    group, one panel per country with an earlier comparable year) and the change since the previous
    edition with its status; says so when no country has an earlier year."""
    year = int(g.year)
    # earlier editions: only this indicator's national rows (memory flat in the number of country-editions)
    earlier = earlier_results(output_root, countries, year,
                              where={"indicator_id": indicator_id, "disaggregation": "total", "category": ""})
    current = g.estimates[g.estimates["country"].isin(countries)] if not g.estimates.empty else g.estimates
    if output_root is not None and not current.empty:
        surveys = {iso: survey_key(survey_of(Path(output_root) / str(year) / "results" / iso)) for iso in countries}
        current = current.assign(survey=current["country"].map(surveys).fillna(""))
    data = history(current, earlier)
    if not data.empty:
        data = data[data["indicator_id"] == indicator_id]
    data, note = comparable(data, year)
    thresholds = thresholds_of(g)
    level = thresholds.level
    rules = rules_from_tables(g.gaps, g.estimates, catalogue=g.catalogue, default=g.equivalence_margin)
    changes = (year_over_year(data, year, confidence_level=thresholds.confidence_level, rules=rules)
               if not data.empty else pd.DataFrame())
    if changes.empty:
        emit(_C.note("No country has an earlier report year with comparable results: the year-over-year change "
                     f"appears from the second edition on. {note}"))
        return
    series_chart(data, names=names, thresholds=thresholds)
    declared = {iso: i for i, iso in enumerate(names)}  # the report's country order, as every table
    changes = changes.assign(_percent=True).sort_values(["country", "group"], key=lambda s: s.map(
        lambda v: declared.get(v, len(declared))) if s.name == "country" else s.map(
        {g: i for i, g in enumerate(style.order_groups(s))}))
    emit(change_table(changes, names=names, level=level, label_column="country",
                      caption=f"Year-over-year change of the solutions measure (percentage points, {level} CI)"))
    if note:
        emit(_C.note(note))


def series_chart(data: pd.DataFrame, *, names: dict[str, str], thresholds: Thresholds) -> None:
    """The solutions measure's series: one panel per country with more than one report year (estimate and CI
    by year and group, the comparison group the benchmark), with its alt text and data."""
    panels = [charts.TrendPanel(names.get(str(c), str(c)), rows, True)
              for c, rows in data.groupby("country", sort=False) if rows["year"].nunique() > 1]
    if not panels:
        return
    years = sorted(int(y) for y in data["year"].unique())
    trend_figure(panels, thresholds=thresholds, labels=("country", "group", "year"), names=names,
                 title="Solutions measure: the series by country",
                 caption=f"Percent of households meeting the measure by report year ({years[0]}–{years[-1]}) and "
                 f"group, with {thresholds.level} confidence intervals; the comparison group is the benchmark; only "
                 "years computed with the same definitions, one per survey round.")


def trend_figure(panels: list[charts.TrendPanel], *, title: str, caption: str, thresholds: Thresholds,
                 labels: tuple[str, ...], names: dict[str, str] | None = None) -> None:
    """The one builder of a trend chart (a country's criterion, or the solutions measure by country): the
    panels drawn, their alt text (each group's value year by year, withheld values said) and their data."""
    alt = "; ".join(
        f"{p.title}: " + ", ".join(
            f"{style.group_label(grp)} " + " → ".join(
                f"{int(r['year'])} {_year_value(r, p.percent, thresholds)}"
                for r in p.rows[p.rows["group"] == grp].sort_values("year").to_dict("records"))
            for grp in style.order_groups(p.rows["group"]))
        for p in panels)
    show_figure(
        charts.trends_chart(panels), title=title, caption=caption, alt="Line charts by report year. " + alt + ".",
        data=pd.concat([chartdata.points(p.rows, percent=p.percent, thresholds=thresholds, names=names, labels=labels)
                        for p in panels], ignore_index=True),
    )


def comparable(data: pd.DataFrame, year: int, *, names: dict[str, str] | None = None) -> tuple[pd.DataFrame, str]:
    """The rows of ``data`` a trend may compare with ``year``'s (same definitions, one edition per survey
    round), and the sentence saying what was left out and why ("" when nothing was), indicators named by
    ``names`` (id → title) or their catalogue title."""
    data, excluded = comparable_years(data, year) if not data.empty else (data, data)
    data, repeated = drop_repeated_surveys(data, year)
    return data, " ".join(n for n in (_versions_note(excluded, names), _repeated_note(repeated)) if n)


def earlier_surveys(g: GlobalResults, output_root: str | Path | None, *, names: dict[str, str],
                    countries: list[str]) -> None:
    """The roll-up's countries whose figures come from a survey collected before the edition's year (not
    repeated since, or rerun mid-year from an earlier round), each with its survey; nothing when none is."""
    if output_root is None:
        return
    year = int(g.year)
    items = []
    for iso in countries:
        design = survey_of(Path(output_root) / str(year) / "results" / iso)
        first = re.match(r"\d{4}", str(design.get("collection_year") or ""))
        if first and int(first[0]) < year:
            items.append((names.get(iso, iso), str(design.get("survey_title") or ""), str(design.get("collection_year"))))
    if items:
        emit(_T.earlier_surveys(year=year, items=items))
