"""Many countries' and years' results tables read as one Parquet dataset: only the columns and rows asked for.

The global pages read every country of an edition and, for trends and "what changed", every earlier edition
(``outputs/<year>/results/<ISO3>/<table>.parquet``, a dataset partitioned by year and country). Reading each
file whole into pandas and concatenating made the global notebook's memory grow with the number of
country-editions; a pyarrow dataset scan with a column projection and a row filter keeps only what a
section needs, and converts to pandas once. Files are scanned in the order given, rows in file order, so
the result is the concatenation the pages had before (same order, same values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as ds

from solutions.results import SCHEMAS, arrow_schema, conform


def _where(where: Mapping[str, object] | None) -> pc.Expression | None:
    """``{column: value or list of values}`` as one Arrow filter (every condition holds)."""
    expr = None
    for col, value in (where or {}).items():
        cond = pc.field(col).isin(list(value)) if isinstance(value, list | tuple | set | frozenset) \
            else pc.field(col) == value
        expr = cond if expr is None else expr & cond
    return expr


def scan(folders: Sequence[Path], name: str, *, columns: Sequence[str] | None = None,
         where: Mapping[str, object] | None = None) -> pd.DataFrame:
    """Table ``name`` of every folder in ``folders`` (those without it skipped), in that order: only
    ``columns`` (default all of the schema) and the rows matching ``where`` (``{column: value | [values]}``).
    No folder with the table gives an empty frame with the schema's columns."""
    schema = arrow_schema(name)
    cols = list(columns) if columns is not None else schema.names
    files = [str(Path(f) / f"{name}.parquet") for f in folders if (Path(f) / f"{name}.parquet").is_file()]
    if not files:
        return conform(pd.DataFrame(), {c: SCHEMAS[name][c] for c in cols})
    dataset = ds.dataset(files, format="parquet", schema=schema)
    # ordered scan: fragments in the order given, batches in file order (to_table keeps both)
    table = dataset.to_table(columns=cols, filter=_where(where))
    return table.to_pandas()
