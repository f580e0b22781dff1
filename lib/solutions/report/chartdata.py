"""One CSV per figure, beside the figure (Our World in Data's practice): the numbers the chart draws.

A page opens a folder for its charts' data (``publish_to``: ``outputs/<year>/results/<ISO3 or global>/charts``,
linked from the site as ``results/<...>/charts/<slug>.csv``); ``figures.show_figure`` then writes each
chart's frame there and links it from the figure. Frames are built by the functions below from the same
rows the chart draws, after suppression: a withheld value is an empty cell with the reason in ``note``,
never a number. Shares are in percent, as the chart shows them. Text cells that a spreadsheet would run as
a formula get a leading ``'`` (``results.spreadsheet_safe``, as every download; methodology §5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from solutions.atomic import write_text
from solutions.results import spreadsheet_safe

from . import style
from .cells import is_withheld, note_text
from .formatting import is_missing
from .records import row_dicts
from .thresholds import Thresholds
from .wording import flag_words, status_label

CHARTS_DIRNAME = "charts"
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class _Folder:
    path: Path
    href: str
    used: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # ISO3 -> country name, for ``country_name`` cells


_active: list[_Folder] = []


def publish_to(folder: str | Path, href: str, names: Mapping[str, str] | None = None) -> None:
    """Write the data of every chart shown from now on into ``folder`` (emptied of earlier charts' CSVs),
    linked as ``href`` + file name from the page; ``names`` (ISO3 → name) fills every ``country_name``
    column, so a chart CSV never names a country by its code only."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.csv"):
        old.unlink()
    _active.clear()
    _active.append(_Folder(path, href.rstrip("/") + "/", names=dict(names or {})))


def stop_publishing() -> None:
    """Charts shown from now on get no data file (tests; a page without a results folder)."""
    _active.clear()


def slug(title: str) -> str:
    """A file name stem from a figure title (``Adequate standard of living: gaps`` → ``adequate-standard-...``)."""
    return _SLUG.sub("-", title.lower()).strip("-")[:80] or "figure"


def write(title: str, data: pd.DataFrame) -> str | None:
    """Write ``data`` as the CSV of the figure titled ``title``; its href, or None when no folder is open."""
    if not _active:
        return None
    folder = _active[-1]
    stem, n = slug(title), 1
    name = stem
    while name in folder.used:
        n += 1
        name = f"{stem}-{n}"
    folder.used.add(name)
    write_text(folder.path / f"{name}.csv", spreadsheet_safe(data).to_csv(index=False, lineterminator="\n"))
    return folder.href + f"{name}.csv"


def country_names() -> dict[str, str]:
    """ISO3 → name of the countries of the page whose charts are being published ({} when none is)."""
    return dict(_active[-1].names) if _active else {}


def _scaled(value: Any, percent: bool) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value) * (100.0 if percent else 1.0), 4)


def points(rows: pd.DataFrame, *, percent: bool, thresholds: Thresholds,
           labels: Sequence[str] = ("country", "indicator_id", "group", "category"),
           names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Estimates as a chart draws them: the ``labels`` columns present, the group's label, the estimate and
    CI in the chart's unit (``unit``), the flag codes and a note (why withheld / what the flag means)."""
    names = {**country_names(), **(names or {})}
    records = []
    for r in row_dicts(rows):
        withheld = is_withheld(r)
        rec: dict[str, Any] = {c: r[c] for c in labels if c in r}
        if "country" in rec:
            rec["country_name"] = names.get(str(rec["country"]), str(rec["country"]))
        if "group" in rec:
            rec["group_label"] = style.group_label(str(rec["group"]))
        rec.update({
            "unit": "percent" if percent else "value",
            "estimate": None if withheld else _scaled(r.get("estimate"), percent),
            "ci_low": None if withheld else _scaled(r.get("ci_low"), percent),
            "ci_high": None if withheld else _scaled(r.get("ci_high"), percent),
            "flag": "" if withheld else str(r.get("flag", "") or ""),
            "note": note_text(r, thresholds),
        })
        records.append(rec)
    return pd.DataFrame(records)


def gap_points(rows: pd.DataFrame, *, percent: bool, thresholds: Thresholds) -> pd.DataFrame:
    """Gaps as the gap chart draws them: gap and CI (points for shares), the margin δ, the status, and the flag
    codes with what they mean (a gap carries the flags of both estimates it comes from and its own), as
    ``points`` gives them for estimates."""
    records = []
    for r in row_dicts(rows):
        published = not is_missing(r.get("gap"))
        flag = str(r.get("flag", "") or "") if published and not is_missing(r.get("flag")) else ""
        records.append({
            "indicator_id": r.get("indicator_id"), "group": r.get("group"),
            "group_label": style.group_label(str(r.get("group"))),
            "unit": "percentage points" if percent else "value",
            "gap": _scaled(r.get("gap"), percent), "ci_low": _scaled(r.get("ci_low"), percent),
            "ci_high": _scaled(r.get("ci_high"), percent), "margin": _scaled(r.get("margin"), percent),
            "direction": r.get("direction"), "status": r.get("status"),
            "status_label": status_label(str(r.get("status", ""))),
            "flag": flag,
            "note": flag_words(flag, thresholds),
        })
    return pd.DataFrame(records)


def criteria_points(criteria: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Criterion statuses as the heatmap shows them, with the indicator counts behind each."""
    keep = [c for c in ("country", "criterion", "group", "status", "n_indicators", "n_closed", "n_open",
                        "n_inconclusive", "n_insufficient") if c in criteria.columns]
    out = criteria[keep].copy()
    names = {**country_names(), **names}
    out.insert(1, "country_name", [names.get(str(c), str(c)) for c in out["country"]])
    out["status_label"] = [status_label(str(s)) for s in out["status"]]
    return out.reset_index(drop=True)
