"""Design weights from a sampling frame: w = N_h / n_h, the stratum's population over its sampled units.

The frame is what survey teams publish beside the data (e.g. a REACH sampling frame): one row per stratum,
often under title rows (`header_row` says which row holds the column names), with a totals row, thousands
separators (`12,345` or `12 345`) and stratum names written a little differently from the data (`Al Hol -
IDP` in the frame, `al_hol_idp` in the export). Rules:

* frame and data strata match after lower-casing and folding runs of spaces, `-` and `_` into one `_`;
  a stratum given by several frame columns is their values joined with `_`;
* blank rows, rows whose stratum (or, with no stratum, any cell) says `total`, `grand total` or `sum`, and an
  unlabelled row whose population is the sum of the strata's (`,,,,5150`: a spreadsheet's total row) are
  skipped with a note;
* a stratum of population 0 (listed but never sampled: inaccessible, or no longer displaced) is a note; a
  sampled stratum of population 0 is a problem (its records would weigh nothing);
* a repeated column name is a warning unless the frame's stratum or population column is the repeated one;
* unit `households`: w = N_h / n_h with n_h the stratum's sampled households; unit `individuals` (the
  population counts people): w = N_h / (sum of the sampled households' sizes), so the weighted number of
  people matches the frame;
* a sampled stratum missing from the frame, a non-numeric or non-positive population, or a stratum listed
  twice is a problem naming the file's lines; frame strata without any sampled record are only a note (not
  represented in the estimates).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from solutions.config import FrameWeights, resolve
from solutions.errors import InputError
from solutions.inputs.mapping import keys_of
from solutions.inputs.messages import rows_problem, show_rows, show_values
from solutions.inputs.readers import display_name, read_table

TOTAL_ROWS = {"total", "totals", "grand_total", "sum", "overall"}
_THOUSANDS = re.compile(r"^\d{1,3}([,. \u00a0\u202f']\d{3})+$")


def stratum_key(text: str) -> str:
    """How frame and data strata are matched: lower case, runs of spaces, `-` and `_` as one `_`."""
    return re.sub(r"[\s\-_]+", "_", str(text).strip().lower()).strip("_")


def population_number(text: str | None) -> float | None:
    """`12,345`, `12 345`, `12345` and `12345.0` -> 12345.0; None when not a number."""
    if text is None:
        return None
    t = str(text).strip()
    if _THOUSANDS.match(t):
        t = re.sub(r"[,. \u00a0\u202f']", "", t)
    t = t.replace("\u00a0", "").replace(" ", "")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


@dataclass
class Frame:
    """The frame's strata: key -> (stratum as written, population), and what reading it found."""

    name: str
    strata: dict[str, tuple[str, float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""


def read_frame(spec: FrameWeights, config_path: Path) -> Frame:
    """Read and check the sampling frame named by `design.weights`."""
    from solutions.config import file_sha256

    name = display_name(spec.frame)
    out = Frame(name)
    path = resolve(config_path, spec.frame)
    try:
        raw = read_table(path, spec.as_file(), name)
    except InputError as exc:
        out.problems += [f"{p} (design.weights.frame)" for p in exc.problems]
        return out
    out.sha256 = file_sha256(path)
    cols = [str(c) for c in raw.columns]
    wanted = [*([spec.stratum] if isinstance(spec.stratum, str) else spec.stratum), spec.population]
    absent = [c for c in wanted if _column(cols, c) is None]
    if absent:
        out.problems.append(
            f"{name}: no column {', '.join(repr(c) for c in absent)} in the sampling frame's header row "
            f"{spec.header_row} (columns: {show_values(cols, 8)}); set design.weights.header_row to the row "
            "holding the column names")
        return out
    stratum_cols = [_column(cols, c) for c in ([spec.stratum] if isinstance(spec.stratum, str) else spec.stratum)]
    from solutions.inputs.mapping import column_shape_messages

    used = {c for c in (*stratum_cols, _column(cols, spec.population)) if c is not None}
    problems, warnings = column_shape_messages(raw.attrs, used, name)
    out.problems += problems
    out.warnings += warnings
    parts = [keys_of(raw[c]) for c in stratum_cols]
    names = pd.Series(["_".join(v) if None not in v else None for v in zip(*parts, strict=True)],
                      index=raw.index, dtype=object)
    pop_text = keys_of(raw[_column(cols, spec.population)])
    blank = names.isna() & pop_text.isna()
    labelled_total = raw.apply(lambda row: any(stratum_key(v) in TOTAL_ROWS for v in row if isinstance(v, str)),
                               axis=1).astype(bool)
    totals = names.map(lambda v: v is not None and stratum_key(v) in TOTAL_ROWS).astype(bool)
    totals |= names.isna() & labelled_total
    totals |= _unlabelled_total(names, pop_text, blank | totals)
    if totals.any():
        out.notes.append(f"{name}: totals row(s) skipped ({show_rows(list(names.index[totals]))})")
    keep = ~blank & ~totals
    names, pop_text = names[keep], pop_text[keep]
    no_name = names.isna()
    if no_name.any():
        out.problems.append(rows_problem(name, spec.stratum if isinstance(spec.stratum, str) else None, "stratum",
                                         "a population but no stratum name", list(names.index[no_name])))
    pops = pop_text.map(population_number)
    bad = pops.isna() | (pops < 0)
    if bad.any():
        out.problems.append(rows_problem(name, spec.population, "population", "a population that is not a number "
                                         "of 0 or more", list(pops.index[bad]), pop_text[bad].fillna("(blank)")))
    keys = names.map(lambda v: None if v is None else stratum_key(v))
    dup = keys.notna() & keys.duplicated(keep=False)
    if dup.any():
        out.problems.append(rows_problem(name, spec.stratum if isinstance(spec.stratum, str) else None, "stratum",
                                         "a stratum listed twice", list(keys.index[dup]), names[dup]))
    for k, n, p in zip(keys, names, pops, strict=True):
        if k is not None and p is not None and p >= 0:
            out.strata.setdefault(k, (n, float(p)))
    if not out.strata and not out.problems:
        out.problems.append(f"{name}: the sampling frame has no stratum rows")
    return out


def _unlabelled_total(names: pd.Series, pop_text: pd.Series, skipped: pd.Series) -> pd.Series:
    """Rows with a population but no stratum whose population is the sum of the named strata's (within 1 %,
    for rounded figures): a total row someone left unlabelled."""
    pops = pop_text.map(population_number)
    named = names.notna() & ~skipped
    total = float(pops[named].fillna(0).sum())
    return (names.isna() & ~skipped & pops.notna() & (total > 0)
            & ((pops.astype(float) - total).abs() <= 0.01 * total)).astype(bool)


def _column(columns: list[str], wanted: str) -> str | None:
    if wanted in columns:
        return wanted
    folded = [c for c in columns if c.strip().lower() == wanted.strip().lower()]
    return folded[0] if len(folded) == 1 else None


@dataclass
class FrameResult:
    weights: pd.Series | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def frame_weights(strata: pd.Series, frame: Frame, spec: FrameWeights, size: pd.Series | None,
                  split, source: str | None, base: pd.Series | None = None) -> FrameResult:
    """N_h / n_h (or N_h / sum of sizes) for every record; `split(mask)` gives (file, lines) for messages.

    With `base` (the data's weights, `rescale: true`), each record keeps its weight's share of its stratum:
    w × N_h / Σ_h w (with unit individuals, Σ_h w × size), so weights on several scales become one."""
    out = FrameResult(None)
    keys = keys_of(strata).map(lambda v: None if v is None else stratum_key(v))
    unknown = keys.notna() & ~keys.isin(list(frame.strata))
    if unknown.any():
        values = sorted(set(strata[unknown].astype(str)))
        close = sorted({m for v in values for m in difflib.get_close_matches(stratum_key(v), list(frame.strata), 2, 0.7)})
        hint = (f"closest frame strata: {show_values([frame.strata[c][0] for c in close])}" if close
                else f"frame strata: {show_values([v[0] for v in frame.strata.values()])}")
        for f, rows in split(unknown.to_numpy()):
            out.problems.append(rows_problem(f, source, "stratum", f"a stratum not in the sampling frame {frame.name}",
                                             rows, strata[unknown], hint))
    missing = keys.isna()
    if missing.any():
        for f, rows in split(missing.to_numpy()):
            out.problems.append(rows_problem(f, source, "stratum", "no stratum (needed for the frame weights)", rows))
    if spec.unit == "individuals":
        assert size is not None
        bad = size.isna() | (size <= 0)
        if bad.any():
            for f, rows in split(bad.to_numpy()):
                out.problems.append(rows_problem(f, None, spec.household_size or "household_size",
                                                 "a missing or non-positive household size (needed for the frame "
                                                 "weights, unit: individuals)", rows, size[bad].fillna("(blank)")))
    zero = keys.notna() & keys.map(lambda k: k in frame.strata and frame.strata[k][1] == 0).astype(bool)
    if zero.any():
        for f, rows in split(zero.to_numpy()):
            out.problems.append(rows_problem(f, source, "stratum", f"a stratum whose population is 0 in the sampling "
                                             f"frame {frame.name} (its records would weigh nothing)", rows,
                                             strata[zero]))
    if out.problems:
        return out
    unit = base.astype(float) if base is not None else pd.Series(1.0, index=keys.index)
    counts = (unit * size if spec.unit == "individuals" and size is not None else unit).groupby(keys).sum()
    population = pd.Series({k: frame.strata[k][1] for k in counts.index})
    weightless = counts[counts <= 0]
    if len(weightless):  # rescaling a stratum whose records all weigh 0: nothing to scale
        mask = keys.isin(list(weightless.index)).to_numpy()
        for f, rows in split(mask):
            out.problems.append(rows_problem(f, source, "stratum", "a stratum whose weights are all 0 (cannot be "
                                             "rescaled to its frame population)", rows, strata[mask]))
        return out
    per_stratum = population / counts
    out.weights = (keys.map(per_stratum).astype(float) * unit).astype(float)
    empty = sorted(v[0] for k, v in frame.strata.items() if k not in counts.index and v[1] > 0)
    nobody = sorted(v[0] for k, v in frame.strata.items() if k not in counts.index and v[1] == 0)
    how = "the data's weights rescaled to N_h per stratum" if base is not None else "weights N_h / n_h"
    out.notes.append(f"{frame.name}: {how} from {len(counts)} frame strata ({spec.unit}); "
                     f"weighted total {out.weights.sum() if spec.unit == 'households' or size is None else (out.weights * size).sum():,.0f}")
    if empty:
        out.notes.append(f"{frame.name}: {len(empty)} frame strata have no sampled record and are not represented "
                         f"({show_values(empty)})")
    if nobody:
        out.notes.append(f"{frame.name}: {len(nobody)} frame strata of population 0 were never sampled "
                         f"({show_values(nobody)})")
    return out
