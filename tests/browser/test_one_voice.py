"""One voice on every screen (issue #22): every page of both renderers, at 1366 px and 375 px, says numbers in
one style, statuses in one vocabulary, never an internal name; its charts' text is never under 11 px, outside
its chart or over other text; axe-core finds no WCAG 2.1 A/AA violation; no console error opened from disk;
the same section anchors whichever renderer built the site.

The text checks read the rendered files (visible text, alt texts and the charts' SVG text); the others run in
headless Chromium on the session's one build per renderer (conftest.py).
"""

from __future__ import annotations

import base64
import re
import warnings
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from .measure import AXE_JS, BROKEN_HEADER_WORDS_JS, CHART_TEXT_JS, CUT_TEXT_JS, MIN_CHART_TEXT_PX, WCAG_TAGS
from .support import MISSING_REASON, PHONE, chromium_paths, load

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.xdist_group("browser")]

COUNTRIES = ("QAB", "QAC", "QAD", "QAE")  # what `solutions demo` writes (test_site checks it)
PAGES = ("index", "global", "methods", "codebook", *(f"country-{c}" for c in COUNTRIES))
READER_PAGES = tuple(p for p in PAGES if p != "codebook")  # the codebook names columns on purpose


# --------------------------------------------------------------------------- what a page says


