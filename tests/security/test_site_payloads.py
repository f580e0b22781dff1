"""Class "published outputs", the site: what a config can make either renderer's pages say.

Before: a global `title` or a country `name` of `Report <svg onload=alert(1)>` ran script on every page of the
Quarto site (navbar, title block, `<title>`: `_quarto.yml` and front matter are Markdown to Pandoc), and a
name holding `{{< env SOS_SECRET >}}` published that environment variable of the build machine. After: every
config string is written through `solutions.inert.inert` for the language it reaches.

A canary build: one country whose every page-bound config string (global title, country name, survey title,
sources, an external reference, the solutions measure's label, narrative, notes, a breakdown's and a country
variable's labels, the title, short title and definition of the country's own indicator, XLSForm labels) holds script,
shortcode, Markdown-link and template payloads, built with nbconvert and rendered again with Quarto (when it
is installed) with SOS_CANARY set; the rendered files are parsed and nothing of the payloads is live.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from solutions.inert import WORD_JOINER, inert

from .hostile_project import SOLUTIONS, HostileProject, write_xlsform

SECRET = "sos-canary-7f3a9c"
PAYLOADS = [
    "<script>sos_canary()</script>",
    '<svg id="sosx" onload="alert(1)"></svg>',
    "<img src=x onerror=alert(2)>",
    "{{< env SOS_CANARY >}}",
    "[link](javascript:alert(3))",
    '<a href="javascript:alert(4)">a</a>',
    "{{ 7*191 }} ${7*191} {% raw %}",  # templates: 1337 must never appear
    "{{< meta title >}} a >}} b",  # an unknown or stray shortcode delimiter failed Quarto's whole render
]
P = " ".join(PAYLOADS)


def quarto() -> str | None:
    """`quarto` on PATH, else the project's CI copy (`make quarto`)."""
    found = shutil.which("quarto")
    ci = Path(__file__).resolve().parents[2] / ".quarto-ci" / "bin" / "quarto"
    return found or (str(ci) if ci.is_file() else None)


#: What `{{ 7*191 }}` or `${7*191}` evaluate to. Searched for in what a reader sees (text, alt, title...), not in a
#: whole page: a page's numbers (an SVG path, a base64 image, a timing) hold "1337" by chance, once in CI.
TEMPLATE_RAN = "1337"
_READ_ATTRIBUTES = ("alt", "title", "aria-label", "content", "value", "placeholder")
#: The template payload with one of its two templates evaluated, anywhere in a page.
_TEMPLATE_OUTPUT = re.compile(r"1337 (?:\$\{7\*191\}|1337)|\{\{ 7\*191 \}\} 1337")


class _Live(HTMLParser):
    """Collects what would run or navigate in a page: event-handler attributes, javascript: URLs, the
    payloads' own script and elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False
        self._code = False  # inside <script> or <style>, whose digits are not what a reader sees

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "alert(" in value:
                self.found.append(f"<{tag} {name}={value}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
            if name == "id" and value == "sosx":
                self.found.append(f"<{tag} id=sosx>")
            if name in _READ_ATTRIBUTES and TEMPLATE_RAN in value:
                self.found.append(f"<{tag} {name}=...{TEMPLATE_RAN}...>: a template ran")
        self._script = tag == "script"
        self._code = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._script = self._code = False

    def handle_data(self, data: str) -> None:
        # the payload's own script element, or the payload unescaped inside another script (e.g. a table's
        # JSON data, where it would end that script and start its own)
        if self._script and (data.strip().startswith("sos_canary") or "<script>sos_canary" in data):
            self.found.append("<script>sos_canary()")
        if not self._code and TEMPLATE_RAN in data:
            self.found.append(f"text {data.strip()[:60]!r}: a template ran")


def live_payloads(site: Path) -> list[str]:
    """Every live payload in the rendered site's pages (and the environment value anywhere in the site)."""
    found = []
    for page in sorted(site.rglob("*")):
        if not page.is_file() or page.suffix not in (".html", ".json", ".csv", ".xml", ".js", ".svg"):
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        if SECRET in text:
            found.append(f"{page.name}: the value of SOS_CANARY")
        if page.suffix == ".html":
            parser = _Live()
            parser.feed(text)
            found += [f"{page.name}: {f}" for f in parser.found]
            if _TEMPLATE_OUTPUT.search(text):  # evaluated where no reader sees it (a script's data)
                found.append(f"{page.name}: a template ran ({TEMPLATE_RAN})")
    return found


