"""nbconvert static-site renderer: structure, cleanliness, offline, determinism, atomicity, incremental."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from solutions.render import RenderError, check_links, check_offline
from solutions.render.nbconvert_site import NbconvertRenderer

PAGES = ["global.html", "country-QAB.html", "country-QAC.html", "methods.html"]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_index_pages_assets_and_downloads_exist(built) -> None:
    spec, result = built
    site = spec.out_dir
    assert result.renderer == "nbconvert"
    assert result.index == site / "index.html" and result.index.is_file()
    assert sorted(p.name for p in result.pages) == sorted(PAGES)
    for name in PAGES:
        assert (site / name).is_file()
    assert (site / "assets" / "site.css").is_file()
    assert (site / "results" / "QAB" / "estimates.csv").read_text().startswith("country,estimate")
    assert (site / "results" / "global" / "estimates.csv").is_file()
    index = _read(site / "index.html")
    for name in PAGES:
        assert f'href="{name}"' in index
    assert 'href="results/QAB/estimates.csv"' in index
    assert 'href="results/QAB/estimates.csv"' in _read(site / "country-QAB.html")
    assert 'href="results/global/estimates.csv"' in _read(site / "global.html")


def test_all_internal_links_resolve_and_nothing_is_online(built) -> None:
    spec, result = built
    assert check_links(spec.out_dir) == []
    assert check_offline(spec.out_dir) == []
    assert not [w for w in result.warnings if w.startswith(("broken", "online"))]
    for page in ["index.html", *PAGES]:
        html = _read(spec.out_dir / page)
        assert not re.search(r"<script[^>]*\ssrc=[\"']?(https?:)?//", html, re.I)
        assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", html, re.I)
        assert "cdn" not in html.lower()


def test_content_kept_code_and_stray_outputs_dropped(built) -> None:
    spec, _ = built
    html = _read(spec.out_dir / "country-QAB.html")
    assert "country-cell</td>" in html  # HTML output of a code cell
    assert "data:image/png;base64," in html  # the matplotlib figure
    for gone in (
        "%matplotlib",
        "import html",
        "plt.subplots",
        "warnings.warn",
        "jp-InputArea",
        "In&nbsp;[",
        "Out[",
        "SECRET-WARNING",
        "SECRET-STDERR",
        "UserWarning",
        "&lt;Figure size",
        "<Figure size",
        "matplotlib.figure",
    ):
        assert gone not in html, gone
    # printed via HTML(html.escape(...)): visible as text, never as a live script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_navbar_toc_and_anchors(built) -> None:
    spec, _ = built
    for page in ["index.html", *PAGES]:
        html = _read(spec.out_dir / page)
        assert '<nav class="sos-nav"' in html and 'href="index.html"' in html
        assert (
            'href="global.html"' in html
            and 'href="methods.html"' in html
            and 'href="country-QAB.html"' in html
        )
        assert 'href="assets/site.css"' in html
    html = _read(spec.out_dir / "global.html")
    toc = re.search(r'<nav class="sos-toc".*?</nav>', html, re.S)
    assert toc
    entries = re.findall(r'<li class="sos-toc-h(\d)"><a href="#([^"]+)">([^<]+)</a>', toc[0])
    assert [(lvl, text) for lvl, _, text in entries] == [
        ("2", "Key findings"),
        ("3", "Detail by group"),
        ("2", "Chart"),
        ("2", "Key findings"),
    ]
    anchors = [a for _, a, _ in entries]
    # duplicate headings get distinct anchors, numbered as Pandoc (so Quarto) numbers them: a deep link to the
    # second "Key findings" is #key-findings-1 whichever renderer built the site
    assert anchors == ["key-findings", "detail-by-group", "chart", "key-findings-1"]
    for a in anchors:
        assert f'id="{a}"' in html


def test_title_comes_before_the_contents(built) -> None:
    """The page title leaves the notebook body for the page head, so that on a phone (where the sidebar
    becomes a block) the table of contents follows the title instead of preceding it."""
    spec, _ = built
    html = _read(spec.out_dir / "country-QAB.html")
    h1, toc, body = html.index("<h1"), html.index('<nav class="sos-toc"'), html.index('<div class="sos-body">')
    assert h1 < toc < body and html.count("<h1") == 1
    assert html.index('<main id="sos-main"') < h1  # the title is part of the main landmark
    css = _read(spec.out_dir / "assets" / "site.css")
    assert '"toc head" "toc body"' in css


def test_responsive_stylesheet(built) -> None:
    spec, _ = built
    css = _read(spec.out_dir / "assets" / "site.css")
    assert "@media (max-width" in css and "flex-wrap: wrap" in css
    assert 'name="viewport"' in _read(spec.out_dir / "index.html")


def test_demo_banner_on_every_page(built, year_dir, spec_for) -> None:
    spec, _ = built
    for page in ["index.html", *PAGES]:
        assert "sos-demo-banner" in _read(spec.out_dir / page)
    plain = spec_for(year_dir, demo=False)
    NbconvertRenderer().render(plain)
    for page in ["index.html", *PAGES]:
        assert "sos-demo-banner" not in _read(plain.out_dir / page)


def test_failed_country_listed_without_link(built) -> None:
    spec, result = built
    index = _read(spec.out_dir / "index.html")
    item = re.search(r'<li class="sos-failed">.*?</li>', index, re.S)
    assert item and "Failed QAD" in item[0] and "not included: input validation error" in item[0]
    assert "<a " not in item[0]
    assert not (spec.out_dir / "country-QAD.html").exists()
    assert all("country-QAD.html" not in _read(spec.out_dir / p) for p in ["index.html", *PAGES])
    assert any("country-QAD" in w for w in result.warnings)


def test_two_renders_identical_bytes(year_dir, spec_for) -> None:
    spec = spec_for(year_dir)
    NbconvertRenderer().render(spec)
    first = _snapshot(spec.out_dir)
    NbconvertRenderer().render(spec)  # changed=None: everything re-rendered from scratch
    assert _snapshot(spec.out_dir) == first


def test_incremental_rerenders_only_changed_pages_but_always_the_nav(year_dir, spec_for) -> None:
    r1 = NbconvertRenderer().render(spec_for(year_dir))
    assert sorted(r1.rendered) == ["country-QAB", "country-QAC", "global", "methods"]
    before = _read(year_dir / "site" / "country-QAC.html")
    # a new country appears: only its page and the changed one render, every page's nav lists it
    (year_dir / "notebooks" / "country-QAE.ipynb").write_bytes(
        (year_dir / "notebooks" / "country-QAB.ipynb").read_bytes()
    )
    spec = spec_for(year_dir, countries=("QAB", "QAC", "QAE"), changed={"country-QAB"})
    r2 = NbconvertRenderer().render(spec)
    assert sorted(r2.rendered) == ["country-QAB", "country-QAE"]  # QAE had no cached body yet
    for page in ["index.html", *PAGES, "country-QAE.html"]:
        assert 'href="country-QAE.html"' in _read(spec.out_dir / page)
    assert before != _read(spec.out_dir / "country-QAC.html")  # nav regenerated
    assert check_links(spec.out_dir) == []


def test_failed_render_leaves_previous_site_untouched(year_dir, spec_for) -> None:
    spec = spec_for(year_dir)
    NbconvertRenderer().render(spec)
    before = _snapshot(spec.out_dir)
    (year_dir / "notebooks" / "methods.ipynb").write_text("{ not json")
    with pytest.raises(RenderError, match="methods.ipynb"):
        NbconvertRenderer().render(spec_for(year_dir))
    assert _snapshot(spec.out_dir) == before
    assert sorted(p.name for p in year_dir.iterdir() if p.name.startswith(".site-")) in ([], [".site-cache"])


def test_render_six_pages(executed, tmp_path) -> None:
    from .conftest import make_spec, make_year

    year = make_year(executed, tmp_path / "2026", countries=("QAB", "QAC", "QAD", "QAE"))
    result = NbconvertRenderer().render(make_spec(year, countries=("QAB", "QAC", "QAD", "QAE"), failed=()))
    assert len(result.pages) == 6 and all(p.is_file() for p in result.pages)
