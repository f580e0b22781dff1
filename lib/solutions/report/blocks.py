"""Building blocks every page shares: the page title and banner, the narrative, provenance, and the small
helpers the page modules use to read results and write captions (`country_page`, `global_page`,
`methods_page`). Sections display their output and return None, so a notebook cell prints no repr.

Pages take the typed results objects (``CountryResults``, ``GlobalResults``) and read their attributes
directly: a missing field is an error in the build, not a silently empty section.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from solutions.catalogue import Catalogue, Indicator
from solutions.indicators import CountryResults, GlobalResults, results_dir

from . import chart_store, chartdata, style
from .banner import demo_banner_html, page_css
from .formatting import fmt_count, is_missing
from .markdown import markdown_html
from .narratives import fill, use_output_root
from .output import emit
from .provenance import provenance_html
from .tables import object_frame
from .templating import Markup, macros
from .wording import indicator_name

_T = macros("blocks.html.j2")
_C = macros("common.html.j2")

Results = CountryResults | GlobalResults

UNIT_PLURAL = {
    "household": "households",
    "individual": "individuals",
    "child": "children",
    "adult": "adults",
    "labour force": "people in the labour force",
    "location": "locations",
}
METRIC_LABELS = {"idp_stock": "IDPs (stock)", "new_displacements": "New displacements", "returns": "Returns"}

__all__ = ["object_frame"]  # re-exported for the page modules


# ------------------------------------------------------------------ helpers ----
def note(text: str) -> None:
    emit(_C.note(text))


def criteria_names() -> dict[int, str]:
    """The eight IASC criteria, as the catalogue names them (one source for every page)."""
    from solutions.catalogue import CRITERIA

    return dict(CRITERIA)


#: The criteria in a word or two, where the full names do not fit (table headers, one-sentence findings).
SHORT_CRITERIA = {1: "safety", 2: "living standard", 3: "livelihoods", 4: "housing, land, property",
                  5: "documents", 6: "family", 7: "participation", 8: "remedies"}


def indicator_of(catalogue: Catalogue, indicator_id: str) -> Indicator | None:
    """The catalogue entry of ``indicator_id``; None for an id the catalogue lacks (a country's own
    indicator, or the solutions measure)."""
    try:
        return catalogue.get(indicator_id)
    except KeyError:
        return None


def current_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """This report year's rows of a results table."""
    if df.empty or "year" not in df.columns:
        return df
    return df[df["year"] == int(year)]


def national(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty or "disaggregation" not in df.columns:
        return df
    return df[df["disaggregation"] == "total"]


def unit_plural(ind: Indicator | None) -> str:
    unit = ind.unit if ind is not None else ""
    return UNIT_PLURAL.get(unit, unit + "s" if unit else "records")


def category_label(cat: str) -> str:
    return cat.replace("_", " ").capitalize()


def n_text(rows: pd.DataFrame, unit: str) -> str:
    first: dict[str, Any] = {}
    for g, n in zip(rows["group"].astype(str), rows["n_unweighted"], strict=True):
        first.setdefault(g, n)
    parts = [f"{style.group_label(g)} {fmt_count(first[g])}" for g in style.order_groups(first)
             if not is_missing(first[g])]
    return f"n ({unit}, unweighted): " + ", ".join(parts) + "." if parts else ""


def universe_words(ind: Indicator | None) -> str:
    """Who an indicator counts, in plain language (the catalogue's ``universe_text``), never the expression."""
    text = ind.universe_text if ind is not None else None
    return str(text) if text else ""


def subject_of(ind: Indicator | None, indicator_id: str) -> str:
    """An indicator's full title as readers meet it (never its code: ``wording.indicator_name``)."""
    return indicator_name(indicator_id, ind.title if ind is not None else None, short=False)


def publish_chart_data(results: Results, output_root: str | Path, page: str | None = None) -> None:
    """Write the data of each chart of this page beside it: ``results/<ISO3, global or page>/charts/*.csv``
    (``page``: a page other than a country's or the global one that reads the same results, e.g. ``front``),
    and keep the page's drawn charts in ``outputs/<year>/.chart-cache/<same>`` for its next run."""
    year = results.year
    key = page or (results.iso3 if isinstance(results, CountryResults) else "global")
    folder = results_dir(output_root, year, key) / chartdata.CHARTS_DIRNAME
    names = {results.iso3: results.name} if isinstance(results, CountryResults) else country_names(results)
    chartdata.publish_to(folder, f"results/{key}/{chartdata.CHARTS_DIRNAME}/", names)
    chart_store.open_folder(Path(output_root) / str(year) / chart_store.FOLDER / key)  # charts drawn once
    use_output_root(output_root)  # the narratives' [[change ...]] reads earlier editions from there


# --------------------------------------------------------------- page frame ----
def page_title(obj: str | Results) -> str:
    """The page's title: a string as is, a country's name and year, or the global page's own title."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, CountryResults):
        return f"{obj.name} — durable solutions {obj.year}"
    return f"Global overview — durable solutions {obj.year}"  # the site's name is the front page's title


def title(obj: str | Results) -> None:
    """Emit the page's house CSS and its ``<h1>`` title (see ``page_title``).

    The title is also attached as display metadata (``{"solutions": {"page_title": ...}}``) for the renderer.
    """
    text = page_title(obj)
    line = collection_line(obj) if isinstance(obj, CountryResults) else ""
    emit(_T.page_title(css=page_css(), text=text, line=line),
         metadata={"solutions": {"page_title": text}})


def collection_line(results: CountryResults) -> Markup:
    """Under a country's title: when the survey's data were collected, apart from the report's year (a 2018
    survey in the 2026 edition must not read as 2026 data)."""
    survey = results.design.survey
    start, end = pd.Timestamp(survey.collection_start), pd.Timestamp(survey.collection_end)
    span = (f"{start:%B}–{end:%B %Y}" if start.year == end.year else f"{start:%B %Y}–{end:%B %Y}")
    if start.year == end.year and start.month == end.month:
        span = f"{end:%B %Y}"
    return Markup(_T.collection_line(survey=survey.title or "Survey", span=span, year=results.year))


def banner(obj: Results) -> None:
    """Emit the "Demonstration data — not real" banner when ``obj.demo`` is true."""
    # Tagged so the site renderers, whose page template already carries the banner, can drop this copy;
    # the executed notebook opened on its own still shows it.
    emit(demo_banner_html(bool(obj.demo)), metadata={"solutions": {"role": "demo-banner"}})


def narrative(results: CountryResults, section: str | int = "summary") -> None:
    """Emit the analyst's narrative for ``section`` (``"summary"`` or a criterion number), escaped."""
    text = fill(narrative_text(results, section), results)  # placeholders from the results (report.narratives)
    if text:
        emit(_T.narrative(markdown_html(text)))
    elif section == "summary":
        note("No summary narrative was provided for this country.")


