"""Quarto website project generation (no quarto needed) and, when available, a real ``quarto render``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from solutions.render import check_links
from solutions.render.quarto import QuartoRenderer, quarto_config, write_quarto_project
from solutions.render.quarto_shards import SHARDS_DIRNAME, processes, split

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
    assert [m["href"] for m in menu] == ["country-QAB.html", "country-QAC.html"]  # failed QAD not linked
    assert cfg["format"]["html"]["include-before-body"] == "_demo-banner.html"
    assert "Demonstration data" in (src / "_demo-banner.html").read_text()
    # every file the config points at exists
    for rel in cfg["project"]["render"] + cfg["project"]["resources"]:
        assert (src / rel).is_file(), rel
    for item in left:  # each link is a page the project renders (links name the rendered file)
        for ref in [item.get("href")] + [m["href"] for m in item.get("menu", [])]:
            if ref:
                assert any(Path(r).with_suffix(".html").name == ref for r in cfg["project"]["render"]), ref


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
    assert "[Republic of QAB (QAB)](country-QAB.html)" in index
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


@pytest.mark.quarto
@needs_quarto
def test_quarto_processes_at_once_render_the_site_one_process_renders(year_dir, spec_for, tmp_path) -> None:
    one = spec_for(year_dir)
    QuartoRenderer(processes=1).render(one)
    alone = tmp_path / "one-process"
    shutil.move(one.out_dir, alone)
    QuartoRenderer(processes=3).render(spec_for(year_dir))
    files = sorted(p.relative_to(alone).as_posix() for p in alone.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(one.out_dir).as_posix() for p in one.out_dir.rglob("*") if p.is_file())
    assert len([f for f in files if f.endswith(".html")]) >= 5
    for rel in files:  # every page, library and download the same bytes; the search index the same entries
        a, b = (alone / rel).read_bytes(), (one.out_dir / rel).read_bytes()
        if rel == "search.json":
            entries = [sorted(json.dumps(e, sort_keys=True) for e in json.loads(x)) for x in (a, b)]
            assert entries[0] == entries[1] and entries[0]
        else:
            assert a == b, rel
    assert not (year_dir / SHARDS_DIRNAME).exists()  # the copies are gone


def test_a_failing_quarto_process_fails_the_render_and_leaves_the_site(year_dir, spec_for, tmp_path) -> None:
    fake = tmp_path / "quarto"  # renders nothing: says which pages it was given, and fails
    fake.write_text("#!/bin/sh\nsleep 1\necho \"cannot render $(grep -c ipynb \"$2/_quarto.yml\") pages\"\nexit 3\n")
    fake.chmod(0o755)
    spec = spec_for(year_dir)
    spec.out_dir.mkdir(parents=True)
    (spec.out_dir / "index.html").write_text("the last good site")
    from solutions.render import RenderError

    with pytest.raises(RenderError, match=r"quarto render failed \(exit 3\):\ncannot render \d+ pages"):
        QuartoRenderer(quarto=str(fake), processes=2).render(spec)
    assert (spec.out_dir / "index.html").read_text() == "the last good site"
    assert not (year_dir / SHARDS_DIRNAME).exists()


def test_pages_are_split_by_size_and_processes_by_cores(tmp_path) -> None:
    sizes = {"index.ipynb": 50, "global.ipynb": 400, "country-A.ipynb": 900, "country-B.ipynb": 800,
             "country-C.ipynb": 700, "methods.ipynb": 60}
    sources = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        sources.append(tmp_path / name)
    groups = split(sources, 2)
    assert sorted(p for g in groups for p in g) == sorted(sizes)  # every page once
    loads = [sum(sizes[p] for p in g) for g in groups]
    assert max(loads) - min(loads) <= 400  # about equal bytes
    order = list(sizes)
    assert all(g == sorted(g, key=order.index) for g in groups)  # each group in the site's order
    assert [sorted(g) for g in split(list(reversed(sources)), 2)] == [sorted(g) for g in groups]  # by size only
    assert split(sources, 1) == [order]
    assert processes(8, cpus=2) == 2 and processes(8, cpus=16) == 4 and processes(3, cpus=4) == 1
    assert processes(1, cpus=1) == 1


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
