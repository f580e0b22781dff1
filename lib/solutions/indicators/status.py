"""Gap status per indicator and per criterion (methodology.md section 3).

A displaced group has closed the gap on an indicator when the gap is not significantly worse than zero:
the confidence interval of the gap does not lie entirely on the worse side (direction-aware).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

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


# ------------------------------------------------------------------ trends ----
TREND_KEY = ["country", "indicator_id", "group", "disaggregation", "disaggregation_value", "category"]


def comparable_years(history: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split estimates of several report years into those comparable with ``year`` (computed with the
    same catalogue version, per country) and those that are not (methodology.md section 3: estimates
    whose definitions differ are never compared). Rows of ``year`` itself are always comparable."""
    if history.empty or "catalogue_version" not in history.columns:
        return history, history.iloc[0:0]
    current = history[history["year"] == int(year)]
    versions = current.groupby("country")["catalogue_version"].agg(lambda v: set(v.dropna().astype(str)))
    same = [str(v) in versions.get(c, set()) for c, v in zip(history["country"], history["catalogue_version"],
                                                               strict=True)]
    mask = np.asarray(same, dtype=bool) | (history["year"] == int(year)).to_numpy()
    return history[mask], history[~mask]


def year_over_year(history: pd.DataFrame, year: int, confidence_level: float = 0.95) -> pd.DataFrame:
    """Change of each estimate from the latest earlier comparable report year to ``year``.

    The two years come from independent surveys, so the change's standard error is the root of the sum
    of the two squared standard errors, with Student's t on the smaller of the two design degrees of
    freedom (normal when unknown). Withheld estimates give no change. Columns: the trend key,
    ``year_from, year_to, estimate_from, estimate_to, change, se, ci_low, ci_high, significant``.
    """
    cols = [*TREND_KEY, "year_from", "year_to", "estimate_from", "estimate_to", "change", "se", "ci_low",
            "ci_high", "significant"]
    data, _ = comparable_years(history, year)
    if data.empty:
        return pd.DataFrame(columns=cols)
    now = data[data["year"] == int(year)]
    before = data[data["year"] < int(year)]
    if now.empty or before.empty:
        return pd.DataFrame(columns=cols)
    before = before.sort_values("year").groupby(TREND_KEY, sort=False, dropna=False).tail(1)
    pair = now.merge(before, on=TREND_KEY, suffixes=("_to", "_from"))
    if pair.empty:
        return pd.DataFrame(columns=cols)
    withheld = np.zeros(len(pair), dtype=bool)
    for side in ("_to", "_from"):
        flag = pair.get(f"suppressed{side}")
        if flag is not None:
            withheld |= flag.astype("boolean").fillna(False).to_numpy(dtype=bool)
    change = np.where(withheld, np.nan, pair["estimate_to"] - pair["estimate_from"])
    se = np.where(withheld, np.nan, np.sqrt(pair["se_to"] ** 2 + pair["se_from"] ** 2))
    dfs = np.fmin(pair.get("df_to", np.nan), pair.get("df_from", np.nan)).to_numpy(dtype=float)
    q = np.where(np.isfinite(dfs) & (dfs > 0), stats.t.ppf(0.5 + confidence_level / 2, np.where(dfs > 0, dfs, 1)),
                 stats.norm.ppf(0.5 + confidence_level / 2))
    out = pair[TREND_KEY].assign(
        year_from=pair["year_from"].astype(int), year_to=pair["year_to"].astype(int),
        estimate_from=np.where(withheld, np.nan, pair["estimate_from"]),
        estimate_to=np.where(withheld, np.nan, pair["estimate_to"]),
        change=change, se=se, ci_low=change - q * se, ci_high=change + q * se,
    )
    out["significant"] = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    return out[cols].reset_index(drop=True)
