"""The indicator engine: a country's catalogue x its survey design -> tidy results tables.

`compute_country` is pure (data in, tables out): every indicator by group and allowed disaggregation (the
catalogue's, then the country's own, e.g. the sex of the head of household), the gaps between displaced
groups and the comparison group (none when the survey has no comparison group: estimates only, and the
country's external benchmark beside them), gap and criterion status, suppression, and one row per
indicator saying whether it was computed and why not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from solutions import survey
from solutions.catalogue import Catalogue, Indicator, load_catalogue
from solutions.config import DISPLACED_ROLES, CountryConfig, GlobalConfig
from solutions.disclosure import VALUE_COLUMNS, suppress
from solutions.indicators.availability import as_frame, availability
from solutions.indicators.benchmark import benchmarks
from solutions.indicators.columns import columns_for, evaluate
from solutions.indicators.domains import build_domains
from solutions.indicators.estimate import estimate_columns
from solutions.indicators.measure import check_measure, solutions_indicator, solutions_met
from solutions.indicators.status import assess_gaps, criteria_status
from solutions.indicators.universe_bands import band_labels, relabel_age_bands

if TYPE_CHECKING:
    from solutions.inputs import CountryData

ORDER_DISAGG = ["total", "sex", "age_band", "urban_rural", "admin1"]


@dataclass(frozen=True)
class Tables:
    estimates: pd.DataFrame
    gaps: pd.DataFrame
    criteria: pd.DataFrame
    notes: list[str] = field(default_factory=list)  # indicators not available, and why
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)  # availability.COLUMNS, one row per indicator
    benchmarks: pd.DataFrame = field(default_factory=pd.DataFrame)  # benchmark.COLUMNS
    solutions_measure: dict[str, Any] = field(default_factory=dict)  # CountryResults.solutions_measure


def country_catalogue(cfg: CountryConfig, catalogue: Catalogue | None = None) -> Catalogue:
    """The catalogue as one country uses it: indicators dropped and added, and its own variables declared
    (so their levels order the categories), individuals carrying their household's."""
    cat = (catalogue or load_catalogue()).with_country(cfg.drop_indicators, cfg.extra_indicators)
    variables = {t: dict(v) for t, v in cat.variables.items()}
    for table in ("households", "individuals"):
        for name, var in cfg.country_variables(table).items():
            variables.setdefault(table, {})[name] = var.as_catalogue_variable()
    return cat.model_copy(update={"variables": variables})


def disaggregations(cfg: CountryConfig, table: str, columns: set[str]) -> list[str]:
    """The breakdowns estimated on a table: the catalogue's, then the country's (when the table has them)."""
    own = [d.variable for d in cfg.disaggregations if d.variable in columns]
    return [*ORDER_DISAGG, *own]


def _allowed(ind: Indicator, disagg: str, cfg: CountryConfig) -> bool:
    if disagg == "total" or disagg in ind.disaggregations:
        return True
    for d in cfg.disaggregations:
        if d.variable == disagg:
            return ind.kind != "system" and (d.indicators is None or ind.id in d.indicators)
    return False


def design_of(df: pd.DataFrame, cfg: CountryConfig, lonely_psu: survey.LonelyPSU) -> survey.Design:
    """The survey design of a table, as the engine estimates it (also built by the validation path)."""
    strata = "stratum" if cfg.design.strata and "stratum" in df else None
    psu = "psu" if cfg.design.psu and "psu" in df else None
    fpc = cfg.design.fpc if cfg.design.fpc and cfg.design.fpc in df else None
    return survey.Design.from_frame(
        df, weight="weight", strata=strata, psu=psu, fpc=fpc, nest=cfg.design.nest, lonely_psu=lonely_psu
    )


def _system_rows(ind: Indicator, loc: pd.DataFrame, catalogue: Catalogue) -> list[dict[str, Any]]:
    """Location-level inventory: share of assessed locations where each mechanism type is available."""
    scope = loc[evaluate(loc, ind.universe)]
    rows = []
    for level, part in scope.groupby(ind.variable, sort=True):
        avail = evaluate(part, ind.numerator)
        rows.append(
            {"indicator_id": ind.id, "criterion": ind.criterion, "kind": "system", "group": "all",
             "disaggregation": "total", "disaggregation_value": "", "category": str(level),
             "estimate": float(avail.mean()), "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
             "df": np.nan, "deff": np.nan, "cv": np.nan, "n_unweighted": len(part),
             "n_weighted": float(len(part)), "n_missing": int(part["available"].isna().sum()),
             "suppressed": False, "suppression_reason": ""}
        )
    return rows


