"""`solutions`: the command line of the report pipeline.

Exit codes: 0 success; 1 a country or page failed (the rest was built), the site could not be rendered, or a
file could not be read or written (a read-only folder, a full disk); 2 bad configuration, input or option
(nothing executed), a country's invalid input (that country's published results untouched, the rest built),
or another build holding the output folder. Every failure prints one line per problem (`error: ...` on
stderr), never a traceback; an unexpected one also writes its traceback to a log file named in that line
(`SOLUTIONS_DEBUG=1` shows it instead).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
import traceback
from functools import wraps
from pathlib import Path
from typing import Annotated

import typer

from solutions.errors import SolutionsError, os_problem
from solutions.inert import inert

app = typer.Typer(
    help="Build the State of Solutions report: configs in params/, notebooks run by papermill, a rendered site.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ParamsOpt = Annotated[Path, typer.Option("--params", "-p", help="The global config (params/global.yml).")]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Where outputs/<year>/ is written.")]
CountryOpt = Annotated[
    list[str] | None, typer.Option("--country", "-c", help="Only this country (ISO3); repeatable.")
]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", help="Countries run concurrently [default: cores].")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Re-run even what is up to date.")]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="local (default) or dask.")]
EXECUTORS = ("local", "dask")
RENDERERS = ("auto", "quarto", "nbconvert")
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, tcp://HOST:PORT.")]
RendererOpt = Annotated[str | None, typer.Option("--renderer", help="auto, quarto or nbconvert [default: config].")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]

MAX_JOBS = 64
#: A Dask scheduler address this build connects to: TCP or TLS, a host name, IPv4 or [IPv6] address, a port.
SCHEDULER = re.compile(r"(?:tcp|tls)://(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])"
                       r":(?P<port>[0-9]{1,5})")

DEFAULT_PARAMS = Path("params/global.yml")
DEFAULT_OUTPUT = Path("outputs")


def printable(text: str) -> str:
    """A line safe for a terminal: escape sequences from configs or data (colours, cursor moves, window titles,
    links) are removed (`solutions.inert`), other control characters (NUL, a line break) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in inert(str(text), "terminal"))


