"""Which library code each build step depends on, hashed: the compute step's key holds the statistical code
only, so a change of wording, CSS or a chart never re-estimates a survey.

`STATISTICAL` is declared, not discovered at build time: a test runs the compute step in a fresh interpreter
and fails when it imports a module of the library that is not covered here (tests/pipeline/test_steps.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import solutions

#: Everything the compute step (`pipeline.compute`: check, estimate, write the results tables) imports from
#: the library; a package covers every file under it (the catalogue's YAML too), `<package>.__init__` its
#: `__init__.py` alone.
STATISTICAL: tuple[str, ...] = (
    "solutions.__init__", "solutions.pipeline.__init__", "solutions.atomic", "solutions.catalogue",
    "solutions.config", "solutions.config_checks", "solutions.config_loader", "solutions.disclosure",
    "solutions.errors", "solutions.expressions", "solutions.indicators", "solutions.inputs",
    "solutions.narrative_links", "solutions.narrative_placeholders", "solutions.provenance",
    "solutions.regular_files", "solutions.results", "solutions.results_dataset", "solutions.results_fields",
    "solutions.safe_yaml", "solutions.survey", "solutions.pipeline.compute", "solutions.pipeline.code",
    "solutions.pipeline.execute",
)

#: Code that never runs inside a page's notebook: the site renderers (keyed by the site's own digest,
#: `pipeline.site`), the orchestration, the CLI and the demo generator. Everything else may shape a page.
NOT_IN_PAGES: tuple[str, ...] = (
    "solutions.render", "solutions.pipeline", "solutions.cli", "solutions.demo", "solutions.project_init",
)

ROOT = Path(solutions.__file__).resolve().parent


def module_files(name: str) -> list[Path]:
    """The files of a module (`solutions.results` → results.py), of a package's `__init__` alone
    (`solutions.pipeline.__init__`) or of a package (every file under it)."""
    rel = name.split(".")[1:]
    if rel[-1:] == ["__init__"]:
        path = ROOT.joinpath(*rel).with_suffix(".py")
        return [path] if path.is_file() else []
    folder = ROOT.joinpath(*rel)
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


def _hash(files: Iterable[Path], *extra: str) -> str:
    h = hashlib.sha256()
    for text in extra:
        h.update(text.encode())
    for p in sorted(set(files)):
        h.update(p.relative_to(ROOT).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def compute_code_sha256() -> str:
    """The statistical code and the package version: what the compute step's results depend on."""
    return _hash((f for n in STATISTICAL for f in module_files(n)), solutions.__version__)


@lru_cache(maxsize=1)
def page_code_sha256() -> str:
    """Every file of the library a page's notebook may run (the statistical code too), not the renderers,
    the pipeline or the CLI: a stylesheet of the site re-renders the site, not the notebooks."""
    files = [p for p in ROOT.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    skip = {f for n in NOT_IN_PAGES for f in module_files(n)}
    return _hash((f for f in files if f not in skip), solutions.__version__)


@lru_cache(maxsize=1)
def library_sha256() -> str:
    """Hash of the installed library's Python source: what the site's digest holds (`pipeline.site`)."""
    return _hash(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)
