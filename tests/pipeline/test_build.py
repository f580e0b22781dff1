"""End to end: configs → papermill → results → site, with incremental runs, failures and kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from pipeline_project import SOLUTIONS, Project, copy_project, crash_env, make_project, sol

from solutions.render import check_links

pytestmark = pytest.mark.e2e
# Two groups so the two workers share the builds: tests on one shared build, and tests needing their own.
shared = pytest.mark.xdist_group("pipeline-shared")
own = pytest.mark.xdist_group("pipeline-own")


def table_bytes(project: Project) -> dict[str, bytes]:
    files = sorted(project.year_dir.glob("results/*/*.parquet")) + sorted(project.year_dir.glob("results/*/*.csv"))
    return {f.relative_to(project.year_dir).as_posix(): f.read_bytes() for f in files}


@shared
def test_cold_build_writes_results_notebooks_site_and_manifest(built: Project) -> None:
    assert "report: " in built.first.stdout and built.first.stdout.strip().endswith("site/index.html")
    for iso in ("QAB", "QAC"):
        est = pd.read_parquet(built.results(iso) / "estimates.parquet")
        assert {"indicator_id", "estimate", "se", "ci_low", "ci_high", "suppressed"} <= set(est.columns)
        assert set(est.indicator_id) >= {"SAF-1", "LIV-1", "HLP-1", "REM-2", "SOL-1"}
        assert (built.year_dir / "notebooks" / f"country-{iso}.ipynb").exists()
    manifest = json.loads((built.year_dir / "manifest.json").read_text())
    entry = manifest["countries"]["QAB"]
    assert entry["state"] == "ok" and set(entry["inputs"]) >= {"households", "individuals", "locations", "figures"}
    assert entry["code_version"] and entry["libraries"]["pandas"] and entry["seconds"] > 0
    assert manifest["pages"]["global"]["state"] == "ok"
    site = built.year_dir / "site"
    assert {p.name for p in site.glob("*.html")} >= {"index.html", "global.html", "methods.html",
                                                       "country-QAB.html", "country-QAC.html"}
    assert check_links(site) == []


@shared
def test_warm_build_skips_everything_and_changes_nothing(built: Project, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "warm")
    before = table_bytes(project)
    site_before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (project.year_dir / "site").rglob("*")
                   if p.is_file()}
    proc = project.build()
    assert "ran 0 notebook(s), skipped 2 up to date" in proc.stdout
    assert "global: skipped (up to date)" in proc.stdout
    assert "site up to date" in proc.stdout and "rendered" not in proc.stdout
    assert table_bytes(project) == before
    # nothing republished or rendered: the site is the same files, not rewritten copies
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (project.year_dir / "site").rglob("*")
            if p.is_file()} == site_before


@shared
@pytest.mark.parametrize("damage", ["page deleted", "page edited", "download edited", "file added",
                                    "datapackage deleted"])
def test_warm_build_renders_again_a_site_that_is_not_what_it_wrote(built: Project, tmp_path: Path,
                                                                    damage: str) -> None:
    project = copy_project(built, tmp_path / "damaged")
    site, results = project.year_dir / "site", project.year_dir / "results"
    page = site / "country-QAB.html"
    good = page.read_bytes()
    if damage == "page deleted":
        page.unlink()
    elif damage == "page edited":
        page.write_bytes(good.replace(b"</body>", b"<p>defaced</p></body>"))
    elif damage == "download edited":
        download = next(site.rglob("estimates.csv"))
        download.write_text("tampered\n")
    elif damage == "file added":
        (site / "stray.html").write_text("<p>left over</p>")
    else:
        (results / "datapackage.json").unlink()
    proc = project.build()
    assert "ran 0 notebook(s)" in proc.stdout and "rendered" in proc.stdout, proc.stdout
    assert page.read_bytes() == good and (results / "datapackage.json").is_file()
    assert not (site / "stray.html").exists()
    assert check_links(site) == []


@shared
def test_render_command_always_renders(built: Project, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "render")
    proc = sol("render", "--params", str(project.params), "--output", str(project.out), check=True)
    assert "rendered" in proc.stdout and "up to date" not in proc.stdout


@shared
def test_status_explains_staleness(built: Project, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "status")
    hh = project.root / "data" / "demo" / "QAB" / "households.csv"
    hh.write_bytes(hh.read_bytes().replace(b"\n", b"\r\n", 1))  # same table, different bytes
    proc = sol("status", "--params", str(project.params), "--output", str(project.out), check=True)
    assert "QAB: stale - compute: stale (data:households changed); page: after the compute step" in proc.stdout
    assert "QAC: up to date" in proc.stdout


@shared
def test_one_country_rerun_touches_only_that_country(built: Project, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "one")
    qac_before = table_bytes(project)
    qac_before = {k: v for k, v in qac_before.items() if "/QAC/" in k}
    cfg = project.root / "params" / "countries" / "QAB.yml"
    cfg.write_text(cfg.read_text().replace("summary: '", "summary: 'Updated. ", 1))
    proc = sol("build", "--params", str(project.params), "--output", str(project.out), "--country", "QAB",
               "--quiet", check=True)
    assert "QAB: ok" in proc.stdout and "QAC" not in proc.stdout
    assert "global: ok" in proc.stdout and "methods: ok" in proc.stdout
    assert {k: v for k, v in table_bytes(project).items() if "/QAC/" in k} == qac_before


@own
def test_same_inputs_give_byte_identical_tables(fresh: Project) -> None:
    fresh.build()
    first = table_bytes(fresh)
    fresh.build("--force")
    assert table_bytes(fresh) == first and len(first) >= 2 * 8


@shared
def test_failing_country_is_isolated_and_marked(built: Project, tmp_path: Path) -> None:
    """A country whose notebook crashes (not invalid input, see tests/cli): exit 1, marked, others intact,
    and its last good build stays published (results, page), marked "not updated"."""
    fresh = copy_project(built, tmp_path / "failing")
    good = table_bytes(fresh)
    cfg = fresh.root / "params" / "countries" / "QAC.yml"  # a valid change, so QAC is built again
    cfg.write_text(cfg.read_text().replace("summary: '", "summary: 'Edited. ", 1))
    proc = fresh.build(check=False, env=crash_env("QAC"))  # its page crashes after its tables are written
    assert proc.returncode == 1
    assert "QAC: FAILED" in proc.stdout and "RuntimeError" in proc.stdout and "log:" in proc.stdout
    assert "its previous results stay published" in proc.stdout
    assert "QAB: skipped (up to date)" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    manifest = json.loads((fresh.year_dir / "manifest.json").read_text())
    entry = manifest["countries"]["QAC"]
    assert entry["state"] == "ok" and "rejected" not in entry and entry["stale"]["error"] == "the build failed"
    assert "injected crash" in entry["stale"]["detail"]
    assert table_bytes(fresh) == good  # the failed run's tables were not published: the good ones are back
    site = fresh.year_dir / "site"
    page = (site / "country-QAC.html").read_text()
    assert "Not updated: the build failed." in page and "injected crash" not in page
    index = (site / "index.html").read_text()
    assert "not updated: the build failed" in index and "injected crash" not in index  # no error text published
    # the front page and the global page do not present the kept results as this build's
    assert "(not updated: results of an earlier build)" in index
    assert "Not updated in this build: Kingdom of Brevonia" in (site / "global.html").read_text()
    assert check_links(site) == []
    status = sol("status", "--params", str(fresh.params), "--output", str(fresh.out), check=True).stdout
    assert "QAC: stale - not updated: the build failed" in status and "injected crash" in status


def start_build(project: Project, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    cmd = [SOLUTIONS, "build", "--params", str(project.params), "--output", str(project.out), "--quiet", *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env)


def wait_for(proc: subprocess.Popen, ready, what: str, limit: float = 600) -> None:
    """Poll until `ready()`; the build must still be running then, or the test proves nothing."""
    deadline = time.time() + limit
    while time.time() < deadline and proc.poll() is None and not ready():
        time.sleep(0.02)
    assert proc.poll() is None, f"the build finished before {what}"
    assert ready(), f"timed out waiting for {what}"


def country_state(project: Project, iso: str) -> str:
    try:
        return json.loads((project.year_dir / "manifest.json").read_text())["countries"].get(iso, {}).get("state", "")
    except (OSError, ValueError):
        return ""


def kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI, its papermill kernels, everything in its session
    proc.wait()


@own
def test_killed_between_countries_reruns_only_the_unfinished_one(fresh: Project) -> None:
    # one country at a time: QAB, then QAC, which stalls on its page, so it is surely unfinished when killed
    proc = start_build(fresh, "--jobs", "1", env=crash_env("QAC", stall=True))
    wait_for(proc, lambda: country_state(fresh, "QAB") == "ok", "QAB finished")
    qab_notebook = (fresh.year_dir / "notebooks" / "country-QAB.ipynb").read_bytes()
    # a second build on the same output folder refuses while the first holds the lock, touching nothing
    second = sol("build", "--params", str(fresh.params), "--output", str(fresh.out), "--quiet")
    assert second.returncode == 2 and "another build is running" in second.stderr
    assert "Traceback" not in second.stderr
    kill(proc)
    assert not (fresh.year_dir / "notebooks" / "country-QAC.ipynb").exists()
    # the next run trusts the finished country and redoes only what was not finished
    done = fresh.build()
    assert "QAB: skipped (up to date)" in done.stdout and "QAC: ok" in done.stdout, done.stdout
    assert "global: ok" in done.stdout and "methods: ok" in done.stdout
    assert (fresh.year_dir / "notebooks" / "country-QAB.ipynb").read_bytes() == qab_notebook
    manifest = json.loads((fresh.year_dir / "manifest.json").read_text())
    assert all(e["state"] == "ok" for e in [*manifest["countries"].values(), *manifest["pages"].values()])
    assert check_links(fresh.year_dir / "site") == []


@own
def test_killed_while_rendering_rerenders_without_rerunning(fresh: Project) -> None:
    proc = start_build(fresh, "--jobs", "2")
    wait_for(proc, lambda: any(fresh.year_dir.glob(".site-tmp-*")), "rendering started")
    kill(proc)
    site = fresh.year_dir / "site"
    assert not (site / "index.html").exists()  # a site appears whole or not at all
    done = fresh.build()
    assert "ran 0 notebook(s), skipped 2 up to date" in done.stdout, done.stdout
    assert "global: skipped (up to date)" in done.stdout and "report: " in done.stdout
    assert {p.name for p in site.glob("*.html")} >= {"index.html", "global.html", "methods.html",
                                                       "country-QAB.html", "country-QAC.html"}
    assert check_links(site) == []
    assert not [*fresh.year_dir.glob(".site-tmp-*"), *fresh.year_dir.glob(".site-old-*")], "staging left behind"


@own
def test_validate_reports_bad_config_and_runs_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, ["QAB"])
    cfg = project.root / "params" / "countries" / "QAB.yml"
    cfg.write_text(cfg.read_text() + "\nunexpected_key: 1\n")
    for command in ("validate", "build"):
        args = [command, "--params", str(project.params)] + (["--output", str(project.out)] if command == "build" else [])
        proc = sol(*args)
        assert proc.returncode == 2
        assert proc.stderr.strip() == f"error: {cfg}: unexpected_key: unknown key"
    assert not project.out.exists()
