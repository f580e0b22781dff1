"""Load a country's data files, map them to the catalogue and validate them, reporting every problem at once.

Why all at once: a country's analyst fixes a file in one round trip rather than one error per run.

Order, table by table: read each file (`readers`) and map it (`mapping`), check it (`validation`), append the
files of a table (`multifile`), compute derived variables (`derive`); then the household weights (a weight
column, or a sampling frame: `frame`; rescaled, checked and trimmed: `weights`), the design ids made unique
per file, individuals given their household's columns, and the checks across records and tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from solutions.config import CountryConfig, DataFile, Limits, file_sha256, resolve
from solutions.errors import InputError
from solutions.inputs import weights as weighting
from solutions.inputs.derive import derive, derived_specs
from solutions.inputs.figures import read_figures
from solutions.inputs.frame import frame_weights, read_frame
from solutions.inputs.mapping import inherit_household, map_table
from solutions.inputs.messages import show_rows
from solutions.inputs.multifile import Appended, append, prefix_design_ids
from solutions.inputs.readers import display_name, read_table
from solutions.inputs.validation import (
    group_checks,
    household_checks,
    location_checks,
    orphan_problem,
    schema_problems,
)
from solutions.inputs.xlsform import XLSForm, read_xlsform

SURVEY_TABLES = ("households", "individuals", "locations")


@dataclass(frozen=True)
class CountryData:
    """A country's inputs under catalogue names, validated. No identifiers, no file paths."""

    households: pd.DataFrame
    individuals: pd.DataFrame | None
    locations: pd.DataFrame | None
    figures: pd.DataFrame | None
    files: dict[str, str]  # file (named as by CountryConfig.referenced_files) -> sha256 of its content
    missing_variables: dict[str, list[str]]
    dropped_identifiers: list[str]
    notes: list[str] = field(default_factory=list)  # encodings used, lonely PSUs, HXL rows, weights, ...
    missing_codes: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # table -> var -> don't know/refused
    warnings: list[str] = field(default_factory=list)  # not errors, but a reader must know (weight shares)
    weights: pd.DataFrame = field(default_factory=pd.DataFrame)  # diagnostics per group (weights.diagnostics)
    weighting: str = ""  # how the weights were obtained, in words


@dataclass
class _Run:
    """What one load collects as it goes."""

    cfg: CountryConfig
    config_path: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    limits: Limits | None = None  # bounds on every file read (the global config's `limits`)


def load_country_data(cfg: CountryConfig, config_path: Path, lonely_psu: str = "adjust",
                      limits: Limits | None = None) -> CountryData:
    """Read, map and validate every data file of `cfg`; raise `InputError` listing every problem found.

    `lonely_psu` is the global config's rule: with "fail", a stratum with a single PSU is an input problem.
    `limits` bound every file read (the global config's `limits`; defaults otherwise).
    """
    run = _Run(cfg, Path(config_path), limits=limits)
    tables: dict[str, Appended] = {}
    for table in SURVEY_TABLES:
        spec: DataFile | None = getattr(cfg.data, table)
        if spec is not None:
            t = _table(run, table, spec)
            if t is not None:
                tables[table] = t

    hh = tables.get("households")
    how = ""
    diag = pd.DataFrame()
    warnings = run.warnings
    if hh is not None:
        how = _weights(run, hh)
        run.notes += prefix_design_ids(hh)
        for name, part in hh.by_file():
            more, notes = household_checks(part, cfg, name, hh.sources, lonely_psu)
            run.problems += more
            run.notes += notes
        run.problems += group_checks(hh.frame, cfg, hh.name, hh.sources)
        if "weight" in hh.frame and not run.problems:
            diag = weighting.diagnostics(hh.frame)
            warnings += weighting.share_warnings(diag, cfg.design.max_weight_share, hh.name)
    ind = tables.get("individuals")
    if ind is not None and hh is not None:
        _individuals(run, ind, hh)
    loc = tables.get("locations")
    if loc is not None:
        for name, part in loc.by_file():
            run.problems += location_checks(part, name, loc.sources)

    figures = None
    if cfg.data.figures is not None:
        raw = _read(run, "figures", cfg.data.figures, cfg.data.figures.path or "")
        if raw is not None:
            f = read_figures(raw, cfg, display_name(cfg.data.figures.path or ""))
            run.problems += f.problems
            run.notes += f.notes
            figures = f.frame

    if "households" not in tables and not run.problems:
        run.problems.append("households: no household table was read")
    if run.problems:
        raise InputError(run.problems)
    assert hh is not None

    def out(table: str) -> pd.DataFrame | None:
        return tables[table].frame.reset_index(drop=True) if table in tables else None

    households = out("households")
    assert households is not None
    return CountryData(
        households=households,
        individuals=out("individuals"),
        locations=out("locations"),
        figures=figures,
        files=dict(run.files),
        missing_variables={t: a.missing_variables for t, a in tables.items()},
        dropped_identifiers=sorted({c for a in tables.values() for c in a.dropped_identifiers}),
        notes=run.notes,
        missing_codes={t: a.missing_codes for t, a in tables.items() if a.missing_codes},
        warnings=warnings,
        weights=diag,
        weighting=how,
    )


