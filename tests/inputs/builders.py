"""Small fictional survey files (country code QAB, user-assigned) written by the tests themselves.

Shared by the library tests (tests/inputs) and the CLI battery (tests/cli).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from solutions.config import CountryConfig
from solutions.errors import InputError
from solutions.inputs import CountryData, load_country_data

N_HH = 12


def households() -> pd.DataFrame:
    """12 households, 2 strata x 2 PSUs x 3 households; every PSU has groups 1, 2 and 3."""
    i = range(N_HH)
    return pd.DataFrame(
        {
            "hh_id": [f"H{k + 1:02d}" for k in i],
            "wt_final": [1.5 + k / 10 for k in i],
            "strat": ["A" if k < 6 else "B" for k in i],
            "ea_code": [str(k // 3 + 1) for k in i],
            "grp": [str(k % 3 + 1) for k in i],
            "region": ["North" if k % 2 else "South" for k in i],
            "area": ["Urban" if k % 4 else "Rural" for k in i],
            "int_date": [f"2026-02-{k + 10:02d}" for k in i],
            "q_justice": ["yes", "no", "dont_know", "Yes"] * 3,
            "q_res": ["camp", "host family", "Private accommodation", "other"] * 3,
            "respondent_name": [f"Person {k}" for k in i],
            "phone": [f"+000 555 {k:04d}" for k in i],
        }
    )


def individuals() -> pd.DataFrame:
    rows = []
    for k in range(N_HH):
        for j in range(2):
            rows.append(
                {
                    "hh_id": f"H{k + 1:02d}",
                    "ind_id": f"H{k + 1:02d}-{j + 1}",
                    "sex": "female" if j else "male",
                    "age_years": [8, 35, 70, 17, 18, 59][(k + j) % 6],
                }
            )
    return pd.DataFrame(rows)


BASE: dict[str, Any] = {
    "iso3": "QAB",
    "name": "Demoland",
    "demo": True,
    "survey": {"title": "Test survey", "collection_start": "2026-02-01", "collection_end": "2026-04-30"},
    "data": {"households": {"path": "households.csv"}},
    "columns": {
        "households": {
            "household_id": "hh_id",
            "weight": "wt_final",
            "stratum": "strat",
            "psu": "ea_code",
            "pop_group": "grp",
            "admin1": "region",
            "urban_rural": "area",
            "interview_date": "int_date",
            "justice_needed": "q_justice",
            "residence_type": "q_res",
        },
        "individuals": {"household_id": "hh_id", "person_id": "ind_id", "sex": "sex", "age": "age_years"},
    },
    "groups": {"1": "idp", "2": "returnee", "3": "comparison"},
    "identifiers": ["respondent_name", "phone"],
}


class Country:
    """Writes test files into a folder and loads them through a config placed in the same folder.

    `lonely_psu` stands for the global config's rule; `save()` writes the config as YAML, so the same
    country can be checked by the library (`load`, `problems`) and by the CLI on a project.
    """

    def __init__(self, root: Path, iso3: str = "QAB"):
        self.root = root
        self.cfg: dict[str, Any] = copy.deepcopy(BASE)
        self.cfg["iso3"] = iso3
        self.lonely_psu = "adjust"

    @property
    def config_path(self) -> Path:
        return self.root / f"{self.cfg['iso3']}.yml"

    def save(self) -> Path:
        """The config as the YAML file a country analyst would write (a builder may also write it raw)."""
        self.config_path.write_text(yaml.safe_dump(self.cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return self.config_path

    def path(self, name: str) -> Path:
        p = self.root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def csv(self, name: str, df: pd.DataFrame, **kw: Any) -> Path:
        p = self.path(name)
        df.to_csv(p, index=False, **kw)
        return p

    def use(self, table: str, path: str, **spec: Any) -> None:
        self.cfg["data"][table] = {"path": path, **spec}

    def config(self) -> CountryConfig:
        return CountryConfig.model_validate(self.cfg)

    def load(self) -> CountryData:
        return load_country_data(self.config(), self.config_path, self.lonely_psu)

    def problems(self) -> list[str]:
        """The problems of a load that must fail with InputError (any other exception fails the test)."""
        with pytest.raises(InputError) as info:
            self.load()
        return info.value.problems


def good_country(root: Path, iso3: str = "QAB") -> Country:
    """A country whose files and config are valid: what every malformed case starts from."""
    c = Country(root, iso3)
    c.csv("households.csv", households())
    return c


def one(problems: list[str], *parts: str) -> str:
    """The single problem line containing every part (fails listing all problems otherwise)."""
    hits = [p for p in problems if all(x in p for x in parts)]
    assert len(hits) == 1, f"expected one problem with {parts}, got:\n" + "\n".join(problems)
    return hits[0]
