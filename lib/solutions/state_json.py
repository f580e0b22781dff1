"""Reading back a JSON file the tool wrote earlier (the manifest, caches, an edition's ``meta.json``) as untrusted.

Why: state files are disposable, and anyone who can write the output folder can edit them. A manifest nested
200,000 levels deep gave "internal error (RecursionError)" on every status, build and render until it was
deleted by hand. Here a state file is a regular file (never a symlink, a FIFO or a device), bounded in bytes
and in nesting depth, and valid UTF-8 JSON; whatever is wrong comes back as one `StateFileError` line for the
caller to report before it rebuilds the file (or skips it). Its shape is the caller's to check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from solutions.regular_files import Refused, read_regular

MB = 1 << 20


class StateFileError(ValueError):
    """A state file that cannot be trusted; the message says why in a few words (never a value from it)."""


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, opened without following a symbolic link."""
    try:
        return read_regular(path, max_bytes, follow_links=False)
    except Refused as refused:
        raise StateFileError(_why(refused, max_bytes)) from None


def _why(refused: Refused, max_bytes: int) -> str:
    if refused.reason == "link":
        return "a symbolic link, not a file the tool wrote"
    if refused.reason == "unreadable":
        return f"unreadable ({type(refused.cause).__name__})"
    if refused.reason == "large":
        return f"larger than {max_bytes / MB:,.0f} MB"
    return "not a regular file"  # a folder, a FIFO, a device


def depth(value: Any) -> int:
    """Nesting depth of a JSON value (a scalar is 0), computed without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def read_json(path: str | Path, *, max_bytes: int, max_depth: int) -> Any:
    """The JSON value in `path`, or a `StateFileError`: not a regular file, too large, not UTF-8, not JSON,
    nested deeper than `max_depth`."""
    raw = read_bytes(Path(path), max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StateFileError("not UTF-8 text") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise StateFileError(f"nested more than {max_depth} levels deep") from None
    except json.JSONDecodeError as exc:
        raise StateFileError(f"not valid JSON (line {exc.lineno}: {exc.msg}; truncated?)") from None
    except ValueError:  # e.g. an integer of more digits than Python converts
        raise StateFileError("not valid JSON (a value that cannot be read)") from None
    if depth(data) > max_depth:
        raise StateFileError(f"nested more than {max_depth} levels deep")
    return data
