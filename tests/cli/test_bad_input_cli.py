"""The bad-input battery through the real CLI, on a small project that was first built successfully.

Every malformed input (tests/inputs/bad_cases.py) and config (tests/config/config_cases.py) goes through
`solutions validate`; a representative subset also through `solutions build` in a subprocess. Each must
exit 2 with one `error:` line per problem naming file, column and rows, never a traceback, and leave the
earlier good outputs (results tables, executed notebooks, site pages) byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config.config_cases import CASES as CONFIG_CASES
from config.config_cases import FILE_CASES, write
from inputs.bad_cases import CASES, Case

from .project import SmallProject, error_lines, problems_of, run

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cli-battery")]
BUILD_CASES = [c for c in CASES if c.build]


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text and 'File "' not in text, text


def only_errors(stderr: str) -> None:
    """stderr holds the error lines and nothing else (validate's warnings on the valid country and a kernel's
    own shutdown notice aside)."""
    other = [ln for ln in stderr.splitlines()
             if ln.strip() and not ln.startswith(("error: ", "warning: ", "[IPKernelApp]"))]
    assert not other, stderr


# ------------------------------------------------------------------ validate ----
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_validate_reports_bad_input(built: SmallProject, case: Case) -> None:
    qab = built.reset()
    check = case.cli_check(qab)
    built.save(qab)
    code, out, err = built.validate()
    assert code == 2, out + err
    no_traceback(out, err)
    only_errors(err)
    check(problems_of(err) or error_lines(err))
    assert not any(ln.startswith("error: QAC") for ln in err.splitlines())  # the valid country is fine
    assert built.outputs() == built.first


CONFIGS = [(c[0], c[1], None, c[2]) for c in CONFIG_CASES] + FILE_CASES


@pytest.mark.parametrize("label,country,glob,message", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_validate_reports_bad_config(tmp_path: Path, label: str, country, glob, message: str) -> None:
    project = SmallProject(tmp_path / "projet à vérifier")
    project.params.parent.mkdir(parents=True)
    write(project.params.parent, country, glob)
    code, out, err = project.validate()
    assert code == 2
    no_traceback(out, err)
    only_errors(err)
    lines = error_lines(err)
    assert any(ln.endswith(message) for ln in lines), err
    assert all(str(project.root) in ln for ln in lines)  # each line names its file


def test_battery_size() -> None:
    assert len(CASES) + len(CONFIGS) >= 60 and len(BUILD_CASES) >= 4


# --------------------------------------------------------- real subprocesses ----
@pytest.mark.parametrize("case", [c for c in CASES if c.id in {"zero-byte file", "CSV that is really HTML",
                                                                 "all weights zero"}], ids=lambda c: c.id)
def test_validate_subprocess_exit_code(built: SmallProject, case: Case) -> None:
    qab = built.reset()
    check = case.cli_check(qab)
    built.save(qab)
    proc = run("validate", "--params", str(built.params))
    assert proc.returncode == 2
    no_traceback(proc.stdout, proc.stderr)
    only_errors(proc.stderr)
    check(problems_of(proc.stderr))
    assert "QAC: ok" in proc.stdout


@pytest.mark.parametrize("case", BUILD_CASES, ids=[c.id for c in BUILD_CASES])
def test_build_rejects_bad_input_and_keeps_published_results(built: SmallProject, tmp_path: Path, case: Case) -> None:
    project = built.copy(tmp_path / "copie à casser")
    qab = project.reset()
    check = case.cli_check(qab)
    project.save(qab)
    proc = project.build()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    no_traceback(proc.stdout, proc.stderr)
    only_errors(proc.stderr)
    check(problems_of(proc.stderr))
    assert "QAB: INVALID INPUT" in proc.stdout and "previous results stay published" in proc.stdout
    assert "QAC: skipped (up to date)" in proc.stdout
    # nothing published changed, the other country included; QAB's page and the index only say it was not
    # updated, with the number of problems and nothing of the problems themselves (no file, no value); the
    # global page names it among the countries kept from an earlier build (and the public manifest says the
    # global and front pages ran again)
    marked = {"site/country-QAB.html", "site/index.html", "site/global.html", "results/manifest.json",
              "site/results/manifest.json", "notebooks/global.ipynb", "notebooks/front.ipynb"}
    after = project.outputs()
    assert {k: v for k, v in after.items() if k not in marked} == {k: v for k, v in built.first.items() if k not in marked}
    n = len(problems_of(proc.stderr))
    assert "Not updated in this build: Demoland." in (project.year_dir / "site/global.html").read_text()  # QAB
    for page in ("site/country-QAB.html", "site/index.html"):
        text = (project.year_dir / page).read_text(encoding="utf-8")
        assert f"ot updated: invalid input ({n} problem{'s' if n > 1 else ''})" in text
        assert not any(p.split(":")[0] in text for p in problems_of(proc.stderr))
