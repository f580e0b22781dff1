"""`python -m bench.report`: outputs/bench/*.json -> outputs/bench/index.html (seaborn charts embedded as PNG)."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from bench import out_dir  # noqa: E402


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _table(rows: list[dict[str, Any]] | dict[str, Any], caption: str = "") -> str:
    if isinstance(rows, dict):
        rows = [{"figure": k, "value": v} for k, v in rows.items() if not isinstance(v, (dict, list))]
    if not rows:
        return ""
    df = pd.DataFrame(rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    markup = df.to_html(index=False, border=0, classes="t", na_rep="", escape=True)
    return re.sub(r"<table[^>]*>", f'<table class="t">{cap}', markup, count=1)  # pandas versions differ here


def _bar(data: pd.DataFrame, x: str, y: str, title: str, log: bool = False, hue: str | None = None,
         target: float | None = None, target_label: str = "") -> str:
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * max(3, len(data))))
    sns.barplot(data=data, x=x, y=y, hue=hue or y, dodge=False, ax=ax, palette="deep", legend=False)
    if log:
        ax.set_xscale("log")
    if target is not None:
        ax.axvline(target, color="crimson", ls="--", lw=1)
        ax.text(target, -0.6, f" {target_label}", color="crimson", va="bottom", fontsize=8)
    for c in ax.containers:
        ax.bar_label(c, fmt="%.3g", fontsize=8, padding=2)
    ax.set_title(title)
    ax.set_ylabel("")
    return _png(fig)


def engine_section(e: dict[str, Any]) -> str:
    parts = ["<h2>Indicator engine (issues 4 and 14)</h2>"]
    f, sub = e.get("full", {}), e.get("subset", {})
    parts.append(f"<p>{e.get('full', {}).get('households', '?'):,} households, "
                 f"{e.get('full', {}).get('individuals', '?'):,} individuals. {html.escape(f.get('note', ''))}</p>")
    times = pd.DataFrame([
        {"step": "generate (+Parquet)", "seconds": e.get("generation_seconds")},
        {"step": "load Parquet", "seconds": f.get("load_seconds")},
        {"step": "prepare frames", "seconds": f.get("prepare_seconds")},
        {"step": "compute_country (all)", "seconds": f.get("compute_seconds")},
    ]).dropna()
    if not times.empty:
        parts.append(_bar(times, "seconds", "step", "Full catalogue: seconds per step"))
    mem = pd.DataFrame([
        {"measure": "engine: data resident", "GiB": f.get("rss_before_compute_gib")},
        {"measure": "engine: peak during compute", "GiB": f.get("peak_rss_during_compute_gib")},
        {"measure": "R subset: process peak", "GiB": (sub.get("r") or {}).get("peak_rss_gib")
         if isinstance(sub.get("r"), dict) else None},
        {"measure": "Python subset: peak", "GiB": (sub.get("python") or {}).get("compute_country_peak_rss_gib")},
    ]).dropna()
    if not mem.empty:
        target = e.get("targets", {}).get("peak_rss_gib_max", 4)
        parts.append(_bar(mem, "GiB", "measure", "Peak resident memory", target=target,
                          target_label=f"target {target} GiB"))
    if "r_seconds" in sub:
        vs = pd.DataFrame([
            {"run": "Python compute_country (subset)", "seconds": sub["python_seconds"]},
            {"run": "Python solutions.survey (subset)", "seconds": sub["python_survey_direct_seconds"]},
            {"run": "R survey (subset, excl. read)", "seconds": sub["r_seconds"]},
            {"run": "R read CSV (excluded)", "seconds": sub.get("r_read_seconds")},
        ]).dropna()
        speedup = e.get("targets", {}).get("python_vs_r_speedup_min", 20)
        parts.append(_bar(vs, "seconds", "run", f"Same subset, Python vs R (R/Python = "
                          f"{sub.get('ratio_r_over_python')}x; target >= {speedup}x)", log=True))
        parts.append(f"<p>{html.escape(sub.get('note', ''))}</p>")
        ag = sub.get("agreement", {})
        rows = []
        for k in ("engine_vs_r", "survey_direct_vs_r"):
            a = ag.get(k, {})
            rows.append({"comparison": k, "rows matched": a.get("rows_matched"), "rows R": a.get("rows_r"),
                         "max rel diff estimate": a.get("max_rel_diff_estimate"),
                         "max rel diff SE": a.get("max_rel_diff_se")})
        parts.append(_table(rows, f"Agreement with R (within tolerance: {ag.get('within_tolerance')})"))
        if ag.get("discrepancy"):
            parts.append(f"<p class='bad'>{html.escape(ag['discrepancy'])}</p>")
    parts.append(_table(e.get("summary", {}), "Summary"))
    parts.append(_table(e.get("shape", {}), "Shape of the full computation"))
    if e.get("peers"):
        parts.append(peers_section(e["peers"]))
    return "\n".join(parts)


def peers_section(p: dict[str, Any]) -> str:
    """Engine vs numpy minimum, svy and R survey: seconds per kind and size, ratios, agreement."""
    parts = ["<h3>Against the peers (issue 14)</h3>", f"<p>{html.escape(p.get('design', ''))}. "
             f"{html.escape(p.get('note', ''))}</p>"]
    rows = [{"records": int(n), "kind": kind, "tool": tool, "seconds": sec}
            for n, size in p.get("sizes", {}).items() for kind, tools in size.get("seconds", {}).items()
            for tool, sec in tools.items()]
    if rows:
        df = pd.DataFrame(rows)
        sizes = sorted(df["records"].unique())
        fig, axes = plt.subplots(1, len(sizes), figsize=(5.5 * len(sizes), 3.6), squeeze=False)
        for ax, n in zip(axes[0], sizes, strict=True):
            sub = df[df["records"] == n]
            sns.barplot(data=sub, y="kind", x="seconds", hue="tool", ax=ax, palette="deep",
                        hue_order=[t for t in ("numpy_minimum", "engine", "svy", "R") if t in set(sub["tool"])])
            ax.set_xscale("log")
            ax.set_title(f"{n:,} records: design + estimate by group")
            ax.set_ylabel("")
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False, fontsize=8)
        fig.tight_layout()
        parts.append(_png(fig))
    table = []
    for n, size in p.get("sizes", {}).items():
        for kind, ratio in size.get("engine_over_minimum", {}).items():
            table.append({"records": int(n), "kind": kind, "engine / numpy minimum": ratio,
                          "svy / engine": size.get("svy_over_engine", {}).get(kind),
                          "R / engine": size.get("R_over_engine", {}).get(kind)})
    target = p.get("targets", {}).get("engine_over_minimum_max")
    parts.append(_table(table, f"Ratios (target: engine / numpy minimum <= {target})"))
    agree = [{"records": int(n), "tool": tool, **{k: v for k, v in a.items()}}
             for n, size in p.get("sizes", {}).items()
             for tool, a in size.get("agreement", {}).items() if isinstance(a, dict)]
    ref = next((size.get("agreement", {}).get("reference") for size in p.get("sizes", {}).values()), "")
    parts.append(_table(agree, f"Agreement of estimates and SEs (reference: {ref})"))
    return "\n".join(parts)


def pipeline_section(p: dict[str, Any]) -> str:
    parts = ["<h2>End-to-end build (issue 7)</h2>",
             f"<p>{p.get('countries')} countries, ~{p.get('mean_households_per_country')} households each "
             f"(demo scale {p.get('demo_scale')}), --jobs {p.get('jobs')}.</p>"]
    s = p.get("summary", {})
    if s:
        runs = pd.DataFrame([
            {"run": "baseline (papermill CLI loop + nbconvert)", "seconds": s.get("baseline_seconds")},
            {"run": "cold build", "seconds": s.get("cold_seconds")},
            {"run": "one-country rerun", "seconds": s.get("one_country_seconds")},
            {"run": "warm rebuild", "seconds": s.get("warm_seconds")},
        ]).dropna()
        parts.append(_bar(runs, "seconds", "run", "Build wall time"))
    parts.append(growth_section(p.get("growth", {}), p.get("global_memory", {})))
    parts.append(overhead_section(p.get("overhead", {}), p.get("notebook_profile", {}), p.get("profile", {})))
    if p.get("targets"):
        parts.append(_table(p["targets"], "Targets of issue 7"))
    parts.append(_table({k: v for k, v in s.items()}, "Summary"))
    top = p.get("profile_top", [])
    if top:
        df = pd.DataFrame(top[:15])
        df["function"] = df["function"].str.slice(-70)
        parts.append(_bar(df, "cumtime", "function", "Profile: top functions by cumulative seconds"))
        parts.append(_table(top, "profile_top (cumulative)"))
        parts.append(_table(p.get("profile_top_tottime", []), "profile_top_tottime (own time)"))
    return "\n".join(parts)


def growth_section(g: dict[str, Any], gm: dict[str, Any]) -> str:
    points = g.get("points", g)  # older files: {n: figures}
    rows = [{"countries": int(k), "seconds": v.get("seconds"), "peak GiB (tree)": v.get("tree_peak_rss_gib"),
             "global notebook peak GiB": (v.get("global_notebook") or {}).get("kernel_peak_rss_gib"),
             "note": v.get("skipped", "")} for k, v in points.items() if isinstance(v, dict)]
    parts = [f"<h3>Growth ({g.get('mean_households_per_country', '?')} households per country)</h3>"]
    done = [r for r in rows if r["seconds"] is not None]
    if len(done) >= 2:
        df = pd.DataFrame(done)
        fit = g.get("fit_seconds_vs_countries", {})
        fig, ax = plt.subplots(1, 2, figsize=(9, 3.2))
        sns.regplot(data=df, x="countries", y="seconds", ci=None, ax=ax[0], line_kws={"lw": 1})
        sns.lineplot(data=df, x="countries", y="peak GiB (tree)", marker="o", ax=ax[1], label="build (tree)")
        if df["global notebook peak GiB"].notna().any():
            sns.lineplot(data=df, x="countries", y="global notebook peak GiB", marker="s", ax=ax[1],
                         label="global notebook kernel")
        ax[0].set_title(f"Cold build time: {fit.get('slope')} s/country, R² {fit.get('r2')}")
        ax[1].set_title("Peak memory")
        ax[1].set_ylabel("GiB")
        fig.tight_layout()
        parts.append(_png(fig))
    parts.append(_table(rows, "Growth"))
    mem = [{"survey": k, **{c: v.get(c) for c in ("countries", "mean_households_per_country",
                                                   "kernel_peak_rss_gib", "global_notebook_seconds")}}
           for k, v in gm.items() if isinstance(v, dict)]
    if mem:
        parts.append(_table(mem, "Global notebook peak memory at two survey sizes"))
    return "\n".join(parts)


def overhead_section(o: dict[str, Any], nb: dict[str, Any], prof: dict[str, Any]) -> str:
    parts = ["<h3>Per-country overhead and where the time goes</h3>"]
    if o.get("parts_seconds"):
        df = pd.DataFrame([{"part": "compute (prepare_country)", "seconds": o.get("compute_seconds")},
                           *({"part": k, "seconds": v} for k, v in o["parts_seconds"].items())])
        parts.append(_bar(df, "seconds", "part", f"One country, warm kernel: overhead {o.get('overhead_seconds')} s "
                          f"(target < {o.get('target_seconds')} s)"))
        parts.append(f"<p>{html.escape(o.get('note', ''))}</p>")
    runs = [{"run": k, "wall s": v.get("wall_seconds"), "in cells s": v.get("cells_seconds"),
             "outside cells s": v.get("outside_cells_seconds")}
            for k, v in nb.items() if isinstance(v, dict) and "wall_seconds" in v]
    if runs:
        parts.append(_table(runs, f"Country notebook runs (kernel start {nb.get('kernel_start_seconds')} s, "
                                  f"wipe {nb.get('kernel_wipe_seconds')} s)"))
    pieces = prof.get("prepare_country_pieces_seconds")
    if pieces:
        parts.append(_table(pieces, "prepare_country steps (cProfile cumulative seconds)"))
    return "\n".join(parts)


def item5_section(o: dict[str, Any]) -> str:
    """Issue 14 item 5: each country's overhead by part (fastest of the repetitions), both site renderers."""
    parts = [f"<h2>Per-country overhead (issue 14 item 5, fastest of {o.get('repetitions')} warm runs)</h2>"]
    rows = []
    for iso, c in (o.get("countries") or {}).items():
        if "error" in c:
            rows.append({"country": iso, "part": "error", "seconds": None})
            continue
        q = c["quarto_site"]
        rows += [{"country": iso, "part": k, "seconds": v} for k, v in q["parts_seconds"].items()
                 if not k.startswith("page render")]  # 0 for Quarto: the nbconvert export is added below
        rows.append({"country": iso, "part": "page render (nbconvert site page export)",
                     "seconds": c["nbconvert_site"]["parts_seconds"]["page render (nbconvert site page export)"]})
    df = pd.DataFrame([r for r in rows if r["seconds"] is not None])
    if not df.empty:
        fig, ax = plt.subplots(figsize=(7, 0.6 + 0.5 * df["country"].nunique()))
        wide = df.pivot(index="country", columns="part", values="seconds").fillna(0.0)
        wide.plot.barh(stacked=True, ax=ax, colormap="tab10", width=0.7)
        ax.axvline(o.get("target_seconds", 1.5), color="crimson", ls="--", lw=1)
        ax.set_xlabel("seconds (target: overhead < 1.5 s; the nbconvert export only for the nbconvert site)")
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2)
        parts.append(_png(fig))
    parts.append(_table(o.get("targets") or [], "Targets"))
    return "\n".join(parts)


