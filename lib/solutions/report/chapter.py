"""The section functions the notebooks call: each emits one section of a page (HTML, figures, tables).

Country page: ``title``, ``banner``, ``narrative``, ``context_section``, ``sample_section``,
``criteria_overview``, ``criterion_section``, ``solutions_measure_section``, ``trends_section``,
``provenance_section``. Global page: ``headline_numbers``, ``heatmap_section``, ``failed_countries``,
``comparison_section``, ``solutions_by_country``. Methods page: ``methods_catalogue``,
``estimation_rules``, ``data_provenance``.

Results objects are duck-typed: anything with the attributes of ``CountryResults`` / ``GlobalResults``
(docs/architecture.md). Functions display their output and return None, so a notebook cell that ends with
a call prints no repr.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from . import alttext, charts, style, trends
from .banner import demo_banner_html, page_css
from .figures import show_figure
from .formatting import (
    DEFAULT_MIN_N,
    fmt_big,
    fmt_ci,
    fmt_count,
    fmt_gap,
    fmt_value,
    is_missing,
    is_percent,
    row_is_suppressed,
    short_hash,
    suppression_text,
)
from .markdown import markdown_html
from .output import emit
from .provenance import normalise, provenance_html
from .tables import (
    Markup,
    distribution_table,
    estimates_table,
    html_table,
    interactive_setup,
    interactive_table,
    status_chip,
)

SOLUTIONS_ID = "SOL-1"
_UNIT_PLURAL = {
    "household": "households",
    "individual": "individuals",
    "child": "children",
    "adult": "adults",
    "labour force": "people in the labour force",
    "location": "locations",
}
_METRIC_LABELS = {"idp_stock": "IDPs (stock)", "new_displacements": "New displacements", "returns": "Returns"}


# ------------------------------------------------------------------ helpers ----
def _emit(markup: str) -> None:
    emit(markup)


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    # object dtype keeps ``Markup`` cells intact (pandas' default string dtype would turn them into str)
    return pd.DataFrame(records, dtype=object)


def _note(text: str) -> None:
    _emit(f'<p class="sos-note">{html.escape(text)}</p>')


def criteria_names() -> dict[int, str]:
    """The eight IASC criteria, as the catalogue names them (one source for every page)."""
    from solutions.catalogue import CRITERIA

    return dict(CRITERIA)


def _indicator(catalogue: Any, indicator_id: str) -> Any | None:
    if catalogue is None:
        return None
    try:
        return catalogue.get(indicator_id)
    except (KeyError, StopIteration, AttributeError):
        return None


def _attr(obj: Any, name: str, default: Any = "") -> Any:
    value = getattr(obj, name, default) if obj is not None else default
    return default if value is None else value


def _min_n(obj: Any) -> int:
    for source in (_attr(obj, "design", {}), _attr(obj, "thresholds", {}), _attr(obj, "provenance", {})):
        if isinstance(source, Mapping):
            if "min_n" in source and not is_missing(source["min_n"]):
                return int(source["min_n"])
            thr = source.get("thresholds")
            if isinstance(thr, Mapping) and "min_n" in thr:
                return int(thr["min_n"])
    return DEFAULT_MIN_N


def _level_pct(obj: Any) -> str:
    level = 0.95
    for source in (_attr(obj, "thresholds", {}), _attr(obj, "design", {})):
        if isinstance(source, Mapping) and not is_missing(source.get("confidence_level")):
            level = source["confidence_level"]
    try:
        return f"{float(level) * 100:.0f}%"
    except (TypeError, ValueError):
        return "95%"


def _current(df: pd.DataFrame | None, year: Any) -> pd.DataFrame:
    if df is None or df.empty:
        return pd.DataFrame() if df is None else df
    if "year" in df.columns and not is_missing(year):
        return df[df["year"] == int(year)]
    return df


def _total(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty or "disaggregation" not in df.columns:
        return df
    return df[df["disaggregation"] == "total"]


def _unit_plural(ind: Any) -> str:
    unit = str(_attr(ind, "unit", "") or "")
    return _UNIT_PLURAL.get(unit, unit + "s" if unit else "records")


def _category_label(cat: str) -> str:
    return cat.replace("_", " ").capitalize()


def _n_text(rows: pd.DataFrame, unit: str) -> str:
    first: dict[str, Any] = {}
    for g, n in zip(rows["group"].astype(str), rows["n_unweighted"], strict=True):
        first.setdefault(g, n)
    parts = [f"{style.group_label(g)} {fmt_count(first[g])}" for g in style.order_groups(first)
             if not is_missing(first[g])]
    return f"n ({unit}, unweighted): " + ", ".join(parts) + "." if parts else ""


def _caption(ind: Any, indicator_id: str, rows: pd.DataFrame, *, percent: bool, level: str, extra: str = "") -> str:
    unit = _unit_plural(ind)
    measure = f"Percent of {unit}" if percent else f"Mean per {str(_attr(ind, 'unit', 'record'))}"
    definition = str(_attr(ind, "definition", "")) or f"Indicator {indicator_id}."
    universe = _attr(ind, "universe", None)
    parts = [f"{measure}, with {level} confidence intervals.", extra, f"Definition: {definition}"]
    if universe:
        parts.append(f"Universe: {universe}.")
    parts.append(_n_text(rows, unit))
    return " ".join(p for p in parts if p)


def _subject(ind: Any, indicator_id: str) -> str:
    title = str(_attr(ind, "title", "") or indicator_id)
    return f"{title} ({indicator_id})"


# --------------------------------------------------------------- page frame ----
def title(obj: Any) -> None:
    """Emit the page's house CSS and its ``<h1>`` title: a string as is, a country's name and year, or a
    global results' ``title``.

    The title is also attached as display metadata (``{"solutions": {"page_title": ...}}``) for the renderer.
    """
    iso3 = _attr(obj, "iso3", "") if not isinstance(obj, str) else ""
    if isinstance(obj, str):
        text = obj
    elif iso3:
        text = f"{_attr(obj, 'name', iso3)} — durable solutions {_attr(obj, 'year', '')}".strip()
    else:
        text = str(_attr(obj, "title", "State of Solutions"))
    emit(f'{page_css()}<h1 class="sos-title">{html.escape(text)}</h1>', metadata={"solutions": {"page_title": text}})


def banner(obj: Any) -> None:
    """Emit the "Demonstration data — not real" banner when ``obj.demo`` is true."""
    # Tagged so the site renderers, whose page template already carries the banner, can drop this copy;
    # the executed notebook opened on its own still shows it.
    emit(demo_banner_html(bool(_attr(obj, "demo", False))), metadata={"solutions": {"role": "demo-banner"}})


def narrative(results: Any, section: str | int = "summary") -> None:
    """Emit the analyst's narrative for ``section`` (``"summary"`` or a criterion number), escaped."""
    text = _narrative_text(results, section)
    if text:
        _emit(f'<div class="sos-narrative">{markdown_html(text)}</div>')
    elif section == "summary":
        _note("No summary narrative was provided for this country.")


