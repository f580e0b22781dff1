"""Drawn charts kept between builds, keyed by what they are drawn from, so each chart is drawn once.

A page re-runs whenever any presentation code changes (a sentence of a template, a table), but most of its
cost is drawing its charts twice (laptop and phone), and a chart depends only on its builder, the builder's
arguments, the chart code and the plotting libraries. The store keeps each chart's two SVGs under the
SHA-256 of exactly those: the files of ``CHART_CODE``, the versions of matplotlib, seaborn, numpy, pandas and
the library, the matplotlib settings in force, the builder's module and name, the width it is laid out for
and its arguments. A chart whose inputs or code changed gets a new key and is drawn; nothing is ever
invalidated by hand. A hit returns the same bytes a fresh drawing gives (charts are drawn deterministically,
``svg_canvas``; tests/report/test_chart_store.py compares the two).

Arguments are encoded explicitly (``_encode``): scalars, containers, dataclasses, pydantic models and pandas
or numpy data (dtype, shape, index and values; numbers by their bytes). Anything else (a function, an open file) makes the chart uncacheable: it is drawn, not
guessed at. Sets are sorted, so a key never depends on the interpreter's hash seed.

One folder per page (``outputs/<year>/.chart-cache/<page>``), opened by ``blocks.publish_chart_data``. When
a page opens its folder, the entries its previous run did not use are deleted (a hit refreshes an entry's
time), so a folder holds at most two runs' charts. A damaged entry is a miss, never an error.

``SOS_CHART_STORE`` (environment) names a second, shared level: a folder of drawn charts that builds into
different output folders read and fill (keys say everything a drawing depends on, so a chart drawn for one
output folder is the same for any other). A page folder's miss is looked up there, and a hit is copied into
the page folder, whose pruning works as without it; the shared folder is never pruned (delete it to empty it).
The test suite sets one per run, so its many builds of the demo draw each chart once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import json
import os
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

import solutions
from solutions.atomic import write_text
from solutions.code_digest import modules_sha256

#: The library code a chart's drawing depends on: the builders and every module they import (a test follows
#: their imports and fails when one is missing here), the layout, the SVG canvas and ``figures.figure_svg``.
CHART_CODE: tuple[str, ...] = (
    "solutions.report.charts", "solutions.report.layout", "solutions.report.style", "solutions.report.svg_canvas",
    "solutions.report.figures", "solutions.report.chart_store", "solutions.report.cells",
    "solutions.report.formatting", "solutions.report.records", "solutions.report.wording", "solutions.config",
    "solutions.catalogue", "solutions.expressions", "solutions.code_digest", "solutions.atomic",
    "solutions.__init__",
)
FOLDER = ".chart-cache"
SHARED_ENV = "SOS_CHART_STORE"
_MARKER = ".opened"
_MAX_ENTRY_BYTES = 50 * 1024 * 1024  # an entry larger than this is not read (a damaged or foreign file)


@dataclass(frozen=True)
class DrawnChart:
    """A chart as SVG: the laptop drawing and its size in inches, and the phone drawing (b"" if none)."""

    svg: bytes
    size: tuple[float, float]
    phone_svg: bytes = b""
    phone_size: tuple[float, float] = (0.0, 0.0)

    def to_json(self) -> str:
        return json.dumps({"svg": self.svg.decode("utf-8"), "size": list(self.size),
                           "phone_svg": self.phone_svg.decode("utf-8"), "phone_size": list(self.phone_size)})

    @classmethod
    def from_json(cls, text: str) -> DrawnChart:
        d = json.loads(text)
        return cls(svg=str(d["svg"]).encode("utf-8"), size=(float(d["size"][0]), float(d["size"][1])),
                   phone_svg=str(d["phone_svg"]).encode("utf-8"),
                   phone_size=(float(d["phone_size"][0]), float(d["phone_size"][1])))


class Uncacheable(TypeError):
    """A builder argument the key cannot encode exactly: the chart is drawn, not stored."""


_folder: list[Path] = []
_keys: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()


def open_folder(folder: str | Path) -> None:
    """Keep the charts drawn from now on in ``folder`` (created); entries the previous run of this page did not
    use are deleted first."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    marker = path / _MARKER
    if marker.is_file():
        previous_start = marker.stat().st_mtime
        for entry in path.glob("*.json"):
            with contextlib.suppress(OSError):  # gone already, or not ours to delete: a miss at worst
                if entry.stat().st_mtime < previous_start:
                    entry.unlink()
    marker.touch()
    _folder[:] = [path]


def close_folder() -> None:
    """Charts drawn from now on are not stored (tests; a page without an output folder)."""
    _folder.clear()


def lookup(builder: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any],
           width: float) -> tuple[str | None, DrawnChart | None]:
    """The key of a builder call and the stored drawing, if any; (None, None) when no folder is open or an
    argument cannot be encoded."""
    if not _folder:
        return None, None
    try:
        key = chart_key(builder, args, kwargs, width)
    except Uncacheable:
        return None, None
    entry = _folder[0] / f"{key}.json"
    drawn = _read(entry)
    if drawn is not None:
        with contextlib.suppress(OSError):
            os.utime(entry, None)  # used by this run: kept by the next one's pruning
        return key, drawn
    shared = _shared_folder()
    drawn = _read(shared / f"{key}.json") if shared is not None else None
    if drawn is not None:
        _write(entry, drawn)  # the page folder holds what its run used, as if drawn here
    return key, drawn


