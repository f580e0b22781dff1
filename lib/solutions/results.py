"""The results tables: their schemas, and how they are written and read (Parquet + CSV, atomically).

The schemas are documented in docs/architecture.md; the global notebook reads only these tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from solutions.atomic import write_with

ESTIMATES: dict[str, str] = {
    "country": "str", "year": "int64", "indicator_id": "str", "criterion": "int64", "kind": "str",
    "group": "str", "disaggregation": "str", "disaggregation_value": "str", "category": "str",
    "estimate": "float64", "se": "float64", "ci_low": "float64", "ci_high": "float64", "df": "float64",
    "deff": "float64", "cv": "float64", "n_unweighted": "int64", "n_weighted": "float64",
    "n_missing": "int64", "suppressed": "bool", "suppression_reason": "str", "flag": "str",
    "catalogue_version": "str", "note": "str",
}
GAPS: dict[str, str] = {
    "country": "str", "year": "int64", "indicator_id": "str", "criterion": "int64", "group": "str",
    "disaggregation": "str", "disaggregation_value": "str", "category": "str", "gap": "float64",
    "se": "float64", "ci_low": "float64", "ci_high": "float64", "df": "float64", "p_value": "float64",
    "direction": "str", "status": "str", "catalogue_version": "str",
}
CRITERIA: dict[str, str] = {
    "country": "str", "year": "int64", "criterion": "int64", "group": "str", "status": "str",
    "n_indicators": "int64", "n_closed": "int64", "n_open": "int64", "n_insufficient": "int64",
}
FIGURES: dict[str, str] = {"country": "str", "year": "int64", "metric": "str", "value": "float64", "source": "str"}
INDICATORS: dict[str, str] = {  # one row per indicator of a country: computed or not, and why; its note
    "country": "str", "year": "int64", "indicator_id": "str", "criterion": "int64", "title": "str", "table": "str",
    "computed": "bool", "reason": "str", "note": "str", "catalogue_version": "str",
}
BENCHMARKS: dict[str, str] = {  # survey estimates beside the country's external reference (no gap status)
    "country": "str", "year": "int64", "indicator_id": "str", "criterion": "int64", "group": "str",
    "estimate": "float64", "se": "float64", "reference_name": "str", "reference_year": "int64",
    "reference": "float64", "reference_se": "float64", "difference": "float64", "difference_se": "float64",
    "ci_low": "float64", "ci_high": "float64", "comparison": "str", "catalogue_version": "str",
}
SCHEMAS = {"estimates": ESTIMATES, "gaps": GAPS, "criteria": CRITERIA, "figures": FIGURES, "indicators": INDICATORS,
           "benchmarks": BENCHMARKS}
FLOAT_FORMAT = "%.12g"  # CSV: enough digits for 1e-9 agreement, stable across platforms


def conform(df: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """Exactly the schema's columns, in order, with its dtypes (object strings for stable Parquet)."""
    out = pd.DataFrame({c: df[c] if c in df else pd.Series(dtype="float64") for c in schema})
    for col, dtype in schema.items():
        if dtype == "str":
            out[col] = out[col].astype(object).where(out[col].notna(), "").astype(str).astype(object)
        elif dtype == "int64":
            out[col] = pd.to_numeric(out[col]).fillna(0).astype(np.int64)
        else:
            out[col] = out[col].astype(dtype)
    return out.reset_index(drop=True)


def write_table(df: pd.DataFrame, name: str, folder: Path) -> list[Path]:
    """Write `<name>.parquet` and `<name>.csv` atomically; returns both paths."""
    df = conform(df, SCHEMAS[name])
    pq = folder / f"{name}.parquet"
    csv = folder / f"{name}.csv"
    write_with(pq, lambda p: df.to_parquet(p, index=False, engine="pyarrow", compression="zstd"))
    write_with(csv, lambda p: df.to_csv(p, index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    return [pq, csv]


def earlier_result_folders(output_root: str | Path, iso3: str, year: int) -> list[Path]:
    """``<output_root>/<y>/results/<iso3>/`` of every report year y before ``year`` that published estimates."""
    return [f for f in sorted(Path(output_root).glob(f"*/results/{iso3}"))
            if f.parent.parent.name.isdigit() and int(f.parent.parent.name) < int(year)
            and (f / "estimates.parquet").is_file()]


def read_table(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.parquet"
    if not path.exists():
        return conform(pd.DataFrame(), SCHEMAS[name])
    return pd.read_parquet(path)
