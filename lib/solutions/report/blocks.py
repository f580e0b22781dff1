"""Building blocks every page shares: the page title and banner, the narrative, provenance, and the small
helpers the page modules use to read results and write captions (`country_page`, `global_page`,
`methods_page`). Sections display their output and return None, so a notebook cell prints no repr.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from . import style
from .banner import demo_banner_html, page_css
from .formatting import (
    DEFAULT_MIN_N,
    fmt_count,
    is_missing,
)
from .markdown import markdown_html
from .output import emit
from .provenance import provenance_html

SOLUTIONS_ID = "SOL-1"
UNIT_PLURAL = {
    "household": "households",
    "individual": "individuals",
    "child": "children",
    "adult": "adults",
    "labour force": "people in the labour force",
    "location": "locations",
}
METRIC_LABELS = {"idp_stock": "IDPs (stock)", "new_displacements": "New displacements", "returns": "Returns"}


# ------------------------------------------------------------------ helpers ----
def object_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    # object dtype keeps ``Markup`` cells intact (pandas' default string dtype would turn them into str)
    return pd.DataFrame(records, dtype=object)


def note(text: str) -> None:
    emit(f'<p class="sos-note">{html.escape(text)}</p>')


def criteria_names() -> dict[int, str]:
    """The eight IASC criteria, as the catalogue names them (one source for every page)."""
    from solutions.catalogue import CRITERIA

    return dict(CRITERIA)


def indicator_of(catalogue: Any, indicator_id: str) -> Any | None:
    if catalogue is None:
        return None
    try:
        return catalogue.get(indicator_id)
    except (KeyError, StopIteration, AttributeError):
        return None


def attr(obj: Any, name: str, default: Any = "") -> Any:
    value = getattr(obj, name, default) if obj is not None else default
    return default if value is None else value


def min_n_of(obj: Any) -> int:
    for source in (attr(obj, "design", {}), attr(obj, "thresholds", {}), attr(obj, "provenance", {})):
        if isinstance(source, Mapping):
            if "min_n" in source and not is_missing(source["min_n"]):
                return int(source["min_n"])
            thr = source.get("thresholds")
            if isinstance(thr, Mapping) and "min_n" in thr:
                return int(thr["min_n"])
    return DEFAULT_MIN_N


def level_pct(obj: Any) -> str:
    level = 0.95
    for source in (attr(obj, "thresholds", {}), attr(obj, "design", {})):
        if isinstance(source, Mapping) and not is_missing(source.get("confidence_level")):
            level = source["confidence_level"]
    try:
        return f"{float(level) * 100:.0f}%"
    except (TypeError, ValueError):
        return "95%"


def current_year(df: pd.DataFrame | None, year: Any) -> pd.DataFrame:
    if df is None or df.empty:
        return pd.DataFrame() if df is None else df
    if "year" in df.columns and not is_missing(year):
        return df[df["year"] == int(year)]
    return df


def national(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty or "disaggregation" not in df.columns:
        return df
    return df[df["disaggregation"] == "total"]


def unit_plural(ind: Any) -> str:
    unit = str(attr(ind, "unit", "") or "")
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


def caption(ind: Any, indicator_id: str, rows: pd.DataFrame, *, percent: bool, level: str, extra: str = "") -> str:
    unit = unit_plural(ind)
    measure = f"Percent of {unit}" if percent else f"Mean per {str(attr(ind, 'unit', 'record'))}"
    definition = str(attr(ind, "definition", "")) or f"Indicator {indicator_id}."
    universe = attr(ind, "universe_text", None)  # in words, never the expression
    parts = [f"{measure}, with {level} confidence intervals.", extra, f"Definition: {definition}"]
    if universe:
        parts.append(f"Who is counted: {universe}.")
    parts.append(n_text(rows, unit))
    return " ".join(p for p in parts if p)


def subject_of(ind: Any, indicator_id: str) -> str:
    title = str(attr(ind, "title", "") or indicator_id)
    return f"{title} ({indicator_id})"


# --------------------------------------------------------------- page frame ----
def title(obj: Any) -> None:
    """Emit the page's house CSS and its ``<h1>`` title: a string as is, a country's name and year, or for
    the global results the global page's own title (the site's name is the front page's title).

    The title is also attached as display metadata (``{"solutions": {"page_title": ...}}``) for the renderer.
    """
    iso3 = attr(obj, "iso3", "") if not isinstance(obj, str) else ""
    if isinstance(obj, str):
        text = obj
    elif iso3:
        text = f"{attr(obj, 'name', iso3)} — durable solutions {attr(obj, 'year', '')}".strip()
    else:
        text = f"Global overview — durable solutions {attr(obj, 'year', '')}".strip()
    emit(f'{page_css()}<h1 class="sos-title">{html.escape(text)}</h1>{collection_line(obj)}',
         metadata={"solutions": {"page_title": text}})


def collection_line(obj: Any) -> str:
    """Under a country's title: when the survey's data were collected, apart from the report's year (a 2018
    survey in the 2026 edition must not read as 2026 data)."""
    design = attr(obj, "design", {}) if not isinstance(obj, str) else {}
    if not isinstance(design, Mapping) or not design.get("collection_start"):
        return ""
    start, end = pd.Timestamp(design["collection_start"]), pd.Timestamp(design.get("collection_end") or
                                                                        design["collection_start"])
    span = (f"{start:%B}–{end:%B %Y}" if start.year == end.year else f"{start:%B %Y}–{end:%B %Y}")
    if start.year == end.year and start.month == end.month:
        span = f"{end:%B %Y}"
    survey = design.get("survey_title") or "Survey"
    return (f'<p class="sos-note">{html.escape(str(survey))}: data collected {html.escape(span)}. '
            f'Report edition {html.escape(str(attr(obj, "year", "")))}.</p>')


def banner(obj: Any) -> None:
    """Emit the "Demonstration data — not real" banner when ``obj.demo`` is true."""
    # Tagged so the site renderers, whose page template already carries the banner, can drop this copy;
    # the executed notebook opened on its own still shows it.
    emit(demo_banner_html(bool(attr(obj, "demo", False))), metadata={"solutions": {"role": "demo-banner"}})


def narrative(results: Any, section: str | int = "summary") -> None:
    """Emit the analyst's narrative for ``section`` (``"summary"`` or a criterion number), escaped."""
    text = narrative_text(results, section)
    if text:
        emit(f'<div class="sos-narrative">{markdown_html(text)}</div>')
    elif section == "summary":
        note("No summary narrative was provided for this country.")


