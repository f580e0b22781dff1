"""Seaborn charts of results tables. Every function returns a matplotlib ``Figure`` and never shows it.

Figures are built with ``matplotlib.figure.Figure`` (not pyplot), so nothing leaks into the notebook as a
``<Figure ...>`` repr; ``figures.show_figure`` turns them into an inline PNG. Suppressed rows (estimate NaN
or ``suppressed`` True) are written on the chart as a text mark such as "suppressed: n < 30", never plotted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, PercentFormatter

from . import style
from .formatting import DEFAULT_MIN_N, fmt_gap, fmt_value, is_missing, row_is_suppressed, suppression_text

__all__ = [
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


def _new_figure(size: tuple[float, float]) -> Figure:
    return Figure(figsize=size, layout="constrained", dpi=style.DPI)


def empty_figure(message: str = "No data available") -> Figure:
    """A small figure carrying only a message (used when there is nothing to plot)."""
    with style.house_context():
        fig = _new_figure((style.FIG_WIDTH, 1.4))
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=style.FONT_SIZE, color="#333333")
    return fig


def _value_axis(ax, *, percent: bool, axis: str = "x", gap: bool = False) -> None:
    target = ax.xaxis if axis == "x" else ax.yaxis
    if percent and gap:
        target.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:+.0f} pp" if v else "0"))
    elif percent:
        target.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _scalar_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by house group order, with a ``withheld`` column."""
    if rows.empty:
        return rows.assign(withheld=pd.Series(dtype=bool))
    order = style.order_groups(rows["group"])
    out = rows.copy()
    out["withheld"] = [row_is_suppressed(r) for _, r in out.iterrows()]
    out["_order"] = out["group"].map({g: i for i, g in enumerate(order)})
    return out.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def _draw_whiskers(ax, data: pd.DataFrame, x: str, lo: str, hi: str, y: str, colour_of) -> None:
    for _, r in data.iterrows():
        if is_missing(r[lo]) or is_missing(r[hi]):
            continue
        ax.hlines(r[y], r[lo], r[hi], colors=colour_of(r), linewidth=2.2, zorder=2)


def _group_scatter(ax, data: pd.DataFrame, x: str, y: str, *, size: float = 90) -> None:
    groups = style.order_groups(data["group"])
    sns.scatterplot(
        data=data,
        x=x,
        y=y,
        hue="group",
        hue_order=groups,
        style="group",
        style_order=groups,
        palette={g: style.group_colour(g) for g in groups},
        markers={g: style.group_marker(g) for g in groups},
        s=size,
        edgecolor="white",
        linewidth=0.8,
        zorder=3,
        legend=False,
        ax=ax,
    )


def _text_mark(ax, y: float, text: str, *, x: float = 0.01) -> None:
    ax.text(
        x,
        y,
        text,
        transform=ax.get_yaxis_transform(),
        va="center",
        ha="left",
        fontsize=style.SMALL_SIZE,
        fontstyle="italic",
        color="#333333",
    )


