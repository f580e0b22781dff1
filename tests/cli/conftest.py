"""A small project built once per test session with the real CLI: every bad input is tried on it afterwards.

Session scope: the battery and the build tests share it (they reset its configs or work on a copy), so the
parametrized cases never trigger a rebuild whatever order pytest or xdist runs them in.
"""

from __future__ import annotations

import pytest

from .project import SmallProject


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> SmallProject:
    project = SmallProject(tmp_path_factory.mktemp("cli") / "projet données 2026")
    project.reset()
    proc = project.build()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    project.first = project.outputs()
    assert {"site/country-QAB.html", "site/country-QAC.html", "notebooks/country-QAB.ipynb",
            "results/QAB/estimates.parquet"} <= set(project.first)
    return project
