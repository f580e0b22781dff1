"""Malformed configs, each with the one-line message it must give (naming the file and the key).

Shared by tests/config (the config layer) and tests/cli (the same configs through the CLI). A case is
(id, country config as a dict or raw YAML text, global config or None, the end of the expected line).
"""

from __future__ import annotations

from pathlib import Path

import yaml

GOOD_COUNTRY = {
    "iso3": "QAB",
    "name": "Republic of Testland",
    "demo": True,
    "survey": {"title": "Test survey", "collection_start": "2026-01-01", "collection_end": "2026-03-31"},
    "data": {"households": {"path": "hh.csv"}},
    "columns": {"households": {"household_id": "hh_id", "weight": "wt"}},
    "design": {"weight": "weight", "strata": None, "psu": None},
    "groups": {"1": "idp", "2": "comparison"},
}
GOOD_GLOBAL = {"report_year": 2026, "title": "Test report", "countries": ["QAB"]}


def write(tmp: Path, country: dict | str | list, glob: dict | None = None, name: str = "QAB") -> Path:
    (tmp / "countries").mkdir(exist_ok=True)
    (tmp / "countries" / "hh.csv").write_text("hh_id,wt\n1,1\n")
    text = country if isinstance(country, str) else yaml.safe_dump(country)
    (tmp / "countries" / f"{name}.yml").write_text(text)
    (tmp / "global.yml").write_text(yaml.safe_dump(glob or GOOD_GLOBAL))
    return tmp / "global.yml"


def with_(**changes) -> dict:
    d = yaml.safe_load(yaml.safe_dump(GOOD_COUNTRY))
    for key, value in changes.items():
        target = d
        parts = key.split("__")
        for p in parts[:-1]:
            target = target[p]
        if value is ...:
            del target[parts[-1]]
        else:
            target[parts[-1]] = value
    return d


