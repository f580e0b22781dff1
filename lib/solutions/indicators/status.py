"""Gap status per indicator and per criterion (methodology.md section 3), and trends across report years.

A gap's status is shown by evidence, never read from a non-significant test: with D the direction-adjusted
disadvantage of the displaced group and δ the equivalence margin, the gap is *closed* when the whole CI of D
lies below δ, *open* when it lies above 0 (and the gap is not closed), *inconclusive* otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats  # noqa: F401 - kept for the status code (trends moved to indicators.changes)

from solutions.catalogue import CRITERIA, Catalogue, Indicator, Margin
from solutions.config import EquivalenceMargin
from solutions.survey.intervals import t_quantile

GAP_KEY = ["indicator_id", "disaggregation", "disaggregation_value", "category"]
RELATIVE_KINDS = ("mean", "ratio")
GAP_VALUES = ("gap", "se", "ci_low", "ci_high", "p_value", "margin")


def margin_rule(ind: Indicator | None, default: EquivalenceMargin) -> Margin:
    """The indicator's own margin, else the global default for its kind (relative for means and ratios)."""
    if ind is not None and ind.margin is not None:
        return ind.margin
    if ind is not None and ind.kind in RELATIVE_KINDS:
        return Margin(relative=default.relative)
    return Margin(absolute=default.absolute)


def side_withheld(gaps: pd.DataFrame, estimates: pd.DataFrame) -> np.ndarray:
    """True where the displaced group's or the comparison group's estimate of a gap is withheld (or absent)."""
    est = estimates.set_index([*GAP_KEY, "group"])
    sup = est["suppressed"].astype(bool) | est["estimate"].isna()
    own = pd.MultiIndex.from_frame(gaps[[*GAP_KEY, "group"]])
    ref = pd.MultiIndex.from_frame(gaps[GAP_KEY].assign(group="comparison"))
    withheld = sup.reindex(own).fillna(True).to_numpy(dtype=bool) | sup.reindex(ref).fillna(True).to_numpy(dtype=bool)
    return withheld | ~np.isfinite(gaps["se"].to_numpy(dtype=float)) | ~np.isfinite(gaps["gap"].to_numpy(dtype=float))


def margins(gaps: pd.DataFrame, estimates: pd.DataFrame, *, catalogue: Catalogue | None,
            default: EquivalenceMargin, extra: dict[str, Indicator] | None = None) -> np.ndarray:
    """δ per gap row in the estimate's own units: the absolute margin, or the relative margin times
    |comparison estimate| of the same indicator, disaggregation value and category (NaN if withheld)."""
    lookup = dict(extra or {})
    comparison = estimates[estimates["group"] == "comparison"].set_index(GAP_KEY)["estimate"]
    ref = comparison.reindex(pd.MultiIndex.from_frame(gaps[GAP_KEY])).to_numpy(dtype=float)
    out = np.full(len(gaps), np.nan)
    for i, indicator_id in enumerate(gaps["indicator_id"].to_numpy()):
        ind = lookup.get(indicator_id)
        if ind is None and catalogue is not None:
            try:
                ind = catalogue.get(indicator_id)
            except KeyError:
                ind = None
            if ind is not None:
                lookup[indicator_id] = ind
        rule = margin_rule(ind, default)
        out[i] = rule.absolute if rule.absolute is not None else rule.relative * abs(ref[i])
    return out


