"""What the columns of the charts' CSV files mean (``results/<ISO3, global or front>/charts/*.csv``).

Each chart's data is written by ``report.chartdata`` from the rows the chart draws; this is the one description
of its columns, used by the data package's schema of every chart CSV and by the codebook page, so that a
chart's file is documented like the results tables, in the same shape (a ``TableDoc`` of ``FieldDoc``: units,
what a row is) instead of "data behind a figure". A column meaning what a results table's column means is
that column's entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from solutions.results_fields import FIGURES, FieldDoc

from .fields import TableDoc

_IN_UNIT = ("in the unit of the row's unit column: percent (0 to 100) for shares, as the chart draws them, "
            "otherwise the indicator's own unit")

CHART_FIELDS: dict[str, FieldDoc] = {
    "country": FieldDoc("string", "Country code", "ISO 3166-1 alpha-3 code of the country (QAA to QZZ: "
                        "fictional demonstration countries); see countries.csv."),
    "country_name": FieldDoc("string", "Country", "The country's name, as the chart labels it."),
    "indicator_id": FieldDoc("string", "Indicator", "Indicator code, described in indicator_catalogue.csv "
                             "(SOL-1 is the solutions measure)."),
    "criterion": FieldDoc("integer", "IASC criterion", "Number of the IASC criterion (1 to 8), named in "
                          "iasc_criteria.csv.", minimum=1, maximum=8),
    "group": FieldDoc("string", "Population group", "Role of the population group: idp, returnee, relocated, "
                      "comparison (all for a system-level value)."),
    "group_label": FieldDoc("string", "Group", "The population group as the chart names it."),
    "category": FieldDoc("string", "Category", "The category of a distribution or breakdown; empty for a "
                         "single estimate."),
    "unit": FieldDoc("string", "Unit", "The unit of the row's numbers: percent, percentage points, or value "
                     "(the indicator's own unit, see indicator_catalogue.csv)."),
    "estimate": FieldDoc("number", "Estimate", f"The estimate, {_IN_UNIT}; empty when withheld (see note)."),
    "ci_low": FieldDoc("number", "CI lower bound", "Lower bound of the confidence interval of the estimate or "
                       f"gap, {_IN_UNIT}; empty when withheld."),
    "ci_high": FieldDoc("number", "CI upper bound", "Upper bound of the confidence interval of the estimate or "
                        f"gap, {_IN_UNIT}; empty when withheld."),
    "flag": FieldDoc("string", "Precision flag", "high_cv (coefficient of variation above the maximum), low_df "
                     "(few degrees of freedom), both joined by ';', or empty; the chart draws a flagged "
                     "estimate as a hollow marker (†). A gap carries the flags of both estimates it comes "
                     "from and its own low_df (the smaller of the two groups' degrees of freedom)."),
    "note": FieldDoc("string", "Note", "Why a value is withheld, or what its flag means, in the report's words."),
    "gap": FieldDoc("number", "Gap", "Displaced group minus comparison group, in percentage points for shares "
                    "(unit column); empty when a side is withheld.", unit="percentage points for shares"),
    "margin": FieldDoc("number", "Equivalence margin", "The margin δ of the gap status, in the gap's unit: the "
                       "chart's band around zero."),
    "direction": FieldDoc("string", "Better when", "higher or lower: which way the indicator is better; none "
                          "for a distribution."),
    "status": FieldDoc("string", "Status", "Gap or criterion status code: closed, open, inconclusive, "
                       "insufficient_data, not_collected, not_assessed."),
    "status_label": FieldDoc("string", "Status (words)", "The status in the report's words (Gap closed, Gap "
                             "open, Inconclusive, Insufficient data, Not collected, Not assessed)."),
    "n_indicators": FieldDoc("integer", "Indicators", "Headline indicators of the criterion for the group."),
    "n_closed": FieldDoc("integer", "Closed", "Of them, with the gap closed."),
    "n_open": FieldDoc("integer", "Open", "Of them, with the gap open."),
    "n_inconclusive": FieldDoc("integer", "Inconclusive", "Of them, inconclusive."),
    "n_insufficient": FieldDoc("integer", "Insufficient data", "Of them, with a side withheld."),
    "year": FIGURES["year"],
    "metric": FieldDoc("string", "Figure", "idp_stock (IDPs at the end of the year), new_displacements or "
                       "returns."),
    "value": FieldDoc("number", "Number of people", "The published figure.", unit="people"),
    "source": FIGURES["source"],
}

#: What one row of a chart's CSV is, from the columns that make it that kind of chart (first match).
_ROWS: tuple[tuple[str, str], ...] = (
    ("n_indicators", "one IASC criterion of one country for one displaced group, as a cell of the heatmap"),
    ("gap", "the gap of one displaced group on one indicator (and category), as the gap chart draws it"),
    ("metric", "one published displacement figure of one year"),
    ("estimate", "one estimate of one population group (in one country, category or edition), as the chart "
                 "draws it"),
)


#: The kinds of row a chart's CSV holds, for the codebook.
CHART_ROWS: tuple[str, ...] = tuple(row for _column, row in _ROWS)

#: A chart's CSV as a published table: its columns are those the chart needs, so it has no keys.
CHARTS = TableDoc("charts", "Data behind the figures", "value the chart draws", CHART_FIELDS, (),
                  undocumented="A value the chart draws.")


def chart_field(name: str) -> FieldDoc:
    """The documentation of one chart-CSV column (a plain one for a column not listed)."""
    return CHARTS.describe(name)


def chart_rows(columns: Sequence[str]) -> str:
    """What one row of a chart CSV with these columns is."""
    present = set(columns)
    return next((row for column, row in _ROWS if column in present), "one value the chart draws")


def chart_description(title: str, columns: Sequence[str]) -> str:
    """The data package's description of one chart's CSV."""
    return f"The data behind the chart \u201c{title}\u201d of the report. One row per {chart_rows(columns)}."
