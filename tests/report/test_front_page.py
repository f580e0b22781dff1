"""The front page's sections on small synthetic results (conftest.py): headline, overview, sentences, changes."""

from __future__ import annotations

import dataclasses
import html
import math
import re

import pytest

from solutions.report import front_page, global_page, output
from solutions.report.wording import criteria_summary
from solutions.results import write_table

from .conftest import YEAR, make_criteria, make_estimates, make_gaps

pytestmark = pytest.mark.filterwarnings("error")


def _with(results, **changes):
    """A copy of the (frozen) results object with some fields replaced."""
    if dataclasses.is_dataclass(results):
        return dataclasses.replace(results, **changes)
    return type(results)(**{**vars(results), **changes})


def _emit(fn, *args) -> str:
    with output.capture() as out:
        fn(*args)
    return "\n".join(out)


def _text(page: str) -> str:
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)))
    return re.sub(r" ([:;,.)])", r"\1", text)


def test_headline_cards_count_countries_people_measure_and_open_criteria(global_results):
    cards = {c.what: c for c in front_page.headline_cards(global_results)}
    assert cards["countries with results"].value == "2" and cards["countries with results"].how == "of 3 in this edition"
    people = cards["IDPs in these countries"]
    assert people.value == "860,000" and "not a survey estimate" in people.how  # 2 x 430,000, the latest (2025)
    # the solutions measure of IDPs: 18% in both countries (the conftest's values): a range of one value
    measure = cards["of IDP households meet the solutions measure (both conditions of criteria 1, 2)"]
    assert measure.value == "18%"
    # criteria 1 and 2 open for IDPs in both countries (the conftest's CRITERION_STATUS): 4 of 16 pairs
    assert cards["criteria on which IDPs are worse off"].value == "4 of 16"


def _measure_card(results):
    return next(c for c in front_page.headline_cards(results) if "IDP households" in c.what)


def test_a_range_of_country_estimates_is_called_a_range_with_each_ci_a_click_away(global_results):
    est = global_results.estimates
    sol = est["indicator_id"].eq("SOL-1") & est["disaggregation"].eq("total")
    comparison, idp = sol & est["group"].eq("comparison"), sol & est["group"].eq("idp")
    est.loc[comparison & est["country"].eq("QZZ"), "estimate"] = 0.41
    est.loc[comparison & est["country"].eq("QZY"), "estimate"] = 0.52
    est.loc[idp & est["country"].eq("QZY"), "estimate"] = 0.09
    global_results = _with(global_results, estimates=est)
    card = _measure_card(global_results)
    # never "9–18%", which reads as an interval
    assert card.value == "9% to 18%"
    assert card.how.startswith("range of 2 country estimates, not an interval; comparison households 41% to 52%")
    assert (card.link, card.href) == ("each country's 95% CI in the chart", "#sos-front-solutions")
    page = _emit(front_page.headline, global_results) + _emit(front_page.overview, global_results)
    assert '<a href="#sos-front-solutions">' in page and '<figure id="sos-front-solutions"' in page
    # a withheld comparison value never enters the range
    withheld = global_results.estimates["group"].eq("comparison") & global_results.estimates["country"].eq("QZY")
    global_results.estimates.loc[withheld, ["estimate", "suppressed"]] = [math.nan, True]
    assert "comparison households 41%;" in _measure_card(global_results).how
    assert "52%" not in _measure_card(global_results).how


def test_one_country_gives_its_interval_and_the_measure_is_defined_where_first_used(global_results):
    est = global_results.estimates
    one = _with(global_results, estimates=est[est["country"] != "QZY"].reset_index(drop=True),
                countries=global_results.countries[global_results.countries["iso3"] != "QZY"])
    card = _measure_card(one)
    assert card.value == "18%"
    # the card is where the measure is first used: it says what it is, in a few words
    assert card.what == "of IDP households meet the solutions measure (both conditions of criteria 1, 2)"
    # the conftest's half-widths: 5 points
    assert card.how == "95% CI 13–23%; comparison households: 31% (95% CI 26–36%);"
    assert (card.link, card.href) == ("its conditions below", "#sos-front-measure")
    page = _emit(front_page.headline, one) + _emit(front_page.overview, one)
    text = _text(page)
    assert ("The solutions measure is the share of households that meet every one of 2 conditions set for IASC "
            "criteria 1, 2: No restriction of movement (criterion 1); Daily access to sufficient safe water "
            "(criterion 2).") in text
    assert 'id="sos-front-measure"' in page and 'href="#sos-front-measure"' in page


