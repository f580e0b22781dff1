from html.parser import HTMLParser

import pandas as pd
import pytest

from solutions.report import country_page, global_page, output

from .conftest import make_estimates

pytestmark = pytest.mark.filterwarnings("error")


class _Imgs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs: list[dict] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.imgs.append(dict(attrs))
        if tag == "script":
            self.scripts += 1


def _parse(parts: list[str]) -> _Imgs:
    p = _Imgs()
    p.feed("\n".join(parts))
    return p


def _country_page(r) -> list[str]:
    with output.capture() as out:
        country_page.title(r)
        country_page.banner(r)
        country_page.narrative(r)
        country_page.context_section(r)
        country_page.sample_section(r)
        country_page.criteria_overview(r)
        for c in range(1, 9):
            country_page.criterion_section(r, c)
        country_page.solutions_measure_section(r)
        country_page.trends_section(r)
        country_page.provenance_section(r)
    return out


def test_country_page_is_safe_and_accessible(country_results):
    out = _country_page(country_results)
    page = "\n".join(out)
    parsed = _parse(out)
    assert parsed.scripts == 0  # no script from narrative, names or labels
    assert parsed.imgs and all(i.get("alt", "").strip() for i in parsed.imgs)
    assert "&lt;script&gt;alert(&#x27;narrative&#x27;)" in page or "&lt;script&gt;alert('narrative')" in page
    assert "DEMONSTRATION DATA" in page
    assert "suppressed: n &lt; 30" in page
    assert "Dot chart: Daily access" in page or "Dot chart:" in page
    assert "No earlier report year" in page
    assert ">" + "c" * 64 + "<" not in page and ">" + "c" * 12 + "<" in page  # short form shown


def test_trends_with_an_earlier_year(country_results):
    earlier = make_estimates().assign(year=2025)
    country_results.history = earlier
    with output.capture() as out:
        country_page.trends_section(country_results)
    page = "\n".join(out)
    assert "change across report years" in page and "Change since the previous comparable report year" in page
    assert "2025 → 2026" in page


def test_trends_skip_other_catalogue_versions(country_results):
    country_results.history = make_estimates().assign(year=2025, catalogue_version="older")
    with output.capture() as out:
        country_page.trends_section(country_results)
    page = "\n".join(out)
    assert "change across report years" not in page and "2025 → 2026" not in page
    assert "No earlier report year with comparable results" in page and "catalogue version older" in page


def test_global_page(global_results):
    with output.capture() as out:
        country_page.title(global_results)
        country_page.banner(global_results)
        global_page.headline_numbers(global_results)
        global_page.heatmap_section(global_results)
        global_page.failed_countries(global_results)
        global_page.comparison_section(global_results)
        global_page.solutions_by_country(global_results)
    page = "\n".join(out)
    assert "input &lt;script&gt;bad&lt;/script&gt; column" in page
    assert "Xland" in page and "Heatmap of countries" in page
    assert "_fallback" in page  # the sortable table has its static fallback
    assert "860,000" in page or "860" in page  # IDP stock of the two ok countries (latest year)
    assert all(i.get("alt") for i in _parse([p for p in out if "dataTable" not in p]).imgs)


def test_sections_handle_missing_tables(country_results):
    country_results.estimates = make_estimates().iloc[0:0]
    country_results.figures = pd.DataFrame(columns=["country", "year", "metric", "value", "source"])
    country_results.criteria = pd.DataFrame()
    out = _country_page(country_results)
    assert any("No country-year" in o for o in out)
