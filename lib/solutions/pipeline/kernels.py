"""A warm IPython kernel reused across notebook jobs, wiped between them.

Starting a kernel and importing pandas, matplotlib, seaborn and the library costs seconds per notebook; a
worker that runs many country notebooks pays it once. Reuse must never let one country affect another, so
before every notebook the kernel is put back into the state of a fresh one: the user namespace, `In`/`Out`
and the execution counter are reset (`InteractiveShell.reset(new_session=True)`), open figures closed,
matplotlib rcParams, warning filters, `os.environ`, `sys.path`, the global random states and the working
directory restored to what they were right after start-up. What cannot be wiped (a crashed or timed-out
cell, a module patched at import time) is bounded by restarting the kernel after any failed notebook and
after `max_uses` notebooks.

The wipe's garbage collection runs on a heap of imported modules (pandas, matplotlib, the library) that
never become garbage: after it, `gc.freeze()` moves the survivors (modules and their caches; the user
namespace is already empty) out of the collector's sight, so the next wipe and the collections during a
notebook traverse only what that notebook made. A frozen object that later becomes garbage is kept until the
kernel restarts (after `max_uses` notebooks). The wipe talks to the kernel on the shell channel only: the
kernel is known to be up (it ran the last notebook), so the client's readiness handshake (a 0.2 s poll) is
paid only after a start.

papermill hands extra keyword arguments to nbclient's `NotebookClient`, which runs on a given, started
kernel manager (`km=`) without shutting it down (`owns_km` is false). nbclient then opens a new kernel client
per notebook and, not owning the kernel, never closes it: the manager here records the clients it hands out
so their channels are closed after each notebook. The notebook's client is connected at the end of the
wipe, and its readiness check waits for the kernel's answer to one request instead of 0.2 s of IOPub silence
(`_ready_by_kernel_info`).
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

# Imported at start-up so their pristine state can be recorded (a fresh kernel imports them unchanged).
PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot")

# Runs once in a new kernel: record the state every notebook must start from, out of the user namespace.
_SNAPSHOT = """
def __sos_snapshot():
    import os, random, sys, warnings
    import matplotlib, numpy
    get_ipython()._sos_fresh = {
        "environ": dict(os.environ), "path": list(sys.path), "warnings": list(warnings.filters),
        "rc": {k: v for k, v in dict(matplotlib.rcParams.copy()).items() if k != "backend"},
        "random": random.getstate(), "numpy": numpy.random.get_state(),
    }
__sos_snapshot()
del __sos_snapshot
"""

# Runs before every notebook: back to the snapshot (the namespace reset also drops the helper itself).
_RESET = """
def __sos_reset(cwd):
    import gc, os, random, sys, warnings
    import matplotlib, numpy
    import matplotlib.pyplot as plt
    ip = get_ipython()
    fresh = ip._sos_fresh
    plt.close("all")
    ip.reset(new_session=True)
    os.environ.clear()
    os.environ.update(fresh["environ"])
    sys.path[:] = fresh["path"]
    warnings.filters[:] = fresh["warnings"]
    warnings._filters_mutated()
    matplotlib.rcParams._update_raw(fresh["rc"])  # as matplotlib.rc_context restores them
    random.setstate(fresh["random"])
    numpy.random.set_state(fresh["numpy"])
    os.chdir(cwd)
    gc.collect()
    gc.freeze()
