"""The report's one Jinja2 environment: every page fragment is a package template, autoescaped.

Report HTML is written by templates (``report/templates/*.html.j2``), never by hand in Python: a template
cannot forget to escape, because the environment's ``finalize`` passes every value that is not already markup
(``markupsafe.Markup``, or anything with ``__html__``) through ``inert(…, "html")``: HTML-escaped, control
characters dropped, and Quarto shortcode delimiters (``{{<``, ``>}}``) split by a word joiner, so a config or
data string can neither add markup nor make Quarto expand ``{{< env SECRET >}}``. Markup made by a template
(a macro's result) passes as is.

The house CSS lives in package files (``report/assets/*.css``), read once per process.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

from solutions.inert import inert

__all__ = ["Markup", "environment", "html_text", "macros", "render", "stylesheet"]


def html_text(value: object) -> Markup:
    """``value`` as HTML: markup as is; anything else (``None`` as "") made inert for HTML (escaped,
    shortcodes broken). The environment's ``finalize``: every ``{{ value }}`` of a template goes through it."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(inert(value, "html"))


def _join(items: Any, separator: str = "") -> Markup:
    """Jinja's ``join`` filter with each item made inert (the stock one escapes without breaking shortcodes)."""
    return html_text(separator).join(html_text(item) for item in items)


@cache
def environment() -> jinja2.Environment:
    """The environment every report template is rendered in (built once per process).

    Only ``{{ value }}`` output, the overridden ``join``/``e`` filters and block ``set`` go through ``finalize``:
    the stock filters that escape on their own (``format``, ``replace``, ``xmlattr``, ``forceescape``), ``~``
    and ``safe`` would bypass ``inert``, and the template scan (tests/security) refuses them.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("solutions.report", "templates"),
        autoescape=True,
        finalize=html_text,
        undefined=jinja2.StrictUndefined,
        # Templates are laid out for reading; the HTML they write has no blank or indented lines, which Pandoc
        # (Quarto) would read as Markdown paragraphs or code blocks inside a raw HTML output.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(join=_join, e=html_text, escape=html_text)
    return env


def render(template: str, **context: Any) -> Markup:
    """The template ``template`` (a name under ``report/templates``) rendered with ``context``, as markup."""
    return Markup(environment().get_template(template).render(**context))


@cache
def macros(template: str) -> Any:
    """The macros of ``template`` (``macros("tables.html.j2").status_chip(...)``): each returns markup."""
    return environment().get_template(template).module


@cache
def stylesheet(name: str) -> str:
    """The text of the package stylesheet ``report/assets/<name>`` (read once per process)."""
    return files("solutions.report").joinpath("assets", name).read_text(encoding="utf-8")
