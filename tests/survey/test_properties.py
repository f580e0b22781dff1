"""Property tests for solutions.survey (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from solutions.survey import Design, domain_differences, mean_by_domain, proportion_by_domain, ratio_by_domain

SETTINGS = settings(deadline=None, max_examples=40)


@st.composite
def samples(draw, min_n: int = 8, max_n: int = 80):
    """A random stratified cluster sample with >= 2 PSUs per stratum, weights, a domain and NaNs."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_strata = draw(st.integers(1, 4))
    n = draw(st.integers(max(min_n, 2 * n_strata), max_n))
    rng = np.random.default_rng(seed)
    strata = np.sort(rng.integers(0, n_strata, n))
    strata[: 2 * n_strata] = np.repeat(np.arange(n_strata), 2)
    psu = rng.integers(0, 4, n)
    psu[: 2 * n_strata] = np.tile([0, 1], n_strata)  # every stratum has >= 2 PSUs
    df = pd.DataFrame({"st": strata, "psu": psu, "w": rng.uniform(0.5, 20, n)})
    y = rng.normal(rng.uniform(-3, 3), rng.uniform(0.1, 3), (n, 2))
    y[rng.random((n, 2)) < 0.1] = np.nan
    dom = rng.integers(-1, 3, n)
    return df, y, dom, rng


@SETTINGS
@given(samples(), st.floats(1e-3, 1e3))
def test_scaling_the_weights_changes_nothing(sample, c):
    df, y, dom, _ = sample
    d1 = Design.from_frame(df, weight="w", strata="st", psu="psu", lonely_psu="adjust")
    d2 = Design.from_frame(df.assign(w=df["w"] * c), weight="w", strata="st", psu="psu", lonely_psu="adjust")
    x = np.abs(y) + 1
    for fn, kw in ((mean_by_domain, {}), (ratio_by_domain, {"denominator": x})):
        a = fn(d1, y, domain=dom, n_domains=3, level=0.95, **kw)
        b = fn(d2, y, domain=dom, n_domains=3, level=0.95, **kw)
        np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(a.se, b.se, rtol=1e-8, atol=1e-12)
        np.testing.assert_array_equal(a.df, b.df)
        np.testing.assert_allclose(a.n_weighted * c, b.n_weighted, rtol=1e-12)
    ca = domain_differences(mean_by_domain(d1, y, domain=dom, n_domains=3, level=0.95), a=[0, 1], b=[2, 0])
    cb = domain_differences(mean_by_domain(d2, y, domain=dom, n_domains=3, level=0.95), a=[0, 1], b=[2, 0])
    np.testing.assert_allclose(ca.se, cb.se, rtol=1e-8, atol=1e-12)


@SETTINGS
@given(samples())
def test_a_census_has_no_sampling_error(sample):
    df, y, dom, _ = sample
    # every record its own PSU and fpc = population = sample size of the stratum
    census = df.assign(N=df.groupby("st")["st"].transform("size"))
    d = Design.from_frame(census, weight="w", strata="st", fpc="N")
    r = mean_by_domain(d, y, domain=dom, n_domains=3, level=0.95)
    has = r.n_unweighted > 0
    assert (r.se[has] == 0).all()
    # all PSUs sampled in a clustered design, too
    clus = df.assign(N=df.groupby("st")["psu"].transform("nunique"))
    r2 = mean_by_domain(Design.from_frame(clus, weight="w", strata="st", psu="psu", fpc="N"), y, domain=dom, n_domains=3, level=0.95)
    assert (r2.se[r2.n_unweighted > 0] == 0).all()


@SETTINGS
@given(samples(), st.floats(0.0, 1.0), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_logit_interval_stays_in_the_unit_interval(sample, p, level):
    df, _, dom, rng = sample
    y = (rng.random((len(df), 3)) < np.array([p, 0.0, 1.0])).astype(float)
    d = Design.from_frame(df, weight="w", strata="st", psu="psu")
    r = proportion_by_domain(d, y, domain=dom, n_domains=3, level=level)
    ok = ~np.isnan(r.ci_low)
    assert ((r.ci_low[ok] >= 0) & (r.ci_high[ok] <= 1) & (r.ci_low[ok] <= r.ci_high[ok])).all()
    inside = ok & (r.se > 0)
    assert ((r.ci_low[inside] <= r.estimate[inside]) & (r.estimate[inside] <= r.ci_high[inside])).all()


@SETTINGS
@given(samples(), st.integers(2, 6))
def test_a_distribution_sums_to_one(sample, n_levels):
    df, y, dom, rng = sample
    cat = rng.integers(0, n_levels, len(df))
    missing = np.isnan(y[:, 0])  # the same universe for every level
    onehot = (cat[:, None] == np.arange(n_levels)).astype(float)
    onehot[missing] = np.nan
    r = proportion_by_domain(Design.from_frame(df, weight="w", strata="st", psu="psu"), onehot, domain=dom, n_domains=3, level=0.95)
    has = r.n_unweighted[:, 0] > 0
    np.testing.assert_allclose(r.estimate[has].sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # SEs of complementary levels agree when there are two
    if n_levels == 2:
        np.testing.assert_allclose(r.se[has, 0], r.se[has, 1], rtol=1e-9, atol=1e-15)
