"""Class "damaged state", round 2, and "options": state files, other editions, configs and options as untrusted.

Before → after, per case (issue #21):
- a manifest or the publish schema cache nested 200k deep: "internal error (RecursionError)" on status, build
  and render until deleted by hand → reported as damaged and rebuilt (manifest), ignored (caches);
- a forged schema-cache entry: its type and description (`<script>` included) went into `datapackage.json` →
  only a checked type is taken from it, titles and descriptions are written fresh;
- the nbconvert page cache nested deep failed the build → the page is rendered again;
- `outputs/<year>/results/QAB` a symlink to another folder: 14 files written into that folder → the link is
  removed (never its target) and the build says so;
- `diff --against` an edition missing `year`, with nested columns, text estimates, a year of 1e300:
  KeyError/ValueError/TypeError, or -9223372036854775808 printed → one `error:` line naming file, column and
  rows, exit 2; a 100k-deep meta.json: RecursionError → the name is ignored; a symlink out of the edition is
  not followed; escape sequences in a name never reach the terminal;
- a config that is a FIFO: validate blocked forever → one line, exit 2; a country config symlinked out of
  its folder → refused; `--jobs 1000` and `--scheduler ucx://…` → one line each; the Dask loopback cluster
  never has more workers than countries to run; "QAB\\n" is not an ISO3 code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from solutions.cli import app
from solutions.editions import load_edition
from solutions.errors import SolutionsError
from solutions.state_json import StateFileError, read_json

from .cases import GOOD_COUNTRY, GOOD_GLOBAL, validate, write
from .hostile_project import SOLUTIONS, HostileProject, one_error, run

pytestmark = pytest.mark.xdist_group("security-builds")
DEEP = "[" * 200_000 + "]" * 200_000


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------------------------ state files ----
def test_state_json_is_bounded_in_depth_size_and_kind(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    with pytest.raises(StateFileError, match="nested more than 16 levels deep"):
        read_json(deep, max_bytes=1 << 20, max_depth=16)
    shallow_but_deep = tmp_path / "d.json"
    shallow_but_deep.write_text("[" * 50 + "]" * 50)  # within the parser's recursion, beyond the state's depth
    with pytest.raises(StateFileError, match="nested more than 16"):
        read_json(shallow_but_deep, max_bytes=1 << 20, max_depth=16)
    with pytest.raises(StateFileError, match="larger than"):
        read_json(deep, max_bytes=1000, max_depth=16)
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "d.json")
    with pytest.raises(StateFileError, match="symbolic link"):
        read_json(link, max_bytes=1 << 20, max_depth=100)
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(StateFileError, match="not a regular file"):
        read_json(tmp_path / "folder.json", max_bytes=1 << 20, max_depth=16)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(StateFileError, match="not a regular file"):
        read_json(fifo, max_bytes=1 << 20, max_depth=16)


def test_manifest_nested_deep_is_reported_and_rebuilt(built: HostileProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "profond")
    (project.year_dir / "manifest.json").write_text('{"countries": ' + DEEP + "}", encoding="utf-8")
    code, out, _ = cli("status", "--params", str(project.params), "--output", str(project.out))
    assert code == 0
    assert out.count("stale - manifest.json damaged (nested more than 16 levels deep)") == 2, out


def test_manifest_symlink_is_not_trusted(built: HostileProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "lien")
    elsewhere = tmp_path / "elsewhere.json"
    shutil.move(project.year_dir / "manifest.json", elsewhere)
    (project.year_dir / "manifest.json").symlink_to(elsewhere)
    code, out, _ = cli("status", "--params", str(project.params), "--output", str(project.out))
    assert code == 0 and out.count("manifest.json damaged (a symbolic link") == 2, out


def test_schema_cache_nested_deep_is_ignored(tmp_path: Path) -> None:
    from solutions.publish import SCHEMA_CACHE, _known_schemas

    (tmp_path / SCHEMA_CACHE).parent.mkdir(parents=True)
    (tmp_path / SCHEMA_CACHE).write_text('{"x": ' + DEEP + "}")
    assert _known_schemas(tmp_path) == {}


def test_forged_schema_cache_entry_never_reaches_the_package(tmp_path: Path) -> None:
    from solutions.publish.datapackage import _sha256, resource_descriptor

    results = tmp_path / "results"
    (results / "QAB" / "charts").mkdir(parents=True)
    csv = results / "QAB" / "charts" / "fig.csv"
    csv.write_text("group,share\nidp,12.5\nhost,3\n", encoding="utf-8")
    forged = {"fields": [{"name": "group", "type": "<script>alert(1)</script>", "title": "<script>t</script>",
                          "description": "<script>alert(2)</script>", "format": "javascript:x"},
                         {"name": "share", "type": "date", "description": "forged", "constraints": {"x": 1}}],
              "primaryKey": ["group"], "foreignKeys": [{"fields": ["group"], "reference": {"resource": "x"}}]}
    descriptor = resource_descriptor(results, csv, set(), {_sha256(csv): forged})
    text = json.dumps(descriptor)
    assert "<script" not in text and "alert(" not in text and "javascript" not in text and "forged" not in text
    assert "primaryKey" not in text and "constraints" not in text
    fields = descriptor["schema"]["fields"]
    assert [f["type"] for f in fields] == ["any", "date"]  # a type is a hint, checked against the list
    fresh = resource_descriptor(results, csv, set(), {})
    # descriptions and titles are always written fresh (publish.chart_fields), never taken from the cache
    assert [(f["title"], f["description"]) for f in fields] == [
        (f["title"], f["description"]) for f in fresh["schema"]["fields"]]
    assert all(f["description"] for f in fields)
    assert [f["type"] for f in fresh["schema"]["fields"]] == ["string", "number"]


def test_page_cache_of_the_wrong_shape_or_depth_is_rendered_again(tmp_path: Path) -> None:
    from solutions.render.nbconvert_site import _cached

    good = {"sha256": "a", "key": "k", "body": "<p>x</p>", "toc": [[2, "a", "A"]]}
    cases = {"deep": '{"body": ' + DEEP + "}", "toc": json.dumps({**good, "toc": [[2, {"x": 1}, "A"]]}),
             "body": json.dumps({**good, "body": ["<p>"]}), "list": "[]", "bad": "{"}
    for name, text in cases.items():
        (tmp_path / f"{name}.json").write_text(text)
        assert _cached(tmp_path / f"{name}.json") is None, name
    (tmp_path / "good.json").write_text(json.dumps(good))
    assert _cached(tmp_path / "good.json") == good


@pytest.mark.e2e
def test_a_symlinked_results_folder_is_replaced_and_nothing_is_written_outside(built: HostileProject,
                                                                                tmp_path: Path) -> None:
    project = built.copy(tmp_path / "projet")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "estimates.csv").write_text("precious\n", encoding="utf-8")
    qab = project.year_dir / "results" / "QAB"
    shutil.rmtree(qab)
    qab.symlink_to(outside, target_is_directory=True)
    proc = project.build("--country", "QAB", "--force")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "results/QAB: a symbolic link in the output folder, removed" in proc.stdout + proc.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["estimates.csv"]
    assert (outside / "estimates.csv").read_text(encoding="utf-8") == "precious\n"
    assert not qab.is_symlink() and (qab / "estimates.parquet").is_file()


# ------------------------------------------------------------------------------------------ diff ----
def edition(root: Path, rows: pd.DataFrame | None = None, table: pa.Table | None = None,
            meta: str | None = None, iso: str = "QAB") -> Path:
    """An edition folder with one country's estimates (and empty gaps and criteria)."""
    folder = root / "results" / iso
    folder.mkdir(parents=True)
    if table is not None:
        pq.write_table(table, folder / "estimates.parquet")
    else:
        assert rows is not None
        rows.to_csv(folder / "estimates.csv", index=False)
    if meta is not None:
        (folder / "meta.json").write_text(meta, encoding="utf-8")
    return root


