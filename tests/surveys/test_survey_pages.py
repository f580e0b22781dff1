"""Honest labels on the pages of a mixed report: a fictional (demo) country beside one marked real, a 2018
survey in the 2026 edition, a comparison group and an external benchmark together, a country disaggregation
that individuals inherit from their household.

The "real" country is a copy of the demo data under a real ISO code, in a temporary folder: test data only.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from solutions.config_loader import country_path, load_all
from solutions.demo import write_demo
from solutions.indicators import load_all_results, prepare_country
from solutions.report import country_page, global_page, output


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("mixed")
    write_demo(root, countries=["QAB"], scale=0.25)
    params = root / "params"
    g = yaml.safe_load((params / "global.yml").read_text())
    g.pop("demo")
    g["countries"] = ["QAB", "NER"]
    (params / "global.yml").write_text(yaml.safe_dump(g))
    ner = copy.deepcopy(yaml.safe_load((params / "countries" / "QAB.yml").read_text()))
    ner.update(iso3="NER", name="Niger (test copy)", demo=False)
    ner["survey"] = {"title": "Test survey 2018", "collection_start": "2018-03-01", "collection_end": "2018-05-31"}
    del ner["columns"]["households"]["interview_date"]  # the copied interviews are dated 2026
    del ner["data"]["figures"]  # QAB's country-year figures
    ner["variables"] = {"households": {"district": {"type": "category", "column": "district"}}}
    ner["disaggregations"] = [{"variable": "district", "label": "District"}]
    ner["reference"] = {"name": "National survey 2017", "year": 2017,
                        "values": {"ADQ-2": {"estimate": 0.8, "se": 0.01}, "LIV-1": {"estimate": 0.1}}}
    ner["notes"] = {"ADQ-2": "proxy: any improved source"}
    (params / "countries" / "NER.yml").write_text(yaml.safe_dump(ner))
    gpath = params / "global.yml"
    gcfg, _ = load_all(gpath)
    results = {iso: prepare_country(gpath, country_path(gpath, gcfg, iso), root / "outputs") for iso in ("QAB", "NER")}
    return {"results": results, "global": load_all_results(gpath, root / "outputs")}


def _page(r) -> str:
    with output.capture() as out:
        country_page.title(r)
        country_page.banner(r)
        country_page.sample_section(r)
        country_page.criteria_overview(r)
        for c in range(1, 9):
            country_page.criterion_section(r, c)
    return "\n".join(out)


def test_the_banner_is_only_on_fictional_data(mixed: dict) -> None:
    assert mixed["results"]["QAB"].demo and not mixed["results"]["NER"].demo
    assert "DEMONSTRATION DATA" in _page(mixed["results"]["QAB"])
    assert "DEMONSTRATION DATA" not in _page(mixed["results"]["NER"])
    with output.capture() as out:
        global_page.banner(mixed["global"])
    assert "The chapter of Republic of Aldoria (QAB) uses fictional data" in "".join(out)
    assert "Niger" not in "".join(out)


def test_the_collection_year_is_not_the_report_year(mixed: dict) -> None:
    r = mixed["results"]["NER"]
    assert r.year == 2026 and r.design.collection_year == "2018"
    assert "Test survey 2018: data collected March–May 2018. Report edition 2026." in _page(r)


def test_a_benchmark_beside_a_comparison_group(mixed: dict) -> None:
    r = mixed["results"]["NER"]
    page = _page(r)
    assert not r.gaps.empty and "Gap status by criterion" in page  # the comparison group still gives gaps
    assert "External benchmark: National survey 2017, 2017" in page
    assert set(r.benchmarks["indicator_id"]) == {"ADQ-2", "LIV-1"}
    assert set(r.benchmarks["group"]) == set(r.estimates.loc[r.estimates["indicator_id"] == "ADQ-2", "group"])
    assert "Note: proxy: any improved source" in page


def test_individuals_inherit_the_household_disaggregation(mixed: dict) -> None:
    est = mixed["results"]["NER"].estimates
    by = est[est["disaggregation"] == "district"]
    assert {"ADQ-2", "LIV-1", "SAF-1"} <= set(by["indicator_id"])  # households and individuals alike
    assert by["disaggregation_value"].nunique() > 2
    assert mixed["results"]["NER"].disaggregations == {"district": "District"}


def test_global_downloads_carry_notes_and_reasons(mixed: dict) -> None:
    g = mixed["global"]
    assert set(g.indicators["country"]) == {"QAB", "NER"}
    assert g.indicators.loc[(g.indicators["country"] == "NER") & (g.indicators["indicator_id"] == "ADQ-2"),
                            "note"].item() == "proxy: any improved source"
    assert list(g.countries["demo"]) == [True, False]
