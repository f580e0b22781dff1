"""A minimal reader for the tests: apply a demo config's column mapping and recoding to its source files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml


def read_source(cfg_path: Path, table: str) -> pd.DataFrame:
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    spec = cfg["data"][table]
    path = (cfg_path.parent / spec["path"]).resolve()
    fmt = spec.get("format")
    if fmt == "csv":
        return pd.read_csv(path, sep=spec.get("delimiter", ","), dtype=str, keep_default_na=False,
                           na_values=[""])
    if fmt == "parquet":
        return pd.read_parquet(path)
    return pd.read_excel(path, sheet_name=spec["sheet"], engine="openpyxl")


def canonical(cfg_path: Path, table: str) -> pd.DataFrame:
    """Source table renamed to catalogue names and recoded (binaries 1/0/NaN, categories canonical)."""
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    src = read_source(cfg_path, table)
    mapping = cfg["columns"][table]
    out = pd.DataFrame({var: src[col] for var, col in mapping.items()})
    for var, rec in cfg.get("recode", {}).items():
        if var in out:
            s = out[var]
            text = s.map(lambda v: None if pd.isna(v) else str(v))
            out[var] = text.map(lambda v, rec=rec: rec.get(v, v) if v is not None else None)
    for var in ("weight", "aware_pct", "value"):
        if var in out:
            out[var] = pd.to_numeric(out[var])
    if table == "households":
        out["role"] = out["pop_group"].astype(str).map({str(k): v for k, v in cfg["groups"].items()})
    return out


def to_float(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)


def domain_mean_gap(df: pd.DataFrame, y: np.ndarray, a: str, b: str) -> tuple[float, float, float]:
    """Weighted mean difference role a - role b, its Taylor-linearized SE and the design effect of a's mean.

    Records with missing y are dropped from both domains; PSUs are nested in strata; single-PSU strata
    contribute no variance (a simplification, enough for these checks).
    """
    w = df["weight"].to_numpy(dtype=float)
    ok = ~np.isnan(y)
    scores, means = [], []
    for role in (a, b):
        d = ok & (df["role"] == role).to_numpy()
        wd = w * d
        mean = float(np.sum(wd * np.nan_to_num(y)) / wd.sum())
        scores.append(wd * (np.nan_to_num(y) - mean) / wd.sum())
        means.append(mean)

    def variance(z: np.ndarray) -> float:
        frame = pd.DataFrame({"h": df["stratum"].astype(str).to_numpy(), "p": df["psu"].astype(str).to_numpy(),
                              "z": z})
        tot = frame.groupby(["h", "p"], sort=False)["z"].sum().reset_index()
        v = 0.0
        for _, g in tot.groupby("h"):
            n = len(g)
            if n > 1:
                v += n / (n - 1) * float(((g["z"] - g["z"].mean()) ** 2).sum())
        return v

    gap_se = variance(scores[0] - scores[1]) ** 0.5
    d = ok & (df["role"] == a).to_numpy()
    n = d.sum()
    srs = means[0] * (1 - means[0]) / n
    return means[0] - means[1], gap_se, variance(scores[0]) / srs
