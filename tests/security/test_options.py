"""Class "options": every option is checked before anything runs. A wrong one gives one `error:` line and
exit 2 (an unavailable renderer: exit 1), and no output folder is created, no notebook runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli.project import run

from .cases import GOOD_COUNTRY, write
from .hostile_project import one_error

OPTION_CASES = [
    ("build", ["--renderer", "pdf"], 2, "--renderer: unknown renderer 'pdf'; choose auto, quarto, nbconvert"),
    ("render", ["--renderer", "latex"], 2, "--renderer: unknown renderer 'latex'"),
    ("build", ["--executor", "ray"], 2, "--executor: unknown executor 'ray'; choose local or dask"),
    ("run", ["--executor", "threads"], 2, "--executor: unknown executor 'threads'"),
    ("build", ["--jobs", "0"], 2, "--jobs: 0 is not a number of workers (1 or more)"),
    ("build", ["--jobs", "many"], 2, "Invalid value for '--jobs'"),
    ("build", ["--scheduler", "tcp://x:1"], 2, "--scheduler: only used with --executor dask"),
    ("build", ["--country", "../QAB"], 2, "--country: '../QAB' is not an ISO3 code"),
    ("build", ["--country", "QAZ"], 2, "countries: QAZ is not in this report's country list"),
    ("build", ["--no-such-option"], 2, "No such option: --no-such-option"),
    ("status", ["--json", "--color"], 2, "No such option: --color"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("options"), GOOD_COUNTRY)


@pytest.mark.parametrize("command,extra,code,words", OPTION_CASES, ids=[" ".join([c[0], *c[1]]) for c in OPTION_CASES])
def test_bad_option_is_one_line_before_anything_runs(project: Path, command: str, extra: list[str], code: int,
                                                      words: str) -> None:
    out = project.parent / "outputs"
    args = [command, "--params", str(project)] + (["--output", str(out)] if command != "validate" else [])
    line = one_error(run(*args, *extra), code)
    assert words in line
    assert not out.exists()


@pytest.mark.skipif(shutil.which("quarto") is not None, reason="quarto is installed here")
def test_quarto_renderer_missing_is_known_before_any_notebook(project: Path) -> None:
    out = project.parent / "outputs-quarto"
    line = one_error(run("build", "--params", str(project), "--output", str(out), "--renderer", "quarto"), 1)
    assert "quarto executable not found" in line and not out.exists()


def test_unknown_command_and_no_command(project: Path) -> None:
    assert "No such command" in one_error(run("explode"), 2)
    proc = run()
    assert proc.returncode == 0 and "Usage" in proc.stdout and "Traceback" not in proc.stderr