def _read(entry: Path) -> DrawnChart | None:
    try:
        if entry.stat().st_size > _MAX_ENTRY_BYTES:
            return None
        return DrawnChart.from_json(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _write(entry: Path, drawn: DrawnChart) -> None:
    with contextlib.suppress(OSError):  # a full disk or a read-only folder costs a redraw next time, not the page
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_text(entry, drawn.to_json())


def _shared_folder() -> Path | None:
    """The shared level named by ``SOS_CHART_STORE``, if any."""
    value = os.environ.get(SHARED_ENV, "").strip()
    return Path(value) if value else None


def remember(fig: Figure, key: str) -> None:
    """``fig`` was drawn for ``key``: ``keep`` stores its SVGs under it."""
    _keys[fig] = key


def keep(fig: Figure, drawn: DrawnChart) -> None:
    """Store the SVGs of ``fig`` under the key its builder call had (nothing if it had none)."""
    key = _keys.pop(fig, None)
    if key is None or not _folder:
        return
    _write(_folder[0] / f"{key}.json", drawn)
    shared = _shared_folder()
    if shared is not None:
        _write(shared / f"{key}.json", drawn)


def chart_key(builder: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any], width: float) -> str:
    """SHA-256 of the chart code, the plotting libraries, the settings in force, the builder, the layout width
    and the arguments; raises ``Uncacheable`` for an argument it cannot encode."""
    h = hashlib.sha256()
    h.update(_code_and_libraries().encode())
    # matplotlib's settings as their repr (strings, numbers, lists, a cycler: deterministic, 0.6 ms)
    h.update(repr(sorted(dict(matplotlib.rcParams).items())).encode())
    h.update(f"{builder.__module__}.{builder.__qualname__}\0{width!r}\0".encode())
    h.update(_encode((args, dict(kwargs))))
    return h.hexdigest()


@lru_cache(maxsize=1)
def _code_and_libraries() -> str:
    versions = [f"{m.__name__} {m.__version__}" for m in (matplotlib, sns, np, pd)]
    return modules_sha256(CHART_CODE, solutions.__version__, *versions)


def _encode(obj: Any) -> bytes:
    """Exact bytes for a builder argument: equal bytes only for equal values of the same types."""
    out: list[bytes] = []
    _put(obj, out)
    return b"".join(out)


#: Types whose repr is exact and tells them apart (a float's repr round-trips; 1, 1.0 and True differ).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _put(obj: Any, out: list[bytes]) -> None:  # noqa: C901 - one branch per kind of value
    if obj is None or isinstance(obj, bool | int | float | complex | str | bytes):
        out.append(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, enum.Enum):
        out.append(f"enum:{type(obj).__module__}.{type(obj).__qualname__}.{obj.name};".encode())
    elif obj is pd.NA or obj is pd.NaT:
        out.append(f"{obj!r};".encode())
    elif isinstance(obj, pd.Timestamp | pd.Timedelta | np.datetime64 | np.timedelta64):
        out.append(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, np.generic):
        out.append(f"np.{obj.dtype.str}:".encode())
        _put(obj.item(), out)
    elif isinstance(obj, pd.DataFrame):
        out.append(f"DataFrame[{obj.shape}:".encode())
        _put(list(obj.columns), out)
        _put(obj.index, out)
        for i in range(obj.shape[1]):  # by position: the index once, not again with every column
            column = obj.iloc[:, i]
            out.append(f"{column.dtype}:".encode())
            _put(column.to_numpy(), out)
        out.append(b"]")
    elif isinstance(obj, pd.Series | pd.Index):
        out.append(f"{type(obj).__name__}:{obj.dtype}:".encode())
        _put(obj.name, out)
        if isinstance(obj, pd.Series):
            _put(obj.index, out)
        _put(obj.to_numpy(), out)
    elif isinstance(obj, np.ndarray):
        out.append(f"ndarray:{obj.dtype.str}:{obj.shape}:".encode())
        if obj.dtype.kind in "biufc":  # numbers: their bytes, exactly
            out.append(np.ascontiguousarray(obj).tobytes())
        else:
            _put(obj.tolist(), out)
    elif isinstance(obj, list | tuple) and {type(v) for v in obj} <= _PLAIN:  # a column's values: one repr
        out.append(f"{type(obj).__name__}[{len(obj)}:{obj!r}]".encode())
    elif isinstance(obj, list | tuple):
        out.append(f"{type(obj).__name__}[{len(obj)}:".encode())
        for item in obj:
            _put(item, out)
        out.append(b"]")
    elif isinstance(obj, set | frozenset):
        out.append(f"{type(obj).__name__}{{{len(obj)}:".encode())
        for item in sorted(_encode(i) for i in obj):
            out.append(item)
        out.append(b"}")
    elif isinstance(obj, Mapping):
        out.append(f"{type(obj).__name__}{{{len(obj)}:".encode())
        for k, v in sorted((_encode(k), _encode(v)) for k, v in obj.items()):
            out.append(k + b"=" + v)
        out.append(b"}")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out.append(f"dc:{type(obj).__module__}.{type(obj).__qualname__}(".encode())
        _put({f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}, out)
        out.append(b")")
    elif hasattr(obj, "model_dump") and hasattr(type(obj), "model_fields"):  # a pydantic model
        out.append(f"model:{type(obj).__module__}.{type(obj).__qualname__}(".encode())
        _put(obj.model_dump(), out)
        out.append(b")")
    else:
        raise Uncacheable(f"cannot encode a {type(obj).__module__}.{type(obj).__qualname__}")
