"""The front page becomes the site's index in both renderers, followed by the navigation and the grouped
downloads; without a front page the generated index stays."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbclient
import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook

from solutions.render import Page, SiteSpec, check_links
from solutions.render.base import download_groups
from solutions.render.nbconvert_site import NbconvertRenderer
from solutions.render.quarto import QuartoRenderer, quarto_config, write_quarto_project

from .conftest import make_spec

FRONT = """\
from IPython.display import HTML, display
display(HTML('<h1 class="sos-title">The 2026 story</h1>'), metadata={"solutions": {"page_title": "The 2026 story"}})
display(HTML('<div class="sos-front-cards"><div><span class="value">4</span>countries</div></div>'))"""


@pytest.fixture(scope="session")
def front_notebook(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("front")
    appendix = new_code_cell("display(HTML('<details class=\"sos-provenance\"><summary>Build details</summary></details>'))")
    appendix.metadata["tags"] = ["appendix"]
    nb = new_notebook(cells=[new_code_cell(FRONT), appendix])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    nbformat.write(nb, str(root / "front.ipynb"))
    return root / "front.ipynb"


def _spec(year_dir: Path, front_notebook: Path) -> SiteSpec:
    nb = year_dir / "notebooks"
    shutil.copy(front_notebook, nb / "front.ipynb")
    shutil.copy(nb / "methods.ipynb", nb / "codebook.ipynb")
    for name in ("datapackage.json", "manifest.json"):
        (year_dir / "results" / name).write_text("{}\n")
    (year_dir / "results" / "CITATION.cff").write_text("cff-version: 1.2.0\n")
    (year_dir / "results" / "QAB" / "figure-1.csv").write_text("a\n1\n")
    spec = make_spec(year_dir)
    spec.pages.insert(0, Page("front", "Overview", nb / "front.ipynb", "front"))
    spec.pages.append(Page("codebook", "Data and codebook", nb / "codebook.ipynb", "data"))
    spec.downloads = sorted(p.relative_to(year_dir) for p in (year_dir / "results").rglob("*.*"))
    return spec


def test_download_groups(year_dir, front_notebook):
    spec = _spec(year_dir, front_notebook)
    groups = {g.label: g for g in download_groups(spec)}
    assert list(groups) == ["Data package", "All countries", "Republic of QAB", "Republic of QAC",
                            "Data behind the figures"]
    assert [label for label, _ in groups["Data package"].files] == ["datapackage.json", "CITATION.cff",
                                                                    "build manifest"]
    assert groups["Data behind the figures"].collapsed
    assert groups["Data behind the figures"].files == [("QAB/figure-1.csv", Path("results/QAB/figure-1.csv"))]


def test_nbconvert_index_is_the_front_page(year_dir, front_notebook):
    spec = _spec(year_dir, front_notebook)
    result = NbconvertRenderer().render(spec)
    site = spec.out_dir
    index = (site / "index.html").read_text()
    assert index.count("<h1") == 1 and "The 2026 story" in index and "sos-front-cards" in index
    assert not (site / "front.html").exists() and site / "index.html" in result.pages
    assert '<nav class="sos-toc"' not in index  # the story, then the navigation: no table of contents first
    assert (index.index("The 2026 story") < index.index("Explore the report") < index.index("Data and downloads")
            < index.index("sos-provenance"))  # the build details last
    for href in ("global.html", "methods.html", "codebook.html", "country-QAB.html", "results/datapackage.json",
                 "results/CITATION.cff", "results/manifest.json", "results/global/estimates.csv",
                 "results/QAB/figure-1.csv"):
        assert f'href="{href}"' in index, href
    assert ">Data</a>" in (site / "global.html").read_text()  # the codebook in the navigation bar
    item = re.search(r'<li class="sos-failed">.*?</li>', index, re.S)
    assert item and "not included: input validation error" in item[0] and "<a " not in item[0]
    assert check_links(site) == []


def test_quarto_project_uses_the_front_notebook_as_index(year_dir, front_notebook):
    spec = _spec(year_dir, front_notebook)
    src = write_quarto_project(spec)
    cfg = quarto_config(spec)
    assert cfg["project"]["render"][0] == "index.ipynb" and "front.ipynb" not in cfg["project"]["render"]
    assert not (src / "index.qmd").exists() and not (src / "front.ipynb").exists()
    left = cfg["website"]["navbar"]["left"]
    assert left[0] == {"text": "Overview", "href": "index.html"}
    assert {"text": "Data", "href": "codebook.html"} in left
    nb = nbformat.read(str(src / "index.ipynb"), as_version=4)
    front = yaml.safe_load(nb.cells[0].source.strip("-\n"))
    assert front == {"title": "The 2026 story", "toc": False, "page-layout": "full"}
    kinds = [("appendix" in c.metadata.get("tags", [])) or c.cell_type for c in nb.cells]
    assert kinds[-1] is True and kinds.index("markdown") < len(kinds) - 1  # navigation before the appendix
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "## Explore the report" in markdown and "## Data and downloads" in markdown
    assert "[datapackage.json](results/datapackage.json)" in markdown
    assert "*not included*: input validation error" in markdown
    html_out = "".join(o["data"].get("text/html", "") for c in nb.cells if c.cell_type == "code"
                       for o in c.outputs)
    assert "<h1" not in html_out  # Quarto's title block is the only title


@pytest.mark.quarto
@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto executable not found on PATH")
def test_quarto_render_of_the_front_index(year_dir, front_notebook):
    spec = _spec(year_dir, front_notebook)
    QuartoRenderer().render(spec)
    index = (spec.out_dir / "index.html").read_text()
    assert "The 2026 story" in index and "sos-front-cards" in index and "Explore the report" in index
    assert 'href="results/datapackage.json"' in index
    assert check_links(spec.out_dir) == []
