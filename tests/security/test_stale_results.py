"""Class "stale results": the incremental key hashes every file a country config references
(`CountryConfig.referenced_files`), so changing any one of them, and only it, makes that country stale;
`solutions status` says which file changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from solutions.config import DataFile
from solutions.config_loader import load_country

from .hostile_project import HostileProject, write_xlsform

# every test here works on a copy of the session's built project: one worker builds it once
pytestmark = pytest.mark.xdist_group("security-builds")


def status_lines(project: HostileProject) -> dict[str, str]:
    proc = project.cli("status")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {ln.split(":")[0].strip(): ln.split(":", 1)[1].strip() for ln in proc.stdout.splitlines() if ":" in ln}


def test_referenced_files_list_every_file_a_config_names(built: HostileProject) -> None:
    cfg_path = built.countries / "QAB.yml"
    files = load_country(cfg_path).referenced_files(cfg_path)
    assert files == {"households": built.countries / "households.csv",
                     "households.choices": built.countries / "form.xlsx"}
    # every DataFile field that names a file is covered (a new one must be added to referenced_files)
    file_fields = {name for name, f in DataFile.model_fields.items()
                   if name == "path" or "file" in (f.description or "").lower() or "xlsform" in (f.description or "").lower()}
    # (`source_column` names the column that records which file a row came from, not a file)
    assert file_fields - {"source_column"} == {"path", "choices", "files"}


CHANGES = [
    ("households data", "households.csv", lambda p: p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n", 1)),
     "data:households"),
    ("XLSForm choices", "form.xlsx", lambda p: write_xlsform(p, extra=(("grp", "4", "Other"),)),
     "data:households.choices"),
]


@pytest.mark.parametrize("label,name,change,part", CHANGES, ids=[c[0] for c in CHANGES])
def test_each_referenced_file_changed_alone_makes_the_country_stale(built: HostileProject, tmp_path: Path,
                                                                     label: str, name: str, change, part: str) -> None:
    project = built.copy(tmp_path / "copie")
    assert status_lines(project)["QAB"].startswith("up to date")
    change(project.countries / name)
    lines = status_lines(project)
    assert lines["QAB"] == f"stale - compute: stale ({part} changed); page: after the compute step"
    assert lines["QAC"].startswith("up to date")


def test_moving_a_file_to_another_name_with_the_same_content_is_not_a_change(built: HostileProject,
                                                                             tmp_path: Path) -> None:
    project = built.copy(tmp_path / "renamed")
    (project.countries / "form.xlsx").rename(project.countries / "formulaire.xlsx")
    cfg = project.countries / "QAB.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("form.xlsx", "formulaire.xlsx"), encoding="utf-8")
    assert status_lines(project)["QAB"] == "stale - compute: stale (config changed); page: after the compute step"  # the config text changed, not the data
