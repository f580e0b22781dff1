"""`solutions diff` and the front page's "What changed" on two editions built by the real CLI.

2025 is built with Aldoria (QAB) and Brevonia (QAC); its IDP solutions measure in Aldoria is then raised by
SHIFT through the real results writer, and one criterion status changed. 2026 is built with Aldoria and
Cassaline (QAD). The demo data are the same for both years, so exactly that estimate moved, and the diff
must say so, with the countries added and dropped; and the 2026 data package must validate.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from solutions.results import read_table, write_table

pytestmark = [pytest.mark.e2e]

SOLUTIONS = str(Path(sys.executable).with_name("solutions"))
SHIFT = 0.10


def sol(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SOLUTIONS, *args], capture_output=True, text=True, timeout=900)


def _configure(params: Path, year: int, countries: list[str]) -> None:
    cfg = yaml.safe_load(params.read_text())
    cfg.update(report_year=year, countries=countries)
    params.write_text(yaml.safe_dump(cfg, sort_keys=False))


def _build(params: Path, out: Path) -> None:
    proc = sol("build", "--params", str(params), "--output", str(out), "--jobs", "2", "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("editions")
    assert sol("demo", "--root", str(root), "--scale", "0.4").returncode == 0
    params, out = root / "params" / "global.yml", root / "outputs"
    _configure(params, 2025, ["QAB", "QAC"])
    _build(params, out)
    folder = out / "2025" / "results" / "QAB"
    est = read_table(folder, "estimates")
    sol_idp = (est["indicator_id"] == "SOL-1") & (est["group"] == "idp") & (est["disaggregation"] == "total")
    assert sol_idp.sum() == 1 and not est.loc[sol_idp, "suppressed"].any()
    est.loc[sol_idp, ["estimate", "ci_low", "ci_high"]] += SHIFT
    write_table(est, "estimates", folder)
    crit = read_table(folder, "criteria")
    first = (crit["group"] == "idp") & (crit["criterion"] == 2)
    old_status = "closed" if crit.loc[first, "status"].iloc[0] != "closed" else "open"
    crit.loc[first, "status"] = old_status
    write_table(crit, "criteria", folder)
    _configure(params, 2026, ["QAB", "QAD"])
    _build(params, out)
    return root, params, out, est.loc[sol_idp].iloc[0], old_status


def test_diff_names_the_moved_estimate_the_status_and_the_countries(project):
    _root, params, out, before, old_status = project
    proc = sol("diff", "--params", str(params), "--output", str(out), "--against", "2025")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "countries added: QAD Republic of Cassaline; dropped: QAC Kingdom of Brevonia" in text
    assert "indicators added: none; dropped: none" in text
    # the solutions measure fell by 10 points (higher is better): worse, named, with the change's CI
    assert re.search(r"estimates: \d+ national estimates compared: 1 worse, \d+ ", text), text
    assert re.search(r"\d+ shares of distributions, which have no better or worse direction \(0 moved\)", text), text
    assert re.search(r"  worse: 1\n    QAB Republic of Aldoria · SOL-1 Solutions measure · IDPs: \d+% → \d+%: worse, down 10 points "
                     r"\(−\d+(\.\d+)? to −\d+(\.\d+)?\)", text), text
    assert "beyond" not in text
    assert re.search(r"QAB Republic of Aldoria · 2 Adequate standard of living · IDPs: "
                     rf"{'Gap closed' if old_status == 'closed' else 'Gap open'} → ", text), text
    assert "gap statuses changed: 0" in text


def test_diff_json_has_the_exact_change(project, tmp_path):
    _root, params, out, before, _old = project
    proc = sol("diff", "--params", str(params), "--output", str(out), "--against", "2025", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["old_year"] == 2025 and data["new_year"] == 2026
    (moved,) = data["moved"]
    assert (moved["country"], moved["indicator_id"], moved["group"]) == ("QAB", "SOL-1", "idp")
    assert moved["change"] == pytest.approx(-SHIFT, abs=1e-9)
    assert moved["estimate_from"] == pytest.approx(before["estimate"], abs=1e-9)
    assert moved["ci_high"] < 0 and moved["status"] == "worsened" and moved["direction"] == "higher"
    now = read_table(out / "2026" / "results" / "QAB", "estimates")
    now = now[(now["indicator_id"] == "SOL-1") & (now["group"] == "idp") & (now["disaggregation"] == "total")].iloc[0]
    # independent samples: SE √(se₁² + se₂²), the smaller df
    assert moved["se"] == pytest.approx(math.hypot(before["se"], now["se"]), rel=1e-9)
    assert moved["df"] == min(before["df"], now["df"])
    assert data["change_counts"]["worsened"] == 1 and "improved" not in data["change_counts"]
    # the CSV downloads alone (as a reader downloads them) give the same diff as the Parquet tables
    downloaded = tmp_path / "downloaded"
    for csv in (out / "2025" / "results").glob("*/*.csv"):
        (downloaded / "results" / csv.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(csv, downloaded / "results" / csv.parent.name / csv.name)
    site = sol("diff", "--params", str(params), "--output", str(out), "--against", str(downloaded), "--json")
    assert site.returncode == 0, site.stderr
    (from_csv,) = json.loads(site.stdout)["moved"]
    numbers = {k for k, v in moved.items() if isinstance(v, float)}
    assert {k: v for k, v in from_csv.items() if k not in numbers} == {k: v for k, v in moved.items() if k not in numbers}
    for k in numbers:  # the CSVs keep 12 significant digits
        assert from_csv[k] == pytest.approx(moved[k], rel=1e-9, abs=1e-12), k


def test_exit_code_and_bad_against(project):
    _root, params, out, _before, _old = project
    assert sol("diff", "--params", str(params), "--output", str(out), "--against", "2025",
               "--exit-code").returncode == 1
    bad = sol("diff", "--params", str(params), "--output", str(out), "--against", "2031")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == [
        f"error: {out / '2031'}: no results tables of an edition here (expected {out / '2031' / 'results'}"
        "/<ISO3>/estimates.parquet or .csv)"]


def test_front_page_says_what_changed(project):
    _root, _params, out, _before, _old = project
    page = (out / "2026" / "site" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    section = text[text.index("What changed since the last edition"):]
    assert "Compared with the 2025 edition" in section
    assert "Countries added: Republic of Cassaline; no longer covered: Kingdom of Brevonia" in section
    assert re.search(r"1 national estimate worse: Republic of Aldoria, Solutions measure, IDPs: \d+% → \d+%: worse, "
                     r"down 10 points", section), section
    assert "1 criterion status changed" in section and "beyond" not in section
    assert "Everything else that changed" in section


def test_the_data_package_of_a_real_build_validates(project):
    _root, _params, out, _before, _old = project
    package = out / "2026" / "site" / "results" / "datapackage.json"
    proc = subprocess.run([str(Path(sys.executable).with_name("frictionless")), "validate", "--json",
                           str(package.name)], cwd=package.parent, capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    names = {t["name"] for t in report["tasks"]}
    assert {"qab-estimates", "qad-gaps", "qab-indicators", "global-estimates", "indicator-catalogue",
            "countries"} <= names
