"""Render the analyst's Markdown narrative safely (raw HTML is escaped, never executed)."""

from __future__ import annotations

from IPython.display import HTML
from markdown_it import MarkdownIt

from .templating import Markup, macros

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def markdown_html(text: str | None) -> Markup:
    """HTML of a Markdown text; raw HTML in it is shown as text and unsafe link schemes are dropped."""
    if not text:
        return Markup("")
    return Markup(_MD.render(str(text)))  # markdown-it escapes the text itself (``html: False``)


def render_markdown(text: str | None) -> HTML:
    """An IPython HTML object of the rendered Markdown (wrapped in a ``sos-narrative`` div)."""
    return HTML(str(macros("blocks.html.j2").narrative(markdown_html(text))))
