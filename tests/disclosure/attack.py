"""The attack: try to rebuild every withheld estimate from everything a report publishes.

Unknowns are the withheld estimates and weighted sizes (`n_weighted`); every published number is known.
The relations an outsider can write down:
- gap = displaced − comparison (downloads, and any gap a page shows);
- relative margin = share × |comparison estimate| (means and ratios);
- the categories of one domain sum to 1 (distributions, by-reason breakdowns);
- a total against its cells for one disaggregation: Σ n_weighted·estimate and Σ n_weighted add up;
- the categories of one domain share their n_weighted (the same universe);
- a by-reason breakdown's n_weighted is the headline's share of the headline's (no reason missing);
- indicators over the same universe share their n_weighted (learnt where both are published);
- trend change = this year − the earlier year (trend tables);
- a number a page shows for a withheld cell;
- counts (`n_unweighted`, `n_missing`): the cells of a disaggregation add up to the total (where the published
  rows show that they do), categories of one domain share them, and a by-reason breakdown counts the records
  meeting its headline's condition, so a withheld headline with its count n and its breakdown's count k
  (respondents plus missing answers) reads as "k of n" (an approximate rebuild, still a leak);
- weighted sizes: a withheld headline whose breakdown's n_weighted and own n_weighted are known or determined
  reads as their ratio, even where reasons may be missing (approximate, still a leak).
They are solved together, not one at a time: relations are linear in the estimates once the weighted sizes
are known and linear in the weighted sizes once the estimates are, so the attack alternates the two, and
in each step finds every unknown the system determines (an unknown is determined when it is orthogonal to
the null space of its connected block of equations), which also catches combinations (a gap recovered
through a trend, a category through a total, and so on). A determined withheld estimate is recovered.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from solutions.catalogue import load_catalogue
from solutions.config_loader import load_global

from .published import Fact, Published

CELL = ["country", "year", "indicator_id", "group", "disaggregation", "disaggregation_value", "category"]
Var = tuple  # ("est" | "nw", *cell)


@dataclass
class Equation:
    terms: dict[Var, float]  # coefficient per unknown-or-known quantity
    rhs: float
    via: str
    exact: bool = True  # False when a rounded page number is in it
    channel: str = ""  # gap | categories | partition | breakdown | universe | margin | page | trend


@dataclass
class Recovery:
    cell: tuple
    value: float
    via: str
    exact: bool
    truth: float = np.nan
    channels: tuple[str, ...] = ()  # the kinds of relation of the block of equations that determined it

    @property
    def confirmed(self) -> bool:
        """The rebuilt value is the withheld one (within the rounding of what it came from)."""
        if np.isnan(self.truth):
            return True
        if {"counts", "weighted sizes"} & set(self.channels):  # approximate: "k of n", or missing reasons
            return abs(self.value - self.truth) <= 0.05
        return abs(self.value - self.truth) <= (1e-6 if self.exact else 0.011)


@dataclass
class Result:
    targets: int  # withheld estimates with records behind them
    recovered: list[Recovery] = field(default_factory=list)
    facts_checked: int = 0  # page facts about published cells that agree with the downloads
    facts_disagreeing: list[str] = field(default_factory=list)
    chart_numbers_unexplained: list[str] = field(default_factory=list)
    weighted_sizes: list[tuple] = field(default_factory=list)  # withheld cells whose n_weighted is determined

    @property
    def confirmed(self) -> list[Recovery]:
        return [r for r in self.recovered if r.confirmed]

    def summary(self) -> str:
        by = Counter(" + ".join(r.channels) for r in self.recovered)
        lines = [f"{len(self.recovered)} of {self.targets} withheld estimates rebuilt "
                 f"({len(self.confirmed)} equal to the withheld value); by relations used: {dict(by.most_common())}",
                 f"weighted sizes of withheld cells determined: {len(self.weighted_sizes)}"]
        lines += [f"  {r.cell}: {r.value:.6g} (withheld {r.truth:.6g}) via {r.via}" for r in self.recovered[:20]]
        return "\n".join(lines)


def _cells(est: pd.DataFrame) -> list[tuple]:
    if "_cell" in est:
        return est["_cell"].tolist()
    return list(est[CELL].itertuples(index=False, name=None))


def _with_cells(est: pd.DataFrame) -> pd.DataFrame:
    """The table with each row's cell key computed once (grouping then reads it, not the columns)."""
    return est.assign(_cell=pd.Series(_cells(est), index=est.index, dtype=object))


