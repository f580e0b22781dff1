"""The demo-data generator: determinism, contract of the configs, realism of the simulated survey."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from solutions.demo import DEMO_COUNTRIES, benchmark_frames, write_demo

sys.path.insert(0, str(Path(__file__).parent))
from demo_canon import canonical, domain_mean_gap, read_source, to_float  # noqa: E402

HH_SKIPS = [("justice_accessed", "justice_needed", 1), ("justice_type", "justice_accessed", 1),
            ("movement_restriction_type", "movement_restricted", 1), ("financial_obstacle", "no_financial_access", 1),
            ("assistance_unable", "assistance_sought", 1), ("assistance_barrier", "assistance_unable", 1),
            ("hlp_no_access_remedy", "hlp_lost", 1), ("hlp_obstacle", "hlp_no_access_remedy", 1),
            ("documents_unable_replace", "documents_lost", 1), ("documents_obstacle", "documents_unable_replace", 1),
            ("separation_reason", "separated_members", 1), ("justice_restored", "remedy_accessed", 1)]
IND_SKIPS = [("non_attendance_reason", "attends_school", 0), ("uasc_service_access", "uasc", 1),
             ("not_voted_reason", "voted_last_election", 0)]
AGES = {"attends_school": (6, 11), "labour_status": (15, 64), "uasc": (0, 17), "voted_last_election": (18, 110),
        "community_participation": (18, 110), "reconciliation_involved": (18, 110)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("demo_a")
    return root, write_demo(root)


@pytest.fixture(scope="module")
def frames(demo: tuple[Path, list[Path]]) -> dict[str, dict[str, pd.DataFrame]]:
    root, _ = demo
    out = {}
    for iso in DEMO_COUNTRIES:
        cfg = root / "params" / "countries" / f"{iso}.yml"
        out[iso] = {t: canonical(cfg, t) for t in ("households", "individuals", "locations", "figures")}
    return out


def _cfg(root: Path, iso: str) -> dict:
    return yaml.safe_load((root / "params" / "countries" / f"{iso}.yml").read_text(encoding="utf-8"))


def test_same_arguments_give_identical_bytes(demo: tuple[Path, list[Path]], tmp_path: Path) -> None:
    root_a, paths_a = demo
    paths_b = write_demo(tmp_path)
    rel_a = [p.relative_to(root_a) for p in paths_a]
    assert rel_a == [p.relative_to(tmp_path) for p in paths_b]
    assert {p.suffix for p in paths_a} >= {".csv", ".parquet", ".xlsx", ".yml"}
    for rel in rel_a:
        assert (root_a / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers


def test_codes_are_user_assigned_and_configs_follow_the_contract(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    assert len(DEMO_COUNTRIES) >= 4
    glob = yaml.safe_load((root / "params" / "global.yml").read_text(encoding="utf-8"))
    assert glob["countries"] == list(DEMO_COUNTRIES) and glob["demo"] is True
    assert glob["thresholds"] == {"min_n": 30, "min_effective_n": 30, "max_cv": 0.30, "min_df": 8,
                                  "confidence_level": 0.95, "lonely_psu": "adjust"}
    assert glob["equivalence_margin"] == {"absolute": 0.05, "relative": 0.10}
    assert glob["solutions_measure"]["scoring"] == "all"
    assert [m["criterion"] for m in glob["solutions_measure"]["conditions"]] == [1, 2, 3, 4, 5]
    for iso in DEMO_COUNTRIES:
        assert re.fullmatch(r"Q[A-Z]{2}", iso) and "QAA" <= iso <= "QZZ"
        cfg = _cfg(root, iso)
        assert cfg["iso3"] == iso and cfg["demo"] is True
        for spec in cfg["data"].values():
            assert spec["path"].startswith(f"../../data/demo/{iso}/")
            assert (root / "params" / "countries" / spec["path"]).resolve().is_file()
        assert set(cfg["groups"].values()) >= {"idp", "returnee", "comparison"}
        renamed = [v for k, v in cfg["columns"]["households"].items() if k != v]
        assert len(renamed) >= 4 or iso == "QAE"
    assert any("relocated" in _cfg(root, iso)["groups"].values() for iso in DEMO_COUNTRIES)
    try:
        from solutions.config_loader import load_all
    except ImportError:  # the config models are optional for this test
        return
    _, countries = load_all(root / "params" / "global.yml")
    assert sorted(countries) == sorted(DEMO_COUNTRIES)


def test_formats_and_identifiers(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    formats = {_cfg(root, iso)["data"]["households"]["format"] for iso in DEMO_COUNTRIES}
    assert formats == {"csv", "parquet", "excel"}
    for iso in DEMO_COUNTRIES:
        cfg_path = root / "params" / "countries" / f"{iso}.yml"
        cfg = _cfg(root, iso)
        src = read_source(cfg_path, "households")
        assert len(cfg["identifiers"]) == 2
        for col in cfg["identifiers"]:
            assert col in src.columns and src[col].notna().all()
            assert col not in cfg["columns"]["households"].values()
        assert src[cfg["identifiers"][1]].str.startswith("+990 ").all()  # unassigned calling code


def test_recode_covers_every_source_value(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    for iso in DEMO_COUNTRIES:
        cfg_path = root / "params" / "countries" / f"{iso}.yml"
        cfg = _cfg(root, iso)
        for table in ("households", "individuals", "locations"):
            src = read_source(cfg_path, table)
            for var, rec in cfg["recode"].items():
                col = cfg["columns"][table].get(var)
                if col is None:
                    continue
                values = {str(v) for v in src[col].dropna().unique()}
                assert values <= set(rec), (iso, var, values - set(rec))


def test_sizes_design_and_lonely_psu(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    lonely = []
    for iso, f in frames.items():
        hh, ind = f["households"], f["individuals"]
        assert 1200 <= len(hh) <= 2500, iso
        assert hh["household_id"].is_unique and ind["person_id"].is_unique
        assert set(ind["household_id"]) <= set(hh["household_id"])
        assert 2 <= hh["admin1"].nunique() <= 4
        assert set(hh["urban_rural"]) == {"urban", "rural"}
        assert (hh["weight"] > 0).all() and hh["weight"].std() > 0
        psus = hh.groupby("stratum")["psu"].nunique()
        assert psus.max() >= 8
        lonely += [(iso, s) for s, n in psus.items() if n == 1]
        sizes = ind.groupby("household_id").size()
        assert sizes.min() >= 1 and sizes.max() <= 10
        ages = ind["age"].astype(int)
        assert ages.between(0, 110).all()
        assert set(ind["sex"]) == {"female", "male"}
    assert lonely == [("QAE", "UD_RET")]


def test_skip_logic(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    for iso, f in frames.items():
        hh, ind = f["households"], f["individuals"]
        for child, parent, value in HH_SKIPS:
            asked = to_float(hh[parent]) == value
            assert hh.loc[~asked, child].isna().all(), (iso, child)
            assert hh.loc[asked, child].notna().mean() > 0.9, (iso, child)
        for child, parent, value in [*IND_SKIPS, ("employment_obstacle", "labour_status", "unemployed")]:
            vals = ind[parent] if parent == "labour_status" else to_float(ind[parent])
            asked = (vals == value).to_numpy() if parent == "labour_status" else vals == value
            assert ind.loc[~asked, child].isna().all(), (iso, child)
        age = ind["age"].astype(int)
        for var, (lo, hi) in AGES.items():
            if var in ind:
                assert ind.loc[~age.between(lo, hi), var].isna().all(), (iso, var)
                assert ind.loc[age.between(lo, hi), var].notna().mean() > 0.9, (iso, var)


def test_nonresponse_is_sprinkled(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    cfg_path = root / "params" / "countries" / "QAB.yml"
    src = read_source(cfg_path, "households")
    col = _cfg(root, "QAB")["columns"]["households"]["water_daily_sufficient"]
    share = src[col].isin(["dont_know", "refused"]).mean() + src[col].isna().mean()
    assert 0.005 < share < 0.06


def test_idps_worse_off_than_comparison(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    for iso, f in frames.items():
        hh = f["households"]
        y = to_float(hh["water_daily_sufficient"])
        ok = ~np.isnan(y)
        means = {r: np.average(y[ok & (hh["role"] == r).to_numpy()], weights=hh["weight"][ok & (hh["role"] == r)])
                 for r in ("idp", "comparison")}
        assert means["idp"] < means["comparison"] - 0.05, (iso, means)
        gap, se, deff = domain_mean_gap(hh, to_float(hh["hlp_lost"]), "idp", "comparison")
        assert gap / se > 3


def test_closed_criterion_and_design_effects(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    closed = {"QAB": ["separated_members"], "QAC": ["justice_restored"],  # criterion 6 / 8
              "QAD": ["movement_restricted", "justice_accessed"], "QAE": ["documents_unable_replace"]}  # 1 / 5
    better_high = {"justice_restored", "justice_accessed"}
    for iso, variables in closed.items():
        hh = frames[iso]["households"]
        for var in variables:
            gap, se, _ = domain_mean_gap(hh, to_float(hh[var]), "idp", "comparison")
            worse = -gap if var in better_high else gap
            assert worse / se < 1.96 and abs(gap) < 0.1, (iso, var, gap, se)  # gap closed: not significantly worse
    deffs = [domain_mean_gap(f["households"], to_float(f["households"][v]), "idp", "comparison")[2]
             for f in frames.values() for v in ("movement_restricted", "no_financial_access", "documents_lost")]
    assert np.median(deffs) > 1.2


def test_uasc_is_rare(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    for iso, f in frames.items():
        ind = f["individuals"].join(f["households"].set_index("household_id")["role"], on="household_id")
        counts = ind.loc[to_float(ind["uasc"]) == 1].groupby("role").size()
        assert counts.max() < 30, (iso, counts.to_dict())


def test_dates_tables_and_figures(frames: dict[str, dict[str, pd.DataFrame]], demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    for iso, f in frames.items():
        survey = _cfg(root, iso)["survey"]
        dates = pd.to_datetime(f["households"]["interview_date"]).dt.date
        assert dates.min() >= survey["collection_start"] and dates.max() <= survey["collection_end"]
        loc = f["locations"]
        assert set(loc["mechanism_area"]) == {"hlp", "remedy"}
        assert set(loc["admin1"]) == set(f["households"]["admin1"])
        assert loc.groupby("location_id").size().eq(8).all()
        assert set(to_float(loc["available"])) == {0.0, 1.0}
        assert loc["aware_pct"].dropna().between(0, 100).all()
        fig = f["figures"]
        last = survey["collection_start"].year  # the five years up to the survey's (a 2025 survey: 2021-2025)
        assert last == (2025 if iso == "QAD" else 2026)  # Cassaline joins the 2026 edition with a 2025 survey
        assert sorted(fig["year"].astype(int).unique()) == list(range(last - 4, last + 1))
        assert set(fig["metric"]) == {"idp_stock", "new_displacements", "returns"}
        assert (fig["country"] == iso).all() and (fig["value"] > 0).all()
    assert isinstance(survey["collection_start"], dt.date)


def test_scale_and_subset(demo: tuple[Path, list[Path]], tmp_path: Path) -> None:
    root, _ = demo
    paths = write_demo(tmp_path, scale=2.0, countries=["QAC"])
    assert {p.name for p in paths} == {"households.parquet", "individuals.parquet", "locations.csv",
                                       "figures.csv", "QAC.yml", "global.yml"}
    base = pd.read_parquet(root / "data/demo/QAC/households.parquet")
    big = pd.read_parquet(tmp_path / "data/demo/QAC/households.parquet")
    assert 1.6 < len(big) / len(base) < 2.4
    assert yaml.safe_load((tmp_path / "params/global.yml").read_text())["countries"] == ["QAC"]
    with pytest.raises(ValueError):
        write_demo(tmp_path, countries=["FRA"])


def test_benchmark_frames_small() -> None:
    hh, ind = benchmark_frames(20_000, seed=3)
    assert len(hh) == 20_000 and hh["household_id"].is_unique
    assert 3.5 < len(ind) / len(hh) < 4.6
    assert {"weight", "stratum", "psu", "pop_group", "water_daily_sufficient"} <= set(hh.columns)
    assert set(hh["water_daily_sufficient"].dropna().unique()) == {0.0, 1.0}
    assert ind.loc[ind["age"] > 11, "attends_school"].isna().all()
    hh2, _ = benchmark_frames(20_000, seed=3)
    pd.testing.assert_frame_equal(hh, hh2)
