"""Site specification, result types, the renderer interface and shared helpers."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

Section = Literal["front", "global", "country", "methods", "data"]
SECTIONS: tuple[str, ...] = ("front", "global", "country", "methods", "data")
Status = Literal["ok", "failed", "missing"]
#: The templates and stylesheets of both renderers (part of what a site is made from).
ASSETS = Path(__file__).parent / "assets"

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_RESERVED = {"index", "assets", "results", "site_libs", "search"}


class RenderError(RuntimeError):
    """Rendering the site failed; the previous site (if any) is left untouched."""


@dataclass(frozen=True)
class Page:
    """One page of the site, rendered from one executed notebook.

    ``slug`` is the output file stem (``global``, ``methods``, ``country-QAB``); a page whose
    ``status`` is not ``ok`` (or whose notebook is missing) is listed in the index without a link,
    with ``reason``. ``note`` marks a page still published from an earlier good build ("not updated:
    invalid input (3 problems)"): shown on the page and in the index. Both are public text: never a path
    or a data value. The ``front`` section's page becomes the site's ``index.html`` (its story first, then
    the navigation and downloads the renderer adds); ``data`` holds the codebook.
    """

    slug: str
    title: str
    notebook: Path
    section: Section
    status: Status = "ok"
    reason: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not _SLUG.fullmatch(self.slug) or self.slug in _RESERVED:
            raise ValueError(f"invalid page slug {self.slug!r}")
        if self.section not in SECTIONS:
            raise ValueError(f"invalid page section {self.section!r}")

    @property
    def href(self) -> str:
        """Site-relative URL of the rendered page (all pages sit at the site root; the front page is the index)."""
        return "index.html" if self.section == "front" else f"{self.slug}.html"

    @property
    def iso3(self) -> str | None:
        """ISO3 code of a country page (slug ``country-<ISO3>``), else None."""
        if self.section == "country" and self.slug.startswith("country-"):
            return self.slug.removeprefix("country-").upper()
        return None

    @property
    def available(self) -> bool:
        """True when the page can be rendered (status ok and the notebook exists)."""
        return self.status == "ok" and Path(self.notebook).is_file()

    @property
    def failure(self) -> str:
        """Why the page is not available ("" when it is), for logs and warnings."""
        if self.available:
            return ""
        if self.status == "ok":
            return "notebook not found"
        return self.reason or self.status

    @property
    def download_prefix(self) -> str | None:
        """Folder (relative to the year folder) holding this page's result downloads."""
        if self.section == "global":
            return "results/global/"
        if self.iso3:
            return f"results/{self.iso3}/"
        return None


@dataclass
class SiteSpec:
    """Everything a renderer needs to build ``outputs/<year>/site``."""

    year: int
    title: str
    pages: list[Page]
    out_dir: Path
    downloads: list[Path] = field(default_factory=list)
    demo: bool = False
    footer: str = ""
    changed: set[str] | None = None
    #: Files copied into the site beside the downloads but not listed with them: the data of each chart
    #: (``results/<ISO3>/charts/*.csv``), linked from its figure.
    chart_data: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.out_dir = Path(self.out_dir)
        slugs = [p.slug for p in self.pages]
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        if dupes:
            raise ValueError(f"duplicate page slugs: {dupes}")
        for d in [*self.downloads, *self.chart_data]:
            if Path(d).is_absolute() or ".." in Path(d).parts:
                raise ValueError(f"download paths must be relative to the year folder: {d}")

    @property
    def year_dir(self) -> Path:
        """The ``outputs/<year>`` folder (parent of ``out_dir``); downloads are relative to it."""
        return self.out_dir.parent

    def section(self, name: Section) -> list[Page]:
        """Pages of one section, in spec order."""
        return [p for p in self.pages if p.section == name]

    def existing_downloads(self) -> list[Path]:
        """Downloads that exist on disk, sorted, as relative paths."""
        return sorted({Path(d) for d in self.downloads if (self.year_dir / d).is_file()})

    def existing_files(self) -> list[Path]:
        """Every file the site carries beside its pages (downloads and chart data) that exists on disk."""
        return sorted({Path(d) for d in [*self.downloads, *self.chart_data] if (self.year_dir / d).is_file()})

    def downloads_for(self, page: Page) -> list[Path]:
        """Existing downloads belonging to ``page`` (by its results folder)."""
        prefix = page.download_prefix
        if prefix is None:
            return []
        return [d for d in self.existing_downloads() if d.as_posix().startswith(prefix)]


@dataclass
class RenderResult:
    """What a render produced."""

    index: Path
    pages: list[Path]
    renderer: str
    seconds: float
    rendered: list[str] = field(default_factory=list)  # slugs actually (re)rendered this time
    warnings: list[str] = field(default_factory=list)  # e.g. broken links inside notebook outputs
    broken_links: list[str] | None = None  # None: the renderer did not check its site's links
    up_to_date: bool = False  # nothing was rendered: the site on disk is the one its inputs make


@runtime_checkable
class Renderer(Protocol):
    """Turns a :class:`SiteSpec` into a static site in ``site.out_dir``."""

    name: str

    def render(self, site: SiteSpec) -> RenderResult:
        """Render the site atomically and return what was produced."""
        ...


def build_site_spec(
    year_dir: Path,
    year: int,
    title: str,
    countries: Sequence[tuple[str, str, str, str]],
    *,
    demo: bool = False,
    footer: str = "",
    changed: set[str] | None = None,
    download_globs: Iterable[str] = ("results/*/*.csv", "results/*/*.xlsx"),
    chart_globs: Iterable[str] = ("results/*/charts/*.csv",),
    notes: dict[str, str] | None = None,
) -> SiteSpec:
    """Standard spec for ``outputs/<year>``: front, global, one page per country, methods, codebook (a page
    whose notebook was never produced is left out of the site).

    ``countries`` holds ``(iso3, name, status, reason)``; notebooks are looked up in
    ``<year_dir>/notebooks``, downloads discovered with ``download_globs`` and the charts' data with
    ``chart_globs``. ``notes`` maps a slug to the "not updated" note of a page kept from an earlier build.
    """
    year_dir = Path(year_dir)
    nb_dir = year_dir / "notebooks"
    notes = notes or {}
    pages = [Page("front", "Overview", nb_dir / "front.ipynb", "front", note=notes.get("front", "")),
             Page("global", "Global overview", nb_dir / "global.ipynb", "global", note=notes.get("global", ""))]
    for iso3, name, status, reason in countries:
        st: Status = status if status in ("ok", "failed", "missing") else "failed"  # type: ignore[assignment]
        slug = f"country-{iso3}"
        pages.append(Page(slug, name, nb_dir / f"{slug}.ipynb", "country", st, reason, notes.get(slug, "")))
    pages.append(Page("methods", "Methods", nb_dir / "methods.ipynb", "methods", note=notes.get("methods", "")))
    pages.append(Page("codebook", "Data and codebook", nb_dir / "codebook.ipynb", "data",
                      note=notes.get("codebook", "")))

    def found(globs: Iterable[str]) -> list[Path]:
        return sorted({p.relative_to(year_dir) for g in globs for p in year_dir.glob(g) if p.is_file()})

    return SiteSpec(year, title, pages, year_dir / "site", found(download_globs), demo, footer, changed,
                    found(chart_globs))


@dataclass(frozen=True)
class DownloadGroup:
    """Downloads shown together on the index: a label, a note, and (link text, path) pairs."""

    label: str
    files: list[tuple[str, Path]]
    note: str = ""
    collapsed: bool = False


_REFERENCE = {"countries.csv": "countries", "indicator_catalogue.csv": "indicator catalogue",
              "iasc_criteria.csv": "IASC criteria"}


def download_groups(site: SiteSpec) -> list[DownloadGroup]:
    """The index's downloads, grouped for readers: the data package and how to cite it first, then all
    countries' tables, the reference tables, each country's tables, and the data behind the figures."""
    files = site.existing_downloads()
    top = {d.name: d for d in files if len(d.parts) == 2}
    groups: list[DownloadGroup] = []
    package = [(label, top[name]) for name, label in (("datapackage.json", "datapackage.json"),
                                                      ("CITATION.cff", "CITATION.cff"),
                                                      ("manifest.json", "build manifest")) if name in top]
    if package:
        groups.append(DownloadGroup("Data package", package, "Every file below with its table schema "
                                    "(Frictionless Data), the citation and the build manifest."))
    from solutions.results import SCHEMAS

    by_folder: dict[str, list[Path]] = {}
    for d in files:
        if len(d.parts) == 3 and d.suffix in (".csv", ".xlsx") and d.stem in SCHEMAS:
            by_folder.setdefault(d.parts[1], []).append(d)
    if "global" in by_folder:
        groups.append(DownloadGroup("All countries", [(d.name, d) for d in by_folder.pop("global")]))
    reference = [(label, top[name]) for name, label in _REFERENCE.items() if name in top]
    if reference:
        groups.append(DownloadGroup("Reference tables", reference))
    names = {p.iso3: p.title for p in site.section("country") if p.iso3}
    for folder in sorted(by_folder, key=lambda f: names.get(f, f)):
        groups.append(DownloadGroup(names.get(folder, folder), [(d.name, d) for d in by_folder[folder]]))
    known = {d for g in groups for _, d in g.files}
    rest = [d for d in files if d not in known and d.suffix == ".csv"]
    if rest:
        groups.append(DownloadGroup("Data behind the figures", [(d.as_posix().removeprefix("results/"), d)
                                                               for d in rest], collapsed=True))
    return groups


def copy_downloads(site: SiteSpec, dest: Path) -> list[Path]:
    """Copy existing downloads and chart data into ``dest`` preserving their relative paths; returns them."""
    copied = site.existing_files()
    for rel in copied:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site.year_dir / rel, target)
    return copied


@contextmanager
def staging_dir(target: Path) -> Iterator[Path]:
    """A fresh temp dir next to ``target``; removed on error (or if not swapped in).

    Leftovers of a render that was killed (SIGKILL skips every ``finally``) are removed first: the build lock
    is held while rendering, so no other render can be using them.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in [*target.parent.glob(f".{target.name}-tmp-*"), *target.parent.glob(f".{target.name}-old-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-tmp-", dir=target.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def swap_into_place(staged: Path, target: Path) -> None:
    """Replace directory ``target`` by ``staged`` with two renames (same filesystem)."""
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(staged, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file via a temp file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
