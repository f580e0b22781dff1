"""The attack: try to rebuild every withheld estimate from everything a report publishes.

Unknowns are the withheld estimates and weighted sizes (`n_weighted`); every published number is known.
The relations an outsider can write down:
- gap = displaced − comparison (downloads, and any gap a page shows);
- relative margin = share × |comparison estimate| (means and ratios);
- the categories of one domain sum to 1 (distributions, by-reason breakdowns);
- a total against its cells for one disaggregation: Σ n_weighted·estimate and Σ n_weighted add up;
- the categories of one domain share their n_weighted (the same universe);
- trend change = this year − the earlier year (trend tables);
- a number a page shows for a withheld cell.
They are solved together, not one at a time: relations are linear in the estimates once the weighted sizes
are known and linear in the weighted sizes once the estimates are, so the attack alternates the two, and
in each step finds every unknown the system determines (an unknown is determined when it is orthogonal to
the null space of its connected block of equations), which also catches combinations (a gap recovered
through a trend, a category through a total, and so on). A determined withheld estimate is recovered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .published import Fact, Published

CELL = ["country", "year", "indicator_id", "group", "disaggregation", "disaggregation_value", "category"]
Var = tuple  # ("est" | "nw", *cell)


@dataclass
class Equation:
    terms: dict[Var, float]  # coefficient per unknown-or-known quantity
    rhs: float
    via: str
    exact: bool = True  # False when a rounded page number is in it


@dataclass
class Recovery:
    cell: tuple
    value: float
    via: str
    exact: bool
    truth: float = np.nan

    @property
    def confirmed(self) -> bool:
        """The rebuilt value is the withheld one (within the rounding of what it came from)."""
        if np.isnan(self.truth):
            return True
        return abs(self.value - self.truth) <= (1e-6 if self.exact else 0.011)


@dataclass
class Result:
    targets: int  # withheld estimates with records behind them
    recovered: list[Recovery] = field(default_factory=list)
    facts_checked: int = 0  # page facts about published cells that agree with the downloads
    facts_disagreeing: list[str] = field(default_factory=list)
    chart_numbers_unexplained: list[str] = field(default_factory=list)

    @property
    def confirmed(self) -> list[Recovery]:
        return [r for r in self.recovered if r.confirmed]

    def summary(self) -> str:
        lines = [f"{len(self.recovered)} of {self.targets} withheld estimates rebuilt "
                 f"({len(self.confirmed)} equal to the withheld value)"]
        lines += [f"  {r.cell}: {r.value:.6g} (withheld {r.truth:.6g}) via {r.via}" for r in self.recovered[:20]]
        return "\n".join(lines)


def _cells(est: pd.DataFrame) -> list[tuple]:
    return list(est[CELL].itertuples(index=False, name=None))


def _knowns(pub: Published) -> tuple[dict[Var, float], set[tuple], dict[tuple, pd.Series]]:
    """Published values, the withheld cells worth attacking, and each cell's row."""
    est = pub.estimates
    known: dict[Var, float] = {}
    targets: set[tuple] = set()
    rows = {}
    for cell, (_, r) in zip(_cells(est), est.iterrows(), strict=True):
        rows[cell] = r
        if r["n_unweighted"] <= 0:  # an empty cell: nothing to hide, weighs nothing
            known[("nw", *cell)] = 0.0
            continue
        if not r["suppressed"] and np.isfinite(r["estimate"]):
            known[("est", *cell)] = float(r["estimate"])
        elif r.get("suppression_reason", "") != "not_available" and r["kind"] != "system":
            targets.add(cell)
        if np.isfinite(r.get("n_weighted", np.nan)):
            known[("nw", *cell)] = float(r["n_weighted"])
    return known, targets, rows


