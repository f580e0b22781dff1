"""A country's results: computed and written by the compute step (`prepare_country`: check, the validation
path `solutions validate` runs too, then compute and write), and read back by the presentation step
(`load_country_results`, the country notebook's first call: no computation, no microdata)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from solutions.atomic import write_text
from solutions.catalogue import Catalogue, load_catalogue
from solutions.config import CountryConfig, config_sha256
from solutions.config_loader import load_country, load_global
from solutions.disclosure import sample_counts
from solutions.indicators.checks import check_country
from solutions.indicators.compute import compute_country, country_catalogue
from solutions.indicators.design_summary import DesignSummary
from solutions.provenance import build_date, code_version, library_versions
from solutions.results import COUNTRY_TABLES as TABLES
from solutions.results import read_table, write_table

_SAMPLE_COUNTS = ("households", "individuals", "psus")

if TYPE_CHECKING:
    from solutions.inputs import CountryData


@dataclass(frozen=True)
class CountryResults:
    iso3: str
    name: str
    year: int  # the report year (the edition); the survey's own years are in `design`
    demo: bool  # this country's data is fictional (its config's `demo`), never the report's setting
    estimates: pd.DataFrame
    gaps: pd.DataFrame  # empty when the survey has no comparison group
    criteria: pd.DataFrame
    figures: pd.DataFrame
    sample: pd.DataFrame
    design: DesignSummary  # the survey's design in counts and the publication settings used
    narrative: dict
    sources: list[dict]
    provenance: dict
    catalogue: Catalogue
    notes: list[str] = field(default_factory=list)
    solutions_measure: dict = field(default_factory=dict)  # docs/architecture.md; {} without a measure
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)  # results.INDICATORS: computed or why not, note
    benchmarks: pd.DataFrame = field(default_factory=pd.DataFrame)  # results.BENCHMARKS (external reference)
    weights: pd.DataFrame = field(default_factory=pd.DataFrame)  # weight diagnostics per group (Kish n_eff, ...)
    comparison: bool = True  # whether the survey has a comparison group (else gaps cannot be estimated)
    reference: dict | None = None  # the external benchmark: name, publisher, year, url
    disaggregations: dict[str, str] = field(default_factory=dict)  # the country's own: variable -> label

    def __post_init__(self) -> None:
        # The pages filter these small frames hundreds of times (a row per chart, table and sentence). Text held
        # as Python objects costs a numpy comparison per filter where Arrow-backed text costs an Arrow compute
        # call: about 15 % of a chapter. The tables were written before (the files keep their own types).
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame):
                object.__setattr__(self, f.name, _text_as_objects(value))


def _text_as_objects(df: pd.DataFrame) -> pd.DataFrame:
    text = {c: object for c, t in df.dtypes.items() if isinstance(t, pd.StringDtype)}
    return df.astype(text) if text else df


def results_dir(output_root: str | Path, year: int, iso3: str) -> Path:
    return Path(output_root) / str(year) / "results" / iso3


def _psu_ids(hh: pd.DataFrame) -> pd.Series:
    """PSU ids as the design sees them: numbered within strata (nest), so one id per (stratum, PSU)."""
    if "stratum" in hh:
        return hh["stratum"].astype(str) + "\x1f" + hh["psu"].astype(str)
    return hh["psu"].astype(str)


def _sample(data: CountryData) -> pd.DataFrame:
    hh = data.households
    by = ["role", "admin1"] if "admin1" in hh else ["role"]
    if "psu" in hh:
        hh = hh.assign(_psu=_psu_ids(hh))
    out = hh.groupby(by, sort=True, observed=True).agg(
        households=("household_id", "size"), psus=("_psu", "nunique") if "psu" in hh else ("household_id", "size")
    )
    if data.individuals is not None:
        out["individuals"] = data.individuals.groupby(by, sort=True, observed=True).size()
    return out.reset_index().rename(columns={"role": "group"}).fillna(0)


def prepare_country(global_config: str | Path, country_config: str | Path, output_root: str | Path) -> CountryResults:
    """Check (the same code as `solutions validate`), compute and write one country's results; what
    `notebooks/country.ipynb` calls."""
    gpath, cpath = Path(global_config), Path(country_config)
    gcfg, cfg = load_global(gpath), load_country(cpath)
    catalogue = load_catalogue()
    checked = check_country(gcfg, cfg, cpath)
    data = checked.data
    tables = compute_country(cfg, gcfg, data, catalogue)
    out = results_dir(output_root, gcfg.report_year, cfg.iso3)
    for name in ("estimates", "gaps", "criteria", "indicators", "benchmarks"):
        write_table(getattr(tables, name), name, out)
    figures = data.figures if data.figures is not None else pd.DataFrame(
        columns=["country", "year", "metric", "value", "source"])
    figures = figures.assign(country=cfg.iso3)
    write_table(figures, "figures", out)
    hh = data.households
    design = DesignSummary(
        strata=int(hh["stratum"].nunique()) if "stratum" in hh else 1,
        psus=int(_psu_ids(hh).nunique()) if "psu" in hh else len(hh), households=len(hh),
        individuals=0 if data.individuals is None else len(data.individuals), weighting=data.weighting,
        survey=cfg.survey, thresholds=gcfg.thresholds, equivalence_margin=gcfg.equivalence_margin)
    provenance = {
        "inputs": dict(sorted(data.files.items())), "config_sha256": config_sha256(cfg),
        "global_config_sha256": config_sha256(gcfg), "code_version": code_version(),
        "catalogue_version": gcfg.catalogue_label, "libraries": library_versions(), "build_date": build_date(),
    }
    reference = None if cfg.reference is None else cfg.reference.model_dump(mode="json", exclude={"values"})
    own = {d.variable: d.label or d.variable.replace("_", " ").capitalize() for d in cfg.disaggregations}
    weights = data.weights.round(6) if not data.weights.empty else data.weights
    sample = sample_counts(_sample(data), gcfg.thresholds.min_count)
    meta: dict[str, Any] = {"iso3": cfg.iso3, "name": cfg.name, "demo": cfg.demo, "design": design.as_json(),
            "provenance": provenance,
            "notes": tables.notes, "sources": [s.model_dump(mode="json") for s in cfg.sources],
            "solutions_measure": tables.solutions_measure,
            "comparison": cfg.has_comparison, "reference": reference, "disaggregations": own,
            "weights": weights.to_dict(orient="records"),
            # the sample table as the page shows it (cells under min_count already withheld): the
            # presentation step reads it here, never the microdata
            "sample": {"columns": list(sample.columns),
                       "rows": sample.astype(object).where(sample.notna(), None).to_numpy().tolist()}}
    write_text(out / "meta.json", json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return CountryResults(
        iso3=cfg.iso3, name=cfg.name, year=gcfg.report_year, demo=cfg.demo,
        estimates=tables.estimates, gaps=tables.gaps, criteria=tables.criteria, figures=figures,
        sample=sample, design=design, narrative=cfg.narrative.model_dump(mode="json"),
        sources=meta["sources"], provenance=provenance, catalogue=country_catalogue(cfg, catalogue),
        notes=tables.notes, solutions_measure=tables.solutions_measure,
        indicators=tables.indicators, benchmarks=tables.benchmarks, weights=weights,
        comparison=cfg.has_comparison, reference=reference, disaggregations=own,
    )


def load_country_results(global_config: str | Path, country_config: str | Path,
                         output_root: str | Path) -> CountryResults:
    """One country's results as the compute step wrote them (tables and `meta.json`), with the config fields
    the page shows (`config.PAGE_FIELDS`): the country notebook's first call. Nothing is computed and no microdata
    is read, so a page can be re-rendered without re-estimating anything."""
    gcfg, cfg = load_global(Path(global_config)), load_country(Path(country_config))
    folder = results_dir(output_root, gcfg.report_year, cfg.iso3)
    meta = json.loads((folder / "meta.json").read_text())
    tables = {name: read_table(folder, name) for name in TABLES}
    return CountryResults(
        iso3=cfg.iso3, name=meta["name"], year=gcfg.report_year, demo=bool(meta["demo"]),
        estimates=tables["estimates"], gaps=tables["gaps"], criteria=tables["criteria"], figures=tables["figures"],
        sample=_sample_table(meta["sample"]), design=DesignSummary.from_json(meta["design"]), narrative=cfg.narrative.model_dump(mode="json"),
        sources=meta["sources"], provenance=meta["provenance"], catalogue=_page_catalogue(cfg),
        notes=meta["notes"], solutions_measure=meta["solutions_measure"], indicators=tables["indicators"],
        benchmarks=tables["benchmarks"], weights=_weights_table(meta["weights"]), comparison=bool(meta["comparison"]),
        reference=meta["reference"], disaggregations=meta["disaggregations"],
    )


def _page_catalogue(cfg: CountryConfig) -> Catalogue:
    return country_catalogue(cfg, load_catalogue())


def _sample_table(stored: dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame(stored["rows"], columns=stored["columns"], dtype=object)
    for col in df.columns:
        df[col] = df[col].astype("float64") if col in _SAMPLE_COUNTS else df[col]
    return df


_WEIGHT_COLUMNS = ("group", "n", "weighted", "n_effective", "deff_weighting", "max_share")


def _weights_table(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The weight diagnostics in their computed column order (meta.json sorts keys)."""
    df = pd.DataFrame.from_records(records)
    order = [c for c in _WEIGHT_COLUMNS if c in df] + [c for c in df if c not in _WEIGHT_COLUMNS]
    df = df[order]
    return df.astype({"n": "int64"}) if "n" in df else df
