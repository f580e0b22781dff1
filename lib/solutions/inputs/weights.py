"""Weights once read or computed: the scales of appended files, trimming, and the diagnostics a reader needs.

* **Scales of appended files.** Regional files are often weighted per file and normalised (each file's
  weights sum to its sample size). Appended as they are, each region would count in proportion to its sample,
  not its population; and files normalised in different ways (mean weights 0.74, 0.29 and 0.09 in one real
  case) would count in proportions nobody chose. So when a table comes from several files: files given a
  `population` are rescaled to it (w × N_f / Σ_f w), or a sampling frame with `rescale: true` rescales every
  stratum to its population (`frame.py`); otherwise any file whose weights average 1 or less (they sum to no
  more than its records, so they cannot be population totals) is a problem showing each file's scale.
* **Trimming** (`design.trim: k`): every weight above k × the mean weight is set to that cap and the other
  weights are scaled up so the total stays the same (so the mean, and the cap, stay the same), repeated until
  no weight exceeds the cap. It trades a little bias for less variance; the note says how many were capped.
* **Diagnostics**, per population group (records of weight 0 left out): Kish's effective sample size n_eff = (Σw)² / Σw² (the number of
  equally weighted records giving the same precision), the design effect of unequal weights n / n_eff, and the
  largest share of the group's weighted total carried by one record; above `design.max_weight_share` a warning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solutions.config import ROLES
from solutions.inputs.messages import show_values

NORMALISED = 0.01  # a file whose mean weight is at most 1 (+1%) is not on a population scale
MAX_TRIM_ROUNDS = 100


def rescale_files(weights: pd.Series, part: np.ndarray, files: list[str], populations: list[float | None]
                  ) -> tuple[pd.Series, list[str]]:
    """Each file's weights rescaled to its known population total; returns (weights, notes)."""
    w = weights.to_numpy(dtype=float).copy()
    notes = []
    for i, (f, pop) in enumerate(zip(files, populations, strict=True)):
        if pop is None:
            continue
        mine = part == i
        total = np.nansum(w[mine])
        if total > 0:
            mean = total / max(int(mine.sum()), 1)
            w[mine] *= pop / total
            notes.append(f"{f}: weights rescaled from a total of {total:,.1f} (mean weight {mean:,.2f}) to the "
                         f"population {pop:,.0f}")
    return pd.Series(w, index=weights.index), notes


def scale_problems(weights: pd.Series, part: np.ndarray, files: list[str]) -> list[str]:
    """Weights of appended files whose scales cannot be mixed (see the module docstring)."""
    if len(files) < 2:
        return []
    w = weights.to_numpy(dtype=float)
    means = [float(np.nanmean(w[part == i])) for i in range(len(files))]
    normalised = [m <= 1 + NORMALISED for m in means]
    if not any(normalised):
        return []
    shown = ", ".join(f"{f} (mean weight {m:,.2f}, total {np.nansum(w[part == i]):,.1f} for {int((part == i).sum()):,} "
                      f"records{': not a population scale' if n else ''})"
                      for i, (f, m, n) in enumerate(zip(files, means, normalised, strict=True)))
    fix = ("give each file's population (data.households.files[].population) to rescale its weights, or the "
           "sampling frame's populations (design.weights with rescale: true) to rescale them per stratum")
    if all(normalised):
        return [f"households: the weights of {shown} are normalised per file (they sum to no more than each file's "
                f"records): appended, each file would count in proportion to its own scale, not its population; {fix}"]
    return [f"households: weight scales differ between the appended files: {shown}; {fix}"]


def trim(weights: pd.Series, ratio: float) -> tuple[pd.Series, list[str]]:
    """Cap weights at `ratio` × the mean weight, keeping the total (see the module docstring)."""
    w = weights.to_numpy(dtype=float).copy()
    total = w.sum()
    cap = ratio * total / len(w)  # the mean is kept with the total, so the cap is fixed and always reachable
    capped = np.zeros(len(w), dtype=bool)
    for _ in range(MAX_TRIM_ROUNDS):
        over = ~capped & (w > cap * (1 + 1e-12))
        if not over.any():
            break
        capped |= over
        w[capped] = cap
        w[~capped] *= (total - cap * capped.sum()) / w[~capped].sum()
    n = int(capped.sum())
    note = (f"weights trimmed at {ratio:g} × the mean weight ({cap:,.2f}): {n} record(s) capped, the total "
            f"weight kept ({total:,.1f})") if n else f"no weight above {ratio:g} × the mean weight: none trimmed"
    return pd.Series(w, index=weights.index), [note]


def diagnostics(households: pd.DataFrame) -> pd.DataFrame:
    """Per group (and all records): n, weighted total, Kish n_eff, design effect of weighting, largest share."""
    rows = []
    if "weight" not in households:
        return pd.DataFrame(columns=["group", "n", "weighted", "n_effective", "deff_weighting", "max_share"])
    groups = [("all", households)]
    if "role" in households:
        groups += [(r, households[households["role"] == r]) for r in ROLES if (households["role"] == r).any()]
    for g, part in groups:
        w = part["weight"].to_numpy(dtype=float)
        w = w[np.isfinite(w) & (w > 0)]  # records of weight 0 are in the design but in no n
        if not len(w) or w.sum() <= 0:
            continue
        n_eff = w.sum() ** 2 / (w**2).sum()
        rows.append({"group": g, "n": len(w), "weighted": float(w.sum()), "n_effective": float(n_eff),
                     "deff_weighting": float(len(w) / n_eff), "max_share": float(w.max() / w.sum())})
    return pd.DataFrame(rows)


def share_warnings(diag: pd.DataFrame, limit: float, name: str) -> list[str]:
    """One warning per group where a single record carries more than `limit` of the group's weight."""
    high = diag[(diag["group"] != "all") & (diag["max_share"] > limit)]
    return [f"{name}: one {r.group} record carries {r.max_share:.1%} of the group's total weight (above "
            f"design.max_weight_share {limit:.0%}); Kish effective n {r.n_effective:,.0f} of {r.n:,}: consider "
            "design.trim" for r in high.itertuples()]


def summary(diag: pd.DataFrame) -> str:
    """One line for `solutions validate`: effective n and largest share per group."""
    parts = [f"{r.group} n={r.n:,} (Kish effective n {r.n_effective:,.0f}, largest record {r.max_share:.1%})"
             for r in diag.itertuples() if r.group != "all"]
    return "weights: " + ("; ".join(parts) if parts else show_values(diag["group"]))