def _knowns(pub: Published) -> tuple[dict[Var, float], set[tuple], dict[tuple, int]]:
    """Published values, the withheld cells worth attacking, and each cell's row position."""
    est = pub.estimates
    known: dict[Var, float] = {}
    targets: set[tuple] = set()
    cells = _cells(est)
    reason = est["suppression_reason"] if "suppression_reason" in est else pd.Series("", index=est.index)
    columns = (est["n_unweighted"].astype(float), est["suppressed"].astype(bool), est["estimate"].astype(float),
               reason, est["kind"], est["n_weighted"].astype(float), est["n_missing"].astype(float))
    for cell, n, withheld, value, why, kind, nw, missing in zip(cells, *columns, strict=True):
        if n <= 0:  # an empty cell: nothing to hide, weighs nothing
            known[("nw", *cell)] = known[("n", *cell)] = known[("m", *cell)] = 0.0
            continue
        if np.isfinite(n):
            known[("n", *cell)] = float(n)
        if np.isfinite(missing):
            known[("m", *cell)] = float(missing)
        if np.isfinite(value):  # a value in a download is known, whatever its row says
            known[("est", *cell)] = float(value)
        if withheld and why != "not_available" and kind != "system":
            targets.add(cell)
        if np.isfinite(nw):
            known[("nw", *cell)] = float(nw)
    return known, targets, {c: i for i, c in enumerate(cells)}


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


def relations(pub: Published, relative_margin: dict[str, float]) -> list[Equation]:
    """Every relation between published and withheld quantities that the downloads and pages allow."""
    est, gaps = _with_cells(pub.estimates), pub.gaps
    eqs: list[Equation] = []
    # categories of one domain sum to 1, and share the domain's weighted size
    cats = est[est["kind"].isin(["distribution", "by_reason"])]
    for key, rows in cats.groupby(["country", "year", "indicator_id", "kind", "group", "disaggregation",
                                   "disaggregation_value"], sort=False)["_cell"]:
        cells = rows.tolist()
        eqs.append(Equation({("est", *c): 1.0 for c in cells}, 1.0, f"categories of {key} sum to 1", channel="categories"))
        eqs += [Equation({("nw", *a): 1.0, ("nw", *b): -1.0}, 0.0, f"categories of {key} share n_weighted",
                         channel="categories")
                for a, b in zip(cells, cells[1:], strict=False)]
    # a total against its cells
    scope = est[est["kind"] != "system"]
    key = ["country", "year", "indicator_id", "kind", "group", "category"]
    is_total = scope["disaggregation"] == "total"
    totals = {k: c.iloc[0] for k, c in scope[is_total].groupby(key, sort=False)["_cell"]}
    for (*k, disagg), parts in scope[~is_total].groupby([*key, "disaggregation"], sort=False)["_cell"]:
        t = totals.get(tuple(k))
        if t is None:
            continue
        cells = parts.tolist()
        eqs.append(Equation({("nw", *t): -1.0} | {("nw", *c): 1.0 for c in cells}, 0.0,
                            f"{tuple(k)} by {disagg}: weighted sizes add up", channel="partition"))
        # bilinear: n_weighted × estimate adds up (a product term, linearised when one factor is known)
        eqs.append(Equation({("prod", *t): -1.0} | {("prod", *c): 1.0 for c in cells}, 0.0,
                            f"{tuple(k)} by {disagg}: weighted totals add up", channel="partition"))
    eqs += breakdown_relations(est)
    eqs += universe_relations(est)
    eqs += count_relations(est)
    # gaps (downloads)
    g = gaps[np.isfinite(gaps["gap"].astype(float))]
    for r in g.itertuples(index=False):
        own = (r.country, r.year, r.indicator_id, r.group, r.disaggregation, r.disaggregation_value, r.category)
        ref = (*own[:3], "comparison", *own[4:])
        eqs.append(Equation({("est", *own): 1.0, ("est", *ref): -1.0}, float(r.gap), f"gap {own}", channel="gap"))
    # relative margins reveal |comparison|
    if "margin" in gaps:
        m = gaps[np.isfinite(gaps["margin"].astype(float))]
        for r in m.itertuples(index=False):
            share = relative_margin.get(r.indicator_id)
            if share:
                ref = (r.country, r.year, r.indicator_id, "comparison", r.disaggregation, r.disaggregation_value,
                       r.category)
                eqs.append(Equation({("est", *ref): 1.0}, float(r.margin) / share, f"margin {ref}",
                                    channel="margin"))
    eqs += fact_relations(pub.facts)
    return eqs


