"""Scan every rendered page and download of a demo build for record-level leakage.

Nothing from a record may appear: no household or person ids, no direct identifiers (names, phones),
no rows of microdata, no absolute paths of the build machine.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pipeline_project import Project

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("pipeline-shared")]


def published(project: Project) -> dict[str, str]:
    site = project.year_dir / "site"
    files = [p for p in site.rglob("*") if p.suffix in {".html", ".csv", ".css", ".json", ".md"}]
    assert len(files) >= 10
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8", errors="replace") for p in files}


def source(project: Project, iso: str, name: str) -> pd.DataFrame:
    folder = project.root / "data" / "demo" / iso
    path = next(folder.glob(f"{name}.*"))
    if path.suffix == ".csv":
        return pd.read_csv(path, sep=None, engine="python", dtype=str)
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str)
    return pd.read_parquet(path).astype(str)


TOKEN = re.compile(r"[\w+-]+(?:\.\d+)?")  # "100001.5" stays one token, so ids do not match decimals


def ngrams(text: str, n_max: int = 4) -> set[tuple[str, ...]]:
    """Every run of up to n_max consecutive tokens: one pass, then each needle is a set lookup."""
    tokens = TOKEN.findall(text)
    return {tuple(tokens[i:i + n]) for n in range(1, n_max + 1) for i in range(len(tokens) - n + 1)}


def test_no_identifiers_ids_or_paths_in_any_page_or_download(built: Project) -> None:
    pages = published(built)
    grams = ngrams("\n".join(pages.values()))
    needles: dict[str, set[str]] = {"name": set(), "phone": set(), "household id": set(), "person id": set()}
    for iso in ("QAB", "QAC"):
        hh = source(built, iso, "households")
        ind = source(built, iso, "individuals")
        for col in hh.columns:
            low = col.lower()
            if "name" in low and "respondent" in low:
                needles["name"] |= set(hh[col].dropna())
            if "phone" in low:
                needles["phone"] |= set(hh[col].dropna())
        id_cols = [c for c in hh.columns if re.search(r"hh_?id|household|menage", c, re.I)]
        needles["household id"] |= {v for c in id_cols for v in hh[c].dropna() if len(v) >= 5}
        pid_cols = [c for c in ind.columns if re.search(r"ind_?id|person|pid|member|individu", c, re.I)]
        needles["person id"] |= {v for c in pid_cols for v in ind[c].dropna() if len(v) >= 5}
    assert needles["name"] and needles["phone"], "the demo data should carry identifiers to prove they are dropped"
    for kind, values in needles.items():
        leaked = sorted(v for v in values if tuple(TOKEN.findall(v)) in grams)
        assert not leaked, f"{kind}s found in the published site: {leaked[:5]}"
    for name, body in pages.items():
        assert str(built.root) not in body, f"{name} shows a path of the build machine"
        assert "/tmp/" not in body and "/root/" not in body and "/home/" not in body, name


def test_downloads_hold_aggregates_only(built: Project) -> None:
    site = built.year_dir / "site"
    for csv in site.glob("results/*/*.csv"):
        df = pd.read_csv(csv)
        assert "household_id" not in df.columns and "person_id" not in df.columns, csv
        if "n_unweighted" in df.columns:
            shown = df[~df["suppressed"].astype(bool)]
            survey = shown[shown["kind"] != "system"]
            # no published survey estimate rests on fewer records, or fewer effective records, than the minimum
            assert (survey["n_unweighted"] >= 30).all(), csv
            assert not (survey["n_effective"] < 30).any(), csv
            withheld = df[df["suppressed"].astype(bool)]
            assert withheld[["estimate", "se", "ci_low", "ci_high", "n_effective", "n_weighted"]].isna().all().all()


def test_no_gap_is_published_with_a_withheld_side(built: Project) -> None:
    key = ["indicator_id", "disaggregation", "disaggregation_value", "category"]
    for folder in (built.year_dir / "site" / "results").iterdir():
        if folder.name == "global" or not (folder / "gaps.csv").is_file():  # global's gaps are the countries';
            continue  # the data package's files sit beside the folders; front/ holds its charts' data only
        est = pd.read_csv(folder / "estimates.csv", keep_default_na=False, na_values=[""])
        gaps = pd.read_csv(folder / "gaps.csv", keep_default_na=False, na_values=[""])
        sup = est.set_index([*key, "group"])["suppressed"].astype(bool)
        shown = gaps[gaps["gap"].notna()]
        assert len(shown) > 100
        own = sup.reindex(pd.MultiIndex.from_frame(shown[[*key, "group"]])).to_numpy()
        ref = sup.reindex(pd.MultiIndex.from_frame(shown[key].assign(group="comparison"))).to_numpy()
        assert not (own | ref).any(), folder.name
        assert set(gaps["status"]) <= {"closed", "open", "inconclusive", "insufficient_data", "not_assessed"}


def test_scanner_catches_planted_identifiers() -> None:
    page = "<td>QAB-00001</td><p>Call +990 260 7319, ask for Amsel Kellan.</p><td>100001.5</td>"
    grams = ngrams(page)
    for needle in ("QAB-00001", "+990 260 7319", "Amsel Kellan"):
        assert tuple(TOKEN.findall(needle)) in grams, needle
    assert ("100001",) not in grams  # a decimal value is not an id