def narrative_text(results: CountryResults, section: str | int) -> str:
    nar: Mapping[str, Any] = results.narrative
    if section == "summary":
        return str(nar.get("summary", "") or "")
    crits = nar.get("criteria", {}) or {}
    return str(crits.get(int(section), crits.get(str(section), "")) or "")


def sources_html(sources: Any) -> Markup:
    """The data sources as a list for readers (name, publisher, year), or "" when there are none."""
    items = []
    for s in sources or []:
        s = s if isinstance(s, Mapping) else getattr(s, "model_dump", lambda: {})()
        text = ", ".join(str(s[k]) for k in ("name", "publisher", "year") if s.get(k))
        if text:
            items.append(text)
    return Markup(_T.sources(items)) if items else Markup("")


def provenance_appendix(provenance: Any, *, extra: str = "", heading: str = "Build details") -> None:
    """Emit the collapsed build-details appendix (checksums, config hash, versions, build date, manifest link)."""
    emit(provenance_html(provenance if isinstance(provenance, Mapping) else {}, heading=heading, extra=extra))


def provenance_section(obj: Results) -> None:
    """Emit the data sources (for readers) and the build details (collapsed, for auditors)."""
    emit(sources_html(obj.sources if isinstance(obj, CountryResults) else []))
    provenance_appendix(obj.provenance)


def kept_notes(g: GlobalResults) -> dict[str, str]:
    """ISO3 → "not updated: ..." for each country whose results are kept from an earlier build (``note``)."""
    if g.countries.empty or "note" not in g.countries:
        return {}
    return {str(r["iso3"]): r["note"] for r in g.countries.to_dict("records")
            if isinstance(r["note"], str) and r["note"]}


def not_collected(rows: pd.DataFrame) -> pd.Series:
    """The rows of an indicator a survey did not collect: no value and no n to show (a chart or table leaves
    them out and names the country once instead)."""
    return rows["suppression_reason"] == "not_available"


def estimates_only(g: GlobalResults) -> set[str]:
    """The countries with results whose survey has no comparison group (their chapters give estimates only)."""
    countries = g.countries
    if countries.empty or "comparison" not in countries.columns:
        return set()
    return set(countries.loc[(countries["status"] == "ok") & ~countries["comparison"].fillna(True).astype(bool),
                             "iso3"].astype(str))


def country_names(g: GlobalResults) -> dict[str, str]:
    """ISO3 → the country's name, for every country of the edition."""
    if g.countries.empty:
        return {}
    return {str(r["iso3"]): str(r["name"]) for r in g.countries.to_dict("records")}
