"""Emit a matplotlib Figure as an accessible, deterministic SVG ``<figure>``.

Charts are vector: an SVG whose text stays text (``svg.fonttype: none``), so it scales with the page and
stays sharp and legible on a phone. The SVG travels as a ``data:`` URI in an ``<img>``: the alt text works
as for any image, pages stay single files (offline), Quarto and nbconvert both keep it as is, and several
charts on one page cannot clash over the element ids matplotlib writes inside each SVG.
"""

from __future__ import annotations

import base64
import html
import io
import re

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from . import chartdata, style, svg_canvas
from .output import emit

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


def figure_html(fig: Figure, *, title: str, caption: str, alt: str, close: bool = True, data_href: str | None = None
                ) -> str:
    """The ``<figure>`` HTML of ``fig``: an SVG ``<img>`` with alt text, and a caption (all text escaped).

    The image shrinks with the column on a phone and grows up to ``DESKTOP_SCALE`` times its natural size
    on a laptop, where the column is wider than the chart and its text would otherwise read small.
    """
    try:
        data = base64.b64encode(figure_svg(fig)).decode("ascii")
        w_in, h_in = fig.get_size_inches()
    finally:
        if close:
            plt.close(fig)  # harmless for figures not registered with pyplot
    width, height = round(w_in * _PT * _CSS_PX_PER_PT), round(h_in * _PT * _CSS_PX_PER_PT)
    alt_text = html.escape(alt.strip() or title, quote=True)
    cap = f"<strong>{html.escape(title)}</strong>"
    if caption:
        cap += f" {html.escape(caption)}"
    if data_href:
        cap += f' <a class="sos-data" href="{html.escape(data_href, quote=True)}" download>Data of this chart (CSV)</a>'
    return (
        f'<figure class="sos-figure" style="max-width:{round(width * DESKTOP_SCALE)}px">'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{alt_text}" width="{width}" height="{height}" '
        f'style="width:100%;height:auto">'
        f"<figcaption>{cap}</figcaption></figure>"
    )


def no_chart_html(title: str, alt: str) -> str:
    """The sentence standing for a chart with nothing to draw: its title and what its alt text says."""
    said = alt.strip().rstrip(".")
    return (f'<p class="sos-note sos-nochart"><strong>{html.escape(title)}</strong>: nothing to chart. '
            f"{html.escape(said)}.</p>")


def show_figure(fig: Figure | None, *, title: str, caption: str, alt: str, data: pd.DataFrame | None = None) -> None:
    """Display ``fig`` as an SVG ``<figure>`` (alt text, caption, a link to ``data`` as CSV) and close it.

    Without a figure (the chart had nothing to draw) the page gets a sentence instead: the title and what
    the alt text says (for instance why every value is withheld), never an empty frame with a legend.
    """
    if fig is None:
        emit(no_chart_html(title, alt))
        return
    href = chartdata.write(title, data) if data is not None else None
    emit(figure_html(fig, title=title, caption=caption, alt=alt, data_href=href))
