"""Session fixtures of the real-browser tests: ONE demo build (with a hostile narrative planted in a
country config), a loopback HTTP server, headless Chromium drivers and axe-core.

Set ``SOS_BROWSER_ROOT=/some/dir`` to keep the build between runs while working on these tests: the
demo + build run only when ``/some/dir/outputs/<year>/site/index.html`` is missing.
"""

from __future__ import annotations

import contextlib
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


@dataclass(frozen=True)
class BuiltSite:
    root: Path  # project folder: params/, data/demo/, outputs/
    year: int
    site: Path  # outputs/<year>/site
    countries: tuple[str, ...]


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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Demo params + data written into a tmp project, hostile narrative planted, the report built once."""
    keep = os.environ.get("SOS_BROWSER_ROOT")
    root = Path(keep) if keep else tmp_path_factory.mktemp("browser-project")
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
            [*cmd, "build", "--params", str(params), "--output", str(root / "outputs"), "--quiet"],
            root,
            "solutions build",
        )
    assert (site / "index.html").is_file(), f"the build wrote no {site / 'index.html'}"
    return BuiltSite(root=root, year=year, site=site, countries=tuple(gcfg["countries"]))


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite):
    """Base URL (ending in '/') of the built site served on 127.0.0.1."""
    with serve(built_site.site) as url:
        yield url


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory):
    """Desktop-sized headless Chromium (1280 px)."""
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
