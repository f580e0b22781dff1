"""Class "error paths": every failure ends in `error:` lines and the documented exit code, never a traceback:
a corrupt XLSForm, a read-only output folder, a full disk, `clean` during a build, an interrupt, a bug."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from solutions import cli

from .hostile_project import HostileProject, one_error, wait_until

CORRUPT_FORMS = [
    ("random bytes", lambda p: p.write_bytes(os.urandom(2048))),
    ("zero bytes", lambda p: p.write_bytes(b"")),
    ("truncated", lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])),
    ("zip without a workbook", lambda p: zipfile.ZipFile(p, "w").writestr("hello.txt", "hi")),
    ("malformed sheet XML", lambda p: _rewrite(p, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>")),
    # a choices sheet saved as CSV is read by its content whatever its name (issue #12); other text is refused
    ("a CSV that is no choices sheet, named .xlsx", lambda p: p.write_text("colour,size\nred,1\n")),
]


# every test here works on a copy of the session's built project: one worker builds it once
pytestmark = pytest.mark.xdist_group("security-builds")


def _rewrite(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[member] = data
    with zipfile.ZipFile(path, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)


@pytest.mark.parametrize("label,damage", CORRUPT_FORMS, ids=[c[0] for c in CORRUPT_FORMS])
def test_corrupt_xlsform_is_one_line(built: HostileProject, tmp_path: Path, label: str, damage) -> None:
    project = built.copy(tmp_path / "formulaire")
    damage(project.countries / "form.xlsx")
    code, out, err = project.validate()
    assert code == 2, out + err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("warning: ")]  # warnings don't fail
    assert len(lines) == 1 and lines[0].startswith("error: QAB: form.xlsx: "), err
    assert "Traceback" not in out + err and "QAC: ok" in out


@contextlib.contextmanager
def small_filesystem(root: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `root` (needs root); skips the test where mounting is not allowed."""
    root.mkdir(parents=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(root)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small filesystem needs root")
    try:
        yield root
    finally:
        subprocess.run(["umount", "-l", str(root)], capture_output=True)


def published(year_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(year_dir).as_posix(): p.read_bytes()
            for d in ("results", "notebooks", "site") for p in sorted((year_dir / d).rglob("*")) if p.is_file()}


@pytest.mark.e2e
@pytest.mark.xdist_group("security-builds")
def test_full_disk_and_read_only_output_are_one_line_and_keep_the_site(built: HostileProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "disque")
    with small_filesystem(tmp_path / "mnt", "40m") as mnt:
        subprocess.run(["cp", "-a", f"{project.out}/.", str(mnt)], check=True)
        project.out, project.year_dir = mnt, mnt / "2026"
        before = published(project.year_dir)
        with open(mnt / "filler", "wb") as fh, contextlib.suppress(OSError):  # fill the disk
            while True:
                fh.write(b"\0" * (1 << 20))
                fh.flush()
        line = one_error(project.cli("build", "--force", "--quiet"), 1)
        assert "no space left on the device" in line
        assert published(project.year_dir) == before
        (mnt / "filler").unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        for command in ("build", "clean"):
            line = one_error(project.cli(command, *(["--quiet"] if command == "build" else [])), 1)
            assert line.endswith(".build.lock: read-only file system"), line
        assert published(project.year_dir) == before


@pytest.mark.e2e
@pytest.mark.xdist_group("security-builds")
def test_clean_during_a_build_refuses_and_after_it_cleans(built: HostileProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "nettoyage")
    est = project.year_dir / "results" / "QAB" / "estimates.parquet"
    first = est.stat().st_mtime_ns
    proc = project.start("--force", "--jobs", "1")
    wait_until(proc, lambda: est.stat().st_mtime_ns != first, "the build is computing QAB")
    line = one_error(project.cli("clean"), 2)
    assert "another build is running" in line
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, out + err
    assert (project.year_dir / "site" / "index.html").exists()
    done = project.cli("clean")
    assert done.returncode == 0 and "removed" in done.stdout
    assert [p.name for p in project.year_dir.iterdir()] == [".build.lock"]


def _main(monkeypatch, capsys, fail: BaseException) -> tuple[int, str]:
    def broken(**kwargs):
        raise fail

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.setattr(sys, "argv", ["solutions", "status"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    return info.value.code, capsys.readouterr().err


def test_a_bug_is_one_line_with_the_traceback_in_a_file(monkeypatch, capsys) -> None:
    code, err = _main(monkeypatch, capsys, ZeroDivisionError("division by zero"))
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and "internal error (ZeroDivisionError: division by zero)" in lines[0]
    log = Path(lines[0].split("the traceback is in ")[1].split(";")[0])
    assert "Traceback" in log.read_text() and "ZeroDivisionError" in log.read_text()
    log.unlink()


def test_an_interrupt_is_one_line(monkeypatch, capsys) -> None:
    code, err = _main(monkeypatch, capsys, KeyboardInterrupt())
    assert code == 130 and err.strip() == "error: interrupted"


def test_an_os_error_is_one_line_naming_the_file(monkeypatch, capsys) -> None:
    code, err = _main(monkeypatch, capsys, PermissionError(13, "Permission denied", "/x/y"))
    assert code == 1 and err.strip() == "error: /x/y: permission denied"


def test_a_notebook_that_times_out_is_a_failed_outcome_with_a_public_reason(tmp_path: Path) -> None:
    """Timeouts and kernel deaths come back as a failed outcome (never an exception), and what a page may say
    of them names the kind of failure only."""
    import nbformat

    from solutions.pipeline.build import public_reason
    from solutions.pipeline.execute import Job, Outcome, run_job

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"},
                                            "language_info": {"name": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import time\ntime.sleep(120)")]
    nbformat.write(nb, str(tmp_path / "slow.ipynb"))
    job = Job("country-QAB", tmp_path / "slow.ipynb", tmp_path / "out" / "slow.ipynb", {"x": 2},
              tmp_path / "logs" / "slow.log", tmp_path, timeout=2)
    outcome = run_job(job)
    assert outcome.state == "failed" and not (tmp_path / "out" / "slow.ipynb").exists()
    assert public_reason(outcome) == "the notebook timed out", outcome.error
    assert "Timeout" in (tmp_path / "logs" / "slow.log").read_text()
    dead = Outcome("country-QAB", "failed", 1.0, error="DeadKernelError: Kernel died")
    assert public_reason(dead) == "the notebook's kernel died"
