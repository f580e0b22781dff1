"""The country chapter's sections (notebooks/country.ipynb): context, sample and design, criteria overview,
one section per IASC criterion, the solutions measure, trends."""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from . import alttext, charts, style, trends
from .blocks import (  # sections every page has
    METRIC_LABELS,
    SOLUTIONS_ID,
    attr,
    banner,
    category_label,
    criteria_names,
    current_year,
    indicator_of,
    level_pct,
    min_n_of,
    n_text,
    narrative,
    national,
    note,
    object_frame,
    provenance_section,
    subject_of,
    title,
    unit_plural,
)
from .figures import show_figure
from .formatting import (
    fmt_big,
    fmt_ci,
    fmt_count,
    fmt_gap,
    fmt_value,
    is_missing,
    is_percent,
    row_is_suppressed,
    suppression_text,
)
from .output import emit
from .tables import (
    Markup,
    distribution_table,
    estimates_table,
    html_table,
    status_chip,
)


# ------------------------------------------------------------ country page ----
def context_section(results: Any) -> None:
    """Country-year figures (IDP stock, new displacements, returns): a small trend chart and a table."""
    figures = attr(results, "figures", None)
    if figures is None or figures.empty:
        note("No country-year displacement figures were provided.")
        return
    data = figures.dropna(subset=["value"])
    latest = data.sort_values("year").groupby("metric", sort=False).tail(1)
    parts = [f"{METRIC_LABELS.get(r['metric'], r['metric'])} {fmt_big(r['value'])} ({int(r['year'])})"
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
        frame[METRIC_LABELS.get(m, str(m))] = [fmt_count(v) for v in table[m]]
    emit(html_table(frame, caption="Country-year figures (number of people)", numeric=list(frame.columns[1:])))


def sample_section(results: Any) -> None:
    """Sample sizes by group and area (as published, small cells withheld) and the survey design."""
    sample = attr(results, "sample", None)
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
        emit(html_table(frame, caption="Sample (unweighted counts; small cells withheld)",
                         numeric=["Households", "Individuals", "PSUs"]))
    else:
        note("No sample summary is available.")
    design = attr(results, "design", {}) or {}
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
        emit(html_table(pd.DataFrame(rows), caption="Survey design"))
    weights_block(results)


def weights_block(results: Any) -> None:
    """Weight diagnostics per group: Kish's effective sample size and the largest share of one record."""
    diag = attr(results, "weights", None)
    if diag is None or diag.empty:
        return
    diag = diag[diag["group"] != "all"]
    frame = pd.DataFrame({
        "Group": [style.group_label(g) for g in diag["group"]],
        "Households": [fmt_count(v) for v in diag["n"]],
        "Effective sample size (Kish)": [fmt_count(round(v)) for v in diag["n_effective"]],
        "Design effect of weighting": [f"{v:.2f}" for v in diag["deff_weighting"]],
        "Largest weight share": [f"{v:.1%}" for v in diag["max_share"]],
    })
    emit(html_table(frame, caption="Weights: the effective sample size is the number of equally weighted "
                    "households giving the same precision; the largest share is the part of the group's weighted "
                    "total carried by its heaviest household",
                    numeric=list(frame.columns[1:])))


def criteria_overview(results: Any) -> None:
    """The 8 criteria × displaced groups: gap status as a coloured chip with its text label."""
    if not attr(results, "comparison", True):
        no_comparison_overview(results)
        not_computed_section(results)
        return
    crit = current_year(attr(results, "criteria", None), attr(results, "year", None))
    names = criteria_names()
    if crit is None or crit.empty:
        note("No criteria results are available.")
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
    emit(html_table(object_frame(records), caption="Gap status by criterion and group, compared with the "
                     "comparison group (closed: no indicator significantly worse)"))
    not_computed_section(results)


def no_comparison_overview(results: Any) -> None:
    """A survey without a comparison group: say that gaps cannot be estimated, and show the external
    benchmark beside the estimates when the country gives one."""
    reference = attr(results, "reference", None) or {}
    text = ("This survey has no comparison group (non-displaced households of the same areas), so gaps cannot "
            "be estimated from this survey and no criterion is assessed: the chapter reports the estimates.")
    if reference:
        text += (f" Some indicators are shown beside an external benchmark, {reference.get('name', '')}: another "
                 "source, to read as context, not as a gap.")
    note(text)
    benchmark_block(results)


def benchmark_block(results: Any, criterion: int | None = None) -> None:
    """The survey's estimates beside the external benchmark (with its SE when known) and how they compare."""
    bench = attr(results, "benchmarks", None)
    if bench is None or bench.empty:
        return
    if criterion is not None:
        bench = bench[bench["criterion"].astype(int) == int(criterion)]
        if bench.empty:
            return
    level = level_pct(results)
    catalogue = attr(results, "catalogue", None)
    words = {"above": "above the benchmark", "below": "below the benchmark",
             "no clear difference": "no clear difference", "withheld": "estimate withheld"}
    records = []
    for _, r in bench.iterrows():
        ind = indicator_of(catalogue, str(r["indicator_id"]))
        percent = is_percent(str(attr(ind, "kind", "proportion")), [r["reference"]])
        has_se = not is_missing(r.get("reference_se"))
        withheld = str(r["comparison"]) == "withheld"
        records.append({
            "Indicator": _panel_title(ind, str(r["indicator_id"])),
            "Group": style.group_label(str(r["group"])),
            "Estimate": "–" if withheld else fmt_value(r["estimate"], percent=percent),
            "External benchmark": fmt_value(r["reference"], percent=percent)
            + (f" (SE {fmt_value(r['reference_se'], percent=percent, digits=1)})" if has_se else " (SE not given)"),
            "Difference": "–" if withheld else fmt_gap(r["difference"], percent=percent),
            f"{level} CI": "" if withheld else fmt_ci(r["ci_low"], r["ci_high"], percent=percent, gap=True),
            "How it compares": words.get(str(r["comparison"]), str(r["comparison"])),
        })
    ref = attr(results, "reference", None) or {}
    source = ", ".join(str(ref[k]) for k in ("name", "publisher", "year") if ref.get(k))
    emit(html_table(object_frame(records), caption=f"External benchmark: {source}. The difference treats the two "
                    "sources as independent (the benchmark's SE, when given, is included); it is not a gap and has "
                    "no status", numeric=["Estimate", "External benchmark", "Difference", f"{level} CI"]))


def not_computed_section(results: Any) -> None:
    """Every indicator this country's data could not give, with the reason (or a note that all were)."""
    table = attr(results, "indicators", None)
    if table is None or table.empty:
        return
    missing = table[~table["computed"].astype(bool)]
    if missing.empty:
        note("Every indicator of the catalogue was computed for this country.")
        return
    frame = pd.DataFrame({
        "Indicator": [f"{i} {t}" for i, t in zip(missing["indicator_id"], missing["title"], strict=True)],
        "Criterion": [str(int(c)) if int(c) else "–" for c in missing["criterion"]],
        "Why not computed": missing["reason"].astype(str),
    })
    emit(html_table(frame, caption=f"Indicators not computed in this country ({len(missing)} of {len(table)})"))


def indicator_notes(results: Any) -> dict[str, str]:
    """indicator id -> what a reader must know under its definition: the country's note, or why it is missing."""
    table = attr(results, "indicators", None)
    if table is None or table.empty:
        return {}
    out = {}
    for _, r in table.iterrows():
        parts = [f"Note: {r['note']}" if r["note"] else "", "" if r["computed"] else f"Not computed: {r['reason']}."]
        text = " ".join(p for p in parts if p)
        if text:
            out[str(r["indicator_id"])] = text
    return out


_national: dict[tuple[int, str], tuple[pd.DataFrame, Any, pd.DataFrame]] = {}


def _national_rows(results: Any, table: str) -> pd.DataFrame:
    """This year's national (``total``) rows of ``results.<table>``, computed once per table object: every
    criterion section of a chapter needs them, and filtering the full table is not free."""
    df, year = attr(results, table, None), attr(results, "year", None)
    key = (id(results), table)
    hit = _national.get(key)
    if hit is not None and hit[0] is df and hit[1] == year:
        return hit[2]
    rows = national(current_year(df, year))
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
    short = str(attr(ind, "short_title", "") or attr(ind, "title", "") or "")
    return f"{indicator_id} {short}".strip()


def _definitions(ind_rows: list[tuple[Any, str]], notes: Mapping[str, str] | None = None) -> None:
    """The criterion's indicators: id, short form of the definition, universe (each an anchor target), and
    the country's note under it (e.g. "proxy: ...") or why it was not computed."""
    items = []  # the universe as a rule (e.g. "justice_needed == 1") is on the methods page
    for ind, indicator_id in ind_rows:
        extra = (notes or {}).get(indicator_id)
        items.append(
            f'<dt id="ind-{html.escape(indicator_id.lower())}">{html.escape(subject_of(ind, indicator_id))}</dt>'
            f"<dd>{html.escape(str(attr(ind, 'definition', '')))}</dd>"
            + (f'<dd class="sos-note sos-indicator-note">{html.escape(extra)}</dd>' if extra else "")
        )
    emit(f'<dl class="sos-defs">{"".join(items)}</dl>')


def _scalar_figures(results: Any, criterion: int, blocks: list[tuple[Any, str, pd.DataFrame]], min_n: int) -> None:
    level = level_pct(results)
    name = criteria_names().get(int(criterion), f"criterion {criterion}")
    panels, gap_panels, alts, gap_alts, ns = [], [], [], [], []
    for ind, indicator_id, rows in blocks:
        percent = _percent_of(rows)
        title = _panel_title(ind, indicator_id)
        unit = "" if percent else f" ({attr(ind, 'unit', '') or 'mean'})"
        panels.append(charts.EstimatePanel(title, rows, percent,
                                           f"Estimate{' (%)' if percent else unit}, {level} CI"))
        alts.append(alttext.describe_estimates(rows, title, percent=percent, min_n=min_n).removeprefix(
            "Dot chart: ").rstrip("."))
        ns.append(f"{indicator_id} {attr(ind, 'title', '')}: {n_text(rows, unit_plural(ind))}".rstrip())
        gaps = _gap_rows(results, indicator_id)
        if not gaps.empty:
            direction = str(attr(ind, "direction", "") or gaps["direction"].iloc[0])
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
    emit(criterion_table(results, blocks, min_n=min_n, caption=f"{name}: estimates and gaps"))


def criterion_table(results: Any, blocks: list[tuple[Any, str, pd.DataFrame]], *, min_n: int,
                    caption: str) -> str:
    """One compact table of a criterion: per indicator and group the estimate, CI, n, gap, gap CI, status."""
    level = level_pct(results)
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
    return html_table(object_frame(records), caption=caption + " (shares in %, gaps in percentage points)",
                      numeric=["Estimate", f"{level} CI", "n", "Gap", "Gap CI"])


def _breakdown_heading(ind: Any, kinds: set[str], has_head: bool) -> str:
    breakdown = attr(ind, "breakdown", None)
    variable = str(attr(breakdown, "variable", "") or "")
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
        labels = {c: category_label(c) for c in rows["category"].astype(str)}
        title = f"{_panel_title(ind, indicator_id)}: {heading}"
        panels.append(charts.BreakdownPanel(title, rows, labels))
        alts.append(alttext.describe_distribution(rows, title, labels=labels, min_n=min_n)
                    .removeprefix("Stacked bar chart: "))
        ns.append(f"{indicator_id}: {n_text(rows, unit_plural(ind))}")
    show_figure(
        charts.breakdowns_chart(panels, min_n=min_n),
        title=f"{name}: distributions and reasons",
        caption="Percent of the universe of each breakdown (e.g. those unable to access a service, by main "
        "reason); each bar sums to 100%, legend entries follow the segments from left to right. " + " ".join(ns),
        alt="Stacked bar charts, one per indicator: " + " ".join(alts),
    )
    level = level_pct(results)
    for ind, indicator_id, rows, heading in blocks:
        labels = {c: category_label(c) for c in rows["category"].astype(str)}
        subject = subject_of(ind, indicator_id)
        table = distribution_table(rows, category_labels=labels, min_n=min_n,
                                   caption=f"{subject}: {heading} (%, {level} CI)")
        emit(f"<details><summary>Table: {html.escape(subject)}, {html.escape(heading)}</summary>{table}</details>")


def _system_block(ind: Any, indicator_id: str, rows: pd.DataFrame, min_n: int) -> None:
    subject = subject_of(ind, indicator_id)
    percent = is_percent("system", rows["estimate"])
    records = []
    for _, r in rows.iterrows():
        withheld = row_is_suppressed(r)
        records.append({
            "Type": category_label(str(r["category"])),
            "Share of locations (%)" if percent else "Value": "–" if withheld
            else fmt_value(r["estimate"], percent=percent).rstrip("%"),
            "Locations (n)": fmt_count(r.get("n_unweighted")),
            "Note": suppression_text(r.get("suppression_reason"), min_n=min_n) if withheld else "",
        })
    emit(html_table(object_frame(records), caption=f"{subject} (system level). {attr(ind, 'definition', '')}",
                     numeric=["Share of locations (%)", "Value", "Locations (n)"]))


def criterion_section(results: Any, criterion: int) -> None:
    """One criterion: its narrative (when the config has one), the indicators' definitions, one faceted
    dot-and-whisker figure of the estimates and one of the gaps (a panel per indicator) with a compact
    table, distributions and by-reason breakdowns as stacked bars, system-level indicators as a table."""
    narrative(results, criterion)
    est = _indicator_rows(results)
    if est.empty:
        note("No estimates are available for this criterion.")
        return
    est = est[est["criterion"].astype(int) == int(criterion)]
    catalogue = attr(results, "catalogue", None)
    ids = [i.id for i in (catalogue.by_criterion(int(criterion)) if hasattr(catalogue, "by_criterion") else [])]
    ids = [i for i in ids if i in set(est["indicator_id"])] + sorted(set(est["indicator_id"]) - set(ids))
    if not ids:
        note("No indicator of this criterion was collected in this country.")
        return
    min_n = min_n_of(results)
    scalar: list[tuple[Any, str, pd.DataFrame]] = []
    breakdowns: list[tuple[Any, str, pd.DataFrame, str]] = []
    systems: list[tuple[Any, str, pd.DataFrame]] = []
    for indicator_id in ids:
        rows = est[est["indicator_id"] == indicator_id]
        ind = indicator_of(catalogue, indicator_id)
        kinds = set(rows["kind"].astype(str))
        head, cats = rows[rows["category"] == ""], rows[rows["category"] != ""]
        if "system" in kinds:
            systems.append((ind, indicator_id, rows))
            continue
        if not head.empty:
            scalar.append((ind, indicator_id, head))
        if not cats.empty:
            breakdowns.append((ind, indicator_id, cats, _breakdown_heading(ind, kinds, not head.empty)))
    _definitions([(indicator_of(catalogue, i), i) for i in ids], indicator_notes(results))
    if scalar:
        _scalar_figures(results, criterion, scalar, min_n)
    if breakdowns:
        _breakdown_figures(results, criterion, breakdowns, min_n)
    for ind, indicator_id, rows in systems:
        _system_block(ind, indicator_id, rows, min_n)
    if attr(results, "comparison", True):  # without a comparison group the overview shows them all
        benchmark_block(results, criterion)


def solutions_measure_section(results: Any) -> None:
    """The solutions measure (``SOL-1``): share of displaced households meeting every configured
    household-level threshold of criteria 1–5, by group, with CIs."""
    est = _indicator_rows(results)
    rows = est[(est["indicator_id"] == SOLUTIONS_ID) & (est["category"] == "")] if not est.empty else est
    measure = attr(results, "solutions_measure", {}) or {}
    conditions = measure.get("conditions", []) if isinstance(measure, Mapping) else measure
    if conditions:
        frame = pd.DataFrame([
            {"Criterion": c.get("criterion") if isinstance(c, Mapping) else c.criterion,
             "Condition": c.get("label") if isinstance(c, Mapping) else c.label}
            for c in conditions
        ])
        emit(html_table(frame, caption="Conditions a household must meet (global config)"))
    missing = indicator_notes(results).get(SOLUTIONS_ID, "")
    if rows.empty or "Not computed" in missing:
        note("The solutions measure is not available for this country." + (f" {missing}" if missing else ""))
        return
    min_n = min_n_of(results)
    level = level_pct(results)
    subject = "Solutions measure (SOL-1)"
    show_figure(
        charts.estimate_dot_chart(rows, percent=True, min_n=min_n,
                                  xlabel=f"Households meeting all conditions (%), {level} CI"),
        title=subject,
        caption=f"Percent of households meeting every household-level condition of criteria 1–5, with {level} "
        "confidence intervals. " + n_text(rows, "households"),
        alt=alttext.describe_estimates(rows, "share of households meeting all solutions conditions", min_n=min_n),
    )
    emit(estimates_table(rows, percent=True, min_n=min_n, caption=f"{subject}: estimates"))


def trends_section(results: Any, output_root: str | Path | None = None) -> None:
    """Change per indicator across report years, read from earlier years' results tables under
    ``output_root`` (or ``results.history``), comparing only the same catalogue version; a note when there
    is no earlier comparable year."""
    earlier = (trends.earlier_results(output_root, str(attr(results, "iso3", "")), int(attr(results, "year", 0)))
               if output_root is not None else attr(results, "history", None))
    trends.country_trends(results, earlier if isinstance(earlier, pd.DataFrame) else pd.DataFrame(),
                          level=level_pct(results), criteria=criteria_names())


__all__ = [
    "banner",
    "benchmark_block",
    "context_section",
    "criteria_overview",
    "criterion_section",
    "criterion_table",
    "narrative",
    "not_computed_section",
    "provenance_section",
    "sample_section",
    "solutions_measure_section",
    "title",
    "trends_section",
]
