"""The indicator catalogue: indicators and variables declared as data, validated by pydantic.

Every number in the report comes from an entry of `indicators.yml` computed by one engine
(`solutions.indicators`); the methods page is generated from the same entries, so definitions never drift.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from solutions.expressions import check as check_expression

CRITERIA: dict[int, str] = {
    1: "Safety, security and freedom of movement",
    2: "Adequate standard of living",
    3: "Employment and livelihoods",
    4: "Housing, land and property",
    5: "Documentation",
    6: "Family reunification",
    7: "Participation in public affairs",
    8: "Remedies and justice",
}

PRDS_OBJECTIVES: dict[int, str] = {
    1: "Coping capacities",
    2: "Self-reliance",
    3: "Conducive environments",
}

Kind = Literal["proportion", "ratio", "mean", "distribution", "by_reason", "system"]
Table = Literal["households", "individuals", "locations"]
DISAGGREGATIONS = ("sex", "age_band", "urban_rural", "admin1")
# household columns every individual carries (solutions.inputs.mapping.inherit_household), and derived ones
INHERITED = ("weight", "stratum", "psu", "pop_group", "role", "admin1", "urban_rural")
DERIVED = {"individuals": ("age_band",), "households": ("role",)}


class Breakdown(BaseModel):
    """A by-reason distribution of a category variable among the records where `among` holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    variable: str
    among: str

    @field_validator("among")
    @classmethod
    def _safe(cls, v: str) -> str:
        problem = check_expression(v, condition=True)
        if problem:
            raise ValueError(problem)
        return v


#: The margin of shares and rates of a population (5 percentage points), as the catalogue states it.
SHARE_MARGIN = 0.05


class Margin(BaseModel):
    """An indicator's own equivalence margin δ (methodology.md section 3), overriding the global default:
    `absolute` in the estimate's units (0.05 = 5 percentage points for a share), or `relative` to the
    comparison group's estimate (0.10 = 10 % of it). Exactly one is given."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    absolute: float | None = Field(None, gt=0)
    relative: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> Margin:
        if (self.absolute is None) == (self.relative is None):
            raise ValueError("margin: give exactly one of absolute or relative")
        return self

    def looser_than(self, other: Margin) -> bool:
        """True when this margin lets more through than `other`: a larger value of the same kind, or another
        kind (an absolute and a relative margin cannot be compared, so replacing one by the other loosens)."""
        if (self.absolute is None) != (other.absolute is None):
            return True
        mine, theirs = (self.absolute, other.absolute) if self.absolute is not None else (self.relative, other.relative)
        assert mine is not None and theirs is not None  # a margin has one of the two, of the same kind here
        return float(mine) > float(theirs)


class Indicator(BaseModel):
    """One indicator: what is counted, over whom, and which way is better."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z]{2,4}-[0-9A-Za-z.]+$")
    criterion: int = Field(ge=0, le=8)
    title: str
    short_title: str
    definition: str
    kind: Kind
    table: Table
    unit: Literal["household", "individual", "child", "adult", "labour force", "location"]
    universe: str | None = None
    universe_text: str | None = Field(None, min_length=1, description="Who is counted, in plain words for readers "
                                      "(e.g. 'adults aged 18 or over'); required with a universe")
    numerator: str | None = None
    denominator: str | None = None
    variable: str | None = None
    requires: tuple[str, ...] = ()
    breakdown: Breakdown | None = None
    direction: Literal["higher", "lower", "none"]
    prds_objective: int = Field(ge=1, le=3)
    level: Literal["system", "community", "household", "individual"]
    disaggregations: tuple[Literal["sex", "age_band", "urban_rural", "admin1"], ...] = ()
    key: bool = False
    margin: Margin | None = None
    revised: str | None = Field(None, pattern=r"^[0-9]+(\.[0-9]+)*$",
                                description="The catalogue version in which this indicator's definition last "
                                            "changed: an earlier edition's estimate of it (an older "
                                            "catalogue_version) is not compared with a later one")

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Indicator:
        need = {
            "proportion": ("numerator",),
            "ratio": ("numerator", "denominator"),
            "mean": ("variable",),
            "distribution": ("variable",),
            "by_reason": ("variable",),
            "system": ("variable", "numerator"),
        }[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"indicator {self.id}: kind {self.kind!r} needs {', '.join(missing)}")
        if self.kind in ("distribution", "by_reason") and self.direction != "none":
            raise ValueError(f"indicator {self.id}: a {self.kind} has no direction (use 'none')")
        if self.universe is not None and not self.universe_text:
            raise ValueError(f"indicator {self.id}: universe_text is required with a universe: say in words who "
                             "is counted (e.g. 'adults aged 18 or over'); readers never see the expression")
        if self.table != "individuals" and {"sex", "age_band"} & set(self.disaggregations):
            raise ValueError(f"indicator {self.id}: sex and age_band need the individuals table")
        for key in ("universe", "numerator", "denominator"):
            expr = getattr(self, key)
            problem = expr is not None and check_expression(expr, condition=True, where=key)
            if problem:
                raise ValueError(f"indicator {self.id}: {problem}")
        return self

    def expressions(self) -> dict[str, str]:
        """Every expression of the indicator, by key (for checks against a table's variables)."""
        out = {k: getattr(self, k) for k in ("universe", "numerator", "denominator") if getattr(self, k)}
        if self.breakdown is not None:
            out["breakdown.among"] = self.breakdown.among
        return out

    @property
    def scalar(self) -> bool:
        """True when the headline estimate is one number per domain (not a set of categories)."""
        return self.kind in ("proportion", "ratio", "mean")


