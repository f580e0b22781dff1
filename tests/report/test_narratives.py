"""Narrative placeholders: parsed by a whitelist, filled from the results in the report's words, checked by
validate (an unknown placeholder is a problem, a typed number or finding a warning)."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from solutions.config import Thresholds
from solutions.narrative_placeholders import check_narrative, parse_one, placeholders, typed_claims
from solutions.report import blocks, narratives, output
from solutions.report.cells import estimate_phrase
from solutions.report.wording import gap_finding, gap_summary
from solutions.results import write_table

from .conftest import YEAR, make_estimates

THR = Thresholds()  # the global config's defaults, as a report without settings gets them

KNOWN = ["ADQ-2", "SAF-3", "LIV-1", "ADQ-1", "SOL-1"]


def test_the_syntax_is_a_whitelist_and_never_collides_with_quarto_or_jinja():
    p = parse_one("gap LIV-1 idp")
    assert (p.kind, p.indicator, p.group) == ("gap", "LIV-1", "idp")
    assert parse_one("estimate ADQ-1 idp camp").category == "camp"
    assert parse_one("criterion 3 returnee").criterion == 3
    found, problems = placeholders("{{< meta title >}} {{ x }} [[gap LIV-1 idp]] [[gap LIV-1 comparison]] "
                                   "[[estimate XYZ-9 idp]] [[__import__('os')]] [[criterion 9 idp]] [[gap", KNOWN)
    assert [p.text for p in found] == ["[[gap LIV-1 idp]]"]  # Quarto shortcodes and Jinja are left alone
    assert problems == [
        "[[gap LIV-1 comparison]]: the group must be one of idp, returnee, relocated, not 'comparison'",
        "[[estimate XYZ-9 idp]]: unknown indicator XYZ-9 (not in the catalogue nor the country's extra_indicators)",
        "[[__import__('os')]]: unknown placeholder (the first word must be one of estimate, ci, gap, finding, "
        "status, change, criterion)",
        "[[criterion 9 idp]]: write [[criterion N GROUP]] with N from 1 to 8",
        "an unclosed [[ or a stray ]]: a placeholder is written [[kind ID GROUP]] on one line"]


@pytest.mark.parametrize("text,claims", [
    ("Unemployment among IDPs is about twice that of the comparison group.", ["twice"]),
    ("IDPs are as likely as their neighbours to feel that justice is restored.", ["as likely"]),
    ("The campaign has closed the documentation gap.", ["closed"]),
    ("Security has improved markedly since 2024.", ["improved", "markedly"]),
    ("45% of IDPs, 3 points more, 1.5 times the rate, 12 camps.", ["45%", "3 points", "1.5 times", "12"]),
    ("The 2023 relocation programme; PAR-3 is not reported; [[gap LIV-1 idp]].", []),
])
def test_typed_numbers_and_findings_are_found_outside_placeholders(text, claims):
    assert typed_claims(text) == claims


def test_check_names_the_file_and_key():
    check = check_narrative("ok [[gap LIV-1 idp]]", {3: "about twice", 5: "[[gap NOPE-1 idp]]"}, KNOWN, "QZZ.yml")
    assert check.problems == ["QZZ.yml: narrative.criteria.5: [[gap NOPE-1 idp]]: unknown indicator NOPE-1 (not in "
                              "the catalogue nor the country's extra_indicators)"]
    assert len(check.warnings) == 1 and check.warnings[0].startswith(
        'QZZ.yml: narrative.criteria.3: typed numbers or findings that no placeholder backs: "twice"')


def _narrated(results, text):
    return dataclasses.replace(results, narrative={"summary": text, "criteria": {}})


def _emit(results) -> str:
    with output.capture() as out:
        blocks.narrative(results)
    return re.sub(r"<[^>]+>", "", "\n".join(out))


def test_placeholders_are_filled_with_the_tables_words(country_results):
    narratives.use_output_root(None)
    r = country_results
    g = r.gaps.set_index(["indicator_id", "group"])
    e = r.estimates[(r.estimates["disaggregation"] == "total") & (r.estimates["category"] == "")]
    e = e.set_index(["indicator_id", "group"])

    def gap_of(ind, group):
        row = g.loc[(ind, group)]
        return dict(status=row["status"], gap=row["gap"], ci_low=row["ci_low"], ci_high=row["ci_high"],
                    direction=row["direction"], margin=row["margin"], percent=True)

    text = _emit(_narrated(r, "Water: [[estimate ADQ-2 idp]]; [[finding ADQ-2 idp]]. Gap: [[gap SAF-3 idp]]. "
                              "Returnees: [[estimate ADQ-2 returnee]]; [[gap ADQ-2 returnee]]. "
                              "[[status LIV-1 idp]]; [[criterion 4 idp]]; [[change ADQ-2 idp]]."))
    assert f"Water: {estimate_phrase(e.loc[('ADQ-2', 'idp')].to_dict(), percent=True, thresholds=THR)};" in text
    assert gap_finding("IDPs", **gap_of("ADQ-2", "idp")) in text
    assert f"Gap: {gap_summary(**gap_of('SAF-3', 'idp'))}." in text
    # a withheld value reads as withheld, never as a number
    assert "Returnees: withheld: fewer than 30 respondents; a value on one side is withheld." in text
    assert "gap closed;" in text and "too few respondents to compare IDPs" in text
    assert "see the trends section" in text and "[[" not in text


def test_the_change_placeholder_reads_the_earlier_edition(country_results, tmp_path):
    r = _narrated(country_results, "Since the last edition: [[change ADQ-2 idp]].")
    narratives.use_output_root(tmp_path)
    try:
        assert "no earlier comparable edition to compare with" in _emit(r)
        earlier = make_estimates(shift=-0.20).assign(year=YEAR - 1)
        write_table(earlier, "estimates", tmp_path / str(YEAR - 1) / "results" / r.iso3)
        text = _emit(r)
    finally:
        narratives.use_output_root(None)
    # 35% → 55% on a higher-is-better indicator, half-widths of 5 points: better
    assert re.search(rf"Since the last edition: since {YEAR - 1}: better: up 20 points \(\+\d+ to \+\d+\)\.", text), text


def test_filled_text_is_markdown_escaped(country_results):
    """A reason from the indicators table (variable names with underscores) reaches the page as written."""
    indicators = pd.DataFrame([{"indicator_id": "DOC-1", "computed": False,
                                "reason": "variables documents_lost_displacement, *x* not mapped"}])
    r = _narrated(dataclasses.replace(country_results, indicators=indicators), "Documents: [[estimate DOC-1 idp]].")
    with output.capture() as out:
        blocks.narrative(r)
    page = "\n".join(out)
    assert "not available: variables documents_lost_displacement, *x* not mapped" in page
    assert "<em>" not in page
    assert narratives.fill("no placeholder *here*", r) == "no placeholder *here*"
