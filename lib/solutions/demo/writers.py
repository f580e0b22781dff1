"""Byte-stable, atomic file writers (CSV, Parquet, Excel, YAML) for the demo data."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def atomic_write(path: Path, data: bytes) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def csv_bytes(df: pd.DataFrame, delimiter: str = ",") -> bytes:
    """CSV with LF line ends; float columns must already be formatted as text by the caller."""
    floats = [c for c in df.columns if pd.api.types.is_float_dtype(df[c])]
    if floats:
        raise ValueError(f"format float columns before writing CSV: {floats}")
    return df.to_csv(index=False, sep=delimiter, lineterminator="\n").encode("utf-8")


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet (pyarrow, snappy) without the index; the pandas schema metadata is stable across runs."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="snappy", write_statistics=True)
    return sink.getvalue().to_pybytes()


def excel_bytes(df: pd.DataFrame, sheet: str, stamp: str) -> bytes:
    """A one-sheet .xlsx (openpyxl) with fixed document timestamps and zip entry times."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(df.columns))
    cols = [df[c].astype(object).where(df[c].notna(), None).tolist() for c in df.columns]
    for row in zip(*cols, strict=True):
        ws.append([v.date() if isinstance(v, pd.Timestamp) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue(), stamp)


def _normalise_zip(data: bytes, stamp: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>"
                              + stamp.encode() + rb"\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_repr(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_repr)


def yaml_bytes(data: dict[str, Any], header: str = "") -> bytes:
    """Block-style YAML, keys in insertion order, no anchors."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=False)
    return (header + text).encode("utf-8")
