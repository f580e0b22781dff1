"""Everything a built report publishes, read the way an outsider would: the downloads, and the numbers the
pages show (HTML tables, interactive-table data, chart alt texts, SVG chart text, trend tables).

The pages are read by their labels, not by their layout: a number is tied to a country, year, indicator,
group and category by the labels around it (its row and column headers, the table caption, the clause of
an alt text), using the report's own labels (group names, the indicators' titles as the published catalogue
`indicator_catalogue.csv` gives them (pages never show an indicator's code since issue #22; a `SAF-1`-style
code is still read where one appears), category names). Each number
becomes a `Fact` with the precision of its display, so the attack can use it like a download value.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup, Tag

from solutions.report.blocks import category_label
from solutions.report.formatting import is_percent
from solutions.report.style import GROUP_LABELS

INDICATOR = re.compile(r"\b([A-Z]{2,4}-\d+)\b")
NUMBER = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?")
YEAR = re.compile(r"^(19|20)\d\d$")
GROUPS = {label: role for role, label in GROUP_LABELS.items() if role != "all"}
COUNT_HEADERS = ("n", "households", "psus", "individuals", "locations", "criterion", "year", "unit", "status",
                 "note", "significant", "type", "design", "value", "group", "indicator", "country", "category",
                 "condition", "area")


@dataclass(frozen=True)
class Fact:
    """A number a page attributes to one estimate (or gap, or change) of the national results."""

    source: str
    country: str
    year: int
    indicator_id: str
    group: str
    category: str
    quantity: str  # estimate | ci_low | ci_high | gap | gap_ci_low | gap_ci_high | change
    value: float  # in the results tables' units (a share as a fraction)
    precision: float  # half a unit of the last digit shown, in the same units
    year_from: int | None = None  # for a change


@dataclass
class Published:
    estimates: pd.DataFrame  # every downloaded estimates table (all years and countries)
    gaps: pd.DataFrame
    facts: list[Fact] = field(default_factory=list)
    chart_numbers: list[tuple[str, str, str, float, float]] = field(default_factory=list)  # page, country, indicator, value, precision
    sources: dict[str, int] = field(default_factory=dict)  # facts read per kind of source


def read_downloads(paths: list[Path], name: str) -> pd.DataFrame:
    """Every `<name>.parquet` and `<name>.csv` under the given folders, one row per cell: where copies
    differ, a copy that shows a number wins over one that withholds it (a leak in any download counts),
    then Parquet (exact) over CSV (12 significant digits)."""
    frames = []
    for root in paths:
        frames += [pd.read_parquet(f).assign(_rank=0) for f in sorted(root.rglob(f"{name}.parquet"))]
        frames += [pd.read_csv(f, keep_default_na=False, na_values=[""]).assign(_rank=1)
                   for f in sorted(root.rglob(f"{name}.csv"))]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    for col in ("disaggregation_value", "category", "flag", "suppression_reason"):
        if col in df:
            df[col] = df[col].fillna("").astype(str)
    value = "estimate" if "estimate" in df else "gap" if "gap" in df else None
    if value is not None:
        df["_rank"] += 2 * df[value].isna()
    key = [c for c in ("country", "year", "indicator_id", "group", "disaggregation", "disaggregation_value",
                       "category", "criterion") if c in df]
    df = df.sort_values("_rank", kind="stable").drop_duplicates(subset=key, keep="first")
    return df.sort_index().drop(columns="_rank").reset_index(drop=True)


def _number(text: str) -> tuple[float, float]:
    """The value of a displayed number and half a unit of its last digit."""
    t = text.replace(",", "").replace("−", "-")
    decimals = len(t.split(".")[1]) if "." in t else 0
    return float(t), 0.5 * 10 ** (-decimals)


def _words(text: str) -> tuple[str, ...]:
    """A label as the running-text reader sees it: its words, without the punctuation that separates them."""
    return tuple(m.group(5) for m in TOKEN.finditer(text) if m.group(5) is not None)


def indicator_titles(catalogue: pd.DataFrame) -> dict[str, str]:
    """Title and short title -> indicator id, from the published catalogue (``indicator_catalogue.csv``), and
    the solutions measure's names; a label two indicators share names neither."""
    from solutions.report.wording import SOLUTIONS_MEASURE_NAME

    seen: dict[str, set[str]] = {SOLUTIONS_MEASURE_NAME: {"SOL-1"}}
    for r in catalogue.to_dict("records") if not catalogue.empty else []:
        for column in ("title", "short_title"):
            label = str(r.get(column) or "").strip()
            if label and label.lower() != "nan":
                seen.setdefault(label, set()).add(str(r["id"]))
    return {label: next(iter(ids)) for label, ids in seen.items() if len(ids) == 1}


