"""`solutions init DIR`: the files of a new, real report, for an analyst leaving the demo behind.

Why a command: the shipped `params/` holds the demo (fictional countries QAA–QZZ, `demo: true`); editing it
in place mixes one's report with the demo's. `init` writes a global config without demo countries, one
country config to fill in (commented, valid as a config: `solutions validate` then names the next missing
piece, starting with the data file), a `data/<ISO3>/` folder for the export and copies of the notebooks.
It never overwrites a file: a folder that already holds any of them is refused, naming the files.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pycountry

from solutions.config import ISO3
from solutions.errors import SolutionsError

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"  # package data, as the build finds them (pipeline.plan)

def global_text(year: int, iso3: str) -> str:
    """The new report's global config (no demo country, no `demo` flag)."""
    return f"""\
# The report's global config, written by `solutions init`: yours to edit (docs/configuration.md lists every key).
# No demo countries and no `demo` flag: every chapter of this report is real data.
report_year: {year}
title: State of Solutions to Internal Displacement {year}
countries:         # ISO3 codes; each has its config in countries/<ISO3>.yml
- {iso3}
thresholds:
  min_n: 30
  min_effective_n: 30
  max_cv: 0.3
  min_df: 8
  confidence_level: 0.95
  lonely_psu: adjust
equivalence_margin:
  absolute: 0.05
  relative: 0.1
renderer: auto
"""


def country_text(iso3: str, name: str, year: int, params: Path) -> str:
    """The country config to fill in: valid as a config, so `validate` names the next missing piece."""
    title = _yaml_text(f"Household survey of {name} (replace with the survey's title)")
    return f"""\
# {name} ({iso3}), written by `solutions init`: yours to edit. docs/configuration.md has every key and a
# walkthrough from a Kobo export and a sampling frame to a built chapter. Run
#   solutions validate --params {params}
# after each change: it names the next thing to fix, one line each.
iso3: {iso3}
name: {_yaml_text(name)}
survey:
  title: {title}
  collection_start: {year}-01-01   # the first and last interview dates; dates outside are errors
  collection_end: {year}-12-31
data:
  households:
    path: ../../data/{iso3}/households.csv   # your export as it is (CSV, Excel, Parquet, Stata or SPSS)
columns:
  households:                    # catalogue variable: the column of your file that holds it
    household_id: household_id
    pop_group: pop_group         # the population group of each household (codes mapped in `groups`)
    weight: weight
    stratum: stratum
    psu: cluster
design:
  strata: stratum
  psu: psu
  nest: true                     # PSU ids numbered within each stratum
groups:                          # code in pop_group -> role: idp, returnee, relocated or comparison
  idp: idp
  host: comparison
identifiers: []                  # columns with names, phone numbers or GPS: dropped when read
sources:
- name: {title}
  publisher: (who collected the data)
  year: {year}
"""


def data_readme(iso3: str, name: str) -> str:
    return (f"Put the survey export of {name} here as it was exported (households.csv, or change "
            f"data.households.path in\nparams/countries/{iso3}.yml). Real data never belongs in a shared "
            "repository: keep this folder out of it.\n")


@dataclass(frozen=True)
class Started:
    """What `init` wrote, and the next steps it prints."""

    written: list[Path]
    params: Path

    def next_steps(self) -> list[str]:
        return [
            f"put the household export in {self.params.parent.parent / 'data'}/ (see its README.txt)",
            f"map its columns and groups in {self.params.parent / 'countries'}/ (docs/configuration.md)",
            f"solutions validate --params {self.params}   (names the next thing to fix, one line each)",
            f"solutions build --params {self.params} --output {self.params.parent.parent / 'outputs'}",
        ]


def init_project(folder: Path, iso3: str, name: str | None = None, year: int | None = None) -> Started:
    """Write a new report's configs, data folder and notebooks under `folder`; refuse to overwrite a file."""
    if not ISO3.match(iso3):
        raise SolutionsError(f"--country: {iso3!r} is not an ISO3 code (three capital letters)")
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise SolutionsError(f"--country: {iso3} is not an ISO 3166-1 alpha-3 country code (the demo's QAA-QZZ "
                             "codes are for fictional data: `solutions demo`)")
    name = name or country.name
    year = year or dt.date.today().year
    params = folder / "params" / "global.yml"
    files: dict[Path, str | None] = {
        params: global_text(year, iso3),
        folder / "params" / "countries" / f"{iso3}.yml": country_text(iso3, name, year, params),
        folder / "data" / iso3 / "README.txt": data_readme(iso3, name),
    }
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    files |= {folder / "notebooks" / nb.name: None for nb in notebooks}
    present = [str(p) for p in files if p.exists()]
    if present:
        raise SolutionsError([f"{p}: already exists; `solutions init` never overwrites a file: choose an empty "
                              "folder" for p in present])
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            shutil.copyfile(NOTEBOOKS / path.name, path)
        else:
            path.write_text(text, encoding="utf-8")
    return Started(list(files), params)


def _yaml_text(text: str) -> str:
    """Text as a YAML scalar that reads back as the same text (JSON's quoting is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
