"""A country whose data lacks a variable of the solutions measure, end to end with the real CLI: `validate`
says so, the build never crashes on it, and the global config decides between not available, partial and
invalid input (exit 2)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parents[1] / "pipeline"))
from pipeline_project import Project, make_project, sol  # noqa: E402

pytestmark = [pytest.mark.e2e]
ISO = "QAB"
MISSING = "hlp_no_access_remedy"


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _set_mode(project: Project, mode: str) -> None:
    _edit(project.params, lambda g: g["solutions_measure"].update(missing_conditions=mode))


@pytest.fixture
def lacking(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("measure"), [ISO], scale=0.25)

    def drop(c: dict) -> None:
        del c["columns"]["households"][MISSING]
        c["recode"].pop(MISSING, None)

    _edit(project.root / "params" / "countries" / f"{ISO}.yml", drop)
    return project


def _sol(project: Project) -> pd.DataFrame:
    est = pd.read_csv(project.results(ISO) / "estimates.csv", keep_default_na=False, na_values=[""])
    return est[est["indicator_id"] == "SOL-1"]


def _validate(project: Project, mode: str):
    _set_mode(project, mode)
    return sol("validate", "--params", str(project.params))


def test_a_country_lacking_a_measure_variable(lacking: Project) -> None:
    """One test, one project: not available (validate note, build ok), partial (validate note; the partial
    measure itself is checked in test_measure.py), error (validate and build exit 2)."""
    v = _validate(lacking, "not_available")
    assert v.returncode == 0, v.stdout + v.stderr
    assert f"warning: {ISO}: solutions measure not available: variable(s) {MISSING}" in v.stderr
    b = lacking.build(check=False)
    assert b.returncode == 0, b.stdout + b.stderr
    rows = _sol(lacking)
    assert set(rows["group"]) == {"idp", "returnee", "relocated", "comparison"}
    assert rows["suppressed"].all() and set(rows["suppression_reason"]) == {"not_available"}
    meta = json.loads((lacking.results(ISO) / "meta.json").read_text())
    assert meta["solutions_measure"]["status"] == "not_available"
    assert meta["solutions_measure"]["missing"] == [MISSING]
    assert "Solutions measure" in (lacking.year_dir / "site" / f"country-{ISO}.html").read_text()

    v = _validate(lacking, "partial")
    assert v.returncode == 0 and "computed over 4 of 5 conditions (partial)" in v.stderr, v.stderr

    v = _validate(lacking, "error")
    assert v.returncode == 2
    lines = [x for x in v.stderr.splitlines() if x.startswith("error:")]
    assert len(lines) == 1 and MISSING in lines[0] and "Traceback" not in v.stderr
    b = lacking.build(check=False)
    assert b.returncode == 2, b.stdout + b.stderr
    assert "Traceback" not in b.stdout + b.stderr and MISSING in b.stderr
