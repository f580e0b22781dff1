"""The house style: colours, labels, fonts and figure sizes used on every page.

Colours come from the Okabe–Ito palette (safe for the common colour-vision deficiencies) and are
FIXED per population-group role, so an IDP is the same blue on every chart of every page. Colour is never
the only carrier of meaning: groups also have fixed marker shapes, statuses have text labels and hatches.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import matplotlib as mpl
import seaborn as sns

# Okabe–Ito palette.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Display order of population-group roles (displaced groups first, the reference last).
GROUP_ORDER: tuple[str, ...] = ("idp", "returnee", "relocated", "comparison")
DISPLACED_GROUPS: tuple[str, ...] = ("idp", "returnee", "relocated")

GROUP_COLOURS: dict[str, str] = {
    "idp": OKABE_ITO["blue"],
    "returnee": OKABE_ITO["orange"],
    "relocated": OKABE_ITO["reddish_purple"],
    "comparison": "#4D4D4D",
}
GROUP_MARKERS: dict[str, str] = {"idp": "o", "returnee": "s", "relocated": "D", "comparison": "^"}
GROUP_LABELS: dict[str, str] = {
    "idp": "IDPs",
    "returnee": "Returnees",
    "relocated": "Relocated",
    "comparison": "Comparison group",
    "all": "All locations",
}
UNKNOWN_COLOUR = "#999999"

STATUS_ORDER: tuple[str, ...] = ("closed", "open", "inconclusive", "insufficient_data", "not_collected",
                                  "not_assessed")
#: One colour per status, distinguishable under the common colour-vision deficiencies (Okabe–Ito: green,
#: vermillion and yellow differ in lightness as well as hue); the symbol and label go with it everywhere.
STATUS_COLOURS: dict[str, str] = {
    "closed": OKABE_ITO["bluish_green"],
    "open": OKABE_ITO["vermillion"],
    "inconclusive": OKABE_ITO["yellow"],
    "insufficient_data": "#BBBBBB",
    "not_collected": "#F2F2F2",
    "not_assessed": "#E6E6E6",
}
#: Text colour readable on each status fill (contrast >= 4.5:1 for the text labels).
STATUS_TEXT_COLOURS: dict[str, str] = {status: "#000000" for status in STATUS_COLOURS}
#: Hatches for cells that hold no value (never shown by colour alone).
STATUS_HATCHES: dict[str, str] = {"insufficient_data": "///", "not_collected": "\\\\\\", "not_assessed": "...",
                                  "failed": "xxx"}

FONT_FAMILY: list[str] = ["DejaVu Sans"]  # bundled with matplotlib: identical layout on every machine
#: CSS font stack written into the SVG text (``svg.fonttype: none``): the browser sets the text itself.
SVG_FONT_STACK = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif"
FONT_SIZE = 10.0
TITLE_SIZE = 10.5
SMALL_SIZE = 9.0
#: Figure width in inches (442 CSS px). Charts are SVG scaled to the column, never below the width at which the
#: smallest text (SMALL_SIZE) renders at 11 px (``figures.MIN_TEXT_PX``): on a 375 px phone a chart scrolls
#: sideways in its own box by its last 55–80 px (a sentence under it says so); on a laptop it is shown up to 1.4
#: times its natural size.
FIG_WIDTH = 4.6
#: Only used for raster fallbacks; charts are vector.
DPI = 110

HOUSE_RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": FONT_FAMILY,
    "font.size": FONT_SIZE,
    "axes.titlesize": TITLE_SIZE,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titley": 1.0,  # fixed title position: no per-draw measuring of the tick labels
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": SMALL_SIZE + 0.5,
    "ytick.labelsize": FONT_SIZE,
    "legend.fontsize": SMALL_SIZE + 0.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#222222",
    "text.color": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "hatch.linewidth": 0.8,
    "hatch.color": "#555555",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "svg.hashsalt": "state-of-solutions",
    "svg.fonttype": "none",  # text stays text: it scales with the chart and is not embedded as paths
    # Chart text comes from configs and data (country names, categories): `$...$` in it is shown as written,
    # never typeset as mathtext (a malformed one crashed the page) or handed to LaTeX.
    "text.parse_math": False,
    "text.usetex": False,
}

#: The house CSS of the pages is package data: ``report/assets/page.css`` (``templating.stylesheet``).


def group_colour(role: str) -> str:
    """Fixed colour of a population-group role (grey for an unknown role)."""
    return GROUP_COLOURS.get(role, UNKNOWN_COLOUR)


def group_marker(role: str) -> str:
    """Fixed marker shape of a population-group role."""
    return GROUP_MARKERS.get(role, "X")


def group_label(role: str) -> str:
    """Human-readable label of a population-group role."""
    return GROUP_LABELS.get(role, str(role))


def status_colour(status: str) -> str:
    """Fill colour of a gap / criterion status."""
    return STATUS_COLOURS.get(status, STATUS_COLOURS["not_assessed"])


def order_groups(groups: Any) -> list[str]:
    """Sort group roles in house order; unknown roles follow, alphabetically."""
    present = list(dict.fromkeys(str(g) for g in groups))
    known = [g for g in GROUP_ORDER if g in present]
    return known + sorted(g for g in present if g not in GROUP_ORDER)


def figure_size(n_rows: int = 4, *, row_height: float = 0.45, min_height: float = 2.2) -> tuple[float, float]:
    """A house figure size whose height grows with the number of rows shown."""
    return (FIG_WIDTH, max(min_height, 1.1 + row_height * max(n_rows, 1)))


def _filter_harmless_warnings() -> None:
    # Known-harmless messages only; real errors are never hidden.
    warnings.filterwarnings("ignore", message=".*FigureCanvasAgg is non-interactive.*", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*Glyph .* missing from font.*", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*use_inf_as_na.*", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*is_categorical_dtype.*", category=FutureWarning)


@lru_cache(maxsize=1)
def house_rc() -> dict[str, Any]:
    """seaborn's "whitegrid" theme overlaid with the house rcParams, built once per process."""
    return {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook"), **HOUSE_RC}


def _house_applied() -> bool:
    rc = mpl.rcParams
    return all(rc.get(k) == v for k, v in (("svg.hashsalt", HOUSE_RC["svg.hashsalt"]),  # type: ignore[call-overload]  # matplotlib types rcParams keys as literals
                                           ("font.size", FONT_SIZE), ("svg.fonttype", "none"),
                                           ("text.parse_math", False)))


@contextmanager
def house_context() -> Iterator[None]:
    """Apply the house rcParams for the duration of a block (charts use this internally).

    When the session already runs in the house style (``use_house_style``), the rcParams are left alone:
    re-applying ~300 settings around each of a chapter's charts costs time and changes nothing.
    """
    with warnings.catch_warnings():
        _filter_harmless_warnings()
        if _house_applied():
            yield
        else:
            with mpl.rc_context(house_rc()):  # type: ignore[arg-type]  # matplotlib types rcParams keys as literals
                yield


def use_house_style() -> None:
    """Set the seaborn theme and rcParams of the house style for the whole session (notebook entry point)."""
    mpl.rcParams.update(house_rc())  # type: ignore[arg-type]  # as above
    _filter_harmless_warnings()