class Variable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["id", "weight", "design", "category", "binary", "integer", "number", "date"]
    levels: tuple[str, ...] | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None


class Catalogue(BaseModel):
    """The validated catalogue. `version` goes into every results row."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    revisions_from: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*$", description="The oldest catalogue version "
                                "from which every change of definition is recorded in the indicators' `revised`")
    indicators: tuple[Indicator, ...]
    variables: dict[str, dict[str, Variable]]
    age_bands: dict[str, tuple[int, int]]

    @model_validator(mode="after")
    def _revised_not_ahead(self) -> Catalogue:
        now = version_key(self.version)
        ahead = [f"{i.id} ({i.revised})" for i in self.indicators
                 if i.revised and (now is None or (version_key(i.revised) or ()) > now)]
        if ahead:
            raise ValueError(f"revised in a version after the catalogue's {self.version}: {', '.join(ahead)}")
        return self

    def comparable(self, indicator_id: str, version_from: str, version_to: str) -> bool:
        """Whether an indicator's estimates computed under two catalogue versions share its definition: the
        same version, or both at or after the version that last revised it (``revised``; none: not revised
        since ``revisions_from``; the solutions measure, ``CONFIGURED``, never). A country's own indicator (not
        in the catalogue), or a version this catalogue cannot vouch for (unparsable, newer than it, or older
        than ``revisions_from``), compares only under the same version."""
        a, b = str(version_from), str(version_to)
        if a == b:
            return True
        ka, kb, now = version_key(a), version_key(b), version_key(self.version)
        if ka is None or kb is None or now is None or max(ka, kb) > now:
            return False
        if min(ka, kb) < (version_key(self.revisions_from) or ()):  # before revisions were recorded
            return False
        if indicator_id in CONFIGURED:
            return True
        try:
            revised = self.get(indicator_id).revised
        except KeyError:
            return False
        return revised is None or min(ka, kb) >= (version_key(revised) or ())

    @field_validator("indicators")
    @classmethod
    def _unique_ids(cls, v: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
        ids = [i.id for i in v]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate indicator ids: {', '.join(dup)}")
        return v

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def by_criterion(self, criterion: int) -> list[Indicator]:
        return [i for i in self.indicators if i.criterion == criterion]

    def known_variables(self, table: str) -> set[str]:
        """Names an expression over `table` may read: its catalogue variables, inherited and derived ones."""
        names = set(self.variables.get(table, {})) | set(DERIVED.get(table, ()))
        if table == "individuals":
            names |= set(INHERITED)
        return names

    def unknown_names(self, indicators: tuple[Indicator, ...] | list[Indicator],
                      extra: Mapping[str, Collection[str]] | None = None) -> list[str]:
        """One line per indicator expression that reads a name its table does not have (`extra`: a
        country's own variables per table)."""
        from solutions.expressions import referenced

        problems = []
        for ind in indicators:
            known = self.known_variables(ind.table) | set((extra or {}).get(ind.table, ()))
            for key, expr in ind.expressions().items():
                unknown = sorted(referenced(expr) - known)
                if unknown:
                    problems.append(f"indicator {ind.id}: {key}: unknown variable(s) {', '.join(unknown)} "
                                    f"(not in the {ind.table} table)")
            for key in ("variable",):
                v = getattr(ind, key)
                if v and v not in known:
                    problems.append(f"indicator {ind.id}: {key}: unknown variable {v} (not in the {ind.table} table)")
        return problems

    def levels(self, table: str, variable: str) -> tuple[str, ...] | None:
        var = self.variables.get(table, {}).get(variable)
        return var.levels if var else None

    def with_country(self, drop: list[str], extra: list[Indicator]) -> Catalogue:
        """The catalogue as one country uses it: some indicators dropped, its own added."""
        kept = tuple(i for i in self.indicators if i.id not in set(drop))
        return self.model_copy(update={"indicators": kept + tuple(extra)})


#: The solutions measure's indicator id and short title: a published indicator that the global config defines
#: (``solutions.indicators.measure``) and no catalogue entry declares; every module names it by these.
SOLUTIONS_ID = "SOL-1"
SOLUTIONS_TITLE = "Solutions measure"

#: Published rows that are no catalogue indicator, defined over catalogue variables by the report's own config
#: (the solutions measure, SOL-1: its conditions are in the global config): no catalogue revision changes them.
CONFIGURED = frozenset({SOLUTIONS_ID})


def version_key(version: object) -> tuple[int, ...] | None:
    """``"2026.2"`` → ``(2026, 2)``, ordered as versions are; None when it is not dotted numbers."""
    parts = str(version).strip().split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Load and validate the packaged catalogue (cached: it is immutable)."""
    ind = yaml.safe_load(_read("indicators.yml"))
    var = yaml.safe_load(_read("variables.yml"))
    derived = var.pop("derived")
    bands = {k: tuple(v) for k, v in derived["age_band"]["bands"].items()}
    cat = Catalogue(version=str(ind["version"]), revisions_from=str(ind["revisions_from"]), indicators=ind["indicators"],
                    variables=var, age_bands=bands)
    problems = cat.unknown_names(cat.indicators)
    if problems:  # a packaging mistake, caught by the tests
        raise ValueError("; ".join(problems))
    return cat


def catalogue_sha256() -> str:
    """Content hash of the catalogue files: part of every country's staleness key."""
    h = hashlib.sha256()
    for name in ("indicators.yml", "variables.yml"):
        h.update(_read(name).encode())
    return h.hexdigest()
