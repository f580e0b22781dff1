"""Fuzzing `solutions validate` with hypothesis: generated configs (random structures and values, hostile
strings, YAML constructs) and data files (random bytes, truncations, wrong types, huge declared sizes).

Whatever is generated, `validate` answers 0 or 2, prints `error:` lines only, never a traceback, within a
per-example deadline. Examples are bounded (`max_examples`) so the whole fuzzer stays well under a minute."""

from __future__ import annotations

import io
import string
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pyreadstat
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from inputs.builders import BASE, households
from solutions.cli import app

FUZZ = settings(max_examples=60, deadline=10_000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

HOSTILE = st.sampled_from([
    "__import__('os').system('id')", "{0.__class__}", "{{ 7*7 }}", "$\\frac{", "=cmd|' /C calc'!A0", "../../etc/passwd",
    "/dev/zero", "~root/x", "\x00", "\x1b[2J", "\u202e", "a" * 5000, "", " ", "yes", "no", "null", "1e999", "-0",
    "QAB", "QAC", "households.csv", "*alias", "&anchor x", "!!python/object:os.system", "<script>", "#x", "%s%s%n",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    HOSTILE, st.text(max_size=30))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(HOSTILE, st.text(max_size=8)), inner,
                                                                       max_size=4)), max_leaves=12)
COUNTRY_KEYS = [*BASE, "design", "narrative", "sources", "drop_indicators", "extra_indicators", "recode", "colour"]
GLOBAL_KEYS = ["report_year", "title", "countries", "thresholds", "limits", "renderer", "solutions_measure", "demo",
               "countries_dir", "extra"]


def validate(params: Path) -> None:
    result = CliRunner().invoke(app, ["validate", "--params", str(params)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert all(ln.startswith(("error: ", "warning: ")) for ln in result.stderr.splitlines() if ln.strip()), result.stderr
    if result.exit_code == 2:
        assert any(ln.startswith("error: ") for ln in result.stderr.splitlines()), "exit 2 without saying why"


def project(root: Path) -> tuple[Path, Path]:
    """A valid two-file project (the inputs builders' country): global.yml and countries/QAB.yml."""
    countries = root / "countries"
    countries.mkdir(parents=True, exist_ok=True)
    households().to_csv(countries / "households.csv", index=False)
    params = root / "global.yml"
    params.write_text(yaml.safe_dump({"report_year": 2026, "title": "Fuzz", "countries": ["QAB"], "demo": True}))
    (countries / "QAB.yml").write_text(yaml.safe_dump(BASE, sort_keys=False))
    return params, countries / "QAB.yml"


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(COUNTRY_KEYS), VALUES, max_size=4),
       global_changes=st.dictionaries(st.sampled_from(GLOBAL_KEYS), VALUES, max_size=3))
def test_fuzzed_config_structures(tmp_path_factory, changes: dict, global_changes: dict) -> None:
    params, country = project(tmp_path_factory.mktemp("cfg"))
    cfg = {**BASE, **changes}
    glob = {**yaml.safe_load(params.read_text()), **global_changes}
    country.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    params.write_text(yaml.safe_dump(glob, allow_unicode=True))
    validate(params)


YAML_NOISE = st.sampled_from(["&a ", "*a ", "!!binary ", "!x ", "<<: ", "? ", "- ", ": ", "{", "}", "[", "]", "'", '"',
                              "\t", "\n  ", "%YAML 1.1\n", "---\n", "...\n", "|\n", ">\n", "#", "\x00", "\ufeff"])


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10_000), YAML_NOISE), min_size=1, max_size=6), st.booleans())
def test_fuzzed_yaml_text(tmp_path_factory, edits: list[tuple[int, str]], in_global: bool) -> None:
    params, country = project(tmp_path_factory.mktemp("yaml"))
    target = params if in_global else country
    text = target.read_text()
    for at, noise in edits:
        at %= len(text) + 1
        text = text[:at] + noise + text[at:]
    target.write_text(text, encoding="utf-8")
    validate(params)


def _good_bytes(fmt: str) -> bytes:
    df = households()
    buf = io.BytesIO()
    if fmt == "csv":
        return df.to_csv(index=False).encode()
    if fmt == "parquet":
        df.to_parquet(buf)
        return buf.getvalue()
    if fmt == "excel":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(list(df.columns))
        for row in df.itertuples(index=False):
            ws.append(list(row))
        wb.save(buf)
        return buf.getvalue()
    with tempfile.TemporaryDirectory() as tmp:  # pyreadstat writes to a path
        path = Path(tmp) / f"hh.{EXT[fmt]}"
        (pyreadstat.write_dta if fmt == "stata" else pyreadstat.write_sav)(df, str(path))
        return path.read_bytes()


EXT = {"csv": "csv", "parquet": "parquet", "excel": "xlsx", "stata": "dta", "spss": "sav"}
GOOD = {fmt: _good_bytes(fmt) for fmt in EXT}
@st.composite
def data_files(draw) -> tuple[str, bytes]:
    fmt = draw(st.sampled_from(["csv", "parquet", "excel", "stata", "spss"]))
    base = GOOD[fmt]
    how = draw(st.sampled_from(["random", "truncate", "flip", "splice", "far-cell", "wrong-types"]))
    if how == "random":
        data = draw(st.binary(max_size=4096))
    elif how == "truncate":
        data = base[: draw(st.integers(0, len(base)))]
    elif how == "flip":
        data = bytearray(base)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        data = bytes(data)
    elif how == "splice":
        at = draw(st.integers(0, len(base)))
        data = base[:at] + draw(st.binary(min_size=1, max_size=512)) + base[at:]
    elif how == "far-cell":
        wb = openpyxl.load_workbook(io.BytesIO(GOOD["excel"]))
        cell = f"{draw(st.sampled_from(['XFD', 'AA', 'ZZ', 'B']))}{draw(st.integers(1, 1_048_576))}"
        wb.active[cell] = draw(st.one_of(st.none(), st.text(string.ascii_letters, max_size=5), st.integers()))
        buf = io.BytesIO()
        wb.save(buf)
        data, fmt = buf.getvalue(), "excel"
    else:
        df = households()
        col = draw(st.sampled_from(list(df.columns)))
        df[col] = draw(st.lists(st.one_of(SCALARS, HOSTILE), min_size=len(df), max_size=len(df)))
        data, fmt = df.to_csv(index=False).encode(errors="surrogatepass"), "csv"
    return fmt, data


@FUZZ
@given(data_files(), st.booleans())
def test_fuzzed_data_files(tmp_path_factory, file: tuple[str, bytes], declare_format: bool) -> None:
    fmt, data = file
    params, country = project(tmp_path_factory.mktemp("data"))
    name = f"households.{EXT[fmt]}"
    (country.parent / name).write_bytes(data)
    cfg = {**BASE, "data": {"households": {"path": name, **({"format": fmt} if declare_format else {})}}}
    country.write_text(yaml.safe_dump(cfg, sort_keys=False))
    validate(params)


def test_fuzzer_reaches_both_answers(tmp_path: Path) -> None:
    """The harness can tell a valid project (0) from a broken one (2): the fuzzers above are not vacuous."""
    params, country = project(tmp_path)
    result = CliRunner().invoke(app, ["validate", "--params", str(params)])
    assert result.exit_code == 0, result.stdout + result.stderr
    with zipfile.ZipFile(country.parent / "households.csv", "w") as z:
        z.writestr("x", "y")
    assert CliRunner().invoke(app, ["validate", "--params", str(params)]).exit_code == 2
