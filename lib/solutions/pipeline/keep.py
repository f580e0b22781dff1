"""A failed run never replaces what was published: the last good results of a country (or of the global
page) are set aside before its notebook runs and put back if the run fails.

Why: the country notebook writes its results tables as soon as they are computed; a failure later in the
notebook (a chart, a kernel killed for memory, a timeout) used to leave the new tables published under the
old page, or the tables of a never-built country published with no page. The executed notebook itself is
only renamed into place on success (`execute.run_job`), so the page needs no copy.

The copy is a real copy (a country's tables are a few MB), so nothing a run writes, in place or not, can
reach it. A build killed mid-run leaves the copy behind; the next build puts it back first (`recover`),
because the manifest still describes it.
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
    """Keep a copy of `results/<name>` (if any) until the run is over. The copy appears whole or not at all:
    it is made under a temporary name, so a full disk never leaves a partial copy for `recover` to restore."""
    src, dst = _results(year_dir, name), _kept(year_dir, name)
    shutil.rmtree(dst, ignore_errors=True)
    if not src.is_dir():
        return
    tmp = dst.with_name(f".tmp-{name}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for path in sorted(src.rglob("*")):  # file by file: a full disk raises its own OSError, naming the file
            target = tmp / path.relative_to(src)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    shutil.copy2(path, target)
                except OSError as exc:  # name the copy that could not be written, not the original
                    raise OSError(exc.errno, exc.strerror, str(target)) from exc
        tmp.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dst)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _tidy(year_dir)
        raise


def succeeded(year_dir: Path, name: str) -> None:
    """The new results stand: drop the copy."""
    shutil.rmtree(_kept(year_dir, name), ignore_errors=True)
    _tidy(year_dir)


def _tidy(year_dir: Path) -> None:
    with contextlib.suppress(OSError):  # only when empty: another name may still be set aside
        (year_dir / KEEP_DIRNAME).rmdir()


def failed(year_dir: Path, name: str, *, keep_previous: bool) -> None:
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
        if kept.name in good and not kept.name.startswith(".tmp-"):
            failed(year_dir, kept.name, keep_previous=True)
            restored.append(kept.name)
        else:
            shutil.rmtree(kept, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    return restored
