"""The publication rules a page states next to its numbers: minimum n and effective n (why a value is
withheld), maximum CV and minimum degrees of freedom (why a value is flagged), and the confidence level.

They are the global config's one `solutions.config.Thresholds`, read from the results object a page is given
(``CountryResults.design.thresholds``: those the country was computed with; ``GlobalResults.thresholds``: the
global config's), so a page never states a rule other than the one its numbers were computed under, and no
default is written here.
"""

from __future__ import annotations

from solutions.config import Thresholds
from solutions.indicators import CountryResults, GlobalResults

__all__ = ["Thresholds", "thresholds_of"]


def thresholds_of(results: CountryResults | GlobalResults) -> Thresholds:
    """The thresholds ``results`` were computed with."""
    if isinstance(results, GlobalResults):
        return results.thresholds
    return results.design.thresholds
