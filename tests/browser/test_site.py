"""The built demo website in a real (headless) Chromium: clean loads, no external requests, working
links, alt texts, the demo banner, inert hostile narratives and phone width (axe-core: test_one_voice.py).

One demo build per session (see conftest.py), served over http on 127.0.0.1.
"""

from __future__ import annotations

import html.parser
import urllib.error
import urllib.parse
import urllib.request
from functools import cache

import pytest

from solutions.render.quarto import BODY_WIDTH_REM

from .support import (
    DESKTOP,
    HOSTILE_CRITERION_TEXT,
    HOSTILE_ISO3,
    HOSTILE_SUMMARY,
    MISSING_REASON,
    PHONE,
    chromium_paths,
    load,
)

if chromium_paths() is None:
    pytest.skip(MISSING_REASON, allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402 - selenium only matters when chromium exists

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.xdist_group("browser")]

COUNTRIES = ("QAB", "QAC", "QAD", "QAE")  # what `solutions demo` writes
PAGES = ("index", "global", "methods", "codebook", *(f"country-{c}" for c in COUNTRIES))

# Chromium asks every origin for /favicon.ico by itself; the site has none, which is not a page error.
IGNORED_CONSOLE = ("/favicon.ico",)


def page_url(site_url: str, page: str) -> str:
    return f"{site_url}{page}.html"


@pytest.fixture(scope="module", params=PAGES)
def page(request) -> str:
    """The page under test. Module-scoped so that pytest runs all checks of one page in a row, which
    lets the read-only checks reuse the page already open instead of loading it again."""
    return request.param


def ensure(driver, url: str) -> None:
    """Load ``url`` unless it is already the open page (read-only checks share one load per page)."""
    if driver.current_url != url:
        load(driver, url)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --------------------------------------------------------------------------- the set of pages


def test_site_has_the_expected_pages(rendered):
    """The parametrised page list below covers every page the build writes, with either renderer."""
    assert rendered.countries == COUNTRIES, "demo countries changed: update COUNTRIES in this module"
    written = sorted(p.stem for p in rendered.site.glob("*.html"))
    assert written == sorted(PAGES)
    assert (rendered.site / ("assets/site.css" if rendered.renderer == "nbconvert" else "sos-quarto.css")).is_file()
    charts = sorted((rendered.site / "results").glob("*/charts/*.csv"))
    assert len(charts) > 20, "the charts' data files are not in the site"


# --------------------------------------------------------------------------- clean loads


def test_page_loads_without_console_errors(driver, site_url, page):
    driver.get_log("browser")  # drop what earlier pages left
    load(driver, page_url(site_url, page))
    entries = driver.get_log("browser")
    severe = [
        e
        for e in entries
        if e.get("level") == "SEVERE" and not any(s in e.get("message", "") for s in IGNORED_CONSOLE)
    ]
    assert not severe, f"{page}: console errors:\n" + "\n".join(
        f"  [{e.get('source')}] {e.get('message', '')[:400]}" for e in severe
    )
    title = driver.title
    assert title and "404" not in title, f"{page}: odd title {title!r}"


_RESOURCES_JS = """
return performance.getEntriesByType('navigation').map(e => e.name)
  .concat(performance.getEntriesByType('resource').map(e => e.name));
"""


def test_page_requests_nothing_off_loopback(driver, site_url, page):
    ensure(driver, page_url(site_url, page))
    origin = _origin(site_url)
    names = driver.execute_script(_RESOURCES_JS)
    assert names, f"{page}: the Performance API reported no entries at all"
    allowed = (origin + "/", "data:", "blob:" + origin + "/")
    foreign = sorted({n for n in names if not n.startswith(allowed)})
    assert not foreign, f"{page}: requests to non-loopback hosts:\n  " + "\n  ".join(foreign[:20])


# --------------------------------------------------------------------------- links and images


