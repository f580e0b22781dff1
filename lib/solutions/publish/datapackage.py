"""The downloads as a Frictionless Data Package (https://datapackage.org): ``results/datapackage.json``.

Every CSV under ``results/`` is a resource with a Table Schema: the results tables and the reference tables
with their documented fields (``fields.py``), primary keys and foreign keys to the reference tables; any other
CSV (the data behind a figure) with the schema frictionless infers from it. Paths are relative to the
descriptor, so the package works wherever the folder is copied (the site keeps the same layout).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from solutions.atomic import write_text
from solutions.results import SCHEMAS

from .chart_fields import chart_description, chart_field
from .citation import KEYWORDS, LICENCE
from .fields import TABLES, descriptor, field_doc

DESCRIPTOR = "datapackage.json"
REFERENCE_FILES = {"countries.csv": "countries", "indicator_catalogue.csv": "indicator-catalogue",
                   "iasc_criteria.csv": "iasc-criteria"}
RESULT_TABLES = tuple(SCHEMAS)  # estimates, gaps, criteria, figures, indicators, benchmarks


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh), [])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_schema(table: str, columns: Iterable[str], present: set[str] | None = None) -> dict[str, Any]:
    """The Table Schema of a file of ``table`` with these ``columns`` (in file order).

    Keys are declared only when the file has all their columns; foreign keys only to resources in
    ``present`` (all of them when None).
    """
    columns = list(columns)
    doc = TABLES[table]
    schema: dict[str, Any] = {"fields": [descriptor(field_doc(table, c), c) for c in columns],
                              "missingValues": [""]}
    if set(doc.primary_key) <= set(columns):
        schema["primaryKey"] = list(doc.primary_key)
    fks = [{"fields": list(fields), "reference": {"resource": target, "fields": list(ref)}}
           for fields, target, ref in doc.foreign_keys
           if set(fields) <= set(columns) and (present is None or target in present)]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def _known(rel: Path) -> tuple[str, str] | None:
    """(resource name, table) of a results or reference file, None for any other CSV."""
    parts = rel.parts
    if len(parts) == 1 and parts[0] in REFERENCE_FILES:
        return REFERENCE_FILES[parts[0]], REFERENCE_FILES[parts[0]]
    if len(parts) == 2 and rel.suffix == ".csv" and rel.stem in RESULT_TABLES:
        return f"{parts[0].lower()}-{rel.stem}", rel.stem
    return None


def _slug(rel: Path) -> str:
    text = rel.with_suffix("").as_posix().lower()
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)


#: The field types of a Table Schema (https://datapackage.org/standard/table-schema/#field-types).
FIELD_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "list", "date", "time",
                         "datetime", "year", "yearmonth", "duration", "geopoint", "geojson", "any"})
FIGURE_FIELD = "Data behind a figure of the report, as drawn."


def _figure_schema(names: list[str], types: list[Any]) -> dict[str, Any]:
    """The published schema of a figure CSV from its header and one type per column: the titles and the
    description are written here, and a type outside the Table Schema's list is ``any``."""
    return {"fields": [{"name": n, "type": t if isinstance(t, str) and t in FIELD_TYPES else "any",
                        "title": n.replace("_", " ").capitalize(), "description": FIGURE_FIELD}
                       for n, t in zip(names, types, strict=True)]}


