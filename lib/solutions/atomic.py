"""Atomic writes: a file appears complete under its final name or not at all.

Write to a temporary file in the same folder, fsync, then `os.replace` (atomic on POSIX), so a killed run
never leaves a half-written file that a re-run would trust.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces `target`, on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # a read-only or full folder: name the file that could not be written
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except OSError as exc:
        if exc.filename is None or exc.filename == str(tmp_path):  # a full disk names no file: name the target
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(target: str | Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: str | Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def write_with(target: str | Path, writer: Callable[[Path], object]) -> None:
    """Atomically write `target` with a function that writes to a given path (e.g. DataFrame.to_parquet)."""
    with atomic_path(target) as tmp:
        writer(tmp)
