"""The provenance appendix at the bottom of each page: checksums, config hash, versions, build date.

Build details are for auditors, not readers: the block is collapsed (``<details>``) and links the public build
manifest of the site (``results/manifest.json``: checksums, versions and parameters of every artefact, no
paths), so the reading flow carries none of it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from .formatting import is_missing, short_hash
from .templating import Markup, macros

_T = macros("provenance.html.j2")

# Known keys in display order, with their labels; aliases map other spellings onto them.
_LABELS: dict[str, str] = {
    "inputs": "Input data (sha256)",
    "config_sha256": "Config (sha256)",
    "global_config_sha256": "Global config (sha256)",
    "code_version": "Code version",
    "catalogue_version": "Catalogue version",
    "libraries": "Library versions",
    "build_date": "Build date",
}
_ALIASES: dict[str, str] = {
    "input_sha256": "inputs",
    "data": "inputs",
    "checksums": "inputs",
    "config_hash": "config_sha256",
    "config": "config_sha256",
    "global_config_hash": "global_config_sha256",
    "library_versions": "libraries",
    "versions": "libraries",
    "built": "build_date",
    "date": "build_date",
}
_HASH_KEYS = {"config_sha256", "global_config_sha256"}


def normalise(provenance: Mapping[str, Any] | None) -> dict[str, Any]:
    """Provenance with known aliases renamed to the canonical keys."""
    out: dict[str, Any] = {}
    for key, value in (provenance or {}).items():
        out[_ALIASES.get(key, key)] = value
    return out


def _file_name(name: Any) -> str:
    # Never show a path of the analyst's machine: keep the last component only.
    return posixpath.basename(str(name).replace("\\", "/"))


def _value_html(key: str, value: Any) -> Markup | str:
    """One provenance value: checksums as short codes (the full one in the title), lists and mappings as text."""
    if key == "inputs" and isinstance(value, Mapping):
        files = [(_file_name(k), str(v), short_hash(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
        return Markup(_T.inputs(files)) if files else "–"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items()))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if key in _HASH_KEYS or key.endswith("sha256"):
        return Markup(_T.hash(full=str(value), short=short_hash(value)))
    return "–" if is_missing(value) else str(value)


#: Where the public build manifest sits, relative to the site root (every page sits at the root).
MANIFEST_HREF = "results/manifest.json"


def provenance_html(provenance: Mapping[str, Any] | None, *, heading: str = "Build details",
                    extra: str = "") -> Markup:
    """A collapsed appendix: a ``<dl>`` of the provenance (known keys first, in house order, any others
    after), ``extra`` trusted HTML (e.g. a per-country table), and the link to the build manifest."""
    prov = normalise(provenance)
    prov.pop("countries", None)  # per-country blocks are rendered by the methods page
    keys = [k for k in _LABELS if k in prov] + sorted(k for k in prov if k not in _LABELS)
    rows = [(_LABELS.get(k, k.replace("_", " ").capitalize()), _value_html(k, prov[k])) for k in keys]
    return Markup(_T.appendix(heading=heading, rows=rows, extra=Markup(extra), manifest_href=MANIFEST_HREF))