def test_overview_has_every_criterion_for_every_country_and_names_failures_without_values(global_results):
    page = _emit(front_page.overview, global_results)
    rows = re.findall(r"<tr>.*?</tr>", page.split("<tbody>")[1], re.S)
    assert len(rows) == 2  # the two countries with results
    for row in rows:
        assert len(re.findall(r'class="sos-status sos-status-', row)) == 8
    assert 'href="country-QZZ.html"' in page and 'href="country-QZX.html"' not in page
    text = _text(page)
    assert "Xland not included in this edition" in text
    assert "bad" not in text and "script" not in page.lower().replace("<script", "")  # no failure reason, no script
    # each chip keeps its word for screen readers while the table shows colour and symbol
    assert '<span class="sos-sr"> Gap open</span>' in page
    assert "Heatmap" not in text and "Dot chart by country" in page  # the chart's alt text


def test_country_sentences_in_the_reports_words(global_results):
    text = _text(_emit(front_page.country_sentences, global_results))
    # the conftest's CRITERION_STATUS: 1, 2 open; 3 closed; 4 insufficient; 5 inconclusive; 6-8 closed
    assert ("Yland: IDPs are worse off on 2 of 8 criteria (1, 2); no material gap on 4 (3, 6–8); the survey cannot "
            "tell on 1 (5); too few respondents to compare on 1 (4).") in text
    assert "18% of IDP households meet the solutions measure (95% CI 13–23%)" in text
    assert "Xland: not included in this edition (its results could not be built)." in text
    assert "input" not in text  # the failure's own message stays in the build log


def test_criteria_summary_words():
    assert criteria_summary("IDPs", {1: "open", 2: "open", 3: "open", 5: "open", 6: "closed", 7: "inconclusive"}) == (
        "IDPs are worse off on 4 of 6 criteria (1–3, 5); no material gap on 1 (6); the survey cannot tell on 1 (7)")
    assert criteria_summary("Returnees", {1: "closed", 2: "insufficient_data"}) == (
        "Returnees are worse off on none of 2 criteria; no material gap on 1 (1); too few respondents to compare "
        "on 1 (2)")
    assert criteria_summary("IDPs", {}) == "no criteria results for IDPs"


def test_what_changed_without_an_earlier_edition(global_results, tmp_path):
    text = _text(_emit(front_page.what_changed, global_results, tmp_path))
    assert "No earlier edition" in text


def _publish_earlier(root, year, *, shift, criteria_status=None):
    """An earlier edition's results tables, written by the real results writer."""
    for iso in ("QZZ", "QZY"):
        est = make_estimates(iso, shift=0.1 if iso == "QZY" else 0.0).assign(year=year)
        sol = (est["indicator_id"] == "SOL-1") & (est["group"] == "idp")
        est.loc[sol, ["estimate", "ci_low", "ci_high"]] += shift
        crit = make_criteria(iso).assign(year=year)
        if criteria_status:
            crit.loc[(crit["criterion"] == 2) & (crit["group"] == "idp"), "status"] = criteria_status
        folder = root / str(year) / "results" / iso
        for name, df in (("estimates", est), ("gaps", make_gaps(iso).assign(year=year)), ("criteria", crit)):
            write_table(df, name, folder)


