"""Execute one parameterized notebook with papermill; never let one failure escape as a traceback.

The executed notebook is written to a temporary file and renamed into place only on success, so a killed
or failed run never leaves a half-written notebook that the renderer or a re-run would trust.
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from solutions.atomic import write_text
from solutions.errors import user_problems

if TYPE_CHECKING:  # jupyter_client is imported only by the workers that reuse kernels
    from solutions.pipeline.kernels import WarmKernel


@dataclass
class Job:
    name: str  # e.g. "country-QAB", "global"
    notebook: Path
    output: Path
    parameters: dict
    log: Path
    cwd: Path
    timeout: int | None = 1800
    kernel_name: str = "python3"


@dataclass
class Outcome:
    name: str
    state: str  # ok | failed
    seconds: float
    error: str = ""
    log: str = ""
    extra: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # invalid input: one line per problem (InputError)


def first_error_line(exc: BaseException) -> str:
    """The user-facing part of a failure: papermill's `ename: evalue`, first line only."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def run_job(job: Job, kernel: WarmKernel | None = None) -> Outcome:
    """Run a notebook job in this process (its kernel is a child process). Returns, never raises.

    Without `kernel`, papermill starts and stops a kernel for this notebook alone. With a `WarmKernel` (owned
    by the calling thread) the notebook runs on that kernel, wiped to a fresh state first; a failure restarts it.
    """
    import papermill as pm  # imported here: workers and CLI start faster without it

    start = time.perf_counter()
    job.output.parent.mkdir(parents=True, exist_ok=True)
    job.log.parent.mkdir(parents=True, exist_ok=True)
    # A named kernel resolves to this interpreter (jupyter_client maps argv "python" to sys.executable).
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    running = job.output.with_name(f".{job.output.stem}.running.ipynb")
    ok = False
    try:
        if kernel is None:  # papermill starts the kernel; its own log (shutdown notices) is noise on stderr
            how = {"cwd": str(job.cwd), "extra_arguments": ["--IPKernelApp.log_level=CRITICAL"]}
        else:  # the kernel's working directory is set by `prepare`: papermill's chdir is process-wide
            how = {"km": kernel.prepare(job.cwd, job.kernel_name)}
        pm.execute_notebook(
            _literal_path(job.notebook), _literal_path(running), parameters=job.parameters, kernel_name=job.kernel_name,
            progress_bar=False, log_output=False, execution_timeout=job.timeout,
            request_save_on_cell_execute=False, **how,
        )
        os.replace(running, job.output)
        ok = True
        seconds = time.perf_counter() - start
        write_text(job.log, f"{job.name}: ok in {seconds:.2f}s\n{_kernel_stderr(kernel)}")
        return Outcome(job.name, "ok", seconds, log=str(job.log))
    except BaseException as exc:  # noqa: BLE001 - a failure of one job is data, not a crash
        if isinstance(exc, KeyboardInterrupt):
            raise
        seconds = time.perf_counter() - start
        detail = "".join(traceback.format_exception(exc))
        if running.exists():  # keep the partial notebook for debugging, away from the pages
            os.replace(running, job.log.with_suffix(".failed.ipynb"))
        write_text(job.log, f"{job.name}: failed after {seconds:.2f}s\n{first_error_line(exc)}\n\n{detail}"
                            f"{_kernel_stderr(kernel)}")
        return Outcome(job.name, "failed", seconds, error=first_error_line(exc), log=str(job.log),
                       problems=user_problems(exc))
    finally:
        if kernel is not None:
            kernel.finished(ok)


def _literal_path(path: Path) -> str:
    """A path papermill uses as written: it formats paths with the parameters (`str.format`), so a folder
    named `{x}` would fail or read a parameter's attributes; doubled braces format back to themselves."""
    return str(path).replace("{", "{{").replace("}", "}}")


def _kernel_stderr(kernel: WarmKernel | None) -> str:
    text = kernel.stderr_since_last().strip() if kernel is not None else ""
    return f"\nkernel stderr:\n{text}\n" if text else ""
