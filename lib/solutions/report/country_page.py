"""The country chapter's sections (notebooks/country.ipynb): the findings in words, context, sample and design,
the criteria overview, one section per IASC criterion, the solutions measure beside its benchmark, trends.

Every section takes the country's ``CountryResults``. Statuses and flags reach the reader through
``wording`` and ``cells`` only, so a chip, a caption, an alt text and a table say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from solutions.catalogue import SOLUTIONS_ID, Indicator, load_catalogue
from solutions.indicators import CountryResults

from . import alttext, chartdata, charts, style, trends
from .blocks import (  # sections every page has
    METRIC_LABELS,
    SHORT_CRITERIA,
    banner,
    category_label,
    criteria_names,
    current_year,
    indicator_of,
    n_text,
    narrative,
    national,
    note,
    object_frame,
    provenance_section,
    publish_chart_data,
    subject_of,
    title,
    unit_plural,
    universe_words,
)
from .cells import ci_text, note_text, value_text
from .figures import show_figure
from .formatting import (
    fmt_big,
    fmt_ci,
    fmt_count,
    fmt_gap,
    fmt_number,
    fmt_share,
    fmt_value,
    is_missing,
    is_percent,
)
from .measure_info import conditions_frame, measure_info, rule_text, status_text
from .output import emit
from .records import row_dicts
from .tables import (
    benchmark_table,
    distribution_table,
    flag_legend,
    gap_cells,
    html_table,
    status_chip,
    without_empty,
)
from .templating import macros
from .thresholds import Thresholds, thresholds_of
from .wording import (
    LONELY_PSU_WORDS,
    availability_words,
    criterion_counts,
    group_findings,
    indicator_name,
    status_key,
    status_legend,
    weighting_words,
)

_T = macros("country.html.j2")
_C = macros("common.html.j2")


# ------------------------------------------------------------ country page ----
def findings_summary(results: CountryResults) -> None:
    """One sentence per displaced group from its criterion statuses: where it is worse off, where the data
    show no material gap, where the survey cannot tell (generated, so it never claims more than the CIs)."""
    said = trends.survey_note(results.design.as_json(), results.year)  # which survey round the chapter's figures are from
    if said:
        note(said)
    if not results.comparison:  # said first: no criterion can be assessed, and why
        emit(_T.estimates_only(reference=bool(results.reference)))
        return
    crit = current_year(results.criteria, results.year)
    if crit.empty:
        return
    items = []
    for g in [g for g in style.order_groups(crit["group"]) if g != "comparison"]:
        statuses = {int(r["criterion"]): str(r["status"]) for r in crit[crit["group"] == g].to_dict("records")}
        items.append(group_findings(style.group_label(g), statuses, SHORT_CRITERIA))
    emit(_T.findings(items))


def context_section(results: CountryResults) -> None:
    """Country-year figures (IDP stock, new displacements, returns): a small trend chart and a table."""
    data = results.figures.dropna(subset=["value"])
    if data.empty:
        note("No country-year displacement figures were provided.")
        return
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
        data=data[["year", "metric", "value", "source"]].sort_values(["metric", "year"]).reset_index(drop=True),
    )
    table = data.pivot_table(index="year", columns="metric", values="value", aggfunc="first").sort_index()
    frame = pd.DataFrame({"Year": [str(int(y)) for y in table.index]})
    for m in table.columns:
        frame[METRIC_LABELS.get(m, str(m))] = [fmt_count(v) for v in table[m]]
    emit(html_table(frame, caption="Country-year figures (number of people)", numeric=list(frame.columns[1:]),
                    stack=True))


DESIGN_LABELS = {"strata": "Strata", "psus": "Primary sampling units", "weighting": "Weighting",
                 "lonely_psu": "Single-PSU strata rule", "confidence_level": "Confidence level",
                 "collection": "Data collection", "collection_start": "Collection start",
                 "collection_end": "Collection end", "min_n": "Minimum n for publication",
                 "min_effective_n": "Minimum effective n for publication", "min_df": "Minimum degrees of freedom",
                 "max_cv": "Maximum coefficient of variation", "households": "Households interviewed",
                 "individuals": "Individuals", "survey_title": "Survey", "weight": "Weight variable",
                 "equivalence_margin": "Equivalence margin (a gap is closed when its CI lies within it)",
                 "min_count": "Smallest count shown as a number"}


def design_value(key: str, value: object) -> str:
    """A design or threshold value as a reader reads it (percentages, the equivalence margin in words)."""
    if key in ("confidence_level", "max_cv") and isinstance(value, int | float):
        return f"{float(value) * 100:.0f}%"
    if key == "equivalence_margin" and isinstance(value, dict):
        parts = []
        if value.get("absolute") is not None:
            parts.append(f"{float(value['absolute']) * 100:g} points for shares")
        if value.get("relative") is not None:
            parts.append(f"{float(value['relative']) * 100:g}% of the comparison group's value for means and ratios")
        return "; ".join(parts)
    if key == "weighting":
        return weighting_words(value)
    if key == "lonely_psu":
        return LONELY_PSU_WORDS.get(str(value), str(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_count(value) if float(value).is_integer() else f"{value:g}"
    return str(value)


def sample_section(results: CountryResults) -> None:
    """Sample sizes by group and area (as published, small cells withheld) and the survey design."""
    sample = results.sample
    if not sample.empty:
        frame = sample.copy()
        if "group" in frame.columns:
            order = {g: i for i, g in enumerate(style.order_groups(frame["group"]))}
            frame = frame.assign(_o=frame["group"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")
            frame["group"] = frame["group"].map(style.group_label)
        counts = [c for c in ("households", "individuals", "psus") if c in frame.columns]
        fewer = f"fewer than {results.design.thresholds.min_count}"
        for c in counts:
            why = frame.pop(f"{c}_withheld") if f"{c}_withheld" in frame.columns else pd.Series("", index=frame.index)
            frame[c] = [(fewer if w == "min_count" else "withheld") if is_missing(v) else fmt_count(v)
                        for v, w in zip(frame[c], why, strict=True)]
        frame = frame.rename(columns={"group": "Group", "admin1": "Area", "households": "Households",
                                      "individuals": "Individuals", "psus": "PSUs"})
        emit(html_table(frame, caption=f"Sample (unweighted counts; small cells shown as \"{fewer}\")",
                        numeric=["Households", "Individuals", "PSUs"], stack=True))
    else:
        note("No sample summary is available.")
    rows = []
    for key, value in results.design.as_json().items():
        if key == "weight":
            continue  # the catalogue name of the weight column: a build detail, not a design fact
        if key == "equivalence_margin" and not results.comparison:
            continue  # a margin around gaps a survey without a comparison group never has
        if key == "individuals" and not value:
            continue  # a survey without individual-level data: not "0 individuals"
        rows.append({"Design": DESIGN_LABELS.get(key, str(key).replace("_", " ").capitalize()),
                     "Value": design_value(key, value)})
    if rows:
        emit(html_table(pd.DataFrame(rows), caption="Survey design and publication thresholds"))
    weights_block(results)


def weights_block(results: CountryResults) -> None:
    """Weight diagnostics per group: Kish's effective sample size and the largest share of one record."""
    diag = results.weights
    if diag.empty:
        return
    diag = diag[diag["group"] != "all"]
    frame = pd.DataFrame({
        "Group": [style.group_label(g) for g in diag["group"]],
        "Households": [fmt_count(v) for v in diag["n"]],
        "Effective sample size (Kish)": [fmt_count(round(v)) for v in diag["n_effective"]],
        "Design effect of weighting": [fmt_number(v, "factor") for v in diag["deff_weighting"]],
        "Largest weight share": [fmt_share(v) for v in diag["max_share"]],
    })
    emit(html_table(frame, caption="Weights: the effective sample size is the number of equally weighted "
                    "households giving the same precision; the largest share is the part of the group's weighted "
                    "total carried by its heaviest household",
                    numeric=list(frame.columns[1:]), stack=True))


