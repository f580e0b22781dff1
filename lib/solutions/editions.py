"""What changed between two editions of the report, from their published results tables only.

``solutions diff --against PATH|YEAR`` and the front page's "What changed" section both call
:func:`diff_editions` (OWID's ``etl diff`` is the model): every national estimate's change with its status
(``solutions.indicators.changes``: improved, worsened, no material change, cannot tell, with better and worse
from the indicator's direction and the indicator's margin), gap and criterion statuses that changed,
countries and indicators added or dropped.

An edition is a folder holding ``results/<ISO3>/estimates.{parquet,csv}`` (an ``outputs/<year>`` folder, its
``results`` folder, or a rendered site, whose ``results`` hold the CSV downloads). The two surveys are
independent, withheld estimates give no change, and an indicator whose definition differs between the two
editions (its catalogue ``revised`` version is newer than the older edition's catalogue version; a country's own
indicator under another catalogue version) is named, never compared, for that indicator only.
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
    changes: pd.DataFrame  # every pair of estimates compared (changes.COLUMNS + kind), whatever its status
    gap_changes: pd.DataFrame  # country, indicator_id, criterion, group, status_from, status_to
    criterion_changes: pd.DataFrame  # country, criterion, group, status_from, status_to
    not_compared: pd.DataFrame  # country, indicator_id, version_from, version_to, revised (definitions differ)
    names: dict[str, str] = field(default_factory=dict)
    confidence_level: float = 0.95

    @property
    def moved(self) -> pd.DataFrame:
        """The changes the data show: improved or worsened, and shares of a distribution (no better or worse
        direction) whose change's CI excludes zero."""
        c = self.changes
        if c.empty:
            return c
        shifted = (c["status"] == "not_assessed") & ((c["ci_low"] > 0) | (c["ci_high"] < 0))
        return c[c["status"].isin(["improved", "worsened"]) | shifted].reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """How many compared estimates have each change status."""
        if self.changes.empty:
            return {}
        return {str(k): int(v) for k, v in self.changes["status"].value_counts().items()}

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


