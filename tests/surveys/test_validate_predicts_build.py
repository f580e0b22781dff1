"""`solutions validate` predicts every build failure: configs and files broken at each stage of a build, from
the YAML to the design, each caught by validate with the very problems the build's first step raises.

Why the build's first step: the country notebook's first call (`prepare_country`) is where a build fails on a
country's config or data; validate runs the same code (`check_country`), then the computation in memory.
Two cases also go through the real `solutions build`, notebook and all.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from solutions.cli import app
from solutions.config_loader import country_path, load_all
from solutions.errors import ConfigError, InputError
from solutions.indicators import prepare_country

from .conftest import Msna, cli


class Case:
    """A copy of the fixture project, to break in one way."""

    def __init__(self, root: Path):
        self.root = root
        self.params = root / "params" / "global.yml"
        self.dir = root / "params" / "countries"

    @property
    def config_path(self) -> Path:
        return next(self.dir.glob("*.yml"))

    def country(self, change: Callable[[dict[str, Any]], None]) -> None:
        cfg = yaml.safe_load(self.config_path.read_text(encoding="utf-8"))
        change(cfg)
        self.config_path.unlink()
        (self.dir / f"{cfg['iso3']}.yml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")

    def global_(self, change: Callable[[dict[str, Any]], None]) -> None:
        g = yaml.safe_load(self.params.read_text(encoding="utf-8"))
        change(g)
        self.params.write_text(yaml.safe_dump(g, sort_keys=False), encoding="utf-8")

    def csv(self, name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
        path = self.dir / name
        path.write_text(change(pd.read_csv(path, dtype=str, keep_default_na=False)).to_csv(index=False),
                        encoding="utf-8")

    def text(self, name: str, change: Callable[[str], str]) -> None:
        path = self.dir / name
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        *head, last = path.split(".")
        for k in head:
            d = d[int(k)] if isinstance(d, list) else d.setdefault(k, {})
        if value is ...:
            del d[last]
        else:
            d[last] = value
    return change


def _real_country(g: dict[str, Any]) -> None:
    g["demo"] = True
    g["countries"] = ["SDN"]


def _sudan(c: dict[str, Any]) -> None:
    c.update(iso3="SDN", demo=False)


def _repeat_water(text: str) -> str:
    """A mapped question exported twice (a second copy at the end of every line)."""
    lines = text.splitlines()
    return "\n".join([lines[0] + ",wash/water_sufficient", *(line + ",no" for line in lines[1:])]) + "\n"


def _zero_population(text: str) -> str:
    """A sampled stratum whose population the frame gives as 0."""
    lines = text.splitlines()
    cells = next(csv.reader([lines[3]]))  # the first stratum (two title rows, then the header)
    cells[-2] = "0"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return "\n".join([*lines[:3], out.getvalue(), *lines[4:]]) + "\n"


def _weight_column(c: dict[str, Any]) -> None:
    """The files' own weights, rescaled per stratum to the frame's populations."""
    c["columns"]["households"]["weight"] = "weight"
    c["design"]["weights"]["rescale"] = True


def _negative(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[2, "weight"] = "-1"
    return frame


def _no_stratum(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[frame.index[:3], "admin/cluster_id"] = ""
    return frame


def _drop_frame_line(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("Hamra,IDP")) + "\n"


EXTRA_UNMAPPED = {"id": "JUS-1", "criterion": 1, "title": "Justice needed", "short_title": "Justice needed",
                  "definition": "Households that needed justice.", "kind": "proportion", "table": "households",
                  "unit": "household", "numerator": "justice_needed == 1", "requires": ["justice_needed"],
                  "direction": "lower", "prds_objective": 3, "level": "household"}

# (id, stage, how the case is broken, the words every problem line of validate and of the build must hold)
CASES: list[tuple[str, str, Callable[[Case], None], str]] = [
    ("unknown key", "config", lambda c: c.country(_set("colour", "blue")), "colour: unknown key"),
    ("country indicator reads an unknown variable", "config",
     lambda c: c.country(_set("extra_indicators.0.numerator", "food_bad == 1")), "unknown variable(s) food_bad"),
    ("a category literal that is not a level", "config",
     lambda c: c.country(_set("variables.households.female_head", {"type": "binary", "derived": "hoh_sex == 'Female'"})),
     "'Female' is not a level of hoh_sex"),
    ("a disaggregation that is not a category", "config",
     lambda c: c.country(_set("disaggregations", [{"variable": "fcs"}])), "fcs is not a category variable"),
    ("a note on an unknown indicator", "config", lambda c: c.country(_set("notes.XYZ-1", "a note")),
     "notes.XYZ-1: unknown indicator"),
    ("a regional file missing", "files", lambda c: (c.dir / "kobo" / "msna_south.csv").unlink(),
     "data.households.files.1.path: file not found: kobo/msna_south.csv"),
    ("the XLSForm sheet is not a form", "files", lambda c: c.text("kobo/choices.csv", lambda t: "a,b\n1,2\n"),
     "neither an XLSForm choices sheet"),
    ("a mapped column absent from one file", "mapping",
     lambda c: c.csv("kobo/msna_south.csv", lambda f: f.rename(columns={"wash/water_sufficient": "wash/water_ok"})),
     "column 'water_sufficient' (water_daily_sufficient)"),
    ("an unknown category code", "mapping",
     lambda c: c.csv("kobo/msna_north.csv", lambda f: f.replace({"shelter/shelter_type": {"tent": "caravan"}})),
     "unknown category codes"),
    ("a derived variable reads what is not mapped", "derived",
     lambda c: c.country(_set("variables.households.needs_justice", {"type": "binary", "derived": "justice_needed == 1"})),
     "reads justice_needed, not in the households data"),
    ("records without a PSU", "design", lambda c: c.csv("kobo/msna_north.csv", _no_stratum), "missing psu"),
    ("a sampled stratum missing from the frame", "frame", lambda c: c.text("frame/sampling_frame.csv", _drop_frame_line),
     "a stratum not in the sampling frame"),
    ("the frame's header row wrong", "frame", lambda c: c.country(_set("design.weights.header_row", 1)),
     "title rows above the column names? set header_row (design.weights.frame)"),
    ("weights normalised per file, appended as they are", "weights",
     lambda c: c.country(_set("design.weights", ...)), "are normalised per file"),
    ("a lonely PSU under the rule fail", "design", lambda c: c.global_(_set("thresholds.lonely_psu", "fail")),
     "a stratum that has a single PSU"),
    ("a configured group without records", "groups", lambda c: c.country(_set("groups.relocated", "relocated")),
     "group 'relocated' (relocated) has no records"),
    ("ids repeated across the regional files", "files", lambda c: c.country(_set("columns.households.household_id", "_index")),
     "found in more than one file"),
    ("a country indicator that cannot be computed", "indicators",
     lambda c: c.country(lambda d: d["extra_indicators"].append(EXTRA_UNMAPPED)),
     "extra_indicators: JUS-1 cannot be computed: variable justice_needed not mapped"),
    ("a category compared with a number", "config",
     lambda c: c.country(_set("extra_indicators.0.numerator", "residence_type == 3")),
     "3 is not a level of residence_type"),
    ("arithmetic on a category", "evaluation",
     lambda c: c.country(_set("extra_indicators.0.numerator", "residence_type + 1 > 2")),
     "'residence_type' holds text ("),
    ("a category used as a condition", "evaluation",
     lambda c: c.country(_set("extra_indicators.0.numerator", "residence_type")),
     "numerator: 'residence_type' is not a condition (it gives text, not true/false)"),
    ("a measure condition on a level that does not exist", "measure",
     lambda c: c.global_(_set("solutions_measure.1.condition", "residence_type == 'camps'")),
     "'camps' is not a level of residence_type"),
    ("a repeated column the config reads", "files", lambda c: c.text("kobo/msna_north.csv", _repeat_water),
     "column 'wash/water_sufficient' appears 2 times (columns 15 and 36) and the config reads it"),
    ("a sampled stratum of population 0 in the frame", "frame",
     lambda c: c.text("frame/sampling_frame.csv", _zero_population), "a stratum whose population is 0"),
    ("a negative weight", "weights", lambda c: (c.country(_weight_column), c.csv("kobo/msna_south.csv", _negative)),
     "1 row with a negative weight (values '-1'; line 4)"),
]


@pytest.fixture
def case(msna_files: Msna, tmp_path: Path) -> Case:
    root = tmp_path / "project"
    shutil.copytree(msna_files.root, root)
    return Case(root)


def validate(c: Case) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["validate", "--params", str(c.params)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, [line.removeprefix("error: ") for line in result.stderr.splitlines()
                              if line.startswith("error: ")]


def build_first_step(c: Case) -> list[str]:
    """The problems the build stops on: loading the configs (`solutions build` does it before running
    anything), then the country notebook's first call."""
    try:
        gcfg, _ = load_all(c.params)
    except ConfigError as exc:
        return exc.problems
    iso = gcfg.countries[0]
    try:
        prepare_country(c.params, country_path(c.params, gcfg, iso), c.root / "outputs")
    except InputError as exc:
        return [f"{iso}: {p}" for p in exc.problems]  # as the build prints them
    return []


