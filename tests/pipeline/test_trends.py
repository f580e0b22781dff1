"""Trends across report years, end to end: a 2025 edition built by the real pipeline next to 2026.

2025 is built first with the same catalogue (its solutions measure for IDPs nudged up through the real
results writer, so the change is visible); a 2024 edition is fabricated from it with ANOTHER catalogue
version. The 2026 build must show per-indicator trends with uncertainty on the country page and the
year-over-year change of the solutions measure on the global page, and must never compare with 2024.
"""

from __future__ import annotations

import re

import pytest
import yaml
from pipeline_project import make_project

from solutions.results import read_table, write_table

pytestmark = [pytest.mark.e2e]

ISO = "QAB"
SHIFT = 0.07  # 2025's IDP solutions measure is 7 points higher than 2026's


def _set_year(params, year: int) -> None:
    """The report year, and the country's survey round named for it (a series compares survey rounds: an
    edition that carried the same survey as another, by title and collection year, is left out of it)."""
    cfg = yaml.safe_load(params.read_text())
    cfg["report_year"] = year
    params.write_text(yaml.safe_dump(cfg, sort_keys=False))
    country = params.parent / "countries" / f"{ISO}.yml"
    ccfg = yaml.safe_load(country.read_text())
    survey = ccfg["survey"]  # (the same data files: the interview dates stay those of the demo's survey)
    survey["title"] = re.sub(r"\d{4}$", str(year), survey["title"])
    country.write_text(yaml.safe_dump(ccfg, sort_keys=False, allow_unicode=True))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("trends"), [ISO])
    _set_year(project.params, 2025)
    project.build()
    folder = project.out / "2025" / "results" / ISO
    est = read_table(folder, "estimates")
    sol = (est["indicator_id"] == "SOL-1") & (est["group"] == "idp") & (est["disaggregation"] == "total")
    assert sol.sum() == 1 and not est.loc[sol, "suppressed"].any()
    for col in ("estimate", "ci_low", "ci_high"):
        est.loc[sol, col] = est.loc[sol, col] + SHIFT
    write_table(est, "estimates", folder)
    # A 2024 edition computed with another catalogue version: must never be compared.
    old = project.out / "2024" / "results" / ISO
    old.mkdir(parents=True)
    write_table(est.assign(year=2024, catalogue_version="1999.1", estimate=est["estimate"] * 0.5),
                "estimates", old)
    _set_year(project.params, 2026)
    project.build()
    site = project.out / "2026" / "site"
    return project, (site / f"country-{ISO}.html").read_text(), (site / "global.html").read_text(), est


def test_country_page_shows_trends_with_uncertainty(two_editions):
    _project, country, _global, _est = two_editions
    text = _text(country)
    trends = text[text.index("Trends"):]
    assert "No earlier report year" not in trends
    assert "change across report years" in trends
    assert "95% confidence intervals" in trends
    # one change row per indicator and group, from 2025 to 2026, with a CI
    # (the report writes the typographic minus, and 0 unsigned; a bound near 0 or the margin keeps the decimals
    # it needs not to contradict the change's status); then what the change shows, in words
    bound = r"(?:[+−]\d+(?:\.\d+)?|0)"
    assert re.search(rf"Security incident IDPs 2025 → 2026 [\d.]+% [\d.]+% (?:[+−]\d+|0) pp {bound} to "
                     rf"{bound} (?:no change larger than 5 points|the surveys cannot tell)", trends), trends[:3000]
    assert "Line charts by report year" in country  # the trend figure's alt text
    assert "2024 (catalogue version 1999.1)" in trends  # named as not compared...
    assert "2024 → 2026" not in trends and "2024 2025 2026" not in trends  # ...and not compared


def test_global_page_shows_solutions_change(two_editions):
    _project, _country, glob, _est = two_editions
    text = _text(glob)
    section = text[text.index("Change since the previous edition"):]
    row = re.search(r"Republic of Aldoria IDPs 2025 → 2026 ([\d.]+)% ([\d.]+)% ([+−]\d+|0) pp", section)
    assert row, section[:600]
    before, after, change = (float(row[i].replace("−", "-")) for i in (1, 2, 3))
    assert change == pytest.approx(after - before, abs=1.01)
    assert change == pytest.approx(-SHIFT * 100, abs=1.01)
    assert "2024 → 2026" not in section


def test_an_earlier_edition_changed_later_makes_this_year_stale(two_editions):
    """The trends section reads earlier years' tables, so re-publishing 2025 re-runs the 2026 chapter."""
    from solutions.pipeline.build import context, status

    project, _country, _global, est = two_editions
    ctx = context(project.params, project.out)
    assert {r["country"]: r["status"] for r in status(ctx)} == {ISO: "up to date"}
    path = project.out / "2025" / "results" / ISO / "estimates.parquet"
    saved = path.read_bytes()
    try:
        write_table(est.assign(estimate=est["estimate"] * 0.9), "estimates", path.parent)
        (row,) = status(ctx)
        assert row["status"] == "stale" and "earlier years" in row["why"]
    finally:
        path.write_bytes(saved)
    assert status(ctx)[0]["status"] == "up to date"
