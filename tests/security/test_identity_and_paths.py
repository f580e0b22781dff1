"""Class "identity and paths": a country is an ISO3 code, never a path; data paths that cannot be files
(symlink loops, FIFOs, devices, folders, NUL characters, unknown home folders, over-long names) give one line
naming the key; output folders with braces work (papermill formats paths)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .cases import GOOD_COUNTRY, GOOD_GLOBAL, validate, validate_cli, with_, write

PATHLIKE_COUNTRIES = ["../QAB", "/etc/passwd", "QAB/../QAC", "countries/QAB", "qab", "QA B", "QABC", "",
                      "..", "Q\x00B", "QAB.yml", "~root"]


@pytest.mark.parametrize("entry", PATHLIKE_COUNTRIES, ids=[repr(e) for e in PATHLIKE_COUNTRIES])
def test_country_entry_that_is_not_an_iso3_code_is_refused(tmp_path: Path, entry: str) -> None:
    params = write(tmp_path, GOOD_COUNTRY, {**GOOD_GLOBAL, "countries": ["QAB", entry]})
    code, errors, _ = validate(params)
    assert code == 2 and len(errors) == 1, errors
    assert errors[0].startswith(f"error: {params}: countries: not an ISO3 code (three capital letters): 1: ")
    assert not (tmp_path / "outputs").exists()


def test_build_with_a_path_as_country_runs_nothing(tmp_path: Path) -> None:
    params = write(tmp_path, GOOD_COUNTRY, {**GOOD_GLOBAL, "countries": ["../../elsewhere/QAB"]})
    from cli.project import run

    proc = run("build", "--params", str(params), "--output", str(tmp_path / "out"))
    assert proc.returncode == 2 and proc.stderr.count("error: ") == 1 and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "elsewhere").exists()


def _data_path_cases(tmp: Path) -> list[tuple[str, str, str]]:
    """(id, the path as the config writes it, the words of the message)."""
    countries = tmp / "countries"
    countries.mkdir(exist_ok=True)
    os.symlink("loop.csv", countries / "loop.csv")
    os.symlink("b.csv", countries / "a.csv")
    os.symlink("a.csv", countries / "b.csv")
    os.mkfifo(countries / "pipe.csv")
    (countries / "folder.csv").mkdir()
    (countries / "dangling.csv").symlink_to(countries / "gone.csv")
    return [
        ("symlink loop", "loop.csv", "symbolic link loop"),
        ("symlink cycle", "a.csv", "symbolic link loop"),
        ("FIFO", "pipe.csv", "not a regular file"),
        ("device", "/dev/zero", "not a regular file"),
        ("folder", "folder.csv", "is a folder, not a file"),
        ("dangling link", "dangling.csv", "file not found"),
        ("NUL in the path", "hh\x00.csv", "not a valid path (it contains a NUL character): hh\\x00.csv"),
        ("unknown home folder", "~nobody-here-xyz/hh.csv", "file not found"),
        ("path too long", "x" * 5000 + ".csv", "path too long"),
        ("through a file", "hh.csv/inner.csv", "a part of the path is not a folder"),
    ]


def test_data_paths_that_cannot_be_files_give_one_line_each(tmp_path: Path) -> None:
    cases = _data_path_cases(tmp_path)
    for label, path, words in cases:
        params = write(tmp_path, with_(data={"households": {"path": path}}))
        code, errors, _ = validate(params)
        assert code == 2 and len(errors) == 1, (label, errors)
        assert "data.households.path: " + words in errors[0], (label, errors)


def test_xlsform_path_is_checked_like_data(tmp_path: Path) -> None:
    (tmp_path / "countries").mkdir()
    os.symlink("loop.xlsx", tmp_path / "countries" / "loop.xlsx")
    params = write(tmp_path, with_(data={"households": {"path": "hh.csv", "choices": "loop.xlsx"}}))
    code, errors, _ = validate(params)
    assert code == 2 and errors == [f"error: {tmp_path / 'countries' / 'QAB.yml'}: data.households.choices: "
                                    "symbolic link loop: loop.xlsx"]


def test_config_file_that_is_a_loop_or_folder_or_binary(tmp_path: Path) -> None:
    params = write(tmp_path, GOOD_COUNTRY)
    qab = tmp_path / "countries" / "QAB.yml"
    for label, make, words in [
        ("loop", lambda: (qab.unlink(), os.symlink("QAB.yml", qab)), "symbolic link loop"),
        ("folder", lambda: (qab.unlink(), qab.mkdir()), "is a folder, not a file"),
        ("binary", lambda: (qab.rmdir(), qab.write_bytes(b"iso3: QAB\x00\x01\x02")), "NUL bytes"),
        ("not UTF-8", lambda: qab.write_bytes(b"iso3: QAB\nname: D\xe9moland\n"), "not UTF-8 text"),
        ("huge", lambda: qab.write_bytes(b"# " + b"x" * (2 << 20)), "not a config file"),
    ]:
        make()
        code, errors, _ = validate(params)
        assert code == 2 and len(errors) == 1 and words in errors[0], (label, errors)


def test_iso3_must_match_the_file_it_is_read_from(tmp_path: Path) -> None:
    params = write(tmp_path, with_(iso3="QAC"))
    proc = validate_cli(params)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().endswith("iso3: QAC does not match the file name QAB.yml")
