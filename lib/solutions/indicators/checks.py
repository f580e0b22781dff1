"""The build's first step, and all of `solutions validate`: everything a country's build depends on, checked.

Why one function: `validate` must predict every build failure, so it runs the same code the build runs
first (`prepare_country` calls `check_country` before computing anything). It raises `InputError` with every
problem, one line each, and returns the loaded data with the warnings a reader must see:

* the config against the report: a report marked `demo: true` holding a country with real data is a
  warning (the report-wide banner is then dropped, `config_loader.load_all`; the fictional chapters keep theirs);
* the inputs (`solutions.inputs.load_country_data`): files, mapping, derived variables, categories, weights
  (column, sampling frame, rescaling, trimming), design columns, groups, dates;
* the indicators: which can be computed and why not (`availability`); a country's own indicator that cannot
  be computed is a problem, a catalogue indicator or the solutions measure only a warning;
* the measure's conditions: a string compared with a category variable must be one of its levels;
* the design: the survey design of each table is built as the engine will build it;
* every expression is evaluated on its table, as the build will (text used as a condition fails here);
* warnings: a record carrying too large a share of its group's weight, category values that never occur.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from solutions.catalogue import SOLUTIONS_ID, load_catalogue
from solutions.config import CountryConfig, GlobalConfig
from solutions.config_checks import literal_problems
from solutions.errors import InputError
from solutions.expressions import ExpressionError, parse
from solutions.indicators.availability import Availability, availability, not_computed_line
from solutions.indicators.measure import MeasureCheck, check_measure, solutions_indicator
from solutions.narrative_placeholders import country_narrative_check

if TYPE_CHECKING:
    from solutions.inputs import CountryData

SURVEY_TABLES = ("households", "individuals")


@dataclass(frozen=True)
class Checked:
    """A country that passed every check: its data, what will be computed, and the warnings."""

    data: CountryData
    availability: list[Availability]
    measure: MeasureCheck
    warnings: list[str] = field(default_factory=list)


def check_country(gcfg: GlobalConfig, cfg: CountryConfig, config_path: str | Path) -> Checked:
    """Every check a build of this country depends on; raises InputError listing every problem."""
    from solutions.inputs import load_country_data  # heavy readers imported only when needed

    problems = _measure_problems(gcfg)
    narrative = country_narrative_check(cfg, config_path)  # placeholders (problems), typed findings (warnings)
    problems += narrative.problems
    try:
        data = load_country_data(cfg, Path(config_path), lonely_psu=gcfg.thresholds.lonely_psu,
                                 limits=gcfg.limits)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    present = {t: set(df.columns) for t in (*SURVEY_TABLES, "locations")
               if (df := getattr(data, t)) is not None}
    measure = check_measure(gcfg, data.households.columns)
    problems += measure.problems  # only with `missing_conditions: error`
    rows = availability(cfg, load_catalogue(), measure=solutions_indicator(gcfg, measure), columns=present,
                        check=measure)
    own = {i.id for i in cfg.extra_indicators}
    problems += [f"extra_indicators: {r.indicator_id} cannot be computed: {r.reason}" for r in rows
                 if r.indicator_id in own and not r.computed]
    design_problems, design_warnings = _design_problems(cfg, gcfg, data)
    problems += design_problems
    problems += _evaluation_problems(cfg, gcfg, data, rows)
    if problems:
        raise InputError(problems)
    warnings = _report_warnings(gcfg, cfg) + list(data.warnings)
    line = not_computed_line([r for r in rows if r.indicator_id != SOLUTIONS_ID and r.indicator_id not in own
                              and r.indicator_id not in cfg.drop_indicators])
    warnings += [line] if line else []
    warnings += measure.notes  # the solutions measure not available, or partial, and why
    warnings += design_warnings
    warnings += _category_warnings(cfg, gcfg, data, rows)
    warnings += narrative.warnings
    return Checked(data, rows, measure, warnings)


def _report_warnings(gcfg: GlobalConfig, cfg: CountryConfig) -> list[str]:
    """A real country in a report the global config marks `demo: true` (e.g. one started from the demo)."""
    if gcfg.demo_requested and not cfg.demo:
        return [f"params/global.yml: demo: true would mark every page as demonstration data, but {cfg.iso3} "
                f"({cfg.name}) is real data: the report-wide banner is left out (the fictional countries' chapters "
                "keep theirs); remove demo from the global config, it is set per country"]
    return []


def _measure_problems(gcfg: GlobalConfig) -> list[str]:
    cat = load_catalogue()
    problems = []
    for n, c in enumerate(_conditions(gcfg)):
        problems += literal_problems(parse(c.condition).tree, lambda v: cat.levels("households", v),
                                     f"params/global.yml: solutions_measure.conditions.{n}.condition")
    return problems


def _conditions(gcfg: GlobalConfig) -> list:
    return gcfg.solutions_measure.conditions if gcfg.solutions_measure is not None else []


def _design_problems(cfg: CountryConfig, gcfg: GlobalConfig, data: CountryData) -> tuple[list[str], list[str]]:
    """Build each table's survey design as the engine will; a failure here would be a failed build.

    Returns (problems, warnings): a design with fewer degrees of freedom than ``min_df`` builds, but every
    estimate of the table is then flagged (with none, no CI exists): most often a careless psu or stratum
    mapping, which the reader of the warning can still fix before the build."""
    from solutions.indicators.compute import design_of

    problems: list[str] = []
    warnings: list[str] = []
    said: set[tuple[int, int, int]] = set()
    for table in SURVEY_TABLES:
        df = getattr(data, table)
        if df is None:
            continue
        try:
            design = design_of(df, cfg, gcfg.thresholds.lonely_psu)
        except ValueError as exc:
            problems.append(f"{table}: the survey design cannot be built: {exc}")
            continue
        shape = (design.degf, design.n_psus, design.n_strata)
        if design.degf < gcfg.thresholds.min_df and shape not in said:  # individuals inherit the households' PSUs
            said.add(shape)
            warnings.append(
                f"{table}: the survey design has {design.degf} degrees of freedom ({design.n_psus} PSUs in "
                f"{design.n_strata} strata), fewer than thresholds.min_df ({gcfg.thresholds.min_df:g}): every "
                f"estimate will be flagged{' and none will have a confidence interval' if design.degf == 0 else ''}; "
                "check the psu and stratum columns (columns.households.psu, columns.households.stratum)")
    return problems, warnings


@dataclass(frozen=True)
class _Site:
    """One expression the build evaluates, with the table it evaluates it on."""

    df: pd.DataFrame
    table: str
    text: str
    indicator: str | None  # None for a solutions-measure condition
    key: str  # the indicator's expression key (numerator, ...), or the condition's index


def _expression_sites(cfg: CountryConfig, gcfg: GlobalConfig, data: CountryData,
                      rows: list[Availability]) -> list[_Site]:
    """Every expression of the indicators that will be computed and of the measure's conditions."""
    computed = {r.indicator_id for r in rows if r.computed}
    inds = [i for i in [*load_catalogue().indicators, *cfg.extra_indicators] if i.id in computed]
    found: list[tuple[str, str, str | None, str]] = [(i.table, e, i.id, k) for i in inds
                                                     for k, e in i.expressions().items()]
    found += [("households", c.condition, None, str(n)) for n, c in enumerate(_conditions(gcfg))]
    return [_Site(df, table, text, ind, key) for table, text, ind, key in found
            if isinstance(df := getattr(data, table, None), pd.DataFrame)]


