"""Files the tool reads but did not just write: regular files only, inside their folder, bounded in bytes.

Why: configs, state files (the manifest, caches) and another edition's results come from many hands. A FIFO
named as a config blocked ``validate`` forever, a device never ends, a symbolic link led out of an edition's
folder, and a file of gigabytes was read whole. One bounded open serves every reader (``safe_yaml`` for
configs, ``state_json`` for state files, ``edition_input`` for another edition); each caller says in its own
words why a file was refused (:class:`Refused` carries the reason, never the file's content).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal

Reason = Literal["link", "unreadable", "folder", "special", "large"]


class Refused(Exception):
    """Why a file was not read: ``link`` (a symbolic link, when links are not followed), ``unreadable`` (the
    OSError in ``cause``), ``folder``, ``special`` (a FIFO, socket or device) or ``large`` (over the bound)."""

    def __init__(self, reason: Reason, cause: OSError | None = None) -> None:
        super().__init__(reason)
        self.reason: Reason = reason
        self.cause = cause


def read_regular(path: str | Path, max_bytes: int, *, follow_links: bool) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, opened without blocking (a FIFO never hangs) and,
    unless ``follow_links``, without following a symbolic link; :class:`Refused` otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_links and os.path.islink(path):
            raise Refused("link") from None
        raise Refused("unreadable", exc) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise Refused("folder" if stat.S_ISDIR(mode) else "special")
    with os.fdopen(fd, "rb") as fh:
        try:
            raw = fh.read(max_bytes + 1)
        except OSError as exc:
            raise Refused("unreadable", exc) from None
    if len(raw) > max_bytes:
        raise Refused("large")
    return raw


def regular_file_inside(path: Path, root: Path) -> bool:
    """True when ``path`` is a regular file (not a symlink, FIFO or device) whose real path is under ``root``."""
    try:
        st = path.lstat()
        return stat.S_ISREG(st.st_mode) and path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def dir_inside(path: Path, root: Path) -> bool:
    """True when ``path`` is a real folder (not a symlink) under ``root``."""
    try:
        return (not path.is_symlink() and path.is_dir()
                and path.resolve().is_relative_to(root.resolve()))
    except (OSError, RuntimeError, ValueError):
        return False
