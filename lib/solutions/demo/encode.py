"""Turn simulated answer codes into source files the way a national office would deliver them.

Each country has its own column names, answer labels (yes/no, 1/2/98/99, oui/non, Yes/No/Don't know), id
formats and extra columns (direct identifiers, enumerator, relation to head) that the config must map,
recode or drop. `recode_map` gives the matching config entries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from solutions.demo.spec import (
    BINARY_LABELS,
    HH_BINARY,
    HH_CATEGORY,
    HH_COLUMNS,
    IDENTIFIERS,
    IND_BINARY,
    IND_CATEGORY,
    IND_COLUMNS,
    LABOUR_LEVELS,
    RESIDENCE_LEVELS,
    ROLES,
    SEX_LABELS,
    URBAN_LABELS,
    CountrySpec,
    category_label,
)
from solutions.demo.survey import RELATIONS, Sample

HH_ORDER: tuple[str, ...] = (
    "justice_needed", "justice_accessed", "justice_type", "movement_restricted", "movement_restriction_type",
    "residence_type", "water_daily_sufficient", "no_financial_access", "financial_obstacle",
    "assistance_sought", "assistance_unable", "assistance_barrier", "hlp_lost", "hlp_no_access_remedy",
    "hlp_obstacle", "documents_lost", "documents_unable_replace", "documents_obstacle", "separated_members",
    "separation_reason", "remedy_accessed", "justice_restored",
)
IND_ORDER: tuple[str, ...] = (
    "security_incident", "attends_school", "non_attendance_reason", "labour_status", "employment_obstacle",
    "documents_lost_displacement", "uasc", "uasc_service_access", "voted_last_election", "not_voted_reason",
    "community_participation", "reconciliation_involved",
)
LEVELS: dict[str, tuple[str, ...]] = {c.name: c.levels for c in (*HH_CATEGORY, *IND_CATEGORY)}
LEVELS["residence_type"] = RESIDENCE_LEVELS
LEVELS["labour_status"] = LABOUR_LEVELS
BINARIES = {q.name for q in (*HH_BINARY, *IND_BINARY)}

FIRST = {
    "default": ("Aren", "Belisa", "Corvin", "Dalia", "Eshan", "Fenna", "Garrick", "Hesper", "Ilvo", "Jorna",
                "Kester", "Liora", "Marek", "Nessa", "Orrin", "Perla", "Quill", "Rhosyn", "Savel", "Tamsin",
                "Ulva", "Verin", "Wenna", "Yorrick", "Zelda", "Amsel", "Brin", "Cressa"),
    "french": ("Amélie", "Bastien", "Céleste", "Dorian", "Élodie", "Fabrice", "Gaëlle", "Hugo", "Isaure",
               "Jules", "Léonie", "Maël", "Noémie", "Octave", "Perrine", "Quentin", "Roxane", "Sacha",
               "Théo", "Ysaline"),
}
LAST = {
    "default": ("Ambrey", "Brackwell", "Corlan", "Dunstane", "Elverin", "Farrow", "Galloway-Kett", "Harnish",
                "Isgrove", "Jessup", "Kellan", "Lorrimer", "Mardell", "Nettlefold", "Orsay", "Pellow",
                "Quarrie", "Ravensby", "Stenmark", "Tolliver", "Umber", "Vantris", "Whitlow", "Yarrow"),
    "french": ("Aubertin", "Bellefonds", "Carrival", "Daumier", "Escoffrey", "Fauvelle", "Granvaux", "Hautecœur",
               "Lavergne", "Marchetti", "Norvel", "Orsini", "Peyrolles", "Rouvière", "Sauvageot", "Vasselin"),
}


def _lut(codes: np.ndarray, table: dict[int, object]) -> pd.Series:
    """Map integer codes through `table`; codes not in it become missing."""
    keys = np.array(sorted(table))
    vals = np.array([table[k] for k in keys], dtype=object)
    pos = np.clip(np.searchsorted(keys, codes), 0, len(keys) - 1)
    out = np.where(keys[pos] == codes, vals[pos], None)  # type: ignore[call-overload]  # numpy stubs: a None scalar is valid
    return pd.Series(out, dtype=object)


def _typed(s: pd.Series, numeric: bool) -> pd.Series:
    return s.astype("Int64") if numeric else pd.Series(s.to_numpy(), dtype="str")


def encode_binary(codes: np.ndarray, style: str) -> pd.Series:
    yes, no, dk, ref = BINARY_LABELS[style]
    return _typed(_lut(codes, {1: yes, 0: no, -2: dk, -3: ref}), style == "numeric")


def encode_category(codes: np.ndarray, var: str, style: str) -> pd.Series:
    levels = LEVELS[var]
    table = {i: category_label(style, levels, i) for i in range(len(levels))}
    return _typed(_lut(codes, table), style == "numeric")


def recode_map(var: str, style: str, kind: str) -> dict[str, Any] | None:
    """Config `recode` entry {source label (as text): canonical value} for one variable, or None if identity."""
    if kind == "binary":
        yes, no, dk, ref = BINARY_LABELS[style]
        return {str(yes): 1, str(no): 0, str(dk): None, str(ref): None}
    if kind == "sex":
        f, m = SEX_LABELS[style]
        mapping = {str(f): "female", str(m): "male"}
    elif kind == "urban":
        u, r = URBAN_LABELS[style]
        mapping = {str(u): "urban", str(r): "rural"}
    else:
        levels = LEVELS[var]
        mapping = {str(category_label(style, levels, i)): lv for i, lv in enumerate(levels)}
    return None if all(k == v for k, v in mapping.items()) else mapping


def _names(rng: np.random.Generator, n: int, style: str) -> list[str]:
    key = "french" if style == "french" else "default"
    first = np.array(FIRST[key])[rng.integers(0, len(FIRST[key]), n)]
    last = np.array(LAST[key])[rng.integers(0, len(LAST[key]), n)]
    return [f"{f} {v}" for f, v in zip(first, last, strict=True)]


def _phones(rng: np.random.Generator, n: int) -> list[str]:
    # +990 is an unassigned (spare) ITU country calling code: these numbers cannot be real
    a, b = rng.integers(200, 1000, n), rng.integers(0, 10000, n)
    return [f"+990 {x:03d} {y:04d}" for x, y in zip(a, b, strict=True)]


def _ids(spec: CountrySpec, n: int) -> pd.Series:
    seq = np.arange(1, n + 1)
    if spec.style == "numeric":
        return pd.Series(100000 + seq, dtype="int64")
    if spec.style == "english_caps":
        return pd.Series([f"H{50000 + 7 * i}" for i in seq], dtype="str")
    prefix = "MEN" if spec.style == "french" else spec.iso3
    return pd.Series([f"{prefix}-{i:05d}" for i in seq], dtype="str")


def _strata_codes(spec: CountrySpec, sample: Sample) -> tuple[pd.Series, pd.Series]:
    d = sample.design
    labels: list[int | str] = []
    for a, r, u in d.strata:
        area = spec.areas[a]
        if spec.style == "numeric":
            labels.append((a + 1) * 10 + int(spec.group_codes[ROLES[r]]))
        elif r < 0:
            labels.append(f"{area.code}-{'U' if u else 'R'}")
        else:
            sep = "_" if spec.style == "english_caps" else "-"
            labels.append(f"{area.code}{sep}{spec.group_codes[ROLES[r]]}")
    stratum = pd.Series(np.asarray(labels, dtype=object)[d.stratum])
    if spec.style == "numeric":
        return stratum.astype("int64"), pd.Series(d.psu_in_stratum, dtype="int64")  # PSU ids repeat across strata
    if spec.style == "english_caps":
        return stratum.astype("str"), pd.Series(101 + d.psu, dtype="int64")
    prefix = "ZD" if spec.style == "french" else "EA"
    return stratum.astype("str"), pd.Series([f"{prefix}{1001 + p}" for p in d.psu], dtype="str")


def household_frame(spec: CountrySpec, sample: Sample, rng: np.random.Generator,
                    start: dt.date) -> tuple[pd.DataFrame, dict[str, str]]:
    """The household source table and its {catalogue variable: source column} mapping."""
    d, style = sample.design, spec.style
    n = len(d.psu)
    cols: dict[str, pd.Series] = {}
    ids = _ids(spec, n)
    cols["household_id"] = ids
    name_col, phone_col = IDENTIFIERS[spec.iso3]
    extra = {name_col: pd.Series(_names(rng, n, style), dtype="str"),
             phone_col: pd.Series(_phones(rng, n), dtype="str"),
             "enumerator": pd.Series([f"E{(p % 23) + 1:02d}" for p in d.psu], dtype="str")}
    dates = pd.Series(pd.to_datetime(np.datetime64(start, "D") + d.day.astype("timedelta64[D]")))
    if spec.households_format == "parquet":
        cols["interview_date"] = dates.dt.date.astype(object)
    elif spec.households_format == "excel":
        cols["interview_date"] = dates.astype(object)
    else:
        cols["interview_date"] = dates.dt.strftime("%Y-%m-%d").astype("str")
    cols["admin1"] = pd.Series(np.array([a.name for a in spec.areas], dtype=object)[d.area], dtype="str")
    district = [spec.areas[a].districts[p % len(spec.areas[a].districts)] for a, p in zip(d.area, d.psu, strict=True)]
    extra["district"] = pd.Series(district, dtype="str")
    u, r = URBAN_LABELS[style]
    cols["urban_rural"] = _typed(pd.Series(np.where(d.urban, u, r).astype(object)), style == "numeric")  # type: ignore[call-overload]  # labels are text or numbers
    code_of_role = {i: spec.group_codes.get(role, "") for i, role in enumerate(ROLES)}
    grp = pd.Series([code_of_role[i] for i in d.role], dtype="str")
    cols["pop_group"] = grp.astype("int64") if style == "numeric" else grp
    cols["stratum"], cols["psu"] = _strata_codes(spec, sample)
    w = np.round(d.weight, 4)
    cols["weight"] = pd.Series(w) if spec.households_format != "csv" else pd.Series([f"{x:.4f}" for x in w], dtype="str")
    for var in HH_ORDER:
        codes = sample.hh[var]
        cols[var] = encode_binary(codes, style) if var in BINARIES else encode_category(codes, var, style)

    names = {var: HH_COLUMNS.get(spec.iso3, {}).get(var, var) for var in cols}
    order = ["household_id", name_col, phone_col, "interview_date", "enumerator", "admin1", "district",
             "urban_rural", "pop_group", "stratum", "psu", "weight", *HH_ORDER]
    data = {}
    for key in order:
        if key in cols:
            if key not in spec.dropped:
                data[names[key]] = cols[key].reset_index(drop=True)
        else:
            data[key] = extra[key].reset_index(drop=True)
    mapping = {var: names[var] for var in ["household_id", "weight", "stratum", "psu", "pop_group", "admin1",
                                            "urban_rural", "interview_date", *HH_ORDER] if var not in spec.dropped}
    return pd.DataFrame(data), mapping


def individual_frame(spec: CountrySpec, sample: Sample, hh_ids: pd.Series) -> tuple[pd.DataFrame, dict[str, str]]:
    """The individual source table and its {catalogue variable: source column} mapping."""
    style, ind = spec.style, sample.ind
    hid = hh_ids.to_numpy()[ind["hh"]]
    line = ind["line"].astype(np.int64) + 1
    if style == "numeric":
        pid = pd.Series(hid.astype(np.int64) * 100 + line, dtype="int64")
        hid_s = pd.Series(hid, dtype="int64")
    else:
        pid = pd.Series([f"{h}-{k:02d}" for h, k in zip(hid, line, strict=True)], dtype="str")
        hid_s = pd.Series(hid, dtype="str")
    f, m = SEX_LABELS[style]
    cols: dict[str, pd.Series] = {
        "household_id": hid_s, "person_id": pid,
        "sex": _typed(pd.Series(np.where(ind["female"], f, m).astype(object)), style == "numeric"),  # type: ignore[call-overload]  # as above
        "age": pd.Series(ind["age"].astype(np.int64)),
    }
    for var in IND_ORDER:
        codes = ind[var]
        cols[var] = encode_binary(codes, style) if var in BINARIES else encode_category(codes, var, style)
    names = {var: IND_COLUMNS.get(spec.iso3, {}).get(var, var) for var in cols}
    data: dict[str, pd.Series] = {}
    for var in ["household_id", "person_id"]:
        data[names[var]] = cols[var]
    data["relation_to_head"] = pd.Series(np.asarray(RELATIONS, dtype=object)[ind["relation"]], dtype="str")
    for var in ["sex", "age", *IND_ORDER]:
        if var not in spec.dropped:
            data[names[var]] = cols[var]
    mapping = {var: names[var] for var in cols if var not in spec.dropped}
    return pd.DataFrame(data), mapping