def test_what_changed_names_every_change_better_or_worse_the_ones_that_matter_first(global_results, tmp_path):
    _publish_earlier(tmp_path, YEAR - 1, shift=0.20, criteria_status="closed")
    _publish_earlier(tmp_path, YEAR - 3, shift=0.0)  # an older edition: never the one compared
    page = _emit(front_page.what_changed, global_results, tmp_path)
    text = _text(page)
    assert f"Compared with the {YEAR - 1} edition" in text
    first, rest = page.split("<details", 1)
    # status changes first, each named, with better or worse
    assert ("2 criterion statuses changed: Yland, 2 Adequate standard of living, IDPs: Gap closed → Gap open (worse)"
            in _text(first))
    assert "Zedland, 2 Adequate standard of living, IDPs: Gap closed → Gap open (worse)" in _text(first)
    # SOL-1 for IDPs fell from 38% to 18% in both countries (higher is better: worse), each named
    assert "2 national estimates worse:" in _text(first)
    assert "Zedland, Solutions measure, IDPs: 38% → 18%: worse, down 20 points (−27 to −13)" in _text(first)
    assert "Yland, Solutions measure, IDPs:" in _text(first)
    # the rest, collapsed: how many compared and what they showed
    assert re.search(r"\d+ national estimates compared: 2 worse, \d+ ", _text(rest))
    assert "beyond" not in text and "moved beyond" not in text


def test_front_title_is_the_report_title(global_results):
    page = _emit(front_page.front_title, global_results)
    assert '<h1 class="sos-title">Test report</h1>' in page and "<style>" in page


def test_an_unreadable_earlier_edition_does_not_stop_the_front_page(global_results, tmp_path):
    folder = tmp_path / str(YEAR - 1) / "results" / "QZZ"
    folder.mkdir(parents=True)
    (folder / "estimates.parquet").write_bytes(b"not parquet")
    text = _text(_emit(front_page.what_changed, global_results, tmp_path))
    assert f"The {YEAR - 1} edition's results tables could not be read" in text


def test_a_status_without_a_symbol_keeps_its_word():
    for status in ("open", "closed", "inconclusive", "insufficient_data"):
        chip = front_page._chip(status)
        visible = re.sub(r'<span class="sos-sr">.*?</span>', "", chip)
        assert re.sub(r"<[^>]+>", "", visible).strip(), f"{status}: an empty chip"


def test_a_country_kept_from_an_earlier_build_is_marked_not_updated(global_results):
    countries = global_results.countries.assign(note="")
    countries.loc[countries["iso3"] == "QZY", "note"] = "not updated: results of an earlier build"
    g = _with(global_results, countries=countries)
    text = _text(_emit(front_page.country_sentences, g))
    assert "Yland (not updated: results of an earlier build): IDPs are worse off" in text
    assert "Zedland: IDPs are worse off" in text  # this build's results carry no mark
    grid = _text(_emit(front_page.overview, g))
    assert "Yland (not updated)" in grid and "Zedland (not updated)" not in grid


def test_solutions_chart_links_its_own_data(global_results, tmp_path):
    """The front page's chart has its CSV beside it, under results/front/charts/: the rows it draws, a
    withheld value as an empty cell with the reason."""
    from solutions.report import chartdata

    est = global_results.estimates
    withheld = (est["indicator_id"].eq("SOL-1") & est["disaggregation"].eq("total") & est["group"].eq("comparison")
                & est["country"].eq("QZY"))
    est.loc[withheld, ["estimate", "se", "ci_low", "ci_high"]] = math.nan
    est.loc[withheld, ["suppressed", "suppression_reason"]] = [True, "min_n"]
    front_page.publish_chart_data(_with(global_results, estimates=est), tmp_path)
    try:
        page = front_page.solutions_figure(_with(global_results, estimates=est))
    finally:
        chartdata.stop_publishing()
    href = re.search(r'class="sos-data" href="([^"]+)"', page)[1]
    assert href == "results/front/charts/households-meeting-the-solutions-measure.csv"
    import pandas as pd

    data = pd.read_csv(tmp_path / str(YEAR) / href, keep_default_na=False, na_values=[""])
    assert sorted(data["country"].unique()) == ["QZY", "QZZ"] and set(data["group"]) == {"idp", "comparison"}
    gone = data[data["country"].eq("QZY") & data["group"].eq("comparison")]
    assert gone[["estimate", "ci_low", "ci_high"]].isna().all().all() and gone["note"].str.startswith("withheld").all()
    shown = data[data["country"].eq("QZZ") & data["group"].eq("idp")]
    assert shown["estimate"].iloc[0] == pytest.approx(18.0)