def breakdown_relations(est: pd.DataFrame) -> list[Equation]:
    """A by-reason breakdown's weighted size is the headline's share (or its complement) of the headline's
    weighted size, wherever no reason is missing (`n_missing` 0). Which of the two holds for an indicator is
    learnt from a domain where all three are published, as an outsider would."""
    head, first, mode = _breakdowns(est)
    eqs = []
    for k, r in first.iterrows():
        h, m = head.get(k), mode.get(k[:3])
        if h is None or m is None or r["missing"] != 0:
            continue
        terms = {("nw", *r["cell"]): 1.0, ("prod", *h): -1.0} if m == "share" else {
            ("nw", *r["cell"]): 1.0, ("nw", *h): -1.0, ("prod", *h): 1.0}
        eqs.append(Equation(terms, 0.0, f"breakdown {k} is the headline's {m}", channel="breakdown"))
    return eqs


def _breakdowns(est: pd.DataFrame) -> tuple[dict[tuple, tuple], pd.DataFrame, dict[tuple, str]]:
    """Headline cell per domain, the first row of each domain's by-reason breakdown, and per indicator
    whether the breakdown counts the headline's share or its complement (learnt where all are published)."""
    key = ["country", "year", "indicator_id", "group", "disaggregation", "disaggregation_value"]
    heads = est[(est["category"] == "") & est["kind"].isin(["proportion", "ratio", "mean"])]
    head = dict(zip(heads[key].itertuples(index=False, name=None), heads["_cell"], strict=True))
    parts = est[(est["kind"] == "by_reason") & (est["category"] != "")]
    first = parts.groupby(key, sort=False).agg(cell=("_cell", "first"), missing=("n_missing", "max"),
                                               nw=("n_weighted", "first"))
    value = dict(zip(est["_cell"], zip(est["estimate"], est["n_weighted"], est["suppressed"], strict=True),
                     strict=True))
    mode: dict[tuple, str] = {}
    for k, r in first.iterrows():
        h = head.get(k)
        if h is None or r["missing"] != 0 or k[:3] in mode:
            continue
        p, nw, withheld = value[h]
        if not withheld and np.isfinite(p * nw * r["nw"]) and r["nw"] > 0:
            if abs(p * nw - r["nw"]) < 1e-6 * r["nw"]:
                mode[k[:3]] = "share"
            elif abs((1 - p) * nw - r["nw"]) < 1e-6 * r["nw"]:
                mode[k[:3]] = "complement"
    return head, first, mode


def count_relations(est: pd.DataFrame) -> list[Equation]:
    """Relations between unweighted counts (`n`: respondents, `m`: missing answers): the categories of one
    domain share both; the cells of a disaggregation add up to the total, where every published instance of
    that indicator and disaggregation shows that they do (a record may lack the disaggregating variable)."""
    eqs: list[Equation] = []
    cats = est[est["kind"].isin(["distribution", "by_reason"])]
    for key, rows in cats.groupby(["country", "year", "indicator_id", "kind", "group", "disaggregation",
                                   "disaggregation_value"], sort=False)["_cell"]:
        cells = rows.tolist()
        eqs += [Equation({(q, *a): 1.0, (q, *b): -1.0}, 0.0, f"categories of {key} share {q}", channel="counts")
                for a, b in zip(cells, cells[1:], strict=False) for q in ("n", "m")]
    scope = est[est["kind"] != "system"]
    key = ["country", "year", "indicator_id", "kind", "group", "category"]
    is_total = scope["disaggregation"] == "total"
    counts = {c: (n, m) for c, n, m in zip(scope["_cell"], scope["n_unweighted"].astype(float),
                                             scope["n_missing"].astype(float), strict=True)}
    totals = {k: c.iloc[0] for k, c in scope[is_total].groupby(key, sort=False)["_cell"]}
    candidates, holds = [], {}
    for (*k, disagg), parts in scope[~is_total].groupby([*key, "disaggregation"], sort=False)["_cell"]:
        t = totals.get(tuple(k))
        if t is None:
            continue
        cells = parts.tolist()
        scope_key = (k[0], k[1], k[2], disagg)
        for q in (0, 1):
            values = [counts[c][q] for c in cells]
            if np.isfinite(counts[t][q]) and np.all(np.isfinite(values)):
                ok = abs(sum(values) - counts[t][q]) < 0.5
                holds[(scope_key, q)] = holds.get((scope_key, q), True) and ok
            candidates.append((scope_key, q, t, cells))
    for scope_key, q, t, cells in candidates:
        if holds.get((scope_key, q)):
            name = ("n", "m")[q]
            eqs.append(Equation({(name, *t): -1.0} | {(name, *c): 1.0 for c in cells}, 0.0,
                                f"{scope_key}: {name} of the cells add up to the total", channel="counts"))
    return eqs


