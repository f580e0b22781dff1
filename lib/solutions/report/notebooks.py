"""Generate the thin report notebooks (``notebooks/*.ipynb``) from one definition, without outputs.

``python -m solutions.report.notebooks [DEST]`` rewrites them; a test checks the committed files match.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .blocks import criteria_names

HIDDEN = {"tags": ["remove-input"], "jupyter": {"source_hidden": True}}
KERNEL = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def _front_matter(title: str) -> NotebookNode:
    text = f'---\ntitle: "{title}"\nexecute:\n  echo: false\n  warning: false\n---'
    cell = nbformat.v4.new_raw_cell(text)
    cell.id = "front-matter"
    return cell


def _code(cell_id: str, source: str, *, tags: tuple[str, ...] = ()) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    cell.metadata = {"tags": ["remove-input", *tags], "jupyter": {"source_hidden": True}}
    return cell


def _md(cell_id: str, source: str) -> NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = cell_id
    return cell


def _notebook(cells: list[NotebookNode]) -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = dict(KERNEL)
    nb.cells = cells
    return nb


def country_notebook() -> NotebookNode:
    """The country chapter: title, banner, summary, context, sample, criteria, solutions, trends, provenance."""
    cells = [
        _front_matter("Country chapter"),
        _code("parameters", 'global_config = "params/global.yml"\ncountry_config = "params/countries/QAB.yml"\n'
              'output_root = "outputs"', tags=("parameters",)),
        _code("setup", "from solutions.indicators import load_country_results\n"
              "from solutions.report import country_page as page, style\n\nstyle.use_house_style()\nresults = load_country_results(global_config, country_config, "
              "output_root)\npage.title(results)\npage.banner(results)\npage.publish_chart_data(results, output_root)"),
        _md("h-summary", "## Summary"),
        _code("summary", "page.findings_summary(results)\npage.narrative(results)"),
        _md("h-context", "## Context"),
        _code("context", "page.context_section(results)"),
        _md("h-sample", "## Sample and design"),
        _code("sample", "page.sample_section(results)"),
        _md("h-criteria", "## Criteria overview"),
        _code("criteria", "page.criteria_overview(results)"),
    ]
    for number, name in criteria_names().items():
        cells.append(_md(f"h-criterion-{number}", f"## {number}. {name}"))
        cells.append(_code(f"criterion-{number}", f"page.criterion_section(results, {number})"))
    cells += [
        _md("h-breakdowns", "## Breakdowns"),
        _code("breakdowns", "page.breakdowns_section(results)"),
        _md("h-solutions", "## Solutions measure"),
        _code("solutions", "page.solutions_measure_section(results)"),
        _md("h-trends", "## Trends"),
        _code("trends", "page.trends_section(results, output_root)"),
        _md("h-provenance", "## Data and provenance"),
        _code("provenance", "page.provenance_section(results)"),
    ]
    return _notebook(cells)


def global_notebook() -> NotebookNode:
    """The global chapter: banner, headlines, heatmap, failed countries, comparison, solutions, provenance."""
    return _notebook([
        _front_matter("Global overview"),
        _code("parameters", 'global_config = "params/global.yml"\noutput_root = "outputs"', tags=("parameters",)),
        _code("setup", "from solutions.indicators import load_all_results, write_global_tables\n"
              "from solutions.report import global_page as page, style\nstyle.use_house_style()\n"
              "g = load_all_results(global_config, output_root)\nwrite_global_tables(g, output_root)\n"
              "page.title(g)\npage.banner(g)\npage.publish_chart_data(g, output_root)"),
        _md("h-headline", "## Headline numbers"),
        _code("headline", "page.headline_numbers(g)"),
        _md("h-heatmap", "## Gaps by country and criterion"),
        _code("heatmap", "page.heatmap_section(g)"),
        _md("h-failed", "## Countries not included"),
        _code("failed", "page.failed_countries(g)"),
        _md("h-comparison", "## Cross-country comparison"),
        _code("comparison", "page.comparison_section(g)"),
        _md("h-solutions", "## Solutions measure by country"),
        _code("solutions", "page.solutions_by_country(g, output_root)"),
        _md("h-provenance", "## Data and provenance"),
        _code("provenance", "page.provenance_section(g)"),
    ])


def _edition_page(front_title: str, module: str, title_call: str, charts: bool = False) -> list[NotebookNode]:
    """Front matter, parameters and setup of a page that reads every country's results (``g``); ``charts``:
    the page writes its charts' data beside them."""
    publish = "\npage.publish_chart_data(g, output_root)" if charts else ""
    return [
        _front_matter(front_title),
        _code("parameters", 'global_config = "params/global.yml"\noutput_root = "outputs"', tags=("parameters",)),
        _code("setup", "from solutions.indicators import load_all_results\n"
              f"from solutions.report import {module} as page, style\n\nstyle.use_house_style()\n"
              f"g = load_all_results(global_config, output_root)\n{title_call}\npage.banner(g){publish}"),
    ]


