"""Dot-and-whisker charts of one country: estimates by group (the comparison group as a dashed reference),
gaps with the ±δ band of the equivalence margin, and the solutions measure beside its benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from solutions.config import Thresholds

from .. import layout, style
from ..cells import value_text
from ..formatting import is_missing
from ..records import row_dicts
from ..wording import (
    BENCHMARK_LABEL,
    STATUS_SYMBOLS,
    margin_text,
    status_label,
    withheld_text,
)
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
    forest_axes,
    key_below,
    rows_axis,
    runs_of,
    section_header,
    section_rows,
    tall_rows,
    text_mark,
    value_axis,
    with_withheld,
)


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


# ----------------------------------------------------------- estimates ----
def _estimate_parts(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = with_withheld(rows)
    displaced = data[data["group"] != "comparison"].reset_index(drop=True)
    comparison = data[data["group"] == "comparison"]
    if displaced.empty:
        return data.reset_index(drop=True), comparison.iloc[0:0]
    return displaced, comparison


def _comparison_note(ref: pd.Series, percent: bool, thresholds: Thresholds) -> str:
    if ref["withheld"]:
        return "Comparison group: " + withheld_text(ref.get("suppression_reason"), thresholds)
    return f"Comparison group (dashed line, shaded CI): {value_text(ref, percent=percent)}"


@layout.phone_layout
def estimates_chart(panels: Sequence[EstimatePanel], *, thresholds: Thresholds
                    ) -> Figure | None:
    """Dot-and-whisker chart, a section per indicator: estimate and CI per displaced group, the comparison
    group as a dashed reference line with its CI band. Indicators in the same unit share one axis.
    None when no panel has a number to draw."""
    panels = [p for p in panels if drawable(p.rows)]
    if not panels:
        return None
    parts = [_estimate_parts(p.rows) for p in panels]
    notes = [_comparison_note(c.iloc[0], p.percent, thresholds) if not c.empty else ""
             for p, (_d, c) in zip(panels, parts, strict=True)]
    tall = [tall_rows(d["withheld"].to_numpy(dtype=bool)) for d, _c in parts]
    runs = runs_of([p.percent for p in panels])
    labels = [style.group_label(g) for d, _c in parts for g in d["group"]]
    flagged = any(any_flagged(p.rows) for p in panels)
    specs = [layout.Panel(rows=section_rows([len(parts[i][0]) for i in run], [notes[i] for i in run],
                                            [tall[i] for i in run])[2],
                          title=False, legend_rows=1 if flagged and k == len(runs) - 1 else 0)
             for k, run in enumerate(runs)]
    with style.house_context():
        fig, axes = layout.stack(specs, left=figure_left(labels))
        for ax, run in zip(axes, runs, strict=True):
            heads, rows, total = section_rows([len(parts[i][0]) for i in run], [notes[i] for i in run],
                                              [tall[i] for i in run])
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
                section_header(ax, heads[k], p.title, sub)
                shown = ~displaced["withheld"].to_numpy(dtype=bool)
                if shown.any():
                    dots(ax, displaced[shown], ys[shown])
                for yi, (_, r) in zip(ys[~shown], displaced[~shown].iterrows(), strict=True):
                    text_mark(ax, yi, withheld_text(r.get("suppression_reason"), thresholds))
                run_labels += [style.group_label(g) for g in displaced["group"]]
            forest_axes(ax, heads, rows, run_labels, total)
            first = panels[run[0]]
            if first.percent:
                ax.set_xlim(-0.02, 1.02)
            value_axis(ax, percent=first.percent)
            axis_label(ax, first.xlabel or f"Estimate{' (%)' if first.percent else ''}, {thresholds.level} CI")
        if flagged:
            key_below(axes[-1], [flag_key()], layout.XAXIS_H + layout.xlabel_h(), ncol=1)
    return fig


@layout.phone_layout
def estimate_dot_chart(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    thresholds: Thresholds,
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
        parts.append(f"band: margin ±{margin_text(margin, percent=panel.percent)}")
    return " · ".join(p for p in parts if p)


BAND_COLOUR = "#D9D9D9"
BAND_KEY = "grey band: ± the equivalence margin"
#: On a phone's chart a status wider than this (inches) is set on two lines, so the plot keeps some width.
_PHONE_STATUS_W = 1.0


def _status_text(status: str) -> str:
    """A gap's status at the right of its row: symbol and label (on a phone's chart broken into two lines when
    wider than ``_PHONE_STATUS_W``)."""
    text = f"{STATUS_SYMBOLS.get(status, '')} {status_label(status)}"
    return fit_lines(text, _PHONE_STATUS_W) if layout.is_narrow() else text


def _status_width() -> float:
    return max(layout.text_width(_status_text(s), style.SMALL_SIZE) for s in STATUS_SYMBOLS)



@layout.phone_layout
def gaps_chart(panels: Sequence[GapPanel]) -> Figure | None:
    """Gap chart, a section per indicator: gap and CI per displaced group around a zero line, the ±δ band of
    the equivalence margin around zero, the status (symbol and label) at the right, and which side is better
    under the indicator's title. None when no gap can be drawn."""
    panels = [p for p in panels if drawable(p.rows, "gap")]
    if not panels:
        return None
    parts = [with_withheld(p.rows) for p in panels]
    margins = [_margin_of(p.rows) for p in panels]
    notes = [_gap_note(p, m) for p, m in zip(panels, margins, strict=True)]
    # a row without a gap says why, and a status set on two lines: on a phone such a row needs room
    tall = [tall_rows([is_missing(r.get("gap")) or "\n" in _status_text(str(r.get("status", "not_assessed")))
                       for r in row_dicts(d)]) for d in parts]
    runs = runs_of([p.percent for p in panels])
    labels = [style.group_label(g) for d in parts for g in d["group"]]
    banded = any(m is not None for m in margins)
    # a flagged gap (either estimate flagged, or its own df too few) is hollow, as a flagged estimate is
    flagged = any(any_flagged(d.assign(estimate=d["gap"])) for d in parts)
    keys = ([KeyEntry(BAND_KEY, BAND_COLOUR)] if banded else []) + ([flag_key()] if flagged else [])
    specs = [layout.Panel(rows=section_rows([len(parts[i]) for i in run], [notes[i] for i in run],
                                            [tall[i] for i in run])[2], title=False,
                          legend_rows=len(keys) if k == len(runs) - 1 else 0)
             for k, run in enumerate(runs)]
    with style.house_context():
        fig, axes = layout.stack(specs, left=figure_left(labels), extra_right=_status_width() + 0.1)
        for ax, run in zip(axes, runs, strict=True):
            heads, rows, total = section_rows([len(parts[i]) for i in run], [notes[i] for i in run],
                                              [tall[i] for i in run])
            ax.axvline(0, color="#222222", linewidth=1.2, zorder=1)
            finite: list[float] = []
            run_labels: list[str] = []
            for k, i in enumerate(run):
                p, data, ys, margin = panels[i], parts[i], rows[k], margins[i]
                section_header(ax, heads[k], p.title, _gap_note(p, margin))
                if margin is not None:
                    ax.fill_betweenx((ys[0] - 0.45, ys[-1] + 0.45), -margin, margin, color=BAND_COLOUR, lw=0,
                                     zorder=0)
                    finite.append(margin)
                has_gap = data["gap"].notna().to_numpy(dtype=bool)
                if has_gap.any():
                    dots(ax, data[has_gap].assign(estimate=data.loc[has_gap, "gap"]), ys[has_gap], size=52)
                finite += [float(v) for c in ("gap", "ci_low", "ci_high") for v in data.loc[has_gap, c]
                           if not is_missing(v)]
                for yi, (_, r) in zip(ys, data.iterrows(), strict=True):
                    status = str(r.get("status", "not_assessed"))
                    if is_missing(r.get("gap")):
                        text_mark(ax, yi, "a value on one side is withheld" if status == "insufficient_data"
                                   else "no gap estimate", right=0.0)  # the status column follows the plot
                    ax.text(1.02, yi, _status_text(status), transform=ax.get_yaxis_transform(), ha="left",
                            va="center", fontsize=style.SMALL_SIZE, color="#000000", clip_on=False,
                            linespacing=LINESPACING)
                run_labels += [style.group_label(g) for g in data["group"]]
            forest_axes(ax, heads, rows, run_labels, total)
            percent = panels[run[0]].percent
            span = max((abs(v) for v in finite), default=0.1 if percent else 1.0) * 1.15
            ax.set_xlim(-span, span)
            value_axis(ax, percent=percent, gap=True)
            axis_label(ax, "Gap vs comparison group" + (" (percentage points)" if percent else ""))
        if keys:
            key_below(axes[-1], keys, layout.XAXIS_H + layout.xlabel_h(), ncol=1)
    return fig