def narrative_text(results: Any, section: str | int) -> str:
    nar = attr(results, "narrative", {})
    if not isinstance(nar, Mapping):
        nar = getattr(nar, "model_dump", lambda: {})()
    if section == "summary":
        return str(nar.get("summary", "") or "")
    crits = nar.get("criteria", {}) or {}
    return str(crits.get(int(section), crits.get(str(section), "")) or "")


def sources_html(sources: Any) -> str:
    """The data sources as a list for readers (name, publisher, year), or "" when there are none."""
    items = []
    for s in sources or []:
        s = s if isinstance(s, Mapping) else getattr(s, "model_dump", lambda: {})()
        text = ", ".join(str(s[k]) for k in ("name", "publisher", "year") if s.get(k))
        if text:
            items.append(f"<li>{html.escape(text)}</li>")
    return f"<p><strong>Data sources</strong></p><ul>{''.join(items)}</ul>" if items else ""


def provenance_appendix(provenance: Any, *, extra: str = "", heading: str = "Build details") -> None:
    """Emit the collapsed build-details appendix (checksums, config hash, versions, build date, manifest link)."""
    emit(provenance_html(provenance if isinstance(provenance, Mapping) else {}, heading=heading, extra=extra))


def provenance_section(obj: Any) -> None:
    """Emit the data sources (for readers) and the build details (collapsed, for auditors)."""
    emit(sources_html(attr(obj, "sources", []) or []))
    provenance_appendix(attr(obj, "provenance", {}))


def country_names(g: Any) -> dict[str, str]:
    countries = attr(g, "countries", None)
    if countries is None or countries.empty:
        return {}
    return {str(r["iso3"]): str(r.get("name", r["iso3"])) for _, r in countries.iterrows()}
