"""What every chart shares: the house constants, withheld and flagged rows, dots and whiskers, row labels,
section headers and keys (plain text and patches: a matplotlib Legend per panel costs more than the marks)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator, PercentFormatter
from matplotlib.transforms import blended_transform_factory

from .. import layout, style
from ..cells import is_flagged
from ..formatting import signed
from ..records import row_dicts
from ..wording import FLAG_MARK

METRIC_LABELS = {
    "idp_stock": "IDPs (stock)",
    "new_displacements": "New displacements",
    "returns": "Returns",
}
METRIC_COLOURS = {
    "idp_stock": style.GROUP_COLOURS["idp"],
    "new_displacements": style.OKABE_ITO["vermillion"],
    "returns": style.GROUP_COLOURS["returnee"],
}
CATEGORY_PALETTE = [
    style.OKABE_ITO["sky_blue"],
    style.OKABE_ITO["orange"],
    style.OKABE_ITO["bluish_green"],
    style.OKABE_ITO["yellow"],
    style.OKABE_ITO["reddish_purple"],
    style.OKABE_ITO["blue"],
    style.OKABE_ITO["vermillion"],
    "#999999",
]
CATEGORY_HATCHES = ["", "//", "..", "\\\\", "xx", "--", "oo", "++"]
PERCENT_TICKS = [0.0, 0.25, 0.5, 0.75, 1.0]
MARK_COLOUR = "#333333"
GRID = style.HOUSE_RC["grid.color"]

# ----------------------------------------------------------------- helpers ----
def value_axis(ax: Axes, *, percent: bool, axis: str = "x", gap: bool = False) -> None:
    target = ax.xaxis if axis == "x" else ax.yaxis
    if percent and gap:
        target.set_major_formatter(FuncFormatter(lambda v, _: signed(v * 100, 0)))
    elif percent:
        target.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if percent and not gap:
        target.set_major_locator(FixedLocator(PERCENT_TICKS))
    else:
        target.set_major_locator(MaxNLocator(nbins=3 if layout.is_narrow() else 5))  # a phone: labels apart


def with_withheld(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in house group order, with a ``withheld`` column (flagged suppressed, or no estimate)."""
    if rows.empty:
        return rows.assign(withheld=pd.Series(dtype=bool))
    order = {g: i for i, g in enumerate(style.order_groups(rows["group"]))}
    flagged = rows["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
        if "suppressed" in rows.columns else np.zeros(len(rows), dtype=bool)
    value = rows["estimate"] if "estimate" in rows.columns else rows.get("gap", pd.Series(np.nan, rows.index))
    withheld = flagged | value.isna().to_numpy(dtype=bool)
    out = rows.assign(withheld=withheld, _order=rows["group"].map(order))
    return out.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def fit_lines(text: str, width: float, size: float = style.SMALL_SIZE) -> str:
    """``text`` broken between words into lines no wider than ``width`` inches (a phone's narrow chart)."""
    lines: list[str] = []
    for word in str(text).split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and layout.text_width(joined, size) * 1.05 <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return "\n".join(lines)


#: Line spacing of text broken into lines on a phone's chart (lines' boxes must not overlap).
LINESPACING = 1.3


def axis_label(ax: Axes, text: str) -> None:
    """The x axis label; on a phone's chart centred on the figure and broken into (at most two) lines, since
    the plot is narrower than the label."""
    ax.set_xlabel(text)
    if layout.is_narrow():
        fig = ax.figure
        ax.set_xlabel(fit_lines(text, fig.get_figwidth() - 0.2, style.FONT_SIZE), linespacing=LINESPACING)
        ax.xaxis.set_label_coords(0.5, layout.below_axes(ax, layout.XAXIS_H),
                                  transform=blended_transform_factory(fig.transFigure, ax.transAxes))
        ax.xaxis.label.set_verticalalignment("top")


def text_mark(ax: Axes, y: float, text: str, *, x: float = 0.01, right: float = layout.RIGHT_PAD * 0.8) -> None:
    """A withheld value's reason, written in its row from the left of the plot; on a phone's narrow chart
    broken into lines that end at most ``right`` inches right of the plot (0 when a status column follows it).
    Its row needs room for two lines there: see :func:`row_positions`."""
    if layout.is_narrow():
        fig_w = ax.figure.get_figwidth()
        pos = ax.get_position()
        text = fit_lines(text, (pos.x1 - pos.x0) * fig_w * (1 - x) + right)
    # on a white ground: the reason stays legible where it crosses a reference line, a band or a gridline
    ax.text(x, y, text, transform=ax.get_yaxis_transform(), va="center", ha="left", fontsize=style.SMALL_SIZE,
            fontstyle="italic", color=MARK_COLOUR, linespacing=LINESPACING, zorder=5,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6})


