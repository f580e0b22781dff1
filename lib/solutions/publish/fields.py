"""What every published table is: its row, its keys, and what each of its columns means.

One source for the data package's table schemas and for the codebook page, so the two never disagree. The
results tables' columns are declared once, in ``solutions.results_fields`` (the writer derives its dtypes
from the same entries); the reference tables' columns (countries, indicator catalogue, IASC criteria) are
declared here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from solutions.results_fields import COMMON, ESTIMATES, GAPS, RESULTS, FieldDoc

COUNTRIES: dict[str, FieldDoc] = {
    "iso3": FieldDoc("string", "Country code", "ISO 3166-1 alpha-3 code."),
    "name": FieldDoc("string", "Country", "Name of the country."),
    "status": FieldDoc("string", "In this edition", "built: results published; failed: the country's build failed "
                       "and it has no results in this edition; missing: not built.",
                       enum=("built", "failed", "missing")),
}

CATALOGUE: dict[str, FieldDoc] = {
    "id": FieldDoc("string", "Indicator", "Indicator code."),
    "criterion": COMMON["criterion"],
    "title": FieldDoc("string", "Title", "What the indicator measures."),
    "short_title": FieldDoc("string", "Short title", "A short name for charts."),
    "definition": FieldDoc("string", "Definition", "The definition in full."),
    "universe_text": FieldDoc("string", "Who is counted", "The people, households or locations the indicator "
                              "counts."),
    "kind": ESTIMATES["kind"],
    "unit": FieldDoc("string", "Unit counted", "What one record is: household, individual, child, adult, labour "
                     "force or location."),
    "direction": GAPS["direction"],
    "prds_objective": FieldDoc("integer", "PRDS objective", "1: coping capacities; 2: self-reliance; 3: conducive "
                               "environments (IOM's Progressive Resolution of Displacement Situations framework).",
                               minimum=1, maximum=3),
    "level": FieldDoc("string", "Level", "system, community, household or individual.",
                      enum=("system", "community", "household", "individual")),
    "disaggregations": FieldDoc("string", "Breakdowns", "The characteristics results are broken down by, joined by "
                                "';'."),
    "scope": FieldDoc("string", "Defined by", "catalogue: the report's indicator catalogue; solutions measure: the "
                      "global configuration; otherwise the country (ISO3) that added the indicator."),
}

IASC_CRITERIA: dict[str, FieldDoc] = {
    "criterion": COMMON["criterion"],
    "name": FieldDoc("string", "Criterion", "The IASC criterion's name (0: the solutions measure)."),
}


@dataclass(frozen=True)
class TableDoc:
    """One kind of published table (a results or reference table, or a chart's CSV): what a row is, its
    columns, and its keys; ``undocumented``: what a column nobody described is said to be."""

    name: str
    title: str
    row: str
    fields: dict[str, FieldDoc]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = field(default=())
    undocumented: str = "Not described yet."

    def describe(self, column: str) -> FieldDoc:
        """The documentation of ``column`` (a generic one, titled from its name, for a column not described)."""
        return self.fields.get(column) or FieldDoc("any", column.replace("_", " ").capitalize(), self.undocumented)


_TO_REFERENCES = (
    (("country",), "countries", ("iso3",)),
    (("indicator_id",), "indicator-catalogue", ("id",)),
    (("criterion",), "iasc-criteria", ("criterion",)),
)
ROW_KEY = ("country", "year", "indicator_id", "group", "disaggregation", "disaggregation_value", "category")

TABLES: dict[str, TableDoc] = {
    "estimates": TableDoc("estimates", "Estimates", "one indicator for one group, breakdown value and category",
                          RESULTS["estimates"], ROW_KEY, _TO_REFERENCES),
    "gaps": TableDoc("gaps", "Gaps", "a displaced group compared with the comparison group on one indicator, "
                     "breakdown value and category", RESULTS["gaps"], ROW_KEY, _TO_REFERENCES),
    "criteria": TableDoc("criteria", "Criteria", "one IASC criterion for one displaced group",
                         RESULTS["criteria"], ("country", "year", "criterion", "group"),
                         (_TO_REFERENCES[0], _TO_REFERENCES[2])),
    "figures": TableDoc("figures", "Country-year figures", "one published displacement figure of one year",
                        RESULTS["figures"], ("country", "year", "metric"), (_TO_REFERENCES[0],)),
    "indicators": TableDoc("indicators", "Indicators computed", "one indicator of one country: computed or "
                           "not, and why", RESULTS["indicators"], ("country", "year", "indicator_id"), _TO_REFERENCES),
    "benchmarks": TableDoc("benchmarks", "Benchmarks", "a survey estimate beside the country's external reference",
                           RESULTS["benchmarks"], ("country", "year", "indicator_id", "group", "reference_name"),
                           _TO_REFERENCES),
    "countries": TableDoc("countries", "Countries", "one country of the edition", COUNTRIES, ("iso3",)),
    "indicator-catalogue": TableDoc("indicator-catalogue", "Indicator catalogue", "one indicator", CATALOGUE,
                                    ("id",), ((("criterion",), "iasc-criteria", ("criterion",)),)),
    "iasc-criteria": TableDoc("iasc-criteria", "IASC criteria", "one criterion of the IASC framework",
                              IASC_CRITERIA, ("criterion",)),
}
_NO_TABLE = TableDoc("", "", "", {}, ())


def descriptor(doc: FieldDoc, name: str) -> dict[str, Any]:
    """The Table Schema field descriptor of column ``name`` documented by ``doc``."""
    out: dict[str, Any] = {"name": name, "type": doc.type, "title": doc.title, "description": doc.description}
    if doc.unit:
        out["unit"] = doc.unit  # a custom property: the unit in words
    constraints: dict[str, Any] = {}
    if doc.enum:
        constraints["enum"] = list(doc.enum)
    if doc.minimum is not None:
        constraints["minimum"] = doc.minimum
    if doc.maximum is not None:
        constraints["maximum"] = doc.maximum
    if constraints:
        out["constraints"] = constraints
    if doc.type == "boolean":
        out.update(trueValues=["True", "true"], falseValues=["False", "false"])
    return out


def field_doc(table: str, column: str) -> FieldDoc:
    """The documentation of ``column`` in ``table`` (a generic text for a column nobody described)."""
    return TABLES.get(table, _NO_TABLE).describe(column)
