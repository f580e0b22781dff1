import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from solutions.report import charts

from .conftest import CRITERIA, make_criteria, make_estimates, make_figures, make_gaps

pytestmark = pytest.mark.filterwarnings("error")


def _texts(fig: Figure) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


def _plotted_y(fig: Figure) -> list[float]:
    """y of every plotted marker (scatter collections)."""
    ys: list[float] = []
    for ax in fig.axes:
        for coll in ax.collections:
            if not isinstance(coll, PathCollection):
                continue
            offsets = np.asarray(coll.get_offsets())
            if offsets.size and offsets.ndim == 2:
                ys.extend(offsets[:, 1].tolist())
    return ys


def test_dot_chart_marks_suppressed_group_as_text():
    e = make_estimates()
    fig = charts.estimate_dot_chart(e[(e.indicator_id == "ADQ-2") & (e.category == "")])
    assert isinstance(fig, Figure)
    assert "suppressed: n < 30" in _texts(fig)
    ys = _plotted_y(fig)
    assert ys == [1.0]  # header row 0, IDPs row 1 has a dot, the returnee row (y = 2) carries none
    assert all(np.isfinite(ys))


def test_gap_chart_direction_annotation():
    g = make_gaps()
    fig = charts.gap_chart(g[g.indicator_id == "ADQ-2"], direction="higher")
    text = _texts(fig)
    assert "better off" in text and "Insufficient data" in text and "Gap open" in text


def test_stacked_bars_and_distribution():
    e = make_estimates()
    fig = charts.stacked_bar_chart(e[e.kind == "by_reason"])
    assert "suppressed: n < 30" in _texts(fig)
    assert isinstance(charts.stacked_bar_chart(e[e.kind == "distribution"]), Figure)


def test_trend_heatmap_comparison_solutions():
    assert isinstance(charts.figures_trend_chart(make_figures()), Figure)
    countries = pd.DataFrame([{"iso3": "QZZ", "name": "Zedland", "status": "ok"},
                              {"iso3": "QZX", "name": "Xland", "status": "failed"}])
    fig = charts.criteria_heatmap(make_criteria(), countries=countries, criterion_names=CRITERIA)
    text = _texts(fig)
    assert "failed" in text and "no data" in text and "✗ 1/2\nopen" in text and "✓ 2/2\nclosed" in text
    both = pd.concat([make_estimates("QZZ"), make_estimates("QZY", 0.1)])
    fig = charts.country_comparison_chart(both[(both.indicator_id == "ADQ-2") & (both.category == "")])
    assert isinstance(fig, Figure)
    assert isinstance(charts.solutions_by_country_chart(both[both.indicator_id == "SOL-1"]), Figure)
    trend = pd.concat([make_estimates(), make_estimates().assign(year=2025)])
    assert isinstance(charts.estimate_trend_chart(trend[(trend.indicator_id == "ADQ-2") & (trend.category == "")]),
                      Figure)


@pytest.mark.parametrize(
    "call",
    [
        lambda e: charts.estimate_dot_chart(e),
        lambda e: charts.gap_chart(e),
        lambda e: charts.stacked_bar_chart(e),
        lambda e: charts.figures_trend_chart(e),
        lambda e: charts.estimate_trend_chart(e),
        lambda e: charts.country_comparison_chart(e),
        lambda e: charts.solutions_by_country_chart(e),
    ],
)
def test_empty_data_gives_a_figure(call):
    assert isinstance(call(make_estimates().iloc[0:0]), Figure)


def test_all_suppressed_dot_chart():
    e = make_estimates()
    rows = e[(e.indicator_id == "ADQ-2") & (e.group == "returnee")]
    fig = charts.estimate_dot_chart(rows)
    assert "suppressed" in _texts(fig)
    assert _plotted_y(fig) == []


def test_stacked_bar_legend_follows_the_segments():
    """The key lists the categories in the order the segments run (left to right, read row by row)."""
    e = make_estimates()
    rows = e[e.kind == "distribution"]
    fig = charts.stacked_bar_chart(rows)
    ax = fig.axes[0]
    reading = charts.key_labels(fig)[0]
    labels = {id(p): c.get_label() for c in ax.containers for p in c}
    bars = [p for c in ax.containers for p in c]
    top = min(p.get_y() for p in bars)  # the first group's bar
    first = [p for p in bars if abs(p.get_y() - top) < 1e-9 and p.get_width() > 0]
    segments = [labels[id(p)] for p in sorted(first, key=lambda p: p.get_x())]
    assert len(segments) >= 3 and reading == segments