def k_of_n(est: pd.DataFrame, known: dict[Var, float], targets: set[tuple]) -> dict[tuple, float]:
    """Withheld proportions read as "k of n": n the headline's respondents, k the records of its by-reason
    breakdown (respondents and missing answers: all who met the condition), or n − k for a complement."""
    head, first, mode = _breakdowns(est)
    kind = dict(zip(est["_cell"], est["kind"], strict=True))
    out = {}
    for k, r in first.iterrows():
        h, m = head.get(k), mode.get(k[:3])
        if h is None or m is None or h not in targets or kind[h] not in ("proportion", "ratio"):
            continue
        n, kn, km = known.get(("n", *h)), known.get(("n", *r["cell"])), known.get(("m", *r["cell"]))
        if n is None or kn is None or km is None or n <= 0:
            continue
        share = (kn + km) / n
        out[h] = share if m == "share" else 1.0 - share
    return out


def universe_relations(est: pd.DataFrame) -> list[Equation]:
    """Indicators over the same universe share their weighted sizes in every domain (e.g. every household of
    the group): where two indicators' published n_weighted agree in every domain both publish, the outsider
    takes them to be equal in the others too."""
    key = ["country", "year", "group", "disaggregation", "disaggregation_value"]
    scope = est[est["kind"] != "system"]
    first = scope.groupby([*key, "indicator_id"], sort=False).agg(cell=("_cell", "first"),
                                                                   nw=("n_weighted", "first"))
    eqs = []
    for (country, year), rows in first.groupby(level=[0, 1], sort=False):
        wide = rows["nw"].unstack("indicator_id")
        cells = rows["cell"].unstack("indicator_id")
        names = list(wide.columns)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                both = wide[a].notna() & wide[b].notna()
                if not both.any() or not np.allclose(wide.loc[both, a], wide.loc[both, b], rtol=1e-9, atol=0):
                    continue
                for d in wide.index[wide[a].isna() ^ wide[b].isna()]:
                    if isinstance(cells.at[d, a], tuple) and isinstance(cells.at[d, b], tuple):
                        eqs.append(Equation({("nw", *cells.at[d, a]): 1.0, ("nw", *cells.at[d, b]): -1.0}, 0.0,
                                            f"{a} and {b} share their universe in {country} {year}",
                                            channel="universe"))
    return eqs


def fact_relations(facts: list[Fact]) -> list[Equation]:
    """What the pages add: estimates, gaps and trend changes they show (rounded)."""
    eqs = []
    for f in facts:
        cell = (f.country, f.year, f.indicator_id, f.group, "total", "", f.category)
        if f.quantity == "estimate":
            eqs.append(Equation({("est", *cell): 1.0}, f.value, f"page: {f.source}", exact=False,
                                channel="page"))
        elif f.quantity == "gap" and f.group != "comparison":
            ref = (*cell[:3], "comparison", *cell[4:])
            eqs.append(Equation({("est", *cell): 1.0, ("est", *ref): -1.0}, f.value, f"page gap: {f.source}",
                                exact=False, channel="page"))
        elif f.quantity == "change" and f.year_from is not None:
            before = (cell[0], f.year_from, *cell[2:])
            eqs.append(Equation({("est", *cell): 1.0, ("est", *before): -1.0}, f.value, f"page change: {f.source}",
                                exact=False, channel="trend"))
    return eqs


def weighted_share(est: pd.DataFrame, known: dict[Var, float], targets: set[tuple]) -> dict[tuple, float]:
    """Withheld headlines read from weighted sizes: the breakdown's n_weighted over the headline's (or one minus
    it for a complement), wherever both are known or determined, whether or not reasons are missing (an
    outsider assuming none is near the truth)."""
    head, first, mode = _breakdowns(est)
    out = {}
    for k, r in first.iterrows():
        h, m = head.get(k), mode.get(k[:3])
        if h is None or m is None or h not in targets:
            continue
        part, whole = known.get(("nw", *r["cell"])), known.get(("nw", *h))
        if part is None or whole is None or whole <= 0:
            continue
        out[h] = part / whole if m == "share" else 1.0 - part / whole
    return out


