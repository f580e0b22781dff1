"""Renderer selection, spec validation, link checker and output cleaning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from solutions.render import (
    Page,
    Renderer,
    RenderError,
    build_site_spec,
    check_links,
    check_offline,
    check_site,
    get_renderer,
)
from solutions.render.clean import clean_notebook, is_stray_output


def test_auto_picks_nbconvert_without_quarto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    r = get_renderer("auto")
    assert r.name == "nbconvert" and isinstance(r, Renderer)


def test_auto_picks_quarto_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/opt/quarto/bin/quarto" if name == "quarto" else None)
    assert get_renderer("auto").name == "quarto"


def test_quarto_without_executable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match="quarto executable not found on PATH"):
        get_renderer("quarto")
    with pytest.raises(ValueError, match="unknown renderer"):
        get_renderer("pandoc")


def test_page_validation_and_properties(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Page("../evil", "x", tmp_path / "x.ipynb", "global")
    with pytest.raises(ValueError):
        Page("index", "x", tmp_path / "x.ipynb", "global")
    p = Page("country-QAB", "Demoland", tmp_path / "missing.ipynb", "country")
    assert p.iso3 == "QAB" and p.href == "country-QAB.html" and p.download_prefix == "results/QAB/"
    assert not p.available and p.failure == "notebook not found"


def test_build_site_spec(tmp_path: Path) -> None:
    (tmp_path / "results" / "QAB").mkdir(parents=True)
    (tmp_path / "results" / "QAB" / "estimates.csv").write_text("x\n")
    spec = build_site_spec(
        tmp_path, 2026, "T", [("QAB", "Demoland", "ok", ""), ("QAC", "C", "failed", "boom")]
    )
    assert [p.slug for p in spec.pages] == ["front", "global", "country-QAB", "country-QAC", "methods", "codebook"]
    assert spec.pages[3].failure == "boom"
    assert spec.pages[0].href == "index.html" and spec.pages[0].section == "front"
    assert spec.downloads == [Path("results/QAB/estimates.csv")]
    assert spec.out_dir == tmp_path / "site"


def test_chart_data_is_copied_but_not_listed_with_the_downloads(tmp_path: Path) -> None:
    """Each chart's CSV travels with the site (its figure links it) without joining the downloads list."""
    from solutions.render.base import copy_downloads

    charts = tmp_path / "results" / "QAB" / "charts"
    charts.mkdir(parents=True)
    (tmp_path / "results" / "QAB" / "estimates.csv").write_text("x\n")
    (charts / "safety-estimates-by-group.csv").write_text("group,estimate\nidp,55\n")
    spec = build_site_spec(tmp_path, 2026, "T", [("QAB", "Demoland", "ok", "")])
    assert spec.downloads == [Path("results/QAB/estimates.csv")]
    assert spec.chart_data == [Path("results/QAB/charts/safety-estimates-by-group.csv")]
    country_page = next(p for p in spec.pages if p.slug == "country-QAB")
    assert spec.downloads_for(country_page) == [Path("results/QAB/estimates.csv")]
    copied = copy_downloads(spec, tmp_path / "staged")
    assert (tmp_path / "staged" / "results" / "QAB" / "charts" / "safety-estimates-by-group.csv").is_file()
    assert len(copied) == 2


def test_check_links_reports_missing_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text(
        '<h2 id="x">x</h2><a href="#x">ok</a><a href="#nope">bad</a><a href="b.html#y">ok</a>'
        '<a href="b.html#z">bad</a><a href="missing.html">bad</a><img src="sub/pic.png">'
        '<a href="https://example.org/">external</a><a href="mailto:a@b.c">mail</a><img src="data:image/png;base64,AA">'
        '<a href="../outside.html">bad</a><a href="sub/">dir index</a>'
    )
    (tmp_path / "b.html").write_text('<p id="y">y</p>')
    (tmp_path / "sub" / "index.html").write_text("<p>i</p>")
    broken = check_links(tmp_path)
    assert broken == sorted(
        [
            "a.html: #nope (no such anchor)",
            "a.html: b.html#z (no such anchor)",
            "a.html: missing.html (missing)",
            "a.html: sub/pic.png (missing)",
            "a.html: ../outside.html (outside the site)",
        ]
    )


def test_check_offline_flags_remote_resources(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example/require.js"></script><link rel="stylesheet" href="//fonts.example/css">'
        '<style>@import url("https://fonts.example/x.css");</style><a href="https://example.org">a link is fine</a>'
        "<script>var u = 'https://in-a-string-is-fine';</script>"
    )
    found = check_offline(tmp_path)
    assert len(found) == 3 and all(f.startswith("a.html: ") for f in found)
    (tmp_path / "b.html").write_text('<a href="missing.html">bad</a>')
    # the renderer's one pass over the pages says what the two checks say
    assert check_site(tmp_path) == (check_links(tmp_path), check_offline(tmp_path))
    assert check_site(tmp_path)[0] == ["b.html: missing.html (missing)"]


@pytest.mark.parametrize(
    ("output", "stray"),
    [
        (new_output("stream", name="stderr", text="warn"), True),
        (new_output("stream", name="stdout", text="hello"), False),
        (
            new_output(
                "execute_result", data={"text/plain": "<Figure size 640x480 with 1 Axes>"}, execution_count=1
            ),
            True,
        ),
        (
            new_output(
                "execute_result",
                data={"text/plain": "[<matplotlib.lines.Line2D at 0x7f>]"},
                execution_count=1,
            ),
            True,
        ),
        (
            new_output(
                "execute_result", data={"text/plain": "<Axes: title={'center': 'x'}>"}, execution_count=1
            ),
            True,
        ),
        (
            new_output("execute_result", data={"text/plain": "Text(0.5, 1.0, 'title')"}, execution_count=1),
            True,
        ),
        (new_output("execute_result", data={"text/plain": "42"}, execution_count=1), False),
        (new_output("display_data", data={"text/plain": "<Figure size 1>", "image/png": "AA"}), False),
        (new_output("error", ename="E", evalue="v", traceback=[]), True),
    ],
)
def test_is_stray_output(output, stray: bool) -> None:
    assert is_stray_output(output) is stray


def test_published_notebook_keeps_no_record_of_its_run() -> None:
    """Quarto writes cell metadata into the page: papermill's and nbclient's timings would make every build's
    page differ (and once put a random '1337' in a canary's page)."""
    run = {"papermill": {"duration": 0.05, "start_time": "2026-12-07T13:37:00.1337+00:00"},
           "execution": {"iopub.status.busy": "2026-12-07T13:37:00"}, "tags": ["remove-input"]}
    cell = new_code_cell("x", metadata=run, execution_count=7,
                         outputs=[new_output("execute_result", data={"text/html": "<p>x</p>"}, execution_count=7)])
    nb = new_notebook(cells=[cell])
    clean = clean_notebook(nb)
    (kept,) = clean.cells
    assert kept.metadata == {"tags": ["remove-input"]}  # the tags still steer the renderers
    assert kept.execution_count is None and kept.outputs[0].execution_count is None
    assert kept.outputs[0].data == {"text/html": "<p>x</p>"}
    assert nb.cells[0].metadata["papermill"]["duration"] == 0.05  # the executed notebook itself is untouched
