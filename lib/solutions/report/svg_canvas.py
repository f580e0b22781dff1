"""The SVG canvas the report's charts are saved with: matplotlib's, measuring each distinct text once.

matplotlib caches text metrics per renderer, and ``savefig`` makes a new SVG renderer for every figure, so a
chapter measured the same tick labels, group names and key entries again for each of its charts (FreeType
lays the string out every time). Here the measurements live for the whole process: they depend only on the
string, the font properties and the math mode (the SVG renderer measures at 72 dpi through ``TextToPath``),
so every SVG is the same, byte for byte. Used as ``fig.savefig(..., backend=BACKEND)``.

Path coordinates are written to ``PATH_DECIMALS`` decimals of a point, not matplotlib's six: a hundredth of a
point is a fiftieth of a CSS pixel at the largest size a chart is shown, and path data is most of an SVG's
bytes, so every page (two drawings per chart, inline) is lighter to download on a phone and to render.
"""

from __future__ import annotations

import codecs
from typing import Any

from matplotlib import _path, cbook
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG

BACKEND = "module://solutions.report.svg_canvas"
PATH_DECIMALS = 2  # a hundredth of a point (matplotlib: 6)
_MAX_ENTRIES = 50_000  # distinct (text, font) pairs kept; a report has a few thousand
_metrics: dict[tuple[str, Any, Any], tuple[float, float, float]] = {}


class _MeasuringOnceRenderer(RendererSVG):
    def get_text_width_height_descent(self, s, prop, ismath):  # noqa: ANN001, ANN201 - matplotlib's signature
        key = (s, prop, ismath)
        found = _metrics.get(key)
        if found is None:
            found = super().get_text_width_height_descent(s, prop, ismath)
            if len(_metrics) >= _MAX_ENTRIES:
                _metrics.clear()
            _metrics[(s, prop.copy(), ismath)] = found  # a copy: the caller may change its properties later
        return found

    def _convert_path(self, path, transform=None, clip=None, simplify=None, sketch=None):  # noqa: ANN001, ANN202
        # matplotlib 3.11's own method, with PATH_DECIMALS for its hard-coded 6 (tests/report/
        # test_charts_same_output.py compares the two drawings: the same but for the coordinates' last digits)
        clip = (0.0, 0.0, self.width, self.height) if clip else None
        return _path.convert_to_string(path, transform, clip, simplify, sketch, PATH_DECIMALS,
                                       [b"M", b"L", b"Q", b"C", b"z"], False).decode("ascii")


class FigureCanvasMeasuringOnce(FigureCanvasSVG):
    """``FigureCanvasSVG.print_svg`` with the renderer above (the rest of its code unchanged)."""

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_ignored):  # noqa: ANN001, ANN201
        # matplotlib hands a third-party canvas every savefig option (dpi, facecolor, edgecolor, orientation);
        # its own SVG canvas drops them unused (the figure's facecolor is set by savefig itself)
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            w, h = width * 72, height * 72
            renderer = MixedModeRenderer(
                self.figure, width, height, dpi,
                _MeasuringOnceRenderer(w, h, fh, image_dpi=dpi, metadata=metadata),
                bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()


FigureCanvas = FigureCanvasMeasuringOnce
