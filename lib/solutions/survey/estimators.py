"""Domain estimators (ratios, means, proportions, totals) and contrasts between domains.

Everything is a ratio R = sum w*y / sum w*x over the records of a domain that are in the universe
of a variable (missing values, NaN, are out of the universe, like R's `na.rm=TRUE`). The Taylor
scores z_i = w_i (y_i - R x_i) / X are zero outside the domain, so the variance is the variance of a
total on the *full* design (never sub-set the data first). Means and proportions are ratios with
x = 1; a total has scores w_i y_i.

Complexity for n records, k variables, D domains: one sort of the n in-domain (PSU, domain) keys
(O(n log n)), then O(n k) sparse sums done in column blocks (bounded temporary memory, ~64 MiB per
temporary), and O(m k) for the variance where m <= min(n, PSUs x D) is the number of (PSU, domain)
cells. What is kept for contrasts is the (m, k) float64 array of cell score totals: with clustered
designs m is small (PSUs x domains); the worst case (each record its own PSU) is n x k x 8 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from .design import Design
from .intervals import logit_ci, t_ci
from .linearization import indicator_matrix, stratified_variance

Kind = Literal["ratio", "mean", "proportion", "total"]
DeffMethod = Literal["wor", "replace"]

_BLOCK_ELEMENTS = 8_000_000  # n * columns per block: bounds each (n, block) temporary to ~64 MiB


@dataclass(frozen=True, eq=False)
class DomainRatios:
    """Estimates for `n_domains` domains x k variables; every array is (n_domains, k).

    `cell_psu`, `cell_domain`, `cell_scores` are the per-(PSU, domain) score totals that `contrast`
    needs for the covariance between domains sharing PSUs.
    """

    kind: Kind
    estimate: np.ndarray
    se: np.ndarray
    n_unweighted: np.ndarray  # records in domain ∩ universe
    n_weighted: np.ndarray  # Σ w over domain ∩ universe
    denominator_total: np.ndarray  # X̂ (NaN for totals)
    df: np.ndarray  # PSUs - strata among the records of domain ∩ universe (R: degf of the sub-set)
    deff: np.ndarray  # variance / SRS variance of the same size (R: svymean(deff=TRUE))
    ci_low: np.ndarray
    ci_high: np.ndarray
    level: float
    design: Design
    cell_psu: np.ndarray  # (m,)
    cell_domain: np.ndarray  # (m,)
    cell_scores: np.ndarray  # (m, k)

    @property
    def n_domains(self) -> int:
        return int(self.estimate.shape[0])

    @property
    def variance(self) -> np.ndarray:
        return self.se * self.se

    @property
    def cv(self) -> np.ndarray:
        """Coefficient of variation se / estimate (NaN at 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.estimate != 0, self.se / np.abs(self.estimate), np.nan)


@dataclass(frozen=True, eq=False)
class Contrast:
    """Differences estimate[a] - estimate[b], each (pairs, k), with a t test on `df`."""

    a: np.ndarray
    b: np.ndarray
    difference: np.ndarray
    se: np.ndarray
    df: np.ndarray
    t: np.ndarray
    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    level: float


class ColumnList:
    """k columns of n values read as an (n, k) matrix one row block at a time, never stacked whole.

    Passing variables as a list of (n,) arrays instead of an (n, k) matrix saves the caller an n x k
    copy (at 4M records and 30 indicators, ~1 GiB per matrix): only (rows, k) blocks are built.
    """

    def __init__(self, columns: list[np.ndarray], dtype: type = np.float64):
        self.columns = [np.asarray(c) for c in columns]
        self.dtype = dtype
        self.shape = (self.columns[0].shape[0] if self.columns else 0, len(self.columns))

    def __getitem__(self, rows) -> np.ndarray:
        block = np.empty((len(range(self.shape[0])[rows]) if isinstance(rows, slice) else len(rows),
                          self.shape[1]), dtype=self.dtype)
        for j, c in enumerate(self.columns):
            block[:, j] = c[rows]
        return block


