"""The global page's sections (notebooks/global.ipynb): headline numbers, the countries x criteria heatmap,
countries not included, the cross-country comparison, the solutions measure by country."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from . import alttext, charts, style, trends
from .banner import demo_banner_html
from .blocks import (  # sections every page has
    METRIC_LABELS,
    SOLUTIONS_ID,
    attr,
    country_names,
    criteria_names,
    current_year,
    level_pct,
    min_n_of,
    national,
    note,
    object_frame,
    provenance_section,
    subject_of,
    title,
    unit_plural,
)
from .blocks import banner as page_banner
from .figures import show_figure
from .formatting import (
    fmt_big,
    fmt_ci,
    fmt_count,
    fmt_value,
    is_missing,
    is_percent,
    row_is_suppressed,
    suppression_text,
)
from .output import emit
from .tables import (
    html_table,
    interactive_setup,
    interactive_table,
    status_chip,
)

# ------------------------------------------------------------- global page ----


def _ok_countries(g: Any) -> list[str]:
    countries = attr(g, "countries", None)
    if countries is None or countries.empty:
        est = attr(g, "estimates", None)
        return sorted(set(est["country"])) if est is not None and not est.empty else []
    return [str(c) for c in countries.loc[countries["status"] == "ok", "iso3"]]


def banner(g: Any) -> None:
    """The demonstration banner: on the whole report when every country is fictional, else naming the
    countries whose chapters use demonstration data (none: no banner)."""
    countries = attr(g, "countries", None)
    if attr(g, "demo", False) or countries is None or countries.empty or "demo" not in countries.columns:
        page_banner(g)
        return
    demo = countries[countries["demo"].fillna(False).astype(bool)]
    if demo.empty:
        return
    names = ", ".join(f"{n} ({i})" for n, i in zip(demo["name"], demo["iso3"], strict=True))
    which = "the chapter of" if len(demo) == 1 else "the chapters of"
    emit(demo_banner_html(True, text=f"Demonstration data — not real: {which} {names} use{'s' if len(demo) == 1 else ''} "
                                     "fictional data, and so do their numbers on this page; do not cite or use them."))


def headline_numbers(g: Any) -> None:
    """Headline cards: countries covered, and the latest IDP stock, new displacements and returns summed
    over the countries in the report (latest year available per country)."""
    ok = _ok_countries(g)
    countries = attr(g, "countries", None)
    total = len(countries) if countries is not None and not countries.empty else len(ok)
    cards = [("Countries in the report", f"{len(ok)} of {total}", "with results")]
    figures = attr(g, "figures", None)
    if figures is not None and not figures.empty:
        data = figures[figures["country"].isin(ok)].dropna(subset=["value"])
        for metric, label in METRIC_LABELS.items():
            sub = data[data["metric"] == metric].sort_values("year").groupby("country").tail(1)
            if sub.empty:
                continue
            years = sorted(sub["year"].astype(int).unique())
            span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
            cards.append((label, fmt_big(sub["value"].sum()), f"latest year per country ({span})"))
    crit = attr(g, "criteria", None)
    if crit is not None and not crit.empty:
        idp = crit[(crit["group"] == "idp") & crit["country"].isin(ok) & (crit["status"] != "not_assessed")]
        if len(idp):
            closed = int((idp["status"] == "closed").sum())
            cards.append(("Criteria with the gap closed for IDPs", f"{closed} of {len(idp)}",
                          "country × criterion pairs"))
    items = "".join(
        f'<div><span class="value">{html.escape(v)}</span>{html.escape(k)}<br>'
        f'<span class="sos-note">{html.escape(n)}</span></div>'
        for k, v, n in cards
    )
    emit(f'<div class="sos-headline">{items}</div>')


def heatmap_section(g: Any) -> None:
    """Countries × criteria heatmap of the share of indicators with the gap closed for IDPs, with a
    table of the same cells (status in text)."""
    crit = attr(g, "criteria", None)
    crit = crit if crit is not None else pd.DataFrame()
    countries = attr(g, "countries", None)
    names = criteria_names()
    if crit.empty and (countries is None or countries.empty):
        note("No criteria results are available.")
        return
    cnames = country_names(g)
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
        emit("<details open><summary>Table of the heatmap (status for IDPs; readable on a phone)</summary>"
              + html_table(object_frame(records)) + "</details>")
    no_comparison_note(g)


def no_comparison_note(g: Any) -> None:
    """Countries whose survey has no comparison group: their criteria are not assessed, and why."""
    countries = attr(g, "countries", None)
    if countries is None or countries.empty or "comparison" not in countries.columns:
        return
    without = countries[(countries["status"] == "ok") & ~countries["comparison"].fillna(True).astype(bool)]
    if without.empty:
        return
    parts = []
    for _, r in without.iterrows():
        ref = str(r.get("reference", "") or "")
        parts.append(f"{r['name']}" + (f" (external benchmark: {ref})" if ref else ""))
    note("Not assessed: the survey of " + "; ".join(parts) + " has no comparison group, so gaps cannot be estimated "
         "from it; its chapter reports the estimates" + (" beside an external benchmark." if any(
             str(x or "") for x in without["reference"]) else "."))


def failed_countries(g: Any) -> None:
    """Countries whose results could not be built (failed or missing), with the reason as text."""
    countries = attr(g, "countries", None)
    if countries is None or countries.empty:
        note("No country list is available.")
        return
    bad = countries[countries["status"] != "ok"]
    if bad.empty:
        note(f"All {len(countries)} countries were built successfully.")
        return
    frame = pd.DataFrame({
        "Country": bad.get("name", bad["iso3"]).astype(str),
        "ISO3": bad["iso3"].astype(str),
        "Status": bad["status"].astype(str),
        "Reason": bad["reason"].astype(str) if "reason" in bad.columns else "",
    })
    emit(html_table(frame, caption="Countries not included in this edition"))


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
    est = current_year(attr(g, "estimates", None), attr(g, "year", None))
    est = national(est) if est is not None else pd.DataFrame()
    if est.empty:
        note("No estimates are available for a cross-country comparison.")
        return
    est = est[(est["category"] == "") & est["country"].isin(_ok_countries(g))]
    gaps = national(current_year(attr(g, "gaps", None), attr(g, "year", None)))
    names = country_names(g)
    min_n = min_n_of(g)
    records = []
    for ind in key_indicators(attr(g, "catalogue", None)):
        rows = est[est["indicator_id"] == ind.id]
        if rows.empty:
            continue
        percent = is_percent(str(ind.kind), rows["estimate"])
        subject = subject_of(ind, ind.id)
        show_figure(
            charts.country_comparison_chart(rows, percent=percent, country_names=names, min_n=min_n),
            title=f"Criterion {ind.criterion}: {subject}",
            caption=f"{'Percent' if percent else 'Mean'} of {unit_plural(ind)}, IDPs and the comparison group, "
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
        note("No key indicator has estimates in the countries of this edition.")
        return
    interactive_setup()
    emit(interactive_table(pd.DataFrame(records),
                             caption="Key indicators by country and group (gap in percentage points for shares)"))


def solutions_by_country(g: Any, output_root: str | Path | None = None) -> None:
    """The solutions measure (``SOL-1``) by country and displaced group, with CIs, and its change since the
    previous comparable report year (earlier years' results tables under ``output_root``)."""
    est = national(current_year(attr(g, "estimates", None), attr(g, "year", None)))
    rows = est[(est["indicator_id"] == SOLUTIONS_ID) & (est["category"] == "")] if not est.empty else est
    if rows.empty:
        note("The solutions measure is not available for any country.")
        return
    ok = _ok_countries(g)
    rows = rows[rows["country"].isin(ok) & rows["group"].isin(style.DISPLACED_GROUPS)]
    names = country_names(g)
    min_n = min_n_of(g)
    level = level_pct(g)
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
    emit(html_table(object_frame(records), caption=f"Estimates by country and group ({level} CI)",
                     numeric=["Estimate (%)", f"{level} CI (%)", "n"]))
    emit("<h3>Change since the previous edition</h3>")
    trends.solutions_change(g, output_root, names=names, level=level, countries=ok)


__all__ = [
    "banner",
    "comparison_section",
    "failed_countries",
    "headline_numbers",
    "heatmap_section",
    "key_indicators",
    "provenance_section",
    "solutions_by_country",
    "title",
]
