"""The results tables' columns, declared once: how each is stored and what it means.

Why one declaration: the results writer's schemas (``results.SCHEMAS``: column order and dtype) and the
documentation of the downloads (``publish.fields``: the data package's table schemas and the codebook page)
described the same columns twice, so a new column had to be added in two places that could disagree. Here a
column is one :class:`FieldDoc`, in file order; ``results`` derives its dtypes from the Table Schema type
(:func:`dtypes`) and ``publish`` renders the same entries. The reference tables (countries, catalogue,
criteria) and the keys of every published table are the publisher's: ``publish.fields``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SHARE_UNIT = (
    "For shares (kinds proportion, distribution, by_reason and system) a proportion from 0 to 1: the pages show "
    "it multiplied by 100, as a percentage. For a ratio, the ratio of the two totals (the unemployment rate is "
    "a proportion from 0 to 1 as well). For a mean, the indicator's own unit."
)

#: How a column of each Table Schema type is stored in the results tables (Parquet and pandas).
_DTYPES = {"string": "str", "integer": "int64", "number": "float64", "boolean": "bool"}


@dataclass(frozen=True)
class FieldDoc:
    """One column: its Table Schema type, a readable title, what it means and the values it may take.

    ``nullable``: an integer that may be empty (a count withheld with its estimate), so it is stored as a
    float (NaN when empty) while the downloads still describe it as an integer."""

    type: str
    title: str
    description: str
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    nullable: bool = False

    @property
    def dtype(self) -> str:
        """How the results tables store the column: ``str``, ``int64``, ``float64`` or ``bool``."""
        if self.type == "integer" and self.nullable:
            return "float64"
        return _DTYPES[self.type]


def _f(type_: str, title: str, description: str, **kw: Any) -> FieldDoc:
    return FieldDoc(type_, title, description, **kw)


COMMON: dict[str, FieldDoc] = {
    "country": _f("string", "Country", "ISO 3166-1 alpha-3 code of the country (codes QAA to QZZ are fictional "
                  "demonstration countries); names in countries.csv."),
    "year": _f("integer", "Report year", "The edition (report year) the row belongs to."),
    "indicator_id": _f("string", "Indicator", "Indicator code, described in indicator_catalogue.csv; SOL-1 is "
                       "the solutions measure."),
    "criterion": _f("integer", "IASC criterion", "IASC criterion number, named in iasc_criteria.csv; 0 for the "
                    "solutions measure, which spans criteria 1 to 5.", minimum=0, maximum=8),
    "group": _f("string", "Population group", "idp: internally displaced persons; returnee: IDPs who returned; "
                "relocated: IDPs settled elsewhere; comparison: people never displaced living in the same areas; "
                "all: every location (system-level indicators).",
                enum=("idp", "returnee", "relocated", "comparison", "all")),
    "disaggregation": _f("string", "Broken down by", "total for the whole group, or the characteristic the row "
                         "is broken down by: sex, age_band (age group), urban_rural, admin1 (region).",
                         enum=("total", "sex", "age_band", "urban_rural", "admin1")),
    "disaggregation_value": _f("string", "Breakdown value", "The sex, age group, area type or region of the "
                               "row; empty for the whole group."),
    "category": _f("string", "Category", "Empty for a single-number indicator; for a distribution, a breakdown "
                   "by reason or a system-level indicator, the category the share refers to."),
    "catalogue_version": _f("string", "Catalogue version", "Version of the indicator definitions; estimates of "
                            "different versions are never compared."),
}

ESTIMATES: dict[str, FieldDoc] = {
    "country": COMMON["country"],
    "year": COMMON["year"],
    "indicator_id": COMMON["indicator_id"],
    "criterion": COMMON["criterion"],
    "kind": _f("string", "Kind of indicator", "proportion: a share; ratio: one total over another; mean: an "
               "average; distribution and by_reason: shares of categories adding up to 1; system: share of "
               "assessed locations.", enum=("proportion", "ratio", "mean", "distribution", "by_reason", "system")),
    "group": COMMON["group"],
    "disaggregation": COMMON["disaggregation"],
    "disaggregation_value": COMMON["disaggregation_value"],
    "category": COMMON["category"],
    "estimate": _f("number", "Estimate", "The weighted estimate. " + SHARE_UNIT + " Empty when withheld.",
                   unit="proportion 0-1 for shares; the indicator's unit otherwise"),
    "se": _f("number", "Standard error", "Standard error of the estimate, from the survey design (Taylor "
             "linearisation); same unit as the estimate. Empty when withheld.", minimum=0),
    "ci_low": _f("number", "Confidence interval, lower bound", "Lower bound of the confidence interval at the "
                 "edition's confidence level (95% unless stated): logit interval for proportions (Korn-Graubard for "
                 "a share of 0 or 1), Student's t on the design degrees of freedom otherwise; same unit as the "
                 "estimate."),
    "ci_high": _f("number", "Confidence interval, upper bound", "Upper bound of the confidence interval; same "
                  "unit as the estimate."),
    "df": _f("number", "Design degrees of freedom", "Primary sampling units minus strata, within the group.",
             minimum=0),
    "deff": _f("number", "Design effect", "How much the design (clusters, weights) widens the variance compared "
               "with a simple random sample of the same size (without a finite population correction when the weights "
               "do not sum to a population). Empty where it cannot be computed (a share of 0 or 1).", minimum=0),
    "cv": _f("number", "Coefficient of variation", "Standard error divided by the estimate, as a proportion "
             "(0.3 = 30%).", minimum=0, unit="proportion"),
    "n_unweighted": _f("integer", "Respondents", "Unweighted number of records (people, households or "
                       "locations) in the indicator's universe for this group. Empty when the value is withheld "
                       "(a count and its breakdown's would give it away); 0 for a group with no respondents.",
                       minimum=0, nullable=True),
    "n_effective": _f("number", "Effective sample size", "Respondents divided by the design effect: the size of a "
                      "simple random sample with the same precision.", minimum=0),
    "n_weighted": _f("number", "Population represented", "Weighted number of people, households or locations the "
                     "respondents stand for.", minimum=0),
    "n_missing": _f("integer", "Missing answers", "Records of the group left out because the answer was missing, "
                    "don't know or refused. Empty when the value is withheld.", minimum=0, nullable=True),
    "suppressed": _f("boolean", "Withheld", "True when the value is withheld; its value columns are then empty."),
    "suppression_reason": _f("string", "Why withheld", "min_n: too few respondents; no_variance: no variance "
                             "estimate (the group's respondents sit in one cluster); min_effective_n: too small "
                             "an effective sample; complementary: withheld so that another withheld value cannot "
                             "be worked out; not_available: the survey lacks the information. Empty when "
                             "published.", enum=("min_n", "no_variance", "min_effective_n", "complementary",
                                                 "not_available")),
    "flag": _f("string", "Precision flag", "Empty, or one or more of high_cv (coefficient of variation above the "
               "limit) and low_df (fewer design degrees of freedom than the minimum), joined by ';'. A flagged "
               "estimate is published with the mark † on the pages: read it with care.",
               enum=("high_cv", "low_df", "high_cv;low_df")),
    "catalogue_version": COMMON["catalogue_version"],
    "note": _f("string", "Country's note", "The country's note on the indicator (e.g. that a question is a proxy); "
               "empty if none."),
}

GAPS: dict[str, FieldDoc] = {
    "country": COMMON["country"],
    "year": COMMON["year"],
    "indicator_id": COMMON["indicator_id"],
    "criterion": COMMON["criterion"],
    "group": COMMON["group"],
    "disaggregation": COMMON["disaggregation"],
    "disaggregation_value": COMMON["disaggregation_value"],
    "category": COMMON["category"],
    "gap": _f("number", "Gap", "Displaced group minus comparison group, in the estimate's unit (for shares a "
              "difference of proportions: 0.12 = 12 percentage points). Empty when either side is withheld.",
              unit="difference of proportions for shares; the indicator's unit otherwise"),
    "se": _f("number", "Standard error of the gap", "From one linearised contrast (both groups share the "
             "sample's clusters).", minimum=0),
    "ci_low": _f("number", "Gap, lower bound", "Lower bound of the confidence interval of the gap."),
    "ci_high": _f("number", "Gap, upper bound", "Upper bound of the confidence interval of the gap."),
    "df": _f("number", "Design degrees of freedom", "Degrees of freedom used for the gap's interval and status: "
             "the smaller of the two groups' design degrees of freedom.", minimum=0),
    "p_value": _f("number", "p-value", "Two-sided test of a zero gap. The status does not rest on it.",
                  minimum=0, maximum=1),
    "direction": _f("string", "Better when", "higher: a higher value is better; lower: a lower value is better; "
                    "none: no better or worse (distributions).", enum=("higher", "lower", "none")),
    "margin": _f("number", "Equivalence margin", "The largest disadvantage still counted as no material gap, in "
                 "the estimate's unit (0.05 = 5 percentage points for shares).", minimum=0),
    "status": _f("string", "Gap status", "closed: no disadvantage larger than the margin, shown by the data; "
                 "open: the data show a disadvantage; inconclusive: the survey cannot tell; insufficient_data: "
                 "either side withheld; not_assessed: no better or worse direction.",
                 enum=("closed", "open", "inconclusive", "insufficient_data", "not_assessed")),
    "flag": _f("string", "Precision flag", "The flags of both estimates the gap comes from and its own low_df "
               "(its degrees of freedom below the minimum): empty, high_cv, low_df or high_cv;low_df. A flagged "
               "gap is marked † on the pages: read it with care. Empty when either side is withheld.",
               enum=("high_cv", "low_df", "high_cv;low_df")),
    "catalogue_version": COMMON["catalogue_version"],
}

CRITERIA: dict[str, FieldDoc] = {
    "country": COMMON["country"],
    "year": COMMON["year"],
    "criterion": COMMON["criterion"],
    "group": COMMON["group"],
    "status": _f("string", "Criterion status", "Over the k indicators with data: open if any indicator's "
                 "disadvantage is above 0 at the Bonferroni level (its confidence interval at 1 - alpha/k) and "
                 "its gap is not closed; closed if every indicator with data is closed; not_collected if the "
                 "survey asked none of its questions; insufficient_data if they were asked but every one is "
                 "withheld; inconclusive otherwise; not_assessed when the survey has no comparison group.",
                 enum=("closed", "open", "inconclusive", "insufficient_data", "not_collected", "not_assessed")),
    "n_indicators": _f("integer", "Indicators assessed", "Indicators of the criterion with a direction (the sum "
                       "of the five counts that follow).", minimum=0),
    "n_closed": _f("integer", "Indicators closed",
                   "Indicators whose gap is closed: no disadvantage larger than the margin, shown by the data.",
                   minimum=0),
    "n_open": _f("integer", "Indicators open", "Indicators whose gap is open.", minimum=0),
    "n_inconclusive": _f("integer", "Indicators inconclusive", "Indicators whose gap the survey cannot settle.",
                         minimum=0),
    "n_insufficient": _f("integer", "Indicators without enough data", "Indicators asked in the survey with "
                         "either side withheld.", minimum=0),
    "n_not_collected": _f("integer", "Indicators not collected", "Indicators whose questions the survey did not "
                          "ask (their variables are not in the data).", minimum=0),
}

FIGURES: dict[str, FieldDoc] = {
    "country": COMMON["country"],
    "year": _f("integer", "Year", "The calendar year the figure refers to."),
    "metric": _f("string", "Figure", "idp_stock: internally displaced people at the end of the year; "
                 "new_displacements: displacements during the year; returns: returns during the year.",
                 enum=("idp_stock", "new_displacements", "returns")),
    "value": _f("number", "Value", "Number of people.", minimum=0, unit="people"),
    "source": _f("string", "Source", "Who published the figure."),
}

INDICATORS: dict[str, FieldDoc] = {
    "country": COMMON["country"],
    "year": COMMON["year"],
    "indicator_id": COMMON["indicator_id"],
    "criterion": COMMON["criterion"],
    "title": _f("string", "Title", "What the indicator measures."),
    "table": _f("string", "Survey table", "households, individuals or locations: what one record of the "
                "indicator is drawn from.", enum=("households", "individuals", "locations")),
    "computed": _f("boolean", "Computed", "True when the country's survey allowed the indicator to be computed."),
    "reason": _f("string", "Why not computed", "Empty when computed; otherwise what the survey lacks (a table, "
                 "variables it did not map) or that the country did not collect it."),
    "note": ESTIMATES["note"],
    "catalogue_version": COMMON["catalogue_version"],
}

BENCHMARKS: dict[str, FieldDoc] = {
    "country": COMMON["country"],
    "year": COMMON["year"],
    "indicator_id": COMMON["indicator_id"],
    "criterion": COMMON["criterion"],
    "group": COMMON["group"],
    "estimate": _f("number", "Survey estimate", "The survey's national estimate. " + SHARE_UNIT),
    "se": _f("number", "Standard error", "Standard error of the survey estimate.", minimum=0),
    "reference_name": _f("string", "Reference", "The external source the estimate is set beside."),
    "reference_year": _f("integer", "Reference year", "The year the reference refers to."),
    "reference": _f("number", "Reference value", "The reference's value, in the estimate's unit."),
    "reference_se": _f("number", "Reference standard error", "The reference's standard error, when published.",
                       minimum=0),
    "difference": _f("number", "Difference", "Survey estimate minus the reference, in the estimate's unit."),
    "difference_se": _f("number", "Standard error of the difference", "The two sources taken as independent.",
                        minimum=0),
    "ci_low": _f("number", "Difference, lower bound", "Lower bound of the confidence interval of the difference."),
    "ci_high": _f("number", "Difference, upper bound", "Upper bound of the confidence interval of the difference."),
    "comparison": _f("string", "Comparison", "above, below or no clear difference (the interval holds zero); "
                     "withheld when the estimate is.", enum=("above", "below", "no clear difference", "withheld")),
    "catalogue_version": COMMON["catalogue_version"],
}


#: Every results table's columns, in file order.
RESULTS: dict[str, dict[str, FieldDoc]] = {"estimates": ESTIMATES, "gaps": GAPS, "criteria": CRITERIA,
                                           "figures": FIGURES, "indicators": INDICATORS, "benchmarks": BENCHMARKS}


def dtypes(fields: dict[str, FieldDoc]) -> dict[str, str]:
    """A results table's schema as the writer conforms it: each column's dtype, in file order."""
    return {name: doc.dtype for name, doc in fields.items()}
