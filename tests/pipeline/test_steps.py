"""The compute step apart from the presentation step (issue #24 items 1, 2, 3 and 4).

A country's results tables are computed by a job keyed by its config, its inputs and the statistical code only;
its page reads them back. A presentation-only change (wording, a chart, the site's CSS) must never re-estimate.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from pipeline_project import Project, copy_project

from solutions.indicators.country import load_country_results, prepare_country
from solutions.pipeline import build, code, plan

REPO = Path(__file__).resolve().parents[2]
shared = pytest.mark.xdist_group("pipeline-shared")


def test_the_compute_step_imports_only_the_declared_statistical_code(tmp_path: Path) -> None:
    """Run the compute step in a fresh interpreter and list what it imported from the library: a module
    outside `code.STATISTICAL` would change results without changing the compute key."""
    from solutions.demo import write_demo

    write_demo(tmp_path, scale=0.3)
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from solutions.pipeline.compute import ComputeJob, run_compute
        root = Path({str(tmp_path)!r})
        o = run_compute(ComputeJob("compute-QAB", root / "params/global.yml", root / "params/countries/QAB.yml",
                                   root / "outputs", root / "compute.log"))
        print(json.dumps({{"state": o.state, "error": o.error,
                          "modules": sorted(m for m in sys.modules if m.split(".")[0] == "solutions")}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["state"] == "ok", out["error"]
    assert "solutions.indicators.compute" in out["modules"] and "solutions.survey" in out["modules"]
    assert [m for m in out["modules"] if not code.covers(code.STATISTICAL, m)] == []
    assert not [m for m in out["modules"] if m.startswith(("solutions.report", "solutions.render"))]


def test_planning_a_build_imports_no_estimation_or_page_code() -> None:
    """The build's own process plans, records and renders; the estimators (scipy) and the pages (seaborn) load
    in the compute workers and kernels. Importing them here cost every build, a no-op one too, 0.6 s, and
    every site render 1 s (the downloads read the light `indicators.measure`, not the whole package)."""
    script = ("import sys, solutions.pipeline.build, solutions.pipeline.plan, solutions.pipeline.site, "
              "solutions.publish, solutions.render.nbconvert_site, solutions.indicators.measure; "
              "print(sorted(m for m in ('scipy', 'seaborn', 'solutions.survey', 'solutions.indicators.compute', "
              "'solutions.report') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_every_declared_statistical_module_exists() -> None:
    """A declared name that no longer exists (renamed, moved) would silently leave its code out of the key."""
    assert all(code.module_files(n) for n in code.STATISTICAL)
    assert not any(code.covers(code.STATISTICAL, n) for n in ("solutions.report", "solutions.report.wording",
                                                              "solutions.render", "solutions.publish"))


def test_the_page_code_hash_leaves_the_renderers_out_but_follows_the_pages(tmp_path: Path, monkeypatch) -> None:
    """A site stylesheet re-renders the site (pipeline.site), never the notebooks; a report module counts."""
    root = tmp_path / "solutions"
    for rel in ("__init__.py", "render/assets/site.css", "report/wording.py", "survey/design.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"# {rel}\n")
    monkeypatch.setattr(code, "ROOT", root)

    def hashes() -> tuple[str, str]:
        code.page_code_sha256.cache_clear()
        code.compute_code_sha256.cache_clear()
        return code.page_code_sha256(), code.compute_code_sha256()

    try:
        page, compute = hashes()
        (root / "render/assets/site.css").write_text("body { color: red }\n")
        assert hashes() == (page, compute)
        (root / "report/wording.py").write_text("WORD = 'better'\n")
        page2, compute2 = hashes()
        assert page2 != page and compute2 == compute
        (root / "survey/design.py").write_text("X = 1\n")
        page3, compute3 = hashes()
        assert page3 != page2 and compute3 != compute2  # the page reads results: a statistical edit re-runs both
    finally:
        code.page_code_sha256.cache_clear()
        code.compute_code_sha256.cache_clear()


def test_the_page_reads_back_what_the_compute_step_returned(tmp_path: Path) -> None:
    """The country notebook's loader gives the page the same results as the computation did: same sample,
    weights, design (the typed summary, thresholds included), provenance and tables' values."""
    from solutions.demo import write_demo

    write_demo(tmp_path, scale=0.3)
    g, c = tmp_path / "params/global.yml", tmp_path / "params/countries/QAB.yml"
    computed = prepare_country(g, c, tmp_path / "outputs")
    loaded = load_country_results(g, c, tmp_path / "outputs")
    assert computed.design == loaded.design
    pd.testing.assert_frame_equal(computed.sample, loaded.sample)
    pd.testing.assert_frame_equal(computed.weights, loaded.weights)
    for name in ("provenance", "notes", "solutions_measure", "reference", "disaggregations", "sources", "narrative",
                 "name", "demo", "comparison", "catalogue"):
        assert getattr(computed, name) == getattr(loaded, name), name
    for name in ("estimates", "gaps", "criteria", "indicators"):
        a, b = getattr(computed, name), getattr(loaded, name)
        cols = list(b.columns)
        pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b, check_dtype=False, obj=name)


