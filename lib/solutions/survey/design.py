"""The sampling design as integer codes, ready for vectorized linearization.

`Design` plays the role of R's `svydesign(ids=~psu, strata=~stratum, weights=~weight, fpc=~fpc,
nest=TRUE)`: it keeps one stage of sampling (the with-replacement "ultimate cluster" approximation the
methodology prescribes) and only what the variance formulas need, as numpy arrays, so that estimators
never touch pandas object columns in their hot path.

Codes are assigned in sorted order of the source values, so the same frame always gives the same codes
(no dependence on hashing or row order of first appearance). They come from lookup tables or a hash
(`codes.py`), once per design: no sort of the records. A design built from a frame keeps a reference to
it, so the tidy verbs (`design.mean("y", by="group")`, ...) can name columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .codes import compact, dense_codes, lut_limit, small_int_range

if TYPE_CHECKING:
    from .estimators import DeffMethod
    from .tidy import SurveyTable

LonelyPSU = Literal["fail", "certainty", "adjust", "average", "remove"]
LONELY_PSU_OPTIONS: tuple[str, ...] = ("fail", "certainty", "adjust", "average", "remove")

#: R's `onestrat` treats a stratum whose finite-population factor is below this as fully enumerated.
CENSUS_TOLERANCE = 1e-7


class LonelyPSUError(ValueError):
    """A stratum has a single PSU and `lonely_psu="fail"` (R: survey.lonely.psu = "fail")."""


@dataclass(frozen=True, eq=False)
class Design:
    """A one-stage stratified cluster design (PSUs sampled with replacement within strata).

    Attributes are numpy arrays indexed by record (`weights`, `strata`, `psu`), by PSU (`psu_stratum`)
    or by stratum (`n_psu`, `fpc_factor`, `population_psu`). PSU codes are global (0..n_psus-1)
    even when the source ids are nested within strata.
    """

    weights: np.ndarray  # (n,) float64 > 0
    strata: np.ndarray  # (n,) int64 stratum code
    psu: np.ndarray  # (n,) int64 global PSU code
    psu_stratum: np.ndarray  # (n_psus,) stratum code of each PSU
    n_psu: np.ndarray  # (n_strata,) sampled PSUs per stratum (R: fpc$sampsize)
    fpc_factor: np.ndarray  # (n_strata,) 1 - n_h/N_h (1 without fpc; 0 for a census stratum)
    population_psu: np.ndarray | None  # (n_strata,) N_h, or None without fpc
    lonely_psu: LonelyPSU = "fail"
    strata_labels: np.ndarray | None = None
    has_strata: bool = False
    has_clusters: bool = False
    data: pd.DataFrame | None = field(default=None, repr=False)  # the frame, for the tidy verbs

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        weight: str,
        strata: str | None = None,
        psu: str | None = None,
        fpc: str | None = None,
        nest: bool = True,
        lonely_psu: LonelyPSU = "fail",
    ) -> Design:
        """Build a design from a frame's columns, with R's `svydesign` semantics.

        `fpc` holds, per record, either the population number of PSUs in its stratum (all values > 1)
        or the sampling fraction (all values <= 1), as R's `svydesign(fpc=)`. Without `strata` there is
        one stratum; without `psu` each record is its own PSU (simple random sample / census).
        """
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise ValueError(f"lonely_psu must be one of {LONELY_PSU_OPTIONS}, got {lonely_psu!r}")
        n = len(df)
        if n == 0:
            raise ValueError("cannot build a survey design from an empty frame")

        w = _weights(df[weight], weight)
        if psu is None:
            if strata is None:
                s_codes, s_labels = np.zeros(n, dtype=np.intp), None
            else:
                s_codes, s_labels = dense_codes(df[strata], what=strata)
            n_strata = int(s_codes.max()) + 1
            p_codes, psu_stratum = np.arange(n, dtype=np.intp), s_codes.copy()
        else:
            s_codes, s_labels, p_codes, psu_stratum = _psu_codes(df, strata, psu, nest)
            n_strata = int(psu_stratum.max()) + 1
        fpc_bounds = None if fpc is None else fpc_bounds_by_stratum(df[fpc], fpc, s_codes, n_strata)
        return cls.from_psus(psu_stratum, n_strata=n_strata, strata_labels=s_labels, lonely_psu=lonely_psu,
                             fpc_bounds=fpc_bounds, fpc=fpc, weights=w, strata=s_codes, psu=p_codes,
                             has_strata=strata is not None, has_clusters=psu is not None, data=df)

    @classmethod
    def from_psus(
        cls,
        psu_stratum: np.ndarray,
        *,
        n_strata: int,
        strata_labels: np.ndarray | None,
        lonely_psu: LonelyPSU = "fail",
        fpc_bounds: tuple[np.ndarray, np.ndarray] | None = None,
        fpc: str | None = None,
        weights: np.ndarray | None = None,
        strata: np.ndarray | None = None,
        psu: np.ndarray | None = None,
        has_strata: bool = True,
        has_clusters: bool = True,
        data: pd.DataFrame | None = None,
    ) -> Design:
        """A design from its PSU structure: the stratum code of each PSU (codes in sorted order).

        Without the record arrays (`weights`, `strata`, `psu`) the design has no records (`n == 0`):
        it carries what the variance step needs, for estimates combined from per-PSU totals computed
        elsewhere (`survey.distributed`). `fpc_bounds` are the per-stratum (min, max) of the fpc column.
        """
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise ValueError(f"lonely_psu must be one of {LONELY_PSU_OPTIONS}, got {lonely_psu!r}")
        psu_stratum = np.asarray(psu_stratum, dtype=np.intp)
        n_psu = np.bincount(psu_stratum, minlength=n_strata).astype(np.int64)
        if fpc_bounds is None:
            fpc_factor = np.ones(n_strata)
            population = None
        else:
            population, fpc_factor = _fpc(*fpc_bounds, fpc or "fpc", n_psu)

        lonely = (n_psu == 1) & (fpc_factor >= CENSUS_TOLERANCE)
        if lonely_psu == "fail" and lonely.any():
            first = int(np.flatnonzero(lonely)[0])
            label = strata_labels[first] if strata_labels is not None else "(single stratum)"
            raise LonelyPSUError(
                f"stratum {label!r} has only one PSU, so its variance cannot be estimated"
                f" ({int(lonely.sum())} such strata); choose lonely_psu = certainty, adjust, average or"
                " remove (R: options(survey.lonely.psu=...))"
            )

        none_f, none_i = np.empty(0, dtype=np.float64), np.empty(0, dtype=np.intp)
        return cls(
            weights=none_f if weights is None else weights,
            strata=none_i if strata is None else strata,
            psu=none_i if psu is None else psu,
            psu_stratum=psu_stratum,
            n_psu=n_psu,
            fpc_factor=fpc_factor,
            population_psu=population,
            lonely_psu=lonely_psu,
            strata_labels=strata_labels,
            has_strata=has_strata,
            has_clusters=has_clusters,
            data=data,
        )

    @property
    def n(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_strata(self) -> int:
        return int(self.n_psu.shape[0])

    @property
    def n_psus(self) -> int:
        return int(self.psu_stratum.shape[0])

    @property
    def degf(self) -> int:
        """Design degrees of freedom, PSUs minus strata (R: `degf(design)`)."""
        return self.n_psus - self.n_strata

    @property
    def lonely_strata(self) -> np.ndarray:
        """Strata with one PSU that are not fully enumerated (the ones `lonely_psu` is about)."""
        return (self.n_psu == 1) & (self.fpc_factor >= CENSUS_TOLERANCE)

    # ------------------------------------------------------------------ tidy verbs (svyby-like) ----
    def mean(self, y: str | list[str], by: str | list[str] | None = None, *, level: float,
             deff: DeffMethod = "wor") -> SurveyTable:
        """Means of column(s) `y` per domain of `by` (R: `svyby(~y, ~by, design, svymean, na.rm=TRUE)`)."""
        from .tidy import estimate_table

        return estimate_table(self, "mean", y, by=by, level=level, deff=deff)

    def proportion(self, y: str | list[str], by: str | list[str] | None = None, *, level: float,
                   deff: DeffMethod = "wor") -> SurveyTable:
        """Proportions of 0/1 column(s) with logit CIs (R: `svyby(..., svyciprop, method="logit")`)."""
        from .tidy import estimate_table

        return estimate_table(self, "proportion", y, by=by, level=level, deff=deff)

    def ratio(self, numerator: str | list[str], denominator: str | list[str], by: str | list[str] | None = None,
              *, level: float, deff: DeffMethod = "wor") -> SurveyTable:
        """Ratios of totals (R: `svyby(~num, ~by, design, svyratio, denominator=~den)`)."""
        from .tidy import estimate_table

        return estimate_table(self, "ratio", numerator, denominator=denominator, by=by, level=level, deff=deff)

    def total(self, y: str | list[str], by: str | list[str] | None = None, *, level: float,
              deff: DeffMethod = "wor") -> SurveyTable:
        """Weighted totals (R: `svyby(~y, ~by, design, svytotal, na.rm=TRUE)`)."""
        from .tidy import estimate_table

        return estimate_table(self, "total", y, by=by, level=level, deff=deff)


def _raw_codes(col: pd.Series, what: str, dense: bool) -> tuple[np.ndarray, int, Callable[[np.ndarray], np.ndarray]]:
    """(codes, span, labels of codes) of an id column: small-range integers minus their minimum (codes may
    skip unused values unless `dense`), anything else dense codes from `dense_codes`."""
    small = None if dense else small_int_range(col)
    if small is not None:
        arr, lo, span = small
        return (arr - lo if lo else arr), span, (lambda idx: idx + lo)
    codes, labels = dense_codes(col, what=what)
    return codes, labels.shape[0], (lambda idx: labels[idx])


def _psu_codes(df: pd.DataFrame, strata: str | None, psu: str, nest: bool):
    """(stratum codes (n,), stratum labels, PSU codes (n,), stratum of each PSU) from one lookup table of
    the (stratum, PSU id) pairs: PSU codes in (stratum, id) order, as R's svydesign(nest=TRUE)."""
    n = len(df)
    if strata is None:
        s_raw, s_span, s_label = np.zeros(n, dtype=np.intp), 1, None
    else:
        s_raw, s_span, s_label = _raw_codes(df[strata], strata, dense=False)
    raw, n_raw, _ = _raw_codes(df[psu], psu, dense=not nest)
    key = np.multiply(s_raw, n_raw, dtype=np.intp)  # one fresh array, then in place
    key += raw
    if nest and s_span * n_raw <= lut_limit(n):
        pairs = np.flatnonzero(np.bincount(key, minlength=s_span * n_raw))
        if np.array_equal(pairs % n_raw, np.arange(n_raw)):
            # every id present once, ids ordered with the strata (e.g. unique across strata): ids are codes
            pair_codes = raw
        else:
            lut = np.zeros(s_span * n_raw, dtype=np.intp)
            lut[pairs] = np.arange(pairs.shape[0])
            pair_codes = lut[key]
    else:
        pair_codes, pairs = compact(key, s_span * n_raw)
    pair_stratum = pairs // n_raw
    present = np.unique(pair_stratum)  # strata with records, among the s_span possible: few values
    if present.shape[0] == s_span:
        s_codes, psu_stratum = s_raw, pair_stratum
    else:
        lut = np.full(s_span, -1, dtype=np.intp)
        lut[present] = np.arange(present.shape[0])
        s_codes, psu_stratum = lut[s_raw], lut[pair_stratum]
    s_labels = None if s_label is None else np.asarray(s_label(present))
    if nest:
        return s_codes, s_labels, pair_codes, psu_stratum
    if pairs.shape[0] != n_raw:
        raise ValueError(f"PSU ids in {psu!r} are reused across strata; pass nest=True if they are only"
                         " unique within a stratum")
    return s_codes, s_labels, raw, psu_stratum[np.argsort(pairs % n_raw, kind="stable")]