CASES = [
    ("unknown key", with_(colour="blue"), "countries/QAB.yml: colour: unknown key"),
    ("wrong type", with_(demo="perhaps"), "countries/QAB.yml: demo: Input should be a valid boolean, unable to interpret input"),
    ("missing required", with_(name=...), "countries/QAB.yml: name: Field required"),
    ("missing data file", with_(data={"households": {"path": "nope.csv"}}),
     "countries/QAB.yml: data.households.path: file not found: nope.csv"),
    ("unknown ISO code", with_(iso3="XYZ", demo=False),
     "countries/QAB.yml: (top level): iso3 'XYZ' is not an ISO 3166-1 alpha-3 country code"),
    ("demo with a real code", with_(iso3="FRA"),
     "countries/QAB.yml: (top level): demo data must use a user-assigned code QAA-QZZ, not the real FRA"),
    ("fictional code without demo", with_(demo=False),
     "countries/QAB.yml: (top level): iso3 QAB is in the user-assigned range QAA-QZZ, kept for demo data"),
    ("no displaced group", with_(groups={"1": "comparison"}),
     "countries/QAB.yml: groups: no displaced group (idp, returnee or relocated)"),
    ("unknown role", with_(groups={"1": "refugee", "2": "comparison"}),
     "countries/QAB.yml: groups.1: Input should be 'idp', 'returnee', 'relocated' or 'comparison'"),
    ("unknown catalogue variable", with_(columns={"households": {"income": "inc"}}),
     "countries/QAB.yml: columns.households.income: not a catalogue variable of households "
     "(declare it under variables)"),
    ("unknown dropped indicator", with_(drop_indicators=["ZZZ-9"]),
     "countries/QAB.yml: drop_indicators: unknown indicator 'ZZZ-9'"),
    ("collection period reversed", with_(survey={"title": "t", "collection_start": "2026-05-01",
                                                 "collection_end": "2026-01-01"}),
     "countries/QAB.yml: survey: collection_end is before collection_start"),
    ("non-boolean nest flag", with_(design={"weight": "weight", "nest": "maybe"}),
     "countries/QAB.yml: design.nest: Input should be a valid boolean, unable to interpret input"),
    ("criterion out of range", with_(narrative={"criteria": {9: "text"}}),
     "countries/QAB.yml: narrative.criteria: criteria must be 1-8, got [9]"),
    ("code in an indicator's expression", with_(extra_indicators=[{
        "id": "XTR-1", "criterion": 1, "title": "t", "short_title": "t", "definition": "d", "kind": "proportion",
        "table": "households", "unit": "household", "numerator": "__import__('os').system('id') == 0",
        "direction": "higher", "prds_objective": 1, "level": "household"}]),
     "countries/QAB.yml: extra_indicators.0: indicator XTR-1: numerator: a function call is not allowed in "
     "\"__import__('os').system('id') == 0\""),
    ("unknown variable in an indicator's expression", with_(extra_indicators=[{
        "id": "XTR-1", "criterion": 1, "title": "t", "short_title": "t", "definition": "d", "kind": "proportion",
        "table": "households", "unit": "household", "numerator": "'x' == 'x' and income > 100",
        "direction": "higher", "prds_objective": 1, "level": "household"}]),
     "countries/QAB.yml: indicator XTR-1: numerator: unknown variable(s) income (not in the "
     "households table)"),
    # the country's own variables, disaggregations, notes, reference, files and weights
    ("a country variable named like a catalogue one", with_(variables={"households": {"admin1": {
        "type": "category", "column": "region"}}}),
     "countries/QAB.yml: variables.households.admin1: admin1 is a catalogue variable; map it under "
     "columns.households instead"),
    ("a country variable with column and derived", with_(variables={"households": {"x": {
        "type": "binary", "column": "a", "derived": "y == 1"}}}),
     "countries/QAB.yml: variables.households.x: give either column (source columns) or derived (an expression)"),
    ("a binary variable derived from arithmetic", with_(variables={"households": {"x": {
        "type": "binary", "derived": "weight * 2"}}}),
     "countries/QAB.yml: variables.households.x: derived: 'weight * 2' is not a condition (it computes a value, "
     "not true/false)"),
    ("derived variables in a circle", with_(variables={"households": {
        "a": {"type": "binary", "derived": "b == 1"}, "b": {"type": "binary", "derived": "a == 1"}}}),
     "countries/QAB.yml: variables.households: derived variables read each other in a circle: "
     "a -> b -> a"),
    ("a derived variable reading an unknown name", with_(variables={"households": {"x": {
        "type": "binary", "derived": "income > 3"}}}),
     "countries/QAB.yml: variables.households.x.derived: unknown variable income in 'income > 3'"),
    ("a malformed column source", with_(columns={"households": {"household_id": "hh_id", "admin1": {"col": "x"}}}),
     "countries/QAB.yml: columns: households.admin1: expected a source column, a list of columns (the first "
     "answered one is taken), {join: [columns], sep: '_'} or {derived: expression}"),
    ("a recode of an unknown variable", with_(recode={"incomee": {"1": 1}}),
     "countries/QAB.yml: recode.incomee: not a catalogue variable nor one of the country's variables"),
    ("a disaggregation by an unknown variable", with_(disaggregations=[{"variable": "hoh_sex"}]),
     "countries/QAB.yml: disaggregations.0: hoh_sex is not a variable of households or individuals"),
    ("a note on an unknown indicator", with_(notes={"ADQ-9": "proxy"}),
     "countries/QAB.yml: notes.ADQ-9: unknown indicator (not in the catalogue nor extra_indicators)"),
    ("a benchmark in percent", with_(reference={"name": "NHS", "values": {"ADQ-2": {"estimate": 71}}}),
     "countries/QAB.yml: reference.values.ADQ-2.estimate: a proportion is between 0 and 1 (write 0.42 "
     "for 42%), got 71"),
    ("a benchmark for a distribution", with_(reference={"name": "NHS", "values": {"ADQ-1": {"estimate": 0.5}}}),
     "countries/QAB.yml: reference.values.ADQ-1: a distribution has no single value to compare with"),
    ("both a path and files", with_(data={"households": {"path": "hh.csv", "files": [{"path": "hh.csv"}]}}),
     "countries/QAB.yml: data.households: give either path (one file) or files (several files appended)"),
    ("a frame and a weight column", with_(design={"weights": {"frame": "hh.csv", "stratum": "s", "population": "p"}}),
     "countries/QAB.yml: columns.households.weight: the weights come from the sampling frame "
     "(design.weights); remove this mapping or design.weights, or set design.weights.rescale: true to rescale "
     "this column to the frame's populations"),
    ("a frame counting people without household sizes", with_(design={"weights": {
        "frame": "hh.csv", "stratum": "s", "population": "p", "unit": "individuals"}}),
     "countries/QAB.yml: design.weights: unit: individuals needs household_size (the household variable counting "
     "members)"),
    ("a population for some files only", with_(data={"households": {"files": [
        {"path": "hh.csv", "label": "a", "population": 100}, {"path": "hh.csv", "label": "b"}]}}),
     "countries/QAB.yml: data.households.files: a population is given for some files only; give one "
     "for every file (the weights of each file are rescaled to it)"),
    ("a missing sampling frame", with_(columns={"households": {"household_id": "hh_id"}}, design={"weights": {
        "frame": "frame.csv", "stratum": "s", "population": "p"}}),
     "countries/QAB.yml: design.weights.frame: file not found: frame.csv"),
]



