"""Kernel reuse: one warm kernel runs many notebooks, and no notebook can see what an earlier one did.

The probe notebook prints what a polluting notebook would leave behind (a variable, an rcParam, an
environment variable, sys.path, warning filters, seeded random states, the working directory, open figures,
the execution counter); on a reused kernel it must print exactly what it prints on a fresh one.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from pipeline_project import make_project

from solutions.pipeline.compute import ComputeJob, run_compute
from solutions.pipeline.execute import Job, run_job
from solutions.pipeline.executors import LocalExecutor
from solutions.pipeline.kernels import WarmKernel

POLLUTE = """\
leak = "secret"
import os, random, sys, warnings
import matplotlib, numpy
import matplotlib.pyplot as plt
matplotlib.rcParams["lines.linewidth"] = 9.0
os.environ["SOS_LEAK"] = "1"
sys.path.append("/leak")
warnings.simplefilter("error")
random.seed(1)
numpy.random.seed(1)
plt.figure()
os.chdir("/")
"""

PROBE = """\
import json, os, random, sys, warnings
import matplotlib, numpy
import matplotlib.pyplot as plt
print(json.dumps({
    "leak": "leak" in globals(), "linewidth": matplotlib.rcParams["lines.linewidth"],
    "env": os.environ.get("SOS_LEAK"), "path": "/leak" in sys.path,
    "error_filters": sum(f[0] == "error" for f in warnings.filters),
    "random_seeded": random.random() == random.Random(1).random(),
    "numpy_seeded": numpy.random.random() == numpy.random.RandomState(1).random_sample(),
    "cwd": os.getcwd(), "figures": len(plt.get_fignums()), "count": get_ipython().execution_count,
}))
"""


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("tag = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("books")
    _notebook(d / "pollute.ipynb", POLLUTE)
    _notebook(d / "probe.ipynb", PROBE)
    _notebook(d / "fail.ipynb", "raise ValueError('bad input in row 3')")
    _notebook(d / "hang.ipynb", "import time\ntime.sleep(120)")
    return d


def _job(books: Path, out: Path, name: str, timeout: int | None = 120) -> Job:
    return Job(name=name, notebook=books / f"{name}.ipynb", output=out / f"{name}-{len(list(out.glob('*')))}.ipynb",
               parameters={"tag": name}, log=out / "logs" / f"{name}.log", cwd=books, timeout=timeout)


def _probe(outcome, job: Job) -> dict:
    assert outcome.state == "ok", outcome.error
    nb = nbformat.read(job.output, as_version=4)
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture(scope="module")
def fresh(books, tmp_path_factory) -> dict:
    """What the probe prints on papermill's own kernel, started for this notebook alone."""
    job = _job(books, tmp_path_factory.mktemp("fresh"), "probe")
    return _probe(run_job(job), job)


def test_state_left_by_one_notebook_is_not_visible_to_the_next(books, fresh, tmp_path) -> None:
    assert fresh["cwd"] == str(books) and not fresh["leak"] and fresh["figures"] == 0
    kernel = WarmKernel()
    try:
        polluter = _job(books, tmp_path, "pollute")
        assert run_job(polluter, kernel).state == "ok"
        probe = _job(books, tmp_path, "probe")
        assert _probe(run_job(probe, kernel), probe) == fresh
        assert kernel.starts == 1 and kernel.uses == 2  # the probe really ran on the polluted kernel
    finally:
        kernel.close()


def test_failed_and_timed_out_notebooks_cost_the_kernel(books, fresh, tmp_path) -> None:
    kernel = WarmKernel()
    try:
        failed = run_job(_job(books, tmp_path, "fail"), kernel)
        assert failed.state == "failed" and failed.error == "ValueError: bad input in row 3"
        assert kernel.km is None  # discarded, not reused
        hang = run_job(_job(books, tmp_path, "hang", timeout=3), kernel)
        assert hang.state == "failed" and "Timeout" in hang.error
        probe = _job(books, tmp_path, "probe")
        assert _probe(run_job(probe, kernel), probe) == fresh
        assert kernel.starts == 3
        assert "KeyboardInterrupt" not in Path(probe.log).read_text()  # the shutdown notice stays out of logs
    finally:
        kernel.close()


