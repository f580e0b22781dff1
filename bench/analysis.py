"""Turn measured figures into the issue's ratios: overhead split, linear fit of growth, targets met or missed.

Pure functions over the JSON the benchmarks write, so they are unit-tested without running anything.
"""

from __future__ import annotations

import math
from typing import Any

OVERHEAD_TARGET_SECONDS = 1.0  # issue 24: per-country overhead <= 1.0 s on both renderers
COLD_SPEEDUP_MIN = 5.0  # issue 24: the cold build >= 5x faster than the sequential papermill + nbconvert loop
PRESENTATION_OVER_COLD_MAX = 0.10  # issue 24: a presentation-only change rebuilds in <= 10 % of a cold build
WARM_OVER_COLD_MAX = 0.05
# Linear growth: the marginal cost per country of the last segment (20 -> 80) over the first (5 -> 20); with
# three points R² alone cannot tell (n² over 5, 20, 80 still has R² 0.98).
SEGMENT_SLOPE_RATIO_MAX = 1.25
GLOBAL_MEMORY_RATIO_MAX = 1.10  # global notebook peak at the large survey / at the small one, same countries


def linear_fit(points: list[tuple[float, float]]) -> dict[str, Any]:
    """Least squares y = a + b·x with R² and residuals; None figures when fewer than 2 distinct x."""
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    n = len(xs)
    if n < 2 or len(set(xs)) < 2:
        return {"points": n, "intercept": None, "slope": None, "r2": None}
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys)
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    pts = sorted(zip(xs, ys, strict=True))
    segments = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False) if x1 > x0]
    ratio = segments[-1] / segments[0] if len(segments) >= 2 and segments[0] > 0 else None
    return {"points": n, "intercept": round(a, 3), "slope": round(b, 4), "r2": round(r2, 5),
            "residuals": [round(y - (a + b * x), 3) for x, y in zip(xs, ys, strict=True)],
            "segment_slopes": [round(v, 4) for v in segments],
            "last_over_first_segment_slope": None if ratio is None else round(ratio, 3)}


def overhead(nb: dict[str, Any], workers: int, countries: int, *, stored: bool = False,
             renderer: str = "nbconvert") -> dict[str, Any]:
    """Per-country cost beyond the indicator computation, as a build with warm kernels pays it; with every
    chart drawn (a cold build's page), or with ``stored`` the charts from the page's chart store (a page re-run
    whose charts did not change: a page-text edit).

    The compute is a notebook cell that computes (the old country notebook's prepare_country: read, validate,
    compute, write); the country notebook now only reads the results the compute step wrote
    (load_country_results), so all of it counts as overhead. Everything else of the warm notebook is overhead:
    chapter cells (charts and tables), the kernel wipe and papermill's own work, plus the page render
    (``nbconvert_html_seconds``: nbconvert's page export, or for ``renderer="Quarto"`` Quarto's site render per
    page) and each worker's one kernel start spread over its countries.
    """
    warm, fresh = nb["warm_next_stored" if stored else "warm_next"], nb["fresh_kernel"]
    compute = _compute_cell(warm)
    chapter = round(warm["cells_seconds"] - compute, 3)
    render = nb.get("nbconvert_html_seconds") or 0.0
    start_share = nb["kernel_start_seconds"] * min(workers, countries) / max(countries, 1)
    parts = {
        "chapter cells (charts, tables)": chapter,
        "kernel wipe + papermill (read, parameterize, write)": round(warm["outside_cells_seconds"], 3),
        ("page render (nbconvert site page export)" if renderer == "nbconvert"
         else f"page render ({renderer} site render, per page)"): round(render, 3),
        "kernel start, spread over a worker's countries": round(start_share, 3),
    }
    total = round(sum(parts.values()), 3)
    fresh_total = round(fresh["wall_seconds"] - _compute_cell(fresh) + render, 3)
    return {
        "overhead_seconds": total, "parts_seconds": parts, "compute_seconds": round(compute, 3),
        "overhead_excluding_chapter_seconds": round(total - chapter, 3),
        "kernel_per_notebook_overhead_seconds": fresh_total,
        "imports_in_first_notebook_seconds": round(_compute_cell(nb["warm_first"]) - compute, 3),
        "charts": "from the page's chart store" if stored else "drawn (the page's chart store emptied first)",
        "target_seconds": OVERHEAD_TARGET_SECONDS, "met": total <= OVERHEAD_TARGET_SECONDS,
        "note": (f"warm-kernel notebook wall - prepare_country cell + {renderer} page render + kernel start share; "
                 "kernel_per_notebook_overhead_seconds is the same without kernel reuse (papermill's default)"),
    }


def quarto_overhead(nb: dict[str, Any], workers: int, countries: int, quarto_site: dict[str, Any], *,
                    stored: bool = False) -> dict[str, Any]:
    """:func:`overhead` on the Quarto site: Quarto's site render per page (``quarto_site``, from
    ``bench.pipeline.quarto_site_render``) in place of nbconvert's page export; not measured without it."""
    page = quarto_site.get("per_page_seconds")
    if page is None:
        return {"error": quarto_site.get("error") or "Quarto's site render wrote no page", "overhead_seconds": None}
    return overhead({**nb, "nbconvert_html_seconds": page}, workers, countries, stored=stored, renderer="Quarto")


def _compute_cell(run: dict[str, Any]) -> float:
    cells = run.get("cells", [])
    hit = [c["seconds"] for c in cells if c.get("computes")]
    return float(hit[0]) if hit else 0.0


def target(name: str, measured: float | None, limit: float, op: str, unit: str = "") -> dict[str, Any]:
    """One target: measured vs limit with `op` ("<", "<=", ">=")."""
    ok = None if measured is None or (isinstance(measured, float) and math.isnan(measured)) else {
        "<": measured < limit, "<=": measured <= limit, ">=": measured >= limit}[op]
    return {"target": name, "measured": None if measured is None else round(measured, 4), "limit": f"{op} {limit}{unit}",
            "met": ok, "status": "not measured" if ok is None else ("met" if ok else "missed")}