#: The strings that reach a page, each shown as text (so the canary covers them): prefix of each payload.
SHOWN = ("Report", "Demoland", "Survey", "Summary", "Source", "Reference", "Note", "Safe", "Own")


def not_shown(site: Path) -> list[str]:
    """The config strings of SHOWN that no page of the site shows as text."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in site.glob("*.html"))
    return [w for w in SHOWN if f"{w} &lt;script&gt;sos_canary()" not in text]


def _poison(project: HostileProject) -> None:
    qab = project.reset()
    write_xlsform(project.countries / "form.xlsx", extra=(("other", "x", P),))
    cfg = qab.cfg
    cfg["name"] = "Demoland " + P
    cfg["survey"]["title"] = "Survey " + P
    cfg["narrative"] = {"summary": "Summary " + P, "criteria": {1: P, 3: "Criterion " + P}}
    cfg["sources"] = [{"name": "Source " + P, "publisher": P, "year": 2026}]
    cfg["notes"] = {"SAF-2": "Note " + P, "ADQ-1": P}
    cfg["variables"] = {"households": {"setting": {"type": "category", "column": "area", "label": "Setting " + P}}}
    cfg["disaggregations"] = [{"variable": "setting", "label": "Area " + P}]
    cfg["extra_indicators"] = [{
        "id": "XTR-1", "criterion": 1, "title": "Own " + P, "short_title": "Own " + P, "definition": "Def " + P,
        "kind": "proportion", "table": "households", "unit": "household", "numerator": "justice_needed == 1",
        "direction": "higher", "prds_objective": 1, "level": "household"}]
    cfg["reference"] = {"name": "Reference " + P, "publisher": P, "year": 2025, "values": {"SAF-2": {"estimate": 0.5}}}
    project.save(qab)
    glob = yaml.safe_load(project.params.read_text(encoding="utf-8"))
    glob["title"] = "Report " + P
    glob["countries"] = ["QAB"]  # one small country keeps the canary quick
    glob["solutions_measure"] = [{"criterion": 1, "label": "Safe " + P, "condition": "justice_needed == 1"}]
    project.params.write_text(yaml.safe_dump(glob, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def poisoned(built: HostileProject, tmp_path_factory: pytest.TempPathFactory) -> HostileProject:
    project = built.copy(tmp_path_factory.mktemp("canary-site") / "project")
    _poison(project)
    proc = project.cli("build", "--jobs", "1", "--quiet", "--renderer", "nbconvert")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return project


@pytest.mark.e2e
@pytest.mark.xdist_group("security-builds")
def test_nbconvert_site_shows_every_payload_as_text(poisoned: HostileProject) -> None:
    site = poisoned.year_dir / "site"
    assert live_payloads(site) == []
    assert not_shown(site) == []


@pytest.mark.e2e
@pytest.mark.xdist_group("security-builds")
def test_quarto_site_shows_every_payload_as_text_and_no_secret(poisoned: HostileProject) -> None:
    exe = quarto()
    if exe is None:
        pytest.skip("quarto is not installed (make quarto installs it into .quarto-ci/)")
    env = dict(os.environ, SOS_CANARY=SECRET, PATH=f"{Path(exe).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run([SOLUTIONS, "render", "--params", str(poisoned.params), "--output", str(poisoned.out),
                           "--renderer", "quarto"], capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = poisoned.year_dir / "site"
    assert (site / "site_libs").is_dir()  # Quarto's site, not the nbconvert one
    assert live_payloads(site) == []
    assert not_shown(site) == []
    page = (site / "country-QAB.html").read_text(encoding="utf-8")
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Demoland &lt;script&gt;sos_canary()&lt;/script&gt;" in title  # the name is shown as written
    assert f"{{{WORD_JOINER}{{&lt; env SOS_CANARY &gt;}}{WORD_JOINER}}}" in title


@pytest.mark.parametrize("text", PAYLOADS)
def test_inert_markdown_is_plain_text_in_every_context(text: str) -> None:
    md = inert(text, "markdown")
    assert not any(c in md for c in "<>[]()`*_\\\n") and "{{<" not in md and ">}}" not in md
    html = inert(text, "html")
    assert "<" not in html and '"' not in html and "{{&lt;" not in html and "&gt;}}" not in html


def test_terminal_text_has_no_escape_sequences() -> None:
    text = "QAB \x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x9b2J \u202eevil\r"
    out = inert(text, "terminal")
    assert out == "QAB red  link  \\u202eevil\\r"  # sequences removed; a lone control character shown escaped
