"""A results table's rows as dicts, as ``DataFrame.to_dict("records")`` gives them, at a fraction of the cost.

A chapter turns a few hundred small tables into rows (chart points, alt text, table cells, flags); pandas
builds each row by indexing every column per row, which was a quarter of a chapter's chart time. Here each
column is converted to Python values once (``tolist``: numpy scalars become Python ones, as ``to_dict`` boxes
them; an object column's numpy scalars too) and the rows are zipped from the columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _column(s: pd.Series) -> list[Any]:
    values = s.tolist()
    if s.dtype == object:
        return [v.item() if isinstance(v, np.generic) else v for v in values]
    return values


def row_dicts(df: pd.DataFrame) -> list[dict[str, Any]]:
    """``df.to_dict("records")``: one dict per row, column name to Python value, in row order."""
    if not df.columns.is_unique:  # pandas' own handling (it warns) for this rare shape
        return df.to_dict("records")
    names = list(df.columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*(_column(df[c]) for c in names), strict=True)] \
        if len(names) else [{} for _ in range(len(df))]
