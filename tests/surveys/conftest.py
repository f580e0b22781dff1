"""The MSNA-like fixture written once per session, and built once with the real CLI (validate, then build)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .msna import ISO3, write_msna

SOLUTIONS = str(Path(sys.executable).with_name("solutions"))


def cli(*args: str) -> subprocess.CompletedProcess:
    """The real `solutions` command, as a user runs it."""
    return subprocess.run([SOLUTIONS, *args], capture_output=True, text=True, timeout=900)


@dataclass
class Msna:
    """A generated survey project (the MSNA fixture, or another with its `iso3`) and the CLI runs on it."""

    root: Path
    validate: subprocess.CompletedProcess | None = None
    build: subprocess.CompletedProcess | None = None
    iso3: str = ISO3

    @property
    def params(self) -> Path:
        return self.root / "params" / "global.yml"

    @property
    def country_dir(self) -> Path:
        return self.root / "params" / "countries"

    @property
    def results(self) -> Path:
        return self.root / "outputs" / "2026" / "results" / self.iso3

    @property
    def site(self) -> Path:
        return self.root / "outputs" / "2026" / "site"


@pytest.fixture(scope="session")
def msna_files(tmp_path_factory) -> Msna:
    """The fixture's files and configs, never modified (copy them to vary a case)."""
    root = tmp_path_factory.mktemp("msna") / "project"
    write_msna(root)
    return Msna(root)


@pytest.fixture(scope="session")
def msna_built(tmp_path_factory, msna_files: Msna) -> Msna:
    """The fixture taken through the walkthrough with the real CLI: validate, then build."""
    root = tmp_path_factory.mktemp("msna_built") / "project"
    shutil.copytree(msna_files.root, root)
    project = Msna(root)
    project.validate = cli("validate", "--params", str(project.params))
    project.build = cli("build", "--params", str(project.params), "--output", str(root / "outputs"), "--jobs", "2",
                        "--quiet")
    return project


@pytest.fixture(scope="session")
def mcna_built(tmp_path_factory) -> Msna:
    """The second real-shaped survey (regional files, normalised weights on three scales, weight 0, a REACH
    frame with an unlabelled total row), written and taken through the real CLI: validate, then build."""
    from .mcna import write_mcna

    root = tmp_path_factory.mktemp("mcna_built") / "project"
    write_mcna(root)
    project = Msna(root, iso3="QRC")
    project.validate = cli("validate", "--params", str(project.params))
    project.build = cli("build", "--params", str(project.params), "--output", str(root / "outputs"), "--jobs", "2",
                        "--quiet")
    return project
