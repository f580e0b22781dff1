"""Run notebook jobs as tasks on a `dask.distributed` cluster, behind the same interface as `local`.

Each task is `run_job` (papermill) on a worker: the worker's interpreter starts the job's kernel and reads
and writes the job's paths itself. Nothing but the small `Job` / `Outcome` records travels through Dask,
so every worker needs the project installed (same version, same kernel name) and the configs, inputs,
notebooks and outputs folder at the same absolute paths (a shared filesystem). This keeps a distributed
build identical to a local one: same code path, same atomic writes, same logs.

A connection (and, without a scheduler address, a `LocalCluster` on loopback) is opened per `map` call
and closed when it ends, so nothing outlives the build. A task that dies outside `run_job` (a lost
worker, an error before papermill starts) becomes a failed outcome for that job, never a crashed build.
"""

from __future__ import annotations

import importlib.metadata
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from typing import Any

from solutions.atomic import write_text
from solutions.errors import SolutionsError
from solutions.pipeline.compute import ComputeJob, run_compute
from solutions.pipeline.execute import Job, Outcome, first_error_line, run_job

PACKAGE = "state-of-solutions"
CONNECT_TIMEOUT = "5s"
#: Versions that must match between this machine and the workers (serialization and results).
CHECKED = ("python", "dask", "distributed", "msgpack", "cloudpickle", "tornado", "toolz", "numpy", "pandas")


class DaskExecutor:
    name = "dask"

    def __init__(self, scheduler: str | None, *, jobs: int):
        self.scheduler = scheduler
        self.jobs = max(1, jobs)

    def _connect(self, stack: ExitStack, work: int):
        """A client on the given scheduler, or on a loopback LocalCluster of 1-thread workers: `jobs` of them,
        never more than the `work` to do (`--jobs 1000` started 1,000 processes for one country)."""
        from distributed import Client

        if self.scheduler is None:
            cluster = stack.enter_context(loopback_cluster(max(1, min(self.jobs, work))))
            return stack.enter_context(Client(cluster))
        try:
            client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SolutionsError(
                f"cannot reach the Dask scheduler at {self.scheduler} within {CONNECT_TIMEOUT} "
                f"({first_error_line(exc)}); start it with `dask scheduler` or fix --scheduler"
            ) from None
        stack.enter_context(client)
        _check_workers(client, self.scheduler)
        return client

    def close(self) -> None:
        """Nothing to do: each `map` call opens and closes its own connection."""

    def map(self, jobs: list[Job]) -> Iterator[Outcome]:
        """Notebook jobs (papermill on the worker)."""
        return self._run(run_job, jobs)

    def compute(self, jobs: list[ComputeJob]) -> Iterator[Outcome]:
        """Compute jobs (`compute.run_compute`, plain Python on the worker)."""
        return self._run(run_compute, jobs)

    def _run(self, task: Callable[[Any], Outcome], jobs: list[Job] | list[ComputeJob]) -> Iterator[Outcome]:
        if not jobs:
            return
        from distributed import as_completed

        with ExitStack() as stack:
            client = self._connect(stack, len(jobs))
            started = time.perf_counter()
            futures = {
                client.submit(task, job, key=f"solutions-{job.name}-{uuid.uuid4().hex[:8]}",
                              pure=False, retries=0): job
                for job in jobs
            }
            try:
                for fut in as_completed(futures):
                    yield _outcome(fut, futures[fut], time.perf_counter() - started)
            finally:
                with suppress(Exception):  # a stopped build leaves no task running on the cluster
                    client.cancel(list(futures))


def loopback_cluster(n_workers: int):
    """A LocalCluster reachable from this machine only: worker processes with 1 thread, no dashboard.

    One thread per worker because each task is a whole notebook whose kernel is its own process.
    """
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1", scheduler_port=0,
        dashboard_address=None,
        # the scheduler still serves /health: keep it on loopback, on a free port (not 8787)
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )


def _outcome(fut, job: Job | ComputeJob, seconds: float) -> Outcome:
    """The job's own outcome, or a failed one when the task itself failed (lost worker, error, cancel)."""
    if fut.status == "finished":
        try:
            return fut.result()
        except Exception as exc:  # noqa: BLE001 - e.g. the result could not be deserialized
            return _task_failed(job, seconds, exc)
    try:
        exc = fut.exception()
    except BaseException as err:  # noqa: BLE001 - a cancelled future raises instead of returning
        exc = err
    return _task_failed(job, seconds, exc)


def _task_failed(job: Job | ComputeJob, seconds: float, exc: BaseException | None) -> Outcome:
    line = f"Dask task failed: {first_error_line(exc) if exc is not None else 'cancelled'}"
    log = ""
    try:  # the log folder is on the shared filesystem; if not, the error line still reaches the manifest
        write_text(job.log, f"{job.name}: failed after {seconds:.2f}s\n{line}\n")
        log = str(job.log)
    except OSError:
        pass
    return Outcome(job.name, "failed", seconds, error=line, log=log)


def _check_workers(client, address: str) -> None:
    """Fail early, in one line, when the cluster cannot run this build's notebooks."""
    if not client.scheduler_info().get("workers"):
        raise SolutionsError(f"the Dask scheduler at {address} has no workers; start some with "
                             f"`dask worker {address} --nthreads 1`")
    versions = client.get_versions()
    mine = versions["client"]["packages"]
    for worker, info in sorted(versions["workers"].items()):
        theirs = info["packages"]
        diff = [f"{p} {theirs.get(p)} (here {mine.get(p)})" for p in CHECKED if theirs.get(p) != mine.get(p)]
        if diff:
            raise SolutionsError(f"Dask worker {worker} has other versions than this machine: "
                                 f"{', '.join(diff)}; install requirements.lock on every worker")
    want = importlib.metadata.version(PACKAGE)
    found = client.run(importlib.metadata.version, PACKAGE, on_error="return")
    bad = {w: ("not installed" if isinstance(v, BaseException) else v)
           for w, v in found.items() if v != want}
    if bad:
        worker, got = sorted(bad.items())[0]
        raise SolutionsError(
            f"Dask worker {worker} (and {len(bad) - 1} more) cannot run the build: {PACKAGE} is {got}, "
            f"this machine has {want}; install the project on every worker (see README, Scaling)"
        )
