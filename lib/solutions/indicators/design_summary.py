"""What a country's results were computed from and under: the survey's design in counts and the publication
settings of the global config, as one typed contract from the computation to the pages.

Why a type and not a dict: the pages state these facts beside the numbers (the sample, the thresholds, the
confidence level, the equivalence margin), so they must be the ones the estimates were computed under, and a
page reading a key that is not there should fail the type checker, not print a default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solutions.config import EquivalenceMargin, SurveyInfo, Thresholds


@dataclass(frozen=True)
class DesignSummary:
    """The survey behind a country's results and the publication settings they were computed with."""

    strata: int  # strata of the design (1 without strata)
    psus: int  # sampled PSUs (numbered within strata; each household without PSUs)
    households: int
    individuals: int  # 0 without an individuals table
    weighting: str  # how the weights were obtained, in words
    survey: SurveyInfo  # title and collection period (the country config's)
    thresholds: Thresholds  # the global config's, the ones suppression and flags used
    equivalence_margin: EquivalenceMargin  # the global config's default margins of the gap status

    @property
    def collection_year(self) -> str:
        """The survey's data-collection year(s), e.g. "2018" or "2018-2019" (never the report year)."""
        start, end = self.survey.collection_start, self.survey.collection_end
        return str(start.year) if start.year == end.year else f"{start.year}-{end.year}"

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DesignSummary:
        """The design as :meth:`as_json` wrote it into ``meta.json`` (the presentation step reads it back)."""
        return cls(
            strata=int(d["strata"]), psus=int(d["psus"]), households=int(d["households"]),
            individuals=int(d["individuals"]), weighting=str(d["weighting"]),
            survey=SurveyInfo(title=d["survey_title"], collection_start=d["collection_start"],
                              collection_end=d["collection_end"]),
            thresholds=Thresholds(**{k: d[k] for k in Thresholds.model_fields}),
            equivalence_margin=EquivalenceMargin(**d["equivalence_margin"]))

    def as_json(self) -> dict[str, Any]:
        """The design as ``meta.json`` records it (and earlier editions' files hold it), in display order:
        flat keys, dates as ISO text."""
        t = self.thresholds
        return {
            "weight": "weight", "strata": self.strata, "psus": self.psus, "households": self.households,
            "individuals": self.individuals, "weighting": self.weighting,
            "lonely_psu": t.lonely_psu, "confidence_level": t.confidence_level,
            "min_n": t.min_n, "min_effective_n": t.min_effective_n,
            "max_cv": t.max_cv, "min_df": t.min_df, "min_count": t.min_count,
            "equivalence_margin": self.equivalence_margin.model_dump(),
            "collection_start": self.survey.collection_start.isoformat(),
            "collection_end": self.survey.collection_end.isoformat(), "survey_title": self.survey.title,
            "collection_year": self.collection_year,
        }
