"""Config validation: each bad config gives its exact one-line message naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from solutions.config_loader import load_all, load_country
from solutions.errors import ConfigError

from .config_cases import CASES, FILE_CASES, GOOD_COUNTRY, with_, write


def problems(tmp: Path, country, glob=None, name="QAB") -> list[str]:
    path = write(tmp, country, glob, name)
    with pytest.raises(ConfigError) as info:
        load_all(path)
    return info.value.problems


def test_good_config_loads(tmp_path: Path) -> None:
    gcfg, countries = load_all(write(tmp_path, GOOD_COUNTRY))
    assert gcfg.report_year == 2026
    assert countries["QAB"].role_of(1) == "idp"


@pytest.mark.parametrize("label,country,message", CASES, ids=[c[0] for c in CASES])
def test_bad_country_config(tmp_path: Path, label: str, country: dict, message: str) -> None:
    got = problems(tmp_path, country)
    assert any(p.endswith(message) for p in got), got
    assert all(str(tmp_path) in p for p in got)  # every line names the file


@pytest.mark.parametrize("label,country,glob,message", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_config_file(tmp_path: Path, label: str, country, glob, message: str) -> None:
    got = problems(tmp_path, country, glob)
    assert any(p.endswith(message) for p in got), got
    assert all(p.startswith(str(tmp_path)) for p in got)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    got = problems(tmp_path, "iso3: QAB\nname: [unclosed\n")
    assert len(got) == 1 and "countries/QAB.yml: line" in got[0] and "not valid YAML" in got[0]


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    got = problems(tmp_path, with_(colour="blue", demo="perhaps", name=...))
    assert len(got) == 3


def test_relative_and_absolute_paths(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_COUNTRY)
    assert load_country(tmp_path / "countries" / "QAB.yml").data.households.path == "hh.csv"
    absolute = with_(data={"households": {"path": str(tmp_path / "countries" / "hh.csv")}})
    write(tmp_path, absolute)
    load_all(path)
