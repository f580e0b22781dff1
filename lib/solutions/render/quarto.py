"""Quarto website renderer: generates a Quarto project around the executed notebooks and renders it.

Layout: the project lives in ``outputs/<year>/site-src/`` (``_quarto.yml``, ``index.qmd``, the cleaned
notebooks as ``<slug>.ipynb``, the downloads under ``results/``); Quarto renders it to its default
``_site/`` inside that folder, which is then swapped into ``outputs/<year>/site``. Quarto never executes
the notebooks (``execute: enabled: false``; ``.ipynb`` inputs are only executed with ``--execute``). With
cores to spare, several Quarto processes render the pages at once (``quarto_shards``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import nbformat
import yaml

from solutions.inert import break_shortcodes, inert

from .base import (
    ASSETS,
    Page,
    RenderError,
    RenderResult,
    SiteSpec,
    copy_downloads,
    download_groups,
    swap_into_place,
    write_atomic,
)
from .clean import read_clean, split_appendix
from .fragments import fragments
from .links import check_links
from .quarto_offline import offline_pages
from .quarto_shards import SHARDS_DIRNAME, failure, page_html, processes, render_split, split

SRC_DIRNAME = "site-src"
QUARTO_OUTPUT = "_site"
QUARTO_CSS = "sos-quarto.css"
# The text column of a page, as wide as the nbconvert site's (site.css: 72rem less the 14rem contents, the 2rem
# gap and 2rem of padding = 54rem). Quarto's default body (800 px at its 17 px root size, 47rem) is narrower
# than the report's widest table at its narrowest (the global key indicators: 9 columns), which then ran past
# its box at 1366 px on Quarto only. Quarto's grid takes pixels: 54 rem at Quarto's root size.
BODY_WIDTH_REM = 54
QUARTO_ROOT_PX = 17  # Bootstrap's --bs-root-font-size in Quarto's website theme


def _md_escape(text: str) -> str:
    """Config or data text written into Markdown, ``_quarto.yml`` or front matter: plain text there."""
    return inert(text, "markdown")


_STYLE_OR_SCRIPT = re.compile(r"(<(style|script)\b.*?</\2\s*>)", re.S | re.I)


def _html_inert(markup: str) -> str:
    """A page output's HTML with every Quarto shortcode delimiter broken outside its stylesheets and scripts
    (which the code writes): Quarto expands ``{{< env NAME >}}`` in raw HTML too. Defence in depth: the page
    modules escape the text they write, so this changes nothing on a page built from honest inputs."""
    parts = _STYLE_OR_SCRIPT.split(markup)
    out = []
    for i in range(0, len(parts), 3):  # split gives text, the whole element, its tag name, text, ...
        out.append(break_shortcodes(parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)


def _inert_notebook(nb: nbformat.NotebookNode) -> None:
    """Break shortcode delimiters in every Markdown cell and HTML/Markdown output of ``nb`` (in place)."""
    for cell in nb.cells:
        if cell.cell_type in ("markdown", "raw"):
            cell.source = break_shortcodes(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("text/html", "text/markdown"):
                if mime in data:
                    text = "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
                    data[mime] = _html_inert(text) if mime == "text/html" else break_shortcodes(text)


def _front(site: SiteSpec) -> Page | None:
    """The front page when it was built: it becomes ``index.ipynb`` (else a generated ``index.qmd``)."""
    return next((p for p in site.section("front") if p.available), None)


def index_source(site: SiteSpec) -> str:
    return "index.ipynb" if _front(site) else "index.qmd"


def quarto_config(site: SiteSpec) -> dict[str, Any]:
    """The ``_quarto.yml`` content for ``site`` (as a dict). The navigation and the index link to each page's
    rendered file (``page_html``), so a page links to another without Quarto rendering both in one process
    (``quarto_shards``); Quarto writes the same page either way."""
    ok = [p for p in site.pages if p.available and p.section != "front"]
    left: list[dict[str, Any]] = [{"text": "Overview", "href": page_html(index_source(site))}]
    left += [{"text": "Global", "href": f"{p.slug}.html"} for p in ok if p.section == "global"]
    countries = [{"text": _md_escape(p.title), "href": f"{p.slug}.html"} for p in ok if p.section == "country"]
    if countries:
        left.append({"text": "Countries", "menu": countries})
    left += [{"text": "Methods", "href": f"{p.slug}.html"} for p in ok if p.section == "methods"]
    left += [{"text": "Data", "href": f"{p.slug}.html"} for p in ok if p.section == "data"]
    html_format: dict[str, Any] = {
        "toc": True,
        "toc-depth": 3,
        # Two copies of the contents: in the right margin on a laptop, in the body after the title on a phone
        # (where Quarto hides the margin); sos-quarto.css shows the one that fits the width.
        "toc-location": "right-body",
        "grid": {"body-width": f"{BODY_WIDTH_REM * QUARTO_ROOT_PX}px"},
        "css": [QUARTO_CSS],
        "code-fold": False,
        "code-tools": False,
        "anchor-sections": True,
        "lang": "en",
        # Every table of a page is the library's own HTML, marked for Quarto to leave alone; without this
        # Quarto still parses each into pandoc's model before it keeps the original (same pages, ~10 % slower)
        "html-table-processing": "none",
    }
    if site.demo:
        html_format["include-before-body"] = "_demo-banner.html"
    footer = f"{site.footer} · {site.title}" if site.footer else site.title
    return {
        "project": {
            "type": "website",
            "output-dir": QUARTO_OUTPUT,
            "render": [index_source(site), *[f"{p.slug}.ipynb" for p in ok]],
            "resources": [d.as_posix() for d in site.existing_files()],
        },
        "website": {
            "title": _md_escape(site.title),
            # Quarto's search box fails the accessibility checks (an unnamed button and combobox) and adds
            # nothing to a report of a few pages that the browser's own find does not
            "search": False,
            "navbar": {"left": left},
            "page-footer": {"center": _md_escape(footer)},
        },
        "format": {"html": html_format},
        "execute": {"enabled": False, "echo": False, "warning": False, "freeze": False},
    }


def _index_sections(site: SiteSpec) -> list[str]:
    """The index's navigation and downloads as Markdown: a page that is not available is named without a
    link and without its failure message (it may quote paths)."""
    def line(p: Page) -> str:
        label = _md_escape(p.title) + (f" ({p.iso3})" if p.iso3 else "")
        if p.available:
            return f"- [{label}]({p.slug}.html)" + (f" — *{_md_escape(p.note)}*" if p.note else "")
        return f"- {label} — *not included*: {_md_escape(p.failure)}"

    parts = []
    for heading, sections in (("Explore the report", ("global", "methods", "data")), ("Countries", ("country",))):
        pages = [p for s in sections for p in site.section(s)]  # type: ignore[arg-type]
        if pages:
            parts.append(f"## {heading}\n\n" + "\n".join(line(p) for p in pages) + "\n")
    groups = download_groups(site)
    if groups:
        rows = []
        for g in groups:
            links = " · ".join(f"[{_md_escape(label)}]({d.as_posix()})" for label, d in g.files)
            if g.collapsed:
                rows.append(f"- **{_md_escape(g.label)}**: {len(g.files)} files, all described in the data package"
                            f"\n\n  <details><summary>the files</summary>\n\n  {links}\n\n  </details>")
            else:
                rows.append(f"- **{_md_escape(g.label)}**: {links}" + (f" — {_md_escape(g.note)}" if g.note else ""))
        parts.append("## Data and downloads\n\n" + "\n".join(rows) + "\n")
    return parts


def _index_qmd(site: SiteSpec) -> str:
    """The index when no front page was built: the title, a lead, the navigation and the downloads."""
    front = yaml.safe_dump({"title": _md_escape(site.title), "toc": False}, sort_keys=False, allow_unicode=True)
    parts = [f"---\n{front}---\n"]
    parts.append(
        f"The {site.year} report on durable solutions to internal displacement: a global overview, "
        f"{len(site.section('country'))} country reports and the methods behind the estimates.\n"
    )
    return "\n".join(parts + _index_sections(site))


def _index_notebook(site: SiteSpec, front: Page) -> nbformat.NotebookNode:
    """The front page's notebook with the navigation and downloads before its appendix, as the site's index."""
    nb = _publishable(front, site, index=True)
    story, appendix = split_appendix(nb)
    nb.cells = [*story.cells, *(nbformat.v4.new_markdown_cell(part) for part in _index_sections(site)),
                *appendix.cells]
    return nb


_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>", re.S)
#: What Quarto puts in the head of a page with any HTML output, for "JavaScript widgets" that expect
#: require.js and jQuery (core/jupyter/widgets.ts): two scripts from a CDN and a define() calling require.js.
#: The pages need neither (the interactive tables carry their own bundle), and the site must work offline.
_CDN_WIDGET_SCRIPTS = re.compile(
    r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/(?:require\.js|jquery)/[^"]+"[^>]*></script>\s*'
    r"|<script type=\"application/javascript\">define\('jquery', \[\],function\(\) \{return window\.jQuery;\}\)</script>\s*"
)


def strip_cdn_widget_scripts(site_dir: Path) -> int:
    """Remove Quarto's CDN widget scripts from every page of ``site_dir``; returns how many were removed."""
    removed = 0
    for page in sorted(Path(site_dir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        clean, n = _CDN_WIDGET_SCRIPTS.subn("", text)
        if n:
            page.write_text(clean, encoding="utf-8")
            removed += n
    return removed


def _page_title(nb: nbformat.NotebookNode) -> str | None:
    """The title a notebook announced (``chapter.title`` attaches it as display metadata)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            title = out.get("metadata", {}).get("solutions", {}).get("page_title")
            if title:
                return str(title)
    return None


def _publishable(page: Page, site: SiteSpec | None = None, *, index: bool = False) -> nbformat.NotebookNode:
    """Cleaned notebook with a front-matter title: the notebook's own (its HTML <h1> is then dropped so
    Quarto's title block is the only title), else the page title when there is no level-1 heading."""
    nb = read_clean(Path(page.notebook), drop_banner=site is None or site.demo)
    title = _page_title(nb)
    if title:  # keep the output (it carries the page CSS), minus its <h1>
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("metadata", {}).get("solutions", {}).get("page_title") and "text/html" in out.get("data", {}):
                    markup = out["data"]["text/html"]
                    markup = "".join(markup) if isinstance(markup, list) else markup
                    out["data"]["text/html"] = _H1.sub("", markup, count=1)
    _inert_notebook(nb)
    has_h1 = any(
        c.cell_type == "markdown" and any(line.startswith("# ") for line in c.source.splitlines())
        for c in nb.cells
    )
    if page.note:  # a page kept from an earlier build says so at the top
        banner = nbformat.v4.new_raw_cell(str(fragments().kept_banner(page.note[:1].upper() + page.note[1:])))
        banner.metadata["raw_mimetype"] = "text/html"
        nb.cells.insert(0, banner)
    if title or not has_h1:
        layout = {"toc": False, "page-layout": "full"} if index else {}  # the index's story uses the full width
        front = yaml.safe_dump({"title": _md_escape(title or page.title), **layout}, allow_unicode=True)
        nb.cells.insert(0, nbformat.v4.new_raw_cell(f"---\n{front}---"))
    return nb


def write_quarto_project(site: SiteSpec, src_dir: Path | None = None, cfg: dict[str, Any] | None = None) -> Path:
    """(Re)generate the Quarto project for ``site``; returns its folder (default ``<year>/site-src``).
    ``cfg``: its ``_quarto.yml``, when the caller has it already (``quarto_config(site)``)."""
    src = Path(src_dir) if src_dir is not None else site.year_dir / SRC_DIRNAME
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    cfg = cfg if cfg is not None else quarto_config(site)
    write_atomic(src / "_quarto.yml", yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    front = _front(site)
    if front is None:
        write_atomic(src / "index.qmd", _index_qmd(site))
    else:
        nbformat.write(_index_notebook(site, front), str(src / "index.ipynb"))
    shutil.copyfile(ASSETS / QUARTO_CSS, src / QUARTO_CSS)
    if site.demo:
        write_atomic(src / "_demo-banner.html", str(fragments().demo_banner()) + "\n")
    for page in site.pages:
        if page.available and page.section != "front":
            nbformat.write(_publishable(page, site), str(src / f"{page.slug}.ipynb"))
    copy_downloads(site, src)
    return src


class QuartoRenderer:
    """Renders the site with ``quarto render`` (needs the quarto executable)."""

    name = "quarto"

    def __init__(self, quarto: str | None = None, timeout: float = 1800, processes: int | None = None) -> None:
        exe = quarto or shutil.which("quarto")
        if not exe:
            raise RenderError(
                "quarto executable not found on PATH: install Quarto (https://quarto.org) "
                "or use the nbconvert renderer (renderer: nbconvert)"
            )
        self.quarto = exe
        self.timeout = timeout
        self.processes = processes  # Quarto processes at once; None: one a core (``quarto_shards.processes``)

    def _render_one(self, src: Path) -> Path:
        cmd = [self.quarto, "render", str(src), "--no-execute"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"quarto render timed out after {self.timeout:.0f} s") from exc
        if proc.returncode != 0:
            raise failure(proc.returncode, proc.stdout + "\n" + proc.stderr)
        return src / QUARTO_OUTPUT

    def render(self, site: SiteSpec) -> RenderResult:
        """Generate the project, run ``quarto render`` and swap its output into ``site.out_dir``.

        Quarto always re-renders the whole project (``site.changed`` is not used): nothing executes, and it
        keeps navigation consistent, but it costs about 1.5-3 s a page (``bench.pipeline.quarto_site_render``).
        With cores to spare the pages are split between several Quarto processes (``quarto_shards``; the
        same site).
        """
        t0 = time.perf_counter()
        cfg = quarto_config(site)
        src = write_quarto_project(site, cfg=cfg)
        sources = [src / name for name in cfg["project"]["render"]]
        n = self.processes if self.processes is not None else processes(len(sources))
        if n > 1:
            built = render_split(self.quarto, src, cfg, split(sources, n), site.year_dir / SHARDS_DIRNAME,
                                 self.timeout)
        else:
            built = self._render_one(src)
        if not (built / "index.html").is_file():
            raise RenderError(f"quarto render produced no {built / 'index.html'}")
        strip_cdn_widget_scripts(built)
        offline_pages(built)  # scripts that load from disk, named landmarks (render.quarto_offline)
        broken = check_links(built)
        if broken:  # checked before the swap: the published site stays as it was
            raise RenderError("broken links in the rendered site (the published site was not changed): "
                              + "; ".join(broken[:10]))
        warnings: list[str] = []
        out = Path(site.out_dir)
        swap_into_place(built, out)
        pages = [out / p.href for p in site.pages if p.available]  # the front page's href is index.html
        return RenderResult(
            out / "index.html",
            pages,
            self.name,
            time.perf_counter() - t0,
            [p.slug for p in site.pages if p.available],
            warnings,
            broken,
        )
