"""Class "lost pages": whatever stops a country after its page was published, the page stays, marked
"not updated" with a public reason (never a path or a data value), and its results downloads stay the good
ones; a country that never had a good build publishes nothing of a failed run.

One build through the real CLI covers three failure paths at once (--jobs 1, so they come in turn):
QAB has invalid input, QAC's kernel is killed after its results tables were written (a crash after
validation), and QAD (never built) has its kernel killed too."""

from __future__ import annotations

import contextlib
import hashlib
import html
import shutil
from pathlib import Path

import psutil
import pytest
import yaml

from inputs.bad_cases import unknown_category
from solutions.pipeline import keep

from .hostile_project import HostileProject, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("security-builds")]


def kernels(proc) -> set[int]:
    """The build's kernel processes (pids)."""
    out = set()
    for c in psutil.Process(proc.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "ipykernel" in " ".join(c.cmdline()):
                out.add(c.pid)
    return out


def kill_kernels(proc) -> set[int]:
    """Kill the build's kernels; the pids killed."""
    pids = kernels(proc)
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            psutil.Process(pid).kill()
    return pids


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_failed_countries_keep_their_published_pages(built: HostileProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "pages perdues")
    qab = project.reset()
    check = unknown_category(qab)  # invalid input: 'tent' and 'boat' are not residence types
    project.save(qab)
    shutil.copytree(project.countries / "QAC données", project.countries / "QAD données")
    qad = project.countries / "QAD.yml"
    qad.write_text((project.countries / "QAC.yml").read_text(encoding="utf-8").replace("QAC", "QAD"), encoding="utf-8")
    glob = yaml.safe_load(project.params.read_text(encoding="utf-8"))
    glob["countries"] = ["QAB", "QAC", "QAD"]
    project.params.write_text(yaml.safe_dump(glob), encoding="utf-8")
    results = project.year_dir / "results"
    good_qab, good_qac = digest(results / "QAB"), digest(results / "QAC")
    qac_est = results / "QAC" / "estimates.parquet"
    first = qac_est.stat().st_mtime_ns

    proc = project.start("--jobs", "1", "--force")
    # the compute step writes every country's tables first (QAD's last); then the pages run, QAC's first, each
    # on a kernel: the first kernel seen after that is QAC's page's, the next one (a new process) QAD's
    wait_until(proc, lambda: qac_est.exists() and qac_est.stat().st_mtime_ns != first, "QAC wrote its tables")
    wait_until(proc, lambda: (results / "QAD" / "estimates.parquet").exists(), "QAD wrote its tables")
    killed: set[int] = set()
    for page in ("QAC", "QAD"):
        wait_until(proc, lambda seen=frozenset(killed): bool(kernels(proc) - seen), f"a kernel for {page}'s page")
        killed |= kill_kernels(proc)
    out, err = proc.communicate(timeout=600)

    assert proc.returncode == 2, out + err  # invalid input outranks the crashes
    assert "Traceback" not in out + err
    check([ln.removeprefix("error: QAB: ") for ln in err.splitlines() if ln.startswith("error: QAB: ")])
    assert "QAC: FAILED" in out and "QAD: FAILED" in out, out
    assert "DeadKernelError" in out or "Kernel died" in out, out  # killed while running or while starting
    # the good results are back, byte for byte; the never-built country published nothing
    assert digest(results / "QAB") == good_qab and digest(results / "QAC") == good_qac
    assert not (results / "QAD").exists() and not (project.year_dir / keep.KEEP_DIRNAME).exists()
    site = project.year_dir / "site"
    assert not (site / "country-QAD.html").exists() and not (site / "results" / "QAD").exists()
    qab_page, qac_page, index = project.page("country-QAB"), project.page("country-QAC"), project.page("index")
    assert "Not updated: invalid input (1 problem)." in qab_page
    assert "Not updated: the notebook's kernel died." in html.unescape(qac_page)  # the apostrophe escaped either way
    assert "not updated: invalid input (1 problem)" in index and "not included: the notebook" in index
    published = "\n".join(p.read_text(encoding="utf-8") for p in site.glob("*.html"))
    for secret in ("'tent'", "'boat'", "q_res", "households.csv", "DeadKernelError", str(project.root)):
        assert secret not in published, secret
    manifest = project.manifest()
    assert manifest["countries"]["QAB"]["state"] == "ok" and manifest["countries"]["QAB"]["stale"]["problems"]
    assert manifest["countries"]["QAC"]["state"] == "ok" and any(k in manifest["countries"]["QAC"]["stale"]["detail"] for k in ("DeadKernel", "Kernel died"))
    assert manifest["countries"]["QAD"]["state"] == "failed"
    status = project.cli("status").stdout
    assert "QAB: invalid input - 1 problem" in status and "tent" in status  # details stay in the terminal
    assert "QAC: stale - not updated: the notebook's kernel died" in status and "QAD: failed - " in status
