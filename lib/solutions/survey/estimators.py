"""Domain estimators (ratios, means, proportions, totals): svyby's estimates, SEs, df, deffs and CIs.

Everything is a ratio R = Σw·y / Σw·x over the records of a domain that are in the universe of a
variable (missing values, NaN, are out of the universe, like R's `na.rm=TRUE`). The Taylor scores
z_i = w_i (y_i - R x_i) / X are zero outside the domain, so the variance is the variance of a total on
the *full* design (never sub-set the data first). Means and proportions are ratios with x = 1; a total
has scores w_i y_i.

Complexity for n records, k variables, D domains: one pass of `np.bincount` per variable over the
records' (PSU, domain) cell codes (`cells.py`: dense integer codes, no sort of the records, no sparse
matrix), then O(m k) work on the m <= min(n, PSUs x D) cells. Temporary memory is a few (n,) arrays at
a time; what is kept for contrasts is the (m, k) array of cell score totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .cells import Cells, CellSums, SumsBuilder, check_binary, shifts, valid_mask
from .codes import compact
from .design import Design
from .intervals import proportion_ci, t_ci
from .linearization import group_sums, stratified_variance

Kind = Literal["ratio", "mean", "proportion", "total"]
DeffMethod = Literal["wor", "replace", "auto"]
Variables = np.ndarray | list[np.ndarray]


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


def _columns(a: Variables | None, n: int, what: str) -> list[np.ndarray] | None:
    """k variables as a list of (n,) arrays: a matrix's columns, one (n,) variable, or a list as given."""
    if a is None:
        return None
    if isinstance(a, list | tuple):
        cols = [np.asarray(c) for c in a]
        bad = [c.shape for c in cols if c.shape != (n,)]
        if not cols or bad:
            raise ValueError(f"{what} columns must each have shape ({n},), got {bad or 'no columns'}")
        return cols
    a = np.asarray(a)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] != n:
        raise ValueError(f"{what} must have shape (n,) or (n, k) with n = {n} records, got {a.shape}")
    return [a[:, j] for j in range(a.shape[1])]


