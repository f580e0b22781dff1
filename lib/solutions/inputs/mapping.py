"""Source columns -> catalogue and country variables: rename, recode, coerce types; roles and age bands.

Rules (documented here because a country's analyst relies on them):

* identifiers (`cfg.identifiers`, matched case-insensitively) are dropped before anything else; only mapped
  variables reach the returned frame, so unmapped and free-text columns never leave this module.
* a catalogue variable is taken from `columns[table][var]`; if unmapped, from a column named exactly like the
  variable; otherwise it is listed in `missing_variables` (an error only when the catalogue marks it
  required, or when it is a design column the config's `design` names). A country variable
  (`variables[table][var]`) is taken from its `column`.
* a source is one column, a list of columns (coalesced: the first answered one, e.g. one question asked in
  two skip-logic branches) or `{join: [columns]}` (values joined as text, e.g. area and population group).
* column names match exactly, then ignoring case, then as the last part of a Kobo group path (`hoh_sex`
  finds `household/hoh_sex` when only one column ends so).
* HXL: when the first data row holds hashtags (`#affected+idp`), a mapping may name a hashtag instead of a
  column; attributes match as a subset (`#affected+idp` finds `#affected+idp+ind`). The hashtag row is dropped.
* a mapping ending in `/` takes a category from a multi-select question (see `xlsform.py`); an option column
  `question/option` that the export does not have is read from the question's space-separated codes.
* recodes: keys compare as text, so YAML `1:` and `"1":` are the same key; a `null` value means missing.
  With value labels (Stata/SPSS labels, an XLSForm's choices) a value also matches by its code or its label.
* binary variables without a recode: yes/no, true/false, 1/0, oui/non, si (any case) -> 1/0; don't know,
  refused, dk, dwta, ne sait pas, 98, 99 and blanks -> missing (the don't-know/refused ones are counted).
* category variables: canonical levels match after lowercasing and `' '`/`-` -> `_` ("Host family" ->
  `host_family`); don't know / refused -> missing (counted); anything else is an unknown code.
* numbers: a `;`-delimited CSV is read with decimal commas (`1,25`), the European convention.
* derived variables (`{derived: expression}`) are computed once the table is complete (`derive.py`).
* a column name repeated in the file (only its first copy is read) is an error when the mapping reads it and
  a warning otherwise, both naming its 1-based column positions; so is a column with data but no name (a
  warning: nothing can map it). See `column_shape_messages`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from solutions.catalogue import Variable, load_catalogue
from solutions.config import CountryConfig, Derived, Join, source_columns
from solutions.inputs.messages import column_label, rows_problem
from solutions.inputs.xlsform import XLSForm, expand_multiselect, first_selected, selected_flags

BLANK_TOKENS = {"", "na", "n/a", "nan", "none", "null", ".", "-"}
DK_TOKENS = {
    "dont_know",
    "don't know",
    "dont know",
    "don't_know",
    "do_not_know",
    "do not know",
    "dk",
    "unknown",
    "refused",
    "refuse",
    "refus",
    "no_answer",
    "no answer",
    "prefer_not_to_say",
    "prefer not to say",
    "ne_sait_pas",
    "ne sait pas",
    "nsp",
    "no sabe",
    "no_sabe",
    "ns/nr",
    "dwta",
    "pnta",
    "idk",
    "dnk",
    "prefer_not_to_answer",
    "prefer not to answer",
    "decline_to_answer",
    "decline to answer",
}
BINARY_MISSING_CODES = {"98", "99", "-98", "-99", "888", "999"}
YES_TOKENS = {"yes", "y", "true", "1", "oui", "si", "sí", "vrai"}
NO_TOKENS = {"no", "n", "false", "0", "non", "faux"}
TEXT_TYPES = ("id", "design", "category")
HOUSEHOLD_COLUMNS = ("weight", "stratum", "psu", "pop_group", "role", "admin1", "urban_rural")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DEC_COMMA = re.compile(r"^[+-]?\d*,\d+$")


@dataclass
class MappedTable:
    """A table under catalogue names plus everything learnt while mapping it."""

    frame: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)  # catalogue var -> source column (for messages)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_variables: list[str] = field(default_factory=list)
    dropped_identifiers: list[str] = field(default_factory=list)
    missing_codes: dict[str, int] = field(default_factory=dict)  # var -> records recoded don't know/refused
    failed: set[str] = field(default_factory=set)  # variables with a problem: kept out of later checks
    warnings: list[str] = field(default_factory=list)  # not errors, but the analyst must know (unused columns)
    used: set[str] = field(default_factory=set)  # source columns read by the mapping


# ------------------------------------------------------------ value keys ----
def value_key(v: Any) -> str | None:
    """A raw cell as comparable text: `1`, `1.0` and `"1"` all give "1"; missing gives None."""
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return None
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        return v.isoformat()
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v).strip()


def per_unique(values: pd.Series, fn: Any) -> pd.Series:
    """`fn` of every cell, computed once per distinct value (missing cells get `fn(None)`); object dtype.

    Why: survey columns hold a handful of distinct answers over thousands of rows, so the Python-level work
    is per answer, and the spreading back over the rows is one numpy take.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [fn(u) for u in uniques]
    table[-1] = fn(None)  # code -1: missing
    return pd.Series(table[codes], index=values.index, dtype=object)


