"""Pydantic models of `params/`: the global config and one config per country (what one file may hold).

Errors are collected, not raised one at a time: the user sees every problem of every file, one line each,
naming the file and the key (`params/countries/QAB.yml: design.weight: ...`). Reading the files, the
cross-reference checks of a country's names and of the files it references are `solutions.config_loader`'s
(above this module and `solutions.config_checks`, which reads these models).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

import pycountry
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from solutions.catalogue import Indicator, Variable, load_catalogue
from solutions.expressions import check as check_expression

Role = Literal["idp", "returnee", "relocated", "comparison"]
DISPLACED_ROLES: tuple[str, ...] = ("idp", "returnee", "relocated")
ROLES: tuple[str, ...] = (*DISPLACED_ROLES, "comparison")
LonelyPSU = Literal["fail", "certainty", "adjust", "average", "remove"]
USER_ASSIGNED = re.compile(r"^Q[A-Z]{2}$")  # ISO 3166-1 user-assigned alpha-3 range QAA-QZZ
ISO3 = re.compile(r"^[A-Z]{3}$")  # every country list: a code, never a path (it names files and folders)


def _code_text(key: Any) -> str:
    """A source code as the text the reader compares with (YAML reads `yes`/`no` keys as booleans)."""
    if isinstance(key, bool):
        return "yes" if key else "no"
    return str(key)


def _keys_as_text(mapping: dict, where: str = "") -> dict[str, Any]:
    """Source codes as text; two keys that become the same text (`1:` and `"1":`) would silently keep the
    last one, so they are refused."""
    out: dict[str, Any] = {}
    for k, v in mapping.items():
        text = _code_text(k)
        if text in out:
            raise ValueError(f"{where + ': ' if where else ''}code {text!r} is given twice "
                             f"(as {k!r} and as another spelling of the same code)")
        out[text] = v
    return out


class _Strict(BaseModel):
    # infinities and NaN are never a setting (an infinite weight or threshold passed `validate`, then crashed)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# ---------------------------------------------------------------- global ----
CONFIDENCE_RANGE = (0.5, 0.999)  # beyond 99.9 % the t quantiles of small designs overflow to infinite CIs


class Thresholds(_Strict):
    """The publication rules (methodology §5): when an estimate is withheld or flagged, the confidence level
    and the single-PSU rule. Defined here only: every layer below receives them from the global config."""

    min_n: int = Field(30, ge=1, description="Suppress an estimate whose unweighted denominator is below this")
    min_effective_n: float = Field(30, ge=0, description="Suppress an estimate whose effective sample size "
                                   "(n divided by the design effect) is below this")
    max_cv: float = Field(0.30, gt=0, description="Flag an estimate whose coefficient of variation exceeds this")
    min_df: float = Field(8, ge=0, description="Flag an estimate whose design degrees of freedom are below this")
    min_count: int = Field(5, ge=1, description="Count tables (the sample by group and area) show a cell below "
                           "this as 'fewer than N' and withhold it from every download")
    confidence_level: float = Field(0.95, gt=0.5, lt=1, description="Level of every confidence interval, at "
                                    "most 0.999")
    lonely_psu: LonelyPSU = Field("adjust", description="Rule for strata with a single PSU (R survey.lonely.psu)")

    @field_validator("confidence_level")
    @classmethod
    def _finite_intervals(cls, v: float) -> float:
        low, high = CONFIDENCE_RANGE
        if not low < v <= high:
            raise ValueError(f"{v} is outside ({low}, {high}]: intervals would be infinite or meaningless")
        return v

    @property
    def level(self) -> str:
        """The confidence level as a reader sees it: ``95%``."""
        return f"{self.confidence_level * 100:.0f}%"


class EquivalenceMargin(_Strict):
    """δ of the gap status (methodology.md section 3): a gap is closed when the CI of the disadvantage
    lies below it."""

    absolute: float = Field(0.05, gt=0, description="For proportions, in their units (0.05 = 5 percentage points)")
    relative: float = Field(0.10, gt=0, description="For means and ratios: a share of |comparison estimate|")


class SolutionsCondition(_Strict):
    criterion: int = Field(ge=1, le=5)
    label: str
    condition: str = Field(description="A condition in the safe expression language (solutions.expressions) "
                                       "over household catalogue variables, e.g. `movement_restricted == 0`")

    @field_validator("condition")
    @classmethod
    def _safe(cls, v: str) -> str:
        problem = check_expression(v, load_catalogue().known_variables("households"), condition=True)
        if problem:
            raise ValueError(problem)
        return v


class Limits(_Strict):
    """Bounds on what a data file may cost to read: a file above them is refused at once, in one line."""

    max_file_mb: float = Field(512, gt=0, description="Largest data file read, in MB (any format)")
    max_cells: int = Field(50_000_000, ge=1, description="Most cells (rows x columns) of a table read from "
                                                         "CSV, Excel, Parquet, Stata or SPSS")
    max_columns: int = Field(20_000, ge=1, description="Most columns of a table (a CSV's are counted in its "
                                                       "header line before the file is parsed)")
    max_unzipped_mb: float = Field(2048, gt=0, description="Largest decompressed (decoded) size of an .xlsx "
                                                           "workbook or of the columns of a Parquet, Stata or "
                                                           "SPSS file, in MB")
    max_field_kb: int = Field(1024, ge=1, description="Longest single CSV cell, in KB (long free text is fine)")


class AtLeast(_Strict):
    at_least: int = Field(ge=1, description="A household meets the measure when it meets at least this many conditions")


class SolutionsMeasure(_Strict):
    """The solutions measure (methodology.md section 3): household conditions of criteria 1-5 and how they
    combine, with what to do for a country whose data lacks a condition's variables."""

    scoring: Literal["all"] | AtLeast = Field("all", description="all (IRIS: every condition) or {at_least: k}")
    missing_conditions: Literal["not_available", "partial", "error"] = Field(
        "not_available", description="A country lacking a condition's variables: the measure is not available "
        "(naming them), computed over the available conditions (partial), or its input is invalid (error)")
    conditions: list[SolutionsCondition] = Field(min_length=1)

    @model_validator(mode="after")
    def _k_fits(self) -> SolutionsMeasure:
        if isinstance(self.scoring, AtLeast) and self.scoring.at_least > len(self.conditions):
            raise ValueError(f"scoring.at_least is {self.scoring.at_least} but there are only "
                             f"{len(self.conditions)} conditions")
        return self

    @property
    def required(self) -> int:
        """How many conditions a household must meet (all of them unless `at_least`)."""
        return self.scoring.at_least if isinstance(self.scoring, AtLeast) else len(self.conditions)


