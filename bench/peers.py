"""Issue 14: the survey engine against its peers on the same data, and against the numpy minimum.

One synthetic survey per size (100 strata x 10 PSUs, 4 groups, no missing values), and four ways to get
design + estimate by group with Taylor SEs, for means, proportions, ratios and totals:

* `engine`: `Design.from_frame(...)` then `design.mean("y", by="group")` etc. (the tidy API: labels,
  CIs, df, deff, n included);
* `numpy minimum`: given integer codes, two `np.bincount` passes over the PSU x domain cells, then the
  stratum variance (estimate and SE only; no design checks, labels, df, deff or CIs);
* `svy` (PyPI, Rust core) in its own venv under outputs/bench/ (never the project's .venv);
* R's `survey` (`svydesign` once + `svyby`), run once per size: at 10M rows it takes minutes.

Python rows are the best of several runs in a fresh process (the machine may be shared); every tool
reads the same Parquet/CSV written once. Estimates and SEs of all four are compared (R as reference).

Environment: BENCH_PEERS_SIZES (e.g. "1000000"), BENCH_PEERS_RUNS (default 5, 3 when quick),
BENCH_SKIP_R, BENCH_SKIP_SVY. Usage (worker): python -m bench.peers worker --data FILE --out FILE --runs N
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench import PYTHON, ROOT, gib, log, out_dir, quick, run

KINDS = ("mean", "proportion", "ratio", "total")
STRATA, PSUS_PER_STRATUM, GROUPS = 100, 10, ("comparison", "idp", "relocated", "returnee")
SVY_VERSION = "0.35.0"
R_SCRIPT = Path(__file__).with_name("peers.R")
SVY_SCRIPT = Path(__file__).with_name("peers_svy.py")


# ---------------------------------------------------------------------- data ----
def peer_frame(n: int, seed: int = 14) -> pd.DataFrame:
    """n records in 100 strata x 10 PSUs (ids unique across strata), 4 groups, PSU effects, no NaN."""
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, STRATA, n)
    psu = stratum * PSUS_PER_STRATUM + rng.integers(0, PSUS_PER_STRATUM, n)
    effect = rng.normal(0, 1, STRATA * PSUS_PER_STRATUM)[psu]
    group = rng.integers(0, len(GROUPS), n)
    return pd.DataFrame({
        "stratum": stratum, "psu": psu, "w": rng.uniform(20, 200, n),
        "group": pd.Categorical.from_codes(group, categories=list(GROUPS)),
        "y": 40 + 5 * effect + 2 * group + rng.normal(0, 10, n),
        "p": (rng.random(n) < 0.25 + 0.05 * (effect > 0) + 0.05 * group).astype(np.float64),
        "x": rng.uniform(1, 6, n),
    })


def write_data(df: pd.DataFrame, folder: Path) -> dict[str, Path]:
    """The same records as Parquet (Python tools) and CSV (R)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, folder / "peers.parquet")
    k = table.schema.get_field_index("group")
    pcsv.write_csv(table.set_column(k, "group", pc.cast(table.column(k), pa.string())), folder / "peers.csv")
    return {"parquet": folder / "peers.parquet", "csv": folder / "peers.csv"}


