"""Charts of the global page: the countries × criteria status heatmap and cross-country dot charts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullLocator

from solutions.config import Thresholds

from .. import layout, style
from ..formatting import is_missing
from ..wording import STATUS_SHORT, STATUS_SYMBOLS, status_label, withheld_text
from .base import (
    LINESPACING,
    KeyEntry,
    any_flagged,
    axis_label,
    dots,
    drawable,
    figure_left,
    fit_lines,
    flag_key,
    group_key,
    key_below,
    key_ncol,
    rows_axis,
    text_mark,
    value_axis,
    with_withheld,
    wrap_label,
)

# ---------------------------------------------------------------- global ----
HEATMAP_STATUSES = ("closed", "open", "inconclusive", "insufficient_data", "not_collected")


def _count_of(r: pd.Series, status: str) -> int | None:
    """How many of a criterion's indicators have ``status`` (inconclusive derived when not stored)."""
    column = {"closed": "n_closed", "open": "n_open", "inconclusive": "n_inconclusive",
              "insufficient_data": "n_insufficient"}.get(status)
    if column and column in r.index and not is_missing(r[column]):
        return int(r[column])
    if status == "inconclusive" and not is_missing(r.get("n_indicators")):
        rest = sum(int(r[c]) for c in ("n_closed", "n_open", "n_insufficient") if c in r.index and not is_missing(r[c]))
        return int(r["n_indicators"]) - rest
    return None


def heatmap_cell(r: pd.Series | None, country_status: str = "ok") -> tuple[str, str]:
    """(status or hatch kind, text) of one country × criterion cell: the status symbol and how many of the
    criterion's indicators have that status (``✗ 2/3``; the key below the chart names each symbol and
    colour, the table below it spells each cell out); ``failed`` / not assessed (``–``) without results."""
    if country_status != "ok":
        return "failed", country_status
    if r is None:
        return "not_assessed", STATUS_SYMBOLS["not_assessed"]
    status = str(r["status"])
    text = STATUS_SYMBOLS.get(status, status)
    n, total = _count_of(r, status), r.get("n_indicators")
    if n is not None and not is_missing(total) and int(total) > 0 and status not in ("insufficient_data",
                                                                                      "not_collected"):
        text += f" {n}/{int(total)}"
    return status, text


def criteria_heatmap(
    criteria: pd.DataFrame,
    *,
    countries: pd.DataFrame | None = None,
    criterion_names: dict[int, str] | None = None,
    group: str = "idp",
) -> Figure | None:
    """Countries × criteria: the criterion status of ``group`` in each cell, as its colour (one per status,
    colour-blind safe), symbol and word, with the count of indicators behind it; countries whose build failed
    and criteria without results are hatched and labelled. A key of the statuses below."""
    names = criterion_names or {}
    crits = sorted(set(names) | (set(criteria["criterion"].astype(int)) if not criteria.empty else set()))
    crits = [c for c in crits if c != 0]
    rows: list[tuple[str, str]] = []  # (iso3, display name)
    status_of_country: dict[str, str] = {}
    if countries is not None and not countries.empty:
        for _, c in countries.iterrows():
            rows.append((str(c["iso3"]), str(c.get("name", c["iso3"]))))
            status_of_country[str(c["iso3"])] = str(c.get("status", "ok"))
    if not criteria.empty:
        for iso in sorted(set(criteria["country"]) - {r[0] for r in rows}):
            rows.append((str(iso), str(iso)))
    if not rows or not crits:
        return None
    sub = criteria[criteria["group"] == group] if not criteria.empty else criteria
    cells = {(str(r["country"]), int(r["criterion"])): r for _, r in sub.iterrows()}
    labels = [wrap_label(r[1], 16) for r in rows]
    present = set(sub["status"].astype(str)) if not sub.empty else set()
    keyed = [s for s in HEATMAP_STATUSES if s != "not_collected" or s in present]
    width = style.FIG_WIDTH + 1.0  # eight columns need the room; the table below repeats every cell
    key = [KeyEntry(f"{STATUS_SYMBOLS[s]} {status_label(s)}", style.status_colour(s)) for s in keyed]
    ncol = key_ncol(key, width=style.FIG_WIDTH + 1.0, most=2)
    spec = layout.Panel(rows=len(rows), row_h=0.62, title=False, legend_rows=int(np.ceil(len(key) / ncol)))
    kinds = [*HEATMAP_STATUSES, "not_assessed", "failed"]
    code = np.zeros((len(rows), len(crits)))
    text = np.full((len(rows), len(crits)), "", dtype=object)
    for i, (iso, _name) in enumerate(rows):
        for j, crit in enumerate(crits):
            kind, text[i, j] = heatmap_cell(cells.get((iso, crit)), status_of_country.get(iso, "ok"))
            code[i, j] = kinds.index(kind) if kind in kinds else kinds.index("not_assessed")
    cmap = ListedColormap([style.status_colour(k) if k in STATUS_SHORT else "#F2F2F2" for k in kinds])
    with style.house_context():
        fig, (ax,) = layout.stack([spec], left=figure_left(labels), width=width)
        sns.heatmap(pd.DataFrame(code, columns=[str(c) for c in crits]), ax=ax, cmap=cmap, vmin=-0.5,
                    vmax=len(kinds) - 0.5, linewidths=1.5, linecolor="white", cbar=False, annot=False)
        for i in range(len(rows)):
            for j in range(len(crits)):
                hatch = style.STATUS_HATCHES.get(kinds[int(code[i, j])])
                if hatch:
                    ax.add_patch(Rectangle((j, i), 1, 1, facecolor="none", edgecolor="#666666", hatch=hatch,
                                           linewidth=0, zorder=2))
                ax.text(j + 0.5, i + 0.5, text[i, j], ha="center", va="center", fontsize=style.SMALL_SIZE,
                        color="#000000", zorder=3, linespacing=1.15,
                        bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85}
                        if hatch else None)
        ax.set_xticks(np.arange(len(crits)) + 0.5, [str(c) for c in crits], rotation=0)
        ax.yaxis.set_major_locator(NullLocator())
        for i, name in enumerate(labels):
            ax.text(-0.02, i + 0.5, name, transform=ax.get_yaxis_transform(), ha="right", va="center",
                    fontsize=style.FONT_SIZE, color="#222222")
        axis_label(ax, "IASC criterion")
        ax.tick_params(length=0)
        key_below(ax, key, layout.XAXIS_H + layout.xlabel_h(), ncol=ncol)
    return fig


