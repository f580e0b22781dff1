"""Session fixtures of the real-browser tests: ONE demo build (with a hostile narrative planted in a
country config) rendered by both renderers (nbconvert, and Quarto when a ``quarto`` is on PATH, as
``make test`` arranges), a loopback HTTP server per site, headless Chromium drivers and axe-core.

Set ``SOS_BROWSER_ROOT=/some/dir`` to keep the build between runs while working on these tests: the
demo + build run only when ``/some/dir/outputs/<year>/site/index.html`` is missing (and the Quarto render
only when ``/some/dir/quarto/outputs/<year>/site/index.html`` is).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .support import (
    HOSTILE_CRITERION,
    HOSTILE_CRITERION_TEXT,
    HOSTILE_ISO3,
    HOSTILE_SUMMARY,
    PHONE,
    make_driver,
    serve,
)

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"


RENDERERS = ("nbconvert", "quarto")


@dataclass(frozen=True)
class BuiltSite:
    root: Path  # project folder: params/, data/demo/, outputs/
    year: int
    site: Path  # outputs/<year>/site
    countries: tuple[str, ...]
    renderer: str = "nbconvert"


def _solutions_cmd() -> list[str]:
    script = Path(sys.executable).with_name("solutions")
    if script.is_file():
        return [str(script)]
    found = shutil.which("solutions")
    if found:
        return [found]
    return [sys.executable, "-c", "from solutions.cli import app; app()"]


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}",
            pytrace=False,
        )


def _plant_hostile_narrative(params: Path) -> None:
    path = params / "countries" / f"{HOSTILE_ISO3}.yml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    narrative = cfg.setdefault("narrative", {})
    narrative["summary"] = HOSTILE_SUMMARY
    criteria = narrative.get("criteria") or {}
    criteria[HOSTILE_CRITERION] = HOSTILE_CRITERION_TEXT
    narrative["criteria"] = criteria
    path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")


@contextlib.contextmanager
def _exclusive(lock: Path):
    """Hold an exclusive lock on ``lock``: pytest-xdist workers share one build instead of racing two."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _project_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project folder of the browser tests: $SOS_BROWSER_ROOT, else one folder shared by every xdist worker
    of this run (the workers' base temp folders sit in the run's own), so the demo is built once per run."""
    keep = os.environ.get("SOS_BROWSER_ROOT")
    if keep:
        return Path(keep)
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / "browser-project"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Demo params + data written into a tmp project, hostile narrative planted, the report built once."""
    root = _project_root(tmp_path_factory)
    with _exclusive(root.parent / f"{root.name}.lock"):
        return _build(root)


def _build(root: Path) -> BuiltSite:
    root.mkdir(parents=True, exist_ok=True)
    cmd = _solutions_cmd()
    params = root / "params" / "global.yml"
    if not params.is_file():
        _run([*cmd, "demo", "--root", str(root)], root, "solutions demo")
        _plant_hostile_narrative(root / "params")
    gcfg = yaml.safe_load(params.read_text(encoding="utf-8"))
    year = int(gcfg["report_year"])
    site = root / "outputs" / str(year) / "site"
    if not (site / "index.html").is_file():
        _run(
            [*cmd, "build", "--params", str(params), "--output", str(root / "outputs"), "--quiet",
             "--renderer", "nbconvert"],
            root,
            "solutions build",
        )
    assert (site / "index.html").is_file(), f"the build wrote no {site / 'index.html'}"
    return BuiltSite(root=root, year=year, site=site, countries=tuple(gcfg["countries"]))


def _quarto_site(built: BuiltSite) -> BuiltSite:
    """The same executed notebooks and results rendered by Quarto, into a copy of the year folder."""
    out = built.root / "quarto" / "outputs"
    year_dir = out / str(built.year)
    site = year_dir / "site"
    if not (site / "index.html").is_file():
        shutil.rmtree(year_dir, ignore_errors=True)
        shutil.copytree(built.site.parent, year_dir,
                        ignore=shutil.ignore_patterns("site", "site-src", ".site-cache", "screenshots"))
        _run([*_solutions_cmd(), "render", "--params", str(built.root / "params" / "global.yml"),
              "--output", str(out), "--renderer", "quarto"], built.root, "solutions render --renderer quarto")
    assert (site / "index.html").is_file(), f"quarto wrote no {site / 'index.html'}"
    return BuiltSite(root=built.root, year=built.year, site=site, countries=built.countries, renderer="quarto")


def site_of(built: BuiltSite, renderer: str) -> BuiltSite:
    """The session's site as ``renderer`` wrote it: the build's own (nbconvert), or its notebooks rendered by
    Quarto once per run (under a lock: every test module and xdist worker reads the same render)."""
    if renderer == "nbconvert":
        return built
    with _exclusive(built.root.parent / f"{built.root.name}-quarto.lock"):
        return _quarto_site(built)


@pytest.fixture(scope="session", params=RENDERERS)
def rendered(request, built_site: BuiltSite) -> BuiltSite:
    """The built site as each renderer wrote it (Quarto skipped, saying why, when it is not on PATH)."""
    if request.param != "nbconvert" and shutil.which("quarto") is None:
        pytest.skip("quarto not on PATH (`make test` installs it when ../shared/tools/install-quarto exists)")
    return site_of(built_site, request.param)


@pytest.fixture(scope="session")
def site_url(rendered: BuiltSite):
    """Base URL (ending in '/') of the rendered site served on 127.0.0.1."""
    with serve(rendered.site) as url:
        yield url


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory):
    """Laptop-sized headless Chromium (1366 px)."""
    drv = make_driver(tmp_path_factory.mktemp("chromium-desktop-profile"))
    yield drv
    drv.quit()


@pytest.fixture(scope="session")
def phone_driver(tmp_path_factory: pytest.TempPathFactory):
    """Headless Chromium emulating a 375 px wide phone (meta viewport honoured)."""
    drv = make_driver(tmp_path_factory.mktemp("chromium-phone-profile"), size=PHONE, mobile=True)
    yield drv
    drv.quit()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script (node_modules/axe-core/axe.min.js); one quiet `npm ci` attempt if missing."""
    npm = shutil.which("npm")
    if not AXE_JS.is_file() and npm and (REPO / "package.json").is_file():
        sub = "ci" if (REPO / "package-lock.json").is_file() else "install"
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(
                [npm, sub, "--no-audit", "--no-fund", "--silent"],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
    if not AXE_JS.is_file():
        pytest.skip(
            f"axe-core not installed ({AXE_JS.relative_to(REPO)} missing): run `npm ci` at the repo root"
        )
    return AXE_JS.read_text(encoding="utf-8")
