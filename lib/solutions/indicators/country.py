"""What the country notebook calls: load and validate a country's inputs, compute, write its results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from solutions.atomic import write_text
from solutions.catalogue import Catalogue, load_catalogue
from solutions.config import config_sha256, load_country, load_global
from solutions.indicators.compute import compute_country
from solutions.indicators.measure import check_measure
from solutions.provenance import build_date, code_version, library_versions
from solutions.results import write_table


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
    solutions_measure: dict = field(default_factory=dict)  # docs/architecture.md; {} without a measure


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
    data = load_country_data(cfg, cpath, lonely_psu=gcfg.thresholds.lonely_psu, limits=gcfg.limits)
    check_measure(gcfg, data.households.columns).notes_or_raise()  # the check `solutions validate` runs
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
        "min_n": gcfg.thresholds.min_n, "min_effective_n": gcfg.thresholds.min_effective_n,
        "max_cv": gcfg.thresholds.max_cv, "min_df": gcfg.thresholds.min_df,
        "equivalence_margin": gcfg.equivalence_margin.model_dump(),
        "collection_start": cfg.survey.collection_start.isoformat(),
        "collection_end": cfg.survey.collection_end.isoformat(), "survey_title": cfg.survey.title,
    }
    provenance = {
        "inputs": dict(sorted(data.files.items())), "config_sha256": config_sha256(cfg),
        "global_config_sha256": config_sha256(gcfg), "code_version": code_version(),
        "catalogue_version": catalogue.version, "libraries": library_versions(), "build_date": build_date(),
    }
    meta = {"iso3": cfg.iso3, "name": cfg.name, "demo": cfg.demo, "design": design, "provenance": provenance,
            "notes": tables.notes, "sources": [s.model_dump(mode="json") for s in cfg.sources],
            "solutions_measure": tables.solutions_measure}
    write_text(out / "meta.json", json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return CountryResults(
        iso3=cfg.iso3, name=cfg.name, year=gcfg.report_year, demo=cfg.demo or gcfg.demo,
        estimates=tables.estimates, gaps=tables.gaps, criteria=tables.criteria, figures=figures,
        sample=_sample(data), design=design, narrative=cfg.narrative.model_dump(mode="json"),
        sources=meta["sources"], provenance=provenance, catalogue=catalogue, notes=tables.notes,
        solutions_measure=tables.solutions_measure,
    )
