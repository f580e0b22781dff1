"""A failed run never replaces what was published: the last good results of a country (or of the global
page) are set aside before its notebook runs and put back if the run fails.

Why: the country notebook writes its results tables as soon as they are computed; a failure later in the
notebook (a chart, a kernel killed for memory, a timeout) used to leave the new tables published under the
old page, or the tables of a never-built country published with no page. The executed notebook itself is
only renamed into place on success (`execute.run_job`), so the page needs no copy.

The copy is made of hard links (results files are always replaced, never rewritten in place: see
`solutions.atomic`), so it costs nothing on disk. A build killed mid-run leaves the copy behind; the next
build puts it back first (`recover`), because the manifest still describes it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

KEEP_DIRNAME = ".last-good"


def _kept(year_dir: Path, name: str) -> Path:
    return year_dir / KEEP_DIRNAME / name


def _results(year_dir: Path, name: str) -> Path:
    return year_dir / "results" / name


def set_aside(year_dir: Path, name: str) -> None:
    """Keep a copy of `results/<name>` (if any) until the run is over."""
    src, dst = _results(year_dir, name), _kept(year_dir, name)
    shutil.rmtree(dst, ignore_errors=True)
    if not src.is_dir():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copytree(src, dst, copy_function=os.link)
    except OSError:  # a filesystem without hard links
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)


def succeeded(year_dir: Path, name: str) -> None:
    """The new results stand: drop the copy."""
    shutil.rmtree(_kept(year_dir, name), ignore_errors=True)
    _tidy(year_dir)


def _tidy(year_dir: Path) -> None:
    with contextlib.suppress(OSError):  # only when empty: another name may still be set aside
        (year_dir / KEEP_DIRNAME).rmdir()


def failed(year_dir: Path, name: str, keep_previous: bool) -> None:
    """Undo what the failed run wrote: the previous results come back (`keep_previous`), or, for a
    name that never had a good build, its partial results are removed so nothing of it is published."""
    results, kept = _results(year_dir, name), _kept(year_dir, name)
    shutil.rmtree(results, ignore_errors=True)
    if keep_previous and kept.is_dir():
        results.parent.mkdir(parents=True, exist_ok=True)
        os.replace(kept, results)
    shutil.rmtree(kept, ignore_errors=True)
    _tidy(year_dir)


def recover(year_dir: Path, good: set[str]) -> list[str]:
    """After a killed build: put back the copies of names whose manifest entry is still good; returns them."""
    root = year_dir / KEEP_DIRNAME
    if not root.is_dir():
        return []
    restored = []
    for kept in sorted(p for p in root.iterdir() if p.is_dir()):
        if kept.name in good:
            failed(year_dir, kept.name, keep_previous=True)
            restored.append(kept.name)
        else:
            shutil.rmtree(kept, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    return restored