def _weights(col: pd.Series, name: str) -> np.ndarray:
    """Weights as float64, refused unless all finite and >= 0 with one > 0 (two reductions when all are > 0).

    A weight of 0 is kept as R's `svydesign` keeps it: the record adds nothing to any estimate and its PSU
    still counts in its stratum (exactly as a record outside a domain)."""
    if col.dtype.kind not in "fiu":
        col = pd.to_numeric(col, errors="coerce")
    w = col.to_numpy(dtype=np.float64, na_value=np.nan)
    if w.shape[0] and w.min() > 0 and np.isfinite(w.max()):
        return w
    bad = ~np.isfinite(w) | (w < 0)
    if w.shape[0] and not bad.any() and w.max() > 0:
        return w
    if not bad.any():
        bad = w <= 0
    raise ValueError(
        f"weight column {name!r} must be finite and >= 0, not all 0; {int(bad.sum())} record(s) are missing,"
        f" negative, infinite or zero (first at row position {int(np.flatnonzero(bad)[0])})"
    )


def fpc_bounds_by_stratum(
    col: pd.Series, name: str, s_codes: np.ndarray, n_strata: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-stratum (min, max) of an fpc column; they must agree (checked by `_fpc`)."""
    v = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(v).any() or (v <= 0).any():
        raise ValueError(f"fpc column {name!r} must be > 0 and not missing")
    lo = np.full(n_strata, np.inf)
    hi = np.full(n_strata, -np.inf)
    np.minimum.at(lo, s_codes, v)
    np.maximum.at(hi, s_codes, v)
    return lo, hi


def _fpc(lo: np.ndarray, hi: np.ndarray, name: str, n_psu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-stratum population PSU counts and (1 - n/N) factors from an fpc column (R's `as.fpc`)."""
    if (lo != hi).any():
        raise ValueError(f"fpc column {name!r} varies within a stratum")
    per_stratum = lo
    if (per_stratum > 1).any():
        if (per_stratum < 1).any():
            raise ValueError(f"fpc column {name!r} mixes population sizes (> 1) and sampling fractions (< 1)")
        population = per_stratum
    else:
        # Sampling fractions. R rejects an fpc of exactly 1 everywhere; here it means a census.
        population = n_psu / per_stratum
    if (population < n_psu - 1e-9 * n_psu).any():
        raise ValueError(f"fpc column {name!r} implies more than 100% sampling in some stratum")
    with np.errstate(invalid="ignore"):
        factor = np.where(np.isinf(population), 1.0, (population - n_psu) / population)
    factor = np.clip(factor, 0.0, 1.0)
    return population, factor
