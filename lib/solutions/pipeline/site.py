"""From the manifest to the rendered site: which pages exist, which failed, which changed, which are kept
from an earlier build. Only public reasons reach the site ("invalid input (3 problems)"), never the
details the manifest keeps for `status` (paths, values, exception text)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from solutions.config import config_sha256, file_sha256
from solutions.pipeline import manifest
from solutions.pipeline.build import PUBLIC_REASONS, Context
from solutions.pipeline.code import library_sha256
from solutions.provenance import code_version

if TYPE_CHECKING:  # the renderers are imported when a site is rendered
    from solutions.render.base import RenderResult

#: What the site publishes from ``outputs/<year>``: every CSV under results/ (results tables, reference tables,
#: the data behind figures), the data package, the public build manifest and the citation.
DOWNLOADS = ("results/**/*.csv", "results/*/*.xlsx", "results/*.json", "results/*.cff")


def render_site(ctx: Context, renderer: str | None = None, *, changed: set[str] | None = None) -> RenderResult:
    """Publish the edition and render `outputs/<year>/site` with the configured (or given) renderer.

    `changed`: the pages whose notebooks ran (None: render everything). When nothing ran and nothing the
    site is made from changed since the last render (the manifest, configs, code, renderer) and every file
    that render wrote is intact, nothing is redone: the result says `up_to_date`.
    """
    from solutions.publish import publish_edition
    from solutions.render import build_site_spec, check_links, get_renderer, resolve_renderer
    from solutions.render.base import RenderError, RenderResult

    state = manifest.load(ctx.year_dir)
    countries, notes = published_pages(ctx, state)
    name = resolve_renderer(renderer or ctx.gcfg.renderer)
    key = _site_key(ctx, name, countries, notes, state)
    previous = state.get("site") or {}
    if changed is not None and not changed and previous.get("digest") == key and _intact(previous, ctx.year_dir):
        out = ctx.year_dir / "site"
        return RenderResult(out / "index.html", [out / p for p in previous.get("pages", [])],
                            previous.get("renderer", name), 0.0, up_to_date=True)
    published = publish_edition(ctx.year_dir, ctx.gcfg, ctx.countries, {c[0]: c[2] for c in countries}, state)
    footer = f"Built by State of Solutions {code_version()} on the data and parameters in the manifest."
    spec = build_site_spec(ctx.year_dir, ctx.gcfg.report_year, ctx.gcfg.title, countries,
                           demo=ctx.gcfg.demo, footer=footer, changed=changed, notes=notes, download_globs=DOWNLOADS)
    result = get_renderer(name).render(spec)
    # both renderers check their staged site before swapping it in; another renderer is checked here
    broken = result.broken_links if result.broken_links is not None else check_links(spec.out_dir)
    if broken:
        raise RenderError("broken links in the rendered site: " + "; ".join(broken[:10]))
    written = manifest.artefacts(spec.out_dir, ctx.year_dir)
    written.update({p.as_posix(): file_sha256(ctx.year_dir / p) for p in published})
    state["site"] = {"renderer": result.renderer, "seconds": round(result.seconds, 3),
                     "pages": sorted(p.name for p in result.pages), "digest": key, "artefacts": written}
    manifest.save(ctx.year_dir, state)
    return result


def _site_key(ctx: Context, renderer: str, countries: list, notes: dict[str, str], state: dict[str, Any]) -> str:
    """sha256 of everything the published files and the site are made from: the manifest's record of every
    notebook and its outputs, the configs, the renderer and the code (its version, the library's source as
    the build's plan hashes it, and the renderers' templates and stylesheets, so an edit counts even in an
    uncommitted checkout)."""
    from solutions.render.base import ASSETS

    made_from = {
        "renderer": renderer, "code": code_version(), "library": library_sha256(),
        "assets": manifest.artefacts(ASSETS, ASSETS),
        "global": config_sha256(ctx.gcfg), "configs": {iso: config_sha256(c) for iso, c in sorted(ctx.countries.items())},
        "countries": countries, "notes": notes,
        "manifest": {k: state.get(k) for k in ("countries", "pages", "year", "title", "demo")},
    }
    return hashlib.sha256(json.dumps(made_from, sort_keys=True, default=str).encode()).hexdigest()


def _intact(previous: dict[str, Any], year_dir: Path) -> bool:
    """Every file the last render and publication wrote is still there with the same content, and no other
    file has appeared in the site."""
    recorded = previous.get("artefacts")
    if not isinstance(recorded, dict) or not recorded:
        return False
    site = year_dir / "site"
    present = {p.relative_to(year_dir).as_posix() for p in site.rglob("*") if p.is_file()} if site.is_dir() else set()
    if present - set(recorded):
        return False
    return not manifest.damaged_artefacts({"artefacts": recorded}, year_dir)


def published_pages(ctx: Context, state: dict[str, Any]) -> tuple[list[tuple[str, str, str, str]], dict[str, str]]:
    """What the manifest says the edition holds, as a site or its print edition shows it: each country as
    (iso3, name, ok | failed | missing, public reason), and the "not updated" note of each page kept from an
    earlier build."""
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
    return countries, notes


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
