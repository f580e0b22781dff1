"""Full-page PNG screenshots of a built report site (headless Chromium), for looking at layout and charts.

    python -m tests.browser.screenshots --site outputs --params params/global.yml
    python tests/browser/screenshots.py --site outputs --params params/global.yml   # same thing

Renders the built year (``<site>/<year>``: its executed notebooks and results) with each renderer in turn
(``--renderers nbconvert,quarto``; Quarto is skipped, saying so, when no ``quarto`` is on PATH) and writes
``<site>/<year>/screenshots/<renderer>/{index,global,country-<ISO3>,methods}-{laptop,phone}.png`` (1366 px and
375 px wide), ``<ISO3>`` being the first country of the global config unless ``--country`` says otherwise.
The site is left as the last renderer wrote it. Served on 127.0.0.1 only; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

try:
    from .support import (
        DESKTOP,
        MISSING_REASON,
        PHONE,
        chromium_paths,
        full_page_png,
        load,
        make_driver,
        serve,
    )
except ImportError:  # run as a plain script: python tests/browser/screenshots.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from support import (  # type: ignore[no-redef]
        DESKTOP,
        MISSING_REASON,
        PHONE,
        chromium_paths,
        full_page_png,
        load,
        make_driver,
        serve,
    )

VIEWPORTS = {"laptop": (DESKTOP, False), "phone": (PHONE, True)}


def take(site: Path, out: Path, pages: list[str]) -> list[Path]:
    """Screenshots of ``pages`` (file stems) of the site folder ``site`` into ``out``; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="sos-shots-") as tmp, serve(site) as url:
        for label, (size, mobile) in VIEWPORTS.items():
            driver = make_driver(Path(tmp) / label, size=size, mobile=mobile)
            try:
                for page in pages:
                    load(driver, f"{url}{page}.html")
                    path = out / f"{page}-{label}.png"
                    path.write_bytes(full_page_png(driver))
                    written.append(path)
            finally:
                driver.quit()
    return written


def render(params: Path, output: Path, renderer: str) -> None:
    """Render the built year with ``renderer`` (``solutions render``); exits with its message on failure."""
    solutions = shutil.which("solutions") or str(Path(sys.executable).with_name("solutions"))
    proc = subprocess.run([solutions, "render", "--params", str(params), "--output", str(output),
                           "--renderer", renderer], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"solutions render --renderer {renderer} failed:\n{proc.stdout}{proc.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--site", type=Path, default=Path("outputs"), help="outputs root holding <year>/"
    )
    parser.add_argument("--params", type=Path, default=Path("params/global.yml"), help="the global config")
    parser.add_argument("--country", help="ISO3 of the country page (default: the first in the config)")
    parser.add_argument("--renderers", default="quarto,nbconvert",
                        help="comma-separated renderers, in order (the site keeps the last one's pages)")
    args = parser.parse_args(argv)

    if chromium_paths() is None:
        print(MISSING_REASON, file=sys.stderr)
        return 2
    cfg = yaml.safe_load(args.params.read_text(encoding="utf-8"))
    year = int(cfg["report_year"])
    country = args.country or (cfg.get("countries") or [None])[0]
    year_dir = args.site / str(year)
    if not (year_dir / "notebooks").is_dir():
        print(f"not built: {year_dir / 'notebooks'} (run `solutions build`)", file=sys.stderr)
        return 2
    pages = ["index", "global"] + ([f"country-{country}"] if country else []) + ["methods"]
    for renderer in [r.strip() for r in args.renderers.split(",") if r.strip()]:
        if renderer == "quarto" and shutil.which("quarto") is None:
            print("quarto not on PATH: no Quarto screenshots (make screenshots installs it when it can)",
                  file=sys.stderr)
            continue
        render(args.params, args.site, renderer)
        for path in take(year_dir / "site", year_dir / "screenshots" / renderer, pages):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
