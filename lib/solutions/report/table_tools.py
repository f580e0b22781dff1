"""Sorting and a row filter for a static table (the global page's key indicators), as progressive enhancement.

The table stays a complete static table (readable without JavaScript, one card per row on a phone); a small
classic script (``assets/table_tools.js``) turns its column headers into sort buttons and adds a search box.
Not DataTables: its bundle is an ES module (blocked from a page opened from disk) of some hundred kilobytes
that rebuilds the table (losing the phone cards and the rows under each indicator heading); the two
behaviours wanted here are a few dozen lines over the table as it is.
"""

from __future__ import annotations

from functools import cache

from .templating import Markup, asset, macros, stylesheet

#: The class that marks a table for the script.
SORTABLE = "sos-sortable"


@cache
def table_tools_html() -> Markup:
    """The ``<style>`` and ``<script>`` to emit once on a page after its ``sos-sortable`` tables."""
    return Markup(macros("common.html.j2").style_and_script(css=stylesheet("table_tools.css"),
                                                              js=Markup(asset("table_tools.js"))))
