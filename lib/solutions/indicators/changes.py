"""The change of an estimate between two editions and what it shows (methodology.md section 3).

Two editions come from independent surveys, so the change Δ = new − old has SE √(se₁² + se₂²) and Student's
t on the smaller of the two domains' df (normal when neither is known). Its status uses the margin logic of
the gap status (``status.margin_rule``: the indicator's own margin δ, else the global default for its kind),
with "better" and "worse" from the indicator's direction:

* ``no_material_change``: the whole CI of Δ lies within ±δ (shown by the data, as a closed gap is);
* ``improved`` / ``worsened``: the CI of Δ lies on the better / worse side of zero, and the change is not
  shown to be within the margin (as an open gap: a change shown smaller than δ is not "material");
* ``cannot_tell``: otherwise (the CI holds zero and values beyond δ);
* ``insufficient_data``: either edition's estimate is withheld (no number is published);
* ``not_assessed``: no better or worse direction (the categories of a distribution).

A relative margin (means and ratios in units) is δ × |the earlier estimate|. Used by the trends
(``year_over_year``), ``solutions diff`` and the front page's "what changed" (``solutions.editions``);
estimates whose definitions (catalogue version) differ are never compared (``status.comparable_years``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from solutions.catalogue import Catalogue, Indicator
from solutions.config import EquivalenceMargin
from solutions.indicators.status import TREND_KEY, comparable_years, margin_rule

CHANGE_STATUSES = ("improved", "worsened", "no_material_change", "cannot_tell", "insufficient_data", "not_assessed")
#: The statuses a reader must see first: the change is shown, one way or the other.
MATERIAL = ("improved", "worsened")
RULE_COLUMNS = ["country", "indicator_id", "direction", "absolute", "relative"]
COLUMNS = [*TREND_KEY, "year_from", "year_to", "estimate_from", "estimate_to", "change", "se", "df", "ci_low",
           "ci_high", "direction", "margin", "status"]
_RELATIVE_KINDS = ("mean", "ratio")


def change_status(change: np.ndarray, *, ci_low: np.ndarray, ci_high: np.ndarray, direction: np.ndarray,
                  margin: np.ndarray) -> np.ndarray:
    """improved | worsened | no_material_change | cannot_tell | insufficient_data | not_assessed per row."""
    change, lo, hi, m = (np.asarray(a, dtype=float) for a in (change, ci_low, ci_high, margin))
    direction = np.asarray(direction, dtype=object)
    higher = direction == "higher"
    better_lo, better_hi = np.where(higher, lo, -hi), np.where(higher, hi, -lo)  # CI of the improvement
    with np.errstate(invalid="ignore"):
        within = (lo > -m) & (hi < m)
        status = np.where(within, "no_material_change",
                          np.where(better_lo > 0, "improved", np.where(better_hi < 0, "worsened", "cannot_tell")))
    numbers = np.isfinite(change) & np.isfinite(lo) & np.isfinite(hi)
    status = np.where(numbers & ~np.isfinite(m), "cannot_tell", status)
    status = np.where(numbers, status, "insufficient_data")
    return np.where(np.isin(direction, ["higher", "lower"]), status, "not_assessed").astype(object)


def rules_from_tables(gaps: pd.DataFrame, estimates: pd.DataFrame, *, catalogue: Catalogue | None = None,
                      default: EquivalenceMargin, extra: Iterable[Indicator] = ()) -> pd.DataFrame:
    """Direction and margin rule per country and indicator (``RULE_COLUMNS``; one of absolute/relative set).

    First the rule an edition actually applied, read from its national gap rows (``direction``, ``margin``;
    a relative margin is ``margin`` / |comparison estimate|), so that a diff of published tables alone uses
    the configured margins and countries' own indicators; then, for indicators without such a row, the
    catalogue's (and ``extra`` indicators') direction with ``status.margin_rule`` under ``default``."""
    rows: list[dict] = []
    kinds = _kinds(estimates)
    if gaps is not None and len(gaps) and {"direction", "margin"} <= set(gaps.columns):  # older tables: no margin
        head = gaps[(gaps["disaggregation"] == "total") & (gaps["category"] == "")
                    & gaps["direction"].isin(["higher", "lower"])]
        comp = estimates[(estimates["group"] == "comparison") & (estimates["disaggregation"] == "total")
                         & (estimates["category"] == "")].drop_duplicates(["country", "indicator_id"])
        comparison = comp.set_index(["country", "indicator_id"])["estimate"]
        for r in head.dropna(subset=["margin"]).drop_duplicates(["country", "indicator_id"]).to_dict("records"):
            key = (str(r["country"]), str(r["indicator_id"]))
            if kinds.get(key[1]) in _RELATIVE_KINDS:
                ref = abs(float(comparison.get(key, np.nan)))
                if not np.isfinite(ref) or ref == 0:
                    continue
                rows.append({"country": key[0], "indicator_id": key[1], "direction": r["direction"],
                             "absolute": np.nan, "relative": float(r["margin"]) / ref})
            else:
                rows.append({"country": key[0], "indicator_id": key[1], "direction": r["direction"],
                             "absolute": float(r["margin"]), "relative": np.nan})
        # an indicator whose gaps were withheld still has a direction
        for r in head.drop_duplicates(["country", "indicator_id"]).to_dict("records"):
            rows.append({"country": str(r["country"]), "indicator_id": str(r["indicator_id"]),
                         "direction": r["direction"], "absolute": np.nan, "relative": np.nan})
    known: dict[str, Indicator] = {i.id: i for i in (catalogue.indicators if catalogue is not None else [])}
    known.update({i.id: i for i in extra})
    for ind in known.values():
        rule = margin_rule(ind, default)
        rows.append({"country": "*", "indicator_id": ind.id, "direction": ind.direction,
                     "absolute": np.nan if rule.absolute is None else rule.absolute,
                     "relative": np.nan if rule.relative is None else rule.relative})
    return pd.DataFrame(rows, columns=RULE_COLUMNS)


def _kinds(estimates: pd.DataFrame) -> dict[str, str]:
    if estimates is None or estimates.empty or "kind" not in estimates:
        return {}
    return {str(k): str(v) for k, v in estimates.drop_duplicates("indicator_id")[["indicator_id", "kind"]]
            .itertuples(index=False)}


def _rules_for(pair: pd.DataFrame, rules: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """(direction, margin) per pair row: the country's own rule with a margin, else any rule of the
    indicator that has one (``*``); the direction likewise. Category rows have no direction."""
    n = len(pair)
    direction = np.full(n, "none", dtype=object)
    margin = np.full(n, np.nan)
    if rules is None or rules.empty or not n:
        return direction, margin
    with_margin = rules[rules["absolute"].notna() | rules["relative"].notna()]
    by_country = {(r["country"], r["indicator_id"]): r for r in with_margin.to_dict("records")}
    by_indicator = {r["indicator_id"]: r for r in with_margin[with_margin["country"] == "*"].to_dict("records")}
    dirs = {(r["country"], r["indicator_id"]): r["direction"] for r in rules.iloc[::-1].to_dict("records")}
    for i, (country, indicator_id, category, before) in enumerate(zip(
            pair["country"].astype(str), pair["indicator_id"].astype(str), pair["category"].astype(str),
            pair["estimate_from"].to_numpy(dtype=float), strict=True)):
        if category:
            continue
        direction[i] = dirs.get((country, indicator_id), dirs.get(("*", indicator_id), "none"))
        rule = by_country.get((country, indicator_id)) or by_indicator.get(indicator_id)
        if rule is None:
            continue
        margin[i] = rule["absolute"] if np.isfinite(rule["absolute"]) else rule["relative"] * abs(before)
    return direction, margin


def changes_between(before: pd.DataFrame, now: pd.DataFrame, *, confidence_level: float,
                    rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """The change of every estimate present in both tables (joined on ``TREND_KEY``), with SE, df, CI,
    margin and status (``COLUMNS``). Withheld on either side: no number, status ``insufficient_data``."""
    pair = now.merge(before, on=TREND_KEY, suffixes=("_to", "_from"))
    if pair.empty:
        return pd.DataFrame(columns=COLUMNS)
    withheld = np.zeros(len(pair), dtype=bool)
    for side in ("_to", "_from"):
        flag = pair.get(f"suppressed{side}")
        if flag is not None:
            withheld |= flag.astype("boolean").fillna(False).to_numpy(dtype=bool)
        withheld |= ~np.isfinite(pair[f"estimate{side}"].to_numpy(dtype=float))
        withheld |= ~np.isfinite(pair[f"se{side}"].to_numpy(dtype=float))
    est_to, est_from = pair["estimate_to"].to_numpy(dtype=float), pair["estimate_from"].to_numpy(dtype=float)
    change = np.where(withheld, np.nan, est_to - est_from)
    se = np.where(withheld, np.nan, np.sqrt(pair["se_to"].to_numpy(dtype=float) ** 2
                                            + pair["se_from"].to_numpy(dtype=float) ** 2))
    dfs = np.fmin(pair["df_to"].to_numpy(dtype=float) if "df_to" in pair else np.full(len(pair), np.nan),
                  pair["df_from"].to_numpy(dtype=float) if "df_from" in pair else np.full(len(pair), np.nan))
    usable = np.isfinite(dfs) & (dfs > 0)
    q = np.where(usable, stats.t.ppf(0.5 + confidence_level / 2, np.where(usable, dfs, 1)),
                 stats.norm.ppf(0.5 + confidence_level / 2))
    out = pair[TREND_KEY].assign(
        year_from=pair["year_from"].astype(int), year_to=pair["year_to"].astype(int),
        estimate_from=np.where(withheld, np.nan, est_from), estimate_to=np.where(withheld, np.nan, est_to),
        change=change, se=se, df=np.where(withheld, np.nan, dfs), ci_low=change - q * se, ci_high=change + q * se,
    )
    direction, margin = _rules_for(out, rules)
    out["direction"] = direction
    out["margin"] = np.where(withheld | (direction == "none"), np.nan, margin)
    out["status"] = change_status(out["change"].to_numpy(), ci_low=out["ci_low"].to_numpy(),
                                  ci_high=out["ci_high"].to_numpy(), direction=direction,
                                  margin=out["margin"].to_numpy())
    return out[COLUMNS].reset_index(drop=True)


def year_over_year(history: pd.DataFrame, year: int, *, confidence_level: float,
                   rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change of each estimate from the latest earlier comparable report year to ``year`` (``COLUMNS``)."""
    data, _ = comparable_years(history, year)
    if data.empty:
        return pd.DataFrame(columns=COLUMNS)
    now = data[data["year"] == int(year)]
    before = data[data["year"] < int(year)]
    if now.empty or before.empty:
        return pd.DataFrame(columns=COLUMNS)
    before = before.sort_values("year").groupby(TREND_KEY, sort=False, dropna=False).tail(1)
    return changes_between(before, now, confidence_level=confidence_level, rules=rules)
