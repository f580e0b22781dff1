"""Indicators: the catalogue applied to a country's data and design, and the results tables the pages read.

- `columns`: catalogue definitions -> estimation columns (numerator, denominator, universe per record)
- `estimate`: columns x domains -> estimate and gap rows (the survey engine underneath)
- `status`: gap status by equivalence margin, criterion status, trends
- `measure`: the solutions measure
- `compute`: `compute_country`, everything above for one country (pure)
- `design_summary`: `DesignSummary`, the survey's design in counts and the publication settings the results
  were computed under (what the pages state beside the numbers)
- `country`: `prepare_country`, the build's compute step (load, validate, compute, write), and
  `load_country_results`, the country notebook's call (the tables written, read back)
- `collect`: `load_all_results`, what the global and methods pages call (results tables only)
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from solutions.indicators.collect import GlobalResults, load_all_results, write_global_tables
    from solutions.indicators.compute import ORDER_DISAGG, Tables, compute_country
    from solutions.indicators.country import (
        CountryResults,
        load_country_results,
        prepare_country,
        results_dir,
    )
    from solutions.indicators.design_summary import DesignSummary
    from solutions.indicators.measure import SOLUTIONS_ID, solutions_indicator, solutions_met

#: Each name of the package and the module defining it, imported on first use: a caller of one light module
#: (`publish` reads `measure`) does not load the survey engine and scipy with it (1 s of every site render).
_HOME = {
    "GlobalResults": "collect", "load_all_results": "collect", "write_global_tables": "collect",
    "ORDER_DISAGG": "compute", "Tables": "compute", "compute_country": "compute",
    "CountryResults": "country", "load_country_results": "country", "prepare_country": "country",
    "results_dir": "country", "DesignSummary": "design_summary", "SOLUTIONS_ID": "measure",
    "solutions_indicator": "measure", "solutions_met": "measure",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_module(home), name)
    globals()[name] = value
    return value


def _module(home: str) -> ModuleType:
    """One of the package's modules, by a name of `_HOME` (each import written out: no module by a string)."""
    if home == "collect":
        from solutions.indicators import collect
        return collect
    if home == "compute":
        from solutions.indicators import compute
        return compute
    if home == "country":
        from solutions.indicators import country
        return country
    if home == "design_summary":
        from solutions.indicators import design_summary
        return design_summary
    from solutions.indicators import measure
    return measure


__all__ = [
    "ORDER_DISAGG", "SOLUTIONS_ID", "CountryResults", "DesignSummary", "GlobalResults", "Tables", "compute_country",
    "load_all_results", "load_country_results", "prepare_country", "results_dir", "solutions_indicator",
    "solutions_met",
    "write_global_tables",
]