def global_memory_section(g: dict[str, Any]) -> str:
    """Issue 14 item 6: the global notebook's peak memory over the number of country-editions."""
    parts = ["<h2>Global notebook memory over country-editions (issue 14 item 6)</h2>",
             f"<p>{html.escape(g.get('method', ''))}</p>"]
    points = [p for p in g.get("points", []) if p.get("peak_rss_gib") is not None]
    if points:
        df = pd.DataFrame(points).assign(countries=lambda d: d["countries"].astype(str) + " countries")
        fig, ax = plt.subplots(figsize=(7, 3.4))
        sns.lineplot(data=df, x="editions", y="peak_rss_gib", hue="countries", marker="o", ax=ax)
        ax.axhline(g.get("target_gib_at_200_editions", 0.5), color="crimson", ls="--", lw=1)
        ax.set_xlabel("country-editions read (countries x report years)")
        ax.set_ylabel("kernel peak RSS (GiB)")
        ax.set_ylim(bottom=0)
        parts.append(_png(fig))
    parts.append(_table(g.get("points", []), "Points"))
    if g.get("target"):
        parts.append(_table([g["target"]], "Target"))
    return "\n".join(parts)


CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table.t{border-collapse:collapse;margin:1em 0;font-size:0.85em}table.t td,table.t th{padding:3px 8px;
border-bottom:1px solid #ddd;text-align:left}caption{font-weight:600;text-align:left;padding:4px 0}
.bad{color:#b00020;font-weight:600}img{max-width:100%}"""


def main() -> Path:
    folder = out_dir()
    found = {}
    for p in sorted(folder.glob("*.json")):
        try:
            d = json.loads(p.read_text())
        except ValueError:
            continue
        if isinstance(d, dict):
            found[p.stem] = d
    body = ["<h1>State of Solutions benchmarks</h1>"]
    machine = next((d.get("machine") for d in found.values() if d.get("machine")), {})
    body.append(_table(machine, "Machine"))
    if "engine" in found:
        body.append(engine_section(found["engine"]))
    if "peers" in found and found["peers"].get("peers"):
        body.append(peers_section(found["peers"]["peers"]))
    if "pipeline" in found:
        body.append(pipeline_section(found["pipeline"]))
    if "overhead" in found:
        body.append(item5_section(found["overhead"]))
    if "global_memory" in found:
        body.append(global_memory_section(found["global_memory"]))
    if not found:
        body.append("<p>No benchmark results yet: run <code>make bench</code>.</p>")
    page = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Benchmarks</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")
    target = folder / "index.html"
    target.write_text(page)
    print(target)
    return target


if __name__ == "__main__":
    sys.stdout.write("")
    main()