#: Inches a line of a withheld reason takes on a phone's chart (``style.SMALL_SIZE`` at ``LINESPACING``).
PHONE_LINE_H = style.SMALL_SIZE * LINESPACING / 72


@layout.phone_layout
def country_comparison_chart(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    country_names: dict[str, str] | None = None,
    groups: Sequence[str] = ("idp", "comparison"),
    thresholds: Thresholds,
    xlabel: str = "",
) -> Figure | None:
    """Cross-country dot chart with CIs: one row per country, one dodged dot per group (hollow when
    flagged), the reason written where a value is withheld, a key of groups. None with nothing to draw."""
    if rows is None or rows.empty:
        return None
    names = country_names or {}
    data = with_withheld(rows[rows["group"].isin(groups)])
    if not drawable(data):
        return None
    declared = {iso: i for i, iso in enumerate(names)}  # the report's country order, as every table
    isos = sorted(set(data["country"]), key=lambda c: (declared.get(c, len(declared)), c))
    present = style.order_groups(data["group"])
    narrow = layout.is_narrow()
    # a row label (an area and an indicator) on as many lines as its row has room for: rows of several groups
    # are tall, and a phone's label column is narrow
    lines, label_width = (6, 13) if narrow else (3 if len(present) > 1 else 2, None)
    labels = [names.get(c, c) for c in isos]
    key = group_key(present) + ([flag_key()] if any_flagged(data) else [])
    marks = {i: f"{style.group_label(r['group'])}: " + withheld_text(r.get("suppression_reason"), thresholds)
             for i, r in data[data["withheld"]].iterrows()}
    left = figure_left(labels, lines=lines, width=label_width)
    row_h = 0.32 + 0.14 * len(present)
    spread = 0.24
    if narrow:  # a withheld reason is broken into lines (text_mark's width): each group's row needs room for
        # the most lines of any, and the row for its label's lines
        room = (layout.figure_width() - left - layout.RIGHT_PAD) * 0.99 + layout.RIGHT_PAD * 0.8
        mark_lines = max((fit_lines(m, room).count("\n") + 1 for m in marks.values()), default=0)
        step = max(0.24 * row_h, PHONE_LINE_H * mark_lines + 0.06 if marks else 0.0)
        label_lines = max((wrap_label(lbl, label_width, lines=lines).count("\n") + 1 for lbl in labels), default=1)
        row_h = max(step * len(present) + 0.12, 0.17 * label_lines + 0.08)
        spread = step / row_h
    offsets = {g: (k - (len(present) - 1) / 2) * spread for k, g in enumerate(present)}
    data["y"] = [isos.index(c) + offsets[g] for c, g in zip(data["country"], data["group"], strict=True)]
    # a withheld value's reason is written in its row: the figure is as wide as the longest one needs
    # (a phone's narrow chart keeps its width: the reason is broken into lines, each group on its own row)
    width = layout.figure_width() if layout.is_narrow() else max(
        style.FIG_WIDTH, left + max((layout.text_width(m, style.SMALL_SIZE) for m in marks.values()), default=0.0)
        * 1.04 + 0.1 + layout.RIGHT_PAD)
    ncol = key_ncol(key, width=width, most=2 if len(key) > 3 else len(key))
    spec = layout.Panel(rows=len(isos), row_h=row_h, title=False, legend_rows=int(np.ceil(len(key) / ncol)))
    with style.house_context():
        fig, (ax,) = layout.stack([spec], left=left, width=width)
        shown = data[~data["withheld"]]
        if not shown.empty:
            dots(ax, shown, shown["y"].tolist(), size=48)
        for i, text in marks.items():
            text_mark(ax, data.at[i, "y"], text)
        rows_axis(ax, labels, lines=lines, width=label_width)
        if percent:
            ax.set_xlim(-0.02, 1.02)
        value_axis(ax, percent=percent)
        axis_label(ax, xlabel or f"Estimate{' (%)' if percent else ''}, with {thresholds.level} CI")
        key_below(ax, key, layout.XAXIS_H + layout.xlabel_h(), ncol=ncol)
    return fig


@layout.phone_layout
def solutions_by_country_chart(
    rows: pd.DataFrame,
    *,
    country_names: dict[str, str] | None = None,
    thresholds: Thresholds,
) -> Figure | None:
    """The solutions measure (``SOL-1``) by country: a dot per displaced group beside the comparison group
    (the benchmark), with CIs."""
    if rows is None or rows.empty:
        return None
    groups = style.order_groups(rows["group"])
    return country_comparison_chart(rows, percent=True, country_names=country_names, groups=groups,
                                    thresholds=thresholds,
                                    xlabel=f"Households meeting the measure (%), {thresholds.level} CI")