class GlobalConfig(_Strict):
    report_year: int = Field(ge=2000, le=2100)
    title: str
    countries: list[str] = Field(min_length=1)
    thresholds: Thresholds = Thresholds()
    equivalence_margin: EquivalenceMargin = EquivalenceMargin()
    renderer: Literal["auto", "quarto", "nbconvert"] = "auto"
    solutions_measure: SolutionsMeasure | None = None
    demo: bool = False
    countries_dir: str = Field("countries", description="Folder of country configs, relative to this file")
    limits: Limits = Limits()
    catalogue_version: str | None = Field(
        None, pattern=r"^[0-9]+(\.[0-9]+)*$",
        description="The catalogue version this edition's results rows are labelled with (default: the package's). "
                    "Only relabels, for rebuilding an earlier edition of a series (the demo's) with the version it "
                    "was published under; the definitions applied are always the package's. Never newer than it.")
    _demo_yielded: bool = PrivateAttr(False)  # `demo: true` set aside for a real country (load_all)

    @property
    def demo_requested(self) -> bool:
        """`demo: true` as the file says it, even when a real country made the report-wide banner yield."""
        return self.demo or self._demo_yielded

    @field_validator("countries")
    @classmethod
    def _iso3_codes(cls, v: list[str]) -> list[str]:
        """A country is an ISO3 code: it names a config file and output folders, so it is never a path."""
        bad = [f"{i}: {c!r}" for i, c in enumerate(v) if not ISO3.fullmatch(c)]  # "QAB\n" matched ^...$
        if bad:
            raise ValueError(f"not an ISO3 code (three capital letters): {', '.join(bad[:5])}")
        return v

    @field_validator("solutions_measure", mode="before")
    @classmethod
    def _bare_list(cls, v: Any) -> Any:
        """A bare list of conditions is the IRIS rule over them; an empty one is no measure."""
        if isinstance(v, list):
            return {"conditions": v} if v else None
        return v

    @field_validator("catalogue_version")
    @classmethod
    def _not_newer(cls, v: str | None) -> str | None:
        """An edition cannot claim definitions this package does not have."""
        from solutions.catalogue import load_catalogue, version_key

        package = load_catalogue().version
        if v is not None and (version_key(v) or ()) > (version_key(package) or ()):
            raise ValueError(f"{v} is newer than this package's catalogue version {package}")
        return v

    @property
    def catalogue_label(self) -> str:
        """The catalogue version the results rows carry: ``catalogue_version``, or the package's."""
        from solutions.catalogue import load_catalogue

        return self.catalogue_version or load_catalogue().version

    @field_validator("countries")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        dup = sorted({c for c in v if v.count(c) > 1})
        if dup:
            raise ValueError(f"duplicate country {', '.join(dup)}")
        return v


