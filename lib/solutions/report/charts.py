"""Charts of results tables in the house style. Every function returns a matplotlib ``Figure``, never shows it.

Figures are ``matplotlib.figure.Figure`` objects (not pyplot), so nothing leaks into a notebook as a
``<Figure ...>`` repr; ``figures.show_figure`` turns them into an SVG ``<img>`` with alt text. Suppressed
rows (estimate NaN or ``suppressed`` True) are written on the chart as text such as "suppressed: n < 30",
never plotted.

Speed matters (a country chapter draws a few dozen panels): positions come from :mod:`layout` (no
constrained-layout pass), one figure carries all indicators of a criterion as stacked panels, and the
per-panel marks are drawn with matplotlib primitives on seaborn-styled axes. seaborn supplies the theme and
draws the charts where its statistics-aware API does real work (the heatmap and the line charts).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator, PercentFormatter
from matplotlib.transforms import blended_transform_factory

from . import layout, style
from .formatting import DEFAULT_MIN_N, fmt_value, is_missing, suppression_text

__all__ = [
    "EstimatePanel",
    "GapPanel",
    "BreakdownPanel",
    "TrendPanel",
    "estimates_chart",
    "gaps_chart",
    "breakdowns_chart",
    "trends_chart",
    "estimate_dot_chart",
    "gap_chart",
    "stacked_bar_chart",
    "figures_trend_chart",
    "estimate_trend_chart",
    "criteria_heatmap",
    "country_comparison_chart",
    "solutions_by_country_chart",
    "empty_figure",
]

_METRIC_LABELS = {
    "idp_stock": "IDPs (stock)",
    "new_displacements": "New displacements",
    "returns": "Returns",
}
_METRIC_COLOURS = {
    "idp_stock": style.GROUP_COLOURS["idp"],
    "new_displacements": style.OKABE_ITO["vermillion"],
    "returns": style.GROUP_COLOURS["returnee"],
}
_CATEGORY_PALETTE = [
    style.OKABE_ITO["sky_blue"],
    style.OKABE_ITO["orange"],
    style.OKABE_ITO["bluish_green"],
    style.OKABE_ITO["yellow"],
    style.OKABE_ITO["reddish_purple"],
    style.OKABE_ITO["blue"],
    style.OKABE_ITO["vermillion"],
    "#999999",
]
_CATEGORY_HATCHES = ["", "//", "..", "\\\\", "xx", "--", "oo", "++"]
_PERCENT_TICKS = [0.0, 0.25, 0.5, 0.75, 1.0]
_MARK_COLOUR = "#333333"
_GRID = style.HOUSE_RC["grid.color"]


# ------------------------------------------------------------------ panels ----
@dataclass(frozen=True)
class EstimatePanel:
    """One indicator's estimates by group (category ``""``); the comparison group is the reference."""

    title: str
    rows: pd.DataFrame
    percent: bool = True
    xlabel: str = ""


@dataclass(frozen=True)
class GapPanel:
    """One indicator's gaps (displaced group minus comparison) with CIs and status."""

    title: str
    rows: pd.DataFrame
    direction: str = "none"
    percent: bool = True


@dataclass(frozen=True)
class BreakdownPanel:
    """One indicator's distribution / by-reason breakdown by group (categories in display order)."""

    title: str
    rows: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TrendPanel:
    """One indicator's estimates by report year and group."""

    title: str
    rows: pd.DataFrame
    percent: bool = True


# ----------------------------------------------------------------- helpers ----
def empty_figure(message: str = "No data available") -> Figure:
    """A small figure carrying only a message (used when there is nothing to plot)."""
    with style.house_context():
        fig = Figure(figsize=(style.FIG_WIDTH, 0.8), layout=None)
        fig.text(0.5, 0.5, message, ha="center", va="center", fontsize=style.FONT_SIZE, color=_MARK_COLOUR)
    return fig


def _shared_percent_grid(ax: Axes) -> None:
    """The 0–100% grid without tick objects, for a panel whose scale is labelled on the panel below."""
    ax.xaxis.set_major_locator(NullLocator())
    ax.vlines(_PERCENT_TICKS, 0, 1, transform=ax.get_xaxis_transform(), colors=_GRID, linewidth=0.8, zorder=0)


def _value_axis(ax: Axes, *, percent: bool, axis: str = "x", gap: bool = False) -> None:
    target = ax.xaxis if axis == "x" else ax.yaxis
    if percent and gap:
        target.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:+.0f}" if round(v * 100) else "0"))
    elif percent:
        target.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if percent and not gap:
        target.set_major_locator(FixedLocator(_PERCENT_TICKS))
    else:
        target.set_major_locator(MaxNLocator(nbins=5))


