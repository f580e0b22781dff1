"""Checks on mapped tables: pandera schemas from the catalogue, then the cross-table checks of a survey design.

Why pandera: the per-column rules (required, levels, ranges, uniqueness, positive weights) are declared once
from `variables.yml` and the config, and `lazy=True` collects every failure. Its failure cases are grouped
by column and check into one line each, with the records' lines in the file (the header is line 1).

Design checks pandera cannot express simply live in `household_checks` (per file: all-zero weights, PSUs
in two strata, interview dates outside the collection period), `group_checks` (the whole table: empty
population groups, displaced groups without comparison records in any area), `orphan_problem` (individuals
without a household) and `location_checks`. A stratum with one PSU is only a note: the configured
lonely-PSU rule handles it in estimation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from solutions.catalogue import Variable, load_catalogue
from solutions.config import DISPLACED_ROLES, CountryConfig
from solutions.inputs.messages import column_label, rows_problem, show_values

UNIQUE = {"households": ("household_id",), "individuals": ("person_id",)}
MECHANISM_TYPES = {
    "hlp": ("court", "land_commission", "traditional", "legal_aid"),
    "remedy": ("court", "ombudsperson", "truth_commission", "traditional"),
}


def build_schema(table: str, columns: Sequence[str], cfg: CountryConfig) -> pa.DataFrameSchema:
    """A pandera schema for the catalogue variables of `table` that the mapped frame holds."""
    variables: dict[str, Variable] = load_catalogue().variables[table]
    cols: dict[str, pa.Column] = {}
    for var in columns:
        spec = variables.get(var)
        if spec is None:
            continue
        checks: list[pa.Check] = []
        nullable = not spec.required
        if spec.type in ("weight", "integer", "number"):  # "inf" reads as a number and passes a > 0 check
            checks.append(pa.Check(lambda s: ~np.isinf(pd.to_numeric(s, errors="coerce")), name="finite"))
        if spec.type == "weight":  # 0 is kept as R keeps it (the record adds nothing); negative is an error
            checks.append(pa.Check.ge(0))
            nullable = False
        elif spec.type == "category" and spec.levels:
            checks.append(pa.Check.isin(list(spec.levels)))
        elif spec.type == "binary":
            checks.append(pa.Check.isin([0.0, 1.0]))
        if var == "pop_group" and table == "households":
            checks.append(pa.Check.isin(list(cfg.groups)))
        if spec.type in ("integer", "number") and (spec.min is not None or spec.max is not None):
            if spec.min is not None and spec.max is not None:
                checks.append(pa.Check.in_range(spec.min, spec.max))
            elif spec.min is not None:
                checks.append(pa.Check.ge(spec.min))
            else:
                checks.append(pa.Check.le(spec.max))
        if table == "households" and var in _named_design(cfg):
            nullable = False  # every record needs its stratum and PSU (R's svydesign refuses missing ids)
        unique = var in UNIQUE.get(table, ())
        cols[var] = pa.Column(nullable=nullable, unique=unique, checks=checks, required=True)
    return pa.DataFrameSchema(cols, strict=False)


def _named_design(cfg: CountryConfig) -> set[str]:
    return {v for v in (cfg.design.strata, cfg.design.psu) if v}


def schema_problems(
    frame: pd.DataFrame, table: str, cfg: CountryConfig, name: str, sources: dict[str, str]
) -> list[str]:
    """Run the table's schema lazily; one message per (column, check) with values and file lines."""
    schema = build_schema(table, [str(c) for c in frame.columns], cfg)
    rows_of = frame.index
    try:
        schema.validate(frame.reset_index(drop=True), lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
    else:
        return []
    variables = load_catalogue().variables[table]
    problems = []
    for (col, check), grp in fc.groupby(["column", "check"], sort=False, dropna=False):
        var = str(col)
        spec = variables.get(var)
        positions = [int(i) for i in grp["index"].dropna()]
        rows = sorted({int(rows_of[p]) for p in positions})
        values = None if spec is None or spec.type == "id" else list(grp["failure_case"])
        what, hint = _describe(str(check), var, spec, cfg)
        if var == "weight" and what == "a negative weight" and _all_bad_weights(frame):
            continue  # reported once as "all weights ..." by cross_checks
        if not rows:
            problems.append(f"{name}: {column_label(sources.get(var), var)}: fails {check}")
            continue
        if what.startswith("duplicate") or what.startswith("missing"):
            values = None
        problems.append(rows_problem(name, sources.get(var), var, what, rows, values, hint))
    return problems


def _describe(check: str, var: str, spec: Variable | None, cfg: CountryConfig) -> tuple[str, str]:
    if check == "finite":
        return ("infinite weight" if var == "weight" else "infinite values"), ""
    if check == "not_nullable":
        return ("missing weight" if var == "weight" else f"missing {var}"), ""
    if check == "field_uniqueness":
        return f"duplicate {var.replace('_', ' ')}", ""
    if var == "weight" and check.startswith("greater_than_or_equal_to"):
        return "a negative weight", ""
    if spec is not None and check.startswith("in_range"):
        return f"values out of range {spec.min:g}–{spec.max:g}", ""
    if spec is not None and check.startswith("greater_than_or_equal_to"):
        return f"values below {spec.min:g}", ""
    if spec is not None and check.startswith("less_than_or_equal_to"):
        return f"values above {spec.max:g}", ""
    if check.startswith("greater_than"):
        return "zero or negative weight", ""
    if check.startswith("isin") and var == "pop_group":
        return "a population group code not in groups", f"groups are {show_values(cfg.groups)}"
    if check.startswith("isin") and spec is not None and spec.levels:
        return "unknown category codes", f"expected {', '.join(spec.levels)}"
    return f"values failing {check}", ""


def _all_bad_weights(frame: pd.DataFrame) -> bool:
    w = frame.get("weight")
    return w is not None and bool(len(w)) and not bool((w > 0).any())


def household_checks(
    hh: pd.DataFrame, cfg: CountryConfig, name: str, src: dict[str, str], lonely_psu: str = "adjust"
) -> tuple[list[str], list[str]]:
    """Checks of one household file: all-bad weights, PSUs crossing strata, lonely PSUs, interview dates;
    returns (problems, notes). Run per file, so the rows named are the file's."""
    problems: list[str] = []
    notes: list[str] = []
    _weights(hh, name, src, problems)
    _strata(hh, cfg, name, src, problems, notes, lonely_psu)
    _dates(hh, cfg, name, src, problems)
    return problems, notes


def group_checks(hh: pd.DataFrame, cfg: CountryConfig, name: str, src: dict[str, str]) -> list[str]:
    """Checks of the whole household table: every configured group has records, comparison in the same areas."""
    problems: list[str] = []
    _groups(hh, cfg, name, src, problems)
    return problems


def orphan_problem(name: str, hname: str, source: str | None, orphans: pd.Series) -> list[str]:
    """Individuals whose household id is not in the household table."""
    if not orphans.any():
        return []
    rows = [int(i) for i in orphans.index[orphans]]
    return [rows_problem(name, source, "household_id", f"a household id not found in {hname}", rows)]


def location_checks(loc: pd.DataFrame, name: str, src: dict[str, str]) -> list[str]:
    """Mechanism types that belong to the other mechanism area."""
    problems: list[str] = []
    if not {"mechanism_area", "mechanism_type"} <= set(loc.columns):
        return problems
    for area, allowed in MECHANISM_TYPES.items():
        bad = (loc["mechanism_area"] == area) & loc["mechanism_type"].notna() & ~loc["mechanism_type"].isin(allowed)
        if bad.any():
            problems.append(
                rows_problem(name, src.get("mechanism_type"), "mechanism_type",
                             f"a mechanism type not used for {area} mechanisms", list(bad.index[bad]),
                             loc["mechanism_type"][bad], f"expected {', '.join(allowed)}")
            )
    return problems


def _weights(hh: pd.DataFrame, name: str, src: dict[str, str], problems: list[str]) -> None:
    if "weight" not in hh or not len(hh) or not _all_bad_weights(hh):
        return
    problems.append(
        f"{name}: {column_label(src.get('weight'), 'weight')}: all {len(hh)} weights are zero, negative or missing"
    )


def _strata(
    hh: pd.DataFrame,
    cfg: CountryConfig,
    name: str,
    src: dict[str, str],
    problems: list[str],
    notes: list[str],
    lonely_psu: str = "adjust",
) -> None:
    if "stratum" not in hh or "psu" not in hh:
        return
    d = hh[["stratum", "psu"]].dropna()
    per_psu = d.groupby("psu")["stratum"].unique()
    crossing = per_psu[per_psu.map(len) > 1]
    # R's svydesign(nest=TRUE) relabels PSU ids within strata, so repeated ids are fine then; with
    # nest: false an id shared by two strata is one PSU crossing strata, which no design allows.
    if not cfg.design.nest and len(crossing):
        examples = "; ".join(
            f"PSU '{p}' in strata {show_values(s, 3)}" for p, s in list(crossing.items())[:3]
        )
        rows = list(hh.index[hh["psu"].isin(crossing.index)])
        problems.append(
            rows_problem(
                name,
                src.get("psu"),
                "psu",
                "a PSU id that appears in more than one stratum",
                rows,
                hint=f"{examples}; PSUs must be nested in strata: if PSU ids are numbered within each stratum, "
                "set design.nest: true",
            )
        )
    per_stratum = d.groupby("stratum")["psu"].nunique()
    lonely = per_stratum[per_stratum == 1]
    if len(lonely) and lonely_psu == "fail" and not cfg.design.fpc:  # with an fpc it may be a census stratum
        rows = list(hh.index[hh["stratum"].isin(lonely.index)])
        problems.append(
            rows_problem(
                name,
                src.get("stratum"),
                "stratum",
                "a stratum that has a single PSU",
                rows,
                hh.loc[hh["stratum"].isin(lonely.index), "stratum"],
                hint="its variance cannot be estimated with thresholds.lonely_psu: fail in the global config; "
                "choose adjust, average, certainty or remove, or merge the stratum with a neighbour",
            )
        )
    elif len(lonely):
        notes.append(
            f"{name}: {len(lonely)} stratum/strata with a single PSU ({show_values(lonely.index)}): "
            "handled by the lonely-PSU rule"
        )


def _groups(
    hh: pd.DataFrame, cfg: CountryConfig, name: str, src: dict[str, str], problems: list[str]
) -> None:
    if "pop_group" not in hh:
        return
    present = set(hh["pop_group"].dropna())
    label = column_label(src.get("pop_group"), "pop_group")
    for code, role in cfg.groups.items():
        if code not in present:
            problems.append(
                f"{name}: {label}: group '{code}' ({role}) has no records (empty population group)"
            )
    # The comparison group is the non-displaced population of the same areas (methodology.md section 1):
    # strata may separate the groups (group-stratified samples are common), areas may not.
    if "admin1" not in hh or "role" not in hh:
        return
    comp = set(hh.loc[hh["role"] == "comparison", "admin1"].dropna())
    for group in DISPLACED_ROLES:
        areas = set(hh.loc[hh["role"] == group, "admin1"].dropna())
        if areas and comp and not areas & comp:
            problems.append(
                f"{name}: {column_label(src.get('admin1'), 'admin1')}: no area has both {group} and comparison "
                f"households ({group} in {show_values(sorted(areas), 3)}, comparison in {show_values(sorted(comp), 3)}); "
                "the comparison group must live in the same areas"
            )


def _dates(hh: pd.DataFrame, cfg: CountryConfig, name: str, src: dict[str, str], problems: list[str]) -> None:
    if "interview_date" not in hh:
        return
    d = hh["interview_date"]
    start, end = pd.Timestamp(cfg.survey.collection_start), pd.Timestamp(cfg.survey.collection_end)
    bad = d.notna() & ((d < start) | (d > end))
    if bad.any():
        problems.append(
            rows_problem(
                name,
                src.get("interview_date"),
                "interview_date",
                f"interview dates outside the collection period {start.date()} to {end.date()}",
                list(bad.index[bad]),
                d[bad].dt.strftime("%Y-%m-%d"),
            )
        )
