"""The one bounded open (``solutions.regular_files``) that configs, state files and other editions are read
through: why each file is refused, so that each caller can say it in its own words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from solutions.regular_files import Refused, dir_inside, read_regular, regular_file_inside


def _reason(path: Path, max_bytes: int = 100, *, follow_links: bool = False) -> str:
    with pytest.raises(Refused) as refused:
        read_regular(path, max_bytes, follow_links=follow_links)
    return refused.value.reason


def test_a_regular_file_within_the_bound_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b"x" * 100)
    assert read_regular(path, 100, follow_links=False) == b"x" * 100
    assert _reason(path, 99) == "large"


def test_a_link_is_followed_only_where_the_caller_allows_it(tmp_path: Path) -> None:
    target = tmp_path / "target.yml"
    target.write_text("a: 1\n", encoding="utf-8")
    link = tmp_path / "link.yml"
    link.symlink_to(target)
    assert _reason(link) == "link"
    assert read_regular(link, 100, follow_links=True) == b"a: 1\n"


def test_folders_fifos_devices_and_missing_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert _reason(fifo) == "special"  # opened without blocking: never hangs
    assert _reason(Path("/dev/zero"), follow_links=True) == "special"
    assert _reason(tmp_path) == "folder"
    missing = tmp_path / "missing.json"
    with pytest.raises(Refused) as refused:
        read_regular(missing, 100, follow_links=False)
    assert refused.value.reason == "unreadable" and isinstance(refused.value.cause, FileNotFoundError)


def test_inside_means_a_real_file_or_folder_under_the_root(tmp_path: Path) -> None:
    root, outside = tmp_path / "edition", tmp_path / "elsewhere"
    (root / "QAB").mkdir(parents=True)
    outside.mkdir()
    (root / "QAB" / "estimates.csv").write_text("x\n", encoding="utf-8")
    (outside / "estimates.csv").write_text("x\n", encoding="utf-8")
    (root / "QAC").symlink_to(outside)
    (root / "QAB" / "gaps.csv").symlink_to(outside / "estimates.csv")
    assert dir_inside(root / "QAB", root) and regular_file_inside(root / "QAB" / "estimates.csv", root)
    assert not dir_inside(root / "QAC", root)
    assert not regular_file_inside(root / "QAB" / "gaps.csv", root)
    assert not regular_file_inside(outside / "estimates.csv", root)