def _linearise(eq: Equation, known: dict[Var, float], unknown_kind: str) -> Equation | None:
    """The equation as linear in the unknowns of one kind (est, nw, or the counts n and m together); None if
    it is not, yet."""
    kinds = ("n", "m") if unknown_kind == "counts" else (unknown_kind,)
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
        elif kind in kinds:
            terms[var] += coef
        else:
            return None
    terms = {v: c for v, c in terms.items() if c != 0.0}
    return Equation(terms, rhs, eq.via, eq.exact, eq.channel) if terms else None


def _solve(eqs: list[Equation]) -> dict[Var, tuple[float, str, bool, tuple[str, ...]]]:
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
        channels = tuple(sorted({eq.channel for eq in block}))
        for v, i in index.items():
            if determined[i]:
                out[v] = (float(x[i]), via, exact, channels)
    return out


def attack(pub: Published, relative_margin: dict[str, float] | None = None,
           truth: dict[tuple, float] | None = None, only: set[str] | None = None) -> Result:
    """Rebuild what can be rebuilt; `truth` (withheld cell -> its value) tells real recoveries apart;
    `only` limits the relations to some channels (to tell what each one gives away on its own)."""
    known, targets, rows = _knowns(pub)
    for f in pub.facts:  # a count a page shows (a table's n column) is known like a download's
        if f.quantity == "n_unweighted":
            known.setdefault(("n", f.country, f.year, f.indicator_id, f.group, "total", "", f.category), f.value)
    eqs = [e for e in relations(pub, relative_margin or {}) if only is None or e.channel in only]
    result = Result(targets=len(targets))
    how: dict[Var, tuple[str, bool, tuple[str, ...]]] = {}
    for _ in range(20):
        found = {}
        for kind in ("est", "nw", "counts"):
            lin = [e for e in (_linearise(eq, known, kind) for eq in eqs) if e is not None]
            found |= {v: s for v, s in _solve(lin).items() if v not in known}
        if not found:
            break
        for v, (value, *used) in found.items():
            known[v] = value
            how[v] = tuple(used)
    cells = _with_cells(pub.estimates)
    counted = k_of_n(cells, known, targets)
    weighed = weighted_share(cells, known, targets)
    for cell in sorted(targets, key=repr):
        var = ("est", *cell)
        if var in known:
            via, exact, channels = how.get(var, ("shown in a download though withheld", True, ("download",)))
            result.recovered.append(Recovery(cell, known[var], via, exact, (truth or {}).get(cell, np.nan),
                                             channels))
        elif cell in counted:
            result.recovered.append(Recovery(cell, counted[cell], "k of n: the headline's count and its "
                                             "breakdown's", False, (truth or {}).get(cell, np.nan), ("counts",)))
        elif cell in weighed:
            result.recovered.append(Recovery(cell, weighed[cell], "the breakdown's weighted size over the "
                                             "headline's", False, (truth or {}).get(cell, np.nan),
                                             ("weighted sizes",)))
        if ("nw", *cell) in how:
            result.weighted_sizes.append(cell)
    _check_facts(pub, rows, result)
    return result


def _check_facts(pub: Published, rows: dict[tuple, int], result: Result) -> None:
    """Page numbers about published cells must agree with the downloads (the reader reads them right);
    chart numbers must be some published value of their indicator shown in the chart."""
    col = {"estimate": "estimate", "ci_low": "ci_low", "ci_high": "ci_high"}
    gap_rows = {c: i for i, c in enumerate(_cells(pub.gaps))} if not pub.gaps.empty else {}
    gap_col = {"gap": "gap", "gap_ci_low": "ci_low", "gap_ci_high": "ci_high"}
    shown: dict[tuple[str, str], list[float]] = defaultdict(list)
    for f in pub.facts:
        cell = (f.country, f.year, f.indicator_id, f.group, "total", "", f.category)
        if f.quantity in col and cell in rows:
            ref = pub.estimates[col[f.quantity]].iat[rows[cell]]
        elif f.quantity in gap_col and cell in gap_rows:
            ref = pub.gaps[gap_col[f.quantity]].iat[gap_rows[cell]]
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