def _narrative_text(results: Any, section: str | int) -> str:
    nar = _attr(results, "narrative", {})
    if not isinstance(nar, Mapping):
        nar = getattr(nar, "model_dump", lambda: {})()
    if section == "summary":
        return str(nar.get("summary", "") or "")
    crits = nar.get("criteria", {}) or {}
    return str(crits.get(int(section), crits.get(str(section), "")) or "")


def provenance_section(obj: Any) -> None:
    """Emit the data sources and the provenance block (checksums, config hash, versions, build date)."""
    sources = _attr(obj, "sources", []) or []
    if sources:
        items = []
        for s in sources:
            s = s if isinstance(s, Mapping) else getattr(s, "model_dump", lambda: {})()
            text = ", ".join(str(s[k]) for k in ("name", "publisher", "year") if s.get(k))
            items.append(f"<li>{html.escape(text)}</li>")
        _emit(f"<p><strong>Data sources</strong></p><ul>{''.join(items)}</ul>")
    _emit(provenance_html(_attr(obj, "provenance", {})))


# ------------------------------------------------------------ country page ----
def context_section(results: Any) -> None:
    """Country-year figures (IDP stock, new displacements, returns): a small trend chart and a table."""
    figures = _attr(results, "figures", None)
    if figures is None or figures.empty:
        _note("No country-year displacement figures were provided.")
        return
    data = figures.dropna(subset=["value"])
    latest = data.sort_values("year").groupby("metric", sort=False).tail(1)
    parts = [f"{_METRIC_LABELS.get(r['metric'], r['metric'])} {fmt_big(r['value'])} ({int(r['year'])})"
             for _, r in latest.iterrows()]
    years = sorted(data["year"].astype(int).unique())
    show_figure(
        charts.figures_trend_chart(data),
        title="Displacement figures by year",
        caption=f"Number of people, {years[0]}–{years[-1]}. Sources: "
        + "; ".join(sorted(set(data["source"].astype(str)))) + ".",
        alt="Line charts of country-year displacement figures. Latest: " + "; ".join(parts) + ".",
    )
    table = data.pivot_table(index="year", columns="metric", values="value", aggfunc="first").sort_index()
    frame = pd.DataFrame({"Year": [str(int(y)) for y in table.index]})
    for m in table.columns:
        frame[_METRIC_LABELS.get(m, str(m))] = [fmt_count(v) for v in table[m]]
    _emit(html_table(frame, caption="Country-year figures (number of people)", numeric=list(frame.columns[1:])))


