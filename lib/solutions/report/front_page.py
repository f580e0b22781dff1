"""The front page's sections (notebooks/front.ipynb): the year's story in one screen, in the manner of the
opening spread of IDMC's Global Report on Internal Displacement or UNHCR's Global Trends.

Headline figures (countries, displaced people covered, the solutions measure for IDP households beside the
comparison group's, with CIs), the criteria × countries overview, one sentence per country in the report's
words (``wording``), and what changed since the last edition (``solutions.editions``). The renderers add the
navigation and the downloads below it, because they know which pages and files the site really holds.

Reads only results tables (never microdata). A country that failed is named as not included, without its
error message (it may quote paths) and without any value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from solutions.catalogue import SOLUTIONS_ID
from solutions.config import Thresholds
from solutions.indicators import GlobalResults

from . import alttext, chartdata, charts, global_page, style, wording
from .blocks import (  # sections every page has
    METRIC_LABELS,
    banner,
    country_names,
    criteria_names,
    current_year,
    estimates_only,
    kept_notes,
    national,
    not_collected,
    note,
    provenance_appendix,
    title,
)
from .blocks import publish_chart_data as _publish_chart_data
from .figures import figure_html, no_chart_html
from .formatting import fmt_big, fmt_ci, fmt_value, row_is_suppressed
from .output import emit
from .tables import status_chip
from .templating import Markup, macros, stylesheet
from .thresholds import thresholds_of

_T = macros("front.html.j2")
_C = macros("common.html.j2")


def _ok(g: GlobalResults) -> list[str]:
    countries = g.countries
    if countries is None or countries.empty:
        return []
    return [str(c) for c in countries.loc[countries["status"] == "ok", "iso3"]]


def _sorted(isos: list[str], names: dict[str, str]) -> list[str]:
    order = {iso: i for i, iso in enumerate(names)}  # the report's declared order, as every page
    return sorted(isos, key=lambda c: (order.get(c, len(order)), c))


def front_title(g: GlobalResults) -> None:
    """The report's title as the page's ``<h1>``, with the front page's CSS (``report/assets/front.css``)."""
    title(str(g.title))
    emit(_C.style(stylesheet("front.css")))


def lead(g: GlobalResults) -> None:
    """One paragraph: what this edition measures, for whom, in how many countries."""
    ok = _ok(g)
    n = len(ok)
    # no survey of the edition has a comparison group: the question is said with why it is not answered
    unanswered = bool(ok) and set(ok) <= estimates_only(g)
    emit(_T.lead(year=str(g.year), n=n, unanswered=unanswered))


# ------------------------------------------------------------------------------------ headline ---
def _solutions_rows(g: GlobalResults) -> pd.DataFrame:
    est = national(current_year(g.estimates, g.year))
    if est is None or est.empty:
        return pd.DataFrame()
    rows = est[(est["indicator_id"] == SOLUTIONS_ID) & (est["category"] == "") & est["country"].isin(_ok(g))]
    return rows[rows["group"].isin(["idp", "comparison"])]


class Card(NamedTuple):
    """One headline card: the figure, what it counts, how to read it, and a link to its detail (``href``)."""

    value: str
    what: str
    how: str
    link: str = ""  # the linked words appended to ``how``
    href: str = ""


SOLUTIONS_ANCHOR = "sos-front-solutions"
DEFINITION_ANCHOR = "sos-front-measure"


def _measure_card(g: GlobalResults) -> Card | None:
    """The solutions measure for IDP households: one country's estimate with its CI, or, across countries,
    the range of their estimates called a range (never written as an interval), each country's CI a click
    away in the chart; the comparison group's beside it as the benchmark. Withheld values never enter."""
    sol = _solutions_rows(g)
    if sol.empty:
        return None
    level = thresholds_of(g).level
    rows = {grp: [r for _, r in sol[sol["group"] == grp].iterrows() if not row_is_suppressed(r)]
            for grp in ("idp", "comparison")}
    idp, comparison = rows["idp"], rows["comparison"]
    if not idp:
        return None

    def one(r: pd.Series) -> str:
        return f"{fmt_value(r['estimate'], percent=True)} ({level} CI {fmt_ci(r['ci_low'], r['ci_high'], percent=True)}%)"

    def span(values: list[pd.Series]) -> str:
        lo, hi = (fmt_value(f(float(r["estimate"]) for r in values), percent=True) for f in (min, max))
        return lo if lo == hi else f"{lo} to {hi}"

    what = f"of IDP households meet the solutions measure{_measure_gloss(g)}"
    if len(idp) == 1:
        value = fmt_value(idp[0]["estimate"], percent=True)
        how = f"{level} CI {fmt_ci(idp[0]['ci_low'], idp[0]['ci_high'], percent=True)}%"
        if len(comparison) == 1:
            how += f"; comparison households: {one(comparison[0])}"
        return Card(value, what, how + ";", "its conditions below", f"#{DEFINITION_ANCHOR}")
    value = span(idp)
    how = f"range of {len(idp)} country estimates, not an interval"
    if comparison:
        how += f"; comparison households {span(comparison)}"
    return Card(value, what, how + ";",
                f"each country's {level} CI in the chart", f"#{SOLUTIONS_ANCHOR}")


