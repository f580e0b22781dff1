"""The print edition: the report as one PDF, rendered by Quarto's Typst format.

It is made from the executed notebooks the site is made from (cleaned as for the site, never re-run, nothing
recomputed): each page's HTML outputs become Typst through pandoc (Quarto's own, ``quarto pandoc -f html -t
typst``), so a table stays a table (Typst repeats its header rows on every page it spans) and every value,
withheld reason and flag mark is the site's text; each chart's SVG is written as a file and placed at the
width of an A4 text column (vector, its text stays text). The chapters go into one ``.qmd`` as raw Typst
blocks beside the print template (``assets/print/``: cover, contents, running heads, page numbers, the
demonstration banner on every page of a demo edition), and ``quarto render --to typst`` typesets it.

Order: cover, contents, the year's story (the front page without its build appendix), the global chapter,
one chapter per country, methods, an annex (the codebook's tables and every page's build details) and how to
cite the data package (``results/CITATION.cff``). Config and data strings reach Typst only as pandoc's escaped
output or as Typst string literals (:func:`typst_string`): never as markup.

Incremental like the site: the PDF is remade only when what it is made from changed (the notebooks, the
citation, this module and its templates, the Quarto version), recorded in ``print/.made-from.json``.
Site-only parts (:data:`SITE_ONLY`) are named in the PDF's colophon.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup

from solutions import safe_yaml, state_json
from solutions.errors import ConfigError
from solutions.state_json import StateFileError

from .base import ASSETS, Page, RenderError, SiteSpec, staging_dir, write_atomic
from .clean import read_clean, split_appendix
from .fragments import fragments

PRINT_ASSETS = ASSETS / "print"
PRINT_DIRNAME = "print"
#: What the site has that paper cannot: named in the PDF's colophon.
SITE_ONLY = ("the data behind each chart (CSV files, linked from each figure on the site)",
             "the downloads and the data package (listed on the site's front page)")
#: A4 text width of the template (210 mm minus 2 × 20 mm margins), in CSS pixels: charts wider are scaled down.
TEXT_WIDTH_PX = 170 / 25.4 * 96
_FENCE = "``````"


@dataclass(frozen=True)
class Chapter:
    """One chapter of the print edition: a heading, the page it comes from, and which part of it."""

    title: str
    page: Page
    part: str = "all"  # all | story | appendix


@dataclass
class PrintResult:
    """What ``render_pdf`` produced."""

    pdf: Path
    seconds: float
    chapters: list[str] = field(default_factory=list)
    figures: int = 0
    tables: int = 0
    up_to_date: bool = False


# ------------------------------------------------------------------------------------ escaping ---
def typst_string(text: str) -> str:
    """``text`` as a Typst string literal (quoted): inert whatever it holds (markup, ``#`` code, labels)."""
    out = []
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or ch in "\u2028\u2029":
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _inert(typst: str) -> str:
    """Pandoc's Typst with what Quarto would still interpret in a raw block made harmless: a shortcode
    opener (``{{<``) and a fence as long as the block's own."""
    typst = typst.replace("{{<", "{{\\<").replace("{{%", "{{\\%")
    return typst.replace(_FENCE, "`` `` `` ")


# ------------------------------------------------------------------------------------ chapters ---
def chapters(site: SiteSpec) -> list[Chapter]:
    """The print order of the pages that are available (a failed page is named in the colophon instead)."""
    ok = [p for p in site.pages if p.available]
    by_section = {s: [p for p in ok if p.section == s] for s in ("front", "global", "country", "methods", "data")}
    out = [Chapter(f"The {site.year} edition in brief", p, "story") for p in by_section["front"]]
    out += [Chapter(p.title, p) for p in by_section["global"]]
    out += [Chapter(p.title, p) for p in by_section["country"]]
    out += [Chapter(p.title, p) for p in by_section["methods"]]
    out += [Chapter("Annex: " + p.title, p) for p in by_section["data"]]
    out += [Chapter("Annex: build details of this edition", p, "appendix") for p in by_section["front"]]
    return out


def _markdown_heading(source: str) -> str:
    """A notebook's markdown cell (the pages hold only section headings) as HTML (its text made inert)."""

    parts: list[tuple[int, str]] = []
    for line in source.splitlines():
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            parts.append((max(min(len(m[1]), 6), 2), m[2].strip()))
        elif line.strip():
            parts.append((0, line.strip()))
    return str(fragments().markdown_cell(parts))


def chapter_html(chapter: Chapter, drop_banner: bool = True) -> str:
    """The chapter's content as one HTML fragment: section headings and every published HTML output, in
    notebook order (the page's own title is the chapter heading instead)."""
    nb = read_clean(Path(chapter.page.notebook), drop_banner=drop_banner)
    if chapter.part != "all":
        story, appendix = split_appendix(nb)
        nb = story if chapter.part == "story" else appendix
    parts: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(_markdown_heading(cell.source))
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            markup = data.get("text/html")
            if markup is None:
                continue
            markup = "".join(markup) if isinstance(markup, list) else markup
            if out.get("metadata", {}).get("solutions", {}).get("page_title"):
                markup = re.sub(r"<h1\b[^>]*>.*?</h1>", "", markup, count=1, flags=re.S)
            parts.append(markup)
    return "\n".join(parts)


def demo_chapter(page: Page) -> bool:
    """True when the page showed its own demonstration banner (a fictional chapter of a real report)."""
    nb = read_clean(Path(page.notebook), drop_banner=False)
    return any(out.get("metadata", {}).get("solutions", {}).get("role") == "demo-banner"
               for cell in nb.cells for out in cell.get("outputs", []))


def _percent_width(img: Any) -> str:
    try:
        px = float(img.get("width") or 0)
    except ValueError:
        px = 0.0
    share = min(100.0, px / TEXT_WIDTH_PX * 100) if px > 0 else 100.0
    return f"{share:.0f}%"


def printable_html(markup: str, figures: Path, prefix: str) -> tuple[str, int, int]:
    """``markup`` ready for pandoc: scripts, styles and site-only links gone, each chart's SVG written to
    ``figures`` and referenced at its print width, links to other pages reduced to their text, collapsed
    details opened. Returns the HTML and how many figures and tables it holds."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(["script", "style", "noscript", "button", "input", "link", "meta"]):
        tag.decompose()
    for a in soup.find_all("a", class_="sos-data"):  # "Data of this chart (CSV)": the site's download
        a.decompose()
    for img in soup.find_all("img", class_="sos-chart-phone"):  # a chart's phone drawing: print has the laptop's
        img.decompose()
    n_fig = 0
    for img in soup.find_all("img"):
        src = str(img.get("src") or "")
        m = re.match(r"data:image/svg\+xml;base64,(.*)$", src, re.S)
        if not m:
            img.decompose()  # nothing else is published as an image; never fetch a remote one
            continue
        n_fig += 1
        name = f"{prefix}-{n_fig:03d}.svg"
        (figures / name).write_bytes(base64.b64decode(m[1]))
        img["src"] = f"figures/{name}"
        img["width"] = _percent_width(img)
        for attr in ("height", "style"):
            if attr in img.attrs:
                del img[attr]
    for a in soup.find_all("a"):
        a.unwrap()
    for card in soup.select(".sos-headline > div, .sos-front-cards > div"):  # figure, label, note: CSS blocks
        value = card.select_one(".value")
        rest = [_words(part.get_text(" ") if hasattr(part, "get_text") else str(part))
                for part in card.contents if part is not value]
        para = soup.new_tag("p")
        if value is not None:
            strong = soup.new_tag("strong")
            strong.string = _words(value.get_text(" "))
            para.append(strong)
        para.append(" " + " — ".join(r for r in rest if r))
        card.replace_with(para)
    for summary in soup.find_all("summary"):
        summary.name = "p"
        summary.wrap(soup.new_tag("strong"))
    for details in soup.find_all("details"):
        details.unwrap()
    n_tab = len(soup.find_all("table"))
    return str(soup), n_fig, n_tab


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pandoc_typst(quarto: str, markup: str, cwd: Path) -> str:
    """HTML → Typst with Quarto's pandoc (tables become ``#table`` with a repeating header)."""
    proc = subprocess.run([quarto, "pandoc", "--from", "html", "--to", "typst", "--wrap", "preserve"],
                          input=markup, capture_output=True, text=True, cwd=cwd, timeout=600, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise RenderError(f"pandoc could not convert a chapter for print (exit {proc.returncode}): {tail}")
    return proc.stdout


# ------------------------------------------------------------------------------------ citation ---
def citation_lines(cff: Path) -> list[str]:
    """How to cite the edition, from the data package's ``CITATION.cff`` (its own words and fields)."""
    try:
        data = safe_yaml.load(cff) or {}  # read back from the output folder: never trusted
    except ConfigError:
        return []
    if not isinstance(data, dict):
        return []
    lines = []
    authors = "; ".join(str(a.get("name") or " ".join(str(a.get(k, "")) for k in ("given-names", "family-names"))
                            ).strip() for a in data.get("authors") or [] if isinstance(a, dict))
    head = ". ".join(str(x) for x in (authors, data.get("title"), data.get("version") and f"Version {data['version']}",
                                       data.get("date-released")) if x)
    if head:
        lines.append(head + ".")
    for key, label in (("license", "Licence"), ("url", "URL"), ("doi", "DOI"), ("message", "")):
        if data.get(key):
            lines.append(f"{label}: {data[key]}" if label else str(data[key]))
    return lines


# ------------------------------------------------------------------------------------ document ---
def _preamble(site: SiteSpec, failed: list[Page]) -> str:
    template = (PRINT_ASSETS / "preamble.typ").read_text(encoding="utf-8")
    demo = "Demonstration data — not real: countries, surveys and figures in this edition are fictional."
    return (template.replace("$TITLE$", typst_string(site.title))
            .replace("$YEAR$", typst_string(str(site.year)))
            .replace("$DEMO$", typst_string(demo) if site.demo else "none")
            .replace("$FOOTER$", typst_string(site.footer)))


def _colophon(site: SiteSpec, failed: list[Page], cite: list[str]) -> str:
    lines = ['#heading(level: 1, "How to cite and what is on the site only")']
    if cite:
        lines.append("#par(" + typst_string("Cite this edition as given in the data package's CITATION.cff:") + ")")
        lines += [f"#block(inset: (left: 1em))[#text({typst_string(c)})]" for c in cite]
    else:
        lines.append("#par(" + typst_string("The data package's citation file was not found for this edition.") + ")")
    lines.append("#par(" + typst_string("Only on the site: " + "; ".join(SITE_ONLY) + ".") + ")")
    for p in failed:
        lines.append("#par(" + typst_string(f"Not included: {p.title} ({p.failure}).") + ")")
    return "\n".join(lines) + "\n"


def document(site: SiteSpec, quarto: str, src: Path) -> tuple[str, PrintResult]:
    """The ``.qmd`` of the print edition (written figures under ``src/figures``) and what it holds."""
    figures = src / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    result = PrintResult(site.out_dir.parent / PRINT_DIRNAME / pdf_name(site), 0.0)
    failed = [p for p in site.pages if not p.available]
    blocks = [_preamble(site, failed)]
    for i, ch in enumerate(chapters(site), start=1):
        markup, n_fig, n_tab = printable_html(chapter_html(ch, drop_banner=site.demo), figures, f"c{i:02d}")
        body = pandoc_typst(quarto, markup, src)
        note = ("#par(" + typst_string(ch.page.note[:1].upper() + ch.page.note[1:] + ". This chapter shows the last "
                                       "good build.") + ")\n") if ch.page.note and ch.part != "appendix" else ""
        label = " <sos-demo-chapter>" if not site.demo and demo_chapter(ch.page) else ""  # its pages' banner
        blocks.append(f"#heading(level: 1, {typst_string(ch.title)}){label}\n{note}{_inert(body)}")
        result.chapters.append(ch.title)
        result.figures += n_fig
        result.tables += n_tab
    blocks.append(_colophon(site, failed, citation_lines(site.out_dir.parent / "results" / "CITATION.cff")))
    front = {"format": {"typst": {"papersize": "a4", "margin": {"x": "20mm", "top": "22mm", "bottom": "20mm"},
                                  "fontsize": "10pt", "keep-typ": True}},
             "lang": "en"}
    qmd = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n"
    qmd += "\n\n".join(f"{_FENCE}{{=typst}}\n{b}\n{_FENCE}" for b in blocks) + "\n"
    return qmd, result


def pdf_name(site: SiteSpec) -> str:
    """The PDF's file name: one per edition year."""
    return f"state-of-solutions-{site.year}.pdf"


def _quarto(quarto: str | None) -> str:
    exe = quarto or shutil.which("quarto")
    if not exe:
        raise RenderError("quarto executable not found on PATH: the print edition needs Quarto with Typst "
                          "(https://quarto.org; `make pdf` installs one into .quarto-ci/)")
    return exe


def _quarto_version(quarto: str) -> str:
    proc = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=120, check=False)
    return proc.stdout.strip()


def made_from(site: SiteSpec, quarto: str) -> str:
    """sha256 of everything the PDF is made from."""
    h = hashlib.sha256()
    parts = {"title": site.title, "year": site.year, "demo": site.demo, "footer": site.footer,
             "pages": [(p.slug, p.title, p.section, p.status, p.reason, p.note) for p in site.pages],
             "quarto": _quarto_version(quarto)}
    h.update(json.dumps(parts, sort_keys=True).encode())
    sources = [Path(__file__), Path(__file__).with_name("clean.py"), *sorted(PRINT_ASSETS.glob("*")),
               site.out_dir.parent / "results" / "CITATION.cff",
               *[Path(p.notebook) for p in site.pages if p.available]]
    for path in sources:
        h.update(path.name.encode())
        h.update(path.read_bytes() if path.is_file() else b"-")
    return h.hexdigest()


def render_pdf(site: SiteSpec, *, quarto: str | None = None, force: bool = False, timeout: float = 1800
               ) -> PrintResult:
    """Render ``outputs/<year>/print/<name>.pdf`` (atomically: a failure keeps the last good PDF)."""
    exe = _quarto(quarto)
    t0 = time.perf_counter()
    out_dir = site.out_dir.parent / PRINT_DIRNAME
    target = out_dir / pdf_name(site)
    key = made_from(site, exe)
    record = out_dir / ".made-from.json"
    if not force and target.is_file() and record.is_file():
        try:  # a state file: bounded, never trusted (a damaged one means rendering again)
            known = state_json.read_json(record, max_bytes=1 << 20, max_depth=4)
        except StateFileError:
            known = {}
        known = known if isinstance(known, dict) else {}
        if known.get("digest") == key and known.get("pdf_sha256") == _sha256(target):
            return PrintResult(target, 0.0, list(known.get("chapters", [])), int(known.get("figures", 0)),
                               int(known.get("tables", 0)), up_to_date=True)
    with staging_dir(out_dir.parent / "print-src") as src:
        qmd, result = document(site, exe, src)
        write_atomic(src / "edition.qmd", qmd)
        cmd = [exe, "render", "edition.qmd", "--to", "typst"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=src, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"quarto render --to typst timed out after {timeout:.0f} s") from exc
        built = src / "edition.pdf"
        if proc.returncode != 0 or not built.is_file():
            tail = "\n".join((proc.stdout + "\n" + proc.stderr).strip().splitlines()[-15:])
            raise RenderError(f"the print edition could not be typeset (quarto exit {proc.returncode}):\n{tail}")
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(target, built.read_bytes())
        target.chmod(0o644)  # published like the site's files (the temp file it was renamed from is private)
    result.pdf, result.seconds = target, time.perf_counter() - t0
    write_atomic(record, json.dumps({"digest": key, "pdf_sha256": _sha256(target), "chapters": result.chapters,
                                     "figures": result.figures, "tables": result.tables}, indent=1))
    return result


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


__all__ = ["SITE_ONLY", "Chapter", "PrintResult", "chapters", "render_pdf", "typst_string"]
