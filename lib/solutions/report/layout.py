"""A precomputed figure layout: panels stacked vertically with fixed margins measured from the labels.

matplotlib's constrained layout draws every figure once more just to measure it; it was the biggest single
cost of the report's charts. Here the margins are computed from text metrics before anything is drawn:
the left margin fits the longest y tick label (measured with the house font), every panel gets room for
its title, rows, x axis and legend, and the figure height is the sum. Charts call :func:`stack`.

Every chart is laid out twice: at ``style.FIG_WIDTH`` for a laptop, and at ``PHONE_WIDTH`` for a phone, where
its SVG is shown at its natural size (its smallest text 12 px) instead of a desktop chart shrunk or scrolling
sideways. A builder decorated with :func:`phone_layout` records how to draw itself again; ``figures`` asks
:func:`phone_figure` for the narrow drawing when it saves the wide one.
"""

from __future__ import annotations

import contextlib
import functools
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from . import chart_store, style

#: Heights in inches of the parts of a panel.
TITLE_H = 0.30
ROW_H = 0.30
XAXIS_H = 0.26  # tick labels
XLABEL_H = 0.22
NOTE_H = 0.20  # one line of annotation below the axis
LEGEND_ROW_H = 0.24
PANEL_GAP = 0.16
TOP_PAD = 0.06
RIGHT_PAD = 0.26  # room for half of the last x tick label ("100%") inside the figure
LEFT_PAD = 0.12
MIN_LEFT = 0.55

_TEXT = TextToPath()

#: A phone's chart width in inches: 317 CSS px at natural size, inside the text column of a 375 px phone on
#: both renderers (323 px on Quarto, 351 px on nbconvert), so its 9 pt text renders at 12 px.
PHONE_WIDTH = 3.3
_WIDTH: ContextVar[float] = ContextVar("solutions_figure_width", default=style.FIG_WIDTH)
_REDRAW: weakref.WeakKeyDictionary[Figure, Callable[[], Figure | None]] = weakref.WeakKeyDictionary()
_Builder = TypeVar("_Builder", bound=Callable[..., Any])


def xlabel_h() -> float:
    """Room for the x axis label: two lines on a phone's chart (see ``charts.base.axis_label``)."""
    return XLABEL_H * 2 if is_narrow() else XLABEL_H


def figure_width() -> float:
    """The width (inches) charts are being laid out for: ``style.FIG_WIDTH``, or ``PHONE_WIDTH`` in
    :func:`narrow`."""
    return _WIDTH.get()


def is_narrow() -> bool:
    return _WIDTH.get() == PHONE_WIDTH


@contextlib.contextmanager
def narrow() -> Iterator[None]:
    """Lay charts out for a phone inside this block."""
    token = _WIDTH.set(PHONE_WIDTH)
    try:
        yield
    finally:
        _WIDTH.reset(token)


def phone_layout(builder: _Builder) -> _Builder:
    """Decorate a chart builder: the wide figure it returns remembers how to be drawn again for a phone.

    While a page keeps its charts (``chart_store``), a call whose drawing is stored returns that
    ``DrawnChart`` instead of a figure: nothing is laid out or drawn again."""

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> Any:
        if is_narrow():
            return builder(*args, **kwargs)
        key, drawn = chart_store.lookup(builder, args, kwargs, figure_width())
        if drawn is not None:
            return drawn
        fig = builder(*args, **kwargs)
        if isinstance(fig, Figure):
            _REDRAW[fig] = functools.partial(builder, *args, **kwargs)
            if key is not None:
                chart_store.remember(fig, key)
        return fig

    return build  # type: ignore[return-value]


def phone_figure(fig: Figure) -> Figure | None:
    """The phone drawing of a wide figure made by a :func:`phone_layout` builder (None for another figure)."""
    redraw = _REDRAW.pop(fig, None)
    if redraw is None:
        return None
    with narrow():
        return redraw()


@lru_cache(maxsize=4096)
def text_width(text: str, size: float = style.FONT_SIZE, bold: bool = False) -> float:
    """Width in inches of ``text`` set in the house font at ``size`` points (widest line)."""
    prop = FontProperties(family=style.FONT_FAMILY, size=size, weight="bold" if bold else "normal")
    widest = 0.0
    for line in str(text).split("\n") or [""]:
        w, _h, _d = _TEXT.get_text_width_height_descent(line, prop, ismath=False)
        widest = max(widest, w)
    return widest / 72.0


@dataclass(frozen=True)
class Panel:
    """What one panel needs room for: data rows, a title line, x tick labels, an x label, extra note lines
    below the axis and legend rows."""

    rows: float
    title: bool = True
    xaxis: bool = True
    xlabel: bool = True
    notes: int = 0
    legend_rows: int = 0
    row_h: float = ROW_H

    @property
    def body(self) -> float:
        return max(self.rows, 1.0) * self.row_h

    @property
    def below(self) -> float:
        return (XAXIS_H if self.xaxis else 0.0) + (xlabel_h() if self.xlabel else 0.0) + NOTE_H * self.notes + (
            LEGEND_ROW_H * self.legend_rows + (0.08 if self.legend_rows else 0.0))

    @property
    def height(self) -> float:
        return (TITLE_H if self.title else 0.0) + self.body + self.below


def left_margin(labels: Sequence[str], size: float = style.FONT_SIZE) -> float:
    """Left margin (inches) that fits the widest y tick label."""
    widest = max((text_width(lbl, size) for lbl in labels), default=0.0)
    return max(MIN_LEFT, widest + LEFT_PAD + 0.08)


def stack(
    panels: Sequence[Panel],
    *,
    left: float,
    width: float | None = None,
    right: float = RIGHT_PAD,
    extra_right: float = 0.0,
) -> tuple[Figure, list[Axes]]:
    """A figure with ``panels`` stacked top to bottom at fixed positions (no layout engine); ``width``
    defaults to :func:`figure_width`."""
    width = figure_width() if width is None else width
    height = TOP_PAD + sum(p.height for p in panels) + PANEL_GAP * max(len(panels) - 1, 0)
    fig = Figure(figsize=(width, height), layout=None)
    # an Agg canvas caches one renderer: without it every text measurement (seaborn's tick-overlap check,
    # a window extent) builds and drops a whole pixel buffer: slow, and the heap keeps ~3 MB per call
    FigureCanvasAgg(fig)
    axes: list[Axes] = []
    top = height - TOP_PAD
    ax_w = max(width - left - right - extra_right, 0.5)
    for p in panels:
        y_top = top - (TITLE_H if p.title else 0.0)
        y_bottom = y_top - p.body
        axes.append(fig.add_axes((left / width, y_bottom / height, ax_w / width, p.body / height)))
        top = y_bottom - p.below - PANEL_GAP
    return fig, axes


def below_axes(ax: Axes, inches: float) -> float:
    """Axes-fraction y coordinate ``inches`` below the bottom of ``ax`` (for notes and legends)."""
    height = ax.get_position().height * ax.figure.get_figheight()
    return -inches / height
