"""The methods page in plain language: generated from the catalogue and the config, and no code on it."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from solutions.catalogue import load_catalogue
from solutions.report import methods_page, output

from .conftest import CATALOGUE
from .test_front_page import _with

pytestmark = pytest.mark.filterwarnings("error")

CONFIG = {
    "thresholds": {"min_n": 25, "min_effective_n": 40, "max_cv": 0.25, "min_df": 6, "confidence_level": 0.9,
                   "min_count": 7},
    "equivalence_margin": {"absolute": 0.03, "relative": 0.15},
    "solutions_measure": [
        {"criterion": 1, "label": "No restriction of movement", "condition": "movement_restricted == 0"},
        {"criterion": 4, "label": "No HLP lost, or access to restitution",
         "condition": "hlp_lost == 0 or hlp_no_access_remedy == 0"},
    ],
}


def _page(global_results, config=CONFIG, catalogue=CATALOGUE) -> str:
    with output.capture() as out:
        methods_page.title("Methods and data sources")
        methods_page.framework_section()
        methods_page.population_groups()
        methods_page.comparison_approach(config, catalogue, results=global_results)
        methods_page.solutions_measure_rule(config, global_results)
        methods_page.precision_rules(config)
        methods_page.estimation_rules(config)
        methods_page.limitations()
        methods_page.glossary()
        methods_page.methods_catalogue(CATALOGUE)
        methods_page.data_sources(global_results)
        methods_page.data_provenance(global_results)
    return "\n".join(out)


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)))


def test_every_indicator_is_described_in_words_never_as_an_expression(global_results):
    page = _page(global_results)
    text = _text(page)
    for ind in load_catalogue().indicators:
        assert ind.title in text  # by its title: the code is the downloads' (codebook, indicator_catalogue.csv)
        assert not re.search(rf"\b{re.escape(ind.id)}\b", text)
        if ind.universe:
            assert ind.universe_text in text or ind.universe_text.capitalize() in text
            assert ind.universe not in text
        for expr in (ind.numerator, ind.denominator):
            assert not expr or expr not in text
    # no expression, comparison operator or variable name reaches the reader
    for code in ("==", "!=", ">=", "<=", "hlp_lost", "movement_restricted", "justice_needed", "Weight: weight",
                 "_", " and age "):
        assert code not in text, code


def test_values_come_from_the_config(global_results):
    text = _text(_page(global_results))
    assert "fewer than 25 respondents" in text
    assert "effective sample size (respondents divided by the design effect) is below 40" in text
    assert "coefficient of variation above 25%" in text and "fewer than 6" in text
    assert "takes 3 percentage points for shares, and 15% of the comparison group's value" in text
    assert "90% confidence interval of the disadvantage" in text and "90% intervals" in text
    # the Bonferroni level of a criterion: 1 − α/k at the configured level, said in words and numbers
    assert "α = 10% is the error the 90% intervals allow" in text and "0.95 for 2, 0.967 for 3 indicators" in text
    assert "wrongly at most 10%" in text
    # the minimum count of count tables and the low-df flag of a gap
    assert "a cell of fewer than 7 respondents as 'fewer than 7'" in text
    assert "the smaller of the two groups') are fewer than 6" in text
    assert "No restriction of movement (Safety, security and freedom of movement)" in text
    assert "every one of the 2 conditions" in text


def test_defaults_when_the_config_is_silent(global_results):
    # neither the config nor the results describe a measure (the results' description wins when present)
    text = _text(_page(_with(global_results, solutions_measure={}), {"thresholds": {}}))
    assert "takes 5 percentage points for shares, and 10% of the comparison group's value" in text
    assert "fewer than 30 respondents" in text and "fewer than 8" in text
    assert "0.975 for 2, 0.983 for 3 indicators" in text and "'fewer than 5'" in text
    assert "No solutions measure is configured" in text


def test_framework_groups_statuses_limitations_and_glossary(global_results):
    text = _text(_page(global_results))
    assert "IASC Framework on Durable Solutions for Internally Displaced Persons, 2010" in text
    assert "Progressive Resolution of Displacement Situations (PRDS)" in text
    for objective in ("coping capacities", "self-reliance", "conducive environments"):
        assert objective in text
    for group in ("IDPs", "Returnees", "Relocated", "Comparison group"):
        assert group in text
    for status in ("Gap closed", "Gap open", "Inconclusive", "Insufficient data", "Not assessed"):
        assert status in text
    for term in ("Confidence interval (CI)", "Coefficient of variation (CV)", "Design effect",
                 "Effective sample size (effective n)"):
        assert term in text
    assert "sampling error only" in text
    assert "logit scale" in text and "Student's t" in text


def test_scoring_rule_in_words():
    assert methods_page.scoring_text("all", 5) == "every one of the 5 conditions"
    assert methods_page.scoring_text({"at_least": 4}, 5) == "at least 4 of the 5 conditions"


def test_measure_rule_from_the_results_contract(global_results):
    global_results = _with(global_results, solutions_measure={
        "scoring": {"at_least": 1}, "missing_conditions": "partial",
        "conditions": [{"criterion": 2, "label": "Safe water", "condition_text": "water_daily_sufficient == 1",
                        "available": True, "missing": []}],
        "countries": pd.DataFrame([{"iso3": "QZZ", "status": "available", "missing": ""},
                                   {"iso3": "QZY", "status": "partial", "missing": "hlp_lost"}])})
    with output.capture() as out:
        methods_page.solutions_measure_rule({"solutions_measure": []}, global_results)
    text = _text("\n".join(out))
    assert "at least 1 of the 1 conditions" in text and "Safe water (Adequate standard of living)" in text
    assert "water_daily_sufficient" not in text
    assert "computed over the conditions its survey covers" in text
    assert "the measure is computed over the conditions available (partial) for Yland" in text
    assert "hlp_lost" not in text and "Zedland" not in text


def test_build_details_are_collapsed_and_link_the_manifest(global_results):
    page = _page(global_results)
    details = page[page.index('<details class="sos-provenance">'):]
    assert "<summary>" in details and 'href="results/manifest.json"' in details
    assert "c" * 12 in details  # the config hash, in the appendix only
    before = page[:page.index('<details class="sos-provenance">')]
    assert "sha256" not in before and "0.1.0+gtest" not in before
    assert 'href="results/QZZ/estimates.csv"' in details and 'href="results/QZX/estimates.csv"' not in details


def test_an_indicators_own_margin_in_words():
    assert methods_page.own_margin_words({"absolute": 0.03, "relative": None}, percent=True) == "3 percentage points"
    assert methods_page.own_margin_words({"relative": 0.2}, percent=False) == "20% of the comparison group's value"
    assert methods_page.own_margin_words(None, percent=True) == ""


def _margins_text(catalogue) -> str:
    with output.capture() as out:
        methods_page.comparison_approach(CONFIG, catalogue)
    return _text("\n".join(out))


def test_each_indicators_margin_comes_from_the_catalogue():
    from solutions.catalogue import Margin

    compared = [i for i in CATALOGUE.indicators if i.direction in ("higher", "lower") and i.kind != "system"]
    liv1 = next(i for i in CATALOGUE.indicators if i.id == "LIV-1")
    text = _margins_text(CATALOGUE)
    # every compared indicator of the catalogue states 5 points; the unemployment rate (a ratio) is named
    assert (f"5 percentage points for every share or rate of a population (all {len(compared)} indicators "
            f"compared between groups, rates included: {liv1.title})") in text
    assert "No indicator of this catalogue is judged by a share of the comparison group's value" in text
    # an indicator given a relative margin is named with it, and no longer counted among the 5-point ones
    changed = CATALOGUE.model_copy(update={"indicators": tuple(
        i.model_copy(update={"margin": Margin(relative=0.2)}) if i.id == liv1.id else i
        for i in CATALOGUE.indicators)})
    text = _margins_text(changed)
    assert f"20% of the comparison group's value for {liv1.title}" in text
    assert f"({len(compared) - 1} of the {len(compared)} indicators compared between groups)" in text
    assert "No indicator of this catalogue is judged" not in text


def test_what_the_engine_does_is_stated(global_results):
    text = _text(_page(global_results))
    assert "Bonferroni correction" in text and "over the indicators that have data" in text
    assert "Not collected when the survey asked none of the criterion's questions" in text
    assert "not the same as insufficient data" in text
    assert "Korn–Graubard interval" in text and "exactly 0% or 100%" in text
    assert "smaller of the two groups' degrees of freedom, not the whole survey's" in text
    assert "no variance estimate" in text and "single cluster" in text
    assert "A withheld estimate publishes no count either" in text
    assert "'not available: not collected in this survey'" in text


def test_an_edition_without_a_comparison_group_says_the_gap_rules_are_not_applied(global_results):
    """An MCNA-style edition (no country surveyed a comparison group) has no gap: the comparison rules are
    still explained, but never as if they had been applied."""
    said = "No country in this edition surveyed a comparison group"
    assert said not in _text(_page(global_results))
    alone = _with(global_results, gaps=global_results.gaps.iloc[0:0])
    text = _text(_page(alone))
    assert said in text and text.index(said) < text.index("The disadvantage is the gap turned")


def test_a_mixed_edition_names_the_countries_without_a_comparison_group(global_results):
    """One survey without a comparison group beside others: the methods page names it before the rules, which
    apply to the other countries; a country without the measure is "its page", not "their pages"."""
    assert "has no comparison group" not in _text(_page(global_results))  # every survey has one
    countries = global_results.countries.assign(comparison=[True, False, True])  # Xland failed: not named
    text = _text(_page(_with(global_results, countries=countries)))
    said = ("The survey of Yland has no comparison group: no gap or criterion status is given for it, and its "
            "chapter reports the estimates only. The rules below apply to the other countries.")
    assert said in text and text.index(said) < text.index("The disadvantage is the gap turned")
    assert "Xland has no comparison group" not in text and "surveys of" not in text
    both = _text(_page(_with(global_results, countries=global_results.countries.assign(comparison=False))))
    assert "No country in this edition surveyed" not in both  # the fixture's gaps are not empty
    assert "The surveys of Zedland, Yland have no comparison group" in both
