"""Reading `params/`: the YAML files into the config models, every problem of every file at once.

Why a module above the models (`solutions.config`) and the name checks (`solutions.config_checks`): the
models say what one file may hold, the checks what names a valid country config may use; reading a file runs
both, then checks the files the config references. Nothing below imports this module.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from solutions import safe_yaml
from solutions.config import CountryConfig, GlobalConfig
from solutions.config_checks import country_problems
from solutions.errors import ConfigError, os_problem
from solutions.narrative_links import narrative_problems


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


def load_global(path: str | Path) -> GlobalConfig:
    """The global config at ``path``, validated; one ConfigError listing every problem."""
    path = Path(path)
    try:
        return GlobalConfig.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise ConfigError(_problems(path, exc)) from None


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


def outside_folder(path: Path) -> str | None:
    """Why a country config may not be read from ``path``: a symbolic link resolving outside the folder that
    holds it (the global config's ``countries_dir``, which may itself be anywhere: that is the config saying
    so). A link inside that folder is fine. None when it may be read."""
    try:
        if not path.is_symlink():
            return None
        target = path.resolve(strict=True)
        if target.is_relative_to(path.parent.resolve(strict=True)):
            return None
    except (OSError, RuntimeError, ValueError):  # broken, or a loop: reading it says which
        return None
    return ("a symbolic link out of its folder: country configs are read only from the folder countries_dir "
            "names (point countries_dir at the other folder instead)")


def load_country(path: str | Path) -> CountryConfig:
    """The country config at ``path``: its models, then every name it uses (`config_checks`), the files it
    references and its narrative's links; one ConfigError listing every problem, one line each."""
    path = Path(path)
    link = outside_folder(path)
    if link:
        raise ConfigError(f"{path}: {link}")
    try:
        cfg = CountryConfig.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise ConfigError(_problems(path, exc)) from None
    problems = [f"{path}: {p}" for p in country_problems(cfg)]
    if cfg.iso3 != path.stem:
        problems.append(f"{path}: iso3: {cfg.iso3} does not match the file name {path.name}")
    for name, file in cfg.referenced_files(path).items():
        problem = file_problem(file)
        if problem:
            key, written = cfg.file_key(name)
            problems.append(f"{path}: {key}: {problem}: {written}")
    problems += [f"{path}: {p}" for p in narrative_problems(cfg.narrative.summary, cfg.narrative.criteria)]
    if problems:
        raise ConfigError(problems)
    return cfg


def country_path(global_path: Path, gcfg: GlobalConfig, iso3: str) -> Path:
    """Where the global config at ``global_path`` keeps the config of ``iso3``."""
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
    if gcfg.demo and not all(c.demo for c in countries.values()):
        # a real country's pages never carry the banner: the report-wide flag yields (validate warns)
        gcfg = gcfg.model_copy(update={"demo": False})
        gcfg._demo_yielded = True
    return gcfg, countries
