"""The demo country configs and the global config, as plain dicts in the order of docs/architecture.md.

Choices where the contract leaves room (the simplest reading):
- `recode` keys are text: the source value's string form ("1", "98", "yes"), as `groups` codes are;
  values are the canonical value (1/0 for binaries, the level name for categories, null for missing).
  Variables whose source labels already equal the canonical levels get no `recode` entry.
- `columns` lists every mapped variable, identity mappings included, so the mapping is explicit; source
  columns not listed (enumerator, district, relation_to_head, location_name) are ignored by the reader.
- `data.individuals.key` is the catalogue name (`household_id`); `data.*.format` is given explicitly.
- `recode` is per catalogue variable; no variable appears in two tables except ids, `admin1` (names, never
  recoded) and the location-only `available` / `mechanism_*`, so one map per variable is unambiguous.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from solutions.demo.encode import BINARIES, HH_ORDER, IND_ORDER, recode_map
from solutions.demo.spec import FRENCH, IDENTIFIERS, MECHANISMS, ROLES, CountrySpec
from solutions.demo.tables import AVAILABLE_LABELS

HEADER = ("# Fictional demonstration data written by `solutions demo`. Yours to edit: once edited, `solutions demo`\n"
          "# leaves this file as it is (the line below is the hash of what it wrote; delete the file to regenerate).\n")
STAMP = "# solutions-demo-sha256: "
FORMAT_EXT = {"csv": "csv", "parquet": "parquet", "excel": "xlsx"}

SOLUTIONS_MEASURE: list[dict[str, Any]] = [
    {"criterion": 1, "label": "No restriction of movement", "condition": "movement_restricted == 0"},
    {"criterion": 2, "label": "Daily access to sufficient safe water", "condition": "water_daily_sufficient == 1"},
    {"criterion": 3, "label": "Access to a financial institution", "condition": "no_financial_access == 0"},
    {"criterion": 4, "label": "No HLP lost, or access to restitution",
     "condition": "hlp_lost == 0 or hlp_no_access_remedy == 0"},
    {"criterion": 5, "label": "Documents kept or replaceable",
     "condition": "documents_lost == 0 or documents_unable_replace == 0"},
]


def stamped(body: bytes) -> bytes:
    """A demo config as written: the header, the sha256 of the body, the body."""
    return HEADER.encode() + f"{STAMP}{hashlib.sha256(body).hexdigest()}\n".encode() + body


def demo_owned(path: Path) -> bool:
    """Whether `solutions demo` may (re)write the config at `path`: absent, or exactly as it last wrote it.

    Why a hash in the file: a user who starts from the demo edits params/ in place; regenerating the demo
    (`make demo` after an upgrade) must never lose those edits, and a file the demo never wrote (no stamp) or
    one edited since (the body no longer matches its stamp) is the user's."""
    if not path.exists():
        return True
    data = path.read_bytes()
    head = HEADER.encode()
    if not data.startswith(head):
        return False
    line, _, body = data[len(head):].partition(b"\n")
    return line.decode("utf-8", "replace") == f"{STAMP}{hashlib.sha256(body).hexdigest()}"


def file_name(table: str, fmt: str) -> str:
    return f"{table}.{FORMAT_EXT[fmt]}"


def collection_period(spec: CountrySpec, year: int) -> tuple[dt.date, dt.date]:
    (m0, d0), (m1, d1) = spec.collection
    return dt.date(year, m0, d0), dt.date(year, m1, d1)


def _recode(spec: CountrySpec, variables: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for var in variables:
        if var in BINARIES:
            kind = "binary"
        elif var == "sex":
            kind = "sex"
        elif var == "urban_rural":
            kind = "urban"
        else:
            kind = "category"
        mapping = recode_map(var, spec.style, kind)
        if mapping is not None:
            out[var] = mapping
    yes, no = AVAILABLE_LABELS[spec.style]
    if (yes, no) != (1, 0):
        out["available"] = {str(yes): 1, str(no): 0}
    if spec.style == "french":
        out["mechanism_area"] = {FRENCH[a]: a for a in MECHANISMS}
        types = sorted({t for ts in MECHANISMS.values() for t in ts})
        out["mechanism_type"] = {FRENCH[t]: t for t in types}
    return out


def country_config(spec: CountrySpec, year: int, columns: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The country config dict; `columns` maps table -> {catalogue variable: source column}."""
    start, end = collection_period(spec, year)
    base = f"../../data/demo/{spec.iso3}"
    households: dict[str, Any] = {"path": f"{base}/{file_name('households', spec.households_format)}",
                                  "format": spec.households_format}
    if spec.households_format == "excel":
        households["sheet"] = "households"
    if spec.households_format == "csv":
        households["delimiter"] = spec.delimiter
        households["encoding"] = "utf-8"
    variables = [v for v in ["urban_rural", *HH_ORDER, "sex", *IND_ORDER] if v not in spec.dropped]
    return {
        "iso3": spec.iso3,
        "name": spec.name,
        "demo": True,
        "survey": {"title": f"{spec.survey_title} {year}", "collection_start": start, "collection_end": end},
        "data": {
            "households": households,
            "individuals": {"path": f"{base}/{file_name('individuals', spec.individuals_format)}",
                            "format": spec.individuals_format, "key": "household_id"},
            "locations": {"path": f"{base}/locations.csv", "format": "csv"},
            "figures": {"path": f"{base}/figures.csv", "format": "csv"},
        },
        "columns": columns,
        "recode": _recode(spec, variables),
        "design": {"weight": "weight", "strata": "stratum", "psu": "psu", "nest": True, "fpc": None},
        "groups": {spec.group_codes[r]: r for r in ROLES if r in spec.group_codes},
        "identifiers": list(IDENTIFIERS[spec.iso3]),
        "drop_indicators": list(spec.drop_indicators),
        "extra_indicators": [],
        "narrative": {"summary": spec.summary, "criteria": dict(sorted(spec.criteria_text.items()))},
        "sources": [
            {"name": f"{spec.survey_title} {year}", "publisher": spec.publisher, "year": year},
            {"name": "Country-year displacement figures (demo)",
             "publisher": "Fictional Displacement Monitoring Centre", "year": year},
        ],
    }


def global_config(year: int, countries: list[str], catalogue_version: str | None = None) -> dict[str, Any]:
    """The global config dict for the demo report; ``catalogue_version`` pins an earlier edition's catalogue
    version (``demo.editions.earlier_catalogue_version``)."""
    pinned = {} if catalogue_version is None else {"catalogue_version": catalogue_version}
    return {
        "report_year": year,
        "title": f"State of Solutions to Internal Displacement {year}",
        "countries": list(countries),
        "thresholds": {"min_n": 30, "min_effective_n": 30, "max_cv": 0.30, "min_df": 8, "confidence_level": 0.95,
                       "lonely_psu": "adjust"},
        "equivalence_margin": {"absolute": 0.05, "relative": 0.10},
        "renderer": "auto",
        "solutions_measure": {"scoring": "all", "missing_conditions": "not_available",
                              "conditions": [dict(m) for m in SOLUTIONS_MEASURE]},
        "demo": True,
        **pinned,
    }
