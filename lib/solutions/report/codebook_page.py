"""The codebook page (notebooks/codebook.ipynb): every published table and column, generated from the same
field documentation as the data package's table schemas (``solutions.publish.fields``), so the page, the
schemas and the files never disagree."""

from __future__ import annotations

import html

from solutions.indicators import GlobalResults
from solutions.publish.chart_fields import CHART_FIELDS, CHART_ROWS
from solutions.publish.citation import LICENCE, citation_text
from solutions.publish.fields import TABLES, FieldDoc, TableDoc
from solutions.results import SCHEMAS

from .blocks import banner, note, provenance_appendix, title
from .output import emit

#: Where each kind of table is published, relative to the site root.
FILES: dict[str, str] = {
    "estimates": "results/<ISO3>/estimates.csv for each country; results/global/estimates.csv for all",
    "gaps": "results/<ISO3>/gaps.csv for each country; results/global/gaps.csv for all",
    "criteria": "results/<ISO3>/criteria.csv for each country; results/global/criteria.csv for all",
    "figures": "results/<ISO3>/figures.csv for each country",
    "indicators": "results/<ISO3>/indicators.csv for each country; results/global/indicators.csv for all",
    "benchmarks": "results/<ISO3>/benchmarks.csv for each country with an external reference; "
                  "results/global/benchmarks.csv for all",
    "countries": "results/countries.csv",
    "indicator-catalogue": "results/indicator_catalogue.csv",
    "iasc-criteria": "results/iasc_criteria.csv",
}


#: On a phone each column's row stacks (name above meaning) instead of squeezing the meaning.
CODEBOOK_CSS = """
.sos-codebook th[scope=row] code{white-space:nowrap}
@media (max-width:600px){.sos-codebook thead{display:none}.sos-codebook tr{display:block;border-bottom:1px solid #DDD;
 padding:.3em 0}.sos-codebook th,.sos-codebook td{display:block;border:0!important;padding:.1em 0!important}}
"""


def columns(table: str) -> list[str]:
    """The columns of a published table, in file order: the results writer's schema, else the documentation's."""
    return list(SCHEMAS[table]) if table in SCHEMAS else list(TABLES[table].fields)


def introduction(g: GlobalResults) -> None:
    """What is published, under which licence, how to cite it and how to check it."""
    year, title_text = g.year, str(g.title)
    demo = bool(g.demo)
    emit(
        f"<style>{CODEBOOK_CSS}</style>"
        "<p>Every number of the report is published as CSV files (UTF-8, comma-separated, one header row; an "
        "empty cell is a missing or withheld value). They form a "
        '<a href="results/datapackage.json">Frictionless Data Package</a>: <code>datapackage.json</code> '
        "describes every file with a table schema (types, units, allowed values, keys), so that tools such as "
        "<code>frictionless validate</code>, R or pandas can read and check them. No file holds a single "
        "respondent's answers: only estimates for groups large enough to publish.</p>"
        f'<p><strong>Licence:</strong> <a href="{html.escape(LICENCE["path"])}">{html.escape(LICENCE["title"])}'
        f"</a> ({html.escape(LICENCE['name'])}). <strong>How to cite:</strong> "
        f"{html.escape(citation_text(title_text, int(year or 0), demo=demo))} "
        '(<a href="results/CITATION.cff">CITATION.cff</a>).</p>'
        "<p>Shares are proportions from 0 to 1 in the files; the pages show them as percentages (0.12 is 12%, a "
        "gap of 0.12 is 12 percentage points).</p>")


def _values(doc: FieldDoc) -> str:
    parts = []
    if doc.enum:
        parts.append("values: " + ", ".join(doc.enum))
    if doc.minimum is not None or doc.maximum is not None:
        lo = "" if doc.minimum is None else f"{doc.minimum:g}"
        hi = "" if doc.maximum is None else f"{doc.maximum:g}"
        parts.append(f"from {lo} to {hi}" if lo and hi else (f"at least {lo}" if lo else f"at most {hi}"))
    if doc.unit:
        parts.append(f"unit: {doc.unit}")
    return "; ".join(parts)


