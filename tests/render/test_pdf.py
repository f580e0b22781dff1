"""The print edition (``solutions render --format pdf``): one PDF typeset by Quarto's Typst format from the
same executed notebooks as the site. Its text (pypdf) must hold the site's headline figures, statuses,
withheld markers and flag marks; every chart and table of the site has its printed counterpart (by its
title or caption) or is named as site-only; it is remade only when something it is made from changed; a
title from the config is printed as text, never run as Typst.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from solutions.render.pdf import SITE_ONLY, typst_string

sys.path.insert(0, str(Path(__file__).parents[1] / "editions"))
from series_build import demo_series, sol  # noqa: E402

pytestmark = [
    pytest.mark.e2e, pytest.mark.quarto, pytest.mark.xdist_group("demo_series"),
    pytest.mark.skipif(shutil.which("quarto") is None,
                       reason="no quarto on PATH (make test puts .quarto-ci/bin there; make quarto installs it)"),
]


def _words(text: str) -> str:
    """Text as compared across HTML and PDF: one space between words, typographic dashes and quotes as is."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    from pypdf import PdfReader

    series = demo_series(tmp_path_factory.getbasetemp())
    proc = sol("render", "--params", str(series.params), "--output", str(series.out), "--format", "pdf")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = series.out / str(series.latest) / "print" / f"state-of-solutions-{series.latest}.pdf"
    assert pdf.is_file(), proc.stdout
    reader = PdfReader(pdf)
    pages = [page.extract_text() or "" for page in reader.pages]
    return series, pdf, pages, proc.stdout


def _site_text(series, name: str) -> BeautifulSoup:
    return BeautifulSoup((series.out / str(series.latest) / "site" / name).read_text(encoding="utf-8"),
                         "html.parser")


def test_one_pdf_with_cover_contents_chapters_and_running_heads(printed) -> None:
    series, pdf, pages, stdout = printed
    assert "printed" in stdout and "chapter(s)" in stdout
    assert len(pages) > 10
    cover = _words(pages[0])
    assert "State of Solutions to Internal Displacement 2026" in cover
    assert "DEMONSTRATION DATA" in cover.upper()
    contents = _words(pages[1])
    assert "Contents" in contents
    for chapter in ("The 2026 edition in brief", "Global overview", "Republic of Aldoria", "Kingdom of Brevonia",
                    "Republic of Cassaline", "Methods", "How to cite"):
        assert chapter in " ".join(_words(p) for p in pages[1:4]), chapter
    # every page after the cover: the demo banner, a running head with the report title, a page number
    n = len(pages)
    for i, text in enumerate(pages[1:], start=2):
        flat = _words(text)
        assert "Demonstration data — not real" in flat, i
        assert f"{i} of {n}" in flat, i
    aldoria = [i for i, p in enumerate(pages) if _words(p).startswith("⚠ Demonstration data") and
               "Republic of Aldoria State of Solutions" in _words(p)]
    assert len(aldoria) > 1  # the chapter's running head continues over its pages


def test_headline_figures_statuses_withheld_and_flags_as_on_the_site(printed) -> None:
    series, _pdf, pages, _ = printed
    text = _words(" ".join(pages))
    cards = [_words(v.get_text()) for name in ("index.html", "global.html")
             for v in _site_text(series, name).select(".sos-front-cards .value, .sos-headline .value")]
    assert len(cards) > 4
    for value in cards:
        assert value in text, value
    page = _site_text(series, "country-QAB.html")
    cells = [_words(td.get_text()) for td in page.select("table td")]
    withheld = sorted({c for c in cells if c.startswith("withheld")})
    flagged = sorted({c for c in cells if "†" in c})
    statuses = sorted({c for c in cells if re.match(r"^[✓✗?∅] ", c)})
    assert withheld and statuses, "the demo chapter has withheld cells and statuses"
    for cell in [*withheld, *flagged, *statuses]:
        assert cell in text, cell


