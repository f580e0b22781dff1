"""Render the analyst's Markdown narrative safely (raw HTML is escaped, never executed)."""

from __future__ import annotations

from IPython.display import HTML
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def markdown_html(text: str | None) -> str:
    """HTML of a Markdown text; raw HTML in it is shown as text and unsafe link schemes are dropped."""
    if not text:
        return ""
    return _MD.render(str(text))


def render_markdown(text: str | None) -> HTML:
    """An IPython HTML object of the rendered Markdown (wrapped in a ``sos-narrative`` div)."""
    return HTML(f'<div class="sos-narrative">{markdown_html(text)}</div>')
