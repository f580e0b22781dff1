"""Taylor-linearization variance: PSU totals of scores and the with-replacement formula.

    V = sum_h c_h * sum_i (z_hi - zbar_h)(z_hi - zbar_h)',   c_h = (1 - n_h/N_h) * n_h / (n_h - 1)

z_hi is the total of the scores of PSU i in stratum h, n_h the number of sampled PSUs of the stratum in
the *whole* design (PSUs without records of a domain count as zeros: domain estimation on the full
design, never by sub-setting). Only variances (the diagonal) and variances of contrasts are needed, so
everything is computed column-wise on (entries, k) arrays.

Strata with a single PSU follow R's `survey` 4.1.1 (`onestrat` / `onestage`) with the default
`survey.adjust.domain.lonely = FALSE`:

* ``certainty`` and ``remove``: the stratum contributes 0 (identical in R for linearization designs);
* ``adjust``: the PSU total is centred at 0, the grand mean of the scores: contributes f_h * z_h^2;
* ``average``: the stratum is dropped and the sum is multiplied by (strata present)/(strata with
  a variance). For a domain estimate R (via `svyby`, which sub-sets) counts the strata with >= 1 record
  of the domain; for a covariance / contrast (`svyby(covmat=TRUE)`, on the full design) it counts all
  strata. Both are provided (`domain_strata=True/False`);
* ``fail`` is refused when the `Design` is built.

A stratum whose finite-population factor is < 1e-7 (a census stratum) contributes exactly 0 and never
counts as lonely, as in R.

Complexity: O(entries * k) time, a few `np.bincount` passes per variable over the entries' dense
(group, stratum) codes; no sort and no sparse matrix.
"""

from __future__ import annotations

import numpy as np

from .codes import compact
from .design import CENSUS_TOLERANCE, Design


def group_sums(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Column-wise sums (size, k) of `values` (m, k) by `index` (m,) in 0..size-1 (sequential, deterministic)."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        return np.bincount(index, values, size)[:size, None]
    out = np.empty((size, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(index, values[:, j], size)[:size]
    return out


def psu_totals(design: Design, scores: np.ndarray) -> np.ndarray:
    """Per-PSU totals (n_psus, k) of a record-level score matrix (n, k)."""
    return group_sums(design.psu, scores, design.n_psus)


def stratified_variance(
    design: Design,
    *,
    entry_group: np.ndarray,
    entry_psu: np.ndarray,
    values: np.ndarray,
    n_groups: int,
    present: np.ndarray | None = None,
    domain_strata: bool,
) -> np.ndarray:
    """Variance (n_groups, k) of the totals of `values`, given as (group, PSU) entries.

    Each (group, PSU) pair must occur at most once; PSUs of a stratum without an entry count as zeros.
    `present` (entries, k) tells which entries hold records of the estimate's universe; it only matters
    for `lonely_psu="average"` with `domain_strata=True` (R's count of strata present in a sub-set).
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    k = values.shape[1]
    entry_group = np.asarray(entry_group, dtype=np.intp)
    if entry_group.shape[0] == 0:
        return np.zeros((n_groups, k))
    H = design.n_strata
    entry_stratum = design.psu_stratum[np.asarray(entry_psu, dtype=np.intp)]

    # (group, stratum) cells as dense codes: no sort of the entries.
    inv, keys = compact(entry_group * H + entry_stratum, n_groups * H)
    q_group = keys // H
    q_stratum = keys % H
    nq = keys.shape[0]

    n_h = design.n_psu[q_stratum].astype(np.float64)
    f_h = design.fpc_factor[q_stratum]
    f_h = np.where(f_h < CENSUS_TOLERANCE, 0.0, f_h)
    lonely = n_h == 1
    with np.errstate(divide="ignore", invalid="ignore"):
        c_h = np.where(lonely, 0.0, f_h * n_h / (n_h - 1.0))
    absent = n_h - np.bincount(inv, minlength=nq)  # PSUs of the stratum without an entry: zeros
    option = design.lonely_psu
    lonely_na = lonely & (f_h > 0)  # census strata are never lonely
    var = np.empty((n_groups, k))
    for j in range(k):
        v = values[:, j]
        s1 = np.bincount(inv, v, nq)  # stratum totals
        mean = s1 / n_h
        dev = v - mean[inv]
        # Two-pass sum of squares around the stratum mean; absent PSUs are zeros at distance -mean.
        ss = np.bincount(inv, dev * dev, nq) + absent * mean * mean
        contrib = c_h * ss
        if option == "adjust":
            contrib = np.where(lonely, f_h * s1 * s1, contrib)
        # certainty / remove: 0 (already); average: excluded (0) and rescaled below.
        var[:, j] = np.bincount(q_group, contrib, n_groups)

    if option == "average" and lonely_na.any():
        if domain_strata:
            present_q = (np.ones((nq, k)) if present is None
                         else group_sums(inv, np.asarray(present, dtype=np.float64), nq) > 0)
            n_str = group_sums(q_group, present_q, n_groups)
            n_ok = group_sums(q_group, present_q * (~lonely_na)[:, None], n_groups)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = n_str / n_ok
            factor = np.where(n_str == 0, 1.0, factor)  # nothing present: variance stays 0
            var = var * factor
        else:
            strata_ok = int((~design.lonely_strata).sum())
            var = var * (design.n_strata / strata_ok) if strata_ok > 0 else np.full_like(var, np.nan)
    return var


def total_variance(design: Design, scores: np.ndarray) -> np.ndarray:
    """Variance (k,) of the weighted totals of record-level `scores` (n, k) on the full design."""
    tot = psu_totals(design, scores)
    var = stratified_variance(
        design,
        entry_group=np.zeros(design.n_psus, dtype=np.intp),
        entry_psu=np.arange(design.n_psus),
        values=tot,
        n_groups=1,
        domain_strata=False,
    )
    return var[0]