def headline_cards(g: GlobalResults) -> list[Card]:
    """The headline cards (value, what, how, link): withheld estimates never enter a figure or a range."""
    ok = _ok(g)
    countries = g.countries
    total = len(countries) if countries is not None and not countries.empty else len(ok)
    cards = [Card(str(len(ok)), f"countr{'y' if len(ok) == 1 else 'ies'} with results",
                  f"of {total} in this edition" if total != len(ok) else "every country of this edition")]
    figures = g.figures
    if figures is not None and not figures.empty:
        stock = figures[(figures["metric"] == "idp_stock") & figures["country"].isin(ok)].dropna(subset=["value"])
        latest = stock.sort_values("year").groupby("country").tail(1)
        if len(latest):
            years = sorted(latest["year"].astype(int).unique())
            span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
            cards.append(Card(fmt_big(latest["value"].sum()), METRIC_LABELS["idp_stock"].replace(" (stock)", "")
                              + " in these countries",
                              f"the sum of the latest published figure per country ({span}), not a survey estimate"))
    measure = _measure_card(g)
    if measure is not None:
        cards.append(measure)
    idp = global_page.assessed_idp_pairs(g)  # the global page's denominator: assessed pairs only
    if len(idp):
        n_open = int((idp["status"] == "open").sum())
        unassessed = estimates_only(g)
        cards.append(Card(f"{n_open} of {len(idp)}", "criteria on which IDPs are worse off",
                          "country × criterion pairs with the gap open"
                          + (f" (not assessed: {len(unassessed)} estimates-only "
                             f"{'survey' if len(unassessed) == 1 else 'surveys'})" if unassessed else "")))
    return cards


def _rule(g: GlobalResults) -> tuple[str, list[int]]:
    """The measure's scoring rule in words (``every one of 5 conditions``) and its criteria."""
    m = g.solutions_measure or {}
    conditions = list(m.get("conditions") or [])
    scoring = m.get("scoring", "all")
    n = len(conditions)
    rule = (f"every one of {n} conditions" if scoring == "all" or not isinstance(scoring, dict)
            else f"at least {int(scoring['at_least'])} of {n} conditions")
    return rule, sorted({int(c["criterion"]) for c in conditions})


def _measure_gloss(g: GlobalResults) -> str:
    """The measure defined in a few words, where a card first uses it: ``: every one of 5 conditions of
    criteria 1–5``; "" without configured conditions."""
    m = g.solutions_measure or {}
    n, scoring = len(m.get("conditions") or []), m.get("scoring", "all")
    _, criteria = _rule(g)
    every = "both conditions" if n == 2 else "its condition" if n == 1 else f"all {n} conditions"
    short = every if not isinstance(scoring, dict) else f"{int(scoring['at_least'])} of {n} conditions"
    return f" ({short} of criteria {wording.number_runs(criteria)})" if criteria else ""


def measure_definition(g: GlobalResults) -> str:
    """The solutions measure defined in one sentence, from the global config's rule and conditions ("" when
    no measure is configured)."""
    m = g.solutions_measure or {}
    conditions = list(m.get("conditions") or [])
    if not conditions:
        return ""
    rule, criteria = _rule(g)
    labels = "; ".join(f"{c['label']} (criterion {int(c['criterion'])})" for c in conditions)
    return (f"The solutions measure is the share of households that meet {rule} set for IASC criteria "
            f"{wording.number_runs(criteria)}: {labels}. The comparison group's share is shown beside it as "
            "the benchmark. The conditions are on the methods page.")


