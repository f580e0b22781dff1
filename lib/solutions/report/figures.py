"""Emit a matplotlib Figure as an accessible, deterministic inline PNG ``<figure>``."""

from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from . import style
from .output import emit


def figure_png(fig: Figure, *, dpi: int = style.DPI) -> bytes:
    """PNG bytes of ``fig`` with metadata stripped, so the same figure gives the same bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


def figure_html(fig: Figure, *, title: str, caption: str, alt: str, close: bool = True) -> str:
    """The ``<figure>`` HTML of ``fig``: base64 PNG with alt text, and a caption (all text escaped)."""
    try:
        data = base64.b64encode(figure_png(fig)).decode("ascii")
        width, height = (round(v * style.DPI) for v in fig.get_size_inches())
    finally:
        if close:
            plt.close(fig)  # harmless for figures not registered with pyplot
    alt_text = html.escape(alt.strip() or title, quote=True)
    cap = f"<strong>{html.escape(title)}</strong>"
    if caption:
        cap += f" {html.escape(caption)}"
    return (
        f'<figure class="sos-figure">'
        f'<img src="data:image/png;base64,{data}" alt="{alt_text}" width="{width}" height="{height}" '
        f'style="max-width:100%;height:auto">'
        f"<figcaption>{cap}</figcaption></figure>"
    )


def show_figure(fig: Figure, *, title: str, caption: str, alt: str) -> None:
    """Display ``fig`` as an inline PNG ``<figure>`` (alt text, caption) and close it."""
    emit(figure_html(fig, title=title, caption=caption, alt=alt))