def validate_country_data(cfg: CountryConfig, config_path: Path, lonely_psu: str = "adjust") -> list[str]:
    """Every problem `load_country_data` would raise, as a list (empty when the inputs are fine)."""
    try:
        load_country_data(cfg, config_path, lonely_psu)
    except InputError as exc:
        return exc.problems
    return []


# ------------------------------------------------------------------ tables ----
def _table(run: _Run, table: str, spec: DataFile) -> Appended | None:
    """Read, map and check each file of a table, then append them and compute derived variables."""
    cfg = run.cfg
    form = _form(run, table, spec)
    if spec.choices and form is None:
        return None  # the form is unreadable: its codes and labels would give every value as a false problem
    several = spec.files is not None
    mapped = []
    complete = True
    for part in spec.parts():
        key = f"{table}:{part.name}" if several else table
        file_spec = spec.model_copy(update={"path": part.path, "files": None,
                                            "sheet": part.sheet if part.sheet is not None else spec.sheet})
        raw = _read(run, key, file_spec, part.path)
        if raw is None:
            complete = False
            continue
        name = display_name(part.path)
        if several:
            if spec.source_column in raw.columns:
                run.problems.append(f"{name}: already has a column {spec.source_column!r}; set "
                                    f"data.{table}.source_column to another name")
                complete = False
                continue
            raw[spec.source_column] = part.name
        m = map_table(raw, table, cfg, name, form)
        run.problems += m.problems
        run.notes += m.notes
        run.warnings += m.warnings
        # columns that already failed are left out of later checks, so one fault gives one message
        m.frame = m.frame.drop(columns=sorted(m.failed))
        run.problems += schema_problems(m.frame, table, cfg, name, m.sources)
        mapped.append((name, part.name, m))
    if not complete or not mapped:
        return None
    t, problems, notes = append(table, mapped)
    run.problems += problems
    run.notes += notes
    if table == "households":
        _derived(run, t, table)
    return t


def _derived(run: _Run, t: Appended, table: str) -> None:
    """Derived variables, then the catalogue's checks of those that are catalogue variables (per file)."""
    specs = derived_specs(run.cfg, table)
    if not specs:
        return
    run.problems += derive(t.frame, run.cfg, table, t.name)
    done = [v for v in specs if v in t.frame]
    for name, part in t.by_file(t.frame[done]):
        run.problems += schema_problems(part, table, run.cfg, name, {v: f"{v} (derived)" for v in done})


def _individuals(run: _Run, ind: Appended, hh: Appended) -> None:
    """Each individual gets their household's design, group and country variables, then derived variables."""
    key = (run.cfg.data.individuals.key if run.cfg.data.individuals else None) or "household_id"
    if key not in ind.frame or key not in hh.frame:  # else already reported
        return
    inherited = list(run.cfg.variables.get("households", {}))
    ind.frame, orphans = inherit_household(ind.frame, hh.frame, key, inherited)
    for name, part in ind.by_file(orphans.to_frame("orphan")):
        run.problems += orphan_problem(name, hh.name, ind.sources.get("household_id"), part["orphan"])
    _derived(run, ind, "individuals")


