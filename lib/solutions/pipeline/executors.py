"""Executors run notebook jobs concurrently and yield outcomes as they finish.

`local` runs each job in a thread of this process; the work itself happens in each job's kernel process,
so threads are enough to keep every core busy. A Dask executor plugs in behind the same interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Protocol

from solutions.pipeline.execute import Job, Outcome, run_job


class Executor(Protocol):
    name: str

    def map(self, jobs: list[Job]) -> Iterator[Outcome]: ...


class LocalExecutor:
    name = "local"

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)

    def map(self, jobs: list[Job]) -> Iterator[Outcome]:
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=min(self.jobs, len(jobs))) as pool:
            futures = [pool.submit(run_job, j) for j in jobs]
            for fut in as_completed(futures):
                yield fut.result()


def get_executor(name: str, jobs: int, scheduler: str | None = None) -> Executor:
    if name == "local":
        return LocalExecutor(jobs)
    if name == "dask":
        from solutions.pipeline.dask_executor import DaskExecutor

        return DaskExecutor(scheduler=scheduler, jobs=jobs)
    raise ValueError(f"unknown executor {name!r} (choose local or dask)")
