"""Charts of results tables in the house style. Every function returns a matplotlib ``Figure``, never shows it.

Figures are ``matplotlib.figure.Figure`` objects (not pyplot), so nothing leaks into a notebook as a
``<Figure ...>`` repr; ``figures.show_figure`` turns them into an SVG ``<img>`` with alt text. A builder
returns None when there is nothing to draw (no rows, or every value withheld): the page says so in a
sentence instead of showing an empty frame with a legend. Withheld rows are written on the chart as the
reason ("withheld: fewer than 30 respondents"), never plotted; flagged estimates (``cells.is_flagged``)
are drawn as hollow markers, the one flag style of the charts, explained in the key.

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
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator, PercentFormatter
from matplotlib.transforms import blended_transform_factory

from . import layout, style
from .cells import is_flagged, value_text
from .formatting import is_missing, signed
from .thresholds import Thresholds
from .wording import DEFAULT_THRESHOLDS, FLAG_MARK, STATUS_SHORT, STATUS_SYMBOLS, status_label, withheld_text

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
    "benchmark_chart",
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
def _value_axis(ax: Axes, *, percent: bool, axis: str = "x", gap: bool = False) -> None:
    target = ax.xaxis if axis == "x" else ax.yaxis
    if percent and gap:
        target.set_major_formatter(FuncFormatter(lambda v, _: signed(v * 100, 0)))
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
    """Dot-and-whisker per row (group colour and marker): CI as a line, estimate as a marker, hollow when the
    estimate is flagged. One collection for all whiskers and one per group and fill for the markers
    (artists are what a chart costs)."""
    groups = data["group"].astype(str).to_numpy()
    y = np.asarray(y, dtype=float)
    lo = pd.to_numeric(data.get("ci_low"), errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(data.get("ci_high"), errors="coerce").to_numpy(dtype=float)
    est = pd.to_numeric(data["estimate"], errors="coerce").to_numpy(dtype=float)
    flagged = np.array([is_flagged(r) for r in data.to_dict("records")], dtype=bool)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if ok.any():
        ax.hlines(y[ok], lo[ok], hi[ok], colors=[style.group_colour(g) for g in groups[ok]], linewidth=2.2,
                  zorder=2)
    for g in dict.fromkeys(groups):
        for hollow in (False, True):
            sel = (groups == g) & (flagged == hollow)
            if not sel.any():
                continue
            colour = style.group_colour(g)
            ax.scatter(est[sel], y[sel], s=size, marker=style.group_marker(g),
                       facecolors="white" if hollow else colour, edgecolors=colour if hollow else "white",
                       linewidths=1.8 if hollow else 0.8, zorder=3)


def any_flagged(rows: pd.DataFrame | None) -> bool:
    """Whether a published row of ``rows`` is flagged (its marker is drawn hollow)."""
    return rows is not None and not rows.empty and any(is_flagged(r) for r in rows.to_dict("records"))


def drawable(rows: pd.DataFrame | None, value: str = "estimate") -> bool:
    """Whether ``rows`` hold at least one published number to draw."""
    if rows is None or rows.empty or value not in rows.columns:
        return False
    withheld = rows["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
        if "suppressed" in rows.columns else np.zeros(len(rows), dtype=bool)
    return bool((rows[value].notna().to_numpy(dtype=bool) & ~withheld).any())


def _figure_left(labels: Sequence[str]) -> float:
    return layout.left_margin([wrap_label(lbl) for lbl in labels], style.FONT_SIZE)


@dataclass(frozen=True)
class KeyEntry:
    """One entry of a chart key: a swatch (``fill``, optional ``hatch``) or a group's line and marker
    (``hollow``: the flagged-estimate marker)."""

    label: str
    colour: str
    hatch: str | None = None
    marker: str | None = None
    hollow: bool = False


FLAG_KEY_LABEL = f"hollow marker ({FLAG_MARK}): flagged, read with care"


def flag_key() -> KeyEntry:
    """The key entry explaining hollow markers (added to a chart that draws one)."""
    return KeyEntry(FLAG_KEY_LABEL, _MARK_COLOUR, marker="o", hollow=True)


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
                               markerfacecolor="white" if e.hollow else e.colour,
                               markeredgecolor=e.colour if e.hollow else "white",
                               markeredgewidth=1.6 if e.hollow else 1.0, linestyle="none", clip_on=False))
        elif e.colour:
            ax.add_patch(Rectangle((x, y - swatch_h / 2), sw, swatch_h, transform=trans, facecolor=e.colour,
                                   hatch=e.hatch, edgecolor="white", linewidth=0.5, clip_on=False))
        tx = x + sw + 0.08 / fig.get_figwidth() if (e.marker or e.colour) else x  # a text-only entry: no swatch
        text = ax.text(tx, y, e.label, transform=trans, ha="left", va="center",
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


HEAD_ROWS = 1.0  # a section header with the title only, in rows
NOTE_ROWS = 0.75  # a note line under the title (never on the title's line: long titles collided with it)


def _section_rows(sizes: Sequence[int], notes: Sequence[bool] | None = None
                  ) -> tuple[list[float], list[np.ndarray], float]:
    """y of each section header, y of each section's rows, and the total height in rows; a section whose
    header carries a note line gets ``NOTE_ROWS`` more."""
    notes = notes if notes is not None else [False] * len(sizes)
    heads, rows, y = [], [], 0.0
    for n, has_note in zip(sizes, notes, strict=True):
        heads.append(y)
        top = y + HEAD_ROWS + (NOTE_ROWS if has_note else 0.0)
        rows.append(top + np.arange(n, dtype=float))
        y = top + n + 0.35
    return heads, rows, y - 0.35


def _header(ax: Axes, y: float, text: str, sub: str = "") -> None:
    """A section's title from the figure's left edge, and its note on the line below."""
    left = blended_transform_factory(ax.figure.transFigure, ax.transData)
    ax.text(0.012, y, text, transform=left, ha="left", va="center", fontsize=style.TITLE_SIZE,
            fontweight="bold", color="#111111")
    if sub:
        ax.text(0.012, y + NOTE_ROWS, sub, transform=left, ha="left", va="center", fontsize=style.SMALL_SIZE,
                color=_MARK_COLOUR)


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


def _comparison_note(ref: pd.Series, percent: bool, thresholds: Thresholds) -> str:
    if ref["withheld"]:
        return "Comparison group: " + withheld_text(ref.get("suppression_reason"), thresholds)
    return f"Comparison group (dashed line, shaded CI): {value_text(ref, percent=percent)}"


def estimates_chart(panels: Sequence[EstimatePanel], *, thresholds: Thresholds = DEFAULT_THRESHOLDS
                    ) -> Figure | None:
    """Dot-and-whisker chart, a section per indicator: estimate and CI per displaced group, the comparison
    group as a dashed reference line with its CI band. Indicators in the same unit share one axis.
    None when no panel has a number to draw."""
    panels = [p for p in panels if drawable(p.rows)]
    if not panels:
        return None
    parts = [_estimate_parts(p.rows) for p in panels]
    notes = [not comparison.empty for _d, comparison in parts]
    runs = _runs([p.percent for p in panels])
    labels = [style.group_label(g) for d, _c in parts for g in d["group"]]
    flagged = any(any_flagged(p.rows) for p in panels)
    specs = [layout.Panel(rows=_section_rows([len(parts[i][0]) for i in run], [notes[i] for i in run])[2],
                          title=False, legend_rows=1 if flagged and k == len(runs) - 1 else 0)
             for k, run in enumerate(runs)]
    with style.house_context():
        fig, axes = layout.stack(specs, left=_figure_left(labels))
        for ax, run in zip(axes, runs, strict=True):
            heads, rows, total = _section_rows([len(parts[i][0]) for i in run], [notes[i] for i in run])
            run_labels: list[str] = []
            for k, i in enumerate(run):
                p, (displaced, comparison) = panels[i], parts[i]
                ys = rows[k]
                span = (ys[0] - 0.45, ys[-1] + 0.45)
                sub = ""
                if not comparison.empty:
                    ref = comparison.iloc[0]
                    sub = _comparison_note(ref, p.percent, thresholds)
                    if not ref["withheld"]:
                        colour = style.group_colour("comparison")
                        if not (is_missing(ref.get("ci_low")) or is_missing(ref.get("ci_high"))):
                            ax.fill_betweenx(span, ref["ci_low"], ref["ci_high"], color=colour, alpha=0.12, lw=0,
                                             zorder=0)
                        ax.vlines(ref["estimate"], *span, colors=colour, linestyles="--", linewidth=1.6, zorder=1)
                _header(ax, heads[k], p.title, sub)
                shown = ~displaced["withheld"].to_numpy(dtype=bool)
                if shown.any():
                    _dots(ax, displaced[shown], ys[shown])
                for yi, (_, r) in zip(ys[~shown], displaced[~shown].iterrows(), strict=True):
                    _text_mark(ax, yi, withheld_text(r.get("suppression_reason"), thresholds))
                run_labels += [style.group_label(g) for g in displaced["group"]]
            _forest_axes(ax, heads, rows, run_labels, total)
            first = panels[run[0]]
            if first.percent:
                ax.set_xlim(-0.02, 1.02)
            _value_axis(ax, percent=first.percent)
            ax.set_xlabel(first.xlabel or f"Estimate{' (%)' if first.percent else ''}, {thresholds.level} CI")
        if flagged:
            _key_below(axes[-1], [flag_key()], layout.XAXIS_H + layout.XLABEL_H, ncol=1)
    return fig


def estimate_dot_chart(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    xlabel: str | None = None,
    title: str = "",
) -> Figure | None:
    """One indicator's dot-and-whisker chart (see :func:`estimates_chart`)."""
    if rows is None or rows.empty:
        return None
    return estimates_chart([EstimatePanel(title, rows, percent, xlabel or "")], thresholds=thresholds)


