"""The Quarto site made to work opened from disk and to pass axe like the nbconvert site.

Quarto loads ``quarto.js`` as an ES module that imports ``tabsets/tabsets.js``: a browser refuses module
scripts from ``file://`` (CORS), so every page opened from a folder logged 4 console errors and lost the
script (table of contents highlighting, navbar behaviour). After the render, ``quarto.js`` becomes one classic
deferred script with the tabsets module inlined (same code, same order of execution: modules are deferred).
Quarto's navbar is an unnamed ``<nav>`` beside the contents' ``<nav>`` (axe: landmark-unique), and its
toggler a ``<button role="menu">`` (axe: aria-allowed-role): both get what axe asks for.
"""

from __future__ import annotations

import re
from pathlib import Path

_QUARTO_JS = Path("site_libs") / "quarto-html" / "quarto.js"
_TABSETS_JS = Path("site_libs") / "quarto-html" / "tabsets" / "tabsets.js"
_IMPORT = 'import * as tabsets from "./tabsets/tabsets.js";'
_MODULE_TAG = re.compile(r'<script src="(site_libs/quarto-html/quarto\.js)" type="module">')
_TABSETS_TAG = re.compile(r'<script src="site_libs/quarto-html/tabsets/tabsets\.js" type="module"></script>\s*')
_NAVBAR = re.compile(r'<nav class="navbar ')
_TOGGLER_ROLE = re.compile(r'(<button class="navbar-toggler"[^>]*?) role="menu"')


def classic_quarto_script(site_dir: Path) -> bool:
    """Rewrite ``quarto.js`` as a classic script with the tabsets module inlined; False when the site has no
    ``quarto.js`` of the expected shape (left as it is)."""
    main, tabs = Path(site_dir) / _QUARTO_JS, Path(site_dir) / _TABSETS_JS
    if not (main.is_file() and tabs.is_file()):
        return False
    code = main.read_text(encoding="utf-8")
    if _IMPORT not in code:
        return code.startswith("(() => {")  # already rewritten
    inlined = tabs.read_text(encoding="utf-8").replace("export function init", "function init")
    body = code.replace(_IMPORT, f"const tabsets = (() => {{\n{inlined}\nreturn {{ init }};\n}})();")
    main.write_text('(() => {\n"use strict";\n' + body + "\n})();\n", encoding="utf-8")
    return True


def offline_pages(site_dir: Path) -> int:
    """Make every page of a rendered Quarto site load its scripts from disk and name its landmarks; returns how
    many pages changed."""
    classic = classic_quarto_script(site_dir)
    changed = 0
    for page in sorted(Path(site_dir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        new = text
        if classic:
            new = _MODULE_TAG.sub(r'<script src="\1" defer>', new)
            new = _TABSETS_TAG.sub("", new)
        new = _NAVBAR.sub('<nav aria-label="Site" class="navbar ', new)
        new = _TOGGLER_ROLE.sub(r"\1", new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed
