"""Full-page PNG screenshots of a built report site (headless Chromium), for eyeballing layout and charts.

    python -m tests.browser.screenshots --site outputs --params params/global.yml
    python tests/browser/screenshots.py --site outputs --params params/global.yml   # same thing

Writes ``<site>/<year>/screenshots/{global,country-<ISO3>}-{desktop,phone}.png`` (desktop 1280 px,
phone 375 px wide), ``<year>`` being the ``report_year`` of the global config and ``<ISO3>`` its first
country unless ``--country`` says otherwise. The site is served on 127.0.0.1 only; nothing leaves the
machine.
"""

from __future__ import annotations

import argparse
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

VIEWPORTS = {"desktop": (DESKTOP, False), "phone": (PHONE, True)}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--site", type=Path, default=Path("outputs"), help="outputs root holding <year>/site/"
    )
    parser.add_argument("--params", type=Path, default=Path("params/global.yml"), help="the global config")
    parser.add_argument("--country", help="ISO3 of the country page (default: the first in the config)")
    args = parser.parse_args(argv)

    if chromium_paths() is None:
        print(MISSING_REASON, file=sys.stderr)
        return 2
    cfg = yaml.safe_load(args.params.read_text(encoding="utf-8"))
    year = int(cfg["report_year"])
    country = args.country or (cfg.get("countries") or [None])[0]
    site = args.site / str(year) / "site"
    pages = ["global"] + ([f"country-{country}"] if country else [])
    missing = [p for p in pages if not (site / f"{p}.html").is_file()]
    if missing:
        print(
            f"not built: {', '.join(str(site / f'{p}.html') for p in missing)} (run `solutions build`)",
            file=sys.stderr,
        )
        return 2
    for path in take(site, args.site / str(year) / "screenshots", pages):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
