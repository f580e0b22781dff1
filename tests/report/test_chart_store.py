"""Charts drawn once (issue #24 item 6): a page re-run takes each unchanged chart from the page's chart store.

What must hold: a stored chart is the same bytes as a fresh drawing; anything a drawing depends on (its data,
its width, the chart code, matplotlib's settings) changes its key; an argument the key cannot encode is
drawn, never guessed; a damaged entry is redrawn; a folder holds only what its last runs used.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from solutions.code_digest import ROOT, covers, module_files
from solutions.report import chart_store, charts, country_page, figures, output
from solutions.report.chart_store import CHART_CODE, DrawnChart, Uncacheable, chart_key
from solutions.report.thresholds import Thresholds


def _page(results) -> str:
    with output.capture() as out:
        for criterion in range(1, 9):
            country_page.criterion_section(results, criterion)
        country_page.breakdowns_section(results)
        country_page.solutions_measure_section(results)
    return "\n".join(out)


def _count_drawings(monkeypatch) -> list[int]:
    drawn = [0]
    real = figures.figure_svg

    def counting(fig):
        drawn[0] += 1
        return real(fig)

    monkeypatch.setattr(figures, "figure_svg", counting)
    return drawn


def test_a_page_from_the_store_is_the_page_drawn_afresh(country_results, tmp_path, monkeypatch):
    drawn = _count_drawings(monkeypatch)
    chart_store.close_folder()
    fresh = _page(country_results)  # no store: every chart drawn
    fresh_drawings = drawn[0]
    assert fresh_drawings > 4

    chart_store.open_folder(tmp_path / "store")
    first = _page(country_results)
    assert drawn[0] == 2 * fresh_drawings  # an empty store: drawn again, and kept
    assert len(list((tmp_path / "store").glob("*.json"))) > 0
    second = _page(country_results)
    assert drawn[0] == 2 * fresh_drawings  # every chart from the store: nothing drawn
    assert first == fresh and second == fresh  # byte for byte, phone drawings included


def test_a_changed_value_gets_a_new_key_and_a_new_drawing(country_results, tmp_path, monkeypatch):
    chart_store.open_folder(tmp_path)
    rows = country_results.estimates.head(3)
    args, kwargs = (rows,), {"thresholds": Thresholds()}
    key = chart_key(charts.benchmark_chart, args, kwargs, 6.5)
    changed = rows.copy()
    changed.iloc[0, changed.columns.get_loc("estimate")] += 1e-9
    assert chart_key(charts.benchmark_chart, (changed,), kwargs, 6.5) != key
    assert chart_key(charts.benchmark_chart, args, {"thresholds": Thresholds(min_n=31)}, 6.5) != key
    assert chart_key(charts.benchmark_chart, args, kwargs, 3.3) != key  # another layout width
    assert chart_key(charts.gap_chart, args, kwargs, 6.5) != key  # another builder
    assert chart_key(charts.benchmark_chart, (rows.copy(),), dict(kwargs), 6.5) == key  # equal inputs


def test_chart_code_and_settings_are_in_the_key(monkeypatch):
    rows = pd.DataFrame({"a": [1.0]})
    key = chart_key(charts.gap_chart, (rows,), {}, 6.5)
    with matplotlib.rc_context({"font.size": 13}):
        assert chart_key(charts.gap_chart, (rows,), {}, 6.5) != key
    monkeypatch.setattr(chart_store, "_code_and_libraries", lambda: "an edited charts/forest.py")
    assert chart_key(charts.gap_chart, (rows,), {}, 6.5) != key


def test_keys_do_not_depend_on_the_interpreters_hash_seed():
    code = ("from solutions.report.chart_store import _encode; import hashlib; "
            "print(hashlib.sha256(_encode({'groups': frozenset({'idp', 'returnee', 'comparison', 'x', 'y'})}))"
            ".hexdigest())")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(seen) == 1


def test_an_argument_the_key_cannot_encode_is_drawn_not_stored(tmp_path):
    chart_store.open_folder(tmp_path)
    with pytest.raises(Uncacheable):
        chart_key(charts.gap_chart, (lambda: 1,), {}, 6.5)
    assert chart_store.lookup(charts.gap_chart, (lambda: 1,), {}, 6.5) == (None, None)


def test_a_damaged_entry_is_drawn_again(country_results, tmp_path, monkeypatch):
    chart_store.open_folder(tmp_path)
    first = _page(country_results)
    for entry in tmp_path.glob("*.json"):
        entry.write_text('{"svg": "<svg')  # cut short
    drawn = _count_drawings(monkeypatch)
    assert _page(country_results) == first
    assert drawn[0] > 0
    assert all(DrawnChart.from_json(e.read_text()) for e in tmp_path.glob("*.json"))  # rewritten whole


def test_a_shared_store_serves_a_page_of_another_output_folder(country_results, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    monkeypatch.setenv(chart_store.SHARED_ENV, str(shared))
    chart_store.open_folder(tmp_path / "one")
    first = _page(country_results)  # drawn, kept in its page folder and in the shared store
    kept = sorted(e.name for e in shared.glob("*.json"))
    assert kept and kept == sorted(e.name for e in (tmp_path / "one").glob("*.json"))

    drawn = _count_drawings(monkeypatch)
    chart_store.open_folder(tmp_path / "two")  # another output folder: its page folder empty
    assert _page(country_results) == first and drawn[0] == 0
    assert sorted(e.name for e in (tmp_path / "two").glob("*.json")) == kept  # copied: pruned as if drawn there

    for entry in shared.glob("*.json"):
        entry.write_text('{"svg": "<svg')  # a damaged shared entry is a miss: drawn, and written whole again
    chart_store.open_folder(tmp_path / "three")
    assert _page(country_results) == first and drawn[0] > 0
    assert all(DrawnChart.from_json(e.read_text()) for e in shared.glob("*.json"))

    monkeypatch.delenv(chart_store.SHARED_ENV)  # without it, a new output folder draws its own
    drawn[0] = 0
    chart_store.open_folder(tmp_path / "four")
    assert _page(country_results) == first and drawn[0] > 0


def test_opening_a_page_folder_drops_what_its_previous_run_did_not_use(tmp_path):
    drawing = DrawnChart(svg=b"<svg/>", size=(1.0, 1.0)).to_json()
    old, used = tmp_path / "old.json", tmp_path / "used.json"
    for entry in (old, used):
        entry.write_text(drawing)
        os.utime(entry, (1_000, 1_000))
    chart_store.open_folder(tmp_path)  # the first run: no marker yet, nothing deleted
    assert old.exists() and used.exists()
    os.utime(tmp_path / ".opened", (2_000, 2_000))  # that run started at t=2000 ...
    os.utime(used, (2_500, 2_500))  # ... and used this entry
    chart_store.open_folder(tmp_path)  # the next run
    assert used.exists() and not old.exists()


def test_the_store_keeps_nothing_without_an_open_folder(country_results, tmp_path):
    chart_store.close_folder()
    assert chart_store.lookup(charts.gap_chart, (pd.DataFrame(),), {}, 6.5) == (None, None)
    _page(country_results)
    assert not list(tmp_path.rglob("*.json"))


def _imports(path: Path) -> set[str]:
    """The library modules a file imports (absolute `solutions...` and relative), as module names."""
    package = ["solutions", *path.relative_to(ROOT).parts[:-1]]  # the package a relative import starts from
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "solutions"}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            mod = ".".join([*base, *(node.module.split(".") if node.module else [])]) if node.level else node.module
            if not mod or mod.split(".")[0] != "solutions":
                continue
            found.add(mod)
            found |= {f"{mod}.{a.name}" for a in node.names if _module_path(f"{mod}.{a.name}") is not None}
    return found


def _module_path(name: str) -> Path | None:
    parts = name.split(".")[1:]
    for candidate in (ROOT.joinpath(*parts).with_suffix(".py"), ROOT.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def test_the_chart_code_covers_every_module_the_charts_import():
    """A module a builder imports but CHART_CODE leaves out could change a drawing without changing its key."""
    todo = ["solutions.report.charts", "solutions.report.layout", "solutions.report.style",
            "solutions.report.svg_canvas", "solutions.report.chart_store"]
    todo += [f"solutions.report.charts.{p.stem}" for p in (ROOT / "report" / "charts").glob("*.py")]
    # the two package __init__s a chart module passes through only re-export pages: not followed
    passed_through = {"solutions", "solutions.report"}
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        path = _module_path(name)
        if name in seen or name in passed_through or path is None:
            continue
        seen.add(name)
        todo += sorted(_imports(path))
    assert {"solutions.report.wording", "solutions.report.layout", "solutions.report.cells"} <= seen
    assert sorted(m for m in seen if not covers(CHART_CODE, m)) == []
    assert all(module_files(n) for n in CHART_CODE)  # a renamed module would silently leave the key


def test_a_stored_drawing_round_trips():
    d = DrawnChart(svg="<svg>é</svg>".encode(), size=(6.5, 2.25), phone_svg=b"<svg/>", phone_size=(3.3, 4.0))
    assert DrawnChart.from_json(d.to_json()) == d
    assert json.loads(d.to_json())["size"] == [6.5, 2.25]