def test_the_country_notebook_loads_results_and_computes_nothing() -> None:
    source = "".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                     for c in json.loads((plan.notebooks_dir() / "country.ipynb").read_text())["cells"])
    assert "load_country_results(global_config, country_config, output_root)" in source
    assert "prepare_country" not in source and "compute_country" not in source


def test_the_notebooks_ship_as_package_data(tmp_path: Path) -> None:
    """An installed (non-editable) package finds its notebooks: build the package as a wheel would hold it
    (setuptools' build_py from pyproject.toml) and look them up from there."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "lib", src / "lib", symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(REPO / "notebooks", src / "notebooks")
    built = tmp_path / "built"
    proc = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py",
                           "--build-lib", str(built)], cwd=src, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    shipped = built / "solutions" / "notebooks"
    assert not shipped.is_symlink() and (shipped / "country.ipynb").is_file()
    look = subprocess.run([sys.executable, "-c", "import solutions; from solutions.pipeline.plan import notebooks_dir; "
                           "print(solutions.__file__); print(sorted(p.name for p in notebooks_dir().glob('*.ipynb')))"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(built),
                                                                                          "PATH": "/usr/bin:/bin"})
    assert look.returncode == 0, look.stderr
    where, names = look.stdout.strip().splitlines()
    assert where.startswith(str(built))
    assert names == str(sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb")))


def _times(project: Project, iso: str) -> tuple[str, str]:
    entry = json.loads((project.year_dir / "manifest.json").read_text())["countries"][iso]
    return entry["compute"]["finished"], entry["finished"]


@shared
def test_a_presentation_only_change_re_renders_the_page_and_never_re_estimates(built: Project, tmp_path: Path,
                                                                                monkeypatch) -> None:
    project = copy_project(built, tmp_path / "wording")
    ctx = build.context(project.params, project.out)
    tables = {p: p.read_bytes() for iso in ("QAB", "QAC") for p in project.results(iso).glob("*.*")}
    assert len(tables) == 13 * 2  # six tables as Parquet and CSV, and meta.json
    stamps = {p: p.stat().st_mtime_ns for p in tables}
    computed_at = {iso: _times(project, iso)[0] for iso in ("QAB", "QAC")}
    monkeypatch.setattr(plan, "page_code_sha256", lambda: "a wording edit")
    rows = {r["country"]: r for r in build.status(ctx)}
    assert rows["QAB"]["compute"] == "up to date"
    assert rows["QAB"]["page"] == "stale (presentation code changed)"
    assert rows["QAB"]["why"] == "compute: up to date; page: stale (presentation code changed)"
    report = build.run(ctx, jobs=2, progress=False, echo=lambda line: None)
    assert sorted(o.name for o in report.ran if o.name.startswith("country-")) == ["country-QAB", "country-QAC"]
    assert all(o.state == "ok" for o in report.ran)
    assert {p: p.read_bytes() for p in tables} == tables and {p: p.stat().st_mtime_ns for p in tables} == stamps
    manifest = json.loads((project.year_dir / "manifest.json").read_text())
    for iso in ("QAB", "QAC"):
        assert manifest["countries"][iso]["compute"]["finished"] == computed_at[iso]  # not computed again
        assert manifest["countries"][iso]["key"]["presentation code"] == "a wording edit"
        # this build's seconds are the page's: the compute record keeps its own run's seconds, not added again
        entry = manifest["countries"][iso]
        assert entry["seconds"] == entry["page_seconds"] and entry["compute"]["seconds"] > 0
    assert {r["status"] for r in build.status(ctx)} == {"up to date"}


@shared
def test_a_statistical_change_re_estimates(built: Project, tmp_path: Path, monkeypatch) -> None:
    project = copy_project(built, tmp_path / "stats")
    ctx = build.context(project.params, project.out)
    monkeypatch.setattr(plan, "compute_code_sha256", lambda: "an estimator edit")
    rows = {r["country"]: r for r in build.status(ctx)}
    assert rows["QAC"]["compute"] == "stale (statistical code changed)"
    assert rows["QAC"]["page"] == "after the compute step"
    assert rows["QAC"]["why"] == "compute: stale (statistical code changed); page: after the compute step"


@shared
def test_the_manifest_records_both_steps(built: Project) -> None:
    entry = json.loads((built.year_dir / "manifest.json").read_text())["countries"]["QAB"]
    assert set(entry["compute"]["key"]) >= {"config", "global settings", "statistical code", "catalogue",
                                            "data:households"}
    assert "notebook" not in entry["compute"]["key"] and "presentation code" not in entry["compute"]["key"]
    assert set(entry["key"]) >= {"results", "notebook", "presentation code", "page config", "earlier years"}
    assert entry["compute"]["seconds"] > 0 and entry["page_seconds"] > 0
    assert entry["seconds"] == pytest.approx(entry["compute"]["seconds"] + entry["page_seconds"], abs=0.01)