def criteria_overview(results: CountryResults) -> None:
    """The 8 criteria × displaced groups: the status as a chip (colour, symbol, label) and the indicator counts
    behind it in words; a survey without a comparison group says why no criterion is assessed."""
    if not results.comparison:
        no_comparison_overview(results)
        not_computed_section(results)
        return
    crit = current_year(results.criteria, results.year)
    names = criteria_names()
    if crit.empty:
        note("No criteria results are available.")
        return
    groups = [g for g in style.order_groups(crit["group"]) if g != "comparison"]
    cells = {(int(r["criterion"]), str(r["group"])): r for r in crit.to_dict("records")}
    records = []
    for c, name in names.items():
        rec: dict[str, object] = {"Criterion": f"{c}. {name}"}
        for g in groups:
            r = cells.get((c, g))
            if r is None:
                rec[style.group_label(g)] = status_chip("not_assessed", "no indicator with a direction")
                continue
            counts = criterion_counts(n_indicators=int(r["n_indicators"]), n_closed=int(r["n_closed"]),
                                      n_open=int(r["n_open"]), n_inconclusive=_n_inconclusive(r),
                                      n_insufficient=int(r["n_insufficient"]))
            rec[style.group_label(g)] = status_chip(str(r["status"]), counts)
        records.append(rec)
    labels = [style.group_label(g) for g in groups]
    emit(html_table(object_frame(records), caption="Gap status by criterion and displaced group, compared with the "
                    "comparison group", key=["Criterion", *labels], stack=True))
    note("A criterion is open when any of its indicators is open, closed when every indicator with data is "
         "closed. " + status_legend())
    not_computed_section(results)


