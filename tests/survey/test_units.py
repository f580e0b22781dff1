"""Tiny hand-checkable examples for solutions.survey (the R comparison lives in test_vs_r.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from solutions.survey import (
    Design,
    LonelyPSUError,
    domain_differences,
    logit_ci,
    mean_by_domain,
    proportion_by_domain,
    ratio_by_domain,
    t_ci,
    total_by_domain,
)

# Two strata, two PSUs each, six records.
#   stratum A: PSU 1 = (w=1, y=1), (w=1, y=0); PSU 2 = (w=2, y=1)
#   stratum B: PSU 1 = (w=1, y=0);             PSU 2 = (w=2, y=1), (w=1, y=0)
SIX = pd.DataFrame(
    {
        "st": ["A", "A", "A", "B", "B", "B"],
        "psu": [1, 1, 2, 1, 2, 2],  # nested: PSU 1 of A is not PSU 1 of B
        "w": [1.0, 1.0, 2.0, 1.0, 2.0, 1.0],
        "y": [1.0, 0.0, 1.0, 0.0, 1.0, 0.0],
        "x": [2.0, 1.0, 1.0, 1.0, 2.0, 2.0],
    }
)


def design(df=SIX, **kw) -> Design:
    kw.setdefault("strata", "st")
    kw.setdefault("psu", "psu")
    return Design.from_frame(df, weight="w", **kw)


def test_codes_and_degf():
    d = design()
    assert d.n_psus == 4 and d.n_strata == 2 and d.degf == 2
    assert d.n_psu.tolist() == [2, 2]
    assert d.psu.tolist() == [0, 0, 1, 2, 3, 3]
    srs = Design.from_frame(SIX, weight="w")
    assert srs.n_psus == 6 and srs.degf == 5


def test_mean_by_hand():
    # Σw = 8, Σwy = 5, R = 0.625. PSU totals of z = w (y - R) / 8:
    #   A1 = (0.375 - 0.625)/8 = -0.03125, A2 = 2*0.375/8 = 0.09375  -> mean 0.03125, devs ∓0.0625
    #   B1 = -0.625/8 = -0.078125,         B2 = (0.75 - 0.625)/8 = 0.015625 -> mean -0.03125, devs ∓0.046875
    #   V = 2*(2*0.0625²) + 2*(2*0.046875²) = 0.015625 + 0.0087890625 = 0.0244140625, SE = 0.15625
    r = mean_by_domain(design(), SIX["y"].to_numpy(), domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    assert r.estimate[0, 0] == pytest.approx(0.625, rel=1e-15)
    assert r.se[0, 0] == pytest.approx(0.15625, rel=1e-14)
    assert r.n_unweighted[0, 0] == 6 and r.n_weighted[0, 0] == 8.0 and r.df[0, 0] == 2
    # deff: Σ w (y - R)² = 5*0.375² + 3*0.625² = 1.875; lin = (y-R)/8 -> Σ w lin² = 1.875/64
    # vsrs = Σ w lin² (N - n)/(n - 1) = 1.875/64 * 2/5 = 0.01171875 -> deff = 0.0244140625/0.01171875
    assert r.deff[0, 0] == pytest.approx(0.0244140625 / 0.01171875, rel=1e-13)


def test_total_by_hand():
    # PSU totals of w y: A1 = 1, A2 = 2 (mean 1.5, devs ∓0.5); B1 = 0, B2 = 2 (mean 1, devs ∓1)
    # V = 2*(0.25+0.25) + 2*(1+1) = 5
    r = total_by_domain(design(), SIX["y"].to_numpy(), domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    assert r.estimate[0, 0] == 5.0
    assert r.se[0, 0] == pytest.approx(np.sqrt(5.0), rel=1e-14)


def test_ratio_by_hand():
    # Σwy = 5, Σwx = 2+1+2+1+4+2 = 12, R = 5/12. z = w (y - R x) / 12, PSU totals:
    #   A1 = (1 - 2R) + (0 - R) = 1 - 3R = -0.25 -> /12;  A2 = 2 (1 - R) = 7/6 -> /12
    #   B1 = -R = -5/12 -> /12;                           B2 = 2 (1 - 2R) + (0 - 2R) = 2 - 6R = -0.5 -> /12
    a1, a2, b1, b2 = -0.25 / 12, (7 / 6) / 12, (-5 / 12) / 12, -0.5 / 12
    v = 2 * ((a1 - a2) ** 2 / 2) + 2 * ((b1 - b2) ** 2 / 2)  # n/(n-1) Σ (z - zbar)² with n = 2
    r = ratio_by_domain(design(), SIX["y"].to_numpy(), denominator=SIX["x"].to_numpy(), domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    assert r.estimate[0, 0] == pytest.approx(5 / 12, rel=1e-15)
    assert r.se[0, 0] == pytest.approx(np.sqrt(v), rel=1e-13)
    assert r.denominator_total[0, 0] == 12.0


def test_domain_uses_the_full_design():
    # Domain 0 = records 0, 2, 4 (one per PSU except B1), all y = 1 -> estimate 1, scores all 0.
    # Domain 1 = records 1, 3, 5 (y = 0) -> estimate 0. Both have zero variance (constant y).
    # Domain 2 = records 0, 1, 3: Σw = 3, Σwy = 1, R = 1/3; z = w (y - 1/3) / 3:
    #   A1 = (2/3 - 1/3)/3 = 1/9, A2 = 0 (absent, still counted: n_h = 2); B1 = -1/9, B2 = 0
    #   V = 2 * ((1/9 - 1/18)² * 2) * 2 strata = 4 * 2 * (1/18)² = 8/324
    dom = np.array([0, 1, 0, 1, 0, 1])
    r = mean_by_domain(design(), SIX["y"].to_numpy(), domain=dom, n_domains=3, level=0.95)
    assert r.estimate[:, 0].tolist()[:2] == [1.0, 0.0]
    assert r.se[0, 0] == 0.0 and r.se[1, 0] == 0.0
    assert np.isnan(r.estimate[2, 0]) and np.isnan(r.se[2, 0]) and r.n_unweighted[2, 0] == 0
    dom2 = np.array([2, 2, -1, 2, -1, -1])
    r2 = mean_by_domain(design(), SIX["y"].to_numpy(), domain=dom2, n_domains=3, level=0.95)
    assert r2.estimate[2, 0] == pytest.approx(1 / 3, rel=1e-15)
    assert r2.se[2, 0] == pytest.approx(np.sqrt(8 / 324), rel=1e-13)
    assert r2.df[2, 0] == 2 - 2  # PSUs A1, B1 minus strata A, B


def test_missing_values_leave_the_universe():
    y = SIX["y"].to_numpy().copy()
    y[2] = np.nan
    r = mean_by_domain(design(), y, domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    # Σw over the universe = 6, Σwy = 1 + 2 = 3
    assert r.estimate[0, 0] == 0.5 and r.n_unweighted[0, 0] == 5 and r.n_weighted[0, 0] == 6.0
    uni = np.ones((6, 1), dtype=bool)
    uni[2] = False
    r2 = mean_by_domain(design(), SIX["y"].to_numpy(), domain=np.zeros(6, dtype=int), n_domains=1, universe=uni, level=0.95)
    np.testing.assert_array_equal(r.estimate, r2.estimate)
    np.testing.assert_array_equal(r.se, r2.se)


# Add stratum C with a single PSU (w=1, y=1): the lonely-PSU options.
SEVEN = pd.concat(
    [SIX, pd.DataFrame({"st": ["C"], "psu": [1], "w": [1.0], "y": [1.0], "x": [1.0]})], ignore_index=True
)


def _lonely_expected(option: str) -> float:
    # Σw = 9, Σwy = 6, R = 2/3; z = w (y - R) / 9. PSU totals:
    R = 2 / 3
    a1, a2 = (1 - R + 0 - R) / 9, 2 * (1 - R) / 9
    b1, b2 = (0 - R) / 9, (2 * (1 - R) + 0 - R) / 9
    c1 = (1 - R) / 9
    va = 2 * ((a1 - a2) ** 2 / 2)
    vb = 2 * ((b1 - b2) ** 2 / 2)
    if option in ("certainty", "remove"):
        return va + vb  # C contributes 0
    if option == "adjust":
        return va + vb + c1**2  # C's total centred at the grand mean 0
    if option == "average":
        return (va + vb) * 3 / 2  # mean of the 2 strata with a variance, times 3 strata
    raise AssertionError(option)


@pytest.mark.parametrize("option", ["certainty", "remove", "adjust", "average"])
def test_lonely_psu_options(option):
    d = design(SEVEN, lonely_psu=option)
    r = mean_by_domain(d, SEVEN["y"].to_numpy(), domain=np.zeros(7, dtype=int), n_domains=1, level=0.95)
    assert r.estimate[0, 0] == pytest.approx(2 / 3, rel=1e-15)
    assert r.se[0, 0] ** 2 == pytest.approx(_lonely_expected(option), rel=1e-12)


def test_lonely_psu_fail_names_the_stratum():
    with pytest.raises(LonelyPSUError, match="stratum 'C' has only one PSU"):
        design(SEVEN)
    assert issubclass(LonelyPSUError, ValueError)
    # a fully enumerated single-PSU stratum (fpc N_h = 1) is not lonely
    census = SEVEN.assign(N=SEVEN["st"].map({"A": 4, "B": 4, "C": 1}))
    d = design(census, fpc="N")
    assert d.fpc_factor.tolist() == [0.5, 0.5, 0.0]


def test_fpc_population_and_fraction_agree():
    pop = SIX.assign(N=4)  # 2 of 4 PSUs sampled per stratum: factor 1 - 2/4 = 0.5
    frac = SIX.assign(f=0.5)
    y = SIX["y"].to_numpy()
    r1 = mean_by_domain(design(pop, fpc="N"), y, domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    r2 = mean_by_domain(design(frac, fpc="f"), y, domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    assert r1.se[0, 0] == pytest.approx(0.15625 * np.sqrt(0.5), rel=1e-13)
    assert r2.se[0, 0] == pytest.approx(r1.se[0, 0], rel=1e-13)
    census = mean_by_domain(design(SIX.assign(N=2), fpc="N"), y, domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    assert census.se[0, 0] == 0.0


def test_contrast_by_hand():
    # Domain 0 = stratum A records, domain 1 = stratum B records. They share no PSU, so
    # Var(a - b) = Var(a) + Var(b).
    dom = np.array([0, 0, 0, 1, 1, 1])
    r = proportion_by_domain(design(), SIX["y"].to_numpy(), domain=dom, n_domains=2, level=0.95)
    c = domain_differences(r, a=np.array([0]), b=np.array([1]))
    assert c.difference[0, 0] == pytest.approx(r.estimate[0, 0] - r.estimate[1, 0])
    assert c.se[0, 0] == pytest.approx(np.hypot(r.se[0, 0], r.se[1, 0]), rel=1e-13)
    assert c.df[0, 0] == 2
    # Domains sharing PSUs: y=1 records vs y=0 records, both constant -> SE 0 each, but the
    # difference 1 - 0 has SE 0 as well; a domain against itself is exactly 0 with SE 0.
    same = domain_differences(r, a=np.array([1]), b=np.array([1]))
    assert same.difference[0, 0] == 0.0 and same.se[0, 0] == 0.0


def test_contrast_covariance_matches_scores():
    # Overlapping PSUs: the contrast variance equals the variance of the difference of scores.
    rng = np.random.default_rng(5)
    n = 60
    df = pd.DataFrame({"st": rng.integers(0, 3, n), "psu": rng.integers(0, 4, n), "w": rng.uniform(1, 3, n)})
    d = Design.from_frame(df, weight="w", strata="st", psu="psu")
    y = rng.normal(size=n)
    dom = rng.integers(0, 2, n)
    r = mean_by_domain(d, y, domain=dom, n_domains=2, level=0.95)
    # record-level scores for each domain, then the naive stratified formula (loops: tiny data)
    z = np.zeros(n)
    for g, sign in ((0, 1.0), (1, -1.0)):
        m = dom == g
        z[m] += sign * d.weights[m] * (y[m] - r.estimate[g, 0]) / d.weights[m].sum()
    v = 0.0
    for h in range(d.n_strata):
        tot = np.array([z[d.psu == p].sum() for p in np.flatnonzero(d.psu_stratum == h)])
        v += len(tot) / (len(tot) - 1) * ((tot - tot.mean()) ** 2).sum()
    c = domain_differences(r, a=[0], b=[1])
    assert c.se[0, 0] == pytest.approx(np.sqrt(v), rel=1e-12)


def test_intervals():
    lo, hi = t_ci(np.array([1.0]), np.array([0.5]), df=10, level=0.95)
    from scipy import stats

    q = stats.t.ppf(0.975, 10)
    assert lo[0] == pytest.approx(1 - 0.5 * q) and hi[0] == pytest.approx(1 + 0.5 * q)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lo, hi = logit_ci(np.array([0.0, 1.0, 0.2, 0.2]), np.array([0.0, 0.0, 0.05, 0.05]), df=[5, 5, 5, 0], level=0.95)
    assert lo[:2].tolist() == [0.0, 1.0] and hi[:2].tolist() == [0.0, 1.0]
    eta, s = np.log(0.2 / 0.8), 0.05 / (0.2 * 0.8)
    q5 = stats.t.ppf(0.975, 5)
    assert lo[2] == pytest.approx(1 / (1 + np.exp(-(eta - q5 * s))), rel=1e-14)
    assert hi[2] == pytest.approx(1 / (1 + np.exp(-(eta + q5 * s))), rel=1e-14)
    assert np.isnan(lo[3]) and np.isnan(hi[3])  # df = 0: no interval, as R


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"w": [1.0, np.nan, 2.0, 1.0, 2.0, 1.0]}, "must be finite and >= 0"),
        ({"w": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]}, "must be finite and >= 0, not all 0"),  # one 0 is kept, as R
        ({"w": [1.0, -1.0, 2.0, 1.0, 2.0, 1.0]}, "must be finite and >= 0"),
        ({"psu": [1, 1, 2, 1, np.nan, 2]}, "missing value"),
    ],
)
def test_design_errors(change, message):
    with pytest.raises(ValueError, match=message):
        design(SIX.assign(**change))


def test_design_option_errors():
    with pytest.raises(ValueError, match="lonely_psu must be one of"):
        design(lonely_psu="drop")
    with pytest.raises(ValueError, match="reused across strata"):
        design(nest=False)
    with pytest.raises(ValueError, match="mixes population sizes"):
        design(SIX.assign(N=[4, 4, 4, 0.5, 0.5, 0.5]), fpc="N")
    with pytest.raises(ValueError, match="more than 100%"):
        design(SIX.assign(N=1.5), fpc="N")
    with pytest.raises(ValueError, match="varies within a stratum"):
        design(SIX.assign(N=[4, 5, 4, 4, 4, 4]), fpc="N")


def test_estimator_errors():
    d = design()
    y = SIX["y"].to_numpy()
    with pytest.raises(ValueError, match="domain codes must be in"):
        mean_by_domain(d, y, domain=np.array([0, 1, 2, 0, 0, 0]), n_domains=2, level=0.95)
    with pytest.raises(ValueError, match="shape"):
        mean_by_domain(d, y[:5], domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    with pytest.raises(ValueError, match="0/1 values"):
        proportion_by_domain(d, SIX["x"].to_numpy(), domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    r = mean_by_domain(d, y, domain=np.zeros(6, dtype=int), n_domains=1, level=0.95)
    with pytest.raises(ValueError, match="domain indices"):
        domain_differences(r, a=[0], b=[1])


def test_deterministic():
    rng = np.random.default_rng(9)
    n = 500
    df = pd.DataFrame({"st": rng.integers(0, 5, n), "psu": rng.integers(0, 6, n), "w": rng.uniform(1, 3, n)})
    y = rng.normal(size=(n, 3))
    dom = rng.integers(-1, 4, n)
    a = mean_by_domain(Design.from_frame(df, weight="w", strata="st", psu="psu"), y, domain=dom, n_domains=4, level=0.95)
    b = mean_by_domain(Design.from_frame(df.copy(), weight="w", strata="st", psu="psu"), y.copy(), domain=dom.copy(), n_domains=4, level=0.95)
    assert a.estimate.tobytes() == b.estimate.tobytes() and a.se.tobytes() == b.se.tobytes()


def test_total_variance_of_record_scores():
    # the low-level verb: variance of Σ w y on the full design = 5 (see test_total_by_hand)
    from solutions.survey import psu_totals, total_variance

    d = design()
    scores = (SIX["w"] * SIX["y"]).to_numpy()
    assert psu_totals(d, scores)[:, 0].tolist() == [1.0, 2.0, 0.0, 2.0]
    assert total_variance(d, scores)[0] == pytest.approx(5.0, rel=1e-14)


def test_lists_of_columns_equal_the_stacked_matrix():
    """Variables passed as lists (no (n, k) copy) give bitwise the results of the stacked matrix."""
    rng = np.random.default_rng(5)
    n = 500
    df = pd.DataFrame({"st": rng.integers(0, 4, n), "psu": rng.integers(0, 6, n), "w": rng.uniform(1, 3, n)})
    d = design(df)
    y = [rng.normal(size=n), np.where(rng.uniform(size=n) < 0.1, np.nan, rng.normal(size=n))]
    x = [rng.uniform(1, 2, n), rng.uniform(1, 2, n)]
    uni = [rng.uniform(size=n) < 0.9, np.ones(n, dtype=bool)]
    dom = rng.integers(-1, 3, n)
    stacked = ratio_by_domain(d, np.column_stack(y), denominator=np.column_stack(x), domain=dom, n_domains=3, universe=np.column_stack(uni), level=0.95)
    listed = ratio_by_domain(d, y, denominator=x, domain=dom, n_domains=3, universe=uni, level=0.95)
    for name in ("estimate", "se", "df", "deff", "n_unweighted", "n_weighted", "cell_scores"):
        np.testing.assert_array_equal(getattr(listed, name), getattr(stacked, name), err_msg=name)
    with pytest.raises(ValueError, match=r"numerator columns must each have shape \(500,\)"):
        ratio_by_domain(d, [y[0], y[1][:10]], denominator=x, domain=dom, n_domains=3, level=0.95)


def test_every_coding_path_gives_the_same_design_and_estimates(monkeypatch):
    """PSU ids as nested integers, unique ordered integers, text, or past any lookup table: one result."""
    import solutions.survey.cells as cells_module
    import solutions.survey.codes as codes_module

    rng = np.random.default_rng(3)
    n = 400
    st = rng.integers(0, 5, n)
    nested = rng.integers(0, 4, n)
    df = pd.DataFrame({"st": st, "psu": nested, "w": rng.uniform(1, 3, n), "y": rng.normal(size=n)})
    dom = rng.integers(-1, 3, n)
    variants = {
        "nested": df,
        "unique": df.assign(psu=df["st"] * 4 + df["psu"]),  # ids are their own codes
        "text": df.assign(psu=df["psu"].map("ea-{}".format), st=df["st"].map("s{}".format)),
        "sparse": df.assign(psu=df["psu"] * 2**40),  # hashed, not a lookup table
    }
    results = {k: mean_by_domain(Design.from_frame(v, weight="w", strata="st", psu="psu"), v["y"].to_numpy(), domain=dom, n_domains=3, level=0.95)
               for k, v in variants.items()}
    base = results["nested"]
    for name, r in results.items():
        np.testing.assert_array_equal(r.cell_psu, base.cell_psu, err_msg=name)
        np.testing.assert_allclose(r.se, base.se, rtol=1e-13, err_msg=name)
        np.testing.assert_array_equal(r.df, base.df, err_msg=name)
    # records as their own PSUs with many domains: cells are the records (no lookup table of PSU x domain)
    srs = Design.from_frame(df, weight="w", strata="st")
    expected = mean_by_domain(srs, df["y"].to_numpy(), domain=dom, n_domains=3, level=0.95)
    monkeypatch.setattr(cells_module, "lut_limit", lambda n: 1)
    monkeypatch.setattr(codes_module, "lut_limit", lambda n: 1)
    got = mean_by_domain(srs, df["y"].to_numpy(), domain=dom, n_domains=3, level=0.95)
    np.testing.assert_array_equal(got.cell_psu, expected.cell_psu)
    np.testing.assert_allclose(got.se, expected.se, rtol=1e-13)
    np.testing.assert_allclose(got.estimate, expected.estimate, rtol=1e-15)
