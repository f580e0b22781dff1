"""The one place report HTML leaves the library: ``emit`` displays it, ``capture`` collects it (tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from IPython.display import HTML, display

_captured: list[list[str]] = []


def emit(markup: str, *, metadata: dict[str, Any] | None = None) -> None:
    """Display ``markup`` as HTML output (or record it inside ``capture()``); empty markup is skipped."""
    if not markup:
        return
    if _captured:
        _captured[-1].append(markup)
        return
    if metadata:
        display(HTML(markup), metadata=metadata)
    else:
        display(HTML(markup))


def capturing() -> bool:
    """True inside ``capture()``."""
    return bool(_captured)


@contextmanager
def capture() -> Iterator[list[str]]:
    """Collect everything emitted inside the block as a list of HTML strings instead of displaying it."""
    sink: list[str] = []
    _captured.append(sink)
    try:
        yield sink
    finally:
        _captured.pop()
