"""The attack would catch a regression: on a small country's real results tables it rebuilds nothing, and
it rebuilds a withheld estimate as soon as one of the rules is broken (each channel, and a combination)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from solutions.config import CountryConfig, GlobalConfig, Thresholds
from solutions.indicators import compute_country

from .attack import CELL, attack
from .published import Published, Vocabulary, page_facts

YEAR = 2026


def households(seed: int = 7) -> pd.DataFrame:
    """Two strata of 6 PSUs; IDPs, a comparison group and a handful of relocated households; some small
    cells (rural comparison households, a rare residence type) and uneven weights."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(2):
        for p in range(6):
            for i in range(24):
                role = "relocated" if i >= 22 else "idp" if i % 3 else "comparison"  # 24 relocated: too few
                rural = p >= 4 and (role == "idp" or i % 2 == 0)
                rows.append({
                    "household_id": f"h{s}{p}{i}", "stratum": f"s{s}", "psu": f"p{s}{p}", "role": role,
                    "pop_group": role, "weight": float(rng.uniform(5, 40)), "admin1": "North" if s else "South",
                    "urban_rural": "rural" if rural else "urban",
                    "residence_type": rng.choice(["camp", "host_family", "private_accommodation", "other"],
                                                 p=[0.3, 0.3, 0.34, 0.06]),
                    "water_daily_sufficient": float(rng.random() < (0.5 if role == "idp" else 0.8)),
                    "movement_restricted": float(rng.random() < 0.4),
                })
    hh = pd.DataFrame(rows)
    hh["movement_restriction_type"] = np.where(hh["movement_restricted"] == 1,
                                               rng.choice(["checkpoints", "insecurity", "other"], len(hh)), None)
    return hh


def country() -> CountryConfig:
    return CountryConfig.model_validate({
        "iso3": "QAB", "name": "Testland", "demo": True,
        "survey": {"title": "t", "collection_start": "2026-01-01", "collection_end": "2026-02-01"},
        "data": {"households": {"path": "x.csv"}},
        "groups": {"idp": "idp", "relocated": "relocated", "comparison": "comparison"}})


def tables(thresholds: Thresholds) -> tuple[pd.DataFrame, pd.DataFrame]:
    g = GlobalConfig.model_validate({"report_year": YEAR, "title": "t", "countries": ["QAB"]})
    g = g.model_copy(update={"thresholds": thresholds})
    data = SimpleNamespace(households=households(), individuals=None, locations=None, figures=None)
    t = compute_country(country(), g, data)
    return t.estimates, t.gaps


@pytest.fixture(scope="module")
def published() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    est, gaps = tables(Thresholds())
    truth, _ = tables(Thresholds(min_n=1, min_effective_n=0))
    assert est["suppressed"].sum() > 20 and {"min_n", "complementary"} <= set(est["suppression_reason"])
    # withheld rows publish no count: the tests pick their targets by the real one (`_n`, unseen by the attack)
    assert est.loc[est["suppressed"] & (truth["n_unweighted"] > 0), "n_unweighted"].isna().all()
    return est.assign(_n=truth["n_unweighted"].to_numpy()), gaps, truth


def _truth(truth: pd.DataFrame) -> dict[tuple, float]:
    return dict(zip(truth[CELL].itertuples(index=False, name=None), truth["estimate"], strict=True))


def _run(est, gaps, truth, facts=()):
    return attack(Published(est, gaps, list(facts)), {}, _truth(truth))


