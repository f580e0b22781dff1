"""The two builds the attack reads, each built once per test session by the one test that reads it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from .attack import Result, attack, relative_margins
from .published import Published, collect

sys.path.insert(0, str(Path(__file__).parents[1] / "pipeline"))
from pipeline_project import Project, make_project, sol  # noqa: E402


def _set(params: Path, **values) -> None:
    cfg = yaml.safe_load(params.read_text())
    cfg.update(values)
    params.write_text(yaml.safe_dump(cfg, sort_keys=False))


def _name_round(params: Path, countries: list[str], year: int) -> None:
    """Each country's survey named for the edition's year: a trend series compares survey rounds (an edition
    carrying the same survey title and collection year as another is left out of it)."""
    for iso in countries:
        path = params.parent / "countries" / f"{iso}.yml"
        cfg = yaml.safe_load(path.read_text())
        cfg["survey"]["title"] = re.sub(r"\d{4}$", str(year), cfg["survey"]["title"])
        path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))


def _attack(project: Project) -> tuple[Published, Result]:
    """What can be rebuilt is decided from the published files alone (the withheld values are not needed to
    tell that a value is determined; `python -m disclosure` adds them to confirm what it rebuilds)."""
    pub = collect(project.year_dir)
    return pub, attack(pub, relative_margins(project.params))


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory) -> tuple[Project, Published, Result]:
    """The demo report, its four countries at half the survey size."""
    project = make_project(tmp_path_factory.mktemp("attack-demo"), ["QAB", "QAC", "QAD", "QAE"], scale=0.5)
    project.build()
    return (project, *_attack(project))


@pytest.fixture(scope="session")
def small_cells(tmp_path_factory) -> tuple[Project, Published, Result]:
    """Two small countries: 2025 from one sample, 2026 from a smaller one (different cells withheld)."""
    countries = ["QAB", "QAC"]
    project = make_project(tmp_path_factory.mktemp("attack-small"), countries, scale=0.2)
    _set(project.params, report_year=2025)
    _name_round(project.params, countries, 2025)
    project.build()
    for edited in [project.params, *project.params.parent.joinpath("countries").glob("*.yml")]:
        edited.unlink()  # edited above: `solutions demo` keeps a user's edits, so they are removed first
    sol("demo", "--root", str(project.root), "--scale", "0.12", check=True)  # new data and params for 2026
    _set(project.params, countries=countries)
    project.build()
    return (project, *_attack(project))