def test_every_chart_and_table_of_the_site_is_printed(printed) -> None:
    series, _pdf, pages, _ = printed
    text = _words(" ".join(pages))
    assert "Only on the site: " + "; ".join(SITE_ONLY) in text  # what paper cannot hold is named
    missing = []
    for name in ("global.html", "country-QAB.html", "country-QAC.html", "country-QAD.html", "methods.html"):
        page = _site_text(series, name)
        for cap in page.select("figure figcaption strong, table caption"):
            said = _words(cap.get_text())
            if said and said not in text:
                missing.append(f"{name}: {said}")
    assert not missing, missing[:10]
    made = json.loads((_pdf.parent / ".made-from.json").read_text())
    assert made["figures"] > 20 and made["tables"] > 20


def test_charts_are_vector_and_sized_for_a4(printed) -> None:
    _series, pdf, _pages, _ = printed
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    width_pt = float(reader.pages[3].mediabox.width)
    assert abs(width_pt - 595.3) < 1  # A4
    images = sum(len(p.images) for p in reader.pages)
    assert images == 0  # the charts are SVG drawn as vector paths and text, never embedded bitmaps


def test_nothing_changed_nothing_redone(printed) -> None:
    series, pdf, _pages, _ = printed
    before = pdf.read_bytes()
    proc = sol("render", "--params", str(series.params), "--output", str(series.out), "--format", "pdf")
    assert proc.returncode == 0, proc.stderr
    assert "print edition up to date" in proc.stdout
    assert pdf.read_bytes() == before


def test_bad_format_is_refused_in_one_line(printed) -> None:
    series, *_ = printed
    proc = sol("render", "--params", str(series.params), "--output", str(series.out), "--format", "docx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == ["error: --format: 'docx' is not site or pdf"]


def test_typst_strings_are_inert() -> None:
    hostile = 'A "title" #import "x": * \\ ] [ $ <l> @r\n= H'
    lit = typst_string(hostile)
    assert lit.startswith('"') and lit.endswith('"')
    inner = lit[1:-1]
    assert '"' not in inner.replace('\\"', "")
    assert "\n" not in inner and "\\n" in inner


def test_config_strings_are_printed_as_text_and_failed_pages_named(year_dir, spec_for) -> None:
    """A title and page names from configs print literally (never Typst markup, code or labels); a page that
    failed is named in the colophon; a second render with nothing changed does nothing."""
    from dataclasses import replace

    import nbformat
    from pypdf import PdfReader

    from solutions.render.pdf import render_pdf

    spec = spec_for(year_dir, demo=False)  # a real report whose QAB chapter is fictional (its page's own banner)
    path = year_dir / "notebooks" / "country-QAB.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": "<div>DEMO BANNER</div>"},
        metadata={"solutions": {"role": "demo-banner"}})]))
    nbformat.write(nb, str(path))
    title = 'Report #emph[x] *bold* $x$ <lab> @ref ] [ "q" \\ {{< include x >}}'
    spec.title = title
    spec.pages = [replace(p, title='Republic of #text(red)[QAB] = ] *') if p.slug == "country-QAB" else p
                  for p in spec.pages]
    first = render_pdf(spec)
    assert not first.up_to_date and first.pdf.is_file()
    text = _words(" ".join(p.extract_text() or "" for p in PdfReader(first.pdf).pages))
    assert title in text
    assert "Republic of #text(red)[QAB] = ] *" in text
    assert "Not included: Failed QAD (input validation error)" in text
    assert "country-cell" in text  # the notebook's table is printed
    pages = [_words(p.extract_text() or "") for p in PdfReader(first.pdf).pages]
    fictional = [p for p in pages if "Republic of #text(red)[QAB] = ] * Report" in p]  # its running heads
    assert fictional and all("this chapter uses fictional data" in p for p in fictional)
    assert not any("fictional" in p for p in pages if p not in fictional)
    again = render_pdf(spec)
    assert again.up_to_date and again.pdf.read_bytes() == first.pdf.read_bytes()
