"""Running `solutions validate` on small config folders (the config battery's `write`): in this process for the
many cases, as the real console script for representative ones. Each returns the exit code and error lines."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from cli.project import run
from config.config_cases import GOOD_COUNTRY, GOOD_GLOBAL, with_, write
from solutions.cli import app

__all__ = ["GOOD_COUNTRY", "GOOD_GLOBAL", "raw_project", "validate", "validate_cli", "with_", "write"]


def validate(params: Path) -> tuple[int, list[str], str]:
    """`solutions validate` in-process: exit code, the `error:` lines, everything printed."""
    result = CliRunner().invoke(app, ["validate", "--params", str(params)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    return result.exit_code, [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")], text


def validate_cli(params: Path) -> subprocess.CompletedProcess:
    return run("validate", "--params", str(params))


def raw_project(tmp: Path, country_text: str, global_text: str | None = None) -> Path:
    """A project whose country config (and global config) are given as raw YAML text."""
    params = write(tmp, GOOD_COUNTRY)
    (tmp / "countries" / "QAB.yml").write_text(country_text, encoding="utf-8")
    if global_text is not None:
        params.write_text(global_text, encoding="utf-8")
    return params
