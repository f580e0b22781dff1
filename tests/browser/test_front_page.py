"""The front page in a real Chromium, rendered by each renderer from the session's demo build: the year's
story (title, headline figures, the criteria x countries overview) in the first screen at 1366 x 768, and no
column of the overview cut or scrolled away, neither at 1366 px nor on a 375 px phone."""

from __future__ import annotations

import shutil

import pytest

from .conftest import site_of
from .support import MISSING_REASON, chromium_paths, load, serve

if chromium_paths() is None:
    pytest.skip(MISSING_REASON, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.xdist_group("browser")]

LAPTOP = (1366, 768)
PHONE = (375, 812)


@pytest.fixture(scope="module", params=["nbconvert", "quarto"])
def front_url(request, built_site):
    """The session's site as this renderer wrote it (the build's nbconvert site; the executed notebooks rendered
    by Quarto into a copy, shared with the other browser tests: rendered once per run); the index's URL."""
    renderer = request.param
    if renderer == "quarto" and shutil.which("quarto") is None:
        pytest.skip("quarto executable not found on PATH")
    with serve(site_of(built_site, renderer).site) as url:
        yield url + "index.html"


@pytest.fixture(scope="module")
def laptop(driver):
    """The session's 1366 x 768 Chromium (one browser start per run, not one per module)."""
    return driver


@pytest.fixture(scope="module")
def phone(phone_driver):
    """The session's 375 px phone Chromium."""
    return phone_driver


_GEOMETRY_JS = """
const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
  return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, left: r.left, right: r.right}; };
const table = document.querySelector('table.sos-front-grid');
const wrap = table && table.closest('.sos-table-wrap');
const cells = table ? Array.from(table.querySelectorAll('th, td')).map(box) : [];
const chips = table ? table.querySelectorAll('tbody .sos-status').length : 0;
return {
  width: window.innerWidth, height: window.innerHeight,
  scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
  h1: box(document.querySelector('h1')), cards: box(document.querySelector('.sos-front-cards')),
  table: box(table), chips: chips,
  wrapScroll: wrap ? wrap.scrollWidth - wrap.clientWidth : null,
  cellRight: Math.max(...cells.map(c => c.right)), cellLeft: Math.min(...cells.map(c => c.left)),
  firstSection: box(document.querySelector('.sos-front-cards, .sos-front-hero')),
  changed: Array.from(document.querySelectorAll('h2')).some(h => h.textContent.includes('What changed')),
  rows: table ? table.querySelectorAll('tbody tr').length : 0,
};
"""


def _geometry(driver, url: str) -> dict:
    load(driver, url)
    return driver.execute_script(_GEOMETRY_JS)


def test_the_story_fits_the_first_screen_of_a_laptop(laptop, front_url, built_site):
    g = _geometry(laptop, front_url)
    assert g["width"] == LAPTOP[0]
    assert g["h1"] and g["cards"] and g["table"], g
    assert g["rows"] == len(built_site.countries) and g["chips"] == 8 * len(built_site.countries)
    # title, headline figures and the whole criteria x countries overview before the fold
    assert g["h1"]["top"] < g["cards"]["top"] < g["table"]["top"]
    assert g["table"]["bottom"] <= LAPTOP[1], f"the overview ends at {g['table']['bottom']:.0f}px"
    assert g["changed"]


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_no_key_column_is_cut(request, size, front_url):
    driver = request.getfixturevalue(size)
    g = _geometry(driver, front_url)
    assert g["scroll"] <= g["width"] + 2, f"{size}: the page is {g['scroll']}px wide in a {g['width']}px window"
    assert g["wrapScroll"] is not None and g["wrapScroll"] <= 1, (
        f"{size}: the overview scrolls sideways by {g['wrapScroll']}px: a criterion column is out of view")
    assert g["cellLeft"] >= 0 and g["cellRight"] <= g["width"], g


def test_title_comes_first_on_a_phone(phone, front_url):
    g = _geometry(phone, front_url)
    assert g["h1"]["top"] < g["firstSection"]["top"]
    assert g["h1"]["top"] < 400, "the title must open the page on a phone, not a table of contents"
