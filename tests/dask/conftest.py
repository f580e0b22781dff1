"""Fixtures: a loopback Dask cluster started by the tests, and the pipeline tests' demo-project helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Reuse tests/pipeline's project helpers (make_project, copy_project, sol) rather than copying them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "pipeline"))


@pytest.fixture(scope="session")
def cluster() -> Iterator[str]:
    """Address of a 2-worker LocalCluster (processes, 1 thread each) on 127.0.0.1 only.

    Tests using it carry `xdist_group("dask")`, so one pytest worker starts it once.
    """
    from solutions.pipeline.dask_executor import loopback_cluster

    with loopback_cluster(2) as lc:
        yield lc.scheduler_address
