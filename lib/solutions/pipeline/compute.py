"""The compute step of a country: check its inputs (the validation path `solutions validate` runs), estimate
every indicator and write `outputs/<year>/results/<ISO3>/`. Pure Python, no notebook and no kernel: it runs in
a worker process (`executors`) or on a Dask worker, and returns an `Outcome`, never raises.

Its key (`plan.compute_key`) holds the country's config, its input files, the global settings results depend
on, the catalogue and the statistical code only (`code.STATISTICAL`); the page that presents the results is a
separate step (`plan.page_key`).
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from solutions.atomic import write_text
from solutions.errors import user_problems
from solutions.pipeline.execute import Outcome, first_error_line


@dataclass(frozen=True)
class ComputeJob:
    """What a worker needs to compute one country: paths only (small enough to travel through Dask)."""

    name: str  # "compute-<ISO3>"
    global_config: Path
    country_config: Path
    output_root: Path
    log: Path


def run_compute(job: ComputeJob) -> Outcome:
    """Check, compute and write one country's results (`indicators.prepare_country`). Returns, never raises:
    invalid input becomes the outcome's `problems`, any other failure its first error line."""
    from solutions.indicators.country import prepare_country

    start = time.perf_counter()
    job.log.parent.mkdir(parents=True, exist_ok=True)
    try:
        prepare_country(job.global_config, job.country_config, job.output_root)
    except Exception as exc:  # noqa: BLE001 - a failure of one country is data, not a crash
        seconds = time.perf_counter() - start
        detail = "".join(traceback.format_exception(exc))
        write_text(job.log, f"{job.name}: failed after {seconds:.2f}s\n{first_error_line(exc)}\n\n{detail}")
        return Outcome(job.name, "failed", seconds, error=first_error_line(exc), log=str(job.log),
                       problems=user_problems(exc))
    seconds = time.perf_counter() - start
    write_text(job.log, f"{job.name}: ok in {seconds:.2f}s\n")
    return Outcome(job.name, "ok", seconds, log=str(job.log))
