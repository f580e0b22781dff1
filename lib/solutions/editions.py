"""What changed between two editions of the report, from their published results tables only.

``solutions diff --against PATH|YEAR`` and the front page's "What changed" section both call
:func:`diff_editions` (OWID's ``etl diff`` is the model): estimates that moved beyond their confidence
intervals, gap and criterion statuses that changed, countries and indicators added or dropped.

An edition is a folder holding ``results/<ISO3>/estimates.{parquet,csv}`` (an ``outputs/<year>`` folder, its
``results`` folder, or a rendered site, whose ``results`` hold the CSV downloads). A change is computed as
for trends (``solutions.indicators.status.year_over_year``): the two surveys are independent, withheld
estimates give no change, and countries whose indicator definitions (catalogue version) differ are named,
never compared.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from solutions.edition_input import dir_inside, meta_name, read_table, regular_file_inside
from solutions.errors import SolutionsError
from solutions.inert import inert
from solutions.results import SCHEMAS, conform

TABLES = ("estimates", "gaps", "criteria")
GAP_KEY = ["country", "indicator_id", "group"]
CRITERION_KEY = ["country", "criterion", "group"]


@dataclass(frozen=True)
class Edition:
    """One edition's published results: every country's tables concatenated, and the countries' names."""

    year: int
    folder: Path
    estimates: pd.DataFrame
    gaps: pd.DataFrame
    criteria: pd.DataFrame
    names: dict[str, str] = field(default_factory=dict)

    @property
    def countries(self) -> list[str]:
        return sorted(set(self.estimates["country"].astype(str)))


@dataclass(frozen=True)
class EditionDiff:
    """What changed from ``old`` to ``new``; every table has the country's ISO3 code in ``country``."""

    old_year: int
    new_year: int
    countries_added: list[str]
    countries_dropped: list[str]
    indicators_added: list[str]
    indicators_dropped: list[str]
    compared: int  # pairs of published estimates compared
    moved: pd.DataFrame  # estimates whose change's CI excludes zero (year_over_year columns + kind)
    gap_changes: pd.DataFrame  # country, indicator_id, criterion, group, status_from, status_to
    criterion_changes: pd.DataFrame  # country, criterion, group, status_from, status_to
    not_compared: pd.DataFrame  # country, version_from, version_to (indicator definitions differ)
    names: dict[str, str] = field(default_factory=dict)
    confidence_level: float = 0.95

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.countries_added or self.countries_dropped or self.indicators_added
                    or self.indicators_dropped or len(self.moved) or len(self.gap_changes)
                    or len(self.criterion_changes) or len(self.not_compared))


# ------------------------------------------------------------------------------------ reading ----
def _results_dir(folder: Path) -> Path:
    return folder if folder.name == "results" else folder / "results"


def _country_dirs(results: Path) -> list[Path]:
    """The edition's country folders holding an estimates table: real folders inside it, never a symlink."""
    if not dir_inside(results, results):
        return []
    return sorted(d for d in results.iterdir() if d.name != "global" and dir_inside(d, results)
                  and any(regular_file_inside(d / f"estimates.{ext}", results) for ext in ("parquet", "csv")))


def _read(folder: Path, name: str) -> pd.DataFrame:
    """A results table from Parquet, or from the CSV download when only that was published; checked as
    untrusted input (`edition_input`): one SolutionsError line naming the file, column and rows."""
    pq, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    root = folder.parent
    for path in (pq, csv):
        if path.exists() or path.is_symlink():
            return read_table(path, name, root)
    return conform(pd.DataFrame(), SCHEMAS[name])


def _name(folder: Path) -> str:
    """The country's name from its ``meta.json`` ("" when the edition did not publish one)."""
    return meta_name(folder / "meta.json", folder.parent)


def load_edition(folder: str | Path) -> Edition:
    """The edition published in ``folder``; a SolutionsError (one line) when it holds no results tables or
    one of them is not a results table (missing columns, nested or text values, an impossible year)."""
    folder = Path(folder)
    dirs = _country_dirs(_results_dir(folder))
    if not dirs:
        raise SolutionsError(f"{inert(str(folder), 'terminal')}: no results tables of an edition here (expected "
                             f"{inert(str(_results_dir(folder)), 'terminal')}/<ISO3>/estimates.parquet or .csv)")
    tables = {t: pd.concat([_read(d, t) for d in dirs], ignore_index=True) for t in TABLES}
    years = tables["estimates"]["year"].dropna().astype(int)
    if years.empty:
        raise SolutionsError(f"{inert(str(folder), 'terminal')}: the estimates tables are empty")
    names = {d.name: _name(d) for d in dirs}
    return Edition(int(years.mode().iloc[0]), folder, tables["estimates"], tables["gaps"], tables["criteria"],
                   {iso: name for iso, name in names.items() if name})