# --------------------------------------------------------------- country ----
class SurveyInfo(_Strict):
    title: str
    collection_start: dt.date
    collection_end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> SurveyInfo:
        if self.collection_end < self.collection_start:
            raise ValueError("collection_end is before collection_start")
        return self


class FilePart(_Strict):
    """One of several files holding the same table (e.g. one Kobo export per region)."""

    path: str
    label: str | None = Field(None, description="Value of the source column for this file's records "
                                                "(default: the file name without its extension)")
    population: float | None = Field(None, gt=0, description="Known population total of this file's records: "
                                                             "its weights are rescaled to sum to it")
    sheet: str | int | None = None

    @property
    def name(self) -> str:
        return self.label or Path(self.path).stem


class DataFile(_Strict):
    path: str | None = Field(None, description="The file; or give `files` for a table split over several")
    files: list[FilePart] | None = Field(None, min_length=1, description="Several files appended into one table")
    source_column: str = Field("source_file", description="Column added to each record, holding its file's label")
    format: Literal["csv", "parquet", "excel", "stata", "spss"] | None = None
    sheet: str | int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    header_row: int = Field(1, ge=1, le=100, description="1-based row holding the column names (title rows above)")
    key: str | None = Field(None, description="Catalogue variable linking to households (individuals)")
    choices: str | list[str] | None = Field(
        None, description="The XLSForm (an .xlsx, or its `choices` and `survey` sheets as CSV files) mapping "
                          "codes to labels")

    @model_validator(mode="after")
    def _one_source(self) -> DataFile:
        if (self.path is None) == (self.files is None):
            raise ValueError("give either path (one file) or files (several files appended)")
        if self.files:
            names = [f.name for f in self.files]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise ValueError(f"files: two files with the label {', '.join(dup)}; give each a distinct label")
        return self

    def parts(self) -> list[FilePart]:
        """The file(s) of the table, in order; a single `path` is one part."""
        if self.files is not None:
            return list(self.files)
        assert self.path is not None
        return [FilePart(path=self.path, sheet=self.sheet)]

    def choices_files(self) -> list[str]:
        return [] if not self.choices else [self.choices] if isinstance(self.choices, str) else list(self.choices)


class DataFiles(_Strict):
    households: DataFile
    individuals: DataFile | None = None
    locations: DataFile | None = None
    figures: DataFile | None = None


class FrameWeights(_Strict):
    """Design weights from a sampling frame: N_h / n_h per stratum (population / sampled units)."""

    frame: str = Field(description="The sampling-frame file (CSV or Excel), relative to the config")
    stratum: str | list[str] = Field(description="Frame column naming the stratum, or several joined with '_' "
                                                 "(matched with the data's `stratum` variable)")
    population: str = Field(description="Frame column with the stratum's population")
    unit: Literal["households", "individuals"] = Field(
        "households", description="What the population column counts; individuals need `household_size`")
    household_size: str | None = Field(None, description="Household variable holding the number of members "
                                                          "(unit: individuals)")
    header_row: int = Field(1, ge=1, le=100, description="1-based row of the frame holding the column names")
    rescale: bool = Field(False, description="Keep the data's weight column and rescale it within each stratum to "
                                             "the frame's population (w × N_h / Σ_h w), instead of N_h / n_h")
    format: Literal["csv", "excel"] | None = None
    sheet: str | int | None = None
    delimiter: str | None = None
    encoding: str | None = None

    @model_validator(mode="after")
    def _size_for_individuals(self) -> FrameWeights:
        if self.unit == "individuals" and not self.household_size:
            raise ValueError("unit: individuals needs household_size (the household variable counting members)")
        return self

    def as_file(self) -> DataFile:
        return DataFile(path=self.frame, format=self.format, sheet=self.sheet, delimiter=self.delimiter,
                        encoding=self.encoding, header_row=self.header_row)