def _status_changes(old: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    cols = [*key, "status"]
    a, b = old[cols], new[cols]
    pair = a.merge(b, on=key, suffixes=("_from", "_to"))
    pair = pair[pair["status_from"] != pair["status_to"]]
    return pair.sort_values(key).reset_index(drop=True)


NOT_COMPARED = ["country", "indicator_id", "criterion", "version_from", "version_to", "revised"]


def _not_compared(excluded: pd.DataFrame, new: pd.DataFrame, catalogue: Any) -> pd.DataFrame:
    """Each (country, indicator) the new edition published whose older estimates were set aside because the
    definitions differ, with both catalogue versions and the version that revised the indicator ("" when
    the catalogue records none: a country's own indicator)."""
    from solutions.indicators.status import revised_in

    if excluded.empty or new.empty:
        return pd.DataFrame(columns=NOT_COMPARED)
    to = new.groupby(["country", "indicator_id"])["catalogue_version"].agg(lambda v: ", ".join(sorted(set(v.astype(str)))))
    rows = []
    for (country, indicator), part in excluded.groupby(["country", "indicator_id"], sort=True):
        if (country, indicator) not in to.index:
            continue  # the indicator was dropped: named as such
        rows.append({"country": str(country), "indicator_id": str(indicator), "criterion": int(part["criterion"].iloc[0]),
                     "version_from": ", ".join(sorted(set(part["catalogue_version"].astype(str)))),
                     "version_to": to[(country, indicator)], "revised": revised_in(str(indicator), catalogue)})
    return pd.DataFrame(rows, columns=NOT_COMPARED)


def diff_editions(old: Edition, new: Edition, *, confidence_level: float, breakdowns: bool = False,
                  rules: pd.DataFrame | None = None) -> EditionDiff:
    """Compare ``new`` with ``old``: national estimates only unless ``breakdowns``. ``rules`` (direction and
    margin per indicator, ``changes.rules_from_tables``) default to those the new edition's gaps applied, then
    the catalogue's under the default margin."""
    # imported here: planning a build looks up the previous edition without loading the estimation stack
    from solutions.catalogue import load_catalogue
    from solutions.config import EquivalenceMargin
    from solutions.indicators.changes import TREND_KEY, rules_from_tables
    from solutions.indicators.status import comparable_years, year_over_year

    catalogue = load_catalogue()
    if rules is None:
        rules = rules_from_tables(new.gaps, new.estimates, catalogue=catalogue, default=EquivalenceMargin())

    # relabel the years 0 → 1 so that two builds of the same report year compare as well
    a = _national(old.estimates, breakdowns).assign(year=0)
    b = _national(new.estimates, breakdowns).assign(year=1)
    history, excluded = comparable_years(pd.concat([a, b], ignore_index=True), 1, catalogue)
    differ = _not_compared(excluded, new.estimates, catalogue)
    skip = set(zip(differ["country"], differ["indicator_id"], strict=True))
    changes = year_over_year(history, 1, confidence_level=confidence_level, rules=rules)
    compared = int(changes["change"].notna().sum())
    kinds = new.estimates.drop_duplicates("indicator_id").set_index("indicator_id")["kind"]
    changes = changes.assign(year_from=old.year, year_to=new.year,
                             kind=lambda d: d["indicator_id"].map(kinds).fillna(""))
    changes = changes.sort_values(TREND_KEY).reset_index(drop=True)

    def scalar_total(gaps: pd.DataFrame) -> pd.DataFrame:
        return gaps[(gaps["disaggregation"] == "total") & (gaps["category"] == "")]

    gap_changes = _status_changes(scalar_total(old.gaps), scalar_total(new.gaps), [*GAP_KEY, "criterion"])
    gap_changes = gap_changes[[(c, i) not in skip for c, i in zip(gap_changes["country"], gap_changes["indicator_id"],
                                                                   strict=True)]].reset_index(drop=True)
    # a criterion holding an indicator not compared: its status may have changed with the definition
    revised_criteria = {(c, int(k)) for c, k in zip(differ["country"], differ["criterion"], strict=True)}
    crit_changes = _status_changes(old.criteria, new.criteria, CRITERION_KEY)
    crit_changes = crit_changes[[(c, int(k)) not in revised_criteria for c, k in
                                 zip(crit_changes["country"], crit_changes["criterion"], strict=True)]]
    crit_changes = crit_changes.reset_index(drop=True)
    ids_old, ids_new = set(old.estimates["indicator_id"]), set(new.estimates["indicator_id"])
    return EditionDiff(
        old_year=old.year, new_year=new.year,
        countries_added=sorted(set(new.countries) - set(old.countries)),
        countries_dropped=sorted(set(old.countries) - set(new.countries)),
        indicators_added=sorted(ids_new - ids_old), indicators_dropped=sorted(ids_old - ids_new),
        compared=compared, changes=changes, gap_changes=gap_changes, criterion_changes=crit_changes,
        not_compared=differ.drop(columns="criterion"),
        names={**old.names, **new.names}, confidence_level=confidence_level,
    )


# ------------------------------------------------------------------------------------ words ------
def change_text(row: Mapping[str, Any]) -> str:
    """``25% → 18%: better, down 7 points (−11 to −3)``: both values, then what the change shows
    (``wording.change_summary``)."""
    from solutions.report.formatting import fmt_value, is_percent
    from solutions.report.wording import change_summary

    percent = is_percent(str(row.get("kind", "")), [row["estimate_from"], row["estimate_to"]])
    said = change_summary(str(row.get("status", "")), change=row.get("change"), ci_low=row.get("ci_low"),
                          ci_high=row.get("ci_high"), margin=row.get("margin"), percent=percent)
    if _missing(row.get("change")):
        return said
    return (f"{fmt_value(row['estimate_from'], percent=percent)} → {fmt_value(row['estimate_to'], percent=percent)}"
            f": {said.replace(': ', ', ', 1)}")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


#: The order in which the change statuses are counted and listed.
CHANGE_ORDER = ("worsened", "improved", "not_assessed", "no_material_change", "cannot_tell", "insufficient_data")
_COUNT_WORDS = {"worsened": "worse", "improved": "better", "no_material_change": "no material change", "cannot_tell": "the surveys cannot tell",
                "insufficient_data": "a value withheld"}


def counts_text(d: EditionDiff) -> str:
    """``120 national estimates compared: 2 worse, 3 better, 80 no material change, …``."""
    counts = d.counts()
    moved = d.moved
    shifted = int((moved["status"] == "not_assessed").sum()) if len(moved) else 0
    parts = []
    for status in CHANGE_ORDER:
        n = counts.get(status, 0)
        if n and status == "not_assessed":
            parts.append(f"{n} shares of distributions, which have no better or worse direction ({shifted} moved)")
        elif n:
            parts.append(f"{n} {_COUNT_WORDS[status]}")
    scope = "estimates" if d.changes.empty or (d.changes["disaggregation"] != "total").any() else "national estimates"
    return f"{len(d.changes)} {scope} compared" + (f": {', '.join(parts)}" if parts else "")


def status_change_text(r: Mapping[str, Any]) -> str:
    """``Gap closed → Gap open (worse)``: the two statuses and whether that is better or worse."""
    from solutions.report.wording import status_change_gist, status_label

    gist = status_change_gist(str(r["status_from"]), str(r["status_to"]))
    return (f"{status_label(str(r['status_from']))} → {status_label(str(r['status_to']))}"
            + (f" ({gist})" if gist else ""))


def diff_lines(d: EditionDiff, *, titles: Mapping[str, str] | None = None, limit: int | None = None) -> list[str]:
    """The diff as lines of text (the CLI's output), in the report's words: every change named, the ones the
    data show first (status changes, then worse and better estimates), then the rest."""
    from solutions.catalogue import CRITERIA
    from solutions.report.style import group_label

    titles = {"SOL-1": "Solutions measure", **(titles or {})}

    def country(iso: str) -> str:
        name = d.names.get(iso, "")
        return f"{iso} {name}" if name and name != iso else iso

    def listing(items: list[str], label: Any = str) -> str:
        return ", ".join(label(i) for i in items) if items else "none"

    def capped(rows: list[str]) -> list[str]:
        if limit is not None and len(rows) > limit:
            return [*rows[:limit], f"  … and {len(rows) - limit} more"]
        return rows

    def estimate(r: Mapping[str, Any]) -> str:
        return (f"  {country(r['country'])} · {r['indicator_id']} {titles.get(r['indicator_id'], '')}".rstrip()
                + f" · {group_label(r['group'])}"
                + (f" · {r['disaggregation']} {r['disaggregation_value']}" if r["disaggregation"] != "total" else "")
                + (f" · {r['category']}" if r["category"] else "") + f": {change_text(r)}")

    lines = [f"criterion statuses changed: {len(d.criterion_changes)}" + (":" if len(d.criterion_changes) else "")]
    lines += capped([f"  {country(r['country'])} · {int(r['criterion'])} {CRITERIA.get(int(r['criterion']), '')}"
                     f" · {group_label(r['group'])}: {status_change_text(r)}"
                     for _, r in d.criterion_changes.iterrows()])
    lines.append(f"gap statuses changed: {len(d.gap_changes)}" + (":" if len(d.gap_changes) else ""))
    lines += capped([f"  {country(r['country'])} · {r['indicator_id']} {titles.get(r['indicator_id'], '')}".rstrip()
                     + f" · {group_label(r['group'])}: {status_change_text(r)}"
                     for _, r in d.gap_changes.iterrows()])
    level = f"{d.confidence_level * 100:.0f}%"
    lines.append(f"estimates: {counts_text(d)} ({level} CI of each change; the surveys are independent)"
                 + (":" if len(d.moved) else ""))
    moved = d.moved
    for status, label in (("worsened", "worse"), ("improved", "better"),
                          ("not_assessed", "moved, no better or worse direction")):
        rows = moved[moved["status"] == status] if len(moved) else moved
        if len(rows):
            lines.append(f"  {label}: {len(rows)}")
            lines += capped(["  " + estimate(r) for _, r in rows.iterrows()])
    lines.append(f"countries added: {listing(d.countries_added, country)}; dropped: "
                 f"{listing(d.countries_dropped, country)}")
    lines.append(f"indicators added: {listing(d.indicators_added)}; dropped: {listing(d.indicators_dropped)}")
    for ind, why, where in not_compared_items(d, country):
        lines.append(f"not compared: {ind} {titles.get(ind, '')}".rstrip() + f": {why} ({where})")
    return lines


def not_compared_items(d: EditionDiff, country: Any = str) -> list[tuple[str, str, str]]:
    """One ``(indicator_id, why, where)`` per indicator not compared: ``its definition changed in catalogue
    2026.2`` (or ``the definitions differ``, a country's own indicator) and the countries with both
    catalogue versions (``QAB, QAE; catalogue 2026.1 → 2026.2``)."""
    nc = d.not_compared
    out = []
    for (ind, revised), part in (nc.groupby(["indicator_id", "revised"], sort=True) if len(nc) else []):
        why = f"its definition changed in catalogue {revised}" if revised else "the definitions differ"
        pairs = sorted({f"{a} → {b}" for a, b in zip(part["version_from"], part["version_to"], strict=True)})
        out.append((str(ind), why, f"{', '.join(country(c) for c in part['country'])}; catalogue {', '.join(pairs)}"))
    return out


def diff_json(d: EditionDiff) -> dict[str, Any]:
    """The diff as JSON-ready data (``solutions diff --json``): ``moved`` holds the changes the data show,
    ``changes`` every compared estimate with its status, ``change_counts`` how many have each status."""
    def records(df: pd.DataFrame) -> list[dict[str, Any]]:
        return json.loads(df.to_json(orient="records", double_precision=12)) if len(df) else []

    return {"old_year": d.old_year, "new_year": d.new_year, "confidence_level": d.confidence_level,
            "countries_added": d.countries_added, "countries_dropped": d.countries_dropped,
            "indicators_added": d.indicators_added, "indicators_dropped": d.indicators_dropped,
            "compared": d.compared, "change_counts": d.counts(), "moved": records(d.moved),
            "changes": records(d.changes), "gap_changes": records(d.gap_changes),
            "criterion_changes": records(d.criterion_changes), "not_compared": records(d.not_compared)}
