"""The publication rules a page states next to its numbers: minimum n and effective n (why a value is
withheld), maximum CV and minimum degrees of freedom (why a value is flagged), and the confidence level.

Pages read them from the results object they are given (``CountryResults.design`` carries the thresholds
the country was computed with, ``GlobalResults.thresholds`` the global config's), so a page never states a
rule other than the one its numbers were computed under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from solutions.indicators import CountryResults, GlobalResults


@dataclass(frozen=True)
class Thresholds:
    """Publication thresholds (defaults: methodology §5, the global config's defaults)."""

    min_n: int = 30
    min_effective_n: float = 30
    max_cv: float = 0.30
    min_df: float = 8
    confidence_level: float = 0.95

    @property
    def level(self) -> str:
        """The confidence level as a reader sees it: ``95%``."""
        return f"{self.confidence_level * 100:.0f}%"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Thresholds:
        """The thresholds among ``values`` (other keys ignored; absent or null ones keep their default)."""
        picked: dict[str, Any] = {}
        for f in fields(cls):
            value = values.get(f.name)
            if value is not None:
                picked[f.name] = int(value) if f.name == "min_n" else float(value)
        return cls(**picked)


def thresholds_of(results: CountryResults | GlobalResults) -> Thresholds:
    """The thresholds ``results`` were computed with."""
    if isinstance(results, GlobalResults):
        return Thresholds.from_mapping(results.thresholds)
    return Thresholds.from_mapping(results.design)
