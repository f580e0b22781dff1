"""How a build records invalid input in the manifest (unit level: no notebook runs)."""

from __future__ import annotations

from pathlib import Path

from solutions.errors import InputError, user_problems
from solutions.pipeline.build import BuildReport, Context, _entry
from solutions.pipeline.execute import Outcome
from solutions.pipeline.plan import Decision, Key


class KernelError(Exception):
    """Stands for papermill's PapermillExecutionError: only the name and text of the kernel's exception."""

    def __init__(self, ename: str, evalue: str):
        super().__init__(evalue)
        self.ename, self.evalue = ename, evalue


def context(tmp_path: Path) -> Context:
    c = Context.__new__(Context)
    c.output_root = tmp_path
    c.countries = {}
    c.gcfg = type("G", (), {"report_year": 2026})()
    return c


def test_user_problems_read_through_the_kernel_boundary() -> None:
    assert user_problems(InputError(["a.csv: one", "b.csv: two"])) == ["a.csv: one", "b.csv: two"]
    assert user_problems(KernelError("InputError", "a.csv: one\nb.csv: two\n")) == ["a.csv: one", "b.csv: two"]
    assert user_problems(KernelError("ValueError", "a.csv: one")) == []
    assert user_problems(RuntimeError("boom")) == []


def test_rejection_keeps_the_published_entry_and_is_forgotten_when_up_to_date(tmp_path: Path) -> None:
    c = context(tmp_path)
    good = {"state": "ok", "key": {"data:households": "old"}, "digest": "d-old", "finished": "yesterday"}
    d = Decision("page", Key({"data:households": "new"}), True, ["data:households"])
    bad = Outcome("page", "failed", 1.0, error="InputError: x", log=str(tmp_path / "2026/logs/x.log"),
                  problems=["hh.csv: column 'w' (weight): 1 row with missing weight (row 3)"])
    entry = _entry(c, d, bad, good)
    assert {k: entry[k] for k in good} == good  # what is published does not move
    assert entry["rejected"]["problems"] == bad.problems and entry["rejected"]["digest"] == d.key.digest
    assert entry["rejected"]["inputs"] == {"households": "new"} and entry["rejected"]["log"] == "logs/x.log"
    up_to_date = _entry(c, Decision("page", Key(good["key"]), False), None, entry)
    assert up_to_date == good
    never_built = _entry(c, d, bad, None)
    # `error` is what a page may show (no path, no value); the details stay in `detail` and `rejected`
    assert never_built["state"] == "failed" and never_built["error"] == "invalid input (1 problem)"
    assert never_built["detail"] == "InputError: x" and never_built["rejected"]["problems"] == bad.problems
    crash = _entry(c, d, Outcome("page", "failed", 1.0, error="ValueError: boom 'secret value'"), good)
    assert {k: crash[k] for k in good} == good and "rejected" not in crash  # a crash also keeps the good build
    assert crash["stale"]["error"] == "the build failed" and crash["stale"]["detail"].startswith("ValueError")


def test_invalid_input_outranks_a_crash_in_the_exit_code() -> None:
    from solutions.cli import _exit_code

    crash = Outcome("country-QAB", "failed", 1.0, error="ValueError: boom")
    invalid = Outcome("country-QAC", "failed", 1.0, error="InputError: x", problems=["x"])
    assert _exit_code(BuildReport(ran=[crash])) == 1
    assert _exit_code(BuildReport(ran=[crash, invalid])) == 2
    assert _exit_code(BuildReport(ran=[Outcome("global", "ok", 1.0)])) == 0
