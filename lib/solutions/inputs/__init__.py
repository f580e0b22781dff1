"""Inputs: read a country's files, map them onto the catalogue variables, validate them.

`load_country_data(cfg, config_path)` is the one entry point the indicator engine uses; it raises
`InputError` with every problem found, one line each (file as named in the config, column, a few values,
the first lines of the file, counted as a spreadsheet counts them: the header is line 1). Modules: `readers` (file formats), `xlsform` (Kobo/ODK choices and
multi-selects), `mapping` (columns, recodes, roles, age bands), `validation` (pandera schemas and survey
design checks), `figures` (country-year figures, tidy or IDMC layout).
"""

from solutions.inputs.loader import CountryData, load_country_data, validate_country_data
from solutions.inputs.readers import read_table
from solutions.inputs.xlsform import expand_multiselect

__all__ = ["CountryData", "expand_multiselect", "load_country_data", "read_table", "validate_country_data"]
