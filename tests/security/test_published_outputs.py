"""Class "published outputs": text that came from configs or data is inert wherever it is published.

CSV downloads neutralise spreadsheet formulas (methodology §5: a text cell, not a number, starting with
`=`, `+`, `-`, `@`, tab or CR gets a leading `'`); the Parquet tables keep the values; charts show `$...$`
as written (never mathtext, never LaTeX). The end-to-end evidence (a hostile project built through the CLI,
its downloads and pages checked) is in test_code_execution's canary; pages of a failed country (no path, no
value) in test_lost_pages."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from solutions.report import style
from solutions.report.charts import empty_figure
from solutions.results import ESTIMATES, inert_text, spreadsheet_safe, write_table

FORMULAS = ["=1+2", "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\rx",
            "=", "-", "+", "@"]
NOT_FORMULAS = ["-5", "+3.25", "-1e-3", ".5", "North", " =x", "a=b", "", "0"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_gets_a_quote(text: str) -> None:
    assert inert_text(text) == "'" + text.replace("\r", "\n")  # and a CR, which would end a CSV row, is a LF


@pytest.mark.parametrize("text", NOT_FORMULAS)
def test_numbers_and_plain_text_are_unchanged(text: str) -> None:
    assert inert_text(text) == text


def test_written_tables_csv_is_inert_and_parquet_is_exact(tmp_path: Path) -> None:
    rows = len(FORMULAS)
    df = pd.DataFrame({c: [""] * rows for c, t in ESTIMATES.items() if t == "str"})
    df["disaggregation_value"] = FORMULAS
    df["category"] = list(reversed(FORMULAS))
    for c, t in ESTIMATES.items():
        if t != "str":
            df[c] = 0
    df["estimate"] = -0.5  # a negative number is a number, not a formula
    write_table(df, "estimates", tmp_path)
    csv = pd.read_csv(tmp_path / "estimates.csv", dtype=str, keep_default_na=False)
    inert = ["'" + f.replace("\r", "\n") for f in FORMULAS]  # a CR inside a cell would end the CSV row
    assert csv["disaggregation_value"].tolist() == inert
    assert csv["category"].tolist() == list(reversed(inert))
    assert csv["estimate"].tolist() == ["-0.5"] * rows
    assert pd.read_parquet(tmp_path / "estimates.parquet")["disaggregation_value"].tolist() == FORMULAS


def test_spreadsheet_safe_leaves_numbers_alone() -> None:
    df = pd.DataFrame({"n": [-1.0, 2.0], "t": ["=x", "y"]})
    out = spreadsheet_safe(df)
    assert out["n"].tolist() == [-1.0, 2.0] and out["t"].tolist() == ["'=x", "y"]
    assert df["t"].tolist() == ["=x", "y"]  # the caller's frame is not changed


def test_infinite_estimates_are_never_written(tmp_path: Path) -> None:
    df = pd.DataFrame({c: ([""] if t == "str" else [0]) for c, t in ESTIMATES.items()})
    df["ci_high"] = np.inf
    with pytest.raises(ValueError, match="infinite value"):
        write_table(df, "estimates", tmp_path)
    assert not list(tmp_path.iterdir())


MATH = [r"$\frac{1}{$", r"$x^2$", "$$", r"\$ 5", r"$\mathrm{broken", "50% $ of $"]


@pytest.mark.parametrize("text", MATH)
def test_chart_text_is_never_mathtext(text: str) -> None:
    with style.house_context():
        assert matplotlib.rcParams["text.parse_math"] is False and matplotlib.rcParams["text.usetex"] is False
        fig = empty_figure(f"Republic of {text}")
        fig.axes[0].set_title(text) if fig.axes else fig.suptitle(text)
        fig.canvas.draw()  # a malformed `$...$` raised here when parsed as math
        shown = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert any(text in s for s in shown)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_house_style_for_a_session_turns_mathtext_off() -> None:
    with matplotlib.rc_context():
        style.use_house_style()
        assert matplotlib.rcParams["text.parse_math"] is False