class Vocabulary:
    """The labels a page uses, mapped back to the results tables' codes."""

    def __init__(self, estimates: pd.DataFrame, countries: dict[str, str], titles: dict[str, str] | None = None):
        self.countries = countries  # name -> iso3
        self.titles = dict(titles or {})  # indicator title or short title -> id
        by_length = sorted(self.titles, key=len, reverse=True)  # "Unemployment rate" before "Unemployment"
        self._title_re = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, by_length)) + r")(?![\w-])") \
            if by_length else None
        self.phrases = {_words(t): i for t, i in self.titles.items()}  # the same titles as words of running text
        self.longest = max((len(p) for p in self.phrases), default=1)
        self.categories: dict[str, dict[str, str]] = {}  # indicator -> label -> category
        self.percent: dict[str, bool] = {}
        for ind, rows in estimates.groupby("indicator_id"):
            cats = [c for c in rows["category"].unique() if c]
            self.categories[str(ind)] = {category_label(c): c for c in cats} | {c: c for c in cats}
            self.percent[str(ind)] = is_percent(str(rows["kind"].iloc[0]), rows["estimate"])

    def group(self, text: str) -> str | None:
        return GROUPS.get(text.strip())

    def category(self, indicator: str | None, text: str) -> str | None:
        return self.categories.get(indicator or "", {}).get(text.strip())

    def country(self, text: str) -> str | None:
        return self.countries.get(text.strip())

    def scale(self, indicator: str) -> float:
        return 0.01 if self.percent.get(indicator, True) else 1.0

    def indicator(self, *texts: str) -> str | None:
        """The first text naming an indicator, by its code or its (longest matching) title."""
        for t in texts:
            m = INDICATOR.search(t or "")
            if m:
                return m.group(1)
            m = self._title_re.search(t or "") if self._title_re is not None else None
            if m:
                return self.titles[m.group(1)]
        return None

    def phrase(self, words: tuple[str, ...]) -> str | None:
        """The indicator a run of running-text words names (its code or its title), if any."""
        if len(words) == 1 and INDICATOR.fullmatch(words[0]):
            return words[0]
        return self.phrases.get(words)


# ------------------------------------------------------------------ tables ----
def _caption(table: Tag) -> str:
    block = table.find_parent(class_="sos-table-block")
    cap = block.find(class_="sos-table-caption") if block else None
    own = table.find("caption")
    return " ".join(x.get_text(" ", strip=True) for x in (cap, own) if x is not None)


def _rows(table: Tag) -> tuple[list[str], list[list[str]]]:
    head = table.find("thead")
    header_row = head.find("tr") if head else table.find("tr")
    headers = [c.get_text(" ", strip=True) for c in header_row.find_all(["th", "td"])] if header_row else []
    body = [tr for tr in table.find_all("tr") if tr is not header_row and not tr.find_parent("thead")
            and not tr.find_parent("tfoot")]
    return headers, [[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])] for tr in body]


def _cell_numbers(text: str) -> list[tuple[float, float]] | None:
    """The numbers of an estimate-like cell (`33% (23–45)`, `+6 pp`, `-3 to +9`, `9.8`), or None for text."""
    words = re.sub(r"\b(pp|to|CI)\b|[%()–\-+−.,\d\s]", "", text)
    if words or not NUMBER.search(text):
        return None
    return [_number(m) for m in NUMBER.findall(text.replace("–", " – "))]


