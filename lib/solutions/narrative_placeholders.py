"""Placeholders that bind a country's narrative to its results, and the check that nothing else is typed.

A narrative states numbers and findings only through placeholders the build fills from the results tables
(methodology.md section 7), so it can never contradict them: ``[[gap LIV-1 idp]]`` becomes "worse off by 12
points (4 to 20)", or "a value on one side is withheld". The syntax, double square brackets, cannot collide
with Quarto shortcodes (``{{< >}}``), Jinja (``{{ }}``) or Markdown links, and is read by a small whitelist
parser: a known word, then fixed arguments (an indicator id, a group role, a criterion number, a category
name). Nothing is evaluated. The forms (docs/configuration.md):

=========================================  ===================================================================
``[[estimate ID GROUP]]``                   the national estimate and its CI ("23% (CI 19–27)")
``[[estimate ID GROUP CATEGORY]]``          a category of a distribution or breakdown
``[[ci ID GROUP]]`` (``CATEGORY``)          the CI alone ("19–27%")
``[[gap ID GROUP]]``                        what the gap status means, with numbers ("worse off by 12 points (4 to 20)")
``[[finding ID GROUP]]``                    the same as a clause naming the group ("IDPs are worse off than ...")
``[[status ID GROUP]]``                     the gap status ("gap open")
``[[change ID GROUP]]``                     the change since the previous comparable edition, better or worse
``[[criterion N GROUP]]``                   the criterion status for the group, with its indicator counts
=========================================  ===================================================================

``GROUP`` is a role: ``idp``, ``returnee``, ``relocated`` or ``comparison`` (not for gaps). A placeholder
the parser does not know is a problem (``validate`` and the build stop); a number or a status word typed in
the narrative outside a placeholder is a warning (:func:`typed_claims`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("estimate", "ci", "gap", "finding", "status", "change", "criterion")
GROUPS = ("idp", "returnee", "relocated", "comparison")
DISPLACED = ("idp", "returnee", "relocated")
_PLACEHOLDER = re.compile(r"\[\[(.*?)\]\]", re.S)
_ID = re.compile(r"^[A-Z]{2,4}-[0-9A-Za-z.]+$")
_CATEGORY = re.compile(r"^[a-z0-9_]{1,60}$")


@dataclass(frozen=True)
class Placeholder:
    """One parsed placeholder: ``kind`` and its arguments (``indicator`` or ``criterion``, ``group``,
    ``category``); ``text`` is the placeholder as written."""

    text: str
    kind: str
    group: str
    indicator: str = ""
    criterion: int = 0
    category: str = ""


class PlaceholderError(ValueError):
    """A placeholder the whitelist parser does not accept; the message says what is wrong."""


def parse_one(inner: str, known: Iterable[str] | None = None) -> Placeholder:
    """The placeholder whose text between the brackets is ``inner``; ``known``: the indicator ids that exist
    (None: not checked)."""
    words = inner.split()
    text = f"[[{inner}]]"
    if not words or words[0] not in KINDS:
        raise PlaceholderError(f"{text}: unknown placeholder (the first word must be one of {', '.join(KINDS)})")
    kind, args = words[0], words[1:]
    if kind == "criterion":
        if len(args) != 2 or not args[0].isdigit() or not 1 <= int(args[0]) <= 8:
            raise PlaceholderError(f"{text}: write [[criterion N GROUP]] with N from 1 to 8")
        group = _group(text, args[1], DISPLACED)
        return Placeholder(text, kind, group, criterion=int(args[0]))
    most = 3 if kind in ("estimate", "ci") else 2
    if not 2 <= len(args) <= most:
        form = f"[[{kind} ID GROUP{' [CATEGORY]' if most == 3 else ''}]]"
        raise PlaceholderError(f"{text}: write {form}")
    indicator = args[0]
    if not _ID.match(indicator):
        raise PlaceholderError(f"{text}: {indicator!r} is not an indicator id (such as LIV-1)")
    if known is not None and indicator not in set(known):
        raise PlaceholderError(f"{text}: unknown indicator {indicator} (not in the catalogue nor the country's "
                               "extra_indicators)")
    group = _group(text, args[1], GROUPS if kind in ("estimate", "ci") else DISPLACED)
    category = args[2] if len(args) == 3 else ""
    if category and not _CATEGORY.match(category):
        raise PlaceholderError(f"{text}: {category!r} is not a category name (lower case, digits and _)")
    return Placeholder(text, kind, group, indicator=indicator, category=category)


def _group(text: str, word: str, allowed: tuple[str, ...]) -> str:
    if word not in allowed:
        raise PlaceholderError(f"{text}: the group must be one of {', '.join(allowed)}, not {word!r}")
    return word


def placeholders(text: str, known: Iterable[str] | None = None) -> tuple[list[Placeholder], list[str]]:
    """Every placeholder of ``text`` parsed, and one problem per placeholder that does not parse (an
    unclosed ``[[`` too)."""
    found, problems = [], []
    known = None if known is None else set(known)
    for m in _PLACEHOLDER.finditer(text or ""):
        try:
            found.append(parse_one(m.group(1).strip(), known))
        except PlaceholderError as exc:
            problems.append(str(exc))
    rest = _PLACEHOLDER.sub(" ", text or "")
    if "[[" in rest or "]]" in rest:
        problems.append("an unclosed [[ or a stray ]]: a placeholder is written [[kind ID GROUP]] on one line")
    return found, problems


def substitute(text: str, fill: Callable[[Placeholder], str]) -> str:
    """``text`` with every placeholder replaced by ``fill(placeholder)``; the text is parsed first, so a
    placeholder that does not parse is left as written (validate has said why)."""
    def one(m: re.Match[str]) -> str:
        try:
            return fill(parse_one(m.group(1).strip()))
        except PlaceholderError:
            return m.group(0)

    return _PLACEHOLDER.sub(one, text or "")


# ------------------------------------------------------------------ typed claims ----
#: Words that state a finding (a status, a comparison, a change) which only a placeholder may state.
_CLAIM_WORDS = (
    r"closed", r"closing", r"open", r"opened", r"inconclusive", r"improved?", r"improving", r"improvements?",
    r"worsen(?:ed|ing)?", r"deteriorat(?:ed|ing)", r"better", r"worse", r"twice", r"thrice", r"double[ds]?",
    r"half", r"halved", r"as likely", r"more likely", r"less likely", r"on par", r"same level", r"no different",
    r"differ(?:s|ed)?", r"significant(?:ly)?", r"markedly", r"majority", r"most", r"fewer",
)
_CLAIMS = re.compile(r"\b(?:" + "|".join(_CLAIM_WORDS) + r")\b", re.I)
#: A typed number: a share, points, a multiple, or any figure that is not a year (1900–2099) or part of an id.
_NUMBER = re.compile(r"(?<![\w.-])(\d+(?:[.,]\d+)?)(\s*(?:%|per\s?cent\b|percent\b|pp\b|percentage points?\b|"
                     r"points?\b|times\b))?", re.I)
_YEAR = re.compile(r"^(19|20)\d\d$")


def typed_claims(text: str) -> list[str]:
    """The numbers and finding words typed in ``text`` outside its placeholders (each once, in order)."""
    rest = _PLACEHOLDER.sub(" ", text or "")
    rest = re.sub(r"\b[A-Z]{2,4}-[0-9A-Za-z.]+\b", " ", rest)  # indicator ids (PAR-3) are names, not numbers
    rest = re.sub(r"\]\([^)]*\)", "]", rest)  # link targets
    found: list[str] = []
    for m in _NUMBER.finditer(rest):
        if m.group(2) or not _YEAR.match(m.group(1)):
            found.append(m.group(0).strip())
    found += [m.group(0) for m in _CLAIMS.finditer(rest)]
    order = {w: rest.find(w) for w in found}
    return sorted(dict.fromkeys(found), key=lambda w: order[w])


def narrative_sections(summary: str, criteria: Mapping[int, str]) -> list[tuple[str, str]]:
    """(config key, text) of every narrative section."""
    return [("narrative.summary", summary or ""),
            *((f"narrative.criteria.{k}", v or "") for k, v in sorted(criteria.items()))]


@dataclass(frozen=True)
class NarrativeCheck:
    """Problems (unknown or malformed placeholders: validate and the build stop) and warnings (typed numbers
    and finding words that no placeholder backs)."""

    problems: list[str]
    warnings: list[str]


def check_narrative(summary: str, criteria: Mapping[int, str], known: Iterable[str], where: str) -> NarrativeCheck:
    """The narrative's placeholders parsed against the ``known`` indicator ids, and its typed claims; each
    line starts with ``where`` (the config file) and the narrative key."""
    problems, warnings = [], []
    known = set(known)
    for key, text in narrative_sections(summary, criteria):
        _found, bad = placeholders(text, known)
        problems += [f"{where}: {key}: {b}" for b in bad]
        claims = typed_claims(text)
        if claims:
            shown = ", ".join(f'"{c}"' for c in claims[:6]) + (" ..." if len(claims) > 6 else "")
            warnings.append(f"{where}: {key}: typed numbers or findings that no placeholder backs: {shown}; "
                            "state them with placeholders such as [[gap LIV-1 idp]] so that the text agrees with "
                            "the tables (docs/configuration.md, Narratives)")
    return NarrativeCheck(problems, warnings)


def country_narrative_check(cfg: Any, config_path: Any) -> NarrativeCheck:
    """A country config's narrative checked against the indicators it can name (the catalogue's, its own
    ``extra_indicators``, the solutions measure): ``check_country``'s call, so validate and build agree."""
    from solutions.catalogue import SOLUTIONS_ID, load_catalogue

    known = [i.id for i in load_catalogue().indicators] + [i.id for i in cfg.extra_indicators] + [SOLUTIONS_ID]
    return check_narrative(cfg.narrative.summary, cfg.narrative.criteria, known, str(config_path))
