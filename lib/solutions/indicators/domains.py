"""Domains: population group × one disaggregation value, as integer codes for the estimator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from solutions.config import ROLES
from solutions.survey.codes import dense_codes


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


def _codes_in(codes: np.ndarray, labels: np.ndarray, order: tuple[str, ...]) -> np.ndarray:
    """Dense codes renumbered by their labels' (as text) position in `order`; -1 if missing or unlisted."""
    at = {v: i for i, v in enumerate(order)}
    lut = np.array([at.get(str(v), -1) for v in labels] + [-1], dtype=np.intp)  # last: code -1
    return lut[codes]


def build_domains(df: pd.DataFrame, disaggregation: str, levels: tuple[str, ...] | None = None) -> Domains:
    """Codes for every (role, value) cell; roles in the fixed report order, values in catalogue order."""
    role_codes, role_labels = dense_codes(df["role"], missing="none")
    present_roles = {str(r) for r in role_labels}
    roles = tuple(r for r in ROLES if r in present_roles)
    role_idx = _codes_in(role_codes, role_labels, roles)
    if disaggregation == "total":
        values: tuple[str, ...] = ("",)
        val_idx = np.zeros(len(df), dtype=np.intp)
    else:
        val_codes, labels = dense_codes(df[disaggregation], missing="none")
        present = sorted(str(v) for v in labels)
        values = tuple(v for v in (levels or ()) if v in present) + tuple(
            v for v in present if v not in (levels or ())
        )
        val_idx = _codes_in(val_codes, labels, values)
    codes = role_idx * len(values) + val_idx
    np.copyto(codes, -1, where=(role_idx < 0) | (val_idx < 0))
    return Domains(disaggregation, roles, values, codes)
