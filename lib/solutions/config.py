"""Pydantic models of `params/`: the global config and one config per country.

Errors are collected, not raised one at a time: the user sees every problem of every file, one line each,
naming the file and the key (`params/countries/QAB.yml: design.weight: ...`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from solutions import safe_yaml
from solutions.catalogue import Indicator, load_catalogue
from solutions.errors import ConfigError, os_problem
from solutions.expressions import check as check_expression
from solutions.narrative_links import narrative_problems

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
class Thresholds(_Strict):
    min_n: int = Field(30, ge=1, description="Suppress an estimate whose unweighted denominator is below this")
    min_effective_n: float = Field(30, ge=0, description="Suppress an estimate whose effective sample size "
                                   "(n divided by the design effect) is below this")
    max_cv: float = Field(0.30, gt=0, description="Flag an estimate whose coefficient of variation exceeds this")
    min_df: float = Field(8, ge=0, description="Flag an estimate whose design degrees of freedom are below this")
    confidence_level: float = Field(0.95, gt=0.5, lt=1)
    lonely_psu: LonelyPSU = Field("adjust", description="Rule for strata with a single PSU (R survey.lonely.psu)")


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
                                                         "Excel, Parquet, Stata or SPSS")
    max_unzipped_mb: float = Field(2048, gt=0, description="Largest decompressed size of an .xlsx workbook, in MB")
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

    @field_validator("countries")
    @classmethod
    def _iso3_codes(cls, v: list[str]) -> list[str]:
        """A country is an ISO3 code: it names a config file and output folders, so it is never a path."""
        bad = [f"{i}: {c!r}" for i, c in enumerate(v) if not ISO3.match(c)]
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


class DataFile(_Strict):
    path: str
    format: Literal["csv", "parquet", "excel", "stata", "spss"] | None = None
    sheet: str | int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    key: str | None = Field(None, description="Catalogue variable linking to households (individuals)")
    choices: str | None = Field(None, description="XLSForm with a choices sheet mapping codes to labels")


class DataFiles(_Strict):
    households: DataFile
    individuals: DataFile | None = None
    locations: DataFile | None = None
    figures: DataFile | None = None


class DesignColumns(_Strict):
    weight: str = "weight"
    strata: str | None = "stratum"
    psu: str | None = "psu"
    nest: bool = True
    fpc: str | None = None


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
Scalar = str | int | float | bool | None  # a recoded value: never a list or a mapping


class CountryConfig(_Strict):
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    name: str
    demo: bool = False
    survey: SurveyInfo
    data: DataFiles
    columns: dict[TableName, dict[str, str]] = {}
    recode: dict[str, dict[str, Scalar]] = {}
    design: DesignColumns = DesignColumns()
    groups: dict[str, Role] = Field(min_length=2)
    identifiers: list[str] = []
    drop_indicators: list[str] = []
    extra_indicators: list[Indicator] = []
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

    @field_validator("groups")
    @classmethod
    def _has_comparison(cls, v: dict[str, str]) -> dict[str, str]:
        roles = set(v.values())
        if "comparison" not in roles:
            raise ValueError("no group has the role 'comparison' (IDPs are compared with it)")
        if not roles & set(DISPLACED_ROLES):
            raise ValueError("no displaced group (idp, returnee or relocated)")
        return v

    @model_validator(mode="after")
    def _iso_and_catalogue(self) -> CountryConfig:
        problems = []
        if USER_ASSIGNED.match(self.iso3):
            if not self.demo:
                problems.append(f"iso3 {self.iso3} is in the user-assigned range QAA-QZZ, kept for demo data")
        elif pycountry.countries.get(alpha_3=self.iso3) is None:
            problems.append(f"iso3 {self.iso3!r} is not an ISO 3166-1 alpha-3 country code")
        elif self.demo:
            problems.append(f"demo data must use a user-assigned code QAA-QZZ, not the real {self.iso3}")
        cat = load_catalogue()
        known = {i.id for i in cat.indicators}
        for d in self.drop_indicators:
            if d not in known:
                problems.append(f"drop_indicators: unknown indicator {d!r}")
        problems += cat.unknown_names(self.extra_indicators)
        for table, mapping in self.columns.items():
            valid = cat.variables.get(table, {})
            for var in mapping:
                if var not in valid:
                    problems.append(f"columns.{table}.{var}: not a catalogue variable of {table}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def role_of(self, code: Any) -> str | None:
        return self.groups.get(str(code))

    def referenced_files(self, config_path: Path) -> dict[str, Path]:
        """Every file this config makes the build read, by name: `<table>` for a data file, `<table>.<key>`
        for a file attached to it (`households.choices`, an XLSForm). `load_country` checks each one and
        the incremental key hashes each one, so a file added here is both checked and tracked."""
        out: dict[str, Path] = {}
        for table, spec in self.data:
            if spec is None:
                continue
            out[table] = resolve(config_path, spec.path)
            if spec.choices:
                out[f"{table}.choices"] = resolve(config_path, spec.choices)
        return out


# --------------------------------------------------------------- loading ----
def _read_yaml(path: Path) -> Any:
    data = safe_yaml.load(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level, got {type(data).__name__}")
    return data


def _problems(path: Path, exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        lines.append(f"{path}: {loc}: {msg}")
    return lines


CONFIDENCE_RANGE = (0.5, 0.999)  # beyond 99.9 % the t quantiles of small designs overflow to infinite CIs


def load_global(path: str | Path) -> GlobalConfig:
    path = Path(path)
    try:
        gcfg = GlobalConfig.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise ConfigError(_problems(path, exc)) from None
    low, high = CONFIDENCE_RANGE
    if not low < gcfg.thresholds.confidence_level <= high:
        raise ConfigError(f"{path}: thresholds.confidence_level: {gcfg.thresholds.confidence_level} is outside "
                          f"({low}, {high}]: intervals would be infinite or meaningless")
    return gcfg


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


def file_problem(path: Path) -> str | None:
    """Why `path` cannot be read as a data file (a few words), or None when it is a readable regular file."""
    try:
        st = path.stat()
    except OSError as exc:
        return os_problem(exc)
    except ValueError:
        return "not a valid path (it contains a NUL character)"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(st.st_mode):  # a FIFO or a device (/dev/zero) would block or never end
        return "not a regular file"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def _file_key(name: str) -> str:
    """The config key of a referenced file: `households` -> data.households.path, `households.choices` ->
    data.households.choices."""
    table, _, kind = name.partition(".")
    return f"data.{table}.{kind or 'path'}"


def _spec_text(cfg: CountryConfig, key: str) -> str:
    """The path as the config wrote it (for messages: never resolved into the analyst's folders)."""
    _, table, field = key.split(".")
    return str(getattr(getattr(cfg.data, table), field))


def load_country(path: str | Path) -> CountryConfig:
    path = Path(path)
    try:
        cfg = CountryConfig.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise ConfigError(_problems(path, exc)) from None
    problems = []
    if cfg.iso3 != path.stem:
        problems.append(f"{path}: iso3: {cfg.iso3} does not match the file name {path.name}")
    for name, file in cfg.referenced_files(path).items():
        problem = file_problem(file)
        if problem:
            key = _file_key(name)
            problems.append(f"{path}: {key}: {problem}: {_spec_text(cfg, key)}")
    problems += [f"{path}: {p}" for p in narrative_problems(cfg.narrative.summary, cfg.narrative.criteria)]
    if problems:
        raise ConfigError(problems)
    return cfg


def country_path(global_path: Path, gcfg: GlobalConfig, iso3: str) -> Path:
    return Path(global_path).parent / gcfg.countries_dir / f"{iso3}.yml"


def load_all(global_path: str | Path) -> tuple[GlobalConfig, dict[str, CountryConfig]]:
    """Validate the global config and every country config; raise one ConfigError with all problems."""
    global_path = Path(global_path)
    gcfg = load_global(global_path)
    problems: list[str] = []
    countries: dict[str, CountryConfig] = {}
    for iso in gcfg.countries:
        try:
            countries[iso] = load_country(country_path(global_path, gcfg, iso))
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    return gcfg, countries


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