def estimate_dot_chart(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    min_n: int = DEFAULT_MIN_N,
    xlabel: str | None = None,
) -> Figure:
    """Dot-and-whisker of estimate and CI per displaced group; the comparison group is the reference line.

    ``rows``: estimates rows of one indicator, one disaggregation value and category ``""``.
    """
    if rows is None or rows.empty:
        return empty_figure()
    data = _scalar_rows(rows)
    displaced = data[data["group"] != "comparison"].reset_index(drop=True)
    comparison = data[data["group"] == "comparison"]
    if displaced.empty:
        displaced = data.reset_index(drop=True)
        comparison = comparison.iloc[0:0]
    displaced["y"] = np.arange(len(displaced), dtype=float)
    with style.house_context():
        fig = _new_figure(style.figure_size(len(displaced) + 1))
        ax = fig.add_subplot()
        ref_text = None
        if not comparison.empty:
            ref = comparison.iloc[0]
            if ref["withheld"]:
                ref_text = "Comparison group: " + suppression_text(ref.get("suppression_reason"), min_n=min_n)
            else:
                colour = style.group_colour("comparison")
                if not (is_missing(ref.get("ci_low")) or is_missing(ref.get("ci_high"))):
                    ax.axvspan(ref["ci_low"], ref["ci_high"], color=colour, alpha=0.12, lw=0, zorder=0)
                ax.axvline(ref["estimate"], color=colour, linestyle="--", linewidth=1.6, zorder=1)
                ref_text = f"Comparison group: {fmt_value(ref['estimate'], percent=percent)} (dashed line)"
        shown = displaced[~displaced["withheld"]]
        if not shown.empty:
            _draw_whiskers(ax, shown, "estimate", "ci_low", "ci_high", "y", lambda r: style.group_colour(r["group"]))
            _group_scatter(ax, shown, "estimate", "y")
        for _, r in displaced[displaced["withheld"]].iterrows():
            _text_mark(ax, r["y"], suppression_text(r.get("suppression_reason"), min_n=min_n))
        ax.set_yticks(displaced["y"].tolist(), [style.group_label(g) for g in displaced["group"]])
        ax.set_ylim(len(displaced) - 0.5, -0.5)
        if percent or shown.empty and comparison.empty:
            ax.set_xlim(0, 1)
        _value_axis(ax, percent=percent)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel or ("Estimate (%), with 95% confidence interval" if percent else "Estimate, with CI"))
        ax.set_ylabel("")
        if ref_text:
            ax.set_title(ref_text, fontsize=style.SMALL_SIZE + 0.5, fontweight="normal", loc="left")
    return fig


def _better_text(direction: str) -> tuple[str, str] | None:
    if direction == "higher":
        return ("← worse off than comparison", "better off →")
    if direction == "lower":
        return ("← better off than comparison", "worse off →")
    return None


def gap_chart(rows: pd.DataFrame, *, direction: str = "none", percent: bool = True) -> Figure:
    """Gap (displaced group minus comparison) with CI per displaced group, a zero line and a
    direction-aware "better off" annotation; each row is labelled with its status in text."""
    if rows is None or rows.empty:
        return empty_figure("No gap assessed")
    data = _scalar_rows(rows.rename(columns={"gap": "estimate"}))
    data["y"] = np.arange(len(data), dtype=float)
    with style.house_context():
        fig = _new_figure(style.figure_size(len(data) + 1))
        ax = fig.add_subplot()
        ax.axvline(0, color="#222222", linewidth=1.2, zorder=1)
        shown = data[~data["withheld"]]
        if not shown.empty:
            _draw_whiskers(ax, shown, "estimate", "ci_low", "ci_high", "y", lambda r: style.group_colour(r["group"]))
            _group_scatter(ax, shown, "estimate", "y")
            span = np.nanmax(np.abs(shown[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float)))
            span = float(span) if np.isfinite(span) and span > 0 else (0.1 if percent else 1.0)
            ax.set_xlim(-span * 1.35, span * 1.35)
        else:
            ax.set_xlim(-1 if not percent else -0.1, 1 if not percent else 0.1)
        for _, r in data.iterrows():
            status = str(r.get("status", "") or "")
            if r["withheld"]:
                _text_mark(ax, r["y"], style.status_label(status or "insufficient_data"))
            else:
                ax.text(
                    1.0,
                    r["y"] - 0.32,
                    f"{fmt_gap(r['estimate'], percent=percent)} · {style.status_label(status)}",
                    transform=ax.get_yaxis_transform(),
                    ha="right",
                    va="center",
                    fontsize=style.SMALL_SIZE,
                    color="#222222",
                )
        ax.set_yticks(data["y"].tolist(), [style.group_label(g) for g in data["group"]])
        ax.set_ylim(len(data) - 0.4, -0.75)
        _value_axis(ax, percent=percent, gap=True)
        ax.grid(axis="y", visible=False)
        ax.set_ylabel("")
        ax.set_xlabel("Gap vs comparison group" + (" (percentage points)" if percent else ""))
        better = _better_text(direction)
        if better:
            ax.text(0.0, -0.30, better[0], transform=ax.transAxes, ha="left", va="top", fontsize=style.SMALL_SIZE)
            ax.text(1.0, -0.30, better[1], transform=ax.transAxes, ha="right", va="top", fontsize=style.SMALL_SIZE)
    return fig