def panel_title(ax: Axes, text: str, sub: str = "") -> None:
    """Panel title from the figure's left edge (long titles get the full width), a note at the right."""
    left = blended_transform_factory(ax.figure.transFigure, ax.transAxes)
    ax.text(0.012, 1.0 + 0.1 / (ax.get_position().height * ax.figure.get_figheight()), text, transform=left,
            ha="left", va="bottom", fontsize=style.TITLE_SIZE, fontweight="bold", color="#111111")
    if sub:
        ax.text(1.0, 1.02, sub, transform=ax.transAxes, ha="right", va="bottom", fontsize=style.SMALL_SIZE,
                color=MARK_COLOUR)


def wrap_label(label: str, width: int | None = None, lines: int = 2) -> str:
    """A long row label (a country's official name) on at most ``lines`` lines, so the plot keeps its width
    (narrower lines on a phone's chart)."""
    width = width or (13 if layout.is_narrow() else 18)
    return textwrap.fill(str(label), width, max_lines=lines, placeholder="…", break_long_words=False) \
        if len(str(label)) > width else str(label)


def rows_axis(ax: Axes, labels: Sequence[str], lines: int = 2, width: int | None = None) -> None:
    """Row labels as plain text left of the axes: tick objects are the costliest part of an axes."""
    ax.yaxis.set_major_locator(NullLocator())
    ax.set_ylim(len(labels) - 0.5, -0.5)
    for i, label in enumerate(labels):
        ax.text(-0.02, i, wrap_label(label, width, lines=lines), transform=ax.get_yaxis_transform(), ha="right",
                va="center", ma="right", fontsize=style.FONT_SIZE, color="#222222")


