"""A results table's rows as dicts, as ``DataFrame.to_dict("records")`` gives them, at a fraction of the cost.

A chapter turns a few hundred small tables into rows (chart points, alt text, table cells, flags); pandas
builds each row by indexing every column per row, which was a quarter of a chapter's chart time. Here each
table of numbers, booleans and text is converted to Python values at once (``to_numpy(object)``: numpy
scalars become Python ones, as ``to_dict`` boxes them; an object column's numpy scalars too), any other
table a column at a time (``tolist``), and the rows are zipped from the columns.
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


def _plain(dtype: Any) -> bool:
    """Numbers, booleans, text: converted to the Python values to_dict gives by one ``to_numpy(object)``."""
    return isinstance(dtype, pd.StringDtype) or (isinstance(dtype, np.dtype) and dtype.kind in "iufbO")


def row_dicts(df: pd.DataFrame) -> list[dict[str, Any]]:
    """``df.to_dict("records")``: one dict per row, column name to Python value, in row order."""
    if not df.columns.is_unique:  # pandas' own handling (it warns) for this rare shape
        return df.to_dict("records")  # type: ignore[return-value]  # pandas-stubs: Hashable keys; a table's columns are str
    names = list(df.columns)
    if not names:
        return [{} for _ in range(len(df))]
    if all(_plain(dt) for dt in df.dtypes):  # one conversion of the whole table
        rows = df.to_numpy(dtype=object).tolist()
        boxed = [i for i, dt in enumerate(df.dtypes) if isinstance(dt, np.dtype) and dt.kind == "O"]
        for row in rows if boxed else ():
            for i in boxed:
                if isinstance(row[i], np.generic):
                    row[i] = row[i].item()
        return [dict(zip(names, row, strict=True)) for row in rows]
    return [dict(zip(names, row, strict=True)) for row in zip(*(_column(df[c]) for c in names), strict=True)]