# ------------------------------------------------------------------ gaps ----
def _better_text(direction: str) -> str:
    return {"higher": "better off →", "lower": "← better off"}.get(direction, "")


def _margin_of(rows: pd.DataFrame) -> float | None:
    """The section's equivalence margin δ (the same for every group: it derives from the comparison group)."""
    if "margin" not in rows.columns:
        return None
    values = pd.to_numeric(rows["margin"], errors="coerce").dropna()
    return float(values.iloc[0]) if len(values) else None


def _gap_note(panel: GapPanel, margin: float | None) -> str:
    parts = [_better_text(panel.direction)]
    if margin is not None:
        size = f"{margin * 100:.0f} points" if panel.percent else f"{margin:,.1f}"
        parts.append(f"band: margin ±{size}")
    return " · ".join(p for p in parts if p)


BAND_COLOUR = "#D9D9D9"
BAND_KEY = "shaded band: within the equivalence margin (closed when the whole CI lies below it)"
_STATUS_W = max(layout.text_width(f"{STATUS_SYMBOLS[s]} {status_label(s)}", style.SMALL_SIZE) for s in STATUS_SYMBOLS)


def gaps_chart(panels: Sequence[GapPanel]) -> Figure | None:
    """Gap chart, a section per indicator: gap and CI per displaced group around a zero line, the ±δ band of
    the equivalence margin around zero, the status (symbol and label) at the right, and which side is better
    under the indicator's title. None when no gap can be drawn."""
    panels = [p for p in panels if drawable(p.rows, "gap")]
    if not panels:
        return None
    parts = [_with_withheld(p.rows) for p in panels]
    margins = [_margin_of(p.rows) for p in panels]
    notes = [bool(_gap_note(p, m)) for p, m in zip(panels, margins, strict=True)]
    runs = _runs([p.percent for p in panels])
    labels = [style.group_label(g) for d in parts for g in d["group"]]
    banded = any(m is not None for m in margins)
    specs = [layout.Panel(rows=_section_rows([len(parts[i]) for i in run], [notes[i] for i in run])[2], title=False,
                          legend_rows=(1 if banded else 0) if k == len(runs) - 1 else 0)
             for k, run in enumerate(runs)]
    with style.house_context():
        fig, axes = layout.stack(specs, left=_figure_left(labels), extra_right=_STATUS_W + 0.1)
        for ax, run in zip(axes, runs, strict=True):
            heads, rows, total = _section_rows([len(parts[i]) for i in run], [notes[i] for i in run])
            ax.axvline(0, color="#222222", linewidth=1.2, zorder=1)
            finite: list[float] = []
            run_labels: list[str] = []
            for k, i in enumerate(run):
                p, data, ys, margin = panels[i], parts[i], rows[k], margins[i]
                _header(ax, heads[k], p.title, _gap_note(p, margin))
                if margin is not None:
                    ax.fill_betweenx((ys[0] - 0.45, ys[-1] + 0.45), -margin, margin, color=BAND_COLOUR, lw=0,
                                     zorder=0)
                    finite.append(margin)
                has_gap = data["gap"].notna().to_numpy(dtype=bool)
                if has_gap.any():
                    _dots(ax, data[has_gap].assign(estimate=data.loc[has_gap, "gap"]), ys[has_gap], size=52)
                finite += [float(v) for c in ("gap", "ci_low", "ci_high") for v in data.loc[has_gap, c]
                           if not is_missing(v)]
                for yi, (_, r) in zip(ys, data.iterrows(), strict=True):
                    status = str(r.get("status", "not_assessed"))
                    if is_missing(r.get("gap")):
                        _text_mark(ax, yi, "a value on one side is withheld" if status == "insufficient_data"
                                   else "no gap estimate")
                    ax.text(1.02, yi, f"{STATUS_SYMBOLS.get(status, '')} {status_label(status)}",
                            transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=style.SMALL_SIZE,
                            color="#000000", clip_on=False)
                run_labels += [style.group_label(g) for g in data["group"]]
            _forest_axes(ax, heads, rows, run_labels, total)
            percent = panels[run[0]].percent
            span = max((abs(v) for v in finite), default=0.1 if percent else 1.0) * 1.15
            ax.set_xlim(-span, span)
            _value_axis(ax, percent=percent, gap=True)
            ax.set_xlabel("Gap vs comparison group" + (" (percentage points)" if percent else ""))
        if banded:
            _key_below(axes[-1], [KeyEntry(BAND_KEY, BAND_COLOUR)], layout.XAXIS_H + layout.XLABEL_H, ncol=1)
    return fig


