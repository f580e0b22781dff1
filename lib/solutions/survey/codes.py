"""Dense integer codes for ids and domains, without sorting the records.

Every estimator works on codes 0..u-1 (u distinct values, numbered in sorted order of the values, so the
same data always gives the same codes). Small-range integers go through a lookup table (a presence
`bincount`, then a cumulative sum); categoricals reuse their codes; anything else (strings, floats,
very sparse integers) falls back to `pandas.factorize`, a hash pass. None of them sorts the n records:
only the u distinct values are ever sorted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A lookup table may span up to this many slots per record (and always 2**20): beyond, hash instead.
_LUT_SLOTS_PER_RECORD = 4
_LUT_MIN_SLOTS = 1 << 20


def lut_limit(n: int) -> int:
    """Largest key range worth a lookup table for n records (memory O(range), time O(n + range))."""
    return max(_LUT_MIN_SLOTS, _LUT_SLOTS_PER_RECORD * n)


def compact(keys: np.ndarray, key_range: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of non-negative integer `keys` < `key_range`, renumbered 0..u-1 in key order, and the keys used.

    A presence table and its cumulative sum when the range is small, a hash otherwise; never a sort of
    the records. When every key in the range is used, the keys are their own codes (no pass at all).
    """
    codes, used, _ = compact_counts(keys, key_range)
    return codes, used


def compact_counts(keys: np.ndarray, key_range: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """`compact`, plus the number of keys per code when the lookup table counted them (else None)."""
    n = keys.shape[0]
    if key_range <= lut_limit(n):
        counts = np.bincount(keys, minlength=key_range)
        present = counts.astype(bool)
        if present.all():
            return keys.astype(np.intp, copy=False), np.arange(key_range, dtype=np.intp), counts
        lut = np.cumsum(present, dtype=np.intp) - 1
        return lut[keys], np.flatnonzero(present), counts[present]
    codes, uniques = pd.factorize(keys, sort=True)
    return codes.astype(np.intp, copy=False), np.asarray(uniques, dtype=np.intp), None


def small_int_range(values: pd.Series) -> tuple[np.ndarray, int, int] | None:
    """(values as int64, min, span) of an integer column whose span suits a lookup table, else None."""
    arr = values.to_numpy()
    if arr.dtype.kind not in "iub" or not arr.shape[0]:
        return None
    arr = arr.astype(np.int64, copy=False)
    lo, hi = int(arr.min()), int(arr.max())
    span = hi - lo + 1
    return (arr, lo, span) if span <= lut_limit(arr.shape[0]) else None


def dense_codes(values: pd.Series | np.ndarray, missing: str = "error", what: str = "column",
                category_order: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(codes (n,) intp, labels (u,)) of a column: labels are the distinct values present, sorted.

    `missing="error"` refuses missing values (design ids: every record needs one); `missing="none"`
    codes them -1 (domains: such a record is in no domain, as R's `svyby` drops it).
    `category_order=True` keeps a categorical's own level order (R's factor levels) instead of sorting.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype):
        return _categorical(s, missing, what, category_order)
    small = small_int_range(s)
    if small is not None:
        arr, lo, span = small
        codes, used = compact(arr - lo if lo else arr, span)
        return codes, used + lo
    isna = s.isna().to_numpy()
    if missing == "error" and isna.any():
        raise ValueError(f"design column {what!r} has {int(isna.sum())} missing value(s); every record needs one")
    codes, uniques = pd.factorize(s, sort=True, use_na_sentinel=True)
    return codes.astype(np.intp, copy=False), np.asarray(uniques)


def _categorical(s: pd.Series, missing: str, what: str, category_order: bool
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Codes of a categorical's levels present (unused levels dropped), sorted or in level order."""
    cat = s.array
    raw = np.asarray(cat.codes, dtype=np.intp)
    cats = np.asarray(cat.categories)
    n_missing = int((raw < 0).sum()) if raw.shape[0] and raw.min() < 0 else 0
    if n_missing and missing == "error":
        raise ValueError(f"design column {what!r} has {n_missing} missing value(s); every record needs one")
    used = np.bincount(raw[raw >= 0] if n_missing else raw, minlength=len(cats)).astype(bool)
    n_used = int(used.sum())
    order = np.arange(n_used) if category_order or not n_used else np.argsort(cats[used], kind="stable")
    labels = cats[used][order]
    lut = np.full(len(cats) + 1, -1, dtype=np.intp)  # slot -1 (the last) keeps missing at -1
    lut[np.flatnonzero(used)[order]] = np.arange(order.shape[0])
    if not n_missing and used.all() and np.array_equal(order, np.arange(len(cats))):
        return raw, labels
    return lut[raw], labels
