"""Issue 14 item 6: the global notebook's peak memory over the number of country-editions it can read.

One demo build (4 countries, real results tables) seeds every project: a project of C countries x Y report
years is its results folders copied under new codes (QBA, QBB, ...) and years (2026 back to 2026 - Y + 1),
with the ``country`` and ``year`` columns rewritten, so the global notebook of the last year reads C current
countries and (Y - 1) x C earlier editions (its trends and "what changed"). Each point runs the global notebook
on a warm kernel in a fresh process (bench.notebook_profile global) and records the kernel's peak resident
memory (Linux VmHWM); with repetitions, the minimum (the machine is shared; memory varies with GC timing).

Usage: python -m bench global_memory  (writes outputs/bench/global_memory.json)
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench import BIN, PYTHON, ROOT, analysis, gib, log, quick, run, write_json
from bench.pipeline import iso_code

YEAR = 2026
TARGET_GIB = 0.5  # at 200 country-editions
#: (countries, report years) per point: country-editions = countries x years
FULL_POINTS = [(5, 1), (20, 1), (20, 2), (20, 5), (20, 10), (40, 5)]
QUICK_POINTS = [(2, 1), (4, 1), (4, 3)]


def seed_build(root: Path) -> list[str]:
    """The demo data, configs and one build of its results tables (nbconvert, no site checks needed)."""
    from solutions.demo import write_demo

    write_demo(root)
    r = run([str(BIN / "solutions"), "build", "--params", "params/global.yml", "--output", "outputs", "--jobs", "2",
             "--quiet", "--renderer", "nbconvert"], cwd=root, check=False)
    built = sorted(p.parent.name for p in (root / "outputs" / str(YEAR) / "results").glob("*/meta.json"))
    if not built:
        raise RuntimeError(f"seed build produced no results: {r.stderr[-2000:]}")
    return built


def _copy_results(src: Path, dst: Path, iso: str, year: int, name: str) -> None:
    """A country's results as another country and year: the Parquet tables the pages read (the CSV downloads
    are not read back) and meta.json."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from solutions.results import SCHEMAS

    dst.mkdir(parents=True, exist_ok=True)
    for table in SCHEMAS:
        path = src / f"{table}.parquet"
        if path.exists():
            t = pq.read_table(path)
            for col, value in (("country", iso), ("year", year)):
                i = t.schema.get_field_index(col)
                t = t.set_column(i, col, pa.array([value] * len(t), type=t.schema.field(col).type))
            pq.write_table(t, dst / f"{table}.parquet", compression="zstd")
    meta = json.loads((src / "meta.json").read_text())
    meta.update(iso3=iso, name=name)
    (dst / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True))