def stacked_bar_chart(
    rows: pd.DataFrame,
    *,
    category_labels: dict[str, str] | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> Figure:
    """100% stacked horizontal bars of a distribution / by-reason breakdown, one bar per group.

    Segments carry their percentage as text when wide enough; a group whose categories are withheld
    shows a text mark instead of a bar.
    """
    if rows is None or rows.empty:
        return empty_figure()
    data = _scalar_rows(rows)
    groups = style.order_groups(data["group"])
    categories = list(dict.fromkeys(data["category"].astype(str)))
    labels = category_labels or {}
    withheld = {g: bool(data.loc[data["group"] == g, "withheld"].all()) for g in groups}
    shown = data[~data["withheld"] & data["group"].map(lambda g: not withheld[g])].copy()
    shown["label"] = shown["group"].map(style.group_label)
    with style.house_context():
        fig = _new_figure(style.figure_size(len(groups) + 1.5, row_height=0.55))
        ax = fig.add_subplot()
        ylabels = [style.group_label(g) for g in groups]
        base = pd.DataFrame({"label": ylabels, "cum": 0.0})
        if not shown.empty:
            wide = shown.pivot_table(index="label", columns="category", values="estimate", aggfunc="sum")
            wide = wide.reindex(index=ylabels, columns=categories).fillna(0.0)
            cum = wide.cumsum(axis=1)
            # Draw from the longest cumulative bar to the shortest so each category shows as a segment.
            for i in reversed(range(len(categories))):
                cat = categories[i]
                frame = pd.DataFrame({"label": ylabels, "cum": cum[cat].to_numpy()})
                sns.barplot(
                    data=frame,
                    x="cum",
                    y="label",
                    order=ylabels,
                    color=_CATEGORY_PALETTE[i % len(_CATEGORY_PALETTE)],
                    hatch=_CATEGORY_HATCHES[i % len(_CATEGORY_HATCHES)] or None,
                    edgecolor="white",
                    linewidth=0.8,
                    width=0.65,
                    saturation=1.0,
                    label=labels.get(cat, cat.replace("_", " ")),
                    ax=ax,
                    orient="h",
                )
            for yi, lab in enumerate(ylabels):
                left = 0.0
                for cat in categories:
                    w = float(wide.loc[lab, cat]) if lab in wide.index else 0.0
                    if w >= 0.08:
                        ax.text(left + w / 2, yi, f"{w * 100:.0f}%", ha="center", va="center",
                                fontsize=style.SMALL_SIZE, color="#000000",
                                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75})
                    left += w
            handles, hl = ax.get_legend_handles_labels()
            ax.legend(handles[::-1], hl[::-1], loc="upper center", bbox_to_anchor=(0.5, -0.22),
                      ncol=min(3, len(categories)), frameon=False)
        else:
            sns.barplot(data=base, x="cum", y="label", order=ylabels, ax=ax, orient="h")
        for yi, g in enumerate(groups):
            if withheld[g]:
                reasons = data.loc[data["group"] == g, "suppression_reason"]
                reason = reasons.iloc[0] if len(reasons) else ""
                _text_mark(ax, yi, suppression_text(reason, min_n=min_n))
        ax.set_xlim(0, 1)
        _value_axis(ax, percent=True)
        ax.set_ylabel("")
        ax.set_xlabel("Share of the universe (%)")
        ax.grid(axis="y", visible=False)
    return fig


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
    with style.house_context():
        fig = _new_figure((style.FIG_WIDTH, 0.6 + 1.6 * len(metrics)))
        axes = fig.subplots(len(metrics), 1, sharex=True, squeeze=False)[:, 0]
        for ax, metric in zip(axes, metrics, strict=True):
            sub = data[data["metric"] == metric].sort_values("year")
            sns.lineplot(data=sub, x="year", y="value", marker="o", color=_METRIC_COLOURS.get(metric, "#333333"),
                         linewidth=2, markersize=6, ax=ax, errorbar=None)
            ax.set_title(_METRIC_LABELS.get(metric, metric.replace("_", " ")), fontsize=style.SMALL_SIZE + 1)
            ax.set_ylabel("")
            ax.set_xlabel("")
            ax.set_ylim(0, float(sub["value"].max()) * 1.15 or 1.0)
            ax.yaxis.set_major_formatter(
                FuncFormatter(lambda v, _: f"{v / 1e6:.1f}M" if abs(v) >= 1e6 else f"{v / 1e3:.0f}k" if v else "0")
            )
        years = sorted(data["year"].unique())
        axes[-1].set_xticks(years, [str(y) for y in years])
        axes[-1].set_xlabel("Year")
    return fig


