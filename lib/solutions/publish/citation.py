"""How to cite an edition: one sentence for pages and the data package, and a ``CITATION.cff`` file.

The Citation File Format (https://citation-file-format.github.io, version 1.2.0) is what GitHub, Zenodo and
reference managers read. No release date is written, so that the same inputs give the same file.
"""

from __future__ import annotations

from typing import Any

import yaml

AUTHOR = "State of Solutions report team"
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
KEYWORDS = ("internal displacement", "durable solutions", "IASC framework", "IDP statistics",
            "household surveys")


def citation_text(title: str, year: int, *, demo: bool = False) -> str:
    """The suggested citation, e.g. ``State of Solutions report team (2026). <title>. Results tables...``."""
    text = f"{AUTHOR} ({year}). {title}. Results tables and data package."
    if demo:
        text += " Demonstration data, not real: do not cite."
    return text


def citation_cff(title: str, year: int, *, version: str, demo: bool = False,
                 abstract: str = "") -> str:
    """The ``CITATION.cff`` of one edition (a dataset), as YAML text."""
    doc: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": ("Demonstration data, not real: do not cite." if demo
                    else "If you use these results, please cite them as below."),
        "type": "dataset",
        "title": title,
        "version": version,
        "authors": [{"name": AUTHOR}],
        "license": LICENCE["name"],
        "keywords": list(KEYWORDS),
    }
    if abstract:
        doc["abstract"] = abstract
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)
