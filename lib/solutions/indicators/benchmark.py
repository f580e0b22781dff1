"""Survey estimates beside an external benchmark (e.g. a national estimate), for surveys without a
comparison group, or as a second reference.

Why not a gap: a gap compares two groups of the same survey, with one linearized contrast and a status
(methodology.md section 3). A benchmark comes from another source (other sample, other year, perhaps another
definition), so it gets no status: the table says how the estimate compares, with the difference's interval
treating the two sources as independent (SE² of the survey + SE² of the benchmark when its SE is known;
otherwise the benchmark is taken as a fixed value and the page says so). Student's t on the estimate's
design degrees of freedom, as for the estimate's own interval. A withheld estimate gives no comparison.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from solutions.config import CountryConfig

COLUMNS = ["indicator_id", "criterion", "group", "estimate", "se", "reference_name", "reference_year", "reference",
           "reference_se", "difference", "difference_se", "ci_low", "ci_high", "comparison"]


def benchmarks(cfg: CountryConfig, estimates: pd.DataFrame, level: float) -> pd.DataFrame:
    """One row per benchmarked indicator and group (national totals, headline rows)."""
    ref = cfg.reference
    if ref is None or estimates.empty:
        return pd.DataFrame(columns=COLUMNS)
    head = estimates[(estimates["disaggregation"] == "total") & (estimates["category"] == "")]
    rows = []
    for indicator_id, value in ref.values.items():
        for r in head[head["indicator_id"] == indicator_id].itertuples():
            estimate, se, df = float(r.estimate), float(r.se), float(r.df)  # type: ignore[arg-type]  # stubs: a row's fields are any scalar; these columns are float
            withheld = bool(r.suppressed) or not np.isfinite(estimate)
            rse = value.se if value.se is not None else 0.0
            diff = np.nan if withheld else estimate - value.estimate
            dse = np.nan if withheld else float(np.hypot(se, rse))
            dfree = df if np.isfinite(df) and df > 0 else np.inf
            q = float(stats.t.ppf(0.5 + level / 2, dfree))
            lo, hi = diff - q * dse, diff + q * dse
            comparison = ("withheld" if withheld else "above" if lo > 0 else "below" if hi < 0
                          else "no clear difference")
            rows.append({"indicator_id": indicator_id, "criterion": r.criterion, "group": r.group,
                         "estimate": r.estimate, "se": r.se, "reference_name": ref.name,
                         "reference_year": ref.year or 0, "reference": value.estimate,
                         "reference_se": np.nan if value.se is None else value.se, "difference": diff,
                         "difference_se": dse, "ci_low": lo, "ci_high": hi, "comparison": comparison})
    return pd.DataFrame(rows, columns=COLUMNS)