def table_html(doc: TableDoc, cols: list[str]) -> str:
    """One table's codebook: where it is, what a row is, its keys and a row per column."""
    keys = [f"<strong>One row per</strong> {html.escape(doc.row)}.",
            f"<strong>Files:</strong> {html.escape(FILES.get(doc.name, ''))}."]
    if set(doc.primary_key) <= set(cols):
        keys.append("<strong>Each row is identified by</strong> " + ", ".join(
            f"<code>{html.escape(k)}</code>" for k in doc.primary_key) + ".")
    links = [f"<code>{html.escape(', '.join(f))}</code> → {html.escape(TABLES[t].title)}"
             for f, t, _ in doc.foreign_keys if set(f) <= set(cols)]
    if links:
        keys.append("<strong>Codes explained in</strong> " + "; ".join(links) + ".")
    rows = []
    for c in cols:
        d = doc.fields.get(c) or FieldDoc("any", c, "Not described yet.")
        extra = _values(d)
        rows.append(f'<tr><th scope="row"><code>{html.escape(c)}</code></th><td><strong>{html.escape(d.title)}'
                    f"</strong> ({html.escape(d.type)}). {html.escape(d.description)}"
                    + (f' <span class="sos-note">{html.escape(extra)}.</span>' if extra else "") + "</td></tr>")
    return ("<p>" + " ".join(keys) + "</p>"
            f'<div class="sos-table-wrap" role="region" tabindex="0" aria-label="Columns of {html.escape(doc.title)}">'
            # Quarto's table processing would turn the row headers into cells: this table is final HTML
            '<table class="sos-table sos-codebook" data-quarto-disable-processing="true"><thead><tr>'
            '<th scope="col">Column</th><th scope="col">Meaning</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def table_section(name: str) -> None:
    """One published table (the notebook gives it its heading)."""
    emit(table_html(TABLES[name], columns(name)))


def figure_data() -> None:
    """The data behind each chart, published beside it, and what its columns mean (``publish.chart_fields``)."""
    note("The data behind each chart is published beside it as a CSV file (results/<ISO3>/charts/ for a "
         "country, results/global/charts/ and results/front/charts/), linked under the chart and listed in the "
         "data package; withheld values are empty there too. A chart's file has the columns below that it needs; "
         "unlike the results tables, shares are in percent, as the chart draws them.")
    rows = []
    for c, d in CHART_FIELDS.items():
        extra = _values(d)
        rows.append(f'<tr><th scope="row"><code>{html.escape(c)}</code></th><td><strong>{html.escape(d.title)}'
                    f"</strong> ({html.escape(d.type)}). {html.escape(d.description)}"
                    + (f' <span class="sos-note">{html.escape(extra)}.</span>' if extra else "") + "</td></tr>")
    emit("<p><strong>One row per</strong> value the chart draws: "
         + "; ".join(html.escape(r) for r in CHART_ROWS) + ".</p>"
         '<div class="sos-table-wrap" role="region" tabindex="0" aria-label="Columns of the charts\' data">'
         '<table class="sos-table sos-codebook" data-quarto-disable-processing="true"><thead><tr>'
         '<th scope="col">Column</th><th scope="col">Meaning</th></tr></thead>'
         f'<tbody>{"".join(rows)}</tbody></table></div>')


def provenance_section(g: GlobalResults) -> None:
    """The collapsed build details (versions, checksums, manifest link)."""
    prov = dict(g.provenance or {})
    prov.pop("countries", None)
    provenance_appendix(prov, heading="Build details of this edition")


__all__ = ["banner", "columns", "figure_data", "introduction", "provenance_section", "table_html", "table_section",
           "title"]
