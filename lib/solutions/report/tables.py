"""Compact HTML tables of results: one labelled card per row on a phone, the same on both renderers.

No table pages or scripts its rows (an interactive table hid countries behind pages of 25 and, without
JavaScript, showed ITables' own messages): every table is complete, static HTML.

Markup comes from the templates (``tables.html.j2``, rendered by ``templating``): every string that reaches
the page is made inert unless it is ``Markup`` a template wrote.
Only aggregate results are ever tabulated: these functions take results tables, never microdata.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from . import style
from .cells import (
    cell_text,
    ci_text,
    gap_ci_text,
    gap_detail,
    gap_text,
    gap_withheld,
    is_flagged,
    note_text,
    value_text,
)
from .formatting import fmt_count, is_missing
from .output import emit
from .records import row_dicts
from .templating import Markup, html_text, macros
from .thresholds import Thresholds
from .wording import (
    BENCHMARK_LABEL,
    STATUS_SHORT,
    STATUS_SYMBOLS,
    flag_codes,
    flag_note,
    marked,
    status_label,
)

_T = macros("tables.html.j2")
_C = macros("common.html.j2")


def escape(value: Any) -> Markup:
    """A table cell as HTML: ``Markup`` as is, anything else made inert; missing as empty."""
    if not isinstance(value, Markup) and is_missing(value):
        return Markup("")
    return html_text(value)


def status_chip(status: str, detail: str = "", *, compact: bool = False, label_hidden: bool = False) -> Markup:
    """A status as a coloured chip with its symbol and label (colour is never the only signal), followed by
    ``detail``, what the status means for this row (``worse off by 12 points (4 to 20)``).

    ``compact`` chips (the heatmap table) carry the short word (``✗ open``) and wrap inside narrow cells;
    ``label_hidden`` chips show colour and symbol, their word for screen readers only (the front page's grid).
    """
    label = STATUS_SHORT.get(status, status) if compact else status_label(status)
    # one element with its detail, so that a stacked phone card keeps the chip and its meaning together
    return Markup(_T.status_chip(status=status, symbol=STATUS_SYMBOLS.get(status, ""), label=label,
                                 colour=style.status_colour(status),
                                 text_colour=style.STATUS_TEXT_COLOURS.get(status, "#000"),
                                 compact=compact, detail=detail, label_hidden=label_hidden))


def html_table(
    df: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    caption: str | None = None,
    numeric: Sequence[str] = (),
    key: Sequence[str] = (),
    stack: bool = False,
    group_by: str | None = None,
    note: str = "",
    css_class: str = "sos-table",
) -> Markup:
    """A plain HTML table of ``df`` (no index); every non-``Markup`` cell and header is escaped.

    ``group_by`` names a column whose value heads a run of rows (a row spanning the table, e.g. each
    indicator of a criterion) instead of repeating in every row: the table is narrower by a column.
    ``note`` is said under the table (what a mark in it means), outside the caption.

    ``key`` columns (the estimate, its CI, the gap, the status) must stay in view at every width: the
    browser tests check that they never overflow. ``stack`` tables turn into one labelled card per row on a
    phone (each cell carries its column name in ``data-label``), so a wide table keeps every column visible
    at 375 px instead of scrolling its key columns out of view.
    Pass records (or an object-dtype frame) to keep ``Markup`` cells: pandas' string dtype drops the type.
    """
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(list(df), dtype=object)
    heads = list(df[group_by]) if group_by else []
    if group_by:
        df = df.drop(columns=[group_by])
    num, keys = set(numeric), set(key)
    columns = [{"name": str(c), "classes": " ".join(n for n, on in (("num", c in num), ("sos-key", c in keys)) if on)}
               for c in df.columns]
    rows: list[dict[str, Any]] = []
    for i, row in enumerate(df.itertuples(index=False, name=None)):
        if heads and (i == 0 or heads[i] != heads[i - 1]):
            rows.append({"group": escape(heads[i]), "cells": []})
        rows.append({"group": None, "cells": [escape(v) for v in row]})
    body = Markup(_T.table_body(columns=columns, rows=rows, stack=stack))
    cap_id = caption_id(caption, body)
    table = _T.table(body=body, css=f"{css_class} sos-stack" if stack else css_class, cap_id=cap_id)
    block = scrolling(table, caption, cap_id)
    if note:
        block += Markup(_T.table_note(note))
    return block


def caption_id(caption: str | None, content: str) -> str:
    """A deterministic element id for a table caption ("" without a caption)."""
    if not caption:
        return ""
    return "cap-" + hashlib.sha256((str(caption) + content).encode()).hexdigest()[:12]


def scrolling(table: str, caption: str | None, cap_id: str = "", *, extra_class: str = "") -> Markup:
    """``table`` (markup) in a horizontally scrolling wrapper, its caption ABOVE and outside the wrapper.

    A wide table scrolls inside its wrapper; the caption stays in view at phone width instead of scrolling
    away with the columns. A keyboard user must be able to reach and scroll the wrapper (WCAG 2.1.1, axe
    "scrollable-region-focusable"), so it is a focusable region named by the caption (``cap_id``), which
    should name the table too (``aria-labelledby`` on the table).
    """
    table = Markup(table)
    if caption:
        cap_id = cap_id or caption_id(caption, table)
    return Markup(_T.scrolling(table=table, caption=caption or "", cap_id=cap_id,
                               classes=f"sos-table-wrap {extra_class}".strip()))


def estimates_table(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    thresholds: Thresholds,
    caption: str | None = None,
    label_column: str = "group",
) -> str:
    """Estimate (flag-marked), CI, n and a note (why withheld / what the flag means) per group or label."""
    unit = " (%)" if percent else ""
    label = "Group" if label_column == "group" else label_column.replace("_", " ").capitalize()
    records = []
    for r in row_dicts(rows):
        records.append({
            label: style.group_label(r[label_column]) if label_column == "group" else r[label_column],
            f"Estimate{unit}": value_text(r, percent=percent, unit_sign=False),
            f"{thresholds.level} CI{unit}": ci_text(r, percent=percent),
            "n": fmt_count(r.get("n_unweighted")),
            "Note": note_text(r, thresholds),
        })
    if not records:
        return Markup(_C.note("No estimates."))
    numbers = [f"Estimate{unit}", f"{thresholds.level} CI{unit}"]
    return html_table(without_empty(object_frame(records), "Note"), caption=caption, note=flag_legend(rows, thresholds),
                      numeric=[*numbers, "n"], key=[label, *numbers], stack=True)


def gap_cells(gap: Mapping[str, Any] | None, *, percent: bool, comparison: bool = False) -> dict[str, Any]:
    """The gap, its CI and the status chip saying what it means, for one row of a table."""
    if comparison:
        return {"Gap": "reference", "Gap CI": "", "Status": ""}
    if gap is None:
        return {"Gap": "", "Gap CI": "", "Status": ""}
    status = str(gap.get("status", "not_assessed") or "not_assessed")
    # a gap carries the flags of both estimates it comes from and its own: marked as a flagged estimate is
    return {"Gap": marked_gap(gap, gap_text(gap, percent=percent)), "Gap CI": gap_ci_text(gap, percent=percent),
            "Status": status_chip(status, gap_detail(gap, percent=percent))}


def gap_flagged(gap: Mapping[str, Any] | None) -> bool:
    """A published gap carrying a flag (of either estimate it comes from, or its own ``low_df``)."""
    return gap is not None and not gap_withheld(gap) and bool(flag_codes(gap.get("flag")))


def marked_gap(gap: Mapping[str, Any], text: str) -> str:
    """``text`` (a gap's number) with the flag mark when the gap is flagged; "" stays ""."""
    return marked(text, gap.get("flag")) if text and gap_flagged(gap) else text


def flag_legend(rows: pd.DataFrame, thresholds: Thresholds,
                gaps: pd.DataFrame | None = None) -> str:
    """What the flag mark means, when a published row of ``rows`` (or a gap of ``gaps``) carries it ("" otherwise):
    the note under a table or after an alt text."""
    flagged = not rows.empty and "flag" in rows.columns and any(is_flagged(r) for r in row_dicts(rows))
    if not flagged and gaps is not None and not gaps.empty and "flag" in gaps.columns:
        flagged = any(gap_flagged(g) for g in row_dicts(gaps))
    return f"{flag_note(thresholds)}." if flagged else ""


def without_empty(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` without those of ``columns`` that are empty in every row (a column of blanks only costs width)."""
    empty = [c for c in columns if c in frame.columns and not any(str(v or "").strip() for v in frame[c])]
    return frame.drop(columns=empty)


def object_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Records as an object-dtype frame: keeps ``Markup`` cells intact (pandas' string dtype would not)."""
    return pd.DataFrame(records, dtype=object)


def distribution_table(
    rows: pd.DataFrame,
    *,
    category_labels: Mapping[str, str] | None = None,
    thresholds: Thresholds,
    caption: str | None = None,
) -> str:
    """Categories × groups: ``50%† (45–55)`` per cell, ``none observed``, or why a cell is withheld; and
    the n of each group's universe."""
    if rows.empty:
        return Markup(_C.note("No estimates."))
    labels = category_labels or {}
    groups = style.order_groups(rows["group"])
    categories = list(dict.fromkeys(rows["category"].astype(str)))
    # One pass over the rows (dict lookups): a chapter tabulates a dozen breakdowns.
    cells = {(str(r["group"]), str(r["category"])): r for r in row_dicts(rows)}
    records = []
    for cat in categories:
        rec: dict[str, Any] = {"Category": labels.get(cat, cat.replace("_", " "))}
        for g in groups:
            r = cells.get((g, cat))
            rec[style.group_label(g)] = "" if r is None else _wrappable(cell_text(r, percent=True, thresholds=thresholds))
        records.append(rec)
    n_row: dict[str, Any] = {"Category": "n (universe)"}
    first: dict[str, Any] = {}
    for (g, _cat), r in cells.items():
        first.setdefault(g, r.get("n_unweighted"))
    for g in groups:
        n_row[style.group_label(g)] = fmt_count(first[g]) if g in first else ""
    records.append(n_row)
    columns = [style.group_label(g) for g in groups]
    return html_table(object_frame(records), caption=caption, note=flag_legend(rows, thresholds), numeric=columns,
                      key=["Category", *columns], stack=True, css_class="sos-table sos-dist")


def _wrappable(text: str) -> Markup:
    """``50%† (45–55)`` that may break between the value and its CI (never inside either), so a table of
    several groups fits the column."""
    value, sep, ci = text.partition(" (")
    if not sep or not value[:1].isdigit():
        return html_text(text)
    return Markup(_T.wrappable(value=value, ci=ci))


def benchmark_table(rows: pd.DataFrame, gaps: Mapping[tuple[str, str], Mapping[str, Any]], *, caption: str,
                    thresholds: Thresholds, names: Mapping[str, str] | None = None) -> str:
    """The solutions measure by (country and) group, the comparison group last as the benchmark, with CIs,
    the gap of each displaced group and its status; ``gaps`` by (country, group). A Country column when
    ``names`` (ISO3 → name) is given."""
    level = thresholds.level
    order = {g: i for i, g in enumerate(style.GROUP_ORDER)}
    label = names or {}
    records = []
    declared = {iso: i for i, iso in enumerate(label)}  # the report's country order
    for r in sorted(row_dicts(rows), key=lambda r: (declared.get(r["country"], len(declared)), r["country"],
                                                    order.get(str(r["group"]), len(order)))):
        group = str(r["group"])
        rec: dict[str, Any] = {"Country": label.get(r["country"], r["country"])} if names is not None else {}
        rec.update({
            "Group": BENCHMARK_LABEL if group == "comparison" else style.group_label(group),
            "Estimate (%)": value_text(r, percent=True, unit_sign=False),
            f"{level} CI (%)": ci_text(r, percent=True),
            "n": fmt_count(r.get("n_unweighted")),
            **gap_cells(gaps.get((str(r["country"]), group)), percent=True, comparison=group == "comparison"),
            "Note": note_text(r, thresholds),
        })
        records.append(rec)
    numbers = ["Estimate (%)", f"{level} CI (%)", "n", "Gap", "Gap CI"]
    first = ["Country"] if names is not None else []
    return html_table(without_empty(object_frame(records), "Note"), caption=caption,
                      note=flag_legend(rows, thresholds, pd.DataFrame(list(gaps.values()))), numeric=numbers,
                      key=[*first, "Group", "Estimate (%)", f"{level} CI (%)", "Gap", "Gap CI", "Status"], stack=True)


def key_indicator_records(indicator: Any, rows: pd.DataFrame, gaps: Mapping[tuple[str, str], Mapping[str, Any]], *,
                          percent: bool, names: Mapping[str, str],
                          thresholds: Thresholds) -> list[dict[str, Any]]:
    """The rows of one key indicator for the cross-country table, in the report's country order (``names``)
    and the house group order: estimate and CI, n, the gap of each displaced group with its CI and status,
    in the report's number style (the same cells as every other table)."""
    country_order = {iso: i for i, iso in enumerate(names)}
    group_order = {g: i for i, g in enumerate(style.GROUP_ORDER)}
    unit = "" if percent else f" ({indicator.unit})"
    out = []
    for r in sorted(row_dicts(rows), key=lambda r: (country_order.get(str(r["country"]), len(country_order)),
                                                    group_order.get(str(r["group"]), len(group_order)))):
        group = str(r["group"])
        out.append({
            # by its title: the code (indicator_id) is the downloads' and the codebook's, never a reader's label
            "Indicator": f"Criterion {indicator.criterion}: {indicator.title}{unit}",
            "Country": names.get(str(r["country"]), str(r["country"])),
            "Group": style.group_label(group),
            "Estimate": value_text(r, percent=percent, unit_sign=False),
            "CI": ci_text(r, percent=percent),
            "n": fmt_count(r.get("n_unweighted")),
            **gap_cells(gaps.get((str(r["country"]), group)), percent=percent, comparison=group == "comparison"),
            "Note": note_text(r, thresholds),
        })
    return out


def key_indicator_table(records: Sequence[Mapping[str, Any]], *, caption: str, note: str = "") -> str:
    """Every country's key indicators in one static table, a row heading each indicator: complete without
    JavaScript, no page of 25 rows hiding countries, and one labelled card per row on a phone."""
    frame = without_empty(object_frame(list(records)), "Note", "Gap", "Gap CI", "Status")
    keys = [c for c in ("Country", "Group", "Estimate", "CI", "Gap", "Gap CI", "Status") if c in frame.columns]
    return html_table(frame, caption=caption, group_by="Indicator", stack=True, note=note,
                      numeric=[c for c in ("Estimate", "CI", "n", "Gap", "Gap CI") if c in frame.columns],
                      key=keys, css_class="sos-table sos-sortable")  # sorted and searched by table_tools.js


def show_html(markup: str) -> None:
    """Display an HTML string in the notebook."""
    emit(markup)
