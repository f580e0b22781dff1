"""Publishing an edition's downloads: reference tables, the public build manifest, the citation and the
Frictionless Data Package that describes them all, written under ``outputs/<year>/results/`` before the
site is rendered (the site copies ``results/`` with the same layout).

    paths = publish_edition(year_dir, gcfg, countries, statuses, manifest_state)
    assert validate_package(year_dir / "results" / "datapackage.json") == []
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from solutions.atomic import write_text
from solutions.catalogue import load_catalogue
from solutions.config import CountryConfig, GlobalConfig
from solutions.provenance import code_version
from solutions.state_json import StateFileError, read_json

from .citation import citation_cff, citation_text
from .datapackage import DESCRIPTOR, package_descriptor, validate_package, write_package
from .fields import TABLES, FieldDoc, TableDoc, field_doc
from .manifest import public_manifest
from .reference import countries_table, criteria_table, indicators_table, write_csv

MANIFEST = "manifest.json"
CITATION = "CITATION.cff"
# the schemas inferred for figure CSVs, by content sha256: outside results/, so never published
SCHEMA_CACHE = Path(".publish-cache") / "inferred-schemas.json"
SCHEMA_CACHE_MAX_BYTES = 64 * 1024 * 1024


def _known_schemas(year_dir: Path) -> dict[str, Any]:
    """The schemas remembered by the last publication ({} when there are none or the file is damaged)."""
    path = year_dir / SCHEMA_CACHE
    if not path.exists():
        return {}
    try:  # bounded in size and depth (a cache nested 200k deep stopped every render); entries are hints
        data = read_json(path, max_bytes=SCHEMA_CACHE_MAX_BYTES, max_depth=8)
    except StateFileError:
        return {}
    return data if isinstance(data, dict) else {}


def _sources(countries: Mapping[str, CountryConfig], statuses: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for iso, cfg in countries.items():
        if statuses.get(iso) != "ok":
            continue
        for s in cfg.sources:
            entry: dict[str, Any] = {"title": ", ".join(str(v) for v in (s.name, s.publisher, s.year) if v)}
            if getattr(s, "url", None):
                entry["path"] = str(s.url)
            out.append(entry)
    return out


def publish_edition(year_dir: Path, gcfg: GlobalConfig, countries: Mapping[str, CountryConfig],
                    statuses: Mapping[str, str], state: Mapping[str, Any]) -> list[Path]:
    """Write the reference tables, ``manifest.json``, ``CITATION.cff`` and ``datapackage.json`` under
    ``<year_dir>/results``; returns their paths relative to ``year_dir``.

    ``statuses``: ``ok``, ``failed`` or ``missing`` per country of the edition; ``state``: the build manifest.
    """
    from solutions.indicators.measure import check_measure, solutions_indicator

    results = Path(year_dir) / "results"
    results.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue()
    names = [(iso, countries[iso].name if iso in countries else iso, statuses.get(iso, "missing"))
             for iso in gcfg.countries]
    # the solutions measure as configured (a country's page says when its survey allowed only part of it)
    measure = solutions_indicator(gcfg, check_measure(gcfg, catalogue.known_variables("households")))
    extras = [(iso, ind) for iso in gcfg.countries if iso in countries for ind in countries[iso].extra_indicators]
    written = [
        write_csv(countries_table(names), results / "countries.csv"),
        write_csv(indicators_table(catalogue, measure, extras), results / "indicator_catalogue.csv"),
        write_csv(criteria_table(), results / "iasc_criteria.csv"),
    ]
    write_text(results / MANIFEST, json.dumps(public_manifest(state), indent=2, sort_keys=True) + "\n")
    version = str(gcfg.report_year)
    demo_note = " Demonstration data, not real." if gcfg.demo else ""
    about = (f"Results of the {gcfg.report_year} edition: design-based estimates for displaced groups and the "
             f"comparison group on the indicators of the eight IASC criteria, their gaps and statuses.{demo_note}")
    write_text(results / CITATION, citation_cff(gcfg.title, gcfg.report_year, version=version, demo=gcfg.demo,
                                                abstract=about))
    known = _known_schemas(Path(year_dir))
    descriptor = package_descriptor(
        results, name=f"state-of-solutions-{gcfg.report_year}", title=gcfg.title, description=about,
        version=version, citation=citation_text(gcfg.title, gcfg.report_year, demo=gcfg.demo),
        sources=_sources(countries, statuses), inferred=known)
    used = {r["hash"].removeprefix("sha256:") for r in descriptor["resources"]}
    write_text(Path(year_dir) / SCHEMA_CACHE, json.dumps({k: v for k, v in sorted(known.items()) if k in used}))
    descriptor["catalogueVersion"] = gcfg.catalogue_label
    descriptor["codeVersion"] = code_version()
    written += [results / MANIFEST, results / CITATION, write_package(results, descriptor)]
    return [p.relative_to(year_dir) for p in written]


__all__ = [
    "CITATION",
    "DESCRIPTOR",
    "MANIFEST",
    "SCHEMA_CACHE",
    "TABLES",
    "FieldDoc",
    "TableDoc",
    "citation_cff",
    "citation_text",
    "field_doc",
    "package_descriptor",
    "public_manifest",
    "publish_edition",
    "validate_package",
]
