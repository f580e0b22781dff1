import pandas as pd

from solutions.report import markdown, tables
from solutions.report.banner import demo_banner_html
from solutions.report.provenance import provenance_html

from .conftest import PROVENANCE, make_estimates, make_gaps


def test_html_table_escapes_labels():
    df = pd.DataFrame({"<th>": ["<script>alert(1)</script>"], "n": [3]})
    html = tables.html_table(df, caption="<i>c</i>", numeric=["n"])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;th&gt;" in html and "&lt;i&gt;c&lt;/i&gt;" in html


def test_markup_is_kept_only_when_built_by_the_package():
    html = tables.html_table([{"Status": tables.status_chip("open"), "Text": "<b>x</b>"}])
    assert "Gap open" in html and "sos-status-open" in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_estimates_table_shows_suppression_reason_as_text():
    e = make_estimates()
    html = tables.estimates_table(e[(e.indicator_id == "ADQ-2") & (e.category == "")])
    assert "suppressed: n &lt; 30" in html and "55" in html and "50–60" in html


def test_gaps_and_distribution_tables():
    g = make_gaps()
    assert "Insufficient data" in tables.gaps_table(g[g.indicator_id == "ADQ-2"])
    e = make_estimates()
    html = tables.distribution_table(e[e.kind == "by_reason"])
    assert "n (universe)" in html and "suppressed: n &lt; 30" in html


def test_interactive_table_has_static_fallback_with_all_rows():
    df = pd.DataFrame({"Country": [f"<b>C{i}</b>" for i in range(40)], "Estimate": range(40)})
    html = tables.interactive_table(df, caption="<script>x</script>")
    assert "<noscript>" in html
    fallback = html[html.index('_fallback">'):]
    assert all(f"&lt;b&gt;C{i}&lt;/b&gt;" in fallback for i in range(40))
    assert "<b>C1</b>" not in html and "<script>x</script>" not in html
    assert tables.interactive_table(df) == tables.interactive_table(df)  # deterministic id


def test_markdown_escapes_raw_html_and_js_links():
    html = markdown.markdown_html("**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert markdown.render_markdown("a").data.startswith('<div class="sos-narrative">')


def test_banner_and_provenance():
    assert "NOT REAL" in demo_banner_html(True) and demo_banner_html(False) == ""
    html = provenance_html({**PROVENANCE, "inputs": {"/home/analyst/secret/households.csv": "a" * 64}})
    assert "households.csv" in html and "/home/analyst" not in html
    assert "a" * 12 in html and ">" + "a" * 64 + "<" not in html
    assert "Build date" in html and "0.1.0+gtest" in html


def test_caption_stays_outside_the_scrolling_region():
    """At phone width a wide table scrolls sideways inside its wrapper; its caption must not scroll with it,
    so it sits before the wrapper and names both the region and the table."""
    import re

    df = pd.DataFrame({f"column {i}": ["x" * 20] for i in range(12)})
    for markup in (tables.html_table(df, caption="Wide table"), tables.interactive_table(df, caption="Wide table")):
        wrap_at = markup.index('class="sos-table-wrap')
        cap = re.search(r'<p class="sos-table-caption" id="([^"]+)">Wide table</p>', markup)
        assert cap and cap.start() < wrap_at, "the caption is inside the scrolling wrapper"
        assert "<caption" not in markup[wrap_at:]
        assert f'role="region" tabindex="0" aria-labelledby="{cap[1]}"' in markup
