"""Orchestrate a build: plan by input hash, run stale country notebooks in parallel, then the global and
methods pages, record everything in the manifest, and render the site.

One country failing never stops the others: its failure is recorded (first error line + log path), the
global page marks it, and the build's exit status says so.

Invalid input (the country notebook's `prepare_country` raised `InputError` before writing anything) is the
analyst's to fix, so it is kept apart from a crash: the problems are recorded one per line under the
country's manifest entry (`rejected`) and the build exits 2. When the country had a good build, that build
stays published untouched (results, executed notebook, page and its manifest state), since the rejected
inputs produced nothing; a country never built is marked failed like any other failure.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from tqdm import tqdm

from solutions.config import CountryConfig, GlobalConfig, country_path, file_sha256, load_all
from solutions.errors import ConfigError, SolutionsError
from solutions.pipeline import manifest
from solutions.pipeline.execute import Job, Outcome
from solutions.pipeline.executors import get_executor
from solutions.pipeline.plan import (
    NOTEBOOKS,
    Decision,
    aggregate_key,
    country_key,
    decide,
    earlier_edition_sha256,
)
from solutions.provenance import build_date, code_version, library_versions

PAGES = ("global", "methods", "front", "codebook")


@dataclass
class Context:
    global_path: Path
    output_root: Path
    gcfg: GlobalConfig
    countries: dict[str, CountryConfig]
    notebooks: Path = NOTEBOOKS
    kernel_name: str = "python3"
    timeout: int | None = 1800

    @property
    def year_dir(self) -> Path:
        return self.output_root / str(self.gcfg.report_year)

    def country_notebook(self, iso: str) -> Path:
        return self.year_dir / "notebooks" / f"country-{iso}.ipynb"

    def page_notebook(self, name: str) -> Path:
        return self.year_dir / "notebooks" / f"{name}.ipynb"

    def results(self, iso: str) -> Path:
        return self.year_dir / "results" / iso

    def log(self, name: str) -> Path:
        return self.year_dir / "logs" / f"{name}.log"


@dataclass
class BuildReport:
    ran: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    site: Path | None = None

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.ran if o.state == "failed"]

    @property
    def invalid(self) -> list[Outcome]:
        """Failures caused by invalid input (exit code 2): each outcome lists its problems."""
        return [o for o in self.failed if o.problems]


def context(global_path: str | Path, output_root: str | Path, **kw) -> Context:
    """Validate every config (ConfigError with all problems, nothing run) and set up paths."""
    global_path = Path(global_path).resolve()
    gcfg, countries = load_all(global_path)
    return Context(global_path, Path(output_root).resolve(), gcfg, countries, **kw)


def _select(ctx: Context, only: list[str] | None) -> list[str]:
    if not only:
        return list(ctx.gcfg.countries)
    unknown = [c for c in only if c not in ctx.countries]
    if unknown:
        raise ConfigError([f"{ctx.global_path}: countries: {c} is not in this report's country list" for c in unknown])
    return only


def plan_countries(ctx: Context, isos: list[str], force: bool = False) -> dict[str, Decision]:
    state = manifest.load(ctx.year_dir)
    nb = ctx.notebooks / "country.ipynb"
    out = {}
    for iso in isos:
        key = country_key(ctx.countries[iso], country_path(ctx.global_path, ctx.gcfg, iso), ctx.gcfg, nb,
                          ctx.output_root)
        exists = ctx.country_notebook(iso).exists() and (ctx.results(iso) / "estimates.parquet").exists()
        out[iso] = decide(iso, key, state["countries"].get(iso), exists, force)
    return out


def _country_job(ctx: Context, iso: str) -> Job:
    return Job(
        name=f"country-{iso}", notebook=ctx.notebooks / "country.ipynb", output=ctx.country_notebook(iso),
        parameters={"global_config": str(ctx.global_path),
                    "country_config": str(country_path(ctx.global_path, ctx.gcfg, iso)),
                    "output_root": str(ctx.output_root)},
        log=ctx.log(f"country-{iso}"), cwd=ctx.notebooks, timeout=ctx.timeout, kernel_name=ctx.kernel_name,
    )


def _page_job(ctx: Context, name: str) -> Job:
    return Job(
        name=name, notebook=ctx.notebooks / f"{name}.ipynb", output=ctx.page_notebook(name),
        parameters={"global_config": str(ctx.global_path), "output_root": str(ctx.output_root)},
        log=ctx.log(name), cwd=ctx.notebooks, timeout=ctx.timeout, kernel_name=ctx.kernel_name,
    )


def _rejected(ctx: Context, d: Decision, o: Outcome) -> dict:
    """What the manifest keeps of a run stopped by invalid input: the problems, never any data."""
    return {"problems": o.problems, "finished": build_date(), "reasons": d.reasons, "digest": d.key.digest,
            "inputs": {k.removeprefix("data:"): v for k, v in d.key.parts.items() if k.startswith("data:")},
            "log": os.path.relpath(o.log, ctx.year_dir) if o.log else ""}


def _entry(ctx: Context, d: Decision, o: Outcome | None, previous: dict | None) -> dict:
    if o is None:  # up to date: keep what built it (a rejection of other inputs no longer applies)
        return {k: v for k, v in (previous or {}).items() if k != "rejected"}
    if o.problems and previous and previous.get("state") == "ok":
        # invalid input wrote nothing: the good build stays what is published, the rejection is noted
        return {**previous, "rejected": _rejected(ctx, d, o)}
    entry = {
        "state": o.state, "key": d.key.parts, "digest": d.key.digest, "seconds": round(o.seconds, 3),
        "error": o.error, "log": os.path.relpath(o.log, ctx.year_dir) if o.log else "",
        "finished": build_date(), "code_version": code_version(), "libraries": library_versions(),
        "reasons": d.reasons,
    }
    if o.problems:
        entry["error"] = f"invalid input: {o.problems[0]}" + (
            f" (and {len(o.problems) - 1} more)" if len(o.problems) > 1 else "")
        entry["rejected"] = _rejected(ctx, d, o)
    if d.name in ctx.countries:
        entry["inputs"] = {k.removeprefix("data:"): v for k, v in d.key.parts.items() if k.startswith("data:")}
        entry["parameters"] = {"config_sha256": d.key.parts["config"],
                               "global_settings_sha256": d.key.parts["global settings"]}
        if o.state == "ok":
            entry["artefacts"] = manifest.artefacts(ctx.results(d.name), ctx.year_dir)
            nb = ctx.country_notebook(d.name)
            entry["artefacts"][nb.relative_to(ctx.year_dir).as_posix()] = file_sha256(nb)
    return entry


def run(
    ctx: Context,
    only: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    echo: Callable[[str], None] = print,
    progress: bool = True,
) -> BuildReport:
    """Execute what is stale; always refresh the global and methods pages when anything they read changed."""
    start = time.perf_counter()
    with build_lock(ctx):
        return _run_locked(ctx, only, jobs or os.cpu_count() or 1, force, executor, scheduler, echo, progress, start)


@contextmanager
def build_lock(ctx: Context) -> Iterator[None]:
    """One build at a time on an output folder, held from planning to the rendered site.

    A second build refuses at once with a clear message (exit 2) rather than queueing behind a build that
    may take an hour. Re-entrant in one thread (`run` inside the CLI's build + render takes it again).
    """
    ctx.year_dir.mkdir(parents=True, exist_ok=True)
    path = ctx.year_dir / ".build.lock"
    lock = FileLock(str(path), is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise SolutionsError(
            f"another build is running on {ctx.year_dir} (lock {path}); wait for it to finish, then run again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _run_locked(ctx, only, jobs, force, executor, scheduler, echo, progress, start) -> BuildReport:
    report = BuildReport()
    state = manifest.load(ctx.year_dir)
    isos = _select(ctx, only)
    decisions = plan_countries(ctx, isos, force)
    todo = [d for d in decisions.values() if d.run]
    report.skipped = [iso for iso, d in decisions.items() if not d.run]
    for iso in report.skipped:
        echo(f"  {iso}: skipped (up to date)")
    runner = get_executor(executor, jobs, scheduler)
    try:
        return _run_phases(ctx, runner, report, state, isos, decisions, todo, force, echo, progress, start)
    finally:
        runner.close()  # the country phase and the pages shared the workers (and their warm kernels)


def _run_phases(ctx, runner, report, state, isos, decisions, todo, force, echo, progress, start) -> BuildReport:
    outcomes: dict[str, Outcome] = {}
    bar = tqdm(total=len(todo), desc="countries", unit="country", disable=not progress or not todo, leave=False)
    for o in runner.map([_country_job(ctx, d.name) for d in todo]):
        iso = o.name.removeprefix("country-")
        outcomes[iso] = o
        # recorded at once: a build killed later re-runs only the countries that had not finished
        state["countries"][iso] = _entry(ctx, decisions[iso], o, state["countries"].get(iso))
        manifest.save(ctx.year_dir, state)
        bar.update(1)
        line = f"  {iso}: ok ({o.seconds:.1f}s)" if o.state == "ok" else _failure_line(iso, o, state)
        bar.write(line) if progress and todo else echo(line)
    bar.close()
    for iso, d in decisions.items():
        if iso not in outcomes:  # up to date
            state["countries"][iso] = _entry(ctx, d, None, state["countries"].get(iso))
    # countries dropped from the report no longer count
    state["countries"] = {k: v for k, v in state["countries"].items() if k in ctx.gcfg.countries}
    state.update(year=ctx.gcfg.report_year, title=ctx.gcfg.title, demo=ctx.gcfg.demo)
    manifest.save(ctx.year_dir, state)  # the global page reads country states from here
    report.ran.extend(outcomes[i] for i in isos if i in outcomes)

    digests = {iso: f"{e.get('digest', '')}:{e.get('state', 'missing')}" for iso, e in state["countries"].items()}
    extra = {"front": {"earlier edition": earlier_edition_sha256(ctx.output_root, ctx.gcfg.report_year)}}
    page_decisions = {
        name: decide(name, aggregate_key(name, ctx.gcfg, ctx.notebooks / f"{name}.ipynb", digests, extra.get(name)),
                     state["pages"].get(name), ctx.page_notebook(name).exists(), force)
        for name in PAGES
    }
    page_todo = [d for d in page_decisions.values() if d.run]
    page_out = {o.name: o for o in runner.map([_page_job(ctx, d.name) for d in page_todo])}
    for name, d in page_decisions.items():
        o = page_out.get(name)
        if o is None:
            echo(f"  {name}: skipped (up to date)")
        else:
            echo(f"  {name}: ok ({o.seconds:.1f}s)" if o.state == "ok" else f"  {name}: FAILED: {o.error}\n        log: {o.log}")
        state["pages"][name] = _entry(ctx, d, o, state["pages"].get(name))
    manifest.save(ctx.year_dir, state)
    report.ran.extend(page_out[n] for n in PAGES if n in page_out)
    report.seconds = time.perf_counter() - start
    return report


def _failure_line(iso: str, o: Outcome, state: dict) -> str:
    if not o.problems:
        return f"  {iso}: FAILED ({o.seconds:.1f}s): {o.error}\n        log: {o.log}"
    n = len(o.problems)
    kept = ("; its previous results stay published"
            if state["countries"].get(iso, {}).get("state") == "ok" else "")
    return f"  {iso}: INVALID INPUT ({n} problem{'s' if n > 1 else ''}, listed below){kept}"


def status(ctx: Context) -> list[dict]:
    """Per country: up to date, stale (and why), failed (and why), never built; nothing is run."""
    state = manifest.load(ctx.year_dir)
    rows = []
    for iso, d in plan_countries(ctx, list(ctx.gcfg.countries)).items():
        prev = state["countries"].get(iso, {})
        rejected = prev.get("rejected")
        if rejected and d.run and rejected.get("digest") == d.key.digest:  # nothing changed since
            n = len(rejected["problems"])
            label = "invalid input"
            why = (f"{n} problem{'s' if n > 1 else ''} in the inputs of {rejected['finished']}, first: "
                   f"{rejected['problems'][0]}; run `solutions validate` for all")
            if prev.get("state") == "ok":
                why += f"; the results published are from {prev.get('finished', '')}"
        elif prev.get("state") == "failed":
            label, why = "failed", f"{prev.get('error', '')} (log: {prev.get('log', '')})"
            if any(r not in ("failed last time",) for r in d.reasons):
                why += "; changed since: " + ", ".join(r for r in d.reasons if r != "failed last time")
        elif not d.run:
            label, why = "up to date", f"built {prev.get('finished', '')}"
        elif d.reasons == ["never built"]:
            label, why = "never built", ""
        else:
            label, why = "stale", "changed: " + ", ".join(d.reasons)
        rows.append({"country": iso, "status": label, "why": why})
    return rows
