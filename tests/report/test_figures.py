import matplotlib.pyplot as plt

from solutions.report import charts, figures, output

from .conftest import make_estimates


def _fig():
    e = make_estimates()
    return charts.estimate_dot_chart(e[(e.indicator_id == "ADQ-2") & (e.category == "")])


def test_figure_html_is_deterministic_and_accessible():
    a = figures.figure_html(_fig(), title="T <b>", caption="Percent of households.", alt="Dot chart: x")
    b = figures.figure_html(_fig(), title="T <b>", caption="Percent of households.", alt="Dot chart: x")
    assert a == b
    assert a.startswith('<figure class="sos-figure"><img src="data:image/png;base64,')
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
