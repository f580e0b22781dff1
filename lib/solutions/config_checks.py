"""Cross-reference checks of a country config: every name it uses must exist where it is used.

Why a module apart from the models: these checks read the catalogue and several sections at once (a note
names an indicator, an indicator reads a country variable, a disaggregation names a category variable), so
they run once the whole config is parsed (`solutions.config_loader` runs them after the models), and every
problem is listed, one line each, before anything runs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import partial

from solutions.catalogue import DISAGGREGATIONS, SOLUTIONS_ID, Indicator, Margin, load_catalogue
from solutions.config import RESERVED_NAMES, VARIABLE_NAME, CountryConfig, Derived
from solutions.expressions import ExpressionError, parse

SCALAR_KINDS = ("proportion", "ratio", "mean")


def country_problems(cfg: CountryConfig) -> list[str]:
    """Every unknown or inconsistent name in a country config, one line each (empty when consistent)."""
    problems: list[str] = []
    problems += _variables(cfg)
    problems += _columns(cfg)
    problems += _recodes(cfg)
    problems += _indicators(cfg)
    problems += _disaggregations(cfg)
    problems += _notes_and_reference(cfg)
    problems += _design(cfg)
    return problems


def indicator_ids(cfg: CountryConfig) -> dict[str, Indicator]:
    """The country's indicators by id: the catalogue's (less those dropped) and its own."""
    cat = load_catalogue()
    out = {i.id: i for i in cat.indicators if i.id not in set(cfg.drop_indicators)}
    out.update({i.id: i for i in cfg.extra_indicators})
    return out


# --------------------------------------------------------------- variables ----
def _variables(cfg: CountryConfig) -> list[str]:
    cat = load_catalogue()
    catalogue_names = {v for table in cat.variables.values() for v in table}
    problems = []
    seen: dict[str, str] = {}
    for table, variables in cfg.variables.items():
        for name, var in variables.items():
            where = f"variables.{table}.{name}"
            if not VARIABLE_NAME.fullmatch(name):
                problems.append(f"{where}: a variable name is lower-case letters, digits and _ (starting with a "
                                "letter)")
            elif name in catalogue_names:
                problems.append(f"{where}: {name} is a catalogue variable; map it under columns.{table} instead")
            elif name in RESERVED_NAMES:
                problems.append(f"{where}: {name} is a reserved name")
            if name in seen:
                problems.append(f"{where}: also declared in variables.{seen[name]} (individuals carry their "
                                "household's variables, so a name is declared once)")
            seen[name] = table
            if var.derived is not None:
                problems += _expression(cfg, table, var.derived, f"{where}.derived")
    problems += _cycles(cfg)
    return problems


def _expression(cfg: CountryConfig, table: str, text: str, where: str) -> list[str]:
    """Unknown names, and string literals that are not a level of the category they are compared with."""
    try:
        expr = parse(text, cfg.variable_names(table), where=where)
    except ExpressionError as exc:
        return [str(exc)]
    return literal_problems(expr.tree, lambda v: cfg.levels(table, v), where)


def literal_problems(tree: ast.AST, levels_of: Callable[[str], tuple[str, ...] | None], where: str) -> list[str]:
    """`residence_type == 'camps'` (or `== 3`) is never true when the levels are `camp, ...`: say so before a
    build."""
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, right in zip(operands, operands[1:], strict=False):
            for name_node, value_node in ((left, right), (right, left)):
                if not isinstance(name_node, ast.Name):
                    continue
                levels = levels_of(name_node.id)
                if not levels:
                    continue
                values = value_node.elts if isinstance(value_node, ast.List | ast.Tuple | ast.Set) else [value_node]
                # a number or True/False is never equal to a level either: levels are text ('1', not 1)
                bad = [v.value for v in values if isinstance(v, ast.Constant) and v.value not in levels]
                if bad:
                    problems.append(f"{where}: {', '.join(repr(b) for b in bad)} is not a level of {name_node.id} "
                                    f"({', '.join(levels)})")
    return problems


def _cycles(cfg: CountryConfig) -> list[str]:
    """Derived variables reading each other in a circle can never be computed."""

    problems = []
    for table in ("households", "individuals"):
        deps: dict[str, set[str]] = {}
        for name, var in cfg.variables.get(table, {}).items():
            if var.derived is not None:
                deps[name] = _names(var.derived)
        for name, src in cfg.columns.get(table, {}).items():
            if isinstance(src, Derived):
                deps[name] = _names(src.derived)
        try:
            derivation_order(deps)
        except ValueError as exc:
            problems.append(f"variables.{table}: {exc}")
    return problems


def _names(text: str) -> set[str]:
    try:
        return set(parse(text).names)
    except ExpressionError:
        return set()  # reported where the expression is checked


def derivation_order(deps: dict[str, set[str]]) -> list[str]:
    """Derived variables in an order where each comes after the derived variables it reads."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise ValueError("derived variables read each other in a circle: " + " -> ".join([*path, name]))
        state[name] = 1
        for d in sorted(deps[name] & set(deps)):
            visit(d, [*path, name])
        state[name] = 2
        order.append(name)

    for name in sorted(deps):
        visit(name, [])
    return order


