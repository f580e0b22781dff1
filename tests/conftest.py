"""Suite-wide pytest settings."""

from __future__ import annotations

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Make `xdist_group` marks work under pytest 9 with `--dist loadgroup`.

    Why: pytest-xdist 3.8 tags a grouped test by assigning `item._nodeid = "<id>@<group>"` on each worker, but
    pytest 9 derives `nodeid` from `item._id`, so the tag is lost and grouped tests (a shared built project, the
    Dask cluster, the browser) are spread over both workers, each building its own copy. Setting `_id` to the
    tagged id does what xdist meant; the controller's loadgroup scheduler reads the group after the `@`.
    """
    if not hasattr(config, "workerinput") or not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest < 9: xdist's own tagging works
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
