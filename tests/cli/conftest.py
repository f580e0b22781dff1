"""A small project built once per module with the real CLI: every bad input is tried on it afterwards."""

from __future__ import annotations

import pytest

from .project import SmallProject


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> SmallProject:
    project = SmallProject(tmp_path_factory.mktemp("cli") / "projet données 2026")
    project.reset()
    proc = project.build()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    project.first = project.outputs()
    assert {"site/country-QAB.html", "site/country-QAC.html", "notebooks/country-QAB.ipynb",
            "results/QAB/estimates.parquet"} <= set(project.first)
    return project
