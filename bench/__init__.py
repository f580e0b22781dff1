"""Benchmarks of State of Solutions: `python -m bench` writes outputs/bench/*.json, `python -m bench.report` a page.

Benchmarks measure and record; they never assert timings. Every memory figure comes from a fresh process
(`os.wait4` rusage of the child, or the child's own `ru_maxrss` before/after), so figures do not leak into
each other. `BENCH_QUICK=1` shrinks every size for a smoke run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "bench"
PYTHON = sys.executable
BIN = Path(sys.executable).parent


def quick() -> bool:
    return os.environ.get("BENCH_QUICK", "").strip() not in ("", "0", "false", "no")


def out_dir() -> Path:
    path = Path(os.environ.get("BENCH_OUT", OUT))
    path.mkdir(parents=True, exist_ok=True)
    return path


def maxrss_bytes(who: int = resource.RUSAGE_SELF) -> int:
    """Peak resident set size so far (Linux reports KiB)."""
    return int(resource.getrusage(who).ru_maxrss) * 1024


def gib(n: float | None) -> float | None:
    return None if n is None else round(n / 2**30, 3)


def r_version() -> str | None:
    if not shutil.which("Rscript"):
        return None
    try:
        out = subprocess.run(["Rscript", "-e", "cat(R.version.string, as.character(packageVersion('survey')))"],
                             capture_output=True, text=True, timeout=60)
        return out.stdout.strip() or None
    except Exception:  # noqa: BLE001 - informational only
        return None


def machine_info() -> dict[str, Any]:
    import numpy
    import pandas
    import scipy

    mem = None
    try:
        import psutil

        mem = gib(psutil.virtual_memory().total)
    except Exception:  # noqa: BLE001
        pass
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "hostname": platform.node(), "platform": platform.platform(), "machine": platform.machine(),
        "cpu_count": os.cpu_count(), "memory_gib": mem,
        "python": platform.python_version(), "numpy": numpy.__version__, "pandas": pandas.__version__,
        "scipy": scipy.__version__, "r": r_version(), "quick": quick(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "note": "other work may share the machine: the load average is taken when the JSON is written",
    }


def write_json(name: str, data: dict[str, Any]) -> Path:
    path = out_dir() / name
    payload = {"machine": machine_info(), **data}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=_default) + "\n")
    tmp.replace(path)
    return path


def _default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    return str(o)


def env(path_first: Path | None = None) -> dict[str, str]:
    """Child environment: the venv's bin first (papermill, jupyter, the kernel), a headless backend;
    ``path_first`` (a folder, e.g. Quarto's bin) before even that. Never a shared chart store
    (``SOS_CHART_STORE``): the figures measure drawing where a build draws."""
    e = dict(os.environ)
    e.pop("SOS_CHART_STORE", None)
    e["PATH"] = os.pathsep.join(str(d) for d in (path_first, BIN, e.get("PATH", "")) if d)
    e.setdefault("MPLBACKEND", "Agg")
    e["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [e.get("PYTHONPATH")])])
    return e


# ------------------------------------------------------------------ processes ----
def _tree_rss(pid: int) -> int:
    """RSS of a process and all its descendants (bytes); 0 once gone."""
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        with contextlib.suppress(psutil.Error):
            total += q.memory_info().rss
    return total


@dataclass
class Run:
    cmd: list[str]
    seconds: float
    returncode: int
    max_rss: int | None  # largest single process of the tree (wait4 rusage, includes reaped descendants);
    # None when it does not exceed this (parent) process's own peak: Linux carries ru_maxrss over fork+exec
    tree_peak_rss: int  # sampled sum over the process tree (concurrent kernels add up)
    stdout: str = ""
    stderr: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        out = {"seconds": round(self.seconds, 3), "returncode": self.returncode,
               "max_process_rss_gib": gib(self.max_rss), "tree_peak_rss_gib": gib(self.tree_peak_rss)}
        if self.max_rss is None:
            out["max_process_rss_note"] = "masked: not above the parent's own peak (ru_maxrss survives fork+exec)"
        if self.returncode != 0:
            out["error"] = (self.stderr[-2500:] + "\n" + self.stdout[-1500:]).strip()
        return out


def run(cmd: list[str], cwd: Path | None = None, timeout: float | None = None, sample: float = 0.2,
        check: bool = True, path_first: Path | None = None) -> Run:
    """Run a command in a fresh process: wall time, its peak RSS (wait4) and the sampled tree peak."""
    parent_peak = maxrss_bytes()
    with open(os.devnull, "rb") as devnull:
        out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.monotonic_ns()}"
        with open(f"{out_path}.out", "wb") as fo, open(f"{out_path}.err", "wb") as fe:
            start = time.perf_counter()
            p = subprocess.Popen(cmd, cwd=cwd, env=env(path_first), stdin=devnull, stdout=fo, stderr=fe)
            peak = [0]
            stop = threading.Event()

            def sampler() -> None:
                while not stop.is_set():
                    peak[0] = max(peak[0], _tree_rss(p.pid))
                    stop.wait(sample)

            t = threading.Thread(target=sampler, daemon=True)
            t.start()
            deadline = None if timeout is None else start + timeout
            status, usage = 0, None
            while True:
                pid, status, usage = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    break
                if deadline is not None and time.perf_counter() > deadline:
                    p.kill()
                    pid, status, usage = os.wait4(p.pid, 0)
                    break
                time.sleep(0.02)
            seconds = time.perf_counter() - start
            stop.set()
            t.join()
            p.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    out = Path(f"{out_path}.out").read_text(errors="replace")
    err = Path(f"{out_path}.err").read_text(errors="replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    child_peak = int(usage.ru_maxrss) * 1024 if usage else 0
    r = Run(cmd, seconds, p.returncode, child_peak if child_peak > parent_peak else None, peak[0], out, err)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{err[-4000:]}\n{out[-2000:]}")
    return r


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