def no_comparison_overview(results: CountryResults) -> None:
    """A survey without a comparison group: say that gaps cannot be estimated, and show the external
    benchmark beside the estimates when the country gives one."""
    reference = results.reference or {}
    text = ("This survey has no comparison group (non-displaced households of the same areas), so gaps cannot "
            "be estimated from this survey and no criterion is assessed: the chapter reports the estimates.")
    if reference:
        text += (f" Some indicators are shown beside an external benchmark, {reference.get('name', '')}: another "
                 "source, to read as context, not as a gap.")
    note(text)
    benchmark_block(results)


BENCHMARK_WORDS = {"above": "above the benchmark", "below": "below the benchmark",
                   "no clear difference": "no clear difference", "withheld": "estimate withheld"}


def benchmark_block(results: CountryResults, criterion: int | None = None) -> None:
    """The survey's estimates beside the external benchmark (with its SE when known) and how they compare."""
    bench = results.benchmarks
    if bench.empty:
        return
    if criterion is not None:
        bench = bench[bench["criterion"].astype(int) == int(criterion)]
        if bench.empty:
            return
    thresholds = thresholds_of(results)
    records = []
    for r in bench.to_dict("records"):
        ind = indicator_of(results.catalogue, str(r["indicator_id"]))
        percent = is_percent(ind.kind if ind is not None else "proportion", [r["reference"]])
        has_se = not is_missing(r.get("reference_se"))
        withheld = str(r["comparison"]) == "withheld"
        records.append({
            "Indicator": _panel_title(ind, str(r["indicator_id"])),
            "Group": style.group_label(str(r["group"])),
            "Estimate": "" if withheld else fmt_value(r["estimate"], percent=percent),
            "External benchmark": fmt_value(r["reference"], percent=percent)
            + (f" (SE {fmt_value(r['reference_se'], percent=percent, digits=1)})" if has_se else " (SE not given)"),
            "Difference": "" if withheld else fmt_gap(r["difference"], percent=percent),
            f"{thresholds.level} CI": "" if withheld else fmt_ci(r["ci_low"], r["ci_high"], percent=percent,
                                                                 gap=True),
            "How it compares": BENCHMARK_WORDS.get(str(r["comparison"]), str(r["comparison"])),
        })
    ref = results.reference or {}
    source = ", ".join(str(ref[k]) for k in ("name", "publisher", "year") if ref.get(k))
    emit(html_table(object_frame(records), caption=f"External benchmark: {source}. The difference treats the two "
                    "sources as independent (the benchmark's SE, when given, is included); it is not a gap and has "
                    "no status", numeric=["Estimate", "External benchmark", "Difference", f"{thresholds.level} CI"],
                    key=["Indicator", "Group", "Estimate", "External benchmark", "Difference", "How it compares"],
                    stack=True))


def not_computed_section(results: CountryResults) -> None:
    """Every indicator this country's data could not give, with the reason (or a note that all were)."""
    table = results.indicators
    if table.empty:
        return
    missing = table[~table["computed"].astype(bool)]
    if missing.empty:
        note("Every indicator of the catalogue was computed for this country.")
        return
    by_reason: dict[str, list[str]] = {}
    for r in missing.to_dict("records"):
        by_reason.setdefault(availability_words(str(r["reason"])), []).append(_short_name(results, str(r["indicator_id"])))
    order = sorted(by_reason, key=lambda why: (not why.startswith("not collected"), -len(by_reason[why]), why))
    emit(_T.not_computed(missing=len(missing), total=len(table),
                         reasons=[(why[0].upper() + why[1:], ", ".join(by_reason[why])) for why in order]))


