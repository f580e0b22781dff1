"""Gap status per indicator and per criterion (methodology.md section 3).

A displaced group has closed the gap on an indicator when the gap is not significantly worse than zero:
the confidence interval of the gap does not lie entirely on the worse side (direction-aware).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solutions.catalogue import CRITERIA


def gap_status(gaps: pd.DataFrame, estimates: pd.DataFrame) -> pd.Series:
    """closed | open | insufficient_data | not_assessed for each gap row."""
    key = ["indicator_id", "disaggregation", "disaggregation_value", "category"]
    sup = estimates.set_index([*key, "group"])["suppressed"]
    own = pd.MultiIndex.from_frame(gaps[[*key, "group"]])
    ref = pd.MultiIndex.from_frame(gaps[key].assign(group="comparison"))
    withheld = sup.reindex(own).fillna(True).to_numpy() | sup.reindex(ref).fillna(True).to_numpy()
    withheld |= ~np.isfinite(gaps["se"].to_numpy()) | ~np.isfinite(gaps["gap"].to_numpy())
    worse_high = gaps["ci_high"].to_numpy() < 0  # higher is better: whole CI below zero
    worse_low = gaps["ci_low"].to_numpy() > 0  # lower is better: whole CI above zero
    direction = gaps["direction"].to_numpy()
    worse = np.where(direction == "higher", worse_high, np.where(direction == "lower", worse_low, False))
    status = np.where(worse, "open", "closed")
    status = np.where(withheld, "insufficient_data", status)
    status = np.where(direction == "none", "not_assessed", status)
    return pd.Series(status, index=gaps.index)


def criteria_status(gaps: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Criterion × displaced group: open if any indicator is open, else insufficient, else closed."""
    head = gaps[(gaps["disaggregation"] == "total") & (gaps["category"] == "") & (gaps["criterion"] > 0)]
    head = head[head["status"] != "not_assessed"]
    rows = []
    for criterion in CRITERIA:
        for group in groups:
            s = head[(head["criterion"] == criterion) & (head["group"] == group)]["status"]
            n_open, n_closed = int((s == "open").sum()), int((s == "closed").sum())
            n_ins = int((s == "insufficient_data").sum())
            if n_open:
                status = "open"
            elif n_ins or not len(s):
                status = "insufficient_data"
            else:
                status = "closed"
            rows.append(
                {"criterion": criterion, "group": group, "status": status, "n_indicators": len(s),
                 "n_closed": n_closed, "n_open": n_open, "n_insufficient": n_ins}
            )
    return pd.DataFrame(rows)