# Whole files that are wrong, not one key: text instead of a mapping, broken YAML, the global config.
FILE_CASES = [
    ("a country config that is a list", "- a\n- b\n", None,
     "countries/QAB.yml: expected a mapping of keys at the top level, got list"),
    ("a country config that is empty", "", None,
     "countries/QAB.yml: expected a mapping of keys at the top level, got NoneType"),
    ("iso3 not matching the file name", with_(iso3="QAC"), None,
     "countries/QAB.yml: iso3: QAC does not match the file name QAB.yml"),
    ("duplicate country in the global config", GOOD_COUNTRY, {**GOOD_GLOBAL, "countries": ["QAB", "QAB"]},
     "global.yml: countries: duplicate country QAB"),
    ("country listed without a config file", GOOD_COUNTRY, {**GOOD_GLOBAL, "countries": ["QAB", "QAD"]},
     "countries/QAD.yml: file not found"),
    ("threshold out of range", GOOD_COUNTRY, {**GOOD_GLOBAL, "thresholds": {"min_n": 0}},
     "global.yml: thresholds.min_n: Input should be greater than or equal to 1"),
    ("unknown lonely-PSU rule", GOOD_COUNTRY, {**GOOD_GLOBAL, "thresholds": {"lonely_psu": "ignore"}},
     "global.yml: thresholds.lonely_psu: Input should be 'fail', 'certainty', 'adjust', 'average' or 'remove'"),
    ("pandas reference in a solutions-measure condition", GOOD_COUNTRY, {**GOOD_GLOBAL, "solutions_measure": [
        {"criterion": 1, "label": "x", "condition": "@pd.io.common.os.system('id') == 0"}]},
     "global.yml: solutions_measure.conditions.0.condition: not a valid expression (invalid syntax) in "
     "\"@pd.io.common.os.system('id') == 0\""),
    ("unknown variable in a solutions-measure condition", GOOD_COUNTRY, {**GOOD_GLOBAL, "solutions_measure": [
        {"criterion": 1, "label": "x", "condition": "movement_restricted == 0 and curfew == 1"}]},
     "global.yml: solutions_measure.conditions.0.condition: unknown variable curfew in "
     "'movement_restricted == 0 and curfew == 1'"),
]
