"""Domains: population group × one disaggregation value, as integer codes for the estimator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from solutions.config import ROLES


@dataclass(frozen=True)
class Domains:
    disaggregation: str
    roles: tuple[str, ...]
    values: tuple[str, ...]
    codes: np.ndarray  # (n,) int64, -1 = in no domain

    @property
    def n(self) -> int:
        return len(self.roles) * len(self.values)

    def code(self, role: str, value: str) -> int:
        return self.roles.index(role) * len(self.values) + self.values.index(value)

    def cells(self) -> list[tuple[str, str]]:
        return [(r, v) for r in self.roles for v in self.values]


def build_domains(df: pd.DataFrame, disaggregation: str, levels: tuple[str, ...] | None = None) -> Domains:
    """Codes for every (role, value) cell; roles in the fixed report order, values in catalogue order."""
    roles = tuple(r for r in ROLES if (df["role"] == r).any())
    role_idx = pd.Categorical(df["role"], categories=list(roles)).codes.astype(np.int64)
    if disaggregation == "total":
        values: tuple[str, ...] = ("",)
        val_idx = np.zeros(len(df), dtype=np.int64)
    else:
        present = sorted(str(v) for v in df[disaggregation].dropna().unique())
        values = tuple(v for v in (levels or ()) if v in present) + tuple(
            v for v in present if v not in (levels or ())
        )
        val_idx = pd.Categorical(df[disaggregation].astype(object), categories=list(values)).codes.astype(np.int64)
    codes = np.where((role_idx >= 0) & (val_idx >= 0), role_idx * len(values) + val_idx, -1)
    return Domains(disaggregation, roles, values, codes)
