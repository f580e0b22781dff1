"""The report layer: house style, seaborn charts, HTML tables, banners and provenance blocks.

One module per page, each a set of sections the page's notebook calls in order: ``country_page``,
``global_page``, ``methods_page`` (shared sections and helpers in ``blocks``); ``style.use_house_style()``.
"""

from . import blocks, charts, country_page, figures, global_page, methods_page, style, tables

__all__ = ["blocks", "charts", "country_page", "figures", "global_page", "methods_page", "style", "tables"]