# ----------------------------------------------------------------- weights ----
def _weights(run: _Run, hh: Appended) -> str:
    """The household weights: read, or computed from the sampling frame; rescaled per file; checked;
    trimmed. Returns how they were obtained, in words (for the page's design section)."""
    cfg = run.cfg
    spec = cfg.data.households
    parts = spec.parts()
    fw = cfg.design.weights
    if fw is not None:
        frame = read_frame(fw, run.config_path)
        run.problems += frame.problems
        run.notes += frame.notes
        run.warnings += frame.warnings
        if frame.problems or "stratum" not in hh.frame:
            if "stratum" not in hh.frame and not frame.problems:
                run.problems.append(f"{hh.name}: weights from a sampling frame need the stratum variable (columns."
                                    "households.stratum)")
            return ""
        run.files["frame"] = frame.sha256
        size = hh.frame[fw.household_size] if fw.household_size and fw.household_size in hh.frame else None
        if fw.unit == "individuals" and size is None:
            run.problems.append(f"{hh.name}: design.weights.household_size: {fw.household_size} is not in the data")
            return ""
        base = None
        if fw.rescale:
            if "weight" not in hh.frame:
                run.problems.append(f"{hh.name}: design.weights.rescale: true rescales the data's weights, but no "
                                    "weight column is mapped (columns.households.weight)")
                return ""
            if hh.frame["weight"].isna().any() or (hh.frame["weight"] < 0).any():
                return ""  # reported by the schema check
            base = hh.frame["weight"]
        got = frame_weights(hh.frame["stratum"], frame, fw, size, hh.split, hh.sources.get("stratum"), base)
        run.problems += got.problems
        run.notes += got.notes
        if got.weights is None:
            return ""
        hh.frame["weight"] = got.weights
        if base is None:
            hh.sources["weight"] = f"N_h / n_h from {frame.name}"
            how = f"from the sampling frame {frame.name}: N_h / n_h per stratum ({fw.unit})"
        else:
            how = (f"column {hh.sources.get('weight', 'weight')}, rescaled within each stratum to the population of "
                   f"the sampling frame {frame.name} ({fw.unit})")
    elif "weight" not in hh.frame:
        return ""
    else:
        how = f"column {hh.sources.get('weight', 'weight')}"
        if any(p.population is not None for p in parts) and not hh.frame["weight"].isna().any():
            hh.frame["weight"], notes = weighting.rescale_files(hh.frame["weight"], hh.part, hh.files,
                                                                [p.population for p in parts])
            run.notes += notes
            how += ", rescaled per file to the known populations"
        elif not hh.frame["weight"].isna().any():
            run.problems += weighting.scale_problems(hh.frame["weight"], hh.part, hh.files)
    run.warnings += _zero_weights(hh)
    if cfg.design.trim and not run.problems and (hh.frame["weight"] >= 0).all():
        hh.frame["weight"], notes = weighting.trim(hh.frame["weight"], cfg.design.trim)
        run.notes += notes
        how += f", trimmed at {cfg.design.trim:g} × the mean"
    return how


def _zero_weights(hh: Appended) -> list[str]:
    """How many records weigh 0: kept in the design (as R keeps them), counted in no published n."""
    w = pd.to_numeric(hh.frame["weight"], errors="coerce")
    zero = (w == 0).to_numpy()
    if not zero.any() or zero.all():
        return []
    where = "; ".join(f"{f} {show_rows(rows)}" for f, rows in hh.split(zero))
    return [f"{hh.name}: {int(zero.sum())} record(s) with weight 0 ({where}): kept in the design with their PSU, as "
            "R's survey package keeps them; they add nothing to any estimate and are not counted in any published n"]


# -------------------------------------------------------------------- files ----
def _read(run: _Run, key: str, spec: DataFile, path_text: str) -> pd.DataFrame | None:
    name = display_name(path_text)
    path = resolve(run.config_path, path_text)
    try:
        raw = read_table(path, spec, name, run.limits)
    except InputError as exc:
        run.problems += exc.problems
        return None
    run.files[key] = file_sha256(path)
    enc = raw.attrs.get("encoding")
    if enc and enc not in ("utf-8", "utf-8-sig") and not spec.encoding:
        run.notes.append(f"{name}: not UTF-8; read as {enc}")
    return raw


def _form(run: _Run, table: str, spec: DataFile) -> XLSForm | None:
    given = spec.choices_files()
    if not given:
        return None
    paths = [(resolve(run.config_path, g), display_name(g)) for g in given]
    try:
        form = read_xlsform(paths, run.limits)
    except InputError as exc:
        run.problems += exc.problems
        return None
    for i, (path, _) in enumerate(paths):
        run.files[f"{table}.choices" + (f":{i + 1}" if i else "")] = file_sha256(path)
    return form
