"""The public copy of the build manifest, linked from every page's build details.

It keeps what lets anyone check an artefact (checksums of inputs, configs and outputs, code and library
versions, build times) and drops what may expose the analyst's machine or is internal to incremental builds:
error messages and rejected inputs (they can quote paths), log locations, staleness reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEPT = ("state", "finished", "seconds", "code_version", "libraries", "inputs", "parameters", "artefacts",
        "digest", "key")


def _entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in KEPT if k in entry}


def public_manifest(state: Mapping[str, Any]) -> dict[str, Any]:
    """The publishable part of ``outputs/<year>/manifest.json``."""
    return {
        "about": "Build manifest of this edition: checksums (sha256) of every input, configuration and output, "
                 "with the code and library versions that produced them. Paths and error messages are left out.",
        "year": state.get("year"),
        "title": state.get("title"),
        "demo": state.get("demo", False),
        "countries": {iso: _entry(e) for iso, e in sorted((state.get("countries") or {}).items())},
        "pages": {name: _entry(e) for name, e in sorted((state.get("pages") or {}).items())},
    }
