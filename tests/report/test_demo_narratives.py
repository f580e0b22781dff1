"""Every sentence of the demo narratives renders from the results (issue #19 item 8): the demo's configs,
written by the real generator, validate without a narrative warning, and each placeholder becomes the text
the tables give for the same row, so the narrative agrees with the tables by construction."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from solutions.config_loader import load_all
from solutions.demo import write_demo
from solutions.indicators import prepare_country
from solutions.narrative_placeholders import narrative_sections, placeholders, typed_claims
from solutions.report import narratives
from solutions.report.narratives import fill_placeholder
from solutions.report.trends import earlier_results

pytestmark = [pytest.mark.e2e]
SOLUTIONS = str(Path(sys.executable).with_name("solutions"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-narratives")
    write_demo(root, scale=0.4)
    return root, root / "params" / "global.yml"


def test_validate_raises_no_narrative_warning_on_the_demo(demo):
    _root, params = demo
    proc = subprocess.run([SOLUTIONS, "validate", "--params", str(params)], capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "narrative" not in proc.stderr, proc.stderr


def test_every_demo_narrative_renders_from_the_results(demo):
    root, params = demo
    gcfg, countries = load_all(params)
    narratives.use_output_root(root / "outputs")  # the demo has one edition: changes say there is no earlier one
    seen = set()
    try:
        for iso in gcfg.countries:
            results = prepare_country(str(params), str(params.parent / "countries" / f"{iso}.yml"),
                                      str(root / "outputs"))
            cfg = countries[iso]
            for key, text in narrative_sections(cfg.narrative.summary, cfg.narrative.criteria):
                assert typed_claims(text) == [], f"{iso} {key}: typed claims"
                found, problems = placeholders(text)
                assert problems == [], f"{iso} {key}"
                filled = narratives.fill(text, results)
                assert "[[" not in filled and "]]" not in filled
                earlier = earlier_results(root / "outputs", iso, results.year)
                for p in found:
                    said = fill_placeholder(p, results, earlier=earlier)
                    assert said and said in filled.replace("\\", ""), (iso, p.text)
                    assert "since 2024" not in said  # the demo has one edition
                    seen.add(p.kind)
    finally:
        narratives.use_output_root(None)
    # the demo uses estimates, gap findings, criteria and a change since the last edition
    assert {"estimate", "finding", "criterion", "change"} <= seen