def estimate_trend_chart(rows: pd.DataFrame, *, percent: bool = True) -> Figure:
    """Estimate and CI by report year, one line per group (rows: one indicator, total, category "")."""
    if rows is None or rows.empty:
        return empty_figure()
    data = _scalar_rows(rows)
    data["year"] = data["year"].astype(int)
    shown = data[~data["withheld"]]
    if shown.empty:
        return empty_figure("All estimates suppressed")
    groups = style.order_groups(shown["group"])
    with style.house_context():
        fig = _new_figure((style.FIG_WIDTH, 3.2))
        ax = fig.add_subplot()
        sns.lineplot(data=shown, x="year", y="estimate", hue="group", hue_order=groups, style="group",
                     style_order=groups, markers={g: style.group_marker(g) for g in groups}, dashes=False,
                     palette={g: style.group_colour(g) for g in groups}, errorbar=None, ax=ax)
        for _, r in shown.iterrows():
            if not (is_missing(r.get("ci_low")) or is_missing(r.get("ci_high"))):
                ax.vlines(r["year"], r["ci_low"], r["ci_high"], colors=style.group_colour(r["group"]), linewidth=1.6)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles, [style.group_label(g) for g in labels], loc="upper center",
                  bbox_to_anchor=(0.5, -0.18), ncol=len(groups))
        years = sorted(data["year"].unique())
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlabel("")
        ax.set_ylabel("Estimate (%)" if percent else "Estimate")
        if percent:
            ax.set_ylim(0, 1)
        _value_axis(ax, percent=percent, axis="y")
    return fig


