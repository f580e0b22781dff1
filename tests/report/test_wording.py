"""The words for findings: each status says what it means, with the numbers, never "the same level"."""

from __future__ import annotations

import math

import pytest

from solutions.report.wording import (
    INDICATOR_CODE,
    amount,
    availability_words,
    criterion_finding,
    disadvantage,
    flag_codes,
    flag_text,
    gap_finding,
    gap_summary,
    indicator_name,
    status_meaning,
)


def test_disadvantage_follows_the_direction() -> None:
    # higher is better: IDPs 12 points lower is a disadvantage of +12
    d = disadvantage(-0.12, -0.20, -0.04, "higher")
    assert (d.value, d.low, d.high) == pytest.approx((0.12, 0.04, 0.20))
    d = disadvantage(0.12, 0.04, 0.20, "lower")
    assert (d.value, d.low, d.high) == pytest.approx((0.12, 0.04, 0.20))
    assert disadvantage(0.1, 0.0, 0.2, "none") is None
    assert disadvantage(math.nan, 0.0, 0.2, "lower") is None


def test_open_gap_gives_size_and_interval() -> None:
    text = gap_finding("IDPs", "open", gap=-0.12, ci_low=-0.20, ci_high=-0.04, direction="higher", margin=0.05)
    assert text == "IDPs are worse off than the comparison group by 12 points (4 to 20 points worse)"


def test_closed_gap_names_the_margin_and_both_sides() -> None:
    text = gap_finding("Returnees", "closed", gap=0.01, ci_low=-0.02, ci_high=0.03, direction="lower", margin=0.05)
    assert text == ("no gap larger than 5 points between Returnees and the comparison group "
                    "(from 2 points better to 3 points worse)")


def test_large_non_significant_gap_is_inconclusive_not_parity() -> None:
    """The issue's example: -22 points, CI -45 to 0, on a higher-is-better indicator."""
    text = gap_finding("Relocated", "inconclusive", gap=-0.22, ci_low=-0.45, ci_high=0.004,
                       direction="higher", margin=0.05)
    assert text.startswith("the survey cannot tell whether Relocated are worse off")
    # the lower bound of D is −0.4: "0 to 45 points worse" would hide that the CI holds zero (methodology §3)
    assert "(from 0.4 points better to 45 points worse; margin 5 points)" in text
    assert "same" not in text


def test_better_off_and_no_minus_zero() -> None:
    text = gap_finding("IDPs", "closed", gap=0.08, ci_low=0.03, ci_high=0.13, direction="higher", margin=0.05)
    assert "8 to 13" not in text and "3 to 13 points better" in text
    assert amount(-0.001, percent=True) == "0 points" and "-0" not in amount(-0.0004, percent=False)


def test_means_use_their_own_unit() -> None:
    text = gap_finding("IDPs", "open", gap=2.5, ci_low=1.0, ci_high=4.0, direction="lower", margin=0.4,
                       percent=False)
    assert text == "IDPs are worse off than the comparison group by 2.5 (1.0 to 4.0 worse)"


def test_withheld_and_unassessed() -> None:
    assert gap_finding("IDPs", "insufficient_data") == "too few respondents to compare IDPs with the comparison group"
    assert "not assessed" in gap_finding("IDPs", "not_assessed")


def test_criterion_counts() -> None:
    assert criterion_finding("IDPs", "open", n_indicators=3, n_open=1, n_closed=2) == (
        "IDPs are worse off on at least one indicator (1 open, 2 closed of 3 indicators)")
    assert criterion_finding("IDPs", "insufficient_data", n_indicators=0) == "too few respondents to compare IDPs"


def test_meanings_and_flags() -> None:
    assert status_meaning("closed", margin="5 points") == "the data show no disadvantage larger than 5 points"
    assert flag_codes("high_cv;low_df") == ["high_cv", "low_df"] and flag_codes(math.nan) == []
    assert flag_text("high_cv;low_df", max_cv=0.3, min_df=8) == (
        "imprecise: coefficient of variation above 30%; few degrees of freedom: fewer than 8")


