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
from typing import Any

from tqdm import tqdm

from solutions.config import CountryConfig, GlobalConfig, file_sha256
from solutions.config_loader import country_path, load_all
from solutions.errors import ConfigError
from solutions.inert import inert
from solutions.pipeline import confine, keep, manifest
from solutions.pipeline.compute import ComputeJob
from solutions.pipeline.execute import Job, Outcome
from solutions.pipeline.executors import Executor, get_executor
from solutions.pipeline.lock import year_lock
from solutions.pipeline.plan import (
    NOTEBOOKS,
    Decision,
    aggregate_key,
    compute_key,
    decide,
    earlier_edition_sha256,
    page_key,
    results_sha256,
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


def context(global_path: str | Path, output_root: str | Path, **kw: Any) -> Context:
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


@dataclass
class CountryPlan:
    """A country's two steps: compute (results tables) and page (the notebook presenting them). The page's
    decision is planned from the results on disk and decided again once the compute step has run."""

    iso: str
    compute: Decision
    page: Decision

    @property
    def run(self) -> bool:
        return self.compute.run or self.page.run


def _view(previous: dict | None, key: dict | None, failed_step: str) -> dict | None:
    """The parts of a country's manifest entry one step is decided on: its recorded key, and whether the
    last run of this step failed (a page that failed leaves the compute step's results as they were)."""
    if not previous:
        return None
    stale = previous.get("stale")
    retry = previous.get("state") == "failed" or (stale and stale.get("step", "compute") in (failed_step, "compute"))
    return {"key": key, "state": "failed" if retry else previous.get("state")}


def _is_page_artefact(rel: str, iso: str) -> bool:
    return rel.startswith(f"results/{iso}/charts/") or rel.startswith("notebooks/")


def plan_countries(ctx: Context, isos: list[str], *, force: bool = False,
                   state: dict | None = None) -> dict[str, CountryPlan]:
    """Each country's compute and page decisions, from the manifest and the files on disk (nothing runs)."""
    state = manifest.load(ctx.year_dir) if state is None else state
    out = {}
    for iso in isos:
        cfg = ctx.countries[iso]
        previous = state["countries"].get(iso)
        results = ctx.results(iso)
        ckey = compute_key(cfg, country_path(ctx.global_path, ctx.gcfg, iso), ctx.gcfg)
        computed = (previous or {}).get("compute") or {}
        compute = decide(iso, ckey, previous=_view(previous, computed.get("key"), "compute"),
                         outputs_exist=(results / "estimates.parquet").exists(), force=force)
        pkey = page_key(cfg, ctx.gcfg, notebook=ctx.notebooks / "country.ipynb", results=results_sha256(results),
                        output_root=ctx.output_root)
        page = decide(iso, pkey, previous=_view(previous, (previous or {}).get("key"), "page"),
                      outputs_exist=ctx.country_notebook(iso).exists(), force=force)
        damaged = (manifest.damaged_artefacts(previous, ctx.year_dir)
                   if previous and previous.get("state") == "ok" and results.exists() else [])
        for step, files in ((compute, [r for r in damaged if not _is_page_artefact(r, iso)]),
                            (page, [r for r in damaged if _is_page_artefact(r, iso)])):
            if files:  # the outputs are there but not what was written: never trusted
                step.reasons.append(f"{'results' if step is compute else 'page'} damaged ({', '.join(files[:3])})")
                step.run = True
        out[iso] = CountryPlan(iso, compute, page)
    return out


def _compute_job(ctx: Context, iso: str) -> ComputeJob:
    return ComputeJob(name=f"compute-{iso}", global_config=ctx.global_path,
                      country_config=country_path(ctx.global_path, ctx.gcfg, iso), output_root=ctx.output_root,
                      log=ctx.log(f"compute-{iso}"))


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
    if kind == "DeadKernelError" or o.error.startswith("RuntimeError: Kernel died"):  # while running, or starting
        return PUBLIC_REASONS[1]
    if o.error.startswith("Dask task failed"):
        return PUBLIC_REASONS[2]
    return PUBLIC_REASONS[3]


def _rejected(ctx: Context, d: Decision, o: Outcome) -> dict:
    """What the manifest keeps of a run stopped by invalid input: the problems, never any data."""
    return {"problems": o.problems, "finished": build_date(), "reasons": d.reasons, "digest": d.key.digest,
            "inputs": {k.removeprefix("data:"): v for k, v in d.key.parts.items() if k.startswith("data:")},
            "log": os.path.relpath(o.log, ctx.year_dir) if o.log else ""}


def _stale(ctx: Context, d: Decision, o: Outcome, step: str = "compute") -> dict:
    """The note a kept good build carries after a failed run: public reason, details, when, which inputs, and
    the step that failed (a failed page leaves the compute step's results valid)."""
    return {"error": public_reason(o), "detail": o.error, "problems": o.problems, "finished": build_date(),
            "digest": d.key.digest, "reasons": d.reasons, "step": step,
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


def _entry(ctx: Context, d: Decision, o: Outcome | None, previous: dict | None, *, step: str = "compute",
           compute: dict | None = None, compute_seconds: float = 0.0) -> dict:
    """The manifest entry of a country or page after this build. `d` and `o`: the step that decided the
    entry (a country's failing step, else its page); `compute`: a country's compute record;
    `compute_seconds`: what its compute step took in this build (0 when its results were up to date: the
    record's seconds are those of the run that wrote them)."""
    if o is None:  # up to date: keep what built it (a failure of other inputs no longer applies)
        return {k: v for k, v in (previous or {}).items() if k not in ("rejected", "stale")}
    if o.state == "failed" and previous and previous.get("state") == "ok":
        # the failed run published nothing (its results were put back): the good build stays, marked stale
        kept = {k: v for k, v in previous.items() if k not in ("rejected", "stale")}
        kept["stale"] = _stale(ctx, d, o, step)
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
    if compute is not None:
        entry["compute"] = compute
        entry["seconds"] = round(o.seconds + compute_seconds, 3)
        if step == "page" and o.state == "ok":
            entry["page_seconds"] = round(o.seconds, 3)
        ckey = compute.get("key", {})
        entry["inputs"] = {k.removeprefix("data:"): v for k, v in ckey.items() if k.startswith("data:")}
        entry["parameters"] = {"config_sha256": ckey.get("config", ""),
                               "global_settings_sha256": ckey.get("global settings", "")}
    if o.state == "ok":
        entry["artefacts"] = _artefacts(ctx, d.name)
    return entry


def _compute_record(d: Decision, o: Outcome | None, previous: dict | None) -> dict:
    """What the manifest keeps of a country's compute step: its key, and when and how long it last ran."""
    if o is None:  # up to date: the record of the run that wrote the results
        return dict((previous or {}).get("compute") or {"key": d.key.parts, "digest": d.key.digest})
    return {"key": d.key.parts, "digest": d.key.digest, "seconds": round(o.seconds, 3), "finished": build_date(),
            "reasons": d.reasons}


def _results_name(job_name: str) -> str | None:
    """The results folder a notebook writes: `<ISO3>` for a country, its own name for the global page (tables
    and charts' data) and the front page (charts' data)."""
    if job_name.startswith("country-"):
        return job_name.removeprefix("country-")
    return job_name if job_name in PAGE_RESULTS else None


def _run_all(ctx: Context, runner: Executor, jobs: list[Job], state: dict, section: str) -> Iterator[Outcome]:
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
    *,
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
        return _run_locked(ctx, only, jobs=jobs or os.cpu_count() or 1, force=force, executor=executor,
                           scheduler=scheduler, echo=say, progress=progress, start=start)


@contextmanager
def build_lock(ctx: Context) -> Iterator[None]:
    """One build at a time on an output folder, held from planning to the rendered site (`lock.year_lock`)."""
    with year_lock(ctx.year_dir):
        yield


@dataclass
class Phases:
    """What the phases of one build share: the plan, the manifest being written, the workers, the report."""

    ctx: Context
    runner: Executor
    report: BuildReport
    state: dict[str, Any]
    isos: list[str]
    plans: dict[str, CountryPlan]
    force: bool
    echo: Callable[[str], None]
    progress: bool
    start: float


def _run_locked(ctx: Context, only: list[str] | None, *, jobs: int, force: bool, executor: str,
                scheduler: str | None, echo: Callable[[str], None], progress: bool, start: float) -> BuildReport:
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
    plans = plan_countries(ctx, isos, force=force, state=state)
    report.skipped = [iso for iso, p in plans.items() if not p.run]
    for iso in report.skipped:
        echo(f"  {iso}: skipped (up to date)")
    runner = get_executor(executor, jobs, scheduler=scheduler)
    try:
        return _run_phases(Phases(ctx, runner, report, state, isos, plans, force, echo, progress, start))
    finally:
        runner.close()  # the country phase and the pages shared the workers (and their warm kernels)


def _run_phases(ph: Phases) -> BuildReport:
    ctx, state = ph.ctx, ph.state
    outcomes = _run_countries(ph)
    for iso, p in ph.plans.items():
        if iso not in outcomes:  # up to date
            state["countries"][iso] = _entry(ctx, p.page, None, state["countries"].get(iso))
    # countries dropped from the report no longer count
    state["countries"] = {k: v for k, v in state["countries"].items() if k in ctx.gcfg.countries}
    state.update(year=ctx.gcfg.report_year, title=ctx.gcfg.title, demo=ctx.gcfg.demo)
    manifest.save(ctx.year_dir, state)  # the global page reads country states from here
    ph.report.ran.extend(outcomes[i] for i in ph.isos if i in outcomes)

    digests = {iso: f"{e.get('digest', '')}:{e.get('state', 'missing')}" for iso, e in state["countries"].items()}
    # the front and global pages say which countries are kept from an earlier build (their tables unchanged)
    kept = {"kept from an earlier build": ",".join(sorted(i for i, e in state["countries"].items() if e.get("stale")))}
    extra = {"front": {"earlier edition": earlier_edition_sha256(ctx.output_root, ctx.gcfg.report_year), **kept},
             "global": kept}
    page_decisions = {}
    for name in PAGES:
        previous = state["pages"].get(name)
        key = aggregate_key(name, ctx.gcfg, notebook=ctx.notebooks / f"{name}.ipynb", countries=digests,
                            extra=extra.get(name))
        d = decide(name, key, previous=previous, outputs_exist=ctx.page_notebook(name).exists(), force=ph.force)
        damaged = manifest.damaged_artefacts(previous, ctx.year_dir) if previous and previous.get("state") == "ok" else []
        if damaged:
            d.reasons.append(f"outputs damaged ({', '.join(damaged[:3])})")
            d.run = True
        page_decisions[name] = d
    page_todo = [d for d in page_decisions.values() if d.run]
    page_out = {o.name: o for o in _run_all(ctx, ph.runner, [_page_job(ctx, d.name) for d in page_todo], state, "pages")}
    for name, d in page_decisions.items():
        o = page_out.get(name)
        if o is None:
            ph.echo(f"  {name}: skipped (up to date)")
        else:
            ph.echo(f"  {name}: ok ({o.seconds:.1f}s)" if o.state == "ok" else f"  {name}: FAILED: {o.error}\n        log: {o.log}")
        state["pages"][name] = _entry(ctx, d, o, state["pages"].get(name))
    manifest.save(ctx.year_dir, state)
    ph.report.ran.extend(page_out[n] for n in PAGES if n in page_out)
    ph.report.seconds = time.perf_counter() - ph.start
    return ph.report


def _run_countries(ph: Phases) -> dict[str, Outcome]:
    """The stale countries: their compute steps in parallel (worker processes), then the pages of those whose
    results changed (or whose page is stale) on the warm kernels. A country's last good results and page stay
    published until both of its steps succeeded; each country is recorded in the manifest as it finishes, so a
    build killed later re-runs only the countries that had not finished."""
    ctx, state = ph.ctx, ph.state
    todo = [p for p in ph.plans.values() if p.run]
    outcomes: dict[str, Outcome] = {}
    bar = tqdm(total=len(todo), desc="countries", unit="country", disable=not ph.progress or not todo, leave=False)

    def finish(iso: str, o: Outcome, entry: dict) -> None:
        outcomes[iso] = o
        state["countries"][iso] = entry
        manifest.save(ctx.year_dir, state)
        bar.update(1)
        line = f"  {iso}: ok ({o.seconds:.1f}s)" if o.state == "ok" else _failure_line(iso, o, state)
        bar.write(line) if ph.progress and todo else ph.echo(line)

    for p in todo:
        keep.set_aside(ctx.year_dir, p.iso)
    computed: dict[str, Outcome] = {}
    for o in ph.runner.compute([_compute_job(ctx, p.iso) for p in todo if p.compute.run]):
        iso = o.name.removeprefix("compute-")
        computed[iso] = o
        if o.state == "failed":
            previous = state["countries"].get(iso)
            keep.failed(ctx.year_dir, iso, keep_previous=(previous or {}).get("state") == "ok")
            finish(iso, _as_country(o), _entry(ctx, ph.plans[iso].compute, o, previous, step="compute",
                                               compute=_compute_record(ph.plans[iso].compute, o, previous)))
    pages: list[Job] = []
    for p in todo:
        if p.iso in outcomes:  # its compute step failed
            continue
        if p.iso in computed:  # new results: the page is decided on what was written
            key = page_key(ctx.countries[p.iso], ctx.gcfg, notebook=ctx.notebooks / "country.ipynb",
                           results=results_sha256(ctx.results(p.iso)), output_root=ctx.output_root)
            previous = state["countries"].get(p.iso)
            damaged = [r for r in p.page.reasons if " damaged (" in r]  # the plan's checks of the page's files
            p.page = decide(p.iso, key, previous=_view(previous, (previous or {}).get("key"), "page"),
                            outputs_exist=ctx.country_notebook(p.iso).exists(), force=ph.force)
            if damaged:
                p.page.reasons += damaged
                p.page.run = True
            if not p.page.run:  # the same results as the page shows (e.g. a statistical edit changing no number)
                keep.succeeded(ctx.year_dir, p.iso)
                o = computed[p.iso]
                finish(p.iso, _as_country(o), {**_entry(ctx, p.page, None, previous),
                                                "compute": _compute_record(p.compute, o, previous)})
                continue
        pages.append(_country_job(ctx, p.iso))
    for o in ph.runner.map(pages):
        iso = o.name.removeprefix("country-")
        previous = state["countries"].get(iso)
        if o.state == "ok":
            keep.succeeded(ctx.year_dir, iso)
        else:
            keep.failed(ctx.year_dir, iso, keep_previous=(previous or {}).get("state") == "ok")
        compute = _compute_record(ph.plans[iso].compute, computed.get(iso), previous)
        finish(iso, _combined(o, computed.get(iso)),
               _entry(ctx, ph.plans[iso].page, o, previous, step="page", compute=compute,
                      compute_seconds=computed[iso].seconds if iso in computed else 0.0))
    bar.close()
    return outcomes


def _as_country(o: Outcome) -> Outcome:
    """A compute step's outcome as its country's (`country-<ISO3>`, the name the site and report use)."""
    return Outcome(f"country-{o.name.removeprefix('compute-')}", o.state, o.seconds, error=o.error, log=o.log,
                   problems=o.problems)


def _combined(page: Outcome, compute: Outcome | None) -> Outcome:
    """A country's outcome: its page's, with the compute step's seconds added when it ran."""
    if compute is None:
        return page
    return Outcome(page.name, page.state, page.seconds + compute.seconds, error=page.error, log=page.log,
                   problems=page.problems, extra={"compute_seconds": compute.seconds, "page_seconds": page.seconds})


def _failure_line(iso: str, o: Outcome, state: dict) -> str:
    kept = ("; its previous results stay published (marked not updated)"
            if state["countries"].get(iso, {}).get("state") == "ok" else "")
    if not o.problems:
        return f"  {iso}: FAILED ({o.seconds:.1f}s): {o.error}{kept}\n        log: {o.log}"
    n = len(o.problems)
    return f"  {iso}: INVALID INPUT ({n} problem{'s' if n > 1 else ''}, listed below){kept}"


def _step_text(d: Decision) -> str:
    return "up to date" if not d.run else "stale (" + ", ".join(_said(r) for r in d.reasons) + ")"


def _said(reason: str) -> str:
    """A decision's reason as `status` says it: a key part that changed reads "<part> changed"."""
    fixed = ("never built", "failed last time", "outputs missing", "--force")
    return reason if reason in fixed or " damaged (" in reason else f"{reason} changed"


def status(ctx: Context) -> list[dict]:
    """Per country: up to date, stale (which step, and why), failed (and why), never built; nothing is run.
    Each row also says each step's state (`compute`, `page`)."""
    state, damaged = manifest.load_checked(ctx.year_dir)
    rows = []
    for iso, p in plan_countries(ctx, list(ctx.gcfg.countries), state=state).items():
        prev = state["countries"].get(iso, {})
        rejected, stale = prev.get("rejected"), prev.get("stale")
        d = p.compute
        steps = {"compute": _step_text(p.compute),
                 "page": "after the compute step" if p.compute.run else _step_text(p.page)}
        if damaged:
            label, why = "stale", f"manifest.json damaged ({damaged}): the next build rebuilds every country"
        elif rejected and d.run and rejected.get("digest") == d.key.digest:  # nothing changed since
            n = len(rejected["problems"])
            label = "invalid input"
            why = (f"{n} problem{'s' if n > 1 else ''} in the inputs of {rejected.get('finished', '')}, first: "
                   f"{rejected['problems'][0] if n else ''}; run `solutions validate` for all")
            if prev.get("state") == "ok":
                why += f"; the results published are from {prev.get('finished', '')}"
        elif stale and p.run:
            label = "stale"
            why = (f"not updated: {stale.get('error', '')} on {stale.get('finished', '')} "
                   f"({stale.get('detail', '')}; log: {stale.get('log', '')}); "
                   f"the results published are from {prev.get('finished', '')}")
        elif prev.get("state") == "failed":
            label, why = "failed", f"{prev.get('detail') or prev.get('error', '')} (log: {prev.get('log', '')})"
            if any(r != "failed last time" for r in d.reasons):
                why += "; changed since: " + ", ".join(r for r in d.reasons if r != "failed last time")
        elif not p.run:
            label, why = "up to date", f"built {prev.get('finished', '')}"
        elif p.compute.reasons == ["never built"] and not prev:
            label, why = "never built", ""
        else:
            label, why = "stale", f"compute: {steps['compute']}; page: {steps['page']}"
        rows.append({"country": iso, "status": label, "why": why, **steps})
    return rows
