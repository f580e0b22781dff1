"""The report's one Jinja2 environment: every page fragment is a package template, autoescaped.

Report HTML is written by templates (``report/templates/*.html.j2``), never by hand in Python. The
environment is ``solutions.markup``'s: every value a template writes that is not markup a template made goes
through ``inert(…, "html")`` (escaped, Quarto shortcodes broken), so a template cannot forget to escape.
The house CSS (and the one script) live in package files (``report/assets/``), read once per process.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import jinja2

from solutions.markup import Markup, html_text, new_environment

__all__ = ["Markup", "asset", "environment", "html_text", "macros", "stylesheet"]


@cache
def environment() -> jinja2.Environment:
    """The environment every report template (``report/templates``) is rendered in, built once per process."""
    return new_environment(jinja2.PackageLoader("solutions.report", "templates"))


@cache
def macros(template: str) -> Any:
    """The macros of ``template`` (``macros("tables.html.j2").status_chip(...)``): each returns markup."""
    return environment().get_template(template).module


@cache
def asset(name: str) -> str:
    """The text of the package file ``report/assets/<name>`` (a stylesheet or a script; read once per process)."""
    return files("solutions.report").joinpath("assets", name).read_text(encoding="utf-8")


def stylesheet(name: str) -> Markup:
    """The package stylesheet ``report/assets/<name>``, as markup for a ``<style>`` block (our own file)."""
    return Markup(asset(name))