def sample_section(results: Any) -> None:
    """Sample sizes by group and area (as published, small cells withheld) and the survey design."""
    sample = _attr(results, "sample", None)
    if sample is not None and not sample.empty:
        frame = sample.copy()
        if "group" in frame.columns:
            order = {g: i for i, g in enumerate(style.order_groups(frame["group"]))}
            frame = frame.assign(_o=frame["group"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")
            frame["group"] = frame["group"].map(style.group_label)
        counts = [c for c in ("households", "individuals", "psus") if c in frame.columns]
        for c in counts:
            frame[c] = [("suppressed" if is_missing(v) else fmt_count(v)) for v in frame[c]]
        frame = frame.rename(columns={"group": "Group", "admin1": "Area", "households": "Households",
                                      "individuals": "Individuals", "psus": "PSUs"})
        _emit(html_table(frame, caption="Sample (unweighted counts; small cells withheld)",
                         numeric=["Households", "Individuals", "PSUs"]))
    else:
        _note("No sample summary is available.")
    design = _attr(results, "design", {}) or {}
    if design:
        labels = {"strata": "Strata", "psus": "Primary sampling units", "weighting": "Weighting",
                  "lonely_psu": "Single-PSU strata rule", "confidence_level": "Confidence level",
                  "collection": "Data collection", "collection_start": "Collection start",
                  "collection_end": "Collection end", "min_n": "Minimum n for publication",
                  "max_cv": "Maximum coefficient of variation"}
        rows = []
        for key, value in design.items():
            shown = f"{float(value) * 100:.0f}%" if key in ("confidence_level", "max_cv") and not is_missing(
                value) and isinstance(value, int | float) else value
            rows.append({"Design": labels.get(key, str(key).replace("_", " ").capitalize()), "Value": shown})
        _emit(html_table(pd.DataFrame(rows), caption="Survey design"))


def criteria_overview(results: Any) -> None:
    """The 8 criteria × displaced groups: gap status as a coloured chip with its text label."""
    crit = _current(_attr(results, "criteria", None), _attr(results, "year", None))
    names = criteria_names()
    if crit is None or crit.empty:
        _note("No criteria results are available.")
        return
    groups = [g for g in style.order_groups(crit["group"]) if g != "comparison"]
    records = []
    for c, name in names.items():
        rec: dict[str, Any] = {"Criterion": f"{c}. {name}"}
        for g in groups:
            cell = crit[(crit["criterion"].astype(int) == c) & (crit["group"] == g)]
            if cell.empty:
                rec[style.group_label(g)] = status_chip("not_assessed")
                continue
            r = cell.iloc[0]
            detail = ""
            if not is_missing(r.get("n_indicators")) and int(r["n_indicators"]) > 0:
                detail = f" <span class=\"sos-note\">{int(r['n_closed'])} of {int(r['n_indicators'])} closed</span>"
            rec[style.group_label(g)] = Markup(status_chip(str(r["status"])) + detail)
        records.append(rec)
    _emit(html_table(_frame(records), caption="Gap status by criterion and group, compared with the "
                     "comparison group (closed: no indicator significantly worse)"))


_national: dict[tuple[int, str], tuple[pd.DataFrame, Any, pd.DataFrame]] = {}


def _national_rows(results: Any, table: str) -> pd.DataFrame:
    """This year's national (``total``) rows of ``results.<table>``, computed once per table object: every
    criterion section of a chapter needs them, and filtering the full table is not free."""
    df, year = _attr(results, table, None), _attr(results, "year", None)
    key = (id(results), table)
    hit = _national.get(key)
    if hit is not None and hit[0] is df and hit[1] == year:
        return hit[2]
    rows = _total(_current(df, year))
    rows = pd.DataFrame() if rows is None else rows
    if len(_national) > 16:
        _national.clear()
    _national[key] = (df, year, rows)
    return rows


def _indicator_rows(results: Any) -> pd.DataFrame:
    return _national_rows(results, "estimates")


def _gap_rows(results: Any, indicator_id: str, category: str = "") -> pd.DataFrame:
    gaps = _national_rows(results, "gaps")
    if gaps.empty:
        return pd.DataFrame()
    sub = gaps[(gaps["indicator_id"] == indicator_id) & (gaps["category"] == category)]
    order = {g: i for i, g in enumerate(style.order_groups(sub["group"]))}
    return sub.assign(_o=sub["group"].map(order)).sort_values("_o").drop(columns="_o")


def _percent_of(rows: pd.DataFrame) -> bool:
    return is_percent(str(rows["kind"].iloc[0]), rows["estimate"])


def _panel_title(ind: Any, indicator_id: str) -> str:
    short = str(_attr(ind, "short_title", "") or _attr(ind, "title", "") or "")
    return f"{indicator_id} {short}".strip()


def _definitions(ind_rows: list[tuple[Any, str]]) -> None:
    """The criterion's indicators: id, short form of the definition, universe (each an anchor target)."""
    items = []  # the universe as a rule (e.g. "justice_needed == 1") is on the methods page
    for ind, indicator_id in ind_rows:
        items.append(
            f'<dt id="ind-{html.escape(indicator_id.lower())}">{html.escape(_subject(ind, indicator_id))}</dt>'
            f"<dd>{html.escape(str(_attr(ind, 'definition', '')))}</dd>"
        )
    _emit(f'<dl class="sos-defs">{"".join(items)}</dl>')


def _scalar_figures(results: Any, criterion: int, blocks: list[tuple[Any, str, pd.DataFrame]], min_n: int) -> None:
    level = _level_pct(results)
    name = criteria_names().get(int(criterion), f"criterion {criterion}")
    panels, gap_panels, alts, gap_alts, ns = [], [], [], [], []
    for ind, indicator_id, rows in blocks:
        percent = _percent_of(rows)
        title = _panel_title(ind, indicator_id)
        unit = "" if percent else f" ({_attr(ind, 'unit', '') or 'mean'})"
        panels.append(charts.EstimatePanel(title, rows, percent,
                                           f"Estimate{' (%)' if percent else unit}, {level} CI"))
        alts.append(alttext.describe_estimates(rows, title, percent=percent, min_n=min_n).removeprefix(
            "Dot chart: ").rstrip("."))
        ns.append(f"{indicator_id} {_attr(ind, 'title', '')}: {_n_text(rows, _unit_plural(ind))}".rstrip())
        gaps = _gap_rows(results, indicator_id)
        if not gaps.empty:
            direction = str(_attr(ind, "direction", "") or gaps["direction"].iloc[0])
            gap_panels.append(charts.GapPanel(title, gaps, direction, percent))
            gap_alts.append(alttext.describe_gaps(gaps, title, percent=percent, direction=direction)
                            .removeprefix("Gap chart vs the comparison group: "))
    show_figure(
        charts.estimates_chart(panels, min_n=min_n, level=level),
        title=f"{name}: estimates by group",
        caption=f"Percent of each indicator's universe (means in their unit), with {level} confidence "
        "intervals; the dashed line and grey band are the comparison group. " + " ".join(ns),
        alt="Dot charts, one per indicator: " + "; ".join(alts) + ".",
    )
    if gap_panels:
        show_figure(
            charts.gaps_chart(gap_panels),
            title=f"{name}: gaps vs the comparison group",
            caption=f"Displaced group minus comparison group (percentage points for shares), with {level} "
            "confidence intervals, each estimated as one design-based contrast; the status is at the right "
            "(closed: not significantly worse); each indicator's header says which side is better.",
            alt="Gap charts, one per indicator: " + " ".join(gap_alts),
        )
    _emit(criterion_table(results, blocks, min_n=min_n, caption=f"{name}: estimates and gaps"))


def criterion_table(results: Any, blocks: list[tuple[Any, str, pd.DataFrame]], *, min_n: int,
                    caption: str) -> str:
    """One compact table of a criterion: per indicator and group the estimate, CI, n, gap, gap CI, status."""
    level = _level_pct(results)
    records = []
    for ind, indicator_id, rows in blocks:
        percent = _percent_of(rows)
        gaps = _gap_rows(results, indicator_id)
        for _, r in rows.iterrows():
            withheld = row_is_suppressed(r)
            g = gaps[gaps["group"] == r["group"]] if not gaps.empty else gaps
            gap = g.iloc[0] if len(g) else None
            note = suppression_text(r.get("suppression_reason"), min_n=min_n) if withheld else (
                "low precision (CV above limit)" if str(r.get("flag", "") or "") == "high_cv" else "")
            records.append({
                "Indicator": _panel_title(ind, indicator_id),
                "Group": style.group_label(str(r["group"])),
                "Estimate": "–" if withheld else fmt_value(r["estimate"], percent=percent),
                f"{level} CI": "–" if withheld else fmt_ci(r["ci_low"], r["ci_high"], percent=percent),
                "n": fmt_count(r.get("n_unweighted")),
                "Gap": "reference" if r["group"] == "comparison" else
                ("–" if gap is None else fmt_gap(gap["gap"], percent=percent)),
                "Gap CI": "" if gap is None else fmt_ci(gap["ci_low"], gap["ci_high"], percent=percent, gap=True),
                "Status": "" if gap is None else status_chip(str(gap["status"])),
                "Note": note,
            })
    return html_table(_frame(records), caption=caption + " (shares in %, gaps in percentage points)",
                      numeric=["Estimate", f"{level} CI", "n", "Gap", "Gap CI"])


def _breakdown_heading(ind: Any, kinds: set[str], has_head: bool) -> str:
    breakdown = _attr(ind, "breakdown", None)
    variable = str(_attr(breakdown, "variable", "") or "")
    if "distribution" in kinds and not has_head:
        return "distribution"
    if variable.endswith(("_reason", "_obstacle", "_barrier")) or not variable:
        return "by reason"
    return "by " + variable.replace("_", " ").replace("movement restriction type", "type")


def _breakdown_figures(results: Any, criterion: int, blocks: list[tuple[Any, str, pd.DataFrame, str]],
                       min_n: int) -> None:
    name = criteria_names().get(int(criterion), f"criterion {criterion}")
    panels, alts, ns = [], [], []
    for ind, indicator_id, rows, heading in blocks:
        labels = {c: _category_label(c) for c in rows["category"].astype(str)}
        title = f"{_panel_title(ind, indicator_id)}: {heading}"
        panels.append(charts.BreakdownPanel(title, rows, labels))
        alts.append(alttext.describe_distribution(rows, title, labels=labels, min_n=min_n)
                    .removeprefix("Stacked bar chart: "))
        ns.append(f"{indicator_id}: {_n_text(rows, _unit_plural(ind))}")
    show_figure(
        charts.breakdowns_chart(panels, min_n=min_n),
        title=f"{name}: distributions and reasons",
        caption="Percent of the universe of each breakdown (e.g. those unable to access a service, by main "
        "reason); each bar sums to 100%, legend entries follow the segments from left to right. " + " ".join(ns),
        alt="Stacked bar charts, one per indicator: " + " ".join(alts),
    )
    level = _level_pct(results)
    for ind, indicator_id, rows, heading in blocks:
        labels = {c: _category_label(c) for c in rows["category"].astype(str)}
        subject = _subject(ind, indicator_id)
        table = distribution_table(rows, category_labels=labels, min_n=min_n,
                                   caption=f"{subject}: {heading} (%, {level} CI)")
        _emit(f"<details><summary>Table: {html.escape(subject)}, {html.escape(heading)}</summary>{table}</details>")


def _system_block(ind: Any, indicator_id: str, rows: pd.DataFrame, min_n: int) -> None:
    subject = _subject(ind, indicator_id)
    percent = is_percent("system", rows["estimate"])
    records = []
    for _, r in rows.iterrows():
        withheld = row_is_suppressed(r)
        records.append({
            "Type": _category_label(str(r["category"])),
            "Share of locations (%)" if percent else "Value": "–" if withheld
            else fmt_value(r["estimate"], percent=percent).rstrip("%"),
            "Locations (n)": fmt_count(r.get("n_unweighted")),
            "Note": suppression_text(r.get("suppression_reason"), min_n=min_n) if withheld else "",
        })
    _emit(html_table(_frame(records), caption=f"{subject} (system level). {_attr(ind, 'definition', '')}",
                     numeric=["Share of locations (%)", "Value", "Locations (n)"]))


def criterion_section(results: Any, criterion: int) -> None:
    """One criterion: its narrative (when the config has one), the indicators' definitions, one faceted
    dot-and-whisker figure of the estimates and one of the gaps (a panel per indicator) with a compact
    table, distributions and by-reason breakdowns as stacked bars, system-level indicators as a table."""
    narrative(results, criterion)
    est = _indicator_rows(results)
    if est.empty:
        _note("No estimates are available for this criterion.")
        return
    est = est[est["criterion"].astype(int) == int(criterion)]
    catalogue = _attr(results, "catalogue", None)
    ids = [i.id for i in (catalogue.by_criterion(int(criterion)) if hasattr(catalogue, "by_criterion") else [])]
    ids = [i for i in ids if i in set(est["indicator_id"])] + sorted(set(est["indicator_id"]) - set(ids))
    if not ids:
        _note("No indicator of this criterion was collected in this country.")
        return
    min_n = _min_n(results)
    scalar: list[tuple[Any, str, pd.DataFrame]] = []
    breakdowns: list[tuple[Any, str, pd.DataFrame, str]] = []
    systems: list[tuple[Any, str, pd.DataFrame]] = []
    for indicator_id in ids:
        rows = est[est["indicator_id"] == indicator_id]
        ind = _indicator(catalogue, indicator_id)
        kinds = set(rows["kind"].astype(str))
        head, cats = rows[rows["category"] == ""], rows[rows["category"] != ""]
        if "system" in kinds:
            systems.append((ind, indicator_id, rows))
            continue
        if not head.empty:
            scalar.append((ind, indicator_id, head))
        if not cats.empty:
            breakdowns.append((ind, indicator_id, cats, _breakdown_heading(ind, kinds, not head.empty)))
    _definitions([(_indicator(catalogue, i), i) for i in ids])
    if scalar:
        _scalar_figures(results, criterion, scalar, min_n)
    if breakdowns:
        _breakdown_figures(results, criterion, breakdowns, min_n)
    for ind, indicator_id, rows in systems:
        _system_block(ind, indicator_id, rows, min_n)


def solutions_measure_section(results: Any) -> None:
    """The solutions measure (``SOL-1``): share of displaced households meeting every configured
    household-level threshold of criteria 1–5, by group, with CIs."""
    est = _indicator_rows(results)
    rows = est[(est["indicator_id"] == SOLUTIONS_ID) & (est["category"] == "")] if not est.empty else est
    conditions = _attr(results, "solutions_measure", []) or []
    if conditions:
        frame = pd.DataFrame([
            {"Criterion": c.get("criterion") if isinstance(c, Mapping) else c.criterion,
             "Condition": c.get("label") if isinstance(c, Mapping) else c.label}
            for c in conditions
        ])
        _emit(html_table(frame, caption="Conditions a household must meet (global config)"))
    if rows.empty:
        _note("The solutions measure is not available for this country.")
        return
    min_n = _min_n(results)
    level = _level_pct(results)
    subject = "Solutions measure (SOL-1)"
    show_figure(
        charts.estimate_dot_chart(rows, percent=True, min_n=min_n,
                                  xlabel=f"Households meeting all conditions (%), {level} CI"),
        title=subject,
        caption=f"Percent of households meeting every household-level condition of criteria 1–5, with {level} "
        "confidence intervals. " + _n_text(rows, "households"),
        alt=alttext.describe_estimates(rows, "share of households meeting all solutions conditions", min_n=min_n),
    )
    _emit(estimates_table(rows, percent=True, min_n=min_n, caption=f"{subject}: estimates"))


def trends_section(results: Any, output_root: str | Path | None = None) -> None:
    """Change per indicator across report years, read from earlier years' results tables under
    ``output_root`` (or ``results.history``), comparing only the same catalogue version; a note when there
    is no earlier comparable year."""
    earlier = (trends.earlier_results(output_root, str(_attr(results, "iso3", "")), int(_attr(results, "year", 0)))
               if output_root is not None else _attr(results, "history", None))
    trends.country_trends(results, earlier if isinstance(earlier, pd.DataFrame) else pd.DataFrame(),
                          level=_level_pct(results), criteria=criteria_names())


# ------------------------------------------------------------- global page ----
def _country_names(g: Any) -> dict[str, str]:
    countries = _attr(g, "countries", None)
    if countries is None or countries.empty:
        return {}
    return {str(r["iso3"]): str(r.get("name", r["iso3"])) for _, r in countries.iterrows()}


def _ok_countries(g: Any) -> list[str]:
    countries = _attr(g, "countries", None)
    if countries is None or countries.empty:
        est = _attr(g, "estimates", None)
        return sorted(set(est["country"])) if est is not None and not est.empty else []
    return [str(c) for c in countries.loc[countries["status"] == "ok", "iso3"]]


def headline_numbers(g: Any) -> None:
    """Headline cards: countries covered, and the latest IDP stock, new displacements and returns summed
    over the countries in the report (latest year available per country)."""
    ok = _ok_countries(g)
    countries = _attr(g, "countries", None)
    total = len(countries) if countries is not None and not countries.empty else len(ok)
    cards = [("Countries in the report", f"{len(ok)} of {total}", "with results")]
    figures = _attr(g, "figures", None)
    if figures is not None and not figures.empty:
        data = figures[figures["country"].isin(ok)].dropna(subset=["value"])
        for metric, label in _METRIC_LABELS.items():
            sub = data[data["metric"] == metric].sort_values("year").groupby("country").tail(1)
            if sub.empty:
                continue
            years = sorted(sub["year"].astype(int).unique())
            span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
            cards.append((label, fmt_big(sub["value"].sum()), f"latest year per country ({span})"))
    crit = _attr(g, "criteria", None)
    if crit is not None and not crit.empty:
        idp = crit[(crit["group"] == "idp") & crit["country"].isin(ok)]
        if len(idp):
            closed = int((idp["status"] == "closed").sum())
            cards.append(("Criteria with the gap closed for IDPs", f"{closed} of {len(idp)}",
                          "country × criterion pairs"))
    items = "".join(
        f'<div><span class="value">{html.escape(v)}</span>{html.escape(k)}<br>'
        f'<span class="sos-note">{html.escape(n)}</span></div>'
        for k, v, n in cards
    )
    _emit(f'<div class="sos-headline">{items}</div>')


def heatmap_section(g: Any) -> None:
    """Countries × criteria heatmap of the share of indicators with the gap closed for IDPs, with a
    table of the same cells (status in text)."""
    crit = _attr(g, "criteria", None)
    crit = crit if crit is not None else pd.DataFrame()
    countries = _attr(g, "countries", None)
    names = criteria_names()
    if crit.empty and (countries is None or countries.empty):
        _note("No criteria results are available.")
        return
    cnames = _country_names(g)
    fig = charts.criteria_heatmap(crit, countries=countries, criterion_names=names, group="idp")
    parts = []
    for iso in (list(cnames) or sorted(set(crit["country"]))):
        sub = crit[(crit["country"] == iso) & (crit["group"] == "idp")] if not crit.empty else crit
        if sub.empty:
            parts.append(f"{cnames.get(iso, iso)}: no results")
            continue
        closed = sorted(int(c) for c in sub.loc[sub["status"] == "closed", "criterion"])
        opened = sorted(int(c) for c in sub.loc[sub["status"] == "open", "criterion"])
        parts.append(f"{cnames.get(iso, iso)}: closed on criteria {', '.join(map(str, closed)) or 'none'}; "
                     f"open on {', '.join(map(str, opened)) or 'none'}")
    show_figure(
        fig,
        title="Gap status for IDPs by country and criterion",
        caption="Each cell: indicators of the criterion whose gap with the comparison group is closed for IDPs, "
        "out of those assessed (colour: share closed). Hatched cells: insufficient data, not assessed, or a "
        "country whose build failed. Criteria: " + "; ".join(f"{k} {v}" for k, v in names.items()) + ".",
        alt="Heatmap of countries by the 8 IASC criteria. " + ". ".join(parts) + ".",
    )
    if not crit.empty:
        idp = crit[crit["group"] == "idp"]
        records = []
        for iso in sorted(set(idp["country"]), key=lambda c: cnames.get(c, c)):
            rec: dict[str, Any] = {"Country": cnames.get(iso, iso)}
            for c in names:
                cell = idp[(idp["country"] == iso) & (idp["criterion"].astype(int) == c)]
                rec[str(c)] = status_chip(str(cell["status"].iloc[0])) if len(cell) else status_chip("not_assessed")
            records.append(rec)
        _emit("<details open><summary>Table of the heatmap (status for IDPs; readable on a phone)</summary>"
              + html_table(_frame(records)) + "</details>")


def failed_countries(g: Any) -> None:
    """Countries whose results could not be built (failed or missing), with the reason as text."""
    countries = _attr(g, "countries", None)
    if countries is None or countries.empty:
        _note("No country list is available.")
        return
    bad = countries[countries["status"] != "ok"]
    if bad.empty:
        _note(f"All {len(countries)} countries were built successfully.")
        return
    frame = pd.DataFrame({
        "Country": bad.get("name", bad["iso3"]).astype(str),
        "ISO3": bad["iso3"].astype(str),
        "Status": bad["status"].astype(str),
        "Reason": bad["reason"].astype(str) if "reason" in bad.columns else "",
    })
    _emit(html_table(frame, caption="Countries not included in this edition"))


def key_indicators(catalogue: Any) -> list[Any]:
    """One key indicator per criterion: the first flagged ``key`` (else the first scalar one)."""
    out = []
    for c in criteria_names():
        inds = [i for i in getattr(catalogue, "indicators", ()) if int(i.criterion) == c]
        keyed = [i for i in inds if getattr(i, "key", False)]
        scalar = [i for i in inds if str(i.kind) in ("proportion", "ratio", "mean")]
        pick = (keyed or scalar or [None])[0]
        if pick is not None:
            out.append(pick)
    return out


def comparison_section(g: Any) -> None:
    """Cross-country comparison of one key indicator per criterion: dot charts with CIs and a sortable,
    searchable table (static without JavaScript)."""
    est = _current(_attr(g, "estimates", None), _attr(g, "year", None))
    est = _total(est) if est is not None else pd.DataFrame()
    if est.empty:
        _note("No estimates are available for a cross-country comparison.")
        return
    est = est[(est["category"] == "") & est["country"].isin(_ok_countries(g))]
    gaps = _total(_current(_attr(g, "gaps", None), _attr(g, "year", None)))
    names = _country_names(g)
    min_n = _min_n(g)
    records = []
    for ind in key_indicators(_attr(g, "catalogue", None)):
        rows = est[est["indicator_id"] == ind.id]
        if rows.empty:
            continue
        percent = is_percent(str(ind.kind), rows["estimate"])
        subject = _subject(ind, ind.id)
        show_figure(
            charts.country_comparison_chart(rows, percent=percent, country_names=names, min_n=min_n),
            title=f"Criterion {ind.criterion}: {subject}",
            caption=f"{'Percent' if percent else 'Mean'} of {_unit_plural(ind)}, IDPs and the comparison group, "
            f"with confidence intervals. Definition: {ind.definition}",
            alt=alttext.describe_countries(rows[rows["group"].isin(["idp", "comparison"])], subject,
                                           names=names, percent=percent, min_n=min_n),
        )
        for _, r in rows.iterrows():
            g_row = pd.DataFrame()
            if gaps is not None and not gaps.empty:
                g_row = gaps[(gaps["country"] == r["country"]) & (gaps["indicator_id"] == ind.id)
                             & (gaps["group"] == r["group"]) & (gaps["category"] == "")]
            withheld = row_is_suppressed(r)
            scale = 100.0 if percent else 1.0
            gap_value = g_row["gap"].iloc[0] if len(g_row) else float("nan")
            records.append({
                "Country": names.get(r["country"], r["country"]),
                "Criterion": int(ind.criterion),
                "Indicator": f"{ind.id} {ind.short_title}",
                "Group": style.group_label(r["group"]),
                "Estimate": float("nan") if withheld else round(float(r["estimate"]) * scale, 1),
                "CI": "" if withheld else fmt_ci(r["ci_low"], r["ci_high"], percent=percent),
                "Unit": "%" if percent else "mean",
                "n": int(r["n_unweighted"]) if not is_missing(r.get("n_unweighted")) else float("nan"),
                "Gap": float("nan") if is_missing(gap_value) else round(float(gap_value) * scale, 1),
                "Status": style.status_label(str(g_row["status"].iloc[0])) if len(g_row) else "",
                "Note": suppression_text(r.get("suppression_reason"), min_n=min_n) if withheld else "",
            })
    if not records:
        _note("No key indicator has estimates in the countries of this edition.")
        return
    interactive_setup()
    _emit(interactive_table(pd.DataFrame(records),
                             caption="Key indicators by country and group (gap in percentage points for shares)"))


def solutions_by_country(g: Any, output_root: str | Path | None = None) -> None:
    """The solutions measure (``SOL-1``) by country and displaced group, with CIs, and its change since the
    previous comparable report year (earlier years' results tables under ``output_root``)."""
    est = _total(_current(_attr(g, "estimates", None), _attr(g, "year", None)))
    rows = est[(est["indicator_id"] == SOLUTIONS_ID) & (est["category"] == "")] if not est.empty else est
    if rows.empty:
        _note("The solutions measure is not available for any country.")
        return
    ok = _ok_countries(g)
    rows = rows[rows["country"].isin(ok) & rows["group"].isin(style.DISPLACED_GROUPS)]
    names = _country_names(g)
    min_n = _min_n(g)
    level = _level_pct(g)
    show_figure(
        charts.solutions_by_country_chart(rows, country_names=names, min_n=min_n),
        title="Displaced households meeting every solutions condition",
        caption="Percent of displaced households meeting every household-level condition of criteria 1–5 "
        f"(global config), by country and group, with {level} confidence intervals.",
        alt=alttext.describe_countries(rows, "share of households meeting all solutions conditions",
                                       names=names, min_n=min_n),
    )
    frame = rows.assign(country=rows["country"].map(lambda c: names.get(c, c))).sort_values(["country", "group"])
    records = []
    for _, r in frame.iterrows():
        withheld = row_is_suppressed(r)
        records.append({
            "Country": r["country"], "Group": style.group_label(r["group"]),
            "Estimate (%)": "–" if withheld else fmt_value(r["estimate"], percent=True).rstrip("%"),
            f"{level} CI (%)": "–" if withheld else fmt_ci(r["ci_low"], r["ci_high"], percent=True),
            "n": fmt_count(r.get("n_unweighted")),
            "Note": suppression_text(r.get("suppression_reason"), min_n=min_n) if withheld else "",
        })
    _emit(html_table(_frame(records), caption=f"Estimates by country and group ({level} CI)",
                     numeric=["Estimate (%)", f"{level} CI (%)", "n"]))
    _emit("<h3>Change since the previous edition</h3>")
    trends.solutions_change(g, output_root, names=names, level=level, countries=ok)


# ------------------------------------------------------------ methods page ----
def methods_catalogue(catalogue: Any) -> None:
    """Every indicator of the catalogue, per criterion: id, title, definition, universe, unit, direction,
    PRDS objective, level, kind and disaggregations (generated from the catalogue itself)."""
    try:
        from solutions.catalogue import PRDS_OBJECTIVES
    except ImportError:  # pragma: no cover
        PRDS_OBJECTIVES = {}
    version = _attr(catalogue, "version", "")
    _note(f"Catalogue version {version}.")
    names = criteria_names()
    inds = list(getattr(catalogue, "indicators", ()))
    for c in sorted({int(i.criterion) for i in inds}):
        label = f"{c}. {names[c]}" if c in names else ("Cross-criteria" if c == 0 else f"Criterion {c}")
        _emit(f"<h3>{html.escape(label)}</h3>")
        records = []
        for i in (x for x in inds if int(x.criterion) == c):
            universe = _attr(i, "universe", None)
            breakdown = _attr(i, "breakdown", None)
            records.append({
                "Id": i.id,
                "Indicator": i.title,
                "Definition": i.definition
                + (f" Broken down by {breakdown.variable.replace('_', ' ')}." if breakdown is not None else ""),
                "Universe": f"{_unit_plural(i)} where {universe}" if universe else f"all {_unit_plural(i)}",
                "Kind": str(i.kind).replace("_", " "),
                "Better": {"higher": "higher", "lower": "lower"}.get(str(i.direction), "no direction"),
                "PRDS objective": f"{i.prds_objective} {PRDS_OBJECTIVES.get(int(i.prds_objective), '')}".strip(),
                "Level": i.level,
                "Disaggregations": ", ".join(getattr(i, "disaggregations", ()) or ()) or "–",
            })
        _emit(html_table(_frame(records)))


def _config_dict(global_config: Any) -> dict[str, Any]:
    if isinstance(global_config, str | Path):
        from solutions.config import load_global

        global_config = load_global(global_config)
    if hasattr(global_config, "model_dump"):
        return global_config.model_dump()
    return dict(global_config or {})


def estimation_rules(global_config: Any) -> None:
    """The estimation, gap and suppression rules in force (thresholds read from the global config) and
    the conditions of the solutions measure. ``global_config``: a path, a GlobalConfig or a dict."""
    cfg = _config_dict(global_config)
    thr = cfg.get("thresholds", {}) or {}
    min_n = thr.get("min_n", DEFAULT_MIN_N)
    max_cv = thr.get("max_cv", 0.30)
    level = float(thr.get("confidence_level", 0.95))
    lonely = thr.get("lonely_psu", "adjust")
    rows = [
        ("Point estimates", "Weighted (design weights); proportions and means are ratio estimators Σw·y / Σw "
         "over the universe of the indicator."),
        ("Standard errors", "Taylor linearization, with-replacement approximation of the first stage, PSUs "
         "nested in strata; domains estimated on the full design (out-of-domain scores set to zero)."),
        ("Single-PSU strata", f"Rule '{lonely}' (as R survey.lonely.psu)."),
        ("Confidence intervals", f"{level * 100:.0f}%: logit interval for proportions, Student t otherwise, "
         "with the design degrees of freedom (PSUs minus strata)."),
        ("Missing answers", "Missing, don't know and refused are excluded from the universe and counted."),
        ("Gap", "Displaced group minus comparison group on the same indicator and domain, estimated as one "
         "linearized contrast (the groups share PSUs)."),
        ("Gap closed", "The gap is not significantly worse than zero at the confidence level, taking the "
         "indicator's direction into account; distributions have no direction and are not assessed."),
        ("Criterion status", "Gap open if any indicator is significantly worse; insufficient data when "
         "estimates are withheld; gap closed when every assessed indicator has closed the gap."),
        ("Suppression", f"An estimate whose unweighted denominator is below {min_n} is withheld and shown as "
         "text; cells that would let it be recovered are withheld too (complementary suppression)."),
        ("Precision flag", f"An estimate whose coefficient of variation exceeds {float(max_cv) * 100:.0f}% is "
         "flagged as low precision."),
        ("Trends", "Only estimates computed with the same catalogue version are compared across report years. "
         "The change since the previous comparable year treats the two surveys as independent: its standard "
         "error is √(se₁² + se₂²), with Student's t on the smaller of the two design degrees of freedom; "
         "withheld estimates give no change."),
    ]
    _emit(html_table(pd.DataFrame(rows, dtype=object, columns=["Rule", "In force"]), caption="Estimation and disclosure rules"))
    conditions = cfg.get("solutions_measure", []) or []
    if conditions:
        frame = pd.DataFrame([
            {"Criterion": c.get("criterion"), "Condition": c.get("label"), "Expression": c.get("condition")}
            for c in conditions
        ])
        _emit(html_table(frame, caption="Solutions measure (SOL-1): a displaced household counts when it meets "
                         "every condition"))


def data_provenance(g: Any, *, global_table_href: str = "results/global/estimates.csv") -> None:
    """Per-country checksums, config hash, code version and build date, with links (relative to the site
    root) to each country's results CSV and to the global table."""
    prov = normalise(_attr(g, "provenance", {}) or {})
    per_country = prov.get("countries", {}) or {}
    countries = _attr(g, "countries", None)
    isos = list(countries["iso3"]) if countries is not None and not countries.empty else sorted(per_country)
    names = _country_names(g)
    status = ({str(r["iso3"]): str(r["status"]) for _, r in countries.iterrows()}
              if countries is not None and not countries.empty else {})
    records = []
    for iso in isos:
        p = normalise(per_country.get(iso, {}) or {})
        inputs = p.get("inputs", {}) or {}
        checks = Markup("<br>".join(
            f"<code>{html.escape(Path(str(k).replace(chr(92), '/')).name)}</code> "
            f"<code>{html.escape(short_hash(v))}</code>" for k, v in sorted(inputs.items())) or "–")
        ok = status.get(iso, "ok") == "ok"
        href = f"results/{iso}/estimates.csv"
        records.append({
            "Country": names.get(iso, iso),
            "Status": status.get(iso, "ok"),
            "Input data (sha256)": checks,
            "Config (sha256)": Markup(f"<code>{html.escape(short_hash(p.get('config_sha256', '')))}</code>")
            if p.get("config_sha256") else "–",
            "Code version": p.get("code_version", "–"),
            "Built": p.get("build_date", "–"),
            "Results": Markup(f'<a href="{html.escape(href)}" download>estimates.csv</a>') if ok else "not built",
        })
    if records:
        _emit(html_table(_frame(records), caption="Data and results by country"))
    _emit(f'<p>Global table of all countries: <a href="{html.escape(global_table_href)}" download>'
          f"{html.escape(Path(global_table_href).name)}</a>.</p>")
    _emit(provenance_html(prov, heading="Provenance of this edition"))

