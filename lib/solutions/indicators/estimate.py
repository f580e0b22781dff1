"""Catalogue × design → tidy estimate and gap rows, one estimator call per table and disaggregation.

All indicators of a table that allow a disaggregation are stacked as columns of one numerator and one
denominator matrix, and estimated for every (group, value) domain in a single vectorized pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solutions import survey
from solutions.indicators.columns import Column
from solutions.indicators.domains import Domains


def _as2d(a: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        a = a[:, None]
    return np.broadcast_to(a, shape)


def _intervals(kind: str, est: np.ndarray, se: np.ndarray, df: np.ndarray, level: float):
    if kind in ("proportion", "distribution", "by_reason"):
        return survey.logit_ci(est, se, df, level)
    return survey.t_ci(est, se, df, level)


def estimate_columns(
    design: survey.Design, cols: list[Column], domains: Domains, level: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimates for every column × domain, and displaced-minus-comparison gaps as linearized contrasts."""
    if not cols:
        return pd.DataFrame(), pd.DataFrame()
    # lists, not stacked matrices: the engine reads row blocks, so no (n, columns) copies are made
    num = [c.numerator for c in cols]
    den = [c.denominator for c in cols]
    uni = [c.universe for c in cols]
    dr = survey.ratio_by_domain(design, num, den, domains.codes, domains.n, universe=uni, level=level)
    shape = (domains.n, len(cols))
    est = _as2d(dr.estimate, shape)
    se = _as2d(dr.se, shape)
    dfree = _as2d(dr.df, shape)
    deff = _as2d(dr.deff, shape)
    n_unw = _as2d(dr.n_unweighted, shape)
    n_w = _as2d(dr.n_weighted, shape)
    cv_all = _as2d(dr.cv, shape)
    # records excluded as missing, per domain and column (bincount over domain codes: no row loop)
    in_dom = domains.codes >= 0
    miss = np.column_stack(
        [np.bincount(domains.codes[in_dom], weights=c.missing[in_dom], minlength=domains.n) for c in cols]
    )
    rows = []
    cells = domains.cells()
    for j, c in enumerate(cols):
        lo, hi = _intervals(c.kind, est[:, j], se[:, j], dfree[:, j], level)
        cv = cv_all[:, j]
        for d, (role, value) in enumerate(cells):
            rows.append(
                {
                    "indicator_id": c.indicator.id, "criterion": c.indicator.criterion, "kind": c.kind,
                    "group": role, "disaggregation": domains.disaggregation, "disaggregation_value": value,
                    "category": c.category, "estimate": est[d, j], "se": se[d, j], "ci_low": lo[d],
                    "ci_high": hi[d], "df": dfree[d, j], "deff": deff[d, j], "cv": cv[d],
                    "n_unweighted": int(n_unw[d, j]), "n_weighted": n_w[d, j], "n_missing": int(miss[d, j]),
                    "suppressed": bool(n_unw[d, j] == 0), "suppression_reason": "min_n" if n_unw[d, j] == 0 else "",
                }
            )
    estimates = pd.DataFrame(rows)
    gaps = _gaps(dr, cols, domains, level)
    return estimates, gaps


def _gaps(dr, cols: list[Column], domains: Domains, level: float) -> pd.DataFrame:
    if "comparison" not in domains.roles:
        return pd.DataFrame()
    pairs = [
        (role, value, domains.code(role, value), domains.code("comparison", value))
        for role in domains.roles
        if role != "comparison"
        for value in domains.values
    ]
    if not pairs:
        return pd.DataFrame()
    a = np.array([p[2] for p in pairs])
    b = np.array([p[3] for p in pairs])
    con = survey.contrast(dr, a, b, level=level)
    shape = (len(pairs), len(cols))
    diff, se, dfree = (_as2d(x, shape) for x in (con.difference, con.se, con.df))
    lo, hi, p = (_as2d(x, shape) for x in (con.ci_low, con.ci_high, con.p_value))
    rows = []
    for j, c in enumerate(cols):
        for i, (role, value, _, _) in enumerate(pairs):
            rows.append(
                {
                    "indicator_id": c.indicator.id, "criterion": c.indicator.criterion, "group": role,
                    "disaggregation": domains.disaggregation, "disaggregation_value": value,
                    "category": c.category, "gap": diff[i, j], "se": se[i, j],
                    "ci_low": lo[i, j], "ci_high": hi[i, j],
                    "df": dfree[i, j], "p_value": p[i, j],
                    "direction": c.indicator.direction if c.category == "" else "none",
                }
            )
    return pd.DataFrame(rows)
