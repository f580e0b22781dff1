"""The attack on real builds (the real CLI, papermill, the renderer): the demo report, and a fixture full of
small cells over two report years (so trend tables are published too). Nothing withheld may be rebuilt.

Each build is read as an outsider reads it: every CSV/Parquet download and every page (HTML tables,
interactive-table data, alt texts, SVG chart text, trend tables). The pages must be read right, so every
number they show about a published cell must agree with the downloads: that keeps the reader honest.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from solutions.catalogue import load_catalogue
from solutions.config import load_global

from .attack import Result, attack
from .published import Published, collect

sys.path.insert(0, str(Path(__file__).parents[1] / "pipeline"))
from pipeline_project import Project, make_project, sol  # noqa: E402

pytestmark = [pytest.mark.e2e]


def relative_margins(params: Path) -> dict[str, float]:
    """What the methods page tells a reader: the relative margin of each mean or ratio indicator."""
    gcfg = load_global(params)
    out = {}
    for ind in load_catalogue().indicators:
        own = ind.margin
        if own is not None and own.relative is not None:
            out[ind.id] = own.relative
        elif own is None and ind.kind in ("mean", "ratio"):
            out[ind.id] = gcfg.equivalence_margin.relative
    return out


def _set(params: Path, **values) -> None:
    cfg = yaml.safe_load(params.read_text())
    cfg.update(values)
    params.write_text(yaml.safe_dump(cfg, sort_keys=False))


def _attack(project: Project) -> tuple[Published, Result]:
    """What can be rebuilt is decided from the published files alone (the withheld values are not needed to
    tell that a value is determined; `python -m disclosure` adds them to confirm what it rebuilds)."""
    pub = collect(project.year_dir)
    return pub, attack(pub, relative_margins(project.params))


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> tuple[Project, Published, Result]:
    project = make_project(tmp_path_factory.mktemp("attack-demo"), ["QAB", "QAC", "QAD", "QAE"], scale=1.0)
    project.build()
    return (project, *_attack(project))


@pytest.fixture(scope="module")
def small_cells(tmp_path_factory) -> tuple[Project, Published, Result]:
    """Two small countries: 2025 from one sample, 2026 from a smaller one (different cells withheld)."""
    countries = ["QAB", "QAC"]
    project = make_project(tmp_path_factory.mktemp("attack-small"), countries, scale=0.2)
    _set(project.params, report_year=2025)
    project.build()
    sol("demo", "--root", str(project.root), "--scale", "0.12", check=True)  # new data and params for 2026
    _set(project.params, countries=countries)
    project.build()
    return (project, *_attack(project))


def _nothing_rebuilt(pub: Published, result: Result) -> None:
    assert result.targets > 100
    assert result.recovered == [], result.summary()


def _pages_read_right(pub: Published, result: Result) -> None:
    assert all(pub.sources[k] > 20 for k in ("table", "interactive", "alt", "svg")), pub.sources
    assert result.facts_checked > 1000
    assert result.facts_disagreeing == [], result.facts_disagreeing[:10]
    assert result.chart_numbers_unexplained == [], result.chart_numbers_unexplained[:10]


# each build on one worker (xdist groups), the two builds on two workers
@pytest.mark.xdist_group("attack-demo")
def test_nothing_withheld_can_be_rebuilt_from_the_demo_report(demo_report):
    _nothing_rebuilt(*demo_report[1:])


@pytest.mark.xdist_group("attack-demo")
def test_the_demo_pages_were_read_and_agree_with_the_downloads(demo_report):
    _pages_read_right(*demo_report[1:])


@pytest.mark.xdist_group("attack-small")
def test_nothing_withheld_can_be_rebuilt_from_small_cells_over_two_years(small_cells):
    _nothing_rebuilt(*small_cells[1:])


@pytest.mark.xdist_group("attack-small")
def test_the_small_cells_pages_were_read_and_agree_with_the_downloads(small_cells):
    _pages_read_right(*small_cells[1:])


@pytest.mark.xdist_group("attack-small")
def test_the_small_cells_fixture_is_full_of_small_cells_and_trends(small_cells):
    _project, pub, result = small_cells
    est = pub.estimates[pub.estimates["kind"] != "system"]
    assert set(est["year"]) == {2025, 2026}
    share = est["suppressed"].mean()
    assert share > 0.4, share
    reasons = set(est["suppression_reason"])
    assert {"min_n", "min_effective_n", "complementary"} <= reasons
    assert any(f.quantity == "change" for f in pub.facts), "the 2026 pages should publish trend changes"
    assert any(f.year == 2025 and f.source.startswith("country-") for f in pub.facts)