def _is_count_label(text: str) -> bool:
    """A row or column of sample sizes: `n`, `n (universe)`, `Households`, ..."""
    first = (text.lower().replace("(", " ").split() or [""])[0]
    return first in ("n", "households", "psus", "individuals", "locations")


def _is_ci(header: str) -> bool:
    return "ci" in header.replace("(", " ").replace(")", " ").split()


def _skipped(header: str) -> bool:
    """Columns of labels, counts and words, not estimates."""
    first = (header.replace("(", " ").split() or [""])[0]
    return header in COUNT_HEADERS or first in ("n", "status", "note", "locations")


def _cell_meaning(h: str, nums: list, years: list[int], change_table: bool) -> list[tuple[str, int, dict]]:
    """What each number of a cell is, from its column header: (quantity, which number, fields to set)."""
    if change_table:  # Years | From | To | Change | CI: estimates of two years and their change
        if h == "change" and years:
            return [("change", 0, {"year": years[-1], "year_from": years[0]})]
        if h in ("from", "to") and years:
            return [("estimate", 0, {"year": years[0] if h == "from" else years[-1]})]
        return []
    prefix = "gap_" if "gap" in h else ""
    if _is_ci(h):
        return [(f"{prefix}ci_low", 0, {}), (f"{prefix}ci_high", 1, {})] if len(nums) == 2 else []
    out = [("gap" if prefix else "estimate", 0, {})]
    if len(nums) == 3 and not prefix:  # "33% (23–45)"
        out += [("ci_low", 1, {}), ("ci_high", 2, {})]
    return out


def table_facts(headers: list[str], rows: list[list[str]], *, source: str, country: str | None, year: int,
                context: str, vocab: Vocabulary) -> list[Fact]:
    """Facts of one table: each cell tied to its row's labels (country, indicator, group, category; the
    caption names the indicator when no cell does) and to its column header (what the number is)."""
    facts: list[Fact] = []
    if context.startswith("Estimates by "):  # a chapter's breakdown (by area, by sex...): no national facts
        return facts
    low = [h.lower() for h in headers]
    change_table = "change" in low
    heading = ""  # a row heading a run of rows (html_table's group_by: an indicator of the global key table)
    for r, cells in enumerate(rows):
        if len(cells) == 1 and len(headers) > 1:
            heading = cells[0]
            continue
        if len(cells) != len(headers) or not cells or _is_count_label(cells[0]):
            continue
        indicator = vocab.indicator(*cells) or vocab.indicator(heading) or vocab.indicator(context)
        iso = next((vocab.country(c) for c in cells if vocab.country(c)), country)
        if indicator is None or iso is None:
            continue
        row_group = next((vocab.group(c) for c in cells if vocab.group(c)), None)
        category = next((vocab.category(indicator, c) for c in cells if vocab.category(indicator, c)), "")
        years = [int(y) for h, c in zip(low, cells, strict=True) if h == "years" for y in re.findall(r"\d{4}", c)]
        scale = vocab.scale(indicator)
        for h, header, c in zip(low, headers, cells, strict=True):
            group = vocab.group(header) or row_group
            nums = None if _skipped(h) or group is None else _cell_numbers(c)
            if not nums:
                continue
            base = dict(source=f"{source} row {r + 1} column {header!r}", country=iso, year=year,
                        indicator_id=indicator, group=group, category=category)
            for quantity, k, extra in _cell_meaning(h, nums, years, change_table):
                facts.append(Fact(**(base | extra), quantity=quantity, value=nums[k][0] * scale,
                                  precision=nums[k][1] * scale))
    return facts


def itables_facts(soup: BeautifulSoup, **kw) -> list[Fact]:
    """The interactive tables' data (itables embeds every row as JSON, beyond the rows of its fallback)."""
    facts: list[Fact] = []
    for script in soup.find_all("script"):
        text = script.string or ""
        data = re.search(r'"data_json":\s*("(?:[^"\\]|\\.)*")', text)
        head = re.search(r'"table_html":\s*("(?:[^"\\]|\\.)*")', text)
        if data is None or head is None:
            continue
        headers, _ = _rows(BeautifulSoup(json.loads(head.group(1)), "html.parser").find("table"))
        ident = re.search(r'querySelectorAll\("#([\w-]+)', text)
        table = soup.find(id=ident.group(1)) if ident else None
        rows = [[html.unescape(str(v)).strip() for v in row] for row in json.loads(json.loads(data.group(1)))]
        facts += table_facts(headers, rows, source=f"{kw['page']} interactive table",
                             context=_caption(table) if isinstance(table, Tag) else "",
                             **{k: v for k, v in kw.items() if k != "page"})
    return facts


