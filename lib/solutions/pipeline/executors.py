"""Executors run notebook jobs concurrently and yield outcomes as they finish.

`local` runs jobs in worker threads of this process; the work itself happens in each worker's kernel
process, so threads are enough to keep every core busy. Each worker owns one warm kernel and runs its jobs on
it one after another (wiped between notebooks, restarted after a failure and every `max_uses` notebooks), so
kernel start-up and the heavy imports are paid once per worker, not once per country.
`reuse_kernels=False` (or `SOLUTIONS_REUSE_KERNELS=0`) starts a kernel per notebook, papermill's default. A Dask executor plugs in behind the same interface.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from typing import Protocol

from solutions.pipeline.execute import Job, Outcome, run_job


class Executor(Protocol):
    name: str

    def map(self, jobs: list[Job]) -> Iterator[Outcome]: ...


def reuse_kernels_default() -> bool:
    """On unless `SOLUTIONS_REUSE_KERNELS=0` (a kernel per notebook, e.g. to compare or to rule reuse out)."""
    return os.environ.get("SOLUTIONS_REUSE_KERNELS", "1").strip().lower() not in ("0", "false", "no", "off")


class LocalExecutor:
    name = "local"

    def __init__(self, jobs: int, reuse_kernels: bool | None = None, max_uses: int = 20):
        self.jobs = max(1, jobs)
        self.reuse_kernels = reuse_kernels_default() if reuse_kernels is None else reuse_kernels
        self.max_uses = max_uses
        self.kernel_starts = 0  # how many kernels the workers started (reuse: one per worker + restarts)
        self._lock = threading.Lock()

    def map(self, jobs: list[Job]) -> Iterator[Outcome]:
        if not jobs:
            return
        todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
        for j in jobs:
            todo.put(j)
        done: queue.SimpleQueue[Outcome | BaseException] = queue.SimpleQueue()
        stop = threading.Event()
        workers = [threading.Thread(target=self._worker, args=(todo, done, stop), name=f"sos-worker-{i}",
                                    daemon=True) for i in range(min(self.jobs, len(jobs)))]
        for w in workers:
            w.start()
        try:
            for _ in jobs:
                item = done.get()
                if isinstance(item, BaseException):  # e.g. KeyboardInterrupt in a worker
                    raise item
                yield item
        finally:
            stop.set()  # a consumer that stops early (or an interrupt) leaves the rest of the queue unrun
            for w in workers:
                w.join()

    def _worker(self, todo: queue.SimpleQueue, done: queue.SimpleQueue, stop: threading.Event) -> None:
        kernel = None
        if self.reuse_kernels:
            from solutions.pipeline.kernels import WarmKernel

            kernel = WarmKernel(max_uses=self.max_uses)
        try:
            while not stop.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return
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


def get_executor(name: str, jobs: int, scheduler: str | None = None) -> Executor:
    if name == "local":
        return LocalExecutor(jobs)
    if name == "dask":
        from solutions.pipeline.dask_executor import DaskExecutor

        return DaskExecutor(scheduler=scheduler, jobs=jobs)
    raise ValueError(f"unknown executor {name!r} (choose local or dask)")
