"""Write the demo data set: fictional countries' survey, location and figure files plus their configs.

Deterministic: each survey round draws from its own numpy Generator seeded by (seed, ISO code) for a
country's latest survey and (seed, ISO code, year) for an earlier one (the editions' series, `demo.editions`),
files carry no timestamps, CSV floats are pre-formatted, Parquet comes from pyarrow and Excel zips get fixed entry times,
so the same arguments give byte-identical files. Every file is written atomically (temp file + os.replace).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path, PurePosixPath
from typing import Any, cast

import numpy as np
import pandas as pd

from solutions.catalogue import load_catalogue
from solutions.demo.configs import (
    collection_period,
    country_config,
    demo_owned,
    file_name,
    global_config,
    stamped,
)
from solutions.demo.editions import (
    Survey,
    earlier_catalogue_version,
    edition_folder,
    latest_surveys,
    plan,
    seed_words,
    survey_folder,
)
from solutions.demo.encode import BINARIES as _BINARY_NAMES
from solutions.demo.encode import HH_ORDER, IND_ORDER, LEVELS, household_frame, individual_frame
from solutions.demo.spec import DEMO_COUNTRIES, DEMO_SPECS, ROLES, Area, CountrySpec
from solutions.demo.survey import Sample, population, sample_design, simulate
from solutions.demo.tables import figures_frame, locations_frame, returns_total
from solutions.demo.writers import atomic_write, csv_bytes, excel_bytes, parquet_bytes, yaml_bytes


def country_rng(seed: int, iso3: str) -> np.random.Generator:
    """The Generator of one country: independent of which other countries are generated."""
    return np.random.default_rng(np.random.SeedSequence([seed, int.from_bytes(iso3.encode("ascii"), "big")]))


def _write_table(df: pd.DataFrame, path: Path, fmt: str, spec: CountrySpec, year: int) -> Path:
    if fmt == "csv":
        delimiter = spec.delimiter if path.stem == "households" else ","
        return atomic_write(path, csv_bytes(df, delimiter))
    if fmt == "parquet":
        return atomic_write(path, parquet_bytes(df))
    if fmt == "excel":
        return atomic_write(path, excel_bytes(df, "households", f"{year}-01-01T00:00:00Z"))
    raise ValueError(f"unknown format {fmt!r}")


def simulate_country(spec: CountrySpec, year: int, scale: float, seed: int, *, gap_scale: float = 1.0,
                     rng: np.random.Generator | None = None) -> dict[str, object]:
    """Simulate one country's survey of ``year``; returns the source frames and the column mappings.

    ``rng`` is the survey's random stream (default: the country's own, that of its latest survey) and
    ``gap_scale`` widens or narrows its gaps (a round of the editions' series, ``demo.editions``)."""
    rng = country_rng(seed, spec.iso3) if rng is None else rng
    figures, fig_map = figures_frame(spec, rng, year)
    start, end = collection_period(spec, year)
    pop = population(spec, returns_total(figures, spec))
    design = sample_design(spec, rng, scale, pop, (end - start).days)
    sample = simulate(spec, rng, design, gap_scale)
    households, hh_map = household_frame(spec, sample, rng, start)
    individuals, ind_map = individual_frame(spec, sample, households[hh_map["household_id"]])
    locations, loc_map = locations_frame(spec, rng)
    return {"sample": sample, "households": households, "individuals": individuals, "locations": locations,
            "figures": figures, "columns": {"households": hh_map, "individuals": ind_map,
                                            "locations": loc_map, "figures": fig_map}}


def _write_survey(root: Path, survey: Survey, folder: PurePosixPath, scale: float, seed: int,
                  latest: dict[str, Survey]) -> tuple[list[Path], dict[str, dict[str, str]]]:
    """Simulate and write one survey round's four files; returns them and the column mappings."""
    spec = DEMO_SPECS[survey.iso3]
    rng = np.random.default_rng(np.random.SeedSequence(seed_words(seed, survey, latest)))
    out = simulate_country(spec, survey.year, scale, seed, gap_scale=survey.gap_scale, rng=rng)
    written = [_write_table(cast(pd.DataFrame, out[table]), root / folder / file_name(table, fmt), fmt, spec, survey.year)
               for table, fmt in (("households", spec.households_format), ("individuals", spec.individuals_format),
                                  ("locations", "csv"), ("figures", "csv"))]
    return written, out["columns"]  # type: ignore[return-value]


def _rebased(cfg: dict[str, Any], iso3: str, data: str) -> dict[str, Any]:
    """The config with its data paths moved from ``data/demo/<ISO3>`` to ``data`` (relative to the config)."""
    old = f"../../data/demo/{iso3}/"
    for spec in cfg["data"].values():
        spec["path"] = data + "/" + spec["path"].removeprefix(old)
    return cfg


def write_demo(root: Path, year: int = 2026, scale: float = 1.0, countries: list[str] | None = None,
               seed: int = 20261123, editions: bool = True, kept: list[Path] | None = None) -> list[Path]:
    """Write demo data under ``root/data/demo/`` and the latest edition's configs under ``root/params/``;
    with ``editions``, also the earlier editions of the series (``demo.editions``); return the paths.

    A config the user edited (or wrote) is never overwritten (`configs.demo_owned`): it is left as it is and
    appended to `kept` when given."""
    root = Path(root)
    isos = list(DEMO_COUNTRIES) if countries is None else list(countries)
    unknown = [c for c in isos if c not in DEMO_SPECS]
    if unknown:
        raise ValueError(f"unknown demo countries {unknown}; choose from {list(DEMO_COUNTRIES)}")
    if scale <= 0:
        raise ValueError("scale must be positive")
    series = plan(year, isos) if editions else plan(year, isos)[-1:]
    latest = latest_surveys(series)
    written: list[Path] = []
    columns: dict[Survey, dict[str, dict[str, str]]] = {}
    for edition in series:
        for survey in edition.surveys.values():
            if survey not in columns:
                paths, columns[survey] = _write_survey(root, survey, survey_folder(survey, latest), scale, seed,
                                                       latest)
                written += paths
    for edition in series[:-1]:
        folder = root / edition_folder(edition.year)
        for iso, survey in edition.surveys.items():
            cfg = country_config(DEMO_SPECS[iso], survey.year, columns[survey])
            data = os.path.relpath(root / survey_folder(survey, latest), folder / "countries")
            written += _config(folder / "countries" / f"{iso}.yml",
                               yaml_bytes(_rebased(cfg, iso, Path(data).as_posix())), kept)
        pinned = global_config(edition.year, edition.countries, earlier_catalogue_version(load_catalogue()))
        written += _config(folder / "global.yml", yaml_bytes(pinned), kept)
    for iso, survey in latest.items():
        cfg = country_config(DEMO_SPECS[iso], survey.year, columns[survey])
        written += _config(root / "params" / "countries" / f"{iso}.yml", yaml_bytes(cfg), kept)
    written += _config(root / "params" / "global.yml", yaml_bytes(global_config(year, isos)), kept)
    return written


def _config(path: Path, body: bytes, kept: list[Path] | None) -> list[Path]:
    if not demo_owned(path):
        if kept is not None:
            kept.append(path)
        return []
    return [atomic_write(path, stamped(body))]


# ------------------------------------------------------------------ benchmark ----
BENCH_SPEC = CountrySpec(
    iso3="QZZ", name="Benchmark Federation (synthetic)", short="Benchmark",
    areas=tuple(Area(f"Province {i + 1:02d}", f"P{i + 1:02d}", 0.2 + 0.05 * i, 0.1 * (i % 5 - 2))
                for i in range(10)),
    group_codes={r: r for r in ROLES}, style="english", households_format="parquet",
    individuals_format="parquet", psu_range=(1, 1), hh_per_psu=(8, 16), closed_criteria=(6,),
    idp_stock=5_000_000,
)


def _as_canonical(codes: np.ndarray, var: str) -> object:
    if var in _BINARY_NAMES:
        return np.where(codes >= 0, codes, np.nan)
    return pd.Categorical.from_codes(np.where(codes >= 0, codes, -1), categories=pd.Index(list(LEVELS[var])))


def benchmark_frames(n_households: int = 1_000_000, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A large single-country survey already in catalogue variables (households, individuals).

    Binaries are float 1/0/NaN, categories pandas Categoricals of the catalogue levels, `pop_group` holds the
    role names (groups mapping is the identity), ids are integers and PSU ids are unique across strata.
    """
    rng = country_rng(seed, BENCH_SPEC.iso3)
    n_strata = sum(len(a.roles) for a in BENCH_SPEC.areas)
    psu_per_stratum = int(np.ceil(n_households / 12 / n_strata * 1.05)) + 1
    spec = dataclasses.replace(BENCH_SPEC, psu_range=(psu_per_stratum, psu_per_stratum))
    pop = population(spec, 0.0)
    design = sample_design(spec, rng, 1.0, pop, 90, n_households=n_households)
    sample: Sample = simulate(spec, rng, design)
    d = design
    start = np.datetime64(dt.date(2026, 2, 1), "D")
    hh = pd.DataFrame({
        "household_id": np.arange(1, len(d.psu) + 1, dtype=np.int64),
        "weight": d.weight,
        "stratum": d.stratum.astype(np.int32) + 1,
        "psu": d.psu.astype(np.int64) + 1,
        "pop_group": pd.Categorical.from_codes(d.role, categories=pd.Index(list(ROLES))),
        "admin1": pd.Categorical.from_codes(d.area, categories=pd.Index([a.name for a in spec.areas])),
        "urban_rural": pd.Categorical.from_codes(np.where(d.urban, 0, 1), categories=pd.Index(["urban", "rural"])),
        "interview_date": (start + d.day.astype("timedelta64[D]")).astype("datetime64[s]"),
        **{var: _as_canonical(sample.hh[var], var) for var in HH_ORDER},
    })
    ind = sample.ind
    people = pd.DataFrame({
        "household_id": ind["hh"].astype(np.int64) + 1,
        "person_id": np.arange(1, len(ind["hh"]) + 1, dtype=np.int64),
        "sex": pd.Categorical.from_codes(np.where(ind["female"], 0, 1), categories=pd.Index(["female", "male"])),
        "age": ind["age"].astype(np.int64),
        **{var: _as_canonical(ind[var], var) for var in IND_ORDER},
    })
    return hh, people


def write_survey_for_benchmark(path: Path, n_households: int = 1_000_000, seed: int = 7) -> tuple[Path, Path]:
    """Write `path/households.parquet` and `path/individuals.parquet` (catalogue names, no mapping needed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    hh, people = benchmark_frames(n_households, seed)
    out = []
    for name, df in (("households", hh), ("individuals", people)):
        target = path / f"{name}.parquet"
        tmp = path / f".{name}.parquet.tmp"
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp, compression="snappy")
        tmp.replace(target)
        out.append(target)
    return out[0], out[1]

