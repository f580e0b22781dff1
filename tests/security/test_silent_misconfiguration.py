"""Class "silent misconfiguration": what YAML or a lax parser would silently accept (a key given twice, two
spellings of one code, infinities, lists where one value belongs, a multi-character delimiter read as a
regular expression, an interval level that overflows, an infinite weight) is refused by `validate` with the
file, key and line or rows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from inputs.builders import good_country, households

from .cases import GOOD_COUNTRY, GOOD_GLOBAL, raw_project, validate, write
from .test_resource_exhaustion import one_problem

COUNTRY_TEXT = yaml.safe_dump(GOOD_COUNTRY, sort_keys=False)

RAW_CASES = [
    ("top-level key twice", COUNTRY_TEXT + "name: Other name\n",
     f"line {COUNTRY_TEXT.count(chr(10)) + 1}: duplicate key 'name' (first given on line 2)"),
    ("group code twice", COUNTRY_TEXT.replace("  '2': comparison\n", "  '2': comparison\n  '1': comparison\n"),
     "duplicate key '1' (first given on line"),
    ("group code in two spellings", COUNTRY_TEXT.replace("  '2': comparison\n", "  '2': comparison\n  1: comparison\n"),
     "groups: code '1' is given twice"),
    ("yes and 'yes' as recode codes", COUNTRY_TEXT + "recode:\n  justice_needed: {yes: 1, 'yes': 0}\n",
     "recode: justice_needed: code 'yes' is given twice"),
    ("recode to a list", COUNTRY_TEXT + "recode:\n  justice_needed: {'yes': [1, 0]}\n", "recode.justice_needed.yes"),
    ("recode to a mapping", COUNTRY_TEXT + "recode:\n  justice_needed: {'yes': {a: 1}}\n", "recode.justice_needed.yes"),
    ("impossible date", COUNTRY_TEXT.replace("'2026-03-31'", "2026-02-30"), "cannot read the value '2026-02-30'"),
]


@pytest.mark.parametrize("label,text,words", RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_what_yaml_would_accept_silently_is_refused(tmp_path: Path, label: str, text: str, words: str) -> None:
    code, errors, _ = validate(raw_project(tmp_path, text))
    assert code == 2 and any(words in e for e in errors), errors
    assert all("countries/QAB.yml" in e for e in errors)


GLOBAL_CASES = [
    ("infinite max_cv", {"thresholds": {"max_cv": float("inf")}}, "thresholds.max_cv: Input should be a finite number"),
    ("NaN confidence", {"thresholds": {"confidence_level": float("nan")}}, "thresholds.confidence_level: Input should be a finite number"),
    ("extreme confidence level", {"thresholds": {"confidence_level": 0.9999999999999999}},
     "thresholds.confidence_level: 0.9999999999999999 is outside (0.5, 0.999]"),
    ("infinite limit", {"limits": {"max_file_mb": float("inf")}}, "limits.max_file_mb: Input should be a finite number"),
    ("country code in lower case", {"countries": ["qab"]}, "countries: not an ISO3 code"),
    ("duplicate country", {"countries": ["QAB", "QAB"]}, "countries: duplicate country QAB"),
    ("a title that is a list", {"title": ["a", "b"]}, "title: Input should be a valid string"),
]


@pytest.mark.parametrize("label,changes,words", GLOBAL_CASES, ids=[c[0] for c in GLOBAL_CASES])
def test_global_settings_that_cannot_work_are_refused(tmp_path: Path, label: str, changes: dict, words: str) -> None:
    params = write(tmp_path, GOOD_COUNTRY, {**GOOD_GLOBAL, **changes})
    code, errors, _ = validate(params)
    assert code == 2 and any(e.endswith(words) or words in e for e in errors), errors


def test_global_key_twice(tmp_path: Path) -> None:
    params = raw_project(tmp_path, COUNTRY_TEXT, "report_year: 2026\ntitle: T\ncountries: [QAB]\n"
                                                "countries: [QAC]\n")
    one_problem(params, "global.yml: line 4: duplicate key 'countries' (first given on line 3)")


def test_multi_character_delimiter_is_not_a_regular_expression(tmp_path: Path) -> None:
    country = good_country(tmp_path)
    country.use("households", "households.csv", delimiter="(,|;)+")
    problems = country.problems()
    assert problems == ["households.csv: delimiter '(,|;)+' in the config: expected one character, "
                        "e.g. ',' ';' '|' or tab"]


@pytest.mark.parametrize("cell", ["inf", "-inf", "Infinity", "1e999"])
def test_infinite_weight_in_the_data_is_refused_with_its_row(tmp_path: Path, cell: str) -> None:
    country = good_country(tmp_path)
    frame = households()
    frame["wt_final"] = frame["wt_final"].astype(object)
    frame.loc[4, "wt_final"] = cell
    country.csv("households.csv", frame)
    problems = country.problems()
    assert any(p.startswith("households.csv: column 'wt_final' (weight): 1 row with infinite weight")
               and p.endswith("line 6)") for p in problems), problems
