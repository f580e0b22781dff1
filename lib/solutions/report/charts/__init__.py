"""Charts of results tables in the house style. Every function returns a matplotlib ``Figure``, never shows it.

Figures are ``matplotlib.figure.Figure`` objects (not pyplot), so nothing leaks into a notebook as a
``<Figure ...>`` repr; ``figures.show_figure`` turns them into an SVG ``<img>`` with alt text. A builder
returns None when there is nothing to draw (no rows, or every value withheld): the page says so in a
sentence instead of showing an empty frame with a legend. Withheld rows are written on the chart as the
reason ("withheld: fewer than 30 respondents"), never plotted; flagged estimates (``cells.is_flagged``)
are drawn as hollow markers, the one flag style of the charts, explained in the key.

Speed matters (a country chapter draws a few dozen panels): positions come from :mod:`..layout` (no
constrained-layout pass), one figure carries all indicators of a criterion as stacked panels, and the
per-panel marks are drawn with matplotlib primitives on seaborn-styled axes. seaborn supplies the theme and
draws the charts where its statistics-aware API does real work (the heatmap and the line charts).

Modules: ``base`` (what every chart shares), ``forest`` (estimates, gaps, the measure beside its
benchmark), ``breakdowns`` (stacked bars), ``trends`` (over report years), ``overview`` (the global page).
"""

from .base import FLAG_KEY_LABEL, KeyEntry, key_labels
from .breakdowns import BreakdownPanel, breakdowns_chart, stacked_bar_chart
from .forest import (
    BAND_KEY,
    BENCHMARK_LABEL,
    EstimatePanel,
    GapPanel,
    benchmark_chart,
    estimate_dot_chart,
    estimates_chart,
    gap_chart,
    gaps_chart,
)
from .overview import country_comparison_chart, criteria_heatmap, heatmap_cell, solutions_by_country_chart
from .trends import TrendPanel, estimate_trend_chart, figures_trend_chart, trends_chart

__all__ = [
    "BAND_KEY",
    "BENCHMARK_LABEL",
    "FLAG_KEY_LABEL",
    "BreakdownPanel",
    "EstimatePanel",
    "GapPanel",
    "KeyEntry",
    "TrendPanel",
    "benchmark_chart",
    "breakdowns_chart",
    "country_comparison_chart",
    "criteria_heatmap",
    "estimate_dot_chart",
    "estimate_trend_chart",
    "estimates_chart",
    "figures_trend_chart",
    "gap_chart",
    "gaps_chart",
    "heatmap_cell",
    "key_labels",
    "solutions_by_country_chart",
    "stacked_bar_chart",
    "trends_chart",
]