@layout.phone_layout
def gap_chart(rows: pd.DataFrame, *, direction: str = "none", percent: bool = True, title: str = "") -> Figure | None:
    """One indicator's gap chart (see :func:`gaps_chart`)."""
    if rows is None or rows.empty:
        return None
    return gaps_chart([GapPanel(title, rows, direction, percent)])


@layout.phone_layout
def benchmark_chart(rows: pd.DataFrame, *, percent: bool = True, thresholds: Thresholds,
                    xlabel: str = "") -> Figure | None:
    """One row per group, displaced groups first and the comparison group last as the benchmark, each with
    its estimate and CI (hollow when flagged) or the reason it is withheld. None with nothing to draw."""
    if not drawable(rows):
        return None
    data = with_withheld(rows)
    labels = [BENCHMARK_LABEL if g == "comparison" else style.group_label(g) for g in data["group"]]
    flagged = any_flagged(data)
    spec = layout.Panel(rows=len(data), title=False, legend_rows=1 if flagged else 0)
    # "Comparison group (benchmark)" on two lines on a phone too (a third would run into the row above)
    label_width = 16 if layout.is_narrow() else None
    with style.house_context():
        fig, (ax,) = layout.stack([spec], left=figure_left(labels, width=label_width))
        ys = np.arange(len(data), dtype=float)
        shown = ~data["withheld"].to_numpy(dtype=bool)
        if shown.any():
            dots(ax, data[shown], ys[shown])
        for yi, r in zip(ys[~shown], row_dicts(data[~shown]), strict=True):
            text_mark(ax, yi, withheld_text(r.get("suppression_reason"), thresholds))
        if "comparison" in set(data["group"]) and len(data) > 1:
            ax.axhline(len(data) - 1.5, color="#BBBBBB", linewidth=0.8, zorder=0)
        rows_axis(ax, labels, width=label_width)
        if percent:
            ax.set_xlim(-0.02, 1.02)
        value_axis(ax, percent=percent)
        axis_label(ax, xlabel or f"Estimate{' (%)' if percent else ''}, {thresholds.level} CI")
        if flagged:
            key_below(ax, [flag_key()], layout.XAXIS_H + layout.xlabel_h(), ncol=1)
    return fig
