"""Distributed domain estimates (Dask dataframe from Parquet by stratum) equal the in-memory engine's."""

from __future__ import annotations

from pathlib import Path

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from solutions.survey import (
    Design,
    domain_differences,
    mean_by_domain,
    proportion_by_domain,
    ratio_by_domain,
    total_by_domain,
)
from solutions.survey.distributed import domain_estimates, write_by_stratum

# dask's own Parquet reader calls a pandas API that pandas 3.1 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")
RTOL = 1e-12
FIELDS = ("estimate", "se", "df", "deff", "n_unweighted", "n_weighted", "ci_low", "ci_high")


def survey(seed: int = 7) -> pd.DataFrame:
    """Households in 7 strata of 1-6 PSUs ("S6" has one PSU: lonely), 3 regions, some missing values."""
    rng = np.random.default_rng(seed)
    parts = []
    for h in range(7):
        n_psu = 1 if h == 6 else int(rng.integers(2, 7))
        for p in range(n_psu):
            m = int(rng.integers(4, 25))
            parts.append(pd.DataFrame({
                "stratum": f"S{h}", "psu": 100 + p, "w": rng.uniform(5, 60, m), "pop": 40 + 3 * h,
                "income": rng.lognormal(6, 1, m), "size": rng.integers(1, 9, m).astype(float),
                "employed": rng.integers(0, 2, m).astype(float), "owner": rng.integers(0, 2, m).astype(float),
                "region": rng.choice(["north", "south", "east"], m, p=[0.5, 0.3, 0.2]),
            }))
    df = pd.concat(parts, ignore_index=True)
    df.loc[rng.choice(len(df), 15, replace=False), "income"] = np.nan
    df.loc[rng.choice(len(df), 10, replace=False), "region"] = None  # in no domain
    df["adult"] = rng.uniform(size=len(df)) < 0.8  # universe of "employed"
    return df


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> tuple[pd.DataFrame, Path]:
    df = survey()
    path = write_by_stratum(df, tmp_path_factory.mktemp("survey") / "households", "stratum")
    return df, path


def in_memory(df: pd.DataFrame, kind: str, y: list[str], lonely: str, **kw):
    design = Design.from_frame(df, weight="w", strata="stratum", psu="psu", fpc=kw.pop("fpc", None), lonely_psu=lonely)
    codes, labels = pd.factorize(df["region"], sort=True)
    Y = df[y].to_numpy(dtype=float)
    uni = None if "universe" not in kw else df[kw.pop("universe")].to_numpy(dtype=bool)
    if kind == "ratio":
        r = ratio_by_domain(design, Y, denominator=df[kw.pop("denominator")].to_numpy(dtype=float), domain=codes, n_domains=len(labels), universe=uni, level=0.95)
    else:
        fn = {"mean": mean_by_domain, "proportion": proportion_by_domain, "total": total_by_domain}[kind]
        r = fn(design, Y, domain=codes, n_domains=len(labels), universe=uni, level=0.95)
    return r, np.asarray(labels)


def assert_same(dist, mem) -> None:
    for name in FIELDS:
        np.testing.assert_allclose(getattr(dist, name), getattr(mem, name), rtol=RTOL, atol=0, err_msg=name)
    np.testing.assert_array_equal(dist.cell_psu, mem.cell_psu)
    np.testing.assert_array_equal(dist.cell_domain, mem.cell_domain)
    np.testing.assert_allclose(dist.cell_scores, mem.cell_scores, rtol=RTOL, atol=0)


CASES = [
    ("mean", ["income", "size"], "adjust", {}),
    ("proportion", ["employed", "owner"], "average", {"universe": ["adult", "adult"]}),
    ("ratio", ["income"], "certainty", {"denominator": ["size"]}),
    ("total", ["size", "employed"], "remove", {"fpc": "pop"}),
    ("mean", ["income"], "average", {"fpc": "pop"}),
]


