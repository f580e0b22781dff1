"""The pages built from typed results objects: safe, accessible, and saying what each status, flag and withheld
value means (issue #11 items 1-3, issue #13 item 4)."""

import re
from dataclasses import replace
from html.parser import HTMLParser

import pandas as pd
import pytest

from solutions.report import chartdata, country_page, global_page, output
from solutions.results import write_table

from .conftest import CATALOGUE, MEASURE, YEAR, make_estimates

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


def _country_page(r, output_root) -> list[str]:
    with output.capture() as out:
        country_page.title(r)
        country_page.banner(r)
        country_page.findings_summary(r)
        country_page.narrative(r)
        country_page.context_section(r)
        country_page.sample_section(r)
        country_page.criteria_overview(r)
        for c in range(1, 9):
            country_page.criterion_section(r, c)
        country_page.solutions_measure_section(r)
        country_page.trends_section(r, output_root)
        country_page.provenance_section(r)
    return out


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_country_page_is_safe_and_accessible(country_results, tmp_path):
    out = _country_page(country_results, tmp_path)
    page = "\n".join(out)
    parsed = _parse(out)
    assert parsed.scripts == 0  # no script from narrative, names or labels
    assert parsed.imgs and all(i.get("alt", "").strip() for i in parsed.imgs)
    assert "&lt;script&gt;alert(&#x27;narrative&#x27;)" in page or "&lt;script&gt;alert('narrative')" in page
    assert "DEMONSTRATION DATA" in page
    assert "No earlier report year" in page
    assert "5 points for shares; 10% of the comparison group" in page  # the margin in words, not a dict
    assert ">" + "c" * 64 + "<" not in page and ">" + "c" * 12 + "<" in page  # short form shown


def test_statuses_say_what_they_mean_in_words_and_numbers(country_results, tmp_path):
    page = "\n".join(_country_page(country_results, tmp_path))
    text = _text(page)
    # the open gap: ADQ-2, IDPs 23 points lower on a higher-is-better indicator, CI -30 to -16
    assert "worse off by 23 points (16 to 30)" in text
    # the closed gap says the margin, never "same level"
    assert "no gap larger than" in text
    # the inconclusive one says the survey cannot tell, and has its own chip
    assert "the survey cannot tell" in text and "sos-status-inconclusive" in page
    assert "a value on one side is withheld" in text  # insufficient data, in words
    for parity in ("same level", "on par", "at par", "no difference"):
        assert parity not in text.lower()
    # the findings summary names the criteria per group by status
    assert re.search(r"IDPs are worse off than the comparison group on at least one indicator of criteria 1 ", text)
    assert "the survey cannot tell on criterion 5" in text


def test_uncertainty_has_one_vocabulary(country_results, tmp_path):
    page = "\n".join(_country_page(country_results, tmp_path))
    text = _text(page)
    assert "−0" not in text and "-0 " not in text  # the −0.4 point gap of LIV-1 reads 0
    assert "0% (0–0)" not in text and "none observed" in text  # the comparison group in camps
    assert "22%†" in text and "imprecise: coefficient of variation above 30%" in text  # flagged SAF-3 returnees
    assert "40%†" not in text  # an unflagged share carries no mark
    assert "20%†" in text  # a flagged breakdown share (SAF-3, other) is marked in its table
    assert "withheld: fewer than 30 respondents" in text and "suppressed" not in text.lower()
    # withheld values are empty cells with the reason beside them
    assert re.search(r'<td class="num sos-key" data-label="Estimate"></td>', page)


