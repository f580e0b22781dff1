import re

import pandas as pd

from solutions.config import Thresholds
from solutions.report import markdown, tables
from solutions.report.banner import demo_banner_html
from solutions.report.provenance import provenance_html

from .conftest import PROVENANCE, make_estimates, make_gaps

THR = Thresholds()  # the global config's defaults, as a report without settings gets them


def test_html_table_escapes_labels():
    df = pd.DataFrame({"<th>": ["<script>alert(1)</script>"], "n": [3]})
    html = tables.html_table(df, caption="<i>c</i>", numeric=["n"])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;th&gt;" in html and "&lt;i&gt;c&lt;/i&gt;" in html


def test_markup_is_kept_only_when_built_by_the_package():
    html = tables.html_table([{"Status": tables.status_chip("open", "worse off <b>"), "Text": "<b>x</b>"}])
    assert "✗ Gap open" in html and "sos-status-open" in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<span class="sos-finding">worse off &lt;b&gt;</span>' in html


def test_every_status_chip_has_symbol_colour_and_words():
    for status in ("closed", "open", "inconclusive", "insufficient_data", "not_collected", "not_assessed"):
        chip = tables.status_chip(status)
        assert f"sos-status-{status}" in chip and "background:#" in chip
        assert re.search(r">\S+ \w", chip)  # a symbol, then the label
    # one vocabulary: the compact chip says the label's own words, never a synonym
    assert "? inconclusive" in tables.status_chip("inconclusive", compact=True)
    assert "∅ insufficient data" in tables.status_chip("insufficient_data", compact=True)


def test_estimates_table_leaves_withheld_values_empty_with_the_reason():
    e = make_estimates()
    html = tables.estimates_table(e[(e.indicator_id == "ADQ-2") & (e.category == "")], thresholds=THR)
    assert "withheld: fewer than 30 respondents" in html and "55" in html and "50–60" in html
    assert "–</td>" not in html  # no dash standing in for a withheld number
    assert 'data-label="Estimate (%)"' in html and "sos-stack" in html  # stacks on a phone
    flagged = tables.estimates_table(e[(e.indicator_id == "SAF-3") & (e.category == "")], thresholds=THR)
    assert "22†" in flagged and "imprecise" in flagged and "† flagged estimate" in flagged


def test_distribution_table_marks_flags_and_none_observed():
    e = make_estimates()
    html = tables.distribution_table(e[e.kind == "by_reason"], thresholds=THR)
    text = re.sub(r"<[^>]+>", "", html)
    assert "n (universe)" in html and "withheld: fewer than 30 respondents" in html
    assert "20%† (15–25)" in text and "† flagged estimate" in html
    html = tables.distribution_table(e[e.kind == "distribution"], thresholds=THR)
    assert "none observed" in html and "0% (0–0)" not in html


def test_gap_cells_say_what_the_status_means():
    g = make_gaps()
    rows = {(r["indicator_id"], r["group"]): r for r in g.to_dict("records")}
    cells = tables.gap_cells(rows[("ADQ-2", "idp")], percent=True)
    assert cells["Gap"] == "−23" and cells["Gap CI"] == "−30 to −16"
    assert "worse off by 23 points (16 to 30)" in cells["Status"]
    cells = tables.gap_cells(rows[("LIV-1", "idp")], percent=True)
    assert cells["Gap"] == "0" and "no gap larger than 1 point" in cells["Status"]
    cells = tables.gap_cells(rows[("ADQ-2", "returnee")], percent=True)
    assert cells["Gap"] == "" and "a value on one side is withheld" in cells["Status"]