def dots(ax: Axes, data: pd.DataFrame, y: Sequence[float], *, size: float = 64) -> None:
    """Dot-and-whisker per row (group colour and marker): CI as a line, estimate as a marker, hollow when the
    estimate is flagged. One collection for all whiskers and one per group and fill for the markers
    (artists are what a chart costs)."""
    groups = data["group"].astype(str).to_numpy()
    y = np.asarray(y, dtype=float)
    lo = pd.to_numeric(data.get("ci_low"), errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(data.get("ci_high"), errors="coerce").to_numpy(dtype=float)
    est = pd.to_numeric(data["estimate"], errors="coerce").to_numpy(dtype=float)
    flagged = np.array([is_flagged(r) for r in row_dicts(data)], dtype=bool)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if ok.any():
        ax.hlines(y[ok], lo[ok], hi[ok], colors=[style.group_colour(g) for g in groups[ok]], linewidth=2.2,
                  zorder=2)
    for g in dict.fromkeys(groups):
        for hollow in (False, True):
            sel = (groups == g) & (flagged == hollow)
            if not sel.any():
                continue
            colour = style.group_colour(g)
            ax.scatter(est[sel], y[sel], s=size, marker=style.group_marker(g),
                       facecolors="white" if hollow else colour, edgecolors=colour if hollow else "white",
                       linewidths=1.8 if hollow else 0.8, zorder=3)


def any_flagged(rows: pd.DataFrame | None) -> bool:
    """Whether a published row of ``rows`` is flagged (its marker is drawn hollow)."""
    return rows is not None and not rows.empty and any(is_flagged(r) for r in row_dicts(rows))


def drawable(rows: pd.DataFrame | None, value: str = "estimate") -> bool:
    """Whether ``rows`` hold at least one published number to draw."""
    if rows is None or rows.empty or value not in rows.columns:
        return False
    withheld = rows["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
        if "suppressed" in rows.columns else np.zeros(len(rows), dtype=bool)
    return bool((rows[value].notna().to_numpy(dtype=bool) & ~withheld).any())


def figure_left(labels: Sequence[str], lines: int = 2, width: int | None = None) -> float:
    """The left margin that fits ``labels`` wrapped as :func:`rows_axis` and :func:`forest_axes` set them."""
    return layout.left_margin([wrap_label(lbl, width, lines=lines) for lbl in labels], style.FONT_SIZE)


@dataclass(frozen=True)
class KeyEntry:
    """One entry of a chart key: a swatch (``fill``, optional ``hatch``) or a group's line and marker
    (``hollow``: the flagged-estimate marker)."""

    label: str
    colour: str
    hatch: str | None = None
    marker: str | None = None
    hollow: bool = False


FLAG_KEY_LABEL = f"hollow marker ({FLAG_MARK}): flagged, read with care"


def flag_key() -> KeyEntry:
    """The key entry explaining hollow markers (added to a chart that draws one)."""
    return KeyEntry(FLAG_KEY_LABEL, MARK_COLOUR, marker="o", hollow=True)


KEY_GID = "sos-key"


def draw_key(ax: Axes, entries: Sequence[KeyEntry], *, trans, row_y, swatch_h: float, ncol: int = 2) -> None:
    """Key entries from the figure's left edge, read left to right and row by row (``entries`` order);
    ``row_y(row)`` gives each key row's y in ``trans``. Plain patches and text: a matplotlib Legend per
    panel costs more than the bars it explains."""
    fig = ax.figure
    col_w = (fig.get_figwidth() - 0.2) / ncol / fig.get_figwidth()
    sw = 0.22 / fig.get_figwidth()
    for k, e in enumerate(entries):
        row, col = divmod(k, ncol)
        x, y = 0.012 + col * col_w, row_y(row)
        if e.marker:
            ax.add_line(Line2D([x, x + sw], [y, y], transform=trans, color=e.colour, linewidth=2.2, clip_on=False))
            ax.add_line(Line2D([x + sw / 2], [y], transform=trans, color=e.colour, marker=e.marker, markersize=6.5,
                               markerfacecolor="white" if e.hollow else e.colour,
                               markeredgecolor=e.colour if e.hollow else "white",
                               markeredgewidth=1.6 if e.hollow else 1.0, linestyle="none", clip_on=False))
        elif e.colour:
            ax.add_patch(Rectangle((x, y - swatch_h / 2), sw, swatch_h, transform=trans, facecolor=e.colour,
                                   hatch=e.hatch, edgecolor="white", linewidth=0.5, clip_on=False))
        tx = x + sw + 0.08 / fig.get_figwidth() if (e.marker or e.colour) else x  # a text-only entry: no swatch
        text = ax.text(tx, y, e.label, transform=trans, ha="left", va="center",
                       fontsize=style.SMALL_SIZE, color="#222222", clip_on=False)
        text.set_gid(KEY_GID)


def key_below(ax: Axes, entries: Sequence[KeyEntry], inches: float, ncol: int = 2) -> None:
    """A key under ``ax``, ``inches`` below its bottom edge."""
    ax_h = ax.get_position().height * ax.figure.get_figheight()
    draw_key(ax, entries, trans=blended_transform_factory(ax.figure.transFigure, ax.transAxes),
         row_y=lambda r: layout.below_axes(ax, inches + r * layout.LEGEND_ROW_H + 0.12), swatch_h=0.12 / ax_h,
         ncol=ncol)


def key_labels(fig: Figure) -> list[list[str]]:
    """The key labels of each axes of ``fig``, in reading order (for tests and alt text checks)."""
    return [[t.get_text() for t in ax.texts if t.get_gid() == KEY_GID] for ax in fig.axes]


def group_key(groups: Sequence[str]) -> list[KeyEntry]:
    return [KeyEntry(style.group_label(g), style.group_colour(g), marker=style.group_marker(g)) for g in groups]


def runs_of(flags: Sequence[bool]) -> list[list[int]]:
    """Indices grouped into runs of consecutive equal flags (panels sharing one value axis)."""
    runs: list[list[int]] = []
    for i, f in enumerate(flags):
        if runs and flags[runs[-1][0]] == f:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


HEAD_ROWS = 1.0  # a section header with the title only, in rows
NOTE_ROWS = 0.75  # a note line under the title (never on the title's line: long titles collided with it)
NARROW_NOTE_ROWS = 1.5  # on a phone's chart the note may take two lines


#: Extra room (in rows) on each side of a row whose withheld reason is broken into two lines on a phone's chart.
TALL_EXTRA = 0.2


def _note_lines(note: str | bool) -> str | None:
    """A section note as it is set: broken into lines on a phone's chart; None without a note."""
    if not note:
        return None
    if not isinstance(note, str):
        return "\n" if layout.is_narrow() else ""  # a note not known yet: room for two lines on a phone
    return fit_lines(note, layout.figure_width() * (1 - 0.024)) if layout.is_narrow() else note


def note_rows(note: str | bool = True) -> float:
    """Rows a section's note takes under its title: one line, or two on a phone's chart when it wraps."""
    lines = _note_lines(note)
    if lines is None:
        return 0.0
    return NARROW_NOTE_ROWS if "\n" in lines else NOTE_ROWS


def row_positions(start: float, tall: Sequence[bool]) -> np.ndarray:
    """y of a section's rows, one row apart from ``start``; a ``tall`` row (a withheld reason set on two lines,
    on a phone's chart) gets ``TALL_EXTRA`` more on each side."""
    ys, y = [], start
    for i, t in enumerate(tall):
        if i:
            y += 1.0 + TALL_EXTRA * (bool(tall[i - 1]) + bool(t))
        ys.append(y)
    return np.array(ys, dtype=float)


def tall_rows(withheld: Sequence[bool]) -> list[bool]:
    """Which rows hold a withheld reason that a phone's chart breaks into lines (none on a laptop's)."""
    narrow = layout.is_narrow()
    return [narrow and bool(w) for w in withheld]


def section_rows(sizes: Sequence[int], notes: Sequence[str | bool] | None = None,
                 tall: Sequence[Sequence[bool]] | None = None) -> tuple[list[float], list[np.ndarray], float]:
    """y of each section header, y of each section's rows, and the total height in rows; a section whose
    header carries a note (its text, or True) gets :func:`note_rows` more, ``tall`` rows (per section, see
    :func:`row_positions`) their extra room."""
    notes = notes if notes is not None else [False] * len(sizes)
    tall = tall if tall is not None else [[False] * n for n in sizes]
    heads, rows, y = [], [], 0.0
    for n, note, section_tall in zip(sizes, notes, tall, strict=True):
        heads.append(y)
        top = y + HEAD_ROWS + note_rows(note)
        ys = row_positions(top, list(section_tall)[:n] + [False] * (n - len(section_tall)))
        rows.append(ys)
        y = (float(ys[-1]) + 1.0 if n else top) + 0.35
    return heads, rows, y - 0.35


def section_header(ax: Axes, y: float, text: str, sub: str = "") -> None:
    """A section's title from the figure's left edge, and its note on the line below (two on a phone's chart
    when it needs them: :func:`note_rows`)."""
    left = blended_transform_factory(ax.figure.transFigure, ax.transData)
    ax.text(0.012, y, text, transform=left, ha="left", va="center", fontsize=style.TITLE_SIZE,
            fontweight="bold", color="#111111")
    lines = _note_lines(sub)
    if lines:
        two = "\n" in lines
        ax.text(0.012, y + (0.5 + NARROW_NOTE_ROWS / 2 if two else NOTE_ROWS), lines, transform=left, ha="left",
                va="center", fontsize=style.SMALL_SIZE, color=MARK_COLOUR, linespacing=LINESPACING)


def forest_axes(ax: Axes, heads: Sequence[float], rows: Sequence[np.ndarray], labels: Sequence[str],
                 total: float) -> None:
    ax.yaxis.set_major_locator(NullLocator())
    ax.spines["left"].set_visible(False)  # section headers start left of the axis
    ax.set_ylim(total - 0.4, -0.6)
    ys = np.concatenate(list(rows)) if rows else np.array([])
    for y, label in zip(ys, labels, strict=True):  # wrapped as figure_left measured them
        ax.text(-0.02, y, wrap_label(label), transform=ax.get_yaxis_transform(), ha="right", va="center",
                ma="right", fontsize=style.FONT_SIZE, color="#222222")
    for h in heads[1:]:
        ax.axhline(h - 0.67, color="#BBBBBB", linewidth=0.8, zorder=0)


def key_rows(n: int) -> int:
    """Rows of a key of ``n`` entries: two columns, one on a phone's chart."""
    return n if layout.is_narrow() else int(np.ceil(n / 2))


def key_ncol(entries: Sequence[KeyEntry], width: float | None = None, most: int = 3) -> int:
    """The most key columns (up to ``most``) in which every entry's swatch and label fit their column of a
    figure ``width`` inches wide (``draw_key``'s geometry): a long label ("hollow marker (†): ...") never runs
    into the next column or off the figure."""
    width = layout.figure_width() if width is None else width
    widest = max((layout.text_width(e.label, style.SMALL_SIZE) + 0.32 for e in entries), default=0.0)
    for ncol in range(max(1, min(most, len(entries))), 1, -1):
        if widest <= (width - 0.2) / ncol - 0.05:
            return ncol
    return 1


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 else "#FFFFFF"


KEY_ROW = 0.8  # a key row, in bar rows