class _Anchors(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@cache
def _fetch(url: str) -> tuple[int, str, str]:
    """(status, content type, text when HTML) of a GET on the local server."""
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 - loopback only
            ctype = resp.headers.get("Content-Type", "")
            body = resp.read()
            text = body.decode("utf-8", "replace") if "html" in ctype else ""
            return resp.status, ctype, text
    except urllib.error.HTTPError as err:
        return err.code, "", ""


@cache
def _ids(url: str) -> frozenset[str]:
    parser = _Anchors()
    parser.feed(_fetch(url)[2])
    return frozenset(parser.ids)


_LINKS_JS = """
const out = [];
for (const [sel, attr] of [['a[href]', 'href'], ['img[src]', 'src'], ['link[href]', 'href'],
                           ['script[src]', 'src']]) {
  for (const el of document.querySelectorAll(sel)) {
    out.push([el.tagName.toLowerCase(), el.getAttribute(attr), new URL(el.getAttribute(attr), document.baseURI).href]);
  }
}
return out;
"""


def test_internal_links_resolve(driver, site_url, page):
    here = page_url(site_url, page)
    ensure(driver, here)
    links = driver.execute_script(_LINKS_JS)
    origin = _origin(site_url)
    problems: list[str] = []
    checked = 0
    for tag, raw, absolute in links:
        if absolute.startswith(("data:", "blob:", "mailto:", "javascript:")):
            continue
        if not absolute.startswith(origin + "/"):
            if tag != "a":  # an external <img>/<link>/<script> is a request off the machine
                problems.append(f"<{tag}> {raw!r}: external resource")
            continue
        target, _, fragment = absolute.partition("#")
        checked += 1
        status = _fetch(target)[0]
        if status != 200:
            problems.append(f"<{tag}> {raw!r}: HTTP {status}")
            continue
        if fragment:
            anchor = urllib.parse.unquote(fragment)
            if target == here:
                found = driver.execute_script(
                    "return !!(document.getElementById(arguments[0]) || document.getElementsByName(arguments[0]).length)",
                    anchor,
                )
            else:
                found = anchor in _ids(target)
            if not found:
                problems.append(f"<{tag}> {raw!r}: no element with id {anchor!r} on {target[len(origin) :]}")
    assert checked, f"{page}: no internal link found at all"
    assert not problems, f"{page}: {len(problems)} broken link(s):\n  " + "\n  ".join(
        sorted(set(problems))[:40]
    )


_NO_ALT_JS = """
return Array.from(document.images)
  .filter(img => !(img.getAttribute('alt') || '').trim())
  .map(img => img.outerHTML.replace(/src="data:[^"]{40,}"/, 'src="data:…"').slice(0, 200));
"""


def test_images_have_alt_text(driver, site_url, page):
    ensure(driver, page_url(site_url, page))
    missing = driver.execute_script(_NO_ALT_JS)
    assert not missing, f"{page}: {len(missing)} <img> without alt text:\n  " + "\n  ".join(missing[:10])


# --------------------------------------------------------------------------- demo banner


def test_demo_banner_visible_at_top(driver, site_url, page):
    ensure(driver, page_url(site_url, page))
    driver.execute_script("window.scrollTo(0, 0)")
    candidates = driver.find_elements(
        By.XPATH,
        "//body//*[contains(normalize-space(.), 'Demonstration data')]"
        "[not(self::script or self::style)]"
        "[not(.//*[contains(normalize-space(.), 'Demonstration data')])]",
    )
    shown = [el for el in candidates if el.is_displayed()]
    assert shown, f"{page}: no visible 'Demonstration data' banner"
    banner = min(shown, key=lambda el: el.rect["y"])
    viewport = driver.execute_script("return window.innerHeight")
    assert banner.rect["y"] < viewport / 2, (
        f"{page}: the first visible demo banner starts at y={banner.rect['y']:.0f}px, "
        f"not at the top of the page (viewport {viewport}px)"
    )
    headings = [h for h in driver.find_elements(By.CSS_SELECTOR, "main h1, h1") if h.is_displayed()]
    if headings:
        assert banner.rect["y"] <= headings[0].rect["y"], (
            f"{page}: the demo banner comes after the page title"
        )


# --------------------------------------------------------------------------- hostile narrative


def test_hostile_narrative_is_inert(driver, site_url):
    page = f"country-{HOSTILE_ISO3}"
    driver.get_log("browser")
    load(driver, page_url(site_url, page))
    assert driver.execute_script("return typeof window.__pwned") == "undefined", "narrative script executed"
    text = driver.find_element(By.TAG_NAME, "body").text
    for literal in (
        "<script>window.__pwned=1</script>",
        '<img src=x onerror="window.__pwned=2">',
        "<b>bold</b>",
    ):
        assert literal in text, f"{page}: the literal {literal!r} is not shown as text"
    shown = driver.find_element(By.XPATH, "//*[text()[contains(., '<script>window.__pwned=1')]]")
    assert shown.is_displayed()
    injected = driver.execute_script(
        """
        return {
          scripts: Array.from(document.scripts).filter(s => s.textContent.includes('__pwned')).length,
          handlers: Array.from(document.querySelectorAll('[onerror]'))
                      .filter(e => e.getAttribute('onerror').includes('__pwned')).length,
          imgX: document.querySelectorAll('img[src="x"]').length,
          bold: Array.from(document.querySelectorAll('b')).filter(b => b.textContent === 'bold').length,
        };
        """
    )
    assert injected == {"scripts": 0, "handlers": 0, "imgX": 0, "bold": 0}, injected
    # Markdown still works in the same narrative: escaping is not a blunt "show everything raw".
    strong = driver.execute_script(
        "return Array.from(document.querySelectorAll('strong')).map(s => s.textContent)"
    )
    assert "still Markdown" in strong, "Markdown emphasis in the narrative summary is not rendered"
    assert "**still Markdown**" not in text
    # Both hostile texts made it to the page at all (otherwise the checks above prove nothing).
    assert HOSTILE_SUMMARY.split("**")[0].strip() in text
    assert HOSTILE_CRITERION_TEXT in text


# accessibility: axe-core runs once per page and width in test_one_voice.py (WCAG rules, and serious or
# critical best-practice ones)


# --------------------------------------------------------------------------- phone width

_OVERFLOW_JS = """
const limit = window.innerWidth + 2;
const clipped = el => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const ox = getComputedStyle(p).overflowX;
    if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
  }
  return false;
};
const offenders = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.right <= limit || clipped(el)) continue;
  if (el.parentElement && el.parentElement !== document.body) {
    const pr = el.parentElement.getBoundingClientRect();
    if (pr.right > limit && !clipped(el.parentElement)) continue;  // report the outermost only
  }
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  offenders.push(name + ' right=' + Math.round(r.right) + 'px');
}
return {scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
        width: window.innerWidth, offenders: offenders.slice(0, 15)};
"""


def test_no_horizontal_scroll_on_phone(phone_driver, site_url, page):
    load(phone_driver, page_url(site_url, page))
    got = phone_driver.execute_script(_OVERFLOW_JS)
    assert got["width"] == PHONE[0], f"phone emulation failed: window width {got['width']}px"
    assert got["scroll"] <= got["width"] + 2, (
        f"{page}: at {PHONE[0]}px the page is {got['scroll']}px wide (horizontal scroll). "
        "Outermost elements sticking out:\n  " + "\n  ".join(got["offenders"])
    )


# --------------------------------------------------------------------------- tables that fit

_KEY_COLUMNS_JS = """
document.querySelectorAll('details').forEach(d => { d.open = true; });
const problems = [];
let checked = 0;
const label = el => {
  const block = el.closest('.sos-table-block');
  const cap = block ? block.querySelector('.sos-table-caption') : null;
  const table = el.closest('table');
  let column = el.getAttribute('data-label') || '';
  if (!column && el.tagName === 'TH') column = el.textContent.trim();
  if (!column && table) {
    const th = table.querySelectorAll('thead th')[el.cellIndex];
    column = th ? th.textContent.trim() : '?';
  }
  return (cap ? cap.textContent.trim().slice(0, 60) : '(no caption)') + ' / ' + column;
};
for (const el of document.querySelectorAll('table .sos-key')) {
  if (!el.textContent.trim()) continue;
  const r = el.getBoundingClientRect();
  const wrap = el.closest('.sos-table-wrap');
  if (wrap && getComputedStyle(el.closest('thead') || el).position === 'absolute') continue;  // a phone card's hidden header
  if (r.width === 0 || r.height === 0) { problems.push(label(el) + ': not shown'); continue; }
  checked += 1;
  const box = wrap ? wrap.getBoundingClientRect() : {left: 0, right: window.innerWidth};
  const right = Math.min(box.right, document.documentElement.clientWidth);
  const left = Math.max(box.left, 0);
  if (r.right > right + 1 || r.left < left - 1) {
    problems.push(label(el) + ': spans ' + Math.round(r.left) + '-' + Math.round(r.right) + 'px, visible ' +
                  Math.round(left) + '-' + Math.round(right) + 'px');
  }
}
return {checked, problems: Array.from(new Set(problems)).slice(0, 25)};
"""

KEY_TABLE_PAGES = ("global", *(f"country-{c}" for c in COUNTRIES))


@pytest.mark.parametrize("width", ["laptop", "phone"])
@pytest.mark.parametrize("table_page", KEY_TABLE_PAGES)
def test_key_columns_stay_in_view(driver, phone_driver, site_url, table_page, width):
    """Estimate, CI, gap and status (and every criterion of the heatmap table) are in view without
    scrolling a table sideways: at 1366 px the tables fit, at 375 px they stack into one card per row."""
    drv = driver if width == "laptop" else phone_driver
    load(drv, page_url(site_url, table_page))
    got = drv.execute_script(_KEY_COLUMNS_JS)
    size = DESKTOP[0] if width == "laptop" else PHONE[0]
    assert got["checked"] > 10, f"{table_page}: almost no key column found ({got['checked']})"
    assert not got["problems"], f"{table_page} at {size}px: key columns cut off:\n  " + "\n  ".join(got["problems"])


_TEXT_COLUMN_JS = """
const h2 = Array.from(document.querySelectorAll('h2'))
  .find(h => h.getBoundingClientRect().width > 0 && !h.closest('nav, aside, #TOC-body'));
return {width: h2 ? h2.getBoundingClientRect().width : null,
        rem: parseFloat(getComputedStyle(document.documentElement).fontSize)};
"""


def test_text_column_as_wide_on_both_renderers(driver, site_url, rendered):
    """At 1366 px the text column (a section heading's box) is BODY_WIDTH_REM root ems wide whichever renderer
    built the page: nbconvert's site.css, and the grid quarto.py gives Quarto (in pixels, from Quarto's root
    size, which this also checks). At Quarto's default 800 px the key-indicators table ran past its box."""
    load(driver, page_url(site_url, f"country-{COUNTRIES[0]}"))
    got = driver.execute_script(_TEXT_COLUMN_JS)
    assert got["width"] is not None, "no visible section heading"
    assert abs(got["width"] - BODY_WIDTH_REM * got["rem"]) <= 1.5, (rendered.renderer, got)


_TITLE_AND_CONTENTS_JS = """
const h1 = Array.from(document.querySelectorAll('h1')).find(h => h.getBoundingClientRect().height > 0);
const tocs = Array.from(document.querySelectorAll('nav.sos-toc, nav[role="doc-toc"]'))
  .filter(n => n.getBoundingClientRect().height > 0);
return {h1: h1 ? h1.getBoundingClientRect().top + window.scrollY : null,
        tocs: tocs.map(n => n.getBoundingClientRect().top + window.scrollY)};
"""


def test_contents_follow_the_title_on_a_phone(phone_driver, site_url):
    load(phone_driver, page_url(site_url, f"country-{COUNTRIES[0]}"))
    got = phone_driver.execute_script(_TITLE_AND_CONTENTS_JS)
    assert got["h1"] is not None and got["tocs"], f"no visible title or table of contents: {got}"
    assert all(t > got["h1"] for t in got["tocs"]), f"the table of contents comes before the title: {got}"


_TITLE_UNDER_BARS_JS = """
window.scrollTo(0, 0);
const h1 = Array.from(document.querySelectorAll('h1')).find(h => h.getBoundingClientRect().height > 0);
const bars = Array.from(document.querySelectorAll('body *')).filter(el => {
  const pos = getComputedStyle(el).position, r = el.getBoundingClientRect();
  return (pos === 'fixed' || pos === 'sticky') && r.height > 0 && r.top <= 0 + 1 && r.bottom > 0;
}).map(el => ({name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''),
               bottom: el.getBoundingClientRect().bottom}));
return {h1: h1 ? h1.getBoundingClientRect().top : null, text: h1 ? h1.textContent.trim() : '', bars: bars};
"""


@pytest.mark.parametrize("width", ["laptop", "phone"])
def test_no_bar_covers_the_page_title(driver, phone_driver, site_url, page, width):
    """A fixed or sticky bar at the top (Quarto's navbar, whose site title wraps to three lines on a phone:
    Quarto's script pads the body by the header's measured height) ends above the page title: the reader
    sees the whole title when the page opens."""
    d = driver if width == "laptop" else phone_driver
    load(d, page_url(site_url, page))
    got = d.execute_script(_TITLE_UNDER_BARS_JS)
    assert got["h1"] is not None, f"{page}: no visible title"
    covering = [b for b in got["bars"] if b["bottom"] > got["h1"] + 1]
    assert not covering, f"{page} ({width}): {covering} cover the title {got['text']!r} (its top at {got['h1']}px)"


# --------------------------------------------------------------------------- what the pages say


class _Text(html.parser.HTMLParser):
    """The visible text of a page (script and style content left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _page_text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


PARITY = ("same level", "on par", "at par", "as well off", "no difference", "no gap.", "gap is closed.")


@pytest.mark.parametrize("text_page", PAGES)
def test_no_sentence_claims_parity(rendered, text_page):
    """Parity is said only with its margin ("no gap larger than 5 points"), never bare (issue #11)."""
    text = _page_text(rendered.site / f"{text_page}.html").lower()
    said = [p for p in PARITY if p in text]
    assert not said, f"{text_page}: claims parity without the margin: {said}"
    bare = [m.start() for m in __import__("re").finditer(r"no gap(?! larger than)", text)]
    assert not bare, f"{text_page}: 'no gap' without 'larger than <margin>' at {bare[:5]}"
    assert "−0 " not in text and "0% (0–0)" not in text, f"{text_page}: −0 or 0% (0–0) printed"


@pytest.mark.parametrize("text_page", PAGES)
def test_row_headers_stay_headers(rendered, text_page):
    """Quarto's HTML table processing turns a `<th scope="row">` into a `<td>` (screen readers lose the row's
    name, the page's styles miss it): every table with row headers opts out of that processing."""
    html_text = (rendered.site / f"{text_page}.html").read_text(encoding="utf-8")
    cells = __import__("re").findall(r'<(t[dh])\b[^>]*\bscope="row"', html_text)
    assert "td" not in cells, f"{text_page}: {cells.count('td')} row headers became cells"


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_every_flagged_estimate_on_the_page_is_marked(rendered, iso3):
    """Each flagged national estimate the country page shows carries the flag mark (†) (issue #13 item 4)."""
    import pandas as pd

    est = pd.read_csv(rendered.site / "results" / iso3 / "estimates.csv", keep_default_na=False,
                      na_values=[""])
    shown = est[(est["disaggregation"] == "total") & (est["flag"].fillna("") != "") & ~est["suppressed"]
                & (est["kind"] != "system")]
    text = _page_text(rendered.site / f"country-{iso3}.html")
    missing = []
    for r in shown.to_dict("records"):
        percent = r["kind"] in ("proportion", "distribution", "by_reason") or 0 <= r["estimate"] <= 1
        value = f"{r['estimate'] * 100:.0f}%†" if percent else f"{r['estimate']:,.1f}†"
        if value not in text:
            missing.append(f"{r['indicator_id']} {r['group']} {r['category']}: {value}")
    assert len(shown) > 0, f"{iso3}: no flagged national estimate in the demo (the check would prove nothing)"
    assert not missing, f"{iso3}: {len(missing)} of {len(shown)} flagged estimates shown without †: {missing[:10]}"


def test_chart_data_publish_no_withheld_value(rendered):
    """Each chart's CSV beside it holds what the chart draws: a withheld value is an empty cell with the reason,
    never a number (and a gap with a withheld side has no number either)."""
    import pandas as pd

    files = sorted((rendered.site / "results").glob("*/charts/*.csv"))
    assert files, "no chart data in the site"
    checked = 0
    for path in files:
        data = pd.read_csv(path, keep_default_na=False, na_values=[""])
        if "note" in data.columns:
            withheld = data[data["note"].astype(str).str.startswith(("withheld", "not available"))]
            numbers = withheld[[c for c in ("estimate", "ci_low", "ci_high") if c in data.columns]]
            assert numbers.isna().all().all(), f"{path.name}: a withheld row carries a number"
            checked += len(withheld)
        if "status" in data.columns and "gap" in data.columns:
            missing = data[data["status"] == "insufficient_data"]
            assert missing[["gap", "ci_low", "ci_high"]].isna().all().all(), f"{path.name}: a gap with a withheld side"
    assert checked > 0, "no withheld row in any chart's data: the check proves nothing"
