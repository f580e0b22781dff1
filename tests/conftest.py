"""Suite-wide pytest settings: how tests are grouped on pytest-xdist workers (`make test`: -n 2, loadgroup)."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CHART_STORE_ENV = "SOS_CHART_STORE"  # solutions.report.chart_store.SHARED_ENV (not imported: collection stays light)


def pytest_configure(config: pytest.Config) -> None:
    """One shared chart store for the run (``chart_store``'s ``SOS_CHART_STORE``): the suite builds the demo
    dozens of times, and a chart is the same drawing in every one of them (its key says all it depends on;
    tests/report/test_chart_store.py shows a stored drawing equals a fresh one), so each is drawn once. Set by
    the controller before xdist starts its workers, which inherit it with their kernels and CLI runs; never a
    folder of the user's (a store they set is replaced for the run)."""
    if hasattr(config, "workerinput"):
        return
    folder = tempfile.mkdtemp(prefix="sos-test-charts-")
    config._sos_chart_store = folder  # type: ignore[attr-defined]
    os.environ[CHART_STORE_ENV] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_sos_chart_store", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group tests on xdist workers: the `xdist_group` marks, and the tests that share a built fixture.

    Why the marks need this: pytest-xdist 3.8 tags a grouped test by assigning `item._nodeid = "<id>@<group>"` on
    each worker, but pytest 9 derives `nodeid` from `item._id`, so the tag is lost and grouped tests (a shared built
    project, the Dask cluster, the browser) are spread over both workers, each building its own copy. Setting `_id`
    to the tagged id does what xdist meant; the controller's loadgroup scheduler reads the group after the `@`.

    Why the fixtures: a module- or session-scoped fixture of this suite (a demo build, an R run, a rendered site)
    is made once per worker that runs a test needing it. Without a mark, loadgroup sends each test on its own, so
    both workers made it (see `shared_fixture_groups`). Grouping changes where a test runs, never what it checks.
    """
    if not hasattr(config, "workerinput") or not getattr(config.option, "loadgroup", False):
        return
    groups = shared_fixture_groups(items)
    for item in items:
        if "@" not in item.nodeid and item in groups:
            _tag(item, groups[item])


def _tag(item: pytest.Item, group: str) -> None:
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest < 9: the node id is the attribute xdist itself sets
        item._nodeid = f"{item.nodeid}@{group}"
        return
    item._id = NodeId.parse(f"{item.nodeid}@{group}")


def _marked(item: pytest.Item) -> list[str]:
    return sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                   for m in item.iter_markers("xdist_group")})


def _shared_fixtures(item: pytest.Item) -> list[str]:
    """Keys of the module- and session-scoped fixtures of this suite the test uses (directly or through another
    fixture): a module fixture is made once per module, so its key is the module; a session one, its definition."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    keys = []
    for name in info.names_closure:
        defs = info.name2fixturedefs.get(name)
        if not defs:
            continue
        fixture = defs[-1]
        if fixture.scope not in ("module", "package", "session"):
            continue
        try:
            source = Path(inspect.getsourcefile(fixture.func) or "").resolve()
        except TypeError:
            continue
        if TESTS not in source.parents:  # pytest's and plugins' own (tmp_path_factory...) cost nothing
            continue
        if fixture.scope == "session":
            keys.append(f"{source.relative_to(TESTS).as_posix()}::{name}")
        else:
            keys.append(f"module:{item.nodeid.split('::', 1)[0]}")
    return keys


def shared_fixture_groups(items: list[pytest.Item]) -> dict[pytest.Item, str]:
    """The xdist group of every test that shares an expensive fixture with another, or carries a mark.

    Tests are joined when they share a module/session fixture of this suite or an `xdist_group` mark (union-find
    over those keys); each joined set runs on one worker under one name: its marks' names when it has any (so a
    test that reads the session build of a marked group joins that group), else its fixture's module or name.
    Same collection, same names: both workers must agree on every node id.
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    keys_of: dict[pytest.Item, list[str]] = {}
    for item in items:
        keys = [f"mark:{name}" for name in _marked(item)] + _shared_fixtures(item)
        if not keys:
            continue
        keys_of[item] = keys
        for key in keys[1:]:
            a, b = find(keys[0]), find(key)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, set[str]] = {}
    for keys in keys_of.values():
        for key in keys:
            members.setdefault(find(key), set()).add(key)
    names = {}
    for root, keys in members.items():
        marks = sorted(k.removeprefix("mark:") for k in keys if k.startswith("mark:"))
        name = "_".join(marks) if marks else sorted(keys)[0].removeprefix("module:").removeprefix("tests/")
        names[root] = re.sub(r"[^\w.-]+", "-", name)  # no '::', '/' or '@' inside a node id's group
    return {item: names[find(keys[0])] for item, keys in keys_of.items()}
