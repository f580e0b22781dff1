"""The build manifest: `outputs/<year>/manifest.json`, what produced every artefact and how long it took.

It is also the memory of incremental builds: each entry keeps the hash components it was built from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from solutions.atomic import write_text
from solutions.config import file_sha256


def manifest_path(year_dir: Path) -> Path:
    return year_dir / "manifest.json"


def load(year_dir: Path) -> dict[str, Any]:
    path = manifest_path(year_dir)
    if not path.exists():
        return {"countries": {}, "pages": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {"countries": {}, "pages": {}}  # an unreadable manifest means: rebuild everything
    data.setdefault("countries", {})
    data.setdefault("pages", {})
    return data


def save(year_dir: Path, data: dict[str, Any]) -> None:
    write_text(manifest_path(year_dir), json.dumps(data, indent=2, sort_keys=True) + "\n")


def artefacts(folder: Path, root: Path) -> dict[str, str]:
    """sha256 of every file under a folder, keyed by its path relative to the year folder."""
    if not folder.exists():
        return {}
    return {p.relative_to(root).as_posix(): file_sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