def edition_folder(output_root: str | Path, against: str) -> Path:
    """``--against``: a report year (``outputs/<YEAR>``) or a path to an edition."""
    text = str(against).strip()
    if text.isdigit() and len(text) == 4:
        return Path(output_root) / text
    return Path(text)


def previous_edition(output_root: str | Path, year: int) -> Path | None:
    """The latest ``outputs/<y>`` before ``year`` that published results, or None."""
    found = [d for d in Path(output_root).glob("*") if d.is_dir() and d.name.isdigit() and len(d.name) == 4
             and int(d.name) < int(year) and _country_dirs(d / "results")]
    return max(found, key=lambda d: int(d.name)) if found else None


# ------------------------------------------------------------------------------------ comparing --
def _national(df: pd.DataFrame, breakdowns: bool) -> pd.DataFrame:
    return df if breakdowns or df.empty else df[df["disaggregation"] == "total"]


def _status_changes(old: pd.DataFrame, new: pd.DataFrame, key: list[str], skip: set[str]) -> pd.DataFrame:
    cols = [*key, "status"]
    a, b = old[cols], new[cols]
    pair = a.merge(b, on=key, suffixes=("_from", "_to"))
    pair = pair[(pair["status_from"] != pair["status_to"]) & ~pair["country"].isin(skip)]
    return pair.sort_values(key).reset_index(drop=True)


def _versions(df: pd.DataFrame) -> dict[str, set[str]]:
    return {str(c): set(v.dropna().astype(str)) for c, v in df.groupby("country")["catalogue_version"]}


def diff_editions(old: Edition, new: Edition, *, confidence_level: float = 0.95,
                  breakdowns: bool = False) -> EditionDiff:
    """Compare ``new`` with ``old``: national estimates only unless ``breakdowns``."""
    # imported here: planning a build looks up the previous edition without loading the estimation stack
    from solutions.indicators.status import TREND_KEY, comparable_years, year_over_year

    in_both = sorted(set(old.countries) & set(new.countries))
    v_old, v_new = _versions(old.estimates), _versions(new.estimates)
    differ = [(c, ", ".join(sorted(v_old.get(c, set()))), ", ".join(sorted(v_new.get(c, set()))))
              for c in in_both if v_old.get(c) != v_new.get(c)]
    skip = {c for c, _, _ in differ}

    # relabel the years 0 → 1 so that two builds of the same report year compare as well
    a = _national(old.estimates, breakdowns).assign(year=0)
    b = _national(new.estimates, breakdowns).assign(year=1)
    history, _excluded = comparable_years(pd.concat([a, b], ignore_index=True), 1)
    changes = year_over_year(history, 1, confidence_level)
    changes = changes[~changes["country"].isin(skip)]
    compared = int(changes["change"].notna().sum())
    kinds = new.estimates.drop_duplicates("indicator_id").set_index("indicator_id")["kind"]
    moved = changes[changes["significant"] & changes["change"].notna()].assign(
        year_from=old.year, year_to=new.year, kind=lambda d: d["indicator_id"].map(kinds).fillna(""))
    moved = moved.sort_values(TREND_KEY).reset_index(drop=True)

    def scalar_total(gaps: pd.DataFrame) -> pd.DataFrame:
        return gaps[(gaps["disaggregation"] == "total") & (gaps["category"] == "")]

    gap_changes = _status_changes(scalar_total(old.gaps), scalar_total(new.gaps), [*GAP_KEY, "criterion"], skip)
    crit_changes = _status_changes(old.criteria, new.criteria, CRITERION_KEY, skip)
    ids_old, ids_new = set(old.estimates["indicator_id"]), set(new.estimates["indicator_id"])
    return EditionDiff(
        old_year=old.year, new_year=new.year,
        countries_added=sorted(set(new.countries) - set(old.countries)),
        countries_dropped=sorted(set(old.countries) - set(new.countries)),
        indicators_added=sorted(ids_new - ids_old), indicators_dropped=sorted(ids_old - ids_new),
        compared=compared, moved=moved, gap_changes=gap_changes, criterion_changes=crit_changes,
        not_compared=pd.DataFrame(differ, columns=["country", "version_from", "version_to"]),
        names={**old.names, **new.names}, confidence_level=confidence_level,
    )


