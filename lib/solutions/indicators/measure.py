"""The solutions measure (methodology.md section 3): households meeting the configured conditions of
criteria 1-5, as a catalogue-style indicator computed by the same engine as every other indicator."""

from __future__ import annotations

import numpy as np
import pandas as pd

from solutions.catalogue import Indicator
from solutions.config import GlobalConfig
from solutions.expressions import parse

SOLUTIONS_ID = "SOL-1"


def solutions_indicator(gcfg: GlobalConfig) -> Indicator | None:
    """The household-level solutions measure as a catalogue-style indicator (thresholds from config)."""
    if not gcfg.solutions_measure:
        return None
    labels = "; ".join(c.label for c in gcfg.solutions_measure)
    return Indicator(
        id=SOLUTIONS_ID, criterion=0, title="Households meeting every solutions threshold (criteria 1-5)",
        short_title="Solutions measure",
        definition=f"Share of households that meet every household-level threshold of criteria 1-5: {labels}.",
        kind="proportion", table="households", unit="household", numerator="solutions_met == 1",
        requires=("solutions_met",), direction="higher", prds_objective=1, level="household",
        disaggregations=("urban_rural", "admin1"),
    )


def solutions_met(households: pd.DataFrame, gcfg: GlobalConfig) -> pd.Series:
    """1 when a household meets every condition, 0 when it fails one, NaN when unknown.

    Three-valued logic (`solutions.expressions`): a condition whose answer depends on a missing value is
    unknown; one condition known to fail is enough to fail, and every condition must be known to pass.
    """
    n = len(households)
    met, known = np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    for cond in gcfg.solutions_measure:
        value, k = parse(cond.condition).truth(households)
        known = (known & k) | (known & ~met) | (k & ~value)
        met &= value
    return pd.Series(np.where(known, met.astype(float), np.nan), index=households.index)