def test_kernel_is_replaced_after_max_uses(books, tmp_path) -> None:
    kernel = WarmKernel(max_uses=2)
    try:
        for _ in range(3):
            probe = _job(books, tmp_path, "probe")
            _probe(run_job(probe, kernel), probe)
        assert kernel.starts == 2
    finally:
        kernel.close()


def test_executor_workers_reuse_their_kernel(books, tmp_path) -> None:
    jobs = [_job(books, tmp_path / str(i), name) for i, name in enumerate(["pollute", "probe"] * 4)]
    with LocalExecutor(jobs=2) as ex:  # two calls, as a build makes (countries, then the pages)
        outcomes = list(ex.map(jobs[:6])) + list(ex.map(jobs[6:]))
    assert sorted(o.state for o in outcomes) == ["ok"] * 8
    assert ex.kernel_starts == 2  # one kernel per worker for eight notebooks over both calls
    assert not LocalExecutor(jobs=2, reuse_kernels=False).reuse_kernels


@pytest.mark.e2e
def test_country_results_are_byte_identical_to_fresh_kernels(tmp_path, monkeypatch) -> None:
    """Two real country notebooks on one reused kernel produce the same bytes (pages and the charts' data they
    write beside the results) as each on its own kernel."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # provenance build date: the only clock read
    project = make_project(tmp_path / "p", ["QAB", "QAC"], scale=0.3)
    notebooks = Path(__file__).resolve().parents[2] / "notebooks"

    def jobs(out: Path) -> list[Job]:
        return [Job(name=f"country-{iso}", notebook=notebooks / "country.ipynb",
                    output=out / "2026" / "notebooks" / f"country-{iso}.ipynb",
                    parameters={"global_config": str(project.params),
                                "country_config": str(project.root / "params" / "countries" / f"{iso}.yml"),
                                "output_root": str(out)},
                    log=out / "logs" / f"{iso}.log", cwd=notebooks) for iso in ("QAB", "QAC")]

    fresh_out, warm_out = tmp_path / "fresh", tmp_path / "warm"
    for out in (fresh_out, warm_out):  # the compute step writes the tables the notebooks read (and chart data)
        for iso in ("QAB", "QAC"):
            job = ComputeJob(f"compute-{iso}", project.params, project.root / "params" / "countries" / f"{iso}.yml",
                             out, out / "logs" / f"compute-{iso}.log")
            assert run_compute(job).state == "ok"
    assert [run_job(j).state for j in jobs(fresh_out)] == ["ok", "ok"]
    kernel = WarmKernel()
    try:
        assert [run_job(j, kernel).state for j in jobs(warm_out)] == ["ok", "ok"]
        assert kernel.starts == 1
    finally:
        kernel.close()

    def files(root: Path) -> dict[str, bytes]:
        base = root / "2026" / "results"
        return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}

    fresh_files, warm_files = files(fresh_out), files(warm_out)
    assert fresh_files.keys() == warm_files.keys() and len(fresh_files) >= 8
    assert [k for k in fresh_files if fresh_files[k] != warm_files[k]] == []
    for iso in ("QAB", "QAC"):
        a = nbformat.read(fresh_out / "2026" / "notebooks" / f"country-{iso}.ipynb", as_version=4)
        b = nbformat.read(warm_out / "2026" / "notebooks" / f"country-{iso}.ipynb", as_version=4)
        cells = [(c.get("execution_count"), c.get("outputs")) for c in a.cells]
        assert cells == [(c.get("execution_count"), c.get("outputs")) for c in b.cells], iso