def publish_chart_data(g: GlobalResults, output_root: str | Path) -> None:
    """Write the data of the front page's charts beside them: ``results/front/charts/*.csv``."""
    _publish_chart_data(g, output_root, page="front")


def headline(g: GlobalResults) -> None:
    """The headline cards: countries, displaced people covered, the solutions measure with its interval or
    its range (defined in a few words there, where it is first used), criteria open."""
    emit(_T.cards(headline_cards(g)[:4]))


def solutions_figure(g: GlobalResults) -> Markup:
    """The solutions measure by country: IDP households beside the comparison group, with CIs ("" if none)."""
    rows = _solutions_rows(g)
    names = country_names(g)
    lacking: list[str] = []
    if not rows.empty:  # a survey without the measure's questions: named in the caption, not drawn as a blank row
        absent = not_collected(rows)
        lacking = [names.get(i, i) for i in dict.fromkeys(rows.loc[absent, "country"].astype(str))
                   if i not in set(rows.loc[~absent, "country"].astype(str))]
        rows = rows[~absent]
    if rows.empty:
        return Markup(_C.note("The solutions measure is not available for any country of this edition."))
    thresholds = thresholds_of(g)
    level = thresholds.level
    fig = charts.country_comparison_chart(rows, percent=True, country_names=names, groups=("idp", "comparison"),
                                          thresholds=thresholds, xlabel=f"Households (%), {level} CI")
    title = "Households meeting the solutions measure"
    alt = alttext.describe_countries(rows, f"Dot chart by country: {title.lower()}", names=names,
                                     thresholds=thresholds) + "." + alttext.flag_sentence(rows, thresholds)
    if fig is None:  # every value withheld: a sentence saying why, never an empty frame
        return no_chart_html(title, alt)
    href = chartdata.write(title, chartdata.points(rows, percent=True, thresholds=thresholds, names=names))
    return figure_html(
        fig, title=title,
        caption=f"IDPs and, as the benchmark, the comparison group, with {level} confidence intervals; a hollow "
        "marker is a flagged estimate; the conditions (criteria 1–5) are on the methods page."
        + (f" Not available for {', '.join(lacking)}: not collected in "
           f"{'their surveys' if len(lacking) > 1 else 'its survey'}." if lacking else ""),
        alt=alt, data_href=href, figure_id=SOLUTIONS_ANCHOR)  # the cards link here


# ------------------------------------------------------------------------------------ overview ---
def overview(g: GlobalResults) -> None:
    """Countries × the 8 criteria (the gap status for IDPs: colour, symbol, and the word for screen readers)
    beside the chart of the solutions measure; countries not included are named, without values; then the
    solutions measure's conditions in full (the headline card links here)."""
    emit(_T.hero(overview_table(g), solutions_figure(g)))
    definition = measure_definition(g)  # the card glosses it; the conditions in full below the fold's story
    if definition:
        emit(_T.definition(DEFINITION_ANCHOR, definition))


def overview_table(g: GlobalResults) -> Markup:
    """The criteria × countries table with its legend (HTML; a note when there are no results)."""
    names = country_names(g)
    crit = current_year(g.criteria, g.year)
    countries = g.countries
    if (crit is None or crit.empty) and (countries is None or countries.empty):
        return Markup(_C.note("No criteria results are available in this edition."))
    full = criteria_names()
    idp = crit[crit["group"] == "idp"] if crit is not None and not crit.empty else pd.DataFrame()
    status_of = {(str(r["country"]), int(r["criterion"])): str(r["status"]) for _, r in idp.iterrows()}
    rows: list[dict[str, Any]] = []
    notes = kept_notes(g)
    only = estimates_only(g)
    for iso in _sorted(_ok(g), names):
        kept = notes.get(iso, "")
        rows.append({"iso": iso, "name": names.get(iso, iso), "kept": kept.split(":")[0] if kept else "",
                     "failed": False, "only": iso in only,  # no comparison group: "not assessed" chips would hide why
                     "chips": [_chip(status_of.get((iso, c), "not_assessed")) for c in full]})
    for iso in _sorted([c for c in names if c not in _ok(g)], names):
        rows.append({"iso": iso, "name": names.get(iso, iso), "kept": "", "failed": True, "only": False, "chips": []})
    assessed = any(not (r["failed"] or r["only"]) for r in rows)  # a key to statuses no row shows is noise
    return Markup(_T.overview(criteria=full, rows=rows, legend=_legend() if assessed else []))