def gap_chart(rows: pd.DataFrame, *, direction: str = "none", percent: bool = True, title: str = "") -> Figure | None:
    """One indicator's gap chart (see :func:`gaps_chart`)."""
    if rows is None or rows.empty:
        return None
    return gaps_chart([GapPanel(title, rows, direction, percent)])


# ------------------------------------------------------------ breakdowns ----
def _legend_rows(n: int) -> int:
    return int(np.ceil(n / 2))


def _text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 else "#FFFFFF"


_KEY_ROW = 0.8  # a key row, in bar rows


def _draw_breakdown(ax: Axes, panel: BreakdownPanel, ys: np.ndarray, key_y: float, *,
                    thresholds: Thresholds) -> list[str]:
    """One indicator's section: a 100% bar per group at ``ys``, its key from ``key_y``; returns the row labels.
    A flagged segment's label carries the flag mark; a group with withheld categories says so after its bar."""
    data = _with_withheld(panel.rows)
    groups = style.order_groups(data["group"])
    categories = list(dict.fromkeys(data["category"].astype(str)))
    withheld = {g: bool(data.loc[data["group"] == g, "withheld"].all()) for g in groups}
    partly = {g: bool(data.loc[data["group"] == g, "withheld"].any()) and not withheld[g] for g in groups}
    shown = data[~data["withheld"]]
    value = {(str(g), str(c)): float(v) for g, c, v in zip(shown["group"], shown["category"], shown["estimate"],
                                                             strict=True)}
    flagged = {(str(r["group"]), str(r["category"])) for r in shown.to_dict("records") if is_flagged(r)}
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
        for yi, g, lo, w in zip(ys, groups, left, width, strict=True):
            mark = FLAG_MARK if (g, cat) in flagged else ""
            room = 0.12 if mark else 0.09  # the flag mark needs room too, or the label runs over the bar end
            text = f"{w * 100:.0f}%{mark}" if w >= room else (mark if w >= 0.03 else "")
            if text:
                ax.text(lo + w / 2, yi, text, ha="center", va="center", fontsize=style.SMALL_SIZE,
                        color=_text_colour(colour), fontweight="bold")
        left = left + width
    for yi, g, end in zip(ys, groups, left, strict=True):
        reasons = data.loc[(data["group"] == g) & data["withheld"], "suppression_reason"]
        if withheld[g]:
            _text_mark(ax, yi, withheld_text(reasons.iloc[0] if len(reasons) else "", thresholds))
        elif partly[g] and end < 0.75:
            _text_mark(ax, yi, "rest withheld", x=end + 0.01)
    if flagged:
        entries.append(KeyEntry(f"{FLAG_MARK} flagged share, read with care", ""))
    # The key reads left to right, row by row, in the order of the segments.
    _key(ax, entries, trans=blended_transform_factory(ax.figure.transFigure, ax.transData),
         row_y=lambda r: key_y + r * _KEY_ROW, swatch_h=0.42)
    return [style.group_label(g) for g in groups]


