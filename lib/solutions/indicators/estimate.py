"""Catalogue × design → tidy estimate and gap rows, one estimator call per table and disaggregation.

All indicators of a table that allow a disaggregation go to the engine together, as lists of columns
sharing the design's codes and the disaggregation's (PSU, domain) cells: one `np.bincount` pass per
column, no (n, columns) matrix. Columns whose denominator is 1 on the universe (every catalogue kind)
pass no denominator at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from solutions import survey
from solutions.indicators.columns import Column
from solutions.indicators.domains import Domains


def _intervals(kind: str, est: np.ndarray, se: np.ndarray, n: np.ndarray, df: np.ndarray, level: float):
    if kind in ("proportion", "distribution", "by_reason"):
        return survey.proportion_ci(est, se, n=n, df=df, level=level)
    lo, hi = survey.t_ci(est, se, df=df, level=level)
    if kind == "ratio":  # a share of its denominator (unemployed of the labour force): at 0 or 1, as a proportion
        edge = ((est == 0) | (est == 1)) & (se == 0)
        if edge.any():
            klo, khi = survey.korn_graubard_ci(est, se, n=n, df=df, level=level)
            lo, hi = np.where(edge, klo, lo), np.where(edge, khi, hi)
    return lo, hi


def _estimate(design: survey.Design, cols: list[Column], domains: Domains, level: float
              ) -> list[tuple[list[int], survey.DomainRatios]]:
    """The engine on every column: one call for columns without a denominator, one for those with one."""
    parts = []
    for with_den in (False, True):
        idx = [j for j, c in enumerate(cols) if (c.denominator is not None) == with_den]
        if not idx:
            continue
        dr = survey.domain_estimates(
            design, "ratio", numerator=[cols[j].numerator for j in idx],
            denominator=[d for j in idx if (d := cols[j].denominator) is not None] if with_den else None,
            domain=domains.codes, n_domains=domains.n, universe=[cols[j].universe for j in idx], level=level,
            deff_method="auto",
        )
        parts.append((idx, dr))
    return parts


def _missing_counts(cols: list[Column], domains: Domains) -> np.ndarray:
    """Records excluded as missing, per domain and column (a bincount of the missing records' domains)."""
    slots = domains.codes + 1  # slot 0: in no domain
    out = np.empty((domains.n, len(cols)))
    seen: dict[int, np.ndarray] = {}
    for j, c in enumerate(cols):
        if id(c.missing) not in seen:  # the levels of one indicator share their mask
            rows = np.flatnonzero(c.missing)
            seen[id(c.missing)] = np.bincount(slots[rows], minlength=domains.n + 1)[1:]
        out[:, j] = seen[id(c.missing)]
    return out


def _kish(design: survey.Design, cols: list[Column], domains: Domains) -> np.ndarray:
    """Kish's effective sample size (Σw)² / Σw² per domain and column, over the records of the universe: the
    effective n where the design effect cannot be computed (an estimate of 0 or 1 has no variance)."""
    slots = domains.codes + 1
    w = design.weights
    out = np.empty((domains.n, len(cols)))
    seen: dict[int, np.ndarray] = {}
    for j, c in enumerate(cols):
        if id(c.universe) not in seen:
            rows = np.flatnonzero(c.universe)
            sw = np.bincount(slots[rows], w[rows], domains.n + 1)[1:]
            sw2 = np.bincount(slots[rows], w[rows] * w[rows], domains.n + 1)[1:]
            with np.errstate(divide="ignore", invalid="ignore"):
                seen[id(c.universe)] = np.where(sw2 > 0, sw * sw / sw2, np.nan)
        out[:, j] = seen[id(c.universe)]
    return out


def estimate_columns(
    design: survey.Design, cols: list[Column], *, domains: Domains, level: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimates for every column × domain, and displaced-minus-comparison gaps as linearized contrasts."""
    if not cols:
        return pd.DataFrame(), pd.DataFrame()
    parts = _estimate(design, cols, domains, level)
    shape = (domains.n, len(cols))
    est, se, dfree, deff, n_w, cv = (np.empty(shape) for _ in range(6))
    n_unw = np.empty(shape, dtype=np.int64)
    for idx, dr in parts:
        for out, values in ((est, dr.estimate), (se, dr.se), (dfree, dr.df), (deff, dr.deff),
                            (n_w, dr.n_weighted), (cv, dr.cv), (n_unw, dr.n_unweighted)):
            out[:, idx] = values
    miss = _missing_counts(cols, domains)
    kish = _kish(design, cols, domains)
    rows = []
    cells = domains.cells()
    for j, c in enumerate(cols):
        lo, hi = _intervals(c.kind, est[:, j], se[:, j], n_unw[:, j], dfree[:, j], level)
        for d, (role, value) in enumerate(cells):
            rows.append(
                {
                    "indicator_id": c.indicator.id, "criterion": c.indicator.criterion, "kind": c.kind,
                    "group": role, "disaggregation": domains.disaggregation, "disaggregation_value": value,
                    "category": c.category, "estimate": est[d, j], "se": se[d, j], "ci_low": lo[d],
                    "ci_high": hi[d], "df": dfree[d, j], "deff": deff[d, j], "cv": cv[d, j],
                    "n_unweighted": int(n_unw[d, j]), "n_weighted": n_w[d, j], "n_missing": int(miss[d, j]),
                    "n_kish": kish[d, j],
                    "suppressed": bool(n_unw[d, j] == 0), "suppression_reason": "min_n" if n_unw[d, j] == 0 else "",
                }
            )
    estimates = pd.DataFrame(rows)
    gaps = _gaps(parts, cols, domains, level)
    return estimates, gaps


def _gaps(parts: list[tuple[list[int], survey.DomainRatios]], cols: list[Column], domains: Domains,
          level: float) -> pd.DataFrame:
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
    shape = (len(pairs), len(cols))
    diff, se, dfree, lo, hi, p = (np.empty(shape) for _ in range(6))
    for idx, dr in parts:
        con = survey.domain_differences(dr, a=a, b=b, level=level)
        # the gap rests on both domains: its df is the smaller of their design df, not the whole design's
        gap_df = np.fmin(dr.df[a], dr.df[b])
        g_lo, g_hi = survey.t_ci(con.difference, con.se, df=gap_df, level=level)
        with np.errstate(invalid="ignore", divide="ignore"):
            p_val = np.where(gap_df > 0, 2.0 * stats.t.sf(np.abs(con.difference / con.se),
                                                          np.where(gap_df > 0, gap_df, 1.0)), np.nan)
        for out, values in ((diff, con.difference), (se, con.se), (dfree, gap_df), (lo, g_lo),
                            (hi, g_hi), (p, p_val)):
            out[:, idx] = values
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