class DesignColumns(_Strict):
    weight: str = "weight"
    strata: str | None = "stratum"
    psu: str | None = "psu"
    nest: bool = True
    fpc: str | None = None
    weights: FrameWeights | None = Field(None, description="Compute the weights from a sampling frame instead "
                                                           "of reading a weight column")
    trim: float | None = Field(None, gt=1, description="Cap every weight at this multiple of the mean weight "
                                                       "(the rest rescaled to keep the total)")
    max_weight_share: float = Field(0.10, gt=0, le=1, description="Warn when one record carries more than this "
                                                                  "share of its group's total weight")


# ------------------------------------------------ country variables ----
VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED_NAMES = frozenset({"role", "age_band", "solutions_met", "true", "false"})


class Join(_Strict):
    """Several source columns joined as text (e.g. a stratum named by area and population group)."""

    join: list[str] = Field(min_length=2)
    sep: str = "_"


class Derived(_Strict):
    """A variable computed from other variables of its table with the safe expression language."""

    derived: str

    @field_validator("derived")
    @classmethod
    def _safe(cls, v: str) -> str:
        problem = check_expression(v)
        if problem:
            raise ValueError(problem)
        return v


Scalar = str | int | float | bool | None  # a recoded value: never a list or a mapping
ColumnSource = str | list[str] | Join | Derived


def _source(v: Any) -> Any:
    """One clear message for a malformed source, instead of one per branch of the union."""
    if isinstance(v, str) or isinstance(v, list) and v and all(isinstance(c, str) for c in v):
        return v
    if isinstance(v, dict) and ("join" in v) != ("derived" in v):
        return v
    raise ValueError("expected a source column, a list of columns (the first answered one is taken), "
                     "{join: [columns], sep: '_'} or {derived: expression}")


def source_columns(src: ColumnSource) -> list[str]:
    """The source columns a mapping reads (none for a derived variable)."""
    if isinstance(src, str):
        return [src]
    if isinstance(src, list):
        return list(src)
    if isinstance(src, Join):
        return list(src.join)
    return []


class CountryVariable(_Strict):
    """A question the catalogue does not name, declared by the country (usable in its indicators)."""

    type: Literal["binary", "category", "integer", "number"]
    column: str | list[str] | Join | None = Field(None, description="Source column; a list is coalesced "
                                                                    "(first answered); join: joined as text")
    derived: str | None = Field(None, description="An expression over this table's variables (instead of column)")
    levels: list[str] | None = Field(None, description="Category levels, in display order")
    recode: dict[str, Scalar] | None = Field(None, description="Source value -> value; null marks missing")
    label: str | None = None

    @field_validator("column", mode="before")
    @classmethod
    def _column(cls, v: Any) -> Any:
        if v is None:
            return v
        v = _source(v)
        if isinstance(v, dict) and "derived" in v:
            raise ValueError("write derived: at the variable's level, not under column")
        return v

    @field_validator("recode", mode="before")
    @classmethod
    def _recode_keys(cls, v: Any) -> Any:
        return {_code_text(k): c for k, c in v.items()} if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _consistent(self) -> CountryVariable:
        if (self.column is None) == (self.derived is None):
            raise ValueError("give either column (source columns) or derived (an expression)")
        if self.levels is not None and self.type != "category":
            raise ValueError("levels are for category variables")
        if self.derived is not None:
            problem = check_expression(self.derived, condition=self.type == "binary", where="derived")
            if problem:
                raise ValueError(problem)
            if self.recode:
                raise ValueError("a derived variable takes no recode")
        return self

    def source(self) -> ColumnSource:
        return Derived(derived=self.derived) if self.derived is not None else self.column  # type: ignore[return-value]

    def as_catalogue_variable(self) -> Variable:
        return Variable(type=self.type, levels=tuple(self.levels) if self.levels else None)


