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


def _imgs(html: str) -> list[str]:
    import re

    return re.findall(r"<img [^>]*>", str(html))


def _img_svg(img: str) -> str:
    import base64
    import re

    return base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', img)[1]).decode("utf-8")


def test_a_phone_layout_chart_carries_its_phone_drawing():
    """A builder decorated with layout.phone_layout is drawn again for a phone: the figure holds the laptop's
    drawing and the phone's (same alt text), the phone's as wide as layout.PHONE_WIDTH at natural size, so its
    smallest text renders at 12 px or more there; a figure from anywhere else keeps one drawing."""
    import re

    from solutions.config import Thresholds
    from solutions.report import layout, style

    e = make_estimates()
    rows = e[(e.indicator_id == "ADQ-2") & (e.category == "")]
    fig = charts.estimate_dot_chart(rows, thresholds=Thresholds(lonely_psu="adjust"))
    imgs = _imgs(figures.figure_html(fig, title="t", caption="c", alt="Dot chart: x"))
    assert [re.search(r'class="([^"]+)"', i)[1] for i in imgs] == ["sos-chart-wide", "sos-chart-phone"]
    assert all('alt="Dot chart: x"' in i for i in imgs)
    widths = [int(re.search(r'width="(\d+)"', i)[1]) for i in imgs]
    assert widths == [round(style.FIG_WIDTH * 96), round(layout.PHONE_WIDTH * 96)]
    phone = _img_svg(imgs[1])
    assert figures.smallest_text(phone) * 96 / 72 >= 12 - 0.01, "the phone's smallest text under 12 px"
    assert "Wider than this screen" not in figures.figure_html(
        charts.estimate_dot_chart(rows, thresholds=Thresholds(lonely_psu="adjust")), title="t", caption="c", alt="a")

    plain = plt.figure()
    plain.add_subplot().plot([0, 1])
    assert len(_imgs(figures.figure_html(plain, title="t", caption="c", alt="a"))) == 1


def test_phone_drawing_breaks_text_to_its_width():
    """On the phone's drawing the x label and a withheld reason are broken into lines that fit its width."""
    from solutions.report import layout, style
    from solutions.report.charts.base import fit_lines

    text = "Households meeting the measure (%), 95% confidence interval"
    lines = fit_lines(text, layout.PHONE_WIDTH - 0.2, style.FONT_SIZE).split("\n")
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(layout.text_width(line, style.FONT_SIZE) <= layout.PHONE_WIDTH - 0.2 for line in lines)
    assert fit_lines("short", 3.0) == "short"


def test_print_keeps_the_laptop_drawing_only(tmp_path):
    from solutions.config import Thresholds
    from solutions.render.pdf import printable_html
    from solutions.report import charts as c

    e = make_estimates()
    rows = e[(e.indicator_id == "ADQ-2") & (e.category == "")]
    html = str(figures.figure_html(c.estimate_dot_chart(rows, thresholds=Thresholds(lonely_psu="adjust")),
                                   title="t", caption="c", alt="a"))
    out, n_fig, _ = printable_html(html, tmp_path, "p")
    assert n_fig == 1 and len(list(tmp_path.glob("*.svg"))) == 1 and "sos-chart-phone" not in out


def test_cross_country_row_labels_keep_their_words_at_both_widths():
    """The cross-country chart's row labels (country names) are broken as wrap_label breaks a row label at the
    drawing's width (between words, only where a line is too long), on the laptop's drawing and the phone's."""
    import contextlib

    import pandas as pd

    from solutions.config import Thresholds
    from solutions.report import layout
    from solutions.report.charts.base import wrap_label

    both = pd.concat([make_estimates("QZZ"), make_estimates("QZY", 0.1)])
    rows = both[(both.indicator_id == "ADQ-2") & (both.category == "")]
    names = {"QZZ": "Republic of Zedland", "QZY": "Federal Republic of Yland"}
    for narrow in (False, True):
        with layout.narrow() if narrow else contextlib.nullcontext():
            fig = charts.country_comparison_chart(rows, country_names=names, groups=("idp", "comparison"),
                                                  thresholds=Thresholds(lonely_psu="adjust"))
            texts = [t.get_text() for t in fig.axes[0].texts]
            for name in names.values():
                label = next(t for t in texts if t.replace("\n", " ") == name)
                assert label == wrap_label(name, lines=label.count("\n") + 1), (narrow, label)
