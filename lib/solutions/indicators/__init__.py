"""The indicator engine: a country's catalogue × its survey design → tidy results tables.

`compute_country` is pure (data in, tables out); `prepare_country` is what the country notebook calls:
it loads and validates the inputs, computes, and writes the results tables atomically.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solutions import survey
from solutions.atomic import write_text
from solutions.catalogue import Catalogue, Indicator, load_catalogue
from solutions.config import (
    DISPLACED_ROLES,
    CountryConfig,
    GlobalConfig,
    config_sha256,
    country_path,
    load_country,
    load_global,
)
from solutions.disclosure import suppress
from solutions.indicators.columns import columns_for, evaluate, needed_variables, referenced
from solutions.indicators.domains import build_domains
from solutions.indicators.estimate import estimate_columns
from solutions.indicators.status import criteria_status, gap_status
from solutions.provenance import build_date, code_version, library_versions
from solutions.results import read_table, write_table

SOLUTIONS_ID = "SOL-1"
ORDER_DISAGG = ["total", "sex", "age_band", "urban_rural", "admin1"]


@dataclass(frozen=True)
class Tables:
    estimates: pd.DataFrame
    gaps: pd.DataFrame
    criteria: pd.DataFrame
    notes: list[str] = field(default_factory=list)  # indicators not available, and why


@dataclass(frozen=True)
class CountryResults:
    iso3: str
    name: str
    year: int
    demo: bool
    estimates: pd.DataFrame
    gaps: pd.DataFrame
    criteria: pd.DataFrame
    figures: pd.DataFrame
    sample: pd.DataFrame
    design: dict
    narrative: dict
    sources: list[dict]
    provenance: dict
    catalogue: Catalogue
    notes: list[str] = field(default_factory=list)
    solutions_measure: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class GlobalResults:
    year: int
    title: str
    demo: bool
    estimates: pd.DataFrame
    gaps: pd.DataFrame
    criteria: pd.DataFrame
    figures: pd.DataFrame
    countries: pd.DataFrame
    catalogue: Catalogue
    provenance: dict
    thresholds: dict = field(default_factory=dict)
    solutions_measure: list[dict] = field(default_factory=list)


# ------------------------------------------------------------------ pure ----
def solutions_indicator(gcfg: GlobalConfig) -> Indicator | None:
    """The household-level solutions measure as a catalogue-style indicator (thresholds from config)."""
    if not gcfg.solutions_measure:
        return None
    labels = "; ".join(c.label for c in gcfg.solutions_measure)
    return Indicator(
        id=SOLUTIONS_ID, criterion=0, title="Households meeting every solutions threshold (criteria 1-5)",
        short_title="Solutions measure",
        definition=f"Share of households that meet every household-level threshold of criteria 1-5: {labels}.",
        kind="proportion", table="households", unit="household", numerator="_solutions_met == 1",
        requires=("_solutions_met",), direction="higher", prds_objective=1, level="household",
        disaggregations=("urban_rural", "admin1"),
    )


def solutions_met(households: pd.DataFrame, gcfg: GlobalConfig) -> pd.Series:
    """1 when a household meets every condition, 0 when it fails one, NaN when unknown.

    A condition that is false while one of its variables is missing could have been true, so it counts
    as unknown; a condition that is true is met whatever else is missing.
    """
    met = pd.Series(1.0, index=households.index)
    for cond in gcfg.solutions_measure:
        names = [n for n in referenced(cond.condition) if n in households.columns]
        ok = evaluate(households, cond.condition)
        unknown = ~ok & households[names].isna().any(axis=1).to_numpy() if names else np.zeros(len(ok), bool)
        met = met.where(ok | unknown, 0.0)
        met = met.where(~(unknown & (met != 0)), np.nan)
    return met


def _design(df: pd.DataFrame, cfg: CountryConfig, lonely_psu: str) -> survey.Design:
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
    cfg: CountryConfig, gcfg: GlobalConfig, data: Any, catalogue: Catalogue | None = None
) -> Tables:
    """Every indicator of the country's catalogue, by group × allowed disaggregation, with gaps."""
    catalogue = (catalogue or load_catalogue()).with_country(cfg.drop_indicators, cfg.extra_indicators)
    th = gcfg.thresholds
    tables: dict[str, pd.DataFrame] = {"households": data.households.copy()}
    if data.individuals is not None:
        tables["individuals"] = data.individuals
    indicators = list(catalogue.indicators)
    sol = solutions_indicator(gcfg)
    if sol is not None:
        tables["households"]["_solutions_met"] = solutions_met(tables["households"], gcfg)
        indicators.append(sol)
    groups = [g for g in [*DISPLACED_ROLES, "comparison"] if (data.households["role"] == g).any()]

    est_parts: list[pd.DataFrame] = []
    gap_parts: list[pd.DataFrame] = []
    notes: list[str] = []
    na_rows: list[dict[str, Any]] = []
    for table, df in tables.items():
        design = _design(df, cfg, th.lonely_psu)
        cols_by_ind = {}
        for ind in indicators:
            if ind.table != table:
                continue
            absent = sorted(v for v in needed_variables(ind) if v not in df.columns)
            if absent:
                notes.append(f"{ind.id} not available: variable(s) {', '.join(absent)} not in the {table} data")
                na_rows.extend(_not_available(ind, groups))
                continue
            cols_by_ind[ind.id] = (ind, columns_for(ind, df, catalogue))
        for disagg in ORDER_DISAGG:
            if disagg != "total" and disagg not in df.columns:
                continue
            cols = [c for ind, cs in cols_by_ind.values() for c in cs
                    if disagg == "total" or disagg in ind.disaggregations]
            if not cols:
                continue
            domains = build_domains(df, disagg, catalogue.levels(table, disagg) if disagg != "total" else None)
            est, gaps = estimate_columns(design, cols, domains, th.confidence_level)
            est_parts.append(est)
            gap_parts.append(gaps)
    if data.locations is not None:
        rows = []
        for ind in indicators:
            if ind.kind == "system":
                if all(v in data.locations.columns for v in needed_variables(ind)):
                    rows.extend(_system_rows(ind, data.locations, catalogue))
                else:
                    notes.append(f"{ind.id} not available: location table lacks its variables")
                    na_rows.extend(_not_available(ind, ["all"]))
        est_parts.append(pd.DataFrame(rows))
    else:
        for ind in indicators:
            if ind.kind == "system":
                notes.append(f"{ind.id} not available: no location table configured")
                na_rows.extend(_not_available(ind, ["all"]))
    est_parts.append(pd.DataFrame(na_rows))

    ids = [i.id for i in indicators]
    estimates = _sort(pd.concat([p for p in est_parts if not p.empty], ignore_index=True), ids)
    survey_rows = estimates["kind"] != "system"
    estimates = pd.concat([suppress(estimates[survey_rows], th), estimates[~survey_rows].assign(flag="")])
    estimates = _sort(estimates, ids)
    gaps = pd.concat([p for p in gap_parts if not p.empty], ignore_index=True)
    gaps = _sort(gaps.assign(kind=""), ids, with_kind=False).drop(columns="kind")
    gaps["status"] = gap_status(gaps, estimates).to_numpy()
    for col in ("gap", "se", "ci_low", "ci_high", "p_value"):
        gaps.loc[gaps["status"] == "insufficient_data", col] = np.nan
    criteria = criteria_status(gaps, [g for g in groups if g != "comparison"])
    stamp = {"country": cfg.iso3, "year": gcfg.report_year, "catalogue_version": catalogue.version}
    return Tables(
        estimates.assign(**stamp), gaps.assign(**stamp), criteria.assign(country=cfg.iso3, year=gcfg.report_year),
        notes,
    )