def _said(path: Path) -> dict[str, str]:
    """A page's visible text, alt texts and charts' SVG text; the collapsed build details (checksums and
    versions, for auditors) and code elements left out."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    svgs = []
    for img in soup.find_all("img"):
        src = str(img.get("src", ""))
        if src.startswith("data:image/svg+xml;base64,"):
            with warnings.catch_warnings():  # an SVG read as HTML: only its <text> elements are wanted
                warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
                svg = BeautifulSoup(base64.b64decode(src.split(",", 1)[1]).decode("utf-8"), "html.parser")
            svgs.append(" ".join(t.get_text(" ") for t in svg.find_all("text")))
    alts = " | ".join(str(img.get("alt", "")) for img in soup.find_all("img"))
    for gone in soup.select("script, style, .sos-provenance, code, noscript"):
        gone.decompose()
    text = " ".join(soup.get_text(" ").split())
    return {"text": text, "alt": alts, "chart": " ".join(" ".join(svgs).split())}


NUMBER_STYLE = {
    # a hyphen-minus before a number (U+2212 is the report's minus); not a range or a code like SAF-1
    "hyphen-minus number": re.compile(r"(?<![\w.\-–/:])-\d"),
    # 1,000 and more without thousands separators (years 1900–2099 excepted)
    "unseparated thousands": re.compile(r"(?<![\w.,:/#−-])(?<!ISO )(?!(?:19|20)\d\d(?!\d))\d{4,}(?![\w.,])"),
    # percentages are whole numbers
    "decimal percentage": re.compile(r"\d\.\d+\s?%"),
}


def _hits(pattern: re.Pattern[str], text: str) -> list[str]:
    return [text[max(0, m.start() - 30):m.end() + 15] for m in pattern.finditer(text)]


@pytest.mark.parametrize("text_page", PAGES)
def test_one_number_style(rendered, text_page):
    """U+2212 minus, thousands separators and whole percentages in text, alt text and chart text alike."""
    said = _said(rendered.site / f"{text_page}.html")
    problems = [f"{name} in {where}: {hit!r}" for name, pattern in NUMBER_STYLE.items()
                for where, text in said.items() for hit in _hits(pattern, text)]
    assert not problems, f"{text_page} ({rendered.renderer}): {len(problems)} number(s) off style:\n  " + \
        "\n  ".join(problems[:20])


def test_number_style_check_catches_offenders():
    """The patterns above catch what they are for (else the page scan proves nothing)."""
    bad = {"hyphen-minus number": "gap -23.1 points", "unseparated thousands": "n 2186 households",
           "decimal percentage": "estimate 53.5%"}
    for name, text in bad.items():
        assert NUMBER_STYLE[name].search(text), name
    fine = "gap −23 points (SAF-1, 2024–2026, ages 18-59, n 2,186, 54%, 12,000, 2026, ISO 3166-1)"
    assert not any(p.search(fine) for p in NUMBER_STYLE.values())


@pytest.mark.parametrize("text_page", PAGES)
def test_one_vocabulary(rendered, text_page):
    """Statuses in the words of ``wording.STATUS_LABELS`` only: every chip says one of them, and no page, alt
    text or chart uses a retired synonym."""
    from solutions.report.wording import RETIRED_STATUS_WORDS, STATUS_LABELS, STATUS_SHORT, STATUS_SYMBOLS

    path = rendered.site / f"{text_page}.html"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    words = {w.lower() for w in (*STATUS_LABELS.values(), *STATUS_SHORT.values())}
    chips = [" ".join(c.get_text(" ").split()) for c in soup.select(".sos-status")]
    odd = [c for c in chips if c.split(" ", 1)[0] not in STATUS_SYMBOLS.values()
           or c.split(" ", 1)[-1].lower() not in words]
    assert not odd, f"{text_page} ({rendered.renderer}): status chips off the vocabulary: {sorted(set(odd))[:10]}"
    said = _said(path)
    retired = [f"{w!r} in {where}" for w in RETIRED_STATUS_WORDS for where, text in said.items()
               if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.I)]
    assert not retired, f"{text_page} ({rendered.renderer}): retired status words: {retired}"


def _internal_names(root: Path) -> set[str]:
    """Names readers must not meet: config keys, catalogue variables, results columns and the demo configs'
    source column names (those with an underscore: single words are ordinary English)."""
    from solutions.catalogue import load_catalogue
    from solutions.config import CountryConfig, GlobalConfig
    from solutions.results import SCHEMAS

    names = set(CountryConfig.model_fields) | set(GlobalConfig.model_fields)
    catalogue = load_catalogue()
    names |= {v for table in catalogue.variables for v in catalogue.known_variables(table)}
    names |= {c for cols in SCHEMAS.values() for c in cols}
    for path in sorted((root / "params" / "countries").glob("*.yml")):
        cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
        for mapping in (cfg.get("columns") or {}).values():
            names |= {str(v) for v in (mapping or {}).values() if isinstance(v, str)}
    return {n for n in names if "_" in n}


@pytest.mark.parametrize("text_page", READER_PAGES)
def test_no_internal_names(rendered, text_page):
    """No config key, variable or column name on a reader's page (the codebook, the downloads and the build
    details name them on purpose); no ITables message; no indicator code (``SAF-1``, ``SOL-1``) in the text,
    a table, an alt text or a chart: readers meet an indicator by its catalogue title."""
    from solutions.report.wording import INDICATOR_CODE

    names = _internal_names(rendered.root)
    assert {"drop_indicators", "hlp_obstacle", "n_unweighted"} <= names, "the list of names is incomplete"
    said = _said(rendered.site / f"{text_page}.html")
    found = sorted({f"{n!r} in {where}" for where, text in said.items() for n in names
                    if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)})
    assert not found, f"{text_page} ({rendered.renderer}): internal names shown: {found[:15]}"
    assert "notebook trusted" not in said["text"].lower()
    coded = [f"{where}: {_hits(INDICATOR_CODE, text)[:4]}" for where, text in said.items()
             if INDICATOR_CODE.search(text)]
    assert not coded, f"{text_page} ({rendered.renderer}): indicator codes shown to readers: {coded}"


def test_indicator_code_check_catches_codes():
    """The pattern refuses every code of the catalogue and the solutions measure's, and no ordinary words."""
    from solutions.catalogue import load_catalogue
    from solutions.report.wording import INDICATOR_CODE

    ids = [i.id for i in load_catalogue().indicators] + ["SOL-1"]
    assert all(INDICATOR_CODE.fullmatch(i) for i in ids), ids
    assert not INDICATOR_CODE.search("ISO 3166-1, ages 18-59, 2024–2026, COVID 19, Covid-19 and A-1")