def _evaluation_problems(cfg: CountryConfig, gcfg: GlobalConfig, data: CountryData,
                         rows: list[Availability]) -> list[str]:
    """Evaluate every expression the build will evaluate, on the data it will be evaluated on.

    Checking names and syntax is not enough: ``numerator: justice_type`` names a known variable but gives
    text, not true/false, and only evaluation finds that. Vectorised, so cheap next to the computation."""
    own = {i.id for i in cfg.extra_indicators}
    problems = []
    for site in _expression_sites(cfg, gcfg, data, rows):
        if site.indicator is None:
            where = f"params/global.yml: solutions_measure.conditions.{site.key}.condition"
        else:
            where = f"{'extra_indicators: ' if site.indicator in own else 'indicator '}{site.indicator}: {site.key}"
        try:
            expr = parse(site.text)
            if expr.names <= set(site.df.columns):  # a measure condition on absent variables: check_measure's job
                expr.truth(site.df)
        except ExpressionError as exc:
            problems.append(f"{where}: {exc}")
    return problems


def _category_warnings(cfg: CountryConfig, gcfg: GlobalConfig, data: CountryData,
                       rows: list[Availability]) -> list[str]:
    """A string compared with a category whose levels are not declared (admin1, ...) that no record has."""
    warnings: list[str] = []
    for site in _expression_sites(cfg, gcfg, data, rows):
        where = (f"solutions_measure.conditions.{site.key}" if site.indicator is None
                 else f"indicator {site.indicator}: {site.key}")

        def seen(var: str, df: pd.DataFrame = site.df, table: str = site.table) -> tuple[str, ...] | None:
            if cfg.levels(table, var) or var not in df or df[var].dtype.kind in "biuf":
                return None
            return tuple(sorted(str(v) for v in df[var].dropna().unique()))

        warnings += [f"{w.replace(' is not a level of ', ' never occurs in ')}" for w in
                     literal_problems(parse(site.text).tree, seen, where)]
    return warnings