def _short_name(results: CountryResults, indicator_id: str) -> str:
    """``Security incident``: an indicator named briefly, for lists. One the country's catalogue left out (not
    collected, dropped) by the packaged catalogue's short title, as every other list names it; an indicator of
    neither catalogue by its title in the indicators table."""
    ind = indicator_of(results.catalogue, indicator_id) or indicator_of(load_catalogue(), indicator_id)
    if ind is None and not results.indicators.empty:
        titles = results.indicators.loc[results.indicators["indicator_id"] == indicator_id, "title"]
        return indicator_name(indicator_id, titles.iloc[0] if len(titles) else None)
    return _panel_title(ind, indicator_id)


def not_computed_ids(results: CountryResults) -> dict[str, str]:
    """indicator id -> why it was not computed (not collected, not mapped, a table missing)."""
    table = results.indicators
    if table.empty:
        return {}
    missing = table[~table["computed"].astype(bool)]
    return {str(i): availability_words(str(r)) for i, r in zip(missing["indicator_id"], missing["reason"], strict=True)}


def _country_notes(results: CountryResults) -> dict[str, str]:
    """indicator id -> the country's note on it (config `notes`), where it has one."""
    table = results.indicators
    if table.empty:
        return {}
    return {str(i): str(n) for i, n in zip(table["indicator_id"], table["note"], strict=True) if n}


def indicator_notes(results: CountryResults) -> dict[str, str]:
    """indicator id -> what a reader must know under its definition: the country's note, or why it is missing."""
    table = results.indicators
    if table.empty:
        return {}
    out = {}
    for r in table.to_dict("records"):
        parts = [f"Note: {r['note']}" if r["note"] else "", "" if r["computed"] else f"Not computed: {availability_words(r['reason'])}."]
        text = " ".join(p for p in parts if p)
        if text:
            out[str(r["indicator_id"])] = text
    return out


def _n_inconclusive(r: dict) -> int:
    """Inconclusive indicators of a criteria row (derived from the others where the column is absent)."""
    if "n_inconclusive" in r and not is_missing(r["n_inconclusive"]):
        return int(r["n_inconclusive"])
    return int(r["n_indicators"]) - int(r["n_closed"]) - int(r["n_open"]) - int(r["n_insufficient"])


_national: dict[tuple[int, str], tuple[pd.DataFrame, int, pd.DataFrame]] = {}


def _national_rows(results: CountryResults, table: str) -> pd.DataFrame:
    """This year's national (``total``) rows of ``results.<table>``, computed once per table object: every
    criterion section of a chapter needs them, and filtering the full table is not free."""
    df = results.estimates if table == "estimates" else results.gaps
    key = (id(results), table)
    hit = _national.get(key)
    if hit is not None and hit[0] is df and hit[1] == results.year:
        return hit[2]
    rows = national(current_year(df, results.year))
    if len(_national) > 16:
        _national.clear()
    _national[key] = (df, results.year, rows)
    return rows


_gaps_by_indicator: dict[int, tuple[pd.DataFrame, dict[tuple[str, str], pd.DataFrame]]] = {}


