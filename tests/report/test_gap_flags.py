"""A gap carries the flags of both estimates it comes from and its own ``low_df`` (methodology §3): wherever a
gap is shown it is marked as a flagged estimate is (†, a hollow marker, the flag codes and their meaning)."""

import pandas as pd

from solutions.config import Thresholds
from solutions.report import alttext, chartdata, charts, tables
from solutions.report.cells import gap_text
from solutions.report.wording import FLAG_MARK, FLAG_SENTENCE, flag_note, flag_words

from .conftest import make_estimates, make_gaps
from .test_charts import _markers

THR = Thresholds()  # the global config's defaults, as a report without settings gets them

FLAGGED = ("SAF-3", "returnee")  # its returnee estimate is flagged high_cv;low_df in the fixture


def _gaps() -> pd.DataFrame:
    g = make_gaps()
    g["flag"] = ""
    g.loc[(g.indicator_id == FLAGGED[0]) & (g.group == FLAGGED[1]), "flag"] = "high_cv;low_df"
    return g


def _rows(g: pd.DataFrame) -> dict:
    return {(r["indicator_id"], r["group"]): r for r in g.to_dict("records")}


def test_a_flagged_gap_is_marked_in_table_cells_and_its_legend():
    rows = _rows(_gaps())
    assert tables.gap_cells(rows[FLAGGED], percent=True)["Gap"] == gap_text(rows[FLAGGED], percent=True) + FLAG_MARK
    assert FLAG_MARK not in tables.gap_cells(rows[("SAF-3", "idp")], percent=True)["Gap"]
    assert tables.gap_cells(rows[("ADQ-2", "returnee")], percent=True)["Gap"] == ""  # withheld: nothing to mark
    est = make_estimates()
    unflagged = est[(est.indicator_id == "SOL-1") & (est.category == "")]
    gaps = _gaps()
    sol = {(r["country"], r["group"]): r for r in gaps[gaps.indicator_id == "SOL-1"].to_dict("records")}
    assert flag_note(THR) not in tables.benchmark_table(unflagged, sol, caption="c", thresholds=THR)
    sol[("QZZ", "idp")] = {**sol[("QZZ", "idp")], "flag": "low_df"}
    html = tables.benchmark_table(unflagged, sol, caption="c", thresholds=THR)
    assert f"{gap_text(sol[('QZZ', 'idp')], percent=True)}{FLAG_MARK}" in html and flag_note(THR) in html  # the legend explains the mark of the gap


def test_a_flagged_gap_is_marked_in_the_alt_text():
    g = _gaps()
    saf = g[g.indicator_id == "SAF-3"]
    text = alttext.describe_gaps(saf, "Movement", direction="lower")
    returnee, idp = (r for r in saf.sort_values("group", ascending=False).to_dict("records"))
    assert f"Returnees {gap_text(returnee, percent=True)}{FLAG_MARK} points" in text
    assert f"IDPs {gap_text(idp, percent=True)} points" in text
    assert alttext.gap_flag_sentence(saf) == f" {FLAG_SENTENCE}"
    assert alttext.gap_flag_sentence(saf.assign(flag="")) == ""


def test_a_flagged_gap_carries_its_flag_and_note_in_the_chart_csv():
    frame = chartdata.gap_points(_gaps(), percent=True, thresholds=THR)
    by = {(r["indicator_id"], r["group"]): r for r in frame.to_dict("records")}
    assert by[FLAGGED]["flag"] == "high_cv;low_df"
    assert by[FLAGGED]["note"] == flag_words("high_cv;low_df", THR) != ""
    assert by[("SAF-3", "idp")]["flag"] == "" == by[("SAF-3", "idp")]["note"]
    assert by[("ADQ-2", "returnee")]["flag"] == ""  # no gap, no flag


def test_a_flagged_gap_is_hollow_in_the_gap_chart_with_the_key():
    g = _gaps()
    saf = g[g.indicator_id == "SAF-3"]
    fig = charts.gap_chart(saf, direction="lower")
    assert [h for _y, h in _markers(fig)] == [False, True]  # IDPs filled, the flagged returnee gap hollow
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert charts.FLAG_KEY_LABEL in texts
    fig = charts.gap_chart(saf.assign(flag=""), direction="lower")
    assert charts.FLAG_KEY_LABEL not in [t.get_text() for ax in fig.axes for t in ax.texts]
