"""The `country` fixture: a valid small country in tmp_path (see builders.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .builders import Country, good_country


@pytest.fixture
def country(tmp_path: Path) -> Country:
    return good_country(tmp_path)
