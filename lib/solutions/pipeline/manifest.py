"""The build manifest: `outputs/<year>/manifest.json`, what produced every artefact and how long it took.

It is also the memory of incremental builds: each entry keeps the hash components it was built from and
the sha256 of every artefact it wrote. Neither is trusted blindly: a manifest that is not valid JSON or not
of the expected shape is reported as damaged (and every country is rebuilt), and an artefact whose content no
longer matches its recorded hash (a truncated results file) makes its country stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from solutions.atomic import write_text
from solutions.config import file_sha256
from solutions.state_json import StateFileError, read_json

STATES = ("ok", "failed")
MAX_BYTES = 256 << 20  # a manifest of 40 countries is well under 1 MB
MAX_DEPTH = 16  # countries.<ISO3>.stale.problems[...] is 4 levels


def manifest_path(year_dir: Path) -> Path:
    return year_dir / "manifest.json"


def empty() -> dict[str, Any]:
    return {"countries": {}, "pages": {}}


def load_checked(year_dir: Path) -> tuple[dict[str, Any], str | None]:
    """The manifest and, when it cannot be trusted, why (it is then replaced by an empty one)."""
    path = manifest_path(year_dir)
    if not path.exists() and not path.is_symlink():
        return empty(), None
    try:  # bounded: a manifest nested 200k deep stopped every build with a RecursionError
        data = read_json(path, max_bytes=MAX_BYTES, max_depth=MAX_DEPTH)
    except StateFileError as exc:
        return empty(), str(exc)
    problem = shape_problem(data)
    if problem:
        return empty(), problem
    data.setdefault("countries", {})
    data.setdefault("pages", {})
    return data, None


def load(year_dir: Path) -> dict[str, Any]:
    """The manifest, or an empty one when it is missing or damaged (everything is then rebuilt)."""
    return load_checked(year_dir)[0]


def shape_problem(data: Any) -> str | None:
    """What is wrong with the manifest's structure (the fields later code reads), or None."""
    if not isinstance(data, dict):
        return f"not a JSON object (a {type(data).__name__})"
    for section in ("countries", "pages"):
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            return f"{section!r} is not an object"
        for name, entry in entries.items():
            problem = _entry_problem(entry)
            if problem:
                return f"{section}.{name}: {problem}"
    site = data.get("site", {})  # the last render: what it was made from and the files it wrote
    problem = _entry_problem(site) if isinstance(site, dict) else "not an object"
    if problem:
        return f"site: {problem}"
    return None


def _entry_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "not an object"
    if "state" in entry and entry["state"] not in STATES:
        return f"unknown state {entry['state']!r}"
    for key in ("key", "artefacts", "inputs"):
        value = entry.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return f"{key!r} is not an object of text values"
    if any(Path(rel).is_absolute() or ".." in Path(rel).parts for rel in entry.get("artefacts", {})):
        return "an artefact path leaves the year folder"
    for key in ("error", "detail", "digest", "finished", "log"):
        if not isinstance(entry.get(key, ""), str):
            return f"{key!r} is not text"
    for key in ("rejected", "stale"):
        sub = entry.get(key)
        if sub is not None and not (isinstance(sub, dict) and isinstance(sub.get("problems", []), list)):
            return f"{key!r} is not an object with a list of problems"
    return None


def save(year_dir: Path, data: dict[str, Any]) -> None:
    write_text(manifest_path(year_dir), json.dumps(data, indent=2, sort_keys=True) + "\n")


def artefacts(folder: Path, root: Path) -> dict[str, str]:
    """sha256 of every file under a folder, keyed by its path relative to the year folder."""
    if not folder.exists():
        return {}
    return {p.relative_to(root).as_posix(): file_sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def damaged_artefacts(entry: dict[str, Any], root: Path) -> list[str]:
    """The recorded artefacts of an entry that are missing or no longer hold what was written."""
    bad = []
    for rel, sha in sorted(entry.get("artefacts", {}).items()):
        path = root / rel
        try:
            if not path.is_file() or file_sha256(path) != sha:
                bad.append(rel)
        except OSError:
            bad.append(rel)
    return bad