def _ids(path: Path) -> set[str]:
    """The anchors of a page's own sections (a renderer's table of contents, e.g. Quarto's ``#toc-title``,
    is not a section of the page)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for nav in soup.select("nav"):
        nav.decompose()
    return {str(h["id"]) for h in soup.select("h2[id], h3[id]")} | \
        {str(s["id"]) for s in soup.select("section[id]") if s.find(["h2", "h3"], recursive=False)}


def test_same_section_anchors_on_both_renderers(built_site):
    """A deep link to a section (``country-QAB.html#documentation``) works whichever renderer built the site:
    the same anchors on both, no more, no fewer (repeated headings are numbered by Pandoc's rule on both, see
    tests/render/test_nbconvert_site.py)."""
    import shutil

    from .conftest import _exclusive, _quarto_site

    if shutil.which("quarto") is None:
        pytest.skip("quarto not on PATH (`make test` installs it when ../shared/tools/install-quarto exists)")
    with _exclusive(built_site.root.parent / f"{built_site.root.name}-quarto.lock"):
        quarto = _quarto_site(built_site)
    problems = []
    for page in PAGES:
        nb, q = _ids(built_site.site / f"{page}.html"), _ids(quarto.site / f"{page}.html")
        if nb != q:
            problems.append(f"{page}: only nbconvert has {sorted(nb - q)[:6]}, only Quarto has {sorted(q - nb)[:6]}")
    assert not problems, "section anchors differ between renderers:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------- in the browser

if chromium_paths() is None:
    pytest.skip(MISSING_REASON, allow_module_level=True)

WIDTHS = ("laptop", "phone")


@pytest.fixture(scope="module", params=PAGES)
def page(request) -> str:
    """Module-scoped: the checks of one page run in a row and share its load (see ``_open``)."""
    return request.param


def _open(drv, url: str) -> None:
    if drv.current_url != url:
        load(drv, url)


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_text_size_inside_and_apart(driver, phone_driver, site_url, page, width):
    """Every chart shown sets its smallest text at 11 px or more, and no chart text lies outside its chart or
    over other text: the laptop's drawing at 1366 px, the phone's own drawing at 375 px."""
    drv = driver if width == "laptop" else phone_driver
    _open(drv, f"{site_url}{page}.html")
    charts = drv.execute_script(CHART_TEXT_JS)
    small = [f"{c['title'][:60]}: {c['smallest_px']:.1f} px" for c in charts
             if c["shown"] and c["smallest_px"] < MIN_CHART_TEXT_PX - 0.01]
    assert not small, f"{page} at {width}: chart text under {MIN_CHART_TEXT_PX:g} px:\n  " + "\n  ".join(small[:10])
    bad = [f"{c['title'][:60]}: outside {c['outside'][:3]}, overlapping {c['overlaps'][:3]}" for c in charts
           if c["shown"] and (c["outside"] or c["overlaps"])]
    assert not bad, f"{page} at {width}: chart text clipped or colliding:\n  " + "\n  ".join(bad[:10])
    if page in ("global", "country-QAB"):
        assert [c for c in charts if c["shown"]], f"{page}: no chart measured (the check proves nothing)"


_CHART_BOXES_JS = """
return Array.from(document.querySelectorAll('figure.sos-figure')).filter(f => f.getClientRects().length)
  .map(f => {
    const box = f.querySelector('.sos-figure-scroll');
    const shown = Array.from(f.querySelectorAll('img')).filter(i => i.getClientRects().length);
    return {title: (f.querySelector('figcaption strong') || {}).textContent || '',
            scrolls: box.scrollWidth > box.clientWidth + 1, phone: shown.every(i => i.classList.contains('sos-chart-phone')),
            images: shown.length};
  });
"""


def test_charts_laid_out_for_a_phone(phone_driver, site_url, page):
    """At 375 px every chart shown is its phone drawing (one image), and no chart box scrolls sideways."""
    _open(phone_driver, f"{site_url}{page}.html")
    boxes = phone_driver.execute_script(_CHART_BOXES_JS)
    bad = [f"{b['title'][:60]}: scrolls {b['scrolls']}, phone drawing {b['phone']}, images {b['images']}"
           for b in boxes if b["scrolls"] or not b["phone"] or b["images"] != 1]
    assert not bad, f"{page} at 375 px: charts not laid out for the phone:\n  " + "\n  ".join(bad[:10])
    if page in ("global", "country-QAB"):
        assert boxes, f"{page}: no chart shown at 375 px (the check proves nothing)"


_OVERFLOWING_CELLS_JS = """
return Array.from(document.querySelectorAll('table.sos-table th, table.sos-table td'))
  .filter(c => c.getClientRects().length && c.scrollWidth > c.clientWidth + 1
               && getComputedStyle(c.closest('thead') || c).position !== 'absolute')
  .map(c => c.textContent.trim().slice(0, 40) + ' (' + c.scrollWidth + ' > ' + c.clientWidth + ' px)');
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_table_headers_whole_and_cells_fit(driver, phone_driver, site_url, page, width):
    """No table header is broken inside a word ("Livelihoo|ds"), and no cell's content runs out of its cell."""
    drv = driver if width == "laptop" else phone_driver
    _open(drv, f"{site_url}{page}.html")
    broken = drv.execute_script(BROKEN_HEADER_WORDS_JS)
    assert not broken, f"{page} at {width}: header words broken across lines: {broken[:10]}"
    spilling = drv.execute_script(_OVERFLOWING_CELLS_JS)
    assert not spilling, f"{page} at {width}: cell content wider than its cell: {spilling[:10]}"


@pytest.mark.parametrize("width", WIDTHS)
def test_no_text_cut_by_its_container(driver, phone_driver, site_url, page, width):
    """No visible text runs past the box that clips it (a chart's figcaption past the output area on a phone,
    a word past the screen): the reader would lose its end."""
    drv = driver if width == "laptop" else phone_driver
    _open(drv, f"{site_url}{page}.html")
    cut = drv.execute_script(CUT_TEXT_JS)
    assert not cut, f"{page} at {width}: text cut by its container:\n  " + "\n  ".join(cut[:10])


def test_cut_text_check_catches_a_cut_caption(phone_driver, site_url):
    """The check sees a caption made wider than the column it sits in (else the page scan proves nothing)."""
    _open(phone_driver, f"{site_url}index.html")
    phone_driver.execute_script("document.querySelector('figure.sos-figure').style.minWidth = '30rem'")
    try:
        assert phone_driver.execute_script(CUT_TEXT_JS), "a caption 480 px wide in a 375 px page was not caught"
    finally:
        phone_driver.refresh()


def test_heatmap_gives_way_to_its_table_on_a_phone(phone_driver, site_url):
    """At 375 px the heatmap (eight columns of symbols) is replaced by its table, one card per country."""
    _open(phone_driver, f"{site_url}global.html")
    state = phone_driver.execute_script("""
        const fig = document.querySelector('figure.sos-phone-hidden');
        const table = document.querySelector('table.sos-heatmap');
        const note = document.querySelector('figure.sos-phone-hidden + p.sos-phone-only');
        return {fig: fig ? fig.getBoundingClientRect().height : null,
                table: table ? table.getBoundingClientRect().height : null,
                note: note ? note.getBoundingClientRect().height : null,
                width: window.innerWidth};""")
    assert state["width"] == PHONE[0]
    assert state["fig"] == 0 and state["table"] and state["note"], state


_KEY_TABLE_JS = """
const table = document.querySelector('table.sos-sortable');
if (!table) return null;
const rows = () => Array.from(table.tBodies[0].rows);
const shown = tr => tr.getClientRects().length > 0;
const first = rows().filter(tr => !tr.classList.contains('sos-group-row'))
  .slice(0, 200).map(tr => tr.cells[0].textContent.trim());
return {input: !!document.querySelector('.sos-table-tools input[type=search]'),
        buttons: table.querySelectorAll('thead th button.sos-sort').length,
        columns: table.tHead.rows[0].cells.length, rows: rows().length, shown: rows().filter(shown).length,
        first: first};
"""


def _numbers_of_first_run(drv, column: str) -> list[float | None]:
    return drv.execute_script("""
        const table = document.querySelector('table.sos-sortable');
        const col = Array.from(table.tHead.rows[0].cells).findIndex(th => th.textContent.trim().startsWith(arguments[0]));
        const out = [];
        for (const tr of table.tBodies[0].rows) {
          if (tr.classList.contains('sos-group-row')) { if (out.length) break; continue; }
          const t = tr.cells[col].textContent.replace(/[\u2020,%]/g, '').replace(/\u2212/g, '-').trim();
          const m = /^[+-]?\\d+(?:\\.\\d+)?/.exec(t);
          out.push(m ? parseFloat(m[0]) : null);
        }
        return out;""", column)


@pytest.mark.parametrize("width", WIDTHS)
def test_key_table_sorts_and_filters(driver, phone_driver, site_url, rendered, width):
    """The global page's key-indicators table: complete without JavaScript (every country's rows in the file),
    and with it a search box that keeps the rows naming what is typed (cards on a phone too) and, at laptop
    width, column headers that sort the rows under each indicator."""
    soup = BeautifulSoup((rendered.site / "global.html").read_text(encoding="utf-8"), "html.parser")
    static = soup.select_one("table.sos-sortable")
    assert static is not None and len(static.select("tbody tr")) > 20, "the static table is missing or empty"
    assert not soup.select(".sos-table-tools"), "the controls must come from the script only (no-JS view)"
    drv = driver if width == "laptop" else phone_driver
    _open(drv, f"{site_url}global.html")
    before = drv.execute_script(_KEY_TABLE_JS)
    assert before and before["input"] and before["buttons"] == before["columns"], before
    assert before["shown"] == before["rows"], "every row is shown before a search"
    country = before["first"][0]
    box = drv.find_element("css selector", ".sos-table-tools input[type=search]")
    box.send_keys(country)
    after = drv.execute_script(_KEY_TABLE_JS)
    assert 0 < after["shown"] < before["rows"], after
    names = drv.execute_script("""return Array.from(document.querySelectorAll('table.sos-sortable tbody tr'))
        .filter(tr => tr.getClientRects().length && !tr.classList.contains('sos-group-row'))
        .map(tr => tr.textContent)""")
    assert names and all(country in t for t in names), names[:3]
    box.clear()
    box.send_keys(" ")  # whitespace only: every row again
    assert drv.execute_script(_KEY_TABLE_JS)["shown"] == before["rows"]
    if width == "laptop":
        estimate = drv.find_element("xpath", "//table[contains(@class,'sos-sortable')]//th[starts-with(normalize-space(.),'Estimate')]")
        estimate.find_element("css selector", "button").click()
        values = [v for v in _numbers_of_first_run(drv, "Estimate") if v is not None]
        assert len(values) > 2 and values == sorted(values), values
        assert estimate.get_attribute("aria-sort") == "ascending"
        estimate.find_element("css selector", "button").click()
        values = [v for v in _numbers_of_first_run(drv, "Estimate") if v is not None]
        assert values == sorted(values, reverse=True), values
        assert estimate.get_attribute("aria-sort") == "descending"
    drv.refresh()


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_wcag_aa_at_both_widths(driver, phone_driver, site_url, axe_source, page, width):
    """axe-core, every rule in one run, at 1366 and 375 px: no violation at all of a WCAG 2.0/2.1 A or AA rule
    (any impact), and no serious or critical one of a best-practice rule."""
    drv = driver if width == "laptop" else phone_driver
    _open(drv, f"{site_url}{page}.html")
    drv.execute_script(axe_source)
    assert drv.execute_script("return typeof window.axe") == "object", "axe-core failed to load"
    violations = drv.execute_async_script(AXE_JS)
    assert not (isinstance(violations, dict) and "error" in violations), violations
    failing = [v for v in violations if set(v["tags"]) & set(WCAG_TAGS) or v["impact"] in ("serious", "critical")]
    said = [f"{v['id']} [{v['impact']}] {v['help']} ({v['count']}): "
            + "; ".join(f"{n['target']} {n['summary'][:160]}" for n in v["nodes"][:2]) for v in failing]
    assert not said, f"{page} at {width}: {len(said)} axe violation(s):\n  " + "\n  ".join(said)


def test_no_console_errors_opened_from_disk(driver, rendered, page):
    """A reader who opens the site from a folder (file://) gets every script: no console error."""
    driver.get_log("browser")
    load(driver, (rendered.site / f"{page}.html").resolve().as_uri())
    severe = [e["message"][:200] for e in driver.get_log("browser")
              if e.get("level") == "SEVERE" and "/favicon.ico" not in e.get("message", "")]
    assert not severe, f"{page} ({rendered.renderer}) from disk: console errors:\n  " + "\n  ".join(severe[:6])
