"""The withheld values themselves, for telling a real recovery from a coincidence: the same countries
recomputed from their data with every suppression threshold off (never published, test-only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from solutions.config_loader import country_path, load_all
from solutions.indicators import compute_country
from solutions.inputs import load_country_data

from .attack import CELL


def unsuppressed(params: Path) -> dict[tuple, float]:
    """Cell -> estimate of every country of the report, with min_n = 1 and min_effective_n = 0."""
    gcfg, countries = load_all(params)
    gcfg = gcfg.model_copy(update={"thresholds": gcfg.thresholds.model_copy(update={"min_n": 1,
                                                                                    "min_effective_n": 0})})
    out: dict[tuple, float] = {}
    for iso, cfg in countries.items():
        data = load_country_data(cfg, country_path(params, gcfg, iso), lonely_psu=gcfg.thresholds.lonely_psu)
        est = compute_country(cfg, gcfg, data).estimates
        est = est[np.isfinite(est["estimate"].astype(float))]
        out |= dict(zip(est[CELL].itertuples(index=False, name=None), est["estimate"].astype(float), strict=True))
    return out
