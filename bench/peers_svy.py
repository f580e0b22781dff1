"""The peers benchmark in `svy` (PyPI; Rust core), run by bench/peers.py with the bench's own svy venv.

Usage: python peers_svy.py data.parquet out.json RUNS
Only the standard library, numpy and polars (svy's own dependency) are imported: this file runs outside
the project's environment. Each run builds the `Sample` (the design) and estimates by group; after an
untimed warm-up, the best of RUNS is kept, per kind, as design + estimate seconds.
"""

from __future__ import annotations

import json
import sys
import time

import polars as pl
import svy


def main(path: str, out: str, runs: int) -> None:
    data = pl.read_parquet(path).with_columns(pl.col("group").cast(pl.String))
    design = svy.Design(stratum="stratum", psu="psu", wgt="w")
    calls = {
        "mean": lambda s: s.estimation.mean("y", by="group"),
        "proportion": lambda s: s.estimation.prop("p", by="group"),
        "ratio": lambda s: s.estimation.ratio("y", "x", by="group"),
        "total": lambda s: s.estimation.total("y", by="group"),
    }
    seconds: dict[str, list[float]] = {k: [] for k in calls}
    rows = []
    for run in range(runs + 1):  # run 0 is an untimed warm-up, as for the engine
        for kind, call in calls.items():
            t = time.perf_counter()
            est = call(svy.Sample(data=data, design=design))
            if run > 0:
                seconds[kind].append(time.perf_counter() - t)
            if run == 0:
                frame = est.to_polars()
                if kind == "proportion":  # one row per level of the 0/1 variable: keep the share of 1s
                    frame = frame.filter(pl.col("p") == 1)
                rows += [{"kind": kind, "group": str(r["group"]), "estimate": r["est"], "se": r["se"]}
                         for r in frame.iter_rows(named=True)]
    with open(out, "w") as f:
        json.dump({"version": svy.__version__ if hasattr(svy, "__version__") else None, "seconds": seconds,
                   "rows": rows}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