# ----------------------------------------------------------------- columns ----
def _columns(cfg: CountryConfig) -> list[str]:

    cat = load_catalogue()
    problems = []
    for table, mapping in cfg.columns.items():
        valid = cat.variables.get(table, {})
        for var, src in mapping.items():
            if var not in valid:
                hint = " (declare it under variables)" if table in ("households", "individuals") else ""
                problems.append(f"columns.{table}.{var}: not a catalogue variable of {table}{hint}")
                continue
            if isinstance(src, Derived):
                if table not in ("households", "individuals"):
                    problems.append(f"columns.{table}.{var}: derived variables are for households and individuals")
                    continue
                problems += _expression(cfg, table, src.derived, f"columns.{table}.{var}.derived")
                spec = valid[var]
                if spec.type in ("id", "design", "date", "weight", "category"):
                    problems.append(f"columns.{table}.{var}: a {spec.type} variable cannot be derived; map a column")
    if cfg.design.weights is not None and "weight" in cfg.columns.get("households", {}) \
            and not cfg.design.weights.rescale:
        problems.append("columns.households.weight: the weights come from the sampling frame (design.weights); "
                        "remove this mapping or design.weights, or set design.weights.rescale: true to rescale "
                        "this column to the frame's populations")
    return problems


def _recodes(cfg: CountryConfig) -> list[str]:
    cat = load_catalogue()
    known = {v for table in cat.variables.values() for v in table}
    own = {n for vs in cfg.variables.values() for n in vs}
    problems = []
    for var in cfg.recode:
        if var not in known and var not in own:
            problems.append(f"recode.{var}: not a catalogue variable nor one of the country's variables")
    for table, variables in cfg.variables.items():
        for name, v in variables.items():
            if v.recode is not None and name in cfg.recode:
                problems.append(f"variables.{table}.{name}.recode: also given as recode.{name}; keep one")
    return problems


# -------------------------------------------------------------- indicators ----
def _indicators(cfg: CountryConfig) -> list[str]:
    cat = load_catalogue()
    known = {i.id for i in cat.indicators}
    problems = [f"drop_indicators: unknown indicator {d!r}" for d in cfg.drop_indicators if d not in known]
    own = {t: set(cfg.country_variables(t)) for t in ("households", "individuals")}
    problems += cat.unknown_names(cfg.extra_indicators, own)
    ids = [i.id for i in cfg.extra_indicators]
    for i in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"extra_indicators: indicator {i} is defined twice")
    for ind in cfg.extra_indicators:
        if ind.id in known and ind.id not in cfg.drop_indicators:
            problems.append(f"extra_indicators: {ind.id} is a catalogue indicator; add it to drop_indicators to "
                            "replace it, or choose another id")
        problems += _margin_problems(ind, cat.get(ind.id) if ind.id in known else None)
        if ind.table not in ("households", "individuals"):
            continue
        for key, text in ind.expressions().items():
            try:
                tree = parse(text).tree
            except ExpressionError:
                continue  # reported by the indicator model
            problems += literal_problems(tree, partial(cfg.levels, ind.table), f"indicator {ind.id}: {key}")
        for var in filter(None, [ind.variable, ind.breakdown.variable if ind.breakdown else None]):
            categorical = ind.kind in ("distribution", "by_reason") or var != ind.variable
            if categorical and _type_of(cfg, ind.table, var) not in (None, "category"):
                problems.append(f"indicator {ind.id}: {var} is not a category variable")
    return problems