def disadvantage_ci(gaps: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """CI of D (positive = the displaced group is worse off): −gap when higher is better, gap when lower is."""
    lo, hi = gaps["ci_low"].to_numpy(dtype=float), gaps["ci_high"].to_numpy(dtype=float)
    higher = (gaps["direction"] == "higher").to_numpy()
    return np.where(higher, -hi, lo), np.where(higher, -lo, hi)


def gap_status(gaps: pd.DataFrame, withheld: np.ndarray, margin: np.ndarray) -> pd.Series:
    """closed | open | inconclusive | insufficient_data | not_assessed for each gap row."""
    d_low, d_high = disadvantage_ci(gaps)
    # an SE of 0 (both sides a share of 0, or of 1) gives a CI of zero width that shows nothing: inconclusive
    pointless = gaps["se"].to_numpy(dtype=float) == 0 if "se" in gaps else np.zeros(len(gaps), dtype=bool)
    with np.errstate(invalid="ignore"):
        closed = (d_high < margin) & ~pointless
        opened = (d_low > 0) & ~closed & ~pointless
    status = np.where(closed, "closed", np.where(opened, "open", "inconclusive"))
    status = np.where(withheld | ~np.isfinite(margin), "insufficient_data", status)
    status = np.where(~gaps["direction"].isin(["higher", "lower"]).to_numpy(), "not_assessed", status)
    return pd.Series(status, index=gaps.index, dtype=object)


def gap_flags(gaps: pd.DataFrame, estimates: pd.DataFrame, *, withheld: np.ndarray, min_df: float) -> pd.Series:
    """The flags of both estimates a gap comes from and its own `low_df` (gap df below `min_df`), in the
    order `high_cv`, `low_df`, joined by `;`; "" for a gap with a withheld side (it shows no number)."""
    if "flag" in estimates:
        flag = estimates.set_index([*GAP_KEY, "group"])["flag"].astype(object).fillna("")
        flag = flag[~flag.index.duplicated()]
        own = flag.reindex(pd.MultiIndex.from_frame(gaps[[*GAP_KEY, "group"]])).fillna("").to_numpy()
        ref = flag.reindex(pd.MultiIndex.from_frame(gaps[GAP_KEY].assign(group="comparison"))).fillna("").to_numpy()
    else:
        own = ref = np.full(len(gaps), "", dtype=object)
    low = gaps["df"].to_numpy(dtype=float) < min_df
    out = []
    for a, b, lo, hidden in zip(own, ref, low, withheld, strict=True):
        if hidden:
            out.append("")
            continue
        codes = set(str(a).split(";")) | set(str(b).split(";")) | ({"low_df"} if lo else set())
        out.append(";".join(c for c in ("high_cv", "low_df") if c in codes))
    return pd.Series(out, index=gaps.index, dtype=object)


def assess_gaps(gaps: pd.DataFrame, estimates: pd.DataFrame, *, catalogue: Catalogue | None,
                default: EquivalenceMargin, extra: dict[str, Indicator] | None = None,
                min_df: float) -> pd.DataFrame:
    """The gaps with `margin`, `status` and `flag` set. A gap with a withheld side keeps no number at all,
    whatever its status (a category row is `not_assessed` but its gap would still give the withheld side
    away)."""
    out = gaps.copy()
    withheld = side_withheld(out, estimates)
    out["margin"] = margins(out, estimates, catalogue=catalogue, default=default, extra=extra)
    out["status"] = gap_status(out, withheld, out["margin"].to_numpy(dtype=float)).to_numpy()
    out.loc[out["status"].isin(["insufficient_data", "not_assessed"]).to_numpy(), "margin"] = np.nan
    for col in GAP_VALUES:
        out.loc[withheld, col] = np.nan
    out["flag"] = gap_flags(out, estimates, withheld=withheld, min_df=min_df).to_numpy()
    return out


def bonferroni_open(gaps: pd.DataFrame, k: int, confidence_level: float) -> np.ndarray:
    """True where the disadvantage D is above 0 at the Bonferroni level for k tests: the lower bound of D's
    t interval at 1 − α/k (on the gap's df) is above 0."""
    if k < 1 or gaps.empty:
        return np.zeros(len(gaps), dtype=bool)
    alpha = 1.0 - confidence_level
    gap = gaps["gap"].to_numpy(dtype=float)
    se = gaps["se"].to_numpy(dtype=float)
    q = t_quantile(gaps["df"].to_numpy(dtype=float), 1.0 - alpha / k)
    d = np.where((gaps["direction"] == "higher").to_numpy(), -gap, gap)
    with np.errstate(invalid="ignore"):
        return (d - q * se) > 0


def criteria_status(gaps: pd.DataFrame, groups: list[str], *, confidence_level: float,
                    not_collected: set[str] | frozenset[str] = frozenset()) -> pd.DataFrame:
    """Criterion × displaced group, over the national headline gaps of the criterion's k indicators with data
    (methodology §3): open if any indicator's disadvantage is above 0 at the Bonferroni level (its CI at
    1 − α/k) and the indicator is not closed; closed if every one with data is closed; not_collected if the
    survey asked none of its questions (`not_collected`: indicators dropped or whose variables are not in the
    data; a criterion with no indicator row at all too); insufficient_data if collected but all withheld;
    inconclusive otherwise. The n_* counts are the indicators' own gap statuses."""
    head = gaps[(gaps["disaggregation"] == "total") & (gaps["category"] == "") & (gaps["criterion"] > 0)]
    head = head[head["status"] != "not_assessed"]
    rows = []
    for criterion in CRITERIA:
        for group in groups:
            part = head[(head["criterion"] == criterion) & (head["group"] == group)]
            absent = part["indicator_id"].isin(not_collected).to_numpy()
            asked = part[~absent]
            s = asked["status"]
            counts = {k: int((s == k).sum()) for k in ("closed", "open", "inconclusive", "insufficient_data")}
            with_data = len(s) - counts["insufficient_data"]
            data = asked[(s != "insufficient_data").to_numpy()]
            opened = bonferroni_open(data, with_data, confidence_level) & (data["status"] != "closed").to_numpy()
            if len(asked) == 0:
                status = "not_collected"
            elif with_data == 0:
                status = "insufficient_data"
            elif opened.any():
                status = "open"
            elif counts["closed"] == with_data:
                status = "closed"
            else:
                status = "inconclusive"
            rows.append(
                {"criterion": criterion, "group": group, "status": status, "n_indicators": len(part),
                 "n_closed": counts["closed"], "n_open": counts["open"], "n_inconclusive": counts["inconclusive"],
                 "n_insufficient": counts["insufficient_data"], "n_not_collected": int(absent.sum())}
            )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ trends ----
TREND_KEY = ["country", "indicator_id", "group", "disaggregation", "disaggregation_value", "category"]


def comparable_years(history: pd.DataFrame, year: int,
                     catalogue: Catalogue | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split estimates of several report years into those comparable with ``year`` and those that are not
    (methodology.md section 3: estimates whose definitions differ are never compared), per indicator: an
    earlier row is comparable when its indicator's definition is the same under its catalogue version as
    under the version of the country's ``year`` rows (``Catalogue.comparable``: the same version, or both at
    or after the version that last revised the indicator). Rows of ``year`` itself are always comparable."""
    if history.empty or "catalogue_version" not in history.columns:
        return history, history.iloc[0:0]
    if catalogue is None:
        from solutions.catalogue import load_catalogue

        catalogue = load_catalogue()
    current = history[history["year"] == int(year)]
    versions = current.groupby("country")["catalogue_version"].agg(lambda v: sorted(set(v.dropna().astype(str))))
    seen: dict[tuple[str, str, str], bool] = {}

    def same(country: str, indicator: str, version: str) -> bool:
        key = (country, indicator, version)
        if key not in seen:
            seen[key] = any(catalogue.comparable(indicator, version, v) for v in versions.get(country, []))
        return seen[key]

    kept = [same(str(c), str(i), str(v)) for c, i, v in zip(history["country"], history["indicator_id"],
                                                             history["catalogue_version"], strict=True)]
    mask = np.asarray(kept, dtype=bool) | (history["year"] == int(year)).to_numpy()
    return history[mask], history[~mask]


def revised_in(indicator_id: str, catalogue: Catalogue | None = None) -> str:
    """The catalogue version in which the indicator's definition last changed, ``""`` when the catalogue
    records none (never revised, or a country's own indicator)."""
    if catalogue is None:
        from solutions.catalogue import load_catalogue

        catalogue = load_catalogue()
    try:
        return catalogue.get(indicator_id).revised or ""
    except KeyError:
        return ""
