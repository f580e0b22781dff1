"""From the manifest to the rendered site: which pages exist, which failed, which changed."""

from __future__ import annotations

from solutions.pipeline import manifest
from solutions.pipeline.build import Context
from solutions.provenance import code_version

#: What the site publishes from ``outputs/<year>``: every CSV under results/ (results tables, reference tables,
#: the data behind figures), the data package, the public build manifest and the citation.
DOWNLOADS = ("results/**/*.csv", "results/*/*.xlsx", "results/*.json", "results/*.cff")


def render_site(ctx: Context, renderer: str | None = None, changed: set[str] | None = None):
    """Render `outputs/<year>/site` with the configured (or given) renderer; returns its RenderResult."""
    from solutions.publish import publish_edition
    from solutions.render import build_site_spec, check_links, get_renderer
    from solutions.render.base import RenderError

    state = manifest.load(ctx.year_dir)
    countries = []
    for iso in ctx.gcfg.countries:
        entry = state["countries"].get(iso, {})
        st = entry.get("state", "missing")
        reason = entry.get("error", "") if st == "failed" else ("" if st == "ok" else "not built yet")
        countries.append((iso, ctx.countries[iso].name, st if st in ("ok", "failed") else "missing", reason))
    publish_edition(ctx.year_dir, ctx.gcfg, ctx.countries, {c[0]: c[2] for c in countries}, state)
    footer = f"Built by State of Solutions {code_version()} on the data and parameters in the manifest."
    spec = build_site_spec(ctx.year_dir, ctx.gcfg.report_year, ctx.gcfg.title, countries,
                           demo=ctx.gcfg.demo, footer=footer, changed=changed, download_globs=DOWNLOADS)
    result = get_renderer(renderer or ctx.gcfg.renderer).render(spec)
    # the nbconvert renderer checked its staged site already; parsing every page again costs seconds
    broken = result.broken_links if result.broken_links is not None else check_links(spec.out_dir)
    if broken:
        raise RenderError("broken links in the rendered site: " + "; ".join(broken[:10]))
    state["site"] = {"renderer": result.renderer, "seconds": round(result.seconds, 3),
                     "pages": sorted(p.name for p in result.pages)}
    manifest.save(ctx.year_dir, state)
    return result