def _margin_problems(ind: Indicator, catalogued: Indicator | None) -> list[str]:
    """A country replacing a catalogue indicator may tighten its margin, never loosen it (methodology §3)."""
    if catalogued is None or catalogued.margin is None:
        return []
    if ind.margin is None or ind.margin.looser_than(catalogued.margin):
        return [f"extra_indicators: {ind.id}: margin {_margin_words(ind.margin)} would loosen the catalogue's "
                f"{_margin_words(catalogued.margin)}; a country may keep or tighten it"]
    return []


def _margin_words(m: Margin | None) -> str:
    if m is None:
        return "(none: the global default)"
    return f"absolute {m.absolute:g}" if m.absolute is not None else f"relative {m.relative:g}"


def _type_of(cfg: CountryConfig, table: str, var: str) -> str | None:
    own = cfg.country_variables(table).get(var)
    if own is not None:
        return own.type
    spec = load_catalogue().variables.get(table, {}).get(var)
    return spec.type if spec is not None else None


def _disaggregations(cfg: CountryConfig) -> list[str]:
    ids = indicator_ids(cfg)
    problems = []
    seen: set[str] = set()
    for n, d in enumerate(cfg.disaggregations):
        where = f"disaggregations.{n}"
        if d.variable in seen:
            problems.append(f"{where}: {d.variable} is listed twice")
        seen.add(d.variable)
        if d.variable in DISAGGREGATIONS:
            problems.append(f"{where}: {d.variable} is a standard disaggregation already")
            continue
        types = {t: _type_of(cfg, t, d.variable) for t in ("households", "individuals")}
        if not any(types.values()):
            problems.append(f"{where}: {d.variable} is not a variable of households or individuals")
        elif "category" not in types.values():
            problems.append(f"{where}: {d.variable} is not a category variable")
        for i in d.indicators or []:
            if i not in ids and i != SOLUTIONS_ID:
                problems.append(f"{where}.indicators: unknown indicator {i!r}")
    return problems


def _notes_and_reference(cfg: CountryConfig) -> list[str]:
    ids = indicator_ids(cfg)
    problems = [f"notes.{i}: unknown indicator (not in the catalogue nor extra_indicators)"
                for i in cfg.notes if i not in ids and i != SOLUTIONS_ID]
    if cfg.reference is not None:
        for i, value in cfg.reference.values.items():
            ind = ids.get(i)
            if ind is None:
                problems.append(f"reference.values.{i}: unknown indicator")
            elif ind.kind not in SCALAR_KINDS:
                problems.append(f"reference.values.{i}: a {ind.kind} has no single value to compare with")
            elif ind.kind == "proportion" and not 0 <= value.estimate <= 1:
                problems.append(f"reference.values.{i}.estimate: a proportion is between 0 and 1 (write 0.42 for "
                                f"42%), got {value.estimate:g}")
    return problems


def _design(cfg: CountryConfig) -> list[str]:
    problems = []
    w = cfg.design.weights
    if w is not None:
        if w.household_size and _type_of(cfg, "households", w.household_size) not in ("integer", "number"):
            problems.append(f"design.weights.household_size: {w.household_size} is not a numeric household "
                            "variable (declare it under variables.households with type: integer)")
        if cfg.design.weight != "weight":
            problems.append("design.weight: with weights from a frame, the weight variable is 'weight'")
    for table in ("figures",):
        if getattr(cfg.data, table) is not None and getattr(cfg.data, table).files is not None:
            problems.append(f"data.{table}.files: several files are for survey tables; give one path")
    spec = cfg.data.households
    populations = [p for p in spec.parts() if p.population is not None]
    if populations and w is not None:
        problems.append("data.households.files: give either each file's population or a sampling frame "
                        "(design.weights), not both")
    if populations and len(populations) != len(spec.parts()):
        problems.append("data.households.files: a population is given for some files only; give one for every "
                        "file (the weights of each file are rescaled to it)")
    return problems
