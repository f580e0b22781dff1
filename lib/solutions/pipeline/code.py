"""Which library code each build step depends on, hashed: the compute step's key holds the statistical code
only, so a change of wording, CSS or a chart never re-estimates a survey.

`STATISTICAL` is declared, not discovered at build time: a test runs the compute step in a fresh interpreter
and fails when it imports a module of the library that is not covered here (tests/pipeline/test_steps.py).
"""

from __future__ import annotations

from functools import lru_cache

import solutions
from solutions.code_digest import ROOT, covers, files_sha256, module_files, modules_sha256

# Every call below passes this module's ROOT: the library's folder (a test points it at a copy).

__all__ = ["NOT_IN_PAGES", "ROOT", "STATISTICAL", "compute_code_sha256", "covers", "library_sha256", "module_files",
           "page_code_sha256"]

#: Everything the compute step (`pipeline.compute`: check, estimate, write the results tables) imports from
#: the library; a package covers every file under it (the catalogue's YAML too), `<package>.__init__` its
#: `__init__.py` alone.
STATISTICAL: tuple[str, ...] = (
    "solutions.__init__", "solutions.pipeline.__init__", "solutions.atomic", "solutions.catalogue",
    "solutions.code_digest", "solutions.config", "solutions.config_checks", "solutions.config_loader", "solutions.disclosure",
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


@lru_cache(maxsize=1)
def compute_code_sha256() -> str:
    """The statistical code and the package version: what the compute step's results depend on."""
    return modules_sha256(STATISTICAL, solutions.__version__, root=ROOT)


@lru_cache(maxsize=1)
def page_code_sha256() -> str:
    """Every file of the library a page's notebook may run (the statistical code too), not the renderers,
    the pipeline or the CLI: a stylesheet of the site re-renders the site, not the notebooks."""
    files = [p for p in ROOT.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    skip = {f for n in NOT_IN_PAGES for f in module_files(n, root=ROOT)}
    return files_sha256((f for f in files if f not in skip), solutions.__version__, root=ROOT)


@lru_cache(maxsize=1)
def library_sha256() -> str:
    """Hash of the installed library's Python source: what the site's digest holds (`pipeline.site`)."""
    return files_sha256((p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts), root=ROOT)