def _fail(problems: list[str], code: int = 2) -> None:
    for p in problems:
        typer.secho(f"error: {printable(p)}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def user_errors(fn):
    """Every failure of a command as one line per problem: user errors exit 2, OS errors and rendering
    failures exit 1; anything unexpected is reported by `main` (with its traceback in a log file)."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SolutionsError as exc:
            _fail(exc.problems, exc.exit_code)
        except OSError as exc:  # read-only folder, full disk, permissions, a symlink loop
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            _fail([f"{where}{os_problem(exc)}"], 1)
        except RuntimeError as exc:  # a renderer's failure (RenderError): a message, not a traceback
            if type(exc).__name__ != "RenderError":
                raise
            _fail([f"rendering failed: {exc}"], 1)

    return wrapper


def check_options(executor: str | None = None, renderer: str | None = None, jobs: int | None = None,
                  scheduler: str | None = None, country: list[str] | None = None) -> None:
    """Options are checked before anything runs (an unknown renderer used to fail after every notebook)."""
    problems = []
    if executor is not None and executor not in EXECUTORS:
        problems.append(f"--executor: unknown executor {executor!r}; choose {' or '.join(EXECUTORS)}")
    if renderer is not None and renderer not in RENDERERS:
        problems.append(f"--renderer: unknown renderer {renderer!r}; choose {', '.join(RENDERERS)}")
    if jobs is not None and jobs < 1:
        problems.append(f"--jobs: {jobs} is not a number of workers (1 or more)")
    if jobs is not None and jobs > MAX_JOBS:  # each worker is a process with its own kernel
        problems.append(f"--jobs: {jobs} workers, more than {MAX_JOBS}; each is a process with its own kernel "
                        "(and never more than the countries to run are started)")
    if scheduler is not None and executor != "dask":
        problems.append("--scheduler: only used with --executor dask")
    elif scheduler is not None and not SCHEDULER.fullmatch(scheduler):
        problems.append(f"--scheduler: {printable(scheduler)!r} is not a Dask scheduler address: "
                        "expected tcp://HOST:PORT or tls://HOST:PORT")
    elif scheduler is not None and not 0 < int(SCHEDULER.fullmatch(scheduler)["port"]) < 65536:
        problems.append(f"--scheduler: port {SCHEDULER.fullmatch(scheduler)['port']} is not a TCP port (1-65535)")
    for c in country or []:
        if not re.fullmatch(r"[A-Z]{3}", c):
            problems.append(f"--country: {c!r} is not an ISO3 code (three capital letters)")
    if problems:
        raise SolutionsError(problems)


def check_renderer(choice: str) -> None:
    """The renderer exists on this machine (quarto needs its executable) before any notebook runs.
    nbconvert is a dependency, so `auto` and `nbconvert` need no check (nor its slow import)."""
    if choice == "quarto":
        from solutions.render import get_renderer

        get_renderer(choice)  # raises RenderError (exit 1, one line) when quarto is not installed


@app.command()
@user_errors
def demo(
    root: Annotated[Path, typer.Option(help="Project folder receiving data/demo/ and params/.")] = Path("."),
    year: Annotated[int, typer.Option(help="Report year.")] = 2026,
    scale: Annotated[float, typer.Option(help="Survey size multiplier.")] = 1.0,
) -> None:
    """Write the deterministic demo data (fictional countries QAA-QZZ) and their configs."""
    from solutions.demo import write_demo

    kept: list[Path] = []
    paths = write_demo(root, year=year, scale=scale, kept=kept)
    typer.echo(f"wrote {len(paths)} demo files under {root / 'data' / 'demo'} and {root / 'params'}")
    for path in kept:  # the user's edits are theirs: never overwritten
        typer.secho(f"warning: {path}: edited since `solutions demo` wrote it (or not written by it): left as it is; "
                    "delete it to regenerate the demo's version", fg=typer.colors.YELLOW, err=True)


@app.command()
@user_errors
def init(
    folder: Annotated[Path, typer.Argument(help="Folder of the new report (created; existing files are never "
                                                "overwritten).")],
    country: Annotated[str, typer.Option("--country", help="ISO3 code of the report's first country, e.g. SOM.")],
    name: Annotated[str | None, typer.Option(help="The country's name [default: its ISO name].")] = None,
    year: Annotated[int | None, typer.Option(help="Report year [default: this year].")] = None,
) -> None:
    """Start a real report: a global config without demo countries, a country config to fill in, a data
    folder and the notebooks. Then `solutions validate --params FOLDER/params/global.yml` names what to do next."""
    from solutions.project_init import init_project

    started = init_project(folder, country, name, year)
    typer.echo(f"wrote {len(started.written)} files under {folder}; next:")
    for n, step in enumerate(started.next_steps(), 1):
        typer.echo(f"  {n}. {step}")


@app.command()
@user_errors
def validate(params: ParamsOpt = DEFAULT_PARAMS, country: CountryOpt = None) -> None:
    """Run the build's checks on every config and input file, and compute each country's tables in memory.

    Nothing is written and no notebook runs. Exit 2 listing every problem; warnings do not fail.
    """
    from solutions.config_loader import country_path, load_all
    from solutions.errors import InputError
    from solutions.indicators.checks import check_country
    from solutions.indicators.compute import compute_country
    from solutions.inputs.weights import summary

    gcfg, countries = load_all(params)
    problems: list[str] = []
    crashed = False
    for iso in country or gcfg.countries:
        if iso not in countries:
            problems.append(f"{params}: countries: {iso} is not in this report's country list")
            continue
        try:  # the build's first step, the same code (solutions.indicators.prepare_country)
            checked = check_country(gcfg, countries[iso], country_path(params, gcfg, iso))
        except InputError as exc:
            problems.extend(f"{iso}: {p}" for p in exc.problems)
            continue
        data = checked.data
        try:  # the computation itself, in memory: what is left of a build is writing files and the pages
            compute_country(countries[iso], gcfg, data)
        except Exception as exc:  # noqa: BLE001 - a failure here is the engine's, reported as the build would
            problems.append(f"{iso}: computing the indicators failed ({exc.__class__.__name__}: {exc}); the build "
                            "would fail the same way: please report it")
            crashed = True
            continue
        typer.echo(f"  {iso}: ok ({len(data.households)} households"
                   + (f", {len(data.individuals)} individuals" if data.individuals is not None else "") + ")")
        if not data.weights.empty:
            typer.echo(f"       {summary(data.weights)}")
        for note in data.notes:  # what reading the files found and handled (totals rows, unsampled strata, ...)
            typer.echo(f"       note: {note}")
        for w in checked.warnings:
            typer.secho(f"warning: {iso}: {printable(w)}", fg=typer.colors.YELLOW, err=True)
    if problems:
        _fail(problems, 1 if crashed and all("computing the indicators failed" in p for p in problems) else 2)
    typer.echo("all configs and inputs are valid")


def _build_context(params: Path, output: Path):
    from solutions.pipeline.build import context

    return context(params, output)


def _select(ctx, country: list[str] | None) -> None:
    """`--country` names countries of this report (checked before the output folder is touched)."""
    from solutions.pipeline.build import select_countries

    select_countries(ctx, country)


def _report_run(report) -> None:
    n_ok = sum(o.state == "ok" for o in report.ran)
    typer.echo(f"ran {n_ok} notebook(s), skipped {len(report.skipped)} up to date, "
               f"{len(report.failed)} failed, in {report.seconds:.1f}s")
    for o in report.invalid:
        iso = o.name.removeprefix("country-")
        for p in o.problems:
            typer.secho(f"error: {iso}: {printable(p)}", fg=typer.colors.RED, err=True)


def _exit_code(report) -> int:
    """Invalid input (2: the analyst must fix a file) outranks a failed notebook (1)."""
    return 2 if report.invalid else 1 if report.failed else 0


@app.command()
@user_errors
def run(
    params: ParamsOpt = DEFAULT_PARAMS, output: OutputOpt = DEFAULT_OUTPUT, country: CountryOpt = None,
    jobs: JobsOpt = None, force: ForceOpt = False, executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None, quiet: QuietOpt = False,
) -> None:
    """Execute the country notebooks that are stale, then the global and methods pages."""
    from solutions.pipeline.build import run as run_build

    check_options(executor=executor, jobs=jobs, scheduler=scheduler, country=country)
    ctx = _build_context(params, output)
    _select(ctx, country)
    report = run_build(ctx, only=country, jobs=jobs, force=force, executor=executor, scheduler=scheduler,
                       progress=not quiet and sys.stderr.isatty())
    _report_run(report)
    if report.failed:
        raise typer.Exit(_exit_code(report))


@app.command()
@user_errors
def render(params: ParamsOpt = DEFAULT_PARAMS, output: OutputOpt = DEFAULT_OUTPUT, renderer: RendererOpt = None,
           fmt: Annotated[str, typer.Option("--format", help="site (the website) or pdf (the print edition, "
                                            "through Quarto's Typst format; skipped when nothing changed).")] = "site",
           ) -> None:
    """Render the executed notebooks into the report website, or into its print edition (`--format pdf`)."""
    from solutions.pipeline.build import build_lock
    from solutions.pipeline.confine import remove_symlinks
    from solutions.pipeline.site import render_site

    if fmt not in ("site", "pdf"):
        _fail([f"--format: {printable(fmt)!r} is not site or pdf"])
    check_options(renderer=renderer)
    ctx = _build_context(params, output)
    if fmt == "pdf":
        from solutions.pipeline.print_edition import print_edition

        with build_lock(ctx):  # never while a build or another render writes the notebooks it reads
            printed = print_edition(ctx)
        typer.echo(f"print edition up to date: {printed.pdf}" if printed.up_to_date else
                   f"printed {len(printed.chapters)} chapter(s), {printed.figures} chart(s) and {printed.tables} "
                   f"table(s) in {printed.seconds:.1f}s: {printed.pdf}")
        return
    check_renderer(renderer or ctx.gcfg.renderer)
    with build_lock(ctx):  # never two renders (or a render and a build) on one site
        for rel in remove_symlinks(ctx.year_dir):  # publishing writes under results/: never through a link
            typer.echo(printable(f"  {rel}: a symbolic link in the output folder, removed (outputs are written "
                                 "only inside it)"))
        result = render_site(ctx, renderer)
    typer.echo(f"rendered {len(result.pages)} page(s) with {result.renderer} in {result.seconds:.1f}s")
    typer.echo(f"report: {result.index}")


@app.command()
@user_errors
def build(
    params: ParamsOpt = DEFAULT_PARAMS, output: OutputOpt = DEFAULT_OUTPUT, country: CountryOpt = None,
    jobs: JobsOpt = None, force: ForceOpt = False, executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None, renderer: RendererOpt = None, quiet: QuietOpt = False,
) -> None:
    """Run (what is stale) and render: the whole report in one command."""
    from solutions.pipeline.build import build_lock
    from solutions.pipeline.build import run as run_build
    from solutions.pipeline.site import render_site

    check_options(executor=executor, renderer=renderer, jobs=jobs, scheduler=scheduler, country=country)
    ctx = _build_context(params, output)
    _select(ctx, country)
    check_renderer(renderer or ctx.gcfg.renderer)
    with build_lock(ctx):  # held until the site is rendered: a second build refuses meanwhile
        report = run_build(ctx, only=country, jobs=jobs, force=force, executor=executor, scheduler=scheduler,
                           progress=not quiet and sys.stderr.isatty())
        _report_run(report)
        changed = {o.name for o in report.ran if o.state == "ok"}  # a failed notebook left its page as it was
        result = render_site(ctx, renderer, changed=changed)
    if result.up_to_date:
        typer.echo(f"site up to date: {len(result.pages)} page(s), nothing they are made from changed "
                   f"(`solutions render` renders it again)")
    else:
        typer.echo(f"rendered {len(result.pages)} page(s) with {result.renderer} in {result.seconds:.1f}s")
    typer.echo(f"report: {result.index}")
    if report.failed:
        raise typer.Exit(_exit_code(report))


@app.command()
@user_errors
def status(params: ParamsOpt = DEFAULT_PARAMS, output: OutputOpt = DEFAULT_OUTPUT,
           as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Which countries are up to date, stale, failed or never built, and why. Runs nothing."""
    from solutions.pipeline.build import status as build_status

    rows = build_status(_build_context(params, output))
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:  # reasons quote configs and data: no escape sequence reaches the terminal
        typer.echo(printable(f"  {r['country']}: {r['status']}" + (f" - {r['why']}" if r["why"] else "")))


@app.command()
@user_errors
def clean(
    params: ParamsOpt = DEFAULT_PARAMS, output: OutputOpt = DEFAULT_OUTPUT,
    demo_data: Annotated[bool, typer.Option("--demo-data", help="Also delete the generated demo data.")] = False,
) -> None:
    """Delete this report year's outputs (never inputs, except generated demo data on request).

    It takes the build lock: while a build runs, `clean` refuses (exit 2) instead of deleting under it."""
    from solutions.config_loader import load_global
    from solutions.pipeline.lock import year_lock

    gcfg = load_global(params)
    year_dir = output / str(gcfg.report_year)
    if year_dir.exists():
        with year_lock(year_dir) as lock_file:
            for child in sorted(year_dir.iterdir()):
                if child == lock_file:
                    continue
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        typer.echo(f"removed {year_dir}")
    if demo_data:
        demo_dir = Path(params).resolve().parent.parent / "data" / "demo"
        if demo_dir.exists():
            shutil.rmtree(demo_dir)
            typer.echo(f"removed {demo_dir}")


@app.command()
@user_errors
def diff(
    against: Annotated[str, typer.Option("--against", help="The edition to compare with: a report year "
                                         "(outputs/<YEAR>) or the path of an edition's folder.")],
    params: ParamsOpt = DEFAULT_PARAMS, output: OutputOpt = DEFAULT_OUTPUT,
    breakdowns: Annotated[bool, typer.Option("--breakdowns", help="Compare breakdowns too (sex, age...), "
                                             "not only national estimates.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when anything changed.")] = False,
) -> None:
    """What changed since another edition: statuses, estimates better or worse, countries, indicators."""
    from solutions.catalogue import load_catalogue
    from solutions.config_loader import load_global
    from solutions.editions import diff_editions, diff_json, edition_folder, load_edition
    from solutions.report.changes_text import diff_lines

    gcfg = load_global(params)
    this = output / str(gcfg.report_year)
    other = edition_folder(output, against)
    if other.resolve() == this.resolve():
        _fail([f"--against {against}: that is this edition ({this}); name an earlier one"])
    new, old = load_edition(this), load_edition(other)
    from solutions.indicators.changes import (
        rules_from_tables,  # the margins this edition applied, else config's
    )

    rules = rules_from_tables(new.gaps, new.estimates, catalogue=load_catalogue(), default=gcfg.equivalence_margin)
    d = diff_editions(old, new, confidence_level=gcfg.thresholds.confidence_level, breakdowns=breakdowns,
                      rules=rules)
    if as_json:
        typer.echo(json.dumps(diff_json(d), indent=2))
    else:
        typer.echo(printable(f"{new.year} ({this}) against {old.year} ({other})"))
        titles = {i.id: i.short_title for i in load_catalogue().indicators}
        for line in diff_lines(d, titles=titles):  # names come from the other edition: no escape sequences
            typer.echo(printable(line))
    if exit_code and not d.empty:
        raise typer.Exit(1)


@app.command()
def schema(out: Annotated[Path, typer.Option(help="Folder for the JSON Schema files.")] = Path("params/schema")) -> None:
    """Export JSON Schemas of the global and country configs (for editor completion and checks)."""
    from solutions.atomic import write_text
    from solutions.config import json_schemas

    for name, sch in json_schemas().items():
        write_text(out / f"{name}.schema.json", json.dumps(sch, indent=2, sort_keys=True) + "\n")
        typer.echo(f"wrote {out / f'{name}.schema.json'}")


def main() -> None:  # pragma: no cover - console entry point (tested through subprocesses)
    """The `solutions` command: every failure ends in `error:` lines and an exit code, never a traceback."""
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    # Libraries log their view of a failure (nbclient: "Kernel died ..."); the job log and the one `error:`
    # line already say it, so nothing else reaches the terminal.
    logging.basicConfig(handlers=[logging.NullHandler()], force=True)
    cx = _click_exceptions()
    try:
        code = app(standalone_mode=False)
    except cx.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help())
        code = 0
    except cx.UsageError as exc:  # unknown option, a value of the wrong type...
        command = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
        _line(f"{command}{exc.format_message()} (see --help)")
        code = 2
    except cx.ClickException as exc:
        _line(exc.format_message())
        code = exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        _line("interrupted")
        code = 130
    except OSError as exc:  # outside a command's own handling (e.g. while reading options)
        _line(f"{exc.filename}: {os_problem(exc)}" if exc.filename else os_problem(exc))
        code = 1
    except Exception as exc:  # noqa: BLE001 - a bug: one line here, the traceback in a file
        if os.environ.get("SOLUTIONS_DEBUG") == "1":
            raise
        _line(f"internal error ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
              f"the traceback is in {_crash_log(exc)}; please report it")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


def _click_exceptions():
    """The click exceptions typer raises (typer vendors its own copy of click)."""
    try:
        from typer._click import exceptions
    except ImportError:  # an older typer on plain click
        from click import exceptions
    return exceptions


def _line(text: str) -> None:
    typer.secho(f"error: {printable(text)}", fg=typer.colors.RED, err=True)


def _crash_log(exc: BaseException) -> str:
    fd, path = tempfile.mkstemp(prefix="solutions-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("".join(traceback.format_exception(exc)))
    return path


if __name__ == "__main__":  # pragma: no cover
    main()
