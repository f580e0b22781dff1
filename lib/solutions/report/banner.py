"""The visible "demonstration data" banner at the top of every page built from demo data."""

from __future__ import annotations

import html

from . import style

DEMO_TEXT = (
    "Demonstration data — not real. Every number, name and place on this page comes from a generated "
    "demonstration dataset for a fictional country; do not cite or use it."
)


def page_css() -> str:
    """The house CSS as a ``<style>`` block (emitted once per page, with the title)."""
    return f"<style>{style.PAGE_CSS}</style>"


def demo_banner_html(demo: bool, *, text: str = DEMO_TEXT) -> str:
    """The banner HTML when ``demo`` is true, else an empty string. Readable without the CSS."""
    if not demo:
        return ""
    return (
        '<div class="sos-banner" role="note" aria-label="Demonstration data" '
        'style="border:3px solid #D55E00;background:#FFF4E5;color:#000;padding:.8em 1em;margin:0 0 1.2em">'
        f"<strong>⚠ DEMONSTRATION DATA — NOT REAL.</strong> {html.escape(text)}</div>"
    )