def _chip(status: str, *, word: bool = False) -> Markup:
    """The status chip: colour and symbol, with its word for screen readers only (``word``: shown too)."""
    return status_chip(status, label_hidden=not word)


def _legend() -> list[tuple[Markup, str]]:
    """Each status's chip (symbol and colour) with its meaning, in ``wording``'s words."""
    return [(_chip(s, word=True), wording.STATUS_GIST[s])
            for s in ("open", "closed", "inconclusive", "insufficient_data") if s in wording.STATUS_LABELS]


def country_sentences(g: GlobalResults) -> None:
    """One sentence per country from its statuses, in ``wording``'s words, with its solutions measure."""
    names = country_names(g)
    crit = current_year(g.criteria, g.year)
    sol = _solutions_rows(g)
    notes, thresholds = kept_notes(g), thresholds_of(g)
    items = []
    for iso in _sorted(_ok(g), names):
        rows = crit[(crit["country"] == iso) & (crit["group"] == "idp")] if crit is not None and not crit.empty else crit
        statuses = {int(r["criterion"]): str(r["status"]) for _, r in rows.iterrows()} if rows is not None else {}
        text = wording.criteria_summary("IDPs", statuses) + "."
        if iso in estimates_only(g):
            text = "estimates only: its survey has no comparison group, so gaps cannot be estimated from it."
        measure = _measure_sentence(sol[sol["country"] == iso] if not sol.empty else sol, thresholds)
        items.append({"iso": iso, "name": names.get(iso, iso), "kept": notes.get(iso, ""), "failed": False,
                      "text": f"{text} {measure}" if measure else text})
    failed = [c for c in names if c not in _ok(g)]
    for iso in _sorted(failed, names):
        items.append({"iso": iso, "name": names.get(iso, iso), "kept": "", "failed": True, "text": ""})
    if items:
        emit(_T.sentences(items))
    else:
        note("No country has results in this edition.")


def _measure_sentence(rows: pd.DataFrame, thresholds: Thresholds) -> str:
    """``12% of IDP households meet the solutions measure (95% CI 9–15%), against 41% of the comparison group``;
    a withheld or uncollected measure says why in the words of every table (``wording.withheld_text``)."""
    def part(group: str) -> tuple[str, str] | None:
        sub = rows[rows["group"] == group] if not rows.empty else rows
        if sub.empty:
            return None
        r = sub.iloc[0]
        if row_is_suppressed(r):
            return ("withheld", wording.withheld_text(r.get("suppression_reason"), thresholds))
        return (fmt_value(r["estimate"], percent=True), fmt_ci(r["ci_low"], r["ci_high"], percent=True) + "%")

    idp, comp = part("idp"), part("comparison")
    if idp is None:
        return ""
    if idp[0] == "withheld":
        return f"The solutions measure for IDP households is {idp[1]}."
    text = f"{idp[0]} of IDP households meet the solutions measure ({thresholds.level} CI {idp[1]})"
    if comp is not None and comp[0] != "withheld":
        text += f", against {comp[0]} of comparison households ({comp[1]})"
    return text + "."


# ------------------------------------------------------------------------------------ changes ----
def what_changed(g: GlobalResults, output_root: str | Path | None, *, margin: Any = None) -> None:
    """What changed since the previous edition under ``output_root``, every change named: first those that
    matter (criterion and gap statuses that changed, estimates better or worse, each saying which), then the
    rest (countries and indicators added or dropped, shares of distributions that moved, countries not
    compared, how many estimates showed no material change or could not tell) in a collapsed list.
    ``margin``: the global config's ``equivalence_margin`` (the default margin of indicators whose gaps give
    none)."""
    from solutions.editions import Edition, diff_editions, load_edition, previous_edition
    from solutions.errors import SolutionsError
    from solutions.indicators.changes import rules_from_tables

    year = int(g.year or 0)
    folder = previous_edition(output_root, year) if output_root is not None else None
    if folder is None:
        note("No earlier edition was published alongside this one: changes are shown from the next edition on.")
        return
    try:
        old = load_edition(folder)
    except SolutionsError:  # the story of this edition stands without it; `solutions diff` says why
        note(f"The {folder.name} edition's results tables could not be read: no comparison is shown.")
        return
    new = Edition(year, Path(output_root or "."), g.estimates, g.gaps, g.criteria,
                  country_names(g))
    level = g.thresholds.confidence_level
    d = diff_editions(old, new, confidence_level=level,
                      rules=rules_from_tables(g.gaps, g.estimates, catalogue=g.catalogue,
                                             default=margin if margin is not None else g.equivalence_margin))
    emit(changes_html(d, {**d.names, **country_names(g)}, g, thresholds_of(g).level))


