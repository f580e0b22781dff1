"""One process at a time on a year's output folder: builds, renders and `clean` take the same lock.

A second one refuses at once with a clear message (exit 2) rather than queueing behind a build that may take
an hour, or, for `clean`, deleting the folder under a running build.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from solutions.errors import SolutionsError

LOCK_NAME = ".build.lock"


@contextmanager
def year_lock(year_dir: Path) -> Iterator[Path]:
    """Hold `<year_dir>/.build.lock`; yields its path. Re-entrant in one thread (`run` inside `build`)."""
    year_dir.mkdir(parents=True, exist_ok=True)
    path = year_dir / LOCK_NAME
    lock = FileLock(str(path), is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise SolutionsError(
            f"another build is running on {year_dir} (lock {path}); wait for it to finish, then run again"
        ) from None
    try:
        yield path
    finally:
        lock.release()
