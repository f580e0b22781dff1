"""Site checks: broken internal links and references to external (online) resources."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_SKIP_SCHEMES = ("data:", "mailto:", "javascript:", "tel:", "blob:", "about:")
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
_CSS_REMOTE = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*["']?\s*(?:https?:)?//""", re.I)
_LOAD_TAGS = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        for attr in ("href", "src"):
            if attr in a:
                self.refs.append((tag, attr, a[attr].strip()))
        if "style" in a:
            self.styles.append(a["style"])
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _parse(path: Path) -> _Collector:
    c = _Collector()
    c.feed(path.read_text(encoding="utf-8", errors="replace"))
    c.close()
    return c


def check_links(site_dir: Path) -> list[str]:
    """Broken internal ``href``/``src`` links (files and ``#fragments``) of every HTML page.

    External URLs and ``data:``/``mailto:`` links are ignored; a link leaving ``site_dir`` is broken.
    Returns ``"<page>: <link> (<why>)"`` strings, sorted; empty when the site is consistent.
    """
    site_dir = Path(site_dir).resolve()
    return _broken(site_dir, _parse_all(site_dir))


def check_site(site_dir: Path) -> tuple[list[str], list[str]]:
    """``check_links`` and ``check_offline`` of a site, every page parsed once (2.5 MB pages: 0.05 s each)."""
    site_dir = Path(site_dir).resolve()
    parsed = _parse_all(site_dir)
    return _broken(site_dir, parsed), _online(site_dir, parsed)


def _parse_all(site_dir: Path) -> dict[Path, _Collector]:
    return {p: _parse(p) for p in sorted(site_dir.rglob("*.html"))}


def _broken(site_dir: Path, parsed: dict[Path, _Collector]) -> list[str]:
    broken: set[str] = set()
    for page, coll in parsed.items():
        rel_page = page.relative_to(site_dir).as_posix()
        for _tag, _attr, ref in coll.refs:
            if not ref or ref.lower().startswith(_SKIP_SCHEMES) or _EXTERNAL.match(ref):
                continue
            parts = urlsplit(ref)
            frag = unquote(parts.fragment)
            if not parts.path:
                if frag and frag not in coll.ids:
                    broken.add(f"{rel_page}: {ref} (no such anchor)")
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(site_dir):
                broken.add(f"{rel_page}: {ref} (outside the site)")
            elif not target.is_file():
                broken.add(f"{rel_page}: {ref} (missing)")
            elif frag and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if frag not in ids:
                    broken.add(f"{rel_page}: {ref} (no such anchor)")
    return sorted(broken)


def check_offline(site_dir: Path) -> list[str]:
    """References that need the network: remote ``<script src>``, ``<link href>``, images, CSS imports."""
    site_dir = Path(site_dir).resolve()
    return _online(site_dir, _parse_all(site_dir))


def _online(site_dir: Path, parsed: dict[Path, _Collector]) -> list[str]:
    found: set[str] = set()
    for page, coll in parsed.items():
        rel_page = page.relative_to(site_dir).as_posix()
        for tag, attr, ref in coll.refs:
            if _LOAD_TAGS.get(tag) == attr and re.match(r"^(https?:)?//", ref, re.I):
                found.add(f"{rel_page}: <{tag} {attr}={ref}>")
        for css in coll.styles:
            if _CSS_REMOTE.search(css):
                found.add(f"{rel_page}: remote url() in CSS")
    for css_file in sorted(site_dir.rglob("*.css")):
        if _CSS_REMOTE.search(css_file.read_text(encoding="utf-8", errors="replace")):
            found.add(f"{css_file.relative_to(site_dir).as_posix()}: remote url() in CSS")
    return sorted(found)
