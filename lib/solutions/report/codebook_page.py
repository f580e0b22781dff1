"""The codebook page (notebooks/codebook.ipynb): every published table and column, generated from the same
field documentation as the data package's table schemas (``solutions.publish.fields``), so the page, the
schemas and the files never disagree."""

from __future__ import annotations

from solutions.indicators import GlobalResults
from solutions.publish.chart_fields import CHART_FIELDS, CHART_ROWS
from solutions.publish.citation import LICENCE, citation_text
from solutions.publish.fields import TABLES, FieldDoc, TableDoc
from solutions.results import SCHEMAS

from .blocks import banner, note, provenance_appendix, title
from .output import emit
from .templating import Markup, macros, stylesheet

_T = macros("codebook.html.j2")

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




def columns(table: str) -> list[str]:
    """The columns of a published table, in file order: the results writer's schema, else the documentation's."""
    return list(SCHEMAS[table]) if table in SCHEMAS else list(TABLES[table].fields)


def introduction(g: GlobalResults) -> None:
    """What is published, under which licence, how to cite it and how to check it."""
    year, title_text = g.year, str(g.title)
    demo = bool(g.demo)
    # on a phone each column's row stacks (name above meaning) instead of squeezing the meaning: codebook.css
    emit(_T.introduction(css=stylesheet("codebook.css"), licence=LICENCE,
                         citation=citation_text(title_text, int(year or 0), demo=demo)))


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


def table_html(doc: TableDoc, cols: list[str]) -> Markup:
    """One table's codebook: where it is, what a row is, its keys and a row per column."""
    keys = list(doc.primary_key) if set(doc.primary_key) <= set(cols) else []
    links = [(", ".join(f), TABLES[t].title) for f, t, _ in doc.foreign_keys if set(f) <= set(cols)]
    fields = []
    for c in cols:
        d = doc.fields.get(c) or FieldDoc("any", c, "Not described yet.")
        fields.append((c, d, _values(d)))
    return Markup(_T.table(doc=doc, files=FILES.get(doc.name, ""), keys=keys, links=links, fields=fields))


def table_section(name: str) -> None:
    """One published table (the notebook gives it its heading)."""
    emit(table_html(TABLES[name], columns(name)))


def figure_data() -> None:
    """The data behind each chart, published beside it, and what its columns mean (``publish.chart_fields``)."""
    note("The data behind each chart is published beside it as a CSV file (results/<ISO3>/charts/ for a "
         "country, results/global/charts/ and results/front/charts/), linked under the chart and listed in the "
         "data package; withheld values are empty there too. A chart's file has the columns below that it needs; "
         "unlike the results tables, shares are in percent, as the chart draws them.")
    emit(_T.chart_fields(rows=CHART_ROWS, fields=[(c, d, _values(d)) for c, d in CHART_FIELDS.items()]))


def provenance_section(g: GlobalResults) -> None:
    """The collapsed build details (versions, checksums, manifest link)."""
    prov = dict(g.provenance or {})
    prov.pop("countries", None)
    provenance_appendix(prov, heading="Build details of this edition")


__all__ = ["banner", "columns", "figure_data", "introduction", "provenance_section", "table_html", "table_section",
           "title"]
