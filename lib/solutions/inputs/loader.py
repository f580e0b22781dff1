"""Load a country's data files, map them to the catalogue and validate them, reporting every problem at once.

Why all at once: a country's analyst fixes a file in one round trip rather than one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from solutions.config import CountryConfig, DataFile, Limits, file_sha256, resolve
from solutions.errors import InputError
from solutions.inputs.figures import read_figures
from solutions.inputs.mapping import MappedTable, inherit_household, map_table
from solutions.inputs.readers import display_name, read_table
from solutions.inputs.validation import cross_checks, schema_problems
from solutions.inputs.xlsform import XLSForm, read_xlsform

SURVEY_TABLES = ("households", "individuals", "locations")


@dataclass(frozen=True)
class CountryData:
    """A country's inputs under catalogue names, validated. No identifiers, no file paths."""

    households: pd.DataFrame
    individuals: pd.DataFrame | None
    locations: pd.DataFrame | None
    figures: pd.DataFrame | None
    files: dict[str, str]  # table -> sha256 of the raw file ("<table>.choices" for an XLSForm)
    missing_variables: dict[str, list[str]]
    dropped_identifiers: list[str]
    notes: list[str] = field(default_factory=list)  # encodings used, lonely PSUs, HXL rows, ...
    missing_codes: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # table -> var -> don't know/refused


def load_country_data(cfg: CountryConfig, config_path: Path, lonely_psu: str = "adjust",
                      limits: Limits | None = None) -> CountryData:
    """Read, map and validate every data file of `cfg`; raise `InputError` listing every problem found.

    `lonely_psu` is the global config's rule: with "fail", a stratum with a single PSU is an input problem.
    `limits` bound every file read (the global config's `limits`; defaults otherwise).
    """
    config_path = Path(config_path)
    problems: list[str] = []
    notes: list[str] = []
    files: dict[str, str] = {}
    names: dict[str, str] = {}
    mapped: dict[str, MappedTable] = {}

    for table in SURVEY_TABLES:
        spec: DataFile | None = getattr(cfg.data, table)
        if spec is None:
            continue
        raw = _read(table, spec, config_path, names, files, problems, notes, limits)
        if raw is None:
            continue
        form = _form(table, spec, config_path, files, problems)
        m = map_table(raw, table, cfg, names[table], form)
        problems += m.problems
        notes += m.notes
        # columns that already failed are left out of later checks, so one fault gives one message
        m.frame = m.frame.drop(columns=sorted(m.failed))
        problems += schema_problems(m.frame, table, cfg, names[table], m.sources)
        mapped[table] = m

    frames = {t: m.frame for t, m in mapped.items()}
    orphans = None
    hh_ok = "households" in mapped
    if "individuals" in frames and hh_ok:
        key = (cfg.data.individuals.key if cfg.data.individuals else None) or "household_id"
        if key in frames["individuals"] and key in frames["households"]:  # else already reported
            frames["individuals"], orphans = inherit_household(
                frames["individuals"], frames["households"], key
            )
    if hh_ok:
        more, extra_notes = cross_checks(
            frames, cfg, names, {t: m.sources for t, m in mapped.items()}, orphans, lonely_psu
        )
        problems += more
        notes += extra_notes

    figures = None
    if cfg.data.figures is not None:
        raw = _read("figures", cfg.data.figures, config_path, names, files, problems, notes, limits)
        if raw is not None:
            f = read_figures(raw, cfg, names["figures"])
            problems += f.problems
            notes += f.notes
            figures = f.frame

    if "households" not in mapped and not problems:
        problems.append("households: no household table was read")
    if problems:
        raise InputError(problems)

    def out(table: str) -> pd.DataFrame | None:
        return frames[table].reset_index(drop=True) if table in frames else None

    households = out("households")
    assert households is not None
    return CountryData(
        households=households,
        individuals=out("individuals"),
        locations=out("locations"),
        figures=figures,
        files=files,
        missing_variables={t: m.missing_variables for t, m in mapped.items()},
        dropped_identifiers=sorted({c for m in mapped.values() for c in m.dropped_identifiers}),
        notes=notes,
        missing_codes={t: m.missing_codes for t, m in mapped.items() if m.missing_codes},
    )


def validate_country_data(cfg: CountryConfig, config_path: Path, lonely_psu: str = "adjust") -> list[str]:
    """Every problem `load_country_data` would raise, as a list (empty when the inputs are fine)."""
    try:
        load_country_data(cfg, config_path, lonely_psu)
    except InputError as exc:
        return exc.problems
    return []


def _read(
    table: str,
    spec: DataFile,
    config_path: Path,
    names: dict[str, str],
    files: dict[str, str],
    problems: list[str],
    notes: list[str],
    limits: Limits | None = None,
) -> pd.DataFrame | None:
    name = display_name(spec.path)
    names[table] = name
    path = resolve(config_path, spec.path)
    try:
        raw = read_table(path, spec, name, limits)
    except InputError as exc:
        problems += exc.problems
        return None
    files[table] = file_sha256(path)
    enc = raw.attrs.get("encoding")
    if enc and enc not in ("utf-8", "utf-8-sig") and not spec.encoding:
        notes.append(f"{name}: not UTF-8; read as {enc}")
    return raw


def _form(
    table: str, spec: DataFile, config_path: Path, files: dict[str, str], problems: list[str]
) -> XLSForm | None:
    if not spec.choices:
        return None
    path = resolve(config_path, spec.choices)
    name = display_name(spec.choices)
    try:
        form = read_xlsform(path, name)
    except InputError as exc:
        problems += exc.problems
        return None
    files[f"{table}.choices"] = file_sha256(path)
    return form