@pytest.mark.parametrize(("reason", "said"), [
    ("not_available", "The solutions measure for IDP households is not available: not collected in this survey."),
    ("min_n", "The solutions measure for IDP households is withheld: fewer than 30 respondents."),
])
def test_a_measure_without_a_value_says_why_as_the_tables_do(global_results, reason, said):
    """A survey that lacks the measure's questions is never "withheld (too few respondents)" (methodology §3)."""
    est = global_results.estimates.copy()
    gone = (est["country"] == "QZY") & (est["indicator_id"] == "SOL-1")
    est.loc[gone, ["estimate", "se", "ci_low", "ci_high"]] = float("nan")
    est.loc[gone, ["suppressed", "suppression_reason"]] = [True, reason]
    text = _text(_emit(front_page.country_sentences, _with(global_results, estimates=est)))
    yland = text.split("Yland:")[1].split("Zedland:")[0] if text.index("Yland:") < text.index("Zedland:") else \
        text.split("Yland:")[1]
    assert said in yland and "too few respondents)" not in text


def test_the_measure_chart_names_a_survey_without_it_instead_of_a_blank_row(global_results):
    est = global_results.estimates.copy()
    gone = (est["country"] == "QZY") & (est["indicator_id"] == "SOL-1")
    est.loc[gone, ["estimate", "se", "ci_low", "ci_high"]] = float("nan")
    est.loc[gone, ["n_unweighted", "suppressed", "suppression_reason"]] = [0, True, "not_available"]
    markup = str(front_page.solutions_figure(_with(global_results, estimates=est)))
    assert "Not available for Yland: not collected in its survey." in _text(markup)
    alts = re.findall(r'alt="([^"]*)"', markup)
    assert alts and all("Zedland" in a and "Yland" not in a for a in alts)  # it describes the countries drawn


def test_the_open_criteria_card_counts_assessed_pairs_as_the_global_page_does(global_results):
    """An estimates-only survey's criteria are not assessed: no pair of the denominator ("2 of 8", not "2 of 16"),
    the same count as the global page's headline."""
    crit = global_results.criteria.copy()
    crit.loc[crit["country"] == "QZY", "status"] = "not_assessed"
    countries = global_results.countries.assign(comparison=[True, False, True])
    g = _with(global_results, criteria=crit, countries=countries)
    card = {c.what: c for c in front_page.headline_cards(g)}["criteria on which IDPs are worse off"]
    assert card.value == "2 of 8" and card.how.endswith("(not assessed: 1 estimates-only survey)")
    assert "✗ 2 of 8" in _text(_emit(global_page.headline_numbers, g))


def test_an_edition_without_any_comparison_group_says_so_in_its_lead(global_results):
    """The lead asks whether IDPs are worse off than people never displaced; when no survey of the edition
    has a comparison group it says, at once, that this edition cannot answer, and no key to statuses that
    no row shows is drawn."""
    said = "so this edition cannot answer that yet"
    assert said not in _text(_emit(front_page.lead, global_results))
    assert "worse off" in _text(_emit(front_page.overview, global_results))  # the key to the chips
    crit = global_results.criteria.assign(status="not_assessed")
    none = _with(global_results, criteria=crit, countries=global_results.countries.assign(comparison=False))
    lead = _text(_emit(front_page.lead, none))
    assert ("None of their surveys has a comparison group of people never displaced, so this edition cannot "
            "answer that yet: it gives the displaced groups' estimates, and no criterion is assessed.") in lead
    overview = _text(_emit(front_page.overview, none))
    assert "estimates only: no comparison group, no criterion assessed" in overview
    assert "worse off" not in overview and "no material gap" not in overview
    one = _with(none, countries=none.countries.assign(comparison=[False, True, True]))  # Yland has one
    assert said not in _text(_emit(front_page.lead, one))
    alone = _with(none, countries=none.countries.assign(status=["ok", "failed", "failed"]))  # Zedland alone
    assert ("in 1 country: on each of the eight criteria of the IASC framework, are they worse off than people "
            "never displaced who live in the same areas? Its survey has no comparison group of people never "
            "displaced, so this edition cannot answer that yet") in _text(_emit(front_page.lead, alone))
