"""The report layer: house style, seaborn charts, HTML tables, banners and provenance blocks.

Notebooks import ``chapter`` (one call per section) and ``style`` (``use_house_style()``).
"""

from . import chapter, charts, figures, style, tables

__all__ = ["chapter", "charts", "figures", "style", "tables"]
