"""Charts over report years: country-year displacement figures, and estimates by year with their CIs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, PercentFormatter

from .. import layout, style
from ..cells import is_flagged
from ..formatting import is_missing
from .base import (
    MARK_COLOUR,
    METRIC_COLOURS,
    METRIC_LABELS,
    any_flagged,
    drawable,
    flag_key,
    group_key,
    key_below,
    key_ncol,
    panel_title,
    with_withheld,
)


@dataclass(frozen=True)
class TrendPanel:
    """One indicator's estimates by report year and group."""

    title: str
    rows: pd.DataFrame
    percent: bool = True


# ---------------------------------------------------------------- trends ----
def _compact_number(v: float, _pos: object = None) -> str:
    if not v:
        return "0"
    return f"{v / 1e6:.1f}M" if abs(v) >= 1e6 else f"{v / 1e3:.0f}k" if abs(v) >= 1e3 else f"{v:.0f}"


#: A trend panel's height on a phone's chart, in rows: the laptop's 3.4 would be about 100 px high, too flat
#: to tell four groups' lines and intervals apart.
PHONE_PANEL_ROWS = 4.6


@layout.phone_layout
def figures_trend_chart(figures: pd.DataFrame, *, metrics: Sequence[str] | None = None) -> Figure | None:
    """Small multiples of country-year figures (IDP stock, new displacements, returns) over time."""
    if figures is None or figures.empty:
        return None
    data = figures.dropna(subset=["value"]).copy()
    metrics = [m for m in (metrics or list(METRIC_LABELS)) if m in set(data["metric"])]
    metrics += sorted(set(data["metric"]) - set(metrics) - set(METRIC_LABELS))
    if not metrics:
        return None
    data["year"] = data["year"].astype(int)
    years = sorted(data["year"].unique())
    ticks = [_compact_number(v) for v in (data["value"].max(), data["value"].max() / 2)]
    rows = PHONE_PANEL_ROWS if layout.is_narrow() else 3.2
    specs = [layout.Panel(rows=rows, xlabel=False, xaxis=(i == len(metrics) - 1)) for i in range(len(metrics))]
    with style.house_context():
        fig, axes = layout.stack(specs, left=layout.left_margin(ticks, style.SMALL_SIZE + 0.5) + 0.1)
        for ax, metric in zip(axes, metrics, strict=True):
            sub = data[data["metric"] == metric].sort_values("year")
            sns.lineplot(data=sub, x="year", y="value", marker="o", color=METRIC_COLOURS.get(metric, "#333333"),
                         linewidth=2, markersize=6, ax=ax, errorbar=None)
            panel_title(ax, METRIC_LABELS.get(metric, metric.replace("_", " ")))
            ax.set_ylabel("")
            ax.set_xlabel("")
            ax.set_ylim(0, float(sub["value"].max()) * 1.15 or 1.0)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
            ax.yaxis.set_major_formatter(FuncFormatter(_compact_number))
            ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
            ax.set_xticks(years, [str(y) for y in years] if ax is axes[-1] else [])
    return fig


def _draw_trend(ax: Axes, panel: TrendPanel) -> list[str]:
    data = with_withheld(panel.rows)
    data = data.assign(year=data["year"].astype(int))
    shown = data[~data["withheld"]]
    groups = style.order_groups(shown["group"])
    panel_title(ax, panel.title)
    years = sorted(data["year"].unique())
    offsets = {g: (k - (len(groups) - 1) / 2) * 0.06 for k, g in enumerate(groups)}
    if not shown.empty:
        sns.lineplot(data=shown.assign(x=shown["year"] + shown["group"].map(offsets)), x="x", y="estimate",
                     hue="group", hue_order=groups, style="group", style_order=groups, dashes=False,
                     markers={g: style.group_marker(g) for g in groups},
                     palette={g: style.group_colour(g) for g in groups}, errorbar=None, legend=False, ax=ax)
        for _, r in shown.iterrows():
            x = r["year"] + offsets[r["group"]]
            colour = style.group_colour(r["group"])
            if not (is_missing(r.get("ci_low")) or is_missing(r.get("ci_high"))):
                ax.plot([x, x], [r["ci_low"], r["ci_high"]], color=colour, linewidth=1.6)
            if is_flagged(r):  # the flag style of every chart: a hollow marker
                ax.scatter([x], [r["estimate"]], s=40, marker=style.group_marker(r["group"]), facecolors="white",
                           edgecolors=colour, linewidths=1.8, zorder=4)
    else:
        ax.text(0.5, 0.5, "all estimates withheld", transform=ax.transAxes, ha="center", va="center",
                fontsize=style.SMALL_SIZE, fontstyle="italic", color=MARK_COLOUR)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    ax.set_xlabel("")
    ax.set_ylabel("")
    if panel.percent:
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_locator(FixedLocator([0.0, 0.5, 1.0]))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
    return groups


@layout.phone_layout
def trends_chart(panels: Sequence[TrendPanel]) -> Figure | None:
    """Estimate and CI by report year, one panel per indicator, one line per group (dodged slightly so the
    intervals do not hide each other); one legend of groups at the bottom. None with nothing to draw."""
    panels = [p for p in panels if drawable(p.rows)]
    if not panels:
        return None
    all_groups = style.order_groups([g for p in panels for g in p.rows["group"]])
    key = group_key(all_groups) + ([flag_key()] if any(any_flagged(p.rows) for p in panels) else [])
    ncol = key_ncol(key, most=2)
    legend_rows = int(-(-len(key) // ncol))
    specs = [layout.Panel(rows=PHONE_PANEL_ROWS if layout.is_narrow() else 3.4, xlabel=False,
                          legend_rows=legend_rows if i == len(panels) - 1 else 0)
             for i in range(len(panels))]
    with style.house_context():
        fig, axes = layout.stack(specs, left=layout.left_margin(["100%"], style.SMALL_SIZE + 0.5) + 0.1)
        for ax, p in zip(axes, panels, strict=True):
            _draw_trend(ax, p)
        key_below(axes[-1], key, layout.XAXIS_H, ncol=ncol)
    return fig


@layout.phone_layout
def estimate_trend_chart(rows: pd.DataFrame, *, percent: bool = True, title: str = "") -> Figure | None:
    """One indicator's trend chart (see :func:`trends_chart`)."""
    if rows is None or rows.empty:
        return None
    return trends_chart([TrendPanel(title, rows, percent)])