def test_solutions_measure_is_beside_its_benchmark(country_results, tmp_path):
    with output.capture() as out:
        country_page.solutions_measure_section(country_results)
    page = "\n".join(out)
    assert "Comparison group (benchmark)" in page
    assert "every one of the 2 conditions" in page
    assert "31" in _text(page)  # the benchmark's estimate is shown, not just the displaced groups'
    missing = {**MEASURE, "status": "not_available", "missing": ["hlp_lost", "documents_lost"]}
    with output.capture() as out:
        country_page.solutions_measure_section(replace(country_results, solutions_measure=missing))
    page = "\n".join(out)
    assert "Not available" in page and "<img" not in page
    # what the survey lacks in words (the titles of the catalogue's indicators needing it), never a variable name
    needing = [i.title for v in ("hlp_lost", "documents_lost") for i in CATALOGUE.indicators if v in i.requires]
    assert needing and all(f"“{t}”" in _text(page) for t in needing)
    assert "hlp_lost" not in page and "documents_lost" not in page
    partial = {**MEASURE, "status": "partial", "missing": ["hlp_lost"],
               "conditions": [*MEASURE["conditions"], {"criterion": 4, "label": "HLP", "available": False,
                                                       "missing": ["hlp_lost"]}]}
    with output.capture() as out:
        country_page.solutions_measure_section(replace(country_results, solutions_measure=partial))
    page = "\n".join(out)
    assert "Partial: computed over the available conditions only (criteria 1, 2)" in page
    assert "no: not collected in this survey" in page and "hlp_lost" not in page


def test_chart_data_are_written_beside_each_figure(country_results, tmp_path):
    country_page.publish_chart_data(country_results, tmp_path)
    try:
        with output.capture() as out:
            country_page.criterion_section(country_results, 2)
    finally:
        chartdata.stop_publishing()
    page = "\n".join(out)
    folder = tmp_path / str(YEAR) / "results" / "QZZ" / "charts"
    files = sorted(p.name for p in folder.glob("*.csv"))
    assert files and all(f'href="results/QZZ/charts/{f}"' in page for f in files)
    estimates = pd.read_csv(folder / "adequate-standard-of-living-estimates-by-group.csv")
    withheld = estimates[estimates["group"] == "returnee"]
    assert withheld["estimate"].isna().all() and withheld["note"].str.startswith("withheld").all()
    assert estimates.loc[estimates["group"] == "idp", "estimate"].tolist() == [55.0]  # percent, as drawn


def test_trends_with_an_earlier_year(country_results, tmp_path):
    write_table(make_estimates().assign(year=2025), "estimates", tmp_path / "2025" / "results" / "QZZ")
    with output.capture() as out:
        country_page.trends_section(country_results, tmp_path)
    page = "\n".join(out)
    assert "change across report years" in page and "Change since the previous comparable report year" in page
    assert "2025 → 2026" in page and "the surveys cannot tell" in page


def test_trends_skip_other_catalogue_versions(country_results, tmp_path):
    earlier = make_estimates().assign(year=2025, catalogue_version="older")
    write_table(earlier, "estimates", tmp_path / "2025" / "results" / "QZZ")
    with output.capture() as out:
        country_page.trends_section(country_results, tmp_path)
    page = "\n".join(out)
    assert "change across report years" not in page and "2025 → 2026" not in page
    assert "No earlier report year with comparable results" in page and "catalogue version older" in page


def test_global_page_names_countries_kept_from_an_earlier_build(global_results):
    countries = global_results.countries.assign(note="")
    countries.loc[countries["iso3"] == "QZY", "note"] = "not updated: results of an earlier build"
    with output.capture() as out:
        global_page.failed_countries(replace(global_results, countries=countries))
    text = _text("\n".join(out))
    assert "Not updated in this build: Yland." in text and "Zedland" not in text


def test_global_page(global_results):
    with output.capture() as out:
        global_page.title(global_results)
        global_page.banner(global_results)
        global_page.headline_numbers(global_results)
        global_page.heatmap_section(global_results)
        global_page.failed_countries(global_results)
        global_page.comparison_section(global_results)
        global_page.solutions_by_country(global_results)
    page = "\n".join(out)
    text = _text(page)
    assert "input &lt;script&gt;bad&lt;/script&gt; column" in page
    assert "Xland" in page and "Heatmap of countries" in page
    assert "Key indicators by country and group" in page and "dataTable" not in page  # static, complete
    assert "860,000" in page  # IDP stock of the two ok countries (latest year)
    assert all(i.get("alt") for i in _parse([p for p in out if "dataTable" not in p]).imgs)
    # headline counts per status, each with its meaning
    assert "✗ 4 of 16" in text and "? 2 of 16" in text and "the survey cannot tell" in text
    # the heatmap table holds all 8 criteria, as compact chips with the counts
    assert all(f"{c} " in text for c in range(1, 9)) and "sos-heatmap" in page and "? inconclusive" in page
    # the solutions measure beside its benchmark, per country; the partial country is named
    assert text.count("Comparison group (benchmark)") == 2 and "Partial" in text
    assert "not collected: the answers for “" in text
    assert "hlp_lost" not in text and "documents_lost" not in text


