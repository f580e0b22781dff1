from pathlib import Path

import nbformat
import pytest

from solutions.report import notebooks

NB_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["country.ipynb", "global.ipynb", "methods.ipynb", "front.ipynb", "codebook.ipynb"]
PARAMS = {
    "country.ipynb": {"global_config", "country_config", "output_root"},
    "global.ipynb": {"global_config", "output_root"},
    "methods.ipynb": {"global_config", "output_root"},
    "front.ipynb": {"global_config", "output_root"},
    "codebook.ipynb": {"global_config", "output_root"},
}


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_thin_parameterised_and_clean(name):
    nb = nbformat.read(NB_DIR / name, as_version=4)
    nbformat.validate(nb)
    first = nb.cells[0]
    assert first.cell_type == "raw" and first.source.startswith("---\ntitle:")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assigned = {line.split("=")[0].strip() for line in params[0].source.splitlines() if "=" in line}
    assert assigned == PARAMS[name]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert len(cell.source.splitlines()) <= 8
    assert any(c.cell_type == "markdown" and c.source.startswith("## ") for c in nb.cells)


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebooks_match_the_generator(name, tmp_path):
    notebooks.write_notebooks(tmp_path)
    assert (tmp_path / name).read_text() == (NB_DIR / name).read_text()


def test_country_notebook_has_every_section():
    nb = nbformat.read(NB_DIR / "country.ipynb", as_version=4)
    headings = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for h in ["## Summary", "## Context", "## Sample and design", "## Criteria overview", "## Solutions measure",
              "## Trends", "## Data and provenance"]:
        assert h in headings
    assert sum(h.startswith("## ") and h[3].isdigit() for h in headings) == 8