class Disaggregation(_Strict):
    """A country breakdown: a category variable (e.g. the sex of the head of household)."""

    variable: str
    label: str | None = None
    indicators: list[str] | None = Field(None, description="Only these indicators (default: every survey "
                                                           "indicator whose table has the variable)")


class ReferenceValue(_Strict):
    estimate: float = Field(description="In the indicator's unit: a proportion in [0, 1], a ratio or a mean")
    se: float | None = Field(None, ge=0)


class Reference(_Strict):
    """An external benchmark (e.g. a national estimate) shown beside the survey's estimates."""

    name: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    values: dict[str, ReferenceValue] = Field(min_length=1, description="indicator id -> estimate (and SE)")


class Narrative(_Strict):
    summary: str = ""
    criteria: dict[int, str] = {}

    @field_validator("criteria")
    @classmethod
    def _criteria_range(cls, v: dict[int, str]) -> dict[int, str]:
        bad = [k for k in v if not 1 <= k <= 8]
        if bad:
            raise ValueError(f"criteria must be 1-8, got {bad}")
        return v


class Source(_Strict):
    name: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None


TableName = Literal["households", "individuals", "locations", "figures"]
SurveyTable = Literal["households", "individuals"]


#: The country config's fields the page shows beside the results (the rest reaches it only through the
#: results): the presentation step's key hashes these (pipeline.plan.page_key). Defined here, not with the
#: results, so that planning a build never imports the statistical code.
PAGE_FIELDS = frozenset({"iso3", "name", "demo", "narrative", "drop_indicators", "extra_indicators", "variables"})