def breakdowns_chart(panels: Sequence[BreakdownPanel], *, thresholds: Thresholds = DEFAULT_THRESHOLDS
                     ) -> Figure | None:
    """100% stacked bars, a section per indicator and a bar per group, all on one 0–100% axis; each
    section's key lists the categories in the order of the bar segments. A breakdown with no published
    share is left out (its table says why); None when none is left."""
    panels = [p for p in panels if drawable(p.rows)]
    if not panels:
        return None
    heads, rows, keys, y = [], [], [], 0.0
    for p in panels:
        n = p.rows["group"].nunique()
        k = _legend_rows(p.rows["category"].nunique() + (1 if any_flagged(p.rows) else 0))
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
            run_labels += _draw_breakdown(ax, p, ys, ky, thresholds=thresholds)
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
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    title: str = "",
) -> Figure | None:
    """One indicator's stacked bars (see :func:`breakdowns_chart`)."""
    if rows is None or rows.empty:
        return None
    return breakdowns_chart([BreakdownPanel(title, rows, dict(category_labels or {}))], thresholds=thresholds)


# ---------------------------------------------------------------- trends ----
def _compact_number(v: float, _pos: object = None) -> str:
    if not v:
        return "0"
    return f"{v / 1e6:.1f}M" if abs(v) >= 1e6 else f"{v / 1e3:.0f}k" if abs(v) >= 1e3 else f"{v:.0f}"


