"""Fixtures of the security suite: one small project built once with the real CLI (the harness of
tests/cli, `SmallProject`), which every case copies before breaking it, so no case can spoil another."""

from __future__ import annotations

import pytest

from .hostile_project import HostileProject


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> HostileProject:
    """QAB (with an XLSForm) and QAC, built once; cases work on `built.copy(...)`."""
    project = HostileProject(tmp_path_factory.mktemp("security") / "projet sécurité")
    project.reset()
    proc = project.build()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    project.first = project.outputs()
    return project