class CountryConfig(_Strict):
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    name: str
    demo: bool = Field(False, description="Fictional data: this country's pages carry the demonstration banner")
    survey: SurveyInfo
    data: DataFiles
    columns: dict[TableName, dict[str, ColumnSource]] = {}
    recode: dict[str, dict[str, Scalar]] = {}
    variables: dict[SurveyTable, dict[str, CountryVariable]] = Field(
        {}, description="The country's own variables, per table (questions the catalogue does not name)")
    design: DesignColumns = DesignColumns()
    groups: dict[str, Role] = Field(min_length=1)
    reference: Reference | None = Field(None, description="External benchmark, typically when the survey has "
                                                          "no comparison group")
    identifiers: list[str] = []
    drop_indicators: list[str] = []
    extra_indicators: list[Indicator] = []
    disaggregations: list[Disaggregation] = []
    notes: dict[str, str] = Field({}, description="indicator id -> note shown under the indicator (e.g. a proxy)")
    narrative: Narrative = Narrative()
    sources: list[Source] = []

    @field_validator("groups", mode="before")
    @classmethod
    def _codes_as_text(cls, v: Any) -> Any:
        return _keys_as_text(v) if isinstance(v, dict) else v

    @field_validator("recode", mode="before")
    @classmethod
    def _recode_keys_as_text(cls, v: Any) -> Any:
        """Source values are compared as text: YAML `1:`, `"1":` and `yes:` (a YAML boolean) all work."""
        if not isinstance(v, dict):
            return v
        return {var: _keys_as_text(m, var) if isinstance(m, dict) else m for var, m in v.items()}

    @field_validator("columns", mode="before")
    @classmethod
    def _sources(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        out: dict[Any, Any] = {}
        for table, mapping in v.items():
            if not isinstance(mapping, dict):
                out[table] = mapping
                continue
            out[table] = {}
            for var, src in mapping.items():
                try:
                    out[table][var] = _source(src)
                except ValueError as exc:
                    raise ValueError(f"{table}.{var}: {exc}") from None
        return out

    @field_validator("groups")
    @classmethod
    def _has_displaced(cls, v: dict[str, str]) -> dict[str, str]:
        if not set(v.values()) & set(DISPLACED_ROLES):
            raise ValueError("no displaced group (idp, returnee or relocated)")
        return v

    @model_validator(mode="after")
    def _iso_and_catalogue(self) -> CountryConfig:
        problems = []
        if USER_ASSIGNED.fullmatch(self.iso3):
            if not self.demo:
                problems.append(f"iso3 {self.iso3} is in the user-assigned range QAA-QZZ, kept for demo data")
        elif pycountry.countries.get(alpha_3=self.iso3) is None:
            problems.append(f"iso3 {self.iso3!r} is not an ISO 3166-1 alpha-3 country code")
        elif self.demo:
            problems.append(f"demo data must use a user-assigned code QAA-QZZ, not the real {self.iso3}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def has_comparison(self) -> bool:
        """Whether the survey has a comparison group (else gaps cannot be estimated from it)."""
        return "comparison" in self.groups.values()

    def role_of(self, code: Any) -> str | None:
        return self.groups.get(str(code))

    def country_variables(self, table: str) -> dict[str, CountryVariable]:
        """The country's own variables a table holds: its own, and for individuals those of households
        (every individual carries their household's variables)."""
        own = dict(self.variables.get(table, {}))  # type: ignore[call-overload]
        if table == "individuals":
            own = {**self.variables.get("households", {}), **own}
        return own

    def variable_names(self, table: str) -> set[str]:
        """Every name an expression over `table` may read: catalogue, inherited, derived and country variables."""
        return load_catalogue().known_variables(table) | set(self.country_variables(table))

    def levels(self, table: str, variable: str) -> tuple[str, ...] | None:
        """Declared levels of a category variable (catalogue or country), None when undeclared."""
        var = self.country_variables(table).get(variable)
        if var is not None:
            return tuple(var.levels) if var.levels else None
        return load_catalogue().levels(table, variable)

    def recode_for(self, variable: str, table: str = "") -> dict[str, Any] | None:
        """Source value -> value for a variable: the country variable's own recode, else `recode.<variable>`."""
        var = self.country_variables(table).get(variable) if table else None
        if var is not None and var.recode is not None:
            return var.recode
        return self.recode.get(variable)

    def referenced_files(self, config_path: Path) -> dict[str, Path]:
        """Every file this config makes the build read, by name: `<table>` for a data file (`<table>:<label>`
        for one of several), `<table>.choices` for its XLSForm (`<table>.choices:2`, ... for more sheets) and
        `frame` for the sampling frame. `load_country` checks each one and the incremental key hashes each one,
        so a file added here is both checked and tracked."""
        out: dict[str, Path] = {}
        for table, spec in self.data:
            if spec is None:
                continue
            for part in spec.parts():
                out[f"{table}:{part.name}" if spec.files is not None else table] = resolve(config_path, part.path)
            for i, path in enumerate(spec.choices_files()):
                out[f"{table}.choices" + (f":{i + 1}" if i else "")] = resolve(config_path, path)
        if self.design.weights is not None:
            out["frame"] = resolve(config_path, self.design.weights.frame)
        return out

    def file_key(self, name: str) -> tuple[str, str]:
        """The config key naming a referenced file and the path as written there (for messages)."""
        if name == "frame":
            assert self.design.weights is not None
            return "design.weights.frame", self.design.weights.frame
        table, _, rest = name.partition(":")
        if "." in table:  # an XLSForm: data.<table>.choices
            table = table.split(".")[0]
            files = getattr(self.data, table).choices_files()
            return f"data.{table}.choices", files[int(rest) - 1 if rest else 0]
        spec = getattr(self.data, table)
        if spec.files is None:
            return f"data.{table}.path", spec.path
        i = [p.name for p in spec.files].index(rest)
        return f"data.{table}.files.{i}.path", spec.files[i].path


# ------------------------------------------------------------------ paths ----
def resolve(config_path: Path, file_path: str) -> Path:
    """A data path from a config: relative to the config file, or absolute. Never raises: a path that
    cannot be resolved (a symlink loop, an unknown `~user`) comes back as written, for `file_problem`."""
    p = Path(file_path)
    if file_path.startswith("~"):
        with contextlib.suppress(RuntimeError):  # ~user unknown on this machine: reported as not found
            p = p.expanduser()
    if p.is_absolute():
        return p
    p = config_path.parent / p
    try:
        return p.resolve()
    except (OSError, RuntimeError, ValueError):  # symlink loop, NUL in the path
        return Path(os.path.abspath(p))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def config_sha256(model: BaseModel) -> str:
    """Hash of the validated config's content (not its formatting)."""
    return hashlib.sha256(json.dumps(model.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def json_schemas() -> dict[str, dict]:
    """JSON Schemas of both config files, for editors (`solutions schema`)."""
    return {"global": GlobalConfig.model_json_schema(), "country": CountryConfig.model_json_schema()}
