"""100% stacked bars of distributions and by-reason breakdowns, a section per indicator with its key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from solutions.config import Thresholds

from .. import layout, style
from ..cells import is_flagged
from ..records import row_dicts
from ..wording import FLAG_MARK, withheld_text
from .base import (
    CATEGORY_HATCHES,
    CATEGORY_PALETTE,
    GRID,
    KEY_ROW,
    PERCENT_TICKS,
    KeyEntry,
    any_flagged,
    axis_label,
    draw_key,
    drawable,
    figure_left,
    forest_axes,
    key_rows,
    row_positions,
    section_header,
    tall_rows,
    text_colour,
    text_mark,
    value_axis,
    with_withheld,
)


@dataclass(frozen=True)
class BreakdownPanel:
    """One indicator's distribution / by-reason breakdown by group (categories in display order)."""

    title: str
    rows: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------ breakdowns ----
def _draw_breakdown(ax: Axes, panel: BreakdownPanel, ys: np.ndarray, key_y: float, *,
                    thresholds: Thresholds) -> list[str]:
    """One indicator's section: a 100% bar per group at ``ys``, its key from ``key_y``; returns the row labels.
    A flagged segment's label carries the flag mark; a group with withheld categories says so after its bar."""
    data = with_withheld(panel.rows)
    groups = style.order_groups(data["group"])
    categories = list(dict.fromkeys(data["category"].astype(str)))
    withheld = {g: bool(data.loc[data["group"] == g, "withheld"].all()) for g in groups}
    partly = {g: bool(data.loc[data["group"] == g, "withheld"].any()) and not withheld[g] for g in groups}
    shown = data[~data["withheld"]]
    value = {(str(g), str(c)): float(v) for g, c, v in zip(shown["group"], shown["category"], shown["estimate"],
                                                             strict=True)}
    flagged = {(str(r["group"]), str(r["category"])) for r in row_dicts(shown) if is_flagged(r)}
    ax.vlines(PERCENT_TICKS, ys[0] - 0.45, ys[-1] + 0.45, colors=GRID, linewidth=0.8, zorder=0)
    left = np.zeros(len(groups))
    entries = []
    for i, cat in enumerate(categories):
        width = np.array([value.get((g, cat), 0.0) for g in groups])
        colour = CATEGORY_PALETTE[i % len(CATEGORY_PALETTE)]
        hatch = CATEGORY_HATCHES[i % len(CATEGORY_HATCHES)] or None
        label = panel.labels.get(cat, cat.replace("_", " "))
        ax.barh(ys, width, left=left, height=0.62, color=colour, hatch=hatch, edgecolor="white", linewidth=0.8,
                label=label)
        entries.append(KeyEntry(label, colour, hatch))
        for yi, g, lo, w in zip(ys, groups, left, width, strict=True):
            mark = FLAG_MARK if (g, cat) in flagged else ""
            room = 0.12 if mark else 0.09  # the flag mark needs room too, or the label runs over the bar end
            text = f"{w * 100:.0f}%{mark}" if w >= room else (mark if w >= 0.03 else "")
            if layout.is_narrow() and text:  # a phone's bars are short: the label must fit its segment in inches
                plot_w = ax.get_position().width * ax.figure.get_figwidth()
                fits = [t for t in (f"{w * 100:.0f}%{mark}", mark) if t
                        and w * plot_w >= layout.text_width(t, style.SMALL_SIZE, bold=True) + 0.05]
                text = fits[0] if fits else ""
            if text:
                ax.text(lo + w / 2, yi, text, ha="center", va="center", fontsize=style.SMALL_SIZE,
                        color=text_colour(colour), fontweight="bold")
        left = left + width
    for yi, g, end in zip(ys, groups, left, strict=True):
        reasons = data.loc[(data["group"] == g) & data["withheld"], "suppression_reason"]
        if withheld[g]:
            text_mark(ax, yi, withheld_text(reasons.iloc[0] if len(reasons) else "", thresholds))
        elif partly[g] and end < 0.75:
            text_mark(ax, yi, f"+ {len(reasons)} withheld", x=end + 0.01)
    if flagged:
        entries.append(KeyEntry(f"{FLAG_MARK} flagged share, read with care", ""))
    # The key reads left to right, row by row, in the order of the segments.
    draw_key(ax, entries, trans=blended_transform_factory(ax.figure.transFigure, ax.transData),
         row_y=lambda r: key_y + r * KEY_ROW, swatch_h=0.42, ncol=1 if layout.is_narrow() else 2)
    return [style.group_label(g) for g in groups]


@layout.phone_layout
def breakdowns_chart(panels: Sequence[BreakdownPanel], *, thresholds: Thresholds
                     ) -> Figure | None:
    """100% stacked bars, a section per indicator and a bar per group, all on one 0–100% axis; each
    section's key lists the categories in the order of the bar segments. A breakdown with no published
    share is left out (its table says why); None when none is left."""
    panels = [p for p in panels if drawable(p.rows)]
    if not panels:
        return None
    heads, rows, keys, y = [], [], [], 0.0
    for p in panels:
        data = with_withheld(p.rows)
        # a group withheld whole says why in its row: on a phone on two lines, which need room
        tall = tall_rows([bool(data.loc[data["group"] == g, "withheld"].all())
                          for g in style.order_groups(data["group"])])
        k = key_rows(p.rows["category"].nunique() + (1 if any_flagged(p.rows) else 0))
        heads.append(y)
        ys = row_positions(y + 1.0, tall)
        rows.append(ys)
        keys.append(float(ys[-1]) + 1.1)
        y = float(ys[-1]) + 1.1 + k * KEY_ROW + 0.35
    total = y - 0.35
    labels = [style.group_label(g) for p in panels for g in style.order_groups(p.rows["group"])]
    with style.house_context():
        fig, (ax,) = layout.stack([layout.Panel(rows=total, title=False)], left=figure_left(labels))
        run_labels: list[str] = []
        for p, h, ys, ky in zip(panels, heads, rows, keys, strict=True):
            section_header(ax, h, p.title)
            run_labels += _draw_breakdown(ax, p, ys, ky, thresholds=thresholds)
        forest_axes(ax, heads, rows, run_labels, total)
        ax.grid(axis="x", visible=False)  # gridlines only behind the bars (not through headers and keys)
        ax.set_xlim(0, 1)
        value_axis(ax, percent=True)
        axis_label(ax, "Share (%)")
    return fig


@layout.phone_layout
def stacked_bar_chart(
    rows: pd.DataFrame,
    *,
    category_labels: dict[str, str] | None = None,
    thresholds: Thresholds,
    title: str = "",
) -> Figure | None:
    """One indicator's stacked bars (see :func:`breakdowns_chart`)."""
    if rows is None or rows.empty:
        return None
    return breakdowns_chart([BreakdownPanel(title, rows, dict(category_labels or {}))], thresholds=thresholds)


