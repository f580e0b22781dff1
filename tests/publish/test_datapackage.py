"""The data package on results tables written by the real results writer, with the demo configs: it
validates with frictionless (offline), its schemas document every column, its keys hold, and tampering
with a file makes validation fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from solutions.config_loader import load_all
from solutions.publish import (
    CITATION,
    DESCRIPTOR,
    MANIFEST,
    SCHEMA_CACHE,
    TABLES,
    datapackage,
    publish_edition,
    validate_package,
)
from solutions.publish.reference import inert_text
from solutions.results import SCHEMAS, write_table

SOLUTIONS = str(Path(sys.executable).with_name("solutions"))
NAN = float("nan")


def _est(iso, indicator, criterion, group, value, *, category="", withheld=False, flag=""):
    return {"country": iso, "year": 2026, "indicator_id": indicator, "criterion": criterion, "kind": "proportion",
            "group": group, "disaggregation": "total", "disaggregation_value": "", "category": category,
            "estimate": NAN if withheld else value, "se": NAN if withheld else 0.02,
            "ci_low": NAN if withheld else value - 0.04, "ci_high": NAN if withheld else value + 0.04, "df": 30.0,
            "deff": 1.4, "cv": 0.1, "n_unweighted": 12 if withheld else 300, "n_weighted": 3000.0, "n_missing": 2,
            "suppressed": withheld, "suppression_reason": "min_n" if withheld else "", "flag": flag,
            "catalogue_version": "2026.1"}


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """Demo configs (no build): QAB and QAC published, QAD failed; tables from the real writer."""
    root = tmp_path_factory.mktemp("publish")
    assert subprocess.run([SOLUTIONS, "demo", "--root", str(root), "--scale", "0.1"], capture_output=True,
                          timeout=600).returncode == 0
    params = root / "params" / "global.yml"
    cfg = yaml.safe_load(params.read_text())
    cfg["countries"] = ["QAB", "QAC", "QAD"]
    params.write_text(yaml.safe_dump(cfg, sort_keys=False))
    gcfg, countries = load_all(params)
    year_dir = root / "outputs" / "2026"
    for iso in ("QAB", "QAC"):
        folder = year_dir / "results" / iso
        est = pd.DataFrame([_est(iso, "SAF-1", 1, "idp", 0.3), _est(iso, "SAF-1", 1, "comparison", 0.2),
                            _est(iso, "SOL-1", 0, "idp", 0.1, flag="high_cv"),
                            _est(iso, "ADQ-1", 2, "idp", 0.6, category="camp"),
                            _est(iso, "ADQ-1", 2, "idp", NAN, category="host_family", withheld=True)])
        write_table(est, "estimates", folder)
        write_table(pd.DataFrame([{"country": iso, "year": 2026, "indicator_id": "SAF-1", "criterion": 1,
                                   "group": "idp", "disaggregation": "total", "disaggregation_value": "",
                                   "category": "", "gap": 0.1, "se": 0.03, "ci_low": 0.04, "ci_high": 0.16,
                                   "df": 30.0, "p_value": 0.001, "direction": "lower", "status": "open",
                                   "catalogue_version": "2026.1"}]), "gaps", folder)
        write_table(pd.DataFrame([{"country": iso, "year": 2026, "criterion": 1, "group": "idp", "status": "open",
                                   "n_indicators": 1, "n_closed": 0, "n_open": 1, "n_insufficient": 0}]),
                    "criteria", folder)
        write_table(pd.DataFrame([{"country": iso, "year": 2025, "metric": "idp_stock", "value": 1000.0,
                                   "source": "=HYPERLINK(\"x\")"}]), "figures", folder)
        est.to_csv(year_dir / "results" / iso / "figure-sol.csv", index=False)  # stands for a figure's data
    write_table(pd.concat([pd.read_parquet(year_dir / "results" / i / "estimates.parquet") for i in ("QAB", "QAC")]),
                "estimates", year_dir / "results" / "global")
    state = {"year": 2026, "title": gcfg.title, "demo": True,
             "countries": {"QAB": {"state": "ok", "inputs": {"households": "a" * 64}, "log": "logs/x.log",
                                   "error": "", "artefacts": {"results/QAB/estimates.csv": "b" * 64}},
                           "QAD": {"state": "failed", "error": "invalid input: /home/analyst/secret/hh.csv: bad",
                                   "rejected": {"problems": ["/home/analyst/secret/hh.csv"]}}},
             "pages": {"global": {"state": "ok", "seconds": 1.0, "reasons": ["never built"]}}}
    written = publish_edition(year_dir, gcfg, countries, {"QAB": "ok", "QAC": "ok", "QAD": "failed"}, state)
    return year_dir, written, gcfg


def test_the_package_validates_offline(edition):
    year_dir, written, _ = edition
    package = year_dir / "results" / DESCRIPTOR
    assert Path("results") / DESCRIPTOR in written
    assert validate_package(package) == []
    cli = subprocess.run([str(Path(sys.executable).with_name("frictionless")), "validate", DESCRIPTOR],
                         cwd=package.parent, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stdout[-3000:]


def test_every_results_column_is_documented():
    for table, columns in SCHEMAS.items():
        documented = TABLES[table].fields
        missing = [c for c in columns if c not in documented or documented[c].description == "Not described yet."]
        assert not missing, f"{table}: document {missing} in solutions/results_fields.py"
        for c in columns:
            assert documented[c].title and documented[c].title != c


def test_the_writer_schemas_are_the_documented_fields():
    """One declaration (``results_fields``): the writer's columns are the documented ones, in the same order,
    each stored as its documented type says; a count that is withheld with its estimate (documented as an
    integer) is stored as a float, so that it can be empty."""
    stored = {"string": "str", "integer": "int64", "number": "float64", "boolean": "bool"}
    for table, columns in SCHEMAS.items():
        documented = TABLES[table].fields
        assert list(columns) == list(documented), table
        for c, dtype in columns.items():
            expected = "float64" if documented[c].nullable else stored[documented[c].type]
            assert dtype == expected, (table, c)
    assert SCHEMAS["estimates"]["n_unweighted"] == "float64" and TABLES["estimates"].fields["n_unweighted"].type == "integer"
    assert SCHEMAS["criteria"]["n_open"] == "int64" and SCHEMAS["benchmarks"]["reference_year"] == "int64"


def test_descriptor_metadata_schemas_and_keys(edition):
    year_dir, _, gcfg = edition
    desc = json.loads((year_dir / "results" / DESCRIPTOR).read_text())
    assert desc["name"] == "state-of-solutions-2026" and desc["version"] == "2026"
    assert desc["licenses"][0]["name"] == "CC-BY-4.0" and "Demonstration data" in desc["citation"]
    assert any("Aldoria" in s["title"] for s in desc["sources"])
    res = {r["name"]: r for r in desc["resources"]}
    assert {"qab-estimates", "qac-gaps", "qab-figures", "global-estimates", "countries", "indicator-catalogue",
            "iasc-criteria", "qab-figure-sol"} <= set(res)
    est = res["qab-estimates"]
    assert [f["name"] for f in est["schema"]["fields"]] == list(SCHEMAS["estimates"])
    fields = {f["name"]: f for f in est["schema"]["fields"]}
    assert "multiplied by 100" in fields["estimate"]["description"]  # the unit said plainly
    assert fields["group"]["constraints"]["enum"] == ["idp", "returnee", "relocated", "comparison", "all"]
    assert est["schema"]["primaryKey"] == ["country", "year", "indicator_id", "group", "disaggregation",
                                           "disaggregation_value", "category"]
    assert {fk["reference"]["resource"] for fk in est["schema"]["foreignKeys"]} == {
        "countries", "indicator-catalogue", "iasc-criteria"}
    assert est["hash"].startswith("sha256:") and est["path"] == "QAB/estimates.csv"
    assert res["qab-figure-sol"]["schema"]["fields"][0]["name"] == "country"  # inferred from the file


def test_tampering_is_caught(edition, tmp_path):
    """Validation can fail: an unknown indicator code (foreign key), a status out of its enumeration."""
    year_dir, _, _ = edition
    import shutil

    copy = tmp_path / "results"
    shutil.copytree(year_dir / "results", copy)
    path = copy / "QAB" / "gaps.csv"
    path.write_text(path.read_text().replace(",SAF-1,", ",XXX-9,").replace(",open,", ",maybe,"))
    desc = json.loads((copy / DESCRIPTOR).read_text())
    for r in desc["resources"]:
        r.pop("hash", None), r.pop("bytes", None)  # only the content checks, not the checksum
    (copy / DESCRIPTOR).write_text(json.dumps(desc))
    problems = "\n".join(validate_package(copy / DESCRIPTOR))
    assert "qab-gaps: foreign-key" in problems and "constraint-error" in problems


def test_reference_tables_and_no_failure_text(edition):
    year_dir, _, _ = edition
    countries = pd.read_csv(year_dir / "results" / "countries.csv")
    assert countries.to_dict("records")[2] == {"iso3": "QAD", "name": "Republic of Cassaline", "status": "failed"}
    indicators = pd.read_csv(year_dir / "results" / "indicator_catalogue.csv", keep_default_na=False)
    assert {"SAF-1", "SOL-1"} <= set(indicators["id"])
    assert indicators.set_index("id").loc["SAF-2", "universe_text"] == (
        "households that needed a formal or informal justice mechanism")
    for p in (year_dir / "results").rglob("*"):
        if p.is_file():
            assert "/home/analyst" not in p.read_text(errors="replace"), p


def test_public_manifest_keeps_checksums_and_drops_paths_and_errors(edition):
    year_dir, _, _ = edition
    manifest = json.loads((year_dir / "results" / MANIFEST).read_text())
    assert manifest["countries"]["QAB"]["inputs"] == {"households": "a" * 64}
    assert manifest["countries"]["QAB"]["artefacts"] == {"results/QAB/estimates.csv": "b" * 64}
    text = json.dumps(manifest)
    for gone in ("error", "rejected", "log", "reasons", "/home/analyst"):
        assert f'"{gone}"' not in text and "/home/analyst" not in text


def test_citation_file(edition):
    year_dir, _, gcfg = edition
    cff = yaml.safe_load((year_dir / "results" / CITATION).read_text())
    for key in ("cff-version", "message", "title", "authors", "type", "license", "version"):
        assert cff[key], key
    assert cff["cff-version"] == "1.2.0" and cff["title"] == gcfg.title and cff["type"] == "dataset"
    root = yaml.safe_load((Path(__file__).resolve().parents[2] / "CITATION.cff").read_text())
    assert root["cff-version"] == "1.2.0" and root["authors"] and root["title"]


def test_same_inputs_same_bytes(edition):
    year_dir, _, gcfg = edition
    before = {p: p.read_bytes() for p in (year_dir / "results").glob("*.*") if p.name != MANIFEST}
    _, countries = load_all(year_dir.parent.parent / "params" / "global.yml")
    publish_edition(year_dir, gcfg, countries, {"QAB": "ok", "QAC": "ok", "QAD": "failed"}, {})
    assert {p: p.read_bytes() for p in before} == before


def test_spreadsheet_formulas_are_inert():
    assert inert_text("=HYPERLINK(1)") == "'=HYPERLINK(1)" and inert_text("+1") == "'+1"
    assert inert_text("Aldoria") == "Aldoria" and inert_text(3) == 3


def test_inferred_schemas_are_remembered_by_content_and_checked(edition, monkeypatch):
    """A figure CSV's schema is inferred once per content (frictionless costs ~10 ms a file, an edition has
    hundreds); a remembered schema whose fields are not the file's header is not trusted."""
    year_dir, _, gcfg = edition
    _, countries = load_all(year_dir.parent.parent / "params" / "global.yml")
    statuses = {"QAB": "ok", "QAC": "ok", "QAD": "failed"}
    publish_edition(year_dir, gcfg, countries, statuses, {})
    cache, package = year_dir / SCHEMA_CACHE, year_dir / "results" / DESCRIPTOR
    remembered = json.loads(cache.read_text())
    assert len(remembered) == 2 and not list((year_dir / "results").rglob(cache.name))  # never published
    before = package.read_bytes()
    real = datapackage._describe
    monkeypatch.setattr(datapackage, "_describe", lambda path: pytest.fail(f"inferred again: {path}"))
    publish_edition(year_dir, gcfg, countries, statuses, {})
    assert package.read_bytes() == before
    digest = sorted(remembered)[0]
    cache.write_text(json.dumps({**remembered, digest: {"fields": [{"name": "injected", "type": "string"}]}}))
    calls: list[Path] = []
    monkeypatch.setattr(datapackage, "_describe", lambda path: calls.append(path) or real(path))
    publish_edition(year_dir, gcfg, countries, statuses, {})
    assert len(calls) == 1 and package.read_bytes() == before
    cache.write_text("{not json")  # a damaged cache is no cache
    publish_edition(year_dir, gcfg, countries, statuses, {})
    assert len(calls) == 3 and package.read_bytes() == before
