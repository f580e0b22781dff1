"""The project's HTML escaping as a Jinja2 environment: autoescape that makes every value inert.

Pages are written by templates, never by hand: an environment from ``new_environment`` passes every value a
template writes that is not already markup (``markupsafe.Markup``, or anything with ``__html__``) through
``inert(…, "html")``: HTML-escaped, control characters dropped, and Quarto shortcode delimiters (``{{<``,
``>}}``) split by a word joiner, so a config or data string can neither add markup nor make Quarto expand
``{{< env SECRET >}}``. Markup made by a template (a macro's result) passes as is. A light module (Jinja2 and
``inert`` only): the report's templates (``report.templating``) and the site renderers' (``render``) share it.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from solutions.inert import inert

__all__ = ["Markup", "html_text", "new_environment"]


def html_text(value: object) -> Markup:
    """``value`` as HTML: markup as is; anything else (``None`` as "") made inert for HTML (escaped,
    shortcodes broken). The environment's ``finalize``: every ``{{ value }}`` of a template goes through it."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(inert(value, "html"))


def _join(items: Any, separator: str = "") -> Markup:
    """Jinja's ``join`` filter with each item made inert (the stock one escapes without breaking shortcodes)."""
    return html_text(separator).join(html_text(item) for item in items)


def new_environment(loader: jinja2.BaseLoader, *, compact: bool = True) -> jinja2.Environment:
    """An environment with the project's escaping: autoescape, every value through ``html_text``, undefined
    names an error. ``compact``: block tags leave no line of their own, so a fragment placed in a notebook's
    output has no blank or indented line, which Pandoc (Quarto) would read as a Markdown paragraph or code
    block inside raw HTML; the site renderer's page layouts keep their lines.

    Only ``{{ value }}`` output, the overridden ``join``/``e`` filters and block ``set`` go through ``finalize``:
    the stock filters that escape on their own (``format``, ``replace``, ``xmlattr``, ``forceescape``), ``~``
    and ``safe`` would bypass ``inert``, and the template scan (tests/security) refuses them.
    """
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        finalize=html_text,
        undefined=jinja2.StrictUndefined,
        trim_blocks=compact,
        lstrip_blocks=compact,
        keep_trailing_newline=not compact,
    )
    env.filters.update(join=_join, e=html_text, escape=html_text)
    return env
