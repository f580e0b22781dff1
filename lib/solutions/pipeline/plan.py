"""Plan a build: which notebooks are up to date, which are stale and why, by content hashes.

A country is re-executed only when one of its inputs changed: its config, every file its config references
(`CountryConfig.referenced_files`: data files, XLSForms, the sampling frame; content hash), the notebook, the
library source, the catalogue, or the global settings it depends on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import solutions
from solutions.catalogue import catalogue_sha256
from solutions.config import CountryConfig, GlobalConfig, config_sha256, file_sha256
from solutions.results import earlier_result_folders

NOTEBOOKS = Path(__file__).resolve().parents[3] / "notebooks"


@lru_cache(maxsize=1)
def library_sha256() -> str:
    """Hash of the installed library's Python source: any code change invalidates results."""
    root = Path(solutions.__file__).parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


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


def country_key(cfg: CountryConfig, cfg_path: Path, gcfg: GlobalConfig, notebook: Path,
                output_root: Path | None = None) -> Key:
    parts = {
        "config": config_sha256(cfg),
        "global settings": global_settings_sha256(gcfg),
        "notebook": file_sha256(notebook),
        "library": library_sha256(),
        "catalogue": catalogue_sha256(),
    }
    if output_root is not None:
        parts["earlier years"] = earlier_years_sha256(output_root, cfg.iso3, gcfg.report_year)
    for name, path in cfg.referenced_files(cfg_path).items():  # data files, their XLSForm, the sampling frame
        parts[f"data:{name}"] = file_sha256(path)
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


def aggregate_key(name: str, gcfg: GlobalConfig, notebook: Path, country_digests: dict[str, str],
                  extra: dict[str, str] | None = None) -> Key:
    """Global, methods and front pages depend on the global config and on every country's result digest
    (``extra``: what else a page reads, e.g. the previous edition)."""
    return Key({
        "global config": config_sha256(gcfg), "notebook": file_sha256(notebook), "library": library_sha256(),
        "catalogue": catalogue_sha256(), "countries": _sha(country_digests), "page": name, **(extra or {}),
    })


@dataclass
class Decision:
    name: str
    key: Key
    run: bool
    reasons: list[str] = field(default_factory=list)


def decide(name: str, key: Key, previous: dict | None, outputs_exist: bool, force: bool) -> Decision:
    prev_parts = (previous or {}).get("key")
    reasons = key.changed(prev_parts)
    if previous and (previous.get("state") == "failed" or previous.get("stale")):  # retry a failed update
        reasons = ["failed last time", *[r for r in reasons if r != "never built"]]
    if not outputs_exist and not reasons:
        reasons = ["outputs missing"]
    if force:
        reasons = ["--force", *reasons]
    return Decision(name, key, bool(reasons), reasons)
