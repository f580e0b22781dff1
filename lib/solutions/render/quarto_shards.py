"""One Quarto website rendered by several ``quarto render`` processes at once, its pages split between them.

Why: Quarto renders a project in one process that keeps about one core busy, page after page (1.5-3 s a
report page), so on a machine with cores to spare the site render was much of a build's wall time after the
notebooks. What makes a split exact: the report's pages do not depend on each other. Each page's HTML depends
on the project's configuration (navigation, footer, styles) and on its own notebook, never on another page:
the navigation links to ``<slug>.html`` (``quarto.quarto_config``), which needs no other page rendered. So
each process renders a copy of the project whose ``project.render`` lists only its pages, and the pages, the
site libraries and the search index are gathered into one site. tests/render/test_quarto.py renders a site
both ways and compares every file.

A copy links the project's files (hard links, else copies) and its downloads only into the copy holding the
index page, so Quarto copies each download once. Copies live in ``<year>/.quarto-shards`` and are removed
after the render, or by the next render after an interrupted one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from solutions.inert import inert

from .base import RenderError

SHARDS_DIRNAME = ".quarto-shards"
_MAX_PROCESSES = 4  # each Quarto process holds 0.3-0.4 GiB


def processes(pages: int, cpus: int | None = None) -> int:
    """How many Quarto processes render a site of ``pages`` pages: one per core (at most ``_MAX_PROCESSES``),
    never fewer than two pages each (a process costs about 2 s of start-up)."""
    if cpus is None:  # the cores this process may use (a container's limit), else the machine's
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, _MAX_PROCESSES, pages // 2))


def failure(returncode: int, output: str) -> RenderError:
    """A failed ``quarto render``: its exit code and last lines (as plain terminal text)."""
    tail = inert("\n".join(output.strip().splitlines()[-25:]), "terminal")
    return RenderError(f"quarto render failed (exit {returncode}):\n{tail}")


def split(sources: list[Path], n: int) -> list[list[str]]:
    """The pages' source files in ``n`` groups of about equal bytes (largest first to the lightest group), each
    group in the site's order; the same split for the same files."""
    loads = [0] * n
    groups: list[list[str]] = [[] for _ in range(n)]
    for path in sorted(sources, key=lambda p: (-p.stat().st_size, p.name)):
        i = loads.index(min(loads))
        groups[i].append(path.name)
        loads[i] += path.stat().st_size
    order = {p.name: k for k, p in enumerate(sources)}
    return [sorted(g, key=order.__getitem__) for g in groups if g]


@dataclass
class _Shard:
    folder: Path
    pages: list[str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.folder.with_suffix(".log")


def render_split(quarto: str, src: Path, cfg: dict[str, Any], groups: list[list[str]], work: Path,
                 timeout: float) -> Path:
    """Render the project ``src`` (``cfg``: its ``_quarto.yml``) as one Quarto process per group of pages, at
    once, in copies under ``work``; returns the gathered site, ``src/_site``. Raises ``RenderError`` when
    any process fails (its last lines quoted) or times out."""
    output_dir = cfg["project"]["output-dir"]
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    index_group = next((k for k, g in enumerate(groups) if any(p.startswith("index.") for p in g)), 0)
    shards = [_copy(src, cfg, work / str(k), pages, downloads=k == index_group) for k, pages in enumerate(groups)]
    try:
        for s in shards:  # output to a file: a full pipe would stall a process while another is waited for
            with s.log.open("w", encoding="utf-8") as log:
                s.process = subprocess.Popen([quarto, "render", str(s.folder), "--no-execute"], stdout=log,
                                             stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        for s in shards:
            assert s.process is not None
            try:
                s.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired as exc:
                raise RenderError(f"quarto render timed out after {timeout:.0f} s") from exc
            if s.process.returncode != 0:
                raise failure(s.process.returncode, s.log.read_text(encoding="utf-8", errors="replace"))
        site = src / output_dir
        shutil.rmtree(site, ignore_errors=True)
        _gather([(s.folder / output_dir, s.pages) for s in shards], site, first=index_group,
                order=[page_html(p) for p in cfg["project"]["render"]])
        return site
    finally:
        for s in shards:
            if s.process is not None and s.process.poll() is None:
                s.process.kill()
                s.process.wait()
        shutil.rmtree(work, ignore_errors=True)


def _copy(src: Path, cfg: dict[str, Any], folder: Path, pages: list[str], *, downloads: bool) -> _Shard:
    """A copy of the project rendering only ``pages``; the downloads (``project.resources``) in one copy only."""
    resources = set(cfg["project"].get("resources", []))
    folder.mkdir()
    for path in src.iterdir():
        if path.name in (cfg["project"]["output-dir"], ".quarto", "_quarto.yml") or path.is_dir():
            continue  # the downloads are folders (results/): linked below, file by file, where needed
        _link(path, folder / path.name)
    if downloads:
        for rel in sorted(resources):
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            _link(src / rel, target)
    mine = {**cfg, "project": {**cfg["project"], "render": pages, "resources": sorted(resources) if downloads else []}}
    (folder / "_quarto.yml").write_text(yaml.safe_dump(mine, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return _Shard(folder, pages)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another filesystem, or links not allowed
        shutil.copy2(source, target)


def page_html(source: str) -> str:
    """The file Quarto renders a page's source to (``country-QAB.ipynb`` → ``country-QAB.html``)."""
    return Path(source).with_suffix(".html").name


def _gather(sites: list[tuple[Path, list[str]]], into: Path, *, first: int, order: list[str]) -> None:
    """One site from the copies' sites (moved): each copy's own pages, every other file from the first copy that
    has it (the site libraries are the same files in every copy), and one search index of every page's entries,
    pages in the site's ``order`` (Quarto's own order of pages there follows no rule it documents)."""
    into.mkdir(parents=True)
    ordered = [sites[first], *(s for k, s in enumerate(sites) if k != first)]
    mine = {page_html(p) for _site, pages in sites for p in pages}
    entries: dict[str, list[Any]] = {}
    for site, pages in ordered:
        own = {page_html(p) for p in pages}
        for path in sorted(site.rglob("*")):
            rel = path.relative_to(site)
            target = into / rel
            if path.is_dir() or target.exists():
                continue
            if rel.as_posix() == "search.json":
                for entry in json.loads(path.read_text(encoding="utf-8")):
                    entries.setdefault(str(entry.get("href", "")).split("#")[0], []).append(entry)
                continue
            if len(rel.parts) == 1 and rel.name in mine and rel.name not in own:
                continue  # a page another copy renders (Quarto writes a redirect as the index of a copy without it)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    if entries:
        rank = {page: k for k, page in enumerate(order)}
        merged = [e for page in sorted(entries, key=lambda h: (rank.get(h, len(rank)), h)) for e in entries[page]]
        (into / "search.json").write_text(json.dumps(merged, indent=2, ensure_ascii=False), encoding="utf-8")
