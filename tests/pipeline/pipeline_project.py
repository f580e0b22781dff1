"""A small demo project in a temp folder, built with the real CLI (papermill, kernels, renderer)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

SOLUTIONS = str(Path(sys.executable).with_name("solutions"))


CRASH_KERNEL = Path(__file__).with_name("crash_kernel")  # its sitecustomize crashes one country's page


def crash_env(iso: str, *, stall: bool = False) -> dict[str, str]:
    """The environment of a build whose notebook kernels crash on ``iso``'s page (after its tables), or
    with ``stall`` stop there for ten minutes (a country certainly unfinished when the test kills the build)."""
    path = os.pathsep.join(p for p in (str(CRASH_KERNEL), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "SOS_TEST_CRASH_COUNTRY": iso, "SOS_TEST_STALL": "1" if stall else ""}


def sol(*args: str, cwd: Path | None = None, check: bool = False,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([SOLUTIONS, *args], cwd=cwd, capture_output=True, text=True, timeout=900, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"solutions {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


class Project:
    def __init__(self, root: Path):
        self.root = root
        self.params = root / "params" / "global.yml"
        self.out = root / "outputs"

    @property
    def year_dir(self) -> Path:
        return self.out / "2026"

    def build(self, *extra: str, check: bool = True, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess:
        return sol("build", "--params", str(self.params), "--output", str(self.out), "--jobs", "2", "--quiet",
                   *extra, check=check, env=env)

    def results(self, iso: str) -> Path:
        return self.year_dir / "results" / iso


def make_project(root: Path, countries: list[str], scale: float = 0.4) -> Project:
    sol("demo", "--root", str(root), "--scale", str(scale), check=True)
    glob = yaml.safe_load((root / "params" / "global.yml").read_text())
    glob["countries"] = countries
    glob["renderer"] = "nbconvert"  # these tests are about the pipeline; Quarto has its own (tests/render, browser)
    (root / "params" / "global.yml").write_text(yaml.safe_dump(glob, sort_keys=False))
    return Project(root)


def copy_project(src: Project, dest: Path) -> Project:
    shutil.copytree(src.root, dest, symlinks=True)
    return Project(dest)
