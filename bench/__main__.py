"""`python -m bench [engine] [pipeline] [peers] [overhead] [global_memory]`: run the benchmarks (all but
`peers` alone by default).

They write outputs/bench/*.json. The engine benchmark includes the peers (numpy minimum, svy, R survey);
`peers` alone runs only those, into peers.json. `overhead`
(overhead.json) is the per-country overhead of issue 14 item 5 with repetitions; `global_memory`
(global_memory.json) the global notebook's peak memory over the number of country-editions (item 6). `BENCH_QUICK=1` shrinks everything (100k-household engine,
200k-record peers, 5 countries x ~1,000 households) for a smoke run.
"""

from __future__ import annotations

import os
import sys
import time

from bench import log, out_dir, quick


def main(argv: list[str]) -> int:
    which = argv or ["engine", "pipeline", "overhead", "global_memory"]
    unknown = [w for w in which if w not in ("engine", "pipeline", "peers", "overhead", "global_memory")]
    if unknown:
        print(f"usage: python -m bench [engine] [pipeline] [peers] [overhead] [global_memory]; unknown {unknown}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    log(f"benchmarks {which} ({'quick' if quick() else 'full'}) -> {out_dir()}")
    peers_seconds = 0.0  # the peers (issue 14) came after the pipeline's budget was set: not charged to it
    if "engine" in which:
        from bench import engine

        r = engine.main()
        peers_seconds = float(r.get("peers", {}).get("wall_seconds", 0.0))
        log(f"engine.json: {r.get('summary')}")
    if "peers" in which and "engine" not in which:
        import shutil
        import tempfile
        from pathlib import Path

        from bench import peers, write_json

        tmp = Path(tempfile.mkdtemp(prefix="sos-bench-peers-"))
        try:
            write_json("peers.json", {"issue": 14, "peers": peers.main(tmp)})
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        log("peers.json written")
    if "pipeline" in which:
        from bench import pipeline

        # the pipeline gets what is left of the budget: 18 of the 20 minutes (5 when quick), so the
        # growth series skips a size (and says so) rather than overrun
        minutes = float(os.environ.get("BENCH_BUDGET_MINUTES", 5 if quick() else 18))
        budget = minutes * 60 - (time.perf_counter() - start - peers_seconds)
        r = pipeline.main(budget_seconds=max(budget, 0))
        log(f"pipeline.json: {r.get('summary')}")
    if "overhead" in which:
        from bench import overhead

        log(f"overhead.json: {overhead.main().get('summary')}")
    if "global_memory" in which:
        from bench import global_memory

        log(f"global_memory.json: {global_memory.main().get('summary')}")
    log(f"done in {time.perf_counter() - start:.0f}s; `python -m bench.report` writes the HTML page")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