def methods_notebook() -> NotebookNode:
    """The methods page in plain language: framework, groups, comparison, measure, precision, estimation,
    limitations, glossary, the indicators, data sources; build details in a collapsed appendix."""
    return _notebook([
        *_edition_page("Methods and data sources", "methods_page", 'page.title("Methods and data sources")'),
        _md("h-framework", "## What the report measures"),
        _code("framework", "page.framework_section()"),
        _md("h-groups", "## Who is compared"),
        _code("groups", "page.population_groups()"),
        _md("h-comparison", "## How the groups are compared"),
        _code("comparison", "page.comparison_approach(global_config, g.catalogue, results=g)"),
        _md("h-measure", "## The solutions measure"),
        _code("measure", "page.solutions_measure_rule(global_config, g)"),
        _md("h-precision", "## Withheld and flagged estimates"),
        _code("precision", "page.precision_rules(global_config)"),
        _md("h-estimation", "## How estimates are computed"),
        _code("estimation", "page.estimation_rules(global_config)"),
        _md("h-limitations", "## Limitations"),
        _code("limitations", "page.limitations()"),
        _md("h-glossary", "## Glossary"),
        _code("glossary", "page.glossary()"),
        _md("h-catalogue", "## The indicators"),
        _code("catalogue", "page.methods_catalogue(g.catalogue)"),
        _md("h-sources", "## Data sources"),
        _code("sources", "page.data_sources(g, output_root)\npage.data_provenance(g)"),
    ])


def front_notebook() -> NotebookNode:
    """The front page: the year's story in one screen (headline, overview, one sentence per country), what
    changed since the last edition, build details; the renderer adds navigation and downloads."""
    return _notebook([
        *_edition_page("Overview", "front_page", "page.front_title(g)", charts=True),
        _code("story", "page.lead(g)\npage.headline(g)\npage.overview(g)"),
        _md("h-countries", "## Country by country"),
        _code("countries", "page.country_sentences(g)"),
        _md("h-changes", "## What changed since the last edition"),
        _code("changes", "from solutions.config_loader import load_global\n\n"
              "page.what_changed(g, output_root, margin=load_global(global_config).equivalence_margin)"),
        _code("provenance", "page.provenance_section(g)", tags=("appendix",)),
    ])


def codebook_notebook() -> NotebookNode:
    """The codebook: what is published, licence and citation, then every table and column."""
    from solutions.publish.fields import TABLES

    cells = [*_edition_page("Data and codebook", "codebook_page", 'page.title("Data and codebook")'),
             _code("introduction", "page.introduction(g)")]
    for name, doc in TABLES.items():
        cells.append(_md(f"h-{name}", f"## {doc.title}"))
        cells.append(_code(f"table-{name}", f'page.table_section("{name}")'))
    cells += [_md("h-figure-data", "## Data behind the figures"), _code("figure-data", "page.figure_data()"),
              _code("provenance", "page.provenance_section(g)")]
    return _notebook(cells)


NOTEBOOKS = {"country.ipynb": country_notebook, "global.ipynb": global_notebook, "methods.ipynb": methods_notebook,
             "front.ipynb": front_notebook, "codebook.ipynb": codebook_notebook}


def write_notebooks(dest: str | Path) -> list[Path]:
    """Write the three notebooks (no outputs) into ``dest``; returns the paths written."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in NOTEBOOKS.items():
        nb = build()
        nbformat.validate(nb)
        path = dest / name
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in write_notebooks(sys.argv[1] if len(sys.argv) > 1 else "notebooks"):
        print(p)