def estimates(**changes) -> pd.DataFrame:
    df = pd.DataFrame({"country": ["QAB"], "year": [2025], "indicator_id": ["SAF-1"], "criterion": [1],
                       "kind": ["proportion"], "group": ["idp"], "disaggregation": ["total"],
                       "disaggregation_value": [""], "category": [""], "estimate": [0.4], "se": [0.05],
                       "ci_low": [0.3], "ci_high": [0.5], "suppressed": [False], "catalogue_version": ["1"]})
    for k, v in changes.items():
        if v is None:
            df = df.drop(columns=[k])
        else:
            df[k] = v
    return df


HOSTILE_EDITIONS = [
    ("missing year", lambda r: edition(r, estimates(year=None)), "estimates.csv: no column 'year'"),
    ("text estimates", lambda r: edition(r, estimates(estimate=["high"])),
     "estimates.csv: column 'estimate': not a number in rows 1"),
    ("year 1e300", lambda r: edition(r, estimates(year=[1e300])), "column 'year': not a whole number in rows 1"),
    ("year 99999", lambda r: edition(r, estimates(year=[99999])), "column 'year': not a report year (1900-2200)"),
    ("nested columns", lambda r: edition(r, table=pa.Table.from_pandas(estimates()).append_column(
        "extra", pa.array([[1, 2]]))), "estimates.parquet: column 'extra' holds nested values"),
    ("nested estimate", lambda r: edition(r, table=pa.Table.from_pandas(estimates(estimate=None)).append_column(
        "estimate", pa.array([{"a": 1}]))), "column 'estimate' holds nested values"),
]


