"""`solutions build` and `status` on invalid input: the rest builds, the published results stay, exit 2.

Also what must NOT be an error: a narrative holding HTML (accepted, shown escaped), a single-PSU stratum
under lonely_psu: adjust, and paths with spaces and non-ASCII characters (the whole project lives in one).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inputs.bad_cases import lonely_psu_fail, unknown_category
from inputs.builders import households

from .project import SmallProject, problems_of, run

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cli-battery")]


def manifest(project: SmallProject) -> dict:
    return json.loads((project.year_dir / "manifest.json").read_text())


def status(project: SmallProject) -> str:
    proc = run("status", "--params", str(project.params), "--output", str(project.out))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_rejected_country_keeps_its_results_while_the_other_builds(built: SmallProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "deux pays")
    qab = project.reset()
    check = unknown_category(qab)
    qab.cfg["narrative"] = {"summary": "New text."}  # also the config changed
    project.save(qab)
    qac = project.countries / "QAC.yml"
    qac.write_text(qac.read_text(encoding="utf-8") + "narrative: {summary: Updated.}\n", encoding="utf-8")
    before = project.outputs("QAB")
    proc = project.build()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    check(problems_of(proc.stderr))
    assert "QAC: ok" in proc.stdout and "global: ok" in proc.stdout
    after = project.outputs("QAB")
    page = "site/country-QAB.html"
    assert {k: v for k, v in after.items() if k != page} == {k: v for k, v in before.items() if k != page}
    assert "Not updated: invalid input (1 problem)." in (project.year_dir / page).read_text(encoding="utf-8")
    assert project.outputs("QAC") != {k: v for k, v in built.first.items() if "QAC" in k}
    entry = manifest(project)["countries"]["QAB"]
    assert entry["state"] == "ok" and entry["rejected"]["problems"] == problems_of(proc.stderr)
    assert "Traceback" not in json.dumps(entry)
    assert "QAB: invalid input - 1 problem in the inputs of" in status(project)
    # the analyst's fix: a recode for the unknown code; the country is rebuilt and the rejection forgotten
    qab.cfg["recode"] = {"residence_type": {"tent": "temporary_settlement", "boat": "other"}}
    project.save(qab)
    fixed = project.build()
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "QAB: ok" in fixed.stdout and "QAC: skipped (up to date)" in fixed.stdout
    assert "rejected" not in manifest(project)["countries"]["QAB"]
    assert project.outputs("QAB") != before
    assert "QAB: up to date" in status(project)


def test_never_built_country_with_invalid_input_is_marked_failed(tmp_path: Path) -> None:
    project = SmallProject(tmp_path / "jamais construit")
    qab = project.reset()
    check = lonely_psu_fail(qab)
    project.save(qab)
    proc = project.build()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    check(problems_of(proc.stderr))
    assert "QAC: ok" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    entry = manifest(project)["countries"]["QAB"]
    assert entry["state"] == "failed" and entry["error"] == "invalid input (1 problem)"  # what pages may show
    assert entry["rejected"]["problems"][0].startswith("households.csv: column 'strat'")
    assert not (project.year_dir / "results" / "QAB").exists()
    site = project.year_dir / "site"
    assert not (site / "country-QAB.html").exists() and (site / "country-QAC.html").exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "not included in this edition" in index and "column 'strat'" not in index  # no error text published
    assert "QAB: invalid input - 1 problem" in status(project)


def test_config_error_at_build_runs_nothing(built: SmallProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "config cassée")
    (project.countries / "QAB.yml").write_text("- a\n- b\n")
    proc = project.build()
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {project.countries / 'QAB.yml'}: expected a mapping of keys at the top level, got list"
    assert project.outputs() == built.first


def test_html_narrative_and_lonely_psu_adjust_are_fine(built: SmallProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "récit <b>HTML</b>")
    qab = project.reset()
    df = households()
    df.loc[df["strat"] == "B", "ea_code"] = "3"  # stratum B has a single PSU: lonely_psu adjust handles it
    qab.csv("households.csv", df)
    qab.cfg["narrative"] = {"summary": "<script>alert('x')</script> Displacement is <b>protracted</b>.",
                            "criteria": {1: "<img src=x onerror=alert(1)>"}}
    project.save(qab)
    code, out, err = project.validate()
    assert code == 0 and "all configs and inputs are valid" in out, err
    proc = project.build()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "QAB: ok" in proc.stdout
    page = (project.year_dir / "site" / "country-QAB.html").read_text(encoding="utf-8")
    assert "alert(&#x27;x&#x27;)" in page or "alert(&#39;x&#39;)" in page or "&lt;script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page
