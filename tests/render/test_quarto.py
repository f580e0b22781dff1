"""Quarto website project generation (no quarto needed) and, when available, a real ``quarto render``."""

from __future__ import annotations

import shutil

import nbformat
import pytest
import yaml

from solutions.render import check_links
from solutions.render.quarto import QuartoRenderer, quarto_config, write_quarto_project

needs_quarto = pytest.mark.skipif(
    shutil.which("quarto") is None, reason="quarto executable not found on PATH"
)


def test_quarto_project_structure(year_dir, spec_for) -> None:
    spec = spec_for(year_dir)
    src = write_quarto_project(spec)
    assert src == year_dir / "site-src"
    cfg = yaml.safe_load((src / "_quarto.yml").read_text())
    assert cfg == quarto_config(spec)
    assert cfg["project"]["type"] == "website"
    assert cfg["project"]["output-dir"] == "_site"
    assert cfg["project"]["render"] == [
        "index.qmd",
        "global.ipynb",
        "country-QAB.ipynb",
        "country-QAC.ipynb",
        "methods.ipynb",
    ]
    assert "results/QAB/estimates.csv" in cfg["project"]["resources"]
    assert cfg["execute"]["enabled"] is False and cfg["execute"]["echo"] is False
    assert cfg["format"]["html"]["toc"] is True
    # the contents after the title on a phone, in the margin on a laptop; no search box (fails axe)
    assert cfg["format"]["html"]["toc-location"] == "right-body" and cfg["website"]["search"] is False
    assert (src / cfg["format"]["html"]["css"][0]).read_text().count("#TOC-body") >= 2
    assert cfg["website"]["title"] == spec.title
    left = cfg["website"]["navbar"]["left"]
    assert [item["text"] for item in left] == ["Overview", "Global", "Countries", "Methods"]
    menu = left[2]["menu"]
    assert [m["href"] for m in menu] == ["country-QAB.ipynb", "country-QAC.ipynb"]  # failed QAD not linked
    assert cfg["format"]["html"]["include-before-body"] == "_demo-banner.html"
    assert "Demonstration data" in (src / "_demo-banner.html").read_text()
    # every file the config points at exists
    for rel in cfg["project"]["render"] + cfg["project"]["resources"]:
        assert (src / rel).is_file(), rel
    for item in left:
        for ref in [item.get("href")] + [m["href"] for m in item.get("menu", [])]:
            if ref:
                assert (src / ref).is_file(), ref


def test_quarto_notebooks_cleaned_and_index(year_dir, spec_for) -> None:
    src = write_quarto_project(spec_for(year_dir))
    nb = nbformat.read(str(src / "country-QAB.ipynb"), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not [o for o in outputs if set(o.get("data", {})) == {"text/plain"}]  # bare '<Figure size ...>'
    assert any("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    index = (src / "index.qmd").read_text()
    front = yaml.safe_load(index.split("---")[1])
    assert front["title"] == "State of Solutions 2026"
    assert "[Republic of QAB (QAB)](country-QAB.ipynb)" in index
    qad = next(line for line in index.splitlines() if "QAD" in line)
    assert "*not included*: input validation error" in qad and "](" not in qad


def test_quarto_regeneration_drops_stale_pages(year_dir, spec_for) -> None:
    write_quarto_project(spec_for(year_dir))
    src = write_quarto_project(spec_for(year_dir, countries=("QAB",)))
    assert not (src / "country-QAC.ipynb").exists()


@pytest.mark.quarto
@needs_quarto
def test_quarto_render_real(year_dir, spec_for) -> None:
    spec = spec_for(year_dir)
    result = QuartoRenderer().render(spec)
    assert result.index.is_file()
    for page in ["global.html", "country-QAB.html", "methods.html"]:
        assert (spec.out_dir / page).is_file()
    assert (spec.out_dir / "results" / "QAB" / "estimates.csv").is_file()
    html = (spec.out_dir / "country-QAB.html").read_text()
    assert "SECRET-STDERR" not in html and "plt.subplots" not in html
    assert check_links(spec.out_dir) == []
    from solutions.render import check_offline

    assert check_offline(spec.out_dir) == []  # Quarto's CDN widget scripts were stripped
    assert 'id="TOC-body"' in html and html.index('class="title"') < html.index('id="TOC-body"')


def test_cdn_widget_scripts_are_stripped(tmp_path) -> None:
    """Quarto adds require.js and jQuery from a CDN to any page with HTML output; the site must stay offline."""
    from solutions.render import check_offline
    from solutions.render.quarto import strip_cdn_widget_scripts

    head = (
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js" integrity="x" '
        'crossorigin="anonymous"></script>\n'
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.5.1/jquery.min.js" integrity="y" '
        'crossorigin="anonymous" data-relocate-top="true"></script>\n'
        "<script type=\"application/javascript\">define('jquery', [],function() {return window.jQuery;})</script>\n"
    )
    page = tmp_path / "global.html"
    page.write_text(f"<html><head>{head}<script src=\"site_libs/own.js\"></script></head><body></body></html>")
    assert check_offline(tmp_path)
    assert strip_cdn_widget_scripts(tmp_path) == 3
    assert check_offline(tmp_path) == [] and "site_libs/own.js" in page.read_text() and "define(" not in page.read_text()


def test_quarto_keeps_svg_charts_with_alt_text(tmp_path) -> None:
    """The report's charts (SVG <img> data URIs in text/html outputs) reach the Quarto project intact."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from solutions.render.base import Page
    from solutions.render.quarto import _publishable
    from solutions.report import figures

    fig = Figure(figsize=(2, 1))
    fig.text(0.5, 0.5, "chart text")
    markup = figures.figure_html(fig, title="A chart", caption="Caption.", alt="Alt text of the chart")
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output("display_data", data={"text/html": markup})])])
    path = tmp_path / "country-QAB.ipynb"
    nbformat.write(nb, str(path))
    published = _publishable(Page("country-QAB", "Country", path, "country"))
    html = "".join(o["data"]["text/html"] for c in published.cells if c.cell_type == "code" for o in c.outputs)
    assert '<img src="data:image/svg+xml;base64,' in html and 'alt="Alt text of the chart"' in html