# ------------------------------------------------------------ numpy minimum ----
def numpy_minimum(kind: str, psu: np.ndarray, psu_stratum: np.ndarray, dom: np.ndarray, w: np.ndarray,
                  y: np.ndarray, x: np.ndarray | None, n_domains: int) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and SEs by domain from integer codes: two bincount passes, then the stratum variance.

    The floor any engine pays for these numbers: no checks, no labels, no df/deff/CI, no lonely PSUs.
    """
    D, P, H = n_domains, psu_stratum.shape[0], int(psu_stratum.max()) + 1
    cell = psu * D + dom
    wy = w * y
    Y = np.bincount(dom, wy, D)
    if kind == "total":
        est, z = Y, np.bincount(cell, wy, P * D).reshape(P, D)
    else:
        wx = w if x is None else w * x
        X = np.bincount(dom, wx, D)
        est = Y / X
        resid = wy - est[dom] * wx
        z = np.bincount(cell, resid, P * D).reshape(P, D) / X
    n_h = np.bincount(psu_stratum, minlength=H).astype(np.float64)
    var = np.empty(D)
    for d in range(D):
        mean = np.bincount(psu_stratum, z[:, d], H) / n_h
        dev = z[:, d] - mean[psu_stratum]
        var[d] = (n_h / (n_h - 1) * np.bincount(psu_stratum, dev * dev, H)).sum()
    return est, np.sqrt(var)


# ------------------------------------------------------------------ workers ----
def _best(fn, runs: int) -> tuple[float, Any]:
    """Best of `runs` timed calls after one untimed warm-up (imports, the allocator's first mmaps)."""
    out = fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def _worker(args: argparse.Namespace) -> dict[str, Any]:
    """Engine and numpy minimum on one size, in this (fresh) process."""
    from solutions.survey import Design

    df = pd.read_parquet(args.data)
    runs = max(1, args.runs)

    def engine(kind: str) -> pd.DataFrame:
        design = Design.from_frame(df, weight="w", strata="stratum", psu="psu", nest=True)
        if kind == "ratio":
            return design.ratio("y", "x", by="group", level=0.95)
        return getattr(design, kind)("p" if kind == "proportion" else "y", by="group", level=0.95)

    # integer codes for the minimum, made outside its timing (it is handed them)
    psu = df["psu"].to_numpy()
    psu_stratum = np.arange(STRATA * PSUS_PER_STRATUM) // PSUS_PER_STRATUM
    dom = df["group"].cat.codes.to_numpy().astype(np.intp)
    w, x = df["w"].to_numpy(), df["x"].to_numpy()
    out: dict[str, Any] = {"rows": [], "seconds": {}}
    for kind in KINDS:
        s_engine, table = _best(lambda kind=kind: engine(kind), runs)
        y = df["p" if kind == "proportion" else "y"].to_numpy()
        s_min, (est, se) = _best(lambda kind=kind, y=y: numpy_minimum(
            kind, psu, psu_stratum, dom, w, y, x if kind == "ratio" else None, len(GROUPS)), runs)
        out["seconds"][kind] = {"engine": s_engine, "numpy_minimum": s_min}
        for g, e, s in zip(table["group"].astype(str), table["estimate"], table["se"], strict=True):
            out["rows"].append({"tool": "engine", "kind": kind, "group": g, "estimate": e, "se": s})
        for d, g in enumerate(GROUPS):
            out["rows"].append({"tool": "numpy_minimum", "kind": kind, "group": g, "estimate": est[d], "se": se[d]})
    return out


def worker_main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.peers")
    p.add_argument("what", choices=["worker"])
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args(argv)
    Path(a.out).write_text(json.dumps(_worker(a), default=float))


# --------------------------------------------------------------------- peers ----
def svy_python() -> Path | None:
    """A venv with svy from PyPI, created once under outputs/bench/ (None, and logged, if pip fails)."""
    venv = out_dir() / "svy-venv"
    py = venv / "bin" / "python"
    stamp = venv / f".svy-{SVY_VERSION}"
    if stamp.exists():
        return py
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", f"svy=={SVY_VERSION}"], check=True,
                       capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        log(f"peers: svy {SVY_VERSION} could not be installed ({str(exc)[-300:]}); its rows are skipped")
        return None
    stamp.touch()
    return py


def run_svy(py: Path, data: Path, tmp: Path, runs: int) -> dict[str, Any]:
    out = tmp / "svy.json"
    r = run([str(py), str(SVY_SCRIPT), str(data), str(out), str(runs)], check=False)
    if r.returncode != 0:
        return {"error": r.summary().get("error")}
    res = json.loads(out.read_text())
    res["seconds"] = {k: min(v) for k, v in res["seconds"].items()}
    res["peak_rss_gib"] = gib(r.max_rss or r.tree_peak_rss)
    return res


def run_r(data: Path, tmp: Path) -> dict[str, Any]:
    out = tmp / "r.csv"
    r = run(["Rscript", str(R_SCRIPT), str(data), str(out)], check=False)
    if r.returncode != 0:
        return {"error": r.summary().get("error")}
    info = {k[len("bench_"):]: float(v) for k, v in
            (line.split("=", 1) for line in r.stdout.splitlines() if line.startswith("bench_"))}
    design = info.pop("design_seconds")
    read = info.pop("read_seconds")
    seconds = {k: design + info[f"{k}_seconds"] for k in KINDS}
    rows = pd.read_csv(out).assign(tool="R").to_dict("records")
    return {"seconds": seconds, "design_seconds": design, "read_seconds": read, "rows": rows,
            "peak_rss_gib": gib(r.max_rss or r.tree_peak_rss)}


def agreement(rows: list[dict[str, Any]], reference: str) -> dict[str, Any]:
    """Max relative difference of each tool's estimates and SEs from the reference tool's, per kind."""
    df = pd.DataFrame(rows)
    ref = df[df["tool"] == reference].set_index(["kind", "group"])
    out: dict[str, Any] = {"reference": reference}
    for tool in sorted(set(df["tool"]) - {reference}):
        mine = df[df["tool"] == tool].set_index(["kind", "group"])
        both = ref.merge(mine, left_index=True, right_index=True, suffixes=("_ref", ""))
        entry: dict[str, Any] = {"rows_matched": len(both), "rows_reference": len(ref)}
        for col in ("estimate", "se"):
            rel = (both[col] - both[f"{col}_ref"]).abs() / both[f"{col}_ref"].abs()
            entry[f"max_rel_diff_{col}"] = float(rel.max()) if len(rel) else None
        out[tool] = entry
    return out


def one_size(n: int, tmp: Path, runs: int, with_r: bool, svy_py: Path | None) -> dict[str, Any]:
    log(f"peers: {n:,} records")
    folder = tmp / f"n{n}"
    t = time.perf_counter()
    paths = write_data(peer_frame(n), folder)
    res: dict[str, Any] = {"records": n, "data_seconds": round(time.perf_counter() - t, 3)}
    out = folder / "python.json"
    r = run([PYTHON, "-m", "bench.peers", "worker", "--data", str(paths["parquet"]), "--out", str(out),
             "--runs", str(runs)], cwd=ROOT)
    py = json.loads(out.read_text())
    rows = list(py["rows"])
    seconds = {k: dict(v) for k, v in py["seconds"].items()}
    res["python_peak_rss_gib"] = gib(r.max_rss or r.tree_peak_rss)
    if svy_py is not None:
        log(f"peers: svy on {n:,}")
        s = run_svy(svy_py, paths["parquet"], folder, runs)
        res["svy"] = {k: v for k, v in s.items() if k != "rows"}
        for kind, sec in s.get("seconds", {}).items():
            seconds[kind]["svy"] = sec
        rows += [{**row, "tool": "svy"} for row in s.get("rows", [])]
    if with_r:
        log(f"peers: R survey on {n:,} (once)")
        rr = run_r(paths["csv"], folder)
        res["r"] = {k: v for k, v in rr.items() if k != "rows"}
        for kind, sec in rr.get("seconds", {}).items():
            seconds[kind]["R"] = sec
        rows += rr.get("rows", [])
    res["seconds"] = {k: {t: round(s, 4) for t, s in v.items()} for k, v in seconds.items()}
    res["engine_over_minimum"] = {k: round(v["engine"] / v["numpy_minimum"], 2) for k, v in seconds.items()}
    for peer in ("svy", "R"):
        if all(peer in v for v in seconds.values()):
            res[f"{peer}_over_engine"] = {k: round(v[peer] / v["engine"], 2) for k, v in seconds.items()}
    tools = {row["tool"] for row in rows}
    res["agreement"] = agreement(rows, "R" if "R" in tools else "engine")
    res["estimates"] = rows
    shutil.rmtree(folder, ignore_errors=True)
    return res


def main(tmp: Path) -> dict[str, Any]:
    sizes = [200_000] if quick() else [1_000_000, 10_000_000]
    if os.environ.get("BENCH_PEERS_SIZES"):
        sizes = [int(x) for x in os.environ["BENCH_PEERS_SIZES"].split(",")]
    runs = int(os.environ.get("BENCH_PEERS_RUNS", "3" if quick() else "5"))
    with_r = shutil.which("Rscript") is not None and not os.environ.get("BENCH_SKIP_R")
    svy_py = None if os.environ.get("BENCH_SKIP_SVY") else svy_python()
    result: dict[str, Any] = {
        "design": f"{STRATA} strata x {PSUS_PER_STRATUM} PSUs, {len(GROUPS)} groups, no missing values",
        "note": ("design + estimate by group with Taylor SEs, seconds; Python rows best of `runs` (after a warm-up) in a fresh "
                 "process, R once per size (read excluded; svydesign once, added to each kind). The numpy "
                 "minimum is handed integer codes and returns estimate and SE only."),
        "runs": runs, "svy_version": SVY_VERSION if svy_py else None, "r_available": with_r,
        "targets": {"engine_over_minimum_max": 3},
        "sizes": {},
    }
    for n in sizes:
        result["sizes"][str(n)] = one_size(n, tmp, runs, with_r, svy_py)
    return result


if __name__ == "__main__":
    worker_main(sys.argv[1:])