def _with_withheld(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in house group order, with a ``withheld`` column (flagged suppressed, or no estimate)."""
    if rows.empty:
        return rows.assign(withheld=pd.Series(dtype=bool))
    order = {g: i for i, g in enumerate(style.order_groups(rows["group"]))}
    flagged = rows["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
        if "suppressed" in rows.columns else np.zeros(len(rows), dtype=bool)
    value = rows["estimate"] if "estimate" in rows.columns else rows.get("gap", pd.Series(np.nan, rows.index))
    withheld = flagged | value.isna().to_numpy(dtype=bool)
    out = rows.assign(withheld=withheld, _order=rows["group"].map(order))
    return out.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def _text_mark(ax: Axes, y: float, text: str, *, x: float = 0.01) -> None:
    ax.text(x, y, text, transform=ax.get_yaxis_transform(), va="center", ha="left", fontsize=style.SMALL_SIZE,
            fontstyle="italic", color=_MARK_COLOUR)


def _title(ax: Axes, text: str, sub: str = "") -> None:
    """Panel title from the figure's left edge (long titles get the full width), a note at the right."""
    left = blended_transform_factory(ax.figure.transFigure, ax.transAxes)
    ax.text(0.012, 1.0 + 0.06 / (ax.get_position().height * ax.figure.get_figheight()), text, transform=left,
            ha="left", va="bottom", fontsize=style.TITLE_SIZE, fontweight="bold", color="#111111")
    if sub:
        ax.text(1.0, 1.02, sub, transform=ax.transAxes, ha="right", va="bottom", fontsize=style.SMALL_SIZE,
                color=_MARK_COLOUR)


def wrap_label(label: str, width: int = 18) -> str:
    """A long row label (a country's official name) on two lines, so the plot keeps its width."""
    return textwrap.fill(str(label), width, max_lines=2, placeholder="…") if len(str(label)) > width else str(label)


def _rows_axis(ax: Axes, labels: Sequence[str]) -> None:
    """Row labels as plain text left of the axes: tick objects are the costliest part of an axes."""
    ax.yaxis.set_major_locator(NullLocator())
    ax.set_ylim(len(labels) - 0.5, -0.5)
    for i, label in enumerate(labels):
        ax.text(-0.02, i, wrap_label(label), transform=ax.get_yaxis_transform(), ha="right", va="center", ma="right",
                fontsize=style.FONT_SIZE, color="#222222")


def _dots(ax: Axes, data: pd.DataFrame, y: Sequence[float], *, size: float = 64) -> None:
    """Dot-and-whisker per row (group colour and marker): CI as a line, estimate as a marker. One
    collection for all whiskers and one per group for the markers (artists are what a chart costs)."""
    groups = data["group"].astype(str).to_numpy()
    y = np.asarray(y, dtype=float)
    lo = pd.to_numeric(data.get("ci_low"), errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(data.get("ci_high"), errors="coerce").to_numpy(dtype=float)
    est = pd.to_numeric(data["estimate"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if ok.any():
        ax.hlines(y[ok], lo[ok], hi[ok], colors=[style.group_colour(g) for g in groups[ok]], linewidth=2.2,
                  zorder=2)
    for g in dict.fromkeys(groups):
        sel = groups == g
        ax.scatter(est[sel], y[sel], s=size, marker=style.group_marker(g), color=style.group_colour(g),
                   edgecolors="white", linewidths=0.8, zorder=3)


def _figure_left(labels: Sequence[str]) -> float:
    return layout.left_margin([wrap_label(lbl) for lbl in labels], style.FONT_SIZE)


@dataclass(frozen=True)
class KeyEntry:
    """One entry of a chart key: a swatch (``fill``, optional ``hatch``) or a group's line and marker."""

    label: str
    colour: str
    hatch: str | None = None
    marker: str | None = None


KEY_GID = "sos-key"


def _key(ax: Axes, entries: Sequence[KeyEntry], *, trans, row_y, swatch_h: float, ncol: int = 2) -> None:
    """Key entries from the figure's left edge, read left to right and row by row (``entries`` order);
    ``row_y(row)`` gives each key row's y in ``trans``. Plain patches and text: a matplotlib Legend per
    panel costs more than the bars it explains."""
    fig = ax.figure
    col_w = (fig.get_figwidth() - 0.2) / ncol / fig.get_figwidth()
    sw = 0.22 / fig.get_figwidth()
    for k, e in enumerate(entries):
        row, col = divmod(k, ncol)
        x, y = 0.012 + col * col_w, row_y(row)
        if e.marker:
            ax.add_line(Line2D([x, x + sw], [y, y], transform=trans, color=e.colour, linewidth=2.2, clip_on=False))
            ax.add_line(Line2D([x + sw / 2], [y], transform=trans, color=e.colour, marker=e.marker, markersize=6.5,
                               markeredgecolor="white", linestyle="none", clip_on=False))
        else:
            ax.add_patch(Rectangle((x, y - swatch_h / 2), sw, swatch_h, transform=trans, facecolor=e.colour,
                                   hatch=e.hatch, edgecolor="white", linewidth=0.5, clip_on=False))
        text = ax.text(x + sw + 0.08 / fig.get_figwidth(), y, e.label, transform=trans, ha="left", va="center",
                       fontsize=style.SMALL_SIZE, color="#222222", clip_on=False)
        text.set_gid(KEY_GID)


def _key_below(ax: Axes, entries: Sequence[KeyEntry], inches: float, ncol: int = 2) -> None:
    """A key under ``ax``, ``inches`` below its bottom edge."""
    ax_h = ax.get_position().height * ax.figure.get_figheight()
    _key(ax, entries, trans=blended_transform_factory(ax.figure.transFigure, ax.transAxes),
         row_y=lambda r: layout.below_axes(ax, inches + r * layout.LEGEND_ROW_H + 0.12), swatch_h=0.12 / ax_h,
         ncol=ncol)


def key_labels(fig: Figure) -> list[list[str]]:
    """The key labels of each axes of ``fig``, in reading order (for tests and alt text checks)."""
    return [[t.get_text() for t in ax.texts if t.get_gid() == KEY_GID] for ax in fig.axes]


def _group_key(groups: Sequence[str]) -> list[KeyEntry]:
    return [KeyEntry(style.group_label(g), style.group_colour(g), marker=style.group_marker(g)) for g in groups]


# ----------------------------------------------------------- estimates ----
def _estimate_parts(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = _with_withheld(rows)
    displaced = data[data["group"] != "comparison"].reset_index(drop=True)
    comparison = data[data["group"] == "comparison"]
    if displaced.empty:
        return data.reset_index(drop=True), comparison.iloc[0:0]
    return displaced, comparison


def _runs(flags: Sequence[bool]) -> list[list[int]]:
    """Indices grouped into runs of consecutive equal flags (panels sharing one value axis)."""
    runs: list[list[int]] = []
    for i, f in enumerate(flags):
        if runs and flags[runs[-1][0]] == f:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _section_rows(sizes: Sequence[int]) -> tuple[list[float], list[np.ndarray], float]:
    """y of each section header, y of each section's rows, and the total height in rows."""
    heads, rows, y = [], [], 0.0
    for n in sizes:
        heads.append(y)
        rows.append(y + 1.0 + np.arange(n, dtype=float))
        y += 1.0 + n + 0.35
    return heads, rows, y - 0.35


def _header(ax: Axes, y: float, text: str, sub: str = "") -> None:
    left = blended_transform_factory(ax.figure.transFigure, ax.transData)
    ax.text(0.012, y, text, transform=left, ha="left", va="center", fontsize=style.TITLE_SIZE,
            fontweight="bold", color="#111111")
    if sub:
        ax.text(1.0, y, sub, transform=ax.get_yaxis_transform(), ha="right", va="center",
                fontsize=style.SMALL_SIZE, color=_MARK_COLOUR)


def _forest_axes(ax: Axes, heads: Sequence[float], rows: Sequence[np.ndarray], labels: Sequence[str],
                 total: float) -> None:
    ax.yaxis.set_major_locator(NullLocator())
    ax.spines["left"].set_visible(False)  # section headers start left of the axis
    ax.set_ylim(total - 0.4, -0.6)
    ys = np.concatenate(list(rows)) if rows else np.array([])
    for y, label in zip(ys, labels, strict=True):
        ax.text(-0.02, y, label, transform=ax.get_yaxis_transform(), ha="right", va="center",
                fontsize=style.FONT_SIZE, color="#222222")
    for h in heads[1:]:
        ax.axhline(h - 0.67, color="#BBBBBB", linewidth=0.8, zorder=0)


def estimates_chart(panels: Sequence[EstimatePanel], *, min_n: int = DEFAULT_MIN_N, level: str = "95%") -> Figure:
    """Dot-and-whisker chart, a section per indicator: estimate and CI per displaced group, the comparison
    group as a dashed reference line with its CI band. Indicators in the same unit share one axis."""
    panels = [p for p in panels if p.rows is not None and not p.rows.empty]
    if not panels:
        return empty_figure()
    parts = [_estimate_parts(p.rows) for p in panels]
    runs = _runs([p.percent for p in panels])
    labels = [style.group_label(g) for d, _c in parts for g in d["group"]]
    specs = [layout.Panel(rows=_section_rows([len(parts[i][0]) for i in run])[2], title=False) for run in runs]
    with style.house_context():
        fig, axes = layout.stack(specs, left=_figure_left(labels))
        for ax, run in zip(axes, runs, strict=True):
            heads, rows, total = _section_rows([len(parts[i][0]) for i in run])
            run_labels: list[str] = []
            for k, i in enumerate(run):
                p, (displaced, comparison) = panels[i], parts[i]
                ys = rows[k]
                span = (ys[0] - 0.45, ys[-1] + 0.45)
                sub = ""
                if not comparison.empty:
                    ref = comparison.iloc[0]
                    if ref["withheld"]:
                        sub = "Comparison: " + suppression_text(ref.get("suppression_reason"), min_n=min_n)
                    else:
                        colour = style.group_colour("comparison")
                        if not (is_missing(ref.get("ci_low")) or is_missing(ref.get("ci_high"))):
                            ax.fill_betweenx(span, ref["ci_low"], ref["ci_high"], color=colour, alpha=0.12, lw=0,
                                             zorder=0)
                        ax.vlines(ref["estimate"], *span, colors=colour, linestyles="--", linewidth=1.6, zorder=1)
                        sub = f"Comparison (dashed): {fmt_value(ref['estimate'], percent=p.percent)}"
                _header(ax, heads[k], p.title, sub)
                shown = ~displaced["withheld"].to_numpy(dtype=bool)
                if shown.any():
                    _dots(ax, displaced[shown], ys[shown])
                for yi, (_, r) in zip(ys[~shown], displaced[~shown].iterrows(), strict=True):
                    _text_mark(ax, yi, suppression_text(r.get("suppression_reason"), min_n=min_n))
                run_labels += [style.group_label(g) for g in displaced["group"]]
            _forest_axes(ax, heads, rows, run_labels, total)
            first = panels[run[0]]
            if first.percent:
                ax.set_xlim(-0.02, 1.02)
            _value_axis(ax, percent=first.percent)
            ax.set_xlabel(first.xlabel or f"Estimate{' (%)' if first.percent else ''}, {level} CI")
    return fig


def estimate_dot_chart(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    min_n: int = DEFAULT_MIN_N,
    xlabel: str | None = None,
    title: str = "",
) -> Figure:
    """One indicator's dot-and-whisker chart (see :func:`estimates_chart`)."""
    if rows is None or rows.empty:
        return empty_figure()
    return estimates_chart([EstimatePanel(title, rows, percent, xlabel or "")], min_n=min_n)


# ------------------------------------------------------------------ gaps ----
def _better_text(direction: str) -> str:
    return {"higher": "better off →", "lower": "← better off"}.get(direction, "")


_STATUS_W = layout.text_width(style.STATUS_SYMBOLS["insufficient_data"] + " Insufficient data", style.SMALL_SIZE)


def gaps_chart(panels: Sequence[GapPanel]) -> Figure:
    """Gap chart, a section per indicator: gap and CI per displaced group around a zero line, the status as
    text at the right, and which side is better on the indicator's header line."""
    panels = [p for p in panels if p.rows is not None and not p.rows.empty]
    if not panels:
        return empty_figure("No gap assessed")
    parts = [_with_withheld(p.rows) for p in panels]
    runs = _runs([p.percent for p in panels])
    labels = [style.group_label(g) for d in parts for g in d["group"]]
    specs = [layout.Panel(rows=_section_rows([len(parts[i]) for i in run])[2], title=False) for run in runs]
    with style.house_context():
        fig, axes = layout.stack(specs, left=_figure_left(labels), extra_right=_STATUS_W + 0.1)
        for ax, run in zip(axes, runs, strict=True):
            heads, rows, total = _section_rows([len(parts[i]) for i in run])
            ax.axvline(0, color="#222222", linewidth=1.2, zorder=1)
            finite: list[float] = []
            run_labels: list[str] = []
            for k, i in enumerate(run):
                p, data, ys = panels[i], parts[i], rows[k]
                _header(ax, heads[k], p.title, _better_text(p.direction))
                has_gap = data["gap"].notna().to_numpy(dtype=bool)
                if has_gap.any():
                    _dots(ax, data[has_gap].assign(estimate=data.loc[has_gap, "gap"]), ys[has_gap], size=52)
                finite += [float(v) for c in ("gap", "ci_low", "ci_high") for v in data.loc[has_gap, c]
                           if not is_missing(v)]
                for yi, (_, r) in zip(ys, data.iterrows(), strict=True):
                    status = str(r.get("status", "not_assessed"))
                    if is_missing(r.get("gap")):
                        _text_mark(ax, yi, "no gap estimate")
                    ax.text(1.02, yi, f"{style.STATUS_SYMBOLS.get(status, '')} {style.status_label(status)}",
                            transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=style.SMALL_SIZE,
                            color="#000000", clip_on=False)
                run_labels += [style.group_label(g) for g in data["group"]]
            _forest_axes(ax, heads, rows, run_labels, total)
            percent = panels[run[0]].percent
            span = max((abs(v) for v in finite), default=0.1 if percent else 1.0) * 1.15
            ax.set_xlim(-span, span)
            _value_axis(ax, percent=percent, gap=True)
            ax.set_xlabel("Gap vs comparison group" + (" (percentage points)" if percent else ""))
    return fig


def gap_chart(rows: pd.DataFrame, *, direction: str = "none", percent: bool = True, title: str = "") -> Figure:
    """One indicator's gap chart (see :func:`gaps_chart`)."""
    if rows is None or rows.empty:
        return empty_figure("No gap assessed")
    return gaps_chart([GapPanel(title, rows, direction, percent)])


# ------------------------------------------------------------ breakdowns ----
def _legend_rows(n: int) -> int:
    return int(np.ceil(n / 2))


def _text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 else "#FFFFFF"


_KEY_ROW = 0.8  # a key row, in bar rows


def _draw_breakdown(ax: Axes, panel: BreakdownPanel, ys: np.ndarray, key_y: float, *, min_n: int) -> list[str]:
    """One indicator's section: a 100% bar per group at ``ys``, its key from ``key_y``; returns the row labels."""
    data = _with_withheld(panel.rows)
    groups = style.order_groups(data["group"])
    categories = list(dict.fromkeys(data["category"].astype(str)))
    withheld = {g: bool(data.loc[data["group"] == g, "withheld"].all()) for g in groups}
    shown = data[~data["withheld"]]
    value = {(str(g), str(c)): float(v) for g, c, v in zip(shown["group"], shown["category"], shown["estimate"],
                                                             strict=True)}
    ax.vlines(_PERCENT_TICKS, ys[0] - 0.45, ys[-1] + 0.45, colors=_GRID, linewidth=0.8, zorder=0)
    left = np.zeros(len(groups))
    entries = []
    for i, cat in enumerate(categories):
        width = np.array([value.get((g, cat), 0.0) for g in groups])
        colour = _CATEGORY_PALETTE[i % len(_CATEGORY_PALETTE)]
        hatch = _CATEGORY_HATCHES[i % len(_CATEGORY_HATCHES)] or None
        label = panel.labels.get(cat, cat.replace("_", " "))
        ax.barh(ys, width, left=left, height=0.62, color=colour, hatch=hatch, edgecolor="white", linewidth=0.8,
                label=label)
        entries.append(KeyEntry(label, colour, hatch))
        for yi, lo, w in zip(ys, left, width, strict=True):
            if w >= 0.09:
                ax.text(lo + w / 2, yi, f"{w * 100:.0f}%", ha="center", va="center", fontsize=style.SMALL_SIZE,
                        color=_text_colour(colour), fontweight="bold")
        left = left + width
    for yi, g in zip(ys, groups, strict=True):
        if withheld[g]:
            reasons = data.loc[data["group"] == g, "suppression_reason"]
            _text_mark(ax, yi, suppression_text(reasons.iloc[0] if len(reasons) else "", min_n=min_n))
    # The key reads left to right, row by row, in the order of the segments.
    _key(ax, entries, trans=blended_transform_factory(ax.figure.transFigure, ax.transData),
         row_y=lambda r: key_y + r * _KEY_ROW, swatch_h=0.42)
    return [style.group_label(g) for g in groups]


def breakdowns_chart(panels: Sequence[BreakdownPanel], *, min_n: int = DEFAULT_MIN_N) -> Figure:
    """100% stacked bars, a section per indicator and a bar per group, all on one 0–100% axis; each
    section's key lists the categories in the order of the bar segments."""
    panels = [p for p in panels if p.rows is not None and not p.rows.empty]
    if not panels:
        return empty_figure()
    heads, rows, keys, y = [], [], [], 0.0
    for p in panels:
        n, k = p.rows["group"].nunique(), _legend_rows(p.rows["category"].nunique())
        heads.append(y)
        rows.append(y + 1.0 + np.arange(n, dtype=float))
        keys.append(y + 1.0 + n + 0.1)
        y += 1.0 + n + 0.1 + k * _KEY_ROW + 0.35
    total = y - 0.35
    labels = [style.group_label(g) for p in panels for g in style.order_groups(p.rows["group"])]
    with style.house_context():
        fig, (ax,) = layout.stack([layout.Panel(rows=total, title=False)], left=_figure_left(labels))
        run_labels: list[str] = []
        for p, h, ys, ky in zip(panels, heads, rows, keys, strict=True):
            _header(ax, h, p.title)
            run_labels += _draw_breakdown(ax, p, ys, ky, min_n=min_n)
        _forest_axes(ax, heads, rows, run_labels, total)
        ax.grid(axis="x", visible=False)  # gridlines only behind the bars (not through headers and keys)
        ax.set_xlim(0, 1)
        _value_axis(ax, percent=True)
        ax.set_xlabel("Share (%)")
    return fig


def stacked_bar_chart(
    rows: pd.DataFrame,
    *,
    category_labels: dict[str, str] | None = None,
    min_n: int = DEFAULT_MIN_N,
    title: str = "",
) -> Figure:
    """One indicator's stacked bars (see :func:`breakdowns_chart`)."""
    if rows is None or rows.empty:
        return empty_figure()
    return breakdowns_chart([BreakdownPanel(title, rows, dict(category_labels or {}))], min_n=min_n)


# ---------------------------------------------------------------- trends ----
def _compact_number(v: float, _pos: object = None) -> str:
    if not v:
        return "0"
    return f"{v / 1e6:.1f}M" if abs(v) >= 1e6 else f"{v / 1e3:.0f}k" if abs(v) >= 1e3 else f"{v:.0f}"


def figures_trend_chart(figures: pd.DataFrame, *, metrics: Sequence[str] | None = None) -> Figure:
    """Small multiples of country-year figures (IDP stock, new displacements, returns) over time."""
    if figures is None or figures.empty:
        return empty_figure("No country-year figures")
    data = figures.dropna(subset=["value"]).copy()
    metrics = [m for m in (metrics or list(_METRIC_LABELS)) if m in set(data["metric"])]
    metrics += sorted(set(data["metric"]) - set(metrics) - set(_METRIC_LABELS))
    if not metrics:
        return empty_figure("No country-year figures")
    data["year"] = data["year"].astype(int)
    years = sorted(data["year"].unique())
    ticks = [_compact_number(v) for v in (data["value"].max(), data["value"].max() / 2)]
    specs = [layout.Panel(rows=3.2, xlabel=False, xaxis=(i == len(metrics) - 1)) for i in range(len(metrics))]
    with style.house_context():
        fig, axes = layout.stack(specs, left=layout.left_margin(ticks, style.SMALL_SIZE + 0.5) + 0.1)
        for ax, metric in zip(axes, metrics, strict=True):
            sub = data[data["metric"] == metric].sort_values("year")
            sns.lineplot(data=sub, x="year", y="value", marker="o", color=_METRIC_COLOURS.get(metric, "#333333"),
                         linewidth=2, markersize=6, ax=ax, errorbar=None)
            _title(ax, _METRIC_LABELS.get(metric, metric.replace("_", " ")))
            ax.set_ylabel("")
            ax.set_xlabel("")
            ax.set_ylim(0, float(sub["value"].max()) * 1.15 or 1.0)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
            ax.yaxis.set_major_formatter(FuncFormatter(_compact_number))
            ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
            ax.set_xticks(years, [str(y) for y in years] if ax is axes[-1] else [])
    return fig


def _draw_trend(ax: Axes, panel: TrendPanel) -> list[str]:
    data = _with_withheld(panel.rows)
    data = data.assign(year=data["year"].astype(int))
    shown = data[~data["withheld"]]
    groups = style.order_groups(shown["group"])
    _title(ax, panel.title)
    years = sorted(data["year"].unique())
    offsets = {g: (k - (len(groups) - 1) / 2) * 0.06 for k, g in enumerate(groups)}
    if not shown.empty:
        sns.lineplot(data=shown.assign(x=shown["year"] + shown["group"].map(offsets)), x="x", y="estimate",
                     hue="group", hue_order=groups, style="group", style_order=groups, dashes=False,
                     markers={g: style.group_marker(g) for g in groups},
                     palette={g: style.group_colour(g) for g in groups}, errorbar=None, legend=False, ax=ax)
        for _, r in shown.iterrows():
            if not (is_missing(r.get("ci_low")) or is_missing(r.get("ci_high"))):
                x = r["year"] + offsets[r["group"]]
                ax.plot([x, x], [r["ci_low"], r["ci_high"]], color=style.group_colour(r["group"]), linewidth=1.6)
    else:
        ax.text(0.5, 0.5, "all estimates suppressed", transform=ax.transAxes, ha="center", va="center",
                fontsize=style.SMALL_SIZE, fontstyle="italic", color=_MARK_COLOUR)
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


def trends_chart(panels: Sequence[TrendPanel]) -> Figure:
    """Estimate and CI by report year, one panel per indicator, one line per group (dodged slightly so the
    intervals do not hide each other); one legend of groups at the bottom."""
    panels = [p for p in panels if p.rows is not None and not p.rows.empty]
    if not panels:
        return empty_figure()
    all_groups = style.order_groups([g for p in panels for g in p.rows["group"]])
    legend_rows = _legend_rows(len(all_groups))
    specs = [layout.Panel(rows=3.4, xlabel=False, legend_rows=legend_rows if i == len(panels) - 1 else 0)
             for i in range(len(panels))]
    with style.house_context():
        fig, axes = layout.stack(specs, left=layout.left_margin(["100%"], style.SMALL_SIZE + 0.5) + 0.1)
        for ax, p in zip(axes, panels, strict=True):
            _draw_trend(ax, p)
        _key_below(axes[-1], _group_key(all_groups), layout.XAXIS_H, ncol=2)
    return fig


def estimate_trend_chart(rows: pd.DataFrame, *, percent: bool = True, title: str = "") -> Figure:
    """One indicator's trend chart (see :func:`trends_chart`)."""
    if rows is None or rows.empty:
        return empty_figure()
    return trends_chart([TrendPanel(title, rows, percent)])


# ---------------------------------------------------------------- global ----
def _heatmap_cells(criteria: pd.DataFrame, rows: list[tuple[str, str]], crits: list[int],
                   status_of_country: dict[str, str], group: str):
    sub = criteria[criteria["group"] == group] if not criteria.empty else criteria
    share = np.full((len(rows), len(crits)), np.nan)
    text = np.full((len(rows), len(crits)), "", dtype=object)
    hatch: dict[tuple[int, int], str] = {}
    for i, (iso, _name) in enumerate(rows):
        cstatus = status_of_country.get(iso, "ok")
        for j, crit in enumerate(crits):
            if cstatus != "ok":
                hatch[(i, j)], text[i, j] = "failed", cstatus
                continue
            cell = sub[(sub["country"] == iso) & (sub["criterion"].astype(int) == crit)]
            if cell.empty:
                hatch[(i, j)], text[i, j] = "not_assessed", "n/a"
                continue
            r = cell.iloc[0]
            status = str(r["status"])
            n_ind = int(r["n_indicators"]) if not is_missing(r.get("n_indicators")) else 0
            n_closed = int(r["n_closed"]) if not is_missing(r.get("n_closed")) else 0
            if status in ("closed", "open") and n_ind > 0:
                share[i, j] = n_closed / n_ind
                text[i, j] = f"{style.STATUS_SYMBOLS[status]} {n_closed}/{n_ind}\n{status}"
            else:
                hatch[(i, j)] = status if status in style.STATUS_HATCHES else "not_assessed"
                text[i, j] = "no data" if status == "insufficient_data" else "n/a"
    return share, text, hatch


def criteria_heatmap(
    criteria: pd.DataFrame,
    *,
    countries: pd.DataFrame | None = None,
    criterion_names: dict[int, str] | None = None,
    group: str = "idp",
) -> Figure:
    """Countries × criteria: share of indicators whose gap is closed for ``group``.

    Each cell carries text (``2/3`` and ``✓ closed`` / ``✗ open``); cells with insufficient data ("no data"),
    not assessed ("n/a") or of a failed/missing country are hatched and labelled, never shown by colour alone.
    """
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
        return empty_figure("No criteria results")
    share, text, hatch = _heatmap_cells(criteria, rows, crits, status_of_country, group)
    cmap = LinearSegmentedColormap.from_list("sos_share", list(style.SHARE_CMAP_COLOURS))
    names = [wrap_label(r[1], 16) for r in rows]
    frame = pd.DataFrame(share, index=names, columns=[str(c) for c in crits])
    width = style.FIG_WIDTH + 1.0  # eight columns need the room; the table below repeats every cell
    specs = [layout.Panel(rows=len(rows), row_h=0.62, title=False)]
    with style.house_context():
        fig, (ax,) = layout.stack(specs, left=_figure_left(names), width=width)
        sns.heatmap(frame, ax=ax, cmap=cmap, vmin=0, vmax=1, linewidths=1.5, linecolor="white", cbar=False,
                    annot=False)
        for (i, j), kind in hatch.items():
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor="#F2F2F2", edgecolor="#666666",
                                   hatch=style.STATUS_HATCHES.get(kind, "..."), linewidth=0, zorder=2))
        for i in range(len(rows)):
            for j in range(len(crits)):
                ax.text(j + 0.5, i + 0.5, text[i, j], ha="center", va="center", fontsize=style.SMALL_SIZE,
                        color="#000000", zorder=3, linespacing=1.15,
                        bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85}
                        if (i, j) in hatch else None)
        ax.set_xticks(np.arange(len(crits)) + 0.5, [str(c) for c in crits], rotation=0)
        ax.yaxis.set_major_locator(NullLocator())
        for i, name in enumerate(names):
            ax.text(-0.02, i + 0.5, name, transform=ax.get_yaxis_transform(), ha="right", va="center",
                    fontsize=style.FONT_SIZE, color="#222222")
        ax.set_xlabel("IASC criterion (colour: share of indicators with the gap closed)")
        ax.set_ylabel("")
        ax.tick_params(length=0)
    return fig


def country_comparison_chart(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    country_names: dict[str, str] | None = None,
    groups: Sequence[str] = ("idp", "comparison"),
    min_n: int = DEFAULT_MIN_N,
    xlabel: str = "",
) -> Figure:
    """Cross-country dot chart with CIs: one row per country, one dodged dot per group, a legend of groups."""
    if rows is None or rows.empty:
        return empty_figure()
    names = country_names or {}
    data = _with_withheld(rows[rows["group"].isin(groups)])
    if data.empty:
        return empty_figure()
    isos = sorted(set(data["country"]), key=lambda c: names.get(c, c))
    present = style.order_groups(data["group"])
    offsets = {g: (k - (len(present) - 1) / 2) * 0.24 for k, g in enumerate(present)}
    data["y"] = [isos.index(c) + offsets[g] for c, g in zip(data["country"], data["group"], strict=True)]
    labels = [names.get(c, c) for c in isos]
    spec = layout.Panel(rows=len(isos), row_h=0.32 + 0.14 * len(present), title=False,
                        legend_rows=_legend_rows(len(present)))
    with style.house_context():
        fig, (ax,) = layout.stack([spec], left=_figure_left(labels))
        shown = data[~data["withheld"]]
        if not shown.empty:
            _dots(ax, shown, shown["y"].tolist(), size=48)
        for _, r in data[data["withheld"]].iterrows():
            _text_mark(ax, r["y"], f"{style.group_label(r['group'])}: "
                       + suppression_text(r.get("suppression_reason"), min_n=min_n))
        _rows_axis(ax, labels)
        if percent:
            ax.set_xlim(-0.02, 1.02)
        _value_axis(ax, percent=percent)
        ax.set_xlabel(xlabel or ("Estimate (%), with 95% CI" if percent else "Estimate, with 95% CI"))
        _key_below(ax, _group_key(present), layout.XAXIS_H + layout.XLABEL_H, ncol=min(3, len(present)))
    return fig


def solutions_by_country_chart(
    rows: pd.DataFrame,
    *,
    country_names: dict[str, str] | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> Figure:
    """The solutions measure (``SOL-1``) by country, one dot per displaced group, with CIs."""
    if rows is None or rows.empty:
        return empty_figure("No solutions measure available")
    groups = [g for g in style.order_groups(rows["group"]) if g in style.DISPLACED_GROUPS]
    return country_comparison_chart(rows, percent=True, country_names=country_names, groups=groups, min_n=min_n,
                                    xlabel="Households meeting all conditions (%)")