def _not_available(ind: Indicator, groups: list[str]) -> list[dict[str, Any]]:
    return [
        {"indicator_id": ind.id, "criterion": ind.criterion, "kind": ind.kind, "group": g,
         "disaggregation": "total", "disaggregation_value": "", "category": "", "n_unweighted": 0,
         "n_missing": 0, "suppressed": True, "suppression_reason": "not_available"}
        for g in groups
    ]


def _gaps_not_available(na_rows: list[dict[str, Any]], catalogue: Catalogue, extra: dict[str, Indicator],
                        groups: list[str]) -> pd.DataFrame:
    """Gap rows (insufficient data) for indicators not available, so criterion counts include them."""
    if "comparison" not in groups:
        return pd.DataFrame()
    rows = []
    for r in na_rows:
        ind = extra.get(r["indicator_id"]) or catalogue.get(r["indicator_id"])
        if r["group"] in ("comparison", "all") or not ind.scalar:
            continue
        rows.append({"indicator_id": ind.id, "criterion": ind.criterion, "group": r["group"],
                     "disaggregation": "total", "disaggregation_value": "", "category": "",
                     "gap": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan, "df": np.nan,
                     "p_value": np.nan, "direction": ind.direction})
    return pd.DataFrame(rows)


def _sort(df: pd.DataFrame, catalogue_ids: list[str], with_kind: bool = True) -> pd.DataFrame:
    if df.empty:
        return df
    order = {i: n for n, i in enumerate(catalogue_ids)}
    groups = {g: n for n, g in enumerate([*DISPLACED_ROLES, "comparison", "all"])}
    disagg = {d: n for n, d in enumerate(ORDER_DISAGG)}
    keyed = df.assign(
        _i=df["indicator_id"].map(order), _g=df["group"].map(groups), _d=df["disaggregation"].map(disagg),
        _b=(df["category"] != "") & (df["kind"] == "by_reason") if with_kind else False,
    )
    keyed = keyed.reset_index(drop=True).reset_index(names="_pos")
    keyed = keyed.sort_values(["_i", "_b", "_g", "_d", "_pos"], kind="stable")
    return keyed.drop(columns=["_i", "_g", "_d", "_b", "_pos"]).reset_index(drop=True)


