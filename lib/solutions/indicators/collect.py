"""What the global and methods pages call: every country's results tables (never microdata) together."""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from solutions.atomic import write_text
from solutions.catalogue import Catalogue, load_catalogue
from solutions.code_digest import modules_sha256
from solutions.config import EquivalenceMargin, GlobalConfig, Thresholds, config_sha256, file_sha256
from solutions.config_loader import country_path, load_country, load_global
from solutions.indicators.country import results_dir
from solutions.indicators.measure import scoring_text
from solutions.provenance import build_date, code_version, library_versions
from solutions.results import write_table_in_parts
from solutions.results_dataset import scan


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
    thresholds: Thresholds  # the global config's publication settings
    equivalence_margin: EquivalenceMargin  # the global config's default margins of the gap status
    solutions_measure: dict = field(default_factory=dict)  # docs/architecture.md; {} without a measure
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)  # per country: computed or why not, notes
    benchmarks: pd.DataFrame = field(default_factory=pd.DataFrame)  # per country: estimates beside a benchmark


def load_all_results(global_config: str | Path, output_root: str | Path) -> GlobalResults:
    """Every country's results tables (never microdata) and this build's status (manifest.json); for the global page."""
    gpath = Path(global_config)
    gcfg = load_global(gpath)
    year_dir = Path(output_root) / str(gcfg.report_year)
    status_path = year_dir / "manifest.json"  # written by the pipeline before the global page runs
    status = json.loads(status_path.read_text()) if status_path.exists() else {}
    folders: list[Path] = []  # the countries with results, read as one dataset per table (results_dataset)
    rows = []
    provenance = {}
    measures = []
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
            measures.append(_measure_row(iso, meta.get("solutions_measure")))
            folders.append(folder)
            rows.append({"iso3": iso, "name": meta.get("name", name), "status": "ok", "reason": "", "note": _kept(st),
                         "demo": bool(meta.get("demo", False)), "comparison": bool(meta.get("comparison", True)),
                         "reference": (meta.get("reference") or {}).get("name", "")})
        else:
            rows.append({"iso3": iso, "name": name, "status": "failed" if failed else "missing", "note": "",
                         "reason": st.get("error", "no results in this build"), "demo": _demo_of(gpath, gcfg, iso),
                         "comparison": True, "reference": ""})
    def cat(t: str) -> pd.DataFrame:
        return scan(folders, t)
    return GlobalResults(
        year=gcfg.report_year, title=gcfg.title, estimates=cat("estimates"), gaps=cat("gaps"),
        demo=gcfg.demo and all(r["demo"] for r in rows),  # a real country's report is never all demonstration
        criteria=cat("criteria"), figures=cat("figures"), countries=pd.DataFrame(rows),
        indicators=cat("indicators"), benchmarks=cat("benchmarks"),
        catalogue=load_catalogue(), thresholds=gcfg.thresholds, equivalence_margin=gcfg.equivalence_margin,
        provenance={"countries": provenance, "global_config_sha256": config_sha256(gcfg),
                    "code_version": code_version(), "catalogue_version": gcfg.catalogue_label,
                    "libraries": library_versions(), "build_date": build_date()},
        solutions_measure=configured_measure(gcfg, measures),
    )


def _kept(entry: dict) -> str:
    """"" for results of this build; a public note for results kept from an earlier good build (this build
    of the country failed): the pages must not present them as this build's. No reason detail (paths,
    values): the country's own page says why."""
    return "not updated: results of an earlier build" if entry.get("stale") else ""


def _measure_row(iso: str, description: dict | None) -> dict:
    d = description or {}
    return {"iso3": iso, "status": d.get("status", ""),
            "missing": ", ".join(d.get("missing", []))}


def configured_measure(gcfg: GlobalConfig, countries: list[dict]) -> dict:
    """The configured solutions measure rule, with each country's status (read from its meta.json)."""
    m = gcfg.solutions_measure
    if m is None:
        return {}
    return {"scoring": scoring_text(m), "missing_conditions": m.missing_conditions,
            "conditions": [{"criterion": c.criterion, "label": c.label, "condition_text": c.condition}
                           for c in m.conditions],
            "countries": pd.DataFrame(countries, columns=["iso3", "status", "missing"])}


def _demo_of(gpath: Path, gcfg: object, iso: str) -> bool:
    """Whether a country without results is demo data (its config says), for the global page's banner."""
    with contextlib.suppress(Exception):
        return load_country(country_path(gpath, gcfg, iso)).demo  # type: ignore[arg-type]
    return False


GLOBAL_TABLES = ("estimates", "gaps", "criteria", "indicators", "benchmarks")
#: Beside the global tables: what they were written from (`contents_sha256`) and each file's sha256.
GLOBAL_STAMP = "tables.json"


def write_global_tables(g: GlobalResults, output_root: str | Path) -> list[Path]:
    """The global downloads: every country's tables concatenated, under results/global/.

    Files already written from the same tables by the same writer, and unchanged since (each file's sha256
    checked), are kept as they are: a page rebuilt for its wording does not write 20 countries' rows again."""
    out = Path(output_root) / str(g.year) / "results" / "global"
    digest = contents_sha256(g)
    kept = _kept_tables(out, digest)
    if kept is not None:
        return kept
    paths: list[Path] = []
    for name in GLOBAL_TABLES:
        paths += write_table_in_parts(getattr(g, name), name, out)
    stamp = {"contents_sha256": digest, "files": {p.name: file_sha256(p) for p in paths}}
    write_text(out / GLOBAL_STAMP, json.dumps(stamp, indent=1, sort_keys=True) + "\n")  # last: a complete set
    return paths


def contents_sha256(g: GlobalResults) -> str:
    """SHA-256 of the global tables' contents (every column, dtype and value) and of the code and libraries
    that write them: equal digests write equal files."""
    import pyarrow

    h = hashlib.sha256(modules_sha256(("solutions.results", "solutions.results_fields", __name__),
                                      f"pandas {pd.__version__}", f"pyarrow {pyarrow.__version__}").encode())
    for name in GLOBAL_TABLES:
        df = getattr(g, name)
        h.update(f"{name}\0{list(df.columns)!r}\0{[str(t) for t in df.dtypes]!r}\0{len(df)}\0".encode())
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _kept_tables(out: Path, digest: str) -> list[Path] | None:
    """The files of an earlier write from the same contents, if every one is still as written; else None."""
    from solutions.state_json import (  # the global page's call, not the compute step's
        StateFileError,
        read_json,
    )

    try:
        stamp = read_json(out / GLOBAL_STAMP, max_bytes=64_000, max_depth=3)
    except StateFileError:
        return None  # none yet, or not one to trust: the tables are written again
    if not isinstance(stamp, dict) or stamp.get("contents_sha256") != digest:
        return None
    files = stamp.get("files")
    if not isinstance(files, dict):
        return None
    paths = [out / f"{name}.{ext}" for name in GLOBAL_TABLES for ext in ("parquet", "csv")]
    for path in paths:
        if not path.is_file() or path.is_symlink() or files.get(path.name) != file_sha256(path):
            return None
    return paths
