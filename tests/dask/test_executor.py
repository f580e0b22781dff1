"""The Dask executor: a build on a loopback cluster equals a local build; failures stay per country."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_project import Project, copy_project, make_project, sol

from solutions.errors import SolutionsError
from solutions.pipeline.dask_executor import DaskExecutor, _check_workers
from solutions.pipeline.execute import Job

# One worker runs every test that uses the module's cluster.
pytestmark = pytest.mark.xdist_group("dask")


def table_bytes(project: Project) -> dict[str, bytes]:
    """Every results table (Parquet and CSV: estimates, gaps, criteria...) by path under the year."""
    files = sorted(project.year_dir.glob("results/*/*.parquet")) + sorted(project.year_dir.glob("results/*/*.csv"))
    return {f.relative_to(project.year_dir).as_posix(): f.read_bytes() for f in files}


@pytest.mark.e2e
def test_dask_build_equals_local_build_skips_when_warm_and_isolates_a_failure(cluster: str, tmp_path: Path) -> None:
    local = make_project(tmp_path / "local", ["QAB", "QAC"], scale=0.2)
    remote = copy_project(local, tmp_path / "dask")
    local.build()
    first = remote.build("--executor", "dask", "--scheduler", cluster)
    assert "QAB: ok" in first.stdout and "QAC: ok" in first.stdout and "report: " in first.stdout
    tables = table_bytes(remote)
    assert {Path(k).name for k in tables} >= {"estimates.parquet", "estimates.csv", "gaps.parquet",
                                              "criteria.parquet"}
    assert tables == table_bytes(local)
    manifest = json.loads((remote.year_dir / "manifest.json").read_text())
    assert {iso: e["state"] for iso, e in manifest["countries"].items()} == {"QAB": "ok", "QAC": "ok"}
    assert manifest["countries"]["QAB"]["artefacts"]

    warm = remote.build("--executor", "dask", "--scheduler", cluster)
    assert "ran 0 notebook(s), skipped 2 up to date" in warm.stdout
    assert table_bytes(remote) == tables

    hh = remote.root / "data" / "demo" / "QAC" / "households.parquet"
    hh.write_bytes(hh.read_bytes()[:200])  # truncated file
    failed = remote.build("--executor", "dask", "--scheduler", cluster, check=False)
    # invalid input: exit 2, the problem named on stderr, QAC's earlier good build kept, QAB untouched
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert "QAC: INVALID INPUT" in failed.stdout
    assert "error: QAC:" in failed.stderr and "households.parquet" in failed.stderr
    assert "QAB: skipped (up to date)" in failed.stdout
    assert "Traceback" not in failed.stdout + failed.stderr
    manifest = json.loads((remote.year_dir / "manifest.json").read_text())
    assert manifest["countries"]["QAC"]["rejected"]["problems"]
    assert manifest["countries"]["QAC"]["state"] == "ok" and manifest["countries"]["QAB"]["state"] == "ok"
    assert table_bytes(remote) == tables

def _job(tmp_path: Path, name: str, output: Path) -> Job:
    return Job(name=name, notebook=tmp_path / "missing.ipynb", output=output, parameters={},
               log=tmp_path / "logs" / f"{name}.log", cwd=tmp_path)


def test_a_task_that_dies_outside_the_notebook_is_a_failed_outcome(cluster: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    # run_job creates the output folder before its own error handling: this raises on the worker
    bad = _job(tmp_path, "country-QBA", blocker / "nb" / "country-QBA.ipynb")
    also_bad = _job(tmp_path, "country-QBB", tmp_path / "out" / "country-QBB.ipynb")  # missing notebook
    outcomes = {o.name: o for o in DaskExecutor(cluster, jobs=2).map([bad, also_bad])}
    assert outcomes["country-QBA"].state == "failed"
    assert outcomes["country-QBA"].error.startswith("Dask task failed: ")
    assert "not-a-folder" in outcomes["country-QBA"].error
    assert "Dask task failed" in Path(outcomes["country-QBA"].log).read_text()
    # an ordinary notebook failure comes back from run_job itself, with its own log
    assert outcomes["country-QBB"].state == "failed" and "Dask" not in outcomes["country-QBB"].error


def test_without_a_scheduler_a_loopback_cluster_is_started_and_closed(tmp_path: Path) -> None:
    import multiprocessing

    def children() -> set[int]:
        return {p.pid for p in multiprocessing.active_children()}

    before = children()
    job = _job(tmp_path, "country-QBC", tmp_path / "out" / "country-QBC.ipynb")
    (outcome,) = list(DaskExecutor(None, jobs=1).map([job]))
    assert outcome.state == "failed" and "missing.ipynb" in outcome.error  # it ran on a worker
    assert list(DaskExecutor(None, jobs=1).map([])) == []
    assert children() <= before  # the worker processes it started are gone


def test_unreachable_scheduler_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    project = make_project(tmp_path, ["QAB"], scale=0.1)
    proc = sol("build", "--params", str(project.params), "--output", str(project.out), "--quiet",
               "--executor", "dask", "--scheduler", address)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot reach the Dask scheduler at {address}")
    assert not (project.year_dir / "manifest.json").exists()


class _Client:
    """Just what `_check_workers` asks a distributed.Client for, to reach the mismatch branches."""

    def __init__(self, workers: dict, packages: dict, solutions: dict):
        self.workers, self.packages, self.solutions = workers, packages, solutions

    def scheduler_info(self) -> dict:
        return {"workers": self.workers}

    def get_versions(self) -> dict:
        mine = {"python": "3.11.7", "dask": "1", "distributed": "1", "numpy": "2", "pandas": "3"}
        return {"client": {"packages": mine},
                "workers": {w: {"packages": {**mine, **self.packages}} for w in self.workers}}

    def run(self, fn, *args, on_error: str = "raise") -> dict:
        return self.solutions


def test_worker_checks_name_the_problem() -> None:
    from solutions.pipeline.dask_executor import PACKAGE, importlib

    here = importlib.metadata.version(PACKAGE)
    w = {"tcp://10.0.0.2:1": {}}
    with pytest.raises(SolutionsError, match="has no workers"):
        _check_workers(_Client({}, {}, {}), "tcp://h:8786")
    with pytest.raises(SolutionsError, match=r"other versions than this machine: pandas 2\.2 \(here 3\)"):
        _check_workers(_Client(w, {"pandas": "2.2"}, {}), "tcp://h:8786")
    with pytest.raises(SolutionsError, match="state-of-solutions is not installed"):
        _check_workers(_Client(w, {}, {"tcp://10.0.0.2:1": ModuleNotFoundError("x")}), "tcp://h:8786")
    _check_workers(_Client(w, {}, {"tcp://10.0.0.2:1": here}), "tcp://h:8786")
