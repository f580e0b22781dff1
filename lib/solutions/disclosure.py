"""Disclosure control on the results tables (methodology.md section 5).

Applied in the engine, before anything is written, so no page or download can show a withheld value:
- primary suppression: an estimate whose unweighted denominator is below `min_n`;
- complementary suppression: where the cells of one disaggregation partition the total and exactly one
  is withheld, the next smallest is withheld too, so the withheld cell cannot be derived from the total
  and the published weighted sizes;
- flagging: an estimate whose coefficient of variation exceeds `max_cv` is published with flag `high_cv`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solutions.config import Thresholds

VALUE_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "cv", "deff", "n_weighted")
_PARTITION = ["indicator_id", "group", "disaggregation", "category"]


def suppress(est: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """Return a copy with `suppressed`, `suppression_reason`, `flag` set and withheld values blanked."""
    out = est.copy()
    small = out["n_unweighted"] < thresholds.min_n
    already = out["suppressed"].astype(bool) if "suppressed" in out else pd.Series(False, index=out.index)
    reason = out.get("suppression_reason", pd.Series("", index=out.index)).astype(object).fillna("")
    reason = reason.where(already | ~small, "min_n")
    out["suppressed"] = already | small
    out["suppression_reason"] = reason
    out = _complementary(out)
    high = (~out["suppressed"]) & (out["cv"].abs() > thresholds.max_cv)
    out["flag"] = np.where(high, "high_cv", "")
    for col in VALUE_COLUMNS:
        out.loc[out["suppressed"], col] = np.nan
    return out


def _complementary(out: pd.DataFrame) -> pd.DataFrame:
    """Within each partition (not the total) with exactly one withheld cell, withhold the next smallest."""
    parts = out[out["disaggregation"] != "total"]
    for _, idx in parts.groupby(_PARTITION, sort=False).groups.items():
        cells = out.loc[idx]
        if len(cells) < 2:
            continue
        withheld = cells["suppressed"]
        if withheld.sum() == 1:
            # the partner: the smallest published cell, ties broken by order for determinism
            partner = cells[~withheld].sort_values("n_unweighted", kind="stable").index[0]
            out.loc[partner, "suppressed"] = True
            out.loc[partner, "suppression_reason"] = "complementary"
    return out