@pytest.mark.parametrize("label,make,words", HOSTILE_EDITIONS, ids=[c[0] for c in HOSTILE_EDITIONS])
def test_a_hostile_edition_is_one_error_line(built: HostileProject, tmp_path: Path, label: str, make,
                                             words: str) -> None:
    other = make(tmp_path / "other")
    with pytest.raises(SolutionsError) as info:  # the front page names the edition and goes on without it
        load_edition(other)
    assert len(info.value.problems) == 1 and words in info.value.problems[0], info.value.problems
    code, _, err = cli("diff", "--params", str(built.params), "--output", str(built.out), "--against", str(other))
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err


def test_a_deep_meta_json_is_ignored_and_names_are_inert_in_the_terminal(built: HostileProject,
                                                                         tmp_path: Path) -> None:
    deep = edition(tmp_path / "deep", estimates(), meta='{"name": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert load_edition(deep).names == {}
    evil = edition(tmp_path / "evil", estimates(country=["QZZ"]), iso="QZZ",
                   meta=json.dumps({"name": "Evil\x1b]0;pwned\x07\x1b[2J land"}))
    assert load_edition(evil).names == {"QZZ": "Evil\x1b]0;pwned\x07\x1b[2J land"}
    code, out, err = cli("diff", "--params", str(built.params), "--output", str(built.out), "--against", str(evil))
    assert code == 0, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "Evil land" in out, out  # the dropped country is named, its escape sequences removed


def test_diff_does_not_follow_symlinks_out_of_the_edition(tmp_path: Path) -> None:
    real = edition(tmp_path / "real", estimates())
    other = tmp_path / "other" / "results"
    other.mkdir(parents=True)
    (other / "QAB").symlink_to(real / "results" / "QAB", target_is_directory=True)
    with pytest.raises(SolutionsError, match="no results tables of an edition here"):
        load_edition(tmp_path / "other")
    (other / "QAB").unlink()
    (other / "QAB").mkdir()
    (other / "QAB" / "estimates.csv").symlink_to(real / "results" / "QAB" / "estimates.csv")
    with pytest.raises(SolutionsError, match="no results tables"):
        load_edition(tmp_path / "other")


# -------------------------------------------------------------------------------- configs, options ----
def test_a_fifo_config_is_refused_not_waited_on(tmp_path: Path) -> None:
    params = write(tmp_path, GOOD_COUNTRY)
    country = tmp_path / "countries" / "QAB.yml"
    country.unlink()
    os.mkfifo(country)
    proc = subprocess.run([SOLUTIONS, "validate", "--params", str(params)], capture_output=True, text=True,
                          timeout=120)  # before: blocked forever
    assert "QAB.yml: not a regular file (a FIFO, socket or device)" in one_error(proc, 2)
    fifo_global = tmp_path / "global-fifo.yml"
    os.mkfifo(fifo_global)
    proc = subprocess.run([SOLUTIONS, "validate", "--params", str(fifo_global)], capture_output=True, text=True,
                          timeout=120)
    assert "global-fifo.yml: not a regular file" in one_error(proc, 2)


def test_a_country_config_symlinked_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    params = write(tmp_path, GOOD_COUNTRY)
    country = tmp_path / "countries" / "QAB.yml"
    outside = tmp_path / "elsewhere" / "QAB.yml"
    outside.parent.mkdir()
    shutil.move(country, outside)
    country.symlink_to(outside)
    code, errors, _ = validate(params)
    assert code == 2 and len(errors) == 1 and "QAB.yml: a symbolic link out of its folder" in errors[0], errors
    inside = tmp_path / "countries" / "versions" / "QAB-v2.yml"  # a link inside the folder is fine
    inside.parent.mkdir()
    shutil.move(outside, inside)
    country.unlink()
    country.symlink_to(inside)
    _, errors, _ = validate(params)
    assert not any("symbolic link" in e for e in errors), errors  # read (its data checks are another matter)


def test_an_iso_code_is_matched_whole(tmp_path: Path) -> None:
    params = write(tmp_path, GOOD_COUNTRY, {**GOOD_GLOBAL, "countries": ["QAB\n"]})
    code, errors, _ = validate(params)
    assert code == 2 and "not an ISO3 code" in errors[0], errors


OPTION_CASES = [
    (["--jobs", "1000"], "--jobs: 1000 workers, more than 64"),
    (["--executor", "dask", "--scheduler", "ucx://10.0.0.1:8786"], "is not a Dask scheduler address"),
    (["--executor", "dask", "--scheduler", "tcp://host:99999"], "--scheduler: port 99999 is not a TCP port"),
    (["--executor", "dask", "--scheduler", "tcp://host:1/\x1b[2J"], "is not a Dask scheduler address"),
]


@pytest.mark.parametrize("extra,words", OPTION_CASES, ids=[" ".join(c[0]) for c in OPTION_CASES])
def test_jobs_and_scheduler_are_checked_before_anything_runs(tmp_path: Path, extra: list[str], words: str) -> None:
    params = write(tmp_path, GOOD_COUNTRY)
    out = tmp_path / "outputs"
    line = one_error(run("build", "--params", str(params), "--output", str(out), *extra), 2)
    assert words in line and "\x1b" not in line
    assert not out.exists()


def test_the_loopback_cluster_never_has_more_workers_than_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from solutions.pipeline import dask_executor

    asked: list[int] = []

    @contextmanager
    def fake_cluster(n_workers: int):
        asked.append(n_workers)
        raise RuntimeError("no cluster in this test")
        yield  # pragma: no cover

    monkeypatch.setattr(dask_executor, "loopback_cluster", fake_cluster)
    job = dask_executor.Job.__new__(dask_executor.Job)
    with pytest.raises(RuntimeError, match="no cluster"):
        list(dask_executor.DaskExecutor(None, jobs=1000).map([job]))
    assert asked == [1]


def test_status_lines_carry_no_escape_sequences(built: HostileProject, tmp_path: Path) -> None:
    project = built.copy(tmp_path / "statut")
    data = project.manifest()
    data["countries"]["QAB"] = {"state": "failed", "error": "the build failed",
                                "detail": "\x1b]0;pwned\x07\x1b[2Jboom \u202eevil", "log": "x.log"}
    (project.year_dir / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = cli("status", "--params", str(project.params), "--output", str(project.out))
    assert code == 0 and "boom" in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


def test_an_earlier_edition_is_not_read_through_a_symlink(built: HostileProject, tmp_path: Path) -> None:
    from solutions.results import earlier_result_folders

    project = built.copy(tmp_path / "tendances")
    earlier = project.out / "2025" / "results"
    earlier.mkdir(parents=True)
    (earlier / "QAB").symlink_to(project.year_dir / "results" / "QAB", target_is_directory=True)
    assert earlier_result_folders(project.out, "QAB", 2026) == []  # before: read (and published in trends)
    (earlier / "QAB").unlink()
    shutil.copytree(project.year_dir / "results" / "QAB", earlier / "QAB")
    assert earlier_result_folders(project.out, "QAB", 2026) == [earlier / "QAB"]