def keys_of(s: pd.Series) -> pd.Series:
    """`value_key` of every cell as an object Series holding None for missing (never NaN)."""
    if isinstance(s.dtype, pd.StringDtype):  # text or missing only (a CSV column): the key is the stripped text
        return pd.Series(s.str.strip().to_numpy(dtype=object, na_value=None),  # type: ignore[call-overload]  # pandas-stubs: object and None are valid
                         index=s.index, dtype=object)  # type: ignore[arg-type]  # as above
    if s.dtype == object:
        # factorize treats True and 1 as one value; their keys differ ("true", "1"), so bools go first to text
        is_bool = s.map(type).isin((bool, np.bool_)).to_numpy()
        if is_bool.any():
            s = s.where(~is_bool, s.map({True: "true", False: "false"}))
    return per_unique(s, value_key)


def norm_level(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


class _Alternates:
    """Code <-> label lookups for one column (value labels, or an XLSForm's choices in every language)."""

    def __init__(self, labels: dict[str, str] | dict[str, tuple[str, ...]] | None):
        self.labels = {code: (lab,) if isinstance(lab, str) else tuple(lab) for code, lab in (labels or {}).items()}
        self.code = {norm_level(lab): code for code, labs in self.labels.items() for lab in labs}

    def of(self, key: str) -> list[str]:
        out = [key, *self.labels.get(key, ())]
        code = self.code.get(norm_level(key))
        if code is not None:
            out.append(code)
        return out


def _lookup(table: dict[str, Any], candidates: list[str]) -> tuple[bool, Any]:
    for c in candidates:
        if c in table:
            return True, table[c]
    folded = {k.strip().lower(): v for k, v in table.items()}
    for c in candidates:
        if c.strip().lower() in folded:
            return True, folded[c.strip().lower()]
    return False, None


# --------------------------------------------------------------- mapping ----
def detect_hxl(raw: pd.DataFrame) -> dict[str, str] | None:
    """Hashtag -> column when the first data row is an HXL hashtag row."""
    if raw.empty:
        return None
    first = raw.iloc[0]
    vals = [(c, str(v).strip()) for c, v in first.items() if value_key(v)]
    tagged = [(c, v) for c, v in vals if v.startswith("#")]
    if not tagged or len(tagged) * 2 < len(vals):
        return None
    return {_norm_tag(v): str(c) for c, v in tagged}


def _norm_tag(tag: str) -> str:
    parts = [p.strip().lower() for p in tag.replace(" ", "").split("+") if p.strip()]
    return "+".join([parts[0], *sorted(parts[1:])]) if parts else ""


def _hxl_column(tags: dict[str, str], pattern: str) -> tuple[str | None, str]:
    want = _norm_tag(pattern)
    if want in tags:
        return tags[want], ""
    head, *attrs = want.split("+")
    hits = [c for t, c in tags.items() if t.split("+")[0] == head and set(attrs) <= set(t.split("+")[1:])]
    if len(hits) == 1:
        return hits[0], ""
    return None, (
        "matches several columns: " + ", ".join(repr(h) for h in hits)
    ) if hits else "not in the HXL row"


def _find_column(columns: list[str], name: str) -> str | None:
    """A source column by name: exact, then ignoring case, then as the last part of a Kobo group path
    (`hoh_sex` finds `hh_roster/hoh_sex` when only one column ends so)."""
    if name in columns:
        return name
    folded = [c for c in columns if c.strip().lower() == name.strip().lower()]
    if len(folded) == 1:
        return folded[0]
    tail = "/" + name.strip().lower()
    grouped = [c for c in columns if c.strip().lower().endswith(tail)]
    return grouped[0] if len(grouped) == 1 else None


def _with_prefix(columns: list[str], prefix: str) -> list[str]:
    """The option columns of a multi-select question (`barrier/` finds `barrier/distance`, and under one
    Kobo group path `protection/barrier/distance`)."""
    direct = [c for c in columns if c.startswith(prefix)]
    if direct:
        return direct
    grouped = [c for c in columns if f"/{prefix}" in c]
    paths = {c[: c.index(f"/{prefix}")] for c in grouped}
    return grouped if len(paths) == 1 else []


@dataclass(frozen=True)
class _Found:
    series: pd.Series
    shown: str  # how messages name the source
    labels: dict[str, Any] | None = None


def map_table(
    raw: pd.DataFrame,
    table: str,
    cfg: CountryConfig,
    name: str,
    form: XLSForm | None = None,
) -> MappedTable:
    """Map one raw table onto the catalogue variables of `table` and the country's own variables;
    collect every problem. Derived variables are not computed here (see `derive.py`)."""
    cat = load_catalogue()
    variables: dict[str, Variable] = dict(cat.variables[table])
    own = cfg.variables.get(table, {}) if table in ("households", "individuals") else {}  # type: ignore[call-overload]
    out = MappedTable(frame=pd.DataFrame(index=raw.index))
    labels_all: dict[str, dict[str, str]] = dict(raw.attrs.get("value_labels") or {})
    decimal_comma = raw.attrs.get("delimiter") == ";"

    # 1. identifiers first: they never go further than this line
    ident = {i.strip().lower() for i in cfg.identifiers}
    dropped = [c for c in raw.columns if str(c).strip().lower() in ident]
    raw = raw.drop(columns=dropped)
    out.dropped_identifiers = [str(c) for c in dropped]

    # 2. HXL hashtag row
    tags = detect_hxl(raw)
    if tags is not None:
        raw = raw.iloc[1:]
        out.frame = pd.DataFrame(index=raw.index)
        out.notes.append(f"{name}: HXL hashtag row found and dropped")
    columns = [str(c) for c in raw.columns]
    mapping: dict[str, Any] = dict(cfg.columns.get(table, {}))  # type: ignore[call-overload]
    design_needed = _design_needed(cfg) if table == "households" else set()
    from_frame = table == "households" and cfg.design.weights is not None and not cfg.design.weights.rescale
    specs: list[tuple[str, Variable, Any]] = [(v, spec, mapping.get(v)) for v, spec in variables.items()]
    specs += [(v, var.as_catalogue_variable(), var.column) for v, var in own.items() if var.derived is None]

    for var, spec, src in specs:
        if from_frame and var == "weight":
            continue  # computed from the sampling frame (frame.py)
        if isinstance(src, Derived):
            continue  # computed once the table is complete (derive.py)
        named = [c for c in source_columns(src) if c.strip().lower() in ident] if src is not None else []
        if named:
            out.problems.append(
                f"{name}: {_where(table, var, own)} maps {named[0]!r}, which is listed in identifiers (dropped at "
                "read time)"
            )
            continue
        if src is None:
            col = _find_column(columns, var)
            if col is None:
                if spec.required or var in design_needed:
                    why = "required by the catalogue" if spec.required else "named by the config's design"
                    out.problems.append(
                        f"{name}: variable {var!r} ({why}) is not mapped in columns.{table} and the file has no "
                        f"column {var!r}"
                    )
                else:
                    out.missing_variables.append(var)
                continue
            found: _Found | None = _Found(raw[col], col)
            out.used.add(col)
        else:
            found = _source(raw, columns, src=src, table=table, var=var, own=own, name=name, out=out, form=form, tags=tags)
        if found is None:
            continue
        labels = found.labels
        if labels is None:
            labels = labels_all.get(str(found.series.name)) or (
                form.labels_for(str(found.series.name)) if form else None)
        out.sources[var] = found.shown
        before = len(out.problems)
        recode = cfg.recode_for(var, table) if var in own else cfg.recode.get(var)
        out.frame[var] = _coerce(found.series, var, spec=spec, cfg=cfg, name=name, shown=found.shown, labels=labels,
                                 decimal_comma=decimal_comma, out=out, recode_map=recode)
        if len(out.problems) > before:
            out.failed.add(var)

    problems, warnings = column_shape_messages(raw.attrs, out.used, name)
    out.problems += problems
    out.warnings += warnings
    if table == "households" and "pop_group" in out.frame:
        out.frame["role"] = out.frame["pop_group"].map(cfg.groups).astype("str")
    if table == "individuals" and "age" in out.frame:
        out.frame["age_band"] = age_bands(out.frame["age"], cat.age_bands)
    return out


def column_shape_messages(attrs: Mapping[Hashable, Any], used: set[str], name: str) -> tuple[list[str], list[str]]:
    """(problems, warnings) about the file's repeated and unnamed columns (`readers` records them in attrs).

    Why not refuse the file: exports repeat columns nobody maps (a Kobo calculation saved twice); only a
    repeated column the config reads is ambiguous, since its two copies may hold different answers."""
    problems, warnings = [], []
    for col, positions in (attrs.get("duplicated") or {}).items():
        where = f"{name}: column {col!r} appears {len(positions)} times (columns {_positions(positions)})"
        if col in used:
            problems.append(f"{where} and the config reads it: the copies may differ; keep one of them in the file")
        else:
            warnings.append(f"{where}; the config does not use it, so it is ignored")
    unnamed = attrs.get("unnamed") or []
    if unnamed:
        warnings.append(f"{name}: {len(unnamed)} column(s) with data but no name in the header (columns "
                        f"{_positions(unnamed)}): not read")
    return problems, warnings


def _positions(positions: list[int]) -> str:
    shown = [str(p) for p in positions[:8]]
    text = ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(shown) > 1 else shown[0]
    return text + (", …" if len(positions) > 8 else "")


def _where(table: str, var: str, own: dict[str, Any]) -> str:
    return f"variables.{table}.{var}.column" if var in own else f"columns.{table}.{var}"


def _source(
    raw: pd.DataFrame,
    columns: list[str],
    *,
    src: Any,
    table: str,
    var: str,
    own: dict[str, Any],
    name: str,
    out: MappedTable,
    form: XLSForm | None,
    tags: dict[str, str] | None,
) -> _Found | None:
    """The raw values of a mapped variable: one column, a hashtag, a multi-select, a coalesce or a join."""
    where = _where(table, var, own)
    if isinstance(src, Join | list):
        cols = source_columns(src)
        parts = [_one_column(raw, columns, src=c, where=where, var=var, name=name, out=out, form=form, tags=tags)
                 for c in cols]
        if any(p is None for p in parts):
            return None
        found = [p for p in parts if p is not None]
        keys = [keys_of(p.series) for p in found]
        if isinstance(src, Join):  # missing when any part is missing
            joined = [src.sep.join(vals) if None not in vals else None for vals in zip(*keys, strict=True)]
            return _Found(pd.Series(joined, index=raw.index, dtype=object), f"{src.sep.join(cols)} (joined)")
        value = keys[0].copy()
        for k in keys[1:]:  # coalesce: the first answered column
            empty = value.map(lambda v: v is None or str(v).lower() in BLANK_TOKENS).astype(bool)
            value = value.where(~empty, k)
        labels = next((p.labels for p in found if p.labels), None)
        if labels is None and form is not None:
            labels = next((form.labels_for(str(p.series.name)) for p in found if form.labels_for(str(p.series.name))), None)
        return _Found(value.rename(cols[0]), " | ".join(p.shown for p in found), labels)
    return _one_column(raw, columns, src=src, where=where, var=var, name=name, out=out, form=form, tags=tags)


def _one_column(
    raw: pd.DataFrame,
    columns: list[str],
    *,
    src: str,
    where: str,
    var: str,
    name: str,
    out: MappedTable,
    form: XLSForm | None,
    tags: dict[str, str] | None,
) -> _Found | None:
    if src.endswith("/"):
        got = _from_multiselect(raw, columns, src=src, var=var, name=name, out=out, form=form)
        return None if got is None else _Found(got[0], src, got[1])
    if src.startswith("#") and tags is not None:
        col, why = _hxl_column(tags, src)
        if col is None:
            out.problems.append(f"{name}: {where}: hashtag {src!r} {why}")
            return None
        return _Found(raw[col], f"{col} {src}")
    col = _find_column(columns, src)
    if col is not None:
        out.used.add(col)
        return _Found(raw[col], col)
    option = _option_of_string(raw, columns, src, form)
    if option is not None:
        return _Found(option, src)
    out.problems.append(_missing_column(name, where, var, src, columns))
    return None


def _option_of_string(raw: pd.DataFrame, columns: list[str], src: str, form: XLSForm | None) -> pd.Series | None:
    """`barrier/distance` from a multi-select exported as one column of space-separated codes (`barrier`):
    1 when the code is selected, 0 when the question was answered without it, missing when unanswered."""
    if "/" not in src:
        return None
    base, option = src.rsplit("/", 1)
    col = _find_column(columns, base)
    if col is None:
        return None
    if form is not None and form.questions.get(base.split("/")[-1]) and not form.is_multiple(base):
        return None  # a select_one named like the prefix: not an option column
    flags = expand_multiselect(raw[col], prefix=col)
    key = f"{col}/{option}"
    answered = raw[col].map(lambda v: value_key(v) is not None and str(v).strip().lower() not in BLANK_TOKENS)
    picked = flags[key] if key in flags else pd.Series(0.0, index=raw.index)
    return picked.where(answered.to_numpy(), np.nan).rename(src)


def _design_needed(cfg: CountryConfig) -> set[str]:
    d = cfg.design
    needed = {v for v in (d.weight, d.strata, d.psu, d.fpc) if v}
    return needed - {"weight"} if d.weights is not None and not d.weights.rescale else needed


def _missing_column(name: str, where: str, var: str, src: str, columns: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(src, columns, n=3, cutoff=0.6)
    hint = f"; similar: {', '.join(repr(c) for c in close)}" if close else ""
    return f"{name}: column {src!r} ({var}) mapped in {where} is not in the file{hint}"


def _from_multiselect(
    raw: pd.DataFrame,
    columns: list[str],
    *,
    src: str,
    var: str,
    name: str,
    out: MappedTable,
    form: XLSForm | None,
) -> tuple[pd.Series, dict[str, Any] | None] | None:
    base = src[:-1]
    opts = _with_prefix(columns, src)
    out.used.update(opts)
    if opts:
        prefix = opts[0][: opts[0].index(src) + len(src)]
        flags, bad = selected_flags(raw[opts])
        for col, vals, rows in bad:
            out.problems.append(
                rows_problem(name, col, var, "values that are not 0/1 or true/false", rows, vals)
            )
    elif (found := _find_column(columns, base)) is not None:
        col = found
        prefix = f"{col}/"
        flags = expand_multiselect(raw[col], prefix=col)
        if not (form and form.labels_for(base)):  # no choice list: the first code written wins
            first = raw[col].map(lambda v: None if value_key(v) is None or not str(v).split() else str(v).split()[0])
            return first.astype(object).rename(src), None
    else:
        out.problems.append(
            f"{name}: no column starts with {src!r} and no column {base!r} ({var}; multi-select)"
        )
        return None
    labels = form.labels_for(base) if form else None
    if labels:  # the form's choice-list order, whichever export shape (flags, or codes in the order written)
        order = {f"{prefix}{code}": i for i, code in enumerate(labels)}
        names = [str(c) for c in flags.columns]
        ordered: list[str] = sorted(names, key=lambda c: (order.get(c, len(order)), names.index(c)))
        flags = flags[ordered]
    series = first_selected(flags, prefix)
    series.name = src
    return series, labels


# ---------------------------------------------------------------- coerce ----
def _coerce(
    s: pd.Series,
    var: str,
    *,
    spec: Variable,
    cfg: CountryConfig,
    name: str,
    shown: str,
    labels: dict[str, Any] | None,
    decimal_comma: bool,
    out: MappedTable,
    recode_map: dict[str, Any] | None = None,
) -> pd.Series:
    keys = keys_of(s)
    recode = {str(k).strip(): v for k, v in recode_map.items()} if recode_map is not None else None
    alt = _Alternates(labels)
    if spec.type in ("id", "design"):
        return _text(keys, recode, alt, var, out)
    if spec.type in ("category", "binary"):
        return _resolve(keys, var, spec=spec, cfg=cfg, name=name, shown=shown, recode=recode, alt=alt, out=out)
    if spec.type == "date":
        return _dates(s, keys, var, name, shown, out)
    return _numbers(keys, var, spec=spec, name=name, shown=shown, recode=recode, decimal_comma=decimal_comma, out=out)


def _text(keys: pd.Series, recode: dict | None, alt: _Alternates, var: str, out: MappedTable) -> pd.Series:
    def one(k: str | None) -> Any:
        if k is None or k.lower() in BLANK_TOKENS:
            return None
        if recode is not None:
            found, val = _lookup(recode, alt.of(k))
            if found:
                return None if val is None else value_key(val)
        return k

    return per_unique(keys, one).astype("str")


def _resolve(
    keys: pd.Series,
    var: str,
    *,
    spec: Variable,
    cfg: CountryConfig,
    name: str,
    shown: str,
    recode: dict | None,
    alt: _Alternates,
    out: MappedTable,
) -> pd.Series:
    """Binary and category values through recode, value labels and the defaults; unknown codes are problems."""
    binary = spec.type == "binary"
    levels = {norm_level(lv): lv for lv in spec.levels} if spec.levels else None
    groups = cfg.groups if var == "pop_group" else None
    result: dict[str, Any] = {}
    unknown: list[str] = []
    counted: Counter[str] = Counter()
    bad_recode: list[str] = []
    for k in pd.unique(keys.dropna()):
        cands = alt.of(k)
        low = [c.strip().lower() for c in cands]
        if recode is not None:
            found, val = _lookup(recode, cands)
            if found:
                if val is None:
                    result[k] = None
                    counted[k] += 1
                    continue
                canon = _canonical(val, binary, levels)
                if canon is None:
                    bad_recode.append(f"{k!r} -> {val!r}")
                result[k] = canon
                continue
        if low[0] in BLANK_TOKENS:
            result[k] = None
            continue
        if any(c in DK_TOKENS for c in low) or (binary and low[0] in BINARY_MISSING_CODES):
            result[k] = None
            counted[k] += 1
            continue
        if groups is not None:
            # unknown codes stay as written: the schema check reports them against cfg.groups
            result[k] = next((c for c in cands if c in groups), k)
            continue
        if binary:
            canon = next((1.0 if c in YES_TOKENS else 0.0 for c in low if c in YES_TOKENS | NO_TOKENS), None)
        elif levels is not None:
            canon = next((levels[norm_level(c)] for c in cands if norm_level(c) in levels), None)
        else:
            canon = k  # unlevelled (admin1, mechanism_type, ...): the value as written
        if canon is None:
            unknown.append(k)
        result[k] = canon
    if bad_recode:
        want = "0 or 1" if binary else f"one of {', '.join(spec.levels or ())}"
        out.problems.append(
            f"{name}: recode.{var}: recoded values must be {want} or null: {'; '.join(bad_recode[:5])}"
        )
    if unknown:
        rows = [int(i) for i in keys.index[keys.isin(unknown)]]
        if binary:
            hint = f"add recode.{var} to say which codes mean yes (1), no (0) or missing (null)"
            what = "values not recognised as yes/no"
        else:
            hint = f"expected {', '.join(spec.levels or ())}; add recode.{var} for other codes"
            what = "unknown category codes"
        out.problems.append(rows_problem(name, shown, var, what, rows, unknown, hint))
    n_dk = int(keys.isin([k for k, n in counted.items() if n]).sum())
    if n_dk:
        out.missing_codes[var] = n_dk
    mapped = per_unique(keys, lambda k: None if k is None else result.get(k))
    return mapped.astype("float64") if binary else mapped.astype("str")


def _canonical(val: Any, binary: bool, levels: dict[str, str] | None) -> Any:
    if binary:
        k = value_key(val)
        return {"1": 1.0, "0": 0.0, "true": 1.0, "false": 0.0}.get(k or "")
    text = value_key(val)
    if text is None:
        return None
    if levels is None:
        return text
    return levels.get(norm_level(text))


def _numbers(
    keys: pd.Series,
    var: str,
    *,
    spec: Variable,
    name: str,
    shown: str,
    recode: dict | None,
    decimal_comma: bool,
    out: MappedTable,
) -> pd.Series:
    def one(k: str | None) -> Any:
        if k is None or k.lower() in BLANK_TOKENS:
            return None
        if recode is not None and k in recode:
            return None if recode[k] is None else value_key(recode[k])
        if decimal_comma and _DEC_COMMA.match(k):
            return k.replace(",", ".")
        return k

    text = per_unique(keys, one)
    nums = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = text.notna() & nums.isna()
    if bad.any():
        what = "non-numeric weight" if spec.type == "weight" else "non-numeric values"
        out.problems.append(rows_problem(name, shown, var, what, list(bad.index[bad]), text[bad]))
    if spec.type == "integer":
        frac = nums.notna() & (nums % 1 != 0)
        if frac.any():
            out.problems.append(
                rows_problem(name, shown, var, "non-integer values", list(frac.index[frac]), nums[frac])
            )
    return nums


def _dates(s: pd.Series, keys: pd.Series, var: str, name: str, shown: str, out: MappedTable) -> pd.Series:
    def one(v: Any, k: str | None) -> Any:
        if k is None or k.lower() in BLANK_TOKENS:
            return pd.NaT
        if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
            ts = pd.Timestamp(v)
            return (ts.tz_localize(None) if ts.tzinfo else ts).normalize()
        if _DATE.match(k):
            try:
                return pd.Timestamp(k[:10])
            except ValueError:
                return None
        return None

    def parse(v: Any) -> Any:
        return one(v, value_key(v))

    vals = per_unique(s, parse)
    bad = per_unique(s, lambda v: parse(v) is None).astype(bool)  # None: unreadable; NaT: blank
    if bad.any():
        out.problems.append(
            rows_problem(
                name, shown, var, "unreadable dates", list(bad.index[bad]), keys[bad], "expected YYYY-MM-DD"
            )
        )
    return pd.to_datetime(vals.where(vals.notna(), pd.NaT)).astype("datetime64[ns]")


def age_bands(age: pd.Series, bands: dict[str, tuple[int, int]]) -> pd.Series:
    """The catalogue's age bands (inclusive bounds); NaN where age is missing or outside every band."""
    conds = [(age >= lo) & (age <= hi) for lo, hi in bands.values()]
    out = np.select(conds, list(bands), default="")
    return pd.Series(out, index=age.index).replace("", None).astype("str")


def inherit_household(
    individuals: pd.DataFrame, households: pd.DataFrame, key: str, extra: list[str] | tuple[str, ...] = ()
) -> tuple[pd.DataFrame, pd.Series]:
    """Copy each individual's household design/group columns (and the `extra` ones: the country's household
    variables); returns (frame, mask of orphan individuals)."""
    hh = households.drop_duplicates(subset=[key], keep=False).set_index(key)
    ind = individuals.copy()
    for col in (*HOUSEHOLD_COLUMNS, *extra):
        if col in hh.columns:
            ind[col] = ind[key].map(hh[col])
            if col in HOUSEHOLD_COLUMNS and col != "weight":
                ind[col] = ind[col].astype("str")
    orphan = ind[key].notna() & ~ind[key].isin(households[key].dropna())
    return ind, orphan


__all__ = [
    "MappedTable",
    "age_bands",
    "column_label",
    "detect_hxl",
    "inherit_household",
    "keys_of",
    "map_table",
    "value_key",
]
