"""Executors run notebook jobs concurrently and yield outcomes as they finish.

`local` runs jobs in worker threads of this process; the work itself happens in each worker's kernel
process, so threads are enough to keep every core busy. Each worker owns one warm kernel and runs its jobs on
it one after another (wiped between notebooks, restarted after a failure and every `max_uses` notebooks), so
kernel start-up and the heavy imports are paid once per worker, not once per country.
`reuse_kernels=False` (or `SOLUTIONS_REUSE_KERNELS=0`) starts a kernel per notebook, papermill's default. A Dask executor plugs in behind the same interface.

The compute step (`compute.run_compute`) is plain Python, CPU-bound: `compute` runs it in worker processes
(a `forkserver` pool, `jobs` wide, whose server imports the statistical code once), or in this process when
there is a single country to compute, where a pool's start would cost more than it saves.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Protocol

from solutions.pipeline.compute import ComputeJob, run_compute
from solutions.pipeline.execute import Job, Outcome, first_error_line, run_job


class Executor(Protocol):
    name: str

    def map(self, jobs: list[Job]) -> Iterator[Outcome]: ...

    def compute(self, jobs: list[ComputeJob]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


def reuse_kernels_default() -> bool:
    """On unless `SOLUTIONS_REUSE_KERNELS=0` (a kernel per notebook, e.g. to compare or to rule reuse out)."""
    return os.environ.get("SOLUTIONS_REUSE_KERNELS", "1").strip().lower() not in ("0", "false", "no", "off")


class LocalExecutor:
    """Worker threads that live until `close()`, so the country phase and the global pages of one build
    share the same warm kernels (a build calls `map` twice)."""

    name = "local"

    def __init__(self, jobs: int, *, reuse_kernels: bool | None = None, max_uses: int = 20):
        self.jobs = max(1, jobs)
        self.reuse_kernels = reuse_kernels_default() if reuse_kernels is None else reuse_kernels
        self.max_uses = max_uses
        self.kernel_starts = 0  # how many kernels the workers started (reuse: one per worker + restarts)
        self._lock = threading.Lock()
        self._todo: queue.SimpleQueue = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(self, jobs: list[Job]) -> Iterator[Outcome]:
        if not jobs:
            return
        done: queue.SimpleQueue[Outcome | BaseException] = queue.SimpleQueue()
        stop = threading.Event()
        for j in jobs:
            self._todo.put((j, done, stop))
        while len(self._workers) < min(self.jobs, len(jobs)):
            w = threading.Thread(target=self._worker, name=f"sos-worker-{len(self._workers)}", daemon=True)
            w.start()
            self._workers.append(w)
        try:
            for _ in jobs:
                item = done.get()
                if isinstance(item, BaseException):  # e.g. KeyboardInterrupt in a worker
                    raise item
                yield item
        finally:
            stop.set()  # a consumer that stops early (or an interrupt) leaves the rest of this call unrun

    def compute(self, jobs: list[ComputeJob]) -> Iterator[Outcome]:
        """Run compute jobs in worker processes (one in this process), yielding outcomes as they finish."""
        if len(jobs) == 1:
            yield run_compute(jobs[0])
            return
        if not jobs:
            return
        import multiprocessing

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["solutions.pipeline.compute", "solutions.indicators.country"])
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=min(self.jobs, len(jobs)), mp_context=context) as pool:
            futures: dict[Future[Outcome], ComputeJob] = {pool.submit(run_compute, j): j for j in jobs}
            try:
                for fut in as_completed(futures):
                    yield _compute_outcome(fut, futures[fut], time.perf_counter() - started)
            finally:
                for fut in futures:  # a stopped build leaves nothing queued
                    fut.cancel()

    def close(self) -> None:
        """Stop the workers once their current notebook is done and shut their kernels down."""
        for _ in self._workers:
            self._todo.put(None)
        for w in self._workers:
            w.join()
        self._workers = []

    def _worker(self) -> None:
        kernel = None
        if self.reuse_kernels:
            from solutions.pipeline.kernels import WarmKernel

            kernel = WarmKernel(max_uses=self.max_uses)
        try:
            while (item := self._todo.get()) is not None:
                job, done, stop = item
                if stop.is_set():
                    continue
                try:
                    done.put(run_job(job, kernel) if kernel is not None else run_job(job))
                except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
                    done.put(exc)
                    return
        finally:
            if kernel is not None:
                with self._lock:
                    self.kernel_starts += kernel.starts
                kernel.close()


def _compute_outcome(fut: Future[Outcome], job: ComputeJob, seconds: float) -> Outcome:
    """The job's own outcome, or a failed one when its worker process died (killed for memory, a crash)."""
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: this country failed, not the build
        return Outcome(job.name, "failed", seconds, error=f"the worker process failed: {first_error_line(exc)}",
                       log="")


def get_executor(name: str, jobs: int, *, scheduler: str | None = None) -> Executor:
    if name == "local":
        return LocalExecutor(jobs)
    if name == "dask":
        from solutions.pipeline.dask_executor import DaskExecutor

        return DaskExecutor(scheduler=scheduler, jobs=jobs)
    raise ValueError(f"unknown executor {name!r} (choose local or dask)")
