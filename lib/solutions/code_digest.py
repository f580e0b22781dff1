"""The files of the library's modules, hashed: what a cached step (the compute step, a drawn chart) was made by.

Names are module names as imported (`solutions.results`), a package (every file under it, data files too) or
a package's `__init__` alone (`solutions.pipeline.__init__`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import solutions

ROOT = Path(solutions.__file__).resolve().parent


def module_files(name: str, *, root: Path = ROOT) -> list[Path]:
    """The files of a module (`solutions.results` → results.py), of a package's `__init__` alone
    (`solutions.pipeline.__init__`) or of a package (every file under it); `root`: the package's folder."""
    rel = name.split(".")[1:]
    if rel[-1:] == ["__init__"]:
        path = root.joinpath(*rel).with_suffix(".py")
        return [path] if path.is_file() else []
    folder = root.joinpath(*rel)
    if folder.is_dir():
        return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    path = folder.with_suffix(".py")
    return [path] if path.is_file() else []


def covers(names: Iterable[str], module: str) -> bool:
    """Whether an imported module (`sys.modules` name) is one of `names` or inside one of their packages."""
    for n in names:
        if n.endswith(".__init__"):
            if module == n.removesuffix(".__init__"):
                return True
        elif module == n or module.startswith(n + "."):
            return True
    return False


def files_sha256(files: Iterable[Path], *extra: str, root: Path = ROOT) -> str:
    """SHA-256 over `extra` strings, then each file's path (relative to `root`) and bytes, in path order."""
    h = hashlib.sha256()
    for text in extra:
        h.update(text.encode())
    for p in sorted(set(files)):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


def modules_sha256(names: Iterable[str], *extra: str, root: Path = ROOT) -> str:
    """`files_sha256` over the files of the modules `names`."""
    return files_sha256((f for n in names for f in module_files(n, root=root)), *extra, root=root)
