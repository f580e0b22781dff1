"""The demo's annual series built once per test process (small scale, three countries, nbconvert), shared by
tests/editions/test_demo_editions.py and tests/render/test_pdf.py (both carry ``xdist_group("demo_series")``,
so one pytest worker builds it)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

SOLUTIONS = str(Path(sys.executable).with_name("solutions"))
COUNTRIES = ["QAB", "QAC", "QAD"]  # every case of the series: narrowing, a survey not repeated, a country added
SCALE = "0.3"
_BUILT: dict[str, Series] = {}


@dataclass(frozen=True)
class Series:
    root: Path
    out: Path
    params: Path  # the latest edition
    earlier: list[Path]  # the earlier editions' global configs, oldest first
    latest: int


def sol(*args: str, timeout: int = 1200) -> subprocess.CompletedProcess:
    return subprocess.run([SOLUTIONS, *args], capture_output=True, text=True, timeout=timeout)


def _restrict(path: Path) -> None:
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    cfg["countries"] = [c for c in cfg["countries"] if c in COUNTRIES]
    cfg["renderer"] = "nbconvert"  # the series is about results and pages; Quarto is tested on its own
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")


def demo_series(base: Path) -> Series:
    """Generate the demo (``solutions demo``), then build its editions oldest first as ``make report`` does."""
    if "series" in _BUILT:
        return _BUILT["series"]
    root = base / "series"
    proc = sol("demo", "--root", str(root), "--scale", SCALE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    earlier = sorted((root / "data" / "demo" / "editions").glob("*/global.yml"))
    params, out = root / "params" / "global.yml", root / "outputs"
    for p in [*earlier, params]:
        _restrict(p)
        proc = sol("build", "--params", str(p), "--output", str(out), "--jobs", "2", "--quiet")
        assert proc.returncode == 0, f"{p}: {proc.stdout}{proc.stderr}"
    latest = int(yaml.safe_load(params.read_text(encoding="utf-8"))["report_year"])
    _BUILT["series"] = Series(root, out, params, earlier, latest)
    return _BUILT["series"]