# ------------------------------------------------------------------------------------ words ------
def change_text(row: Mapping[str, Any]) -> str:
    """``25% → 18% (-7 pp, -11 to -3)``: both values, the change and its CI."""
    from solutions.report.formatting import fmt_ci, fmt_gap, fmt_value, is_percent

    percent = is_percent(str(row.get("kind", "")), [row["estimate_from"], row["estimate_to"]])
    return (f"{fmt_value(row['estimate_from'], percent=percent)} → {fmt_value(row['estimate_to'], percent=percent)}"
            f" ({fmt_gap(row['change'], percent=percent)}, {fmt_ci(row['ci_low'], row['ci_high'], percent=percent, gap=True)})")


def diff_lines(d: EditionDiff, *, titles: Mapping[str, str] | None = None, limit: int | None = None) -> list[str]:
    """The diff as lines of text (the CLI's output), in the report's words."""
    from solutions.catalogue import CRITERIA
    from solutions.report.style import group_label
    from solutions.report.wording import STATUS_LABELS

    titles = titles or {}

    def country(iso: str) -> str:
        name = d.names.get(iso, "")
        return f"{iso} {name}" if name and name != iso else iso

    def listing(items: list[str], label: Any = str) -> str:
        return ", ".join(label(i) for i in items) if items else "none"

    def status(s: str) -> str:
        return STATUS_LABELS.get(str(s), str(s).replace("_", " "))

    def capped(rows: list[str]) -> list[str]:
        if limit is not None and len(rows) > limit:
            return [*rows[:limit], f"  … and {len(rows) - limit} more"]
        return rows

    level = f"{d.confidence_level * 100:.0f}%"
    lines = [f"countries added: {listing(d.countries_added, country)}; dropped: {listing(d.countries_dropped, country)}",
             f"indicators added: {listing(d.indicators_added)}; dropped: {listing(d.indicators_dropped)}"]
    lines.append(f"estimates: {d.compared} compared, {len(d.moved)} moved beyond their {level} confidence "
                 "intervals (the interval of the change excludes zero)" + (":" if len(d.moved) else ""))
    lines += capped([f"  {country(r['country'])} · {r['indicator_id']} {titles.get(r['indicator_id'], '')}".rstrip()
                     + f" · {group_label(r['group'])}"
                     + (f" · {r['disaggregation']} {r['disaggregation_value']}" if r["disaggregation"] != "total" else "")
                     + (f" · {r['category']}" if r["category"] else "") + f": {change_text(r)}"
                     for _, r in d.moved.iterrows()])
    lines.append(f"gap statuses changed: {len(d.gap_changes)}" + (":" if len(d.gap_changes) else ""))
    lines += capped([f"  {country(r['country'])} · {r['indicator_id']} {titles.get(r['indicator_id'], '')}".rstrip()
                     + f" · {group_label(r['group'])}: {status(r['status_from'])} → {status(r['status_to'])}"
                     for _, r in d.gap_changes.iterrows()])
    lines.append(f"criterion statuses changed: {len(d.criterion_changes)}" + (":" if len(d.criterion_changes) else ""))
    lines += capped([f"  {country(r['country'])} · {int(r['criterion'])} {CRITERIA.get(int(r['criterion']), '')}"
                     f" · {group_label(r['group'])}: {status(r['status_from'])} → {status(r['status_to'])}"
                     for _, r in d.criterion_changes.iterrows()])
    for _, r in d.not_compared.iterrows():
        lines.append(f"not compared, indicator definitions differ: {country(r['country'])} "
                     f"(catalogue {r['version_from']} → {r['version_to']})")
    return lines


def diff_json(d: EditionDiff) -> dict[str, Any]:
    """The diff as JSON-ready data (``solutions diff --json``)."""
    def records(df: pd.DataFrame) -> list[dict[str, Any]]:
        return json.loads(df.to_json(orient="records", double_precision=12)) if len(df) else []

    return {"old_year": d.old_year, "new_year": d.new_year, "confidence_level": d.confidence_level,
            "countries_added": d.countries_added, "countries_dropped": d.countries_dropped,
            "indicators_added": d.indicators_added, "indicators_dropped": d.indicators_dropped,
            "compared": d.compared, "moved": records(d.moved), "gap_changes": records(d.gap_changes),
            "criterion_changes": records(d.criterion_changes), "not_compared": records(d.not_compared)}
