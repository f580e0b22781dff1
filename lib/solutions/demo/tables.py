"""System-level tables of the demo countries: mechanism inventory per location and country-year figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from solutions.demo.spec import FIG_COLUMNS, FRENCH, LOC_COLUMNS, MECHANISMS, CountrySpec

# probability that a mechanism exists and functions in a district, and typical awareness (%)
AVAILABILITY: dict[tuple[str, str], tuple[float, float]] = {
    ("hlp", "court"): (0.85, 55), ("hlp", "land_commission"): (0.35, 30), ("hlp", "traditional"): (0.75, 65),
    ("hlp", "legal_aid"): (0.45, 25), ("remedy", "court"): (0.80, 50), ("remedy", "ombudsperson"): (0.40, 20),
    ("remedy", "truth_commission"): (0.20, 15), ("remedy", "traditional"): (0.65, 60),
}
AVAILABLE_LABELS = {"english": ("yes", "no"), "numeric": (1, 0), "french": ("oui", "non"),
                    "english_caps": ("Yes", "No")}


def locations_frame(spec: CountrySpec, rng: np.random.Generator) -> tuple[pd.DataFrame, dict[str, str]]:
    """Long table: every district of every admin1 x each HLP and remedy mechanism type."""
    yes, no = AVAILABLE_LABELS[spec.style]
    rows = []
    for area in spec.areas:
        for j, district in enumerate(area.districts, start=1):
            for mech_area, types in MECHANISMS.items():
                for mtype in types:
                    p, aware = AVAILABILITY[(mech_area, mtype)]
                    available = bool(rng.random() < min(max(p - 0.4 * area.effect, 0.05), 0.97))
                    pct = float(np.clip(rng.normal(aware, 12), 2, 98)) if available else None
                    french = spec.style == "french"
                    rows.append({
                        "location_id": f"{spec.iso3}-{area.code}-{j:02d}",
                        "location_name": district,
                        "admin1": area.name,
                        "mechanism_area": FRENCH[mech_area] if french else mech_area,
                        "mechanism_type": FRENCH[mtype] if french else mtype,
                        "available": yes if available else no,
                        "aware_pct": "" if pct is None else f"{pct:.1f}",
                    })
    df = pd.DataFrame(rows)
    if spec.style == "numeric":
        df["available"] = df["available"].astype("int64")
    names = LOC_COLUMNS.get(spec.iso3, {})
    mapping = {c: names.get(c, c) for c in df.columns if c != "location_name"}
    return df.rename(columns=names), mapping


def figures_frame(spec: CountrySpec, rng: np.random.Generator, year: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """Tidy country-year figures for the five years up to `year`; the last stock equals spec.idp_stock."""
    years = list(range(year - 4, year + 1))
    stock, new, ret = [], [], []
    s = 1.0
    trend = rng.uniform(-0.08, 0.12)
    for _ in years:
        n = s * max(rng.normal(0.18 + trend, 0.06), 0.02)
        r = s * max(rng.normal(0.09 - trend / 2, 0.03), 0.01)
        s = s + n - r - 0.01 * s
        stock.append(s)
        new.append(n)
        ret.append(r)
    k = spec.idp_stock / stock[-1]
    src = "Fictional Displacement Monitoring Centre (demo)"
    ret_src = f"{spec.short} Returns Tracking Matrix (fictional)"
    rows = []
    for y, st, nw, rt in zip(years, stock, new, ret, strict=True):
        rows.append((spec.iso3, y, "idp_stock", int(round(st * k, -2)), src))
        rows.append((spec.iso3, y, "new_displacements", int(round(nw * k, -1)), src))
        rows.append((spec.iso3, y, "returns", int(round(rt * k, -1)), ret_src))
    df = pd.DataFrame(rows, columns=["country", "year", "metric", "value", "source"])
    names = FIG_COLUMNS.get(spec.iso3, {})
    mapping = {c: names.get(c, c) for c in df.columns}
    return df.rename(columns=names), mapping


def returns_total(figures: pd.DataFrame, spec: CountrySpec) -> float:
    """Sum of returns over the figure years (sizes the returnee population)."""
    names = FIG_COLUMNS.get(spec.iso3, {})
    metric, value = names.get("metric", "metric"), names.get("value", "value")
    return float(figures.loc[figures[metric] == "returns", value].sum())
