"""A small two-country project (the tests/inputs builders' country) in a folder whose path has spaces and
non-ASCII characters, driven through the real `solutions` CLI.

QAB's files sit next to its config and are what the cases break; QAC's live in `QAC données/` under a file
name with spaces, accents and parentheses, and stay valid.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from inputs.builders import Country, good_country, households
from solutions.cli import app

SOLUTIONS = str(Path(sys.executable).with_name("solutions"))
QAC_FILE = "QAC données/ménages 2026 (v2).csv"


def run(*args: str) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess: exit codes and stderr as a user sees them."""
    return subprocess.run([SOLUTIONS, *args], capture_output=True, text=True, timeout=900)


class SmallProject:
    def __init__(self, root: Path):
        self.root = root
        self.params = root / "params" / "global.yml"
        self.countries = root / "params" / "countries"
        self.out = root / "outputs"
        self.year_dir = self.out / "2026"

    def reset(self) -> Country:
        """Valid configs and files for QAB and QAC; returns QAB, ready to be broken by a case."""
        shutil.rmtree(self.countries, ignore_errors=True)
        qac = Country(self.countries, "QAC")
        qac.csv(QAC_FILE, households())
        qac.use("households", QAC_FILE)
        qac.save()
        qab = good_country(self.countries, "QAB")
        self.save(qab)
        return qab

    def save(self, qab: Country) -> None:
        """QAB's config, and the global config with QAB's lonely-PSU rule."""
        qab.save()
        self.params.write_text(yaml.safe_dump({
            "report_year": 2026, "title": "Small test report", "countries": ["QAB", "QAC"], "demo": True,
            "thresholds": {"lonely_psu": qab.lonely_psu},
            "renderer": "nbconvert",  # the CLI's behaviour is under test here; Quarto has its own tests
        }), encoding="utf-8")

    def build(self, *extra: str) -> subprocess.CompletedProcess:
        return run("build", "--params", str(self.params), "--output", str(self.out), "--jobs", "2", "--quiet", *extra)

    def validate(self) -> tuple[int, str, str]:
        """`solutions validate` in this process (fast): exit code, stdout, stderr."""
        result = CliRunner().invoke(app, ["validate", "--params", str(self.params)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, result.stdout, result.stderr

    def outputs(self, iso: str | None = None) -> dict[str, str]:
        """sha256 of every results table, executed notebook and site file (of one country when `iso`)."""
        files = [p for d in ("results", "notebooks", "site") for p in (self.year_dir / d).rglob("*") if p.is_file()]
        if iso:
            files = [p for p in files if iso in p.relative_to(self.year_dir).as_posix()]
        return {p.relative_to(self.year_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(files)}

    def copy(self, dest: Path) -> SmallProject:
        shutil.copytree(self.root, dest, symlinks=True)
        return SmallProject(dest)


def error_lines(stderr: str) -> list[str]:
    """The `error: ` lines of stderr, every other line being noise the test can ignore."""
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def problems_of(stderr: str, iso: str = "QAB") -> list[str]:
    """The input problems the CLI printed for a country (`error: QAB: <problem>`)."""
    prefix = f"error: {iso}: "
    return [line.removeprefix(prefix) for line in error_lines(stderr) if line.startswith(prefix)]
