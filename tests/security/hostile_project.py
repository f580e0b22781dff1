"""The small project of tests/cli (`SmallProject`: two countries, real CLI) with what the hostile cases need:
an XLSForm referenced by QAB's config, copies, the CLI's error lines, and a watcher for running builds."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

from cli.project import SOLUTIONS, SmallProject, error_lines, run

__all__ = ["SOLUTIONS", "HostileProject", "error_lines", "one_error", "run", "wait_until", "write_xlsform"]


def write_xlsform(path: Path, extra: tuple = ()) -> None:
    """A minimal Kobo form: the choice list of the population-group codes (labels only, no survey sheet)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "choices"
    for row in [("list_name", "name", "label"), ("grp", "1", "IDP"), ("grp", "2", "Returnee"),
                ("grp", "3", "Host"), *extra]:
        ws.append(row)
    wb.save(path)


class HostileProject(SmallProject):
    def reset(self):
        qab = super().reset()
        write_xlsform(self.countries / "form.xlsx")
        qab.use("households", "households.csv", choices="form.xlsx")
        self.save(qab)
        return qab

    def copy(self, dest: Path) -> HostileProject:
        super().copy(dest)
        return HostileProject(dest)

    def cli(self, command: str, *extra: str) -> subprocess.CompletedProcess:
        """`solutions <command>` on this project, in a subprocess (exit codes and stderr as a user sees them)."""
        args = ["--params", str(self.params)]
        if command in ("build", "run", "status", "render", "clean"):
            args += ["--output", str(self.out)]
        return run(command, *args, *extra)

    def manifest(self) -> dict:
        return json.loads((self.year_dir / "manifest.json").read_text(encoding="utf-8"))

    def page(self, name: str) -> str:
        return (self.year_dir / "site" / f"{name}.html").read_text(encoding="utf-8")

    def start(self, *extra: str) -> subprocess.Popen:
        """A build running in the background (its own session, so a test can kill it and its kernels)."""
        cmd = [SOLUTIONS, "build", "--params", str(self.params), "--output", str(self.out), "--quiet", *extra]
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)


def wait_until(proc: subprocess.Popen, ready: Callable[[], bool], what: str, limit: float = 300) -> None:
    """Poll until `ready()` while the build runs; fail (never sleep blindly) if it ends first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.02)
    if not ready():
        if proc.poll() is None:  # the limit passed with the build still running: stop it, then read what it said
            proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"{what}: not reached (build exit {proc.poll()})\n{out or ''}{err or ''}")


def one_error(proc: subprocess.CompletedProcess, code: int) -> str:
    """The run ended with `code`, no traceback, and stderr holds exactly one `error:` line: returned."""
    text = proc.stdout + proc.stderr
    assert proc.returncode == code, text
    assert "Traceback" not in text and 'File "' not in text, text
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]
