"""The chart speed-ups change nothing in the output: the SVG canvas that measures each text once writes
matplotlib's own SVG, but for path coordinates rounded to a hundredth of a point; rows as dicts are
`to_dict("records")`; a chart figure keeps one renderer."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from solutions.config import Thresholds
from solutions.report import charts, layout, style
from solutions.report.figures import figure_svg
from solutions.report.records import row_dicts
from solutions.report.svg_canvas import BACKEND, PATH_DECIMALS

THR = Thresholds()  # the global config's defaults, as a report without settings gets them


def _svg(fig, backend: str | None) -> bytes:
    buf = io.BytesIO()
    with style.house_context():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, facecolor="white", backend=backend)
    return buf.getvalue()


def _chart(country_results):
    est = country_results.estimates
    national = est[(est["disaggregation"] == "total") & (est["category"] == "")]
    panels = [charts.EstimatePanel(title=str(i), rows=national[national["indicator_id"] == i])
              for i in sorted(set(national["indicator_id"]))[:3]]
    fig = charts.estimates_chart(panels, thresholds=THR)
    assert fig is not None
    return fig


_PATH_DATA = re.compile(r' d="([^"]*)"')
_ID = re.compile(r'(?<=id=")[^"]+|(?<=#)[A-Za-z_][\w.-]*(?=[)"])')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _apart(svg: bytes) -> tuple[str, list[list[str]]]:
    """An SVG without its path data (ids numbered in order: matplotlib derives some from the path data),
    and each path's data as tokens."""
    text = svg.decode()
    paths = [d.split() for d in _PATH_DATA.findall(text)]
    ids: dict[str, str] = {}
    rest = _ID.sub(lambda m: ids.setdefault(m[0], f"id{len(ids)}"), _PATH_DATA.sub(' d=""', text))
    return rest, paths


def test_measuring_once_canvas_writes_matplotlibs_svg_with_coordinates_to_a_hundredth(country_results) -> None:
    plain = _svg(_chart(country_results), None)
    first = _svg(_chart(country_results), BACKEND)
    again = _svg(_chart(country_results), BACKEND)  # every text measured already: from the cache
    assert b"<text" in plain and first == again and len(first) < len(plain)
    (plain_rest, plain_paths), (rest, paths) = _apart(plain), _apart(first)
    assert rest == plain_rest and len(paths) == len(plain_paths) > 20
    numbers = 0
    for ours, theirs in zip(paths, plain_paths, strict=True):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            if _NUMBER.fullmatch(b):
                numbers += 1
                assert len(a.partition(".")[2]) <= PATH_DECIMALS and abs(float(a) - float(b)) <= 0.5e-2 + 1e-9
            else:
                assert a == b  # the same commands
    assert numbers > 100
    assert figure_svg(_chart(country_results)) == figure_svg(_chart(country_results))


def test_row_dicts_are_to_dict_records(country_results) -> None:
    odd = pd.DataFrame({"a": [1, 2], "b": np.array([np.int64(3), "s"], dtype=object),
                        "c": pd.array(["x", None], dtype="str"), "d": [True, False], "e": [0.5, np.nan]})
    for df in (country_results.estimates, country_results.gaps, country_results.criteria, odd, odd.iloc[:0],
               pd.DataFrame(index=range(2))):
        expected, got = df.to_dict("records"), row_dicts(df)
        assert len(got) == len(expected)
        for x, y in zip(expected, got, strict=True):
            assert list(x) == list(y)
            for k in x:
                assert type(x[k]) is type(y[k]) and (x[k] == y[k] or (x[k] != x[k] and y[k] != y[k]))


def test_a_chart_figure_keeps_one_renderer() -> None:
    fig, (ax,) = layout.stack([layout.Panel(rows=3)], left=1.0)
    ax.set_yticks([0, 1, 2], ["one", "two", "three"])
    ax.yaxis.get_ticklabels()[0].get_window_extent()
    assert fig._get_renderer() is fig._get_renderer()  # one pixel buffer, not one per measurement
