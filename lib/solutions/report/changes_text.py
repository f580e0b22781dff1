"""What changed between two editions, in the report's words: ``solutions diff``'s lines and the sentences of the
front page's "What changed".

``solutions.editions`` compares the published tables and returns data (an ``EditionDiff``); the words are
said here, beside the rest of the report's vocabulary (``wording``: the change and status labels;
``formatting``: the one number style), so that the CLI and the front page say a change the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from solutions.catalogue import CRITERIA, SOLUTIONS_ID, SOLUTIONS_TITLE

from .formatting import fmt_value, is_missing, is_percent
from .style import group_label
from .wording import change_summary, status_change_gist, status_label

if TYPE_CHECKING:
    from solutions.editions import EditionDiff


def change_text(row: Mapping[str, Any]) -> str:
    """``25% → 18%: better, down 7 points (−11 to −3)``: both values, then what the change shows
    (``wording.change_summary``)."""
    percent = is_percent(str(row.get("kind", "")), [row["estimate_from"], row["estimate_to"]])
    said = change_summary(str(row.get("status", "")), change=row.get("change"), ci_low=row.get("ci_low"),
                          ci_high=row.get("ci_high"), margin=row.get("margin"), percent=percent)
    if is_missing(row.get("change")):
        return said
    return (f"{fmt_value(row['estimate_from'], percent=percent)} → {fmt_value(row['estimate_to'], percent=percent)}"
            f": {said.replace(': ', ', ', 1)}")


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


def status_change_text(r: Mapping[Any, Any]) -> str:
    """``Gap closed → Gap open (worse)``: the two statuses and whether that is better or worse."""
    gist = status_change_gist(str(r["status_from"]), str(r["status_to"]))
    return (f"{status_label(str(r['status_from']))} → {status_label(str(r['status_to']))}"
            + (f" ({gist})" if gist else ""))


def diff_lines(d: EditionDiff, *, titles: Mapping[str, str] | None = None, limit: int | None = None) -> list[str]:
    """The diff as lines of text (the CLI's output), in the report's words: every change named, the ones the
    data show first (status changes, then worse and better estimates), then the rest."""
    titles = {SOLUTIONS_ID: SOLUTIONS_TITLE, **(titles or {})}

    def country(iso: str) -> str:
        name = d.names.get(iso, "")
        return f"{iso} {name}" if name and name != iso else iso

    def listing(items: list[str], label: Any = str) -> str:
        return ", ".join(label(i) for i in items) if items else "none"

    def capped(rows: list[str]) -> list[str]:
        if limit is not None and len(rows) > limit:
            return [*rows[:limit], f"  … and {len(rows) - limit} more"]
        return rows

    def estimate(r: Mapping[Any, Any]) -> str:
        return (f"  {country(r['country'])} · {r['indicator_id']} {titles.get(r['indicator_id'], '')}".rstrip()
                + f" · {group_label(r['group'])}"
                + (f" · {r['disaggregation']} {r['disaggregation_value']}" if r["disaggregation"] != "total" else "")
                + (f" · {r['category']}" if r["category"] else "") + f": {change_text(r)}")

    lines = [f"criterion statuses changed: {len(d.criterion_changes)}" + (":" if len(d.criterion_changes) else "")]
    lines += capped([f"  {country(r['country'])} · {int(r['criterion'])} {CRITERIA.get(int(r['criterion']), '')}"
                     f" · {group_label(r['group'])}: {status_change_text(r)}"
                     for r in d.criterion_changes.to_dict("records")])
    lines.append(f"gap statuses changed: {len(d.gap_changes)}" + (":" if len(d.gap_changes) else ""))
    lines += capped([f"  {country(r['country'])} · {r['indicator_id']} {titles.get(r['indicator_id'], '')}".rstrip()
                     + f" · {group_label(r['group'])}: {status_change_text(r)}"
                     for r in d.gap_changes.to_dict("records")])
    level = f"{d.confidence_level * 100:.0f}%"
    lines.append(f"estimates: {counts_text(d)} ({level} CI of each change; the surveys are independent)"
                 + (":" if len(d.moved) else ""))
    moved = d.moved
    for status, label in (("worsened", "worse"), ("improved", "better"),
                          ("not_assessed", "moved, no better or worse direction")):
        rows = moved[moved["status"] == status] if len(moved) else moved
        if len(rows):
            lines.append(f"  {label}: {len(rows)}")
            lines += capped(["  " + estimate(r) for r in rows.to_dict("records")])
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
