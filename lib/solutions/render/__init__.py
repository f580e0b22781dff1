"""Site rendering: executed notebooks → ``outputs/<year>/site`` (Quarto website or nbconvert static site).

Public API::

    spec = build_site_spec(year_dir, 2026, title, [("QAB", "Demoland", "ok", "")], demo=True, footer=...)
    result = get_renderer("auto").render(spec)
    assert check_links(spec.out_dir) == []
"""

from __future__ import annotations

import shutil
from typing import Literal

from .base import (
    Page,
    Renderer,
    RenderError,
    RenderResult,
    SiteSpec,
    build_site_spec,
)
from .clean import clean_notebook, is_stray_output
from .links import check_links, check_offline, check_site

RendererChoice = Literal["auto", "quarto", "nbconvert"]


def resolve_renderer(choice: RendererChoice | str = "auto") -> str:
    """The renderer ``choice`` means here: ``auto`` is Quarto when ``quarto`` is on PATH, else nbconvert."""
    if choice == "auto":
        return "quarto" if shutil.which("quarto") else "nbconvert"
    return choice


def get_renderer(choice: RendererChoice | str = "auto") -> Renderer:
    """``auto``: Quarto when ``quarto`` is on PATH, else nbconvert; ``quarto`` without it raises RenderError."""
    choice = resolve_renderer(choice)
    if choice == "quarto":
        from .quarto import QuartoRenderer

        return QuartoRenderer()
    if choice == "nbconvert":
        from .nbconvert_site import NbconvertRenderer

        return NbconvertRenderer()
    raise ValueError(f"unknown renderer {choice!r}: expected auto, quarto or nbconvert")


__all__ = [
    "Page",
    "RenderError",
    "RenderResult",
    "Renderer",
    "RendererChoice",
    "SiteSpec",
    "build_site_spec",
    "check_links",
    "check_offline",
    "check_site",
    "clean_notebook",
    "resolve_renderer",
    "get_renderer",
    "is_stray_output",
]