@pytest.mark.parametrize(("stage", "breaks", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validate_catches_what_the_build_fails_on(case: Case, stage: str, breaks: Callable, words: str) -> None:
    breaks(case)
    code, problems = validate(case)
    assert code == 2, problems
    assert any(words in p for p in problems), f"{stage}: {words!r} not in {problems}"
    assert sorted(build_first_step(case)) == sorted(problems)  # the same problems, one line each


def test_every_stage_has_a_case() -> None:
    assert {stage for _, stage, _, _ in CASES} >= {"config", "files", "mapping", "derived", "frame", "weights",
                                                  "design", "groups", "indicators", "evaluation", "measure"}


def _unused_repeat(text: str) -> str:
    lines = text.splitlines()
    return "\n".join([lines[0] + ",expenses/total,expenses/total", *(line + ",1,2" for line in lines[1:])]) + "\n"


def _zero_weights(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[[0, 5], "weight"] = "0"
    return frame


@pytest.mark.parametrize("breaks,words", [
    (lambda c: c.country(_set("columns.households.water_daily_sufficient", ...)),
     "solutions measure not available: variable(s) water_daily_sufficient not in the households data"),
    (lambda c: c.text("kobo/msna_north.csv", _unused_repeat),
     "kobo/msna_north.csv: column 'expenses/total' appears 2 times (columns 36 and 37); the config does not use it"),
    (lambda c: (c.country(_weight_column), c.csv("kobo/msna_south.csv", _zero_weights)),
     "2 record(s) with weight 0 (kobo/msna_south.csv lines 2, 7)"),
    (lambda c: (c.global_(_real_country), c.country(_sudan)), "SDN (Republic of Mesaria) is real data"),
    (lambda c: c.country(_set("design.max_weight_share", 0.005)), "carries 1.1% of the group's total weight"),
    # the PSU mapped to the stratum's own columns: one PSU per stratum, no degrees of freedom left
    (lambda c: c.country(_set("columns.households.psu", {"join": ["admin/district", "hh/pop_group"]})),
     "households: the survey design has 0 degrees of freedom (38 PSUs in 38 strata)"),
], ids=["measure variables missing", "an unused repeated column", "weight 0", "a real country in a report marked demo",
        "one record carries too much weight", "psu mapped to the strata"])
def test_what_validate_only_warns_about_builds(case: Case, breaks: Callable, words: str) -> None:
    """Warnings do not fail validate, and the build's first step then succeeds (nothing validate passed fails)."""
    breaks(case)
    result = CliRunner().invoke(app, ["validate", "--params", str(case.params)])
    assert result.exit_code == 0, result.stderr
    iso = load_all(case.params)[0].countries[0]
    assert any(words in line for line in result.stderr.splitlines() if line.startswith(f"warning: {iso}: ")), \
        result.stderr
    assert build_first_step(case) == []


@pytest.mark.e2e
@pytest.mark.parametrize("which", ["a sampled stratum missing from the frame", "unknown key"])
def test_the_real_build_stops_on_the_same_problems(case: Case, which: str) -> None:
    _, _, breaks, _ = next(c for c in CASES if c[0] == which)
    breaks(case)
    _, problems = validate(case)
    proc = cli("build", "--params", str(case.params), "--output", str(case.root / "outputs"), "--jobs", "1", "--quiet")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    built = [line.removeprefix("error: ") for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert sorted(built) == sorted(problems)
