"""Untrusted text made inert for the place it is written to: one function, ``inert(text, context)``.

Config and data strings (titles, country and survey names, sources, group labels, notes, narratives, XLSForm
labels) come from many hands. Each renderer reads them in its own language, and each language runs something:

- **HTML / SVG / alt text** (``"html"``): markup, attributes (``onload=``), entities;
- **Pandoc Markdown** (``"markdown"``, also for the values of ``_quarto.yml`` and page front matter, which
  Pandoc reads as Markdown): raw HTML passes through, ``[x](javascript:…)`` is a link, ``$…$`` is maths,
  ``@key`` a citation;
- **Quarto shortcodes**, in every one of those: Quarto expands ``{{< env NAME >}}`` in front matter, Markdown
  and raw HTML alike (it publishes the build machine's environment variable), and a stray ``>}}`` or an
  unknown ``{{< name >}}`` fails the whole render. Quarto's own escape (``{{{< … >}}}``) only works for a
  balanced shortcode, and neither backslashes nor entities help in front matter (Quarto 1.7 reads the
  stringified title), so the delimiters are broken with an invisible U+2060 WORD JOINER: ``{⁠{<`` reads the
  same and is no shortcode in any context;
- **a terminal** (``"terminal"``): escape sequences (colours, cursor moves, window titles, OSC 8 links) are
  removed, other control characters shown escaped (``\x00``, ``\u202e``), so a message still says what the
  file held.

Pages drop control characters, which no page needs.
"""

from __future__ import annotations

import html
import re
from typing import Literal

Context = Literal["html", "markdown", "terminal"]

WORD_JOINER = "\u2060"
#: The delimiters of a Quarto shortcode ({{< >}}, and {{% %}} of other site generators).
_SHORTCODE_OPEN = re.compile(r"\{(?=\{[<%])")
_SHORTCODE_CLOSE = re.compile(r"(?<=[>%])\}(?=\})")
#: ESC-introduced sequences (CSI, OSC up to BEL or ST, two-character escapes), then every other control
#: character except tab and newline (C0, DEL, C1), and the bidirectional overrides that reorder a line.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: ASCII punctuation Pandoc Markdown gives a meaning to (emphasis, links, raw HTML, entities, maths, citations,
#: spans and attributes, tables, footnotes, smart quotes): written as numeric character references, which
#: Pandoc reads back as the plain character, in running text and in YAML metadata alike.
_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>()#+!|&$@~^=\"':")


def break_shortcodes(text: str) -> str:
    """``text`` with every Quarto shortcode delimiter (``{{<``, ``>}}``, ``{{%``, ``%}}``) split by an
    invisible word joiner: it reads the same and Quarto neither expands it nor fails on it."""
    text = _SHORTCODE_OPEN.sub("{" + WORD_JOINER, text)
    return _SHORTCODE_CLOSE.sub("}" + WORD_JOINER, text)


def strip_controls(text: str, *, newlines: bool = True) -> str:
    """``text`` without terminal escape sequences and control characters (tab and, when ``newlines``, line
    breaks are kept; otherwise they become spaces)."""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    return text if newlines else re.sub(r"[\t\n]+", " ", text)


def inert(text: object, context: Context) -> str:
    """``text`` as plain text in ``context``: nothing in it runs, links, expands or changes the page.

    ``html``: HTML-escaped (quotes too, so it is safe in an attribute), for pages, SVG labels and alt text.
    ``markdown``: for Pandoc Markdown, including values of ``_quarto.yml`` and front matter (dump those with
    ``yaml.safe_dump``, which takes care of YAML's own syntax); one line.
    ``terminal``: escape sequences removed, other control characters (tab and newline kept) shown escaped.
    Shortcode delimiters are broken in ``html`` and ``markdown``.
    """
    s = "" if text is None else str(text)
    if context == "terminal":  # sequences removed; a lone control character shown escaped (\x00, \u202e)
        return _CONTROLS.sub(lambda m: repr(m[0])[1:-1], _ESCAPES.sub("", s))
    if context == "html":
        return html.escape(break_shortcodes(strip_controls(s)), quote=True)
    if context == "markdown":
        s = break_shortcodes(strip_controls(s, newlines=False))
        return "".join(f"&#{ord(c)};" if c in _MARKDOWN_SPECIAL else c for c in s)
    raise ValueError(f"unknown context {context!r}: expected html, markdown or terminal")