__sos_reset({cwd!r})
"""


class KernelResetError(RuntimeError):
    """The kernel could not be put back into a fresh state (it is then restarted)."""


async def _ready_by_kernel_info(kc: Any, timeout: float | None = None) -> None:
    """A client's readiness check that ends on an event, not on a silence.

    jupyter_client's check sends kernel_info, waits for any IOPub message, then drains IOPub until 0.2 s pass
    without one (at least 0.2 s per notebook). Here: send kernel_info, take its reply from the shell channel,
    then read IOPub until the kernel's idle status for that very request (IOPub is ordered, so everything
    older has been read). A subscription not yet up misses that status: after 0.5 s the request is sent again.
    """
    import time
    from queue import Empty

    deadline = time.monotonic() + (timeout if timeout is not None else 60.0)
    while True:
        msg_id = kc.kernel_info()
        reply = None
        try:
            while reply is None:
                msg = await kc.shell_channel.get_msg(timeout=max(deadline - time.monotonic(), 0.001))
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = msg
            retry = time.monotonic() + 0.5
            while True:
                msg = await kc.iopub_channel.get_msg(timeout=max(min(retry, deadline) - time.monotonic(), 0.001))
                if msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id \
                        and msg["content"].get("execution_state") == "idle":
                    kc._handle_kernel_info_reply(reply)
                    return
        except Empty:
            if time.monotonic() >= deadline:
                raise RuntimeError("Kernel didn't respond in time") from None


class _TrackingKernelManager(AsyncKernelManager):
    """A kernel manager that remembers the clients it hands out, so they can be closed; the next notebook's
    client can be connected ahead (`connect_next_client`)."""

    def client(self, **kwargs: Any):  # type: ignore[override]
        kc, self._connected = (getattr(self, "_connected", None), None) if not kwargs else (None, None)
        if kc is None:
            kc = super().client(**kwargs)
        self._handed_out = [*getattr(self, "_handed_out", []), kc]
        return kc

    async def connect_next_client(self) -> None:
        """Open the channels of the client the next `client()` call returns, now: by the time nbclient waits
        for it to be ready, its IOPub subscription is up, and the readiness check takes one round trip
        instead of a 0.2 s poll for an IOPub message a new subscriber misses."""
        kc = super().client()
        # shell and IOPub only: their sockets connect when opened and starting them again is a no-op; nbclient's
        # own start_channels() opens the others (the heartbeat is a thread, which starts only once)
        kc.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
        kc.wait_for_ready = functools.partial(_ready_by_kernel_info, kc)
        self._connected = kc

    def close_clients(self) -> None:
        connected, self._connected = getattr(self, "_connected", None), None
        for kc in [*getattr(self, "_handed_out", []), *([connected] if connected is not None else [])]:
            kc.stop_channels()
        self._handed_out = []


class WarmKernel:
    """One kernel owned by one worker thread; `prepare` before each notebook, `finished` after it.

    All calls must come from the thread that created it (its asyncio loop and zmq sockets live there).
    The kernel's own stderr (ipykernel's log, e.g. the `KeyboardInterrupt caught in kernel` it prints when
    shut down) goes to a private file whose new lines are handed to the job log, not to the build's stderr.
    """

    def __init__(self, kernel_name: str = "python3", max_uses: int = 20, startup_timeout: int = 60,
                 reset_timeout: int = 120):
        self.kernel_name = kernel_name
        self.max_uses = max(1, max_uses)
        self.startup_timeout = startup_timeout
        self.reset_timeout = reset_timeout
        self.km: _TrackingKernelManager | None = None
        self.uses = 0
        self.starts = 0
        self._stderr = tempfile.NamedTemporaryFile(prefix="sos-kernel-", suffix=".log", delete=False)  # noqa: SIM115
        self._stderr_seen = 0

    # ------------------------------------------------------------------ lifecycle ----
    def _start(self, cwd: Path) -> None:
        km = _TrackingKernelManager(kernel_name=self.kernel_name)
        run_sync(km.start_kernel)(
            extra_arguments=["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"],
            cwd=str(cwd), stderr=self._stderr,
        )
        self.km, self.uses = km, 0
        self.starts += 1
        try:
            self._run(f"import {', '.join(PRELOAD)}\n{_SNAPSHOT}", self.startup_timeout, started=True)
        except BaseException:
            self.shutdown()
            raise

    def shutdown(self) -> None:
        """Stop the kernel now (it holds no state worth a graceful goodbye)."""
        km, self.km = self.km, None
        if km is None:
            return
        try:
            km.close_clients()
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)  # also removes its connection file
            else:
                run_sync(km.cleanup_resources)()
        except Exception:  # noqa: BLE001 - a kernel that is already gone is shut down
            pass
        finally:
            self._stderr.flush()
            self._stderr_seen = os.path.getsize(self._stderr.name)  # its goodbye (SIGINT notice) is noise

    def close(self) -> None:
        self.shutdown()
        self._stderr.close()
        Path(self._stderr.name).unlink(missing_ok=True)

    # ------------------------------------------------------------------ per job ----
    def prepare(self, cwd: Path, kernel_name: str | None = None) -> _TrackingKernelManager:
        """A started kernel in the state of a fresh one, working directory `cwd`; returns its manager."""
        if kernel_name and kernel_name != self.kernel_name:
            self.shutdown()
            self.kernel_name = kernel_name
        if self.km is not None and (self.uses >= self.max_uses or not run_sync(self.km.is_alive)()):
            self.shutdown()
        for attempt in (1, 2):  # a kernel that cannot be wiped is replaced by a new one, once
            if self.km is None:
                self._start(cwd)
            try:
                self._run(_RESET.format(cwd=str(cwd)), self.reset_timeout)
                break
            except BaseException:
                self.shutdown()  # never run a notebook on a kernel that could not be wiped
                if attempt == 2:
                    raise
        run_sync(self.km.connect_next_client)()  # type: ignore[union-attr]
        self.uses += 1
        assert self.km is not None
        return self.km

    def finished(self, ok: bool) -> None:
        """After a notebook: close its client; a failed (or timed-out, or killed) notebook costs the kernel."""
        if self.km is not None:
            self.km.close_clients()
        if not ok:
            self.shutdown()

    def stderr_since_last(self) -> str:
        """What the kernel wrote on its own stderr since the last call (for the job log)."""
        self._stderr.flush()
        with open(self._stderr.name, "rb") as fh:
            fh.seek(self._stderr_seen)
            data = fh.read()
        self._stderr_seen += len(data)
        return data.decode(errors="replace")

    # ------------------------------------------------------------------ helpers ----
    def _run(self, code: str, timeout: int, started: bool = False) -> None:
        assert self.km is not None
        run_sync(self._arun if started else self._arun_shell)(code, timeout)

    async def _arun(self, code: str, timeout: int) -> None:
        """Run ``code`` on a kernel just started: wait until it answers, then execute."""
        assert self.km is not None
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=self.startup_timeout)
            reply = await kc.execute_interactive(code, silent=True, store_history=False, timeout=timeout,
                                                 output_hook=lambda msg: None)
        finally:
            self.km.close_clients()
        self._check(reply)

    async def _arun_shell(self, code: str, timeout: int) -> None:
        """Run ``code`` on a kernel that is up, waiting for its execute reply on the shell channel alone."""
        import time

        assert self.km is not None
        kc = self.km.client()
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
            deadline = time.monotonic() + timeout
            while True:
                reply = await kc.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.001))
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        finally:
            self.km.close_clients()
        self._check(reply)

    @staticmethod
    def _check(reply: dict) -> None:
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelResetError(f"{content.get('ename', 'error')}: {content.get('evalue', '')}")
