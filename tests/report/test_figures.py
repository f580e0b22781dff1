import matplotlib.pyplot as plt

from solutions.config import Thresholds
from solutions.report import charts, figures, output

from .conftest import make_estimates

THR = Thresholds()  # the global config's defaults, as a report without settings gets them


def _fig():
    e = make_estimates()
    return charts.estimate_dot_chart(e[(e.indicator_id == "ADQ-2") & (e.category == "")], thresholds=THR)


def test_figure_html_is_deterministic_and_accessible():
    a = figures.figure_html(_fig(), title="T <b>", caption="Percent of households.", alt="Dot chart: x")
    b = figures.figure_html(_fig(), title="T <b>", caption="Percent of households.", alt="Dot chart: x")
    assert a == b
    assert '<img src="data:image/svg+xml;base64,' in a
    assert 'alt="Dot chart: x"' in a and "<figcaption>" in a
    assert "T &lt;b&gt;" in a


def test_show_figure_emits_one_figure_and_closes_it():
    fig = plt.figure()  # registered with pyplot: must be closed by show_figure
    fig.add_subplot().plot([0, 1])
    with output.capture() as out:
        figures.show_figure(fig, title="t", caption="c", alt="Line chart")
    assert len(out) == 1 and "<Figure" not in out[0]
    assert not plt.get_fignums()


def test_alt_falls_back_to_title():
    html = figures.figure_html(_fig(), title="Only title", caption="", alt="  ")
    assert 'alt="Only title"' in html


def _svg(html: str) -> str:
    import base64
    import re

    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert data, "the figure is not an SVG data URI"
    return base64.b64decode(data[1]).decode("utf-8")


def test_chart_text_stays_legible_at_phone_width():
    """Charts are vector with text as text, and the smallest text is >= 9 CSS px when the chart is shrunk
    to a 375 px wide phone (351 px column). A raster chart, or text drawn as paths, fails here."""
    import re

    e = make_estimates()
    for fig in (_fig(), charts.stacked_bar_chart(e[e.kind == "distribution"], thresholds=THR)):
        svg = _svg(figures.figure_html(fig, title="t", caption="c", alt="a"))
        width_pt = float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg)[1])
        sizes = [float(s) for s in re.findall(r"font-size: *([\d.]+)px", svg)]
        assert "<text" in svg and sizes, "chart text is not SVG text"
        scale = min(1.0, 351 / (width_pt * 96 / 72))
        # matplotlib writes font sizes in px of a 72 dpi canvas, i.e. points; one pt is 96/72 CSS px
        smallest = min(sizes) * 96 / 72 * scale
        assert smallest >= 9.0, f"smallest chart text renders at {smallest:.1f} px at phone width"
