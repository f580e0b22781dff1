"""Where a country notebook's time goes, end to end, as the build runs it (a worker process of the bench).

`country`: one kernel start (start-up, preloads, snapshot), the notebook on papermill's own kernel (a kernel
per notebook, what hand-written loops and the old build paid), then twice on one warm kernel (the first
pays the imports, the second is what every further country of a worker costs: once with the page's chart store
emptied before each run, so every chart is drawn as in a cold build, once with the store its previous run
filled, as a page re-run whose charts did not change), each split into papermill's
per-cell durations, the kernel wipe and papermill's own work (read, parameterize, write); then the
page render of the executed notebook as the nbconvert site does it (solutions.render's SiteHTMLExporter; the
stock nbconvert HTML export is timed beside it).
`global`: the global notebook on a warm kernel and the kernel's peak resident memory (Linux VmHWM), which
must depend on the number of countries, not on the survey size (it reads results tables only).

Usage: python -m bench.notebook_profile {country|global} --global-config G [--country C] --output O --out FILE
       [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

from bench import ROOT

NOTEBOOKS = ROOT / "notebooks"


def vm_hwm_bytes(pid: int) -> int | None:
    """Peak resident set size of a live process (Linux /proc/<pid>/status VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def empty_chart_stores(output: Path) -> None:
    """Delete every page's drawn charts under ``output`` (``outputs/<year>/.chart-cache``): the next run draws."""
    from solutions.report.chart_store import FOLDER

    for folder in Path(output).glob(f"*/{FOLDER}"):
        shutil.rmtree(folder)


def cells(path: Path) -> dict[str, Any]:
    """papermill's per-cell durations of an executed notebook, with each code cell's first source line."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    rows = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        first = next((ln for ln in c.source.splitlines() if ln.strip() and not ln.startswith(("#", "from ", "import "))),
                     c.source.splitlines()[0] if c.source else "")
        rows.append({"cell": first[:60], "seconds": round(c.metadata.get("papermill", {}).get("duration") or 0.0, 3),
                     "computes": "prepare_country(" in c.source or "load_all_results(" in c.source})
    return {"cells": rows, "cells_seconds": round(sum(r["seconds"] for r in rows), 3),
            "papermill_duration": round(nb.metadata.get("papermill", {}).get("duration") or 0.0, 3)}


def _job(name: str, notebook: str, out: Path, params: dict[str, str]):
    from solutions.pipeline.execute import Job

    return Job(name=name, notebook=NOTEBOOKS / notebook, output=out / "nb" / f"{name}.ipynb", parameters=params,
               log=out / "logs" / f"{name}.log", cwd=NOTEBOOKS)


def _run(job, kernel=None) -> dict[str, Any]:
    from solutions.pipeline.execute import run_job

    t = time.perf_counter()
    o = run_job(job, kernel) if kernel is not None else run_job(job)
    res = {"wall_seconds": round(time.perf_counter() - t, 3), "state": o.state, "error": o.error}
    if o.state == "ok":
        res.update(cells(job.output))
        res["outside_cells_seconds"] = round(res["wall_seconds"] - res["cells_seconds"], 3)
    return res


def profile_country(a: argparse.Namespace) -> dict[str, Any]:
    from nbconvert import HTMLExporter

    from solutions.pipeline.kernels import WarmKernel

    out = Path(a.output)
    params = {"global_config": a.global_config, "country_config": a.country, "output_root": str(out)}
    res: dict[str, Any] = {}
    empty_chart_stores(out)  # the outputs of a build hold its drawn charts: this run draws them, as that build did
    res["fresh_kernel"] = _run(_job("fresh", "country.ipynb", out, params))
    kernel = WarmKernel()
    try:
        t = time.perf_counter()
        kernel.prepare(NOTEBOOKS)  # start, preload, snapshot, first wipe
        res["kernel_start_seconds"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        kernel.prepare(NOTEBOOKS)
        res["kernel_wipe_seconds"] = round(time.perf_counter() - t, 3)
        empty_chart_stores(out)
        res["warm_first"] = _run(_job("warm1", "country.ipynb", out, params), kernel)
        # later countries of a worker: the fastest of `repeat` runs (the machine is shared); charts drawn (the
        # page's chart store emptied first), then charts from the store the run before filled
        nexts = []
        for _ in range(max(1, a.repeat)):
            empty_chart_stores(out)
            nexts.append(_run(_job("warm2", "country.ipynb", out, params), kernel))
        res["warm_next"] = min(nexts, key=lambda r: r["wall_seconds"])
        res["warm_next_walls_seconds"] = [r["wall_seconds"] for r in nexts]
        stored = [_run(_job("warm2", "country.ipynb", out, params), kernel) for _ in range(max(1, a.repeat))]
        res["warm_next_stored"] = min(stored, key=lambda r: r["wall_seconds"])
        res["warm_next_stored_walls_seconds"] = [r["wall_seconds"] for r in stored]
        res["kernel_peak_rss_bytes"] = vm_hwm_bytes(kernel.km.provisioner.pid) if kernel.km else None
    finally:
        kernel.close()
    nb = out / "nb" / "warm2.ipynb"
    if nb.exists():
        import nbformat

        from solutions.render.clean import read_clean
        from solutions.render.nbconvert_site import SiteHTMLExporter

        # the page render of an nbconvert site: the cleaned notebook through the site's exporter (what
        # NbconvertRenderer does per changed page); nbconvert's stock HTML export beside it, for reference
        site, stock = SiteHTMLExporter(), HTMLExporter()
        node = nbformat.read(nb, as_version=4)
        times: dict[str, list[float]] = {"site": [], "stock": []}
        for _ in range(max(1, a.repeat)):
            t = time.perf_counter()
            site.render_body(read_clean(nb))
            times["site"].append(time.perf_counter() - t)
            t = time.perf_counter()
            stock.from_notebook_node(node)
            times["stock"].append(time.perf_counter() - t)
        res["nbconvert_html_seconds"] = round(min(times["site"]), 3)
        res["nbconvert_stock_html_seconds"] = round(min(times["stock"]), 3)
    return res


def profile_global(a: argparse.Namespace) -> dict[str, Any]:
    from solutions.pipeline.kernels import WarmKernel

    out = Path(a.output)
    kernel = WarmKernel()
    try:
        kernel.prepare(NOTEBOOKS)
        pid = kernel.km.provisioner.pid  # type: ignore[union-attr]
        before = vm_hwm_bytes(pid)
        job = _job("global", "global.ipynb", out / "bench-global", {"global_config": a.global_config,
                                                                    "output_root": str(out)})
        res = _run(job, kernel)
        res["kernel_peak_rss_bytes"] = vm_hwm_bytes(pid)
        res["kernel_rss_before_bytes"] = before
    finally:
        kernel.close()
    return res


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.notebook_profile")
    p.add_argument("what", choices=["country", "global"])
    p.add_argument("--global-config", required=True)
    p.add_argument("--country")
    p.add_argument("--output", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--repeat", type=int, default=1, help="warm-kernel runs and exports; the fastest is kept")
    a = p.parse_args(argv)
    res = profile_country(a) if a.what == "country" else profile_global(a)
    Path(a.out).write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
