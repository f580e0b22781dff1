"""Class "damaged state": what earlier runs left (the manifest, results tables, an earlier edition, the copy a
killed build set aside, a site with a broken link) is checked, never trusted: a damaged manifest rebuilds
every country (none is dropped from the site), a damaged results file makes its country stale, a damaged
earlier edition is left out of the trends, and a broken link stops the render before the site is touched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from solutions.cli import app
from solutions.pipeline import keep
from solutions.render import RenderError, build_site_spec, get_renderer
from solutions.results import earlier_result_folders

from .cases import validate, with_, write
from .hostile_project import HostileProject

# every test here works on a copy of the session's built project: one worker builds it once
pytestmark = pytest.mark.xdist_group("security-builds")


def status(project: HostileProject) -> dict[str, str]:
    result = CliRunner().invoke(app, ["status", "--params", str(project.params), "--output", str(project.out)])
    assert result.exit_code == 0 and result.exception is None, result.stdout + result.stderr
    return {ln.split(":")[0].strip(): ln.split(":", 1)[1].strip() for ln in result.stdout.splitlines()}


SHAPES = [
    ("truncated", lambda text: text[: len(text) // 2], "not valid JSON"),
    ("empty", lambda text: "", "not valid JSON"),
    ("a list", lambda text: "[1, 2]", "not a JSON object (a list)"),
    ("countries a list", lambda text: '{"countries": []}', "'countries' is not an object"),
    ("entry a string", lambda text: '{"countries": {"QAB": "ok"}}', "countries.QAB: not an object"),
    ("unknown state", lambda text: '{"countries": {"QAB": {"state": "great"}}}', "unknown state 'great'"),
    ("key of numbers", lambda text: '{"countries": {"QAB": {"state": "ok", "key": {"config": 1}}}}', "'key' is not"),
    ("artefact outside", lambda text: '{"countries": {"QAB": {"state": "ok", "artefacts": {"../../../dev/zero": "x"}}}}',
     "an artefact path leaves the year folder"),
    ("binary", lambda text: "\x00\x01\x02", "not valid JSON"),
    ("site a list", lambda text: '{"site": []}', "site: not an object"),
    ("site artefact outside", lambda text: '{"site": {"digest": "x", "artefacts": {"/etc/passwd": "x"}}}',
     "site: an artefact path leaves the year folder"),
]


@pytest.mark.parametrize("label,damage,words", SHAPES, ids=[s[0] for s in SHAPES])
def test_status_reports_a_damaged_manifest(built: HostileProject, tmp_path: Path, label: str, damage, words: str) -> None:
    project = built.copy(tmp_path / "manifeste")
    path = project.year_dir / "manifest.json"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    lines = status(project)
    assert set(lines) == {"QAB", "QAC"}
    assert all(v.startswith("stale - manifest.json damaged (") and words in v for v in lines.values()), lines


def test_damaged_results_table_makes_its_country_stale(built: HostileProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "résultats")
    table = project.year_dir / "results" / "QAC" / "estimates.parquet"
    table.write_bytes(table.read_bytes()[:100])
    lines = status(project)
    assert lines["QAC"] == ("stale - compute: stale (results damaged (results/QAC/estimates.parquet)); "
                           "page: after the compute step")
    assert lines["QAB"].startswith("up to date")


def test_damaged_earlier_edition_is_left_out(built: HostileProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "édition")
    earlier = project.out / "2025" / "results" / "QAB"
    shutil.copytree(project.year_dir / "results" / "QAB", earlier)
    assert earlier_result_folders(project.out, "QAB", 2026) == [earlier]
    for damage in (lambda b: b[:-200], lambda b: b"PAR1" + b"\x00" * 64 + b"PAR1", lambda b: b"not parquet"):
        (earlier / "estimates.parquet").write_bytes(damage((project.year_dir / "results/QAB/estimates.parquet").read_bytes()))
        assert earlier_result_folders(project.out, "QAB", 2026) == []


@pytest.mark.e2e
@pytest.mark.xdist_group("security-builds")
def test_build_over_damaged_state_rebuilds_and_keeps_every_page(built: HostileProject, tmp_path: Path) -> None:
    """A truncated manifest, a truncated results table, a damaged earlier edition and a copy left by a killed
    build, all at once; then `build --country QAB`: every country is rebuilt and published, exit 0."""
    project = built.copy(tmp_path / "état abîmé")
    manifest = project.year_dir / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8")[:300], encoding="utf-8")
    table = project.year_dir / "results" / "QAC" / "estimates.parquet"
    table.write_bytes(table.read_bytes()[:100])
    earlier = project.out / "2025" / "results" / "QAB"
    shutil.copytree(project.year_dir / "results" / "QAB", earlier)
    (earlier / "estimates.parquet").write_bytes(b"PAR1 truncated")
    shutil.copytree(project.year_dir / "results" / "QAC", project.year_dir / keep.KEEP_DIRNAME / "QAC")
    proc = project.cli("build", "--country", "QAB", "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "manifest.json damaged (not valid JSON" in proc.stdout and "rebuilding every country" in proc.stdout
    assert "QAB: ok" in proc.stdout and "QAC: ok" in proc.stdout
    site = project.year_dir / "site"
    assert {"country-QAB.html", "country-QAC.html", "global.html", "index.html"} <= {p.name for p in site.glob("*.html")}
    entries = json.loads(manifest.read_text(encoding="utf-8"))["countries"]
    assert {k: v["state"] for k, v in entries.items()} == {"QAB": "ok", "QAC": "ok"}
    assert not (project.year_dir / keep.KEEP_DIRNAME).exists()
    assert all(v.startswith("up to date") for v in status(project).values())


def test_copy_left_by_a_killed_build_is_put_back(tmp_path: Path) -> None:
    year = tmp_path / "2026"
    (year / "results" / "QAB").mkdir(parents=True)
    (year / "results" / "QAB" / "estimates.csv").write_text("good")
    keep.set_aside(year, "QAB")
    (year / "results" / "QAB" / "estimates.csv").write_text("half-writ")  # the killed run's partial table
    assert keep.recover(year, good={"QAB"}) == ["QAB"]
    assert (year / "results" / "QAB" / "estimates.csv").read_text() == "good"
    keep.set_aside(year, "QAB")
    (year / "results" / "QAB" / "estimates.csv").write_text("new")
    assert keep.recover(year, good=set()) == []  # no good build to go back to: nothing restored
    assert (year / "results" / "QAB" / "estimates.csv").read_text() == "new"
    assert not (year / keep.KEEP_DIRNAME).exists()


def test_relative_link_in_a_narrative_stops_validate(tmp_path: Path) -> None:
    for text in ("See [the annex](annex.html).", "![map](img/map.png)", "[up](../index.html)", "[x](C:/data/x.csv)"):
        params = write(tmp_path, with_(narrative={"summary": "Fine.", "criteria": {2: text}}))
        code, errors, _ = validate(params)
        assert code == 2 and len(errors) == 1, errors
        assert "narrative.criteria.2: link to a file the site does not have" in errors[0]
    params = write(tmp_path, with_(narrative={"summary": "[web](https://example.org) and [anchor](#top)"}))
    assert not [e for e in validate(params)[1] if "narrative" in e]


def _notebook(path: Path, html: str) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    nb.cells = [nbformat.v4.new_markdown_cell("# A page"), cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_broken_link_fails_before_the_published_site_is_touched(tmp_path: Path) -> None:
    year = tmp_path / "2026"
    for name in ("global", "methods", "country-QAB"):
        _notebook(year / "notebooks" / f"{name}.ipynb", "<p>fine</p>")
    spec = build_site_spec(year, 2026, "T", [("QAB", "Demoland", "ok", "")])
    get_renderer("nbconvert").render(spec)
    published = {p.relative_to(year).as_posix(): p.read_bytes() for p in (year / "site").rglob("*") if p.is_file()}
    _notebook(year / "notebooks" / "country-QAB.ipynb", '<p><a href="annex.html">annex</a></p>')
    with pytest.raises(RenderError, match="broken links .*the published site was not changed"):
        get_renderer("nbconvert").render(build_site_spec(year, 2026, "T", [("QAB", "Demoland", "ok", "")]))
    after = {p.relative_to(year).as_posix(): p.read_bytes() for p in (year / "site").rglob("*") if p.is_file()}
    assert after == published
    assert not list(year.glob(".site-tmp-*"))
