"""Compact HTML tables of results: one labelled card per row on a phone, the same on both renderers.

No table pages or scripts its rows (an interactive table hid countries behind pages of 25 and, without
JavaScript, showed ITables' own messages): every table is complete, static HTML.

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
from .thresholds import Thresholds
from .wording import (
    BENCHMARK_LABEL,
    DEFAULT_THRESHOLDS,
    STATUS_SHORT,
    STATUS_SYMBOLS,
    flag_codes,
    flag_note,
    marked,
    status_label,
)


class Markup(str):
    """A string of trusted HTML built by this package (inserted without escaping)."""


def escape(value: Any) -> str:
    """Text for an HTML cell: ``Markup`` as is, anything else escaped; missing as empty."""
    if isinstance(value, Markup):
        return str(value)
    if is_missing(value):
        return ""
    return html.escape(str(value))


def status_chip(status: str, detail: str = "", *, compact: bool = False) -> Markup:
    """A status as a coloured chip with its symbol and label (colour is never the only signal), followed by
    ``detail``, what the status means for this row (``worse off by 12 points (4 to 20)``).

    ``compact`` chips (the heatmap table) carry the short word (``✗ open``) and wrap inside narrow cells.
    """
    label = STATUS_SHORT.get(status, status) if compact else status_label(status)
    symbol = STATUS_SYMBOLS.get(status, "")
    chip = (
        f'<span class="sos-status sos-status-{html.escape(status)}{" sos-compact" if compact else ""}" '
        f'style="background:{style.status_colour(status)};color:{style.STATUS_TEXT_COLOURS.get(status, "#000")}">'
        f'{html.escape(symbol)} {html.escape(label)}</span>'
    )
    if detail:  # one element, so that a stacked phone card keeps the chip and its meaning together
        chip = f'<span class="sos-verdict">{chip} <span class="sos-finding">{html.escape(detail)}</span></span>'
    return Markup(chip)


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
) -> str:
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

    def classes(column: str) -> str:
        names = [n for n, on in (("num", column in num), ("sos-key", column in keys)) if on]
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f'<th scope="col"{classes(c)}>{escape(c)}</th>' for c in df.columns)
    labels = {c: html.escape(str(c), quote=True) for c in df.columns}
    body = []
    for i, row in enumerate(df.itertuples(index=False, name=None)):
        if heads and (i == 0 or heads[i] != heads[i - 1]):
            body.append(f'<tr class="sos-group-row"><th scope="colgroup" colspan="{len(df.columns)}">'
                        f"{escape(heads[i])}</th></tr>")
        cells = "".join(
            f'<td{classes(c)} data-label="{labels[c]}">{escape(v)}</td>' if stack else f"<td{classes(c)}>{escape(v)}</td>"
            for c, v in zip(df.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    rows = "".join(body)
    cap_id = caption_id(caption, head + rows)
    labelled = f' aria-labelledby="{cap_id}"' if cap_id else ""
    css = f"{css_class} sos-stack" if stack else css_class
    # Quarto's table processing would turn the group rows' headers into cells (axe: scope-attr-valid) and
    # restyle the table: the house CSS styles it the same on both renderers instead.
    table = (f'<table class="{css}"{labelled} data-quarto-disable-processing="true"><thead><tr>{head}</tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    block = scrolling(table, caption, cap_id)
    if note:
        block += f'<p class="sos-note sos-table-note">{html.escape(note)}</p>'
    return block


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


def estimates_table(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
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
        return '<p class="sos-note">No estimates.</p>'
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


def flag_legend(rows: pd.DataFrame, thresholds: Thresholds = DEFAULT_THRESHOLDS,
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
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    caption: str | None = None,
) -> str:
    """Categories × groups: ``50%† (45–55)`` per cell, ``none observed``, or why a cell is withheld; and
    the n of each group's universe."""
    if rows.empty:
        return '<p class="sos-note">No estimates.</p>'
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
        return Markup(html.escape(text))
    return Markup(f'<span class="sos-nowrap">{html.escape(value)}</span> '
                  f'<span class="sos-nowrap">({html.escape(ci)}</span>')


def benchmark_table(rows: pd.DataFrame, gaps: Mapping[tuple[str, str], Mapping[str, Any]], *, caption: str,
                    thresholds: Thresholds = DEFAULT_THRESHOLDS, names: Mapping[str, str] | None = None) -> str:
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
                          thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[dict[str, Any]]:
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
