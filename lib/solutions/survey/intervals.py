"""Confidence intervals with Student's t on the design degrees of freedom (as R's `survey`)."""

from __future__ import annotations

import numpy as np
from scipy import special


def t_quantile(df: np.ndarray | float, level: float) -> np.ndarray:
    """Two-sided t quantile; NaN where df <= 0 (no variance information, as R's confint.svyglm)."""
    df = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        q = special.stdtrit(np.where(df > 0, df, 1.0), 0.5 + level / 2.0)  # stats.t.ppf without its overhead
    return np.where(df > 0, q, np.nan)


def t_ci(
    est: np.ndarray, se: np.ndarray, df: np.ndarray | float, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric interval est ± t_{df, 1-α/2}·se, for means, ratios and differences."""
    est = np.asarray(est, dtype=np.float64)
    half = t_quantile(df, level) * np.asarray(se, dtype=np.float64)
    return est - half, est + half


def logit_ci(
    p: np.ndarray, se: np.ndarray, df: np.ndarray | float, level: float = 0.95
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
