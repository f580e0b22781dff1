"""Country-year displacement figures: the tidy layout, or IDMC's published country-year table.

Tidy layout (architecture.md): `country` (ISO3), `year`, `metric` (`idp_stock`, `new_displacements`,
`returns`), `value`, `source`; columns can be renamed through `columns.figures`.

IDMC layout: the Global Internal Displacement Database (GIDD) export, sheet `1_Displacement_data` of
`IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx` (also published as CSV on HDX, with an HXL
hashtag row), one row per country-year with columns `ISO3, Name, Year, Conflict Stock Displacement,
Conflict Stock Displacement (Raw), Conflict Internal Displacements, Conflict Internal Displacements (Raw),
Disaster Internal Displacements, ..., Disaster Stock Displacement, ...` (older exports: `Conflict New
Displacements`, `Disaster New Displacements`). Mapping, following IDMC's own definitions:

* `idp_stock`          <- `<Cause> Stock Displacement`: total number of IDPs at the end of the year;
* `new_displacements`  <- `<Cause> Internal Displacements` (or `<Cause> New Displacements`): movements
  during the year (a person displaced twice counts twice).

The rounded columns are the published headline figures and are preferred; the `(Raw)` columns are used when
the rounded ones are absent. The cause defaults to conflict and violence, the displacement that durable-
solutions surveys cover; `cause="disaster"` or `"total"` (the sum; missing when either is missing) are
available to callers. IDMC publishes no returns; `returns` comes from the tidy layout (e.g. IOM DTM).
A global file is fine: only the config's country is kept.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from solutions.config import CountryConfig
from solutions.inputs.mapping import MappedTable, keys_of, map_table
from solutions.inputs.messages import rows_problem, show_values
from solutions.inputs.validation import schema_problems

Cause = Literal["conflict", "disaster", "total"]
IDMC_SOURCE = "IDMC Global Internal Displacement Database"
IDMC_METRICS: dict[str, tuple[str, ...]] = {
    "idp_stock": ("{cause} Stock Displacement", "{cause} Total number of IDPs"),
    "new_displacements": ("{cause} Internal Displacements", "{cause} New Displacements"),
}
FIGURE_COLUMNS = ["country", "year", "metric", "value", "source"]


def is_idmc_layout(columns: list[str]) -> bool:
    low = {c.strip().lower() for c in columns}
    return (
        "iso3" in low
        and "year" in low
        and any(
            "stock displacement" in c or "internal displacements" in c or "new displacements" in c
            for c in low
        )
    )


def idmc_to_tidy(raw: pd.DataFrame, name: str, cause: Cause = "conflict") -> tuple[pd.DataFrame, list[str]]:
    """IDMC's wide country-year table -> tidy rows (country, year, metric, value, source)."""
    cols = {c.strip().lower(): c for c in raw.columns}
    iso, year = cols["iso3"], cols["year"]
    df = raw[~raw[iso].astype("str").str.startswith("#").fillna(False)]  # HDX's HXL hashtag row
    problems: list[str] = []
    causes = ("Conflict", "Disaster") if cause == "total" else (cause.capitalize(),)
    frames = []
    for metric, patterns in IDMC_METRICS.items():
        parts = []
        for c in causes:
            col = _idmc_column(cols, [p.format(cause=c) for p in patterns])
            if col is None:
                break
            parts.append(_numbers(df[col], name, col, metric, problems))
        if len(parts) != len(causes):
            continue
        value = parts[0] if len(parts) == 1 else parts[0] + parts[1]
        frames.append(pd.DataFrame({"country": df[iso], "year": df[year], "metric": metric, "value": value}))
    if not frames:
        wanted = ", ".join(p.format(cause=causes[0]) for ps in IDMC_METRICS.values() for p in ps[:1])
        problems.append(f"{name}: IDMC layout without the {cause} columns ({wanted})")
        return pd.DataFrame(columns=FIGURE_COLUMNS), problems
    out = pd.concat(frames).dropna(subset=["value"])
    out["source"] = IDMC_SOURCE
    out["country"] = keys_of(out["country"]).astype("str")
    years = pd.to_numeric(keys_of(out["year"]), errors="coerce")
    bad = years.isna()
    if bad.any():
        problems.append(
            rows_problem(
                name, year, "year", "unreadable years", sorted(set(out.index[bad])), out["year"][bad]
            )
        )
    out["year"] = years
    return out[FIGURE_COLUMNS], problems


def _idmc_column(cols: dict[str, str], names: list[str]) -> str | None:
    for n in names:
        if n.lower() in cols:
            return cols[n.lower()]
    for n in names:
        if f"{n} (raw)".lower() in cols:
            return cols[f"{n} (raw)".lower()]
    return None


def _numbers(s: pd.Series, name: str, col: str, metric: str, problems: list[str]) -> pd.Series:
    text = keys_of(s).map(lambda k: None if k is None else k.replace(",", "").replace(" ", ""))
    nums = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = text.notna() & (text != "") & nums.isna()
    if bad.any():
        problems.append(rows_problem(name, col, metric, "non-numeric values", list(bad.index[bad]), s[bad]))
    return nums


def read_figures(raw: pd.DataFrame, cfg: CountryConfig, name: str, cause: Cause = "conflict") -> MappedTable:
    """Tidy or IDMC figures for the config's country, validated against the catalogue's `figures` variables."""
    if is_idmc_layout([str(c) for c in raw.columns]):
        frame, problems = idmc_to_tidy(raw, name, cause)
        out = MappedTable(frame=frame, problems=problems, sources={"country": "ISO3", "year": "Year"})
        out.notes.append(f"{name}: read as IDMC GIDD country-year table ({cause} figures)")
    else:
        out = map_table(raw, "figures", cfg, name)
        out.frame = out.frame[[c for c in FIGURE_COLUMNS if c in out.frame and c not in out.failed]]
    if "country" not in out.frame:
        return out
    frame = out.frame
    countries = sorted(set(frame["country"].dropna()))
    frame = frame[frame["country"] == cfg.iso3]
    if frame.empty:
        out.problems.append(
            f"{name}: no figures for {cfg.iso3} (countries in the file: {show_values(countries) or 'none'})"
        )
        return out
    out.problems += schema_problems(frame, "figures", cfg, name, out.sources)
    keys = [c for c in ("country", "year", "metric") if c in frame]
    dup = frame.duplicated(subset=keys, keep=False) if len(keys) == 3 else pd.Series(False, index=frame.index)
    if dup.any():
        out.problems.append(
            rows_problem(
                name,
                out.sources.get("metric"),
                "metric",
                "the same country, year and metric twice",
                list(frame.index[dup]),
                frame.loc[dup, "metric"],
            )
        )
    if not out.problems:
        frame = frame.astype({"year": "int64", "value": "float64"})
        if "source" not in frame:
            frame["source"] = ""
        out.frame = frame[FIGURE_COLUMNS].reset_index(drop=True)
    return out
