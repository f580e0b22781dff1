import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from solutions.config import Thresholds
from solutions.report import charts

from .conftest import CRITERIA, make_criteria, make_estimates, make_figures, make_gaps

THR = Thresholds()  # the global config's defaults, as a report without settings gets them

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


def _markers(fig: Figure) -> list[tuple[float, bool]]:
    """(y, hollow) of every plotted marker: a hollow marker has a white face."""
    out = []
    for ax in fig.axes:
        for coll in ax.collections:
            if isinstance(coll, PathCollection) and len(coll.get_offsets()):
                faces = coll.get_facecolors()
                hollow = bool(len(faces)) and bool(np.allclose(faces[0][:3], 1.0))
                out += [(float(y), hollow) for y in np.asarray(coll.get_offsets())[:, 1]]
    return out


def test_dot_chart_marks_suppressed_group_as_text():
    e = make_estimates()
    fig = charts.estimate_dot_chart(e[(e.indicator_id == "ADQ-2") & (e.category == "")], thresholds=THR)
    assert isinstance(fig, Figure)
    assert "withheld: fewer than 30 respondents" in _texts(fig)
    ys = _plotted_y(fig)
    # header (title and the comparison note) above, the IDPs row has a dot, the returnee row none
    assert len(ys) == 1 and all(np.isfinite(ys))


def test_flagged_estimates_are_hollow_and_explained():
    e = make_estimates()
    fig = charts.estimate_dot_chart(e[(e.indicator_id == "SAF-3") & (e.category == "")], thresholds=THR)
    hollow = [h for _y, h in _markers(fig)]
    assert hollow == [False, True]  # IDPs filled, the flagged returnee estimate hollow
    assert charts.FLAG_KEY_LABEL in _texts(fig)
    fig = charts.estimate_dot_chart(e[(e.indicator_id == "ADQ-2") & (e.category == "")], thresholds=THR)
    assert charts.FLAG_KEY_LABEL not in _texts(fig)


def test_title_and_note_never_share_a_line():
    """The comparison note sits on its own line under a (long) panel title."""
    e = make_estimates()
    fig = charts.estimate_dot_chart(e[(e.indicator_id == "ADQ-2") & (e.category == "")],
                                    title="A very long panel title that runs across most of the figure width", thresholds=THR)
    ax = fig.axes[0]
    title = next(t for t in ax.texts if t.get_text().startswith("A very long"))
    sub = next(t for t in ax.texts if t.get_text().startswith("Comparison group"))
    renderer = FigureCanvasAgg(fig).get_renderer()
    a, b = title.get_window_extent(renderer), sub.get_window_extent(renderer)
    assert not a.overlaps(b)


def test_gap_chart_direction_annotation_and_margin_band():
    g = make_gaps()
    fig = charts.gap_chart(g[g.indicator_id == "ADQ-2"], direction="higher")
    text = _texts(fig)
    assert "better off" in text and "Insufficient data" in text and "Gap open" in text
    assert "band: margin ±5 points" in text and charts.BAND_KEY in text
    ax = fig.axes[0]
    bands = [c for c in ax.collections if c.__class__.__name__ in ("PolyCollection", "FillBetweenPolyCollection")]
    xs = np.concatenate([p.vertices[:, 0] for c in bands for p in c.get_paths()])
    assert xs.min() == pytest.approx(-0.05) and xs.max() == pytest.approx(0.05)
    fig = charts.gap_chart(g[g.indicator_id == "SAF-3"], direction="lower")
    assert "? Inconclusive" in _texts(fig)


def test_stacked_bars_and_distribution():
    e = make_estimates()
    fig = charts.stacked_bar_chart(e[e.kind == "by_reason"], thresholds=THR)
    text = _texts(fig)
    assert "withheld: fewer than 30 respondents" in text
    assert "20%†" in text and "40%†" not in text  # the flagged share carries the mark
    assert isinstance(charts.stacked_bar_chart(e[e.kind == "distribution"], thresholds=THR), Figure)


