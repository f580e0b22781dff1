"""The HTML the site and print renderers add around the pages (``assets/fragments.html.j2``): the banner of a
page kept from an earlier build, the demonstration banner, a page heading, a notebook's markdown cell. Written
by a template in ``solutions.markup``'s environment (every value made inert), like the pages themselves."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from solutions.markup import new_environment

from .base import ASSETS


@cache
def fragments() -> Any:
    """The macros of ``assets/fragments.html.j2`` (each returns markup)."""
    return new_environment(jinja2.FileSystemLoader(str(ASSETS))).get_template("fragments.html.j2").module
