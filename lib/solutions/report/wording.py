"""The report's words for its findings: what a gap status, a criterion status and a flag mean, with numbers.

One source for every place a status reaches a reader (chips, country summaries, captions, alt text, the
heatmap, headline counts), so pages never drift apart and never claim parity that the confidence interval
does not show (methodology §3): a gap is *closed* only when the CI of the disadvantage lies below the
equivalence margin δ; a non-significant difference is *inconclusive*, never "the same level".

Numbers are the direction-adjusted disadvantage D (positive = the displaced group is worse off), in points
for shares and in the indicator's own unit otherwise, rounded so that no "−0" is ever printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from solutions.config import Thresholds

from .formatting import is_missing

#: The one vocabulary of statuses (methodology §3): every table, chart, key, alt text, sentence and chart CSV
#: says a status with these words (a browser test refuses the retired synonyms "can't tell", "no data", "n/a").
STATUS_LABELS: dict[str, str] = {
    "closed": "Gap closed",
    "open": "Gap open",
    "inconclusive": "Inconclusive",
    "insufficient_data": "Insufficient data",
    "not_collected": "Not collected",
    "not_assessed": "Not assessed",
}
#: The same words where the column or key already says "gap" (the heatmap and its table): ``closed``,
#: ``open``, ``inconclusive``, ``insufficient data``...; always beside the symbol.
STATUS_SHORT: dict[str, str] = {s: label.removeprefix("Gap ").lower() for s, label in STATUS_LABELS.items()}
#: A symbol per status, so that colour is never the only signal (chips, heatmap cells, chart labels).
STATUS_SYMBOLS: dict[str, str] = {
    "closed": "✓",
    "open": "✗",
    "inconclusive": "?",
    "insufficient_data": "∅",
    "not_collected": "○",
    "not_assessed": "–",
}
#: What each status means, for legends and the methods page ({margin} is the equivalence margin in words).
STATUS_MEANINGS: dict[str, str] = {
    "closed": "the data show no disadvantage larger than {margin}",
    "open": "the data show a disadvantage",
    "inconclusive": "the survey cannot tell whether there is a disadvantage larger than {margin}",
    "insufficient_data": "a value on one side is withheld, so there is nothing to compare",
    "not_collected": "the survey asked none of the questions behind it",
    "not_assessed": "no better or worse direction (a distribution)",
}
#: Words the report no longer uses for a status (one vocabulary): the browser tests refuse them on every page.
RETIRED_STATUS_WORDS: tuple[str, ...] = ("can't tell", "n/a", "no data")
#: How a stratum with a single PSU is treated (the global config's ``lonely_psu``), in words: pages never show
#: the option's code.
LONELY_PSU_WORDS: dict[str, str] = {
    "adjust": "centred on the overall mean, as R's survey package does with the 'adjust' option",
    "average": "given the average variance of the other strata",
    "certainty": "treated as sampled with certainty (no variance)",
    "remove": "left out of the variance",
    "fail": "an error: the build stops",
}


def weighting_words(text: Any) -> str:
    """How the weights were obtained, for readers: the source column's name (``column wt_final``) is a build
    detail, said as "weights supplied with the survey data"; the rest of the description is kept."""
    said = "" if is_missing(text) else str(text)
    if said.startswith("column "):
        rest = said.split(",", 1)[1].strip() if "," in said else ""
        return "weights supplied with the survey data" + (f", {rest}" if rest else "")
    return said.replace("N_h / n_h per stratum", "population ÷ sample size in each stratum")


_CONFIG_KEY = re.compile(r"\s*\((?:drop_indicators|columns\.\w+)\)")
_UNMAPPED = re.compile(r"^variables? [\w, ]+ not mapped")


def availability_words(reason: Any) -> str:
    """Why an indicator was not computed, for readers: the config keys and variable names of the indicators
    download (``not collected in this survey (drop_indicators)``, ``variables x, y not mapped (columns.households)``)
    said without them."""
    said = _CONFIG_KEY.sub("", "" if is_missing(reason) else str(reason))
    said = _UNMAPPED.sub("the survey data lack the answers it needs", said)
    # the solutions measure: its conditions need the answers (availability.availability's reason)
    said = said.replace("the answers it needs: the conditions of the solutions measure need them",
                        "the answers its conditions need")
    return said.replace("needs the individuals table", "needs the survey's individual-level data")


#: The solutions measure as readers meet it (``SOL-1`` is the downloads' code; the catalogue does not hold it).
SOLUTIONS_MEASURE_NAME = "Solutions measure"
#: A code of the downloads (``SAF-1``, ``SOL-1``): readers meet an indicator by its catalogue title instead.
INDICATOR_CODE = re.compile(r"\b[A-Z]{3}-\d+\b")


def indicator_name(indicator_id: str, title: Any = None, short_title: Any = None, *, short: bool = True) -> str:
    """An indicator as a reader reads it: its catalogue (or config) title, the short one in charts, lists and
    table rows; never its code, which only the codebook, the downloads and the build details show. The
    solutions measure has no catalogue entry; an indicator without any title keeps its code (nothing else
    names it)."""
    if indicator_id == "SOL-1" and short and is_missing(short_title):
        short_title = SOLUTIONS_MEASURE_NAME
    names = [short_title, title] if short else [title, short_title]
    for name in names:
        if not is_missing(name) and str(name).strip():
            return str(name).strip()
    return SOLUTIONS_MEASURE_NAME if indicator_id == "SOL-1" else indicator_id


#: The status of a change between two editions (``solutions diff``, the front page, trends).
CHANGE_LABELS: dict[str, str] = {
    "improved": "Improved",
    "worsened": "Worsened",
    "no_material_change": "No material change",
    "cannot_tell": "Cannot tell",
}
FLAG_LABELS: dict[str, str] = {
    "high_cv": "imprecise: coefficient of variation above {max_cv}",
    "low_df": "few degrees of freedom: fewer than {min_df}",
}
#: The one mark of a flagged estimate, in tables, charts, breakdowns and downloads' readme alike.
FLAG_MARK = "†"
#: The flag mark explained in running text (an alt text), without the thresholds: a number there would read
#: as one of the chart's values; the thresholds are in the table notes and on the methods page.
FLAG_SENTENCE = f"{FLAG_MARK} marks a flagged estimate: published, but imprecise, to be read with care."
#: Said instead of "0% (0–0)": no respondent in the sample has the characteristic.
NONE_OBSERVED = "none observed"
#: The comparison group where it stands beside the displaced groups as the benchmark of the solutions measure.
BENCHMARK_LABEL = "Comparison group (benchmark)"
#: Said instead of "100% (100–100)".
ALL_OBSERVED = "all observed"
#: Why a value is withheld, in words, under the thresholds the page states.
WITHHELD_REASONS: dict[str, Callable[[Thresholds], str]] = {
    "min_n": lambda t: f"withheld: fewer than {t.min_n} respondents",
    "min_effective_n": lambda t: f"withheld: effective sample below {t.min_effective_n:g}",
    "no_variance": lambda t: "withheld: no variance estimate (one cluster)",
    "complementary": lambda t: "withheld to protect another withheld value",
    "not_available": lambda t: "not available: not collected in this survey",
}


@dataclass(frozen=True)
class Disadvantage:
    """D and its CI: positive means the displaced group is worse off than the comparison group."""

    value: float
    low: float
    high: float


def disadvantage(gap: Any, ci_low: Any, ci_high: Any, direction: str) -> Disadvantage | None:
    """D from a gap row (gap = displaced − comparison); None without a direction or without numbers."""
    if direction not in ("higher", "lower") or any(is_missing(v) for v in (gap, ci_low, ci_high)):
        return None
    g, lo, hi = float(gap), float(ci_low), float(ci_high)
    if direction == "higher":  # higher is better: being lower is the disadvantage
        return Disadvantage(-g, -hi, -lo)
    return Disadvantage(g, lo, hi)


def _rounded(value: float, percent: bool) -> float:
    v = round(value * 100) if percent else round(value, 1)
    return 0.0 if v == 0 else v  # never -0


def amount(value: Any, *, percent: bool) -> str:
    """A size without sign: ``12 points`` for shares, ``0.4`` otherwise."""
    if is_missing(value):
        return "–"
    v = abs(_rounded(float(value), percent))
    if percent:
        return f"{v:.0f} point{'s' if v != 1 else ''}"
    return f"{v:,.1f}"


def _digits(value: float, base: int, limits: tuple[float, ...]) -> int:
    """Decimals for ``value`` (in display units) so that its rounded text stays on its side of every limit
    (zero, the margin): 5.42 beside a 5-point margin is "5.4", never "5" (methodology §3); at most 3 more."""
    d = base
    while d < base + 3 and any(value != t and (round(value, d) == t or (round(value, d) > t) != (value > t))
                               for t in limits):
        d += 1
    return d


def precise(value: float, *, percent: bool, margin: Any = None, side: str = "") -> tuple[float, int]:
    """(value in display units, decimals): points for shares (0 decimals), the unit otherwise (1), with the
    decimals a rounded bound needs not to contradict a status decided against 0 and ±``margin``.

    ``side`` says which end of a CI the value is: a status tests a lower bound against 0 and −margin only,
    an upper bound against 0 and +margin (closed: the CI inside ±margin; open or changed: the CI clear of 0),
    so a lower bound of 4.996 beside a 5-point margin is "5", not "4.996"; "" tests every limit."""
    scale, base = (100.0, 0) if percent else (1.0, 1)
    v = float(value) * scale
    m = None if is_missing(margin) else float(margin) * scale
    limits = (0.0,) if m is None else {"low": (0.0, -m), "high": (0.0, m)}.get(side, (0.0, m, -m))
    d = _digits(v, base, limits)
    r = round(v, d)
    return (0.0 if r == 0 else r), d


def _bound(value: float, percent: bool, margin: Any = None, side: str = "") -> str:
    v, d = precise(value, percent=percent, margin=margin, side=side)
    return f"{abs(v):,.{d}f}"


def margin_text(margin: Any, *, percent: bool) -> str:
    """The equivalence margin in words: ``5 points`` (or ``0.4`` in the indicator's unit)."""
    if is_missing(margin):
        return "the margin"
    return amount(margin, percent=percent)


def _range(d: Disadvantage, percent: bool, margin: Any = None) -> str:
    """The CI of D in words, with the side of zero each end lies on (bounds precise against the margin)."""
    lo, hi = (precise(v, percent=percent, margin=margin, side=e)[0] for v, e in ((d.low, "low"), (d.high, "high")))
    a, b = _bound(d.low, percent, margin, "low"), _bound(d.high, percent, margin, "high")

    def unit(text: str) -> str:
        return "" if not percent else " point" if text == "1" else " points"

    if lo >= 0:
        return f"{a} to {b}{unit(b)} worse"
    if hi <= 0:
        return f"{b} to {a}{unit(a)} better"
    return f"from {a}{unit(a)} better to {b}{unit(b)} worse"


def gap_finding(group: str, status: str, *, gap: Any = None, ci_low: Any = None, ci_high: Any = None,
                direction: str = "none", margin: Any = None, percent: bool = True,
                comparison: str = "the comparison group") -> str:
    """One sentence (no final full stop) saying what a gap status means for ``group``, with its numbers.

    ``IDPs are worse off by 12 points (4 to 20 points worse)``;
    ``no gap larger than 5 points between IDPs and the comparison group (from 2 points better to 3 points
    worse)``; ``the survey cannot tell whether IDPs are worse off than the comparison group (from 4 points
    better to 15 points worse; margin 5 points)``.
    """
    if status == "insufficient_data":
        return f"too few respondents to compare {group} with {comparison}"
    if status == "not_collected":
        return f"{group}: not collected in this survey"
    if status == "not_assessed":
        return f"{group}: not assessed (no better or worse direction)"
    d = disadvantage(gap, ci_low, ci_high, direction)
    m = margin_text(margin, percent=percent)
    if d is None:
        return f"{group}: {STATUS_LABELS.get(status, status).lower()}"
    ci = _range(d, percent, margin)
    if status == "open":
        return f"{group} are worse off than {comparison} by {amount(d.value, percent=percent)} ({ci})"
    if status == "closed":
        return f"no gap larger than {m} between {group} and {comparison} ({ci})"
    return (f"the survey cannot tell whether {group} are worse off than {comparison} "
            f"({ci}; margin {m})")


def gap_summary(status: str, *, gap: Any = None, ci_low: Any = None, ci_high: Any = None,
                direction: str = "none", margin: Any = None, percent: bool = True) -> str:
    """What a gap status means, short, for a table row or chart label that already names the group:
    ``worse off by 12 points (4 to 20)``, ``no gap larger than 5 points``, ``the survey cannot tell``."""
    if status == "insufficient_data":
        return "a value on one side is withheld"
    if status == "not_collected":
        return "not collected in this survey"
    if status == "not_assessed":
        return ""
    m = margin_text(margin, percent=percent)
    if status == "closed":
        return f"no gap larger than {m}"
    if status == "inconclusive":
        return f"the survey cannot tell (margin {m})"
    d = disadvantage(gap, ci_low, ci_high, direction)
    if status == "open" and d is not None:
        lo, hi = (_signed_bound(v, percent, margin, e) for v, e in ((d.low, "low"), (d.high, "high")))
        return f"worse off by {amount(d.value, percent=percent)} ({lo} to {hi})"
    return status_label(status).lower()


def _signed_bound(value: float, percent: bool, margin: Any = None, side: str = "") -> str:
    v, d = precise(value, percent=percent, margin=margin, side=side)
    text = f"{abs(v):,.{d}f}"
    return ("\u2212" + text) if v < 0 else text


def criterion_finding(group: str, status: str, *, n_indicators: int, n_closed: int = 0, n_open: int = 0,
                      n_inconclusive: int = 0, n_insufficient: int = 0) -> str:
    """One sentence on a criterion for ``group``: the status and the indicator counts behind it."""
    counts = criterion_counts(n_indicators=n_indicators, n_closed=n_closed, n_open=n_open,
                              n_inconclusive=n_inconclusive, n_insufficient=n_insufficient)
    of = f" ({counts})" if counts else ""
    text = {
        "open": f"{group} are worse off on at least one indicator",
        "closed": f"no material gap for {group} on any indicator with data",
        "inconclusive": f"the survey cannot tell for {group}",
        "insufficient_data": f"too few respondents to compare {group}",
        "not_collected": f"not collected in this survey for {group}",
    }.get(status, f"{group}: {STATUS_LABELS.get(status, status).lower()}")
    return text + of


def _criteria_list(numbers: list[int], names: dict[int, str]) -> str:
    word = "criterion" if len(numbers) == 1 else "criteria"
    return f"{word} " + ", ".join(f"{n} ({names.get(n, n)})" for n in numbers)


def group_findings(group: str, statuses: dict[int, str], names: dict[int, str]) -> str:
    """A displaced group's criterion statuses in one sentence, strongest evidence first:
    ``IDPs are worse off on at least one indicator of criteria 1 (Safety...), 3 (...); no material gap on
    criterion 6 (...); the survey cannot tell on criterion 4 (...); too few respondents on criterion 8 (...)``.
    """
    by: dict[str, list[int]] = {}
    for number in sorted(statuses):
        by.setdefault(statuses[number], []).append(number)
    parts = []
    if by.get("open"):
        parts.append(f"{group} are worse off than the comparison group on at least one indicator of "
                     + _criteria_list(by["open"], names))
    if by.get("closed"):
        lead = "" if parts else f"{group}: "
        parts.append(f"{lead}no disadvantage larger than the margin on any indicator with data of "
                     + _criteria_list(by["closed"], names))
    if by.get("inconclusive"):
        lead = "" if parts else f"{group}: "
        parts.append(f"{lead}the survey cannot tell on " + _criteria_list(by["inconclusive"], names))
    if by.get("insufficient_data"):
        lead = "" if parts else f"{group}: "
        parts.append(f"{lead}too few respondents to compare on " + _criteria_list(by["insufficient_data"], names))
    if by.get("not_collected"):  # never "too few respondents": the questions were not asked
        lead = "" if parts else f"{group}: "
        parts.append(f"{lead}not collected in this survey: " + _criteria_list(by["not_collected"], names))
    return "; ".join(parts) + "." if parts else f"{group}: no criterion could be assessed."


def status_meaning(status: str, *, margin: str = "the equivalence margin") -> str:
    """The general meaning of a status, for legends and notes."""
    return STATUS_MEANINGS.get(status, status.replace("_", " ")).format(margin=margin)


def status_label(status: str) -> str:
    """The label of a status (``Gap closed``), or of an edition change (``No material change``); an unknown
    code in words."""
    return STATUS_LABELS.get(status) or CHANGE_LABELS.get(status) or str(status).replace("_", " ").capitalize()


def status_tag(status: str) -> str:
    """Symbol and label: ``✗ Gap open`` (colour is never the only signal)."""
    return f"{STATUS_SYMBOLS.get(status, '')} {status_label(status)}".strip()


def status_legend(statuses: tuple[str, ...] = ("closed", "open", "inconclusive", "insufficient_data"), *,
                  margin: str = "the equivalence margin") -> str:
    """One sentence explaining each status with its symbol, for captions and notes."""
    return "; ".join(f"{STATUS_SYMBOLS[s]} {STATUS_LABELS[s].lower()}: {status_meaning(s, margin=margin)}"
                     for s in statuses) + "."


def status_key(statuses: tuple[str, ...] = ("closed", "open", "inconclusive", "insufficient_data")) -> str:
    """The symbols in brief, for a caption: ``✓ closed, ✗ open, ? inconclusive, ∅ insufficient data``."""
    return ", ".join(f"{STATUS_SYMBOLS[s]} {STATUS_LABELS[s].lower().removeprefix('gap ')}" for s in statuses)


def criterion_counts(*, n_indicators: int, n_closed: int = 0, n_open: int = 0, n_inconclusive: int = 0,
                     n_insufficient: int = 0) -> str:
    """The indicator counts behind a criterion status, in words: ``1 open, 2 closed of 3 indicators``."""
    counts = [f"{n} {word}" for n, word in ((n_open, "open"), (n_closed, "closed"),
                                            (n_inconclusive, "inconclusive"), (n_insufficient, "without data"))
              if n]
    if not counts:
        return ""
    return f"{', '.join(counts)} of {n_indicators} indicator{'s' if n_indicators != 1 else ''}"


def flag_codes(flag: Any) -> list[str]:
    """The flag codes of an estimate (``high_cv;low_df`` → both); [] when unflagged."""
    if is_missing(flag) or not str(flag).strip():
        return []
    return [c for c in str(flag).replace(",", ";").split(";") if c.strip()]


def flag_text(flag: Any, *, max_cv: float, min_df: float | str) -> str:
    """The flags of an estimate in words (empty when unflagged)."""
    words = []
    for code in flag_codes(flag):
        template = FLAG_LABELS.get(code.strip(), code.strip().replace("_", " "))
        words.append(template.format(max_cv=f"{max_cv * 100:.0f}%", min_df=min_df))
    return "; ".join(words)


def flag_words(flag: Any, thresholds: Thresholds) -> str:
    """``flag_text`` under the given thresholds, with the mark: ``† imprecise: coefficient ...``."""
    text = flag_text(flag, max_cv=thresholds.max_cv, min_df=f"{thresholds.min_df:g}")
    return f"{FLAG_MARK} {text}" if text else ""


def flag_note(thresholds: Thresholds) -> str:
    """The legend of the flag mark, for captions, chart keys and the downloads' codebook."""
    return (f"{FLAG_MARK} flagged estimate, published but to be read with care: "
            + " or ".join(flag_text(code, max_cv=thresholds.max_cv, min_df=f"{thresholds.min_df:g}")
                          for code in FLAG_LABELS))


def marked(text: str, flag: Any) -> str:
    """``text`` with the flag mark appended when the estimate is flagged."""
    return f"{text}{FLAG_MARK}" if flag_codes(flag) else text


def withheld_text(reason: Any, thresholds: Thresholds) -> str:
    """Why a value is withheld, in words (shown where the number would be)."""
    code = "" if is_missing(reason) else str(reason).strip()
    said = WITHHELD_REASONS.get(code)
    if said is not None:
        return said(thresholds)
    return f"withheld ({code.replace('_', ' ')})" if code else "withheld"


#: A status in a few words, as ``criterion_finding`` says it (legends, country summaries).
STATUS_GIST: dict[str, str] = {
    "open": "worse off",
    "closed": "no material gap",
    "inconclusive": "the survey cannot tell",
    "insufficient_data": "too few respondents to compare",
    "not_assessed": "not compared",
}
#: The order in which a country summary counts its criteria.
_SUMMARY_ORDER: tuple[str, ...] = ("open", "closed", "inconclusive", "insufficient_data", "not_collected")
#: A criterion the survey asked none of the questions of (never "too few respondents": methodology §3).
NOT_COLLECTED_GIST = "not collected in this survey"


def _numbers(criteria: list[int]) -> str:
    """``1–3, 5``: criterion numbers with consecutive runs joined by a dash."""
    runs: list[list[int]] = []
    for c in sorted(criteria):
        if runs and c == runs[-1][-1] + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def number_runs(numbers: list[int]) -> str:
    """``1–5`` or ``1, 3``: criterion numbers with runs of three or more joined by a dash."""
    return _numbers(numbers)


def criteria_summary(group: str, statuses: dict[int, str]) -> str:
    """One sentence (no final full stop) on a group's criteria, from their statuses (criterion → status).

    ``IDPs are worse off on 6 of 8 criteria (1–5, 8); no material gap on 1 (6); the survey cannot tell on 1 (7)``.
    """
    total = len(statuses)
    if not total:
        return f"no criteria results for {group}"
    parts = []
    for status in _SUMMARY_ORDER:
        which = [c for c, s in statuses.items() if s == status]
        if which:
            of = f" of {total} criteria" if status == "open" else ""
            gist = STATUS_GIST.get(status, NOT_COLLECTED_GIST if status == "not_collected" else status)
            parts.append(f"{gist} on {len(which)}{of} ({_numbers(which)})")
    if not any(s == "open" for s in statuses.values()):
        parts.insert(0, f"worse off on none of {total} criteria")
    return f"{group} are " + "; ".join(parts)


# ------------------------------------------------------------------ changes between editions ----
#: A change's status (``solutions.indicators.changes``) as a reader sees it.
CHANGE_LABELS: dict[str, str] = {
    "improved": "Improved",
    "worsened": "Worsened",
    "no_material_change": "No material change",
    "cannot_tell": "Cannot tell",
    "insufficient_data": "Insufficient data",
    "not_assessed": "Not assessed",
}


def change_label(status: str) -> str:
    """The label of a change's status (``Improved``); an unknown code in words."""
    return CHANGE_LABELS.get(status, str(status).replace("_", " ").capitalize())


def signed_precise(value: float, percent: bool, margin: Any = None, side: str = "") -> str:
    """``+3``, ``−4.96``: signed, in points for shares, precise against zero and ±``margin`` (``precise``; ``side``:
    which end of a CI)."""
    v, d = precise(value, percent=percent, margin=margin, side=side)
    text = f"{abs(v):,.{d}f}"
    return text if v == 0 else ("+" if v > 0 else "\u2212") + text


def change_summary(status: str, *, change: Any = None, ci_low: Any = None, ci_high: Any = None,
                   margin: Any = None, percent: bool = True) -> str:
    """What a change between editions shows, in the report's words, with better or worse named:
    ``better: down 7 points (−11 to −3)``, ``worse: up 7 points (+3 to +11)``, ``no change larger than 5
    points (−2 to +3)``, ``the surveys cannot tell (−4 to +9; margin 5 points)``. Bounds are precise
    against zero and the margin, as in ``gap_summary``; never "beyond its CI": the test is the change's CI."""
    if status == "insufficient_data" or any(is_missing(v) for v in (change, ci_low, ci_high)):
        return "a value of one edition is withheld"
    ci = f"{signed_precise(ci_low, percent, margin, 'low')} to {signed_precise(ci_high, percent, margin, 'high')}"
    size = float(change)
    way = "up" if size > 0 else "down"
    moved = f"{way} {amount(size, percent=percent)}" if _rounded(size, percent) else "unchanged"
    m = margin_text(margin, percent=percent)
    if status == "improved":
        return f"better: {moved} ({ci})"
    if status == "worsened":
        return f"worse: {moved} ({ci})"
    if status == "no_material_change":
        return f"no change larger than {m} ({ci})"
    if status == "cannot_tell":
        return f"the surveys cannot tell ({ci}; margin {m})"
    return f"{moved} ({ci}; no better or worse direction)"


def change_gist(status: str, *, margin: Any = None, percent: bool = True) -> str:
    """A change's status in a few words, for a table beside the numbers: ``better``, ``worse``, ``no change
    larger than 5 points``, ``the surveys cannot tell``."""
    return {
        "improved": "better",
        "worsened": "worse",
        "no_material_change": f"no change larger than {margin_text(margin, percent=percent)}",
        "cannot_tell": "the surveys cannot tell",
        "insufficient_data": "withheld: a value of one edition is withheld",
        "not_assessed": "no better or worse direction",
    }.get(status, change_label(status).lower())


#: Gap and criterion statuses from worst to best evidence, to say whether a status change is better or worse.
_STATUS_RANK = {"open": 2, "inconclusive": 1, "closed": 0}


def status_change_gist(status_from: str, status_to: str) -> str:
    """Whether a gap or criterion status change is better or worse, in words ("" when it compares nothing):
    to *closed* is better, to *open* is worse; open → inconclusive only says the gap is no longer shown."""
    a, b = _STATUS_RANK.get(status_from), _STATUS_RANK.get(status_to)
    if a is None or b is None or a == b:
        return ""
    if status_to == "closed":
        return "better"
    if status_to == "open":
        return "worse"
    return "the gap is no longer shown" if status_from == "open" else "parity is no longer shown"
