"""What the real-shaped survey fixtures (msna.py, mcna.py) share: writing a project's configs, reading a built
page as a reader does, the check that no record-level value is published, and the comparison with R.

One module, so that a second (or third) fixture checks its build exactly as the first does.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

HERE = Path(__file__).parent


def write_configs(root: Path, config: dict[str, Any], global_config: dict[str, Any]) -> Path:
    """Write the country config (``root/params/countries/<ISO3>.yml``) and the global config; returns the
    global config's path."""
    (root / "params" / "countries" / f"{config['iso3']}.yml").write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (root / "params" / "global.yml").write_text(yaml.safe_dump(global_config, sort_keys=False), encoding="utf-8")
    return root / "params" / "global.yml"


def page_text(path: Path) -> str:
    """A built page's text as a reader sees it: no styles, no tags, entities decoded, spaces folded."""
    markup = path.read_text(encoding="utf-8")
    markup = re.sub(r"<style.*?</style>", " ", markup, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def assert_not_published(folders: Iterable[Path], secrets: list[str]) -> None:
    """No page, download or JSON under ``folders`` holds any of ``secrets`` (record-level values)."""
    published = [p for d in folders for p in d.rglob("*") if p.is_file() and p.suffix in (".html", ".csv", ".json")]
    assert published
    for p in published:
        text = p.read_text(encoding="utf-8")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (p.name, leaked[:3])


def r_available() -> bool:
    """Rscript with the survey package."""
    if not shutil.which("Rscript"):
        return False
    return subprocess.run(["Rscript", "-e", "suppressMessages(library(survey))"], capture_output=True).returncode == 0


needs_r = pytest.mark.skipif(not r_available(),
                             reason="Rscript with the survey package not found; install r-base-core r-cran-survey")


def r_reference(script: str, *args: Path, out: Path) -> tuple[pd.DataFrame, str]:
    """Run the R script beside this module with ``args`` (the raw files, and ``out``: the CSV it writes, where
    the script expects it); R's estimates and what it printed."""
    proc = subprocess.run(["Rscript", str(HERE / script), *map(str, args)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return pd.read_csv(out, keep_default_na=False), proc.stdout


def beside_r(ref: pd.DataFrame, results: Path) -> Iterator[tuple[Any, pd.Series]]:
    """Each row of R's estimates with this build's estimate of the same indicator, group and breakdown."""
    est = pd.read_parquet(results / "estimates.parquet")
    est = est[est["category"] == ""].set_index(["indicator_id", "group", "disaggregation", "disaggregation_value"])
    for r in ref.itertuples():
        yield r, est.loc[(r.indicator_id, r.group, r.disaggregation, str(r.disaggregation_value))]


def assert_equal_to_r(pairs: list[tuple[Any, pd.Series]]) -> None:
    """Estimates to 1e-9 and SEs to 1e-6 of R's (relative); prints the largest differences."""
    worst = {"estimate": 0.0, "se": 0.0}
    for r, mine in pairs:
        assert mine["estimate"] == pytest.approx(r.estimate, rel=1e-9), r
        assert mine["se"] == pytest.approx(r.se, rel=1e-6), r
        worst["estimate"] = max(worst["estimate"], abs(mine["estimate"] - r.estimate) / abs(r.estimate))
        worst["se"] = max(worst["se"], abs(mine["se"] - r.se) / r.se)
    print(f"largest relative difference against R: estimate {worst['estimate']:.2e}, SE {worst['se']:.2e}")