def _gap_rows(results: CountryResults, indicator_id: str, category: str = "") -> pd.DataFrame:
    """This year's national gap rows of one indicator (and category), in the groups' order: the table is
    split once per gaps table (a chapter asks about 50 times, each filter of the whole table ~2 ms)."""
    gaps = _national_rows(results, "gaps")
    if gaps.empty:
        return gaps
    hit = _gaps_by_indicator.get(id(results))
    if hit is None or hit[0] is not gaps:
        if len(_gaps_by_indicator) > 8:
            _gaps_by_indicator.clear()
        # the house order of groups, restricted to an indicator's, is that indicator's order: one sort
        order = {g: i for i, g in enumerate(style.order_groups(gaps["group"]))}
        ordered = gaps.assign(_o=gaps["group"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")
        positions = ordered.groupby(["indicator_id", "category"], sort=False).indices
        split = {(str(k[0]), str(k[1])): ordered.iloc[rows] for k, rows in positions.items()}
        hit = _gaps_by_indicator[id(results)] = (gaps, split)
    found = hit[1].get((indicator_id, category))
    return found if found is not None else gaps.iloc[0:0]


def _percent_of(rows: pd.DataFrame) -> bool:
    return is_percent(str(rows["kind"].iloc[0]), rows["estimate"])


def _panel_title(ind: Indicator | None, indicator_id: str) -> str:
    """An indicator's short title (a chart panel, a table row): its code is for the downloads only."""
    return indicator_name(indicator_id, *((ind.title, ind.short_title) if ind is not None else ()))


def _definitions(ind_rows: list[tuple[Indicator | None, str]], notes: Mapping[str, str] | None = None) -> None:
    """The criterion's indicators: title, definition and whom it counts (each an anchor target), and the
    country's note under it (e.g. "proxy: ...") or why it was not computed."""
    items = []
    for ind, indicator_id in ind_rows:
        definition = ind.definition if ind is not None else ""
        who = universe_words(ind)
        extra = (notes or {}).get(indicator_id)
        items.append({"anchor": f"ind-{indicator_id.lower()}", "subject": subject_of(ind, indicator_id),
                      "text": definition + (f" Counted among: {who}." if who else ""), "note": extra or ""})
    emit(_T.definitions(items))


Block = tuple[Indicator | None, str, pd.DataFrame]


def _scalar_figures(results: CountryResults, criterion: int, blocks: list[Block], thresholds: Thresholds) -> None:
    level = thresholds.level
    name = criteria_names().get(int(criterion), f"criterion {criterion}")
    panels, gap_panels, alts, gap_alts, ns, points, gap_points, shown_gaps = [], [], [], [], [], [], [], []
    for ind, indicator_id, rows in blocks:
        percent = _percent_of(rows)
        panel = _panel_title(ind, indicator_id)
        unit = "" if percent else f" ({ind.unit if ind is not None else 'mean'})"
        panels.append(charts.EstimatePanel(panel, rows, percent, f"Estimate{' (%)' if percent else unit}, {level} CI"))
        alts.append(alttext.describe_estimates(rows, panel, percent=percent, thresholds=thresholds))
        ns.append(f"{panel}: {n_text(rows, unit_plural(ind))}".rstrip())
        points.append(chartdata.points(rows, percent=percent, thresholds=thresholds))
        gaps = _gap_rows(results, indicator_id)
        if not gaps.empty:
            direction = ind.direction if ind is not None else str(gaps["direction"].iloc[0])
            gap_panels.append(charts.GapPanel(panel, gaps, direction, percent))
            gap_alts.append(alttext.describe_gaps(gaps, panel, percent=percent, direction=direction))
            gap_points.append(chartdata.gap_points(gaps, percent=percent, thresholds=thresholds))
            shown_gaps.append(gaps)
    flagged = alttext.flag_sentence(pd.concat([b[2] for b in blocks]), thresholds)
    band = "the dashed line and grey band are the comparison group; " if results.comparison else ""
    show_figure(
        charts.estimates_chart(panels, thresholds=thresholds),
        title=f"{name}: estimates by group",
        caption=f"Percent of each indicator's universe (means in their unit), with {level} confidence "
        f"intervals; {band}a hollow marker is a flagged estimate. " + " ".join(ns),
        alt="Dot charts, one per indicator. " + "; ".join(alts) + "." + flagged,
        data=pd.concat(points, ignore_index=True),
    )
    if gap_panels:
        show_figure(
            charts.gaps_chart(gap_panels),
            title=f"{name}: gaps vs the comparison group",
            caption=f"Displaced group minus comparison group (percentage points for shares), with {level} "
            "confidence intervals, each estimated as one design-based contrast. The shaded band is the "
            f"equivalence margin around zero; the status is at the right ({status_key()}; the criteria overview "
            "says what each means).",
            alt="Gap charts, one per indicator. " + "; ".join(gap_alts) + "."
            + alttext.gap_flag_sentence(pd.concat(shown_gaps, ignore_index=True)),
            data=pd.concat(gap_points, ignore_index=True),
        )
    emit(criterion_table(results, blocks, thresholds=thresholds,
                         caption=f"{name}: estimates and gaps" if results.comparison else f"{name}: estimates"))


def criterion_table(results: CountryResults, blocks: list[Block], *, thresholds: Thresholds, caption: str) -> str:
    """One table of a criterion: per indicator and group the estimate (flag-marked), CI, n, gap, gap CI and
    the status saying what it means; stacked into one card per row on a phone."""
    level = thresholds.level
    compared = results.comparison  # without a comparison group: no gap, gap CI or status columns at all
    records = []
    for ind, indicator_id, rows in blocks:
        percent = _percent_of(rows)
        gaps = {str(g["group"]): g for g in _gap_rows(results, indicator_id).to_dict("records")}
        for r in row_dicts(rows):
            group = str(r["group"])
            records.append({
                "Indicator": _panel_title(ind, indicator_id),
                "Group": style.group_label(group),
                "Estimate": value_text(r, percent=percent),
                f"{level} CI": ci_text(r, percent=percent),
                "n": fmt_count(r.get("n_unweighted")),
                **(gap_cells(gaps.get(group), percent=percent, comparison=group == "comparison") if compared else {}),
                "Note": note_text(r, thresholds),
            })
    all_rows = pd.concat([b[2] for b in blocks])
    all_gaps = pd.concat([_gap_rows(results, b[1]) for b in blocks], ignore_index=True)
    gap_columns = ["Gap", "Gap CI"] if compared else []
    return html_table(without_empty(object_frame(records), "Note"),
                      caption=caption + (" (shares in %, gaps in percentage points)" if compared else " (shares in %)"),
                      note=flag_legend(all_rows, thresholds, all_gaps), numeric=["Estimate", f"{level} CI", "n", *gap_columns],
                      key=["Group", "Estimate", f"{level} CI", *gap_columns, *(["Status"] if compared else [])],
                      stack=True, group_by="Indicator")


def _breakdown_heading(ind: Indicator | None, kinds: set[str], has_head: bool) -> str:
    variable = ind.breakdown.variable if ind is not None and ind.breakdown is not None else ""
    if "distribution" in kinds and not has_head:
        return "distribution"
    if variable.endswith(("_reason", "_obstacle", "_barrier")) or not variable:
        return "by reason"
    return "by " + variable.replace("_", " ").replace("movement restriction type", "type")


def _breakdown_figures(results: CountryResults, criterion: int, blocks: list[tuple[Indicator | None, str,
                       pd.DataFrame, str]], thresholds: Thresholds) -> None:
    name = criteria_names().get(int(criterion), f"criterion {criterion}")
    panels, alts, ns, points = [], [], [], []
    for ind, indicator_id, rows, heading in blocks:
        labels = {c: category_label(c) for c in rows["category"].astype(str)}
        panel = f"{_panel_title(ind, indicator_id)}: {heading}"
        panels.append(charts.BreakdownPanel(panel, rows, labels))
        alts.append(alttext.describe_distribution(rows, panel, labels=labels, thresholds=thresholds))
        ns.append(f"{_panel_title(ind, indicator_id)}: {n_text(rows, unit_plural(ind))}")
        points.append(chartdata.points(rows, percent=True, thresholds=thresholds))
    flagged = alttext.flag_sentence(pd.concat([b[2] for b in blocks]), thresholds)
    show_figure(
        charts.breakdowns_chart(panels, thresholds=thresholds),
        title=f"{name}: distributions and reasons",
        caption="Percent of the universe of each breakdown (e.g. those unable to access a service, by main "
        "reason); each bar sums to 100%, legend entries follow the segments from left to right; a share "
        "marked † is flagged. " + " ".join(ns),
        alt="Stacked bar charts, one per indicator. " + "; ".join(alts) + "." + flagged,
        data=pd.concat(points, ignore_index=True),
    )
    for ind, indicator_id, rows, heading in blocks:
        labels = {c: category_label(c) for c in rows["category"].astype(str)}
        subject = subject_of(ind, indicator_id)
        table = distribution_table(rows, category_labels=labels, thresholds=thresholds,
                                   caption=f"{subject}: {heading} (%, {thresholds.level} CI)")
        emit(_C.details(f"Table: {subject}, {heading}", table))


def _system_block(ind: Indicator | None, indicator_id: str, rows: pd.DataFrame, thresholds: Thresholds) -> None:
    subject = subject_of(ind, indicator_id)
    percent = is_percent("system", rows["estimate"])
    column = "Share of locations (%)" if percent else "Value"
    records = []
    for r in rows.to_dict("records"):
        records.append({
            "Type": category_label(str(r["category"])),
            column: value_text(r, percent=percent, unit_sign=False),
            "Locations (n)": fmt_count(r.get("n_unweighted")),
            "Note": note_text(r, thresholds),
        })
    definition = ind.definition if ind is not None else ""
    emit(html_table(without_empty(object_frame(records), "Note"), caption=f"{subject}. {definition}",
                    numeric=[column, "Locations (n)"], key=["Type", column]))


def criterion_section(results: CountryResults, criterion: int) -> None:
    """One criterion: its narrative (when the config has one), the indicators' definitions, one faceted
    dot-and-whisker figure of the estimates and one of the gaps (a panel per indicator) with a compact
    table, distributions and by-reason breakdowns as stacked bars, system-level indicators as a table."""
    narrative(results, criterion)
    est = _national_rows(results, "estimates")
    if est.empty:
        note("No estimates are available for this criterion.")
        return
    est = est[est["criterion"].astype(int) == int(criterion)]
    catalogue = results.catalogue
    present = set(est["indicator_id"])
    ids = [i.id for i in catalogue.by_criterion(int(criterion)) if i.id in present]
    ids += sorted(present - set(ids))
    missing = not_computed_ids(results)
    absent = [i for i in ids if i in missing]
    ids = [i for i in ids if i not in missing]
    if absent:  # one short list, never a table of empty rows
        noted = _country_notes(results)  # the country's own note on an indicator it did not compute
        note("Not in this survey: " + "; ".join(
            f"{_short_name(results, i)} ({missing[i]}{'; note: ' + noted[i] if noted.get(i) else ''})"
            for i in absent) + ".")
    if not ids:
        if not absent:
            note("No indicator of this criterion was collected in this country.")
        return
    thresholds = thresholds_of(results)
    scalar: list[Block] = []
    breakdowns: list[tuple[Indicator | None, str, pd.DataFrame, str]] = []
    systems: list[Block] = []
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
        _scalar_figures(results, criterion, scalar, thresholds)
    if breakdowns:
        _breakdown_figures(results, criterion, breakdowns, thresholds)
    for ind, indicator_id, rows in systems:
        _system_block(ind, indicator_id, rows, thresholds)
    if results.comparison:  # without a comparison group the overview shows them all
        benchmark_block(results, criterion)


AREA_LABEL = "Area"


def breakdowns_section(results: CountryResults) -> None:
    """The area (admin1, where the survey has it) and each breakdown the country's config asks for
    (`disaggregations`, e.g. the sex of the head of household): one dot chart of the percent indicators (a row
    per indicator and value, a dot per group) and one table of every indicator, so what the downloads hold is
    also on the page. The catalogue's other breakdowns (sex, age) stay in the downloads."""
    est = current_year(results.estimates, results.year)
    has_area = not est.empty and bool((est["disaggregation"] == "admin1").any())
    asked = {**({"admin1": AREA_LABEL} if has_area else {}), **results.disaggregations}
    if not asked:
        note("The country's configuration asks for no breakdown (config `disaggregations`); the downloads hold the "
             "catalogue's breakdowns.")
        return
    missing = not_computed_ids(results)
    thresholds = thresholds_of(results)
    for variable, label in asked.items():
        rows = est[(est["disaggregation"] == variable) & (est["category"] == "")
                   & ~est["indicator_id"].astype(str).isin(list(missing))] if not est.empty else est
        emit(_C.heading("By " + label[0].lower() + label[1:], 3))
        if rows.empty:
            note(f"No indicator was estimated by {label.lower()}.")
            continue
        _breakdown_chart(results, rows, label, thresholds)
        emit(_breakdown_table(results, rows, label, thresholds))


def _breakdown_key(rows: pd.DataFrame, results: CountryResults) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rows keyed by indicator and value (the chart's rows), and how each key reads."""
    order = {i.id: n for n, i in enumerate(results.catalogue.indicators)}
    keys = [f"{order.get(i, len(order)):03d}|{i}|{v}" for i, v in zip(rows["indicator_id"],
                                                                        rows["disaggregation_value"], strict=True)]
    # the value first: a long indicator name is cut on the chart's row label, the value must stay visible
    names = {k: f"{category_label(k.split('|')[2])}: {_chart_name(results, k.split('|')[1])}" for k in keys}
    return rows.assign(country=keys), names


def _chart_name(results: CountryResults, indicator_id: str) -> str:
    """An indicator as a chart row names it (its short title, as in lists)."""
    return _short_name(results, indicator_id)


def _breakdown_chart(results: CountryResults, rows: pd.DataFrame, label: str, thresholds: Thresholds) -> None:
    shares = rows[[is_percent(str(k), [e]) for k, e in zip(rows["kind"], rows["estimate"], strict=True)]]
    title = f"Estimates by {label.lower()}"
    if shares.empty:
        note(f"{title}: no share to chart; the table gives the estimates.")
        return
    keyed, names = _breakdown_key(shares, results)
    groups = style.order_groups(keyed["group"])
    alt = alttext.describe_countries(keyed, f"{title}, per indicator and {label.lower()}", names=names,
                                     thresholds=thresholds)
    show_figure(
        charts.country_comparison_chart(keyed, country_names=names, groups=groups, thresholds=thresholds,
                                        xlabel=f"Estimate (%), {thresholds.level} CI"),
        title=title,
        caption=f"Percent of each indicator's universe by {label.lower()}, one dot per group, with "
        f"{thresholds.level} confidence intervals; a hollow marker is a flagged estimate, a withheld value says "
        "why.",
        alt=alt + "." + alttext.flag_sentence(keyed, thresholds),
        data=chartdata.points(keyed.assign(country=[names[k] for k in keyed["country"]]), percent=True,
                              thresholds=thresholds, labels=("indicator_id", "disaggregation_value", "group")),
    )


def _breakdown_table(results: CountryResults, rows: pd.DataFrame, label: str, thresholds: Thresholds) -> str:
    level = thresholds.level
    keyed, names = _breakdown_key(rows, results)
    keyed = keyed.assign(_g=keyed["group"].map({g: n for n, g in enumerate(style.order_groups(keyed["group"]))}))
    records = []
    for r in row_dicts(keyed.sort_values(["country", "_g"], kind="stable")):
        percent = is_percent(str(r["kind"]), [r["estimate"]])
        records.append({
            "Indicator": _short_name(results, str(r["indicator_id"])),
            label: category_label(str(r["disaggregation_value"])),
            "Group": style.group_label(str(r["group"])),
            "Estimate": value_text(r, percent=percent),
            f"{level} CI": ci_text(r, percent=percent),
            "n": fmt_count(r.get("n_unweighted")),
            "Note": note_text(r, thresholds),
        })
    return html_table(without_empty(object_frame(records), "Note"), caption=f"Estimates by {label.lower()} "
                      "(shares in %)", note=flag_legend(rows, thresholds),
                      numeric=["Estimate", f"{level} CI", "n"], key=[label, "Group", "Estimate", f"{level} CI"],
                      stack=True, group_by="Indicator")


def solutions_measure_section(results: CountryResults) -> None:
    """The solutions measure (``SOL-1``): its rule and conditions, then each displaced group beside the
    comparison group (the benchmark) with CIs, the gap and its status; "not available" naming the missing
    variables, "partial" when computed over the available conditions only."""
    info = measure_info(results.solutions_measure)
    if not info.conditions:
        note("No solutions measure is configured for this edition.")
        return
    emit(_T.measure_rule(rule_text(info)[0].upper() + rule_text(info)[1:]))
    said = status_text(info)
    if said:
        emit(_T.measure_status(status=info.status, said=said))
    emit(html_table(conditions_frame(info), caption="Conditions a household must meet"))
    est = _national_rows(results, "estimates")
    rows = est[(est["indicator_id"] == SOLUTIONS_ID) & (est["category"] == "")] if not est.empty else est
    why = indicator_notes(results).get(SOLUTIONS_ID, "")
    if rows.empty or info.status == "not_available" or "Not computed" in why:
        if not said:
            note("The solutions measure is not available for this country." + (f" {why}" if why else ""))
        return
    thresholds = thresholds_of(results)
    level = thresholds.level
    subject = "Households meeting the solutions measure"
    flagged = alttext.flag_sentence(rows, thresholds)
    show_figure(
        charts.benchmark_chart(rows, thresholds=thresholds,
                               xlabel=f"Households meeting the measure (%), {level} CI"),
        title=subject + (" (partial)" if info.status == "partial" else ""),
        caption=f"Percent of households of each group meeting the measure, with {level} confidence intervals; "
        "the comparison group is the benchmark: under a strict rule few non-displaced households meet it "
        "either. " + n_text(rows, "households"),
        alt=alttext.describe_estimates(rows, subject, thresholds=thresholds) + "." + flagged,
        data=chartdata.points(rows, percent=True, thresholds=thresholds),
    )
    gaps = {(str(g["country"]), str(g["group"])): g for g in _gap_rows(results, SOLUTIONS_ID).to_dict("records")}
    emit(benchmark_table(rows, gaps, thresholds=thresholds, caption="The solutions measure by group, beside the "
                         f"comparison group ({level} CI; gaps in percentage points)"))


def trends_section(results: CountryResults, output_root: str | Path) -> None:
    """Change per indicator across report years, read from earlier years' results tables under
    ``output_root``, comparing only the same indicator definitions; a note when there is no earlier comparable
    year."""
    earlier = trends.earlier_results(output_root, results.iso3, results.year)
    thresholds = thresholds_of(results)
    trends.country_trends(results, earlier, thresholds=thresholds, criteria=criteria_names())


__all__ = [
    "banner",
    "benchmark_block",
    "breakdowns_section",
    "context_section",
    "criteria_overview",
    "criterion_section",
    "criterion_table",
    "findings_summary",
    "narrative",
    "not_computed_section",
    "provenance_section",
    "publish_chart_data",
    "sample_section",
    "solutions_measure_section",
    "title",
    "trends_section",
]