# ----------------------------------------------------------------- alt text ----
TOKEN = re.compile(r"\(CI\s+([^)]*)\)|(n\s*[<=]\s*[\d,]+)|([+\-−]?\d[\d,]*(?:\.\d+)?)\s*(%|pp)?|([^\s,;:.()]+)")


def text_facts(text: str, *, source: str, country: str, year: int, vocab: Vocabulary) -> list[Fact]:
    """Facts of running text (an alt text, a chart's text): a state machine over labels and numbers.

    An indicator id sets the indicator (and clears the group), a group label the group (and clears the
    category), a category label the category; a number with `%` is an estimate, with `pp` a gap, `(CI a to
    b)` the interval of the last number; a year before a number marks its report year.
    """
    facts: list[Fact] = []
    indicator = group = category = None
    last = None
    year_here = year
    words = TOKEN.finditer(text)
    pending: list[str] = []
    for m in words:
        ci, count, num, unit, word = m.groups()
        if word is not None:
            pending.append(word)
            for size in range(max(3, vocab.longest), 0, -1):  # longest label first: "Comparison group"
                if size > len(pending):
                    continue
                phrase = " ".join(pending[-size:])
                named = vocab.phrase(tuple(pending[-size:]))
                if named is not None:
                    indicator, group, category, last = named, None, None, None
                    pending.clear()
                    break
                if vocab.group(phrase):
                    group, category, last = vocab.group(phrase), None, None
                    pending.clear()
                    break
                if vocab.category(indicator, phrase):
                    category, last = vocab.category(indicator, phrase), None
                    pending.clear()
                    break
            continue
        pending.clear()
        if count is not None:
            continue
        if num is not None and YEAR.match(num) and unit is None:
            year_here = int(num)
            continue
        if indicator is None or group is None:
            continue
        scale = vocab.scale(indicator)
        base = dict(country=country, year=year_here, indicator_id=indicator, group=group, category=category or "")
        if ci is not None and last is not None:
            nums = [_number(x) for x in NUMBER.findall(ci.replace("–", " – "))]
            if len(nums) == 2:
                q = ("gap_ci_low", "gap_ci_high") if last == "gap" else ("ci_low", "ci_high")
                facts += [Fact(source=source, **base, quantity=q[k], value=nums[k][0] * scale,
                               precision=nums[k][1] * scale) for k in (0, 1)]
            continue
        if num is not None and unit in ("%", "pp"):
            value, prec = _number(num)
            last = "gap" if unit == "pp" else "estimate"
            facts.append(Fact(source=source, **base, quantity=last, value=value * scale, precision=prec * scale))
        year_here = year
    return facts


