"""The tidy API: labelled domain estimates as a pandas frame, and contrasts by coefficients.

    design = Design.from_frame(df, weight="w", strata="stratum", psu="psu", lonely_psu="adjust")
    means = design.mean("income", by="group", level=0.95)  # svyby(~income, ~group, design, svymean)
    contrast(means, {"idp": 1, "comparison": -1})         # svycontrast(means, c(idp=1, comparison=-1))

Domains are the combinations of the `by` columns present in the data, in the order of their values
(a categorical keeps its level order, as R's factors); records with a missing `by` value are in no
domain. Strings, numbers and categoricals are used as they are. Missing values of a variable leave the
record out of that variable (R's `na.rm=TRUE`). The frame remembers the estimates' cell scores, so
`contrast` gets the covariance between domains sharing PSUs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .codes import compact, dense_codes
from .contrasts import linear_contrasts
from .design import Design
from .estimators import DeffMethod, DomainRatios, Kind, domain_estimates

COLUMNS = ("variable", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n")


@dataclass(frozen=True, eq=False)
class Fit:
    """What a `SurveyTable` was computed from: the array-level result and the labels of its axes."""

    ratios: DomainRatios
    by: tuple[str, ...]
    domains: pd.DataFrame  # one row per domain: the by-columns' values
    variables: tuple[str, ...]

    def domain_index(self, label: Any) -> int:
        """Position of a domain given its label (a value, or a tuple of values for several by-columns)."""
        key = label if isinstance(label, tuple) else (label,)
        if len(key) != len(self.by):
            raise ValueError(f"domain {label!r} needs {len(self.by)} value(s), one per by-column {list(self.by)}")
        match = np.ones(len(self.domains), dtype=bool)
        for col, value in zip(self.by, key, strict=True):
            match &= (self.domains[col] == value).to_numpy()
        hits = np.flatnonzero(match)
        if hits.shape[0] != 1:
            known = [tuple(r) if len(r) > 1 else r[0] for r in self.domains.itertuples(index=False)]
            raise ValueError(f"no domain {label!r}; the domains are {known}")
        return int(hits[0])


class SurveyTable(pd.DataFrame):
    """A tidy frame of estimates (by-columns, variable, estimate, se, ci_low, ci_high, df, deff, n).

    It is a plain DataFrame for everything else; `fit` keeps the design-level scores for `contrast`. The fit
    follows the table through pandas operations: a selection or a copy (pandas' `_metadata`), and a `concat` or
    `merge` whose tables all come from the same fit (`__finalize__`), e.g. a table with labels merged on or
    pieces of it put back together. Tables of different fits joined have no fit: their estimates' covariance
    was never computed, so `contrast` refuses them.
    """

    _metadata = ["fit"]
    fit: Fit | None = None

    @property
    def _constructor(self) -> type[SurveyTable]:
        return SurveyTable

    def __finalize__(self, other: Any, method: str | None = None, **kwargs: Any) -> SurveyTable:
        out = super().__finalize__(other, method=method, **kwargs)  # type: ignore[misc]  # pandas-stubs omit NDFrame.__finalize__
        inputs = getattr(other, "input_objs", None)  # concat and merge: the frames joined
        if inputs is not None:
            fits = {id(f): f for f in (getattr(o, "fit", None) for o in inputs if isinstance(o, SurveyTable))
                    if f is not None}
            one = len(fits) == 1 and all(isinstance(o, SurveyTable) or method == "merge" for o in inputs)
            object.__setattr__(out, "fit", next(iter(fits.values())) if one else None)
        return out


def _names(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    return [cols] if isinstance(cols, str) else list(cols)


def _variable(df: pd.DataFrame, name: str) -> np.ndarray:
    col = df[name]
    if col.dtype == bool or col.dtype == np.float64:  # as they are: no copy
        return col.to_numpy()
    values = pd.to_numeric(col, errors="raise") if col.dtype == object else col
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def domains_of(df: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame, bool]:
    """Domain codes (n,) (-1: a by-value is missing), the domains' labels, and whether some may be empty.

    One categorical by-column gives its own codes and every level (no pass over the records): levels
    without records are dropped after estimation, from the cells. Otherwise only combinations present.
    """
    n = len(df)
    if not by:
        return np.zeros(n, dtype=np.intp), pd.DataFrame(index=range(1)), False
    if len(by) == 1 and isinstance(df[by[0]].dtype, pd.CategoricalDtype):
        cat = df[by[0]].array
        levels = cat.categories
        frame = pd.DataFrame({by[0]: pd.Categorical.from_codes(np.arange(len(levels)), dtype=cat.dtype)})
        return np.asarray(cat.codes), frame, True
    if len(by) == 1:  # the column's own codes: only values present, in order
        codes, lab = dense_codes(df[by[0]], missing="none", what=by[0], category_order=True)
        return codes, _labels_frame(df, by, [lab]), False
    key = np.zeros(n, dtype=np.intp)
    missing = np.zeros(n, dtype=bool)
    labels, radix = [], 1
    for col in by:
        codes, lab = dense_codes(df[col], missing="none", what=col, category_order=True)
        missing |= codes < 0
        key = key * len(lab) + codes
        labels.append(lab)
        radix *= max(len(lab), 1)
    if missing.any():
        key = np.where(missing, radix, key)
    codes, used = compact(key, radix + 1)
    if missing.any() and used.shape[0] and used[-1] == radix:
        used = used[:-1]
        codes = np.where(codes == used.shape[0], -1, codes)
    out: dict[str, Any] = {}
    rest = used
    for col, lab in reversed(list(zip(by, labels, strict=True))):
        out[col] = lab[rest % len(lab)]
        rest = rest // len(lab)
    return codes, _labels_frame(df, by, [out[col] for col in by]), False


def _labels_frame(df: pd.DataFrame, by: list[str], values: list[np.ndarray]) -> pd.DataFrame:
    """The domains' by-values; categoricals keep their levels, so tables sort as R's factors do."""
    frame = pd.DataFrame({col: v for col, v in zip(by, values, strict=True)})
    for col in by:
        if isinstance(df[col].dtype, pd.CategoricalDtype):
            frame[col] = pd.Categorical(frame[col], categories=df[col].cat.categories)
    return frame


def estimate_table(design: Design, kind: Kind, y: str | list[str], *, denominator: str | list[str] | None = None,
                   by: str | list[str] | None, level: float, deff: DeffMethod) -> SurveyTable:
    """The tidy verbs' common body: columns by name, domains by `by`, one engine call."""
    df = design.data
    if df is None:
        raise ValueError("this design has no data frame: build it with Design.from_frame to name columns")
    ys, dens, bys = _names(y), _names(denominator), _names(by)
    if not ys:
        raise ValueError("name at least one variable")
    if kind == "ratio":
        if len(dens) == 1:
            dens = dens * len(ys)
        if len(dens) != len(ys):
            raise ValueError(f"{len(ys)} numerators need 1 or {len(ys)} denominators, got {len(dens)}")
    unknown = [c for c in [*ys, *dens, *bys] if c not in df.columns]
    if unknown:
        raise ValueError(f"column(s) {unknown} not in the data (columns: {list(df.columns)})")
    codes, domains, may_be_empty = domains_of(df, bys)
    num = [_variable(df, c) for c in ys]
    den = [_variable(df, c) for c in dens] if kind == "ratio" else None
    dr = domain_estimates(design, kind, numerator=num, denominator=den, domain=codes, n_domains=max(len(domains), 1),
                          level=level, deff_method=deff, validate=False)
    if may_be_empty:
        keep = np.bincount(dr.cell_domain, minlength=dr.n_domains) > 0  # domains holding records
        if not keep.all():
            dr, domains = _keep_domains(dr, keep), domains[keep].reset_index(drop=True)
    names = tuple(f"{a}/{b}" for a, b in zip(ys, dens, strict=True)) if kind == "ratio" else tuple(ys)
    return _table(Fit(dr, tuple(bys), domains, names))


def _keep_domains(dr: DomainRatios, keep: np.ndarray) -> DomainRatios:
    """The same estimates without the domains not kept (which hold no cells), domain codes renumbered."""
    renumber = np.cumsum(keep) - 1
    per_domain = ("estimate", "se", "n_unweighted", "n_weighted", "denominator_total", "df", "deff", "ci_low",
                  "ci_high")
    return replace(dr, **{f: getattr(dr, f)[keep] for f in per_domain}, cell_domain=renumber[dr.cell_domain])


def _table(fit: Fit) -> SurveyTable:
    dr = fit.ratios
    D, k = dr.estimate.shape
    parts = {}
    for col in fit.by:
        labels = fit.domains[col]
        if isinstance(labels.dtype, pd.CategoricalDtype):  # repeat the codes: no re-encoding of values
            parts[col] = labels.array.take(np.tile(np.arange(D), k))  # same dtype, not validated again
        else:
            parts[col] = np.tile(labels.to_numpy(), k)
    flat = {name: getattr(dr, attr).T.reshape(-1) for name, attr in (
        ("estimate", "estimate"), ("se", "se"), ("ci_low", "ci_low"), ("ci_high", "ci_high"), ("df", "df"),
        ("deff", "deff"), ("n", "n_unweighted"))}
    table = SurveyTable({**parts, "variable": np.repeat(np.array(fit.variables, dtype=object), D), **flat})
    table.fit = fit
    return table


Coefficients = Mapping[Any, Any] | Sequence[float] | np.ndarray


def contrast(table: SurveyTable, coefficients: Coefficients, *, level: float | None = None) -> pd.DataFrame:
    """Linear contrasts of a table's estimates with their design-based SE (R: `svycontrast`), at ``level``
    (default: the level the table's estimates were computed at).

    `coefficients` is one of:

    * ``{domain: coefficient}`` (a tuple of values per domain with several by-columns): one contrast
      per variable, e.g. ``{"idp": 1, "comparison": -1}`` for the gap;
    * ``{name: {domain: coefficient}, ...}``: several named contrasts, each per variable;
    * a vector with one coefficient per row of the table as returned (it may mix variables), or a
      mapping ``{name: vector}``.

    It returns a frame: contrast, variable (for per-variable contrasts), estimate, se, ci_low, ci_high,
    df, t, p_value; df is the full design's degf. Domains with a zero coefficient do not matter.

    The array layer's differences between domain indices are `domain_differences` (`survey.contrasts`).
    """
    fit = table.fit if isinstance(table, SurveyTable) else None
    if fit is None:
        raise ValueError("contrast needs a table returned by design.mean/proportion/ratio/total (tables of "
                         "different calls joined together have no covariance between them: estimate the "
                         "variables in one call)")
    dr = fit.ratios
    D, k = dr.estimate.shape
    named = _named(coefficients)
    per_variable = all(isinstance(c, Mapping) for c in named.values())
    rows, arrays = [], []
    if per_variable:
        for name, coefs in named.items():
            vec = np.zeros(D)
            for label, value in coefs.items():
                vec[fit.domain_index(label)] += float(value)
            for j, var in enumerate(fit.variables):
                C = np.zeros((D, k))
                C[:, j] = vec
                arrays.append(C)
                rows.append({"contrast": name, "variable": var})
    else:
        if not _as_returned(table, fit):
            raise ValueError("a coefficient vector refers to the rows of the whole table as returned"
                             f" ({D * k} rows, index 0..{D * k - 1}); name domains with a mapping instead")
        for name, vector in named.items():
            vec = np.asarray(vector, dtype=np.float64)
            if vec.shape != (D * k,):
                raise ValueError(f"contrast {name!r} has {vec.shape[0] if vec.ndim else 1} coefficients;"
                                 f" the table has {D * k} rows")
            arrays.append(vec.reshape(k, D).T)
            rows.append({"contrast": name})
    lc = linear_contrasts(dr, np.stack(arrays), level)
    out = pd.DataFrame(rows)
    for col in ("estimate", "se", "ci_low", "ci_high", "df", "t", "p_value"):
        out[col] = getattr(lc, col)
    return out


def _as_returned(table: pd.DataFrame, fit: Fit) -> bool:
    """Whether ``table`` holds the rows of ``fit`` in the order the verb returned them (a vector of
    coefficients is matched to rows by position: after a merge or a sort it would silently apply elsewhere)."""
    D, k = fit.ratios.estimate.shape
    if len(table) != D * k or not table.index.equals(pd.RangeIndex(D * k)) or "variable" not in table:
        return False
    if not np.array_equal(table["variable"].to_numpy(dtype=object), np.repeat(np.array(fit.variables, dtype=object), D)):
        return False
    for col in fit.by:
        if col not in table or not np.array_equal(table[col].to_numpy(dtype=object),
                                                  np.tile(fit.domains[col].to_numpy(dtype=object), k)):
            return False
    return True


def _named(coefficients: Coefficients) -> dict[Any, Any]:
    """{name: coefficients}: a single contrast is named after its coefficients."""
    if isinstance(coefficients, Mapping):
        values = list(coefficients.values())
        if values and all(isinstance(v, Mapping) or _is_vector(v) for v in values):
            return dict(coefficients)
        return {" ".join(f"{v:+g}*{k}" for k, v in coefficients.items()): coefficients}
    return {"contrast": coefficients}


def _is_vector(v: Any) -> bool:
    return isinstance(v, np.ndarray | list | tuple) and np.ndim(v) == 1 and len(v) > 0 and not isinstance(v, str)