def _inferred_schema(path: Path, digest: str, inferred: MutableMapping[str, Any] | None) -> dict[str, Any]:
    """The schema frictionless infers for a CSV; `inferred` maps a content sha256 to the schema inferred
    earlier (inference costs about 10 ms a file, and an edition has hundreds of figure CSVs that rarely change).

    The cache lives in the output folder, so it is a hint and never published as is: an entry is used only
    when its field names are the file's header, and only its types are taken from it (checked against the
    Table Schema's list); titles and descriptions are always written here. A forged entry's description (a
    ``<script>``) or type never reaches ``datapackage.json``."""
    header = _header(path)
    if inferred is not None:
        hit = inferred.get(digest)
        fields = hit.get("fields") if isinstance(hit, dict) else None
        if (isinstance(fields, list) and all(isinstance(f, dict) for f in fields)
                and [f.get("name") for f in fields] == header):
            return _figure_schema(header, [f.get("type") for f in fields])
    described = _describe(path)
    schema = _figure_schema(header, [f.get("type") for f in described.get("fields", [])][: len(header)]
                            + ["any"] * max(0, len(header) - len(described.get("fields", []))))
    if inferred is not None:
        inferred[digest] = {"fields": [{"name": f["name"], "type": f["type"]} for f in schema["fields"]]}
    return schema


def _describe(path: Path) -> dict[str, Any]:
    from frictionless import describe

    resource = describe(str(path), type="resource")
    return resource.schema.to_descriptor()  # type: ignore[union-attr]


def resource_descriptor(results_dir: Path, path: Path, present: set[str],
                        inferred: MutableMapping[str, Any] | None = None) -> dict[str, Any]:
    """One CSV under ``results_dir`` as a data-package resource (path relative to ``results_dir``);
    ``inferred``: schemas inferred earlier, by content sha256 (see `_inferred_schema`)."""
    rel = path.relative_to(results_dir)
    digest = _sha256(path)
    known = _known(rel)
    if known:
        name, table = known
        doc = TABLES[table]
        where = "all countries" if rel.parts[0] == "global" else (
            f"country {rel.parts[0]}" if len(rel.parts) == 2 else "this edition")
        title = f"{doc.title} ({where})" if len(rel.parts) == 2 else doc.title
        description = f"One row per {doc.row}."
        schema = table_schema(table, _header(path), present)
    else:
        name, title = _slug(rel), rel.stem.replace("_", " ").replace("-", " ").capitalize()
        schema = _inferred_schema(path, digest, inferred)
        description = chart_description(title, _header(path))
        for f in schema.get("fields", []):  # described from the chart's own columns (publish.chart_fields)
            doc = chart_field(str(f["name"]))
            f.update(title=doc.title, description=doc.description, **({"unit": doc.unit} if doc.unit else {}))
    return {"name": name, "path": rel.as_posix(), "profile": "tabular-data-resource", "title": title,
            "description": description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": path.stat().st_size, "hash": f"sha256:{digest}", "schema": schema}


def package_descriptor(results_dir: Path, *, name: str, title: str, description: str, version: str,
                       citation: str, sources: Iterable[Mapping[str, Any]] = (),
                       inferred: MutableMapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` content for every CSV under ``results_dir`` (sorted: stable bytes);
    ``inferred``: schemas inferred by an earlier call, by content sha256 (updated with the new ones)."""
    files = sorted(p for p in results_dir.rglob("*.csv") if p.is_file() and not p.name.startswith("."))
    present = {known[0] for p in files if (known := _known(p.relative_to(results_dir)))}
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "version": version,
        "licenses": [LICENCE],
        "citation": citation,
        "keywords": list(KEYWORDS),
        "sources": [dict(s) for s in sources],
        "resources": [resource_descriptor(results_dir, p, present, inferred) for p in files],
    }


def write_package(results_dir: Path, descriptor: Mapping[str, Any]) -> Path:
    """Write ``datapackage.json`` into ``results_dir`` (atomically; sorted keys, stable bytes)."""
    path = results_dir / DESCRIPTOR
    write_text(path, json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    return path


def validate_package(path: Path) -> list[str]:
    """Validate the package and its data with frictionless (offline): one line per problem, [] when valid."""
    from frictionless import validate

    report = validate(str(path))
    lines = [f"{path.name}: {e.note}" for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            where = ", ".join(f"{k} {v}" for k, v in (("row", getattr(e, "row_number", None)),
                                                       ("field", getattr(e, "field_name", None))) if v)
            lines.append(f"{task.name}: {e.type}{f' ({where})' if where else ''}: {e.note}")
    return lines