@pytest.mark.parametrize(("kind", "y", "lonely", "kw"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_distributed_equals_in_memory(data, kind, y, lonely, kw) -> None:
    df, path = data
    ddf = dd.read_parquet(path)
    assert ddf.npartitions > 1
    dist = domain_estimates(ddf, kind, y, weight="w", strata="stratum", psu="psu", domain="region",
                            lonely_psu=lonely, **kw, scheduler="sync", level=0.95)
    mem, labels = in_memory(df, kind, y, lonely, **dict(kw))
    assert list(dist.domains) == list(labels) == ["east", "north", "south"]
    assert_same(dist.ratios, mem)
    assert dist.ratios.design.lonely_strata.sum() == 1 and dist.ratios.design.degf == mem.design.degf
    # contrasts (gaps between domains) use the per-PSU score totals: the same through either engine
    a, b = np.array([0, 1, 0]), np.array([1, 2, 2])
    cd, cm = domain_differences(dist.ratios, a=a, b=b), domain_differences(mem, a=a, b=b)
    for name in ("difference", "se", "p_value", "ci_low", "ci_high"):
        np.testing.assert_allclose(getattr(cd, name), getattr(cm, name), rtol=RTOL, atol=0, err_msg=name)


def test_any_partitioning_gives_the_same_results(data) -> None:
    df, path = data
    # PSUs split across partitions, strata mixed: only additive sums cross partitions
    shuffled = dd.from_pandas(df.sample(frac=1.0, random_state=3), npartitions=5, sort=False)
    a = domain_estimates(shuffled, "mean", ["income"], weight="w", strata="stratum", psu="psu",
                         domain="region", lonely_psu="adjust", scheduler="threads", level=0.95)
    mem, _ = in_memory(df, "mean", ["income"], "adjust")
    assert_same(a.ratios, mem)


def test_without_domain_there_is_one_domain(data) -> None:
    df, path = data
    r = domain_estimates(dd.read_parquet(path), "total", "size", weight="w", strata="stratum", psu="psu",
                         lonely_psu="adjust", scheduler="sync", level=0.95)
    design = Design.from_frame(df, weight="w", strata="stratum", psu="psu", lonely_psu="adjust")
    mem = total_by_domain(design, df["size"].to_numpy(), domain=np.zeros(len(df), dtype=int), n_domains=1, level=0.95)
    assert list(r.domains) == ["all"]
    assert_same(r.ratios, mem)


def test_the_engines_refuse_the_same_bad_input(data, tmp_path: Path) -> None:
    df, path = data
    ddf = dd.read_parquet(path)
    kw = {"weight": "w", "strata": "stratum", "psu": "psu", "domain": "region", "scheduler": "sync"}
    with pytest.raises(ValueError, match="only one PSU"):
        domain_estimates(ddf, "mean", "income", **kw, level=0.95)  # lonely_psu="fail" by default, as in memory
    with pytest.raises(ValueError, match=r"column\(s\) \['nope'\] not in the data"):
        domain_estimates(ddf, "mean", "nope", lonely_psu="adjust", **kw, level=0.95)
    with pytest.raises(ValueError, match="needs 0/1 values"):
        domain_estimates(ddf, "proportion", "size", lonely_psu="adjust", **kw, level=0.95)
    bad = df.assign(w=df["w"].where(df.index != 5, -1.0))
    with pytest.raises(ValueError, match="weight column 'w' must be finite and > 0; 1 record"):
        domain_estimates(dd.from_pandas(bad, npartitions=2), "mean", "income", lonely_psu="adjust", **kw, level=0.95)


def test_write_by_stratum_is_one_folder_per_stratum_and_replaces_atomically(data, tmp_path: Path) -> None:
    df, _ = data
    target = tmp_path / "hh"
    write_by_stratum(df.head(50), target, "stratum")
    write_by_stratum(df, target, "stratum")  # a rewrite replaces the whole dataset
    assert sorted(p.name for p in target.iterdir()) == [f"stratum=S{h}" for h in range(7)]
    assert len(dd.read_parquet(target).compute()) == len(df)
    assert [p.name for p in tmp_path.iterdir()] == ["hh"]  # no temporary folder left behind


@pytest.mark.xdist_group("dask")
def test_on_a_cluster_the_partitions_are_reduced_by_the_workers(data, cluster: str) -> None:
    from distributed import Client

    df, path = data
    with Client(cluster) as client:
        before = sum(client.run(lambda dask_worker: dask_worker.state.executed_count).values())
        r = domain_estimates(dd.read_parquet(path), "ratio", ["income"], denominator=["size"], weight="w",
                             strata="stratum", psu="psu", domain="region", lonely_psu="adjust", level=0.95)
        after = sum(client.run(lambda dask_worker: dask_worker.state.executed_count).values())
    assert after > before
    mem, _ = in_memory(df, "ratio", ["income"], "adjust", denominator=["size"])
    assert_same(r.ratios, mem)
