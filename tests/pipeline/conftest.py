"""Fixtures: small demo projects in temp folders, built with the real CLI."""

from __future__ import annotations

import pytest
from pipeline_project import Project, make_project


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Project:
    """Two countries built once per worker for the read-only checks of every module that reads them (tests that
    change it work on `copy_project(built, ...)`); they carry `xdist_group("pipeline-shared")`: one worker."""
    project = make_project(tmp_path_factory.mktemp("built"), ["QAB", "QAC"])
    project.first = project.build()
    return project


@pytest.fixture
def fresh(tmp_path) -> Project:
    return make_project(tmp_path, ["QAB", "QAC"])
