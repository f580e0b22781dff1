"""The safe expression language: what it accepts, what it refuses, and its three-valued logic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solutions.catalogue import load_catalogue
from solutions.expressions import ExpressionError, check, parse, referenced

NAN = np.nan


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame({
        "a": [1, 0, NAN, 1, 0, NAN],
        "b": [0, NAN, 0, 1, 1, NAN],
        "s": ["x", "y", None, "x", "z", None],
        "age": [5, 20, 70, NAN, 64, 15],
    })


def truth(df: pd.DataFrame, text: str) -> list[str]:
    """Per record: T, F or ? (unknown)."""
    value, known = parse(text).truth(df)
    return ["?" if not k else "T" if v else "F" for v, k in zip(value, known, strict=True)]


@pytest.mark.parametrize(("text", "expected"), [
    ("a == 1", "TF?TF?"),
    ("a != 1", "FT?FT?"),
    ("not a == 1", "FT?FT?"),
    ("a", "TF?TF?"),  # a 0/1 variable is a condition
    ("a == 1 or b == 0", "T?TTF?"),  # true or unknown = true
    ("a == 1 and b == 0", "TF?FF?"),  # false and unknown = false
    ("s == 'x'", "TF?TF?"),
    ("s in ['x', 'y']", "TT?TF?"),
    ("s not in ['x']", "FT?FT?"),
    ("15 <= age <= 64", "FTF?TT"),
    ("missing(b)", "FTFFFT"),
    ("answered(s) and a == 1", "TFFTFF"),
    ("a + b >= 1", "T??TT?"),
    ("a / b > 0", "???TF?"),  # division by zero is unknown, not infinite
    ("-age < -60", "FFT?TF"),
])
def test_three_valued_logic(df: pd.DataFrame, text: str, expected: str) -> None:
    assert "".join(truth(df, text)) == expected


TEXT_STORAGE = {
    "object": lambda s: s.astype(object),
    "str": lambda s: s.astype("str").where(s.notna()),
    # a categorical's codes are compared, not its values: unused and reordered categories must not matter
    "categorical": lambda s: s.astype(pd.CategoricalDtype(["unused", "z", "y", "x", "1"])),
}


@pytest.mark.parametrize("storage", list(TEXT_STORAGE))
@pytest.mark.parametrize(("text", "expected"), [
    ("s == 'x'", "TF?TF?"), ("'x' == s", "TF?TF?"), ("s != 'x'", "FT?FT?"), ("s == 1", "FF?FF?"),
    ("s in ['x', 'y']", "TT?TF?"), ("s not in ['x']", "FT?FT?"), ("s == 'unused'", "FF?FF?"),
    ("answered(s) and s == 'z'", "FFFFTF"), ("s == s", "TT?TT?"),
])
def test_text_columns_give_the_same_truth_however_stored(df: pd.DataFrame, storage: str, text: str,
                                                         expected: str) -> None:
    stored = df.assign(s=TEXT_STORAGE[storage](df["s"]))
    assert "".join(truth(stored, text)) == expected
    out = parse("s").values(stored)
    assert out.iloc[[0, 1, 3, 4]].tolist() == ["x", "y", "x", "z"] and out.iloc[[2, 5]].isna().all()


def test_text_holding_numbers_is_read_as_numbers_in_arithmetic() -> None:
    frame = pd.DataFrame({"t": pd.Categorical(["3", "x", None, "3"])})
    assert "".join(truth(frame, "t + 1 > 3")) == "T??T"


def test_mask_counts_unknown_as_false(df: pd.DataFrame) -> None:
    assert parse("a == 1 or b == 0").mask(df).tolist() == [True, False, True, True, False, False]


def test_values_of_arithmetic(df: pd.DataFrame) -> None:
    out = parse("a * 2 + age").values(df)
    assert out.iloc[0] == 7 and out.iloc[1] == 20 and np.isnan(out.iloc[2]) and np.isnan(out.iloc[3])


def test_names_ignore_strings_and_functions() -> None:
    assert referenced("s == 'hidden_name' and missing(b) or age > 1") == {"s", "b", "age"}
    assert referenced(None) == set()


@pytest.mark.parametrize(("text", "construct"), [
    ("__import__('os').system('id')", "function call"),
    ("a.__class__", "attribute access"),
    ("a[0] == 1", "indexing"),
    ("@os == 1", "not a valid expression"),
    ("a ** 99 > 1", "power operator"),
    ("(lambda: 1)() == 1", "function call"),
    ("a if b else 0", "conditional"),
    ("[x for x in a]", "comprehension"),
    ("a == f'{b}'", "f-string"),
    ("a == 1e999", "literal inf"),
    ("a == None", "literal None"),
    ("a in b", "needs a list"),
    ("a in [b]", "literal values only"),
    ("_hidden == 1", "name '_hidden'"),
    ("missing(a, b)", "one variable name"),
    ("missing('a')", "one variable name"),
    ("(a := 1)", "assignment"),
    ("a; import os", "not a valid expression"),
    ("", "empty expression"),
    ("(" * 300 + "a" + ")" * 300, "nested"),
    (" or ".join(["a == 1"] * 400), "longer than"),
    ("a in [" + ",".join(["1"] * 600) + "]", "more than"),
])
def test_refuses_what_is_outside_the_language(text: str, construct: str) -> None:
    with pytest.raises(ExpressionError, match="^key: .*" + construct.replace("(", r"\(")):
        parse(text, where="key")


def test_unknown_names_are_named() -> None:
    assert check("foo == 1 and a == 1", {"a"}, where="k") == "k: unknown variable foo in 'foo == 1 and a == 1'"


def test_condition_required_where_a_condition_is_expected() -> None:
    assert "not a condition" in check("a + 1", condition=True)
    assert check("a + 1") is None


def test_text_is_not_a_condition(df: pd.DataFrame) -> None:
    with pytest.raises(ExpressionError, match="not a condition"):
        parse("s").truth(df)


def test_catalogue_expressions_agree_with_plain_pandas_comparisons() -> None:
    """Every catalogue condition gives the mask the obvious pandas formulation gives (NaN never matches)."""
    rng = np.random.default_rng(1)
    n = 400
    cat = load_catalogue()
    for ind in cat.indicators:
        for key, expr in ind.expressions().items():
            names = referenced(expr)
            data = {}
            for name in names:
                levels = cat.levels(ind.table, name)
                if levels:
                    data[name] = rng.choice([*levels, None], n)
                elif name == "age":
                    data[name] = rng.choice([*range(0, 90), NAN], n)
                else:
                    data[name] = rng.choice([0.0, 1.0, NAN], n)
            frame = pd.DataFrame(data)
            ours = parse(expr).mask(frame)
            # pandas' own evaluator as the reference, in a test only, on the packaged catalogue's text
            ref = frame.eval(expr, engine="python").fillna(False).to_numpy(dtype=bool)
            assert (ours == ref).all(), (ind.id, key, expr)


@pytest.mark.parametrize("storage", ["object", "str", "categorical"])
def test_arithmetic_or_order_on_text_without_a_number_is_refused(df: pd.DataFrame, storage: str) -> None:
    """Never a silent all-unknown result: `s + 1` or `s > 2` on text that holds no number is a mistake."""
    stored = df.assign(s=pd.Categorical(df["s"], categories=["x", "y", "z"]) if storage == "categorical"
                       else TEXT_STORAGE[storage](df["s"]))
    for text in ("s + 1 > 2", "s > 2"):
        with pytest.raises(ExpressionError, match=r"'s' holds text \('x', 'y', 'z'\), not numbers"):
            parse(text).truth(stored)
