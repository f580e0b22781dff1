"""Orchestrate a build: plan by input hash, run stale country notebooks in parallel, then the global and
methods pages, record everything in the manifest, and render the site.

One country failing never stops the others: its failure is recorded (first error line + log path), the
global page marks it, and the build's exit status says so.

Invalid input (the country notebook's `prepare_country` raised `InputError` before writing anything) is the
analyst's to fix, so it is kept apart from a crash: the problems are recorded one per line under the
country's manifest entry (`rejected`) and the build exits 2.

Whatever the failure (invalid input, a crash after validation, a killed kernel, a timeout), a country that
had a good build keeps it: its results are set aside before the run and put back after a failure
(`keep.py`), the executed notebook is only replaced on success, and the manifest entry stays the good one
with a `stale` note (the public reason, e.g. "invalid input (3 problems)", and the details for `status`).
The site shows the page marked "not updated". A country never built is marked failed and publishes nothing.
Details (paths, values, exception text) stay in the terminal, the logs, the manifest and `status`; the
pages only ever get the public reason.

The manifest and the artefacts it records are checked, not trusted: a damaged manifest rebuilds every
country, and a country whose results no longer match their recorded hashes is stale ("results damaged").
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from solutions.config import CountryConfig, GlobalConfig, file_sha256
from solutions.config_loader import country_path, load_all
from solutions.errors import ConfigError
from solutions.inert import inert
from solutions.pipeline import confine, keep, manifest
from solutions.pipeline.execute import Job, Outcome
from solutions.pipeline.executors import get_executor
from solutions.pipeline.lock import year_lock
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
PAGE_RESULTS = ("global", "front")  # pages that write under results/<page>/ (kept aside while they run)


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


def select_countries(ctx: Context, only: list[str] | None) -> list[str]:
    if not only:
        return list(ctx.gcfg.countries)
    unknown = [c for c in only if c not in ctx.countries]
    if unknown:
        raise ConfigError([f"{ctx.global_path}: countries: {c} is not in this report's country list" for c in unknown])
    return only


def plan_countries(ctx: Context, isos: list[str], force: bool = False,
                   state: dict | None = None) -> dict[str, Decision]:
    state = manifest.load(ctx.year_dir) if state is None else state
    nb = ctx.notebooks / "country.ipynb"
    out = {}
    for iso in isos:
        key = country_key(ctx.countries[iso], country_path(ctx.global_path, ctx.gcfg, iso), ctx.gcfg, nb,
                          ctx.output_root)
        previous = state["countries"].get(iso)
        exists = ctx.country_notebook(iso).exists() and (ctx.results(iso) / "estimates.parquet").exists()
        decision = decide(iso, key, previous, exists, force)
        damaged = manifest.damaged_artefacts(previous, ctx.year_dir) if previous and previous.get("state") == "ok" else []
        if damaged and exists:  # the outputs are there but not what was written: never trusted
            decision.reasons.append(f"results damaged ({', '.join(damaged[:3])})")
            decision.run = True
        out[iso] = decision
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


PUBLIC_REASONS = ("the notebook timed out", "the notebook's kernel died", "the worker running it failed",
                  "the build failed")


def public_reason(o: Outcome) -> str:
    """Why a notebook did not update its page, as a page may say it: no path, no value, no exception text."""
    if o.problems:
        n = len(o.problems)
        return f"invalid input ({n} problem{'s' if n > 1 else ''})"
    kind = o.error.split(":", 1)[0].strip()
    if kind in ("CellTimeoutError", "TimeoutError"):
        return PUBLIC_REASONS[0]
    if kind == "DeadKernelError":
        return PUBLIC_REASONS[1]
    if o.error.startswith("Dask task failed"):
        return PUBLIC_REASONS[2]
    return PUBLIC_REASONS[3]


def _rejected(ctx: Context, d: Decision, o: Outcome) -> dict:
    """What the manifest keeps of a run stopped by invalid input: the problems, never any data."""
    return {"problems": o.problems, "finished": build_date(), "reasons": d.reasons, "digest": d.key.digest,
            "inputs": {k.removeprefix("data:"): v for k, v in d.key.parts.items() if k.startswith("data:")},
            "log": os.path.relpath(o.log, ctx.year_dir) if o.log else ""}


def _stale(ctx: Context, d: Decision, o: Outcome) -> dict:
    """The note a kept good build carries after a failed run: public reason, details, when, which inputs."""
    return {"error": public_reason(o), "detail": o.error, "problems": o.problems, "finished": build_date(),
            "digest": d.key.digest, "reasons": d.reasons,
            "log": os.path.relpath(o.log, ctx.year_dir) if o.log else ""}


def _artefacts(ctx: Context, name: str) -> dict[str, str]:
    """sha256 of what a notebook published: its results folder and its executed notebook."""
    if name in ctx.countries:
        folder, nb = ctx.results(name), ctx.country_notebook(name)
    else:
        folder, nb = ctx.results(name) if name in PAGE_RESULTS else None, ctx.page_notebook(name)
    out = manifest.artefacts(folder, ctx.year_dir) if folder is not None else {}
    out[nb.relative_to(ctx.year_dir).as_posix()] = file_sha256(nb)
    return out


def _entry(ctx: Context, d: Decision, o: Outcome | None, previous: dict | None) -> dict:
    if o is None:  # up to date: keep what built it (a failure of other inputs no longer applies)
        return {k: v for k, v in (previous or {}).items() if k not in ("rejected", "stale")}
    if o.state == "failed" and previous and previous.get("state") == "ok":
        # the failed run published nothing (its results were put back): the good build stays, marked stale
        kept = {k: v for k, v in previous.items() if k not in ("rejected", "stale")}
        kept["stale"] = _stale(ctx, d, o)
        if o.problems:
            kept["rejected"] = _rejected(ctx, d, o)
        return kept
    entry = {
        "state": o.state, "key": d.key.parts, "digest": d.key.digest, "seconds": round(o.seconds, 3),
        "error": public_reason(o) if o.state == "failed" else "", "detail": o.error,
        "log": os.path.relpath(o.log, ctx.year_dir) if o.log else "",
        "finished": build_date(), "code_version": code_version(), "libraries": library_versions(),
        "reasons": d.reasons,
    }
    if o.problems:
        entry["rejected"] = _rejected(ctx, d, o)
    if d.name in ctx.countries:
        entry["inputs"] = {k.removeprefix("data:"): v for k, v in d.key.parts.items() if k.startswith("data:")}
        entry["parameters"] = {"config_sha256": d.key.parts["config"],
                               "global_settings_sha256": d.key.parts["global settings"]}
    if o.state == "ok":
        entry["artefacts"] = _artefacts(ctx, d.name)
    return entry


def _results_name(job_name: str) -> str | None:
    """The results folder a notebook writes: `<ISO3>` for a country, its own name for the global page (tables
    and charts' data) and the front page (charts' data)."""
    if job_name.startswith("country-"):
        return job_name.removeprefix("country-")
    return job_name if job_name in PAGE_RESULTS else None


def _run_all(ctx: Context, runner, jobs: list[Job], state: dict, section: str):
    """Run jobs, each with its last good results set aside first and put back if it fails."""
    for job in jobs:
        name = _results_name(job.name)
        if name:
            keep.set_aside(ctx.year_dir, name)
    for o in runner.map(jobs):
        name = _results_name(o.name)
        if name:
            good = state[section].get(name if section == "countries" else o.name, {}).get("state") == "ok"
            (keep.succeeded(ctx.year_dir, name) if o.state == "ok"
             else keep.failed(ctx.year_dir, name, keep_previous=good))
        yield o


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

    def say(line: str) -> None:  # failure lines quote errors and data: no escape sequence reaches a terminal
        echo(inert(line, "terminal"))

    with build_lock(ctx):
        return _run_locked(ctx, only, jobs or os.cpu_count() or 1, force, executor, scheduler, say, progress, start)


@contextmanager
def build_lock(ctx: Context) -> Iterator[None]:
    """One build at a time on an output folder, held from planning to the rendered site (`lock.year_lock`)."""
    with year_lock(ctx.year_dir):
        yield


def _run_locked(ctx, only, jobs, force, executor, scheduler, echo, progress, start) -> BuildReport:
    report = BuildReport()
    for rel in confine.remove_symlinks(ctx.year_dir):  # nothing is written through a link out of the folder
        echo(f"  {rel}: a symbolic link in the output folder, removed (outputs are written only inside it)")
    state, damaged = manifest.load_checked(ctx.year_dir)
    isos = select_countries(ctx, only)
    if damaged:  # nothing it says can be trusted: every country is rebuilt, never dropped from the site
        echo(f"  manifest.json damaged ({damaged}): rebuilding every country")
        isos, force = list(ctx.gcfg.countries), True
    good = {n for sec in ("countries", "pages") for n, e in state[sec].items() if e.get("state") == "ok"}
    for name in keep.recover(ctx.year_dir, good):
        echo(f"  {name}: last good results put back (an earlier build was interrupted)")
    decisions = plan_countries(ctx, isos, force, state)
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
    for o in _run_all(ctx, runner, [_country_job(ctx, d.name) for d in todo], state, "countries"):
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
    # the front and global pages say which countries are kept from an earlier build (their tables unchanged)
    kept = {"kept from an earlier build": ",".join(sorted(i for i, e in state["countries"].items() if e.get("stale")))}
    extra = {"front": {"earlier edition": earlier_edition_sha256(ctx.output_root, ctx.gcfg.report_year), **kept},
             "global": kept}
    page_decisions = {}
    for name in PAGES:
        previous = state["pages"].get(name)
        d = decide(name, aggregate_key(name, ctx.gcfg, ctx.notebooks / f"{name}.ipynb", digests, extra.get(name)),
                   previous, ctx.page_notebook(name).exists(), force)
        damaged = manifest.damaged_artefacts(previous, ctx.year_dir) if previous and previous.get("state") == "ok" else []
        if damaged:
            d.reasons.append(f"outputs damaged ({', '.join(damaged[:3])})")
            d.run = True
        page_decisions[name] = d
    page_todo = [d for d in page_decisions.values() if d.run]
    page_out = {o.name: o for o in _run_all(ctx, runner, [_page_job(ctx, d.name) for d in page_todo], state, "pages")}
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
    kept = ("; its previous results stay published (marked not updated)"
            if state["countries"].get(iso, {}).get("state") == "ok" else "")
    if not o.problems:
        return f"  {iso}: FAILED ({o.seconds:.1f}s): {o.error}{kept}\n        log: {o.log}"
    n = len(o.problems)
    return f"  {iso}: INVALID INPUT ({n} problem{'s' if n > 1 else ''}, listed below){kept}"


def status(ctx: Context) -> list[dict]:
    """Per country: up to date, stale (and why), failed (and why), never built; nothing is run."""
    state, damaged = manifest.load_checked(ctx.year_dir)
    rows = []
    for iso, d in plan_countries(ctx, list(ctx.gcfg.countries), state=state).items():
        prev = state["countries"].get(iso, {})
        rejected, stale = prev.get("rejected"), prev.get("stale")
        if damaged:
            label, why = "stale", f"manifest.json damaged ({damaged}): the next build rebuilds every country"
        elif rejected and d.run and rejected.get("digest") == d.key.digest:  # nothing changed since
            n = len(rejected["problems"])
            label = "invalid input"
            why = (f"{n} problem{'s' if n > 1 else ''} in the inputs of {rejected.get('finished', '')}, first: "
                   f"{rejected['problems'][0] if n else ''}; run `solutions validate` for all")
            if prev.get("state") == "ok":
                why += f"; the results published are from {prev.get('finished', '')}"
        elif stale and d.run:
            label = "stale"
            why = (f"not updated: {stale.get('error', '')} on {stale.get('finished', '')} "
                   f"({stale.get('detail', '')}; log: {stale.get('log', '')}); "
                   f"the results published are from {prev.get('finished', '')}")
        elif prev.get("state") == "failed":
            label, why = "failed", f"{prev.get('detail') or prev.get('error', '')} (log: {prev.get('log', '')})"
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
