"""Config validation: each bad config gives its exact one-line message naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from solutions.config import load_all, load_country, load_global
from solutions.errors import ConfigError

GOOD_COUNTRY = {
    "iso3": "QAB",
    "name": "Republic of Testland",
    "demo": True,
    "survey": {"title": "Test survey", "collection_start": "2026-01-01", "collection_end": "2026-03-31"},
    "data": {"households": {"path": "hh.csv"}},
    "columns": {"households": {"household_id": "hh_id", "weight": "wt"}},
    "design": {"weight": "weight", "strata": None, "psu": None},
    "groups": {"1": "idp", "2": "comparison"},
}
GOOD_GLOBAL = {"report_year": 2026, "title": "Test report", "countries": ["QAB"]}


def write(tmp: Path, country: dict | str | list, glob: dict | None = None, name: str = "QAB") -> Path:
    (tmp / "countries").mkdir(exist_ok=True)
    (tmp / "countries" / "hh.csv").write_text("hh_id,wt\n1,1\n")
    text = country if isinstance(country, str) else yaml.safe_dump(country)
    (tmp / "countries" / f"{name}.yml").write_text(text)
    (tmp / "global.yml").write_text(yaml.safe_dump(glob or GOOD_GLOBAL))
    return tmp / "global.yml"


def problems(tmp: Path, country, glob=None, name="QAB") -> list[str]:
    path = write(tmp, country, glob, name)
    with pytest.raises(ConfigError) as info:
        load_all(path)
    return info.value.problems


def test_good_config_loads(tmp_path: Path) -> None:
    gcfg, countries = load_all(write(tmp_path, GOOD_COUNTRY))
    assert gcfg.report_year == 2026
    assert countries["QAB"].role_of(1) == "idp"


def with_(**changes) -> dict:
    d = yaml.safe_load(yaml.safe_dump(GOOD_COUNTRY))
    for key, value in changes.items():
        target = d
        parts = key.split("__")
        for p in parts[:-1]:
            target = target[p]
        if value is ...:
            del target[parts[-1]]
        else:
            target[parts[-1]] = value
    return d


CASES = [
    ("unknown key", with_(colour="blue"), "countries/QAB.yml: colour: unknown key"),
    ("wrong type", with_(demo="perhaps"), "countries/QAB.yml: demo: Input should be a valid boolean, unable to interpret input"),
    ("missing required", with_(name=...), "countries/QAB.yml: name: Field required"),
    ("missing data file", with_(data={"households": {"path": "nope.csv"}}),
     "countries/QAB.yml: data.households.path: file not found: nope.csv"),
    ("unknown ISO code", with_(iso3="XYZ", demo=False),
     "countries/QAB.yml: (top level): iso3 'XYZ' is not an ISO 3166-1 alpha-3 country code"),
    ("demo with a real code", with_(iso3="FRA"),
     "countries/QAB.yml: (top level): demo data must use a user-assigned code QAA-QZZ, not the real FRA"),
    ("fictional code without demo", with_(demo=False),
     "countries/QAB.yml: (top level): iso3 QAB is in the user-assigned range QAA-QZZ, kept for demo data"),
    ("no comparison group", with_(groups={"1": "idp", "2": "returnee"}),
     "countries/QAB.yml: groups: no group has the role 'comparison' (IDPs are compared with it)"),
    ("unknown role", with_(groups={"1": "refugee", "2": "comparison"}),
     "countries/QAB.yml: groups.1: Input should be 'idp', 'returnee', 'relocated' or 'comparison'"),
    ("unknown catalogue variable", with_(columns={"households": {"income": "inc"}}),
     "countries/QAB.yml: (top level): columns.households.income: not a catalogue variable of households"),
    ("unknown dropped indicator", with_(drop_indicators=["ZZZ-9"]),
     "countries/QAB.yml: (top level): drop_indicators: unknown indicator 'ZZZ-9'"),
    ("collection period reversed", with_(survey={"title": "t", "collection_start": "2026-05-01",
                                                 "collection_end": "2026-01-01"}),
     "countries/QAB.yml: survey: collection_end is before collection_start"),
    ("non-boolean nest flag", with_(design={"weight": "weight", "nest": "maybe"}),
     "countries/QAB.yml: design.nest: Input should be a valid boolean, unable to interpret input"),
    ("criterion out of range", with_(narrative={"criteria": {9: "text"}}),
     "countries/QAB.yml: narrative.criteria: criteria must be 1-8, got [9]"),
]


@pytest.mark.parametrize("label,country,message", CASES, ids=[c[0] for c in CASES])
def test_bad_country_config(tmp_path: Path, label: str, country: dict, message: str) -> None:
    got = problems(tmp_path, country)
    assert any(p.endswith(message) for p in got), got
    assert all(str(tmp_path) in p for p in got)  # every line names the file


def test_iso_must_match_file_name(tmp_path: Path) -> None:
    got = problems(tmp_path, with_(iso3="QAC"), glob={**GOOD_GLOBAL, "countries": ["QAB"]})
    assert got == [f"{tmp_path}/countries/QAB.yml: iso3: QAC does not match the file name QAB.yml"]


def test_config_that_is_a_list(tmp_path: Path) -> None:
    got = problems(tmp_path, "- a\n- b\n")
    assert got == [f"{tmp_path}/countries/QAB.yml: expected a mapping of keys at the top level, got list"]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    got = problems(tmp_path, "iso3: QAB\nname: [unclosed\n")
    assert len(got) == 1 and "countries/QAB.yml: line" in got[0] and "not valid YAML" in got[0]


def test_duplicate_country(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_COUNTRY, {**GOOD_GLOBAL, "countries": ["QAB", "QAB"]})
    with pytest.raises(ConfigError) as info:
        load_global(path)
    assert info.value.problems == [f"{path}: countries: duplicate country QAB"]


def test_missing_country_file(tmp_path: Path) -> None:
    got = problems(tmp_path, GOOD_COUNTRY, {**GOOD_GLOBAL, "countries": ["QAB", "QAD"]})
    assert got == [f"{tmp_path}/countries/QAD.yml: file not found"]


def test_global_thresholds_checked(tmp_path: Path) -> None:
    bad = {**GOOD_GLOBAL, "thresholds": {"min_n": 0, "lonely_psu": "ignore"}}
    got = problems(tmp_path, GOOD_COUNTRY, bad)
    assert f"{tmp_path}/global.yml: thresholds.min_n: Input should be greater than or equal to 1" in got
    assert any(p.startswith(f"{tmp_path}/global.yml: thresholds.lonely_psu: Input should be") for p in got)


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    got = problems(tmp_path, with_(colour="blue", demo="perhaps", name=...))
    assert len(got) == 3


def test_relative_and_absolute_paths(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_COUNTRY)
    assert load_country(tmp_path / "countries" / "QAB.yml").data.households.path == "hh.csv"
    absolute = with_(data={"households": {"path": str(tmp_path / "countries" / "hh.csv")}})
    write(tmp_path, absolute)
    load_all(path)