def test_trend_heatmap_comparison_solutions():
    assert isinstance(charts.figures_trend_chart(make_figures()), Figure)
    countries = pd.DataFrame([{"iso3": "QZZ", "name": "Zedland", "status": "ok"},
                              {"iso3": "QZX", "name": "Xland", "status": "failed"}])
    fig = charts.criteria_heatmap(make_criteria(), countries=countries, criterion_names=CRITERIA)
    text = _texts(fig)
    assert "failed" in text and "∅" in text and "✗ 1/2" in text and "✓ 2/2" in text
    assert "? 1/2" in text and "? Inconclusive" in text  # the new status, in cells and in the key
    both = pd.concat([make_estimates("QZZ"), make_estimates("QZY", 0.1)])
    fig = charts.country_comparison_chart(both[(both.indicator_id == "ADQ-2") & (both.category == "")], thresholds=THR)
    assert isinstance(fig, Figure)
    fig = charts.solutions_by_country_chart(both[both.indicator_id == "SOL-1"], thresholds=THR)
    assert "Comparison group" in " ".join(sum(charts.key_labels(fig), []))  # the benchmark is drawn
    fig = charts.benchmark_chart(both[(both.indicator_id == "SOL-1") & (both.country == "QZZ")], thresholds=THR)
    assert charts.BENCHMARK_LABEL in _texts(fig).replace("\n", " ") and len(_plotted_y(fig)) == 3
    trend = pd.concat([make_estimates(), make_estimates().assign(year=2025)])
    assert isinstance(charts.estimate_trend_chart(trend[(trend.indicator_id == "ADQ-2") & (trend.category == "")]),
                      Figure)


@pytest.mark.parametrize(
    "call",
    [
        lambda e: charts.estimate_dot_chart(e, thresholds=THR),
        lambda e: charts.gap_chart(e),
        lambda e: charts.stacked_bar_chart(e, thresholds=THR),
        lambda e: charts.figures_trend_chart(e),
        lambda e: charts.estimate_trend_chart(e),
        lambda e: charts.country_comparison_chart(e, thresholds=THR),
        lambda e: charts.solutions_by_country_chart(e, thresholds=THR),
    ],
)
def test_nothing_to_draw_gives_no_figure(call):
    """The page writes a sentence instead (figures.show_figure), never an empty frame with a legend."""
    assert call(make_estimates().iloc[0:0]) is None


def test_all_withheld_gives_no_figure():
    e = make_estimates()
    rows = e[(e.indicator_id == "ADQ-2") & (e.group == "returnee")]
    assert charts.estimate_dot_chart(rows, thresholds=THR) is None
    assert charts.stacked_bar_chart(e[(e.kind == "by_reason") & (e.group == "returnee")], thresholds=THR) is None


def test_stacked_bar_legend_follows_the_segments():
    """The key lists the categories in the order the segments run (left to right, read row by row)."""
    e = make_estimates()
    rows = e[e.kind == "distribution"]
    fig = charts.stacked_bar_chart(rows, thresholds=THR)
    ax = fig.axes[0]
    reading = charts.key_labels(fig)[0]
    labels = {id(p): c.get_label() for c in ax.containers for p in c}
    bars = [p for c in ax.containers for p in c]
    top = min(p.get_y() for p in bars)  # the first group's bar
    first = [p for p in bars if abs(p.get_y() - top) < 1e-9 and p.get_width() > 0]
    segments = [labels[id(p)] for p in sorted(first, key=lambda p: p.get_x())]
    assert len(segments) >= 3 and reading == segments


def test_every_chart_csv_column_is_documented_and_names_its_country(tmp_path):
    """Each column the chart CSVs carry has a title and description in ``publish.chart_fields`` (the data package
    and the codebook read them), and ``country_name`` holds the country's name, never its code (issue #22)."""
    from solutions.publish.chart_fields import CHART_FIELDS, chart_description
    from solutions.report import chartdata

    est, gaps, crit = make_estimates(), make_gaps(), make_criteria()
    iso = str(est["country"].iloc[0])
    chartdata.publish_to(tmp_path, "results/X/charts/", {iso: "Republic of Testland"})
    try:
        frames = [chartdata.points(est, percent=True, thresholds=THR), chartdata.gap_points(gaps, percent=True, thresholds=THR),
                  chartdata.criteria_points(crit, {}), make_figures()[["year", "metric", "value", "source"]]]
    finally:
        chartdata.stop_publishing()
    columns = {c for f in frames for c in f.columns}
    assert columns - set(CHART_FIELDS) == set(), "chart CSV columns without documentation"
    assert set(frames[0]["country_name"]) == {"Republic of Testland"} == set(frames[2]["country_name"])
    assert "One row per the gap of one displaced group" in chart_description("Gaps", list(frames[1].columns))
    assert "heatmap" in chart_description("Heatmap", list(frames[2].columns))
