"""The visible "demonstration data" banner at the top of every page built from demo data."""

from __future__ import annotations

from .templating import Markup, macros, stylesheet

_T = macros("blocks.html.j2")

#: What follows the banner's heading ("⚠ DEMONSTRATION DATA — NOT REAL."), which it must not repeat.
DEMO_TEXT = (
    "Every number, name and place on this page comes from a generated demonstration dataset for a fictional "
    "country; do not cite or use it."
)


def page_css() -> Markup:
    """The house CSS (``report/assets/page.css``), emitted once per page in a ``<style>`` block with the title."""
    return stylesheet("page.css")


def demo_banner_html(demo: bool, *, text: str = DEMO_TEXT) -> Markup:
    """The banner HTML when ``demo`` is true, else an empty string. Readable without the CSS."""
    if not demo:
        return Markup("")
    return Markup(_T.demo_banner(text))