# ---------------------------------------------------------------- notebook API ----
def results_dir(output_root: str | Path, year: int, iso3: str) -> Path:
    return Path(output_root) / str(year) / "results" / iso3


def _sample(data: Any) -> pd.DataFrame:
    hh = data.households
    by = ["role", "admin1"] if "admin1" in hh else ["role"]
    out = hh.groupby(by, sort=True, observed=True).agg(
        households=("household_id", "size"), psus=("psu", "nunique") if "psu" in hh else ("household_id", "size")
    )
    if data.individuals is not None:
        out["individuals"] = data.individuals.groupby(by, sort=True, observed=True).size()
    return out.reset_index().rename(columns={"role": "group"}).fillna(0)


def prepare_country(global_config: str | Path, country_config: str | Path, output_root: str | Path) -> CountryResults:
    """Load, validate, compute and write one country's results; what `notebooks/country.ipynb` calls."""
    from solutions.inputs import load_country_data  # heavy readers imported only when needed

    gpath, cpath = Path(global_config), Path(country_config)
    gcfg, cfg = load_global(gpath), load_country(cpath)
    catalogue = load_catalogue()
    data = load_country_data(cfg, cpath, lonely_psu=gcfg.thresholds.lonely_psu)
    tables = compute_country(cfg, gcfg, data, catalogue)
    out = results_dir(output_root, gcfg.report_year, cfg.iso3)
    for name in ("estimates", "gaps", "criteria"):
        write_table(getattr(tables, name), name, out)
    figures = data.figures if data.figures is not None else pd.DataFrame(
        columns=["country", "year", "metric", "value", "source"])
    figures = figures.assign(country=cfg.iso3)
    write_table(figures, "figures", out)
    hh = data.households
    design = {
        "weight": "weight", "strata": int(hh["stratum"].nunique()) if "stratum" in hh else 1,
        "psus": int(hh["psu"].nunique()) if "psu" in hh else len(hh), "households": len(hh),
        "individuals": 0 if data.individuals is None else len(data.individuals),
        "lonely_psu": gcfg.thresholds.lonely_psu, "confidence_level": gcfg.thresholds.confidence_level,
        "min_n": gcfg.thresholds.min_n, "max_cv": gcfg.thresholds.max_cv,
        "collection_start": cfg.survey.collection_start.isoformat(),
        "collection_end": cfg.survey.collection_end.isoformat(), "survey_title": cfg.survey.title,
    }
    provenance = {
        "inputs": dict(sorted(data.files.items())), "config_sha256": config_sha256(cfg),
        "global_config_sha256": config_sha256(gcfg), "code_version": code_version(),
        "catalogue_version": catalogue.version, "libraries": library_versions(), "build_date": build_date(),
    }
    meta = {"iso3": cfg.iso3, "name": cfg.name, "demo": cfg.demo, "design": design, "provenance": provenance,
            "notes": tables.notes, "sources": [s.model_dump(mode="json") for s in cfg.sources]}
    write_text(out / "meta.json", json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return CountryResults(
        iso3=cfg.iso3, name=cfg.name, year=gcfg.report_year, demo=cfg.demo or gcfg.demo,
        estimates=tables.estimates, gaps=tables.gaps, criteria=tables.criteria, figures=figures,
        sample=_sample(data), design=design, narrative=cfg.narrative.model_dump(mode="json"),
        sources=meta["sources"], provenance=provenance, catalogue=catalogue, notes=tables.notes,
        solutions_measure=[c.model_dump() for c in gcfg.solutions_measure],
    )


def load_all_results(global_config: str | Path, output_root: str | Path) -> GlobalResults:
    """Every country's results tables (never microdata) and this build's status (manifest.json); for the global page."""
    gpath = Path(global_config)
    gcfg = load_global(gpath)
    year_dir = Path(output_root) / str(gcfg.report_year)
    status_path = year_dir / "manifest.json"  # written by the pipeline before the global page runs
    status = json.loads(status_path.read_text()) if status_path.exists() else {}
    parts: dict[str, list[pd.DataFrame]] = {"estimates": [], "gaps": [], "criteria": [], "figures": []}
    rows = []
    provenance = {}
    for iso in gcfg.countries:
        folder = results_dir(output_root, gcfg.report_year, iso)
        st = status.get("countries", {}).get(iso, {})
        name = iso
        with contextlib.suppress(Exception):  # a country whose config broke still gets a row, by its code
            name = load_country(country_path(gpath, gcfg, iso)).name
        meta_path = folder / "meta.json"
        failed = st.get("state") == "failed"
        if meta_path.exists() and not failed:
            meta = json.loads(meta_path.read_text())
            provenance[iso] = meta["provenance"]
            for t in parts:
                parts[t].append(read_table(folder, t))
            rows.append({"iso3": iso, "name": meta.get("name", name), "status": "ok", "reason": ""})
        else:
            rows.append({"iso3": iso, "name": name, "status": "failed" if failed else "missing",
                         "reason": st.get("error", "no results in this build")})
    def cat(t: str) -> pd.DataFrame:
        return pd.concat(parts[t], ignore_index=True) if parts[t] else read_table(year_dir / "none", t)
    return GlobalResults(
        year=gcfg.report_year, title=gcfg.title, demo=gcfg.demo, estimates=cat("estimates"), gaps=cat("gaps"),
        criteria=cat("criteria"), figures=cat("figures"), countries=pd.DataFrame(rows),
        catalogue=load_catalogue(), thresholds=gcfg.thresholds.model_dump(),
        provenance={"countries": provenance, "global_config_sha256": config_sha256(gcfg),
                    "code_version": code_version(), "catalogue_version": load_catalogue().version,
                    "libraries": library_versions(), "build_date": build_date()},
        solutions_measure=[c.model_dump() for c in gcfg.solutions_measure],
    )


def write_global_tables(g: GlobalResults, output_root: str | Path) -> list[Path]:
    """The global downloads: every country's tables concatenated, under results/global/."""
    out = Path(output_root) / str(g.year) / "results" / "global"
    paths: list[Path] = []
    for name in ("estimates", "gaps", "criteria"):
        paths += write_table(getattr(g, name), name, out)
    return paths