def criteria_heatmap(
    criteria: pd.DataFrame,
    *,
    countries: pd.DataFrame | None = None,
    criterion_names: dict[int, str] | None = None,
    group: str = "idp",
) -> Figure:
    """Countries × criteria: share of indicators whose gap is closed for ``group``.

    Each cell is annotated with text (e.g. ``2/3`` and the status); cells with insufficient data, not
    assessed, or for a failed/missing country are hatched and labelled, never shown by colour alone.
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
    sub = criteria[criteria["group"] == group] if not criteria.empty else criteria
    share = np.full((len(rows), len(crits)), np.nan)
    text = np.full((len(rows), len(crits)), "", dtype=object)
    hatch: dict[tuple[int, int], str] = {}
    for i, (iso, _name) in enumerate(rows):
        cstatus = status_of_country.get(iso, "ok")
        for j, crit in enumerate(crits):
            if cstatus != "ok":
                hatch[(i, j)] = "failed"
                text[i, j] = cstatus
                continue
            cell = sub[(sub["country"] == iso) & (sub["criterion"].astype(int) == crit)]
            if cell.empty:
                hatch[(i, j)] = "not_assessed"
                text[i, j] = "not\nassessed"
                continue
            r = cell.iloc[0]
            status = str(r["status"])
            n_ind = int(r["n_indicators"]) if not is_missing(r.get("n_indicators")) else 0
            n_closed = int(r["n_closed"]) if not is_missing(r.get("n_closed")) else 0
            if status in ("closed", "open") and n_ind > 0:
                share[i, j] = n_closed / n_ind
                text[i, j] = f"{n_closed}/{n_ind}\n{'closed' if status == 'closed' else 'open'}"
            else:
                hatch[(i, j)] = status if status in style.STATUS_HATCHES else "not_assessed"
                text[i, j] = "insufficient\ndata" if status == "insufficient_data" else "not\nassessed"
    cmap = LinearSegmentedColormap.from_list("sos_share", list(style.SHARE_CMAP_COLOURS))
    frame = pd.DataFrame(share, index=[r[1] for r in rows], columns=[str(c) for c in crits])
    with style.house_context():
        fig = _new_figure((style.FIG_WIDTH + 0.8, max(2.6, 1.5 + 0.62 * len(rows))))
        ax = fig.add_subplot()
        sns.heatmap(frame, ax=ax, cmap=cmap, vmin=0, vmax=1, linewidths=1.5, linecolor="white",
                    cbar_kws={"label": "Indicators with gap closed", "format": PercentFormatter(1.0, 0),
                              "shrink": 0.8},
                    annot=False, square=False)
        for (i, j), kind in hatch.items():
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor="#F2F2F2", edgecolor="#666666",
                                   hatch=style.STATUS_HATCHES.get(kind, "..."), linewidth=0, zorder=2))
        for i in range(len(rows)):
            for j in range(len(crits)):
                ax.text(j + 0.5, i + 0.5, text[i, j], ha="center", va="center", fontsize=style.SMALL_SIZE - 1.5,
                        color="#000000", zorder=3,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}
                        if (i, j) in hatch else None)
        ax.set_xticks(np.arange(len(crits)) + 0.5, [str(c) for c in crits], rotation=0)
        ax.set_xlabel("IASC criterion")
        ax.set_ylabel("")
        ax.tick_params(axis="y", rotation=0)
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
    return fig


def country_comparison_chart(
    rows: pd.DataFrame,
    *,
    percent: bool = True,
    country_names: dict[str, str] | None = None,
    groups: Sequence[str] = ("idp", "comparison"),
    min_n: int = DEFAULT_MIN_N,
) -> Figure:
    """Cross-country dot chart with CIs: one row per country, one dodged dot per group."""
    if rows is None or rows.empty:
        return empty_figure()
    names = country_names or {}
    data = _scalar_rows(rows[rows["group"].isin(groups)])
    if data.empty:
        return empty_figure()
    isos = sorted(set(data["country"]), key=lambda c: names.get(c, c))
    present = [g for g in style.order_groups(data["group"])]
    offsets = {g: (k - (len(present) - 1) / 2) * 0.22 for k, g in enumerate(present)}
    data["y"] = [isos.index(c) + offsets[g] for c, g in zip(data["country"], data["group"], strict=True)]
    with style.house_context():
        fig = _new_figure(style.figure_size(len(isos) + 1, row_height=0.6))
        ax = fig.add_subplot()
        shown = data[~data["withheld"]]
        if not shown.empty:
            _draw_whiskers(ax, shown, "estimate", "ci_low", "ci_high", "y", lambda r: style.group_colour(r["group"]))
            _group_scatter(ax, shown, "estimate", "y", size=60)
        for _, r in data[data["withheld"]].iterrows():
            _text_mark(ax, r["y"], f"{style.group_label(r['group'])}: "
                       + suppression_text(r.get("suppression_reason"), min_n=min_n))
        ax.set_yticks(range(len(isos)), [names.get(c, c) for c in isos])
        ax.set_ylim(len(isos) - 0.5, -0.5)
        if percent:
            ax.set_xlim(0, 1)
        _value_axis(ax, percent=percent)
        ax.grid(axis="y", visible=False)
        ax.set_ylabel("")
        ax.set_xlabel("Estimate (%), with 95% confidence interval" if percent else "Estimate, with CI")
        handles = [Line2D([], [], marker=style.group_marker(g), color=style.group_colour(g), linestyle="-",
                          markersize=7, label=style.group_label(g)) for g in present]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=len(present))
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
    return country_comparison_chart(rows, percent=True, country_names=country_names, groups=groups, min_n=min_n)
