"""What changed between two editions of the report, from their published results tables only.

``solutions diff --against PATH|YEAR`` and the front page's "What changed" section both call
:func:`diff_editions` (OWID's ``etl diff`` is the model), which returns data only (``report.changes_text`` says
it in the report's words): every national estimate's change with its status
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from solutions.edition_input import meta_name, read_table
from solutions.errors import SolutionsError
from solutions.inert import inert
from solutions.regular_files import dir_inside, regular_file_inside
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
    confidence_level: float  # the global config's: the level of each change's CI
    names: dict[str, str] = field(default_factory=dict)

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
    from solutions.indicators.changes import TREND_KEY, rules_from_tables, year_over_year
    from solutions.indicators.status import comparable_years

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


# ------------------------------------------------------------------------------------ data -------
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
