"""Plan a build: which steps are up to date, which are stale and why, by content hashes.

A country is two steps, each keyed by what it reads:

- compute (`compute_key`): its config, every file its config references (`CountryConfig.referenced_files`:
  data files, XLSForms, the sampling frame; content hash), the global settings results depend on, the
  catalogue and the statistical code (`code.STATISTICAL`) with the package version;
- page (`page_key`): the digest of the results the compute step wrote, the notebook, the code a page runs
  (`code.page_code_sha256`: not the renderers), the config fields the page shows, the global settings and
  the earlier report years' results its trends section reads.

So a presentation-only change (a wording, a chart) re-runs the pages and never re-estimates, and a site
stylesheet re-renders the site only (`pipeline.site`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from solutions.catalogue import catalogue_sha256
from solutions.config import PAGE_FIELDS, CountryConfig, GlobalConfig, config_sha256, file_sha256
from solutions.pipeline.code import ROOT, compute_code_sha256, library_sha256, page_code_sha256
from solutions.results import COUNTRY_TABLES as TABLES
from solutions.results import earlier_result_folders

__all__ = ["NOTEBOOKS", "Decision", "Key", "aggregate_key", "compute_key", "decide", "library_sha256", "notebooks_dir",
           "page_key", "results_sha256"]


def notebooks_dir() -> Path:
    """The notebooks shipped with the library (package data `solutions/notebooks/`; in a checkout a link to
    the repository's `notebooks/`), so an installed wheel builds without the source tree."""
    return ROOT / "notebooks"


NOTEBOOKS = notebooks_dir()


def _sha(obj: object) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def global_settings_sha256(gcfg: GlobalConfig) -> str:
    """What a country's results depend on in the global config (not the country list or the title)."""
    return _sha({"year": gcfg.report_year, "thresholds": gcfg.thresholds.model_dump(),
                 "margin": gcfg.equivalence_margin.model_dump(),
                 "solutions": gcfg.solutions_measure and gcfg.solutions_measure.model_dump(), "demo": gcfg.demo,
                 "limits": gcfg.limits.model_dump()})


@dataclass(frozen=True)
class Key:
    """The components whose hashes decide whether a notebook must run again."""

    parts: dict[str, str]

    @property
    def digest(self) -> str:
        return _sha(self.parts)

    def changed(self, previous: dict[str, str] | None) -> list[str]:
        if not previous:
            return ["never built"]
        names = sorted(set(self.parts) | set(previous))
        return [n for n in names if self.parts.get(n) != previous.get(n)]


def earlier_years_sha256(output_root: Path, iso3: str, year: int) -> str:
    """Earlier report years' published estimates of a country: its trends section reads them, so a year
    added (or re-built) later makes this year's chapter stale."""
    return _sha({f.parent.parent.name: file_sha256(f / "estimates.parquet")
                 for f in earlier_result_folders(output_root, iso3, year)})


def compute_key(cfg: CountryConfig, cfg_path: Path, gcfg: GlobalConfig) -> Key:
    """What a country's results tables depend on: never the notebook, the pages' code or the renderers."""
    parts = {
        "config": config_sha256(cfg),
        "global settings": global_settings_sha256(gcfg),
        "statistical code": compute_code_sha256(),
        "catalogue": catalogue_sha256(),
    }
    for name, path in cfg.referenced_files(cfg_path).items():  # data files, their XLSForm, the sampling frame
        parts[f"data:{name}"] = file_sha256(path)
    return Key(parts)


def results_sha256(folder: Path) -> str:
    """The compute step's output: its tables and meta.json (not the charts' data the page writes beside them)."""
    names = [f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")] + ["meta.json"]
    return _sha({n: file_sha256(folder / n) if (folder / n).is_file() else "" for n in names})


def page_key(cfg: CountryConfig, gcfg: GlobalConfig, *, notebook: Path, results: str,
             output_root: Path | None = None) -> Key:
    """What a country's page depends on: the results it reads (`results`: `results_sha256`), never the
    microdata or the statistical code beyond what changed the results."""
    parts = {
        "results": results,
        "notebook": file_sha256(notebook),
        "presentation code": page_code_sha256(),
        "page config": _sha(cfg.model_dump(mode="json", include=set(PAGE_FIELDS))),
        "global settings": global_settings_sha256(gcfg),
    }
    if output_root is not None:
        parts["earlier years"] = earlier_years_sha256(output_root, cfg.iso3, gcfg.report_year)
    return Key(parts)


def earlier_edition_sha256(output_root: Path, year: int) -> str:
    """The previous edition's published tables: the front page's "what changed" reads them."""
    from solutions.editions import previous_edition
    from solutions.regular_files import regular_file_inside

    folder = previous_edition(output_root, year)
    if folder is None:
        return _sha({})
    results = folder / "results"  # never hashed through a symlink (one to /dev/zero would never end)
    return _sha({p.relative_to(folder).as_posix(): file_sha256(p)
                 for p in sorted(results.glob("*/*.parquet")) if regular_file_inside(p, results)})


def aggregate_key(name: str, gcfg: GlobalConfig, *, notebook: Path, countries: dict[str, str],
                  extra: dict[str, str] | None = None) -> Key:
    """Global, methods and front pages depend on the global config and on every country's result digest
    (``extra``: what else a page reads, e.g. the previous edition)."""
    return Key({
        "global config": config_sha256(gcfg), "notebook": file_sha256(notebook), "presentation code": page_code_sha256(),
        "catalogue": catalogue_sha256(), "countries": _sha(countries), "page": name, **(extra or {}),
    })


@dataclass
class Decision:
    name: str
    key: Key
    run: bool
    reasons: list[str] = field(default_factory=list)


def decide(name: str, key: Key, *, previous: dict | None, outputs_exist: bool, force: bool = False) -> Decision:
    """Whether a step runs, and why: its key's parts that changed since `previous` (a manifest entry, or the
    view of one step of it), a failed last run, missing outputs, or `--force`."""
    prev_parts = (previous or {}).get("key")
    reasons = key.changed(prev_parts)
    if previous and (previous.get("state") == "failed" or previous.get("stale")):  # retry a failed update
        reasons = ["failed last time", *[r for r in reasons if r != "never built"]]
    if not outputs_exist and not reasons:
        reasons = ["outputs missing"]
    if force:
        reasons = ["--force", *reasons]
    return Decision(name, key, bool(reasons), reasons)
