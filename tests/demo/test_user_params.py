"""The user's params are theirs (issue #20 item 5): `solutions demo` never overwrites a config someone edited
or wrote, `solutions init` starts a real report, and a global `demo: true` never blocks a real country."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from solutions.demo import write_demo
from solutions.demo.configs import demo_owned

SOLUTIONS = str(Path(sys.executable).with_name("solutions"))
REPO = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SOLUTIONS, *args], capture_output=True, text=True, timeout=600)


def test_regenerating_the_demo_keeps_edited_and_user_written_configs(tmp_path: Path) -> None:
    write_demo(tmp_path, countries=["QAB"])
    qab, glob = tmp_path / "params/countries/QAB.yml", tmp_path / "params/global.yml"
    assert demo_owned(qab) and demo_owned(glob)
    before = glob.read_bytes()
    edited = qab.read_text().replace("narrative:", "# my note\nnarrative:", 1)
    qab.write_text(edited)
    mine = tmp_path / "params/countries/QAC.yml"
    mine.write_text("iso3: QAC\n")  # written by hand: no stamp
    kept: list[Path] = []
    written = write_demo(tmp_path, countries=["QAB", "QAC"], kept=kept)
    assert kept == [qab, mine]
    assert qab.read_text() == edited and mine.read_text() == "iso3: QAC\n"
    assert glob in written and glob.read_bytes() != before  # unedited: regenerated (now with QAC)
    assert not demo_owned(qab) and demo_owned(glob)


def test_the_demo_command_says_which_files_it_left(tmp_path: Path) -> None:
    assert cli("demo", "--root", str(tmp_path)).returncode == 0
    glob = tmp_path / "params/global.yml"
    glob.write_text(glob.read_text().replace("title: ", "title: My "))
    run = cli("demo", "--root", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert f"warning: {glob}: edited since `solutions demo` wrote it" in run.stderr
    assert "title: My " in glob.read_text()


def test_the_shipped_params_are_the_demos_and_say_edits_are_kept() -> None:
    text = (REPO / "params/global.yml").read_text()
    assert "edits are overwritten" not in text
    assert "Yours to edit: once edited, `solutions demo`" in text
    assert all(demo_owned(p) for p in [REPO / "params/global.yml", *(REPO / "params/countries").glob("*.yml")])


def _households() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 120
    return pd.DataFrame({"household_id": [f"h{i}" for i in range(n)],
                         "pop_group": np.where(np.arange(n) % 2, "idp", "host"),
                         "weight": rng.uniform(5, 15, n).round(2),
                         "stratum": np.where(np.arange(n) < 60, "north", "south"),
                         "cluster": (np.arange(n) // 10) % 3 + 1,
                         # named as the catalogue names it: found without a mapping (ADQ-2)
                         "water_daily_sufficient": rng.choice(["yes", "no"], n)})


def test_init_starts_a_real_report_and_validate_names_the_next_step(tmp_path: Path) -> None:
    folder = tmp_path / "report"
    run = cli("init", str(folder), "--country", "SOM", "--year", "2026")
    assert run.returncode == 0, run.stderr
    assert "next:" in run.stdout and f"solutions validate --params {folder / 'params/global.yml'}" in run.stdout
    glob = yaml.safe_load((folder / "params/global.yml").read_text())
    assert glob["countries"] == ["SOM"] and "demo" not in glob
    assert sorted(p.name for p in (folder / "notebooks").iterdir()) == sorted(
        p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    params = str(folder / "params/global.yml")
    v = cli("validate", "--params", params)
    assert v.returncode == 2
    assert v.stderr.strip().splitlines() == [f"error: {folder / 'params/countries/SOM.yml'}: data.households.path: "
                                             "file not found: ../../data/SOM/households.csv"]
    _households().to_csv(folder / "data/SOM/households.csv", index=False)
    v = cli("validate", "--params", params)
    assert v.returncode == 0, v.stderr
    assert "SOM: ok (120 households)" in v.stdout
    assert "indicator(s) will not be computed" in v.stderr  # the next step: map the survey's questions
    again = cli("init", str(folder), "--country", "SOM")
    assert again.returncode == 2 and "already exists; `solutions init` never overwrites a file" in again.stderr


def test_a_survey_with_no_indicator_mapped_yet_validates(tmp_path: Path) -> None:
    """Fresh from `init`, a file with only the design columns: every indicator is 'not computed' and the
    country still validates (it crashed computing with KeyError 'deff' when no survey indicator remained)."""
    folder = tmp_path / "report"
    assert cli("init", str(folder), "--country", "SOM", "--year", "2026").returncode == 0
    _households().drop(columns="water_daily_sufficient").to_csv(folder / "data/SOM/households.csv", index=False)
    v = cli("validate", "--params", str(folder / "params/global.yml"))
    assert v.returncode == 0, v.stderr
    assert "SOM: ok (120 households)" in v.stdout and "20 indicator(s) will not be computed" in v.stderr


def test_init_refuses_a_demo_code(tmp_path: Path) -> None:
    run = cli("init", str(tmp_path / "r"), "--country", "QAB")
    assert run.returncode == 2
    assert run.stderr.startswith("error: --country: QAB is not an ISO 3166-1 alpha-3 country code")
    assert not (tmp_path / "r").exists()


def test_a_global_demo_flag_does_not_block_a_real_country(tmp_path: Path) -> None:
    folder = tmp_path / "report"
    assert cli("init", str(folder), "--country", "SOM", "--year", "2026").returncode == 0
    _households().to_csv(folder / "data/SOM/households.csv", index=False)
    glob = folder / "params/global.yml"
    glob.write_text(glob.read_text() + "demo: true\n")
    v = cli("validate", "--params", str(glob))
    assert v.returncode == 0, v.stderr
    assert ("warning: SOM: params/global.yml: demo: true would mark every page as demonstration data, but SOM "
            "(Somalia) is real data: the report-wide banner is left out") in v.stderr

    from solutions.config_loader import load_all

    gcfg, _ = load_all(glob)
    assert gcfg.demo is False  # the site's banner yields to the real country


@pytest.mark.parametrize("name", ["Côte d'Ivoire", "Bonaire: Sint Eustatius"])
def test_init_writes_a_country_name_yaml_reads_back(tmp_path: Path, name: str) -> None:
    from solutions.project_init import init_project

    init_project(tmp_path, "CIV", name=name, year=2026)
    assert yaml.safe_load((tmp_path / "params/countries/CIV.yml").read_text())["name"] == name
