"""Confidence intervals with Student's t on the design degrees of freedom (as R's `survey`)."""

from __future__ import annotations

import numpy as np
from scipy import special, stats


def t_quantile(df: np.ndarray | float, level: float) -> np.ndarray:
    """Two-sided t quantile; NaN where df <= 0 (no variance information, as R's confint.svyglm)."""
    df = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        q = special.stdtrit(np.where(df > 0, df, 1.0), 0.5 + level / 2.0)  # stats.t.ppf without its overhead
    return np.where(df > 0, q, np.nan)


def t_ci(
    est: np.ndarray, se: np.ndarray, *, df: np.ndarray | float, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric interval est ± t_{df, 1-α/2}·se, for means, ratios and differences."""
    est = np.asarray(est, dtype=np.float64)
    half = t_quantile(df, level) * np.asarray(se, dtype=np.float64)
    return est - half, est + half


def logit_ci(
    p: np.ndarray, se: np.ndarray, *, df: np.ndarray | float, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Logit interval of a proportion, as R's `svyciprop(method="logit")`.

    R fits logit(p) by `svyglm` whose intercept has SE se/(p(1-p)) and takes a Wald interval with the
    t quantile on `df`; the bounds are mapped back with expit, so they stay in [0, 1]. At p = 0 or 1
    the logit is infinite and the interval collapses to [p, p] (R gives a numerically tiny interval
    from a non-converged fit there).
    """
    p = np.asarray(p, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    q = t_quantile(df, level)
    interior = (p > 0) & (p < 1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pc = np.where(interior, p, 0.5)
        eta = special.logit(pc)
        half = q * se / (pc * (1.0 - pc))
        lo = np.where(interior, special.expit(eta - half), p)
        hi = np.where(interior, special.expit(eta + half), p)
    undefined = ~np.isfinite(q) | np.isnan(se) | np.isnan(p)
    lo = np.where(undefined, np.nan, lo)
    hi = np.where(undefined, np.nan, hi)
    return lo, hi


def korn_graubard_ci(
    p: np.ndarray, se: np.ndarray, *, n: np.ndarray, df: np.ndarray | float, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Korn–Graubard (Clopper–Pearson on the effective sample size) interval of a proportion, as R's
    `svyciprop(method="beta")`: n_eff = p(1-p)/se², times (t_{n-1}/t_df)² for the design's df, then beta
    quantiles. At p = 0 or 1 the design effect is undefined (se = 0) and R returns NaN; there n_eff is the
    sample size n (the NCHS convention), so the interval is [0, u] or [l, 1], never of zero width.
    """
    p, se, n = (np.asarray(a, dtype=np.float64) for a in (p, se, n))
    df = np.asarray(df, dtype=np.float64)
    alpha = 1.0 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        edge = (p == 0) | (p == 1)
        n_eff = np.where(edge, n, p * (1.0 - p) / (se * se))
        ok = (df > 0) & (n > 1)
        ratio = special.stdtrit(np.where(n > 1, n - 1.0, 1.0), alpha / 2) / special.stdtrit(
            np.where(df > 0, df, 1.0), alpha / 2)
        n_eff = np.where(ok, n_eff * ratio * ratio, np.nan)
        a = n_eff * p
        b = n_eff * (1.0 - p)
        lo = np.where(p == 0, 0.0, stats.beta.ppf(alpha / 2, np.where(a > 0, a, 1.0), b + 1.0))
        hi = np.where(p == 1, 1.0, stats.beta.ppf(1 - alpha / 2, a + 1.0, np.where(b > 0, b, 1.0)))
    bad = ~np.isfinite(n_eff) | ~(n_eff > 0) | np.isnan(p)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def proportion_ci(
    p: np.ndarray, se: np.ndarray, *, n: np.ndarray, df: np.ndarray | float, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """The interval a published proportion gets: logit inside (0, 1), Korn–Graubard at 0 or 1 (where the
    logit interval collapses to a point), so no published proportion has a zero-width interval."""
    lo, hi = logit_ci(p, se, df=df, level=level)
    p = np.asarray(p, dtype=np.float64)
    edge = (p == 0) | (p == 1)
    if edge.any():
        klo, khi = korn_graubard_ci(p, se, n=n, df=df, level=level)
        lo, hi = np.where(edge, klo, lo), np.where(edge, khi, hi)
    return lo, hi
