"""The words for findings: each status says what it means, with the numbers, never "the same level"."""

from __future__ import annotations

import math

import pytest

from solutions.report.wording import (
    amount,
    criterion_finding,
    disadvantage,
    flag_codes,
    flag_text,
    gap_finding,
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
    assert "(0 to 45 points worse; margin 5 points)" in text
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
