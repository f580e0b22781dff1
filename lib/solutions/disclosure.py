"""Disclosure control on the estimates table (methodology.md section 5).

Applied in the engine, before anything is written, so no page or download can show a withheld value:
- primary suppression: an estimate whose unweighted denominator is below `min_n`, that has no variance
  estimate (`no_variance`: a domain in one cluster), or whose effective sample size (n divided by the design
  effect; Kish's where the design effect is undefined) is below `min_effective_n`;
- complementary suppression: rows bound by an exact relation form a *set* (the categories of one domain,
  which sum to 1; a total and its cells for one disaggregation, whose weighted sums add up). A set with
  exactly one withheld row lets that row be rebuilt by subtraction, so a second row of the set is withheld;
  and a by-reason breakdown is withheld with its headline (its weighted size is the headline's share of the
  headline's). Again and again until nothing changes (one withholding can open another set);
- counts leak too: a withheld row publishes no `n_unweighted`, `n_missing` (nor `n_weighted`), since its count
  and its breakdown's ("k of n") would give the value away; an empty cell keeps its 0 (a known zero). The
  sets above make sure no withheld count can be had by subtraction either;
- flags on what is published: `high_cv` (CV above `max_cv`), `low_df` (design df below `min_df`);
- count tables (`sample_counts`): a cell under `min_count` is withheld ("fewer than 5"), with a partner in
  its group so that the group's total (known from the estimates) does not give it away.

Gaps, trends and the pages follow from the `suppressed` column (`solutions.indicators.status`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solutions.config import Thresholds

VALUE_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "cv", "deff", "n_effective", "n_weighted")
COUNT_COLUMNS = ("n_unweighted", "n_missing")  # blank on withheld rows that hold records
SAMPLE_COUNTS = ("households", "individuals", "psus")
CATEGORY_KINDS = ("distribution", "by_reason")
FLAG_SEPARATOR = ";"


def effective_n(est: pd.DataFrame) -> pd.Series:
    """n ÷ design effect; where the design effect is undefined (an estimate of 0 or 1 has no variance, under
    the design or under SRS) Kish's (Σw)² / Σw² of the domain (`n_kish`, when the engine gave it), so the
    effective-n rule always applies."""
    deff = est["deff"].astype(float)
    ok = np.isfinite(deff) & (deff > 0)
    eff = (est["n_unweighted"].astype(float) / deff.where(ok)).where(ok)
    if "n_kish" in est:
        eff = eff.where(ok, est["n_kish"].astype(float))
    return eff


def no_variance(est: pd.DataFrame) -> pd.Series:
    """Rows with no variance estimate: a domain in one cluster (design df 0 or less), or no finite SE, or an
    SE of 0 where no interval can stand in for it (only a share of 0 or 1 has one: Korn–Graubard)."""
    se = est["se"].astype(float)
    ci = est["ci_high"].astype(float) - est["ci_low"].astype(float)
    return (est["df"].astype(float) <= 0) | ~np.isfinite(se) | ((se == 0) & ~(ci > 0))


def suppress(est: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """A copy with `n_effective`, `suppressed`, `suppression_reason`, `flag` set and withheld values blanked."""
    out = est.copy()
    out["n_effective"] = effective_n(out)
    already = out["suppressed"].astype(bool) if "suppressed" in out else pd.Series(False, index=out.index)
    reason = out.get("suppression_reason", pd.Series("", index=out.index)).astype(object).fillna("")
    small = out["n_unweighted"] < thresholds.min_n
    novar = no_variance(out) & ~small
    thin = (out["n_effective"] < thresholds.min_effective_n) & ~small & ~novar
    reason = reason.where(already | ~small, "min_n")
    reason = reason.where(already | ~novar, "no_variance")
    reason = reason.where(already | ~thin, "min_effective_n")
    out["suppressed"] = already | small | novar | thin
    out["suppression_reason"] = reason
    out = complementary(out).drop(columns="n_kish", errors="ignore")
    out["flag"] = flags(out, thresholds)
    for col in VALUE_COLUMNS:
        out.loc[out["suppressed"], col] = np.nan
    hidden = out["suppressed"].to_numpy(dtype=bool) & (out["n_unweighted"].to_numpy(dtype=float) > 0)
    for col in COUNT_COLUMNS:
        out[col] = out[col].astype(float)
        out.loc[hidden, col] = np.nan
    return out


def sample_counts(sample: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """The sample count table (group × area: households, individuals, PSUs) as published: a cell under
    `min_count` is NaN with `<count>_withheld` = "min_count"; where a group has exactly one such cell in a
    column, its next smallest cell is withheld too ("complementary"), since the group's total follows from
    the estimates (respondents and missing answers of an indicator over all households)."""
    out = sample.copy()
    by = "group" if "group" in out.columns else None
    for col in [c for c in SAMPLE_COUNTS if c in out.columns]:
        values = out[col].astype(float)
        why = np.where(values < min_count, "min_count", "").astype(object)  # object: "complementary" fits
        groups = out[by].to_numpy() if by else np.zeros(len(out))
        for g in pd.unique(groups):
            rows = np.flatnonzero(groups == g)
            if (why[rows] != "").sum() == 1 and len(rows) > 1:
                shown = rows[why[rows] == ""]
                why[shown[np.argmin(values.to_numpy()[shown])]] = "complementary"
        out[col] = values.where(why == "")
        out[f"{col}_withheld"] = why
    return out


def flags(est: pd.DataFrame, thresholds: Thresholds) -> pd.Series:
    """`high_cv`, `low_df`, both (joined by `;`) or `""` for each published row; `""` for withheld rows."""
    shown = ~est["suppressed"].astype(bool)
    high = shown & (est["cv"].abs() > thresholds.max_cv)
    low = shown & (est["df"] < thresholds.min_df)
    text = np.where(high, "high_cv", "")
    both = np.where(high & low, FLAG_SEPARATOR, "")
    return pd.Series(np.char.add(np.char.add(text, both), np.where(low, "low_df", "")), index=est.index,
                     dtype=object)


def linked_sets(est: pd.DataFrame) -> list[np.ndarray]:
    """Every set of rows (positions in `est`) bound by an exact relation that makes a single withheld row
    recoverable:

    - the categories of a distribution or by-reason breakdown in one domain: they sum to 1;
    - a total and its cells for one disaggregation (per indicator, kind, group and category): the cells'
      n_weighted add up to the total's, and so do n_weighted × estimate.
    """
    pos = pd.Series(np.arange(len(est)), index=est.index)
    frame = est.assign(_pos=pos.to_numpy())
    sets = []
    cats = frame[frame["kind"].isin(CATEGORY_KINDS)]
    for _, rows in cats.groupby(["indicator_id", "kind", "group", "disaggregation", "disaggregation_value"],
                                sort=False)["_pos"]:
        sets.append(rows.to_numpy())
    scope = frame[frame["kind"] != "system"]
    key = ["indicator_id", "kind", "group", "category"]
    totals = {k: rows.to_numpy() for k, rows in scope[scope["disaggregation"] == "total"].groupby(key, sort=False)["_pos"]}
    parts = scope[scope["disaggregation"] != "total"]
    for (*k, _disagg), rows in parts.groupby([*key, "disaggregation"], sort=False)["_pos"]:
        sets.append(np.concatenate([rows.to_numpy(), totals.get(tuple(k), np.empty(0, dtype=np.int64))]))
    return [s for s in sets if len(s) > 1]


def breakdown_links(est: pd.DataFrame) -> list[tuple[int, np.ndarray]]:
    """(headline row, its by-reason rows) in each domain: the breakdown's weighted size is the headline's
    share of its own (`n_weighted × estimate`, or its complement), so a published breakdown would give a
    withheld headline away."""
    pos = est.assign(_pos=np.arange(len(est)))
    key = ["indicator_id", "group", "disaggregation", "disaggregation_value"]
    heads = pos[(pos["category"] == "") & pos["kind"].isin(["proportion", "ratio", "mean"])]
    head_of = {k: int(p) for k, p in zip(heads[key].itertuples(index=False, name=None), heads["_pos"], strict=True)}
    parts = pos[(pos["kind"] == "by_reason") & (pos["category"] != "")]
    links = []
    for k, rows in parts.groupby(key, sort=False)["_pos"]:
        if k in head_of:
            links.append((head_of[k], rows.to_numpy()))
    return links


def complementary(est: pd.DataFrame) -> pd.DataFrame:
    """Withhold a partner in every linked set with exactly one withheld row, and the breakdown of every
    withheld headline, until neither is left.

    Empty cells (n = 0) are known zeros, not secrets: they neither count as withheld nor serve as partners.
    The partner is a published cell rather than a total (a total sits in the sets of every disaggregation),
    the one with the smallest effective n (then unweighted n, then position): the least reliable estimate is
    the one given up, and the choice is deterministic.
    """
    out = est.copy()
    withheld = out["suppressed"].to_numpy(dtype=bool).copy()
    reason = out["suppression_reason"].to_numpy(dtype=object).copy()
    live = out["n_unweighted"].to_numpy() > 0
    rank = np.lexsort((np.arange(len(out)), out["n_unweighted"].to_numpy(),
                       out["n_effective"].fillna(np.inf).to_numpy(),
                       (out["disaggregation"] == "total").to_numpy()))
    order = np.empty(len(out), dtype=np.int64)
    order[rank] = np.arange(len(out))  # smaller = withheld first
    sets = [s[live[s]] for s in linked_sets(out)]
    sets = [s for s in sets if len(s) > 1]
    links = [(h, b[live[b]]) for h, b in breakdown_links(out) if live[h]]
    changed = True
    while changed:
        changed = False
        for head, parts in links:
            if withheld[head] and not withheld[parts].all():
                reason[parts[~withheld[parts]]] = "complementary"
                withheld[parts] = True
                changed = True
        for s in sets:
            hidden = withheld[s]
            if hidden.sum() != 1:
                continue
            shown = s[~hidden]
            partner = shown[np.argmin(order[shown])]
            withheld[partner] = True
            reason[partner] = "complementary"
            changed = True
    out["suppressed"] = withheld
    out["suppression_reason"] = reason
    return out