def _republish(est: pd.DataFrame, truth: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """The regression: rows withheld by the rules shown after all, with their real values."""
    out = est.copy()
    cols = ["estimate", "se", "ci_low", "ci_high", "n_weighted"]
    out.loc[mask, cols] = truth.loc[mask, cols].to_numpy()
    out.loc[mask, "suppressed"] = False
    return out


def test_correct_tables_give_nothing_away(published):
    est, gaps, truth = published
    result = _run(est, gaps, truth)
    assert result.targets > 20 and result.recovered == [], result.summary()


def _sides(g: pd.Series) -> tuple[tuple, tuple]:
    """The displaced and the comparison cells of a gap row."""
    own = (g["country"], g["year"], g["indicator_id"], g["group"], g["disaggregation"], g["disaggregation_value"],
           g["category"])
    return own, (*own[:3], "comparison", *own[4:])


def _one_side_withheld(e: pd.DataFrame, g: pd.Series) -> bool:
    own, ref = _sides(g)
    return bool(e.loc[own, "suppressed"] != e.loc[ref, "suppressed"] and min(e.loc[own, "_n"],
                                                                               e.loc[ref, "_n"]) > 0)


def test_a_withheld_row_that_keeps_its_value_gives_it_away(published):
    est, gaps, truth = published
    target = est.index[est["suppressed"] & (est["_n"] > 0) & (est["kind"] != "system")
                       & (est["suppression_reason"] != "not_available")][0]
    leaky = est.copy()
    leaky.loc[target, "estimate"] = truth.loc[target, "estimate"]  # flagged withheld, but not blanked
    result = _run(leaky, gaps, truth)
    assert [r.cell for r in result.confirmed] == [tuple(est.loc[target, CELL])], result.summary()


def test_a_gap_published_with_a_withheld_side_gives_that_side_away(published):
    est, gaps, truth = published
    e = est.set_index(CELL)
    t = truth.set_index(CELL)
    pick = [i for i, g in gaps.iterrows() if _one_side_withheld(e, g)]
    assert pick, "the fixture should have a gap with exactly one side withheld"
    own, ref = _sides(gaps.loc[pick[0]])
    leaky = gaps.copy()
    leaky.loc[pick[0], "gap"] = t.loc[own, "estimate"] - t.loc[ref, "estimate"]
    result = _run(est, leaky, truth)
    hidden = own if e.loc[own, "suppressed"] else ref
    hit = [r for r in result.confirmed if r.cell == hidden]
    assert hit and "gap" in hit[0].via, result.summary()


CATEGORY_SET = ["country", "year", "indicator_id", "kind", "group", "disaggregation", "disaggregation_value"]


def _sets_with_withheld(est: pd.DataFrame, key: list[str], partly_shown: bool = True):
    """Sets of rows (by `key`) with at least two withheld live rows (and one shown, if asked)."""
    live = est[est["_n"] > 0]
    for _, rows in live.groupby(key, sort=True):
        hidden = rows[rows["suppressed"]]
        if len(hidden) >= 2 and (len(rows) > len(hidden) or not partly_shown):
            yield rows, hidden


def test_a_category_set_with_one_withheld_gives_it_away(published):
    """Every withheld category of a domain but one shown: the last one is 1 minus the others."""
    est, gaps, truth = published
    rows, hidden = next(_sets_with_withheld(est[est["kind"].isin(["distribution", "by_reason"])], CATEGORY_SET))
    result = _run(_republish(est, truth, est.index.isin(hidden.index[1:])), gaps, truth)
    hit = [r for r in result.confirmed if r.cell == tuple(hidden.iloc[0][CELL])]
    assert hit and "sum to 1" in hit[0].via, result.summary()


def _partitions(est: pd.DataFrame):
    """A national scalar estimate with its cells for one disaggregation (live rows only)."""
    scalar = est[(est["category"] == "") & (est["kind"] != "system") & (est["_n"] > 0)]
    for _, rows in scalar.groupby(["indicator_id", "group"], sort=True):
        total = rows[rows["disaggregation"] == "total"]
        for _, parts in rows[rows["disaggregation"] != "total"].groupby("disaggregation", sort=True):
            yield pd.concat([total, parts])


def test_a_total_against_its_cells_gives_a_withheld_cell_away(published):
    """A total and all its cells for one disaggregation but one shown, with their weighted sizes."""
    est, gaps, truth = published
    hidden = next((s[s["suppressed"]] for s in _partitions(est) if 2 <= s["suppressed"].sum() < len(s)), None)
    assert hidden is not None, "the fixture should have a partition with two withheld rows"
    result = _run(_republish(est, truth, est.index.isin(hidden.index[1:])), gaps, truth)
    hit = [r for r in result.confirmed if r.cell == tuple(hidden.iloc[0][CELL])]
    assert hit and "weighted totals add up" in hit[0].via, result.summary()


def test_a_breakdown_beside_a_withheld_headline_gives_it_away(published):
    """The breakdown's weighted size is the headline's share of the headline's weighted size. Weighted sizes
    are not secrets (an indicator over the same households publishes them; the `universe` relation): given
    the headline's, a published breakdown rebuilds the withheld headline."""
    est, gaps, truth = published
    key = ["indicator_id", "group", "disaggregation", "disaggregation_value"]
    heads = est[(est["indicator_id"] == "SAF-3") & (est["category"] == "") & est["suppressed"]
                & (est["_n"] > 0)]
    assert len(heads), "the fixture should withhold a headline with a breakdown"
    head = heads.iloc[0]
    parts = (est[key] == head[key].to_numpy()).all(axis=1) & (est["kind"] == "by_reason")
    assert est.loc[parts, "suppressed"].all()  # withheld with its headline
    leaky = _republish(est, truth, parts)
    leaky.loc[head.name, "n_weighted"] = truth.loc[head.name, "n_weighted"]
    result = _run(leaky, gaps, truth)
    hit = [r for r in result.confirmed if r.cell == tuple(head[CELL])]
    assert hit and hit[0].channels == ("weighted sizes",), result.summary()
    # with the breakdown's missing answers published too (none), the exact relation rebuilds it
    leaky.loc[parts, "n_missing"] = truth.loc[parts, "n_missing"].to_numpy()
    result = _run(leaky, gaps, truth)
    hit = [r for r in result.confirmed if r.cell == tuple(head[CELL])]
    assert hit and "breakdown" in hit[0].channels, result.summary()


def test_a_withheld_headline_that_keeps_its_counts_gives_it_away_as_k_of_n(published):
    """The issue's leak: a withheld share with its respondents n and its breakdown's respondents and missing
    answers k published reads as k of n (5 of 5 = 100 %)."""
    est, gaps, truth = published
    key = ["indicator_id", "group", "disaggregation", "disaggregation_value"]
    heads = est[(est["indicator_id"] == "SAF-3") & (est["category"] == "") & est["suppressed"] & (est["_n"] > 0)]
    head = heads.iloc[0]
    parts = (est[key] == head[key].to_numpy()).all(axis=1) & (est["kind"] == "by_reason")
    leaky = est.copy()
    rows = parts | (leaky.index == head.name)
    leaky.loc[rows, ["n_unweighted", "n_missing"]] = truth.loc[rows, ["n_unweighted", "n_missing"]].to_numpy()
    result = _run(leaky, gaps, truth)
    hit = [r for r in result.recovered if r.cell == tuple(head[CELL])]
    assert hit and hit[0].channels == ("counts",), result.summary()
    k = truth.loc[parts, "n_unweighted"].iloc[0] + truth.loc[parts, "n_missing"].iloc[0]
    assert hit[0].value == pytest.approx(k / truth.loc[head.name, "n_unweighted"])


def test_a_relative_margin_gives_the_comparison_estimate_away(published):
    est, gaps, truth = published
    e = est.set_index(CELL)
    t = truth.set_index(CELL)
    pick = [i for i, g in gaps[(gaps["category"] == "") & gaps["gap"].isna()].iterrows()
            if e.loc[_sides(g)[1], "suppressed"] and e.loc[_sides(g)[1], "_n"] > 0]
    assert pick, "the fixture should have a gap whose comparison side is withheld"
    g = gaps.loc[pick[0]]
    ref = _sides(g)[1]
    leaky = gaps.copy()
    leaky.loc[pick[0], "margin"] = 0.10 * abs(t.loc[ref, "estimate"])
    result = attack(Published(est, leaky), {g["indicator_id"]: 0.10}, _truth(truth))
    assert [r.cell for r in result.confirmed] == [ref], result.summary()


def test_a_trend_change_with_a_withheld_year_gives_it_away(published, tmp_path):
    est, gaps, truth = published
    target = est[est["suppressed"] & (est["disaggregation"] == "total") & (est["category"] == "")
                 & (est["_n"] > 0)].iloc[0]
    t = truth.set_index(CELL).loc[tuple(target[CELL]), "estimate"]
    earlier = truth.assign(year=YEAR - 1, suppressed=False)  # last year's published estimates
    change = 100 * (t - earlier.set_index(CELL[:1] + CELL[2:]).loc[tuple(target[CELL[:1] + CELL[2:]]), "estimate"])
    page = _page(tmp_path, "<table><thead><tr><th>Indicator</th><th>Group</th><th>Years</th><th>From</th>"
                 "<th>To</th><th>Change</th><th>95% CI</th><th>Significant</th></tr></thead><tbody>"
                 f"<tr><td>{target['indicator_id']} Title</td><td>{_label(target['group'])}</td>"
                 f"<td>{YEAR - 1} → {YEAR}</td><td>50%</td><td>–</td><td>{change:+.1f} pp</td><td>–</td>"
                 "<td>no</td></tr></tbody></table>")
    both = pd.concat([est, earlier], ignore_index=True)
    facts = _facts(page, both)
    assert any(f.quantity == "change" for f in facts)
    result = _run(both, gaps, truth, facts)
    hit = [r for r in result.recovered if r.cell == tuple(target[CELL])]
    assert hit and abs(hit[0].value - t) < 0.001, result.summary()


def _label(group: str) -> str:
    from solutions.report.style import group_label

    return group_label(group)


def _page(tmp_path: Path, body: str) -> Path:
    page = tmp_path / "country-QAB.html"
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return page


def _facts(page: Path, est: pd.DataFrame):
    facts, _, _ = page_facts(page, YEAR, Vocabulary(est[est["year"] == YEAR], {"Testland": "QAB"}))
    return facts


@pytest.mark.parametrize("where", ["table", "alt text", "interactive table"])
def test_a_page_showing_a_withheld_number_gives_it_away(published, tmp_path, where):
    est, gaps, truth = published
    target = est[est["suppressed"] & (est["disaggregation"] == "total") & (est["category"] == "")
                 & (est["_n"] > 0)].iloc[0]
    value = truth.set_index(CELL).loc[tuple(target[CELL]), "estimate"]
    ind, grp = target["indicator_id"], _label(target["group"])
    shown = f"{100 * value:.0f}%"
    if where == "table":
        body = ("<table><thead><tr><th>Indicator</th><th>Group</th><th>Estimate</th><th>95% CI</th><th>n</th>"
                f"</tr></thead><tbody><tr><td>{ind} Title</td><td>{grp}</td><td>{shown}</td><td>–</td>"
                "<td>25</td></tr></tbody></table>")
    elif where == "alt text":
        body = f'<img alt="Dot charts, one per indicator: {ind} Title, {grp} {shown} (CI 1–2)" src="x.png">'
    else:
        import json

        head = json.dumps("<table><thead><tr><th>Country</th><th>Indicator</th><th>Group</th><th>Estimate</th>"
                          "<th>n</th></tr></thead></table>")
        data = json.dumps(json.dumps([["Testland", f"{ind} Title", grp, f"{100 * value:.1f}", "25"]]))
        body = (f'<table id="t1"></table><script type="module">document.querySelectorAll("#t1:not(.dataTable)");'
                f'let dt_args = {{"data_json": {data}, "table_html": {head}}};</script>')
    facts = _facts(_page(tmp_path, body), est)
    result = _run(est, gaps, truth, facts)
    hit = [r for r in result.confirmed if r.cell == tuple(target[CELL])]
    assert hit and "page" in hit[0].via, result.summary()


def test_combinations_are_followed(published):
    """Gaps published for all withheld categories of a domain but one: those come back through their gaps,
    and the last one through the sum to 1 of what the gaps gave."""
    est, gaps, truth = published
    e = est.set_index(CELL)
    t = truth.set_index(CELL)
    for _, hidden in _sets_with_withheld(est[est["kind"].isin(["distribution", "by_reason"])
                                             & (est["group"] != "comparison")], CATEGORY_SET,
                                         partly_shown=False):
        cells = list(hidden[CELL].itertuples(index=False, name=None))
        refs = [(*c[:3], "comparison", *c[4:]) for c in cells]
        if len(cells) == len(hidden) and not any(e.loc[r, "suppressed"] for r in refs):
            break
    else:
        pytest.fail("no withheld category set whose comparison side is published")
    leaky = gaps.set_index(CELL).copy()
    for c, r in zip(cells[1:], refs[1:], strict=True):
        leaky.loc[c, "gap"] = t.loc[c, "estimate"] - t.loc[r, "estimate"]
    result = _run(est, leaky.reset_index(), truth)
    rebuilt = {r.cell: r for r in result.confirmed}
    assert set(cells) <= set(rebuilt), result.summary()
    assert "gap" in rebuilt[cells[0]].via and "sum to 1" in rebuilt[cells[0]].via


def test_a_page_showing_a_withheld_rows_count_gives_it_away_as_k_of_n(published):
    """The same leak through a page: the headline's n shown in a table's n column, its breakdown's counts in
    the download."""
    from .published import Fact

    est, gaps, truth = published
    key = ["indicator_id", "group", "disaggregation", "disaggregation_value"]
    heads = est[(est["indicator_id"] == "SAF-3") & (est["category"] == "") & est["suppressed"] & (est["_n"] > 0)
                & (est["disaggregation"] == "total")]
    assert len(heads), "the fixture should withhold a national headline with a breakdown"
    head = heads.iloc[0]
    parts = (est[key] == head[key].to_numpy()).all(axis=1) & (est["kind"] == "by_reason")
    leaky = est.copy()
    leaky.loc[parts, ["n_unweighted", "n_missing"]] = truth.loc[parts, ["n_unweighted", "n_missing"]].to_numpy()
    fact = Fact(source="country-QAB.html table 1", country=head["country"], year=YEAR, indicator_id="SAF-3",
                group=head["group"], category="", quantity="n_unweighted",
                value=float(truth.loc[head.name, "n_unweighted"]), precision=0.5)
    assert tuple(head[CELL]) not in {r.cell for r in _run(leaky, gaps, truth).recovered}
    hit = [r for r in _run(leaky, gaps, truth, [fact]).recovered if r.cell == tuple(head[CELL])]
    assert hit and hit[0].channels == ("counts",)
