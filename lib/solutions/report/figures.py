"""Emit a matplotlib Figure as an accessible, deterministic SVG ``<figure>``.

Charts are vector: an SVG whose text stays text (``svg.fonttype: none``), so it scales with the page and
stays sharp and legible on a phone. The SVG travels as a ``data:`` URI in an ``<img>``: the alt text works
as for any image, pages stay single files (offline), Quarto and nbconvert both keep it as is, and several
charts on one page cannot clash over the element ids matplotlib writes inside each SVG.
"""

from __future__ import annotations

import base64
import io
import math
import re

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from . import chart_store, chartdata, layout, style, svg_canvas
from .chart_store import DrawnChart
from .output import emit
from .templating import Markup, macros

_T = macros("figures.html.j2")

_FONT_FAMILY = re.compile(r"font-family: *[^;\"]+|font-family=\"[^\"]*\"")
_PT = 72.0
_CSS_PX_PER_PT = 96.0 / 72.0


def figure_svg(fig: Figure) -> bytes:
    """SVG bytes of ``fig``: text as text in the house font stack, no date, deterministic ids."""
    buf = io.BytesIO()
    with style.house_context():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, facecolor="white",
                    backend=svg_canvas.BACKEND)
    svg = buf.getvalue().decode("utf-8")
    # matplotlib names only the font it measured with; add fallbacks with similar metrics for browsers
    # that lack DejaVu Sans (the layout leaves some slack for them).
    svg = _FONT_FAMILY.sub(lambda m: ("font-family: " + style.SVG_FONT_STACK) if m[0].startswith("font-family:")
                           else f'font-family="{style.SVG_FONT_STACK}"', svg)
    return svg.encode("utf-8")


DESKTOP_SCALE = 1.4
#: The smallest chart text a reader gets, in CSS px, at any width: on a phone a chart is never shrunk below the
#: width at which its smallest text renders this size; it scrolls sideways in its own box instead.
MIN_TEXT_PX = 11.0
_FONT_SIZE = re.compile(r"font-size: *([\d.]+)px")
#: The text column of a 375 px phone, in CSS px (the page's padding taken off; 323 px on Quarto, 351 on nbconvert).
PHONE_COLUMN = 320


def smallest_text(svg: bytes | str) -> float:
    """The smallest font size in an SVG of ``figure_svg`` (user units, i.e. points); 0 without text."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    sizes = [float(v) for v in _FONT_SIZE.findall(text)]
    return min(sizes) if sizes else 0.0


def min_width(width_px: int, smallest_pt: float) -> int:
    """The narrowest CSS width at which a chart ``width_px`` wide at its natural size, whose smallest text is
    ``smallest_pt`` points, still sets that text at ``MIN_TEXT_PX``."""
    if smallest_pt <= 0:
        return 0
    return math.ceil(width_px * MIN_TEXT_PX / (smallest_pt * _CSS_PX_PER_PT))


def draw(fig: Figure | DrawnChart, *, close: bool = True) -> DrawnChart:
    """The SVGs of ``fig``: its own drawing and, when its builder can, the phone's (``layout.phone_figure``);
    a ``DrawnChart`` (from the page's ``chart_store``) as it is. A drawn figure is kept in the store."""
    if isinstance(fig, DrawnChart):
        return fig
    try:
        svg = figure_svg(fig)
        w_in, h_in = fig.get_size_inches()
        phone = layout.phone_figure(fig)  # the same chart laid out for a phone, when its builder can
        phone_svg = figure_svg(phone) if phone is not None else b""
        p_in = phone.get_size_inches() if phone is not None else (0.0, 0.0)
        drawn = DrawnChart(svg=svg, size=(float(w_in), float(h_in)), phone_svg=phone_svg,
                           phone_size=(float(p_in[0]), float(p_in[1])))
        chart_store.keep(fig, drawn)
    finally:
        if close:
            plt.close(fig)  # harmless for figures not registered with pyplot
    return drawn


def figure_html(fig: Figure | DrawnChart, *, title: str, caption: str, alt: str, close: bool = True,
                data_href: str | None = None, phone_alternative: str = "", figure_id: str = "") -> Markup:
    """The ``<figure>`` HTML of ``fig``: an SVG ``<img>`` with alt text, and a caption (all text escaped).

    The image grows up to ``DESKTOP_SCALE`` times its natural size on a laptop, where the column is wider than
    the chart and its text would otherwise read small. A chart whose builder is decorated with
    ``layout.phone_layout`` is drawn a second time for a phone (``layout.phone_figure``): both drawings are in
    the figure (``sos-chart-wide``, ``sos-chart-phone``) and the page's CSS shows one of them, the phone's at
    its natural size (text 12 px) at the phone breakpoint. Any other chart shrinks with a phone's column only
    down to the width where its smallest text is ``MIN_TEXT_PX``, and scrolls sideways in its own
    (keyboard-reachable) box beyond that. ``phone_alternative``: the sentence shown on a phone instead of the
    chart, when the page gives the same cells in a table a phone can read (the heatmap). ``figure_id``: the
    figure's element id (a link target), if any. ``fig`` may be a stored drawing (``chart_store``).
    """
    drawn = draw(fig, close=close)
    svg, phone_svg = drawn.svg, drawn.phone_svg
    (w_in, h_in), p_in = drawn.size, drawn.phone_size
    width, height = round(w_in * _PT * _CSS_PX_PER_PT), round(h_in * _PT * _CSS_PX_PER_PT)
    narrowest = min(width, min_width(width, smallest_text(svg)))
    # a phone gets the narrow drawing at its natural size (its text 12 px), never scrolled sideways
    phone_w, phone_h = round(p_in[0] * _PT * _CSS_PX_PER_PT), round(p_in[1] * _PT * _CSS_PX_PER_PT)
    return Markup(_T.figure(
        figure_id=figure_id, hidden=bool(phone_alternative), max_width=round(width * DESKTOP_SCALE), title=title,
        data=Markup(base64.b64encode(svg).decode("ascii")),  # base64 of our own SVG: nothing to escape in it
        alt=alt.strip() or title, width=width, height=height, narrowest=narrowest, caption=caption,
        data_href=data_href or "", scroll_hint=narrowest > PHONE_COLUMN and not phone_svg,
        phone_alternative=phone_alternative,
        phone_data=Markup(base64.b64encode(phone_svg).decode("ascii")), phone_width=phone_w, phone_height=phone_h))


def no_chart_html(title: str, alt: str) -> Markup:
    """The sentence standing for a chart with nothing to draw: its title and what its alt text says."""
    return Markup(_T.no_chart(title=title, said=alt.strip().rstrip(".")))


def show_figure(fig: Figure | DrawnChart | None, *, title: str, caption: str, alt: str,
                data: pd.DataFrame | None = None, phone_alternative: str = "") -> None:
    """Display ``fig`` as an SVG ``<figure>`` (alt text, caption, a link to ``data`` as CSV) and close it;
    ``phone_alternative``: see ``figure_html``.

    Without a figure (the chart had nothing to draw) the page gets a sentence instead: the title and what
    the alt text says (for instance why every value is withheld), never an empty frame with a legend.
    """
    if fig is None:
        emit(no_chart_html(title, alt))
        return
    href = chartdata.write(title, data) if data is not None else None
    emit(figure_html(fig, title=title, caption=caption, alt=alt, data_href=href, phone_alternative=phone_alternative))
