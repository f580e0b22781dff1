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

    def close(self) -> None: ...


def reuse_kernels_default() -> bool:
    """On unless `SOLUTIONS_REUSE_KERNELS=0` (a kernel per notebook, e.g. to compare or to rule reuse out)."""
    return os.environ.get("SOLUTIONS_REUSE_KERNELS", "1").strip().lower() not in ("0", "false", "no", "off")


class LocalExecutor:
    """Worker threads that live until `close()`, so the country phase and the global pages of one build
    share the same warm kernels (a build calls `map` twice)."""

    name = "local"

    def __init__(self, jobs: int, reuse_kernels: bool | None = None, max_uses: int = 20):
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


def get_executor(name: str, jobs: int, scheduler: str | None = None) -> Executor:
    if name == "local":
        return LocalExecutor(jobs)
    if name == "dask":
        from solutions.pipeline.dask_executor import DaskExecutor

        return DaskExecutor(scheduler=scheduler, jobs=jobs)
    raise ValueError(f"unknown executor {name!r} (choose local or dask)")