def test_key_indicator_table_lists_every_country_in_the_declared_order():
    """The global page's cross-country table: every row (no pages of 25), countries in the report's order, the
    house number style, grouped by indicator, a card per row on a phone; text escaped."""
    from types import SimpleNamespace

    estimates = make_estimates()
    rows = estimates[(estimates["indicator_id"] == "ADQ-2") & (estimates["disaggregation"] == "total")]
    rows = pd.concat([rows.assign(country=iso) for iso in ("QZB", "QZA")] * 20, ignore_index=True)
    ind = SimpleNamespace(id="ADQ-2", criterion=2, title="Water <b>daily</b>", unit="household")
    names = {"QZB": "Zed <script>", "QZA": "Aland"}
    records = tables.key_indicator_records(ind, rows, {}, percent=True, names=names, thresholds=THR)
    assert [r["Country"] for r in records][:1] == ["Zed <script>"]  # declared order, not alphabetical
    html = tables.key_indicator_table(records, caption="Key indicators")
    assert html.count("<tr>") == len(rows) + 1 and "sos-stack" in html and "sos-group-row" in html
    assert "<script>" not in html and "<b>daily</b>" not in html
    assert "dataTable" not in html and "<noscript>" not in html


def test_markdown_escapes_raw_html_and_js_links():
    html = markdown.markdown_html("**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert markdown.render_markdown("a").data.startswith('<div class="sos-narrative">')


def test_banner_and_provenance():
    assert "NOT REAL" in demo_banner_html(True) and demo_banner_html(False) == ""
    assert str(demo_banner_html(True)).lower().count("not real") == 1  # the heading says it, the text does not repeat it
    html = provenance_html({**PROVENANCE, "inputs": {"/home/analyst/secret/households.csv": "a" * 64}})
    assert "households.csv" in html and "/home/analyst" not in html
    assert "a" * 12 in html and ">" + "a" * 64 + "<" not in html
    assert "Build date" in html and "0.1.0+gtest" in html


def test_caption_stays_outside_the_scrolling_region():
    """At phone width a wide table scrolls sideways inside its wrapper; its caption must not scroll with it,
    so it sits before the wrapper and names both the region and the table."""
    import re

    df = pd.DataFrame({f"column {i}": ["x" * 20] for i in range(12)})
    for markup in (tables.html_table(df, caption="Wide table"),):
        wrap_at = markup.index('class="sos-table-wrap')
        cap = re.search(r'<p class="sos-table-caption" id="([^"]+)">Wide table</p>', markup)
        assert cap and cap.start() < wrap_at, "the caption is inside the scrolling wrapper"
        assert "<caption" not in markup[wrap_at:]
        assert f'role="region" tabindex="0" aria-labelledby="{cap[1]}"' in markup


def test_chart_data_neutralises_spreadsheet_formulas(tmp_path):
    """A chart's CSV goes through the downloads' formula neutralising (methodology §5): text a spreadsheet would
    run gets a leading ', numbers (negative ones too) stay numbers."""
    from solutions.report import chartdata

    chartdata.publish_to(tmp_path, "results/QZZ/charts/")
    try:
        href = chartdata.write("A <chart>", pd.DataFrame({"label": ["=HYPERLINK(1)", "@y", "plain"],
                                                          "value": [-1.5, 2, 3]}))
    finally:
        chartdata.stop_publishing()
    assert href == "results/QZZ/charts/a-chart.csv"
    out = pd.read_csv(tmp_path / "a-chart.csv")
    assert out["label"].tolist() == ["'=HYPERLINK(1)", "'@y", "plain"] and out["value"].tolist() == [-1.5, 2, 3]


def test_spreadsheet_safe_keeps_types_and_repeated_names() -> None:
    """Only cells a spreadsheet would run change; each column keeps its dtype, a repeated name its own cells."""
    from solutions.results import spreadsheet_safe

    df = pd.DataFrame([["=1+1", "-3", 0.5, "ok"], [None, "+x", 1.5, "@y"]], columns=["a", "b", "n", "a"])
    df = df.astype({"b": "string", "n": "float64"})
    out = spreadsheet_safe(df)
    assert out.iloc[0, 0] == "'=1+1" and pd.isna(out.iloc[1, 0]) and out.iloc[:, 3].tolist() == ["ok", "'@y"]
    assert out["b"].tolist() == ["-3", "'+x"] and str(out["b"].dtype) == "string"
    assert out["n"].tolist() == [0.5, 1.5] and df.iloc[0, 0] == "=1+1"  # the input is left as it was