Variables = np.ndarray | list[np.ndarray]


def _as_matrix(a: Variables, n: int, what: str, dtype: type = np.float64) -> np.ndarray | ColumnList:
    """(n, k) view of `a`: a matrix, a single (n,) variable, or a list of k (n,) arrays (not stacked)."""
    if isinstance(a, list | tuple):
        cols = ColumnList(list(a), dtype)
        bad = [c.shape for c in cols.columns if c.shape != (n,)]
        if not cols.columns or bad:
            raise ValueError(f"{what} columns must each have shape ({n},), got {bad or 'no columns'}")
        return cols
    a = np.asarray(a)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] != n:
        raise ValueError(f"{what} must have shape (n,) or (n, k) with n = {n} records, got {a.shape}")
    return a.astype(dtype, copy=False) if dtype is bool else a


def _domain_estimates(
    design: Design,
    numerator: Variables,
    denominator: Variables | None,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None,
    kind: Kind,
    level: float,
    deff_method: DeffMethod,
) -> DomainRatios:
    n = design.n
    num = _as_matrix(numerator, n, "numerator")
    k = num.shape[1]
    den = None if denominator is None else _as_matrix(denominator, n, "denominator")
    if den is not None and den.shape[1] != k:
        raise ValueError(f"denominator has {den.shape[1]} columns, numerator {k}")
    uni = None if universe is None else _as_matrix(universe, n, "universe", dtype=bool)
    if uni is not None and uni.shape[1] != k:
        raise ValueError(f"universe has {uni.shape[1]} columns, numerator {k}")
    dom = np.asarray(domain)
    if dom.shape != (n,):
        raise ValueError(f"domain must have shape ({n},), got {dom.shape}")
    dom = dom.astype(np.int64, copy=False)
    if n_domains < 1:
        raise ValueError("n_domains must be >= 1")
    if dom.size and (dom.min() < -1 or dom.max() >= n_domains):
        raise ValueError(f"domain codes must be in -1 .. {n_domains - 1} (-1 = in no domain)")
    if deff_method not in ("wor", "replace"):
        raise ValueError("deff_method must be 'wor' or 'replace'")

    D = n_domains
    in_dom = dom >= 0
    # Cells = (PSU, domain) pairs; rows sorted by cell (stable, so deterministic) let pass 2 sum
    # contiguous runs with reduceat instead of scattering into an (m, k) array.
    in_rows = np.flatnonzero(in_dom)
    keys, inv = np.unique(design.psu[in_rows] * D + dom[in_rows], return_inverse=True)
    inv = inv.reshape(-1)
    m = keys.shape[0]
    perm = in_rows[np.argsort(inv, kind="stable")]
    cell_sorted = np.sort(inv)
    cell_psu = keys // D
    cell_dom = keys % D

    sums = DomainSums.zeros(D, k)
    scores = np.zeros((m, k))
    present = np.zeros((m, k), dtype=bool)
    ss = np.zeros((D, k))
    w_all = design.weights
    chunk = max(1, _BLOCK_ELEMENTS // max(k, 1))

    def load(rows):
        """(y, x or None, valid, w) for the given rows, x = None meaning x = 1."""
        x = None if den is None else den[rows]
        return record_values(num[rows], x, None if uni is None else uni[rows], w_all[rows])

    # Pass 1, contiguous row chunks in the caller's order: domain totals.
    for a in range(0, n, chunk):
        rows = slice(a, min(n, a + chunk))
        dom_c = dom[rows]
        if not (dom_c >= 0).any():
            continue
        sums.add(kind, dom_c, *load(rows))
    est, centre, x_tot = sums.ratios(kind, den is not None)

    # Pass 2, rows in cell order: cell score totals, presence, and Σ w lin^2 for deff.
    n_in = perm.shape[0]
    for a in range(0, n_in, chunk):
        rows = perm[a : a + chunk]
        dom_c = dom[rows]
        y, x, valid, w = load(rows)
        e, lin = linearized_scores(kind, dom_c, y, x, valid, w, est, x_tot, centre)
        ss += indicator_matrix(dom_c, D) @ (e * lin)  # Σ w lin^2 (lin = 0 off the universe)
        c = cell_sorted[a : a + chunk]
        # Every cell holds >= 1 row and rows are in cell order, so the chunk covers the contiguous
        # cells c[0]..c[-1] (the first may continue from the previous chunk).
        cells = slice(int(c[0]), int(c[-1]) + 1)
        if c.shape[0] == c[-1] - c[0] + 1:  # one row per cell (e.g. each record its own PSU)
            scores[cells] += e
            present[cells] |= valid
        else:
            first = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
            scores[cells] += np.add.reduceat(e, first, axis=0)
            present[cells] |= np.logical_or.reduceat(valid, first, axis=0)

    return finish_domain_estimates(
        design, kind, est, sums, x_tot, ss, cell_psu, cell_dom, scores, present, level, deff_method
    )


def record_values(y, x, universe, w) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """(y, x or None, valid, w[:, None]) of a block of records: valid = finite y and x, in the universe.

    Shared by the in-memory engine and `survey.distributed`, so both apply the same universe rules.
    """
    y = np.asarray(y, dtype=np.float64)
    valid = np.isfinite(y)
    if x is not None:
        x = np.asarray(x, dtype=np.float64)
        valid &= np.isfinite(x)
    if universe is not None:
        valid &= np.asarray(universe, dtype=bool)
    return y, x, valid, np.asarray(w, dtype=np.float64)[:, None]


@dataclass
class DomainSums:
    """Additive first-pass totals per domain, each (D, k): sums over any split of the records add up."""

    y_tot: np.ndarray
    x_tot: np.ndarray
    n_w: np.ndarray
    n_unw: np.ndarray

    @classmethod
    def zeros(cls, n_domains: int, k: int) -> DomainSums:
        return cls(*(np.zeros((n_domains, k)) for _ in range(4)))

    def add(self, kind: Kind, dom: np.ndarray, y: np.ndarray, x: np.ndarray | None, valid: np.ndarray,
            w: np.ndarray) -> None:
        """Add a block of records (domain codes `dom`, -1 = in no domain)."""
        valid = valid & (dom >= 0)[:, None]
        if kind == "proportion" and (valid & (y != 0) & (y != 1)).any():
            raise ValueError("proportion_by_domain needs 0/1 values (NaN for missing)")
        to_dom = indicator_matrix(dom, self.y_tot.shape[0])
        with np.errstate(invalid="ignore"):
            self.y_tot += to_dom @ np.where(valid, w * y, 0.0)
            self.n_w += to_dom @ np.where(valid, w, 0.0)
            self.n_unw += to_dom @ valid.astype(np.float64)
            if x is not None:
                self.x_tot += to_dom @ np.where(valid, w * x, 0.0)

    def __iadd__(self, other: DomainSums) -> DomainSums:
        for name in ("y_tot", "x_tot", "n_w", "n_unw"):
            getattr(self, name).__iadd__(getattr(other, name))
        return self

    def ratios(self, kind: Kind, has_denominator: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(estimate, centre of a total's linearization, denominator total X̂)."""
        x_tot = self.x_tot if has_denominator else self.n_w
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "total":
                return self.y_tot.copy(), self.y_tot / self.n_w, x_tot  # lin = y - ybar, scores w*y
            return self.y_tot / x_tot, np.empty(0), x_tot


def linearized_scores(
    kind: Kind, dom: np.ndarray, y: np.ndarray, x: np.ndarray | None, valid: np.ndarray, w: np.ndarray,
    est: np.ndarray, x_tot: np.ndarray, centre: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Record scores e = w·lin (whose PSU totals give the variance) and lin, for records in a domain."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "total":
            return np.where(valid, w * y, 0.0), np.where(valid, y - centre[dom], 0.0)
        r = est[dom]
        resid = y - r if x is None else y - r * x
        lin = np.where(valid, resid / x_tot[dom], 0.0)
        return w * lin, lin


def finish_domain_estimates(
    design: Design, kind: Kind, est: np.ndarray, sums: DomainSums, x_tot: np.ndarray, ss: np.ndarray,
    cell_psu: np.ndarray, cell_dom: np.ndarray, scores: np.ndarray, present: np.ndarray, level: float,
    deff_method: DeffMethod,
) -> DomainRatios:
    """Variances, df, deffs and CIs from the additive totals: per-domain sums and per-(PSU, domain) cells.

    Cells are sorted by (PSU, domain) and unique. This is the only variance step, whether the totals
    were summed in memory or over a Dask dataframe.
    """
    D = est.shape[0]
    n_unw, n_w = sums.n_unw, sums.n_w
    with np.errstate(divide="ignore", invalid="ignore"):
        var = stratified_variance(design, cell_dom, cell_psu, scores, D, present=present, domain_strata=True)
        # df: PSUs minus strata among the cells holding records of domain ∩ universe.
        H = design.n_strata
        ds_keys, ds_inv = np.unique(cell_dom * H + design.psu_stratum[cell_psu], return_inverse=True)
        present_f = present.astype(np.float64)
        psus = indicator_matrix(cell_dom, D) @ present_f
        ds_present = (indicator_matrix(ds_inv.reshape(-1), ds_keys.shape[0]) @ present_f) > 0
        df = psus - indicator_matrix(ds_keys // H, D) @ ds_present.astype(np.float64)
        den_tot = np.full(est.shape, np.nan) if kind == "total" else x_tot

        empty = n_unw == 0
        se = np.where(empty, np.nan, np.sqrt(np.maximum(var, 0.0)))
        # R: vsrs = svyvar(lin) * N^2 * (N - n)/(N n) with svyvar = n/(n-1) Σ w lin^2 / N ("wor"),
        # or svyvar * N^2 / n ("replace"); svymean returns NA when N < n.
        nn = n_unw
        # svytotal (behind svyratio's deff) has the same vsrs with lin = y - ybar, but no NA rule.
        if deff_method == "wor":
            vsrs = ss * (n_w - nn) / (nn - 1.0)
            if kind in ("mean", "proportion"):
                vsrs = np.where(n_w < nn, np.nan, vsrs)
        else:
            vsrs = ss * n_w / (nn - 1.0)
        deff = np.where(empty | (nn <= 1), np.nan, var / vsrs)

    if kind == "proportion":
        lo, hi = logit_ci(est, se, df, level)
    else:
        lo, hi = t_ci(est, se, df, level)
    return DomainRatios(
        kind=kind,
        estimate=est,
        se=se,
        n_unweighted=n_unw.astype(np.int64),
        n_weighted=n_w,
        denominator_total=den_tot,
        df=df,
        deff=deff,
        ci_low=lo,
        ci_high=hi,
        level=level,
        design=design,
        cell_psu=cell_psu,
        cell_domain=cell_dom,
        cell_scores=scores,
    )


def ratio_by_domain(
    design: Design,
    numerator: Variables,
    denominator: Variables,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float = 0.95,
    deff_method: DeffMethod = "wor",
) -> DomainRatios:
    """Ratios Σw·y / Σw·x per domain and variable (R: `svyby(~y, ~dom, d, svyratio, denominator=~x)`).

    `numerator`, `denominator`, `universe` are (n, k) (or (n,), or lists of k (n,) arrays, read in row
    blocks without an (n, k) copy); `domain` holds codes 0..n_domains-1,
    -1 for records in no domain. Records outside `universe`, or with NaN in y or x, contribute to
    nothing. CIs are t intervals on the domain's df.
    """
    return _domain_estimates(
        design, numerator, denominator, domain, n_domains, universe, "ratio", level, deff_method
    )


def mean_by_domain(
    design: Design,
    y: Variables,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float = 0.95,
    deff_method: DeffMethod = "wor",
) -> DomainRatios:
    """Means per domain: the ratio with x = 1 on the universe (R: `svyby(..., svymean, na.rm=TRUE)`)."""
    return _domain_estimates(
        design,
        y,
        None,
        domain,
        n_domains,
        universe,
        "mean",
        level,
        deff_method,
    )


def proportion_by_domain(
    design: Design,
    y: Variables,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float = 0.95,
    deff_method: DeffMethod = "wor",
) -> DomainRatios:
    """Proportions of 0/1 variables per domain with logit CIs (R: `svyciprop(method="logit")`)."""
    return _domain_estimates(
        design,
        y,
        None,
        domain,
        n_domains,
        universe,
        "proportion",
        level,
        deff_method,
    )


def total_by_domain(
    design: Design,
    y: Variables,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float = 0.95,
    deff_method: DeffMethod = "wor",
) -> DomainRatios:
    """Weighted totals Σw·y per domain (R: `svyby(..., svytotal, na.rm=TRUE)`)."""
    return _domain_estimates(design, y, None, domain, n_domains, universe, "total", level, deff_method)


def _gather_cells(order: np.ndarray, starts: np.ndarray, counts: np.ndarray, doms: np.ndarray):
    """Cell indices of each requested domain, concatenated, with the position of the request."""
    lens = counts[doms]
    total = int(lens.sum())
    owner = np.repeat(np.arange(doms.shape[0]), lens)
    offsets = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    return owner, order[np.repeat(starts[doms], lens) + offsets]


def contrast(dr: DomainRatios, a: np.ndarray, b: np.ndarray, level: float | None = None) -> Contrast:
    """Differences of domain estimates a - b with the covariance of the shared design.

    The variance is that of the difference of the two domains' scores, per PSU, on the full design
    (R: `svycontrast(svyby(..., covmat=TRUE), ...)`; with lonely_psu="average" the full design's
    strata count is used, as R's covmat does). df is the full design's degf: R's svycontrast gives no
    df; the difference involves records of both domains, so the domain-level df does not apply.
    """
    a = np.atleast_1d(np.asarray(a, dtype=np.int64))
    b = np.atleast_1d(np.asarray(b, dtype=np.int64))
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("a and b must be 1-d arrays of the same length")
    D = dr.n_domains
    if a.size and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= D):
        raise ValueError(f"domain indices must be in 0 .. {D - 1}")
    level = dr.level if level is None else level
    design = dr.design
    P = a.shape[0]

    order = np.argsort(dr.cell_domain, kind="stable")
    counts = np.bincount(dr.cell_domain, minlength=D)
    starts = np.cumsum(counts) - counts
    pa, ca = _gather_cells(order, starts, counts, a)
    pb, cb = _gather_cells(order, starts, counts, b)
    pair = np.concatenate([pa, pb])
    cells = np.concatenate([ca, cb])
    sign = np.concatenate([np.ones(ca.shape[0]), -np.ones(cb.shape[0])])
    keys, inv = np.unique(pair * design.n_psus + dr.cell_psu[cells], return_inverse=True)
    delta = np.asarray(
        indicator_matrix(inv.reshape(-1), keys.shape[0]) @ (sign[:, None] * dr.cell_scores[cells])
    )
    var = stratified_variance(
        design, keys // design.n_psus, keys % design.n_psus, delta, P, domain_strata=False
    )

    diff = dr.estimate[a] - dr.estimate[b]
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.maximum(var, 0.0))
        se = np.where(np.isnan(diff), np.nan, se)
        df = np.full(diff.shape, float(design.degf))
        with np.errstate(divide="ignore"):
            t = diff / se
        p = np.where(df > 0, 2.0 * stats.t.sf(np.abs(t), np.where(df > 0, df, 1.0)), np.nan)
    lo, hi = t_ci(diff, se, df, level)
    return Contrast(
        a=a, b=b, difference=diff, se=se, df=df, t=t, p_value=p, ci_low=lo, ci_high=hi, level=level
    )
