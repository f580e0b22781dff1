"""Domain estimates over a Dask dataframe, for a survey too large for one machine's memory.

Everything the Taylor-linearization variance needs is additive over records: the per-(PSU, domain) cell
totals of `cells.CellSums`. Pass 1 reads each partition's design structure, domain labels and the range
of each variable (for the same centring as in memory); pass 2 reduces each partition to its cell totals
with the very `SumsBuilder` the in-memory engine uses, the totals are added on the client by cell, and
the estimates, variance, df, deff and intervals come from the in-memory `finish_domain_estimates` on a
PSU-level `Design`. So results equal the in-memory engine's (to rounding, ~1e-15 relative) for the same
data, with the same lonely-PSU rules, and `contrast` works on them unchanged.

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

from .cells import Cells, CellSums, SumsBuilder, check_binary, valid_mask, value_range
from .codes import compact
from .design import Design, LonelyPSU
from .estimators import DeffMethod, DomainRatios, Kind, finish_domain_estimates
from .linearization import group_sums

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
    level: float,
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
    first = dask.compute(*[dask.delayed(_structure)(p, spec) for p in parts], scheduler=scheduler)
    design, psu_index = _design(first, spec, lonely_psu)
    labels = _labels(first, spec)
    shift = _shift(first, spec, k)
    second = dask.compute(*[
        dask.delayed(_cell_sums)(p, spec, psu_index, labels, shift) for p in parts
    ], scheduler=scheduler)
    cell_psu, cell_dom, sums = _combine(second, len(labels))
    ratios = finish_domain_estimates(design, kind, cell_psu=cell_psu, cell_domain=cell_dom, sums=sums, level=level,
                                     deff_method=deff_method)
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
    return labels.get_indexer(pd.Index(_plain(part[spec.domain]))).astype(np.int64)  # -1: missing, in no domain


def _values(part: pd.DataFrame, spec: Spec) -> tuple[list, list | None, list | None, np.ndarray]:
    """The partition's variables as lists of float64 (n,) arrays (universe as bool), and the weights."""
    def cols(names, dtype):
        if names is None:
            return None
        if dtype is bool:
            return [part[c].fillna(False).to_numpy(dtype=bool) for c in names]
        return [part[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in names]

    w = pd.to_numeric(part[spec.weight], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return cols(spec.y, float), cols(spec.denominator, float), cols(spec.universe, bool), w


def _valid(spec: Spec, y: list, x: list | None, uni: list | None, j: int) -> np.ndarray | None:
    return valid_mask(y[j], None if x is None else x[j], None if uni is None else uni[j])


def _structure(part: pd.DataFrame, spec: Spec) -> dict:
    """Pass 1 on one partition: its (stratum, PSU) pairs, fpc bounds, bad ids/weights, domain labels, ranges."""
    s, p = _plain(part[spec.strata]), _plain(part[spec.psu])
    ids_missing = {c: int(v.isna().sum()) for c, v in ((spec.strata, s), (spec.psu, p))}
    pairs = pd.DataFrame({"stratum": s, "psu": p}).dropna().drop_duplicates()
    fpc = None
    if spec.fpc is not None:
        v = pd.to_numeric(part[spec.fpc], errors="coerce")
        bad_fpc = int((v.isna() | (v <= 0)).sum())
        fpc = (pd.DataFrame({"stratum": s, "v": v}).groupby("stratum")["v"].agg(["min", "max"]), bad_fpc)
    y, x, uni, w = _values(part, spec)
    bad_w = int((~np.isfinite(w) | (w <= 0)).sum())
    labels = pd.Index([]) if spec.domain is None else pd.Index(_plain(part[spec.domain]).dropna().unique())
    ranges = [value_range(y[j], _valid(spec, y, x, uni, j)) for j in range(len(spec.y))]
    return {"pairs": pairs, "ids_missing": ids_missing, "fpc": fpc, "bad_w": bad_w, "n": len(part),
            "labels": labels, "ranges": ranges}


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
    design = Design.from_psus(s_codes.astype(np.int64), n_strata=n_strata, strata_labels=np.asarray(s_labels),
                              lonely_psu=lonely_psu, fpc_bounds=fpc_bounds, fpc=spec.fpc)
    return design, psu_index


def _labels(first: tuple[dict, ...], spec: Spec) -> np.ndarray:
    """Sorted domain labels over all partitions (one domain, "all", without a domain column)."""
    if spec.domain is None:
        return np.asarray(["all"])
    labels = first[0]["labels"]
    for r in first[1:]:
        labels = labels.union(r["labels"])
    return np.asarray(labels.sort_values())


def _shift(first: tuple[dict, ...], spec: Spec, k: int) -> np.ndarray:
    """The in-memory engine's centre of each variable (midrange of its valid values, for means only)."""
    out = np.zeros(k)
    if spec.kind != "mean":
        return out
    for j in range(k):
        lo = min(r["ranges"][j][0] for r in first)
        hi = max(r["ranges"][j][1] for r in first)
        if np.isfinite(lo) and np.isfinite(hi):
            out[j] = lo + (hi - lo) / 2.0
    return out


def _cell_sums(part, spec: Spec, psu_index, labels, shift) -> tuple[np.ndarray, CellSums]:
    """Pass 2 on one partition: its cells' global (PSU, domain) keys and their `CellSums`."""
    D, k = len(labels), len(spec.y)
    dom = _domain_codes(part, spec, pd.Index(labels))
    psu = psu_index.get_indexer(pd.MultiIndex.from_arrays([_plain(part[spec.strata]), _plain(part[spec.psu])]))
    psu = psu.astype(np.intp)
    spare = len(psu_index) * D  # records in no domain: the key after every cell's
    key = np.where(dom >= 0, psu * D + dom, spare)
    code, used = compact(key, spare + 1)
    if used.shape[0] and used[-1] == spare:
        used = used[:-1]
    cells = Cells(code, used // D, used % D, D)
    y, x, uni, w = _values(part, spec)
    builder = SumsBuilder(cells, w, k, x is not None)
    for j in range(k):
        valid = _valid(spec, y, x, uni, j)
        binary = spec.kind == "proportion"
        if binary:
            check_binary(y[j], valid)
        builder.add(j, y[j], x=None if x is None else x[j], valid=valid, shift=0.0 if binary else shift[j],
                    binary=binary)
    return used, builder.sums


def _combine(second: tuple[tuple, ...], D: int) -> tuple[np.ndarray, np.ndarray, CellSums]:
    """Cells of all partitions summed by (PSU, domain) key (a PSU may span partitions), in key order."""
    keys = np.concatenate([r[0] for r in second])
    inv, used = compact(keys, int(keys.max()) + 1 if keys.shape[0] else 1)
    m = used.shape[0]

    def cat(name: str) -> np.ndarray:
        return group_sums(inv, np.concatenate([getattr(r[1], name) for r in second]), m)

    def cat_optional(name: str) -> np.ndarray | None:
        return None if getattr(second[0][1], name) is None else cat(name)

    def add(name: str) -> np.ndarray | None:
        arrays = [getattr(r[1], name) for r in second]
        return None if arrays[0] is None else np.sum(arrays, axis=0)

    yy = add("yy")
    assert yy is not None  # every variable has its sum of squares; yx and xx only with a denominator
    sums = CellSums(y=cat("y"), x=cat("x"), w=cat_optional("w"), n=cat("n"), yy=yy, yx=add("yx"), xx=add("xx"),
                    shift=second[0][1].shift)
    return used // D, used % D, sums
