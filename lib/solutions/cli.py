"""`solutions`: the command line of the report pipeline.

Exit codes: 0 success; 1 a country or page failed (the rest was built); 2 bad configuration (nothing
executed) or a country's invalid input (that country's published results untouched, the rest built).
User errors print one line per problem (`error: ...` on stderr), never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from functools import wraps
from pathlib import Path
from typing import Annotated

import typer

from solutions.errors import SolutionsError

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
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, tcp://HOST:PORT.")]
RendererOpt = Annotated[str | None, typer.Option("--renderer", help="auto, quarto or nbconvert [default: config].")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]

DEFAULT_PARAMS = Path("params/global.yml")
DEFAULT_OUTPUT = Path("outputs")


def _fail(problems: list[str], code: int = 2) -> None:
    for p in problems:
        typer.secho(f"error: {p}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def user_errors(fn):
    """Turn SolutionsError (bad config/input) into one line per problem and exit code 2."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SolutionsError as exc:
            _fail(exc.problems, exc.exit_code)
        except RuntimeError as exc:  # a renderer's failure (RenderError): a message, not a traceback
            if type(exc).__name__ != "RenderError":
                raise
            _fail([f"rendering failed: {exc}"], 1)

    return wrapper


@app.command()
@user_errors
def demo(
    root: Annotated[Path, typer.Option(help="Project folder receiving data/demo/ and params/.")] = Path("."),
    year: Annotated[int, typer.Option(help="Report year.")] = 2026,
    scale: Annotated[float, typer.Option(help="Survey size multiplier.")] = 1.0,
) -> None:
    """Write the deterministic demo data (fictional countries QAA-QZZ) and their configs."""
    from solutions.demo import write_demo

    paths = write_demo(root, year=year, scale=scale)
    typer.echo(f"wrote {len(paths)} demo files under {root / 'data' / 'demo'} and {root / 'params'}")


@app.command()
@user_errors
def validate(params: ParamsOpt = DEFAULT_PARAMS, country: CountryOpt = None) -> None:
    """Check every config and every input file; run nothing. Exit 2 listing every problem."""
    from solutions.config import country_path, load_all
    from solutions.errors import InputError
    from solutions.inputs import load_country_data

    gcfg, countries = load_all(params)
    problems: list[str] = []
    for iso in country or gcfg.countries:
        if iso not in countries:
            problems.append(f"{params}: countries: {iso} is not in this report's country list")
            continue
        try:
            data = load_country_data(countries[iso], country_path(params, gcfg, iso),
                                     lonely_psu=gcfg.thresholds.lonely_psu)
        except InputError as exc:
            problems.extend(f"{iso}: {p}" for p in exc.problems)
            continue
        typer.echo(f"  {iso}: ok ({len(data.households)} households"
                   + (f", {len(data.individuals)} individuals" if data.individuals is not None else "") + ")")
    if problems:
        _fail(problems)
    typer.echo("all configs and inputs are valid")


def _build_context(params: Path, output: Path):
    from solutions.pipeline.build import context

    return context(params, output)


def _report_run(report) -> None:
    n_ok = sum(o.state == "ok" for o in report.ran)
    typer.echo(f"ran {n_ok} notebook(s), skipped {len(report.skipped)} up to date, "
               f"{len(report.failed)} failed, in {report.seconds:.1f}s")
    for o in report.invalid:
        iso = o.name.removeprefix("country-")
        for p in o.problems:
            typer.secho(f"error: {iso}: {p}", fg=typer.colors.RED, err=True)


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

    ctx = _build_context(params, output)
    report = run_build(ctx, only=country, jobs=jobs, force=force, executor=executor, scheduler=scheduler,
                       progress=not quiet and sys.stderr.isatty())
    _report_run(report)
    if report.failed:
        raise typer.Exit(_exit_code(report))


@app.command()
@user_errors
def render(params: ParamsOpt = DEFAULT_PARAMS, output: OutputOpt = DEFAULT_OUTPUT, renderer: RendererOpt = None) -> None:
    """Render the executed notebooks into the report website."""
    from solutions.pipeline.build import build_lock
    from solutions.pipeline.site import render_site

    ctx = _build_context(params, output)
    with build_lock(ctx):  # never two renders (or a render and a build) on one site
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

    ctx = _build_context(params, output)
    with build_lock(ctx):  # held until the site is rendered: a second build refuses meanwhile
        report = run_build(ctx, only=country, jobs=jobs, force=force, executor=executor, scheduler=scheduler,
                           progress=not quiet and sys.stderr.isatty())
        _report_run(report)
        changed = {o.name for o in report.ran if o.state == "ok"}  # a failed notebook left its page as it was
        result = render_site(ctx, renderer, changed=changed)
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
    for r in rows:
        typer.echo(f"  {r['country']}: {r['status']}" + (f" - {r['why']}" if r["why"] else ""))


@app.command()
@user_errors
def clean(
    params: ParamsOpt = DEFAULT_PARAMS, output: OutputOpt = DEFAULT_OUTPUT,
    demo_data: Annotated[bool, typer.Option("--demo-data", help="Also delete the generated demo data.")] = False,
) -> None:
    """Delete this report year's outputs (never inputs, except generated demo data on request)."""
    from solutions.config import load_global

    gcfg = load_global(params)
    year_dir = output / str(gcfg.report_year)
    if year_dir.exists():
        shutil.rmtree(year_dir)
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
    """What changed since another edition: estimates beyond their CIs, statuses, countries, indicators."""
    from solutions.catalogue import load_catalogue
    from solutions.config import load_global
    from solutions.editions import diff_editions, diff_json, diff_lines, edition_folder, load_edition

    gcfg = load_global(params)
    this = output / str(gcfg.report_year)
    other = edition_folder(output, against)
    if other.resolve() == this.resolve():
        _fail([f"--against {against}: that is this edition ({this}); name an earlier one"])
    new, old = load_edition(this), load_edition(other)
    d = diff_editions(old, new, confidence_level=gcfg.thresholds.confidence_level, breakdowns=breakdowns)
    if as_json:
        typer.echo(json.dumps(diff_json(d), indent=2))
    else:
        typer.echo(f"{new.year} ({this}) against {old.year} ({other})")
        titles = {i.id: i.short_title for i in load_catalogue().indicators}
        for line in diff_lines(d, titles=titles):
            typer.echo(line)
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


def main() -> None:  # pragma: no cover - console entry point
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