def relations(pub: Published, relative_margin: dict[str, float]) -> list[Equation]:
    """Every relation between published and withheld quantities that the downloads and pages allow."""
    est, gaps = pub.estimates, pub.gaps
    eqs: list[Equation] = []
    # categories of one domain sum to 1, and share the domain's weighted size
    cats = est[est["kind"].isin(["distribution", "by_reason"])]
    for key, rows in cats.groupby(["country", "year", "indicator_id", "kind", "group", "disaggregation",
                                   "disaggregation_value"], sort=False):
        cells = _cells(rows)
        eqs.append(Equation({("est", *c): 1.0 for c in cells}, 1.0, f"categories of {key} sum to 1"))
        eqs += [Equation({("nw", *a): 1.0, ("nw", *b): -1.0}, 0.0, f"categories of {key} share n_weighted")
                for a, b in zip(cells, cells[1:], strict=False)]
    # a total against its cells
    scope = est[est["kind"] != "system"]
    for key, rows in scope.groupby(["country", "year", "indicator_id", "kind", "group", "category"], sort=False):
        total = rows[rows["disaggregation"] == "total"]
        if len(total) != 1:
            continue
        t = _cells(total)[0]
        for disagg, parts in rows[rows["disaggregation"] != "total"].groupby("disaggregation", sort=False):
            cells = _cells(parts)
            eqs.append(Equation({("nw", *t): -1.0} | {("nw", *c): 1.0 for c in cells}, 0.0,
                                f"{key} by {disagg}: weighted sizes add up"))
            # bilinear: n_weighted × estimate adds up (a product term, linearised when one factor is known)
            eqs.append(Equation({("prod", *t): -1.0} | {("prod", *c): 1.0 for c in cells}, 0.0,
                                f"{key} by {disagg}: weighted totals add up"))
    # gaps (downloads)
    g = gaps[np.isfinite(gaps["gap"].astype(float))]
    for r in g.itertuples(index=False):
        own = (r.country, r.year, r.indicator_id, r.group, r.disaggregation, r.disaggregation_value, r.category)
        ref = (*own[:3], "comparison", *own[4:])
        eqs.append(Equation({("est", *own): 1.0, ("est", *ref): -1.0}, float(r.gap), f"gap {own}"))
    # relative margins reveal |comparison|
    if "margin" in gaps:
        m = gaps[np.isfinite(gaps["margin"].astype(float))]
        for r in m.itertuples(index=False):
            share = relative_margin.get(r.indicator_id)
            if share:
                ref = (r.country, r.year, r.indicator_id, "comparison", r.disaggregation, r.disaggregation_value,
                       r.category)
                eqs.append(Equation({("est", *ref): 1.0}, float(r.margin) / share, f"margin {ref}"))
    eqs += fact_relations(pub.facts)
    return eqs


def fact_relations(facts: list[Fact]) -> list[Equation]:
    """What the pages add: estimates, gaps and trend changes they show (rounded)."""
    eqs = []
    for f in facts:
        cell = (f.country, f.year, f.indicator_id, f.group, "total", "", f.category)
        if f.quantity == "estimate":
            eqs.append(Equation({("est", *cell): 1.0}, f.value, f"page: {f.source}", exact=False))
        elif f.quantity == "gap" and f.group != "comparison":
            ref = (*cell[:3], "comparison", *cell[4:])
            eqs.append(Equation({("est", *cell): 1.0, ("est", *ref): -1.0}, f.value, f"page gap: {f.source}",
                                exact=False))
        elif f.quantity == "change" and f.year_from is not None:
            before = (cell[0], f.year_from, *cell[2:])
            eqs.append(Equation({("est", *cell): 1.0, ("est", *before): -1.0}, f.value, f"page change: {f.source}",
                                exact=False))
    return eqs


def _linearise(eq: Equation, known: dict[Var, float], unknown_kind: str) -> Equation | None:
    """The equation as linear in the unknowns of one kind (est or nw); None if it is not, yet."""
    terms: dict[Var, float] = defaultdict(float)
    rhs = eq.rhs
    for var, coef in eq.terms.items():
        kind, cell = var[0], var[1:]
        if kind == "prod":
            e, w = known.get(("est", *cell)), known.get(("nw", *cell))
            if w == 0.0:
                continue
            if e is not None and w is not None:
                rhs -= coef * e * w
            elif unknown_kind == "est" and w is not None:
                terms[("est", *cell)] += coef * w
            elif unknown_kind == "nw" and e is not None:
                terms[("nw", *cell)] += coef * e
            else:
                return None
        elif var in known:
            rhs -= coef * known[var]
        elif kind == unknown_kind:
            terms[var] += coef
        else:
            return None
    terms = {v: c for v, c in terms.items() if c != 0.0}
    return Equation(terms, rhs, eq.via, eq.exact) if terms else None