def figures_trend_chart(figures: pd.DataFrame, *, metrics: Sequence[str] | None = None) -> Figure | None:
    """Small multiples of country-year figures (IDP stock, new displacements, returns) over time."""
    if figures is None or figures.empty:
        return None
    data = figures.dropna(subset=["value"]).copy()
    metrics = [m for m in (metrics or list(_METRIC_LABELS)) if m in set(data["metric"])]
    metrics += sorted(set(data["metric"]) - set(metrics) - set(_METRIC_LABELS))
    if not metrics:
        return None
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
            x = r["year"] + offsets[r["group"]]
            colour = style.group_colour(r["group"])
            if not (is_missing(r.get("ci_low")) or is_missing(r.get("ci_high"))):
                ax.plot([x, x], [r["ci_low"], r["ci_high"]], color=colour, linewidth=1.6)
            if is_flagged(r):  # the flag style of every chart: a hollow marker
                ax.scatter([x], [r["estimate"]], s=40, marker=style.group_marker(r["group"]), facecolors="white",
                           edgecolors=colour, linewidths=1.8, zorder=4)
    else:
        ax.text(0.5, 0.5, "all estimates withheld", transform=ax.transAxes, ha="center", va="center",
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


def trends_chart(panels: Sequence[TrendPanel]) -> Figure | None:
    """Estimate and CI by report year, one panel per indicator, one line per group (dodged slightly so the
    intervals do not hide each other); one legend of groups at the bottom. None with nothing to draw."""
    panels = [p for p in panels if drawable(p.rows)]
    if not panels:
        return None
    all_groups = style.order_groups([g for p in panels for g in p.rows["group"]])
    key = _group_key(all_groups) + ([flag_key()] if any(any_flagged(p.rows) for p in panels) else [])
    legend_rows = _legend_rows(len(key))
    specs = [layout.Panel(rows=3.4, xlabel=False, legend_rows=legend_rows if i == len(panels) - 1 else 0)
             for i in range(len(panels))]
    with style.house_context():
        fig, axes = layout.stack(specs, left=layout.left_margin(["100%"], style.SMALL_SIZE + 0.5) + 0.1)
        for ax, p in zip(axes, panels, strict=True):
            _draw_trend(ax, p)
        _key_below(axes[-1], key, layout.XAXIS_H, ncol=2)
    return fig


def estimate_trend_chart(rows: pd.DataFrame, *, percent: bool = True, title: str = "") -> Figure | None:
    """One indicator's trend chart (see :func:`trends_chart`)."""
    if rows is None or rows.empty:
        return None
    return trends_chart([TrendPanel(title, rows, percent)])


# ---------------------------------------------------------------- global ----
HEATMAP_STATUSES = ("closed", "open", "inconclusive", "insufficient_data")


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
    colour, the table below it spells each cell out); ``failed`` / ``n/a`` without results."""
    if country_status != "ok":
        return "failed", country_status
    if r is None:
        return "not_assessed", "n/a"
    status = str(r["status"])
    text = STATUS_SYMBOLS.get(status, status)
    n, total = _count_of(r, status), r.get("n_indicators")
    if n is not None and not is_missing(total) and int(total) > 0 and status != "insufficient_data":
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
    width = style.FIG_WIDTH + 1.0  # eight columns need the room; the table below repeats every cell
    spec = layout.Panel(rows=len(rows), row_h=0.62, title=False, legend_rows=_legend_rows(len(HEATMAP_STATUSES)))
    kinds = [*HEATMAP_STATUSES, "not_assessed", "failed"]
    code = np.zeros((len(rows), len(crits)))
    text = np.full((len(rows), len(crits)), "", dtype=object)
    for i, (iso, _name) in enumerate(rows):
        for j, crit in enumerate(crits):
            kind, text[i, j] = heatmap_cell(cells.get((iso, crit)), status_of_country.get(iso, "ok"))
            code[i, j] = kinds.index(kind) if kind in kinds else kinds.index("not_assessed")
    cmap = ListedColormap([style.status_colour(k) if k in STATUS_SHORT else "#F2F2F2" for k in kinds])
    with style.house_context():
        fig, (ax,) = layout.stack([spec], left=_figure_left(labels), width=width)
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
        ax.set_xlabel("IASC criterion")
        ax.tick_params(length=0)
        _key_below(ax, [KeyEntry(f"{STATUS_SYMBOLS[s]} {status_label(s)}", style.status_colour(s))
                        for s in HEATMAP_STATUSES], layout.XAXIS_H + layout.XLABEL_H, ncol=2)
    return fig


def country_comparison_chart(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    country_names: dict[str, str] | None = None,
    groups: Sequence[str] = ("idp", "comparison"),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    xlabel: str = "",
) -> Figure | None:
    """Cross-country dot chart with CIs: one row per country, one dodged dot per group (hollow when
    flagged), the reason written where a value is withheld, a key of groups. None with nothing to draw."""
    if rows is None or rows.empty:
        return None
    names = country_names or {}
    data = _with_withheld(rows[rows["group"].isin(groups)])
    if not drawable(data):
        return None
    isos = sorted(set(data["country"]), key=lambda c: names.get(c, c))
    present = style.order_groups(data["group"])
    offsets = {g: (k - (len(present) - 1) / 2) * 0.24 for k, g in enumerate(present)}
    data["y"] = [isos.index(c) + offsets[g] for c, g in zip(data["country"], data["group"], strict=True)]
    labels = [names.get(c, c) for c in isos]
    key = _group_key(present) + ([flag_key()] if any_flagged(data) else [])
    ncol = 2 if len(key) > 3 else len(key)
    spec = layout.Panel(rows=len(isos), row_h=0.32 + 0.14 * len(present), title=False,
                        legend_rows=int(np.ceil(len(key) / ncol)))
    with style.house_context():
        fig, (ax,) = layout.stack([spec], left=_figure_left(labels))
        shown = data[~data["withheld"]]
        if not shown.empty:
            _dots(ax, shown, shown["y"].tolist(), size=48)
        for _, r in data[data["withheld"]].iterrows():
            _text_mark(ax, r["y"], f"{style.group_label(r['group'])}: "
                       + withheld_text(r.get("suppression_reason"), thresholds))
        _rows_axis(ax, labels)
        if percent:
            ax.set_xlim(-0.02, 1.02)
        _value_axis(ax, percent=percent)
        ax.set_xlabel(xlabel or f"Estimate{' (%)' if percent else ''}, with {thresholds.level} CI")
        _key_below(ax, key, layout.XAXIS_H + layout.XLABEL_H, ncol=ncol)
    return fig


def solutions_by_country_chart(
    rows: pd.DataFrame,
    *,
    country_names: dict[str, str] | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Figure | None:
    """The solutions measure (``SOL-1``) by country: a dot per displaced group beside the comparison group
    (the benchmark), with CIs."""
    if rows is None or rows.empty:
        return None
    groups = style.order_groups(rows["group"])
    return country_comparison_chart(rows, percent=True, country_names=country_names, groups=groups,
                                    thresholds=thresholds,
                                    xlabel=f"Households meeting the measure (%), {thresholds.level} CI")


BENCHMARK_LABEL = "Comparison group (benchmark)"


def benchmark_chart(rows: pd.DataFrame, *, percent: bool = True, thresholds: Thresholds = DEFAULT_THRESHOLDS,
                    xlabel: str = "") -> Figure | None:
    """One row per group, displaced groups first and the comparison group last as the benchmark, each with
    its estimate and CI (hollow when flagged) or the reason it is withheld. None with nothing to draw."""
    if not drawable(rows):
        return None
    data = _with_withheld(rows)
    labels = [BENCHMARK_LABEL if g == "comparison" else style.group_label(g) for g in data["group"]]
    flagged = any_flagged(data)
    spec = layout.Panel(rows=len(data), title=False, legend_rows=1 if flagged else 0)
    with style.house_context():
        fig, (ax,) = layout.stack([spec], left=_figure_left(labels))
        ys = np.arange(len(data), dtype=float)
        shown = ~data["withheld"].to_numpy(dtype=bool)
        if shown.any():
            _dots(ax, data[shown], ys[shown])
        for yi, r in zip(ys[~shown], data[~shown].to_dict("records"), strict=True):
            _text_mark(ax, yi, withheld_text(r.get("suppression_reason"), thresholds))
        if "comparison" in set(data["group"]) and len(data) > 1:
            ax.axhline(len(data) - 1.5, color="#BBBBBB", linewidth=0.8, zorder=0)
        _rows_axis(ax, labels)
        if percent:
            ax.set_xlim(-0.02, 1.02)
        _value_axis(ax, percent=percent)
        ax.set_xlabel(xlabel or f"Estimate{' (%)' if percent else ''}, {thresholds.level} CI")
        if flagged:
            _key_below(ax, [flag_key()], layout.XAXIS_H + layout.XLABEL_H, ncol=1)
    return fig
