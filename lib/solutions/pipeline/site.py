"""From the manifest to the rendered site: which pages exist, which failed, which changed, which are kept
from an earlier build. Only public reasons reach the site ("invalid input (3 problems)"), never the
details the manifest keeps for `status` (paths, values, exception text)."""

from __future__ import annotations

from solutions.pipeline import manifest
from solutions.pipeline.build import PUBLIC_REASONS, Context
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
    notes: dict[str, str] = {}
    for iso in ctx.gcfg.countries:
        entry = state["countries"].get(iso, {})
        st = entry.get("state", "missing")
        reason = public_reason(entry) if st == "failed" else ("" if st == "ok" else "not built yet")
        countries.append((iso, ctx.countries[iso].name, st if st in ("ok", "failed") else "missing", reason))
        if st == "ok" and entry.get("stale"):
            notes[f"country-{iso}"] = f"not updated: {public_reason(entry['stale'])}"
    for name, entry in state["pages"].items():
        if entry.get("state") == "ok" and entry.get("stale"):
            notes[name] = f"not updated: {public_reason(entry['stale'])}"
    publish_edition(ctx.year_dir, ctx.gcfg, ctx.countries, {c[0]: c[2] for c in countries}, state)
    footer = f"Built by State of Solutions {code_version()} on the data and parameters in the manifest."
    spec = build_site_spec(ctx.year_dir, ctx.gcfg.report_year, ctx.gcfg.title, countries,
                           demo=ctx.gcfg.demo, footer=footer, changed=changed, notes=notes, download_globs=DOWNLOADS)
    result = get_renderer(renderer or ctx.gcfg.renderer).render(spec)
    # both renderers check their staged site before swapping it in; another renderer is checked here
    broken = result.broken_links if result.broken_links is not None else check_links(spec.out_dir)
    if broken:
        raise RenderError("broken links in the rendered site: " + "; ".join(broken[:10]))
    state["site"] = {"renderer": result.renderer, "seconds": round(result.seconds, 3),
                     "pages": sorted(p.name for p in result.pages)}
    manifest.save(ctx.year_dir, state)
    return result


def public_reason(entry: dict) -> str:
    """A failure as a page may show it: derived from the counts and kinds the manifest records, never from
    its free text (an entry written by an older version holds paths and values in `error`)."""
    problems = entry.get("problems") or (entry.get("rejected") or {}).get("problems") or []
    if problems:
        n = len(problems)
        return f"invalid input ({n} problem{'s' if n > 1 else ''})"
    if "detail" in entry and entry.get("error") in PUBLIC_REASONS:
        return str(entry["error"])
    return "the build failed"