def svg_numbers(img: Tag) -> list[str]:
    """The text elements of an inline SVG chart (`<img src="data:image/svg+xml;base64,...">`), in order."""
    src = img.get("src", "")
    if not src.startswith("data:image/svg+xml;base64,"):
        return []
    svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8", errors="replace")
    return [html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def _ticks(texts: list[str]) -> set[int]:
    """Positions of axis tick labels: runs of 3 or more numbers in arithmetic progression."""
    vals = []
    for i, t in enumerate(texts):
        m = re.fullmatch(r"([+\-−]?\d+(?:\.\d+)?)\s*%?", t)
        vals.append((i, float(m.group(1).replace("−", "-"))) if m else None)
    ticks: set[int] = set()
    run: list[tuple[int, float]] = []
    for v in [*vals, None]:
        if v is not None and (len(run) < 2 or abs((v[1] - run[-1][1]) - (run[-1][1] - run[-2][1])) < 1e-9) and (
                not run or v[0] == run[-1][0] + 1):
            run.append(v)
            continue
        if len(run) >= 3:
            ticks |= {i for i, _ in run}
        run = [v] if v is not None else []
    return ticks


# -------------------------------------------------------------------- pages ----
def country_names(site: Path) -> dict[str, str]:
    """Country name -> ISO3, from each country page's title (`<name> — durable solutions <year>`)."""
    names = {}
    for page in sorted(site.glob("country-*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        h1 = soup.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else (soup.title.get_text() if soup.title else "")
        name = re.split(r"\s+[—·-]\s+", title)[0].strip()
        names[name] = page.stem.removeprefix("country-")
    return names


def page_facts(page: Path, year: int, vocab: Vocabulary) -> tuple[list[Fact], list[tuple], dict[str, int]]:
    """Facts of one page from its HTML tables, interactive tables, alt texts and SVG charts."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    country = page.stem.removeprefix("country-") if page.stem.startswith("country-") else None
    facts: list[Fact] = []
    counts = {"table": 0, "interactive": 0, "alt": 0, "svg": 0, "svg_phone": 0}
    for i, table in enumerate(soup.find_all("table")):
        headers, rows = _rows(table)
        got = table_facts(headers, rows, source=f"{page.name} table {i + 1}", country=country, year=year,
                          context=_caption(table), vocab=vocab)
        counts["table"] += len(got)
        facts += got
    got = itables_facts(soup, page=page.name, country=country, year=year, vocab=vocab)
    counts["interactive"] += len(got)
    facts += got
    chart_numbers = []
    for i, img in enumerate(soup.find_all("img")):
        if str(img.get("alt") or "").startswith("Estimates by "):  # a breakdown chart: no national facts
            continue
        phone = "sos-chart-phone" in (img.get("class") or [])  # the same chart drawn for a phone: same alt text
        if country is not None and img.get("alt") and not phone:
            got = text_facts(img["alt"], source=f"{page.name} image {i + 1} alt text", country=country, year=year,
                             vocab=vocab)
            counts["alt"] += len(got)
            facts += got
        texts = svg_numbers(img)
        ticks = _ticks(texts)
        indicator = None
        for k, t in enumerate(texts):
            indicator = vocab.indicator(t) or indicator
            m = re.search(r"([+\-−]?\d+(?:\.\d+)?)\s*(%|pp)\b", t) or re.search(r"([+\-−]?\d+(?:\.\d+)?)\s*%", t)
            if k in ticks or m is None or indicator is None or country is None:
                continue
            value, prec = _number(m.group(1))
            scale = vocab.scale(indicator)
            chart_numbers.append((f"{page.name} image {i + 1}", country, indicator, value * scale, prec * scale))
            counts["svg_phone" if phone else "svg"] += 1
    return facts, chart_numbers, counts


def collect(year_dir: Path, years: list[int] | None = None) -> Published:
    """Everything published under `outputs/<year>/` (and earlier report years beside it): the downloads
    of `results/` and `site/results/`, and the facts of every page of every year's site."""
    out = year_dir.parent
    year_dirs = sorted(d for d in out.iterdir() if d.name.isdigit() and (years is None or int(d.name) in years))
    roots = [p for d in year_dirs for p in (d / "results", d / "site" / "results") if p.is_dir()]
    pub = Published(read_downloads(roots, "estimates"), read_downloads(roots, "gaps"))
    catalogues = [pd.read_csv(f, keep_default_na=False) for r in roots for f in sorted(r.glob("indicator_catalogue.csv"))]
    titles = indicator_titles(pd.concat(catalogues, ignore_index=True) if catalogues else pd.DataFrame())
    counts: dict[str, int] = {}
    for d in year_dirs:
        site = d / "site"
        if not site.is_dir():
            continue
        vocab = Vocabulary(pub.estimates[pub.estimates["year"] == int(d.name)], country_names(site), titles)
        for page in sorted(site.glob("*.html")):
            facts, charts, c = page_facts(page, int(d.name), vocab)
            pub.facts += facts
            pub.chart_numbers += charts
            for k, v in c.items():
                counts[k] = counts.get(k, 0) + v
    pub.sources = counts
    return pub