def compute_country(
    cfg: CountryConfig, gcfg: GlobalConfig, data: CountryData, catalogue: Catalogue | None = None
) -> Tables:
    """Every indicator of the country's catalogue, by group × allowed disaggregation, with gaps."""
    base = catalogue or load_catalogue()
    catalogue = country_catalogue(cfg, base)
    th = gcfg.thresholds
    tables: dict[str, pd.DataFrame] = {"households": data.households.copy()}
    if data.individuals is not None:
        tables["individuals"] = data.individuals
    present = {t: set(df.columns) for t, df in tables.items()}
    if data.locations is not None:
        present["locations"] = set(data.locations.columns)
    measure = check_measure(gcfg, data.households.columns)
    sol = solutions_indicator(gcfg, measure)
    rows = availability(cfg, base, measure=sol, columns=present, check=measure)
    computed = {r.indicator_id for r in rows if r.computed}
    indicators = [i for i in catalogue.indicators if i.id in computed]
    if sol is not None and sol.id in computed:
        tables["households"]["solutions_met"] = solutions_met(tables["households"], gcfg, measure)
        indicators.append(sol)
    groups = [g for g in [*DISPLACED_ROLES, "comparison"] if (data.households["role"] == g).any()]

    est_parts: list[pd.DataFrame] = []
    gap_parts: list[pd.DataFrame] = []
    notes = [f"{r.indicator_id} not available: {r.reason}" for r in rows
             if not r.computed and (sol is None or r.indicator_id != sol.id)]
    notes += measure.notes  # the measure not available or partial, naming the conditions and variables
    na_rows: list[dict[str, Any]] = []
    for r in rows:
        if not r.computed and r.reason and not r.reason.startswith("not collected"):
            ind = sol if sol is not None and r.indicator_id == sol.id else catalogue.get(r.indicator_id)
            na_rows.extend(_not_available(ind, ["all"] if ind.kind == "system" else groups))
    for table, df in tables.items():
        design = design_of(df, cfg, th.lonely_psu)
        cols_by_ind = {ind.id: (ind, columns_for(ind, df, catalogue)) for ind in indicators if ind.table == table}
        for disagg in disaggregations(cfg, table, set(df.columns)):
            if disagg != "total" and disagg not in df.columns:
                continue
            cols = [c for ind, cs in cols_by_ind.values() for c in cs if _allowed(ind, disagg, cfg)]
            if not cols:
                continue
            domains = build_domains(df, disagg, catalogue.levels(table, disagg) if disagg != "total" else None)
            est, gaps = estimate_columns(design, cols, domains=domains, level=th.confidence_level)
            est_parts.append(est)
            gap_parts.append(gaps)
    if data.locations is not None:
        est_parts.append(pd.DataFrame([row for ind in indicators if ind.kind == "system"
                                       for row in _system_rows(ind, data.locations, catalogue)]))
    est_parts.append(pd.DataFrame(na_rows))

    ids = [i.id for i in catalogue.indicators] + ([sol.id] if sol is not None else [])
    bands = band_labels(catalogue, computed)  # an age band the universe cuts: labelled by the part it keeps
    estimates = _sort(relabel_age_bands(pd.concat([p for p in est_parts if not p.empty], ignore_index=True),
                                        bands), ids)
    # every value column, even when no survey indicator could be computed (only not-available rows)
    estimates = estimates.reindex(columns=list(dict.fromkeys([*estimates.columns, *VALUE_COLUMNS, "df"])))
    survey_rows = estimates["kind"] != "system"
    estimates = pd.concat([suppress(estimates[survey_rows], th), estimates[~survey_rows].assign(flag="")])
    estimates = _sort(estimates, ids)
    estimates["note"] = [cfg.notes.get(i, "") for i in estimates["indicator_id"]]
    displaced = [g for g in groups if g != "comparison"]
    gap_parts = [p for p in gap_parts if not p.empty]
    if gap_parts:
        own = {sol.id: sol} if sol is not None else {}  # SOL-1 is not in the catalogue (a country's extras are)
        gap_parts.append(_gaps_not_available(na_rows, catalogue, own, groups))
        gaps = relabel_age_bands(pd.concat([p for p in gap_parts if not p.empty], ignore_index=True), bands)
        gaps = _sort(gaps.assign(kind=""), ids, with_kind=False).drop(columns="kind")
        gaps = assess_gaps(gaps, estimates, catalogue=catalogue, default=gcfg.equivalence_margin, extra=own,
                           min_df=th.min_df)
        not_collected = {r.indicator_id for r in rows if not r.computed}
        criteria = criteria_status(gaps, displaced, confidence_level=th.confidence_level, not_collected=not_collected)
    else:  # no comparison group: gaps cannot be estimated from this survey
        gaps = pd.DataFrame(columns=["indicator_id", "criterion", "group", "disaggregation", "disaggregation_value",
                                     "category", "gap", "se", "ci_low", "ci_high", "df", "p_value", "direction",
                                     "status", "margin", "flag"])
        criteria = _not_assessed(displaced)
    stamp: dict[str, Any] = {"country": cfg.iso3, "year": gcfg.report_year, "catalogue_version": gcfg.catalogue_label}
    return Tables(
        estimates.assign(**stamp), gaps.assign(**stamp), criteria.assign(country=cfg.iso3, year=gcfg.report_year),
        notes, indicators=as_frame(rows).assign(**stamp),
        benchmarks=benchmarks(cfg, estimates, th.confidence_level).assign(**stamp),
        solutions_measure=measure.description,
    )


def _not_assessed(groups: list[str]) -> pd.DataFrame:
    """Criterion × group rows of a survey without a comparison group: nothing to assess a gap against."""
    from solutions.catalogue import CRITERIA

    columns = ["criterion", "group", "status", "n_indicators", "n_closed", "n_open", "n_inconclusive",
               "n_insufficient", "n_not_collected"]
    return pd.DataFrame([{"criterion": c, "group": g, "status": "not_assessed", **dict.fromkeys(columns[3:], 0)}
                         for c in CRITERIA for g in groups], columns=columns)

