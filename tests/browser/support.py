"""Shared helpers of the real-browser tests and the screenshot tool: a loopback HTTP server for a built
site, a locked-down headless Chromium, page loading and full-page screenshots.

Standard library + selenium only, so that ``screenshots.py`` can run as a plain script too.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMEDRIVER_NAMES = ("chromedriver",)
MISSING_REASON = "chromium/chromedriver not found: install Debian packages chromium chromium-driver"

# Mandatory flags: nothing may phone home, no sandbox (containers), a throw-away profile.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    # Belt and braces: any host name other than the loopback server fails to resolve, so a stray
    # external request can never leave the machine (it shows up as a failed request instead).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
)

# Planted in the tmp copy of this country's config before the build (never in the repo's params/).
HOSTILE_ISO3 = "QAB"
HOSTILE_SUMMARY = (
    "Hostile summary with **still Markdown** text: "
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> end of summary.'
)
HOSTILE_CRITERION = 2
HOSTILE_CRITERION_TEXT = "Criterion text with <b>bold</b> tags that must stay literal."

DESKTOP = (1366, 768)  # the commonest laptop width
PHONE = (375, 812)  # iPhone SE / 8 class: the narrowest common phone width


def find_binary(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_paths() -> tuple[str, str] | None:
    """(chromium, chromedriver), or None when either is missing."""
    browser, driver = find_binary(CHROMIUM_NAMES), find_binary(CHROMEDRIVER_NAMES)
    return (browser, driver) if browser and driver else None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (ephemeral port) from a thread; yields the base URL (with '/')."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def make_driver(profile_dir: Path, *, size: tuple[int, int] = DESKTOP, mobile: bool = False):
    """A headless Chromium with browser console logging, a fresh profile and, when ``mobile``, the phone
    viewport emulated (CSS width ``size[0]``, meta viewport honoured)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = chromium_paths()
    if paths is None:
        raise RuntimeError(MISSING_REASON)
    browser, chromedriver = paths
    profile_dir.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument(f"--window-size={size[0]},{size[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Service(path) makes selenium skip Selenium Manager (which would go online).
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    set_viewport(driver, size, mobile=mobile)
    # The Performance API keeps only 250 resource entries by default; keep them all so that the
    # "no external request" check sees every request of a long page.
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {"source": "try { performance.setResourceTimingBufferSize(100000); } catch (e) {}"},
    )
    return driver


def set_viewport(driver, size: tuple[int, int], *, mobile: bool = False) -> None:
    """Emulate a viewport of ``size`` CSS pixels (independent of window-manager minimum sizes)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": mobile},
    )


# Interactive tables (itables) initialise asynchronously from an ES module; wait for them so that
# console errors, the DOM scanned by axe and the screenshots are those of the finished page.
_SETTLED_JS = """
if (document.readyState !== 'complete') return false;
const pending = document.querySelectorAll('table[id^="sos_"]:not(.dataTable)');
return pending.length === 0;
"""


def load(driver, url: str, *, settle_timeout: float = 10.0) -> None:
    """Open ``url`` and wait until the document is complete and the interactive tables have initialised
    (gives up silently after ``settle_timeout``: tests that care check the tables themselves)."""
    driver.get(url)
    deadline = time.monotonic() + settle_timeout
    while time.monotonic() < deadline:
        if driver.execute_script(_SETTLED_JS):
            break
        time.sleep(0.1)
    time.sleep(0.2)  # late async errors (module imports) reach the console log


def full_page_png(driver) -> bytes:
    """A PNG of the whole page (beyond the viewport) through the DevTools protocol."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    content = metrics.get("cssContentSize") or metrics["contentSize"]
    width = driver.execute_script("return document.documentElement.clientWidth")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": max(width, content["width"]),
                "height": content["height"],
                "scale": 1,
            },
        },
    )
    return base64.b64decode(shot["data"])