def test_sections_handle_missing_tables(country_results, tmp_path):
    empty = replace(country_results, estimates=make_estimates().iloc[0:0],
                    figures=pd.DataFrame(columns=["country", "year", "metric", "value", "source"]),
                    criteria=pd.DataFrame(columns=["country", "year", "criterion", "group", "status"]))
    out = _country_page(empty, tmp_path)
    assert any("No country-year" in o for o in out)


def test_a_chart_with_nothing_to_draw_becomes_a_sentence(country_results, tmp_path):
    withheld = make_estimates()
    sel = withheld["indicator_id"] == "ADQ-2"
    withheld.loc[sel, ["estimate", "ci_low", "ci_high"]] = float("nan")
    withheld.loc[sel, "suppressed"] = True
    withheld.loc[sel, "suppression_reason"] = "min_effective_n"
    with output.capture() as out:
        country_page.criterion_section(replace(country_results, estimates=withheld), 2)
    page = "\n".join(out)
    assert "nothing to chart" in page and "withheld: effective sample below 30" in page


def test_country_results_hold_text_as_python_objects(country_results):
    """The pages filter a country's frames hundreds of times: its text columns are Python objects (a numpy
    comparison per filter, not an Arrow call), with the same values and missing values."""
    est = country_results.estimates.astype({"indicator_id": "str", "flag": "str"})
    est.loc[est.index[0], "flag"] = None
    assert isinstance(est["indicator_id"].dtype, pd.StringDtype)
    held = replace(country_results, estimates=est).estimates
    assert held["indicator_id"].dtype == object and held["flag"].dtype == object
    assert held["indicator_id"].tolist() == est["indicator_id"].tolist()
    assert pd.isna(held["flag"].iloc[0]) and held["flag"].iloc[1:].tolist() == est["flag"].iloc[1:].tolist()


def test_cross_country_captions_name_only_the_groups_surveyed() -> None:
    rows = pd.DataFrame({"country": ["QAA", "QAA", "QAB", "QAC"], "group": ["idp", "comparison", "idp", "idp"]})
    assert global_page._groups_shown(rows[rows["country"] == "QAA"]) == "IDPs and the comparison group"
    assert global_page._groups_shown(rows) == "IDPs, and the comparison group where a survey has one"
    assert global_page._groups_shown(rows[rows["group"] == "idp"]) == "IDPs"


def test_cross_country_table_leaves_out_what_a_survey_did_not_collect(global_results):
    """A key indicator a country's survey did not collect has rows of no value and n 0: they are left out of
    the charts and the table (no row reads "0 ... not available"), and one sentence names them."""
    est = global_results.estimates.copy()
    gone = (est["country"] == "QZY") & (est["indicator_id"] == "LIV-1")
    est.loc[gone, ["estimate", "se", "ci_low", "ci_high"]] = float("nan")
    est.loc[gone, ["n_unweighted", "suppressed", "suppression_reason"]] = [0, True, "not_available"]
    gaps = global_results.gaps[~((global_results.gaps["country"] == "QZY")
                                 & (global_results.gaps["indicator_id"] == "LIV-1"))]
    with output.capture() as out:
        global_page.comparison_section(replace(global_results, estimates=est, gaps=gaps))
    text = _text("\n".join(out))
    assert "not available" not in text
    said = {s.split(":")[0]: s for s in re.findall(r"Not shown for [^:]+: [^(]+", text)}
    assert "Unemployment" in said["Not shown for Yland"] and "Unemployment" not in said["Not shown for Zedland"]
    assert "(no estimate; its chapter says why for each indicator)" in text
    unemployment = text.split("Criterion 3: Unemployment rate")[-1].split("Not shown for")[0]
    assert "Zedland" in unemployment and "Yland" not in unemployment