def _float(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def domain_sums(
    design: Design, cells: Cells, *, kind: Kind, num: list[np.ndarray], den: list[np.ndarray] | None,
    uni: list[np.ndarray] | None,
) -> CellSums:
    """The one pass over the records: cell and domain totals of every variable (see `cells.py`)."""
    k = len(num)
    builder = SumsBuilder(cells, design.weights, k, den is not None)
    for j in range(k):
        y = num[j]
        binary = y.dtype == bool or kind == "proportion"
        if y.dtype != bool:
            y = _float(y)
        x = None if den is None else _float(den[j])
        u = None if uni is None else uni[j]
        # means are centred (their scores y - R lose digits otherwise when |mean| >> sd); a total's
        # scores are w·y as they are, and only its deff (a quadratic form) would gain from it
        centred = not binary and x is None and kind == "mean"
        if centred and u is None:  # min and max reveal NaN/inf too: no separate check
            lo, hi = float(y.min()), float(y.max())
            valid = None if np.isfinite(lo) and np.isfinite(hi) else valid_mask(y, None, None)
            shift = lo + (hi - lo) / 2.0 if valid is None else shifts(kind, [y], valid=[valid], has_denominator=False)[0]
        else:
            valid = valid_mask(y, x, u)
            shift = shifts(kind, [y], valid=[valid], has_denominator=x is not None)[0] if centred else 0.0
        if kind == "proportion" and y.dtype != bool:
            check_binary(y, valid)
        builder.add(j, y, x=x, valid=valid, shift=shift, binary=binary)
    return builder.sums


def domain_estimates(
    design: Design,
    kind: Kind,
    *,
    numerator: Variables,
    denominator: Variables | None = None,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float,
    deff_method: DeffMethod = "wor",
    validate: bool = True,
) -> DomainRatios:
    """Estimates of any kind; `denominator=None` with kind "ratio" means x = 1 on the universe.

    Everything past the design and the kind is named: several arguments are (n,) arrays or lists of them,
    and one in the wrong place would still compute.

    `validate=False` skips the range check of domain codes the caller built itself (two passes).
    """
    n = design.n
    num = _columns(numerator, n, "numerator")
    assert num is not None  # a numerator is always given
    k = len(num)
    den = _columns(denominator, n, "denominator")
    if den is not None and len(den) != k:
        raise ValueError(f"denominator has {len(den)} columns, numerator {k}")
    uni = _columns(universe, n, "universe")
    if uni is not None and len(uni) != k:
        raise ValueError(f"universe has {len(uni)} columns, numerator {k}")
    dom = np.asarray(domain)
    if dom.shape != (n,):
        raise ValueError(f"domain must have shape ({n},), got {dom.shape}")
    if n_domains < 1:
        raise ValueError("n_domains must be >= 1")
    if validate and dom.size and (dom.min() < -1 or dom.max() >= n_domains):
        raise ValueError(f"domain codes must be in -1 .. {n_domains - 1} (-1 = in no domain)")
    if deff_method not in ("wor", "replace", "auto"):
        raise ValueError("deff_method must be 'wor', 'replace' or 'auto'")
    deff_method = resolve_deff_method(design, deff_method)
    cells = Cells.build(design, dom.astype(np.intp, copy=False), n_domains)
    sums = domain_sums(design, cells, kind=kind, num=num, den=den, uni=uni)
    return finish_domain_estimates(design, kind, cell_psu=cells.psu, cell_domain=cells.domain, sums=sums,
                                   level=level, deff_method=deff_method)


def resolve_deff_method(design: Design, method: DeffMethod) -> DeffMethod:
    """"auto": "wor" (SRS without replacement from the population the weights sum to) when the weights
    describe a population, "replace" (no finite population correction) when they do not: normalised weights,
    Σw no larger than the number of weighted records, have no population total and the "wor" reference would
    be negative (R's `deff=TRUE` then gives NA or a negative deff; `deff="replace"` is what is meant)."""
    if method != "auto":
        return method
    w = design.weights
    return "replace" if float(w.sum()) <= float(np.count_nonzero(w)) else "wor"


def finish_domain_estimates(
    design: Design, kind: Kind, *, cell_psu: np.ndarray, cell_domain: np.ndarray, sums: CellSums, level: float,
    deff_method: DeffMethod,
) -> DomainRatios:
    """Estimates, variances, df, deffs and CIs from the additive cell totals (cells in (PSU, domain) order).

    This is the only variance step, whether the totals were summed in memory or over a Dask dataframe.
    `deff_method` is "wor" or "replace" here ("auto" is resolved from the records by `domain_estimates`).
    """
    cell_dom = cell_domain
    if deff_method not in ("wor", "replace"):
        raise ValueError("finish_domain_estimates needs deff_method 'wor' or 'replace' (resolve 'auto' first)")
    D = sums.yy.shape[0]
    Y = group_sums(cell_dom, sums.y, D)
    X = group_sums(cell_dom, sums.x, D)
    N = group_sums(cell_dom, sums.n, D)
    W = X if sums.w is None else group_sums(cell_dom, sums.w, D)
    c = sums.shift[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = Y / X  # the estimate minus the shift (ratio of the shifted totals)
        if kind == "total":
            est = Y + c * W
            scores = sums.y + sums.shift * sums.x
            ss = sums.yy - a * Y  # Σ w (y - ȳ)²: svytotal's deff linearizes y - ȳ
            den_tot = np.full(est.shape, np.nan)
        else:
            est = a + c
            scores = (sums.y - a[cell_dom] * sums.x) / X[cell_dom]
            scores = np.where(N[cell_dom] > 0, scores, 0.0)  # no record of the universe: no score
            quad = sums.yy - a * Y if sums.yx is None else sums.yy - 2 * a * sums.yx + a * a * sums.xx
            ss = quad / (X * X)  # Σ w lin², lin = (y - R x) / X
            den_tot = X
        present = sums.n > 0
        var = stratified_variance(design, entry_group=cell_dom, entry_psu=cell_psu, values=scores, n_groups=D,
                                  present=present, domain_strata=True)
        df = _domain_df(design, cell_psu, cell_dom, present, D)

        empty = N == 0
        se = np.where(empty, np.nan, np.sqrt(np.maximum(var, 0.0)))
        # R: vsrs = svyvar(lin) * N^2 * (N - n)/(N n) with svyvar = n/(n-1) Σ w lin^2 / N ("wor"),
        # or svyvar * N^2 / n ("replace"); svymean returns NA when N < n.
        # svytotal (behind svyratio's deff) has the same vsrs with lin = y - ybar, but no NA rule.
        if deff_method == "wor":
            vsrs = ss * (W - N) / (N - 1.0)
            if kind in ("mean", "proportion"):
                vsrs = np.where(W < N, np.nan, vsrs)
        else:
            vsrs = ss * W / (N - 1.0)
        deff = np.where(empty | (N <= 1) | ~(vsrs > 0), np.nan, var / vsrs)  # never negative

    if kind == "proportion":
        lo, hi = proportion_ci(est, se, n=N, df=df, level=level)
    else:
        lo, hi = t_ci(est, se, df=df, level=level)
    return DomainRatios(
        kind=kind, estimate=est, se=se, n_unweighted=N.astype(np.int64), n_weighted=W,
        denominator_total=den_tot, df=df, deff=deff, ci_low=lo, ci_high=hi, level=level, design=design,
        cell_psu=cell_psu, cell_domain=cell_dom, cell_scores=np.ascontiguousarray(scores),
    )


def _domain_df(design: Design, cell_psu: np.ndarray, cell_dom: np.ndarray, present: np.ndarray,
               D: int) -> np.ndarray:
    """PSUs minus strata among the cells holding records of domain ∩ universe (R: degf of the sub-set)."""
    k = present.shape[1]
    same = k > 1 and bool((present == present[:, :1]).all())
    pres = (present[:, :1] if same else present).astype(np.float64)
    H = design.n_strata
    inv, keys = compact(cell_dom * H + design.psu_stratum[cell_psu], D * H)
    psus = group_sums(cell_dom, pres, D)
    strata_present = group_sums(inv, pres, keys.shape[0]) > 0
    df = psus - group_sums(keys // H, strata_present.astype(np.float64), D)
    return np.repeat(df, k, axis=1) if same else df


def ratio_by_domain(
    design: Design,
    numerator: Variables,
    *,
    denominator: Variables,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float,
    deff_method: DeffMethod = "wor",
) -> DomainRatios:
    """Ratios Σw·y / Σw·x per domain and variable (R: `svyby(~y, ~dom, d, svyratio, denominator=~x)`).

    `numerator`, `denominator`, `universe` are (n, k) (or (n,), or lists of k (n,) arrays, read one
    at a time without an (n, k) copy); `domain` holds codes 0..n_domains-1, -1 for records in no
    domain. Records outside `universe`, or with NaN in y or x, contribute to nothing. CIs are t
    intervals on the domain's df.
    """
    return domain_estimates(design, "ratio", numerator=numerator, denominator=denominator, domain=domain,
                            n_domains=n_domains, universe=universe, level=level, deff_method=deff_method)


def mean_by_domain(
    design: Design,
    y: Variables,
    *,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float,
    deff_method: DeffMethod = "wor",
) -> DomainRatios:
    """Means per domain: the ratio with x = 1 on the universe (R: `svyby(..., svymean, na.rm=TRUE)`)."""
    return domain_estimates(design, "mean", numerator=y, domain=domain, n_domains=n_domains, universe=universe,
                            level=level, deff_method=deff_method)


def proportion_by_domain(
    design: Design,
    y: Variables,
    *,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float,
    deff_method: DeffMethod = "wor",
) -> DomainRatios:
    """Proportions of 0/1 variables per domain with logit CIs (R: `svyciprop(method="logit")`)."""
    return domain_estimates(design, "proportion", numerator=y, domain=domain, n_domains=n_domains, universe=universe,
                            level=level, deff_method=deff_method)


def total_by_domain(
    design: Design,
    y: Variables,
    *,
    domain: np.ndarray,
    n_domains: int,
    universe: Variables | None = None,
    level: float,
    deff_method: DeffMethod = "wor",
) -> DomainRatios:
    """Weighted totals Σw·y per domain (R: `svyby(..., svytotal, na.rm=TRUE)`)."""
    return domain_estimates(design, "total", numerator=y, domain=domain, n_domains=n_domains, universe=universe,
                            level=level, deff_method=deff_method)
