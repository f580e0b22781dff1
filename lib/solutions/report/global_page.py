"""The global page's sections (notebooks/global.ipynb): headline numbers, the countries x criteria heatmap,
countries not included, the cross-country comparison, the solutions measure by country beside its benchmark.

Every section takes the edition's ``GlobalResults`` (results tables only, never microdata).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from solutions.catalogue import SOLUTIONS_ID, Catalogue, Indicator
from solutions.indicators import GlobalResults

from . import alttext, chartdata, charts, trends
from .banner import demo_banner_html
from .blocks import (  # sections every page has
    METRIC_LABELS,
    SHORT_CRITERIA,
    country_names,
    criteria_names,
    current_year,
    estimates_only,
    kept_notes,
    national,
    not_collected,
    note,
    object_frame,
    provenance_section,
    publish_chart_data,
    subject_of,
    title,
    unit_plural,
)
from .blocks import banner as page_banner
from .figures import show_figure
from .formatting import fmt_big, is_percent
from .measure_info import country_statuses, measure_info, rule_text, status_text
from .output import emit
from .table_tools import table_tools_html
from .tables import (
    Markup,
    benchmark_table,
    html_table,
    key_indicator_records,
    key_indicator_table,
    status_chip,
)
from .templating import macros
from .thresholds import thresholds_of
from .wording import FLAG_MARK, STATUS_LABELS, STATUS_SYMBOLS, status_legend, status_meaning

_T = macros("global.html.j2")
_C = macros("common.html.j2")

# ------------------------------------------------------------- global page ----


def _ok_countries(g: GlobalResults) -> list[str]:
    if g.countries.empty:
        return sorted(set(g.estimates["country"])) if not g.estimates.empty else []
    return [str(c) for c in g.countries.loc[g.countries["status"] == "ok", "iso3"]]


def banner(g: GlobalResults) -> None:
    """The demonstration banner: on the whole report when every country is fictional, else naming the
    countries whose chapters use demonstration data (none: no banner)."""
    countries = g.countries
    if g.demo or countries.empty or "demo" not in countries.columns:
        page_banner(g)
        return
    demo = countries[countries["demo"].fillna(False).astype(bool)]
    if demo.empty:
        return
    names = ", ".join(f"{n} ({i})" for n, i in zip(demo["name"], demo["iso3"], strict=True))
    which = "The chapter of" if len(demo) == 1 else "The chapters of"
    emit(demo_banner_html(True, text=f"{which} {names} use{'s' if len(demo) == 1 else ''} fictional data, and so "
                                     "do their numbers on this page; do not cite or use them."))


HEADLINE_STATUSES = ("open", "closed", "inconclusive", "insufficient_data")


def assessed_idp_pairs(g: GlobalResults) -> pd.DataFrame:
    """This edition's criterion rows for IDPs in the countries with results, one per country × criterion pair
    that was assessed: the criteria of a survey without a comparison group are no pair to count (the front
    page's and this page's headline counts, one denominator)."""
    crit = current_year(g.criteria, g.year)
    if crit is None or crit.empty:
        return pd.DataFrame(columns=["country", "criterion", "group", "status"])
    return crit[(crit["group"] == "idp") & crit["country"].isin(_ok_countries(g)) & (crit["status"] != "not_assessed")]


def headline_numbers(g: GlobalResults) -> None:
    """Headline cards: countries covered; the latest IDP stock, new displacements and returns summed over
    the countries in the report (latest year available per country); and how many assessed country × criterion
    pairs have each status for IDPs, each card saying what its status means."""
    ok = _ok_countries(g)
    total = len(g.countries) if not g.countries.empty else len(ok)
    cards = [("Countries in the report", f"{len(ok)} of {total}", "with results")]
    data = g.figures[g.figures["country"].isin(ok)].dropna(subset=["value"]) if not g.figures.empty else g.figures
    for metric, label in METRIC_LABELS.items():
        sub = data[data["metric"] == metric].sort_values("year").groupby("country").tail(1) if not data.empty \
            else data
        if sub.empty:
            continue
        years = sorted(sub["year"].astype(int).unique())
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        cards.append((label, fmt_big(sub["value"].sum()), f"latest year per country ({span})"))
    idp = assessed_idp_pairs(g)
    for status in HEADLINE_STATUSES if len(idp) else ():
        n = int((idp["status"] == status).sum())
        cards.append((f"IDPs: {STATUS_LABELS[status].lower()}", f"{STATUS_SYMBOLS[status]} {n} of {len(idp)}",
                      f"country × criterion pairs: {status_meaning(status)}"))
    emit(_T.headline(cards))


def heatmap_section(g: GlobalResults) -> None:
    """Countries × criteria: each cell the criterion status for IDPs (colour, symbol, word and the indicator
    count behind it), with a table of the same cells that fits a laptop and stacks on a phone."""
    crit = current_year(g.criteria, g.year)
    names = criteria_names()
    if crit.empty and g.countries.empty:
        note("No criteria results are available.")
        return
    cnames = country_names(g)
    idp = crit[crit["group"] == "idp"] if not crit.empty else crit
    only = estimates_only(g)
    parts = []
    for iso in list(cnames) or sorted(set(crit["country"])):
        sub = idp[idp["country"] == iso] if not idp.empty else idp
        if iso in only:
            parts.append(f"{cnames.get(iso, iso)}: estimates only (no comparison group), no criterion assessed")
            continue
        if sub.empty:
            parts.append(f"{cnames.get(iso, iso)}: no results")
            continue
        by = {s: sorted(int(c) for c in sub.loc[sub["status"] == s, "criterion"]) for s in HEATMAP_ORDER}
        said = [f"{STATUS_LABELS[s].lower()} on {', '.join(map(str, by[s]))}" for s in HEATMAP_ORDER if by[s]]
        parts.append(f"{cnames.get(iso, iso)}: " + "; ".join(said))
    show_figure(
        charts.criteria_heatmap(crit, countries=g.countries, criterion_names=names, group="idp"),
        title="Gap status for IDPs by country and criterion",
        caption="Each cell: the criterion's status for IDPs (symbol and colour, named in the key) and how many "
        "of its indicators have that status. " + status_legend() + " Hatched cells: not assessed, or a country "
        "without results. Criteria: " + "; ".join(f"{k} {v}" for k, v in names.items()) + ".",
        alt="Heatmap of countries by the 8 IASC criteria, status for IDPs. " + ". ".join(parts) + ".",
        data=chartdata.criteria_points(idp, cnames) if not idp.empty else None,
        phone_alternative="On a narrow screen the heatmap is given as the table below: the same cells, one card "
        "per country." if not idp.empty else "",
    )
    if not idp.empty:
        records = []
        for iso in [c for c in cnames if c in set(idp["country"])] or sorted(set(idp["country"])):
            rec: dict[str, Any] = {"Country": cnames.get(iso, iso)}
            for c, name in names.items():
                cell = idp[(idp["country"] == iso) & (idp["criterion"].astype(int) == c)]
                kind, text = charts.heatmap_cell(cell.iloc[0] if len(cell) else None)
                count = text.split(" ")[1] if " " in text else ""
                # one element: a phone card keeps the chip and its count on one line
                rec[f"{c} {SHORT_CRITERIA.get(c, name).capitalize()}"] = Markup(
                    _T.heatmap_cell(chip=status_chip(kind, compact=True), count=count))
            records.append(rec)
        emit(_C.details("Table of the heatmap (status for IDPs)", open=True, content=html_table(
            object_frame(records), key=list(records[0]), stack=True, css_class="sos-table sos-heatmap")))
    no_comparison_note(g)


def no_comparison_note(g: GlobalResults) -> None:
    """Countries whose survey has no comparison group: named as estimates only, and why no criterion is."""
    countries = g.countries
    only = estimates_only(g)
    without = countries[countries["iso3"].astype(str).isin(only)] if only else countries.iloc[0:0]
    if without.empty:
        return
    parts = []
    for r in without.to_dict("records"):
        ref = str(r.get("reference", "") or "")
        parts.append(f"{r['name']}" + (f" (external benchmark: {ref})" if ref else ""))
    note("Estimates only, no criterion assessed: the survey of " + "; ".join(parts) + " has no comparison group, "
         "so gaps cannot be estimated "
         "from it; its chapter reports the estimates" + (" beside an external benchmark." if any(
             str(r.get("reference", "") or "") for r in without.to_dict("records")) else "."))


HEATMAP_ORDER = ("open", "closed", "inconclusive", "insufficient_data", "not_collected")


def failed_countries(g: GlobalResults) -> None:
    """Countries whose results could not be built (failed or missing), with the reason as text, and those
    shown from an earlier good build because this build of them failed."""
    countries = g.countries
    if countries.empty:
        note("No country list is available.")
        return
    kept = kept_notes(g)
    if kept:
        names = ", ".join(n for iso, n in country_names(g).items() if iso in kept)
        note(f"Not updated in this build: {names}. Their results are those of an earlier build, kept because "
             "this build of them failed; their pages say why.")
    bad = countries[countries["status"] != "ok"]
    if bad.empty:
        note(f"All {len(countries)} countries have results in this edition.")
        return
    frame = pd.DataFrame({
        "Country": bad["name"].astype(str),
        "ISO3": bad["iso3"].astype(str),
        "Status": bad["status"].astype(str),
        "Reason": bad["reason"].astype(str),
    })
    emit(html_table(frame, caption="Countries not included in this edition", stack=True))


def key_indicators(catalogue: Catalogue) -> list[Indicator]:
    """One key indicator per criterion: the first flagged ``key`` (else the first scalar one)."""
    out = []
    for c in criteria_names():
        inds = [i for i in catalogue.indicators if int(i.criterion) == c]
        keyed = [i for i in inds if i.key]
        scalar = [i for i in inds if i.scalar]
        pick = (keyed or scalar or [None])[0]
        if pick is not None:
            out.append(pick)
    return out


def comparison_section(g: GlobalResults) -> None:
    """Cross-country comparison of one key indicator per criterion: dot charts with CIs (hollow markers for
    flagged estimates) and one table of every country, grouped by indicator (cards on a phone)."""
    est = national(current_year(g.estimates, g.year))
    if est.empty:
        note("No estimates are available for a cross-country comparison.")
        return
    est = est[(est["category"] == "") & est["country"].isin(_ok_countries(g))]
    gaps = national(current_year(g.gaps, g.year))
    names = country_names(g)
    thresholds = thresholds_of(g)
    records = []
    # rows of an indicator a survey did not collect hold no value and no n: left out, and said once below
    est = est[~not_collected(est)]
    surveyed = [iso for iso in names if iso in set(est["country"].astype(str))]
    without: dict[str, list[str]] = {}  # country -> the key indicators it has no estimate of
    for ind in key_indicators(g.catalogue):
        rows = est[est["indicator_id"] == ind.id]
        for iso in surveyed:
            if iso not in set(rows["country"].astype(str)):
                without.setdefault(iso, []).append(ind.short_title or ind.title)
        if rows.empty:
            continue
        percent = is_percent(str(ind.kind), rows["estimate"])
        subject = subject_of(ind, ind.id)
        shown = rows[rows["group"].isin(["idp", "comparison"])]
        show_figure(
            charts.country_comparison_chart(rows, percent=percent, country_names=names, thresholds=thresholds),
            title=f"Criterion {ind.criterion}: {ind.title}",  # the code stays in the chart's data (downloads)
            caption=f"{'Percent' if percent else 'Mean'} of {unit_plural(ind)}, {_groups_shown(shown)}, "
            f"with {thresholds.level} confidence intervals; a hollow marker is a flagged estimate. "
            f"Definition: {ind.definition}",
            alt=alttext.describe_countries(shown, f"Dot chart by country: {subject}", names=names, percent=percent,
                                           thresholds=thresholds) + "." + alttext.flag_sentence(shown, thresholds),
            data=chartdata.points(shown, percent=percent, thresholds=thresholds, names=names),
        )
        keyed = gaps[(gaps["indicator_id"] == ind.id) & (gaps["category"] == "")] if not gaps.empty else gaps
        gap_of = {(str(r["country"]), str(r["group"])): r for r in keyed.to_dict("records")}
        records += key_indicator_records(ind, rows, gap_of, percent=percent, names=names, thresholds=thresholds)
    if not records:
        note("No key indicator has estimates in the countries of this edition.")
        return
    emit(key_indicator_table(records, caption="Key indicators by country and group (shares in %, gaps in "
                             f"percentage points, {thresholds.level} confidence intervals)",
                             note=f"{FLAG_MARK}: a flagged estimate (see the note of its row)."))
    emit(table_tools_html())  # sorting and a row filter over the static table
    for iso, missing in without.items():  # in the report's country order
        note(f"Not shown for {names.get(iso, iso)}: {', '.join(missing)} (no estimate; its chapter says why for "
             "each indicator).")


def _groups_shown(rows: pd.DataFrame) -> str:
    """The groups a cross-country chart shows, in words: the comparison group only where a survey has one."""
    compared = set(rows.loc[rows["group"] == "comparison", "country"])
    if not compared:
        return "IDPs"
    if compared >= set(rows["country"]):
        return "IDPs and the comparison group"
    return "IDPs, and the comparison group where a survey has one"


def solutions_by_country(g: GlobalResults, output_root: str | Path | None = None) -> None:
    """The solutions measure (``SOL-1``) by country: each displaced group beside the comparison group (the
    benchmark) with CIs, the gap and its status; countries where it is not available or partial say so;
    and its change since the previous comparable report year."""
    trends.earlier_surveys(g, output_root, names=country_names(g), countries=_ok_countries(g))
    info = measure_info(g.solutions_measure)
    if not info.conditions:
        note("No solutions measure is configured for this edition.")
        return
    emit(_T.measure_rule(rule=rule_text(info)[0].upper() + rule_text(info)[1:],
                         conditions="; ".join(f"{c.criterion} {c.label}" for c in info.conditions)))
    names = country_names(g)
    ok = _ok_countries(g)
    statuses = country_statuses(g.solutions_measure)
    limited = {iso: status_text(m) for iso, m in statuses.items() if m.status != "available" and iso in ok}
    if limited:
        emit(html_table(pd.DataFrame([{"Country": names.get(iso, iso), "Solutions measure": said}
                                      for iso, said in sorted(limited.items(), key=lambda kv: list(names).index(kv[0])
                                                              if kv[0] in names else len(names))]),
                        caption="Countries where the measure is partial or not available", stack=True))
    est = national(current_year(g.estimates, g.year))
    rows = est[(est["indicator_id"] == SOLUTIONS_ID) & (est["category"] == "")] if not est.empty else est
    rows = rows[rows["country"].isin(ok)] if not rows.empty else rows
    if not rows.empty:  # a country without the measure is in the table above: no rows of empty values here
        rows = rows[~not_collected(rows)]
    if rows.empty:
        note("The solutions measure is not available for any country.")
        return
    thresholds = thresholds_of(g)
    level = thresholds.level
    subject = "Households meeting the solutions measure"
    show_figure(
        charts.solutions_by_country_chart(rows, country_names=names, thresholds=thresholds),
        title=subject + ", by country",
        caption=f"Percent of households meeting the measure, by country and group, with {level} confidence "
        "intervals; the comparison group is the benchmark (under a strict rule few non-displaced households meet "
        "it either); a hollow marker is a flagged estimate.",
        alt=alttext.describe_countries(rows, f"Dot chart by country: {subject}", names=names,
                                       thresholds=thresholds) + "." + alttext.flag_sentence(rows, thresholds),
        data=chartdata.points(rows, percent=True, thresholds=thresholds, names=names),
    )
    gaps = national(current_year(g.gaps, g.year))
    keyed = gaps[(gaps["indicator_id"] == SOLUTIONS_ID) & (gaps["category"] == "")] if not gaps.empty else gaps
    gap_of = {(str(r["country"]), str(r["group"])): r for r in keyed.to_dict("records")}
    emit(benchmark_table(rows, gap_of, thresholds=thresholds, names=names, caption="The solutions measure by "
                         f"country and group ({level} CI; gaps in percentage points)"))
    emit(_C.heading("Change since the previous edition", 3))
    trends.solutions_change(g, output_root, names=names, countries=ok)


__all__ = [
    "banner",
    "comparison_section",
    "failed_countries",
    "headline_numbers",
    "heatmap_section",
    "key_indicators",
    "provenance_section",
    "publish_chart_data",
    "solutions_by_country",
    "title",
]
