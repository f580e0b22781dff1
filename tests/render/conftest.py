"""Fixtures: a tiny year folder of really executed notebooks (nbclient, python3 kernel)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbclient
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from solutions.render import Page, SiteSpec

SETUP = """\
%matplotlib inline
import html, sys, warnings
import matplotlib.pyplot as plt
from IPython.display import HTML, Markdown, display"""


def _notebook(title: str, label: str) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(f"# {title}\n\nIntro for {label}."),
        new_code_cell(SETUP),
        new_markdown_cell("## Key findings\n\nText.\n\n### Detail by group"),
        new_code_cell(f"display(HTML('<table class=\"sos-test\"><tr><td>{label}-cell</td></tr></table>'))"),
        new_markdown_cell("## Chart"),
        new_code_cell("fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([1, 2, 3])\nplt.show()"),
        new_code_cell("plt.figure()"),  # stray '<Figure size ...>' repr
        new_code_cell("display(HTML(html.escape('<script>alert(1)</script>')))"),
        new_code_cell("warnings.warn('SECRET-WARNING')\nprint('SECRET-STDERR', file=sys.stderr)"),
        new_markdown_cell("## Key findings\n\nDuplicate heading text gets its own anchor."),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _execute(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


@pytest.fixture(scope="session")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Executed notebooks: global, methods and one country template (copied per country)."""
    root = tmp_path_factory.mktemp("executed")
    for stem, title in (("global", "Global overview"), ("methods", "Methods"), ("country", "Country report")):
        nb = _execute(_notebook(title, stem), root)
        nbformat.write(nb, str(root / f"{stem}.ipynb"))
    return root


def make_year(executed: Path, dest: Path, countries: tuple[str, ...] = ("QAB", "QAC")) -> Path:
    """An ``outputs/<year>`` folder with notebooks and result downloads."""
    nb_dir = dest / "notebooks"
    nb_dir.mkdir(parents=True)
    shutil.copy(executed / "global.ipynb", nb_dir / "global.ipynb")
    shutil.copy(executed / "methods.ipynb", nb_dir / "methods.ipynb")
    for iso3 in countries:
        shutil.copy(executed / "country.ipynb", nb_dir / f"country-{iso3}.ipynb")
        res = dest / "results" / iso3
        res.mkdir(parents=True)
        (res / "estimates.csv").write_text("country,estimate\n" + f"{iso3},0.5\n")
    (dest / "results" / "global").mkdir(parents=True)
    (dest / "results" / "global" / "estimates.csv").write_text("country,estimate\n")
    return dest


def make_spec(
    year_dir: Path,
    *,
    demo: bool = True,
    countries: tuple[str, ...] = ("QAB", "QAC"),
    failed: tuple[str, ...] = ("QAD",),
    changed: set[str] | None = None,
) -> SiteSpec:
    """Spec with the given ok countries plus failed ones (whose notebooks do not exist)."""
    nb = year_dir / "notebooks"
    pages = [Page("global", "Global overview", nb / "global.ipynb", "global")]
    pages += [
        Page(f"country-{c}", f"Republic of {c}", nb / f"country-{c}.ipynb", "country") for c in countries
    ]
    pages += [
        Page(
            f"country-{c}",
            f"Failed {c}",
            nb / f"country-{c}.ipynb",
            "country",
            "failed",
            "input validation error",
        )
        for c in failed
    ]
    pages.append(Page("methods", "Methods", nb / "methods.ipynb", "methods"))
    downloads = sorted(p.relative_to(year_dir) for p in (year_dir / "results").rglob("*.csv"))
    return SiteSpec(
        2026,
        "State of Solutions 2026",
        pages,
        year_dir / "site",
        downloads,
        demo,
        "Built from commit 0123abc with catalogue 1.0",
        changed,
    )


@pytest.fixture
def year_dir(executed: Path, tmp_path: Path) -> Path:
    """A fresh ``outputs/2026`` folder."""
    return make_year(executed, tmp_path / "2026")


@pytest.fixture
def spec_for():
    """``spec_for(year_dir, **kw)`` builds a :class:`SiteSpec` (see :func:`make_spec`)."""
    return make_spec


@pytest.fixture(scope="session")
def built(executed: Path, tmp_path_factory: pytest.TempPathFactory):
    """One demo site rendered with nbconvert, shared by the read-only tests."""
    from solutions.render.nbconvert_site import NbconvertRenderer

    year = make_year(executed, tmp_path_factory.mktemp("built") / "2026")
    spec = make_spec(year)
    result = NbconvertRenderer().render(spec)
    return spec, result
