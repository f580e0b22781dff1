"""Publishing clean-up of executed notebooks, shared by both renderers."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

# text/plain-only reprs that are side effects of plotting calls, never content.
_STRAY_REPR = re.compile(
    r"^\s*\[?\s*(<Figure size [^>]*>|<(matplotlib|seaborn)\.[^>]*>|<Axes[:\s][^>]*>|<AxesSubplot[^>]*>"
    r"|Text\(.*\)|<[\w.]+ (object )?at 0x[0-9a-fA-F]+>)",
    re.S,
)
_REMOVE_CELL = {"remove-cell", "remove_cell", "hide-cell"}
_REMOVE_OUTPUT = {"remove-output", "remove_output", "hide-output"}
#: Cell metadata that records one run, not the page: papermill's and nbclient's timings. Quarto writes a
#: cell's metadata into the page (`data-quarto-private-*` attributes), so left in, every build's page differed.
_RUN_METADATA = ("papermill", "execution")


def is_stray_output(output: NotebookNode, drop_banner: bool = True) -> bool:
    """True for outputs that must not be published (stderr, errors, bare plotting reprs, and the page's own
    demo banner when the site's template shows one on every page: `drop_banner`)."""
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("name") == "stderr"
    if kind == "error":
        return True
    if kind in ("display_data", "execute_result"):
        if output.get("metadata", {}).get("solutions", {}).get("role") == "demo-banner":
            return drop_banner  # the site's template carries it on every page when the whole report is demo
        data = output.get("data", {})
        if not data:
            return True
        if set(data) == {"text/plain"}:
            text = data["text/plain"]
            text = "".join(text) if isinstance(text, list) else text
            return bool(_STRAY_REPR.match(text))
    return False


def clean_notebook(nb: NotebookNode, drop_banner: bool = True) -> NotebookNode:
    """Copy of ``nb`` without stray outputs, tagged-removed cells, non-HTML raw cells, output-less code cells,
    nor what a run recorded (timings, execution counts)."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        for key in _RUN_METADATA:
            cell.get("metadata", {}).pop(key, None)
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _REMOVE_CELL:
            continue
        if (
            cell.cell_type == "raw"
            and cell.get("metadata", {}).get("raw_mimetype", "").lower() != "text/html"
        ):
            continue
        if cell.cell_type == "code":
            if tags & _REMOVE_OUTPUT:
                cell.outputs = []
            else:
                cell.outputs = [o for o in cell.outputs if not is_stray_output(o, drop_banner)]
            cell.execution_count = None
            for out in cell.outputs:
                if "execution_count" in out:
                    out.execution_count = None
            if not cell.outputs:  # inputs are never published: an output-less code cell is empty
                continue
        cells.append(cell)
    nb.cells = cells
    return nb


def read_clean(path: Path, drop_banner: bool = True) -> NotebookNode:
    """Read a notebook file (nbformat 4) and clean it for publishing."""
    return clean_notebook(nbformat.read(str(path), as_version=4), drop_banner)


APPENDIX_TAG = "appendix"


def split_appendix(nb: NotebookNode) -> tuple[NotebookNode, NotebookNode]:
    """``nb`` cut before its first cell tagged ``appendix`` (build details): the front page's story goes
    first, then the renderer's navigation and downloads, then the appendix. No tag: all story."""
    cells = list(nb.cells)
    at = next((i for i, c in enumerate(cells) if APPENDIX_TAG in c.get("metadata", {}).get("tags", [])), len(cells))
    story, appendix = copy.deepcopy(nb), copy.deepcopy(nb)
    story.cells, appendix.cells = cells[:at], cells[at:]
    return story, appendix
