"""Domain estimates over a Dask dataframe, for a survey too large for one machine's memory.

Everything the Taylor-linearization variance needs is additive over records: per-domain weighted totals
(pass 1) and per-(PSU, domain) score totals (pass 2). Each partition is reduced to these small sums by
the very functions the in-memory engine uses on its row blocks (`record_values`, `DomainSums`,
`linearized_scores`), the sums are added on the client, and the variance, df, deff and intervals come
from the in-memory `finish_domain_estimates` on a PSU-level `Design`. So results equal the in-memory
engine's (to rounding, ~1e-15 relative) for the same data, with the same lonely-PSU rules, and
`estimators.contrast` works on them unchanged.

Memory on the client is O(PSUs x domains x variables); workers hold one partition at a time. Store the
data as Parquet partitioned by stratum (`write_by_stratum`) so a PSU's records sit in few files; any
partitioning gives the same results, since only sums cross partitions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .design import Design, LonelyPSU
from .estimators import (
    DeffMethod,
    DomainRatios,
    DomainSums,
    Kind,
    finish_domain_estimates,
    linearized_scores,
    record_values,
)
from .linearization import indicator_matrix

KINDS: tuple[str, ...] = ("ratio", "mean", "proportion", "total")


@dataclass(frozen=True)
class Spec:
    """Which columns play which role; travels to every partition task."""

    kind: Kind
    y: tuple[str, ...]
    weight: str
    strata: str
    psu: str
    denominator: tuple[str, ...] | None
    universe: tuple[str, ...] | None
    domain: str | None
    fpc: str | None


@dataclass(frozen=True, eq=False)
class DomainEstimates:
    """`ratios` (the in-memory engine's result type) for the domains labelled `domains`, in that order."""

    ratios: DomainRatios
    domains: np.ndarray


def write_by_stratum(df: pd.DataFrame, path: str | Path, strata: str) -> Path:
    """Write `df` as a Parquet dataset partitioned by `strata` (`path/<strata>=<value>/...`).

    Written to a temporary folder next to `path`, then renamed into place, so a killed write never
    leaves a partial dataset that a reader would take for the whole survey.
    """
    path = Path(path)
    if df[strata].isna().any():
        raise ValueError(f"stratum column {strata!r} has {int(df[strata].isna().sum())} missing value(s)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        df.to_parquet(tmp / "data", partition_cols=[strata], index=False, engine="pyarrow")
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp / "data", path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def domain_estimates(
    ddf: Any,
    kind: Kind,
    y: str | list[str],
    *,
    weight: str,
    strata: str,
    psu: str,
    denominator: str | list[str] | None = None,
    domain: str | None = None,
    universe: str | list[str] | None = None,
    fpc: str | None = None,
    lonely_psu: LonelyPSU = "fail",
    level: float = 0.95,
    deff_method: DeffMethod = "wor",
    scheduler: Any = None,
) -> DomainEstimates:
    """Ratios, means, proportions or totals of columns `y` per value of `domain`, over a Dask dataframe.

    Same semantics as `ratio_by_domain` / `mean_by_domain` / `proportion_by_domain` / `total_by_domain`
    on `Design.from_frame(df, weight, strata, psu, fpc, nest=True, lonely_psu)`: PSU ids are nested in
    strata; records with a missing domain are in no domain; NaN in y (or x), or False in the boolean
    `universe` column of a variable, leaves the record out of that variable. Domains are the sorted
    distinct values of `domain` (one domain, "all", without it). `scheduler` goes to `dask.compute`
    (e.g. "threads", "sync", a `distributed.Client`); by default Dask's current one (an active Client).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    spec = Spec(kind, _names(y), weight, strata, psu, _names(denominator) if denominator else None,
                _names(universe) if universe else None, domain, fpc)
    if kind == "ratio" and spec.denominator is None:
        raise ValueError("a ratio needs denominator columns")
    if kind != "ratio" and spec.denominator is not None:
        raise ValueError(f"a {kind} takes no denominator")
    k = len(spec.y)
    for what, cols in (("denominator", spec.denominator), ("universe", spec.universe)):
        if cols is not None and len(cols) != k:
            raise ValueError(f"{what} has {len(cols)} columns, y has {k}")
    needed = {weight, strata, psu, *spec.y, *(spec.denominator or ()), *(spec.universe or ())}
    needed |= {c for c in (domain, fpc) if c}
    missing = sorted(needed - set(ddf.columns))
    if missing:
        raise ValueError(f"column(s) {missing} not in the data (columns: {list(ddf.columns)})")

    import dask

    parts = ddf[sorted(needed)].to_delayed()
    first = dask.compute(*[dask.delayed(_structure_and_totals)(p, spec) for p in parts], scheduler=scheduler)
    design, psu_index = _design(first, spec, lonely_psu)
    labels, sums = _domain_totals(first, spec, k)
    est, centre, x_tot = sums.ratios(kind, spec.denominator is not None)
    second = dask.compute(*[
        dask.delayed(_cell_scores)(p, spec, psu_index, labels, est, x_tot, centre) for p in parts
    ], scheduler=scheduler)
    cell_psu, cell_dom, scores, present, ss = _combine_cells(second, len(labels), k)
    ratios = finish_domain_estimates(
        design, kind, est, sums, x_tot, ss, cell_psu, cell_dom, scores, present, level, deff_method
    )
    return DomainEstimates(ratios=ratios, domains=labels)


def _names(cols: str | list[str]) -> tuple[str, ...]:
    return (cols,) if isinstance(cols, str) else tuple(cols)


def _plain(col: pd.Series) -> pd.Series:
    """A partition column as its values' own type (hive partition columns are read back categorical)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.astype(col.cat.categories.dtype)
    return col


def _domain_codes(part: pd.DataFrame, spec: Spec, labels: pd.Index) -> np.ndarray:
    if spec.domain is None:
        return np.zeros(len(part), dtype=np.int64)
    return labels.get_indexer(_plain(part[spec.domain])).astype(np.int64)  # -1: missing, in no domain


def _values(part: pd.DataFrame, spec: Spec):
    def block(cols):
        return None if cols is None else part[list(cols)].to_numpy(dtype=np.float64, na_value=np.nan)

    uni = None if spec.universe is None else part[list(spec.universe)].fillna(False).to_numpy(dtype=bool)
    w = pd.to_numeric(part[spec.weight], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return record_values(block(spec.y), block(spec.denominator), uni, w)


def _structure_and_totals(part: pd.DataFrame, spec: Spec) -> dict:
    """Pass 1 on one partition: its (stratum, PSU) pairs, fpc bounds, bad ids/weights, domain totals."""
    s, p = _plain(part[spec.strata]), _plain(part[spec.psu])
    ids_missing = {c: int(v.isna().sum()) for c, v in ((spec.strata, s), (spec.psu, p))}
    pairs = pd.DataFrame({"stratum": s, "psu": p}).dropna().drop_duplicates()
    fpc = None
    if spec.fpc is not None:
        v = pd.to_numeric(part[spec.fpc], errors="coerce")
        bad_fpc = int((v.isna() | (v <= 0)).sum())
        fpc = (pd.DataFrame({"stratum": s, "v": v}).groupby("stratum")["v"].agg(["min", "max"]), bad_fpc)
    y, x, valid, w = _values(part, spec)
    bad_w = int((~np.isfinite(w[:, 0]) | (w[:, 0] <= 0)).sum())
    if spec.domain is None:
        labels = pd.Index(["all"])
        dom = np.zeros(len(part), dtype=np.int64)
    else:
        codes, labels = pd.factorize(_plain(part[spec.domain]), sort=True)
        dom = codes.astype(np.int64)
    sums = DomainSums.zeros(len(labels), len(spec.y))
    if len(part) and not bad_w:
        sums.add(spec.kind, dom, y, x, valid, w)
    return {"pairs": pairs, "ids_missing": ids_missing, "fpc": fpc, "bad_w": bad_w, "n": len(part),
            "labels": pd.Index(labels), "sums": sums}


def _design(first: tuple[dict, ...], spec: Spec, lonely_psu: LonelyPSU) -> tuple[Design, pd.MultiIndex]:
    """The PSU-level design, with PSU codes in (stratum, PSU id) sorted order as `Design.from_frame`."""
    if sum(r["n"] for r in first) == 0:
        raise ValueError("cannot build a survey design from an empty frame")
    for col in (spec.strata, spec.psu):
        n_missing = sum(r["ids_missing"][col] for r in first)
        if n_missing:
            raise ValueError(f"design column {col!r} has {n_missing} missing value(s); every record needs one")
    bad_w = sum(r["bad_w"] for r in first)
    if bad_w:
        raise ValueError(f"weight column {spec.weight!r} must be finite and > 0; {bad_w} record(s) are"
                         " missing, zero, negative or infinite")
    pairs = pd.concat([r["pairs"] for r in first]).drop_duplicates().sort_values(["stratum", "psu"])
    psu_index = pd.MultiIndex.from_frame(pairs)
    s_codes, s_labels = pd.factorize(pairs["stratum"], sort=True)
    n_strata = len(s_labels)
    fpc_bounds = None
    if spec.fpc is not None:
        if sum(r["fpc"][1] for r in first):
            raise ValueError(f"fpc column {spec.fpc!r} must be > 0 and not missing")
        b = pd.concat([r["fpc"][0] for r in first]).groupby(level=0).agg({"min": "min", "max": "max"})
        b = b.reindex(pd.Index(s_labels))
        fpc_bounds = (b["min"].to_numpy(np.float64), b["max"].to_numpy(np.float64))
    design = Design.from_psus(s_codes.astype(np.int64), n_strata, np.asarray(s_labels), lonely_psu,
                              fpc_bounds, spec.fpc)
    return design, psu_index


def _domain_totals(first: tuple[dict, ...], spec: Spec, k: int) -> tuple[np.ndarray, DomainSums]:
    """Sorted domain labels over all partitions and the first-pass totals summed in partition order."""
    labels = first[0]["labels"]
    for r in first[1:]:
        labels = labels.union(r["labels"])
    labels = labels.sort_values()
    total = DomainSums.zeros(len(labels), k)
    for r in first:
        part = DomainSums.zeros(len(labels), k)
        at = labels.get_indexer(r["labels"])
        for name in ("y_tot", "x_tot", "n_w", "n_unw"):
            getattr(part, name)[at] = getattr(r["sums"], name)
        total += part
    return np.asarray(labels), total


def _cell_scores(part, spec: Spec, psu_index, labels, est, x_tot, centre) -> tuple:
    """Pass 2 on one partition: score totals per (PSU, domain) cell and Σ w lin² per domain."""
    D, k = len(labels), len(spec.y)
    dom = _domain_codes(part, spec, pd.Index(labels))
    keep = np.flatnonzero(dom >= 0)
    part, dom = part.iloc[keep], dom[keep]
    psu = psu_index.get_indexer(pd.MultiIndex.from_arrays([_plain(part[spec.strata]), _plain(part[spec.psu])]))
    y, x, valid, w = _values(part, spec)
    e, lin = linearized_scores(spec.kind, dom, y, x, valid, w, est, x_tot, centre)
    ss = np.asarray(indicator_matrix(dom, D) @ (e * lin)) if len(dom) else np.zeros((D, k))
    keys, inv = np.unique(psu.astype(np.int64) * D + dom, return_inverse=True)
    to_cell = indicator_matrix(inv.reshape(-1), keys.shape[0])
    return keys, np.asarray(to_cell @ e), np.asarray(to_cell @ valid.astype(np.float64)) > 0, ss


def _combine_cells(second: tuple[tuple, ...], D: int, k: int):
    """Cells of all partitions summed (a PSU may span partitions), sorted by (PSU, domain)."""
    keys = np.concatenate([r[0] for r in second])
    keys, inv = np.unique(keys, return_inverse=True)
    to_cell = indicator_matrix(inv.reshape(-1), keys.shape[0])
    scores = np.asarray(to_cell @ np.concatenate([r[1] for r in second]).reshape(-1, k))
    present = np.asarray(to_cell @ np.concatenate([r[2] for r in second]).reshape(-1, k)) > 0
    ss = np.zeros((D, k))
    for r in second:
        ss += r[3]
    return keys // D, keys % D, scores, present, ss