def changes_html(d: Any, names: dict[str, str], g: GlobalResults, level: str) -> Markup:
    """The "what changed" section of a diff (``solutions.editions.EditionDiff``) as HTML."""
    from .changes_text import change_text, counts_text, not_compared_items, status_change_text

    titles = {i.id: i.short_title for i in g.catalogue.indicators}
    titles.setdefault(SOLUTIONS_ID, "Solutions measure")
    full = criteria_names()

    def estimate(r: Any) -> str:
        subject = titles.get(r["indicator_id"], r["indicator_id"])
        category = f" ({str(r['category']).replace('_', ' ')})" if r["category"] else ""
        return (f"{names.get(r['country'], r['country'])}, {subject}{category}, {style.group_label(r['group'])}: "
                f"{change_text(r)}")

    def status_changes(rows: pd.DataFrame, noun: str, subject: Callable[[Any], str]) -> Markup | str:
        """Every status change of one kind, named: country, what, group, before -> after."""
        if not len(rows):
            return f"No {noun} status changed."
        return _listed(f"{len(rows)} {noun} status{'es' if len(rows) != 1 else ''} changed:", [
            f"{names.get(r['country'], r['country'])}, {subject(r)}, {style.group_label(r['group'])}: "
            f"{status_change_text(r)}" for _, r in rows.iterrows()])

    first: list[Markup | str] = [
        status_changes(d.criterion_changes, "criterion",
                       lambda r: f"{int(r['criterion'])} {full.get(int(r['criterion']), '')}"),
        status_changes(d.gap_changes, "indicator gap", lambda r: titles.get(r["indicator_id"], r["indicator_id"])),
    ]
    moved = d.moved
    for status, word in (("worsened", "worse"), ("improved", "better")):
        rows = moved[moved["status"] == status] if len(moved) else moved
        if len(rows):
            first.append(_listed(f"{len(rows)} national estimate{'s' if len(rows) != 1 else ''} {word}:",
                                 [estimate(r) for _, r in rows.iterrows()]))
    if not len(moved) or not moved["status"].isin(["worsened", "improved"]).any():
        first.append("No national estimate is shown to be better or worse.")
    rest: list[Markup | str] = [counts_text(d) + f" ({level} CI of each change; the surveys are independent)."]
    shifted = moved[moved["status"] == "not_assessed"] if len(moved) else moved
    if len(shifted):
        rest.append(_listed(f"{len(shifted)} share{'s' if len(shifted) != 1 else ''} of a distribution moved (no "
                            "better or worse direction):", [estimate(r) for _, r in shifted.iterrows()]))
    if d.countries_added or d.countries_dropped:
        added = ", ".join(names.get(c, c) for c in d.countries_added) or "none"
        dropped = ", ".join(names.get(c, c) for c in d.countries_dropped) or "none"
        rest.append(f"Countries added: {added}; no longer covered: {dropped}.")
    if d.indicators_added or d.indicators_dropped:
        rest.append(f"Indicators added: {', '.join(titles.get(i, i) for i in d.indicators_added) or 'none'}; "
                    f"dropped: {', '.join(titles.get(i, i) for i in d.indicators_dropped) or 'none'}.")
    # an indicator not compared is said first: it is why that indicator is missing from every list below
    first[:0] = [f"{titles.get(ind, ind)}: not compared, {why} ({where})."
                 for ind, why, where in not_compared_items(d, lambda c: names.get(c, c))]
    return Markup(_T.changes(old_year=d.old_year, level=level, head=first, tail=rest))


def _listed(title: str, items: list[str]) -> Markup:
    """A count and the list of what it counts."""
    return Markup(_T.listed(title, items))


def provenance_section(g: GlobalResults) -> None:
    """The collapsed build details of this edition (versions, checksums, manifest link)."""
    prov = dict(g.provenance or {})
    prov.pop("countries", None)
    provenance_appendix(prov, heading="Build details of this edition")


__all__ = [
    "banner",
    "country_sentences",
    "front_title",
    "headline",
    "headline_cards",
    "lead",
    "overview",
    "overview_table",
    "provenance_section",
    "solutions_figure",
    "what_changed",
]
