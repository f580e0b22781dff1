"""Compact HTML tables of results, and interactive (itables, offline) tables with a no-JS fallback.

Every string that reaches the page is HTML-escaped unless it is ``Markup`` built by this package.
Only aggregate results are ever tabulated: these functions take results tables, never microdata.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from . import style
from .formatting import (
    DEFAULT_MIN_N,
    fmt_ci,
    fmt_count,
    fmt_gap,
    fmt_value,
    is_missing,
    row_is_suppressed,
    suppression_text,
)
from .output import emit

_setup_done: list[bool] = []


class Markup(str):
    """A string of trusted HTML built by this package (inserted without escaping)."""


def escape(value: Any) -> str:
    """Text for an HTML cell: ``Markup`` as is, anything else escaped; missing as ``–``."""
    if isinstance(value, Markup):
        return str(value)
    if is_missing(value):
        return "–"
    return html.escape(str(value))


def status_chip(status: str) -> Markup:
    """A status as coloured chip WITH its text label (colour is never the only signal)."""
    label = style.status_label(status)
    symbol = style.STATUS_SYMBOLS.get(status, "")
    return Markup(
        f'<span class="sos-status sos-status-{html.escape(status)}" '
        f'style="background:{style.status_colour(status)};color:{style.STATUS_TEXT_COLOURS.get(status, "#000")};'
        f'padding:.1em .5em;border-radius:3px;white-space:nowrap">{html.escape(symbol)} {html.escape(label)}</span>'
    )


def html_table(
    df: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    caption: str | None = None,
    numeric: Sequence[str] = (),
    css_class: str = "sos-table",
) -> str:
    """A plain HTML table of ``df`` (no index); every non-``Markup`` cell and header is escaped.

    Pass records (or an object-dtype frame) to keep ``Markup`` cells: pandas' string dtype drops the type.
    """
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(list(df), dtype=object)
    num = set(numeric)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in df.columns)
    body = []
    for row in df.itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="num">{escape(v)}</td>' if c in num else f"<td>{escape(v)}</td>"
            for c, v in zip(df.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    rows = "".join(body)
    cap_id = caption_id(caption, head + rows)
    labelled = f' aria-labelledby="{cap_id}"' if cap_id else ""
    table = f'<table class="{css_class}"{labelled}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    return scrolling(table, caption, cap_id)


def caption_id(caption: str | None, content: str) -> str:
    """A deterministic element id for a table caption ("" without a caption)."""
    if not caption:
        return ""
    return "cap-" + hashlib.sha256((str(caption) + content).encode()).hexdigest()[:12]


def scrolling(table: str, caption: str | None, cap_id: str = "", *, extra_class: str = "") -> str:
    """``table`` in a horizontally scrolling wrapper, its caption ABOVE and outside the wrapper.

    A wide table scrolls inside its wrapper; the caption stays in view at phone width instead of scrolling
    away with the columns. A keyboard user must be able to reach and scroll the wrapper (WCAG 2.1.1, axe
    "scrollable-region-focusable"), so it is a focusable region named by the caption (``cap_id``), which
    should name the table too (``aria-labelledby`` on the table).
    """
    classes = f"sos-table-wrap {extra_class}".strip()
    if not caption:
        return f'<div class="{classes}" role="region" tabindex="0" aria-label="Table">{table}</div>'
    cap_id = cap_id or caption_id(caption, table)
    return (
        f'<div class="sos-table-block"><p class="sos-table-caption" id="{cap_id}">{escape(caption)}</p>'
        f'<div class="{classes}" role="region" tabindex="0" aria-labelledby="{cap_id}">{table}</div></div>'
    )


def _note(row: Mapping[str, Any], min_n: int) -> str:
    if row_is_suppressed(row):
        return suppression_text(row.get("suppression_reason"), min_n=min_n)
    if str(row.get("flag", "") or "") == "high_cv":
        return "low precision (CV > limit): interpret with care"
    return ""


def estimates_table(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    min_n: int = DEFAULT_MIN_N,
    caption: str | None = None,
    label_column: str = "group",
) -> str:
    """Estimate, 95% CI, n and a text note (suppression reason / precision flag) per group (or other label)."""
    unit = " (%)" if percent else ""
    records = []
    for _, r in rows.iterrows():
        withheld = row_is_suppressed(r)
        label = r[label_column]
        records.append({
            "Group" if label_column == "group" else label_column.replace("_", " ").capitalize():
                style.group_label(label) if label_column == "group" else label,
            f"Estimate{unit}": "–" if withheld else fmt_value(r["estimate"], percent=percent).rstrip("%"),
            f"95% CI{unit}": "–" if withheld else fmt_ci(r.get("ci_low"), r.get("ci_high"), percent=percent),
            "n": fmt_count(r.get("n_unweighted")),
            "Note": _note(r, min_n),
        })
    frame = pd.DataFrame(records)
    if frame.empty:
        return '<p class="sos-note">No estimates.</p>'
    return html_table(frame, caption=caption, numeric=[f"Estimate{unit}", f"95% CI{unit}", "n"])


def gaps_table(rows: pd.DataFrame, *, percent: bool = True, caption: str | None = None) -> str:
    """Gap vs the comparison group, its 95% CI and the status (chip with text) per displaced group."""
    unit = " (pp)" if percent else ""
    records = []
    for _, r in rows.iterrows():
        records.append({
            "Group": style.group_label(r["group"]),
            f"Gap{unit}": fmt_gap(r["gap"], percent=percent).replace(" pp", ""),
            f"95% CI{unit}": fmt_ci(r.get("ci_low"), r.get("ci_high"), percent=percent, gap=True),
            "Status": status_chip(str(r.get("status", "not_assessed"))),
        })
    frame = pd.DataFrame(records, dtype=object)
    if frame.empty:
        return '<p class="sos-note">No gaps assessed.</p>'
    return html_table(frame, caption=caption, numeric=[f"Gap{unit}", f"95% CI{unit}"])


def distribution_table(
    rows: pd.DataFrame,
    *,
    category_labels: Mapping[str, str] | None = None,
    min_n: int = DEFAULT_MIN_N,
    caption: str | None = None,
) -> str:
    """Categories × groups: ``50% (45–55)`` per cell, a suppression text where withheld, and n per group."""
    if rows.empty:
        return '<p class="sos-note">No estimates.</p>'
    labels = category_labels or {}
    groups = style.order_groups(rows["group"])
    categories = list(dict.fromkeys(rows["category"].astype(str)))
    # One pass over the rows (dict lookups): a chapter tabulates a dozen breakdowns.
    cells = {(str(r["group"]), str(r["category"])): r for r in rows.to_dict("records")}
    records = []
    for cat in categories:
        rec: dict[str, Any] = {"Category": labels.get(cat, cat.replace("_", " "))}
        for g in groups:
            r = cells.get((g, cat))
            if r is None:
                rec[style.group_label(g)] = "–"
            elif row_is_suppressed(r):
                rec[style.group_label(g)] = suppression_text(r.get("suppression_reason"), min_n=min_n)
            else:
                rec[style.group_label(g)] = (
                    f"{fmt_value(r['estimate'], percent=True)} ({fmt_ci(r['ci_low'], r['ci_high'], percent=True)})"
                )
        records.append(rec)
    n_row: dict[str, Any] = {"Category": "n (universe)"}
    first = {}
    for (g, _cat), r in cells.items():
        first.setdefault(g, r.get("n_unweighted"))
    for g in groups:
        n_row[style.group_label(g)] = fmt_count(first[g]) if g in first else "–"
    records.append(n_row)
    frame = pd.DataFrame(records)
    return html_table(frame, caption=caption, numeric=[style.group_label(g) for g in groups])


def _table_id(df: pd.DataFrame, caption: str | None) -> str:
    digest = hashlib.sha256((str(caption) + df.to_csv(index=False)).encode()).hexdigest()[:12]
    return f"sos_{digest}"


def interactive_table(df: pd.DataFrame, *, caption: str | None = None, table_id: str | None = None) -> str:
    """A sortable, searchable table (itables, offline mode) whose static fallback shows ALL rows.

    The fallback (plain HTML, escaped) is visible by default and swapped for the interactive table only
    where JavaScript runs, so the page is complete without JavaScript. Needs ``interactive_setup()`` once
    per page (it embeds the DataTables bundle, no network access).
    """
    import itables

    # itables escapes cells (allow_html=False) but not the caption; missing numbers become empty cells,
    # which DataTables ignores when it detects a numeric column for sorting.
    frame = df.astype(object).where(df.notna(), "")
    table = itables.to_html_datatable(
        frame,
        caption=None,  # shown above the scrolling wrapper instead (stays in view on a phone)
        connected=False,
        table_id=table_id or _table_id(df, caption),
        # Paging only acts where JavaScript runs: the static fallback still lists every row. No scroll
        # boxes: DataTables' scroll body cannot be reached by keyboard; the wrapper below scrolls instead.
        paging=True,
        pageLength=25,
        maxBytes=0,
        showIndex=False,
        allow_html=False,
        classes="display compact",
        layout={"topStart": None, "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging"},
    )
    note = (
        '<noscript><p class="sos-note">JavaScript is off: the table is shown in full, without sorting or '
        "search.</p></noscript>"
    )
    return scrolling(note + table, caption or "Interactive table", extra_class="sos-interactive")


def interactive_setup() -> None:
    """Load the DataTables bundle into the page (offline: embedded, no CDN); call once per page."""
    import itables

    from . import output

    if _setup_done:
        return
    if output.capturing():
        output.emit("<!-- itables offline bundle (init_notebook_mode, connected=False) -->")
        return
    itables.init_notebook_mode(all_interactive=False, connected=False)
    _setup_done.append(True)


def show_html(markup: str) -> None:
    """Display an HTML string in the notebook."""
    emit(markup)
