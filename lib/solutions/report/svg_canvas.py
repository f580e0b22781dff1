"""The SVG canvas the report's charts are saved with: matplotlib's, measuring each distinct text once.

matplotlib caches text metrics per renderer, and ``savefig`` makes a new SVG renderer for every figure, so a
chapter measured the same tick labels, group names and key entries again for each of its charts (FreeType
lays the string out every time). Here the measurements live for the whole process: they depend only on the
string, the font properties and the math mode (the SVG renderer measures at 72 dpi through ``TextToPath``),
so every SVG is the same, byte for byte. Used as ``fig.savefig(..., backend=BACKEND)``.
"""

from __future__ import annotations

import codecs
from typing import Any

from matplotlib import cbook
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG

BACKEND = "module://solutions.report.svg_canvas"
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
