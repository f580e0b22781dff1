"""Linear contrasts of domain estimates with the covariance of the shared design (R: `svycontrast`).

A linear combination Σ a_dj θ_dj of estimates from one `DomainRatios` has, per PSU, the score total
Σ a_dj z_(psu, d, j): the cell score totals kept by the estimator, weighted by the coefficients. Its
variance is the stratified variance of those PSU totals on the full design, so domains sharing PSUs
get their covariance (the methodology's "gap as one linearized contrast").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .codes import compact
from .estimators import DomainRatios
from .intervals import t_ci
from .linearization import group_sums, stratified_variance


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


def _test(est: np.ndarray, var: np.ndarray, degf: float, level: float):
    """(se, df, t, p, ci_low, ci_high) of contrasts with variance `var`, on the full design's df."""
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(np.maximum(var, 0.0))
        se = np.where(np.isnan(est), np.nan, se)
        df = np.full(est.shape, float(degf))
        t = est / se
        p = np.where(df > 0, 2.0 * stats.t.sf(np.abs(t), np.where(df > 0, df, 1.0)), np.nan)
    lo, hi = t_ci(est, se, df=df, level=level)
    return se, df, t, p, lo, hi


def _cells_by_domain(dr: DomainRatios, doms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell indices of each requested domain, concatenated, with the position of the request."""
    D = dr.n_domains
    order = np.argsort(dr.cell_domain, kind="stable")  # m cells, not records
    counts = np.bincount(dr.cell_domain, minlength=D)
    starts = np.cumsum(counts) - counts
    lens = counts[doms]
    owner = np.repeat(np.arange(doms.shape[0]), lens)
    offsets = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    return owner, order[np.repeat(starts[doms], lens) + offsets]


def domain_differences(dr: DomainRatios, *, a: np.ndarray, b: np.ndarray, level: float | None = None) -> Contrast:
    """Differences of domain estimates a - b (domain indices, pairwise) with the covariance of the shared design,
    at ``level`` (default: the estimates' own). Named arguments: swapping a and b would flip every sign.

    The variance is that of the difference of the two domains' scores, per PSU, on the full design
    (R: `svycontrast(svyby(..., covmat=TRUE), ...)`; with lonely_psu="average" the full design's
    strata count is used, as R's covmat does). df is the full design's degf: R's svycontrast gives no
    df; the difference involves records of both domains, so the domain-level df does not apply.
    """
    a = np.atleast_1d(np.asarray(a, dtype=np.intp))
    b = np.atleast_1d(np.asarray(b, dtype=np.intp))
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("a and b must be 1-d arrays of the same length")
    D = dr.n_domains
    if a.size and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= D):
        raise ValueError(f"domain indices must be in 0 .. {D - 1}")
    level = dr.level if level is None else level
    design = dr.design
    P = a.shape[0]
    pa, ca = _cells_by_domain(dr, a)
    pb, cb = _cells_by_domain(dr, b)
    pair = np.concatenate([pa, pb])
    cells = np.concatenate([ca, cb])
    sign = np.concatenate([np.ones(ca.shape[0]), -np.ones(cb.shape[0])])
    inv, keys = compact(pair * design.n_psus + dr.cell_psu[cells], P * design.n_psus)
    delta = group_sums(inv, sign[:, None] * dr.cell_scores[cells], keys.shape[0])
    var = stratified_variance(design, entry_group=keys // design.n_psus, entry_psu=keys % design.n_psus,
                              values=delta, n_groups=P, domain_strata=False)
    diff = dr.estimate[a] - dr.estimate[b]
    se, df, t, p, lo, hi = _test(diff, var, design.degf, level)
    return Contrast(a=a, b=b, difference=diff, se=se, df=df, t=t, p_value=p, ci_low=lo, ci_high=hi, level=level)


@dataclass(frozen=True, eq=False)
class LinearContrasts:
    """Σ coefficients x estimates for each of c contrasts; every array is (c,)."""

    estimate: np.ndarray
    se: np.ndarray
    df: np.ndarray
    t: np.ndarray
    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    level: float


def linear_contrasts(dr: DomainRatios, coefficients: np.ndarray, level: float | None = None) -> LinearContrasts:
    """Contrasts Σ_dj C[c, d, j] θ_dj for coefficient arrays C (c, n_domains, k), across domains and variables.

    Estimates with a zero coefficient are ignored, even when undefined (NaN), as in `svycontrast`.
    """
    C = np.asarray(coefficients, dtype=np.float64)
    D, k = dr.estimate.shape
    if C.ndim != 3 or C.shape[1:] != (D, k):
        raise ValueError(f"coefficients must have shape (contrasts, {D}, {k}), got {C.shape}")
    level = dr.level if level is None else level
    design = dr.design
    n_c = C.shape[0]
    est = np.empty(n_c)
    totals = np.empty((design.n_psus, n_c))
    for i in range(n_c):
        used = C[i] != 0
        est[i] = float((C[i][used] * dr.estimate[used]).sum())
        # per-cell score of the combination: Σ_j C[d(cell), j] z_cell_j
        cell = (C[i][dr.cell_domain] * np.where(used[dr.cell_domain], dr.cell_scores, 0.0)).sum(axis=1)
        totals[:, i] = np.bincount(dr.cell_psu, cell, design.n_psus)
    var = stratified_variance(design, entry_group=np.zeros(design.n_psus, dtype=np.intp),
                              entry_psu=np.arange(design.n_psus), values=totals, n_groups=1, domain_strata=False)[0]
    se, df, t, p, lo, hi = _test(est, var, design.degf, level)
    return LinearContrasts(estimate=est, se=se, df=df, t=t, p_value=p, ci_low=lo, ci_high=hi, level=level)
