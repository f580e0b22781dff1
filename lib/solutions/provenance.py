"""Which code, data and parameters produced an artefact: recorded on every page and in the manifest."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import solutions

LIBRARIES = ("numpy", "pandas", "scipy", "pyarrow", "pydantic", "pandera", "papermill", "nbconvert",
             "matplotlib", "seaborn")


@lru_cache(maxsize=1)
def code_version() -> str:
    """`git describe` of the source tree when it is a checkout, else the package version."""
    root = Path(solutions.__file__).resolve().parents[2]
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"], cwd=root, capture_output=True,
            text=True, timeout=10, check=True,
        )
        return f"{solutions.__version__}+g{out.stdout.strip()}"
    except (OSError, subprocess.SubprocessError):
        return solutions.__version__


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def build_date() -> str:
    """UTC build time; SOURCE_DATE_EPOCH pins it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat()
