"""The print edition of a built report: the site's pages, as the manifest records them, typeset as one PDF
(``solutions render --format pdf``, ``make pdf``; ``solutions.render.pdf`` does the typesetting)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solutions.pipeline import manifest
from solutions.pipeline.build import Context
from solutions.pipeline.site import published_pages
from solutions.provenance import code_version

if TYPE_CHECKING:
    from solutions.render.pdf import PrintResult


def print_edition(ctx: Context, *, force: bool = False, quarto: str | None = None) -> PrintResult:
    """Render ``outputs/<year>/print/state-of-solutions-<year>.pdf`` from the executed notebooks of the
    build (skipped when nothing it is made from changed, unless ``force``); returns the ``PrintResult``.
    A page that failed, or is kept from an earlier build, is treated as on the site (left out and named, or
    marked "not updated")."""
    from solutions.render import build_site_spec
    from solutions.render.pdf import render_pdf

    state = manifest.load(ctx.year_dir)
    countries, notes = published_pages(ctx, state)
    footer = f"Built by State of Solutions {code_version()} on the data and parameters in the manifest."
    spec = build_site_spec(ctx.year_dir, ctx.gcfg.report_year, ctx.gcfg.title, countries, demo=ctx.gcfg.demo,
                           footer=footer, notes=notes)
    return render_pdf(spec, force=force, quarto=quarto)
