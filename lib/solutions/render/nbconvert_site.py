"""Static-site renderer built on nbconvert's HTMLExporter (no Quarto needed, works offline)."""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import logging
import re
import shutil
import time
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import nbconvert
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode

from solutions.markup import new_environment
from solutions.state_json import StateFileError, read_json

from .base import (
    ASSETS,
    Page,
    RenderError,
    RenderResult,
    SiteSpec,
    copy_downloads,
    download_groups,
    staging_dir,
    swap_into_place,
    write_atomic,
)
from .clean import read_clean, split_appendix
from .fragments import fragments
from .links import check_site

log = logging.getLogger(__name__)

CACHE_DIRNAME = ".site-cache"
_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1\s*>", re.S | re.I)
_ID_ATTR = re.compile(r"""\sid\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_ANCHOR_LINK = re.compile(r"<a\s[^>]*class=\"anchor-link\"[^>]*>.*?</a>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")
_FIRST_H1 = re.compile(r"<h1[\s>].*?</h1\s*>", re.S | re.I)


def _slugify(text: str) -> str:
    """A heading's id as Pandoc (so Quarto) makes it (``1. Safety, security`` → ``safety-security``), so a deep
    link to a section works whichever renderer built the site: punctuation but ``_ - .`` dropped, spaces as
    hyphens, lower case, nothing before the first letter."""
    slug = re.sub(r"[^\w\s.-]", "", text, flags=re.U).strip()
    slug = re.sub(r"\s+", "-", slug).lower()
    return re.sub(r"^[\W\d_]+", "", slug, flags=re.U) or "section"


def _nbconvert_id(text: str) -> str:
    """The id nbconvert gives a Markdown heading (its text, spaces as hyphens): replaced by ``_slugify``'s."""
    return re.sub(r"\s+", "-", text.strip())


class _Headings:
    """Jinja filter: gives every heading a unique id and records h2/h3 for the page TOC."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.toc: list[tuple[int, str, str]] = []
        self._seen: set[str] = set()

    def _unique(self, base: str) -> str:
        """Pandoc's rule, so Quarto's too: a repeated heading's id is numbered from 1 (``findings``,
        ``findings-1``, ``findings-2``), the first free one; ``sos-`` ids are the report's own elements'."""
        anchor, n = base, 0
        while anchor in self._seen or anchor.startswith("sos-"):
            n += 1
            anchor = f"{base}-{n}"
        self._seen.add(anchor)
        return anchor

    def __call__(self, fragment: str) -> str:
        def repl(m: re.Match[str]) -> str:
            level, attrs, inner = int(m[1]), m[2], m[3]
            text = html.unescape(_TAGS.sub("", _ANCHOR_LINK.sub("", inner))).strip()
            found = _ID_ATTR.search(attrs)
            old = html.unescape(found[2]) if found else ""
            own = old and old != _nbconvert_id(text)  # an id the page's HTML chose stays as it is
            anchor = self._unique(old if own else _slugify(text))
            id_attr = f' id="{html.escape(anchor)}"'
            attrs = _ID_ATTR.sub(id_attr, attrs, count=1) if found else id_attr + attrs
            if old and old != anchor:
                inner = inner.replace(f'href="#{html.escape(old)}"', f'href="#{html.escape(anchor)}"')
            if level in (2, 3) and text:
                self.toc.append((level, anchor, text))
            return f"<h{level}{attrs}>{inner}</h{level}>"

        return _HEADING.sub(repl, str(fragment))


class SiteHTMLExporter(HTMLExporter):
    """HTMLExporter emitting only the notebook body, deterministically, with inputs and prompts hidden."""

    def __init__(self, **kw: Any) -> None:
        self.headings = _Headings()
        self._ids = itertools.count(1)
        super().__init__(
            template_name="lab",
            extra_template_paths=[str(ASSETS)],
            template_file="nb_body.html.j2",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            sanitize_html=False,
            filters={"sos_headings": self.headings},
            **kw,
        )

    def _create_environment(self) -> jinja2.Environment:
        env = super()._create_environment()
        env.globals["uuid4"] = lambda: f"sos-out-{next(self._ids)}"  # deterministic element ids
        return env

    def from_notebook_node(self, nb: NotebookNode, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        """HTMLExporter's, without the BeautifulSoup pass it then makes over the whole page (three quarters of
        a country page's export time). That pass changes nothing here: it gives images without alt text a
        placeholder (every chart here has its own; a browser test checks every image of the site), and
        tabindex to the cells of a ``.jp-Notebook``, an element ``nb_body.html.j2`` does not write."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        resources = self._init_resources(resources)
        self.register_filter("highlight_code",
                             self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    def render_body(self, nb: NotebookNode) -> tuple[str, list[tuple[int, str, str]]]:
        """Render a (cleaned) notebook to an HTML fragment and its h2/h3 table of contents."""
        self.headings.reset()
        self._ids = itertools.count(1)
        body, _ = self.from_notebook_node(nb, resources={"metadata": {"name": ""}})
        return body.strip() + "\n", list(self.headings.toc)


def _engine_key() -> str:
    """Invalidates cached page bodies when the template, filters or nbconvert change."""
    h = hashlib.sha256(nbconvert.__version__.encode())
    for name in ("nb_body.html.j2",):
        h.update((ASSETS / name).read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update((Path(__file__).parent / "clean.py").read_bytes())
    return h.hexdigest()


CACHE_MAX_BYTES = 256 << 20


def _cached(path: Path) -> dict[str, Any] | None:
    """A cached page body, or None (the page is rendered again) when the file is damaged, too large, too deep
    or not of the shape this renderer writes: the cache is the renderer's own, but it lives in the output
    folder, so it is checked like any input (a cache nested deep failed the whole build)."""
    try:
        entry = read_json(path, max_bytes=CACHE_MAX_BYTES, max_depth=4)
    except StateFileError:
        return None
    if not (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("sha256", "key", "body"))
            and isinstance(entry.get("appendix", ""), str) and isinstance(entry.get("toc"), list)
            and all(isinstance(t, list) and len(t) == 3 and isinstance(t[0], int) and isinstance(t[1], str)
                    and isinstance(t[2], str) for t in entry["toc"])):
        return None
    return entry


class NbconvertRenderer:
    """Renders the site with nbconvert: flat pages at the site root, one shared stylesheet."""

    name = "nbconvert"

    def __init__(self) -> None:
        # the report's escaping (every value made inert), the layouts' own lines kept
        self._env = new_environment(jinja2.FileSystemLoader(str(ASSETS)), compact=False)
        self._exporter: SiteHTMLExporter | None = None

    @property
    def exporter(self) -> SiteHTMLExporter:
        if self._exporter is None:
            self._exporter = SiteHTMLExporter()
        return self._exporter

    # -- page bodies (the expensive part), cached outside the site -------------------------------

    def _body(self, site: SiteSpec, page: Page, cache_dir: Path, key: str) -> tuple[dict[str, Any], bool]:
        """Cached or freshly rendered ``{"body", "toc", "sha256", "key"}``; bool = rendered now."""
        data = Path(page.notebook).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        cache = cache_dir / f"{page.slug}.json"
        wanted = site.changed is None or page.slug in site.changed
        if not wanted and cache.is_file():
            entry = _cached(cache)
            if entry is not None and entry["sha256"] == sha and entry["key"] == key:
                return entry, False
        try:
            nb = read_clean(Path(page.notebook), drop_banner=site.demo)
            if page.section == "front":  # the index puts the navigation between the story and the appendix
                story, appendix = split_appendix(nb)
                body, toc = self.exporter.render_body(story)
                tail = self.exporter.render_body(appendix)[0] if appendix.cells else ""
                return {"sha256": sha, "key": key, "body": body, "toc": toc, "appendix": tail}, True
            body, toc = self.exporter.render_body(nb)
        except Exception as exc:
            raise RenderError(f"rendering {page.notebook} failed: {exc}") from exc
        return {"sha256": sha, "key": key, "body": body, "toc": toc}, True

    def _context(self, site: SiteSpec, current: str, kind: str) -> dict[str, Any]:
        return {
            "site": site,
            "current": current,
            "kind": kind,
            "global_pages": [p for p in site.section("global") if p.available],
            "country_pages": [p for p in site.section("country") if p.available],
            "methods_pages": [p for p in site.section("methods") if p.available],
            "data_pages": [p for p in site.section("data") if p.available],
        }

    def _page_html(self, site: SiteSpec, page: Page, entry: dict[str, Any]) -> str:
        # The title leaves the notebook body for the page head, so that the table of contents can follow it
        # on a phone (on a laptop the contents sit in a sidebar beside the page).
        body = entry["body"]
        found = _FIRST_H1.search(body)
        heading = found[0] if found else str(fragments().heading(page.title))
        if found:
            body = body[: found.start()] + body[found.end():]
        ctx = self._context(site, page.slug, page.section)
        ctx.update(
            page_title=page.title,
            heading=markupsafe.Markup(heading),
            page_note=page.note,
            body=markupsafe.Markup(body),
            toc=[tuple(t) for t in entry["toc"]],
            downloads=site.downloads_for(page),
        )
        return self._env.get_template("layout.html.j2").render(ctx)

    def _index_html(self, site: SiteSpec, front: dict[str, Any] | None = None) -> str:
        """The index: the front page's story when it was built (its own title), else the title and a lead;
        then the navigation and the downloads, which only the renderer knows for sure."""
        ctx = self._context(site, "index", "index")
        ctx.update(
            global_pages=site.section("global"),
            country_pages=site.section("country"),
            methods_pages=[*site.section("methods"), *site.section("data")],
            download_groups=download_groups(site),
            front=markupsafe.Markup(front["body"]) if front else None,
            front_appendix=markupsafe.Markup(front.get("appendix", "")) if front else "",
        )
        body = self._env.get_template("index_body.html.j2").render(ctx)
        nav = self._context(site, "index", "index")
        nav.update(page_title="Overview", heading="", page_note="", body=markupsafe.Markup(body), toc=[],
                   downloads=[])
        return self._env.get_template("layout.html.j2").render(nav)

    # -- public ----------------------------------------------------------------------------------

    def render(self, site: SiteSpec) -> RenderResult:
        """Render every available page (re-using cached bodies of unchanged ones) and swap the site in."""
        t0 = time.perf_counter()
        out = Path(site.out_dir)
        cache_dir = site.year_dir / CACHE_DIRNAME
        key = f"{_engine_key()}:demo={site.demo}"  # the page's own banner is kept only without the site's
        entries: dict[str, dict[str, Any]] = {}
        rendered: list[str] = []
        warnings: list[str] = []
        for page in site.pages:
            if not page.available:
                warnings.append(f"{page.slug}: not rendered ({page.failure})")
                continue
            entries[page.slug], fresh = self._body(site, page, cache_dir, key)
            if fresh:
                rendered.append(page.slug)

        with staging_dir(out) as tmp:
            (tmp / "assets").mkdir()
            shutil.copyfile(ASSETS / "site.css", tmp / "assets" / "site.css")
            copy_downloads(site, tmp)
            written: list[Path] = []
            for page in site.pages:
                if page.slug in entries and page.section != "front":  # the front page is the index
                    (tmp / page.href).write_text(
                        self._page_html(site, page, entries[page.slug]), encoding="utf-8"
                    )
                    written.append(out / page.href)
            front = next((entries[p.slug] for p in site.section("front") if p.slug in entries), None)
            (tmp / "index.html").write_text(self._index_html(site, front), encoding="utf-8")
            if front is not None:
                written.append(out / "index.html")
            broken, online = check_site(tmp)
            if broken:  # checked before the swap: the published site stays as it was
                raise RenderError("broken links in the rendered site (the published site was not changed): "
                                  + "; ".join(broken[:10]))
            warnings += [f"online resource: {o}" for o in online]
            swap_into_place(tmp, out)

        for slug in rendered:  # cache only after the site was swapped in
            try:
                write_atomic(cache_dir / f"{slug}.json", json.dumps(entries[slug], sort_keys=True))
            except OSError as exc:  # a missing cache only costs a re-render next time
                log.warning("could not cache %s: %s", slug, exc)
        for w in warnings:
            log.warning("%s", w)
        return RenderResult(
            out / "index.html", written, self.name, time.perf_counter() - t0, rendered, warnings, broken
        )