def make_project(seed: Path, demo: list[str], root: Path, countries: int, years: int) -> dict[str, Any]:
    """A project whose global notebook reads ``countries`` x ``years`` country-editions (see module doc)."""
    t = time.perf_counter()
    gcfg = yaml.safe_load((seed / "params" / "global.yml").read_text())
    manifest = json.loads((seed / "outputs" / str(YEAR) / "manifest.json").read_text())
    isos = [iso_code(i) for i in range(countries)]
    (root / "params" / "countries").mkdir(parents=True, exist_ok=True)
    entries = {}
    for i, iso in enumerate(isos):
        src = demo[i % len(demo)]
        cfg = yaml.safe_load((seed / "params" / "countries" / f"{src}.yml").read_text())
        cfg["iso3"], cfg["name"] = iso, f"{cfg['name']} ({iso})"
        for spec in cfg["data"].values():  # the seed's data, so the config stays valid
            spec["path"] = str((seed / "params" / "countries" / spec["path"]).resolve())
        (root / "params" / "countries" / f"{iso}.yml").write_text(yaml.safe_dump(cfg, sort_keys=False,
                                                                                  allow_unicode=True))
        for y in range(YEAR - years + 1, YEAR + 1):
            _copy_results(seed / "outputs" / str(YEAR) / "results" / src,
                          root / "outputs" / str(y) / "results" / iso, iso, y, cfg["name"])
        entries[iso] = {**manifest["countries"][src], "artefacts": {}}
    gcfg["countries"] = isos
    (root / "params" / "global.yml").write_text(yaml.safe_dump(gcfg, sort_keys=False, allow_unicode=True))
    manifest["countries"] = entries
    (root / "outputs" / str(YEAR) / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return {"setup_seconds": round(time.perf_counter() - t, 3),
            "results_bytes": sum(p.stat().st_size for p in (root / "outputs").rglob("*.parquet"))}


def measure(root: Path) -> dict[str, Any]:
    """The global notebook on a warm kernel in a fresh process: its wall time and the kernel's peak RSS."""
    out = root / "nbprofile"
    out.mkdir(exist_ok=True)
    target = out / "global.json"
    r = run([PYTHON, "-m", "bench.notebook_profile", "global", "--global-config",
             str(root / "params" / "global.yml"), "--output", str(root / "outputs"), "--out", str(target)],
            cwd=ROOT, check=False)
    if r.returncode != 0 or not target.exists():
        return {"error": (r.stderr[-3000:] or r.stdout[-1000:])}
    g = json.loads(target.read_text())
    if g.get("state") != "ok":
        return {"error": g.get("error", "global notebook failed")}
    return {"seconds": g["wall_seconds"], "peak_rss_bytes": g["kernel_peak_rss_bytes"],
            "rss_before_bytes": g["kernel_rss_before_bytes"]}


def main() -> dict[str, Any]:
    points = QUICK_POINTS if quick() else FULL_POINTS
    if os.environ.get("BENCH_GLOBAL_POINTS"):  # e.g. "20x10,40x5"
        points = [tuple(int(v) for v in p.split("x")) for p in os.environ["BENCH_GLOBAL_POINTS"].split(",")]
    reps = int(os.environ.get("BENCH_REPEAT", 1 if quick() else 2))
    tmp = Path(tempfile.mkdtemp(prefix="sos-bench-global-"))
    res: dict[str, Any] = {"issue": 14, "item": 6, "target_gib_at_200_editions": TARGET_GIB, "repetitions": reps,
                           "method": "global notebook on a warm kernel (bench.notebook_profile global) in a fresh "
                                     "process per repetition; kernel peak RSS (VmHWM), minimum over repetitions; "
                                     "country-editions = countries x report years (earlier years read by trends)",
                           "points": []}
    try:
        log("global_memory: seed build of the demo")
        seed = tmp / "seed"
        demo = seed_build(seed)
        for countries, years in points:
            root = tmp / f"p{countries}x{years}"
            point: dict[str, Any] = {"countries": countries, "years": years, "editions": countries * years,
                                     **make_project(seed, demo, root, countries, years)}
            runs = [measure(root) for _ in range(reps)]
            ok = [m for m in runs if "error" not in m]
            if ok:
                point["peak_rss_gib"] = gib(min(m["peak_rss_bytes"] for m in ok))
                point["rss_before_notebook_gib"] = gib(min(m["rss_before_bytes"] for m in ok))
                point["seconds_min"] = round(min(m["seconds"] for m in ok), 3)
            else:
                point["error"] = runs[0]["error"]
            log(f"global_memory: {countries} x {years} = {countries * years} editions: "
                f"{point.get('peak_rss_gib')} GiB, {point.get('seconds_min')} s")
            res["points"].append(point)
            shutil.rmtree(root, ignore_errors=True)
            write_json("global_memory.json", {**res, "status": "partial"})
        fit = analysis.linear_fit([(p["editions"], p["peak_rss_gib"]) for p in res["points"] if "peak_rss_gib" in p])
        fit["model"] = "peak GiB = intercept + slope * country-editions"
        res["fit_peak_gib_vs_editions"] = fit
        at = [p for p in res["points"] if p["editions"] == 200 and "peak_rss_gib" in p]
        measured = max((p["peak_rss_gib"] for p in at), default=None)
        res["target"] = analysis.target("global notebook peak memory at 200 country-editions", measured,
                                        TARGET_GIB, "<", " GiB")
        res["summary"] = {"peak_gib_at_200_editions": measured, "met": res["target"]["met"],
                          "slope_mib_per_edition": round(fit["slope"] * 1024, 2) if fit.get("slope") is not None
                          else None}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_json("global_memory.json", {**res, "status": "complete" if "summary" in res else "failed"})
    return res
