"""Outputs are written only inside the output folder: symbolic links in its working folders are removed first.

Why: with ``outputs/<year>/results/QAB`` a symlink to another folder, ``build --country QAB --force`` wrote 14
files into that folder, overwriting same-named ones; a symlinked file under ``results/`` would be copied
aside, put back and published with the downloads. The build never creates a link, so one there was put there
by someone else: it is removed (the link, never what it points to) before anything is read or written, and
the build says so. What the link stood for is rebuilt (the manifest's checksums no longer match).

The year folder itself and the output root may be links (an outputs folder on another disk is the user's
choice, made on the command line); only what the build creates inside them is confined.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The folders the build and the renderers create under ``outputs/<year>``.
WORK_DIRS = ("results", "notebooks", "logs", "site", "site-src", ".last-good", ".site-cache", ".publish-cache",
             ".chart-cache", ".quarto-shards")
#: The files they write directly in it.
WORK_FILES = ("manifest.json",)


def remove_symlinks(year_dir: Path) -> list[str]:
    """Remove every symbolic link among the build's folders and files under ``year_dir`` (not following any);
    returns their paths relative to ``year_dir``, for the build to report."""
    year_dir = Path(year_dir)
    removed: list[str] = []
    for name in (*WORK_DIRS, *WORK_FILES):
        top = year_dir / name
        if top.is_symlink():
            top.unlink()
            removed.append(name)
            continue
        if not top.is_dir():
            continue
        for root, dirs, files in os.walk(top, followlinks=False):
            for entry in [*dirs, *files]:
                path = Path(root) / entry
                if path.is_symlink():
                    path.unlink()
                    removed.append(path.relative_to(year_dir).as_posix())
            dirs[:] = [d for d in dirs if (Path(root) / d).is_dir() and not (Path(root) / d).is_symlink()]
    return sorted(removed)
