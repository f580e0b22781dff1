"""The tidy API and the integer coding under it, on small data (R comparisons: test_tidy_vs_r.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solutions.survey import Design, SurveyTable, contrast, mean_by_domain
from solutions.survey.codes import compact, dense_codes


@pytest.mark.parametrize(
    "values",
    [
        np.array([30, 10, 20, 10, 30]),  # small-range integers: a lookup table
        np.array([5 * 2**40, 10, 2**40, 10, 5 * 2**40]),  # sparse integers: a hash
        np.array(["c", "a", "b", "a", "c"], dtype=object),  # text: a hash
        np.array([2.5, 0.5, 1.5, 0.5, 2.5]),  # floats
        pd.Categorical(["c", "a", "b", "a", "c"], categories=["z", "c", "b", "a"]),  # unused level, unsorted
    ],
    ids=["ints", "sparse-ints", "text", "floats", "categorical"],
)
def test_dense_codes_number_values_in_sorted_order(values) -> None:
    codes, labels = dense_codes(pd.Series(values))
    assert codes.tolist() == [2, 0, 1, 0, 2]
    assert len(labels) == 3 and list(np.asarray(labels)[codes]) == list(np.asarray(values))


def test_dense_codes_missing_values() -> None:
    s = pd.Series(["b", None, "a"])
    with pytest.raises(ValueError, match="1 missing value"):
        dense_codes(s, what="psu")
    assert dense_codes(s, missing="none")[0].tolist() == [1, -1, 0]
    cat = pd.Series(pd.Categorical(["m", None, "f"], categories=["m", "f"]))
    codes, labels = dense_codes(cat, missing="none", category_order=True)
    assert codes.tolist() == [0, -1, 1] and list(labels) == ["m", "f"]


def test_compact_keeps_key_order_with_a_table_or_a_hash() -> None:
    keys = np.array([7, 3, 7, 9, 3])
    for key_range in (10, 10**12):  # the second is past any lookup table: hashed
        codes, used = compact(keys, key_range)
        assert codes.tolist() == [1, 0, 1, 2, 0] and used.tolist() == [3, 7, 9]


FRAME = pd.DataFrame({
    "st": [1, 1, 1, 2, 2, 2, 2], "psu": [1, 1, 2, 1, 1, 2, 2], "w": [1.0, 2, 1, 3, 1, 2, 1],
    "g": ["b", "a", "b", None, "a", "b", "a"], "y": [1.0, 0, 1, 1, np.nan, 0, 1], "x": [2.0, 1, 1, 3, 1, 2, 1],
})


def test_tidy_mean_equals_the_array_layer() -> None:
    d = Design.from_frame(FRAME, weight="w", strata="st", psu="psu")
    t = d.mean("y", by="g", level=0.95)
    codes = np.array([1, 0, 1, -1, 0, 1, 0])
    arr = mean_by_domain(d, FRAME["y"].to_numpy(), domain=codes, n_domains=2, level=0.95)
    assert isinstance(t, SurveyTable) and t["g"].tolist() == ["a", "b"]
    np.testing.assert_array_equal(t["estimate"], arr.estimate[:, 0])
    np.testing.assert_array_equal(t["se"], arr.se[:, 0])
    assert t["n"].tolist() == [2, 3]  # the NaN of y leaves one record of "a" out
    whole = d.mean("y", level=0.95)
    assert list(whole.columns[:2]) == ["variable", "estimate"] and len(whole) == 1
    assert whole["estimate"].iloc[0] == pytest.approx((1 + 1 + 3 + 1) / (1 + 2 + 1 + 3 + 2 + 1))  # record 4 (NaN) left out


def test_contrast_arguments_are_checked() -> None:
    d = Design.from_frame(FRAME, weight="w", strata="st", psu="psu")
    t = d.mean(["y", "x"], by="g", level=0.95)
    both = contrast(t, {"a": 1, "b": -1})
    assert both["variable"].tolist() == ["y", "x"]
    np.testing.assert_allclose(both["estimate"], t["estimate"].to_numpy()[[0, 2]] - t["estimate"].to_numpy()[[1, 3]])
    named = contrast(t, {"gap": {"a": 1, "b": -1}, "a": {"a": 1}})
    assert named["contrast"].tolist() == ["gap", "gap", "a", "a"]
    np.testing.assert_allclose(named["se"].to_numpy()[2:], t["se"].to_numpy()[[0, 2]], rtol=1e-12)
    with pytest.raises(ValueError, match="no domain 'c'"):
        contrast(t, {"c": 1})
    with pytest.raises(ValueError, match="has 3 coefficients"):
        contrast(t, [1, 0, -1])
    with pytest.raises(ValueError, match="whole table as returned"):
        contrast(t.iloc[::-1], [1, 0, 0, 0])
    with pytest.raises(ValueError, match="returned by design.mean"):
        contrast(pd.DataFrame(t), {"a": 1})
    assert isinstance(t.head(2), SurveyTable) and t.head(2).fit is t.fit  # pandas keeps what contrast needs


def test_a_table_keeps_its_fit_through_concat_and_merge() -> None:
    d = Design.from_frame(FRAME, weight="w", strata="st", psu="psu")
    t = d.mean(["y", "x"], by="g", level=0.95)
    gap = contrast(t, {"a": 1, "b": -1})
    # pieces of one table put back together, and labels merged on: the same estimates, so the same contrast
    rejoined = pd.concat([t.iloc[:2], t.iloc[2:]])
    labelled = t.merge(pd.DataFrame({"g": ["a", "b"], "label": ["Group A", "Group B"]}), on="g")
    for joined in (rejoined, labelled):
        assert isinstance(joined, SurveyTable) and joined.fit is t.fit
        pd.testing.assert_frame_equal(contrast(joined, {"a": 1, "b": -1}), gap)
    # a vector of coefficients is matched to rows by position: the same rows as returned, or refused
    vector = contrast(rejoined, [1, -1, 0, 0])
    assert vector["estimate"].iloc[0] == pytest.approx(gap["estimate"].iloc[0])
    resorted = t.iloc[::-1].reset_index(drop=True)  # the same index 0..3, the rows elsewhere
    with pytest.raises(ValueError, match="whole table as returned"):
        contrast(resorted, [1, -1, 0, 0])
    # tables of two calls have no covariance between them: joined, they have no fit and contrast says why
    other = d.mean("x", by="g", level=0.95)
    mixed = pd.concat([t, other], ignore_index=True)
    assert mixed.fit is None
    with pytest.raises(ValueError, match="different calls joined together"):
        contrast(mixed, {"a": 1, "b": -1})
    with pytest.raises(ValueError, match="different calls joined together"):
        contrast(pd.concat([t, pd.DataFrame(t)], ignore_index=True), {"a": 1})


def test_tidy_verbs_refuse_unknown_columns_and_designs_without_data() -> None:
    d = Design.from_frame(FRAME, weight="w", strata="st", psu="psu")
    with pytest.raises(ValueError, match=r"column\(s\) \['nope'\] not in the data"):
        d.mean("nope", by="g", level=0.95)
    with pytest.raises(ValueError, match="1 or 2 denominators"):
        d.ratio(["y", "x"], ["x", "y", "x"], level=0.95)
    with pytest.raises(ValueError, match="0/1 values"):
        d.proportion("x", level=0.95)
    bare = Design.from_psus(np.array([0, 0]), n_strata=1, strata_labels=None, lonely_psu="adjust")
    with pytest.raises(ValueError, match="no data frame"):
        bare.mean("y", level=0.95)