def _solve(eqs: list[Equation]) -> dict[Var, tuple[float, str, bool]]:
    """Every unknown the linear equations determine, with its value and the relations used."""
    parent: dict[Var, Var] = {}

    def find(v: Var) -> Var:
        while parent.setdefault(v, v) != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for eq in eqs:
        vs = list(eq.terms)
        for v in vs[1:]:
            parent[find(v)] = find(vs[0])
    blocks: dict[Var, list[Equation]] = defaultdict(list)
    for eq in eqs:
        blocks[find(next(iter(eq.terms)))].append(eq)
    out = {}
    for block in blocks.values():
        names = sorted({v for eq in block for v in eq.terms}, key=repr)
        index = {v: i for i, v in enumerate(names)}
        a = np.zeros((len(block), len(names)))
        b = np.array([eq.rhs for eq in block])
        for i, eq in enumerate(block):
            for v, c in eq.terms.items():
                a[i, index[v]] = c
        scale = np.abs(a).max(axis=1, keepdims=True)
        a, b = a / scale, b / scale[:, 0]
        x, *_ = np.linalg.lstsq(a, b, rcond=None)
        _, s, vt = np.linalg.svd(a)
        rank = int((s > 1e-9 * s.max()).sum()) if s.size else 0
        null = vt[rank:]
        determined = np.all(np.abs(null) < 1e-8, axis=0) if null.size else np.ones(len(names), dtype=bool)
        exact = all(eq.exact for eq in block)
        via = "; ".join(sorted({eq.via for eq in block}))[:400]
        for v, i in index.items():
            if determined[i]:
                out[v] = (float(x[i]), via, exact)
    return out


def attack(pub: Published, relative_margin: dict[str, float] | None = None,
           truth: dict[tuple, float] | None = None) -> Result:
    """Rebuild what can be rebuilt; `truth` (withheld cell -> its value) tells real recoveries apart."""
    known, targets, rows = _knowns(pub)
    eqs = relations(pub, relative_margin or {})
    result = Result(targets=len(targets))
    exact_of: dict[Var, tuple[str, bool]] = {}
    for _ in range(20):
        found = {}
        for kind in ("est", "nw"):
            lin = [e for e in (_linearise(eq, known, kind) for eq in eqs) if e is not None]
            found |= {v: s for v, s in _solve(lin).items() if v not in known}
        if not found:
            break
        for v, (value, via, exact) in found.items():
            known[v] = value
            exact_of[v] = (via, exact)
    for cell in sorted(targets, key=repr):
        var = ("est", *cell)
        if var in known:
            via, exact = exact_of[var]
            result.recovered.append(Recovery(cell, known[var], via, exact,
                                             (truth or {}).get(cell, np.nan)))
    _check_facts(pub, rows, result)
    return result


def _check_facts(pub: Published, rows: dict[tuple, pd.Series], result: Result) -> None:
    """Page numbers about published cells must agree with the downloads (the reader reads them right);
    chart numbers must be some published value of their indicator shown in the chart."""
    col = {"estimate": "estimate", "ci_low": "ci_low", "ci_high": "ci_high"}
    gaps = pub.gaps.set_index(CELL) if not pub.gaps.empty else pub.gaps
    gap_col = {"gap": "gap", "gap_ci_low": "ci_low", "gap_ci_high": "ci_high"}
    shown: dict[tuple[str, str], list[float]] = defaultdict(list)
    for f in pub.facts:
        cell = (f.country, f.year, f.indicator_id, f.group, "total", "", f.category)
        if f.quantity in col and cell in rows:
            ref = rows[cell][col[f.quantity]]
        elif f.quantity in gap_col and cell in gaps.index:
            ref = gaps.loc[cell, gap_col[f.quantity]]
            ref = ref.iloc[0] if isinstance(ref, pd.Series) else ref
        else:
            continue
        if not np.isfinite(ref):
            continue  # a withheld value: the attack has used the fact
        if abs(ref - f.value) <= f.precision + 1e-9:
            result.facts_checked += 1
        else:
            result.facts_disagreeing.append(f"{f.source}: {f.quantity} {f.value:.4g}, downloads {ref:.4g}")
    est = pub.estimates
    for r in est[~est["suppressed"].astype(bool)].itertuples(index=False):
        for q in ("estimate", "ci_low", "ci_high"):
            shown[(r.country, r.indicator_id)].append(getattr(r, q))
    for r in pub.gaps.itertuples(index=False):
        for q in ("gap", "ci_low", "ci_high"):
            shown[(r.country, r.indicator_id)].append(getattr(r, q))
    for where, country, indicator, value, prec in pub.chart_numbers:
        values = np.array([v for v in shown[(country, indicator)] if np.isfinite(v)])
        if not values.size or np.min(np.abs(values - value)) > prec + 1e-9:
            result.chart_numbers_unexplained.append(f"{where}: {indicator} {value:.4g}")
