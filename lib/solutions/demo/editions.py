"""The demo's annual series: which fictional countries each edition covers, from which survey, and how their
gaps move, so that the latest edition has earlier editions to compare with (trends, "what changed", diff).

Three editions: the report year Y and the two before. Every survey is simulated from the same country spec
(`demo.spec`) with its own random stream, so two editions are independent samples, as real survey rounds
are; a survey's IDP-comparison gaps are the spec's times its ``gap_scale`` (above 1: wider than in the
latest round, so the gap narrows over the series). The series holds the cases a real one holds:

- Aldoria (QAB) and Dravenmark (QAE) survey every year, their gaps narrowing;
- Brevonia's (QAC) survey is not repeated in Y-1: that edition carries its Y-2 survey's figures (the page and
  the global roll-up name the earlier survey), and its trend compares the Y-2 and Y surveys;
- Cassaline (QAD) joins in the latest edition, with a survey collected in Y-1 (named as an earlier survey);
- one indicator's definition changed in the latest catalogue version (its ``revised`` field): the earlier
  editions carry the catalogue version before it (``earlier_catalogue_version``, written to their global
  configs as ``catalogue_version``; today's code builds every edition, so the key only relabels), so that
  indicator is "not compared" in the latest edition while every other one is.

The latest survey of each country keeps the random stream of a one-edition demo (the spec at gap scale 1),
so the latest edition's data do not depend on the earlier ones. Where the files go:
``data/demo/<ISO3>/`` holds each country's latest survey (the latest edition's configs under ``params/``
point there, as before); an earlier survey goes to ``data/demo/surveys/<year>/<ISO3>/`` and an earlier
edition's configs to ``data/demo/editions/<year>/`` (``global.yml``, ``countries/<ISO3>.yml``): generated
files, next to the demo data, rewritten by every ``solutions demo`` (never the user's own params).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from solutions.catalogue import Catalogue, version_key

#: How many editions the demo series holds (the report year and the ones before it).
N_EDITIONS = 3


@dataclass(frozen=True)
class Survey:
    """One round of a country's survey: the year it was collected and how wide its gaps are."""

    iso3: str
    year: int
    gap_scale: float = 1.0


@dataclass(frozen=True)
class EditionPlan:
    """One edition of the demo report: its year and, per country covered, the survey its figures come from."""

    year: int
    surveys: dict[str, Survey]

    @property
    def countries(self) -> list[str]:
        return list(self.surveys)


# offset of the survey year from the latest report year, and its gap scale, per edition offset
# (edition offset -> country -> (survey offset, gap scale)); countries in DEMO_COUNTRIES order
_SERIES: dict[int, dict[str, tuple[int, float]]] = {
    -2: {"QAB": (-2, 1.45), "QAC": (-2, 1.10), "QAE": (-2, 1.35)},
    -1: {"QAB": (-1, 1.20), "QAC": (-2, 1.10), "QAE": (-1, 1.15)},
    0: {"QAB": (0, 1.0), "QAC": (0, 1.0), "QAD": (-1, 1.0), "QAE": (0, 1.0)},
}


def plan(latest: int, countries: list[str]) -> list[EditionPlan]:
    """The editions of the series ending in ``latest``, oldest first, restricted to ``countries`` (an edition
    left with none of them is dropped; the latest edition covers every country asked for)."""
    out = []
    for offset in sorted(_SERIES):
        series = _SERIES[offset]
        if offset == 0:
            picked = {iso: series.get(iso, (0, 1.0)) for iso in countries}
        else:
            picked = {iso: series[iso] for iso in countries if iso in series}
        if picked:
            out.append(EditionPlan(latest + offset, {iso: Survey(iso, latest + s, g) for iso, (s, g) in picked.items()}))
    return out


def latest_surveys(editions: list[EditionPlan]) -> dict[str, Survey]:
    """Each country's survey in the latest edition (written to ``data/demo/<ISO3>/``)."""
    return dict(editions[-1].surveys)


def survey_folder(survey: Survey, latest: dict[str, Survey]) -> PurePosixPath:
    """Where a survey's files go, relative to the project root."""
    if latest.get(survey.iso3) == survey:
        return PurePosixPath("data", "demo", survey.iso3)
    return PurePosixPath("data", "demo", "surveys", str(survey.year), survey.iso3)


def edition_folder(year: int) -> PurePosixPath:
    """The folder of an earlier edition's generated configs (``global.yml``, ``countries/``)."""
    return PurePosixPath("data", "demo", "editions", str(year))


def seed_words(seed: int, survey: Survey, latest: dict[str, Survey]) -> list[int]:
    """The words of the survey's random stream: the latest survey keeps the one-edition demo's stream."""
    code = int.from_bytes(survey.iso3.encode("ascii"), "big")
    return [seed, code] if latest.get(survey.iso3) == survey else [seed, code, survey.year]


def earlier_catalogue_version(catalogue: Catalogue) -> str | None:
    """The catalogue version the demo's earlier editions were published under: the one just before the latest
    revision of an indicator's definition (``2026.2`` → ``2026.1``, ``2026.1`` → ``2025``), so that the
    revised indicator is not compared across editions; None when no indicator records a revision."""
    revised = [key for i in catalogue.indicators if i.revised and (key := version_key(i.revised))]
    if not revised:
        return None
    last = max(revised)
    return ".".join(str(p) for p in ((*last[:-1], last[-1] - 1) if len(last) > 1 and last[-1] > 1
                                     else (last[0] - 1,)))
