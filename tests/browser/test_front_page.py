"""The front page in a real Chromium, rendered by each renderer from the session's demo build: the year's
story (title, headline figures, the criteria x countries overview) in the first screen at 1366 x 768, and no
column of the overview cut or scrolled away, neither at 1366 px nor on a 375 px phone."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import _solutions_cmd
from .support import MISSING_REASON, chromium_paths, load, make_driver, serve

if chromium_paths() is None:
    pytest.skip(MISSING_REASON, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.xdist_group("browser")]

LAPTOP = (1366, 768)
PHONE = (375, 812)


@pytest.fixture(scope="module", params=["nbconvert", "quarto"])
def front_url(request, built_site, tmp_path_factory):
    """The session's executed notebooks rendered again, by this renderer, into a copy; the index's URL."""
    renderer = request.param
    if renderer == "quarto" and shutil.which("quarto") is None:
        pytest.skip("quarto executable not found on PATH")
    out = tmp_path_factory.mktemp(f"front-{renderer}") / "outputs"
    shutil.copytree(built_site.root / "outputs" / str(built_site.year), out / str(built_site.year),
                    ignore=shutil.ignore_patterns("site", "site-src", ".site-cache"))
    proc = subprocess.run([*_solutions_cmd(), "render", "--params", str(built_site.root / "params" / "global.yml"),
                           "--output", str(out), "--renderer", renderer], capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with serve(out / str(built_site.year) / "site") as url:
        yield url + "index.html"


@pytest.fixture(scope="module")
def laptop(tmp_path_factory):
    drv = make_driver(tmp_path_factory.mktemp("front-laptop"), size=LAPTOP)
    yield drv
    drv.quit()


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    drv = make_driver(tmp_path_factory.mktemp("front-phone"), size=PHONE, mobile=True)
    yield drv
    drv.quit()


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