def test_a_rounded_bound_never_contradicts_the_status():
    """The issue's example: an open gap whose upper bound is 5.42 beside a 5-point margin reads "5.4", not "5"
    (5 would read as inside the margin); a bound that rounds to the margin or to zero gets the decimals it needs."""
    from solutions.report.cells import gap_ci_text
    from solutions.report.wording import precise

    assert gap_summary("open", gap=0.032, ci_low=0.01, ci_high=0.0542, direction="lower", margin=0.05) == (
        "worse off by 3 points (1 to 5.4)")
    # higher is better: the gap's CI −5.42 to −1 is the same D
    assert gap_summary("open", gap=-0.032, ci_low=-0.0542, ci_high=-0.01, direction="higher", margin=0.05) == (
        "worse off by 3 points (1 to 5.4)")
    assert gap_ci_text({"gap": -0.032, "ci_low": -0.0542, "ci_high": -0.01, "margin": 0.05}, percent=True) == (
        "\u22125.4 to \u22121")
    # a bound far from 0 and δ keeps whole points; 4.96 is not "5" (nor "5.0") beside a 5-point margin
    assert gap_finding("IDPs", "closed", gap=0.01, ci_low=-0.02, ci_high=0.0496, direction="lower", margin=0.05) == (
        "no gap larger than 5 points between IDPs and the comparison group (from 2 points better to 4.96 points worse)")
    assert precise(0.0496, percent=True, margin=0.05) == (4.96, 2)
    assert precise(0.003, percent=True, margin=0.05) == (0.3, 1)
    assert precise(0.12, percent=True, margin=0.05) == (12.0, 0)
    # a status tests a CI's lower end against 0 and −δ, its upper end against 0 and +δ: a lower bound of 4.996
    # beside a 5-point margin decides nothing there and reads "5" (an upper bound of 4.996 does decide: closed)
    assert precise(0.04996, percent=True, margin=0.05, side="low") == (5.0, 0)
    assert precise(0.04996, percent=True, margin=0.05, side="high") == (4.996, 3)
    assert precise(-0.04996, percent=True, margin=0.05, side="low") == (-4.996, 3)
    assert gap_ci_text({"gap": 0.22, "ci_low": 0.04996, "ci_high": 0.39, "margin": 0.05}, percent=True) == "+5 to +39"
    assert gap_ci_text({"gap": -0.22, "ci_low": -0.39, "ci_high": -0.04996, "margin": 0.05}, percent=True) == (
        "\u221239 to \u22125")
    # ratios and means in their own unit: one decimal, more only when needed
    assert precise(0.396, percent=False, margin=0.4) == (0.396, 3)


def test_a_change_between_editions_in_words():
    from solutions.report.wording import change_gist, change_summary, status_change_gist

    assert change_summary("improved", change=-0.07, ci_low=-0.11, ci_high=-0.03, margin=0.05) == (
        "better: down 7 points (\u221211 to \u22123)")
    assert change_summary("worsened", change=0.07, ci_low=0.03, ci_high=0.11, margin=0.05) == (
        "worse: up 7 points (+3 to +11)")
    assert change_summary("no_material_change", change=0.01, ci_low=-0.02, ci_high=0.0497, margin=0.05) == (
        "no change larger than 5 points (\u22122 to +4.97)")
    assert change_summary("cannot_tell", change=0.02, ci_low=-0.04, ci_high=0.09, margin=0.05) == (
        "the surveys cannot tell (\u22124 to +9; margin 5 points)")
    assert change_summary("insufficient_data") == "a value of one edition is withheld"
    assert change_gist("no_material_change", margin=0.05) == "no change larger than 5 points"
    assert status_change_gist("open", "closed") == "better" and status_change_gist("closed", "open") == "worse"
    assert status_change_gist("open", "inconclusive") == "the gap is no longer shown"
    assert status_change_gist("closed", "insufficient_data") == ""


def test_a_criterion_not_collected_is_never_too_few_respondents():
    from solutions.report.wording import criteria_summary, group_findings

    summary = criteria_summary("IDPs", {1: "open", 7: "not_collected", 8: "insufficient_data"})
    assert summary == ("IDPs are worse off on 1 of 3 criteria (1); too few respondents to compare on 1 (8); "
                       "not collected in this survey on 1 (7)")
    text = group_findings("IDPs", {7: "not_collected"}, {7: "Participation in public affairs"})
    assert text == "IDPs: not collected in this survey: criterion 7 (Participation in public affairs)."
    assert criterion_finding("IDPs", "not_collected", n_indicators=0) == "not collected in this survey for IDPs"
    assert gap_finding("IDPs", "not_collected") == "IDPs: not collected in this survey"


def test_indicators_are_named_by_their_titles_never_their_codes() -> None:
    """Readers meet an indicator by its catalogue (or config) title; the code is the downloads' key."""
    from solutions.catalogue import load_catalogue

    for ind in load_catalogue().indicators:
        assert indicator_name(ind.id, ind.title, ind.short_title) == ind.short_title
        assert indicator_name(ind.id, ind.title, ind.short_title, short=False) == ind.title
        assert not INDICATOR_CODE.search(indicator_name(ind.id, ind.title, ind.short_title))
    assert indicator_name("SOL-1") == "Solutions measure"  # not in the catalogue
    assert indicator_name("SOL-1", "Households meeting every solutions condition", short=False).startswith("House")
    assert indicator_name("XTR-1", "A country's own indicator") == "A country's own indicator"  # no short title
    assert indicator_name("XTR-1") == "XTR-1"  # nothing else names it


def test_why_not_computed_in_a_readers_words() -> None:
    """Config keys and variable names stay in the downloads; the measure's reason reads as one sentence."""
    assert availability_words("variables hlp_lost, x not mapped (columns.households): the conditions of the "
                              "solutions measure need them") == "the survey data lack the answers its conditions need"
    assert availability_words("not collected in this survey (drop_indicators)") == "not collected in this survey"
    assert availability_words("needs the individuals table") == "needs the survey's individual-level data"
