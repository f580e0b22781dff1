"""The safe expression language of configs and the catalogue: parsed, checked, evaluated vectorised.

Configs are untrusted (they come from many hands), so an expression such as a universe
(`age >= 15 and age <= 64`), a solutions-measure condition or a derived variable can only *describe* a
computation over named variables; it can never reach Python. The text is parsed with `ast` and every node
is checked against a whitelist before anything is evaluated; the evaluator below walks that tree over
whole columns with numpy. There is no `eval`, no `DataFrame.eval`/`query`, no attribute access, no calls
except the missing-value tests, no subscripts, no comprehensions, no lambdas and no names other than the
variables the caller allows.

The language:
- variable names (those the caller allows: catalogue or country variables), numbers, strings, `True`/`False`;
- comparisons `==`, `!=`, `<`, `<=`, `>`, `>=` (chained too: `15 <= age <= 64`), `x in [..]`, `x not in [..]`
  with a list of literals;
- `and`, `or`, `not`; arithmetic `+`, `-`, `*`, `/` and unary `-` on numbers; parentheses;
- missing-value tests `missing(x)` and `answered(x)` (not missing).

Missing values follow three-valued (Kleene) logic, so a result is true, false or unknown per record:
a comparison with a missing operand is unknown; `false and unknown` is false, `true or unknown` is true.
`mask()` turns unknown into False (a record whose answer is unknown is not in a universe);
`truth()` returns both arrays, for callers that count unknowns (the solutions measure).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, cast

import numpy as np
import pandas as pd

MAX_LENGTH = 2000  # characters: expressions are short; anything longer is a mistake or an attack
MAX_NODES = 400  # AST nodes, so evaluation cost is bounded by (nodes x records)
MAX_LIST = 1000  # literals in one `in [...]` list
FUNCTIONS = ("missing", "answered")

_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
            ast.In: "in", ast.NotIn: "not in"}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_ORDER = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
# what a reader is told a construct is, for the error message
_CONSTRUCT = {
    ast.Attribute: "attribute access (.)", ast.Subscript: "indexing ([...])", ast.Call: "a function call",
    ast.Lambda: "lambda", ast.Pow: "the power operator (**)", ast.FloorDiv: "floor division (//)",
    ast.Mod: "the modulo operator (%)", ast.MatMult: "the @ operator", ast.BitAnd: "the & operator",
    ast.BitOr: "the | operator", ast.BitXor: "the ^ operator", ast.LShift: "the << operator",
    ast.RShift: "the >> operator", ast.Invert: "the ~ operator", ast.Is: "'is'", ast.IsNot: "'is not'",
    ast.IfExp: "a conditional (if/else)", ast.NamedExpr: "an assignment (:=)", ast.Starred: "unpacking (*)",
    ast.JoinedStr: "an f-string", ast.Dict: "a dict", ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "a slice",
}


class ExpressionError(ValueError):
    """An expression outside the language, or naming an unknown variable. The message says which."""


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its tree and the variable names it reads."""

    text: str
    tree: ast.Expression
    names: frozenset[str]

    def truth(self, data: pd.DataFrame | Mapping[str, Any], n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(value, known) boolean arrays over the records: value is meaningful only where known."""
        n = len(data) if n is None else n
        ev = _Evaluator(data, n)
        v = ev.visit(self.tree.body)
        if v.kind == "literal":
            v = ev._comparable(v)
        if v.kind == "text":
            raise ExpressionError(f"{self.text!r} is not a condition (it gives text, not true/false)")
        v = ev._as_bool(v, self.tree.body)  # a 0/1 variable on its own is a condition
        return v.values & v.known, v.known

    def mask(self, data: pd.DataFrame | Mapping[str, Any], n: int | None = None) -> np.ndarray:
        """True where the condition is known to hold; unknown (a missing operand) counts as False."""
        value, known = self.truth(data, n)
        return value & known

    def values(self, data: pd.DataFrame | Mapping[str, Any], n: int | None = None) -> pd.Series:
        """The expression's value per record (numbers, text or 0/1 for conditions), NaN where unknown."""
        n = len(data) if n is None else n
        v = _Evaluator(data, n).visit(self.tree.body)
        if v.kind == "literal":  # a constant: the same value for every record
            item = v.values.item()
            v = _Value("text" if isinstance(item, str) else "number",
                       np.full(n, item, dtype=object if isinstance(item, str) else float), np.ones(n, dtype=bool))
        out = v.values.astype(float) if v.kind == "bool" else v.values
        series = pd.Series(out, dtype=float if v.kind in ("bool", "number") else object)
        return series.where(v.known)


def parse(text: str, allowed: Collection[str] | None = None, *, where: str = "",
          condition: bool = False) -> Expression:
    """Parse and check `text`; `allowed` limits the variable names (None: any name, checked later).

    `condition=True` also refuses what cannot be true or false (arithmetic or a literal on its own).
    Raises ExpressionError naming `where` (e.g. a config key) and the construct that is not allowed.
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(text, str):
        raise ExpressionError(f"{prefix}expected an expression as text, got {type(text).__name__}")
    tree, names = _parse_tree(text, prefix)
    body = tree.body
    if condition and (isinstance(body, ast.BinOp) or isinstance(body, ast.UnaryOp) and not isinstance(body.op, ast.Not)
                      or isinstance(body, ast.Constant) and not isinstance(body.value, bool)):
        raise ExpressionError(f"{prefix}{_short(text)} is not a condition (it computes a value, not true/false)")
    if allowed is not None:
        unknown = sorted(names - set(allowed))
        if unknown:
            raise ExpressionError(f"{prefix}unknown variable{'s' if len(unknown) > 1 else ''} "
                                  f"{', '.join(unknown)} in {_short(text)}")
    return Expression(text, tree, names)


def referenced(text: str | None) -> set[str]:
    """The variable names an expression reads (empty for None)."""
    return set() if not text else set(parse(text).names)


def check(text: str, allowed: Collection[str] | None = None, *, where: str = "",
          condition: bool = False) -> str | None:
    """The problem with an expression as one line, or None when it is valid."""
    try:
        parse(text, allowed, where=where, condition=condition)
    except ExpressionError as exc:
        return str(exc)
    return None


# ------------------------------------------------------------------ parsing ----
def _short(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[ast.Expression, frozenset[str]] | str:
    """The checked tree of `text` and its names, or why it is refused (cached: catalogue expressions repeat)."""
    if len(text) > MAX_LENGTH:
        return f"expression longer than {MAX_LENGTH} characters"
    if not text.strip():
        return "empty expression"
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        return f"not a valid expression ({exc.msg})"
    except (RecursionError, MemoryError, ValueError):
        return "expression too deeply nested"
    checker = _Checker()
    try:
        checker.check(tree.body, 0)
    except ExpressionError as exc:
        return str(exc)
    return tree, frozenset(checker.names)


def _parse_tree(text: str, prefix: str) -> tuple[ast.Expression, frozenset[str]]:
    parsed = _parsed(text)
    if isinstance(parsed, str):
        raise ExpressionError(f"{prefix}{parsed} in {_short(text)}")
    return parsed


class _Checker:
    """Walks a tree top-down, refusing every node outside the language and collecting variable names."""

    MAX_DEPTH = 60

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.count = 0

    def check(self, node: ast.AST, depth: int) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise ExpressionError(f"expression too long (more than {MAX_NODES} parts)")
        if depth > self.MAX_DEPTH:
            raise ExpressionError("expression too deeply nested")
        d = depth + 1
        if isinstance(node, ast.Name):
            if node.id in ("True", "False"):
                return
            if node.id.startswith("_") or node.id in FUNCTIONS:
                raise ExpressionError(f"name {node.id!r} is not allowed")
            self.names.add(node.id)
        elif isinstance(node, ast.Constant):
            v = node.value
            if not (isinstance(v, bool | str) or _plain_number(v)):
                raise ExpressionError(f"literal {_short(repr(v), 40)[1:-1]} is not allowed")
        elif isinstance(node, ast.BoolOp):
            for operand in node.values:
                _no_text(operand, "'and' and 'or' need conditions")
                self.check(operand, d)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.Not | ast.USub | ast.UAdd):
                raise ExpressionError(_construct(node.op))
            _no_text(node.operand, "'not' needs a condition" if isinstance(node.op, ast.Not) else "arithmetic needs numbers")
            self.check(node.operand, d)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _ARITH:
                raise ExpressionError(_construct(node.op))
            for side in (node.left, node.right):
                _no_text(side, "arithmetic needs numbers")
                self.check(side, d)
        elif isinstance(node, ast.Compare):
            self.check(node.left, d)
            left = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                if type(op) not in _COMPARE:
                    raise ExpressionError(_construct(op))
                if isinstance(op, ast.In | ast.NotIn):
                    self._literal_list(right)
                else:
                    if type(op) in _ORDER:
                        _no_text(left, "'<', '<=', '>' and '>=' need numbers (compare text with == or in)")
                        _no_text(right, "'<', '<=', '>' and '>=' need numbers (compare text with == or in)")
                    self.check(right, d)
                left = right
        elif isinstance(node, ast.Call):
            func = node.func
            if not (isinstance(func, ast.Name) and func.id in FUNCTIONS):
                raise ExpressionError(_construct(node))
            if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Name):
                raise ExpressionError(f"{func.id}() takes one variable name")
            self.check(node.args[0], d)
        else:
            raise ExpressionError(_construct(node))

    def _literal_list(self, node: ast.AST) -> None:
        if not isinstance(node, ast.List | ast.Tuple | ast.Set):
            raise ExpressionError("'in' needs a list of literal values, e.g. x in ['a', 'b']")
        if len(node.elts) > MAX_LIST:
            raise ExpressionError(f"list of more than {MAX_LIST} values")
        for e in node.elts:
            self.count += 1
            if not (isinstance(e, ast.Constant) and not isinstance(e.value, bytes) or _negative_number(e)):
                raise ExpressionError("a list may hold literal values only")
            self.check(e if isinstance(e, ast.Constant) else e.operand, 0)  # type: ignore[attr-defined]


def _plain_number(v: object) -> bool:
    """A finite int or float of sane size (an int of 400 digits would overflow float conversion)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return abs(v) < 10**300
    return isinstance(v, float) and math.isfinite(v) and abs(v) < 1e300


def _no_text(node: ast.AST, why: str) -> None:
    """Refuse a text literal where only a number or a condition can stand (caught here, not at build time)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        raise ExpressionError(f"{why}, not the text {node.value[:40]!r}")


def _negative_number(node: ast.AST) -> bool:
    return (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, int | float)
            and not isinstance(node.operand.value, bool))


def _construct(node: ast.AST) -> str:
    name = _CONSTRUCT.get(type(node), type(node).__name__)
    return f"{name} is not allowed"


# --------------------------------------------------------------- evaluation ----
def text_codes(column: Any) -> tuple[np.ndarray, np.ndarray]:
    """A text column as (codes, distinct values): record i holds `distinct[codes[i]]`, code -1 is missing.

    A categorical's own codes are used as they are; other text is factorised once. Comparing the few
    distinct values and taking the answer by code is what makes a condition on a 4M-record column cheap:
    turning the column into Python objects first costs ten times more than the comparison.
    """
    if isinstance(getattr(column, "dtype", None), pd.CategoricalDtype):
        cat = cast(pd.Categorical, column.array if isinstance(column, pd.Series | pd.Index) else column)
        return np.asarray(cat.codes), np.asarray(cat.categories, dtype=object)
    codes, distinct = pd.factorize(column if isinstance(column, pd.Series | pd.Index) else np.asarray(column))
    return np.asarray(codes), np.asarray(distinct, dtype=object)


def take_by_code(codes: np.ndarray, per_value: np.ndarray, missing: Any) -> np.ndarray:
    """`per_value[codes]`, with `missing` where the code is -1 (index -1 lands on the appended value)."""
    return np.append(per_value, np.array([missing], dtype=per_value.dtype))[codes]


@dataclass(frozen=True)
class _Text:
    """A text column held as codes into its distinct values (see `text_codes`)."""

    codes: np.ndarray
    distinct: np.ndarray  # object
    name: str = ""

    def each(self, per_value: np.ndarray, missing: Any = False) -> np.ndarray:
        return take_by_code(self.codes, per_value, missing)


@dataclass(frozen=True)
class _Value:
    kind: str  # "bool", "number", "text" (text: object values, e.g. categories) or "literal"
    data: np.ndarray | None  # (n,) or a 0-d array for a literal; None for a text column held as codes
    known: np.ndarray  # (n,) bool
    text: _Text | None = None

    @cached_property
    def values(self) -> np.ndarray:
        """The values as an array (a text column's Python objects are built only when a caller needs them)."""
        if self.data is not None:
            return self.data
        assert self.text is not None
        return self.text.each(self.text.distinct, missing=np.nan)


def _literal_list(node: ast.AST) -> list[Any]:
    out = []
    elts: list[Any] = node.elts  # type: ignore[attr-defined]  # a list, tuple or set literal (checked by the caller)
    for e in elts:
        out.append(-cast(Any, e.operand).value if isinstance(e, ast.UnaryOp) else e.value)
    return out


class _Evaluator:
    """Evaluates a checked tree over columns of `data`; every visit returns a `_Value` of n records."""

    def __init__(self, data: pd.DataFrame | Mapping[str, Any], n: int):
        self.data = data
        self.n = n
        self.all = np.ones(n, dtype=bool)
        self.columns: dict[str, _Value] = {}

    def visit(self, node: ast.AST) -> _Value:
        if isinstance(node, ast.Name):
            return self._column(node.id)
        if isinstance(node, ast.Constant):
            kind = "bool" if isinstance(node.value, bool) else "text" if isinstance(node.value, str) else "number"
            if kind == "bool":
                return _Value("bool", np.full(self.n, node.value), self.all)
            return _Value("literal", np.array(node.value, dtype=object), self.all)
        if isinstance(node, ast.BoolOp):
            return self._boolop(node)
        if isinstance(node, ast.UnaryOp):
            v = self.visit(node.operand)
            if isinstance(node.op, ast.Not):
                v = self._as_bool(v, node)
                return _Value("bool", ~v.values & v.known, v.known)
            num = self._as_number(v)
            return _Value("number", -num.values if isinstance(node.op, ast.USub) else num.values, num.known)
        if isinstance(node, ast.BinOp):
            a, b = self._as_number(self.visit(node.left)), self._as_number(self.visit(node.right))
            with np.errstate(all="ignore"):
                out = _ARITH[type(node.op)](a.values, b.values)
            out = np.broadcast_to(np.asarray(out, dtype=float), (self.n,))
            return _Value("number", out, a.known & b.known & np.isfinite(out))
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Call):
            v = self._column(node.args[0].id)  # type: ignore[attr-defined]
            missing = ~v.known
            return _Value("bool", missing if node.func.id == "missing" else ~missing, self.all)  # type: ignore[attr-defined]
        raise ExpressionError(_construct(node))  # unreachable for checked trees

    def _column(self, name: str) -> _Value:
        if name not in self.columns:  # a variable read twice (x == 1 or x == 2) is converted once
            self.columns[name] = self._read(name)
        return self.columns[name]

    def _read(self, name: str) -> _Value:
        try:
            col = self.data[name]
        except KeyError:
            raise ExpressionError(f"variable {name!r} is not in the data") from None
        dtype = getattr(col, "dtype", None)
        if (isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype.kind not in "biufb"
                or dtype is not None and (pd.api.types.is_string_dtype(dtype) and dtype.kind != "S")):
            codes, distinct = text_codes(col)
            return _Value("text", None, codes >= 0, _Text(codes, distinct, name))
        arr = col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)
        known = ~pd.isna(arr)
        if arr.dtype.kind in "biuf":
            return _Value("number", arr.astype(float, copy=False), known)
        if arr.dtype.kind == "b":
            return _Value("bool", arr, known)
        return _Value("text", arr.astype(object, copy=False), known)

    def _as_bool(self, v: _Value, node: ast.AST) -> _Value:
        if v.kind == "bool":
            return v
        if v.kind == "number":  # a 0/1 variable used as a condition
            return _Value("bool", v.values != 0, v.known)
        raise ExpressionError(f"{ast.unparse(node)!r}: 'and', 'or' and 'not' need conditions, not text")

    def _as_number(self, v: _Value) -> _Value:
        if v.kind == "number":
            return v
        if v.kind == "bool":
            return _Value("number", v.values.astype(float), v.known)
        if v.kind == "literal":
            if isinstance(v.values.item(), str):
                raise ExpressionError(f"arithmetic on the text {v.values.item()!r}")
            return _Value("number", np.full(self.n, float(v.values.item())), self.all)
        if v.text is not None:
            per_value = pd.to_numeric(pd.Series(v.text.distinct, dtype=object), errors="coerce").to_numpy(dtype=float)
            if per_value.size and np.isnan(per_value).all():  # not one number: a mistake, never an empty result
                shown = ", ".join(repr(str(x))[:40] for x in v.text.distinct[:3])
                raise ExpressionError(f"{v.text.name!r} holds text ({shown}{', ...' if per_value.size > 3 else ''}), "
                                      "not numbers: arithmetic and '<', '<=', '>', '>=' need numbers")
            num = v.text.each(per_value, missing=np.nan)
        else:
            num = pd.to_numeric(pd.Series(v.values), errors="coerce").to_numpy(dtype=float)
        return _Value("number", num, v.known & ~np.isnan(num))

    def _boolop(self, node: ast.BoolOp) -> _Value:
        parts = [self._as_bool(self.visit(x), node) for x in node.values]
        value, known = parts[0].values.copy(), parts[0].known.copy()
        for p in parts[1:]:
            if isinstance(node.op, ast.And):
                false_a, false_b = known & ~value, p.known & ~p.values
                value = value & p.values
                known = (known & p.known) | false_a | false_b
            else:
                true_a, true_b = known & value, p.known & p.values
                value = value | p.values
                known = (known & p.known) | true_a | true_b
        return _Value("bool", value & known, known)

    def _compare(self, node: ast.Compare) -> _Value:
        left = self.visit(node.left)
        value, known = self.all.copy(), self.all.copy()
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                if not isinstance(right_node, ast.List | ast.Tuple | ast.Set):
                    raise ExpressionError("'in' needs a list of values, e.g. x in ['a', 'b']")
                res, k = self._isin(left, _literal_list(right_node))
                if isinstance(op, ast.NotIn):
                    res = ~res
                right = left
            else:
                right = self.visit(right_node)
                res, k = self._binary_compare(op, left, right)
            value &= res
            known &= k
            left = right
        return _Value("bool", value & known, known)

    def _isin(self, v: _Value, items: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        if v.kind == "literal":
            return np.full(self.n, v.values.item() in items), self.all
        if v.text is not None:  # the same pandas `isin`, on the distinct values only
            return v.text.each(pd.Series(v.text.distinct, dtype=object).isin(items).to_numpy(dtype=bool)), v.known
        res = pd.Series(v.values).isin(items).to_numpy(dtype=bool)
        return res, v.known

    def _binary_compare(self, op: ast.cmpop, a: _Value, b: _Value) -> tuple[np.ndarray, np.ndarray]:
        known = a.known & b.known
        if isinstance(op, ast.Eq | ast.NotEq):
            if b.text is not None and a.kind == "literal":
                a, b = b, a
            if a.text is not None and b.kind == "literal":  # column == literal: compare the distinct values once
                eq = a.text.each(np.asarray(a.text.distinct == b.values.item(), dtype=bool))
                return (eq if isinstance(op, ast.Eq) else ~eq), known
            a, b = self._comparable(a), self._comparable(b)
            if a.kind == "number" and b.kind == "number":
                eq = a.values == b.values
            else:  # text on either side: element-wise equality of Python objects (1 == 1.0, '1' != 1)
                left = np.broadcast_to(a.values.astype(object, copy=False), (self.n,))
                right = b.values.astype(object, copy=False) if b.values.ndim else b.values.item()
                eq = np.asarray(left == right)
            eq = np.broadcast_to(np.asarray(eq, dtype=bool), (self.n,))
            return (eq if isinstance(op, ast.Eq) else ~eq), known
        a, b = self._as_number(a), self._as_number(b)
        with np.errstate(all="ignore"):
            res = _ORDER[type(op)](a.values, b.values)
        return np.broadcast_to(np.asarray(res, dtype=bool), (self.n,)), a.known & b.known

    def _comparable(self, v: _Value) -> _Value:
        """Booleans and numeric literals as numbers; text literals as a 0-d text value."""
        if v.kind == "bool":
            return self._as_number(v)
        if v.kind == "literal":
            item = v.values.item()
            if isinstance(item, str):
                return _Value("text", v.values, self.all)
            return _Value("number", np.full(self.n, float(item)), self.all)
        return v
